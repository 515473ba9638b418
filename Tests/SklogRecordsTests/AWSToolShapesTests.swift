import Foundation
import Testing
@testable import SklogRecords

/// The four invocations of `PulledFixture` as more AWS tools print them. Each printer follows the
/// tool's source: awscli/text.py (`--output text`), Python's `json.dumps`, awslogs/core.py.
extension PulledFixture {
    /// `aws logs get-log-events --log-group-name G --log-stream-name S --query 'events[*].message'
    /// --output text`, once per stream: text.py's `_format_scalar_list` without an identifier
    /// writes `'\t'.join(messages)` and a newline. Each message ends with its own newline, so
    /// every line after the first starts with a tab.
    static func queryMessages(_ evs: [Event] = events) -> String {
        var s = ""
        for stream in [streamA, streamB] {
            let ms = evs.filter { $0.stream == stream }.map(\.message)
            if !ms.isEmpty { s += ms.joined(separator: "\t") + "\n" }
        }
        return s
    }

    /// `aws logs filter-log-events --log-group-name G --output text`: the top-level scalar
    /// (nextToken) first, then one `EVENTS` row per event with the scalar keys in sorted order —
    /// eventId, ingestionTime, logStreamName, message, timestamp — then `SEARCHEDLOGSTREAMS`.
    /// The message is printed as is: its newline puts the timestamp on a line of its own.
    static func filterLogEventsText(_ evs: [Event] = events) -> String {
        var s = "Bxkq6kVGFtq2y_MoigeqscPOdhXVbhiVtLoAmXb5jCrI7fXLrZ8ynwRpzdXBzGBBBzDAPV1bDWUbn6vs\n"
        for (i, e) in evs.enumerated() {
            s += "EVENTS\t3770\(String(format: "%052d", i))\t\(e.ts + 850)\t\(e.stream)\t\(e.message)\t\(e.ts)\n"
        }
        s += "SEARCHEDLOGSTREAMS\t\(streamA)\tTrue\nSEARCHEDLOGSTREAMS\t\(streamB)\tTrue\n"
        return s
    }

    /// `aws logs get-log-events … --output text`: the two tokens (sorted: nextBackwardToken,
    /// nextForwardToken) first, then `EVENTS\tINGESTION\tMESSAGE\tTIMESTAMP` rows.
    static func getLogEventsText(_ evs: [Event]) -> String {
        var s = "b/37706118240553391286574476232232962048211458271848857600/s\tf/37706118240553391286574476232232962048211458271848857600/s\n"
        for e in evs { s += "EVENTS\t\(e.ts + 700)\t\(e.message)\t\(e.ts)\n" }
        return s
    }

    /// `print(json.dumps(resp["events"], indent=2))` of a boto3 `filter_log_events` response
    /// (keys in the response's order: logStreamName, timestamp, message, ingestionTime, eventId;
    /// `indent` gives `", "`-free lines and `": "`), or `json.dumps(resp["events"])` on one line.
    static func boto3Events(_ evs: [Event] = events, indent: Int?) -> String {
        func obj(_ i: Int, _ e: Event) -> [(String, String)] {
            [("logStreamName", quote(e.stream)), ("timestamp", "\(e.ts)"), ("message", quote(e.message)),
             ("ingestionTime", "\(e.ts + 850)"), ("eventId", quote("3770\(String(format: "%052d", i))"))]
        }
        guard let n = indent else {
            return "[" + evs.enumerated().map { i, e in "{" + obj(i, e).map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}" }.joined(separator: ", ") + "]\n"
        }
        let p1 = String(repeating: " ", count: n), p2 = String(repeating: " ", count: 2 * n)
        return "[\n" + evs.enumerated().map { i, e in
            "\(p1){\n" + obj(i, e).map { "\(p2)\"\($0.0)\": \($0.1)" }.joined(separator: ",\n") + "\n\(p1)}"
        }.joined(separator: ",\n") + "\n]\n"
    }

    /// `awslogs get /aws/lambda/space-facts` (awslogs/core.py, `list_logs`): `' '.join` of the
    /// group, the stream `ljust(width)` (10 when no stream pattern is given), the time
    /// (`--timestamp`, `milis2iso`), and `message.rstrip()`; `-G`/`-S` drop group/stream;
    /// `colour` wraps group and stream as termcolor does.
    static func awslogs(_ evs: [Event] = events, group: Bool = true, stream: Bool = true, timestamp: Bool = false,
                        width: Int = 10, colour: Bool = false) -> String {
        let g = "/aws/lambda/space-facts"
        return evs.map { e -> String in
            var out: [String] = []
            if group { out.append(colour ? "\u{1b}[32m\(g)\u{1b}[0m" : g) }
            if stream {
                let s = e.stream.count < width ? e.stream + String(repeating: " ", count: width - e.stream.count) : e.stream
                out.append(colour ? "\u{1b}[36m\(s)\u{1b}[0m" : s)
            }
            if timestamp { out.append(iso(e.ts)) }
            var m = e.message
            while let l = m.last, l.isWhitespace { m.removeLast() }
            out.append(m)
            return out.joined(separator: " ") + "\n"
        }.joined()
    }
}

@Suite struct AWSToolShapesTests {
    /// START and REPORT have no time in the tab-joined messages: each record's time is its
    /// envelope line's own (a few ms after START), as with `aws logs tail --format short`.
    static let envelopeTimes = ["2026-11-24T10:00:00.102Z", "2026-11-24T10:00:02.003Z", "2026-11-24T10:00:05.304Z", "2026-11-24T10:00:05.311Z"]

    @Test func queryMessagesJoinedByTabs() throws {
        let text = PulledFixture.queryMessages()
        #expect(text.hasPrefix("START RequestId: 11111111-1111-4111-8111-111111111111 Version: $LATEST\n\t2026-11-24T10:00:00.102Z\t"))
        let r = try RawRun.text(text)
        try checkPulledFixture(r, sourceLabel: "--query events[*].message --output text", ts: Self.envelopeTimes)
        #expect(r.accounting.timesFromRequest == 0)
        try checkPulledFixture(try RawRun.text(text, format: .cloudwatchMessages), sourceLabel: "forced", ts: Self.envelopeTimes)
    }

    @Test func queryMessagesWithoutAnyLogTime() throws {
        // A Python skill that print()s its envelope: no line of the invocation has a time. The
        // record takes request.timestamp (whole seconds) and the summary says so; REPORT still
        // ends it (success, 41 ms), and a cut invocation (no REPORT) is not a timeout.
        let log = "START RequestId: aaaa-1 Version: $LATEST\n\t" + env("Q1", "LaunchRequest").replacingOccurrences(of: "\n", with: "") + "\n"
            + "\tEND RequestId: aaaa-1\n\tREPORT RequestId: aaaa-1\tDuration: 40.70 ms\tBilled Duration: 41 ms\t\n"
            + "\tSTART RequestId: bbbb-2 Version: $LATEST\n\t" + env("Q2", "LaunchRequest").replacingOccurrences(of: "\n", with: "") + "\n"
        let r = try RawRun.text(log)
        let q1 = try #require(r.record("Q1"))
        #expect(q1["latencyMs"] as? Int == 41)
        #expect(q1["outcome"] as? String == "success")
        #expect(r.accounting.timesFromRequest >= 1)
        #expect(r.accounting.summaryLine.contains("from request.timestamp"))
        if let q2 = r.record("Q2") {
            #expect(q2["outcome"] as? String != "no_response")
            #expect(q2["errorType"] as? String != "ENDPOINT_TIMEOUT")
        }
    }

    @Test func filterLogEventsOutputText() throws {
        let text = PulledFixture.filterLogEventsText()
        #expect(text.contains("\nEVENTS\t3770"))
        // The log times are the rows' own: START's (10:00:00.100 for P1), as in the JSON output.
        try checkPulledFixture(try RawRun.text(text), sourceLabel: "filter-log-events --output text")
        try checkPulledFixture(try RawRun.text(text, format: .cloudwatchText), sourceLabel: "forced")
    }

    @Test func getLogEventsOutputTextPerStream() throws {
        let evs = PulledFixture.events
        let text = PulledFixture.getLogEventsText(evs.filter { $0.stream == PulledFixture.streamA })
            + PulledFixture.getLogEventsText(evs.filter { $0.stream == PulledFixture.streamB })
        #expect(text.hasPrefix("b/"))
        try checkPulledFixture(try RawRun.text(text), sourceLabel: "get-log-events --output text")
    }

    @Test func boto3EventListDumped() throws {
        for indent in [2, 4, nil] as [Int?] {
            let text = PulledFixture.boto3Events(indent: indent)
            try checkPulledFixture(try RawRun.text(text), sourceLabel: "json.dumps(events, indent=\(String(describing: indent)))")
        }
        try checkPulledFixture(try RawRun.text(PulledFixture.boto3Events(indent: 2), format: .cloudwatchJSON), sourceLabel: "forced")
    }

    @Test func awslogsGet() throws {
        // Without --timestamp no line has a log time but the application lines' own: records take
        // their envelope line's time. With it, START's.
        let e = Self.envelopeTimes
        let plain = PulledFixture.awslogs()
        #expect(plain.hasPrefix("/aws/lambda/space-facts 2026/11/24/[$LATEST]0f1e2d3c4b5a69788796a5b4c3d2e1f0 START RequestId: "))
        try checkPulledFixture(try RawRun.text(plain), sourceLabel: "awslogs get GROUP", ts: e)
        try checkPulledFixture(try RawRun.text(plain, format: .awslogs), sourceLabel: "forced", ts: e)
        try checkPulledFixture(try RawRun.text(PulledFixture.awslogs(width: 60)), sourceLabel: "awslogs get GROUP PREFIX (padded streams)", ts: e)
        try checkPulledFixture(try RawRun.text(PulledFixture.awslogs(colour: true)), sourceLabel: "awslogs in colour", ts: e)
        try checkPulledFixture(try RawRun.text(PulledFixture.awslogs(timestamp: true)), sourceLabel: "awslogs --timestamp")
        try checkPulledFixture(try RawRun.text(PulledFixture.awslogs(group: false)), sourceLabel: "awslogs -G", ts: e)
        // -S: one state for all streams; every line carries its request id.
        try checkPulledFixture(try RawRun.text(PulledFixture.awslogs(stream: false)), sourceLabel: "awslogs -S", ts: e)
        try checkPulledFixture(try RawRun.text(PulledFixture.awslogs(group: false, timestamp: true)), sourceLabel: "awslogs -G --timestamp")
    }

    @Test func awslogsWithoutGroupAndStream() throws {
        // `-G -S`: the messages alone, stripped at the end: Lambda text without log times on START.
        let text = PulledFixture.awslogs(group: false, stream: false)
        try checkPulledFixture(try RawRun.text(text), sourceLabel: "awslogs -G -S", ts: Self.envelopeTimes)
    }
}

import Foundation
@testable import SklogRecords

/// The same four invocations of one skill, as the log events CloudWatch stores for a Node.js
/// Lambda (AWS Lambda docs, "Using CloudWatch Logs with Lambda" / Node.js logging: START, the
/// application lines `TS\tID\tLEVEL\tMESSAGE`, END, REPORT; each event's message ends with a
/// newline), rendered the ways developers pull them: `aws logs tail`, `aws logs
/// filter-log-events --output json`, `aws logs get-log-events`, and a Logs Insights CSV export.
///
/// Ground truth, worked out by hand from the events below:
/// - P1 (IntentRequest): ts 10:00:00.100 (START), latency 412.60 ms -> 413, success, speech.
/// - P2 (IntentRequest): the SDK finds no handler -> errorType NoHandler, outcome error, 20 ms.
/// - P3 (LaunchRequest): envelope pretty-printed over several lines; cold start 95.12 + 301.40
///   = 396.52 -> 397 ms.
/// - P4 (SessionEndedRequest) in a second log stream, interleaved with P3: no outcome.
/// One record in four is unhandled (25 %), never all of them.
enum PulledFixture {
    static let streamA = "2026/11/24/[$LATEST]0f1e2d3c4b5a69788796a5b4c3d2e1f0"
    static let streamB = "2026/11/24/[$LATEST]aa11bb22cc33dd44ee55ff6600778899"
    static let t0: Int64 = 1_795_514_400_000  // 2026-11-24T10:00:00.000Z

    struct Event { var stream: String; var ts: Int64; var message: String }

    static func iso(_ ms: Int64) -> String { Timestamp.string(ms) }

    static var events: [Event] {
        let a = streamA, b = streamB
        let id1 = "11111111-1111-4111-8111-111111111111", id2 = "22222222-2222-4222-8222-222222222222"
        let id3 = "33333333-3333-4333-8333-333333333333", id4 = "44444444-4444-4444-8444-444444444444"
        func app(_ ms: Int64, _ id: String, _ level: String, _ text: String) -> String { "\(iso(t0 + ms))\t\(id)\t\(level)\t\(text)\n" }
        return [
            Event(stream: a, ts: t0 + 100, message: "START RequestId: \(id1) Version: $LATEST\n"),
            Event(stream: a, ts: t0 + 102, message: app(102, id1, "INFO", "REQUEST ENVELOPE: " + env("P1", "IntentRequest", extra: #","intent":{"name":"GetFactIntent","slots":{"planet":{"name":"planet","value":"mars"}}}"#))),
            Event(stream: a, ts: t0 + 507, message: app(507, id1, "INFO", "Response: " + resp("<speak>Mars has two moons.</speak>"))),
            Event(stream: a, ts: t0 + 514, message: "END RequestId: \(id1)\n"),
            Event(stream: a, ts: t0 + 514, message: "REPORT RequestId: \(id1)\tDuration: 412.60 ms\tBilled Duration: 413 ms\tMemory Size: 128 MB\tMax Memory Used: 81 MB\t\n"),
            Event(stream: a, ts: t0 + 2_000, message: "START RequestId: \(id2) Version: $LATEST\n"),
            Event(stream: a, ts: t0 + 2_003, message: app(2_003, id2, "INFO", "REQUEST ENVELOPE: " + env("P2", "IntentRequest", extra: #","intent":{"name":"AMAZON.HelpIntent"}"#))),
            Event(stream: a, ts: t0 + 2_015, message: app(2_015, id2, "ERROR", "~~~~ Error handled: Error: Unable to find a suitable request handler.\n    at RequestDispatcher.dispatch (/var/task/node_modules/ask-sdk-core/dist/dispatcher/GenericRequestDispatcher.js:65:27)")),
            Event(stream: a, ts: t0 + 2_019, message: app(2_019, id2, "INFO", "Response: " + resp("<speak>Sorry, I had trouble doing what you asked.</speak>"))),
            Event(stream: a, ts: t0 + 2_021, message: "END RequestId: \(id2)\n"),
            Event(stream: a, ts: t0 + 2_021, message: "REPORT RequestId: \(id2)\tDuration: 19.71 ms\tBilled Duration: 20 ms\tMemory Size: 128 MB\tMax Memory Used: 81 MB\t\n"),
            Event(stream: b, ts: t0 + 5_000, message: "INIT_START Runtime Version: nodejs:20.v33\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:0123\n"),
            Event(stream: b, ts: t0 + 5_300, message: "START RequestId: \(id3) Version: $LATEST\n"),
            Event(stream: b, ts: t0 + 5_304, message: app(5_304, id3, "INFO", "REQUEST ENVELOPE: " + pretty(env("P3", "LaunchRequest", session: "amzn1.echo-api.session.S3", user: "amzn1.ask.account.U3")))),
            Event(stream: a, ts: t0 + 5_310, message: "START RequestId: \(id4) Version: $LATEST\n"),
            Event(stream: a, ts: t0 + 5_311, message: app(5_311, id4, "INFO", "~~~~ Session ended: " + env("P4", "SessionEndedRequest", extra: #","reason":"USER_INITIATED""#))),
            Event(stream: b, ts: t0 + 5_390, message: app(5_390, id3, "INFO", "Response: " + resp("<speak>Welcome to space facts.</speak>", reprompt: true))),
            Event(stream: b, ts: t0 + 5_398, message: "END RequestId: \(id3)\n"),
            Event(stream: a, ts: t0 + 5_399, message: "END RequestId: \(id4)\n"),
            Event(stream: b, ts: t0 + 5_398, message: "REPORT RequestId: \(id3)\tDuration: 95.12 ms\tBilled Duration: 96 ms\tMemory Size: 128 MB\tMax Memory Used: 80 MB\tInit Duration: 301.40 ms\t\n"),
            Event(stream: a, ts: t0 + 5_399, message: "REPORT RequestId: \(id4)\tDuration: 3.33 ms\tBilled Duration: 4 ms\tMemory Size: 128 MB\tMax Memory Used: 81 MB\t\n"),
        ]
    }

    /// `aws logs tail /aws/lambda/space-facts` (AWS CLI v2 reference, `aws logs tail`, default
    /// `--format detailed`): `isoformat()` time, stream name, message as is.
    static func tail(_ evs: [Event] = events) -> String {
        evs.map { e -> String in
            var t = iso(e.ts)  // 2026-11-24T10:00:00.100Z -> 2026-11-24T10:00:00.100000+00:00
            t.removeLast()
            t += "000+00:00"
            return "\(t) \(e.stream) \(e.message)"
        }.joined()
    }

    /// `aws logs tail … --format short` (AWS CLI v2 reference, `aws logs tail`: "a shortened
    /// timestamp and the log message"; awscli/customizations/logs/tail.py, ShortLogEventsFormatter:
    /// `strftime("%Y-%m-%dT%H:%M:%S")` of the UTC time, a space, the message, the line's end
    /// stripped and one newline): whole seconds, no zone, no stream name.
    static func tailShort(_ evs: [Event] = events) -> String {
        evs.map { e -> String in
            let t = String(iso(e.ts).prefix(19))  // 2026-11-24T10:00:00.100Z -> 2026-11-24T10:00:00
            var line = "\(t) \(e.message)"
            while let l = line.last, l.isWhitespace { line.removeLast() }
            return line + "\n"
        }.joined()
    }

    static func quote(_ s: String) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: [s], options: [.withoutEscapingSlashes]), as: UTF8.self).dropFirst().dropLast().description
    }

    /// `aws logs filter-log-events --log-group-name … --output json` (AWS CLI v2 reference:
    /// `events[]` with logStreamName, timestamp, message, ingestionTime, eventId; then
    /// searchedLogStreams and nextToken), printed the way the CLI does, 4-space indents.
    static func filterLogEvents(_ evs: [Event] = events, nextToken: Bool = true) -> String {
        var s = "{\n    \"events\": [\n"
        s += evs.enumerated().map { i, e in
            """
                    {
                        "logStreamName": \(quote(e.stream)),
                        "timestamp": \(e.ts),
                        "message": \(quote(e.message)),
                        "ingestionTime": \(e.ts + 850),
                        "eventId": "3770\(String(format: "%052d", i))"
                    }
            """
        }.joined(separator: ",\n")
        s += "\n    ],\n    \"searchedLogStreams\": [\n        {\n            \"logStreamName\": \(quote(streamA)),\n            \"searchedCompletely\": true\n        }\n    ]"
        if nextToken { s += ",\n    \"nextToken\": \"Bxkq6kVGFtq2y_MoigeqscPOdhXVbhiVtLoAmXb5jCrI7fXLrZ8ynwRpzdXBzGBBBzDAPV1bDWUbn6vs\"" }
        s += "\n}\n"
        return s
    }

    /// `aws logs get-log-events --log-group-name … --log-stream-name S` (AWS CLI reference): one
    /// stream, no logStreamName in the events, nextForwardToken/nextBackwardToken.
    static func getLogEvents(_ evs: [Event]) -> String {
        var s = "{\n    \"events\": [\n"
        s += evs.map { e in
            "        {\n            \"timestamp\": \(e.ts),\n            \"message\": \(quote(e.message)),\n            \"ingestionTime\": \(e.ts + 700)\n        }"
        }.joined(separator: ",\n")
        s += "\n    ],\n    \"nextForwardToken\": \"f/37706118240553391286574476232232962048211458271848857600/s\",\n    \"nextBackwardToken\": \"b/37706118240553391286574476232232962048211458271848857600/s\"\n}\n"
        return s
    }

    /// A CloudWatch Logs Insights result exported from the console as CSV ("Export results",
    /// "Download table (CSV)") for `fields @timestamp, @message, @logStream, @log | sort
    /// @timestamp desc`: newest first, the message quoted with its newlines.
    static func insightsCSV(_ evs: [Event] = events) -> String {
        var s = "@timestamp,@message,@logStream,@log\n"
        for e in evs.enumerated().sorted(by: { ($0.element.ts, $0.offset) > ($1.element.ts, $1.offset) }).map(\.element) {
            var t = iso(e.ts)
            t = t.replacingOccurrences(of: "T", with: " ")
            t.removeLast()
            s += "\(t),\"\(e.message.replacingOccurrences(of: "\"", with: "\"\""))\",\(e.stream),123456789012:/aws/lambda/space-facts\n"
        }
        return s
    }
}

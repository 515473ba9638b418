import Foundation
import Testing
import SklogIO
@testable import SklogRecords

/// Checks the four records of `PulledFixture` against the values worked out by hand there.
/// `ts`: the records' times P1-P4 (START's, unless the input has them only to the second).
func checkPulledFixture(_ r: RawRun, srcP1: String? = nil, srcP3: String? = nil, sourceLabel: Comment,
                        ts: [String] = ["2026-11-24T10:00:00.100Z", "2026-11-24T10:00:02.000Z", "2026-11-24T10:00:05.300Z", "2026-11-24T10:00:05.310Z"]) throws {
    #expect(r.rejectedTotal == 0, sourceLabel)
    #expect(r.records.count == 4, sourceLabel)
    let p1 = try #require(r.record("P1"), sourceLabel), p2 = try #require(r.record("P2"), sourceLabel)
    let p3 = try #require(r.record("P3"), sourceLabel), p4 = try #require(r.record("P4"), sourceLabel)
    #expect(p1["ts"] as? String == ts[0], sourceLabel)  // START's time, not the envelope line's
    #expect(p1["latencyMs"] as? Int == 413, sourceLabel)                      // REPORT 412.60 ms
    #expect(p1["latencySource"] as? String == "lambda", sourceLabel)
    #expect(p1["outcome"] as? String == "success", sourceLabel)
    #expect(p1["errorType"] == nil, sourceLabel)
    #expect(jsonEqual(p1["slots"], ["planet": "mars"]), sourceLabel)
    #expect(p1["lambdaRequestId"] as? String == "11111111-1111-4111-8111-111111111111", sourceLabel)
    #expect(p2["ts"] as? String == ts[1], sourceLabel)
    #expect(p2["errorType"] as? String == "NoHandler", sourceLabel)
    #expect(p2["outcome"] as? String == "error", sourceLabel)
    #expect(p2["latencyMs"] as? Int == 20, sourceLabel)
    #expect(p3["ts"] as? String == ts[2], sourceLabel)
    #expect(p3["latencyMs"] as? Int == 397, sourceLabel)                      // 95.12 + 301.40 (cold start)
    #expect(p3["outcome"] as? String == "success", sourceLabel)
    #expect(p3["reprompt"] as? Bool == true, sourceLabel)
    #expect(p3["sessionId"] as? String == "amzn1.echo-api.session.S3", sourceLabel)
    #expect(p3["errorType"] == nil, sourceLabel)
    #expect(p4["ts"] as? String == ts[3], sourceLabel)
    #expect(p4["requestType"] as? String == "SessionEndedRequest", sourceLabel)
    #expect(p4["reason"] as? String == "USER_INITIATED", sourceLabel)
    #expect(p4["outcome"] == nil, sourceLabel)
    #expect(p4["errorType"] == nil, sourceLabel)
    #expect(p4["latencyMs"] as? Int == 3, sourceLabel)
    // One in four unhandled, not all.
    #expect(r.records.filter { $0["errorType"] as? String == "NoHandler" }.count == 1, sourceLabel)
    if let s = srcP1 { #expect(p1["src"] as? String == s, sourceLabel) }
    if let s = srcP3 { #expect(p3["src"] as? String == s, sourceLabel) }
}

@Suite struct PulledLogsTests {
    @Test func awsLogsTail() throws {
        let text = PulledFixture.tail()
        #expect(text.hasPrefix("2026-11-24T10:00:00.100000+00:00 2026/11/24/[$LATEST]0f1e"))
        let r = try RawRun.text(text)
        // Lines: START 1 … REPORT 5, START 6, the two-line error 8-9, …, INIT_START 13, START 14.
        try checkPulledFixture(r, srcP1: "in1.log:1", srcP3: "in1.log:14", sourceLabel: "aws logs tail")
        // Forced, the same.
        try checkPulledFixture(try RawRun.text(text, format: .cloudwatchTail), sourceLabel: "--input-format cloudwatch-tail")
    }

    @Test func awsLogsTailShort() throws {
        let text = PulledFixture.tailShort()
        #expect(text.hasPrefix("2026-11-24T10:00:00 START RequestId: 11111111-1111-4111-8111-111111111111 Version: $LATEST\n2026-11-24T10:00:00 2026-11-24T10:00:00.102Z\t"))
        // START's time is whole seconds here (10:00:00 for 10:00:00.100); the envelope's line has
        // its own, a few ms after START in the same second: P1 10:00:00.102, P2 10:00:02.003, P3
        // 10:00:05.304, P4 10:00:05.311. The rest as in the detailed format (REPORT latencies).
        let ts = ["2026-11-24T10:00:00.102Z", "2026-11-24T10:00:02.003Z", "2026-11-24T10:00:05.304Z", "2026-11-24T10:00:05.311Z"]
        try checkPulledFixture(try RawRun.text(text), srcP1: "in1.log:1", srcP3: "in1.log:14", sourceLabel: "aws logs tail --format short", ts: ts)
        try checkPulledFixture(try RawRun.text(text, format: .cloudwatchTail), sourceLabel: "--input-format cloudwatch-tail, short", ts: ts)
    }

    @Test func awsLogsTailShortWithoutOwnTimes() throws {
        // A Python `print(event)` line has no time of its own: the record keeps START's second.
        // An empty event's line is the bare time (the CLI strips the space).
        let log = """
        2026-11-24T10:00:07 START RequestId: cccc-3 Version: $LATEST
        2026-11-24T10:00:07 \(env("T3", "LaunchRequest"))
        2026-11-24T10:00:07
        2026-11-24T10:00:08 END RequestId: cccc-3
        2026-11-24T10:00:08 REPORT RequestId: cccc-3\tDuration: 812.30 ms\tBilled Duration: 813 ms
        """
        let r = try RawRun.text(log)
        #expect(r.rejectedTotal == 0)
        let t3 = try #require(r.record("T3"))
        #expect(t3["ts"] as? String == "2026-11-24T10:00:07.000Z")
        #expect(t3["latencyMs"] as? Int == 812)
        #expect(t3["lambdaRequestId"] as? String == "cccc-3")
    }

    @Test func awsLogsTailWholeSecondsAndOneStreamsPrint() throws {
        // isoformat() drops the fraction on a whole second: `2026-11-24T10:00:00+00:00`. A line
        // without a request id (a Python print) goes to the invocation open in its own stream.
        let a = PulledFixture.streamA, b = PulledFixture.streamB
        let log = """
        2026-11-24T10:00:00+00:00 \(a) START RequestId: aaaa-1 Version: $LATEST
        2026-11-24T10:00:00.001000+00:00 \(b) START RequestId: bbbb-2 Version: $LATEST
        2026-11-24T10:00:00.002000+00:00 \(a) \(env("T1", "LaunchRequest"))
        2026-11-24T10:00:00.003000+00:00 \(b) \(env("T2", "LaunchRequest"))
        2026-11-24T10:00:00.050000+00:00 \(b) END RequestId: bbbb-2
        2026-11-24T10:00:00.050000+00:00 \(b) REPORT RequestId: bbbb-2\tDuration: 40.00 ms\tBilled Duration: 40 ms
        2026-11-24T10:00:00.060000+00:00 \(a) END RequestId: aaaa-1
        2026-11-24T10:00:00.060000+00:00 \(a) REPORT RequestId: aaaa-1\tDuration: 55.00 ms\tBilled Duration: 55 ms
        """
        let r = try RawRun.text(log)
        #expect(r.rejectedTotal == 0)
        let t1 = try #require(r.record("T1")), t2 = try #require(r.record("T2"))
        #expect(t1["ts"] as? String == "2026-11-24T10:00:00.000Z")
        #expect(t1["lambdaRequestId"] as? String == "aaaa-1")
        #expect(t1["latencyMs"] as? Int == 55)
        #expect(t2["lambdaRequestId"] as? String == "bbbb-2")
        #expect(t2["latencyMs"] as? Int == 40)
    }
}

@Suite struct CloudWatchJSONTests {
    @Test func filterLogEventsOutputJSON() throws {
        let text = PulledFixture.filterLogEvents()
        let r = try RawRun.text(text)
        // Line 1 `{`, 2 `"events": [`, 3 the first event's `{` (its START).
        try checkPulledFixture(r, srcP1: "in1.log:3", sourceLabel: "filter-log-events")
        try checkPulledFixture(try RawRun.text(text, format: .cloudwatchJSON), sourceLabel: "--input-format cloudwatch-json")
    }

    @Test func getLogEventsPagesOfTwoStreams() throws {
        // One get-log-events call per stream (no logStreamName in the events), several pages each,
        // saved one after the other: `aws logs get-log-events … >> dump.json`.
        let evs = PulledFixture.events
        let a = evs.filter { $0.stream == PulledFixture.streamA }, b = evs.filter { $0.stream == PulledFixture.streamB }
        let text = PulledFixture.getLogEvents(Array(a.prefix(7))) + PulledFixture.getLogEvents(Array(a.dropFirst(7)))
            + PulledFixture.getLogEvents(b) + PulledFixture.getLogEvents([])
        // Without logStreamName the events share one stream state: their lines carry request ids.
        let r = try RawRun.text(text)
        try checkPulledFixture(r, sourceLabel: "get-log-events pages")
    }

    @Test func compactDocumentsOnePerLine() throws {
        // `aws logs filter-log-events … | jq -c .`: one document per line, pages back to back.
        func compact(_ s: String) -> String {
            let o = try! JSONSerialization.jsonObject(with: Data(s.utf8))
            return String(decoding: try! JSONSerialization.data(withJSONObject: o, options: [.withoutEscapingSlashes]), as: UTF8.self)
        }
        let evs = PulledFixture.events
        let text = compact(PulledFixture.filterLogEvents(Array(evs.prefix(9)))) + "\n" + compact(PulledFixture.filterLogEvents(Array(evs.dropFirst(9)), nextToken: false)) + "\n"
        try checkPulledFixture(try RawRun.text(text), srcP1: "in1.log:1", sourceLabel: "compact pages")
    }

    @Test func subscriptionPayloadAsTheDocsPrintIt() throws {
        // CloudWatch Logs User Guide, "Subscription filters" example: the decoded payload
        // pretty-printed with 4-space indents (messageType, owner, logGroup, logStream,
        // subscriptionFilters, logEvents[id, timestamp, message]).
        let evs = PulledFixture.events.filter { $0.stream == PulledFixture.streamA }
        var s = "{\n    \"messageType\": \"DATA_MESSAGE\",\n    \"owner\": \"123456789012\",\n    \"logGroup\": \"/aws/lambda/space-facts\",\n"
        s += "    \"logStream\": \(PulledFixture.quote(PulledFixture.streamA)),\n    \"subscriptionFilters\": [\n        \"Destination\"\n    ],\n    \"logEvents\": [\n"
        s += evs.enumerated().map { i, e in
            "        {\n            \"id\": \"3195310660696698337880902507980421114328961542429822\(i)\",\n            \"timestamp\": \(e.ts),\n            \"message\": \(PulledFixture.quote(e.message))\n        }"
        }.joined(separator: ",\n")
        s += "\n    ]\n}\n"
        let r = try RawRun.text(s)
        #expect(r.rejectedTotal == 0)
        #expect(Set(r.records.compactMap { $0["messageId"] as? String }) == ["P1", "P2", "P4"])
        #expect(r.record("P1")?["latencyMs"] as? Int == 413)
        #expect(r.record("P2")?["errorType"] as? String == "NoHandler")
    }

    @Test func awslogsWrapperAsTheLambdaDocsPrintIt() throws {
        // AWS Lambda Developer Guide, "Using Lambda with CloudWatch Logs": the event a subscriber
        // receives, `{"awslogs": {"data": "H4sI…"}}`, pretty-printed with 2-space indents.
        let evs = PulledFixture.events.filter { $0.stream == PulledFixture.streamB }
        let payload = "{\"messageType\":\"DATA_MESSAGE\",\"owner\":\"123456789012\",\"logGroup\":\"/aws/lambda/space-facts\",\"logStream\":\(PulledFixture.quote(PulledFixture.streamB)),\"subscriptionFilters\":[\"f\"],\"logEvents\":["
            + evs.enumerated().map { i, e in "{\"id\":\"\(i)\",\"timestamp\":\(e.ts),\"message\":\(PulledFixture.quote(e.message))}" }.joined(separator: ",") + "]}"
        let data = try GzipWriter.compress(Array(payload.utf8)).base64
        let s = "{\n  \"awslogs\": {\n    \"data\": \"\(data)\"\n  }\n}\n"
        let r = try RawRun.text(s)
        #expect(r.rejectedTotal == 0)
        #expect(r.records.count == 1)
        #expect(r.record("P3")?["latencyMs"] as? Int == 397)
    }

    @Test func cutDocumentAndGarbage() throws {
        // A dump cut in the middle of an event (the terminal closed), then the next page in full.
        let evs = PulledFixture.events
        let first = PulledFixture.filterLogEvents(Array(evs.prefix(11)))
        let cutAt = first.range(of: "\"message\": \"START RequestId: 22222222")!.lowerBound
        var lines = String(first[..<cutAt]).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[lines.count - 1] += "\"message\": \"START Requ"  // the line ends inside a string
        let text = lines.joined(separator: "\n") + "\n" + "not JSON at all\n" + PulledFixture.filterLogEvents(Array(evs.dropFirst(5)))
        let r = try RawRun.text(text)
        // P1 was read in full before the cut; everything of the second document is there too.
        #expect(r.rejected["truncated JSON document"] == 1)
        #expect(r.rejected["invalid subscription payload"] == 1)  // the garbage line
        #expect(r.rejectedTotal == 2)
        #expect(r.records.count == 4)
        #expect(r.record("P1")?["latencyMs"] as? Int == 413)
        #expect(r.record("P3")?["latencyMs"] as? Int == 397)
    }

    @Test func cutAtTheEndOfTheInput() throws {
        let text = PulledFixture.filterLogEvents()
        let cut = String(text.prefix(text.count - 40))  // inside the searchedLogStreams member
        let r = try RawRun.text(cut)
        #expect(r.records.count == 4)
        #expect(r.rejected["truncated JSON document"] == 1)
        #expect(r.rejectedTotal == 1)
    }
}

extension Array where Element == UInt8 {
    var base64: String { Data(self).base64EncodedString() }
}

@Suite struct InsightsCSVTests {
    @Test func consoleExportNewestFirst() throws {
        let text = PulledFixture.insightsCSV()
        #expect(text.hasPrefix("@timestamp,@message,@logStream,@log\n2026-11-24 10:00:05.399,\"REPORT"))
        try checkPulledFixture(try RawRun.text(text), sourceLabel: "Insights CSV")
        try checkPulledFixture(try RawRun.text(text, format: .insightsCSV), sourceLabel: "--input-format insights-csv")
    }

    @Test func oldestFirstAndOnlyTwoColumns() throws {
        // `fields @timestamp, @message | sort @timestamp asc`: no stream column; RFC 3339 times.
        var s = "@timestamp,@message\n"
        for e in PulledFixture.events {
            s += "\(PulledFixture.iso(e.ts)),\"\(e.message.replacingOccurrences(of: "\"", with: "\"\""))\"\n"
        }
        try checkPulledFixture(try RawRun.text(s), srcP1: "in1.log:2", sourceLabel: "ascending")
    }

    @Test func aLiteralQuoteAfterAMultiLineMessage() throws {
        // A column after the message with a quote inside it (`x"y`, literal: not at the cell's
        // start). The message's closing line `",STREAM,GROUP,x"y` has an even number of quotes,
        // yet it ends the row.
        let text = PulledFixture.insightsCSV().replacingOccurrences(of: "@log\n", with: "@log,note\n")
            .replacingOccurrences(of: ":/aws/lambda/space-facts\n", with: ":/aws/lambda/space-facts,x\"y\n")
        #expect(text.contains("space-facts,x\"y\n2026-11-24 10:00:05.398,"))
        try checkPulledFixture(try RawRun.text(text), sourceLabel: "Insights CSV with a literal quote")
    }

    @Test func unterminatedQuotedCell() throws {
        let text = PulledFixture.insightsCSV()
        // The last row (P1's START, the oldest) is cut inside its quoted message.
        let cut = String(text.dropLast(110))
        let r = try RawRun.text(cut)
        #expect(r.rejected["invalid CSV row"] == 1)
        #expect(r.records.count == 4)  // P1 is still read from its envelope, without its START
    }
}

@Suite struct ExportFolderTests {
    /// An export to S3 synced to disk (CloudWatch Logs User Guide, "Exporting log data to Amazon
    /// S3": `<prefix>/<task id>/<log stream>/000000.gz`, the stream name's slashes as folders,
    /// and `aws-logs-write-test` at the prefix).
    static func makeExport(_ lines: (a: [String], b: [String]), split: Int) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("sklog-export-\(UUID().uuidString)")
        let task = root.appendingPathComponent("exportedlogs/9f2c4e1a-0b1d-4c3e-8f5a-6b7c8d9e0f1a")
        let sa = task.appendingPathComponent("2026/11/24/[$LATEST]0f1e2d3c4b5a69788796a5b4c3d2e1f0")
        let sb = task.appendingPathComponent("2026/11/24/[$LATEST]aa11bb22cc33dd44ee55ff6600778899")
        for d in [sa, sb] { try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true) }
        try Data("Permission Check Successful".utf8).write(to: root.appendingPathComponent("exportedlogs/aws-logs-write-test"))
        func gz(_ ls: ArraySlice<String>) throws -> Data { Data(try GzipWriter.compress(Array((ls.joined(separator: "\n") + "\n").utf8))) }
        // Stream A is split in two parts in the middle of an invocation (exports split by size).
        try gz(lines.a[..<split]).write(to: sa.appendingPathComponent("000000.gz"))
        try gz(lines.a[split...]).write(to: sa.appendingPathComponent("000001.gz"))
        try gz(lines.b[...]).write(to: sb.appendingPathComponent("000000.gz"))
        return root
    }

    /// Export lines (`TS SPACE MESSAGE`) of the fixture's events, by stream.
    static var exportLines: (a: [String], b: [String]) {
        func lines(_ s: String) -> [String] {
            PulledFixture.events.filter { $0.stream == s }.flatMap { e -> [String] in
                var m = e.message
                if m.hasSuffix("\n") { m.removeLast() }
                let ls = m.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                return ["\(PulledFixture.iso(e.ts)) \(ls[0])"] + ls.dropFirst()
            }
        }
        return (lines(PulledFixture.streamA), lines(PulledFixture.streamB))
    }

    @Test func folderReadWholeWithPartsJoined() throws {
        let ls = Self.exportLines
        // Line 7 of stream A is P2's REQUEST ENVELOPE line: START and envelope in part 0,
        // the rest of P2 in part 1.
        #expect(ls.a[6].contains("REQUEST ENVELOPE"))
        let root = try Self.makeExport(ls, split: 7)
        defer { try? FileManager.default.removeItem(at: root) }
        let r = try RawRun.run([root.path])
        try checkPulledFixture(r, srcP1: "000000.gz:1", sourceLabel: "export folder")
        #expect(r.record("P2")?["src"] as? String == "000000.gz:6")  // its START, in the first part
        // Named one by one, the parts of a stream are joined too.
        let sa = root.appendingPathComponent("exportedlogs/9f2c4e1a-0b1d-4c3e-8f5a-6b7c8d9e0f1a/2026/11/24/[$LATEST]0f1e2d3c4b5a69788796a5b4c3d2e1f0")
        let r2 = try RawRun.run([sa.appendingPathComponent("000001.gz").path, sa.appendingPathComponent("000000.gz").path])
        #expect(r2.rejectedTotal == 0)
        #expect(r2.record("P2")?["latencyMs"] as? Int == 20)
        #expect(r2.record("P2")?["errorType"] as? String == "NoHandler")
    }

    @Test func inputPathsSkipTheWriteTestAndGroupParts() throws {
        let root = try Self.makeExport(Self.exportLines, split: 7)
        defer { try? FileManager.default.removeItem(at: root) }
        let ip = try InputPaths([root.path])
        #expect(ip.files.count == 3)
        #expect(!ip.files.contains { $0.hasSuffix("aws-logs-write-test") })
        #expect(ip.notes.count == 1 && ip.notes[0].contains("aws-logs-write-test"))
        #expect(ip.groups.map(\.count).sorted() == [1, 2])
    }
}

final class CountingSink: RecordSink {
    var accepted = 0
    var rejected: [String: Int] = [:]
    func accept(_ record: Record) { accepted += 1 }
    func reject(_ reason: RejectReason, line: Int64, text: UnsafeRawBufferPointer, detail: String?) { rejected[reason.name, default: 0] += 1 }
}

@Suite struct OpenInvocationTests {
    @Test func cutInvocationClosedAfterTheTimeLimit() throws {
        // C1 logs its envelope and nothing more (the stream was cut); C2 starts 40 s later.
        let log = """
        START RequestId: c1 Version: $LATEST
        2026-11-24T10:00:00.010Z\tc1\tINFO\t\(env("C1", "LaunchRequest"))
        START RequestId: c2 Version: $LATEST
        2026-11-24T10:00:40.000Z\tc2\tINFO\t\(env("C2", "LaunchRequest"))
        2026-11-24T10:00:40.100Z\tc2\tINFO\t\(resp("<speak>Hi</speak>"))
        END RequestId: c2
        REPORT RequestId: c2\tDuration: 100.00 ms\tBilled Duration: 100 ms
        """
        let r = try RawRun.text(log)
        #expect(r.records.count == 2)
        #expect(r.rejected == ["invocation cut short": 1])
        let c1 = try #require(r.record("C1"))
        #expect(c1["latencyMs"] == nil)      // no REPORT: no latency
        #expect(c1["outcome"] == nil)        // nothing logged about its response
        #expect(c1["src"] as? String == "in1.log:1")
        #expect(r.record("C2")?["latencyMs"] as? Int == 100)
        #expect(r.record("C2")?["outcome"] as? String == "success")
    }

    @Test func memoryStaysBoundedWhenMostInvocationsAreCut() throws {
        // 5,000 invocations one second apart; only every tenth has its END and REPORT.
        let adapter = LambdaTextAdapter()
        let sink = CountingSink()
        var line: Int64 = 0
        var maxTracked = 0
        func feed(_ s: String) {
            line += 1
            var b = Array(s.utf8)
            b.withUnsafeMutableBytes { adapter.consume(UnsafeRawBufferPointer($0), number: line, sink: sink) }
        }
        let t0 = PulledFixture.t0
        for i in 0..<5_000 {
            let id = "inv-\(i)"
            feed("START RequestId: \(id) Version: $LATEST")
            feed("\(Timestamp.string(t0 + Int64(i) * 1000))\t\(id)\tINFO\t\(env("M\(i)", "LaunchRequest"))")
            if i % 10 == 0 {
                feed("END RequestId: \(id)")
                feed("REPORT RequestId: \(id)\tDuration: 5.00 ms\tBilled Duration: 5 ms")
            }
            maxTracked = max(maxTracked, adapter.parser.asm.expiry.tracked)
        }
        adapter.finish(sink: sink)
        #expect(sink.accepted == 5_000)                          // every envelope becomes a record
        #expect(sink.rejected == ["invocation cut short": 4_500]) // every cut one is counted
        // 30 s of log time at one invocation a second, checked every 64 lines: about 60 at most.
        #expect(maxTracked < 80)
    }
}

/// Subscription documents of two log streams whose batches come far apart in log time: each
/// stream's clock, not the input's, times its invocations out (InvocationExpiry).
@Suite struct StreamClockTests {
    /// One subscription document (CloudWatch Logs User Guide, "Subscription filters": messageType,
    /// owner, logGroup, logStream, subscriptionFilters, logEvents[id, timestamp, message]).
    static func doc(_ stream: String, _ events: [(Int64, String)]) -> String {
        let evs = events.enumerated().map { i, e in
            #"{"id":"\#(e.0)\#(i)","timestamp":\#(e.0),"message":\#(PulledFixture.quote(e.1 + "\n"))}"#
        }.joined(separator: ",")
        return #"{"messageType":"DATA_MESSAGE","owner":"123456789012","logGroup":"/aws/lambda/space-facts","logStream":"\#(stream)","subscriptionFilters":["f"],"logEvents":[\#(evs)]}"#
    }

    /// A whole invocation `id` (envelope `rid`) at `t`: START, envelope, response 40 ms later, END, REPORT.
    static func whole(_ id: String, _ rid: String, _ t: Int64) -> [(Int64, String)] {
        [(t, "START RequestId: \(id) Version: $LATEST"),
         (t + 1, "\(Timestamp.string(t + 1))\t\(id)\tINFO\t\(env(rid, "LaunchRequest"))"),
         (t + 41, "\(Timestamp.string(t + 41))\t\(id)\tINFO\t\(resp("<speak>Hi</speak>"))"),
         (t + 42, "END RequestId: \(id)"),
         (t + 42, "REPORT RequestId: \(id)\tDuration: 41.00 ms\tBilled Duration: 42 ms")]
    }

    @Test func twoStreamsFarApartBothJoin() throws {
        // Stream A's invocation a1 starts at t0; its second batch comes after 80 documents of
        // stream B ten minutes later (B's invocations b0…b78 whole, b79 split around A's second
        // batch); then 70 documents of A, a second on, and B's last batch. Both a1 and b79 must
        // join their two halves: 1 + 80 + 70 records, nothing cut, nothing rejected.
        let t0 = PulledFixture.t0, tb = t0 + 600_000
        var lines: [String] = []
        lines.append(Self.doc("A", [(t0, "START RequestId: a1 Version: $LATEST"),
                                    (t0 + 2, "\(Timestamp.string(t0 + 2))\ta1\tINFO\t\(env("A1", "LaunchRequest"))")]))
        for i in 0..<79 { lines.append(Self.doc("B", Self.whole("b\(i)", "B\(i)", tb + Int64(i) * 1000))) }
        let t79 = tb + 79_000
        lines.append(Self.doc("B", Array(Self.whole("b79", "B79", t79).prefix(2))))
        lines.append(Self.doc("A", [(t0 + 300, "\(Timestamp.string(t0 + 300))\ta1\tINFO\t\(resp("<speak>Welcome</speak>"))"),
                                    (t0 + 310, "END RequestId: a1"),
                                    (t0 + 310, "REPORT RequestId: a1\tDuration: 307.50 ms\tBilled Duration: 308 ms")]))
        for i in 0..<70 { lines.append(Self.doc("A", Self.whole("a-\(i)", "AW\(i)", t0 + 1_000 + Int64(i) * 1000))) }
        lines.append(Self.doc("B", Array(Self.whole("b79", "B79", t79).dropFirst(2))))
        let r = try RawRun.text(lines.joined(separator: "\n") + "\n")
        #expect(r.rejected == [:])
        #expect(r.records.count == 151)
        let a1 = try #require(r.record("A1")), b79 = try #require(r.record("B79"))
        #expect(a1["latencyMs"] as? Int == 308)                        // REPORT 307.50 ms: joined
        #expect(a1["outcome"] as? String == "success")
        #expect(a1["ts"] as? String == "2026-11-24T10:00:00.000Z")
        #expect(b79["latencyMs"] as? Int == 41)
        #expect(b79["outcome"] as? String == "success")
        #expect(b79["ts"] as? String == "2026-11-24T10:11:19.000Z")    // t0 + 600 s + 79 s
    }

    @Test func aStreamThatStopsIsClosedByTheInputsClock() throws {
        // Stream A is cut after a1's envelope; stream B goes on for 20 minutes of log time (one
        // whole invocation every 2 s, one document each). A's own clock stops, so a1 is closed
        // when the input's clock is 15 minutes past it: at the first check (every 64 lines) after
        // B's 900 s, line 512 (b510 at 1020 s), before the input ends, and after B's records of
        // the first 800 s are out (b400's REPORT on line 402 is released 64 lines on). A 30 s
        // clock for the whole input would have closed it at line 64.
        let adapter = SubscriptionAdapter()
        let sink = TranscriptSink()
        var n: Int64 = 0
        func feed(_ s: String) {
            n += 1
            var b = Array(s.utf8)
            b.withUnsafeMutableBytes { adapter.consume(UnsafeRawBufferPointer($0), number: n, sink: sink) }
        }
        let t0 = PulledFixture.t0
        feed(Self.doc("A", [(t0, "START RequestId: a1 Version: $LATEST"),
                            (t0 + 2, "\(Timestamp.string(t0 + 2))\ta1\tINFO\t\(env("A1", "LaunchRequest"))")]))
        for i in 0..<600 { feed(Self.doc("B", Self.whole("b\(i)", "B\(i)", t0 + Int64(i) * 2_000))) }
        let beforeEnd = sink.out
        adapter.finish(sink: sink)
        func index(_ rid: String) -> Int? { sink.out.firstIndex { $0.contains("\"messageId\":\"\(rid)\"") } }
        let a1 = try #require(beforeEnd.firstIndex { $0.contains(#""messageId":"A1""#) })
        #expect(try #require(index("B400")) < a1)
        #expect(a1 < (try #require(index("B520"))))
        let cut = sink.out.filter { $0.hasPrefix("X invocation cut short") }
        #expect(cut.count == 1)
        #expect(cut.first?.contains("15 min of the input's") == true)
        #expect(sink.out.filter { $0.hasPrefix("R ") }.count == 601)
    }
}

@Suite struct StreamRestartTests {
    @Test func tailReplaysAfterAReconnect() throws {
        // `aws logs tail --follow` restarted: earlier events printed again, after a while (70
        // lines of another stream's prints). The replayed invocations are the same message IDs:
        // counted as duplicates, nothing else changes. (Replayed right away, while the first ones
        // are still open, the same lines join the same invocations: one record each.)
        let evs = PulledFixture.events
        let filler = (0..<70).map { i in
            PulledFixture.Event(stream: "2026/11/24/[$LATEST]cccc", ts: PulledFixture.t0 + 6_000 + Int64(i), message: "keepalive \(i)\n")
        }
        let text = PulledFixture.tail(evs) + PulledFixture.tail(filler) + PulledFixture.tail(Array(evs.prefix(11)))
        try checkPulledFixture(try RawRun.text(PulledFixture.tail(evs) + PulledFixture.tail(Array(evs.prefix(11)))), sourceLabel: "replayed at once")
        var opts = StreamOptions()
        opts.progress = false
        opts.rejectMessages = 0
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sklog-restart-\(UUID().uuidString).log")
        try Data(text.utf8).write(to: dir)
        defer { try? FileManager.default.removeItem(at: dir) }
        let stream = try RecordStream(paths: [dir.path], options: opts)
        var ids: [String] = []
        try stream.forEach { r in ids.append(r.string(r.messageId) ?? "") }
        #expect(ids.sorted() == ["P1", "P2", "P3", "P4"])
        #expect(stream.accounting.duplicates == 2)  // P1 and P2 again
        #expect(stream.accounting.rejectedTotal == 0)
    }

    @Test func runtimeRestartsInTheMiddleOfAnInvocation() throws {
        // The runtime dies (out of memory) before END/REPORT and a new one starts: the first
        // invocation is closed as cut short with what it logged; the next one reads as usual.
        let log = """
        START RequestId: r1 Version: $LATEST
        2026-11-24T10:00:00.010Z\tr1\tINFO\t\(env("RS1", "LaunchRequest"))
        INIT_START Runtime Version: nodejs:20.v33\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:0123
        START RequestId: r2 Version: $LATEST
        2026-11-24T10:00:01.010Z\tr2\tINFO\t\(env("RS2", "LaunchRequest"))
        2026-11-24T10:00:01.050Z\tr2\tINFO\t\(resp("<speak>Hi</speak>"))
        END RequestId: r2
        REPORT RequestId: r2\tDuration: 40.00 ms\tBilled Duration: 40 ms\tMemory Size: 128 MB\tMax Memory Used: 128 MB\tInit Duration: 150.00 ms
        """
        let r = try RawRun.text(log)
        #expect(r.records.count == 2)
        #expect(r.rejected == ["invocation cut short": 1])
        #expect(r.record("RS1")?["latencyMs"] == nil)
        #expect(r.record("RS2")?["latencyMs"] as? Int == 190)
    }
}

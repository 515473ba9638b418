import Foundation
import Testing

/// `sklog errors` and the error columns of `sklog ids`, on inputs whose groups are known by
/// construction.
@Suite struct ErrorsEndToEnd {
    static func rec(_ ts: String, _ id: String, session: String, intent: String = "PlayIntent", outcome: String,
                    type: String? = nil, message: String? = nil, frame: String? = nil) -> String {
        var s = #"{"ts":"\#(ts)","messageId":"\#(id)","sessionId":"\#(session)","skillType":"custom","requestType":"IntentRequest","intent":"\#(intent)","outcome":"\#(outcome)""#
        if let type { s += #","errorType":"\#(type)""# }
        if let message { s += #","errorMessage":\#(String(decoding: try! JSONSerialization.data(withJSONObject: message, options: .fragmentsAllowed), as: UTF8.self))"# }
        if let frame { s += #","errorFrame":"\#(frame)""# }
        return s + "}"
    }

    /// Four groups over three days (the first two complete, the third partial):
    /// G1 TypeError at index.js:10:5, three messages differing in a quoted value and a number
    ///    (1 on day 1, 2 on day 2: rising); it ends sessions S1 and S3 (S2 goes on after it);
    /// G2 TypeError at index.js:99:1 (the same message, another frame; day 1);
    /// G3 timeouts, two different messages (days 1 and 3);
    /// G4 NoHandler (day 2 only: new).
    static let input: String = [
        rec("2026-11-01T00:00:00.000Z", "ok0", session: "S0", outcome: "success"),
        rec("2026-11-01T10:00:00.000Z", "g1a", session: "S1", outcome: "error", type: "TypeError",
            message: "Cannot read properties of undefined (reading 'a') in 12 ms", frame: "/var/task/index.js:10:5"),
        rec("2026-11-01T11:00:00.000Z", "g2a", session: "S4", intent: "HelpIntent", outcome: "error", type: "TypeError",
            message: "Cannot read properties of undefined (reading 'a') in 12 ms", frame: "/var/task/index.js:99:1"),
        rec("2026-11-01T11:00:01.000Z", "ok4", session: "S4", outcome: "success"),
        rec("2026-11-01T12:00:00.000Z", "g3a", session: "S5", outcome: "no_response", type: "ENDPOINT_TIMEOUT",
            message: "Task timed out after 3.00 seconds"),
        rec("2026-11-02T09:00:00.000Z", "g1b", session: "S2", outcome: "error", type: "TypeError",
            message: "Cannot read properties of undefined (reading 'bb') in 7 ms", frame: "/var/task/index.js:10:5"),
        rec("2026-11-02T09:00:05.000Z", "ok2", session: "S2", outcome: "success"),
        rec("2026-11-02T10:00:00.000Z", "g4a", session: "S6", outcome: "error", type: "NoHandler",
            message: "Unable to find a suitable request handler."),
        rec("2026-11-02T12:00:00.000Z", "g1c", session: "S3", intent: "StopIntent", outcome: "error", type: "TypeError",
            message: "Cannot read properties of undefined (reading \"c\") in 1234 ms", frame: "/var/task/index.js:10:5"),
        rec("2026-11-03T08:00:00.000Z", "g3b", session: "S7", outcome: "no_response",
            message: "Task timed out after 8.00 seconds"),
        rec("2026-11-03T12:00:00.000Z", "ok7", session: "S8", outcome: "success"),
    ].joined(separator: "\n") + "\n"

    static func file() -> String {
        let p = temp() + ".ndjson"
        writeFile(p, input)
        return p
    }

    @Test func groupsCountsSharesSessionsAndFlags() throws {
        let r = try Run.tool("sklog-errors", ["-q", "--period", "day", "--format", "json", Self.file()])
        #expect(r.status == 0, "\(r.stderr)")
        let doc = try JSONSerialization.jsonObject(with: r.out) as! [String: Any]
        #expect(doc["schema"] as? String == "sklog.errors/1")
        #expect(doc["failures"] as? Int == 7)
        #expect(doc["records"] as? Int == 11)
        let groups = doc["groups"] as! [[String: Any]]
        #expect(groups.map { $0["count"] as! Int } == [3, 2, 1, 1])
        #expect(groups.map { $0["errorType"] as? String } == ["TypeError", "ENDPOINT_TIMEOUT", "TypeError", "NoHandler"])
        let g1 = groups[0]
        #expect(g1["message"] as? String == "Cannot read properties of undefined (reading <str>) in <n> ms")
        #expect(g1["frame"] as? String == "/var/task/index.js:10:5")
        #expect(g1["example"] as? String == "Cannot read properties of undefined (reading 'a') in 12 ms")
        #expect(g1["sampleIds"] as? [String] == ["g1a", "g1b", "g1c"])
        #expect(g1["sessionsEnded"] as? Int == 2)
        #expect(g1["firstSeen"] as? String == "2026-11-01T10:00:00.000Z" && g1["lastSeen"] as? String == "2026-11-02T12:00:00.000Z")
        #expect((g1["share"] as? Double).map { abs($0 - 3.0 / 7.0) < 0.0001 } == true)
        let intents = (g1["intents"] as! [[String: Any]]).map { "\($0["name"]!)=\($0["count"]!)" }
        #expect(intents == ["PlayIntent=2", "StopIntent=1"])
        #expect(groups[2]["frame"] as? String == "/var/task/index.js:99:1")
        #expect(groups[2]["sessionsEnded"] as? Int == 0)
        // Days: 11-01 and 11-02 complete, 11-03 partial; G1 rose 1 -> 2, G4 is new on 11-02.
        #expect((doc["periods"] as! [[String: Any]]).map { $0["partial"] as! Bool } == [false, false, true])
        #expect(doc["latestCompletePeriod"] as? String == "2026-11-02T00:00:00.000Z")
        #expect(groups.map { $0["rising"] as! Bool } == [true, false, false, false])
        #expect(groups.map { $0["new"] as! Bool } == [false, false, false, true])
        #expect((g1["perPeriod"] as! [[String: Any]]).map { $0["count"] as! Int } == [1, 2, 0])
    }

    @Test func failIfNewExitsFourAndTableAndCSV() throws {
        let f = Self.file()
        let held = try Run.tool("sklog-errors", ["-q", "--period", "day", "--fail-if", "new>0", f])
        #expect(held.status == 4)
        #expect(held.stderr.contains("condition held: new>0 (new = 1)"))
        #expect(held.stdout.contains("TypeError: Cannot read properties of undefined (reading <str>) in <n> ms"))
        let quiet = try Run.tool("sklog-errors", ["-q", "--period", "day", "--fail-if", "groups>4", f])
        #expect(quiet.status == 0)
        let noPeriod = try Run.tool("sklog-errors", ["-q", "--fail-if", "new>0", f])
        #expect(noPeriod.status == 2)
        let csv = try Run.tool("sklog-errors", ["-q", "--format", "csv", f])
        #expect(csv.lines.count == 5)
        #expect(csv.lines[0].hasPrefix("rank,count,share,sessionsEnded,firstSeen,lastSeen,errorType,message,frame,"))
        #expect(csv.lines[4].hasPrefix("4,1,0.1429,1,2026-11-02T10:00:00.000Z,2026-11-02T10:00:00.000Z,NoHandler,,,"))
    }

    @Test func tableEscapesControlCharacters() throws {
        let p = temp() + ".ndjson"
        writeFile(p, Self.rec("2026-11-01T10:00:00.000Z", "x1", session: "S1", outcome: "error", type: "Error",
                              message: "bad \u{1b}[31mred\u{1b}[0m") + "\n")
        let r = try Run.tool("sklog-errors", ["-q", p])
        #expect(!r.stdout.contains("\u{1b}"))
        #expect(r.stdout.contains("bad \\x1b[<n>mred\\x1b[<n>m"))
    }

    @Test func idsCarryTheErrorColumnsFromRawLogs() throws {
        let csv = try Run.tool("sklog-ids", ["-q", "--failed", "--format", "csv", Run.sample("lambda/lambda-text.log")])
        #expect(csv.lines[0] == "messageId,timestamp,sessionId,skillType,requestType,intent,locale,latencyMs,outcome,errorType,errorMessage,errorFrame,friction,lambdaRequestId,src")
        // lambda-text.log line 354: Invoke Error {"errorType":"TypeError","errorMessage":"Cannot read
        // properties of undefined (reading 'facts')","stack":[…,"    at Object.handle (/var/task/index.js:41:33)"]}
        let row = try #require(csv.lines.first { $0.hasPrefix("amzn1.echo-api.request.6f1c0d2e-0000-4b7a-9c3d-000000000008,") })
        #expect(row.contains(",error,TypeError,Cannot read properties of undefined (reading 'facts'),/var/task/index.js:41:33,"))
        let json = try Run.tool("sklog-ids", ["-q", "--failed", "--format", "json", Run.sample("lambda/lambda-python.log")])
        let doc = try JSONSerialization.jsonObject(with: json.out) as! [String: Any]
        let rec = (doc["records"] as! [[String: Any]])[0]
        #expect(rec["errorMessage"] as? String == "'value'")
        #expect(rec["errorFrame"] as? String == "/var/task/lambda_function.py:48")
    }

    /// Every exception signature `sklog gen` planted in raw logs is one group, with the count the
    /// ground truth gives (Lambda text and Lambda JSON, with duplicates and disorder).
    @Test(arguments: ["lambda", "lambda-json"])
    func groupsMatchTheSimulatorsPlantedExceptions(_ format: String) throws {
        let dir = temp()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let log = dir + "/gen.log", truth = dir + "/truth.ndjson"
        let g = try Run.tool("sklog-gen", ["--records", "3000", "--days", "7", "--seed", "5", "--format", format, "-o", log, "--truth", truth])
        #expect(g.status == 0)
        let summary = try JSONSerialization.jsonObject(with: Data(try String(contentsOfFile: truth, encoding: .utf8)
            .split(separator: "\n").last!.utf8)) as! [String: Any]
        let planted = try #require(summary["exceptions"] as? [[String: Any]])
        #expect(planted.count == 5)  // NoHandler, Error, ReferenceError, TypeError from two frames
        let r = try Run.tool("sklog-errors", ["-q", "--format", "json", log])
        let groups = (try JSONSerialization.jsonObject(with: r.out) as! [String: Any])["groups"] as! [[String: Any]]
        for p in planted {
            let same = groups.filter {
                $0["errorType"] as? String == p["errorType"] as? String && $0["message"] as? String == p["message"] as? String
                    && ($0["frame"] as? String) == (p["frame"] as? String)
            }
            #expect(same.count == 1, "\(p)")
            #expect(same.first?["count"] as? Int == p["count"] as? Int, "\(p)")
        }
    }
}

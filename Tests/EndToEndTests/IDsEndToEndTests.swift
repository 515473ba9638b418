import Foundation
import Testing

/// Two sessions and a smart home directive: s1 has a slow success and a failure, s2 is clean.
private let traffic = """
{"ts":"2026-11-24T10:00:00.000Z","messageId":"m1","sessionId":"s1","userId":"u1","requestType":"LaunchRequest","latencyMs":100,"outcome":"success"}
{"ts":"2026-11-24T10:00:05.000Z","messageId":"m2","sessionId":"s1","userId":"u1","requestType":"IntentRequest","intent":"PlayIntent","latencyMs":3500,"outcome":"success"}
{"ts":"2026-11-24T10:00:09.000Z","messageId":"m3","sessionId":"s1","userId":"u1","requestType":"IntentRequest","intent":"PlayIntent","latencyMs":900,"outcome":"error","errorType":"=cmd|' /C calc'!A0"}
{"ts":"2026-11-24T10:00:10.000Z","messageId":"m4","sessionId":"s1","userId":"u1","requestType":"SessionEndedRequest","reason":"ERROR"}
{"ts":"2026-11-24T11:00:00.000Z","messageId":"n1","sessionId":"s2","userId":"u2","requestType":"LaunchRequest","latencyMs":200,"outcome":"success"}
{"ts":"2026-11-24T11:00:05.000Z","messageId":"n2","sessionId":"s2","userId":"u2","requestType":"IntentRequest","intent":"AMAZON.StopIntent","latencyMs":150,"outcome":"success","endSession":true}
{"ts":"2026-11-24T12:00:00.000Z","messageId":"h1","userId":"u3","skillType":"smart_home","requestType":"Alexa.PowerController.TurnOn","latencyMs":4000,"outcome":"success"}

"""

@Suite(.serialized) struct IDsEndToEnd {
    func input() throws -> String {
        let p = temp("ids-traffic.ndjson.gz")
        writeFile(p, try gzip(Data(traffic.utf8)))
        return p
    }

    @Test func failedOrSlowInEveryFormat() throws {
        let f = try input()
        let ids = try Run.tool("sklog-ids", ["--failed", "--slow", "3000", "--format", "ids", f])
        #expect(ids.status == 0)
        #expect(ids.lines == ["m2", "m3", "h1"])
        #expect(ids.stderr.contains("3 message IDs selected"))

        let csv = try Run.tool("sklog-ids", ["-q", "--failed", "--slow", "3000", "--format", "csv", f])
        #expect(csv.lines.count == 4)
        #expect(csv.lines[0] == "messageId,timestamp,sessionId,skillType,requestType,intent,locale,latencyMs,outcome,errorType,errorMessage,errorFrame,friction,lambdaRequestId,src")
        // The error type starts with '=': neutralized.
        #expect(csv.lines[2].contains(",error,'=cmd|' /C calc'!A0,"))
        #expect(csv.lines[2].hasSuffix(":3"))

        let json = try Run.tool("sklog-ids", ["-q", "--failed", "--slow", "p90", "--format", "json", f])
        let doc = try JSONSerialization.jsonObject(with: json.out) as! [String: Any]
        #expect(doc["schema"] as? String == "sklog.ids/1")
        // p90 of 6 endpoint latencies (100 150 200 900 3500 4000): rank 6 → 4000.
        #expect(doc["ids"] as? [String] == ["m3", "h1"])
        #expect((doc["accounting"] as? [String: Any])?["parsed"] as? Int == 7)
    }

    @Test func slowPercentileFromStandardInput() throws {
        let r = try Run.tool("sklog-ids", ["--slow", "p50"], stdin: Data(traffic.utf8))
        // p50 of 100 150 200 900 3500 4000: rank 3 → 200.
        #expect(r.lines == ["m2", "m3", "n1", "h1"])
        #expect(r.stderr.contains("p50 of 6 latencies = 200 ms"))
    }

    @Test func filtersAndWithCriteria() throws {
        let f = try input()
        let r = try Run.tool("sklog-ids", ["-q", "--failed", "--slow", "3000", "--intent", "^Play", f])
        #expect(r.lines == ["m2", "m3"])
        let s = try Run.tool("sklog-ids", ["-q", "--session-outcome", "failed", f])
        #expect(s.lines == ["m1", "m2", "m3"])
        let t = try Run.tool("sklog-ids", ["-q", "--type", "SessionEnded", f])
        #expect(t.lines == ["m4"])
    }

    @Test func nothingSelectedExitsOne() throws {
        let r = try Run.tool("sklog-ids", ["-q", "--slow", "99999", try input()])
        #expect(r.status == 1 && r.stdout.isEmpty)
        let csv = try Run.tool("sklog-ids", ["-q", "--failed", "--intent", "Nope", "--format", "csv", try input()])
        #expect(csv.status == 1 && csv.lines.count == 1)
    }

    @Test func usageErrors() throws {
        #expect(try Run.tool("sklog-ids", ["--slow", "fast", try input()]).status == 2)
        #expect(try Run.tool("sklog-ids", ["--friction", "nope", try input()]).status == 2)
        #expect(try Run.tool("sklog-ids", ["--format", "xml", try input()]).status == 2)
    }

    /// The troubleshooting job: IDs of failures and slow responses, then their whole sessions.
    @Test func roundTripThroughGrepSessionContext() throws {
        let f = try input()
        for format in ["ids", "csv"] {
            let list = temp("ids-list.\(format)")
            let ids = try Run.tool("sklog-ids", ["-q", "--failed", "--format", format, "-o", list, f])
            #expect(ids.status == 0)
            let grep = try Run.tool("sklog-grep", ["-q", "--ids", list, "--session-context", f])
            #expect(grep.status == 0)
            let got = grep.lines.compactMap { line -> String? in
                (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["messageId"] as? String
            }
            // m3 failed: its whole session s1 comes back, in time order; s2 and h1 do not.
            #expect(got == ["m1", "m2", "m3", "m4"], "format \(format)")
        }
        // Through a pipe, with the front door.
        let piped = try sh("sklog-ids -q --failed --slow 3000 '\(f)' | sklog-grep -q --ids - -c '\(f)'")
        #expect(piped.stdout == "3\n")
    }
}

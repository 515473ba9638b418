import Foundation
import Testing
@testable import SklogRecords

// Each kind of damage is counted as a rejected record with its own reason, with file and line,
// and nothing else is lost: the good invocation after it still comes out.

let goodTail = """
START RequestId: ok1 Version: $LATEST
2026-11-24T10:05:00.000Z\tok1\tINFO\t{"version":"1.0","context":{"System":{"user":{"userId":"U"}}},"request":{"type":"LaunchRequest","requestId":"R-OK","timestamp":"2026-11-24T10:05:00Z","locale":"en-US"}}
2026-11-24T10:05:00.010Z\tok1\tINFO\t{"version":"1.0","response":{"shouldEndSession":true}}
END RequestId: ok1
REPORT RequestId: ok1\tDuration: 5.0 ms\tBilled Duration: 5 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB
"""

func launch(_ rid: String) -> String {
    #"{"version":"1.0","context":{"System":{"user":{"userId":"U"}}},"request":{"type":"LaunchRequest","requestId":"\#(rid)","timestamp":"2026-11-24T10:00:00Z","locale":"en-US"}}"#
}

@Suite struct RawDamageTests {
    @Test func cutInvocationAtEndOfInput() throws {
        // START and the envelope, then the log ends: the record is emitted (no latency, outcome
        // unknown) and the cut is counted once.
        let log = goodTail + """

        START RequestId: cut1 Version: $LATEST
        2026-11-24T10:06:00.000Z\tcut1\tINFO\t\(launch("R-CUT"))
        """
        let r = try RawRun.text(log)
        #expect(r.record("R-OK") != nil)
        let x = try #require(r.record("R-CUT"))
        #expect(x["latencyMs"] == nil)
        #expect(x["outcome"] == nil)
        #expect(r.rejected == ["invocation cut short": 1])
    }

    @Test func startOnlyAtEndOfInput() throws {
        let r = try RawRun.text(goodTail + "\nSTART RequestId: cut2 Version: $LATEST")
        #expect(r.records.count == 1)
        #expect(r.rejected == ["invocation cut short": 1])
    }

    @Test func reportWithoutEnvelope() throws {
        let log = """
        START RequestId: ne1 Version: $LATEST
        2026-11-24T10:00:00.000Z\tne1\tINFO\tHandling a request
        END RequestId: ne1
        REPORT RequestId: ne1\tDuration: 5.0 ms\tBilled Duration: 5 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB
        """ + "\n" + goodTail
        let r = try RawRun.text(log)
        #expect(r.records.count == 1 && r.record("R-OK") != nil)
        #expect(r.rejected == ["invocation without envelope": 1])
    }

    @Test func envelopeWithoutResponse() throws {
        // The skill logs its responses (the invocation after it does), so a missing one fails.
        let log = """
        START RequestId: nr1 Version: $LATEST
        2026-11-24T10:00:00.000Z\tnr1\tINFO\t\(launch("R-NR"))
        END RequestId: nr1
        REPORT RequestId: nr1\tDuration: 5.0 ms\tBilled Duration: 5 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB
        """ + "\n" + goodTail
        let r = try RawRun.text(log)
        let x = try #require(r.record("R-NR"))
        #expect(x["outcome"] as? String == "error")
        #expect(x["errorType"] as? String == "MissingResponse")
        #expect(x["latencyMs"] as? Int == 5)
        #expect(r.rejectedTotal == 0)  // a failure of the skill, not damage to the log
    }

    @Test func envelopeCutInTheMiddle() throws {
        let full = pretty(launch("R-TR")).split(separator: "\n")
        let cut = full.prefix(full.count / 2).joined(separator: "\n")
        let log = """
        START RequestId: tr1 Version: $LATEST
        2026-11-24T10:00:00.000Z\ttr1\tINFO\tREQUEST ENVELOPE: \(cut)
        END RequestId: tr1
        REPORT RequestId: tr1\tDuration: 5.0 ms\tBilled Duration: 5 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB
        """ + "\n" + goodTail
        let r = try RawRun.text(log)
        #expect(r.records.count == 1 && r.record("R-OK") != nil)
        #expect(r.rejected == ["truncated envelope": 1])
    }

    @Test func truncatedResponseMakesTheRequestAnError() throws {
        let log = """
        START RequestId: tr2 Version: $LATEST
        2026-11-24T10:00:00.000Z\ttr2\tINFO\t\(launch("R-TR2"))
        2026-11-24T10:00:00.050Z\ttr2\tINFO\tResponse: {"version":"1.0","response":{"outputSpeech":{"type":"SSML","ssml":"<speak>Hel
        END RequestId: tr2
        REPORT RequestId: tr2\tDuration: 55.0 ms\tBilled Duration: 55 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB
        """
        let r = try RawRun.text(log)
        let x = try #require(r.record("R-TR2"))
        #expect(x["outcome"] as? String == "error")
        #expect(x["errorType"] as? String == "InvalidResponse")
        #expect(r.rejected == ["truncated envelope": 1])
    }

    @Test func garbageInAMessage() throws {
        let log = """
        START RequestId: gb1 Version: $LATEST
        2026-11-24T10:00:00.000Z\tgb1\tINFO\tREQUEST ENVELOPE: {"version":"1.0","request":{"type":"LaunchRequest",#@!%garbage}
        2026-11-24T10:00:00.001Z\tgb1\tINFO\tbinary \u{0}\u{1} junk
        END RequestId: gb1
        REPORT RequestId: gb1\tDuration: 5.0 ms\tBilled Duration: 5 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB
        """ + "\n" + goodTail
        let r = try RawRun.text(log)
        #expect(r.records.count == 1 && r.record("R-OK") != nil)
        #expect(r.rejected == ["invalid envelope": 1, "invalid log message": 1])
    }

    @Test func invocationSplitAcrossFiles() throws {
        // File 1 ends after the envelope; file 2 holds the response, END and REPORT. The rule: the
        // part with the envelope makes the record; the cut and the part without envelope are counted.
        let a = """
        START RequestId: sp1 Version: $LATEST
        2026-11-24T10:00:00.000Z\tsp1\tINFO\t\(launch("R-SPLIT"))
        """
        let b = """
        2026-11-24T10:00:00.080Z\tsp1\tINFO\t{"version":"1.0","response":{"shouldEndSession":true}}
        END RequestId: sp1
        REPORT RequestId: sp1\tDuration: 81.0 ms\tBilled Duration: 81 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB
        """
        let r = try RawRun.text([a, b], format: .lambda)
        #expect(r.records.count == 1)
        let x = try #require(r.record("R-SPLIT"))
        #expect(x["src"] as? String == "in1.log:1")
        #expect(r.rejected == ["invocation cut short": 1, "invocation without envelope": 1])
    }

    @Test func invalidLambdaJSONLine() throws {
        let log = """
        {"time":"2026-11-24T12:00:00.500Z","type":"platform.start","record":{"requestId":"j1","version":"$LATEST"}}
        {"timestamp":"2026-11-24T12:00:00.502Z","level":"INFO","requestId":"j1","message":"\(launch("R-J").replacingOccurrences(of: "\"", with: "\\\""))"}
        {"timestamp":"2026-11-24T12:00:00.503Z","level":"INFO","requestId":"j1","mess
        {"time":"2026-11-24T12:00:00.602Z","type":"platform.report","record":{"requestId":"j1","metrics":{"durationMs":10.0},"status":"success"}}
        """
        let r = try RawRun.text(log)
        #expect(r.record("R-J") != nil)
        #expect(r.rejected == ["invalid JSON": 1])
    }
}

@Suite struct RawSampleTests {
    @Test(arguments: ["lambda-text.log", "lambda-python.log", "lambda-json.log", "cloudwatch-export.gz", "subscription.ndjson"])
    func sampleMatchesExpected(file: String) throws {
        let dir = RawRun.samples
        let r = try RawRun.run([dir.appendingPathComponent(file).path])
        #expect(r.rejectedTotal == 0)
        let stem = file.split(separator: ".").first!
        let expectedText = try String(contentsOf: dir.appendingPathComponent("expected/\(stem).ndjson"), encoding: .utf8)
        let expected = expectedText.split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(r.records.count == expected.count)
        for e in expected {
            let id = e["messageId"] as! String
            guard let got = r.record(id) else { Issue.record("\(file): no record \(id)"); continue }
            for key in Set(e.keys).union(got.keys) where !jsonEqual(e[key], got[key]) {
                Issue.record("\(file) \(id): \(key) expected \(String(describing: e[key])) got \(String(describing: got[key]))")
            }
        }
    }
}

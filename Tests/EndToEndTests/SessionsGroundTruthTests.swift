import Foundation
import Testing

/// sklog-sessions and sklog-friction against the simulator's ground truth, session by session
/// and event by event (the truth applies SPEC 5.2/5.3 to the records the simulator wrote).
@Suite(.serialized) struct SessionsGroundTruthEndToEnd {
    struct Fixture {
        let dir: String, data: String, truth: [[String: Any]]
    }

    static func make() throws -> Fixture {
        let dir = temp()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let data = dir + "/gen.ndjson.gz", truth = dir + "/truth.ndjson"
        let g = try Run.tool("sklog-gen", ["--records", "3000", "--days", "10", "--seed", "21", "-o", data, "--truth", truth])
        #expect(g.status == 0)
        let rows = try String(contentsOfFile: truth, encoding: .utf8).split(separator: "\n").map { GroundTruthEndToEnd.json(String($0)) }
        return Fixture(dir: dir, data: data, truth: rows)
    }

    @Test func everySessionHasThePlantedOutcomePathAndFriction() throws {
        let f = try Self.make()
        let truthSessions = f.truth.filter { $0["kind"] as? String == "session" }
        let r = try Run.tool("sklog-sessions", ["-q", f.data])
        #expect(r.status == 0)
        let got = r.lines.map { GroundTruthEndToEnd.json($0) }
        #expect(got.count == truthSessions.count)
        // Keyed by (sessionId, start): a session ID may be reused after its session ended.
        func key(_ d: [String: Any]) -> String { "\(d["sessionId"] ?? "")|\(d["start"] ?? "")" }
        let byKey = Dictionary(got.map { (key($0), $0) }, uniquingKeysWith: { a, _ in a })
        var mismatches: [String] = []
        for t in truthSessions {
            guard let s = byKey[key(t)] else { mismatches.append("missing \(key(t))"); continue }
            if s["outcome"] as? String != t["outcome"] as? String { mismatches.append("\(key(t)) outcome \(s["outcome"] ?? "") vs \(t["outcome"] ?? "")") }
            if (s["path"] as? [String]) != (t["path"] as? [String]) { mismatches.append("\(key(t)) path") }
            if (s["messageIds"] as? [String]) != (t["messageIds"] as? [String]) { mismatches.append("\(key(t)) messageIds") }
            let planted = (t["friction"] as? [[String: Any]]) ?? []
            let counts = (s["friction"] as? [String: Any]) ?? [:]
            for type in ["barge_in", "termination", "unhandled", "low_confidence", "system_error"] {
                let want = planted.filter { $0["type"] as? String == type }.count
                if GroundTruthEndToEnd.int(counts[type]) != want { mismatches.append("\(key(t)) \(type)") }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches: \(mismatches.prefix(5))")
    }

    @Test func everyPlantedFrictionEventIsFoundAndNothingElse() throws {
        let f = try Self.make()
        var planted = Set<String>()
        for t in f.truth where t["kind"] as? String == "session" {
            for e in (t["friction"] as? [[String: Any]]) ?? [] {
                planted.insert("\(e["type"] ?? "") \(e["messageId"] ?? "") \(e["relatedMessageId"] ?? "-")")
            }
        }
        let r = try Run.tool("sklog-friction", ["-q", f.data])
        #expect(r.status == 0)
        let found = Set(r.lines.map { l -> String in
            let e = GroundTruthEndToEnd.json(l)
            return "\(e["type"] ?? "") \(e["messageId"] ?? "") \(e["relatedMessageId"] ?? "-")"
        })
        #expect(found.subtracting(planted).isEmpty, "flagged but not planted: \(found.subtracting(planted).prefix(3))")
        #expect(planted.subtracting(found).isEmpty, "planted but not found: \(planted.subtracting(found).prefix(3))")
        #expect(planted.count > 100)
    }

    @Test func cleanTrafficHasNoFriction() throws {
        // Two clean sessions: launch, one answered turn after a long pause, stop.
        let p = temp()
        let t0 = "2026-11-24T10:00:"
        writeFile(p, """
        {"ts":"\(t0)00.000Z","messageId":"a1","sessionId":"s1","userId":"u","requestType":"LaunchRequest","latencyMs":200,"speechMs":2000,"outcome":"success","endSession":false,"confidence":"HIGH"}
        {"ts":"\(t0)20.000Z","messageId":"a2","sessionId":"s1","userId":"u","requestType":"IntentRequest","intent":"PlayIntent","slots":{"song":"x"},"latencyMs":200,"speechMs":2000,"outcome":"success","endSession":true,"confidence":"HIGH"}

        """)
        let r = try Run.tool("sklog-friction", ["-q", p])
        #expect(r.status == 0 && r.stdout.isEmpty)
    }
}

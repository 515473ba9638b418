import Foundation
import Testing

/// sklog-metrics on simulated traffic gives exactly what the simulator planted (its ground
/// truth applies SPEC 5.2/5.3 to the records it wrote), in one file or split into many.
@Suite(.serialized) struct GroundTruthEndToEnd {
    static func json(_ s: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(s.utf8))) as? [String: Any] ?? [:]
    }

    static func truth(_ path: String) throws -> [String: Any] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let last = text.split(separator: "\n").last.map(String.init) ?? ""
        return json(last)
    }

    static func total(_ metricsJSON: String) -> [String: Any] {
        ((json(metricsJSON)["total"] as? [String: Any])?["metrics"] as? [String: Any]) ?? [:]
    }

    static func int(_ v: Any?) -> Int? { (v as? NSNumber)?.intValue }

    func check(_ m: [String: Any], _ t: [String: Any]) {
        let outcomes = t["sessionsByOutcome"] as! [String: Any]
        let friction = t["friction"] as! [String: Any]
        #expect(Self.int(m["totalSessions"]) == Self.int(t["sessions"]))
        #expect(Self.int(m["failedSessions"]) == Self.int(outcomes["failed"]))
        #expect(Self.int(m["incompleteSessions"]) == Self.int(outcomes["no_response"]))
        #expect(Self.int(m["userEndedSessions"]) == Self.int(outcomes["user_ended"]))
        #expect(Self.int(m["skillEndedSessions"]) == Self.int(outcomes["skill_ended"]))
        #expect(Self.int(m["unknownSessions"]) == Self.int(outcomes["unknown"]))
        #expect(Self.int(m["totalUtterances"]) == Self.int(t["turns"]))
        #expect(Self.int(m["failedUtterances"]) == Self.int(t["failedTurns"]))
        #expect(Self.int(m["uniqueCustomers"]) == Self.int(t["customers"]))
        #expect(Self.int(m["bargeIns"]) == Self.int(friction["barge_in"]))
        #expect(Self.int(m["terminations"]) == Self.int(friction["termination"]))
        #expect(Self.int(m["unhandledRequests"]) == Self.int(friction["unhandled"]))
        #expect(Self.int(m["lowConfidenceIntents"]) == Self.int(friction["low_confidence"]))
        #expect(Self.int(m["estimatedSystemErrors"]) == Self.int(friction["system_error"]))
        #expect(Self.int(m["frictionSessions"]) == Self.int(t["frictionSessions"]))
    }

    @Test func metricsMatchTheSimulatorsTruth() throws {
        let dir = temp()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let one = dir + "/all.ndjson.gz", truth = dir + "/truth.ndjson"
        let g = try Run.tool("sklog-gen", ["--records", "4000", "--days", "21", "--seed", "9", "-o", one, "--truth", truth])
        #expect(g.status == 0)
        let t = try Self.truth(truth)
        let r = try Run.tool("sklog-metrics", ["-q", "--format", "json", one])
        #expect(r.status == 0)
        check(Self.total(r.stdout), t)

        // The same traffic as 6 log streams, named in another order: the same numbers.
        let parts = dir + "/parts"
        let g2 = try Run.tool("sklog-gen", ["--records", "4000", "--days", "21", "--seed", "9", "--files", "6", "-o", parts])
        #expect(g2.status == 0)
        let files = try FileManager.default.contentsOfDirectory(atPath: parts).sorted().reversed().map { parts + "/" + $0 }
        let r2 = try Run.tool("sklog-metrics", ["-q", "--format", "json"] + files)
        check(Self.total(r2.stdout), t)
    }
}

import Foundation
import Testing

/// sklog-trend on simulated traffic: one row per day, the daily numbers add up to the simulator's
/// totals, and each change is the difference from the previous day.
@Suite(.serialized) struct TrendEndToEnd {
    @Test func dailyRowsAddUpToTheTruth() throws {
        let dir = temp()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let data = dir + "/gen.ndjson.gz", truth = dir + "/truth.ndjson"
        let g = try Run.tool("sklog-gen", ["--records", "3000", "--days", "10", "--seed", "31", "-o", data, "--truth", truth])
        #expect(g.status == 0)
        let t = try GroundTruthEndToEnd.truth(truth)
        let r = try Run.tool("sklog-trend", ["-q", "--format", "json", data])
        #expect(r.status == 0)
        let doc = GroundTruthEndToEnd.json(r.stdout)
        #expect(doc["schema"] as? String == "sklog.trend/1")
        let periods = try #require(doc["periods"] as? [[String: Any]])
        #expect(periods.count == 10)
        let values = periods.map { $0["values"] as? [String: Any] ?? [:] }
        let utterances = values.compactMap { GroundTruthEndToEnd.int($0["utterances"]) }
        #expect(utterances.reduce(0, +) == GroundTruthEndToEnd.int(t["turns"]))
        let sessions = values.compactMap { GroundTruthEndToEnd.int($0["sessions"]) }
        #expect(sessions.reduce(0, +) == GroundTruthEndToEnd.int(t["sessions"]))
        // Each complete day's absolute change is the difference from the day before (the first
        // and last days are partial: the input starts after midnight and ends before the next).
        #expect(periods.first?["partial"] as? Bool == true && periods.last?["partial"] as? Bool == true)
        for k in 1..<periods.count where periods[k]["comparedWith"] as? String != nil {
            let change = (periods[k]["change"] as? [String: Any])?["utterances"] as? [String: Any]
            #expect(GroundTruthEndToEnd.int(change?["absolute"]) == utterances[k] - utterances[k - 1])
        }
        // Days start at midnight UTC, one day apart.
        let starts = periods.compactMap { $0["start"] as? String }
        #expect(starts.allSatisfy { $0.hasSuffix("T00:00:00.000Z") })
    }
}

import Foundation
import Testing

/// Partial periods: a period that the input covers only in part (it starts after the period's
/// start, or ends before its end) is marked in every output, and trend changes, top movers and the
/// report's change lines compare complete periods only. The numbers are worked out by hand on a
/// few turns: 2 on 2026-11-02 (the first exactly at midnight), 4 on 2026-11-03, then 1 at
/// 00:00:05 on 2026-11-04 (the input ends there: that day is partial).
@Suite(.serialized) struct PartialPeriods {
    static func turn(_ ts: String, _ n: Int) -> String {
        """
        {"ts":"\(ts)","messageId":"amzn1.echo-api.request.p\(n)","sessionId":"amzn1.echo-api.session.p\(n)","userId":"amzn1.ask.account.U\(n % 3)","skillId":"amzn1.ask.skill.demo","stage":"live","locale":"en-US","skillType":"custom","requestType":"IntentRequest","intent":"PlayIntent","utterance":"play","confidence":"HIGH","latencyMs":100,"latencySource":"alexa","outcome":"success","endSession":true}
        """
    }

    /// The input, with the first record at `first` (midnight: 2026-11-02 is complete).
    static func input(first: String = "2026-11-02T00:00:00.000Z") throws -> String {
        let dir = temp()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let lines = [turn(first, 1), turn("2026-11-02T10:00:00.000Z", 2),
                     turn("2026-11-03T01:00:00.000Z", 3), turn("2026-11-03T02:00:00.000Z", 4),
                     turn("2026-11-03T03:00:00.000Z", 5), turn("2026-11-03T23:59:00.000Z", 6),
                     turn("2026-11-04T00:00:05.000Z", 7)]
        let path = dir + "/in.ndjson"
        writeFile(path, lines.joined(separator: "\n") + "\n")
        return path
    }

    @Test func metricsMarksTheLastDayPartialInEveryFormat() throws {
        let path = try Self.input()
        let j = try Run.tool("sklog-metrics", ["-q", "--period", "day", "--format", "json", path])
        #expect(j.status == 0)
        let doc = GroundTruthEndToEnd.json(j.stdout)
        let buckets = try #require(doc["buckets"] as? [[String: Any]])
        #expect(buckets.map { $0["start"] as? String } == ["2026-11-02T00:00:00.000Z", "2026-11-03T00:00:00.000Z", "2026-11-04T00:00:00.000Z"])
        #expect(buckets.map { $0["partial"] as? Bool } == [false, false, true])

        let c = try Run.tool("sklog-metrics", ["-q", "--period", "day", "--format", "csv", path])
        let rows = c.stdout.split(separator: "\n").filter { $0.contains(",partial,") }
        #expect(rows == ["2026-11-02T00:00:00.000Z,partial,,0", "2026-11-03T00:00:00.000Z,partial,,0", "2026-11-04T00:00:00.000Z,partial,,1"])

        let t = try Run.tool("sklog-metrics", ["-q", "--period", "day", path])
        let table = t.stdout
        #expect(table.contains("2026-11-04*"))
        #expect(!table.contains("2026-11-03*"))
        #expect(table.contains("* partial: the input covers this period only in part"))
    }

    @Test func firstDayIsPartialWhenTheInputStartsAfterMidnight() throws {
        let path = try Self.input(first: "2026-11-02T00:00:00.001Z")
        let j = try Run.tool("sklog-metrics", ["-q", "--period", "day", "--format", "json", path])
        let buckets = try #require(GroundTruthEndToEnd.json(j.stdout)["buckets"] as? [[String: Any]])
        #expect(buckets.map { $0["partial"] as? Bool } == [true, false, true])
        // Nothing left to compare: one complete day.
        let t = try Run.tool("sklog-trend", ["-q", "--period", "day", path])
        let table = t.stdout
        #expect(table.contains("No two complete days follow each other"))
        #expect(!table.contains("Top movers"))
        let tj = try Run.tool("sklog-trend", ["-q", "--period", "day", "--format", "json", path])
        let periods = try #require(GroundTruthEndToEnd.json(tj.stdout)["periods"] as? [[String: Any]])
        #expect(periods.allSatisfy { $0["comparedWith"] is NSNull })
    }

    @Test func trendComparesTheLatestCompleteDayWithTheOneBefore() throws {
        let path = try Self.input()
        let j = try Run.tool("sklog-trend", ["-q", "--period", "day", "--format", "json", path])
        #expect(j.status == 0)
        let periods = try #require(GroundTruthEndToEnd.json(j.stdout)["periods"] as? [[String: Any]])
        #expect(periods.map { $0["partial"] as? Bool } == [false, false, true])
        #expect(periods[1]["comparedWith"] as? String == "2026-11-02T00:00:00.000Z")
        #expect(periods[2]["comparedWith"] is NSNull)
        func change(_ p: [String: Any]) -> [String: Any]? { (p["change"] as? [String: Any])?["utterances"] as? [String: Any] }
        // 11-03 vs 11-02: 4 − 2 = +2, +100 %; the partial 11-04 (1 turn) is not compared (not −75 %).
        #expect(GroundTruthEndToEnd.int(change(periods[1])?["absolute"]) == 2)
        #expect((change(periods[1])?["relative"] as? Double) == 1)
        #expect(change(periods[2])?["absolute"] is NSNull)

        let t = try Run.tool("sklog-trend", ["-q", "--period", "day", path])
        let table = t.stdout
        #expect(table.contains("2026-11-04*"))
        #expect(table.contains("Top movers in 2026-11-03 vs the previous day (the latest complete day"))
        #expect(!table.contains("-75%"))

        let c = try Run.tool("sklog-trend", ["-q", "--period", "day", "--format", "csv", path])
        let rows = c.stdout.split(separator: "\n")
        #expect(rows.filter { $0.contains(",partial,") } == ["2026-11-02T00:00:00.000Z,partial,,0,,,", "2026-11-03T00:00:00.000Z,partial,,0,,,",
                                                            "2026-11-04T00:00:00.000Z,partial,,1,,,"])
        #expect(rows.contains("2026-11-04T00:00:00.000Z,utterances,,1,,,"))
        #expect(rows.contains("2026-11-03T00:00:00.000Z,utterances,,4,2,1,"))
    }

    @Test func reportCardsCompareCompleteDaysAndSaySo() throws {
        let path = try Self.input()
        let out = temp() + "-report.html"
        let r = try Run.tool("sklog-report", ["-q", "--period", "day", "-o", out, path])
        #expect(r.status == 0)
        let html = try String(contentsOfFile: out, encoding: .utf8)
        #expect(html.contains("2026-11-03: 4 · +100% vs previous day"))
        #expect(!html.contains("2026-11-04: 1 ·"))
        #expect(html.contains("Change lines compare the latest complete day (2026-11-03) with the one before."))
        #expect(html.contains("Partial day (the input covers it only in part, drawn hollow in the charts): 2026-11-04; never compared."))
        #expect(html.contains("\"partial\":[false,false,true]"))
        #expect(html.contains("\"compared\":[false,true,false]"))
        // The partial day's points are hollow, its segments dashed.
        #expect(html.contains("class=\"partial\""))
        #expect(html.contains("Top movers in 2026-11-03 vs the previous day"))

        // Starting after midnight: one complete day, nothing compared, and the page says so.
        let late = try Self.input(first: "2026-11-02T00:00:00.001Z")
        let out2 = temp() + "-report2.html"
        #expect(try Run.tool("sklog-report", ["-q", "--period", "day", "-o", out2, late]).status == 0)
        let page = try String(contentsOfFile: out2, encoding: .utf8)
        #expect(page.contains("No two complete days follow each other: nothing is compared."))
        #expect(page.contains("No top movers: no two complete days follow each other"))
        #expect(page.contains("<div class=\"delta\">2026-11-03: 4</div>"))
    }
}

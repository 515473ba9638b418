import Foundation
import SklogAnalysis
import SklogRecords
import SklogReport
import Testing

/// Two days of single-turn sessions, worked by hand:
/// day 1: 20 × A (2 failed), 4 × B (none failed), users u0…u9, latency 100 ms;
/// day 2: 20 × A (5 failed, 2 flagged unhandled), 4 × B (all failed), users u0…u4, latency 200 ms.
private func twoDays() -> [String] {
    var lines: [String] = []
    let day: Int64 = 86_400_000
    for d in 0..<2 {
        for i in 0..<24 {
            let isA = i < 20
            let failed = d == 0 ? (isA && i < 2) : (isA ? i < 5 : true)
            let unhandled = d == 1 && isA && (i == 10 || i == 11)
            var extra = "\"latencyMs\":\(d == 0 ? 100 : 200),\"outcome\":\"\(failed ? "error" : "success")\",\"endSession\":true"
            if unhandled { extra += ",\"unhandled\":true" }
            let user = "u\(d == 0 ? i % 10 : i % 5)"
            lines.append(TR.line(Int64(d) * day + Int64(i) * 60_000, "d\(d)-\(i)", sid: "s\(d)-\(i)", type: "IntentRequest",
                                 intent: isA ? "A" : "B", user: user, extra))
        }
    }
    // Complete days only (trends never compare a partial period): the input reaches the second
    // day's last millisecond with a record no trend number counts.
    return lines + [coverSecondDay]
}

private let coverSecondDay = TR.line(2 * 86_400_000 - 1, "cover", sid: nil, type: "Alexa.ChangeReport", user: nil,
                                     "\"skillType\":\"smart_home\",\"namespace\":\"Alexa\",\"name\":\"ChangeReport\",\"endpointId\":\"e1\"")

private func trend(_ lines: [String], minCount: Int64 = 20) -> TrendReport {
    var o = TrendOptions()
    o.period = .day
    o.minCount = minCount
    let feed = MetricsFeed(metrics: Trend.metricsOptions(o), sessions: SessionOptions())
    for l in lines { feed.add(TR.record(l)) }
    return feed.trend(feed.finish(accounting: Accounting()), options: o)
}

private func idx(_ name: String) -> Int { TrendMetric.all.firstIndex { $0.name == name }! }

private func close(_ a: Double?, _ b: Double) -> Bool { a.map { abs($0 - b) < 1e-9 } ?? false }

@Suite struct TrendTests {
    @Test func perPeriodNumbers() {
        let t = trend(twoDays())
        #expect(t.periods.count == 2)
        let d1 = t.periods[0], d2 = t.periods[1]
        #expect(d1.start == TR.t0)
        #expect(d1.values[idx("utterances")] == 24)
        #expect(d1.values[idx("sessions")] == 24)
        #expect(d1.values[idx("customers")] == 10)
        #expect(close(d1.values[idx("failureRate")], 2.0 / 24 * 100))
        #expect(d1.values[idx("latencyP50")] == 100 && d1.values[idx("latencyP99")] == 100)
        #expect(d1.values[idx("unhandledRequestsRate")] == 0)
        // No turn carries a confidence: low-confidence is not available, never 0.
        #expect(d1.values[idx("lowConfidenceIntentsRate")] == nil)

        #expect(d2.values[idx("customers")] == 5)
        #expect(close(d2.values[idx("failureRate")], 9.0 / 24 * 100))
        #expect(close(d2.values[idx("unhandledRequestsRate")], 2.0 / 24 * 100))
        #expect(d2.values[idx("latencyP90")] == 200)
    }

    @Test func changeFromThePreviousPeriod() {
        let t = trend(twoDays())
        let d1 = t.periods[0], d2 = t.periods[1]
        #expect(d1.change.allSatisfy { $0 == nil } && d1.relativeChange.allSatisfy { $0 == nil })
        #expect(d2.change[idx("utterances")] == 0 && d2.relativeChange[idx("utterances")] == 0)
        #expect(d2.change[idx("customers")] == -5 && d2.relativeChange[idx("customers")] == -0.5)
        #expect(close(d2.change[idx("failureRate")], 37.5 - 100.0 / 12))
        #expect(close(d2.relativeChange[idx("failureRate")], 3.5))
        #expect(d2.change[idx("latencyP50")] == 100 && d2.relativeChange[idx("latencyP50")] == 1)
        // From 0: the absolute change is known, the relative one is not.
        #expect(close(d2.change[idx("unhandledRequestsRate")], 2.0 / 24 * 100))
        #expect(d2.relativeChange[idx("unhandledRequestsRate")] == nil)
        #expect(d2.change[idx("lowConfidenceIntentsRate")] == nil)
    }

    @Test func moversWithTheMinimumCountGuard() {
        // B went from 0 to 100 failed per 100 turns, but has 4 turns: the guard keeps it out.
        let t = trend(twoDays())
        let m = t.periods[1].failureMovers
        #expect(m.count == 1)
        #expect(m[0] == TrendMover(intent: "A", previous: 10, current: 25, change: 15, turns: 20, previousTurns: 20))
        #expect(t.periods[0].failureMovers.isEmpty)
        // Friction: A's unhandled events went from 0 to 2 per 20 turns.
        #expect(t.periods[1].frictionMovers == [TrendMover(intent: "A", previous: 0, current: 10, change: 10, turns: 20, previousTurns: 20)])

        // With the guard at 4, B leads.
        let low = trend(twoDays(), minCount: 4)
        #expect(low.periods[1].failureMovers.map(\.intent) == ["B", "A"])
        #expect(low.periods[1].failureMovers[0].change == 100)
        // With the guard above 20, nobody moves.
        #expect(trend(twoDays(), minCount: 21).periods[1].failureMovers.isEmpty)
    }

    @Test func fallingRatesAreNotMovers() {
        // Swap the days: rates fall, so there are no movers.
        var lines = twoDays()
        let first = Array(lines[0..<24]), second = Array(lines[24..<48])
        let day: Int64 = 86_400_000
        func shift(_ l: String, _ by: Int64) -> String {
            let r = TR.record(l)
            let old = Timestamp.string(r.ts), new = Timestamp.string(r.ts + by)
            return l.replacingOccurrences(of: old, with: new)
        }
        lines = second.map { shift($0, -day) } + first.map { shift($0, day) } + [coverSecondDay]
        let t = trend(lines)
        #expect(t.periods[1].failureMovers.isEmpty && t.periods[1].frictionMovers.isEmpty)
    }

    @Test func outputs() throws {
        let t = trend(twoDays())
        let csv = TrendOutput.csv(t).split(separator: "\n").map(String.init)
        #expect(csv[0] == "period_start,metric,dimension,value,change,relative_change,rank")
        #expect(csv.contains("2026-01-02T00:00:00.000Z,customers,,5,-5,-0.5,"))
        #expect(csv.contains("2026-01-02T00:00:00.000Z,intentFailureRate,intent=A,25,15,1.5,1"))
        let doc = try JSONSerialization.jsonObject(with: Data(TrendOutput.json(t).utf8)) as! [String: Any]
        #expect(doc["schema"] as? String == "sklog.trend/1")
        let periods = doc["periods"] as! [[String: Any]]
        #expect(periods.count == 2)
        #expect((periods[1]["values"] as! [String: Any])["utterances"] as? Int == 24)
        let table = TrendOutput.table(t)
        #expect(table.contains("2026-01-02"))
        #expect(table.contains("Top movers"))
    }
}

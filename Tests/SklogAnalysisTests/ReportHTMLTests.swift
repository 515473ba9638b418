import SklogAnalysis
import SklogReport
import Testing

@Suite struct ReportHTMLTests {
    @Test func escapeText() {
        #expect(HTML.escape("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;")
        #expect(HTML.escape("a & \"b\" 'c'") == "a &amp; &quot;b&quot; &#39;c&#39;")
        #expect(HTML.escape("ünïcode ✓") == "ünïcode ✓")
    }

    @Test func scriptSafeJSON() {
        let json = "{\"a\":\"</script><!-- & \u{2028}\"}"
        let safe = HTML.scriptSafeJSON(json)
        #expect(safe == "{\"a\":\"\\u003c/script\\u003e\\u003c!-- \\u0026 \\u2028\"}")
        #expect(!safe.contains("<") && !safe.contains(">"))
    }

    @Test func chartsEscapeTheirLabels() {
        let svg = SVGChart.bars([(label: "<b>x</b>", value: 1, text: "1 & 2")], title: "t\"")
        #expect(!svg.contains("<b>"))
        #expect(svg.contains("&lt;b&gt;x&lt;/b&gt;") && svg.contains("1 &amp; 2") && svg.contains("aria-label=\"t&quot;\""))
        let lines = SVGChart.lines([(name: "<s>", values: [1, nil, 3])], labels: ["<a>", "b", "c"], title: "x")
        #expect(!lines.contains("<s>") && !lines.contains("<a>"))
        // A missing value breaks the line: two separate moves.
        #expect(lines.components(separatedBy: "M").count >= 3)
    }

    @Test func niceNumbers() {
        #expect(SVGChart.compact(1234) == "1.2k")
        #expect(SVGChart.compact(25000) == "25k")
        #expect(SVGChart.compact(2_500_000) == "2.5M")
        #expect(SVGChart.compact(7) == "7")
    }

    static func session(_ steps: [String], _ outcome: SessionOutcome) -> Session {
        let turns = steps.enumerated().map { Turn(messageId: "m\($0.offset)", ts: Int64($0.offset), step: $0.element, intent: nil, failed: false, latencyMs: 10) }
        return Session(sessionId: "s", userId: "u", userHash: 1, locale: nil, stage: nil, start: 0, end: 1, outcome: outcome, turns: turns,
                       messageIds: turns.map(\.messageId), friction: [], reopened: false)
    }

    /// 100 sessions worked out by hand: step 2 is A for 60, B for 38, C for 2 (under 3 %: "other").
    @Test func pathFlowGroupsSmallStepsAndKeepsEverySessionInEachColumn() {
        var c = PathFlowCounts()
        for _ in 0..<60 { c.add(Self.session(["LaunchRequest", "A", "B"], .userEnded)) }
        for _ in 0..<38 { c.add(Self.session(["LaunchRequest", "B"], .skillEnded)) }
        for _ in 0..<2 { c.add(Self.session(["LaunchRequest", "C", "A", "A", "A"], .failed)) }
        let f = PathFlow(c)
        #expect(f.total == 100)
        func column(_ k: Int) -> [String: Int64] { Dictionary(uniqueKeysWithValues: f.columns[k].map { ($0.label, $0.sessions) }) }
        #expect(column(0) == ["LaunchRequest": 100])
        #expect(column(1) == ["A": 60, "B": 38, "other": 2])
        // Step 3: B (60), the 38 that ended after B, and the 2 on A grouped as other.
        #expect(column(2) == ["B": 60, "END:skill_ended": 38, "other": 2])
        #expect(column(3) == ["END:user_ended": 60, "END:skill_ended": 38, "other": 2])
        #expect(f.columns.allSatisfy { $0.map(\.sessions).reduce(0, +) == 100 })
        // Links between columns 2 and 3 (indices of kept nodes).
        let l1 = f.links.filter { $0.column == 1 }.map { (f.columns[1][$0.from].label, f.columns[2][$0.to].label, $0.sessions) }
        #expect(l1.count == 3)
        #expect(l1.contains { $0 == ("A", "B", 60) } && l1.contains { $0 == ("B", "END:skill_ended", 38) } && l1.contains { $0 == ("other", "other", 2) })
        #expect(f.csv.hasPrefix("step,from,to,sessions,share\n1,LaunchRequest,A,60,0.6\n"))
    }

    @Test func logTicksAreSpacedAndNamed() {
        // 100 ms to 10 s over 180 px: 90 px a decade, room for 1, 2 and 5.
        #expect(SVGChart.logTicks(lo: 100, hi: 10_000, height: 180) == [100, 200, 500, 1000, 2000, 5000, 10_000])
        // 1 ms to 100 s over 180 px: 36 px a decade, 1 and 3 only.
        #expect(SVGChart.logTicks(lo: 1, hi: 100_000, height: 180) == [1, 3, 10, 30, 100, 300, 1000, 3000, 10_000, 30_000, 100_000])
        #expect(SVGChart.duration(200) == "200 ms" && SVGChart.duration(1500) == "1.5 s" && SVGChart.duration(10_000) == "10 s")
    }
}

import SklogAnalysis
import SklogRecords
import SklogReport
import Testing

/// Issue 23 item 12: what the report draws is checked against the definitions. A metric whose
/// source events are absent from the whole input is not available (never 0); text in the charts
/// stays inside them. (The browser tests measure the rendered text in Chromium.)
@Suite struct ReportLayoutTests {
    @Test func initiationsAreNotAvailableWithoutAccountLinkingInitiated() {
        // Only AlexaSkillEvent.SkillAccountLinked: 2 completions, no initiation events at all.
        let t = M.run([
            M.line("10:00:00", "l1", ["requestType": "AlexaSkillEvent.SkillAccountLinked", "userId": "u1"]),
            M.line("10:00:01", "l2", ["requestType": "AlexaSkillEvent.SkillAccountLinked", "userId": "u2"]),
        ]).total.metrics
        #expect(t["accountLinkingCompletions"] == .int(2))
        #expect(t["accountLinkingInitiations"] == .null)
        #expect(t["accountLinkingCompletionRate"] == .null)
        // With one initiation the counts are there, and a bucket without any is 0.
        let u = M.run([
            M.line("10:00:00", "l1", ["requestType": "AccountLinking.Initiated", "userId": "u1", "via": "app"]),
            M.line("10:00:01", "l2", ["requestType": "AlexaSkillEvent.SkillAccountLinked", "userId": "u2"]),
        ]).total.metrics
        #expect(u["accountLinkingInitiations"] == .int(1))
        #expect(u["accountLinkingCompletionRate"] == .real(1))
    }

    @Test func barValuesFitInsideTheChart() {
        // A long value text next to the longest bar: the right margin grows to hold it
        // (at 680 px with a 70 px margin, "11,179 (7.88/100)" was cut to "11,179 (7.8").
        let svg = SVGChart.bars([(label: "barge-ins", value: 11_179, text: "11,179 (7.88/100)"), (label: "x", value: 10, text: "10")],
                                title: "t", labelWidth: 170)
        let x = try! #require(Self.textX(svg, "11,179 (7.88/100)"))
        #expect(x + Double("11,179 (7.88/100)".count) * 6.4 <= 680)
    }

    @Test func theLastDateUnderTheAxisIsAnchoredInside() {
        let labels = (0..<7).map { "2026-11-0\($0 + 1)" }
        let svg = SVGChart.lines([(name: "a", values: labels.map { _ in 1 })], labels: labels, title: "t")
        // The last period is always labelled, right-aligned at most at the chart's edge.
        let last = try! #require(svg.range(of: ">2026-11-07</text>"))
        let head = svg[..<last.lowerBound]
        let tag = head[head.range(of: "<text", options: .backwards)!.lowerBound...]
        #expect(tag.contains("text-anchor=\"end\""))
        #expect(Self.textX(svg, "2026-11-07")! <= 678)
    }

    static func textX(_ svg: String, _ text: String) -> Double? {
        guard let r = svg.range(of: ">\(text)</text>") else { return nil }
        let head = svg[..<r.lowerBound]
        guard let t = head.range(of: "<text x=\"", options: .backwards) else { return nil }
        return Double(head[t.upperBound...].prefix { $0 != "\"" })
    }
}

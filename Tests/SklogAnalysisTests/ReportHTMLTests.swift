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
}

import SklogAnalysis
import SklogRecords
import SklogReport
import Testing

/// JSON, CSV, Prometheus and table outputs, and `--fail-if`.
@Suite struct MetricsOutputTests {
    var lines: [String] {
        [
            M.line("10:00:00", "m1", ["requestType": "LaunchRequest", "userId": "u1", "outcome": "success", "latencyMs": 120, "locale": "en-US"]),
            M.line("10:00:05", "m2", ["requestType": "IntentRequest", "intent": "=HYPERLINK(\"http://x\",\"y\")", "userId": "u1", "outcome": "error", "latencyMs": 2500, "locale": "=cmd|' /C calc'!A0"]),
            M.line("10:00:06", "m3", ["requestType": "IntentRequest", "intent": "PlayIntent", "userId": "u2", "outcome": "success", "latencyMs": 300, "locale": "en-US"]),
        ]
    }

    func result(period: MetricsOptions.Period? = .hour, by: [MetricsOptions.Dimension] = [.locale]) -> MetricsResult {
        var o = MetricsOptions()
        o.period = period
        o.by = by
        return M.run(lines, options: o)
    }

    @Test func jsonDocument() throws {
        let doc = try JSONValue.parse(MetricsJSON.render(result()))
        #expect(doc["schema"]?.string == "sklog.metrics/1")
        #expect(doc["input"]?["parsed"] != nil)
        #expect(doc["period"]?.string == "hour")
        #expect(doc["by"]?.array?.count == 1)
        let b = doc["buckets"]!.array!
        #expect(b.count == 1)
        #expect(b[0]["start"]?.string == "2026-11-24T10:00:00.000Z")
        #expect(b[0]["metrics"]?["totalUtterances"]?.int == 3)
        #expect(b[0]["dimensions"]?["locale"]?["en-US"]?["totalUtterances"]?.int == 2)
        let total = doc["total"]!["metrics"]!
        #expect(total["uniqueCustomers"]?.int == 2)
        if case .null = total["totalSessions"]! {} else { Issue.record("totalSessions should be null") }
        if case .null = total["topPaths"]! {} else { Issue.record("topPaths should be null without sessions") }
        let intents = total["intents"]!.array!
        #expect(intents.count == 2)
        #expect(intents.contains { $0["intent"]?.string == "PlayIntent" && $0["intentUtterances"]?.int == 1 })
        let ops = total["operations"]!.array!
        #expect(ops.map { $0["operation"]!.string! } == ["Discovery", "CapabilityDirectives", "ReportState"])
        // Whole-input-only groups are absent from buckets; per-bucket groups are arrays.
        #expect(b[0]["metrics"]?["retention"] == nil)
        #expect(b[0]["metrics"]?["intents"]?.array?.count == 2)
        let retention = total["retention"]!.array!
        #expect(retention.count == 13)
        #expect(retention[0]["week"]?.int == 0 && retention[0]["retentionCustomers"]?.int == 2)
    }

    @Test func csvLongFormAndInjection() {
        let text = String(decoding: MetricsCSV.render(result()), as: UTF8.self)
        let rows = text.split(separator: "\n").map(String.init)
        #expect(rows[0] == "period_start,metric,dimension,value")
        #expect(rows.contains(",uniqueCustomers,,2"))
        #expect(rows.contains(",totalSessions,,"))                                  // n/a: empty value
        #expect(rows.contains("2026-11-24T10:00:00.000Z,totalUtterances,,3"))
        #expect(rows.contains("2026-11-24T10:00:00.000Z,totalUtterances,locale=en-US,2"))
        #expect(rows.contains(#",intentUtterances,"intent==HYPERLINK(""http://x"",""y"")",1"#))  // quoted: has commas
        #expect(rows.contains(",endpointLatencyP90,,2500"))
        // No cell can start a formula: every cell starts with a digit, a letter or a quote.
        for row in rows {
            for cell in csvCells(row) {
                guard let f = cell.first else { continue }
                #expect(!["=", "+", "-", "@", "\t", "\r"].contains(f), "cell \(cell) in \(row)")
            }
        }
        // The cell writer itself neutralizes.
        #expect(CSV.cell("=1+2") == "'=1+2")
        #expect(CSV.cell("-5") == "-5")
        #expect(CSV.cell("@x") == "'@x")
    }

    func csvCells(_ row: String) -> [String] {
        var cells: [String] = [], cur = "", quoted = false
        for ch in row {
            if ch == "\"" { quoted.toggle(); continue }
            if ch == "," && !quoted { cells.append(cur); cur = "" } else { cur.append(ch) }
        }
        cells.append(cur)
        return cells
    }

    @Test func prometheusExposition() {
        let text = String(decoding: MetricsPrometheus.render(result()), as: UTF8.self)
        #expect(text.contains("# TYPE sklog_unique_customers gauge\nsklog_unique_customers 2\n"))
        #expect(text.contains("sklog_unique_customers{locale=\"en-US\"} 2\n"))
        #expect(text.contains("# TYPE sklog_endpoint_latency_p90_seconds gauge\nsklog_endpoint_latency_p90_seconds 2.5\n"))
        #expect(text.contains(#"sklog_intent_utterances_total{intent="=HYPERLINK(\"http://x\",\"y\")"} 1"#))
        #expect(text.contains("# TYPE sklog_intent_utterances_total counter\n"))
        #expect(!text.contains("utterance=\""))  // free text stays out of labels
        #expect(!text.contains("sklog_total_sessions"))     // not available: left out
        // Each family's series are contiguous, after one HELP and TYPE.
        var seen = Set<String>(), last = ""
        for l in text.split(separator: "\n") where !l.hasPrefix("#") {
            let name = String(l.prefix { $0 != "{" && $0 != " " })
            if name != last { #expect(!seen.contains(name), "family \(name) split"); seen.insert(name); last = name }
        }
        #expect(MetricCatalog.snakeCase("endpointLatencyP50") == "endpoint_latency_p50")
        #expect(MetricCatalog.snakeCase("bargeInsRate") == "barge_ins_rate")
    }

    @Test func tableShowsUnitsAndNotAvailable() {
        let text = MetricsTable.render(result(), style: .init(color: false))
        #expect(text.contains("Customer friction"))
        #expect(text.contains("n/a"))
        #expect(text.contains("2,500 ms"))
        #expect(!text.contains("\u{1b}["))
        #expect(MetricsTable.format(.real(0.98765), .fraction) == "98.8%")
        #expect(MetricsTable.format(.real(0.25), .fraction) == "25.0%")
        #expect(MetricsTable.format(.real(1525), .ms) == "1,525.0 ms")
        #expect(MetricsTable.format(.int(1234567), .count) == "1,234,567")
        #expect(MetricsTable.format(.null, .ms) == "n/a")
        let colored = MetricsTable.render(result(), style: .init(color: true))
        #expect(colored.contains("\u{1b}[1m"))
    }

    @Test func numberText() {
        #expect(MetricNumber.real(2.0 / 3).text == "0.666667")
        #expect(MetricNumber.real(0.5).text == "0.5")
        #expect(MetricNumber.real(0).text == "0")
        #expect(MetricNumber.real(12.0).text == "12")
        #expect(MetricNumber.null.text == "null")
    }

    // MARK: --fail-if

    @Test func failIfParsing() throws {
        let c = try MetricCondition("endpointLatencyP90>2000")
        #expect(c.name == "endpointLatencyP90" && c.op == .gt && c.threshold == 2000)
        #expect(try MetricCondition("endpointSuccessRate < 95%").threshold == 0.95)
        #expect(try MetricCondition("endpointSuccessRate<=0.9").op == .le)
        #expect(try MetricCondition("unhandledRequestsRate>5%").threshold == 5)
        #expect(try MetricCondition("unhandledRequestsRate>=5").op == .ge)
        let l = try MetricCondition("intentFailures{intent=PlayIntent}>10")
        #expect(l.labels == ["intent": "PlayIntent"])
        #expect(throws: MetricCondition.ParseError.self) { try MetricCondition("nosuchMetric>1") }
        #expect(throws: MetricCondition.ParseError.self) { try MetricCondition("totalUtterances>5%") }
        #expect(throws: MetricCondition.ParseError.self) { try MetricCondition("endpointSuccessRate<95") }
        #expect(throws: MetricCondition.ParseError.self) { try MetricCondition("totalUtterances=5") }
        #expect(throws: MetricCondition.ParseError.self) { try MetricCondition("totalUtterances>") }
        #expect(throws: MetricCondition.ParseError.self) { try MetricCondition("intentFailures{locale=x}>1") }
    }

    @Test func failIfEvaluation() throws {
        let t = result(period: nil, by: []).total.metrics
        #expect(try MetricCondition("endpointLatencyP90>2000").held(in: t) == ["endpointLatencyP90 = 2500"])
        #expect(try MetricCondition("endpointLatencyP90>2500").held(in: t).isEmpty)
        #expect(try MetricCondition("endpointLatencyP90>=2500").held(in: t).count == 1)
        #expect(try MetricCondition("endpointSuccessRate<70%").held(in: t).count == 1)   // 2/3
        #expect(try MetricCondition("endpointSuccessRate<60%").held(in: t).isEmpty)
        // Not available never holds.
        #expect(try MetricCondition("unhandledRequestsRate>=0").held(in: t).isEmpty)
        // Labelled: any value, or the one named.
        #expect(try MetricCondition("intentFailures>0").held(in: t).count == 1)
        #expect(try MetricCondition("intentFailures{intent=PlayIntent}>0").held(in: t).isEmpty)
    }
}

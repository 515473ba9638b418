import SklogAnalysis
import SklogRecords

/// The self-contained HTML report (`sklog-report`): inline CSS, inline SVG charts, a small inline
/// script for the SVG/CSV downloads. No network access; every piece of log text is escaped.
public enum HTMLReport {
    public static let version = "sklog.report/1"

    public static func render(_ d: ReportData) -> String {
        var charts: [ReportChart] = []
        var body = ""
        let total = d.result.total.metrics
        func v(_ name: String) -> Double? { total.value(name)?.double }

        // MARK: Header and summary
        body += "<header><h1>sklog report</h1><p class=\"meta\">"
        body += "Input: " + d.inputNames.map { "<code>\(HTML.escape($0))</code>" }.joined(separator: ", ")
        if let f = d.result.from, let t = d.result.to {
            body += " · \(HTML.escape(Timestamp.string(f))) to \(HTML.escape(Timestamp.string(t)))"
        }
        body += " · by \(d.trend.options.period.rawValue)"
        if d.redact { body += " · redacted" }
        body += "</p><p class=\"meta\">\(HTML.escape(d.result.accounting.summaryLine))</p>"
        body += "<nav>" + [("summary", "Summary"), ("trends", "Trends"), ("outcomes", "Session outcomes"), ("paths", "Interaction paths"),
                           ("friction", "Friction"), ("retention", "Retention"), ("latency", "Latency"), ("worst", "Worst message IDs"),
                           ("sessions", "Sessions")].map { "<a href=\"#\($0.0)\">\($0.1)</a>" }.joined(separator: " ") + "</nav></header>"

        body += "<section id=\"summary\"><h2>Summary</h2><div class=\"cards\">"
        let failureRate = v("endpointSuccessRate").map { (1 - $0) * 100 }
        let cards: [(String, String, String?)] = [
            ("Utterances", count(v("totalUtterances")), nil),
            ("Sessions", count(v("totalSessions")), nil),
            ("Customers", count(v("uniqueCustomers")), nil),
            ("Failure rate", pct(failureRate), "failed turns and smart home directives"),
            ("Latency P50", ms(v("endpointLatencyP50")), nil),
            ("Latency P90", ms(v("endpointLatencyP90")), nil),
            ("Latency P99", ms(v("endpointLatencyP99")), nil),
            ("Successful sessions", pct(v("successfulSessionsShare").map { $0 * 100 }), "user or skill ended"),
            ("Barge-ins", per100(v("bargeInsRate")), "per 100 turns"),
            ("Terminations", per100(v("terminationsRate")), "per 100 turns"),
            ("Unhandled", per100(v("unhandledRequestsRate")), "per 100 turns"),
            ("Low confidence", per100(v("lowConfidenceIntentsRate")), "per 100 turns"),
            ("Friction sessions", count(v("frictionSessions")), nil),
            ("Estimated system errors", count(v("estimatedSystemErrors")), nil),
        ]
        for (label, value, note) in cards {
            body += "<div class=\"card\"><div class=\"label\">\(HTML.escape(label))</div><div class=\"value\">\(HTML.escape(value))</div>"
            if let note { body += "<div class=\"note\">\(HTML.escape(note))</div>" }
            body += "</div>"
        }
        body += "</div></section>"

        // MARK: Trends
        let periods = d.trend.periods
        let labels = periods.map { periodLabel($0.start, d.trend.options.period) }
        func series(_ name: String) -> [Double?] {
            let i = TrendMetric.all.firstIndex { $0.name == name }!
            return periods.map { $0.values[i] }
        }
        func trendCSV(_ names: [String]) -> String {
            ChartCSV.render(["period_start"] + names, periods.map { p in
                [Timestamp.string(p.start)] + names.map { n in
                    let i = TrendMetric.all.firstIndex { $0.name == n }!
                    return p.values[i].map { MetricNumber.decimal($0, places: 6) } ?? ""
                }
            })
        }
        let trendCharts: [(String, String, [(String, String)])] = [
            ("trend-volume", "Utterances, sessions and customers", [("utterances", "utterances"), ("sessions", "sessions"), ("customers", "customers")]),
            ("trend-failures", "Failure rate (%)", [("failureRate", "failure %")]),
            ("trend-latency", "Endpoint latency (ms)", [("latencyP50", "P50"), ("latencyP90", "P90"), ("latencyP99", "P99")]),
            ("trend-friction", "Friction per 100 turns", [("bargeInsRate", "barge-ins"), ("terminationsRate", "terminations"),
                                                          ("unhandledRequestsRate", "unhandled"), ("lowConfidenceIntentsRate", "low confidence")]),
        ]
        body += "<section id=\"trends\"><h2>Trends by \(d.trend.options.period.rawValue)</h2><div class=\"grid\">"
        for (id, title, ss) in trendCharts {
            let c = ReportChart(id: id, title: title,
                                svg: SVGChart.lines(ss.map { (name: $0.1, values: series($0.0)) }, labels: labels, title: title),
                                csv: trendCSV(ss.map(\.0)))
            charts.append(c)
            body += figure(c)
        }
        body += "</div>"
        if let last = periods.last, periods.count > 1 {
            body += "<h3>Top movers in \(HTML.escape(labels.last!)) vs the previous \(d.trend.options.period.rawValue)</h3>"
            body += "<p class=\"note\">Intents with at least \(d.trend.options.minCount) turns in both periods whose rate rose most (per 100 turns of the intent).</p><div class=\"grid\">"
            for (title, list) in [("Failure rate", last.failureMovers), ("Friction rate", last.frictionMovers)] {
                body += "<div><h4>\(title)</h4>"
                body += table(["intent", "before", "now", "change", "turns"], list.map { m in
                    [cell(m.intent), num(m.previous), num(m.current), "+" + num(m.change), "\(m.previousTurns) → \(m.turns)"]
                }, empty: "No intent rose.")
                body += "</div>"
            }
            body += "</div>"
        }
        body += "</section>"

        // MARK: Session outcomes
        let outcomes: [(String, String, String)] = [("user_ended", "userEndedSessions", "#16a34a"), ("skill_ended", "skillEndedSessions", "#2563eb"),
                                                    ("no_response", "incompleteSessions", "#d97706"), ("failed", "failedSessions", "#dc2626"),
                                                    ("unknown", "unknownSessions", "#9ca3af")]
        let outcomeValues = outcomes.map { (label: $0.0, value: v($0.1) ?? 0, color: $0.2) }
        let totalSessions = outcomeValues.map(\.value).reduce(0, +)
        let oc = ReportChart(id: "outcomes", title: "Session outcomes", svg: SVGChart.stacked(outcomeValues, title: "Session outcomes"),
                             csv: ChartCSV.render(["outcome", "sessions", "share"], outcomeValues.map {
                                 [$0.label, String(Int64($0.value)), totalSessions > 0 ? MetricNumber.decimal($0.value / totalSessions, places: 6) : ""] }))
        charts.append(oc)
        body += "<section id=\"outcomes\"><h2>Session outcomes</h2>" + figure(oc)
        body += table(["outcome", "sessions", "share"], outcomeValues.map {
            [$0.label, count($0.value), totalSessions > 0 ? pct($0.value * 100 / totalSessions) : "n/a"]
        }, empty: "No sessions.")
        body += "</section>"

        // MARK: Paths
        let transitions = total.values(named: "pathSessions").filter { $0.labels.count == 2 }
        let shares = Dictionary(total.values(named: "pathShare").filter { $0.labels.count == 2 }.map { ($0.labels.joined(separator: "\u{0}"), $0.value.double) },
                                uniquingKeysWith: { a, _ in a })
        let customers = Dictionary(total.values(named: "pathCustomers").filter { $0.labels.count == 2 }.map { ($0.labels.joined(separator: "\u{0}"), $0.value.double) },
                                   uniquingKeysWith: { a, _ in a })
        let topPaths = total.values(named: "topPathSessions").filter { $0.labels.count == 1 }
        let pc = ReportChart(id: "paths", title: "Top paths (first 8 steps)",
                             svg: SVGChart.bars(topPaths.prefix(12).map { (label: $0.labels[0], value: $0.value.double ?? 0, text: count($0.value.double)) },
                                                title: "Top paths", labelWidth: 400),
                             csv: ChartCSV.render(["path", "sessions"], topPaths.map { [$0.labels[0], $0.value.text] }))
        charts.append(pc)
        body += "<section id=\"paths\"><h2>Interaction paths</h2>" + figure(pc)
        body += "<h3>Top transitions</h3>"
        body += table(["from", "to", "sessions", "customers", "share of customers at “from”"], transitions.prefix(20).map { t in
            let k = t.labels.joined(separator: "\u{0}")
            return [cell(t.labels[0]), cell(t.labels[1]), count(t.value.double), count(customers[k] ?? nil), pct((shares[k] ?? nil).map { $0 * 100 })]
        }, empty: "No sessions.")
        body += "</section>"

        // MARK: Friction
        let frictionTypes: [(String, String, String)] = [("barge-ins", "bargeIns", "bargeInsRate"), ("terminations", "terminations", "terminationsRate"),
                                                         ("unhandled requests", "unhandledRequests", "unhandledRequestsRate"),
                                                         ("low-confidence intents", "lowConfidenceIntents", "lowConfidenceIntentsRate"),
                                                         ("estimated system errors", "estimatedSystemErrors", "")]
        let fc = ReportChart(id: "friction", title: "Friction by type",
                             svg: SVGChart.bars(frictionTypes.map { t in
                                 (label: t.0, value: v(t.1) ?? 0, text: count(v(t.1)) + (t.2.isEmpty ? "" : " (\(per100(v(t.2)))/100)"))
                             }, title: "Friction by type", labelWidth: 170, color: "#dc2626"),
                             csv: ChartCSV.render(["type", "events", "per100Turns"], frictionTypes.map { t in
                                 [t.1, v(t.1).map { MetricNumber.decimal($0, places: 0) } ?? "", t.2.isEmpty ? "" : (v(t.2).map { MetricNumber.decimal($0, places: 6) } ?? "")]
                             }))
        charts.append(fc)
        body += "<section id=\"friction\"><h2>Friction</h2>" + figure(fc)
        body += "<h3>Frequent friction utterances</h3>"
        let utt = total.values(named: "utteranceFrictionEvents").filter { $0.labels.count == 1 }
        func uttCount(_ name: String, _ label: String) -> String {
            count(total.values(named: name, labels: ["utterance": label]).first?.value.double)
        }
        body += table(["utterance (or Intent(slot=value))", "events", "barge-ins", "terminations", "unhandled", "low confidence", "system errors"],
                      utt.map { u in
                          let k = u.labels[0]
                          return [cell(k), count(u.value.double), uttCount("utteranceBargeIns", k), uttCount("utteranceTerminations", k),
                                  uttCount("utteranceUnhandledRequests", k), uttCount("utteranceLowConfidenceIntents", k), uttCount("utteranceSystemErrors", k)]
                      }, empty: "No friction events.", cls: "utterances")
        body += "</section>"

        // MARK: Retention
        let ret = total.values(named: "retentionShare").filter { $0.labels.count == 2 }
        let retCounts = total.values(named: "retentionCustomers").filter { $0.labels.count == 2 }
        var cohorts: [String] = []
        for r in ret where !cohorts.contains(r.labels[0]) { cohorts.append(r.labels[0]) }
        let weeks = (0...12).map(String.init)
        var shareGrid = Array(repeating: [Double?](repeating: nil, count: 13), count: cohorts.count)
        var countGrid = Array(repeating: [Int64?](repeating: nil, count: 13), count: cohorts.count)
        for r in ret { if let i = cohorts.firstIndex(of: r.labels[0]), let k = Int(r.labels[1]), k <= 12 { shareGrid[i][k] = r.value.double } }
        for r in retCounts {
            if let i = cohorts.firstIndex(of: r.labels[0]), let k = Int(r.labels[1]), k <= 12, case .int(let n) = r.value { countGrid[i][k] = n }
        }
        // Only the weeks that some cohort can observe.
        let lastWeek = max(0, (0...12).last { k in shareGrid.contains { $0[k] != nil } } ?? 0)
        let rc = ReportChart(id: "retention", title: "Retention by weekly cohort",
                             svg: SVGChart.heatmap(rows: cohorts, columns: Array(weeks[0...lastWeek]), shares: shareGrid.map { Array($0[0...lastWeek]) },
                                                   counts: countGrid.map { Array($0[0...lastWeek]) }, title: "Retention"),
                             csv: ChartCSV.render(["cohort", "week", "customers", "share"], ret.map { r in
                                 let n = retCounts.first { $0.labels == r.labels }?.value.text ?? ""
                                 return [r.labels[0], r.labels[1], n == "null" ? "" : n, r.value == .null ? "" : r.value.text]
                             }),
                             note: "Cohort: the ISO week of a customer's first turn in the input; week k: share of the cohort with a turn k weeks later (blank: not yet observable).")
        charts.append(rc)
        body += "<section id=\"retention\"><h2>Retention</h2>" + figure(rc) + "</section>"

        // MARK: Latency
        let edges = d.latencyEdges
        let latLabels = edges.indices.map { i in i + 1 < edges.count ? "\(SVGChart.compact(Double(edges[i])))–\(SVGChart.compact(Double(edges[i + 1])))" : "≥\(SVGChart.compact(Double(edges[i])))" }
        let lc = ReportChart(id: "latency", title: "Endpoint latency distribution",
                             svg: SVGChart.columns(latLabels, d.latencyCounts, title: "Endpoint latency"),
                             csv: ChartCSV.render(["fromMs", "toMs", "requests"], edges.indices.map { i in
                                 [String(edges[i]), i + 1 < edges.count ? String(edges[i + 1]) : "", String(d.latencyCounts[i])]
                             }),
                             note: "Turns and smart home directives with a latency, failures included. P50 \(ms(v("endpointLatencyP50"))), P90 \(ms(v("endpointLatencyP90"))), P99 \(ms(v("endpointLatencyP99"))), mean \(ms(v("endpointLatencyAvg"))).")
        charts.append(lc)
        body += "<section id=\"latency\"><h2>Latency</h2>" + figure(lc) + "</section>"

        // MARK: Worst message IDs
        body += "<section id=\"worst\"><h2>Worst message IDs</h2>"
        body += "<h3>Slowest</h3>" + idTable(d.slowest, d, id: "slowest")
        body += "<h3>Failed</h3><p class=\"note\">\(d.failedTotal) failed turns and smart home directives"
        if d.failedTotal > d.failed.count { body += "; the \(d.failed.count) most recent are listed (all of them: <code>sklog ids --failed</code>)" }
        body += ".</p>" + idTable(d.failed, d, id: "failed")
        body += "</section>"

        // MARK: Sessions
        body += "<section id=\"sessions\"><h2>Sessions of the listed message IDs</h2>"
        if d.sessions.isEmpty { body += "<p class=\"note\">None (the listed requests have no session).</p>" }
        let listed = Set((d.slowest + d.failed).map(\.messageId))
        for (i, s) in d.sessions.enumerated() {
            var friction: [String: [String]] = [:]
            for e in s.friction { friction[e.messageId, default: []].append(e.type.rawValue) }
            let sid = d.redact ? Redactor.token(s.sessionId) : s.sessionId
            body += "<div class=\"session\" id=\"session-\(i)\"><h4>Session <code>\(HTML.escape(sid))</code> · \(HTML.escape(Timestamp.string(s.start)))"
            body += " · \(s.turns.count) turn\(s.turns.count == 1 ? "" : "s") · outcome <span class=\"outcome-\(s.outcome.rawValue)\">\(s.outcome.rawValue)</span></h4>"
            body += table(["time", "message ID", "step", "utterance", "latency", "result", "friction"], s.turns.map { t in
                [HTML.escape(String(Timestamp.string(t.ts).dropFirst(11))),
                 (listed.contains(t.messageId) ? "<mark>" : "") + "<code>\(HTML.escape(t.messageId))</code>" + (listed.contains(t.messageId) ? "</mark>" : ""),
                 cell(t.step), cell(d.redact ? (t.utterance == nil ? "" : "***") : (t.utterance ?? "")),
                 t.latencyMs >= 0 ? ms(Double(t.latencyMs)) : "",
                 t.failed ? "<span class=\"bad\">failed</span>" : "",
                 cell((friction[t.messageId] ?? []).joined(separator: ", "))]
            }, empty: "No turns.")
            body += "</div>"
        }
        body += "</section>"
        body += "<footer>sklog \(HTML.escape(version)) · self-contained: no network access. <pre id=\"render-check\" hidden></pre></footer>"

        return page(body: body, charts: charts)
    }

    // MARK: Pieces

    static func figure(_ c: ReportChart) -> String {
        var s = "<figure class=\"chart\" id=\"\(c.id)\"><figcaption><span>\(HTML.escape(c.title))</span>"
        s += "<span class=\"dl\"><button type=\"button\" data-svg=\"\(c.id)\">SVG</button><button type=\"button\" data-csv=\"\(c.id)\">CSV</button></span></figcaption>"
        s += "<div class=\"plot\">\(c.svg)</div>"
        if let n = c.note { s += "<p class=\"note\">\(HTML.escape(n))</p>" }
        return s + "</figure>"
    }

    /// Cells are already HTML (use `cell(_:)` for text).
    static func table(_ header: [String], _ rows: [[String]], empty: String, cls: String = "") -> String {
        if rows.isEmpty { return "<p class=\"note\">\(HTML.escape(empty))</p>" }
        var s = "<div class=\"scroll\"><table\(cls.isEmpty ? "" : " class=\"\(cls)\"")><thead><tr>"
        s += header.map { "<th>\(HTML.escape($0))</th>" }.joined() + "</tr></thead><tbody>"
        for r in rows { s += "<tr>" + r.map { "<td>\($0)</td>" }.joined() + "</tr>" }
        return s + "</tbody></table></div>"
    }

    static func idTable(_ rows: [ReportIDRow], _ d: ReportData, id: String) -> String {
        table(["time", "message ID", "request", "latency", "outcome", "error type", "session"], rows.map { r in
            let link = d.sessionOf[r.messageId].map { "<a href=\"#session-\($0)\">turns</a>" } ?? "—"
            return [HTML.escape(Timestamp.string(r.ts)), "<code>\(HTML.escape(r.messageId))</code>", cell(r.intent ?? r.requestType ?? ""),
                    r.latencyMs >= 0 ? ms(Double(r.latencyMs)) : "", cell(r.outcome.name ?? ""), cell(r.errorType ?? ""), link]
        }, empty: id == "failed" ? "No failed requests." : "No latencies in the input.", cls: "ids")
    }

    static func cell(_ s: String) -> String { HTML.escape(s) }

    static func periodLabel(_ ms: Int64, _ p: MetricsOptions.Period) -> String {
        let s = Timestamp.string(ms)
        switch p {
        case .day, .week: return String(s.prefix(10))
        case .hour, .m15: return String(s.dropFirst(5).prefix(11)).replacingOccurrences(of: "T", with: " ")
        }
    }

    static func count(_ v: Double?) -> String { v.map { TrendOutput.grouped(Int64($0.rounded())) } ?? "n/a" }
    static func pct(_ v: Double?) -> String { v.map { MetricNumber.decimal($0, places: 2) + "%" } ?? "n/a" }
    static func per100(_ v: Double?) -> String { v.map { MetricNumber.decimal($0, places: 2) } ?? "n/a" }
    static func ms(_ v: Double?) -> String { v.map { TrendOutput.grouped(Int64($0.rounded())) + " ms" } ?? "n/a" }
    static func num(_ v: Double) -> String { MetricNumber.decimal(v, places: 2) }

    static func page(body: String, charts: [ReportChart]) -> String {
        // Chart data for the CSV downloads, as JSON made safe for an inline script.
        var json = "{"
        json += charts.map { JSONText.quoted($0.id) + ":" + JSONText.quoted($0.csv) }.joined(separator: ",")
        json += "}"
        return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data: blob:">
        <title>sklog report</title>
        <style>\(css)</style>
        </head><body>
        \(body)
        <script type="application/json" id="chart-data">\(HTML.scriptSafeJSON(json))</script>
        <script>\(script)</script>
        </body></html>

        """
    }

    static let css = """
    :root{--fg:#111827;--muted:#6b7280;--line:#e5e7eb;--bg:#fff;--accent:#2563eb}
    *{box-sizing:border-box}
    body{margin:0 auto;max-width:1440px;padding:16px 24px 48px;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:var(--fg);background:var(--bg)}
    h1{font-size:24px;margin:8px 0}h2{font-size:19px;margin:28px 0 10px;padding-top:8px;border-top:1px solid var(--line)}h3{font-size:15px;margin:18px 0 8px}h4{font-size:14px;margin:10px 0 6px}
    .meta,.note{color:var(--muted);margin:4px 0}
    nav a{margin-right:12px;color:var(--accent);text-decoration:none}
    .cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(160px,1fr));gap:10px}
    .card{border:1px solid var(--line);border-radius:8px;padding:10px 12px}
    .card .label{color:var(--muted);font-size:12px}.card .value{font-size:22px;font-weight:600}.card .note{font-size:11px}
    .grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(640px,1fr));gap:16px}
    figure.chart{margin:0 0 12px;border:1px solid var(--line);border-radius:8px;padding:10px}
    figcaption{display:flex;justify-content:space-between;align-items:center;font-weight:600;margin-bottom:6px}
    .dl button{margin-left:6px;font-size:12px;padding:2px 8px;border:1px solid var(--line);border-radius:4px;background:#f9fafb;cursor:pointer}
    .plot{overflow-x:auto}.plot svg{max-width:100%;height:auto;display:block}
    .scroll{overflow-x:auto}
    table{border-collapse:collapse;font-size:13px;margin:4px 0 8px}
    th,td{border-bottom:1px solid var(--line);padding:4px 10px;text-align:left;vertical-align:top}
    th{background:#f9fafb;font-weight:600}
    table.ids td{white-space:nowrap}
    td code,td mark code{font-size:12px;word-break:break-all}
    table.utterances td:first-child{max-width:520px;white-space:pre-wrap;word-break:break-word}
    .session{border:1px solid var(--line);border-radius:8px;padding:6px 12px;margin:10px 0}
    .session:target{outline:3px solid var(--accent)}
    .bad,.outcome-failed{color:#dc2626;font-weight:600}.outcome-no_response{color:#d97706;font-weight:600}
    mark{background:#fef08a}
    footer{margin-top:32px;color:var(--muted);font-size:12px}
    """

    static let script = """
    (function(){
      "use strict";
      var data = {};
      try { data = JSON.parse(document.getElementById("chart-data").textContent); } catch (e) { console.error("chart data: " + e); }
      function download(name, type, text) {
        var blob = new Blob([text], {type: type});
        var a = document.createElement("a");
        a.href = URL.createObjectURL(blob);
        a.download = name;
        document.body.appendChild(a);
        a.click();
        setTimeout(function(){ URL.revokeObjectURL(a.href); a.remove(); }, 0);
      }
      document.addEventListener("click", function(e) {
        var t = e.target;
        if (!t || !t.getAttribute) return;
        var svgId = t.getAttribute("data-svg"), csvId = t.getAttribute("data-csv");
        if (svgId) {
          var fig = document.getElementById(svgId);
          var svg = fig && fig.querySelector("svg");
          if (svg) download(svgId + ".svg", "image/svg+xml", '<?xml version="1.0" encoding="UTF-8"?>\\n' + new XMLSerializer().serializeToString(svg));
        }
        if (csvId && Object.prototype.hasOwnProperty.call(data, csvId)) download(csvId + ".csv", "text/csv", data[csvId]);
      });
      // What rendered: each chart's size (read by the browser tests through the DOM).
      var out = [];
      var figs = document.querySelectorAll("figure.chart");
      for (var i = 0; i < figs.length; i++) {
        var svg = figs[i].querySelector("svg");
        var r = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
        out.push({id: figs[i].id, width: Math.round(r.width), height: Math.round(r.height), csv: Object.prototype.hasOwnProperty.call(data, figs[i].id)});
      }
      document.getElementById("render-check").textContent = JSON.stringify({rendered: true, charts: out});
    })();
    """
}

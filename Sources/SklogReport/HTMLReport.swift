import SklogAnalysis
import SklogRecords

/// The self-contained HTML report (`sklog-report`): inline CSS, inline SVG charts, a small inline
/// script for the SVG/CSV downloads. No network access; every piece of log text is escaped.
public enum HTMLReport {
    public static let version = "sklog.report/1"

    public static func render(_ d: ReportData) -> String {
        var charts: [ReportChart] = []
        var sections: [ReportSection] = []
        let total = d.result.total.metrics
        func v(_ name: String) -> Double? { total.value(name)?.double }
        let segments = PeriodChange.segments(d)

        // MARK: Summary
        let failureRate = v("endpointSuccessRate").map { (1 - $0) * 100 }
        let summary: [(String, String, String?)] = [
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
        sections.append(ReportSection(id: "summary", title: "Summary", html: cards(summary, deltas: { label in
            PeriodChange.cards[label].map { PeriodChange.line($0, segments[0], d) } ?? ""
        }) + PeriodChange.note(d)))

        // MARK: Trends
        let periods = d.trend.periods
        let labels = periods.map { periodLabel($0.start, d.trend.options.period) }
        let partial = periods.map(\.partial)
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
        let trendCharts: [(id: String, title: String, series: [(String, String)], log: Bool)] = [
            ("trend-volume", "Utterances, sessions and customers", [("utterances", "utterances"), ("sessions", "sessions"), ("customers", "customers")], false),
            ("trend-failures", "Failure rate (%)", [("failureRate", "failure %")], false),
            ("trend-latency", "Endpoint latency (log scale)", [("latencyP50", "P50"), ("latencyP90", "P90"), ("latencyP99", "P99")], true),
            ("trend-friction", "Friction per 100 turns", [("bargeInsRate", "barge-ins"), ("terminationsRate", "terminations"),
                                                          ("unhandledRequestsRate", "unhandled"), ("lowConfidenceIntentsRate", "low confidence")], false),
        ]
        var trends = "<div class=\"grid\">"
        for t in trendCharts {
            let ss = t.series.map { (name: $0.1, values: series($0.0)) }
            let c = ReportChart(id: t.id, title: t.title,
                                svg: t.log ? SVGChart.logLines(ss, labels: labels, title: t.title, partial: partial)
                                           : SVGChart.lines(ss, labels: labels, title: t.title, partial: partial),
                                csv: trendCSV(t.series.map(\.0)))
            charts.append(c)
            trends += figure(c)
        }
        trends += "</div>"
        if let li = d.trend.latestCompared {
            let last = periods[li]
            trends += "<h3>Top movers in \(HTML.escape(labels[li])) vs the previous \(d.trend.options.period.rawValue)</h3>"
            trends += "<p class=\"note\">The latest complete \(d.trend.options.period.rawValue) with the one before (partial periods are not compared). Intents with at least \(d.trend.options.minCount) turns in both periods whose rate rose most (per 100 turns of the intent).</p><div class=\"grid\">"
            for (title, list) in [("Failure rate", last.failureMovers), ("Friction rate", last.frictionMovers)] {
                trends += "<div><h4>\(title)</h4>"
                trends += table(["intent", "before", "now", "change", "turns"], list.map { m in
                    [cell(m.intent), num(m.previous), num(m.current), "+" + num(m.change), "\(m.previousTurns) → \(m.turns)"]
                }, empty: "No intent rose.")
                trends += "</div>"
            }
            trends += "</div>"
        } else if periods.count > 1 {
            trends += "<p class=\"note\" id=\"no-movers\">No top movers: no two complete \(d.trend.options.period.rawValue)s follow each other (a partial period is never compared).</p>"
        }
        sections.append(ReportSection(id: "trends", title: "Trends by \(d.trend.options.period.rawValue)", html: trends))

        // MARK: Session outcomes
        let outcomeValues = outcomes.map { (label: $0.label, value: v($0.metric) ?? 0, color: $0.color) }
        let totalSessions = outcomeValues.map(\.value).reduce(0, +)
        let oc = ReportChart(id: "outcomes", title: "Session outcomes", svg: SVGChart.stacked(outcomeValues, title: "Session outcomes"),
                             csv: ChartCSV.render(["outcome", "sessions", "share"], outcomeValues.map {
                                 [$0.label, String(Int64($0.value)), totalSessions > 0 ? MetricNumber.decimal($0.value / totalSessions, places: 6) : ""] }))
        charts.append(oc)
        // The bar beside its table: it fills its card (a chart alone in a full-width card filled half).
        sections.append(ReportSection(id: "outcomes", title: "Session outcomes", html: "<div class=\"grid\">" + figure(oc) + "<div>" + table(["outcome", "sessions", "share"], outcomeValues.map {
            [$0.label, count($0.value), totalSessions > 0 ? pct($0.value * 100 / totalSessions) : "n/a"]
        }, empty: "No sessions.") + "</div></div>"))

        // MARK: Paths
        let transitions = total.values(named: "pathSessions").filter { $0.labels.count == 2 }
        let shares = Dictionary(total.values(named: "pathShare").filter { $0.labels.count == 2 }.map { ($0.labels.joined(separator: "\u{0}"), $0.value.double) },
                                uniquingKeysWith: { a, _ in a })
        let customers = Dictionary(total.values(named: "pathCustomers").filter { $0.labels.count == 2 }.map { ($0.labels.joined(separator: "\u{0}"), $0.value.double) },
                                   uniquingKeysWith: { a, _ in a })
        let topPaths = total.values(named: "topPathSessions").filter { $0.labels.count == 1 }
        let flow = PathFlow(d.pathFlow)
        let pc = ReportChart(id: "paths", title: "Path flow: the first \(PathFlowCounts.steps) steps of every session", svg: flow.svg(), csv: flow.csv,
                             note: "Share of sessions at each step (each column adds up to 100 %; a session that ended stays in its END node). Steps under \(MetricNumber.decimal(PathFlow.minShare * 100, places: 0)) % of the sessions, or beyond the \(PathFlow.maxNodes) largest of a step, are grouped as “other”.")
        charts.append(pc)
        var paths = figure(pc)
        paths += "<details><summary>The flow as a table</summary>"
        paths += table(["step", "node", "sessions", "share"], flow.columns.enumerated().flatMap { i, col in
            col.map { n in [String(i + 1), cell(n.label), count(Double(n.sessions)), pct(flow.share(n.sessions) * 100)] }
        }, empty: "No sessions.", cls: "flow")
        paths += "</details>"
        let pathTotal = Double(topPaths.compactMap { $0.value.double }.reduce(0, +))
        paths += "<h3>Top paths (first 8 steps)</h3>"
        paths += longTable(["path", "sessions", ""], topPaths.map { p in
            let n = p.value.double ?? 0
            let w = pathTotal > 0 ? max(1, Int((n * 100 / (topPaths.first?.value.double ?? 1)).rounded())) : 0
            return ["<span class=\"path\">" + p.labels[0].components(separatedBy: " > ").map(cell).joined(separator: " <span class=\"arrow\">›</span> ") + "</span>",
                    count(n), "<span class=\"bar\" style=\"width:\(w)px\"></span>"]
        }, visible: 10, empty: "No sessions.", cls: "paths")
        paths += "<h3>Top transitions</h3>"
        paths += longTable(["from", "to", "sessions", "customers", "share of customers at “from”"], transitions.prefix(20).map { t in
            let k = t.labels.joined(separator: "\u{0}")
            return [cell(t.labels[0]), cell(t.labels[1]), count(t.value.double), count(customers[k] ?? nil), pct((shares[k] ?? nil).map { $0 * 100 })]
        }, visible: 8, empty: "No sessions.")
        sections.append(ReportSection(id: "paths", title: "Interaction paths", html: paths))

        // MARK: Friction
        let fc = ReportChart(id: "friction", title: "Friction by type",
                             svg: SVGChart.bars(frictionTypes.map { t in
                                 (label: t.label, value: v(t.metric) ?? 0, text: count(v(t.metric)) + (t.rate.isEmpty ? "" : " (\(per100(v(t.rate)))/100)"))
                             }, title: "Friction by type", labelWidth: 170, color: "#dc2626"),
                             csv: ChartCSV.render(["type", "events", "per100Turns"], frictionTypes.map { t in
                                 [t.metric, v(t.metric).map { MetricNumber.decimal($0, places: 0) } ?? "", t.rate.isEmpty ? "" : (v(t.rate).map { MetricNumber.decimal($0, places: 6) } ?? "")]
                             }))
        charts.append(fc)
        var friction = figure(fc) + "<h3>Frequent friction utterances</h3>"
        let utt = total.values(named: "utteranceFrictionEvents").filter { $0.labels.count == 1 }
        func uttCount(_ name: String, _ label: String) -> String {
            count(total.values(named: name, labels: ["utterance": label]).first?.value.double)
        }
        friction += longTable(["utterance (or Intent(slot=value))", "events", "barge-ins", "terminations", "unhandled", "low confidence", "system errors"],
                          utt.map { u in
                              let k = u.labels[0]
                              return [cell(k), count(u.value.double), uttCount("utteranceBargeIns", k), uttCount("utteranceTerminations", k),
                                      uttCount("utteranceUnhandledRequests", k), uttCount("utteranceLowConfidenceIntents", k), uttCount("utteranceSystemErrors", k)]
                          }, visible: 10, empty: "No friction events.", cls: "utterances")
        sections.append(ReportSection(id: "friction", title: "Friction", html: friction))

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
        // The week of the last record, when the input ends before that week does: its cells are partial.
        var partialWeek: Int64? = nil
        if let to = d.result.to, MetricsOptions.Period.week.isPartial(Timestamp.weekStart(to), from: d.result.from ?? to, to: to) {
            partialWeek = Timestamp.weekStart(to)
        }
        let partialGrid = cohorts.map { c in (0...lastWeek).map { k in
            guard let w = partialWeek, let start = Timestamp.parse(c) else { return false }
            return k > 0 && start + Int64(k) * 604_800_000 == w
        } }
        let rc = ReportChart(id: "retention", title: "Retention by weekly cohort",
                             svg: SVGChart.heatmap(rows: cohorts, columns: Array(weeks[0...lastWeek]), shares: shareGrid.map { Array($0[0...lastWeek]) },
                                                   counts: countGrid.map { Array($0[0...lastWeek]) }, title: "Retention", partial: partialGrid),
                             csv: ChartCSV.render(["cohort", "week", "customers", "share"], ret.map { r in
                                 let n = retCounts.first { $0.labels == r.labels }?.value.text ?? ""
                                 return [r.labels[0], r.labels[1], n == "null" ? "" : n, r.value == .null ? "" : r.value.text]
                             }),
                             note: "Cohort: the ISO week of a customer's first turn in the input; week k: share of the cohort with a turn k weeks later (blank: not yet observable; * and a dashed outline: a week the input covers only in part, so its share can still grow).")
        charts.append(rc)
        sections.append(ReportSection(id: "retention", title: "Retention", html: figure(rc)))

        // MARK: Latency
        let edges = d.latencyEdges
        let latLabels = edges.indices.map { i in i + 1 < edges.count ? "\(SVGChart.compact(Double(edges[i])))–\(SVGChart.compact(Double(edges[i + 1])))" : "≥\(SVGChart.compact(Double(edges[i])))" }
        let markers = [("P50", v("endpointLatencyP50")), ("P90", v("endpointLatencyP90")), ("P99", v("endpointLatencyP99"))].compactMap { m -> (label: String, position: Double)? in
            guard let x = m.1 else { return nil }
            return (label: "\(m.0) \(SVGChart.duration(x))", position: bucketPosition(x, edges))
        }
        let lc = ReportChart(id: "latency", title: "Endpoint latency distribution",
                             svg: SVGChart.columns(latLabels, d.latencyCounts, title: "Endpoint latency", markers: markers),
                             csv: ChartCSV.render(["fromMs", "toMs", "requests"], edges.indices.map { i in
                                 [String(edges[i]), i + 1 < edges.count ? String(edges[i + 1]) : "", String(d.latencyCounts[i])]
                             }),
                             note: "Turns and smart home directives with a latency, failures included. P50 \(ms(v("endpointLatencyP50"))), P90 \(ms(v("endpointLatencyP90"))), P99 \(ms(v("endpointLatencyP99"))), mean \(ms(v("endpointLatencyAvg"))). The percentile trend is under Trends (log scale).")
        charts.append(lc)
        sections.append(ReportSection(id: "latency", title: "Latency", html: figure(lc)))

        // MARK: The console's other pages
        sections += ConsolePages.sections(d, charts: &charts)

        // MARK: Worst message IDs
        var worst = "<h3>Slowest</h3>" + idTable(d.slowest, d, id: "slowest")
        worst += "<h3>Failed</h3><p class=\"note\">\(d.failedTotal) failed turns and smart home directives"
        if d.failedTotal > d.failed.count { worst += "; the \(d.failed.count) most recent are listed (all of them: <code>sklog ids --failed</code>)" }
        worst += ".</p>" + idTable(d.failed, d, id: "failed")
        sections.append(ReportSection(id: "worst", title: "Worst message IDs", html: worst))

        // MARK: Top exceptions (the grouping of `sklog errors`)
        var exc = "<p class=\"note\">Failures grouped by exception: errorType, the message with its variable parts masked, and the skill's stack frame"
        exc += " (\(d.exceptionGroups) group\(d.exceptionGroups == 1 ? "" : "s")"
        if d.exceptionGroups > d.exceptions.count { exc += "; the \(d.exceptions.count) largest are listed, all of them: <code>sklog errors</code>" }
        exc += ").</p>"
        exc += table(["exception", "frame", "failures", "share", "sessions ended", "first seen", "last seen", "intents", "sample IDs"], d.exceptions.map { g in
            [cell(g.title) + (g.example.map { "<br><small>" + cell($0) + "</small>" } ?? ""), g.frame.map { "<code>" + cell($0) + "</code>" } ?? "",
             String(g.count), MetricNumber.decimal(g.share * 100, places: 1) + "%", String(g.sessionsEnded),
             cell(Timestamp.string(g.firstSeen)), cell(Timestamp.string(g.lastSeen)), cell(g.intents),
             g.sampleIds.map(idCode).joined(separator: " ")]
        }, empty: "No failures.", cls: "ids")
        sections.append(ReportSection(id: "exceptions", title: "Top exceptions", html: exc))

        // MARK: Sessions
        var sess = ""
        if d.sessions.isEmpty { sess += "<p class=\"note\">None (the listed requests have no session).</p>" }
        else { sess += "<p class=\"note\">\(d.sessions.count) session\(d.sessions.count == 1 ? "" : "s"); open one to see its turns (a <strong>turns</strong> link above opens it).</p>" }
        let listed = Set((d.slowest + d.failed).map(\.messageId))
        for (i, s) in d.sessions.enumerated() {
            var friction: [String: [String]] = [:]
            for e in s.friction { friction[e.messageId, default: []].append(e.type.rawValue) }
            let sid = d.redact ? Redactor.token(s.sessionId) : s.sessionId
            sess += "<details class=\"session\" id=\"session-\(i)\"><summary>Session \(idCode(sid)) · \(HTML.escape(Timestamp.string(s.start)))"
            sess += " · \(s.turns.count) turn\(s.turns.count == 1 ? "" : "s") · outcome <span class=\"outcome-\(s.outcome.rawValue)\">\(s.outcome.rawValue)</span></summary>"
            sess += table(["time", "message ID", "step", "utterance", "latency", "result", "friction"], s.turns.map { t in
                [HTML.escape(String(Timestamp.string(t.ts).dropFirst(11))),
                 (listed.contains(t.messageId) ? "<mark>" : "") + idCode(t.messageId) + (listed.contains(t.messageId) ? "</mark>" : ""),
                 cell(t.step), cell(d.redact ? (t.utterance == nil ? "" : "***") : (t.utterance ?? "")),
                 t.latencyMs >= 0 ? ms(Double(t.latencyMs)) : "",
                 t.failed ? "<span class=\"bad\">failed</span>" : "",
                 cell((friction[t.messageId] ?? []).joined(separator: ", "))]
            }, empty: "No turns.", cls: "turns")
            sess += "</details>"
        }
        sections.append(ReportSection(id: "sessions", title: "Sessions of the listed message IDs", html: sess))

        // MARK: Page
        var body = "<header><h1>sklog report</h1><p class=\"meta\">"
        body += "Input: " + d.inputNames.map { "<code>\(HTML.escape($0))</code>" }.joined(separator: ", ")
        if let f = d.result.from, let t = d.result.to {
            body += " · \(HTML.escape(Timestamp.string(f))) to \(HTML.escape(Timestamp.string(t)))"
        }
        body += " · by \(d.trend.options.period.rawValue)"
        if d.redact { body += " · redacted" }
        body += "</p><p class=\"meta\">\(HTML.escape(d.result.accounting.summaryLine))</p>"
        body += filterBar(labels, segments)
        body += "<nav class=\"toc\" id=\"toc\"><strong>Contents</strong><ol>"
        body += sections.map { "<li><a href=\"#\($0.id)\">\(HTML.escape(shortTitle($0)))</a></li>" }.joined() + "</ol></nav></header>"
        for s in sections {
            body += "<section id=\"\(s.id)\"><h2>\(HTML.escape(s.title))</h2>\(s.html)</section>"
        }
        body += "<footer>sklog \(HTML.escape(version)) · self-contained: no network access. <pre id=\"render-check\" hidden></pre><pre id=\"png-export\" hidden></pre></footer>"

        let filter = PeriodChange.json(d, segments: segments, charts: trendCharts)
        return page(body: body, charts: charts, filter: filter)
    }

    static let outcomes: [(label: String, metric: String, color: String)] = [
        ("user_ended", "userEndedSessions", "#16a34a"), ("skill_ended", "skillEndedSessions", "#2563eb"),
        ("no_response", "incompleteSessions", "#d97706"), ("failed", "failedSessions", "#dc2626"), ("unknown", "unknownSessions", "#9ca3af"),
    ]
    static let frictionTypes: [(label: String, metric: String, rate: String)] = [
        ("barge-ins", "bargeIns", "bargeInsRate"), ("terminations", "terminations", "terminationsRate"),
        ("unhandled requests", "unhandledRequests", "unhandledRequestsRate"), ("low-confidence intents", "lowConfidenceIntents", "lowConfidenceIntentsRate"),
        ("estimated system errors", "estimatedSystemErrors", ""),
    ]

    static func shortTitle(_ s: ReportSection) -> String {
        s.id == "trends" ? "Trends" : s.id == "sessions" ? "Sessions" : s.title
    }

    /// Where a latency falls on the histogram's bucket axis (2.5 = the middle of the third bucket).
    static func bucketPosition(_ v: Double, _ edges: [Int64]) -> Double {
        var i = edges.count - 1
        while i > 0 && v < Double(edges[i]) { i -= 1 }
        guard i + 1 < edges.count else { return Double(i) + 0.5 }
        return Double(i) + (v - Double(edges[i])) / Double(edges[i + 1] - edges[i])
    }

    /// The date-range and segment selectors (the script fills in the rest; without it they stay inert).
    static func filterBar(_ labels: [String], _ segments: [PeriodChange.Segment]) -> String {
        guard !labels.isEmpty else { return "" }
        var s = "<form class=\"filters\" id=\"filters\"><label>From <select id=\"f-from\">"
        s += labels.enumerated().map { "<option value=\"\($0.offset)\"\($0.offset == 0 ? " selected" : "")>\(HTML.escape($0.element))</option>" }.joined()
        s += "</select></label><label>to <select id=\"f-to\">"
        s += labels.enumerated().map { "<option value=\"\($0.offset)\"\($0.offset == labels.count - 1 ? " selected" : "")>\(HTML.escape($0.element))</option>" }.joined()
        s += "</select></label><label>Traffic <select id=\"f-segment\">"
        s += segments.enumerated().map { "<option value=\"\($0.offset)\">\(HTML.escape($0.element.name))</option>" }.joined()
        s += "</select></label><button type=\"reset\" id=\"f-reset\">Reset</button>"
        s += "<span class=\"note\" id=\"f-scope\">Filters the trend, outcome and friction charts and the summary's change lines, from data in the page; the other sections cover the whole input.</span></form>"
        return s
    }

    /// Summary cards; `deltas` gives the change line (HTML) of a card by its label.
    static func cards(_ items: [(String, String, String?)], deltas: (String) -> String = { _ in "" }) -> String {
        var s = "<div class=\"cards\">"
        for (label, value, note) in items {
            s += "<div class=\"card\" data-card=\"\(HTML.escape(label))\"><div class=\"label\">\(HTML.escape(label))</div><div class=\"value\">\(HTML.escape(value))</div>"
            if let note { s += "<div class=\"note\">\(HTML.escape(note))</div>" }
            s += deltas(label)
            s += "</div>"
        }
        return s + "</div>"
    }

    /// An ID kept whole (no wrapping inside it), with a button that copies it.
    static func idCode(_ id: String) -> String {
        let e = HTML.escape(id)
        return "<span class=\"id\"><code>\(e)</code><button type=\"button\" class=\"copy\" data-copy=\"\(e)\" title=\"Copy\" aria-label=\"Copy \(e)\">⧉</button></span>"
    }

    static func csvValue(_ n: MetricNumber?) -> String {
        guard let n, n != .null else { return "" }
        return n.text
    }

    // MARK: Pieces

    static func figure(_ c: ReportChart) -> String {
        var s = "<figure class=\"chart\" id=\"\(c.id)\"><figcaption><span>\(HTML.escape(c.title))</span>"
        s += "<span class=\"dl\"><button type=\"button\" data-svg=\"\(c.id)\">SVG</button><button type=\"button\" data-png=\"\(c.id)\">PNG</button><button type=\"button\" data-csv=\"\(c.id)\">CSV</button></span></figcaption>"
        s += "<div class=\"plot\">\(c.svg)</div>"
        if let n = c.note { s += "<p class=\"note\">\(HTML.escape(n))</p>" }
        return s + "</figure>"
    }

    /// The first `visible` rows, and the rest behind a `<details>` (keeps the page short).
    static func longTable(_ header: [String], _ rows: [[String]], visible: Int, empty: String, cls: String = "") -> String {
        guard rows.count > visible + 5 else { return table(header, rows, empty: empty, cls: cls) }
        return table(header, Array(rows.prefix(visible)), empty: empty, cls: cls)
            + "<details><summary>\(rows.count - visible) more rows</summary>" + table(header, Array(rows.dropFirst(visible)), empty: empty, cls: cls) + "</details>"
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
        longTable(["time", "message ID", "request", "latency", "outcome", "error type", "session"], rows.map { r in
            let link = d.sessionOf[r.messageId].map { "<a href=\"#session-\($0)\">turns</a>" } ?? "—"
            return [HTML.escape(Timestamp.string(r.ts)), idCode(r.messageId), cell(r.intent ?? r.requestType ?? ""),
                    r.latencyMs >= 0 ? ms(Double(r.latencyMs)) : "", cell(r.outcome.name ?? ""), cell(r.errorType ?? ""), link]
        }, visible: 10, empty: id == "failed" ? "No failed requests." : "No latencies in the input.", cls: "ids")
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
}

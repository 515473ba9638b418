import SklogAnalysis
import SklogRecords

/// One section of the page (and one entry of the table of contents).
struct ReportSection {
    var id: String
    var title: String
    var html: String
}

/// The sections that mirror the console's other Analytics pages: intents, utterances, locales,
/// enablements, account linking and token retrieval, in-skill purchasing, smart home actions and
/// operational metrics, plays. Each is present only when its source events are in the input (a
/// metric the engine reports as not available, SPEC 6, means the events are absent).
enum ConsolePages {
    static func sections(_ d: ReportData, charts: inout [ReportChart]) -> [ReportSection] {
        var out: [ReportSection] = []
        let total = d.result.total.metrics
        func v(_ name: String) -> Double? { total.value(name)?.double }
        func present(_ names: String...) -> Bool { names.contains { total.value($0)?.double != nil } }
        let R = HTMLReport.self

        // MARK: Intents
        let intents = total.values(named: "intentUtterances").filter { !$0.labels.isEmpty }
        if present("totalIntents") && !intents.isEmpty {
            let customers = labelled(total, "intentCustomers"), failures = labelled(total, "intentFailures")
            let c = ReportChart(id: "intents", title: "Utterances per intent (top 15)",
                                svg: SVGChart.bars(intents.prefix(15).map { (label: $0.labels[0], value: $0.value.double ?? 0, text: R.count($0.value.double)) },
                                                   title: "Utterances per intent", labelWidth: 300),
                                csv: ChartCSV.render(["intent", "utterances", "customers", "failures"], intents.map { i in
                                    [i.labels[0], i.value.text, HTMLReport.csvValue(customers[i.labels[0]]), HTMLReport.csvValue(failures[i.labels[0]])]
                                }))
            charts.append(c)
            var h = R.cards([("Intent requests", R.count(v("totalIntents")), nil), ("Intents", String(intents.count), "distinct")])
            h += R.figure(c)
            h += R.longTable(["intent", "utterances", "customers", "failures", "failure rate"], intents.map { i in
                let n = i.value.double ?? 0, f = failures[i.labels[0]]?.double
                return [R.cell(i.labels[0]), R.count(n), R.count(customers[i.labels[0]]?.double), R.count(f), R.pct(f.map { n > 0 ? $0 * 100 / n : 0 })]
            }, visible: 15, empty: "No intents.")
            out.append(ReportSection(id: "intents", title: "Intents", html: h))
        }

        // MARK: Utterances
        if d.redact && present("totalUtterances") {
            out.append(ReportSection(id: "utterances", title: "Utterances",
                                     html: "<p class=\"note\">Utterances are hidden in a report made with <code>--redact</code>.</p>"))
        } else if d.utterances.turns > 0 {
            let rows = d.utterances.top(50)
            var h = "<p class=\"note\">The \(rows.count) most frequent utterances of \(R.count(Double(d.utterances.turns))) turns with an utterance, with the intent they resolved to"
            if d.utterances.untracked > 0 {
                h += " (\(R.count(Double(d.utterances.untracked))) turns of utterances first seen after \(UtteranceCounts.limit) distinct ones are not listed)"
            }
            h += ".</p>"
            h += R.longTable(["utterance", "intent", "turns", "share", "failures"], rows.map { r in
                [R.cell(r.utterance), R.cell(r.intent), R.count(Double(r.turns)), R.pct(Double(r.turns) * 100 / Double(d.utterances.turns)), R.count(Double(r.failures))]
            }, visible: 15, empty: "No utterances.", cls: "utterances")
            out.append(ReportSection(id: "utterances", title: "Utterances", html: h))
        }

        // MARK: Locales and stages
        let seg = d.segments
        let locales = seg.values(0)
        if !locales.isEmpty {
            let cells = locales.map { (name: $0.name, cell: seg.cell(SegmentCounts.whole, 0, $0.hash) ?? SegmentCounts.Cell()) }
            let c = ReportChart(id: "locales", title: "Utterances per locale",
                                svg: SVGChart.bars(cells.map { (label: $0.name, value: Double($0.cell.turns), text: R.count(Double($0.cell.turns))) },
                                                   title: "Utterances per locale", labelWidth: 150),
                                csv: ChartCSV.render(["locale", "customers", "utterances", "sessions", "failureRate", "latencyP90"], cells.map { x in
                                    [x.name, String(x.cell.users.count), String(x.cell.turns), String(x.cell.sessions),
                                     x.cell.failureRate.map { MetricNumber.decimal($0, places: 6) } ?? "", x.cell.latency.percentiles([90])[0].map(String.init) ?? ""]
                                }))
            charts.append(c)
            var h = R.figure(c) + dimensionTable("locale", cells)
            let stages = seg.values(1)
            if !stages.isEmpty {
                h += "<h3>Stages</h3>" + dimensionTable("stage", stages.map { (name: $0.name, cell: seg.cell(SegmentCounts.whole, 1, $0.hash) ?? SegmentCounts.Cell()) })
            }
            out.append(ReportSection(id: "locales", title: "Locales", html: h))
        }

        // MARK: Enablements
        if present("totalEnablements", "disablements") {
            let net = (v("totalEnablements") ?? 0) - (v("disablements") ?? 0)
            let h = R.cards([("Enablements", R.count(v("totalEnablements")), nil), ("Disablements", R.count(v("disablements")), nil),
                             ("Net", (net > 0 ? "+" : "") + R.count(net), "enabled − disabled")])
                + periodFigure(d, id: "enablements", title: "Enablements and disablements", [("totalEnablements", "enabled"), ("disablements", "disabled")], charts: &charts)
            out.append(ReportSection(id: "enablements", title: "Enablements", html: h))
        }

        // MARK: Account linking and token retrieval
        if present("accountLinkingInitiations", "accountLinkingCompletions", "accessTokenRequests", "refreshTokenRequests") {
            var h = ""
            if present("accountLinkingInitiations", "accountLinkingCompletions") {
                h += "<h3>Account linking</h3>"
                h += R.cards([("Initiations", R.count(v("accountLinkingInitiations")), nil), ("Completions", R.count(v("accountLinkingCompletions")), nil),
                              ("Completion rate", R.pct(v("accountLinkingCompletionRate").map { $0 * 100 }), "completions ÷ initiations")])
                let via = total.values(named: "accountLinkingInitiations").filter { !$0.labels.isEmpty }
                let done = labelled(total, "accountLinkingCompletions"), rate = labelled(total, "accountLinkingCompletionRate")
                h += R.table(["via", "initiations", "completions", "completion rate"], via.map { x in
                    [R.cell(x.labels[0]), R.count(x.value.double), R.count(done[x.labels[0]]?.double), R.pct(rate[x.labels[0]]?.double.map { $0 * 100 })]
                }, empty: "No initiations with a via.")
                h += "<p class=\"note\">AlexaSkillEvent.SkillAccountLinked has no <code>via</code>: it counts only in the overall completions.</p>"
            }
            if present("accessTokenRequests", "refreshTokenRequests") {
                h += "<h3>Token retrieval</h3>"
                h += R.cards([("Access token requests", R.count(v("accessTokenRequests")), "authorization_code"),
                              ("Access token success", R.pct(v("accessTokenSuccessRate").map { $0 * 100 }), nil),
                              ("Refresh token requests", R.count(v("refreshTokenRequests")), "refresh_token"),
                              ("Refresh token success", R.pct(v("refreshTokenSuccessRate").map { $0 * 100 }), nil)])
                let access = labelled(total, "accessTokenErrors"), refresh = labelled(total, "refreshTokenErrors")
                let types = MetricCatalog.tokenErrorTypes.filter { (access[$0]?.double ?? 0) + (refresh[$0]?.double ?? 0) > 0 }
                h += R.table(["error type", "access token", "refresh token"], types.map { t in
                    [R.cell(t), R.count(access[t]?.double), R.count(refresh[t]?.double)]
                }, empty: "No failed token requests.")
            }
            out.append(ReportSection(id: "account-linking", title: "Account linking", html: h))
        }

        // MARK: In-skill purchasing
        if present("totalPurchases", "subscriptionsStarted") {
            func rate(_ n: String) -> String { R.pct(v(n).map { $0 * 100 }) }
            var h = R.cards([("Purchases", R.count(v("totalPurchases")), "accepted entitlements and consumables (subscriptions count as started)"),
                             ("Subscriptions started", R.count(v("subscriptionsStarted")), "trials included"),
                             ("Subscriptions ended", R.count(v("subscriptionsEnded")), nil),
                             ("Active subscriptions", R.count(v("activeSubscriptions")), "paid, at the end"),
                             ("Trial to paid", rate("trialToPaidRate"), nil), ("Churn", rate("churn"), nil),
                             ("Upsell impressions", R.count(v("upsellImpressions")), nil), ("Offer impressions", R.count(v("offerImpressions")), nil),
                             ("Offer conversion", rate("offerConversionRate"), "subscriptions"),
                             ("Upsell → offer", rate("upsellToOfferConversion"), nil), ("Offer → purchase", rate("offerToPurchaseConversion"), nil),
                             ("Upsell → purchase", rate("upsellToPurchaseConversion"), "accepted upsells, subscriptions included")])
            h += periodFigure(d, id: "purchasing", title: "Purchases and subscriptions", [("totalPurchases", "purchases"), ("subscriptionsStarted", "subscriptions started"),
                                                                                          ("subscriptionsEnded", "subscriptions ended")], charts: &charts)
            let products = total.values(named: "purchases").filter { !$0.labels.isEmpty }
            h += "<h3>Purchases per product</h3>" + R.table(["product", "purchases"], products.map { [R.cell($0.labels[0]), R.count($0.value.double)] },
                                                             empty: "No purchases.")
            out.append(ReportSection(id: "purchasing", title: "In-skill purchasing", html: h))
        }

        // MARK: Smart home
        let ops = total.values(named: "requests").filter { !$0.labels.isEmpty && $0.value != .null }
        if present("totalActions") || !ops.isEmpty {
            var h = ""
            let actions = total.values(named: "actionCount").filter { !$0.labels.isEmpty }
            if !actions.isEmpty {
                let ac = labelled(total, "actionCustomers")
                let c = ReportChart(id: "smart-home-actions", title: "Smart home actions",
                                    svg: SVGChart.bars(actions.prefix(15).map { (label: $0.labels[0], value: $0.value.double ?? 0, text: R.count($0.value.double)) },
                                                       title: "Smart home actions", labelWidth: 330, color: SVGChart.palette[5]),
                                    csv: ChartCSV.render(["action", "count", "customers"], actions.map { [$0.labels[0], $0.value.text, HTMLReport.csvValue(ac[$0.labels[0]])] }))
                charts.append(c)
                h += "<h3>Actions</h3>" + R.cards([("Actions", R.count(v("totalActions")), "directives other than discovery and state reports")]) + R.figure(c)
                h += R.longTable(["action", "count", "customers"], actions.map { [R.cell($0.labels[0]), R.count($0.value.double), R.count(ac[$0.labels[0]]?.double)] },
                             visible: 10, empty: "No actions.")
            }
            if !ops.isEmpty {
                let sr = labelled(total, "successRate"), p50 = labelled(total, "latencyP50"), p90 = labelled(total, "latencyP90")
                let p99 = labelled(total, "latencyP99"), avg = labelled(total, "latencyAvg")
                h += "<h3>Operational metrics</h3>"
                h += R.cards([("Change report accuracy", R.pct(v("changeReportAccuracy").map { $0 * 100 }), "state reports matching the latest change report")])
                h += operationalPages(d, ops.map { $0.labels[0] }, charts: &charts)
                h += "<h4>All operations over the whole input</h4>"
                let groups: Set<String> = ["Discovery", "CapabilityDirectives", "ReportState"]
                h += R.longTable(["operation", "requests", "success rate", "P50", "P90", "P99", "mean"], ops.map { o in
                    let k = o.labels[0]
                    let name = groups.contains(k) ? "<strong>\(R.cell(k))</strong>" : R.cell(k)
                    return [name, R.count(o.value.double), R.pct(sr[k]?.double.map { $0 * 100 }), R.ms(p50[k]?.double), R.ms(p90[k]?.double),
                            R.ms(p99[k]?.double), R.ms(avg[k]?.double)]
                }, visible: 8, empty: "No directives.")
                h += "<p class=\"note\">Discovery: Alexa.Discovery.*; CapabilityDirectives: every other directive but Alexa.ReportState, then each directive on its own. Latencies over the directives with a latency, failures included.</p>"
            }
            out.append(ReportSection(id: "smart-home", title: "Smart home", html: h))
        }

        // MARK: Plays
        if present("plays") {
            let h = R.cards([("Plays", R.count(v("plays")), "FlashBriefing.Play")]) + periodFigure(d, id: "plays", title: "Flash briefing plays", [("plays", "plays")], charts: &charts)
            out.append(ReportSection(id: "plays", title: "Plays", html: h))
        }
        return out
    }

    /// The console's Operational Metrics pages: for Discovery, Capability Directives (all of them,
    /// then each capability — the directive's namespace — with each of its directives) and Report
    /// State, latency over time (P50, P90, P99 and average in one chart) and success rate over
    /// time, each with the request volume on a second axis; then Change Report accuracy over time.
    static func operationalPages(_ d: ReportData, _ operations: [String], charts: inout [ReportChart]) -> String {
        let b = d.result.buckets
        guard !b.isEmpty else { return "" }
        let labels = b.map { HTMLReport.periodLabel($0.start ?? 0, d.trend.options.period) }
        let partial = b.map(\.partial)
        var used = Set<String>()
        func slug(_ s: String) -> String {
            var out = "op-" + String(s.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "-" }).lowercased()
            while used.contains(out) { out += "-x" }
            used.insert(out)
            return out
        }
        func pair(_ op: String, _ title: String) -> String {
            let per = b.map { labelled($0.metrics, "requests")[op]?.double ?? 0 }
            func col(_ name: String, _ scale: Double = 1) -> [Double?] { b.map { labelled($0.metrics, name)[op]?.double.map { $0 * scale } } }
            let lat = [("P50", col("latencyP50")), ("P90", col("latencyP90")), ("P99", col("latencyP99")), ("average", col("latencyAvg"))]
            let rate = col("successRate", 100)
            let id = slug(op)
            let csv = ChartCSV.render(["period_start", "requests", "successRate", "latencyP50", "latencyP90", "latencyP99", "latencyAvg", "partial"], b.indices.map { i in
                let m = b[i].metrics
                func cell(_ name: String) -> String { HTMLReport.csvValue(labelled(m, name)[op]) }
                return [Timestamp.string(b[i].start ?? 0), HTMLReport.csvValue(labelled(m, "requests")[op] ?? .int(0)), cell("successRate"),
                        cell("latencyP50"), cell("latencyP90"), cell("latencyP99"), cell("latencyAvg"), b[i].partial ? "1" : "0"]
            })
            let lc = ReportChart(id: id + "-latency", title: "\(title): latency",
                                 svg: SVGChart.dualAxis(lat.map { (name: $0.0, values: $0.1) }, unit: .ms, volume: per, labels: labels, title: "\(title): latency", partial: partial),
                                 csv: csv)
            let sc = ReportChart(id: id + "-success", title: "\(title): success rate",
                                 svg: SVGChart.dualAxis([(name: "success rate", values: rate)], unit: .percent, volume: per, labels: labels, title: "\(title): success rate", partial: partial),
                                 csv: csv)
            charts.append(lc)
            charts.append(sc)
            return "<div class=\"grid\">" + HTMLReport.figure(lc) + HTMLReport.figure(sc) + "</div>"
        }
        let present = Set(operations)
        var h = "<p class=\"note\">As the console's Operational Metrics pages draw them: latency (P50, P90, P99, average; over the directives with a latency, failures included) and success rate per \(d.trend.options.period.rawValue), with the requests of each \(d.trend.options.period.rawValue) as grey columns on the right axis. Hollow points: partial periods.</p>"
        for (op, title) in [("Discovery", "Discovery"), ("CapabilityDirectives", "Capability directives (all)")] where present.contains(op) {
            h += "<h4 class=\"op\" id=\"\(slug(op + "-page"))\">\(HTML.escape(title))</h4>" + pair(op, title)
        }
        // Each capability (the directive's namespace) with its directives, as the console lists them.
        let directives = operations.filter { !["Discovery", "CapabilityDirectives", "ReportState"].contains($0) && !$0.hasPrefix("Alexa.Discovery.") && $0 != "Alexa.ReportState" }
        var byCapability: [(String, [String])] = []
        for op in directives {
            let cap = op.split(separator: ".").dropLast().joined(separator: ".")
            if let i = byCapability.firstIndex(where: { $0.0 == cap }) { byCapability[i].1.append(op) } else { byCapability.append((cap.isEmpty ? op : cap, [op])) }
        }
        byCapability.sort { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
        for (cap, ops) in byCapability {
            h += "<details class=\"capability\"><summary>\(HTML.escape(cap)) · \(ops.count) directive\(ops.count == 1 ? "" : "s")</summary>"
            for op in ops.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) { h += "<h5>\(HTML.escape(op))</h5>" + pair(op, op) }
            h += "</details>"
        }
        if present.contains("ReportState") { h += "<h4 class=\"op\">Report state</h4>" + pair("ReportState", "Report state") }
        if d.result.total.metrics.value("changeReportAccuracy")?.double != nil {
            let acc = b.map { $0.metrics.value("changeReportAccuracy")?.double.map { $0 * 100 } }
            let c = ReportChart(id: "op-change-report-accuracy", title: "Change report accuracy",
                                svg: SVGChart.lines([(name: "accuracy %", values: acc)], labels: labels, title: "Change report accuracy", partial: partial),
                                csv: ChartCSV.render(["period_start", "changeReportAccuracy", "partial"], b.map { x in
                                    [Timestamp.string(x.start ?? 0), HTMLReport.csvValue(x.metrics.value("changeReportAccuracy")), x.partial ? "1" : "0"]
                                }),
                                note: "Each Alexa.ReportState with a state compared with the latest earlier Alexa.ChangeReport of the same endpoint (from any earlier time in the input): the share where every property of that change report has the same value.")
            charts.append(c)
            h += "<h4 class=\"op\">Change report</h4>" + HTMLReport.figure(c)
        }
        return h
    }

    /// A labelled metric with one label, by label value.
    static func labelled(_ m: MetricSet, _ name: String) -> [String: MetricNumber] {
        var out: [String: MetricNumber] = [:]
        for x in m.values(named: name) where x.labels.count == 1 { out[x.labels[0]] = x.value }
        return out
    }

    static func failureRate(_ m: MetricSet) -> Double? { m.value("endpointSuccessRate")?.double.map { (1 - $0) * 100 } }

    static func dimensionTable(_ name: String, _ rows: [(name: String, cell: SegmentCounts.Cell)]) -> String {
        let R = HTMLReport.self
        return R.table([name, "customers", "utterances", "sessions", "successful sessions", "failure rate", "latency P90"], rows.map { x in
            let c = x.cell
            return [R.cell(x.name), R.count(Double(c.users.count)), R.count(Double(c.turns)), R.count(Double(c.sessions)), R.pct(c.successShare),
                    R.pct(c.failureRate), R.ms(c.latency.percentiles([90])[0].map(Double.init))]
        }, empty: "None.")
    }

    /// The chart of `periodChart`, or a note instead when every value is 0 or not available
    /// (an all-zero chart says nothing the cards do not).
    static func periodFigure(_ d: ReportData, id: String, title: String, _ metrics: [(String, String)], charts: inout [ReportChart]) -> String {
        let any = d.result.buckets.contains { b in metrics.contains { (b.metrics.value($0.0)?.double ?? 0) != 0 } }
        guard any else { return "<p class=\"note\" id=\"\(id)-none\">\(HTML.escape(title)): none in any \(d.trend.options.period.rawValue); no chart.</p>" }
        let c = periodChart(d, id: id, title: title, metrics)
        charts.append(c)
        return HTMLReport.figure(c)
    }

    /// Lines of some metrics over the report's periods (a bucket without the events is 0).
    static func periodChart(_ d: ReportData, id: String, title: String, _ metrics: [(String, String)]) -> ReportChart {
        let b = d.result.buckets
        let labels = b.map { HTMLReport.periodLabel($0.start ?? 0, d.trend.options.period) }
        let series = metrics.map { m in (name: m.1, values: b.map { $0.metrics.value(m.0)?.double }) }
        return ReportChart(id: id, title: title, svg: SVGChart.lines(series, labels: labels, title: title, partial: b.map(\.partial)),
                           csv: ChartCSV.render(["period_start"] + metrics.map(\.0), b.map { x in
                               [Timestamp.string(x.start ?? 0)] + metrics.map { HTMLReport.csvValue(x.metrics.value($0.0)) }
                           }))
    }
}

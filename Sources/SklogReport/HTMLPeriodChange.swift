import SklogAnalysis
import SklogRecords

/// The data behind the page's filters and the period-over-period change on the summary cards:
/// per period, per segment (all traffic, each locale, each stage), the trend numbers and the
/// additive counts of the outcome and friction charts. Embedded as JSON; the page's script
/// re-draws the filtered charts from it (no network). The change line of each card is rendered
/// here for the whole input, and by the script, with the same rules, for a filtered view.
enum PeriodChange {
    /// Additive counts per period (summed by the script over a date range).
    static let counts = ["totalUtterances", "userEndedSessions", "skillEndedSessions", "incompleteSessions", "failedSessions", "unknownSessions",
                         "bargeIns", "terminations", "unhandledRequests", "lowConfidenceIntents", "estimatedSystemErrors", "frictionSessions"]

    enum Kind: String { case count, percent, ms, per100 }

    /// A summary card's change line: which value, how it is shown, and whether up is good.
    struct Card {
        var key: String
        var kind: Kind
        var upIsGood: Bool
    }

    /// By the label of the summary card.
    static let cards: [String: Card] = [
        "Utterances": Card(key: "utterances", kind: .count, upIsGood: true),
        "Sessions": Card(key: "sessions", kind: .count, upIsGood: true),
        "Customers": Card(key: "customers", kind: .count, upIsGood: true),
        "Failure rate": Card(key: "failureRate", kind: .percent, upIsGood: false),
        "Latency P50": Card(key: "latencyP50", kind: .ms, upIsGood: false),
        "Latency P90": Card(key: "latencyP90", kind: .ms, upIsGood: false),
        "Latency P99": Card(key: "latencyP99", kind: .ms, upIsGood: false),
        "Successful sessions": Card(key: "successShare", kind: .percent, upIsGood: true),
        "Barge-ins": Card(key: "bargeInsRate", kind: .per100, upIsGood: false),
        "Terminations": Card(key: "terminationsRate", kind: .per100, upIsGood: false),
        "Unhandled": Card(key: "unhandledRequestsRate", kind: .per100, upIsGood: false),
        "Low confidence": Card(key: "lowConfidenceIntentsRate", kind: .per100, upIsGood: false),
        "Friction sessions": Card(key: "frictionSessions", kind: .count, upIsGood: false),
        "Estimated system errors": Card(key: "estimatedSystemErrors", kind: .count, upIsGood: false),
    ]

    struct Segment {
        var name: String
        /// key → one value per period (nil: not available).
        var values: [String: [Double?]]
    }

    /// All traffic first (the engine's numbers), then each locale, then each stage (the
    /// report's `SegmentCounts`, with the same definitions).
    static func segments(_ d: ReportData) -> [Segment] {
        let buckets = d.result.buckets
        var all: [String: [Double?]] = [:]
        let sets = buckets.map(\.metrics)
        for m in TrendMetric.all { all[m.name] = sets.map { m.value(in: $0) } }
        for c in counts { all[c] = sets.map { $0.value(c)?.double ?? 0 } }
        all["successShare"] = sets.map { $0.value("successfulSessionsShare")?.double.map { $0 * 100 } }
        var out = [Segment(name: "All traffic", values: all)]
        let seg = d.segments
        let starts = buckets.map { $0.start ?? 0 }
        for (di, dim) in SegmentCounts.dimensions.enumerated() {
            for v in seg.values(di) {
                let cells = starts.map { seg.cell($0, di, v.hash) }
                func col(_ f: (SegmentCounts.Cell) -> Double?) -> [Double?] { cells.map { $0.flatMap(f) } }
                func num(_ f: (SegmentCounts.Cell) -> Int64) -> [Double?] { cells.map { Double($0.map(f) ?? 0) } }
                // One pass over each histogram for the three percentiles.
                let ps = cells.map { $0?.latency.percentiles([50, 90, 99]) }
                func pct(_ k: Int) -> [Double?] { ps.map { $0?[k].map(Double.init) ?? nil } }
                var x: [String: [Double?]] = [:]
                x["utterances"] = num { $0.turns }
                x["totalUtterances"] = x["utterances"]
                x["sessions"] = num { $0.sessions }
                x["customers"] = num { Int64($0.users.count) }
                x["failureRate"] = col { $0.failureRate }
                x["latencyP50"] = pct(0); x["latencyP90"] = pct(1); x["latencyP99"] = pct(2)
                x["bargeInsRate"] = col { $0.per100(.bargeIn) }
                x["terminationsRate"] = col { $0.per100(.termination) }
                x["unhandledRequestsRate"] = col { $0.per100(.unhandled) }
                x["lowConfidenceIntentsRate"] = col { $0.per100(.lowConfidence) }
                x["userEndedSessions"] = num { $0.outcome(.userEnded) }
                x["skillEndedSessions"] = num { $0.outcome(.skillEnded) }
                x["incompleteSessions"] = num { $0.outcome(.noResponse) }
                x["failedSessions"] = num { $0.outcome(.failed) }
                x["unknownSessions"] = num { $0.outcome(.unknown) }
                x["bargeIns"] = num { $0.events(.bargeIn) }
                x["terminations"] = num { $0.events(.termination) }
                x["unhandledRequests"] = num { $0.events(.unhandled) }
                x["lowConfidenceIntents"] = num { $0.events(.lowConfidence) }
                x["estimatedSystemErrors"] = num { $0.events(.systemError) }
                x["frictionSessions"] = num { $0.frictionSessions }
                x["successShare"] = col { $0.successShare }
                out.append(Segment(name: "\(dim) \(v.name)", values: x))
            }
        }
        return out
    }

    /// The JSON for the page's script (made script-safe by the caller).
    static func json(_ d: ReportData, segments: [Segment], charts: [(id: String, title: String, series: [(String, String)], log: Bool)]) -> String {
        func q(_ s: String) -> String { JSONText.quoted(s) }
        func arr(_ v: [Double?]) -> String { "[" + v.map { $0.map { MetricNumber.decimal($0, places: 4) } ?? "null" }.joined(separator: ",") + "]" }
        let p = d.trend.options.period
        var s = "{\"period\":\(q(p.rawValue)),\"labels\":[" + d.trend.periods.map { q(HTMLReport.periodLabel($0.start, p)) }.joined(separator: ",") + "]"
        // Per period: the input covers it only in part; it is compared with the period just before.
        s += ",\"partial\":[" + d.trend.periods.map { $0.partial ? "true" : "false" }.joined(separator: ",") + "]"
        s += ",\"compared\":[" + d.trend.periods.map { $0.comparedWith != nil ? "true" : "false" }.joined(separator: ",") + "]"
        s += ",\"segments\":[" + segments.map { seg in
            "{\"name\":\(q(seg.name)),\"v\":{" + seg.values.keys.sorted().map { q($0) + ":" + arr(seg.values[$0]!) }.joined(separator: ",") + "}}"
        }.joined(separator: ",") + "]"
        s += ",\"charts\":[" + charts.map { c in
            "{\"id\":\(q(c.id)),\"title\":\(q(c.title)),\"log\":\(c.log),\"series\":[" + c.series.map { "[\(q($0.0)),\(q($0.1))]" }.joined(separator: ",") + "]}"
        }.joined(separator: ",") + "]"
        s += ",\"cards\":{" + cards.keys.sorted().map { k in
            let c = cards[k]!
            return q(k) + ":{\"key\":\(q(c.key)),\"kind\":\(q(c.kind.rawValue)),\"upIsGood\":\(c.upIsGood)}"
        }.joined(separator: ",") + "}"
        return s + "}"
    }

    /// The change line of a card over the whole input: the latest complete period against the
    /// complete one just before (`TrendReport.latestCompared`); partial periods are never
    /// compared. Without such a pair, the latest complete period (or the last one) without a change.
    /// The script's `deltaHTML` makes the same text for a filtered view.
    static func line(_ card: Card, _ all: Segment, _ d: ReportData) -> String {
        let ps = d.trend.periods
        let labels = ps.map { HTMLReport.periodLabel($0.start, d.trend.options.period) }
        guard labels.count >= 2, let vals = all.values[card.key] else { return "" }
        let period = d.trend.options.period.rawValue
        if let i = d.trend.latestCompared {
            return html(card, label: labels[i], now: vals[i], before: vals[i - 1], period: period)
        }
        let i = ps.lastIndex { !$0.partial } ?? labels.count - 1
        return html(card, label: labels[i] + (ps[i].partial ? " (partial)" : ""), now: vals[i], before: nil, period: period)
    }

    /// The sentence under the summary cards saying which periods the change lines compare.
    static func note(_ d: ReportData) -> String {
        let ps = d.trend.periods
        let p = d.trend.options.period.rawValue
        guard ps.count >= 2 else { return "" }
        let partial = ps.filter(\.partial).map { HTMLReport.periodLabel($0.start, d.trend.options.period) }
        var s: String
        if let i = d.trend.latestCompared {
            s = "Change lines compare the latest complete \(p) (\(HTMLReport.periodLabel(ps[i].start, d.trend.options.period))) with the one before."
        } else {
            s = "No two complete \(p)s follow each other: nothing is compared."
        }
        if !partial.isEmpty {
            s += " Partial \(p)\(partial.count == 1 ? "" : "s") (the input covers \(partial.count == 1 ? "it" : "them") only in part, drawn hollow in the charts): \(partial.joined(separator: ", ")); never compared."
        }
        return "<p class=\"note\" id=\"period-note\">\(HTML.escape(s))</p>"
    }

    static func html(_ card: Card, label: String, now: Double?, before: Double?, period: String) -> String {
        var s = HTML.escape(label) + ": " + format(now, card.kind)
        var cls = "delta"
        if let now, let before {
            let change: Double? = switch card.kind {
            case .count, .ms: before != 0 ? (now - before) * 100 / before : nil
            case .percent, .per100: now - before
            }
            if let change {
                let places = card.kind == .count || card.kind == .ms ? 1 : 2
                let mag = MetricNumber.decimal(abs(change), places: places)
                let zero = mag == "0"
                let sign = zero ? "±" : change > 0 ? "+" : "−"
                let unit = card.kind == .percent ? " pt" : card.kind == .per100 ? "" : "%"
                s += " · " + sign + mag + unit + " vs previous " + period
                if !zero { cls += (change > 0 ? " up" : " down") + ((change > 0) == card.upIsGood ? " better" : " worse") }
            }
        }
        return "<div class=\"\(cls)\">\(s)</div>"
    }

    static func format(_ v: Double?, _ k: Kind) -> String {
        guard let v else { return "n/a" }
        switch k {
        case .count: return TrendOutput.grouped(Int64(v.rounded()))
        case .ms: return TrendOutput.grouped(Int64(v.rounded())) + " ms"
        case .percent: return MetricNumber.decimal(v, places: 2) + "%"
        case .per100: return MetricNumber.decimal(v, places: 2) + "/100"
        }
    }
}

import SklogIO
import SklogAnalysis
import SklogRecords

public enum TrendFormat: String, CaseIterable, Sendable { case table, csv, json }

/// Renders a trend: a table for people, long-form CSV, JSON (`sklog.trend/1`).
public enum TrendOutput {
    public static let schema = "sklog.trend/1"

    static func periodLabel(_ ms: Int64, _ p: MetricsOptions.Period) -> String {
        let s = Timestamp.string(ms)
        switch p {
        case .day, .week: return String(s.prefix(10))
        case .hour, .m15: return String(s.prefix(16)).replacingOccurrences(of: "T", with: " ")
        }
    }

    /// A number as the table shows it.
    static func show(_ v: Double?, _ u: TrendMetric.Unit) -> String {
        guard let v else { return "n/a" }
        switch u {
        case .count, .ms: return grouped(Int64(v.rounded()))
        case .percent, .per100: return MetricNumber.decimal(v, places: 2)
        }
    }

    static func grouped(_ n: Int64) -> String {
        let s = String(n.magnitude)
        var out = ""
        for (i, c) in s.enumerated() {
            if i > 0 && (s.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }

    static func signed(_ v: Double?, _ u: TrendMetric.Unit) -> String {
        guard let v else { return "" }
        let s = show(v, u)
        return v > 0 ? "+" + s : s
    }

    static func percent(_ v: Double?) -> String {
        guard let v else { return "" }
        let s = MetricNumber.decimal(v * 100, places: 1) + "%"
        return v > 0 ? "+" + s : s
    }

    /// Cells from the input (intent names) are shown escaped and cut (`TextTable`).
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        TextTable.render(header, rows, left: { $0 == 0 })
    }

    // MARK: Table

    public static func table(_ t: TrendReport, redact: Bool = false) -> String {
        let ms = TrendMetric.all
        var out = "Trend by \(t.options.period.rawValue)"
        if let f = t.from, let to = t.to { out += " (\(Timestamp.string(f)) to \(Timestamp.string(to)))" }
        out += "\n\n"
        func label(_ p: TrendPeriod) -> String { periodLabel(p.start, t.options.period) + (p.partial ? "*" : "") }
        out += table(["period"] + ms.map(\.label), t.periods.map { p in
            [label(p)] + ms.indices.map { show(p.values[$0], ms[$0].unit) }
        })
        if t.periods.contains(where: \.partial) {
            out += "* partial: the input covers this \(t.options.period.rawValue) only in part (it starts after the \(t.options.period.rawValue)'s start or ends before its end); it is not compared\n"
        }
        let compared = t.periods.filter { $0.comparedWith != nil }
        if t.periods.count > 1 && compared.isEmpty {
            out += "\nNo two complete \(t.options.period.rawValue)s follow each other: no changes or top movers (partial periods are not compared).\n"
        }
        if !compared.isEmpty {
            out += "\nChange from the previous \(t.options.period.rawValue) (complete periods only; absolute; relative)\n\n"
            out += table(["period"] + ms.map(\.label), compared.map { p in
                [label(p)] + ms.indices.map { i in
                    p.change[i] == nil ? "n/a" : signed(p.change[i], ms[i].unit) + (p.relativeChange[i].map { "; " + percent($0) } ?? "")
                }
            })
        }
        if let li = t.latestCompared {
            let last = t.periods[li]
            out += "\nTop movers in \(periodLabel(last.start, t.options.period)) vs the previous \(t.options.period.rawValue)"
            out += " (the latest complete \(t.options.period.rawValue) with the one before; intents with at least \(t.options.minCount) turns in both)\n"
            for (title, list) in [("failure rate (failed per 100 turns)", last.failureMovers), ("friction rate (events per 100 turns)", last.frictionMovers)] {
                out += "\n  \(title)\n"
                if list.isEmpty { out += "    none rose\n"; continue }
                out += table(["    intent", "before", "now", "change", "turns"], list.map { m in
                    ["    " + m.intent, MetricNumber.decimal(m.previous, places: 2), MetricNumber.decimal(m.current, places: 2),
                     "+" + MetricNumber.decimal(m.change, places: 2), "\(m.previousTurns) → \(m.turns)"]
                })
            }
        }
        return out
    }

    // MARK: CSV

    /// Long form: `period_start,metric,dimension,value,change,relative_change,rank` — per period a
    /// `partial` row (value 1 when the input covers the period only in part, else 0), one row per
    /// metric, then one per mover (`intentFailureRate`/`intentFrictionRate`,
    /// dimension `intent=NAME`, change in points, rank 1 = largest rise).
    public static func csv(_ t: TrendReport) -> String {
        var out = "period_start,metric,dimension,value,change,relative_change,rank\n"
        func num(_ v: Double?) -> String { v.map { MetricNumber.decimal($0, places: 6) } ?? "" }
        for p in t.periods {
            let start = Timestamp.string(p.start)
            out += "\(start),partial,,\(p.partial ? 1 : 0),,,\n"
            for (i, m) in TrendMetric.all.enumerated() {
                out += "\(start),\(m.name),,\(num(p.values[i])),\(num(p.change[i])),\(num(p.relativeChange[i])),\n"
            }
            for (name, list) in [("intentFailureRate", p.failureMovers), ("intentFrictionRate", p.frictionMovers)] {
                for (rank, mv) in list.enumerated() {
                    out += "\(start),\(name),\(CSV.cell("intent=" + mv.intent)),\(num(mv.current)),\(num(mv.change)),"
                    out += "\(num(mv.previous > 0 ? mv.change / mv.previous : nil)),\(rank + 1)\n"
                }
            }
        }
        return out
    }

    // MARK: JSON

    public static func json(_ t: TrendReport) -> String {
        func num(_ v: Double?) -> String { v.map { MetricNumber.decimal($0, places: 6) } ?? "null" }
        func movers(_ list: [TrendMover]) -> String {
            "[" + list.map { m in
                "{\"intent\":\(JSONText.quoted(m.intent)),\"previous\":\(num(m.previous)),\"current\":\(num(m.current)),\"change\":\(num(m.change)),\"previousTurns\":\(m.previousTurns),\"turns\":\(m.turns)}"
            }.joined(separator: ",") + "]"
        }
        var s = "{\"schema\":\"\(schema)\",\"by\":\"\(t.options.period.rawValue)\",\"minCount\":\(t.options.minCount),\"top\":\(t.options.top)"
        s += ",\"from\":" + (t.from.map { "\"\(Timestamp.string($0))\"" } ?? "null")
        s += ",\"to\":" + (t.to.map { "\"\(Timestamp.string($0))\"" } ?? "null")
        s += ",\"metrics\":[" + TrendMetric.all.map { "{\"name\":\"\($0.name)\",\"unit\":\"\($0.unit.rawValue)\",\"source\":\"\($0.source)\"}" }.joined(separator: ",") + "]"
        s += ",\"periods\":["
        s += t.periods.map { p in
            var o = "{\"start\":\"\(Timestamp.string(p.start))\",\"partial\":\(p.partial)"
            o += ",\"comparedWith\":" + (p.comparedWith.map { "\"\(Timestamp.string($0))\"" } ?? "null") + ",\"values\":{"
            o += TrendMetric.all.enumerated().map { i, m in "\"\(m.name)\":\(num(p.values[i]))" }.joined(separator: ",")
            o += "},\"change\":{"
            o += TrendMetric.all.enumerated().map { i, m in "\"\(m.name)\":{\"absolute\":\(num(p.change[i])),\"relative\":\(num(p.relativeChange[i]))}" }.joined(separator: ",")
            o += "},\"movers\":{\"failureRate\":\(movers(p.failureMovers)),\"frictionRate\":\(movers(p.frictionMovers))}}"
            return o
        }.joined(separator: ",")
        s += "],\"accounting\":\(t.accounting.json)}\n"
        return s
    }
}

extension String {
    func replacingOccurrences(of a: String, with b: String) -> String {
        guard let f = a.first, a.count == 1, let g = b.first, b.count == 1 else { return self }
        return String(map { $0 == f ? g : $0 })
    }
}

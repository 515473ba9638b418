import SklogAnalysis
import SklogIO
import SklogRecords

/// The machine formats of `sklog-metrics`: JSON (`sklog.metrics/1`), long CSV and Prometheus text
/// exposition. All three walk the same `MetricSet`s, so identifiers never differ between them.
public enum MetricsFormat: String, CaseIterable, Sendable {
    case table, json, csv, prometheus
}

public enum MetricsJSON {
    public static let schema = "sklog.metrics/1"

    public static func render(_ r: MetricsResult) -> [UInt8] {
        var o: [UInt8] = []
        o.reserveCapacity(1 << 16)
        func raw(_ s: String) { o.append(contentsOf: s.utf8) }
        func str(_ s: String) { JSONText.appendQuoted(s, to: &o) }
        raw("{\"schema\":"); str(schema)
        raw(",\"input\":"); raw(r.accounting.json)
        raw(",\"period\":"); if let p = r.period { str(p) } else { raw("null") }
        raw(",\"by\":["); raw(r.by.map { JSONText.quoted($0) }.joined(separator: ",")); raw("]")
        raw(",\"from\":"); if let f = r.from { str(Timestamp.string(f)) } else { raw("null") }
        raw(",\"to\":"); if let t = r.to { str(Timestamp.string(t)) } else { raw("null") }
        raw(",\"buckets\":[")
        for (i, b) in r.buckets.enumerated() {
            if i > 0 { raw(",") }
            raw("\n{\"start\":"); str(Timestamp.string(b.start ?? 0))
            raw(",\"partial\":"); raw(b.partial ? "true" : "false")
            raw(",\"metrics\":"); metrics(b.metrics, whole: false, &o)
            raw(",\"dimensions\":"); dimensions(b.dimensions, &o)
            raw("}")
        }
        raw("],\n\"total\":{\"metrics\":"); metrics(r.total.metrics, whole: true, &o)
        raw(",\"dimensions\":"); dimensions(r.total.dimensions, &o)
        raw("}}\n")
        return o
    }

    static func dimensions(_ ds: [MetricsDimension], _ o: inout [UInt8]) {
        o.append(0x7b)
        for (i, d) in ds.enumerated() {
            if i > 0 { o.append(0x2c) }
            JSONText.appendQuoted(d.name, to: &o); o.append(0x3a); o.append(0x7b)
            for (j, v) in d.values.enumerated() {
                if j > 0 { o.append(0x2c) }
                JSONText.appendQuoted(v.value, to: &o); o.append(0x3a)
                metrics(v.metrics, whole: false, &o)
            }
            o.append(0x7d)
        }
        o.append(0x7d)
    }

    /// Unlabelled metrics as members; labelled ones as their group's array of rows (label fields,
    /// then the group's metrics): `[]` when the group has no rows in this cell, null when it is not
    /// available. Groups computed over the whole input only appear in the whole input's metrics.
    public static func metrics(_ set: MetricSet, whole: Bool, _ o: inout [UInt8]) {
        o.append(0x7b)
        var first = true
        func key(_ k: String) {
            if !first { o.append(0x2c) }
            first = false
            JSONText.appendQuoted(k, to: &o); o.append(0x3a)
        }
        var byGroup: [String: [MetricValue]] = [:]
        var scalars: [Int: MetricValue] = [:]
        for v in set.values {
            if let g = v.definition.group { byGroup[g, default: []].append(v) } else { scalars[v.def] = v }
        }
        var done = Set<String>()
        for (di, def) in MetricCatalog.all.enumerated() {
            guard let group = def.group else {
                if let v = scalars[di] { key(def.name); o.append(contentsOf: v.value.text.utf8) }
                continue
            }
            if done.contains(group) { continue }
            done.insert(group)
            if def.wholeInputOnly && !whole { continue }
            key(group)
            let gvals = byGroup[group] ?? []
            if gvals.contains(where: { $0.labels.isEmpty }) {
                o.append(contentsOf: "null".utf8)
                continue
            }
            var order: [[String]] = []
            var rows: [[String]: [(String, MetricNumber)]] = [:]
            for gv in gvals {
                if rows[gv.labels] == nil { order.append(gv.labels); rows[gv.labels] = [] }
                rows[gv.labels]!.append((gv.definition.name, gv.value))
            }
            o.append(0x5b)
            for (n, labels) in order.enumerated() {
                if n > 0 { o.append(0x2c) }
                o.append(0x7b)
                for (k, (lk, lv)) in zip(def.labels, labels).enumerated() {
                    if k > 0 { o.append(0x2c) }
                    JSONText.appendQuoted(lk, to: &o); o.append(0x3a)
                    if lk == "week", let w = Int(lv) { o.append(contentsOf: String(w).utf8) } else { JSONText.appendQuoted(lv, to: &o) }
                }
                for (name, value) in rows[labels]! {
                    o.append(0x2c)
                    JSONText.appendQuoted(name, to: &o); o.append(0x3a)
                    o.append(contentsOf: value.text.utf8)
                }
                o.append(0x7d)
            }
            o.append(0x5d)
        }
        o.append(0x7d)
    }
}

/// Long CSV: `period_start,metric,dimension,value`, one row per value. `period_start` is empty for
/// the whole input; `dimension` joins the `--by` value and the metric's labels with `;`
/// (`locale=en-US;intent=PlayIntent`); a value that is not available is an empty cell. Every
/// text cell is neutralized against formula injection.
public enum MetricsCSV {
    public static func render(_ r: MetricsResult) -> [UInt8] {
        var o: [UInt8] = []
        o.reserveCapacity(1 << 16)
        o.append(contentsOf: "period_start,metric,dimension,value\n".utf8)
        rows(nil, r.total, &o)
        for b in r.buckets { rows(b.start.map(Timestamp.string), b, &o) }
        return o
    }

    static func rows(_ period: String?, _ b: MetricsBucket, _ o: inout [UInt8]) {
        // A period's first row says whether the input covers it only in part (1) or whole (0):
        // one more metric name, so the four columns stay as they are.
        if let p = period {
            CSV.appendCell(p, to: &o)
            o.append(contentsOf: (b.partial ? ",partial,,1\n" : ",partial,,0\n").utf8)
        }
        set(period, nil, b.metrics, &o)
        for d in b.dimensions {
            for v in d.values { set(period, "\(d.name)=\(v.value)", v.metrics, &o) }
        }
    }

    static func set(_ period: String?, _ dim: String?, _ s: MetricSet, _ o: inout [UInt8]) {
        for v in s.values {
            if let p = period { CSV.appendCell(p, to: &o) }
            o.append(0x2c)
            CSV.appendCell(v.definition.name, to: &o)
            o.append(0x2c)
            var parts: [String] = dim.map { [$0] } ?? []
            for (k, l) in zip(v.definition.labels, v.labels) { parts.append("\(k)=\(l)") }
            if !parts.isEmpty { CSV.appendCell(parts.joined(separator: ";"), to: &o) }
            o.append(0x2c)
            if v.value != .null { o.append(contentsOf: v.value.text.utf8) }
            o.append(0x0a)
        }
    }
}

/// Prometheus text exposition (format 0.0.4) of the whole-input totals, named per the Prometheus
/// naming conventions: `sklog_<snake_case>`; event counts are counters ending in `_total` (a
/// leading `total` dropped: `sklog_utterances_total`); distinct customers and other levels are
/// gauges; milliseconds become `_seconds`. Labels (in snake_case) are the metric's labels and
/// the `--by` dimension. Free text never becomes a label: the frequent friction utterances are left out.
/// Values that are not available are left out.
public enum MetricsPrometheus {
    /// Groups whose label is free text from the logs (unbounded cardinality).
    static let freeTextGroups: Set<String> = ["frictionUtterances"]
    /// Counts that are levels, not events: distinct customers, active subscriptions.
    static func isGauge(_ name: String) -> Bool { name.hasSuffix("Customers") || name == "activeSubscriptions" }
    /// Names that would collide once `total` is dropped.
    static let renamed: [String: String] = ["purchases": "productPurchases"]

    public enum Kind: String { case counter, gauge }

    /// The exposition name and type of a metric, and the factor its values are multiplied by.
    public static func family(_ def: MetricDef) -> (name: String, kind: Kind, scale: Double) {
        var snake = MetricCatalog.snakeCase(renamed[def.name] ?? def.name)
        switch def.kind {
        case .count where !isGauge(def.name):
            if snake.hasPrefix("total_") { snake.removeFirst("total_".count) }
            return ("sklog_" + snake + "_total", .counter, 1)
        case .ms:
            return ("sklog_" + snake + "_seconds", .gauge, 0.001)
        default:
            return ("sklog_" + snake, .gauge, 1)
        }
    }

    public static func render(_ r: MetricsResult) -> [UInt8] {
        var out = ""
        var families: [String] = []
        var series: [String: [(labels: [(String, String)], value: MetricNumber)]] = [:]
        func collect(_ s: MetricSet, _ dim: (String, String)?) {
            for v in s.values where v.value != .null {
                if let g = v.definition.group, freeTextGroups.contains(g) { continue }
                // A per-intent metric broken down --by intent would repeat the label name.
                if let d = dim, v.definition.labels.contains(d.0) { continue }
                let name = v.definition.name
                if series[name] == nil { families.append(name); series[name] = [] }
                // Label names in snake_case too (errorType is error_type).
                var labels: [(String, String)] = dim.map { [(MetricCatalog.snakeCase($0.0), $0.1)] } ?? []
                labels += zip(v.definition.labels, v.labels).map { (MetricCatalog.snakeCase($0), $1) }
                series[name]!.append((labels, v.value))
            }
        }
        collect(r.total.metrics, nil)
        for d in r.total.dimensions {
            for v in d.values { collect(v.metrics, (d.name, v.value)) }
        }
        let acc = r.accounting
        out += "# HELP sklog_input_records_total Input records by state (the end-of-run accounting).\n# TYPE sklog_input_records_total counter\n"
        out += "sklog_input_records_total{state=\"parsed\"} \(acc.parsed)\n"
        out += "sklog_input_records_total{state=\"rejected\"} \(acc.rejectedTotal)\n"
        out += "sklog_input_records_total{state=\"duplicate\"} \(acc.duplicates)\n"
        for name in MetricCatalog.all.map(\.name).uniqued() {
            guard let ss = series[name] else { continue }
            let def = MetricCatalog.all.first { $0.name == name && $0.group == nil } ?? MetricCatalog.all.first { $0.name == name }!
            let (pname, kind, scale) = family(def)
            var help = def.help
            if def.kind == .ms { help += " In seconds." }
            out += "# HELP \(pname) \(escapeHelp(help))\n# TYPE \(pname) \(kind.rawValue)\n"
            for s in ss {
                out += pname
                if !s.labels.isEmpty {
                    out += "{" + s.labels.map { "\($0)=\"\(escapeLabel($1))\"" }.joined(separator: ",") + "}"
                }
                let value = scale == 1 ? s.value : .real((s.value.double ?? 0) * scale)
                out += " " + value.text + "\n"
            }
        }
        return Array(out.utf8)
    }

    /// A label value: control characters first shown escaped as text (`\x1b`, which the
    /// exposition format then writes `\\x1b`), then `\`, `"` and line feeds escaped as the
    /// format requires.
    static func escapeLabel(_ s: String) -> String {
        var o = ""
        for ch in TerminalText.safe(s, keepNewlines: true) {
            switch ch {
            case "\\": o += "\\\\"
            case "\"": o += "\\\""
            case "\n": o += "\\n"
            default: o.append(ch)
            }
        }
        return o
    }

    static func escapeHelp(_ s: String) -> String {
        s.replacingAll("\\", with: "\\\\").replacingAll("\n", with: "\\n")
    }
}

extension Sequence where Element: Hashable {
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}

extension String {
    func replacingAll(_ a: String, with b: String) -> String {
        guard !a.isEmpty else { return self }
        var out = ""
        var rest = Substring(self)
        while let r = rest.range(of: a) {
            out += rest[..<r.lowerBound]
            out += b
            rest = rest[r.upperBound...]
        }
        return out + rest
    }
}

extension Substring {
    func range(of needle: String) -> Range<Index>? {
        let n = Array(needle.utf8)
        guard !n.isEmpty else { return nil }
        var i = startIndex
        while i < endIndex {
            if self[i...].utf8.starts(with: n) {
                return i..<utf8.index(i, offsetBy: n.count)
            }
            i = index(after: i)
        }
        return nil
    }
}

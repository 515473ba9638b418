import SklogAnalysis
import SklogIO
import SklogRecords

/// The human table of `sklog-metrics`, organised like the console's Analytics pages: one section
/// per area; unlabelled metrics as rows with one column for the whole input (and one per `--by`
/// value), then a block per period with one column per bucket; per-key tables (intents, paths,
/// actions, operations, ...) for the whole input. Rates in %, latencies in ms, `n/a` for what the
/// input can't tell.
public enum MetricsTable {
    public struct Style: Sendable {
        public var color: Bool
        /// The `sklog metrics: SPAN; N records parsed` title line (off with `-q`).
        public var header = true
        /// A screenful (the default of `sklog metrics`): per-key tables cut to `rowLimit` rows
        /// (step pairs by sessions), all-zero rows and retention weeks past the data left out,
        /// sections with nothing but n/a named on one line. `false` (`--full`) shows everything.
        public var compact = false
        public var rowLimit = 20
        public init(color: Bool) { self.color = color }
        public init(color: Bool, header: Bool, compact: Bool, rowLimit: Int) {
            self.color = color; self.header = header; self.compact = compact; self.rowLimit = rowLimit
        }
        func bold(_ s: String) -> String { color ? "\u{1b}[1m\(s)\u{1b}[0m" : s }
        func dim(_ s: String) -> String { color ? "\u{1b}[2m\(s)\u{1b}[0m" : s }
    }

    public static func render(_ r: MetricsResult, style: Style) -> String {
        var out = ""
        if style.header {
            let span = r.from.map { f in "\(Timestamp.string(f)) to \(Timestamp.string(r.to!))" } ?? "no records"
            out += style.bold("sklog metrics") + ": \(span); \(r.accounting.parsed) records parsed"
            if r.accounting.rejectedTotal > 0 { out += ", \(r.accounting.rejectedTotal) rejected" }
            if r.accounting.duplicates > 0 { out += ", \(r.accounting.duplicates) duplicates" }
            if r.accounting.filteredOut > 0 {
                let f = r.accounting.filteredOut
                out += "; \(f) filtered out (--since/--until/--stage/--locale/--skill), \(r.accounting.parsed - f) measured"
            }
            out += "\n"
        }

        // Whole input: columns "all" and one per dimension value.
        var columns: [(String, MetricSet)] = [("all", r.total.metrics)]
        for d in r.total.dimensions {
            for v in d.values { columns.append(("\(d.name)=\(v.value)", v.metrics)) }
        }
        out += (style.header ? "\n" : "") + style.bold("== Whole input ==") + "\n"
        out += sections(columns, style: style, wholeTables: r.total.metrics)

        if let p = r.period, !r.buckets.isEmpty {
            out += "\n" + style.bold("== By \(p == "15m" ? "15 minutes" : p) (UTC) ==") + "\n"
            let cols = r.buckets.map { (bucketLabel($0.start ?? 0, p) + ($0.partial ? "*" : ""), $0.metrics) }
            out += sections(cols, style: style, wholeTables: nil, absentNote: false)
            if r.buckets.contains(where: \.partial) {
                out += style.dim("* partial: the input covers this period only in part (it starts after the period's start or ends before its end)") + "\n"
            }
            if !r.by.isEmpty {
                out += "\n" + style.dim("(per-bucket breakdowns by \(r.by.joined(separator: ", ")) are in --format json and csv)") + "\n"
            }
        }
        return out
    }

    static func bucketLabel(_ start: Int64, _ period: String) -> String {
        let s = Timestamp.string(start)
        switch period {
        case "day", "week": return String(s.prefix(10))
        default: return String(s.prefix(16)).replacingAll("T", with: " ")
        }
    }

    /// Scalar metrics by section (rows) and columns; then the per-key tables.
    static func sections(_ columns: [(String, MetricSet)], style: Style, wholeTables: MetricSet?, absentNote: Bool = true) -> String {
        var out = ""
        var absent: [String] = []
        let defs = MetricCatalog.all.enumerated().filter { $0.element.group == nil }
        for section in MetricSection.allCases {
            let rowsDefs = defs.filter { $0.element.section == section }
            var rows: [[String]] = []
            for (di, def) in rowsDefs {
                var row = [label(def)]
                for (_, set) in columns {
                    let v = set.values.first { $0.def == di }?.value ?? .null
                    row.append(format(v, def.kind))
                }
                rows.append(row)
            }
            var tables = wholeTables.map { keyedTables(section, $0, compact: style.compact) } ?? []
            if rows.isEmpty && tables.isEmpty { continue }
            if style.compact {
                if tables.isEmpty && rows.allSatisfy({ $0.dropFirst().allSatisfy { $0 == "n/a" } }) { absent.append(section.title); continue }
                tables = tables.map { cut($0, section: section, limit: style.rowLimit) }
            }
            out += "\n" + style.bold(section.title) + "\n"
            if !rows.isEmpty {
                out += grid(["metric"] + columns.map(\.0), rows, style: style)
            }
            for (title, headers, trows) in tables {
                out += "  " + style.bold(title) + "\n"
                if trows.isEmpty { out += "    " + style.dim("(none)") + "\n" } else { out += grid(headers, trows, style: style, indent: 4) }
            }
        }
        if !absent.isEmpty {
            out += "\n" + style.dim("Not in this input (every metric n/a): " + absent.joined(separator: ", ")) + "\n"
        }
        if style.compact && absentNote {
            out += "\n" + style.dim("(long tables cut to --top rows, zero rows and empty sections left out: --full shows everything)") + "\n"
        }
        return out
    }

    /// A screenful of a per-key table: all-zero rows left out, step pairs by sessions, at most
    /// `limit` rows, then a line saying how many more there are.
    static func cut(_ t: (String, [String], [[String]]), section: MetricSection, limit: Int) -> (String, [String], [[String]]) {
        var (title, headers, rows) = t
        if section == .retention { return t }
        // Label columns come first: one, or two for step pairs.
        let labelCount = section == .paths && title == "Step pairs" ? 2 : 1
        rows = rows.filter { !$0.dropFirst(labelCount).allSatisfy { $0 == "0" || $0 == "n/a" || $0.isEmpty } }
        if section == .paths && title == "Step pairs" {
            // Most sessions first; the engine's order (by step names) breaks ties.
            rows = rows.enumerated().sorted { a, b in
                let x = Int64(a.element[2].replacingAll(",", with: "")) ?? 0, y = Int64(b.element[2].replacingAll(",", with: "")) ?? 0
                return x != y ? x > y : a.offset < b.offset
            }.map(\.element)
        }
        let total = rows.count
        if total > limit {
            rows = Array(rows.prefix(limit))
            title += " (top \(limit) of \(total))"
        }
        return (title, headers, rows)
    }

    static func label(_ def: MetricDef) -> String {
        switch def.kind {
        case .per100: "\(def.name) (per 100 turns)"
        default: def.name
        }
    }

    /// Human formatting: counts with thousands separators, rates in %, ms with the unit.
    public static func format(_ v: MetricNumber, _ kind: MetricKind) -> String {
        guard let d = v.double else { return "n/a" }
        switch kind {
        case .count: if case .int(let i) = v { return grouped(i) }; return MetricNumber.decimal(d, places: 2)
        case .fraction: return fixed(d * 100, 1) + "%"
        case .per100, .ratio: return fixed(d, 2)
        case .ms:
            if case .int(let i) = v { return grouped(i) + " ms" }
            return fixed(d, 1, grouping: true) + " ms"
        }
    }

    /// `d` with exactly `places` decimals (`grouping`: thousands separated by commas).
    public static func fixed(_ d: Double, _ places: Int, grouping: Bool = false) -> String {
        var s = MetricNumber.decimal(d, places: places)
        if grouping, d.magnitude < 9e15 {
            let dot = s.firstIndex(of: ".") ?? s.endIndex
            if let ip = Int64(s[..<dot]) { s = grouped(ip) + s[dot...] }
        }
        let dot = s.firstIndex(of: ".")
        let have = dot.map { s.distance(from: $0, to: s.endIndex) - 1 } ?? -1
        if have < 0 { s += "." + String(repeating: "0", count: places) } else if have < places { s += String(repeating: "0", count: places - have) }
        return s
    }

    static func grouped(_ i: Int64) -> String {
        let s = String(i.magnitude)
        var out = ""
        for (n, ch) in s.enumerated() {
            if n > 0 && (s.count - n) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return (i < 0 ? "-" : "") + out
    }

    /// The per-key tables of a section, from the whole input's values.
    static func keyedTables(_ section: MetricSection, _ set: MetricSet, compact: Bool = false) -> [(String, [String], [[String]])] {
        func table(_ title: String, group: String, columns: [(String, String)]) -> (String, [String], [[String]])? {
            let vals = set.values.filter { $0.definition.group == group }
            guard let firstDef = vals.first?.definition else { return nil }
            if vals.contains(where: { $0.labels.isEmpty }) { return nil }  // not available
            var order: [[String]] = []
            var cells: [[String]: [String: MetricValue]] = [:]
            for v in vals {
                if cells[v.labels] == nil { order.append(v.labels); cells[v.labels] = [:] }
                cells[v.labels]![v.definition.name] = v
            }
            let rows = order.map { labels -> [String] in
                labels + columns.map { (_, name) in
                    cells[labels]![name].map { format($0.value, $0.definition.kind) } ?? ""
                }
            }
            // Nothing to show when every value is n/a (e.g. no smart home traffic at all).
            if rows.allSatisfy({ $0.dropFirst(firstDef.labels.count).allSatisfy { $0 == "n/a" || $0.isEmpty } }) { return nil }
            return (title, firstDef.labels + columns.map(\.0), rows)
        }
        var out: [(String, [String], [[String]])] = []
        func add(_ t: (String, [String], [[String]])?) { if let t { out.append(t) } }
        switch section {
        case .intents:
            add(table("Per intent", group: "intents", columns: [("utterances", "intentUtterances"), ("customers", "intentCustomers"), ("failures", "intentFailures")]))
        case .paths:
            add(table("Step pairs", group: "paths", columns: [("sessions", "pathSessions"), ("customers", "pathCustomers"), ("share", "pathShare")]))
            add(table("Top paths (first 8 steps)", group: "topPaths", columns: [("sessions", "topPathSessions")]))
        case .retention:
            let vals = set.values.filter { $0.definition.group == "retention" && !$0.labels.isEmpty }
            guard !vals.isEmpty else { break }
            var order: [String] = []
            var byCohort: [String: [Int: (MetricNumber, MetricNumber)]] = [:]
            for v in vals {
                let cohort = v.labels[0], week = Int(v.labels[1]) ?? 0
                if byCohort[cohort] == nil { order.append(cohort); byCohort[cohort] = [:] }
                var cell = byCohort[cohort]![week] ?? (.null, .null)
                if v.definition.name == "retentionCustomers" { cell.0 = v.value } else { cell.1 = v.value }
                byCohort[cohort]![week] = cell
            }
            // A screenful shows the weeks up to the last one the input reaches.
            let weeks = compact ? (byCohort.values.flatMap { $0.filter { $0.key > 0 && $0.value.0 != .null }.map(\.key) }.max() ?? 0) : 12
            let headers = ["cohort", "customers"] + (0..<weeks).map { "w\($0 + 1)" }
            let rows = order.map { c -> [String] in
                let cells = byCohort[c]!
                return [c, format(cells[0]?.0 ?? .null, .count)] + (0..<weeks).map { $0 + 1 }.map { k in
                    guard let cell = cells[k], cell.0 != .null else { return "n/a" }
                    return format(cell.1, .fraction)
                }
            }
            out.append(("Cohorts (ISO week of the first turn): customers, then share retained in week +k", headers, rows))
        case .actions:
            add(table("Per action", group: "actions", columns: [("count", "actionCount"), ("customers", "actionCustomers")]))
        case .operational:
            add(table("Per operation", group: "operations", columns: [("requests", "requests"), ("success", "successRate"), ("P50", "latencyP50"), ("P90", "latencyP90"), ("P99", "latencyP99"), ("avg", "latencyAvg")]))
        case .accountLinking:
            add(table("By via", group: "accountLinkingByVia", columns: [("initiations", "accountLinkingInitiations"), ("completions", "accountLinkingCompletions"), ("rate", "accountLinkingCompletionRate")]))
        case .tokens:
            add(table("Access token errors", group: "accessTokenErrors", columns: [("errors", "accessTokenErrors")]))
            add(table("Refresh token errors", group: "refreshTokenErrors", columns: [("errors", "refreshTokenErrors")]))
        case .purchasing:
            add(table("Purchases per product", group: "purchases", columns: [("purchases", "purchases")]))
        case .friction:
            add(table("Frequent friction utterances", group: "frictionUtterances", columns: [
                ("events", "utteranceFrictionEvents"), ("barge-ins", "utteranceBargeIns"), ("terminations", "utteranceTerminations"),
                ("unhandled", "utteranceUnhandledRequests"), ("low conf.", "utteranceLowConfidenceIntents"), ("sys. errors", "utteranceSystemErrors"),
            ]))
        default:
            break
        }
        return out
    }

    /// Aligned columns: the first left-aligned, the others right-aligned; `n/a` dimmed.
    /// Cells come from the input (intent names, utterances, dimension values): each is shown
    /// escaped and cut to `TerminalText.cellWidth` characters.
    static func grid(_ headers: [String], _ rows: [[String]], style: Style, indent: Int = 2) -> String {
        // A path (`A > B > C`) is cut step by step, so paths of ordinary steps stay whole.
        func cell(_ c: String) -> String {
            c.contains(" > ") ? c.split(separator: " > ", omittingEmptySubsequences: false).map { TerminalText.cell(String($0)) }.joined(separator: " > ") : TerminalText.cell(c)
        }
        let headers = headers.map(cell)
        let rows = rows.map { $0.map(cell) }
        var widths = headers.map(\.count)
        for r in rows { for (i, c) in r.enumerated() where i < widths.count { widths[i] = max(widths[i], c.count) } }
        let pad = String(repeating: " ", count: indent)
        func line(_ cells: [String], header: Bool) -> String {
            var s = pad
            for (i, c) in cells.enumerated() {
                let fill = String(repeating: " ", count: max(0, widths[i] - c.count))
                let shown = c == "n/a" && !header ? style.dim(c) : c
                if i == 0 { s += shown + fill } else { s += "  " + fill + shown }
            }
            return s + "\n"
        }
        var out = style.bold(line(headers, header: true).dropLast().description) + "\n"
        for r in rows { out += line(r, header: false) }
        return out
    }
}

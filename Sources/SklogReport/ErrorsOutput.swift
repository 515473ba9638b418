import SklogAnalysis
import SklogIO
import SklogRecords

public enum ErrorsFormat: String, CaseIterable, Sendable { case table, csv, json }

/// Renders `sklog errors`: a table for people, CSV (one row per group), JSON (`sklog.errors/1`).
public enum ErrorsOutput {
    public static let schema = "sklog.errors/1"

    /// A group's one-line signature: `errorType: masked message`.
    public static func title(_ g: ErrorGroup) -> String {
        let t = g.errorType ?? "(no errorType)"
        return g.pattern.isEmpty ? t : t + ": " + g.pattern
    }

    static func share(_ g: ErrorGroup, _ e: ErrorGrouper) -> Double { e.failures > 0 ? Double(g.count) / Double(e.failures) : 0 }

    static func percent(_ v: Double) -> String { MetricNumber.decimal(v * 100, places: 1) + "%" }

    static func flag(_ g: ErrorGroup) -> String { g.isNew ? "new" : (g.isRising ? "rising" : "") }

    static func periodLabel(_ ms: Int64) -> String { String(Timestamp.string(ms).prefix(10)) }

    static func listed(_ d: [String: Int64], limit: Int) -> String {
        let r = ErrorGroup.ranked(d)
        var s = r.prefix(limit).map { "\($0.0) \($0.1)" }.joined(separator: ", ")
        if r.count > limit { s += ", … (\(r.count - limit) more)" }
        return s
    }

    /// Log text with control characters shown escaped (`TerminalText`, as every text output).
    static func safe(_ s: String) -> String { TerminalText.safe(s) }

    /// Cells escaped and cut like every table's (`TextTable`), at 120 characters since the
    /// exception is the table's point: a huge message from the logs cannot widen every row;
    /// the lines under the table give each group whole.
    static func table(_ header: [String], _ rows: [[String]], leftFrom: Int) -> String {
        TextTable.render(header, rows, left: { $0 >= leftFrom }, trimmed: true, width: 120)
    }

    // MARK: Table

    public static func table(_ e: ErrorGrouper) -> String {
        var out = "Failures: \(e.failures) of \(e.records) records, in \(e.groups.count) group\(e.groups.count == 1 ? "" : "s")"
        if e.records > 0 && e.minTs <= e.maxTs { out += " (\(Timestamp.string(e.minTs)) to \(Timestamp.string(e.maxTs)))" }
        out += "\n"
        guard !e.groups.isEmpty else { return out }
        out += "\n"
        let withFlags = e.options.period != nil
        var header = ["#", "count", "share", "ended", "first seen", "last seen"]
        if withFlags { header.append("flag") }
        header += ["error", "frame"]
        let rows: [[String]] = e.groups.enumerated().map { i, g in
            var r = [String(i + 1), String(g.count), percent(share(g, e)), String(g.sessionsEnded),
                     Timestamp.string(g.firstSeen), Timestamp.string(g.lastSeen)]
            if withFlags { r.append(flag(g)) }
            r += [safe(title(g)), safe(g.frame ?? "")]
            return r
        }
        out += table(header, rows, leftFrom: 4)
        out += "\n"
        for (i, g) in e.groups.enumerated() {
            out += "\(i + 1). \(safe(title(g)))\n"
            if let f = g.frame { out += "   at \(safe(f))\n" }
            if let x = g.example, !x.isEmpty { out += "   message: \(safe(x))\n" }
            if !g.intents.isEmpty { out += "   intents: \(safe(listed(g.intents, limit: e.options.listLimit)))\n" }
            if !g.requestTypes.isEmpty { out += "   request types: \(safe(listed(g.requestTypes, limit: e.options.listLimit)))\n" }
            out += "   sample IDs: \(safe(g.sampleIds.joined(separator: " ")))\n"
        }
        if let p = e.options.period, !e.periods.isEmpty {
            out += "\nFailures per \(p.rawValue) (partial: a \(p.rawValue) the input covers only in part)\n\n"
            let header = ["#"] + e.periods.map { periodLabel($0) + (e.complete.contains($0) ? "" : " (partial)") }
            let rows: [[String]] = e.groups.enumerated().map { i, g in
                [String(i + 1)] + e.periods.map { String(g.perPeriod[$0] ?? 0) }
            }
            out += table(header + [""], rows.map { $0 + [""] }, leftFrom: Int.max)
            if let l = e.latestComplete {
                out += "\nnew: first seen in \(periodLabel(l)), the latest complete \(p.rawValue); rising: the largest increase"
                out += e.previousComplete.map { " from \(periodLabel($0)) to \(periodLabel(l))" } ?? " (no complete \(p.rawValue) before it)"
                out += "\n"
            } else {
                out += "\nNo complete \(p.rawValue) in the input: no group is marked new or rising.\n"
            }
        }
        return out
    }

    // MARK: CSV

    public static func csv(_ e: ErrorGrouper) -> String {
        var header = ["rank", "count", "share", "sessionsEnded", "firstSeen", "lastSeen", "errorType", "message", "frame",
                      "example", "intents", "requestTypes", "sampleIds"]
        if e.options.period != nil { header += ["flag"] + e.periods.map { "count " + periodLabel($0) + (e.complete.contains($0) ? "" : " (partial)") } }
        var out: [UInt8] = []
        out.append(contentsOf: header.map(CSV.cell).joined(separator: ",").utf8)
        out.append(0x0a)
        for (i, g) in e.groups.enumerated() {
            var cells: [String?] = [String(i + 1), String(g.count), MetricNumber.decimal(share(g, e), places: 4), String(g.sessionsEnded),
                                    Timestamp.string(g.firstSeen), Timestamp.string(g.lastSeen), g.errorType, g.pattern, g.frame,
                                    g.example, ErrorGroup.ranked(g.intents).map { "\($0.0)=\($0.1)" }.joined(separator: ";"),
                                    ErrorGroup.ranked(g.requestTypes).map { "\($0.0)=\($0.1)" }.joined(separator: ";"),
                                    g.sampleIds.joined(separator: ";")]
            if e.options.period != nil { cells += [flag(g)] + e.periods.map { String(g.perPeriod[$0] ?? 0) } }
            for (k, c) in cells.enumerated() {
                if k > 0 { out.append(0x2c) }
                if let c, !c.isEmpty { CSV.appendCell(c, to: &out) }
            }
            out.append(0x0a)
        }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: JSON

    public static func json(_ e: ErrorGrouper, accounting: String) -> String {
        func q(_ s: String?) -> String { s.map { JSONText.quoted($0) } ?? "null" }
        func counts(_ d: [String: Int64]) -> String {
            "[" + ErrorGroup.ranked(d).map { "{\"name\":\(q($0.0)),\"count\":\($0.1)}" }.joined(separator: ",") + "]"
        }
        var s = "{\"schema\":\"\(schema)\",\"records\":\(e.records),\"failures\":\(e.failures)"
        s += ",\"period\":" + q(e.options.period?.rawValue)
        s += ",\"periods\":[" + e.periods.map { "{\"start\":\(q(Timestamp.string($0))),\"partial\":\(!e.complete.contains($0))}" }.joined(separator: ",") + "]"
        s += ",\"latestCompletePeriod\":" + q(e.latestComplete.map(Timestamp.string))
        s += ",\"groups\":["
        s += e.groups.enumerated().map { i, g in
            var m = "{\"rank\":\(i + 1),\"count\":\(g.count),\"share\":\(MetricNumber.decimal(share(g, e), places: 4))"
            m += ",\"errorType\":\(q(g.errorType)),\"message\":\(q(g.pattern)),\"frame\":\(q(g.frame)),\"example\":\(q(g.example))"
            m += ",\"firstSeen\":\(q(Timestamp.string(g.firstSeen))),\"lastSeen\":\(q(Timestamp.string(g.lastSeen)))"
            m += ",\"sessionsEnded\":\(g.sessionsEnded),\"intents\":\(counts(g.intents)),\"requestTypes\":\(counts(g.requestTypes))"
            m += ",\"sampleIds\":[" + g.sampleIds.map { q($0) }.joined(separator: ",") + "]"
            if e.options.period != nil {
                m += ",\"new\":\(g.isNew),\"rising\":\(g.isRising),\"perPeriod\":["
                m += e.periods.map { "{\"start\":\(q(Timestamp.string($0))),\"count\":\(g.perPeriod[$0] ?? 0)}" }.joined(separator: ",") + "]"
            }
            return m + "}"
        }.joined(separator: ",")
        s += "],\"accounting\":" + accounting + "}\n"
        return s
    }
}

import SklogIO
import SklogRecords

/// What `sklog-ids` selects (SPEC 7, message-ID lists). Criteria given together are combined
/// with OR: a record is selected when any one of them selects it (`--failed --slow 3000` =
/// failures or slow responses). The record filters (`--intent`, `--field`, `--since`, …) are
/// combined with AND: they decide which records are candidates at all. With no criterion, every
/// candidate is selected.
public struct IDCriteria: Sendable {
    /// Turns and smart home directives whose outcome is error or no_response.
    public var failed = false
    /// Turns and smart home directives with latencyMs at or above this many milliseconds.
    public var slowMs: Int64? = nil
    /// ... or at or above this nearest-rank percentile of the candidates' endpoint latency.
    public var slowPercentile: Double? = nil
    /// Message IDs of friction events of these types.
    public var friction: Set<FrictionType> = []
    /// Every turn of sessions with one of these outcomes.
    public var sessionOutcomes: Set<SessionOutcome> = []

    public init() {}

    public var isEmpty: Bool {
        !failed && slowMs == nil && slowPercentile == nil && friction.isEmpty && sessionOutcomes.isEmpty
    }
    /// Friction and session outcomes need sessions.
    public var needsSessions: Bool { !friction.isEmpty || !sessionOutcomes.isEmpty }

    /// Parses `--slow`: `3000` (ms), `3s`, or `p90` / `P99.9`.
    public static func parseSlow(_ s: String) -> (ms: Int64?, percentile: Double?)? {
        if let f = s.first, f == "p" || f == "P" {
            guard let p = Double(s.dropFirst()), p > 0, p <= 100 else { return nil }
            return (nil, p)
        }
        if !s.isEmpty, s.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) { return Int64(s).map { ($0, nil) } }
        if let d = Timestamp.parseDuration(s), s.last.map({ !$0.isNumber }) == true { return (d, nil) }
        return nil
    }

    /// Parses `--session-outcome failed,no_response`.
    public static func parseOutcomes(_ s: String) -> Set<SessionOutcome>? {
        var out = Set<SessionOutcome>()
        for part in s.split(separator: ",") {
            guard let o = SessionOutcome(rawValue: String(part)) else { return nil }
            out.insert(o)
        }
        return out.isEmpty ? nil : out
    }
}

/// Why a record was selected.
public struct IDReasons: OptionSet, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let failed = IDReasons(rawValue: 1)
    public static let slow = IDReasons(rawValue: 2)
    public static let friction = IDReasons(rawValue: 4)
    public static let sessionOutcome = IDReasons(rawValue: 8)
    /// No criterion was given: the record passed the filters.
    public static let filter = IDReasons(rawValue: 16)

    public var names: [String] {
        var n: [String] = []
        if contains(.failed) { n.append("failed") }
        if contains(.slow) { n.append("slow") }
        if contains(.friction) { n.append("friction") }
        if contains(.sessionOutcome) { n.append("session_outcome") }
        if contains(.filter) { n.append("filter") }
        return n
    }
}

public enum IDFormat: String, CaseIterable, Sendable { case ids, csv, json }

/// One selected (or still possibly selected) record, with the values the outputs show.
public struct IDRow: Sendable {
    /// Position in the record stream (time order).
    public var seq: Int
    public var ts: Int64
    public var latencyMs: Int64
    public var endpoint: Bool
    public var reasons: IDReasons
    public var messageId: String
    /// The CSV columns (`IDWriter.columns`) but `friction`, which comes from the session.
    public var cells: [String?]
    public var friction: [FrictionType] = []
    public var sessionOutcome: SessionOutcome? = nil
}

/// Selects message IDs from a record stream.
///
/// Streaming when it can be: with only `--failed` and `--slow MS` (or no criterion) and the `ids`
/// format, each ID is written as its record passes. Otherwise the candidate rows are kept: rows of
/// records in open sessions until the session closes (friction and session outcome are known
/// then), and, for `--slow pNN`, the endpoint requests with a latency until the end, when the
/// percentile over all candidates is known. Output is always in record (time) order.
public final class IDSelector {
    public let criteria: IDCriteria
    public let format: IDFormat
    public let redact: Bool
    public let names: [String]
    /// Whether IDs go straight to `out` as records pass.
    public let streaming: Bool
    let out: OutputBuffer
    private var sessions: Sessionizer? = nil

    /// Selected so far (streaming), or the final count after `finish()`.
    public private(set) var selectedCount = 0
    /// The latency threshold of `--slow pNN`, known after `finish()` (nil without candidates).
    public private(set) var percentileThresholdMs: Int64? = nil
    /// Candidates' endpoint latencies (for `--slow pNN`).
    public private(set) var latencies: [Int64] = []
    private var rows: [IDRow] = []
    private var pending: [String: [IDRow]] = [:]
    private var seq = 0
    private var scratch: [UInt8] = []

    public init(criteria: IDCriteria, format: IDFormat, sessionOptions: SessionOptions, redact: Bool, names: [String], out: OutputBuffer) {
        self.criteria = criteria
        self.format = format
        self.redact = redact
        self.names = names
        self.out = out
        streaming = format == .ids && !criteria.needsSessions && criteria.slowPercentile == nil
        scratch.reserveCapacity(256)
        // CSV and JSON show each record's friction, so they need sessions too.
        if criteria.needsSessions || format != .ids {
            sessions = Sessionizer(options: sessionOptions) { [unowned self] s in self.closed(s) }
            sessions?.detail = .noText   // IDs and friction, no turn text
        }
    }

    /// Reasons known from the record alone.
    @inline(__always)
    private func immediateReasons(_ r: Record, endpoint: Bool) -> IDReasons {
        var reasons: IDReasons = []
        if criteria.isEmpty { return .filter }
        guard endpoint else { return reasons }
        if criteria.failed && r.failed { reasons.insert(.failed) }
        if let ms = criteria.slowMs, r.latencyMs >= ms, r.latencyMs >= 0 { reasons.insert(.slow) }
        return reasons
    }

    /// Adds the next record of the stream. `candidate`: it passed the record filters.
    public func add(_ r: Record, candidate: Bool) throws {
        if streaming {
            guard candidate else { return }
            if !criteria.isEmpty {
                // The cheap numeric tests first; the request-type test only for the few that pass.
                let hit = (criteria.failed && r.failed) || (criteria.slowMs.map { r.latencyMs >= $0 && r.latencyMs >= 0 } ?? false)
                guard hit, r.isEndpointRequest else { return }
            }
            selectedCount += 1
            try r.withBytes(r.messageId) { try IDWriter.writePlain($0, to: out) }
            return
        }
        seq += 1
        if candidate {
            let endpoint = r.isEndpointRequest
            if criteria.slowPercentile != nil && endpoint && r.latencyMs >= 0 { latencies.append(r.latencyMs) }
            let reasons = immediateReasons(r, endpoint: endpoint)
            let mayBeSelected = !reasons.isEmpty || (endpoint && (criteria.needsSessions || (criteria.slowPercentile != nil && r.latencyMs >= 0)))
            if mayBeSelected {
                let row = makeRow(r, endpoint: endpoint, reasons: reasons)
                if sessions != nil && r.sessionId.isPresent {
                    pending[row.messageId, default: []].append(row)
                } else {
                    keep(row)
                }
            }
        }
        sessions?.add(r)
    }

    private func makeRow(_ r: Record, endpoint: Bool, reasons: IDReasons) -> IDRow {
        let id = r.string(r.messageId) ?? ""
        var cells: [String?] = []
        if format != .ids {
            let v = RecordValues(r, redact: redact)
            let src = r.string(r.src) ?? "\(names.indices.contains(Int(r.input)) ? names[Int(r.input)] : "-"):\(r.line)"
            cells = [id, Timestamp.string(r.ts), v.text("sessionId"), v.text("skillType"), v.text("requestType"), v.text("intent"),
                     v.text("locale"), v.text("latencyMs"), v.text("outcome"), v.text("errorType"), v.text("errorMessage"), v.text("errorFrame"),
                     nil, v.text("lambdaRequestId"), src]
        }
        return IDRow(seq: seq, ts: r.ts, latencyMs: r.latencyMs, endpoint: endpoint, reasons: reasons, messageId: id, cells: cells)
    }

    /// Keeps a row whose session (if any) is known: selected, or possibly slow by percentile.
    private func keep(_ row: IDRow) {
        if !row.reasons.isEmpty || (criteria.slowPercentile != nil && row.endpoint && row.latencyMs >= 0) {
            rows.append(row)
        }
    }

    private func closed(_ s: Session) {
        var friction: [String: [FrictionType]] = [:]
        for e in s.friction where !(friction[e.messageId]?.contains(e.type) ?? false) {
            friction[e.messageId, default: []].append(e.type)
        }
        var turnIds = Set<String>()
        if criteria.sessionOutcomes.contains(s.outcome) { for t in s.turns { turnIds.insert(t.messageId) } }
        for id in s.messageIds {
            guard let list = pending.removeValue(forKey: id) else { continue }
            for var row in list {
                row.friction = (friction[id] ?? []).sorted { Friction.typeRank($0) < Friction.typeRank($1) }
                row.sessionOutcome = s.outcome
                if !criteria.friction.isEmpty && row.friction.contains(where: criteria.friction.contains) { row.reasons.insert(.friction) }
                if turnIds.contains(id) { row.reasons.insert(.sessionOutcome) }
                keep(row)
            }
        }
    }

    /// Ends the input: closes the sessions, applies the percentile, orders the rows.
    public func finish() {
        if streaming { return }
        sessions?.finish()
        for (_, list) in pending { for row in list { keep(row) } }
        pending = [:]
        if let p = criteria.slowPercentile {
            percentileThresholdMs = Self.nearestRank(&latencies, p)
            let t = percentileThresholdMs
            rows = rows.compactMap { row in
                var row = row
                if let t, row.endpoint, row.latencyMs >= t, row.latencyMs >= 0 { row.reasons.insert(.slow) }
                return row.reasons.isEmpty ? nil : row
            }
        }
        rows.sort { $0.seq < $1.seq }
        selectedCount = rows.count
    }

    /// The selected rows (after `finish()`).
    public var selected: [IDRow] { rows }

    /// Nearest-rank percentile (SPEC 5.4): the value at rank ⌈p/100 · n⌉ of the sorted values.
    public static func nearestRank(_ values: inout [Int64], _ p: Double) -> Int64? {
        guard !values.isEmpty else { return nil }
        values.sort()
        let rank = max(1, min(values.count, Int((p / 100 * Double(values.count)).rounded(.up))))
        return values[rank - 1]
    }

    public var sessionCount: Int? { sessions?.sessionCount }

    // MARK: Output

    /// Writes the selected rows (non-streaming). `accounting` is the input accounting JSON.
    public func write(accounting: String) throws {
        if streaming { return }
        switch format {
        case .ids:
            for var row in rows { try row.messageId.withUTF8 { try IDWriter.writePlain(UnsafeRawBufferPointer($0), to: out) } }
        case .csv:
            try out.write(IDWriter.columns.joined(separator: ",") + "\n")
            for row in rows { try out.write(IDWriter.csvLine(row)) }
        case .json:
            try out.write(IDWriter.json(rows, criteria: criteria, thresholdMs: percentileThresholdMs, accounting: accounting))
        }
    }
}

/// The CSV and JSON forms of message-ID lists.
public enum IDWriter {
    public static let schema = "sklog.ids/1"

    /// One line of the plain list: the ID as it is, or, when it holds a quote, a backslash or a
    /// control character, as it is written inside a JSON string (`a\nb`); `grep --ids` reads
    /// that form back, and `grep -F -f` finds it in NDJSON logs, which spell it the same way.
    static func writePlain(_ id: UnsafeRawBufferPointer, to out: OutputBuffer) throws {
        var plain = true
        for c in id where c < 0x20 || c == 0x22 || c == 0x5c || c == 0x7f || c == 0xc2 { plain = false; break }
        if plain {
            try out.write(id)
        } else {
            var b: [UInt8] = []
            JSONText.appendEscaped(id, to: &b)
            try out.write(b)
        }
        try out.write(byte: 0x0a)
    }
    public static let columns = ["messageId", "timestamp", "sessionId", "skillType", "requestType", "intent", "locale",
                                 "latencyMs", "outcome", "errorType", "errorMessage", "errorFrame", "friction", "lambdaRequestId", "src"]
    static let frictionColumn = columns.firstIndex(of: "friction")!

    static func cells(_ row: IDRow) -> [String?] {
        var c = row.cells
        if c.count == columns.count { c[frictionColumn] = row.friction.isEmpty ? nil : row.friction.map(\.rawValue).joined(separator: ";") }
        return c
    }

    /// A short decimal without Foundation: `90`, `99.9`.
    public static func decimal(_ v: Double) -> String {
        if v == v.rounded() && abs(v) < 1e15 { return String(Int64(v)) }
        let scaled = Int64((v * 1_000_000).rounded())
        var frac = String(abs(scaled) % 1_000_000)
        frac = String(repeating: "0", count: 6 - frac.count) + frac
        while frac.hasSuffix("0") { frac.removeLast() }
        return (scaled < 0 ? "-" : "") + String(abs(scaled) / 1_000_000) + "." + frac
    }

    public static func csvLine(_ row: IDRow) -> [UInt8] {
        var out: [UInt8] = []
        for (i, c) in cells(row).enumerated() {
            if i > 0 { out.append(0x2c) }
            if let c { CSV.appendCell(c, to: &out) }
        }
        out.append(0x0a)
        return out
    }

    public static func json(_ rows: [IDRow], criteria: IDCriteria, thresholdMs: Int64?, accounting: String) -> String {
        var s = "{\"schema\":\"\(schema)\",\"criteria\":{"
        s += "\"combine\":\"any\",\"failed\":\(criteria.failed)"
        s += ",\"slowMs\":" + (criteria.slowMs.map { String($0) } ?? "null")
        s += ",\"slowPercentile\":" + (criteria.slowPercentile.map { IDWriter.decimal($0) } ?? "null")
        s += ",\"slowPercentileThresholdMs\":" + (thresholdMs.map { String($0) } ?? "null")
        s += ",\"friction\":[" + criteria.friction.sorted { Friction.typeRank($0) < Friction.typeRank($1) }.map { "\"\($0.rawValue)\"" }.joined(separator: ",") + "]"
        s += ",\"sessionOutcome\":[" + SessionOutcome.allCases.filter(criteria.sessionOutcomes.contains).map { "\"\($0.rawValue)\"" }.joined(separator: ",") + "]"
        s += "},\"count\":\(rows.count),\"ids\":["
        s += rows.map { JSONText.quoted($0.messageId) }.joined(separator: ",")
        s += "],\"records\":["
        var first = true
        for row in rows {
            if !first { s += "," }
            first = false
            s += "{"
            let c = cells(row)
            var members: [String] = []
            for (i, name) in columns.enumerated() {
                if name == "friction" {
                    members.append("\"friction\":[" + row.friction.map { "\"\($0.rawValue)\"" }.joined(separator: ",") + "]")
                } else if name == "latencyMs" {
                    members.append("\"latencyMs\":" + (row.latencyMs >= 0 ? String(row.latencyMs) : "null"))
                } else {
                    members.append(JSONText.quoted(name) + ":" + (c[i].map { JSONText.quoted($0) } ?? "null"))
                }
            }
            members.append("\"sessionOutcome\":" + (row.sessionOutcome.map { "\"\($0.rawValue)\"" } ?? "null"))
            members.append("\"selectedBy\":[" + row.reasons.names.map { "\"\($0)\"" }.joined(separator: ",") + "]")
            s += members.joined(separator: ",") + "}"
        }
        s += "],\"accounting\":" + accounting + "}\n"
        return s
    }
}

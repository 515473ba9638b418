import SklogIO
import SklogRecords

/// Friction events of a closed session (SPEC 5.3).
public enum Friction {
    /// Low-confidence per SPEC 5.3: LOW, and MEDIUM too with `--min-confidence MEDIUM`.
    @inlinable
    public static func isLowConfidence(_ t: Turn, _ o: SessionOptions) -> Bool {
        t.confidence == .low || (o.countMediumAsLow && t.confidence == .medium)
    }

    /// Whether turn `i` is retried: the next turn has the same intent and the same slot values,
    /// at most `retryWindowMs` later.
    public static func isRetried(_ turns: [Turn], _ i: Int, _ o: SessionOptions) -> Bool {
        guard i + 1 < turns.count else { return false }
        let a = turns[i], b = turns[i + 1]
        guard let ia = a.intent, let ib = b.intent, ia == ib, a.slots == b.slots else { return false }
        let d = b.ts - a.ts
        return d >= 0 && d <= o.retryWindowMs
    }

    /// Every friction event of the session, in order of the turn they name (then by type).
    public static func events(for s: Session, options o: SessionOptions) -> [FrictionEvent] {
        guard !s.turns.isEmpty else { return [] }
        return s.turns.withUnsafeBufferPointer { events(s, $0, o, texts: nil) }
    }

    /// Events come turn by turn (in session order), and for one turn in the order of
    /// `FrictionType.allCases`: barge-in, termination, unhandled, low-confidence, system error.
    /// `texts`: the turns' utterances and slot values, when the turns do not carry them.
    static func events(_ s: Session, _ T: UnsafeBufferPointer<Turn>, _ o: SessionOptions, texts: TurnTexts?) -> [FrictionEvent] {
        let n = T.count
        var out: [FrictionEvent] = []
        @inline(__always) func event(_ type: FrictionType, _ i: Int, related: String?, detail: String?) -> FrictionEvent {
            var e = FrictionEvent(type: type, messageId: T[i].messageId, relatedMessageId: related, sessionId: s.sessionId, ts: T[i].ts,
                                  intent: T[i].intent, utterance: texts.map { $0.utterance(i) } ?? T[i].utterance,
                                  signature: texts.map { $0.signature(i, step: T[i].step) } ?? T[i].signature)
            e.detail = detail
            return e
        }
        @inline(__always) func isLow(_ i: Int) -> Bool { T[i].confidence == .low || (o.countMediumAsLow && T[i].confidence == .medium) }
        func join(_ d: inout String, _ part: String) {
            if d.isEmpty { d = part } else { d += "+"; d += part }
        }
        /// Whether turn i's response was interrupted by turn i+1: nil if not; else whether the
        /// record said so, and the gap between the response and the next turn.
        func bargeIn(_ i: Int) -> (given: Bool, gap: Int64?)? {
            guard i + 1 < n else { return nil }
            let lat = T[i].latencyMs, speech = T[i].speechMs
            let gap: Int64? = lat >= 0 ? T[i + 1].ts - (T[i].ts + lat) : nil
            switch T[i + 1].bargeIn {
            case .yes: return (true, gap)
            case .no: return nil
            case .unknown:
                guard T[i].endSession != .yes, let gap, speech >= 0, gap < speech + o.bargeInAllowanceMs else { return nil }
                return (false, gap)
            }
        }

        // Termination: a user-ended session whose abandoned turn was the first one or a friction turn.
        var termination: (turn: Int, ending: String, detail: String)? = nil
        if s.outcome == .userEnded {
            var abandoned: Int? = nil
            var ending: String? = nil
            if s.endReason == "USER_INITIATED", let end = s.endMessageId {
                abandoned = n - 1
                ending = end
            } else if SessionOutcome.isUserEndingIntent(T[n - 1].intent), n >= 2 {
                abandoned = n - 2
                ending = T[n - 1].messageId
            }
            if let k = abandoned, let ending {
                var why = ""
                if k == 0 { join(&why, "first_turn") }
                if T[k].unhandled { join(&why, "unhandled") }
                if isLow(k) { join(&why, "low_confidence") }
                if T[k].failed { join(&why, "failed") }
                if bargeIn(k) != nil { join(&why, "interrupted") }
                if !why.isEmpty { termination = (k, ending, why) }
            }
        }

        for i in 0..<n {
            if let b = bargeIn(i) {
                var e = event(.bargeIn, i, related: T[i + 1].messageId, detail: b.given ? "given" : "inferred")
                e.given = b.given
                e.gapMs = b.gap
                e.speechMs = T[i].speechMs >= 0 ? T[i].speechMs : nil
                if !b.given { e.allowanceMs = o.bargeInAllowanceMs }
                out.append(e)
            }
            if let t = termination, t.turn == i {
                out.append(event(.termination, i, related: t.ending, detail: t.detail))
            }
            let low = isLow(i)
            let unhandled = T[i].unhandled
            if unhandled {
                out.append(event(.unhandled, i, related: nil, detail: unhandledDetail(T[i], o)))
            }
            if low {
                out.append(event(.lowConfidence, i, related: nil, detail: T[i].confidence.name))
            }
            var retried = false
            if i + 1 < n, T[i].intent != nil, T[i].ts <= T[i + 1].ts, T[i + 1].ts - T[i].ts <= o.retryWindowMs,
               T[i].intent == T[i + 1].intent, texts.map({ $0.sameSlots(i, i + 1) }) ?? (T[i].slots == T[i + 1].slots) {
                retried = true
            }
            if low || unhandled || retried {
                var why = ""
                if low { join(&why, "low_confidence") }
                if unhandled { join(&why, "unhandled") }
                if retried { join(&why, "retry") }
                out.append(event(.systemError, i, related: retried ? T[i + 1].messageId : nil, detail: why))
            }
        }
        return out
    }

    @inlinable
    public static func typeRank(_ t: FrictionType) -> Int {
        switch t { case .bargeIn: 0; case .termination: 1; case .unhandled: 2; case .lowConfidence: 3; case .systemError: 4 }
    }

    static func unhandledDetail(_ t: Turn, _ o: SessionOptions) -> String {
        var why: [String] = []
        if t.intent == "AMAZON.FallbackIntent" { why.append("fallback_intent") }
        if let m = o.modelIntents, let i = t.intent, !m.contains(i) { why.append("not_in_model") }
        if why.isEmpty { why.append("flagged") }   // unhandled: true or errorType NoHandler
        return why.joined(separator: "+")
    }
}

extension FrictionType {
    /// The metric identifier of SPEC 6 (`bargeIns`, …) for the event count.
    public var metricName: String {
        switch self {
        case .bargeIn: "bargeIns"
        case .termination: "terminations"
        case .unhandled: "unhandledRequests"
        case .lowConfidence: "lowConfidenceIntents"
        case .systemError: "estimatedSystemErrors"
        }
    }

    /// Parses a comma-separated `--type` list (`barge_in,termination`, also the metric names).
    public static func parseList(_ s: String) -> Set<FrictionType>? {
        var out = Set<FrictionType>()
        for part in s.split(separator: ",") {
            let p = part.trimmed(" ").lowercased()
            guard let t = FrictionType.allCases.first(where: { $0.rawValue == p || $0.metricName.lowercased() == p
                || $0.rawValue.replacingChar("_", with: "-") == p }) else { return nil }
            out.insert(t)
        }
        return out.isEmpty ? nil : out
    }
}

extension Substring {
    func trimmed(_ set: Character) -> String {
        var s = self
        while s.first == set { s.removeFirst() }
        while s.last == set { s.removeLast() }
        return String(s)
    }
}

extension String {
    func replacingChar(_ a: Character, with b: Character) -> String { String(map { $0 == a ? b : $0 }) }
}

/// Writes friction events, one per line (NDJSON) or row (CSV).
public final class FrictionWriter {
    public let format: RecordListFormat
    public let out: OutputBuffer
    public let redact: Bool
    private var wroteHeader = false

    public static let csvColumns = ["type", "messageId", "relatedMessageId", "sessionId", "ts", "intent", "utterance", "signature",
                                    "detail", "gapMs", "speechMs", "allowanceMs", "given"]

    public init(format: RecordListFormat, out: OutputBuffer, redact: Bool) {
        self.format = format; self.out = out; self.redact = redact
    }

    /// With --redact: utterances masked, slot values masked in signatures.
    public static func maskedSignature(_ sig: String?) -> String? {
        sig.map { Redactor.maskSignature($0) }
    }

    /// The CSV header row (NDJSON has none); `write` adds it before the first row by itself.
    public func writeHeader() throws {
        guard format == .csv, !wroteHeader else { return }
        wroteHeader = true
        try out.write(FrictionWriter.csvColumns.joined(separator: ",") + "\n")
    }

    public func write(_ e: FrictionEvent) throws {
        try writeHeader()
        var line: [UInt8] = []
        encode(e, into: &line)
        try out.write(line)
    }

    /// Appends the event's line (with its newline) to `bytes`.
    public func encode(_ e: FrictionEvent, into bytes: inout [UInt8]) {
        let sid = redact ? Redactor.token(e.sessionId) : e.sessionId
        let utt = redact ? e.utterance.map { _ in "***" } : e.utterance
        let sig = redact ? FrictionWriter.maskedSignature(e.signature) : e.signature
        switch format {
        case .ndjson:
            var b = CanonicalBuilder()
            b.string("type", e.type.rawValue)
            b.string("messageId", e.messageId)
            b.string("relatedMessageId", e.relatedMessageId)
            b.string("sessionId", sid)
            b.timestamp("ts", e.ts)
            b.string("intent", e.intent)
            b.string("utterance", utt)
            b.string("signature", sig)
            b.string("detail", e.detail)
            b.number("gapMs", e.gapMs)
            b.number("speechMs", e.speechMs)
            b.number("allowanceMs", e.allowanceMs)
            if e.type == .bargeIn { b.bool("given", e.given) }
            bytes += b.finish()
            bytes.append(0x0a)
        case .csv:
            bytes += SessionWriter.csvRow([e.type.rawValue, e.messageId, e.relatedMessageId, sid, Timestamp.string(e.ts),
                                           e.intent, utt, sig, e.detail, e.gapMs.map { String($0) }, e.speechMs.map { String($0) },
                                           e.allowanceMs.map { String($0) }, e.type == .bargeIn ? (e.given ? "true" : "false") : nil])
        }
    }
}

/// Friction counts, rates and frequent friction utterances (SPEC 5.3, 6 "Customer friction").
public struct FrictionSummary {
    /// The friction types counted (`--type`).
    public let types: Set<FrictionType>
    public private(set) var turns = 0
    public private(set) var turnsWithConfidence = 0
    public private(set) var sessions = 0
    public private(set) var frictionSessions = 0
    public private(set) var counts: [FrictionType: Int] = [:]

    /// Friction events grouped by utterance (when the log has it) or signature.
    public struct Group {
        public var text: String
        public var isUtterance: Bool
        public var counts: [FrictionType: Int] = [:]
        public var total = 0
    }
    private var groups: [String: Group] = [:]

    public init(types: Set<FrictionType> = Set(FrictionType.allCases)) { self.types = types }

    /// Counts a turn record (the denominator of the rates: every turn of the input).
    public mutating func addTurn(_ r: Record) {
        guard r.isTurn else { return }
        turns += 1
        if r.confidence != .unknown { turnsWithConfidence += 1 }
    }

    public mutating func add(_ s: Session) {
        sessions += 1
        var any = false
        for e in s.friction where types.contains(e.type) {
            any = true
            counts[e.type, default: 0] += 1
            let isU = e.utterance != nil
            let text = e.utterance ?? e.signature ?? e.intent ?? "?"
            let key = (isU ? "u:" : "s:") + text
            groups[key, default: Group(text: text, isUtterance: isU)].counts[e.type, default: 0] += 1
            groups[key]!.total += 1
        }
        if any { frictionSessions += 1 }
    }

    public func count(_ t: FrictionType) -> Int? {
        guard types.contains(t) else { return nil }
        // Low-confidence is not available when no turn carries a confidence (SPEC 6).
        if t == .lowConfidence && turnsWithConfidence == 0 { return nil }
        return counts[t] ?? 0
    }

    /// Events per 100 turns; nil when not available.
    public func rate(_ t: FrictionType) -> Double? {
        guard let c = count(t), turns > 0 else { return nil }
        return Double(c) * 100 / Double(turns)
    }

    /// The most frequent friction utterances or signatures: by total, then text.
    public func top(_ n: Int) -> [Group] {
        let all = groups.values.sorted { a, b in
            if a.total != b.total { return a.total > b.total }
            if a.text != b.text { return a.text < b.text }
            return a.isUtterance && !b.isUtterance
        }
        return Array(all.prefix(n))
    }

    // MARK: Rendering

    static func fmt(_ v: Double?, _ digits: Int = 2) -> String {
        guard let v else { return "n/a" }
        var m = 1.0
        for _ in 0..<digits { m *= 10 }
        let r = (v * m).rounded() / m
        var s = String(r)
        if let dot = s.firstIndex(of: ".") {
            let decimals = s.distance(from: dot, to: s.endIndex) - 1
            if decimals < digits { s += String(repeating: "0", count: digits - decimals) }
        } else { s += "." + String(repeating: "0", count: digits) }
        return s
    }

    static func jsonNumber(_ v: Double?) -> String { v.map { fmt($0, 4) } ?? "null" }

    /// The human table.
    public func table(top n: Int, redact: Bool) -> String {
        var s = "Customer friction: \(turns) turn\(turns == 1 ? "" : "s"), \(sessions) session\(sessions == 1 ? "" : "s")\n\n"
        func pad(_ x: String, _ w: Int, right: Bool = false) -> String {
            let p = String(repeating: " ", count: max(0, w - x.count))
            return right ? p + x : x + p
        }
        s += pad("type", 16) + pad("events", 10, right: true) + pad("per 100 turns", 16, right: true) + "\n"
        for t in FrictionType.allCases where types.contains(t) {
            s += pad(t.rawValue, 16) + pad(count(t).map(String.init) ?? "n/a", 10, right: true) + pad(rate(t).map { Self.fmt($0) } ?? "n/a", 16, right: true) + "\n"
        }
        let share = sessions > 0 ? Double(frictionSessions) * 100 / Double(sessions) : nil
        s += "\nfriction sessions: \(frictionSessions) of \(sessions)" + (share.map { " (\(Self.fmt($0, 1)) %)" } ?? "") + "\n"
        let groups = top(n)
        if !groups.isEmpty {
            s += "\nFrequent friction utterances (top \(n))\n"
            let texts = groups.map { display($0, redact: redact) }
            let w = min(60, max(22, texts.map(\.count).max() ?? 0))
            let shown = FrictionType.allCases.filter { types.contains($0) }
            s += pad("utterance or signature", w) + pad("total", 7, right: true) + shown.map { pad($0.rawValue, max(9, $0.rawValue.count + 2), right: true) }.joined() + "\n"
            for (g, text) in zip(groups, texts) {
                let cut = text.count > w ? String(text.prefix(w - 1)) + "…" : text
                s += pad(cut, w) + pad(String(g.total), 7, right: true)
                    + shown.map { pad(String(g.counts[$0] ?? 0), max(9, $0.rawValue.count + 2), right: true) }.joined() + "\n"
            }
        }
        return s
    }

    /// The text of a row of the human table, with control characters shown escaped.
    func display(_ g: Group, redact: Bool) -> String {
        if redact { return g.isUtterance ? "\"***\"" : TerminalText.safe(FrictionWriter.maskedSignature(g.text) ?? "") }
        return TerminalText.safe(g.isUtterance ? "\"\(g.text)\"" : g.text)
    }

    /// The JSON document (schema `sklog.friction-summary/1`).
    public func json(top n: Int, redact: Bool, options: SessionOptions, accounting: String?) -> String {
        var b = CanonicalBuilder()
        b.string("schema", "sklog.friction-summary/1")
        var p = CanonicalBuilder()
        p.number("idleTimeoutMs", options.idleTimeoutMs)
        p.number("bargeInAllowanceMs", options.bargeInAllowanceMs)
        p.number("retryWindowMs", options.retryWindowMs)
        p.string("minConfidence", options.countMediumAsLow ? "MEDIUM" : "LOW")
        p.bool("model", options.modelIntents != nil)
        b.raw("parameters", json: p.finish())
        if let accounting { b.raw("accounting", json: accounting) }
        b.number("totalTurns", Int64(turns))
        b.number("totalSessions", Int64(sessions))
        b.number("frictionSessions", Int64(frictionSessions))
        b.raw("frictionSessionsShare", json: Self.jsonNumber(sessions > 0 ? Double(frictionSessions) / Double(sessions) : nil))
        for t in FrictionType.allCases where types.contains(t) {
            b.raw(t.metricName, json: count(t).map(String.init) ?? "null")
            b.raw(t.metricName + "Rate", json: Self.jsonNumber(rate(t)))
        }
        var list: [UInt8] = [0x5b]
        for (i, g) in top(n).enumerated() {
            if i > 0 { list.append(0x2c) }
            var o = CanonicalBuilder()
            let text = redact ? (g.isUtterance ? "***" : FrictionWriter.maskedSignature(g.text)!) : g.text
            o.string(g.isUtterance ? "utterance" : "signature", text)
            o.number("total", Int64(g.total))
            var c = CanonicalBuilder()
            for t in FrictionType.allCases where types.contains(t) { c.number(t.rawValue, Int64(g.counts[t] ?? 0)) }
            o.raw("counts", json: c.finish())
            list.append(contentsOf: o.finish())
        }
        list.append(0x5d)
        b.raw("frequentFrictionUtterances", json: list)
        return String(decoding: b.finish(), as: UTF8.self) + "\n"
    }

    /// Long-form CSV: period_start,metric,dimension,value (SPEC 7), period_start empty.
    public func csv(top n: Int, redact: Bool) -> [UInt8] {
        var out = Array("period_start,metric,dimension,value\n".utf8)
        func row(_ metric: String, _ dim: String, _ v: String?) { out += SessionWriter.csvRow([nil, metric, dim, v ?? ""]) }
        row("totalTurns", "", String(turns))
        row("totalSessions", "", String(sessions))
        row("frictionSessions", "", String(frictionSessions))
        for t in FrictionType.allCases where types.contains(t) {
            row(t.metricName, "", count(t).map(String.init))
            row(t.metricName + "Rate", "", rate(t).map { Self.fmt($0, 4) })
        }
        for g in top(n) {
            let text = redact ? (g.isUtterance ? "***" : FrictionWriter.maskedSignature(g.text)!) : g.text
            let dim = (g.isUtterance ? "utterance=" : "signature=") + text
            for t in FrictionType.allCases where types.contains(t) { row("frictionUtterance." + t.rawValue, dim, String(g.counts[t] ?? 0)) }
        }
        return out
    }
}

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
        let turns = s.turns
        let n = turns.count
        guard n > 0 else { return [] }
        var out: [FrictionEvent] = []
        func event(_ type: FrictionType, _ t: Turn, related: String?, detail: String?) -> FrictionEvent {
            var e = FrictionEvent(type: type, messageId: t.messageId, relatedMessageId: related, sessionId: s.sessionId, ts: t.ts,
                                  intent: t.intent ?? t.step, utterance: t.utterance, signature: t.signature)
            e.detail = detail
            return e
        }

        // Barge-ins: turn i-1 interrupted by turn i.
        var interrupted = [Bool](repeating: false, count: n)
        if n > 1 {
            for i in 1..<n {
                let r1 = turns[i - 1], r2 = turns[i]
                let gap: Int64? = r1.latencyMs >= 0 ? r2.ts - (r1.ts + r1.latencyMs) : nil
                if r2.bargeIn != .unknown {
                    guard r2.bargeIn == .yes else { continue }
                    var e = event(.bargeIn, r1, related: r2.messageId, detail: "given")
                    e.given = true
                    e.gapMs = gap
                    e.speechMs = r1.speechMs >= 0 ? r1.speechMs : nil
                    out.append(e)
                    interrupted[i - 1] = true
                    continue
                }
                guard r1.endSession != .yes, let gap, r1.speechMs >= 0 else { continue }
                if gap < r1.speechMs + o.bargeInAllowanceMs {
                    var e = event(.bargeIn, r1, related: r2.messageId, detail: "inferred")
                    e.gapMs = gap
                    e.speechMs = r1.speechMs
                    e.allowanceMs = o.bargeInAllowanceMs
                    out.append(e)
                    interrupted[i - 1] = true
                }
            }
        }

        // Unhandled requests, low-confidence intents, estimated system errors.
        for i in 0..<n {
            let t = turns[i]
            let low = isLowConfidence(t, o)
            if t.unhandled {
                out.append(event(.unhandled, t, related: nil, detail: unhandledDetail(t, o)))
            }
            if low {
                out.append(event(.lowConfidence, t, related: nil, detail: t.confidence.name))
            }
            let retried = isRetried(turns, i, o)
            if low || t.unhandled || retried {
                var why: [String] = []
                if low { why.append("low_confidence") }
                if t.unhandled { why.append("unhandled") }
                if retried { why.append("retry") }
                out.append(event(.systemError, t, related: retried ? turns[i + 1].messageId : nil, detail: why.joined(separator: "+")))
            }
        }

        // Termination: a user-ended session whose abandoned turn was the first one or a friction turn.
        if s.outcome == .userEnded {
            var abandoned: Int? = nil
            var ending: String? = nil
            if s.endReason == "USER_INITIATED", let end = s.endMessageId {
                abandoned = n - 1
                ending = end
            } else if SessionOutcome.isUserEndingIntent(turns[n - 1].intent), n >= 2 {
                abandoned = n - 2
                ending = turns[n - 1].messageId
            }
            if let k = abandoned {
                let t = turns[k]
                var why: [String] = []
                if k == 0 { why.append("first_turn") }
                if t.unhandled { why.append("unhandled") }
                if isLowConfidence(t, o) { why.append("low_confidence") }
                if t.failed { why.append("failed") }
                if interrupted[k] { why.append("interrupted") }
                if !why.isEmpty {
                    out.append(event(.termination, t, related: ending, detail: why.joined(separator: "+")))
                }
            }
        }

        // Order: by the time of the turn named, then by type.
        return out.enumerated().sorted { a, b in
            if a.element.ts != b.element.ts { return a.element.ts < b.element.ts }
            let ta = typeRank(a.element.type), tb = typeRank(b.element.type)
            if ta != tb { return ta < tb }
            return a.offset < b.offset
        }.map(\.element)
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

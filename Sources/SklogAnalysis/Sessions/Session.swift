import SklogRecords

/// The five session outcomes of SPEC 5.2, in order of precedence.
public enum SessionOutcome: String, CaseIterable, Sendable {
    case failed, noResponse = "no_response", userEnded = "user_ended", skillEnded = "skill_ended", unknown
}

/// Friction event types of SPEC 5.3.
public enum FrictionType: String, CaseIterable, Sendable {
    case bargeIn = "barge_in", termination, unhandled, lowConfidence = "low_confidence", systemError = "system_error"
}

/// One friction event: the message ID to look at, and the evidence.
public struct FrictionEvent: Sendable {
    public var type: FrictionType
    public var messageId: String
    public var relatedMessageId: String?
    public var sessionId: String
    public var ts: Int64
    public var intent: String?
    /// The utterance when the log has it, else the `Intent(slot=value, …)` signature.
    public var utterance: String?
    public var signature: String?
    /// Barge-in evidence (ms): the gap between response end and the next request, the speaking
    /// time, the allowance; whether the record said so (`given`) or it was inferred.
    public var gapMs: Int64? = nil
    public var speechMs: Int64? = nil
    public var allowanceMs: Int64? = nil
    public var given: Bool = false
    /// Why the event was raised, e.g. `inferred`, `fallback_intent`, `first_turn`, `retry`
    /// (several joined with `+`).
    public var detail: String? = nil
    public init(type: FrictionType, messageId: String, relatedMessageId: String?, sessionId: String, ts: Int64,
                intent: String?, utterance: String?, signature: String?) {
        self.type = type; self.messageId = messageId; self.relatedMessageId = relatedMessageId
        self.sessionId = sessionId; self.ts = ts; self.intent = intent; self.utterance = utterance; self.signature = signature
    }
}

/// One turn of a session, as kept for paths and friction (a few values, not the record).
public struct Turn: Sendable {
    public var messageId: String
    public var ts: Int64
    public var step: String            // "LaunchRequest" or the intent name
    public var intent: String?
    public var failed: Bool
    public var latencyMs: Int64        // -1 unknown
    /// The response's `shouldEndSession`.
    public var endSession: TriState = .unknown
    /// Estimated speaking time of the response (-1 unknown).
    public var speechMs: Int64 = -1
    /// The record's own barge-in flag (this request interrupted the previous response).
    public var bargeIn: TriState = .unknown
    /// Unhandled per SPEC 5.3: FallbackIntent, `unhandled: true`, errorType NoHandler, or an intent
    /// the interaction model (`--model`) does not define.
    public var unhandled = false
    public var confidence: Confidence = .unknown
    /// What the user said, when the log has it.
    public var utterance: String? = nil
    /// Slot values as `name=value, …` sorted by name (null slots left out); nil when none.
    public var slots: String? = nil
    /// `Intent(slot=value, …)`, or the step alone when the turn has no slot values.
    public var signature: String {
        guard let slots else { return step }
        var s = step
        s.reserveCapacity(step.utf8.count + slots.utf8.count + 2)
        s += "("; s += slots; s += ")"
        return s
    }
    public init(messageId: String, ts: Int64, step: String, intent: String?, failed: Bool, latencyMs: Int64) {
        self.messageId = messageId; self.ts = ts; self.step = step; self.intent = intent; self.failed = failed; self.latencyMs = latencyMs
    }
}

/// A reconstructed session (SPEC 5.2).
public struct Session: Sendable {
    public var sessionId: String
    public var userId: String?
    public var userHash: UInt64?      // byteHash of userId, for distinct counts
    public var locale: String?
    public var stage: String?
    /// The skill (`skillId`) of its records, for `--by skill`.
    public var skillId: String? = nil
    public var start: Int64           // ts of the first record; the session's bucket
    public var end: Int64             // ts of the last record
    public var outcome: SessionOutcome
    public var turns: [Turn]
    public var messageIds: MessageIDs   // every record of the session, in order
    public var friction: [FrictionEvent]
    /// A record with this sessionId arrived after an earlier session with it had ended.
    public var reopened: Bool
    /// How the session was closed.
    public var endedBy: SessionEnd = .endOfInput
    /// The `reason` of the SessionEndedRequest that ended it, if one did.
    public var endReason: String? = nil
    /// The message ID of that SessionEndedRequest.
    public var endMessageId: String? = nil
    public var durationMs: Int64 { end - start }
    public init(sessionId: String, userId: String?, userHash: UInt64?, locale: String?, stage: String?, start: Int64, end: Int64,
                outcome: SessionOutcome, turns: [Turn], messageIds: [String], friction: [FrictionEvent], reopened: Bool) {
        self.sessionId = sessionId; self.userId = userId; self.userHash = userHash; self.locale = locale; self.stage = stage
        self.start = start; self.end = end; self.outcome = outcome; self.turns = turns; self.messageIds = MessageIDs(messageIds)
        self.friction = friction; self.reopened = reopened
    }
    /// Steps of the interaction path: turns in order, then END:<outcome>.
    public var path: [String] { turns.map(\.step) + ["END:\(outcome.rawValue)"] }
}

/// What closed a session (SPEC 5.2).
public enum SessionEnd: String, CaseIterable, Sendable {
    case sessionEndedRequest = "session_ended_request", endSession = "end_session", idleTimeout = "idle_timeout", endOfInput = "end_of_input"
}

/// Parameters of SPEC 5.2 and 5.3, with the spec's defaults.
public struct SessionOptions: Sendable {
    public var idleTimeoutMs: Int64 = 600_000
    public var bargeInAllowanceMs: Int64 = 1000
    public var retryWindowMs: Int64 = 15_000
    /// `--min-confidence MEDIUM` also counts medium-confidence turns as low-confidence friction.
    public var countMediumAsLow = false
    /// Intents defined by an interaction model (`--model FILE`); nil when no model was given.
    public var modelIntents: Set<String>? = nil
    /// How long (record time) a closed session's ID is remembered, so that a later record with it
    /// is counted as a reopened session. Bounds memory; a record after a longer gap still starts a
    /// new session, it is just not counted as reopened.
    public var reopenWindowMs: Int64 = 3_600_000
    public init() {}
}

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
    public var start: Int64           // ts of the first record; the session's bucket
    public var end: Int64             // ts of the last record
    public var outcome: SessionOutcome
    public var turns: [Turn]
    public var messageIds: [String]   // every record of the session, in order
    public var friction: [FrictionEvent]
    /// A record with this sessionId arrived after an earlier session with it had ended.
    public var reopened: Bool
    public init(sessionId: String, userId: String?, userHash: UInt64?, locale: String?, stage: String?, start: Int64, end: Int64,
                outcome: SessionOutcome, turns: [Turn], messageIds: [String], friction: [FrictionEvent], reopened: Bool) {
        self.sessionId = sessionId; self.userId = userId; self.userHash = userHash; self.locale = locale; self.stage = stage
        self.start = start; self.end = end; self.outcome = outcome; self.turns = turns; self.messageIds = messageIds
        self.friction = friction; self.reopened = reopened
    }
    /// Steps of the interaction path: turns in order, then END:<outcome>.
    public var path: [String] { turns.map(\.step) + ["END:\(outcome.rawValue)"] }
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
    public init() {}
}

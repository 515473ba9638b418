import SklogRecords

extension SessionOutcome {
    /// The intents whose turn ends a session by the user's choice.
    public static func isUserEndingIntent(_ intent: String?) -> Bool {
        intent == "AMAZON.StopIntent" || intent == "AMAZON.CancelIntent" || intent == "AMAZON.NavigateHomeIntent"
    }

    /// SPEC 5.2: the first outcome that applies. `endReason` is the reason of the
    /// SessionEndedRequest that ended the session (nil when none did).
    public static func of(endReason: String?, lastTurn: Turn?) -> SessionOutcome {
        if endReason == "ERROR" || lastTurn?.failed == true { return .failed }
        if endReason == "EXCEEDED_MAX_REPROMPTS" { return .noResponse }
        if endReason == "USER_INITIATED" || isUserEndingIntent(lastTurn?.intent) { return .userEnded }
        if lastTurn?.endSession == .yes { return .skillEnded }
        return .unknown
    }

    /// successful = user_ended + skill_ended (SPEC 5.2).
    public var isSuccessful: Bool { self == .userEnded || self == .skillEnded }
}

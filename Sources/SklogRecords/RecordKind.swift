/// What a record is: the one rule every tool uses to tell turns, smart home directives, plays and
/// events apart (who makes a customer, what endpoint latency is measured over, what the metrics
/// count). Event types are recognized first, so that an event record of a smart home skill
/// (`skillType: smart_home`) is never taken for a directive.
public enum RecordKind: UInt8, CaseIterable, Sendable {
    case launch, intent, sessionEnded, play
    case discovery, reportState, directive, changeReport
    case skillEnabled, skillDisabled, skillAccountLinked, skillEventOther
    case accountLinkingInitiated, accountLinkingCompleted, accountLinkingOther
    case oauthToken, connectionsResponse
    case subscriptionStarted, subscriptionEnded, subscriptionConverted, subscriptionOther
    case otherEvent, other

    /// A turn (an utterance): a LaunchRequest or an IntentRequest.
    @inlinable public var isTurn: Bool { self == .launch || self == .intent }
    /// A smart home directive (discovery, state reports and every other directive).
    @inlinable public var isDirective: Bool { self == .discovery || self == .reportState || self == .directive }
    /// User-initiated: makes a customer (turns, smart home directives, FlashBriefing.Play).
    @inlinable public var isUserInitiated: Bool { isTurn || isDirective || self == .play }

    public static func classify(_ r: Record) -> RecordKind {
        let t = r.requestType
        guard t.isPresent else { return .other }
        if r.equals(t, "IntentRequest") { return .intent }
        if r.equals(t, "LaunchRequest") { return .launch }
        if r.equals(t, "SessionEndedRequest") { return .sessionEnded }
        if r.hasPrefix(t, "Alexa.") {
            if r.equals(t, "Alexa.ChangeReport") { return .changeReport }
            // Custom-skill requests in Alexa namespaces (APL user events, ...) are not directives.
            if r.hasPrefix(t, "Alexa.Presentation.") { return .otherEvent }
            if r.skillType.isPresent {
                if !r.equals(r.skillType, "smart_home") { return .otherEvent }
            } else if r.hasPrefix(t, "Alexa.DataStore.") || r.hasPrefix(t, "Alexa.Advertisement.")
                        || r.equals(t, "Alexa.Authorization.Grant") {
                // Requests a custom skill receives in Alexa namespaces; without a skillType they
                // would otherwise pass for smart home directives.
                return .otherEvent
            }
            if r.equals(t, "Alexa.ReportState") { return .reportState }
            if r.hasPrefix(t, "Alexa.Discovery.") { return .discovery }
            return .directive
        }
        if r.hasPrefix(t, "AlexaSkillEvent.") {
            if r.equals(t, "AlexaSkillEvent.SkillEnabled") { return .skillEnabled }
            if r.equals(t, "AlexaSkillEvent.SkillDisabled") { return .skillDisabled }
            if r.equals(t, "AlexaSkillEvent.SkillAccountLinked") { return .skillAccountLinked }
            return .skillEventOther
        }
        if r.equals(t, "FlashBriefing.Play") { return .play }
        if r.hasPrefix(t, "AccountLinking.") {
            if r.equals(t, "AccountLinking.Initiated") { return .accountLinkingInitiated }
            if r.equals(t, "AccountLinking.Completed") { return .accountLinkingCompleted }
            return .accountLinkingOther
        }
        if r.hasPrefix(t, "OAuth.") { return r.equals(t, "OAuth.Token") ? .oauthToken : .otherEvent }
        if r.equals(t, "Connections.Response") { return .connectionsResponse }
        if r.hasPrefix(t, "Subscription.") {
            if r.equals(t, "Subscription.Started") { return .subscriptionStarted }
            if r.equals(t, "Subscription.Ended") { return .subscriptionEnded }
            if r.equals(t, "Subscription.Converted") { return .subscriptionConverted }
            return .subscriptionOther
        }
        if r.hasPrefix(t, "AudioPlayer.") || r.hasPrefix(t, "PlaybackController.") || r.hasPrefix(t, "System.")
            || r.equals(t, "CanFulfillIntentRequest") || r.hasPrefix(t, "Connections.") || r.hasPrefix(t, "Display.")
            || r.hasPrefix(t, "Alexa") || r.hasPrefix(t, "Messaging.") {
            return .otherEvent
        }
        // A smart home skill's directive in a namespace not starting with "Alexa." (rare).
        if r.equals(r.skillType, "smart_home") { return .directive }
        return .other
    }
}

/// The metric catalog of SPEC section 6: every identifier, its area, its labels and its unit. All
/// outputs (table, JSON, CSV, Prometheus) and `--fail-if` are driven by this one list, so a name
/// can't drift between formats.
public enum MetricSection: String, CaseIterable, Sendable {
    case customers, utterances, sessions, intents, paths, retention, plays, actions, operational
    case enablements, accountLinking, tokens, purchasing, performance, friction

    public var title: String {
        switch self {
        case .customers: "Customers"
        case .utterances: "Utterances"
        case .sessions: "Sessions"
        case .intents: "Intents"
        case .paths: "Interaction path"
        case .retention: "Retention"
        case .plays: "Plays"
        case .actions: "Actions (smart home)"
        case .operational: "Operational metrics (smart home)"
        case .enablements: "Enablements"
        case .accountLinking: "Account linking"
        case .tokens: "Token retrieval"
        case .purchasing: "In-skill purchasing"
        case .performance: "Skill performance"
        case .friction: "Customer friction"
        }
    }
}

/// What a value means, for formatting and for `--fail-if` percentages.
public enum MetricKind: String, Sendable {
    /// A count of events or of distinct customers (integer).
    case count
    /// A quotient such as utterances per customer.
    case ratio
    /// A rate or share between 0 and 1 (tables show it in %; `--fail-if 'x<95%'` means 0.95).
    case fraction
    /// Events per 100 turns (friction rates): `5` and `5%` mean the same.
    case per100
    /// Milliseconds.
    case ms
}

public struct MetricDef: Sendable {
    public let name: String
    public let section: MetricSection
    /// For labelled metrics: the JSON array that holds their rows (several metrics share a group),
    /// and the label keys, in order.
    public let group: String?
    public let labels: [String]
    public let kind: MetricKind
    /// Only computed over the whole input (not per bucket nor per dimension value).
    public let wholeInputOnly: Bool
    public let help: String
}

public enum MetricCatalog {
    private static func m(_ name: String, _ s: MetricSection, _ k: MetricKind, _ help: String) -> MetricDef {
        MetricDef(name: name, section: s, group: nil, labels: [], kind: k, wholeInputOnly: false, help: help)
    }
    private static func g(_ name: String, _ s: MetricSection, _ group: String, _ labels: [String], _ k: MetricKind,
                          whole: Bool = false, _ help: String) -> MetricDef {
        MetricDef(name: name, section: s, group: group, labels: labels, kind: k, wholeInputOnly: whole, help: help)
    }

    public static let all: [MetricDef] = [
        m("uniqueCustomers", .customers, .count, "Distinct userIds over user-initiated records (turns, smart home directives, FlashBriefing.Play)."),

        m("totalUtterances", .utterances, .count, "Turns: LaunchRequest and IntentRequest records."),
        m("successfulUtterances", .utterances, .count, "Turns whose outcome is success."),
        m("failedUtterances", .utterances, .count, "Turns whose outcome is error or no_response."),
        m("utterancesPerCustomer", .utterances, .ratio, "totalUtterances / distinct users with a turn."),
        m("utterancesPerSession", .utterances, .ratio, "totalUtterances / totalSessions."),

        m("totalSessions", .sessions, .count, "Sessions (docs/definitions.md), in the bucket of their first record."),
        m("successfulSessions", .sessions, .count, "Sessions that ended user_ended or skill_ended."),
        m("incompleteSessions", .sessions, .count, "Sessions that ended no_response (EXCEEDED_MAX_REPROMPTS)."),
        m("failedSessions", .sessions, .count, "Sessions with outcome failed."),
        m("userEndedSessions", .sessions, .count, "Sessions with outcome user_ended."),
        m("skillEndedSessions", .sessions, .count, "Sessions with outcome skill_ended."),
        m("unknownSessions", .sessions, .count, "Sessions with outcome unknown."),
        m("sessionsPerCustomer", .sessions, .ratio, "totalSessions / distinct users with a session."),
        m("successfulSessionsShare", .sessions, .fraction, "successfulSessions / totalSessions."),
        m("incompleteSessionsShare", .sessions, .fraction, "incompleteSessions / totalSessions."),
        m("failedSessionsShare", .sessions, .fraction, "failedSessions / totalSessions."),
        m("userEndedSessionsShare", .sessions, .fraction, "userEndedSessions / totalSessions."),
        m("skillEndedSessionsShare", .sessions, .fraction, "skillEndedSessions / totalSessions."),
        m("unknownSessionsShare", .sessions, .fraction, "unknownSessions / totalSessions."),

        m("totalIntents", .intents, .count, "IntentRequest records."),
        g("intentUtterances", .intents, "intents", ["intent"], .count, "IntentRequests of the intent."),
        g("intentCustomers", .intents, "intents", ["intent"], .count, "Distinct users with an IntentRequest of the intent."),
        g("intentFailures", .intents, "intents", ["intent"], .count, "IntentRequests of the intent whose outcome is error or no_response."),

        g("pathSessions", .paths, "paths", ["from", "to"], .count, "Sessions in which step `from` is directly followed by step `to` (each session once)."),
        g("pathCustomers", .paths, "paths", ["from", "to"], .count, "Distinct users with a session in which `from` is directly followed by `to`."),
        g("pathShare", .paths, "paths", ["from", "to"], .fraction, "pathCustomers / distinct users with a session that has step `from`."),
        g("topPathSessions", .paths, "topPaths", ["path"], .count, whole: true, "Sessions per path of first 8 steps (joined with ' > '), most frequent first."),

        g("retentionCustomers", .retention, "retention", ["cohort", "week"], .count, whole: true, "Customers of the cohort (ISO week of their first turn) with a turn in the cohort's week + `week`; null when that week starts after the input's last record."),
        g("retentionShare", .retention, "retention", ["cohort", "week"], .fraction, whole: true, "retentionCustomers / the cohort's customers."),

        m("plays", .plays, .count, "FlashBriefing.Play records."),

        m("totalActions", .actions, .count, "Smart home directives other than discovery and state reports."),
        g("actionCount", .actions, "actions", ["action"], .count, "Directives of the action (NAMESPACE.NAME)."),
        g("actionCustomers", .actions, "actions", ["action"], .count, "Distinct users who sent the action."),

        g("requests", .operational, "operations", ["operation"], .count, "Directives of the operation: Discovery (Alexa.Discovery.*), CapabilityDirectives (all other directives but Alexa.ReportState), ReportState, or one directive by name."),
        g("successRate", .operational, "operations", ["operation"], .fraction, "success / (success + error + no_response) over the operation's directives."),
        g("latencyP50", .operational, "operations", ["operation"], .ms, "Nearest-rank 50th percentile of latencyMs over the operation's directives (failures included)."),
        g("latencyP90", .operational, "operations", ["operation"], .ms, "Nearest-rank 90th percentile of latencyMs."),
        g("latencyP99", .operational, "operations", ["operation"], .ms, "Nearest-rank 99th percentile of latencyMs."),
        g("latencyAvg", .operational, "operations", ["operation"], .ms, "Mean latencyMs."),
        m("changeReportAccuracy", .operational, .fraction, "Alexa.ReportState records with a state that match the latest earlier Alexa.ChangeReport of the endpoint / those compared."),

        m("totalEnablements", .enablements, .count, "AlexaSkillEvent.SkillEnabled records."),
        m("disablements", .enablements, .count, "AlexaSkillEvent.SkillDisabled records."),

        m("accountLinkingInitiations", .accountLinking, .count, "AccountLinking.Initiated records."),
        m("accountLinkingCompletions", .accountLinking, .count, "AccountLinking.Completed and AlexaSkillEvent.SkillAccountLinked records."),
        m("accountLinkingCompletionRate", .accountLinking, .fraction, "accountLinkingCompletions / accountLinkingInitiations."),
        g("accountLinkingInitiations", .accountLinking, "accountLinkingByVia", ["via"], .count, "AccountLinking.Initiated records by via."),
        g("accountLinkingCompletions", .accountLinking, "accountLinkingByVia", ["via"], .count, "AccountLinking.Completed records by via (SkillAccountLinked has no via)."),
        g("accountLinkingCompletionRate", .accountLinking, "accountLinkingByVia", ["via"], .fraction, "Completions / initiations by via."),

        m("accessTokenRequests", .tokens, .count, "OAuth.Token records with grantType authorization_code."),
        m("accessTokenSuccessRate", .tokens, .fraction, "Successful / (successful + failed) authorization_code token requests."),
        m("refreshTokenRequests", .tokens, .count, "OAuth.Token records with grantType refresh_token."),
        m("refreshTokenSuccessRate", .tokens, .fraction, "Successful / (successful + failed) refresh_token token requests."),
        g("accessTokenErrors", .tokens, "accessTokenErrors", ["errorType"], .count, "Failed authorization_code requests by normalized error type."),
        g("refreshTokenErrors", .tokens, "refreshTokenErrors", ["errorType"], .count, "Failed refresh_token requests by normalized error type."),

        m("totalPurchases", .purchasing, .count, "Connections.Response ACCEPTED, Buy or Upsell, of an ENTITLEMENT or CONSUMABLE (repeats count)."),
        g("purchases", .purchasing, "purchases", ["product"], .count, "totalPurchases by productId."),
        m("subscriptionsStarted", .purchasing, .count, "Subscription.Started records (trials included)."),
        m("subscriptionsEnded", .purchasing, .count, "Subscription.Ended records."),
        m("activeSubscriptions", .purchasing, .count, "Paid subscriptions active at the end of the period, counted from the start of the input."),
        m("trialToPaidRate", .purchasing, .fraction, "Subscription.Converted / Subscription.Started with trial true."),
        m("churn", .purchasing, .fraction, "Paid subscriptions ended / (paid active at the start of the period + paid started or converted in it)."),
        m("upsellImpressions", .purchasing, .count, "Connections.Response with ispAction Upsell."),
        m("offerImpressions", .purchasing, .count, "Connections.Response (Buy or Upsell) with offerHeard true."),
        m("offerConversionRate", .purchasing, .fraction, "offerToPurchaseConversion restricted to productType SUBSCRIPTION."),
        m("upsellToOfferConversion", .purchasing, .fraction, "Upsell responses with offerHeard true / upsellImpressions."),
        m("offerToPurchaseConversion", .purchasing, .fraction, "Responses (Buy or Upsell) with offerHeard true and ACCEPTED / offerImpressions."),
        m("upsellToPurchaseConversion", .purchasing, .fraction, "Upsell responses ACCEPTED / upsellImpressions."),

        m("endpointLatencyP50", .performance, .ms, "Nearest-rank P50 of latencyMs over turns and smart home directives (failures included)."),
        m("endpointLatencyP90", .performance, .ms, "Nearest-rank P90 of endpoint latency."),
        m("endpointLatencyP99", .performance, .ms, "Nearest-rank P99 of endpoint latency."),
        m("endpointLatencyAvg", .performance, .ms, "Mean endpoint latency."),
        m("endpointSuccess", .performance, .count, "Turns and smart home directives whose outcome is success."),
        m("endpointFailures", .performance, .count, "Turns and smart home directives whose outcome is error or no_response."),
        m("endpointSuccessRate", .performance, .fraction, "endpointSuccess / (endpointSuccess + endpointFailures)."),
        m("intentConfidenceHigh", .performance, .count, "Turns with confidence HIGH."),
        m("intentConfidenceMedium", .performance, .count, "Turns with confidence MEDIUM."),
        m("intentConfidenceLow", .performance, .count, "Turns with confidence LOW."),
        m("estimatedSystemErrors", .performance, .count, "Turns that are low-confidence, unhandled or retried within 15 s."),

        m("bargeIns", .friction, .count, "Barge-in events (docs/definitions.md), in the bucket of the interrupted response."),
        m("terminations", .friction, .count, "Termination events."),
        m("unhandledRequests", .friction, .count, "Unhandled-request events."),
        m("lowConfidenceIntents", .friction, .count, "Low-confidence-intent events."),
        m("bargeInsRate", .friction, .per100, "bargeIns per 100 turns."),
        m("terminationsRate", .friction, .per100, "terminations per 100 turns."),
        m("unhandledRequestsRate", .friction, .per100, "unhandledRequests per 100 turns."),
        m("lowConfidenceIntentsRate", .friction, .per100, "lowConfidenceIntents per 100 turns."),
        m("frictionSessions", .friction, .count, "Sessions with at least one friction event."),
        g("utteranceFrictionEvents", .friction, "frictionUtterances", ["utterance"], .count, whole: true, "Friction events by utterance (or Intent(slot=value, ...) signature), most frequent first."),
        g("utteranceBargeIns", .friction, "frictionUtterances", ["utterance"], .count, whole: true, "Barge-ins by utterance."),
        g("utteranceTerminations", .friction, "frictionUtterances", ["utterance"], .count, whole: true, "Terminations by utterance."),
        g("utteranceUnhandledRequests", .friction, "frictionUtterances", ["utterance"], .count, whole: true, "Unhandled requests by utterance."),
        g("utteranceLowConfidenceIntents", .friction, "frictionUtterances", ["utterance"], .count, whole: true, "Low-confidence intents by utterance."),
        g("utteranceSystemErrors", .friction, "frictionUtterances", ["utterance"], .count, whole: true, "Estimated system errors by utterance."),
    ]

    /// Index of the first definition with this name (a name may exist unlabelled and labelled).
    public static func definitions(named name: String) -> [Int] {
        all.indices.filter { all[$0].name == name }
    }

    public static let names: Set<String> = Set(all.map(\.name))

    /// The normalized OAuth error types (RFC 6749 section 5.2, then the two catch-alls).
    public static let tokenErrorTypes = ["invalid_request", "invalid_client", "invalid_grant", "unauthorized_client",
                                         "unsupported_grant_type", "invalid_scope", "TRANSIENT_ERROR", "UNKNOWN_ERROR_CODE"]

    /// `camelCase` -> `snake_case` (Prometheus names: `sklog_<snake_case>`).
    public static func snakeCase(_ s: String) -> String {
        var out = ""
        var prevLowerOrDigit = false
        for ch in s {
            if ch.isUppercase {
                if prevLowerOrDigit { out.append("_") }
                out.append(Character(ch.lowercased()))
                prevLowerOrDigit = false
            } else {
                out.append(ch)
                prevLowerOrDigit = ch.isLowercase || ch.isNumber
            }
        }
        return out
    }
}

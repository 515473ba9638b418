import SklogRecords

/// Integer counters of one cell, by position in `MetricsCell.c`.
public enum Counter: Int, CaseIterable, Sendable {
    case userInitiated
    case turns, turnOutcomeKnown, turnSuccess, turnFailed, intentRequests
    case plays
    case actions
    case discovery, discoverySuccess, discoveryFailed
    case capability, capabilitySuccess, capabilityFailed
    case reportState, reportStateSuccess, reportStateFailed
    case crComparisons, crMatches
    case skillEvents, enabled, disabled
    case accountLinkingEvents, alInitiated, alCompleted
    case accessTokens, accessSuccess, accessFailed, refreshTokens, refreshSuccess, refreshFailed
    case ispResponses, purchases, upsellImpressions, offerImpressions, upsellOffers, upsellAccepted, offerAccepted
    case subscriptionOfferImpressions, subscriptionOfferAccepted
    case subscriptionEvents, subStarted, subEnded, subTrialStarted, subConverted, paidStarts, paidEnds
    case endpointRequests, endpointSuccess, endpointFailed
    case confidenceHigh, confidenceMedium, confidenceLow
    case sessions, sessionsFailed, sessionsNoResponse, sessionsUserEnded, sessionsSkillEnded, sessionsUnknown, frictionSessions
    case bargeIns, terminations, unhandled, lowConfidence, systemErrors

    public var key: String { String(describing: self) }
    static let byKey: [String: Counter] = Dictionary(uniqueKeysWithValues: allCases.map { ($0.key, $0) })
}

/// Hashes of a record's fields, computed once per record.
public struct RecordHashes {
    public var user: UInt64 = 0
    public var intent: UInt64 = 0
    public var directive: UInt64 = 0
    public var product: UInt64 = 0
    public var via: UInt64 = 0
    public var tokenError = 0
    public init() {}
}

public struct IntentStat: Sendable {
    public var utterances: Int64 = 0
    public var failures: Int64 = 0
    public var customers = U64Set()
    public init() {}
}

/// One smart home directive name: action counts and its operational figures.
public struct DirectiveStat: Sendable {
    public var count: Int64 = 0
    public var success: Int64 = 0
    public var failed: Int64 = 0
    public var customers = U64Set()
    public var latency = LatencyHistogram()
    public init() {}
}

public struct PairStat: Sendable {
    public var sessions: Int64 = 0
    public var customers = U64Set()
    public init() {}
}

/// Which map of a cell got a new key (so that the accumulator records its name once).
public struct NewKeys: OptionSet, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let intent = NewKeys(rawValue: 1)
    public static let directive = NewKeys(rawValue: 2)
    public static let product = NewKeys(rawValue: 4)
    public static let via = NewKeys(rawValue: 8)
}

/// Everything counted for one bucket (or the whole input) and one dimension value (or none).
/// Integer counters, distinct-user sets, exact latency histograms and keyed stats: all mergeable
/// by addition and union.
public final class MetricsCell {
    /// The counters (indexed by `Counter`), in memory owned by the cell: no bounds, uniqueness or
    /// exclusivity checks on the hot path.
    public let counters: UnsafeMutablePointer<Int64>
    /// Distinct users: customers, users with a turn, users with a session (and, in the whole
    /// input's cell, their retention weeks).
    @exclusivity(unchecked) public var users = UserTable()
    @exclusivity(unchecked) public var endpointLatency = LatencyHistogram()
    @exclusivity(unchecked) public var discoveryLatency = LatencyHistogram()
    @exclusivity(unchecked) public var capabilityLatency = LatencyHistogram()
    @exclusivity(unchecked) public var reportStateLatency = LatencyHistogram()
    /// Per error type (MetricCatalog.tokenErrorTypes): authorization_code then refresh_token.
    @exclusivity(unchecked) public var accessErrors = [Int64](repeating: 0, count: 8)
    @exclusivity(unchecked) public var refreshErrors = [Int64](repeating: 0, count: 8)
    @exclusivity(unchecked) public var intents = U64Map<IntentStat>()
    @exclusivity(unchecked) public var directives = U64Map<DirectiveStat>()
    @exclusivity(unchecked) public var products = U64Map<Int64>()
    @exclusivity(unchecked) public var viaInitiated = U64Map<Int64>()
    @exclusivity(unchecked) public var viaCompleted = U64Map<Int64>()
    @exclusivity(unchecked) public var pairs = U64Map<PairStat>()
    @exclusivity(unchecked) public var steps = U64Map<U64Set>()
    // Whole input only.
    @exclusivity(unchecked) public var topPaths = U64Map<Int64>()
    @exclusivity(unchecked) public var frictionUtterances = U64Map<[Int64]>()

    public init() {
        counters = .allocate(capacity: Counter.allCases.count)
        counters.initialize(repeating: 0, count: Counter.allCases.count)
    }
    deinit { counters.deallocate() }

    @inline(__always) func inc(_ k: Counter, _ by: Int64 = 1) { counters[k.rawValue] &+= by }
    @inline(__always) public subscript(_ k: Counter) -> Int64 {
        get { counters[k.rawValue] }
        set { counters[k.rawValue] = newValue }
    }

    /// Adds one record. Returns which keyed maps got a new key.
    @inline(__always)
    func add(_ r: Record, _ kind: RecordKind, _ h: RecordHashes) -> NewKeys {
        var new: NewKeys = []
        if kind.isUserInitiated {
            inc(.userInitiated)
            users.mark(h.user, kind.isTurn ? UserTable.customer | UserTable.turn : UserTable.customer)
        }
        if kind.isTurn {
            inc(.turns)
            let failed = r.failed
            if r.outcome != .unknown {
                inc(.turnOutcomeKnown)
                inc(failed ? .turnFailed : .turnSuccess)
            }
            switch r.confidence {
            case .high: inc(.confidenceHigh)
            case .medium: inc(.confidenceMedium)
            case .low: inc(.confidenceLow)
            case .unknown: break
            }
            addEndpoint(r)
            if kind == .intent {
                inc(.intentRequests)
                if h.intent != 0 {
                    let user = h.user
                    if intents.update(h.intent, make: IntentStat.init, { s in
                        s.utterances += 1
                        if failed { s.failures += 1 }
                        s.customers.insert(user)
                    }) { new.insert(.intent) }
                }
            }
            return new
        }
        switch kind {
        case .play:
            inc(.plays)
        case .discovery:
            addEndpoint(r)
            inc(.discovery)
            if r.outcome == .success { inc(.discoverySuccess) } else if r.failed { inc(.discoveryFailed) }
            discoveryLatency.add(r.latencyMs)
        case .reportState:
            addEndpoint(r)
            inc(.reportState)
            if r.outcome == .success { inc(.reportStateSuccess) } else if r.failed { inc(.reportStateFailed) }
            reportStateLatency.add(r.latencyMs)
        case .directive:
            addEndpoint(r)
            inc(.actions)
            inc(.capability)
            let ok = r.outcome == .success, bad = r.failed, lat = r.latencyMs, user = h.user
            if ok { inc(.capabilitySuccess) } else if bad { inc(.capabilityFailed) }
            capabilityLatency.add(lat)
            if directives.update(h.directive, make: DirectiveStat.init, { d in
                d.count += 1
                if ok { d.success += 1 } else if bad { d.failed += 1 }
                d.customers.insert(user)
                d.latency.add(lat)
            }) { new.insert(.directive) }
        case .skillEnabled: inc(.skillEvents); inc(.enabled)
        case .skillDisabled: inc(.skillEvents); inc(.disabled)
        case .skillAccountLinked: inc(.skillEvents); inc(.accountLinkingEvents); inc(.alCompleted)
        case .skillEventOther: inc(.skillEvents)
        case .accountLinkingInitiated:
            inc(.accountLinkingEvents); inc(.alInitiated)
            if h.via != 0, viaInitiated.update(h.via, make: { 0 }, { $0 += 1 }) { new.insert(.via) }
        case .accountLinkingCompleted:
            inc(.accountLinkingEvents); inc(.alCompleted)
            if h.via != 0, viaCompleted.update(h.via, make: { 0 }, { $0 += 1 }) { new.insert(.via) }
        case .accountLinkingOther: inc(.accountLinkingEvents)
        case .oauthToken:
            let access = r.equals(r.grantType, "authorization_code")
            guard access || r.equals(r.grantType, "refresh_token") else { break }
            inc(access ? .accessTokens : .refreshTokens)
            if h.tokenError >= 0 {
                inc(access ? .accessFailed : .refreshFailed)
                if access { accessErrors[h.tokenError] += 1 } else { refreshErrors[h.tokenError] += 1 }
            } else if r.outcome == .success {
                inc(access ? .accessSuccess : .refreshSuccess)
            }
        case .connectionsResponse:
            if addPurchase(r, h) { new.insert(.product) }
        default:
            break
        }
        return new
    }

    @inline(__always) func addEndpoint(_ r: Record) {
        inc(.endpointRequests)
        if r.outcome == .success { inc(.endpointSuccess) } else if r.failed { inc(.endpointFailed) }
        endpointLatency.add(r.latencyMs)
    }

    /// SPEC 6.1 over one Connections.Response. Returns whether the product key is new.
    func addPurchase(_ r: Record, _ h: RecordHashes) -> Bool {
        guard r.ispAction.isPresent || r.purchaseResult.isPresent || r.productId.isPresent else { return false }
        inc(.ispResponses)
        let buy = r.equals(r.ispAction, "Buy"), upsell = r.equals(r.ispAction, "Upsell")
        let accepted = r.equals(r.purchaseResult, "ACCEPTED")
        let heard = r.offerHeard == .yes
        let subscription = r.equals(r.productType, "SUBSCRIPTION")
        var new = false
        if accepted && (buy || upsell) && (r.equals(r.productType, "ENTITLEMENT") || r.equals(r.productType, "CONSUMABLE")) {
            inc(.purchases)
            if h.product != 0, products.update(h.product, make: { 0 }, { $0 += 1 }) { new = true }
        }
        if upsell {
            inc(.upsellImpressions)
            if heard { inc(.upsellOffers) }
            if accepted { inc(.upsellAccepted) }
        }
        if (buy || upsell) && heard {
            inc(.offerImpressions)
            if accepted { inc(.offerAccepted) }
            if subscription {
                inc(.subscriptionOfferImpressions)
                if accepted { inc(.subscriptionOfferAccepted) }
            }
        }
        return new
    }

    // MARK: Merge

    public func merge(_ o: MetricsCell) {
        for i in 0..<Counter.allCases.count { counters[i] &+= o.counters[i] }
        users.merge(o.users)
        endpointLatency.merge(o.endpointLatency)
        discoveryLatency.merge(o.discoveryLatency)
        capabilityLatency.merge(o.capabilityLatency)
        reportStateLatency.merge(o.reportStateLatency)
        for i in 0..<8 { accessErrors[i] += o.accessErrors[i]; refreshErrors[i] += o.refreshErrors[i] }
        for (k, v) in o.intents.pairs {
            intents.update(k, make: IntentStat.init) { s in
                s.utterances += v.utterances; s.failures += v.failures; s.customers.formUnion(v.customers)
            }
        }
        for (k, v) in o.directives.pairs {
            directives.update(k, make: DirectiveStat.init) { d in
                d.count += v.count; d.success += v.success; d.failed += v.failed
                d.customers.formUnion(v.customers); d.latency.merge(v.latency)
            }
        }
        for (k, v) in o.products.pairs { products.update(k, make: { 0 }) { $0 += v } }
        for (k, v) in o.viaInitiated.pairs { viaInitiated.update(k, make: { 0 }) { $0 += v } }
        for (k, v) in o.viaCompleted.pairs { viaCompleted.update(k, make: { 0 }) { $0 += v } }
        for (k, v) in o.pairs.pairs {
            pairs.update(k, make: PairStat.init) { p in p.sessions += v.sessions; p.customers.formUnion(v.customers) }
        }
        for (k, v) in o.steps.pairs { steps.update(k, make: U64Set.init) { $0.formUnion(v) } }
        for (k, v) in o.topPaths.pairs { topPaths.update(k, make: { 0 }) { $0 += v } }
        for (k, v) in o.frictionUtterances.pairs {
            frictionUtterances.update(k, make: { [Int64](repeating: 0, count: 5) }) { a in for i in 0..<5 { a[i] += v[i] } }
        }
    }
}

/// Token error normalization (section 6, token retrieval): RFC 6749 section 5.2's six codes,
/// `TRANSIENT_ERROR` for a request that got no response, else `UNKNOWN_ERROR_CODE`. Returns the
/// index in `MetricCatalog.tokenErrorTypes`, or -1 when the request did not fail.
public enum TokenErrors {
    public static func classify(_ r: Record) -> Int {
        if r.outcome == .noResponse { return 6 }
        let failed = r.outcome == .error || (r.outcome == .unknown && r.errorType.isPresent)
        guard failed else { return -1 }
        return r.withBytes(r.errorType) { normalize($0) }
    }

    /// Case-insensitive match of one of the six codes (`INVALID_GRANT` and `invalid_grant` are the
    /// same); `TRANSIENT_ERROR` and `UNKNOWN_ERROR_CODE` are kept as they are.
    public static func normalize(_ b: UnsafeRawBufferPointer) -> Int {
        let types = MetricCatalog.tokenErrorTypes
        outer: for (i, t) in types.enumerated() {
            guard t.utf8.count == b.count else { continue }
            for (x, y) in zip(t.utf8, b) {
                let ly = (y >= 0x41 && y <= 0x5a) ? y | 0x20 : y
                let lx = (x >= 0x41 && x <= 0x5a) ? x | 0x20 : x
                if lx != ly { continue outer }
            }
            return i
        }
        return 7
    }

    public static func normalize(_ s: String) -> String {
        var s = s
        return MetricCatalog.tokenErrorTypes[s.withUTF8 { normalize(UnsafeRawBufferPointer($0)) }]
    }
}

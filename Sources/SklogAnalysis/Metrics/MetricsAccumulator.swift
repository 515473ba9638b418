import SklogRecords

/// Options of a metrics run that change what is counted (and must agree when partial states are
/// merged).
public struct MetricsOptions: Sendable, Equatable {
    public enum Period: String, CaseIterable, Sendable {
        case m15 = "15m", hour, day, week

        public var milliseconds: Int64 {
            switch self {
            case .m15: 900_000
            case .hour: 3_600_000
            case .day: 86_400_000
            case .week: 604_800_000
            }
        }

        /// Start of the UTC bucket holding `ts` (weeks start on Monday, ISO 8601).
        @inlinable public func start(_ ts: Int64) -> Int64 {
            self == .week ? Timestamp.weekStart(ts) : Timestamp.floorDiv(ts, milliseconds) * milliseconds
        }

        /// Whether an input whose records run from `from` to `to` (ms, inclusive) covers the period
        /// starting at `start` only in part: it starts after the period's start, or ends before
        /// the period's last millisecond. Only the first and the last period can be partial.
        public func isPartial(_ start: Int64, from: Int64, to: Int64) -> Bool {
            from > start || to < next(start) - 1
        }

        /// Start of the period after the one starting at `start`.
        public func next(_ start: Int64) -> Int64 { start + milliseconds }

        /// How many periods lie strictly between the periods starting at `a` and `b` (a < b).
        public func between(_ a: Int64, _ b: Int64) -> Int64 { (b - a) / milliseconds - 1 }

        /// Most empty periods listed between periods with records, whatever the input holds
        /// (more are listed when there are more periods with records).
        public static let emptyBudget = 10_000

        /// The period starts listed for an input whose records fall in the periods starting at
        /// `starts` (ascending, distinct): those, plus the empty periods between them when they
        /// are at most `max(emptyBudget, starts.count)`. Beyond that, empty stretches ("gaps")
        /// are listed whole, shortest first (earlier first among equal ones), while the total
        /// stays within that number; the other gaps are left out. So the list never grows with
        /// the span of time between records (one record dated 9999 next to one from 2026 gives
        /// two periods), and is what it always was when the span is reasonable.
        public func listed(_ starts: [Int64]) -> [Int64] {
            guard starts.count > 1 else { return starts }
            let budget = Int64(Swift.max(Self.emptyBudget, starts.count))
            var gaps: [Int64] = []
            gaps.reserveCapacity(starts.count - 1)
            var total: Int64 = 0
            for i in 1..<starts.count {
                let g = between(starts[i - 1], starts[i])
                gaps.append(g)
                total += g
            }
            var fill = [Bool](repeating: true, count: gaps.count)
            if total > budget {
                fill = [Bool](repeating: false, count: gaps.count)
                var used: Int64 = 0
                for i in gaps.indices.sorted(by: { (gaps[$0], $0) < (gaps[$1], $1) }) {
                    guard used + gaps[i] <= budget else { break }
                    used += gaps[i]
                    fill[i] = true
                }
            }
            var out: [Int64] = [starts[0]]
            for i in gaps.indices {
                if fill[i] {
                    var s = next(starts[i])
                    while s < starts[i + 1] { out.append(s); s = next(s) }
                }
                out.append(starts[i + 1])
            }
            return out
        }
    }

    public enum Dimension: String, CaseIterable, Sendable {
        case locale, stage, intent, requestType
        /// `skillId`: several skills logging to one log group (or merged logs).
        case skill
        /// Sessions carry a locale, a stage and a skill, not an intent or a request type.
        public var appliesToSessions: Bool { self == .locale || self == .stage || self == .skill }
    }

    public var period: Period? = nil
    public var by: [Dimension] = []
    /// Mask utterances and slot values in the frequent friction utterances (SPEC 2, `--redact`).
    public var redact = false
    /// How many top paths and friction utterances are listed.
    public var top = 20
    /// The session parameters used by the sessionizer (idle timeout, ...), as text: partial
    /// states made with different ones can't be merged.
    public var sessionParameters = ""

    public init() {}
}

/// A smart home property: hash of its path in the `state` object, hash of its value.
public struct PropertyHash: Sendable, Equatable {
    public var key: UInt64
    public var value: UInt64
}

/// An event whose effect depends on records that may sit in another shard (a ChangeReport
/// before a ReportState of the same endpoint, a subscription's earlier events). In a normal run
/// it is applied at once; in a partial state it is kept, and applied in record order when the
/// parts are finished, so that a merge gives exactly what one run gives.
public struct DeferredEvent: Sendable {
    public var ts: Int64
    public var messageId: [UInt8]
    public var kind: RecordKind
    /// Endpoint (ChangeReport, ReportState) or user and product (subscriptions).
    public var key: UInt64
    public var trial: TriState
    public var props: [PropertyHash]
    public var bucket: Int64?
    /// The record's value hash for each `--by` dimension (0: none).
    public var dims: [UInt64]
}

/// Cells of one bucket (or of the whole input): the main cell and one cell per value of each
/// `--by` dimension.
public final class BucketCells {
    public let start: Int64
    public let main = MetricsCell()
    @exclusivity(unchecked) public var dims: [U64Map<MetricsCell>]

    init(start: Int64, dimensions: Int) {
        self.start = start
        dims = Array(repeating: U64Map<MetricsCell>(), count: dimensions)
    }

    /// The cell of value `v` of dimension `d`; `created` tells whether it is new.
    @inline(__always)
    func cell(_ d: Int, _ v: UInt64) -> (cell: MetricsCell, created: Bool) {
        let (i, inserted) = dims[d].index.index(v)
        if inserted { dims[d].values.append(MetricsCell()) }
        return (dims[d].values[i], inserted)
    }

    func merge(_ o: BucketCells) {
        main.merge(o.main)
        for d in dims.indices {
            for (v, cell) in o.dims[d].pairs { self.cell(d, v).cell.merge(cell) }
        }
    }
}

/// Computes every metric of SPEC section 6 from records (`add(_:)`) and sessions
/// (`add(session:)`), for the whole input and per bucket and dimension value. Feed it every
/// record of the stream in order and every session the sessionizer closes (in any order), then
/// call `result()`; or write `partialState()` and merge parts with `merge(_:)`.
public final class MetricsAccumulator {
    public var options: MetricsOptions { storedOptions }
    private let storedOptions: MetricsOptions
    /// Keep cross-record events unresolved (for `--partial`).
    public var deferCrossRecordEvents: Bool { storedDefer }
    private let storedDefer: Bool
    @exclusivity(unchecked) public internal(set) var whole: BucketCells
    @exclusivity(unchecked) public internal(set) var buckets: [Int64: BucketCells] = [:]
    @exclusivity(unchecked) private var lastBucket: BucketCells?
    /// Names of hashed values (intents, directives, products, via, dimension values, steps,
    /// friction utterances), stored once.
    @exclusivity(unchecked) public internal(set) var names: [UInt64: String] = [:]
    /// Step pair hash -> (from step, to step); path hash -> steps.
    @exclusivity(unchecked) public internal(set) var pairNames: [UInt64: (UInt64, UInt64)] = [:]
    @exclusivity(unchecked) public internal(set) var pathNames: [UInt64: [UInt64]] = [:]
    @exclusivity(unchecked) public internal(set) var minTs: Int64 = .max
    @exclusivity(unchecked) public internal(set) var maxTs: Int64 = .min
    @exclusivity(unchecked) public internal(set) var deferred: [DeferredEvent] = []
    /// The input accounting (set by the tool when the stream is done; summed by merges). A
    /// computed property, like `options`: other modules never depend on this class's layout.
    public var accounting: Accounting {
        get { storedAccounting }
        set { storedAccounting = newValue }
    }
    private var storedAccounting = Accounting()
    /// The run id of the partial state this was read from (`fromPartialState`), else nil.
    public internal(set) var partialRunId: UInt64? = nil
    /// The sum of the (mixed) hashes of every message ID counted: the same set of messages gives
    /// the same digest, in any order and however it was split; merges add digests. A partial
    /// state's run id.
    public internal(set) var messageDigest: UInt64 = 0

    // Online state of cross-record events.
    @exclusivity(unchecked) private var subscriptionState = U64Map<UInt8>()
    @exclusivity(unchecked) private var latestChange = U64Map<[PropertyHash]>()
    @exclusivity(unchecked) private var scratchProps: [PropertyHash] = []
    @exclusivity(unchecked) private var scratchBytes: [UInt8] = []
    @exclusivity(unchecked) private var targets: [MetricsCell] = []
    @exclusivity(unchecked) private var dimScratch: [UInt64]
    @exclusivity(unchecked) private var scratchDims: [UInt64]
    @exclusivity(unchecked) private var scratchSteps: [UInt64] = []
    @exclusivity(unchecked) private var scratchDistinct: [UInt64] = []
    @exclusivity(unchecked) private var scratchPairs: [UInt64] = []
    /// Hashes whose name (or pair) is already recorded, for the session path.
    @exclusivity(unchecked) private var namedHashes = U64Set()

    public init(options: MetricsOptions, deferCrossRecordEvents: Bool = false) {
        storedOptions = options
        storedDefer = deferCrossRecordEvents
        whole = BucketCells(start: .min, dimensions: options.by.count)
        dimScratch = Array(repeating: 0, count: options.by.count)
        scratchDims = dimScratch
    }

    // MARK: Records

    @inline(__always)
    private func bucket(_ ts: Int64) -> BucketCells? {
        guard let p = options.period else { return nil }
        let s = p.start(ts)
        if let b = lastBucket, b.start == s { return b }
        if let b = buckets[s] { lastBucket = b; return b }
        let b = BucketCells(start: s, dimensions: options.by.count)
        buckets[s] = b
        lastBucket = b
        return b
    }

    @inline(__always)
    private func field(_ d: MetricsOptions.Dimension, _ r: Record) -> Field {
        switch d {
        case .locale: r.locale
        case .stage: r.stage
        case .intent: r.intent
        case .requestType: r.requestType
        case .skill: r.skillId
        }
    }

    /// Adds one record (in stream order).
    public func add(_ r: Record) {
        messageDigest &+= mix64(r.hash(r.messageId))
        let ts = r.ts
        if ts < minTs { minTs = ts }
        if ts > maxTs { maxTs = ts }
        let kind = RecordKind.classify(r)
        var h = RecordHashes()
        if r.userId.isPresent { h.user = r.hash(r.userId) }
        switch kind {
        case .intent: if r.intent.isPresent { h.intent = r.hash(r.intent) }
        case .directive: h.directive = r.hash(r.requestType)
        case .connectionsResponse, .subscriptionStarted, .subscriptionEnded, .subscriptionConverted:
            if r.productId.isPresent { h.product = r.hash(r.productId) }
        case .accountLinkingInitiated, .accountLinkingCompleted: if r.via.isPresent { h.via = r.hash(r.via) }
        case .oauthToken: h.tokenError = TokenErrors.classify(r)
        default: break
        }

        let new = whole.main.add(r, kind, h)
        if !new.isEmpty { register(r, new, h) }
        let nd = options.by.count
        for d in 0..<nd {
            let f = field(options.by[d], r)
            let v = f.isPresent ? r.hash(f) : 0
            dimScratch[d] = v
            if v == 0 { continue }
            let (cell, created) = whole.cell(d, v)
            if created { names[v] = r.string(f) }
            _ = cell.add(r, kind, h)
        }
        let b = bucket(ts)
        if let b {
            _ = b.main.add(r, kind, h)
            for d in 0..<nd where dimScratch[d] != 0 { _ = b.cell(d, dimScratch[d]).cell.add(r, kind, h) }
        }

        if kind.isTurn && h.user != 0 { whole.main.users.addWeek(h.user, Self.weekIndex(ts)) }

        switch kind {
        case .changeReport, .reportState:
            guard r.state.isPresent, r.endpointId.isPresent else { return }
            scratchProps.removeAll(keepingCapacity: true)
            r.withBytes(r.state) { StateProperties.flatten($0, prefix: 0, into: &scratchProps, scratch: &scratchBytes) }
            let ep = r.hash(r.endpointId)
            if deferCrossRecordEvents {
                deferred.append(DeferredEvent(ts: ts, messageId: r.withBytes(r.messageId) { Array($0) }, kind: kind, key: ep,
                                              trial: .unknown, props: scratchProps, bucket: b?.start, dims: dimScratch))
            } else {
                collectTargets(b)
                applyChange(kind, ep, scratchProps)
            }
        case .subscriptionStarted, .subscriptionEnded, .subscriptionConverted, .subscriptionOther:
            let key = mix64(h.user &+ 0x9E37_79B9_7F4A_7C15 &* (h.product | 1))
            if deferCrossRecordEvents {
                deferred.append(DeferredEvent(ts: ts, messageId: r.withBytes(r.messageId) { Array($0) }, kind: kind, key: key,
                                              trial: r.trial, props: [], bucket: b?.start, dims: dimScratch))
            } else {
                collectTargets(b)
                applySubscription(kind, key, r.trial)
            }
        default:
            return
        }
    }

    private func register(_ r: Record, _ new: NewKeys, _ h: RecordHashes) {
        if new.contains(.intent) { names[h.intent] = r.string(r.intent) }
        if new.contains(.directive) { names[h.directive] = r.string(r.requestType) }
        if new.contains(.product) { names[h.product] = r.string(r.productId) }
        if new.contains(.via) { names[h.via] = r.string(r.via) }
    }

    /// The cells of the current record (whole input, its bucket, their dimension cells).
    private func collectTargets(_ b: BucketCells?) {
        targets.removeAll(keepingCapacity: true)
        targets.append(whole.main)
        for d in dimScratch.indices where dimScratch[d] != 0 { targets.append(whole.cell(d, dimScratch[d]).cell) }
        if let b {
            targets.append(b.main)
            for d in dimScratch.indices where dimScratch[d] != 0 { targets.append(b.cell(d, dimScratch[d]).cell) }
        }
    }

    private static let weekMs: Int64 = 604_800_000
    private static let weekOffset: Int64 = 3 * 86_400_000  // 1970-01-01 was a Thursday

    @inline(__always) static func weekIndex(_ ts: Int64) -> Int32 {
        Int32(truncatingIfNeeded: Timestamp.floorDiv(Timestamp.weekStart(ts) + weekOffset, weekMs))
    }
    static func weekStart(index w: Int32) -> Int64 { Int64(w) * weekMs - weekOffset }

    // MARK: Cross-record events

    private func applyChange(_ kind: RecordKind, _ endpoint: UInt64, _ props: [PropertyHash]) {
        if kind == .changeReport {
            guard !props.isEmpty else { return }
            latestChange.update(endpoint, make: { [] }) { $0.removeAll(keepingCapacity: true); $0.append(contentsOf: props) }
            return
        }
        guard let latest = latestChange[endpoint] else { return }
        let match = StateProperties.matches(change: latest, state: props)
        for t in targets {
            t.inc(.crComparisons)
            if match { t.inc(.crMatches) }
        }
    }

    /// Subscription states: 1 trial, 2 paid, 3 started with unknown trial flag.
    private func applySubscription(_ kind: RecordKind, _ key: UInt64, _ trial: TriState) {
        for t in targets { t.inc(.subscriptionEvents) }
        switch kind {
        case .subscriptionStarted:
            let paid = trial == .no
            for t in targets {
                t.inc(.subStarted)
                if trial == .yes { t.inc(.subTrialStarted) }
                if paid { t.inc(.paidStarts) }
            }
            subscriptionState.update(key, make: { 0 }) { $0 = trial == .yes ? 1 : (paid ? 2 : 3) }
        case .subscriptionConverted:
            for t in targets { t.inc(.subConverted); t.inc(.paidStarts) }
            subscriptionState.update(key, make: { 0 }) { $0 = 2 }
        case .subscriptionEnded:
            let wasPaid = subscriptionState[key] == 2
            for t in targets {
                t.inc(.subEnded)
                if wasPaid { t.inc(.paidEnds) }
            }
            subscriptionState.update(key, make: { 0 }) { $0 = 0 }
        default:
            break
        }
    }

    /// Applies the deferred events in record order (time, then message ID), once.
    func resolveDeferred() {
        guard !deferred.isEmpty else { return }
        let events = deferred.sorted { a, b in
            a.ts != b.ts ? a.ts < b.ts : a.messageId.lexicographicallyPrecedes(b.messageId)
        }
        deferred = []
        for e in events {
            targets.removeAll(keepingCapacity: true)
            targets.append(whole.main)
            for d in e.dims.indices where d < options.by.count && e.dims[d] != 0 { targets.append(whole.cell(d, e.dims[d]).cell) }
            if let bs = e.bucket {
                let b = buckets[bs] ?? {
                    let nb = BucketCells(start: bs, dimensions: options.by.count)
                    buckets[bs] = nb
                    return nb
                }()
                targets.append(b.main)
                for d in e.dims.indices where d < options.by.count && e.dims[d] != 0 { targets.append(b.cell(d, e.dims[d]).cell) }
            }
            switch e.kind {
            case .changeReport, .reportState: applyChange(e.kind, e.key, e.props)
            default: applySubscription(e.kind, e.key, e.trial)
            }
        }
        lastBucket = nil
    }

    // MARK: Sessions

    /// Adds one closed session (any order). Session metrics go to the bucket of the session's
    /// first record; friction events to the bucket of their own message.
    public func add(session s: Session) {
        if s.start < minTs { minTs = s.start }
        if s.end > maxTs { maxTs = s.end }
        let user = s.userHash ?? s.userId.map { byteHash($0) } ?? 0

        // Steps (turns, then END:<outcome>), distinct steps and distinct step pairs. Scratch
        // arrays are reused; a name is stored the first time its hash is seen.
        // (Swapped out of the members so that they are uniquely referenced: no copy on write.)
        var stepHashes: [UInt64] = [], distinctSteps: [UInt64] = [], distinctPairs: [UInt64] = []
        swap(&stepHashes, &scratchSteps); swap(&distinctSteps, &scratchDistinct); swap(&distinctPairs, &scratchPairs)
        stepHashes.removeAll(keepingCapacity: true)
        distinctSteps.removeAll(keepingCapacity: true)
        distinctPairs.removeAll(keepingCapacity: true)
        defer { swap(&stepHashes, &scratchSteps); swap(&distinctSteps, &scratchDistinct); swap(&distinctPairs, &scratchPairs) }
        for t in s.turns {
            let h = byteHash(t.step)
            stepHashes.append(h)
            if namedHashes.insert(h) { names[h] = t.step }
        }
        let end = Self.endSteps[Self.outcomeIndex(s.outcome)]
        stepHashes.append(end.hash)
        if namedHashes.insert(end.hash) { names[end.hash] = end.name }
        for h in stepHashes where !distinctSteps.contains(h) { distinctSteps.append(h) }
        if stepHashes.count > 1 {
            for i in 1..<stepHashes.count {
                let p = Self.pairHash(stepHashes[i - 1], stepHashes[i])
                if !distinctPairs.contains(p) {
                    distinctPairs.append(p)
                    if namedHashes.insert(p) { pairNames[p] = (stepHashes[i - 1], stepHashes[i]) }
                }
            }
        }

        var sessionDims: [UInt64] = []
        swap(&sessionDims, &scratchDims)
        defer { swap(&sessionDims, &scratchDims) }
        for (d, dim) in options.by.enumerated() {
            let value: String? = dim == .locale ? s.locale : dim == .stage ? s.stage : dim == .skill ? s.skillId : nil
            let v = value.map { byteHash($0) } ?? 0
            sessionDims[d] = v
            if v != 0 && namedHashes.insert(v) { names[v] = value }
        }
        func forSessionCells(_ body: (MetricsCell) -> Void) {
            body(whole.main)
            for (d, v) in sessionDims.enumerated() where v != 0 { body(whole.cell(d, v).cell) }
            if let b = bucket(s.start) {
                body(b.main)
                for (d, v) in sessionDims.enumerated() where v != 0 { body(b.cell(d, v).cell) }
            }
        }
        let outcome: Counter
        switch s.outcome {
        case .failed: outcome = .sessionsFailed
        case .noResponse: outcome = .sessionsNoResponse
        case .userEnded: outcome = .sessionsUserEnded
        case .skillEnded: outcome = .sessionsSkillEnded
        case .unknown: outcome = .sessionsUnknown
        }
        forSessionCells { c in
            c.inc(.sessions)
            c.inc(outcome)
            c.users.mark(user, UserTable.session)
            if !s.friction.isEmpty { c.inc(.frictionSessions) }
            for p in distinctPairs {
                c.pairs.update(p, make: PairStat.init) { ps in ps.sessions += 1; ps.customers.insert(user) }
            }
            for st in distinctSteps { c.steps.update(st, make: U64Set.init) { $0.insert(user) } }
        }

        // Top paths (whole input): the first 8 steps.
        let prefix = Array(stepHashes.prefix(8))
        var ph: UInt64 = 0x51_7CC1_B727_220A
        for h in prefix { ph = mix64(ph ^ h) &+ 0x9E37_79B9_7F4A_7C15 }
        if whole.main.topPaths.update(ph, make: { 0 }, { $0 += 1 }) { pathNames[ph] = prefix }

        // Friction events.
        for ev in s.friction {
            let counter: Counter
            let slot: Int
            switch ev.type {
            case .bargeIn: counter = .bargeIns; slot = 0
            case .termination: counter = .terminations; slot = 1
            case .unhandled: counter = .unhandled; slot = 2
            case .lowConfidence: counter = .lowConfidence; slot = 3
            case .systemError: counter = .systemErrors; slot = 4
            }
            if ev.ts < minTs { minTs = ev.ts }
            if ev.ts > maxTs { maxTs = ev.ts }
            var evDims: [UInt64] = []
            swap(&evDims, &dimScratch)
            defer { swap(&evDims, &dimScratch) }
            if !options.by.isEmpty {
                let intentHash = ev.intent.map { byteHash($0) } ?? 0
                let requestType = ev.intent == nil ? Self.launchRequest : Self.intentRequest
                for (d, dim) in options.by.enumerated() {
                    let v: UInt64
                    switch dim {
                    case .locale, .stage, .skill: v = sessionDims[d]
                    case .intent: v = intentHash
                    case .requestType: v = requestType.hash
                    }
                    evDims[d] = v
                    if v != 0 && namedHashes.insert(v) { names[v] = dim == .intent ? ev.intent : requestType.name }
                }
            }
            whole.main.inc(counter)
            for (d, v) in evDims.enumerated() where v != 0 { whole.cell(d, v).cell.inc(counter) }
            if let b = bucket(ev.ts) {
                b.main.inc(counter)
                for (d, v) in evDims.enumerated() where v != 0 { b.cell(d, v).cell.inc(counter) }
            }
            let key = frictionKey(ev)
            let kh = byteHash(key)
            whole.main.frictionUtterances.update(kh, make: { [Int64](repeating: 0, count: 5) }, { $0[slot] += 1 })
            if namedHashes.insert(kh) { names[kh] = key }
        }
    }

    static let endSteps: [(name: String, hash: UInt64)] = SessionOutcome.allCases.map { ("END:\($0.rawValue)", byteHash("END:\($0.rawValue)")) }
    static func outcomeIndex(_ o: SessionOutcome) -> Int {
        switch o {
        case .failed: 0
        case .noResponse: 1
        case .userEnded: 2
        case .skillEnded: 3
        case .unknown: 4
        }
    }
    static let launchRequest = (name: "LaunchRequest", hash: byteHash("LaunchRequest"))
    static let intentRequest = (name: "IntentRequest", hash: byteHash("IntentRequest"))

    static func pairHash(_ a: UInt64, _ b: UInt64) -> UInt64 { mix64(a &* 0x9E37_79B9_7F4A_7C15 ^ (b &+ 0x632B_E59B_D9B4_E019)) }

    /// The grouping key of a friction event: its utterance, else its `Intent(slot=value, …)`
    /// signature; with `--redact`, the signature with values masked.
    func frictionKey(_ ev: FrictionEvent) -> String {
        if options.redact {
            return Self.maskSignature(ev.signature ?? ev.intent ?? "LaunchRequest")
        }
        return ev.utterance ?? ev.signature ?? ev.intent ?? "LaunchRequest"
    }

    /// The one mask of `--redact` (`Redactor.maskSignature`).
    public static func maskSignature(_ s: String) -> String { Redactor.maskSignature(s) }

    // MARK: Merging

    public struct MergeError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Adds another accumulator's state (a partial state of another shard).
    public func merge(_ o: MetricsAccumulator) throws {
        guard o.options == options else {
            throw MergeError(description: "partial states were made with different options (period, --by, --redact, --top or session parameters)")
        }
        try checkSums(o)
        whole.merge(o.whole)
        for (s, b) in o.buckets {
            if let mine = buckets[s] { mine.merge(b) } else {
                let nb = BucketCells(start: s, dimensions: options.by.count)
                nb.merge(b)
                buckets[s] = nb
            }
        }
        lastBucket = nil
        for (k, v) in o.names where names[k] == nil { names[k] = v }
        for (k, v) in o.pairNames where pairNames[k] == nil { pairNames[k] = v }
        for (k, v) in o.pathNames where pathNames[k] == nil { pathNames[k] = v }
        minTs = min(minTs, o.minTs)
        maxTs = max(maxTs, o.maxTs)
        deferred.append(contentsOf: o.deferred)
        accounting.merge(o.accounting)
        messageDigest &+= o.messageDigest
    }

    /// Internal hooks for the partial-state reader.
    func setBounds(min: Int64, max: Int64) { minTs = min; maxTs = max }
    func setBucket(_ b: BucketCells) { buckets[b.start] = b }
    func setWhole(_ b: BucketCells) { whole = b }
    func setNames(_ n: [UInt64: String], pairs: [UInt64: (UInt64, UInt64)], paths: [UInt64: [UInt64]]) {
        names = n; pairNames = pairs; pathNames = paths
    }
    func setDeferred(_ d: [DeferredEvent]) { deferred = d }
}

/// Smart home `state` objects as flat property lists: nested objects are walked, each leaf is
/// one property (its key path hashed), its value hashed from its JSON text without whitespace.
public enum StateProperties {
    public static func flatten(_ b: UnsafeRawBufferPointer, prefix: UInt64, into out: inout [PropertyHash], scratch: inout [UInt8]) {
        var sc = JSONScanner(b)
        try? sc.members { ks, ke, kind, vs, ve in
            let key = mix64(prefix ^ byteHash(UnsafeRawBufferPointer(rebasing: b[ks..<ke])) &+ 0x2545_F491_4F6C_DD1D)
            switch kind {
            case .object:
                flatten(UnsafeRawBufferPointer(rebasing: b[vs..<ve]), prefix: key, into: &out, scratch: &scratch)
            case .array:
                scratch.removeAll(keepingCapacity: true)
                var inString = false, escaped = false
                for c in b[vs..<ve] {
                    if inString {
                        if escaped { escaped = false } else if c == 0x5c { escaped = true } else if c == 0x22 { inString = false }
                        scratch.append(c)
                    } else if c == 0x22 {
                        inString = true; scratch.append(c)
                    } else if c != 0x20 && c != 0x09 && c != 0x0a && c != 0x0d {
                        scratch.append(c)
                    }
                }
                let v = scratch.withUnsafeBytes { byteHash($0) }
                out.append(PropertyHash(key: key, value: mix64(v ^ UInt64(kind.rawValue))))
            default:
                let v = byteHash(UnsafeRawBufferPointer(rebasing: b[vs..<ve]))
                out.append(PropertyHash(key: key, value: mix64(v ^ UInt64(kind.rawValue))))
            }
        }
    }

    public static func flatten(_ json: String) -> [PropertyHash] {
        var out: [PropertyHash] = []
        var scratch: [UInt8] = []
        var s = json
        s.withUTF8 { flatten(UnsafeRawBufferPointer($0), prefix: 0, into: &out, scratch: &scratch) }
        return out
    }

    /// Every property of the change report has the same value in the state report.
    public static func matches(change: [PropertyHash], state: [PropertyHash]) -> Bool {
        for p in change {
            guard let q = state.last(where: { $0.key == p.key }), q.value == p.value else { return false }
        }
        return true
    }
}

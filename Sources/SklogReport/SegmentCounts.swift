import SklogAnalysis
import SklogRecords

/// Per period and per locale or stage value (and over the whole input), the few numbers the
/// page's filters and the Locales section show: turns, customers, endpoint outcomes and latency,
/// session outcomes and friction. Kept beside the metrics engine rather than through its
/// `--by locale --by stage`, which computes every metric for every value and costs the report
/// about half again the CPU time of `sklog metrics`; this runs on the sessions thread.
public final class SegmentCounts: @unchecked Sendable {
    public struct Cell {
        public var turns: Int64 = 0
        public var users = U64Set()
        public var endpointSuccess: Int64 = 0
        public var endpointFailed: Int64 = 0
        public var latency = LatencyHistogram()
        public var sessions: Int64 = 0
        /// By `SessionOutcome.allCases` order.
        public var outcomes = [Int64](repeating: 0, count: SessionOutcome.allCases.count)
        /// By `FrictionType.allCases` order.
        public var friction = [Int64](repeating: 0, count: FrictionType.allCases.count)
        public var frictionSessions: Int64 = 0
    }

    struct Key: Hashable {
        var bucket: Int64
        var dimension: Int
        var value: UInt64
    }

    public static let dimensions = ["locale", "stage"]
    /// The bucket key of the whole-input cells.
    public static let whole = Int64.min
    public let period: MetricsOptions.Period
    private var index: [Key: Int] = [:]
    private var cells: [Cell] = []
    /// The cells used last (a record usually falls in the bucket and value of a recent one):
    /// a short scan instead of hashing a key.
    private var recent: [(key: Key, slot: Int)] = []
    /// Per dimension: value hash → value, and the cells of the value (one per bucket).
    public private(set) var names: [[UInt64: String]] = [[:], [:]]
    private var slotsOf: [[UInt64: [Int]]] = [[:], [:]]

    public init(period: MetricsOptions.Period) { self.period = period }

    @inline(__always)
    private func slot(_ bucket: Int64, _ d: Int, _ v: UInt64, _ name: () -> String) -> Int {
        for e in recent where e.key.value == v && e.key.bucket == bucket && e.key.dimension == d { return e.slot }
        let k = Key(bucket: bucket, dimension: d, value: v)
        let i: Int
        if let j = index[k] {
            i = j
        } else {
            i = cells.count
            index[k] = i
            cells.append(Cell())
            if names[d][v] == nil { names[d][v] = name() }
            slotsOf[d][v, default: []].append(i)
        }
        if recent.count == 16 { recent.removeFirst() }
        recent.append((k, i))
        return i
    }

    public func add(_ r: Record) {
        let endpoint = r.isEndpointRequest
        guard endpoint || r.isUserInitiated else { return }
        let b = period.start(r.ts)
        let turn = r.isTurn
        let user = r.userId.isPresent ? r.hash(r.userId) : 0
        for d in 0..<2 {
            let f = d == 0 ? r.locale : r.stage
            guard f.isPresent else { continue }
            let i = slot(b, d, r.hash(f)) { r.string(f) ?? "" }
            if turn { cells[i].turns += 1 }
            cells[i].users.insert(user)
            guard endpoint else { continue }
            if r.outcome == .success { cells[i].endpointSuccess += 1 } else if r.failed { cells[i].endpointFailed += 1 }
            if r.latencyMs >= 0 { cells[i].latency.add(r.latencyMs) }
        }
    }

    public func add(session s: Session) {
        let b = period.start(s.start)
        let o = SessionOutcome.allCases.firstIndex(of: s.outcome)!
        for (d, value) in [s.locale, s.stage].enumerated() {
            guard let value else { continue }
            let h = byteHash(value)
            let i = slot(b, d, h) { value }
            cells[i].sessions += 1
            cells[i].outcomes[o] += 1
            if !s.friction.isEmpty { cells[i].frictionSessions += 1 }
            for e in s.friction {
                let t = FrictionType.allCases.firstIndex(of: e.type)!
                cells[slot(period.start(e.ts), d, h) { value }].friction[t] += 1
            }
        }
    }

    /// The values of one dimension, sorted as the engine sorts them.
    public func values(_ d: Int) -> [(hash: UInt64, name: String)] {
        names[d].map { (hash: $0.key, name: $0.value) }.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
    }

    /// One bucket's cell, or with `whole` the whole input's (all buckets together).
    public func cell(_ bucket: Int64, _ d: Int, _ v: UInt64) -> Cell? {
        guard bucket == Self.whole else { return index[Key(bucket: bucket, dimension: d, value: v)].map { cells[$0] } }
        guard let slots = slotsOf[d][v] else { return nil }
        var w = Cell()
        for i in slots {
            let c = cells[i]
            w.turns += c.turns
            w.users.formUnion(c.users)
            w.endpointSuccess += c.endpointSuccess
            w.endpointFailed += c.endpointFailed
            w.latency.merge(c.latency)
            w.sessions += c.sessions
            for k in w.outcomes.indices { w.outcomes[k] += c.outcomes[k] }
            for k in w.friction.indices { w.friction[k] += c.friction[k] }
            w.frictionSessions += c.frictionSessions
        }
        return w
    }
}

extension SegmentCounts.Cell {
    public func outcome(_ o: SessionOutcome) -> Int64 { outcomes[SessionOutcome.allCases.firstIndex(of: o)!] }
    public func events(_ t: FrictionType) -> Int64 { friction[FrictionType.allCases.firstIndex(of: t)!] }
    /// Failed endpoint requests per 100 with an outcome.
    public var failureRate: Double? {
        endpointSuccess + endpointFailed > 0 ? Double(endpointFailed) * 100 / Double(endpointSuccess + endpointFailed) : nil
    }
    public var successShare: Double? {
        sessions > 0 ? Double(outcome(.userEnded) + outcome(.skillEnded)) * 100 / Double(sessions) : nil
    }
    public func per100(_ t: FrictionType) -> Double? { turns > 0 ? Double(events(t)) * 100 / Double(turns) : nil }
}

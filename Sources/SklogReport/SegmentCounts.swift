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
        public var users = Set<UInt64>()
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
    /// Per dimension: value hash → value.
    public private(set) var names: [[UInt64: String]] = [[:], [:]]

    public init(period: MetricsOptions.Period) { self.period = period }

    @inline(__always)
    private func slot(_ bucket: Int64, _ d: Int, _ v: UInt64) -> Int {
        let k = Key(bucket: bucket, dimension: d, value: v)
        if let i = index[k] { return i }
        index[k] = cells.count
        cells.append(Cell())
        return cells.count - 1
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
            let h = r.hash(f)
            if names[d][h] == nil { names[d][h] = r.string(f) ?? "" }
            for i in [slot(b, d, h), slot(Self.whole, d, h)] {
                if turn { cells[i].turns += 1 }
                if user != 0 { cells[i].users.insert(user) }
                guard endpoint else { continue }
                if r.outcome == .success { cells[i].endpointSuccess += 1 } else if r.failed { cells[i].endpointFailed += 1 }
                if r.latencyMs >= 0 { cells[i].latency.add(r.latencyMs) }
            }
        }
    }

    public func add(session s: Session) {
        let b = period.start(s.start)
        let o = SessionOutcome.allCases.firstIndex(of: s.outcome)!
        for (d, value) in [s.locale, s.stage].enumerated() {
            guard let value else { continue }
            let h = byteHash(value)
            if names[d][h] == nil { names[d][h] = value }
            for i in [slot(b, d, h), slot(Self.whole, d, h)] {
                cells[i].sessions += 1
                cells[i].outcomes[o] += 1
                if !s.friction.isEmpty { cells[i].frictionSessions += 1 }
            }
            for e in s.friction {
                let t = FrictionType.allCases.firstIndex(of: e.type)!
                cells[slot(period.start(e.ts), d, h)].friction[t] += 1
                cells[slot(Self.whole, d, h)].friction[t] += 1
            }
        }
    }

    /// The values of one dimension, sorted as the engine sorts them.
    public func values(_ d: Int) -> [(hash: UInt64, name: String)] {
        names[d].map { (hash: $0.key, name: $0.value) }.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
    }

    public func cell(_ bucket: Int64, _ d: Int, _ v: UInt64) -> Cell? {
        index[Key(bucket: bucket, dimension: d, value: v)].map { cells[$0] }
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

import SklogRecords

/// `sklog errors`: failed records grouped by what went wrong (docs/errors.md). A group's
/// signature is its `errorType`, its `errorMessage` with the variable parts masked
/// (`ErrorSignature.mask`) and its `errorFrame`; timeouts (`ENDPOINT_TIMEOUT`, `no_response`) and
/// `NoHandler` are one group each whatever their message.
public struct ErrorGroupOptions: Sendable {
    public enum Period: String, Sendable { case day, week }
    public var period: Period?
    /// Sample message IDs per group.
    public var samples = 3
    /// Intents and request types listed per group (the most frequent first).
    public var listLimit = 5
    public var redact = false
    public init() {}
}

public final class ErrorGroup {
    public let errorType: String?
    public let pattern: String
    public let frame: String?
    /// The first message of the group as logged.
    public internal(set) var example: String?
    public internal(set) var count: Int64 = 0
    public internal(set) var firstSeen: Int64 = .max
    public internal(set) var lastSeen: Int64 = .min
    public internal(set) var intents: [String: Int64] = [:]
    public internal(set) var requestTypes: [String: Int64] = [:]
    public internal(set) var sessionsEnded: Int64 = 0
    public internal(set) var sampleIds: [String] = []
    /// Counts per period start (with --period).
    public internal(set) var perPeriod: [Int64: Int64] = [:]
    public internal(set) var isNew = false
    public internal(set) var isRising = false
    /// The first record's order, for ties.
    let seq: Int

    init(errorType: String?, pattern: String, frame: String?, seq: Int) {
        self.errorType = errorType; self.pattern = pattern; self.frame = frame; self.seq = seq
    }

    /// The most frequent keys first, then by name.
    public static func ranked(_ d: [String: Int64]) -> [(String, Int64)] {
        d.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}

/// Groups the failed records of a stream (records in time order).
public final class ErrorGrouper {
    public let options: ErrorGroupOptions
    private var index: [String: ErrorGroup] = [:]
    public private(set) var groups: [ErrorGroup] = []
    public private(set) var failures: Int64 = 0
    public private(set) var records: Int64 = 0
    public private(set) var minTs: Int64 = .max
    public private(set) var maxTs: Int64 = .min
    /// Per session (hash of its ID): the group of its latest turn or directive if that failed
    /// (index into `groups`), else -1.
    private var lastOfSession: [UInt64: Int32] = [:]
    /// The periods (starts), complete or not, and which are complete (after `finish`).
    public private(set) var periods: [Int64] = []
    public private(set) var complete: Set<Int64> = []
    public private(set) var latestComplete: Int64?
    public private(set) var previousComplete: Int64?

    public init(options: ErrorGroupOptions) { self.options = options }

    public func add(_ r: Record) {
        records += 1
        if r.ts < minTs { minTs = r.ts }
        if r.ts > maxTs { maxTs = r.ts }
        let endpoint = r.isEndpointRequest
        guard r.failed else {
            if endpoint, r.sessionId.isPresent { lastOfSession[r.hash(r.sessionId)] = -1 }
            return
        }
        failures += 1
        let sig = ErrorSignature.of(r)
        let key = (sig.type ?? "") + "\u{1}" + sig.pattern + "\u{1}" + (sig.frame ?? "")
        let g: ErrorGroup
        if let found = index[key] {
            g = found
        } else {
            g = ErrorGroup(errorType: sig.type, pattern: sig.pattern, frame: sig.frame, seq: groups.count)
            index[key] = g
            groups.append(g)
            g.example = r.string(r.errorMessage)
        }
        g.count += 1
        if r.ts < g.firstSeen { g.firstSeen = r.ts }
        if r.ts > g.lastSeen { g.lastSeen = r.ts }
        if let i = r.string(r.intent) { g.intents[i, default: 0] += 1 }
        if let t = r.string(r.requestType) { g.requestTypes[t, default: 0] += 1 }
        if g.sampleIds.count < options.samples, let id = r.string(r.messageId) { g.sampleIds.append(id) }
        if let p = options.period { g.perPeriod[start(p, r.ts), default: 0] += 1 }
        if r.sessionId.isPresent && endpoint { lastOfSession[r.hash(r.sessionId)] = Int32(g.seq) }
    }

    func start(_ p: ErrorGroupOptions.Period, _ ts: Int64) -> Int64 {
        p == .week ? Timestamp.weekStart(ts) : Timestamp.dayStart(ts)
    }

    static func length(_ p: ErrorGroupOptions.Period) -> Int64 { p == .week ? 604_800_000 : 86_400_000 }

    /// Sessions ended, the periods, and the order: largest group first (then the earliest seen).
    public func finish() {
        for (_, g) in lastOfSession where g >= 0 { groups[Int(g)].sessionsEnded += 1 }
        lastOfSession = [:]
        groups.sort { $0.count != $1.count ? $0.count > $1.count : ($0.firstSeen != $1.firstSeen ? $0.firstSeen < $1.firstSeen : $0.seq < $1.seq) }
        guard let p = options.period, records > 0 else { return }
        let len = Self.length(p)
        var s = start(p, minTs)
        while s <= maxTs {
            periods.append(s)
            // Complete: the input covers it from its first to its last millisecond.
            if minTs <= s && maxTs >= s + len - 1 { complete.insert(s) }
            s = p == .week ? Timestamp.weekStart(s + len + 3_600_000) : s + len
        }
        let completes = periods.filter(complete.contains)
        latestComplete = completes.last
        previousComplete = completes.count >= 2 ? completes[completes.count - 2] : nil
        guard let latest = latestComplete else { return }
        var bestRise: Int64 = 0
        for g in groups {
            let now = g.perPeriod[latest] ?? 0
            guard now > 0 else { continue }
            if !g.perPeriod.contains(where: { $0.key < latest && $0.value > 0 }) && latest > (periods.first ?? latest) {
                g.isNew = true
                continue
            }
            if let prev = previousComplete { bestRise = max(bestRise, now - (g.perPeriod[prev] ?? 0)) }
        }
        if bestRise > 0, let prev = previousComplete {
            for g in groups where !g.isNew && (g.perPeriod[latest] ?? 0) - (g.perPeriod[prev] ?? 0) == bestRise { g.isRising = true }
        }
    }

    public var newCount: Int { groups.filter(\.isNew).count }
    public var risingCount: Int { groups.filter(\.isRising).count }
}

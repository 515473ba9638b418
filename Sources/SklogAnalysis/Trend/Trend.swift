import Foundation
import SklogRecords

/// Parameters of `sklog-trend`.
public struct TrendOptions: Sendable {
    public var period: MetricsOptions.Period = .day
    /// An intent is a mover candidate only with at least this many turns in both periods.
    public var minCount: Int64 = 20
    /// How many movers per kind and period.
    public var top: Int = 5
    public init() {}
}

/// The per-period numbers of a trend, each taken from the metrics engine (SPEC 6 identifiers in
/// `source`), and how each is shown.
public struct TrendMetric: Sendable {
    public enum Unit: String, Sendable { case count, percent, ms, per100 }
    public let name: String
    public let label: String
    public let unit: Unit
    public let source: String

    public static let all: [TrendMetric] = [
        TrendMetric(name: "utterances", label: "utterances", unit: .count, source: "totalUtterances"),
        TrendMetric(name: "sessions", label: "sessions", unit: .count, source: "totalSessions"),
        TrendMetric(name: "customers", label: "customers", unit: .count, source: "uniqueCustomers"),
        TrendMetric(name: "failureRate", label: "failure %", unit: .percent, source: "endpointSuccessRate"),
        TrendMetric(name: "latencyP50", label: "P50 ms", unit: .ms, source: "endpointLatencyP50"),
        TrendMetric(name: "latencyP90", label: "P90 ms", unit: .ms, source: "endpointLatencyP90"),
        TrendMetric(name: "latencyP99", label: "P99 ms", unit: .ms, source: "endpointLatencyP99"),
        TrendMetric(name: "bargeInsRate", label: "barge-ins/100", unit: .per100, source: "bargeInsRate"),
        TrendMetric(name: "terminationsRate", label: "terminations/100", unit: .per100, source: "terminationsRate"),
        TrendMetric(name: "unhandledRequestsRate", label: "unhandled/100", unit: .per100, source: "unhandledRequestsRate"),
        TrendMetric(name: "lowConfidenceIntentsRate", label: "low-conf/100", unit: .per100, source: "lowConfidenceIntentsRate"),
    ]

    /// The value from a metric set: `failureRate` is 100 − endpointSuccessRate (in %), i.e. failed
    /// turns and smart home directives per 100 with an outcome; the rest are the engine's values.
    public func value(in set: MetricSet) -> Double? {
        guard let v = set.value(source)?.double else { return nil }
        return name == "failureRate" ? (1 - v) * 100 : v
    }
}

/// An intent whose failure or friction rate rose from the previous period.
public struct TrendMover: Sendable, Equatable {
    public var intent: String
    /// The rate (per 100 turns of the intent) in the previous and this period.
    public var previous: Double
    public var current: Double
    /// current − previous, in points.
    public var change: Double
    public var turns: Int64
    public var previousTurns: Int64
    public init(intent: String, previous: Double, current: Double, change: Double, turns: Int64, previousTurns: Int64) {
        self.intent = intent; self.previous = previous; self.current = current; self.change = change
        self.turns = turns; self.previousTurns = previousTurns
    }
}

/// One period of a trend.
public struct TrendPeriod: Sendable {
    public var start: Int64
    /// The input covers this period only in part (`MetricsBucket.partial`): its numbers are shown
    /// but never compared.
    public var partial: Bool = false
    /// The start of the period this one is compared with: the period just before, when both are
    /// complete (nil otherwise, and then `change`, `relativeChange` and the movers are empty).
    public var comparedWith: Int64? = nil
    /// Values in `TrendMetric.all` order (nil: not available).
    public var values: [Double?]
    /// value − previous period's value (nil when not compared, or when either is n/a).
    public var change: [Double?]
    /// change ÷ previous value (nil when the previous value is 0 or n/a).
    public var relativeChange: [Double?]
    /// Intents whose failure rate (failed per 100 turns) rose most.
    public var failureMovers: [TrendMover]
    /// Intents whose friction rate (barge-ins, terminations, unhandled and low-confidence events per
    /// 100 turns) rose most.
    public var frictionMovers: [TrendMover]
}

public struct TrendReport: Sendable {
    public var options: TrendOptions
    public var periods: [TrendPeriod]
    /// The index of the latest period compared with the one before (both complete): the one
    /// whose change and movers are headlined. Nil when no two complete periods follow each other.
    public var latestCompared: Int? { periods.lastIndex { $0.comparedWith != nil } }
    public var accounting: Accounting
    public var from: Int64?
    public var to: Int64?
}

/// Per-intent numbers of one bucket, for movers.
struct IntentRates {
    var turns: Int64
    var failures: Int64
    var friction: Int64
}

public enum Trend {
    /// The metrics options a trend needs: its period. (Per-intent turns and failures come from the
    /// engine's per-intent metrics; friction per intent from `MetricsFeed.frictionByIntent`.)
    public static func metricsOptions(_ o: TrendOptions, redact: Bool = false) -> MetricsOptions {
        var m = MetricsOptions()
        m.period = o.period
        m.redact = redact
        return m
    }

    /// Builds the trend from a metrics result computed with `metricsOptions(_:)` and the friction
    /// events per bucket and intent (`MetricsFeed.frictionByIntent`).
    public static func report(_ r: MetricsResult, options o: TrendOptions, frictionByIntent: [Int64: [String: Int64]] = [:]) -> TrendReport {
        var periods: [TrendPeriod] = []
        var prevValues: [Double?]? = nil
        var prevIntents: [String: IntentRates] = [:]
        var prevStart: Int64? = nil
        for b in r.buckets {
            // After empty periods that are not listed (a long gap, `Period.listed`), the
            // previous period is not shown: nothing to compare with. A partial period (the input
            // covers it only in part) is neither compared nor compared with.
            if let s = prevStart, let p = MetricsOptions.Period(rawValue: r.period ?? ""), p.next(s) != (b.start ?? 0) {
                prevValues = nil
                prevIntents = [:]
            }
            if b.partial {
                prevValues = nil
                prevIntents = [:]
            }
            let comparedWith = prevValues == nil ? nil : prevStart
            prevStart = b.start
            let values = TrendMetric.all.map { $0.value(in: b.metrics) }
            var change: [Double?] = Array(repeating: nil, count: values.count)
            var rel: [Double?] = Array(repeating: nil, count: values.count)
            if let p = prevValues {
                for i in values.indices {
                    if let v = values[i], let q = p[i] {
                        change[i] = v - q
                        rel[i] = q != 0 ? (v - q) / q : nil
                    }
                }
            }
            var intents: [String: IntentRates] = [:]
            let friction = frictionByIntent[b.start ?? 0] ?? [:]
            for v in b.metrics.values where v.labels.count == 1 {
                let name = v.definition.name
                guard name == "intentUtterances" || name == "intentFailures", case .int(let n) = v.value else { continue }
                var x = intents[v.labels[0]] ?? IntentRates(turns: 0, failures: 0, friction: friction[v.labels[0]] ?? 0)
                if name == "intentUtterances" { x.turns = n } else { x.failures = n }
                intents[v.labels[0]] = x
            }
            let first = prevValues == nil
            let failureMovers = first ? [] : movers(intents, prevIntents, o) { Double($0.failures) }
            let frictionMovers = first ? [] : movers(intents, prevIntents, o) { Double($0.friction) }
            periods.append(TrendPeriod(start: b.start ?? 0, partial: b.partial, comparedWith: comparedWith, values: values, change: change,
                                       relativeChange: rel, failureMovers: failureMovers, frictionMovers: frictionMovers))
            prevValues = b.partial ? nil : values
            prevIntents = b.partial ? [:] : intents
        }
        return TrendReport(options: o, periods: periods, accounting: r.accounting, from: r.from, to: r.to)
    }

    /// Intents with at least `minCount` turns in both periods whose rate (count per 100 turns) rose,
    /// largest rise first (ties: the intent name).
    static func movers(_ cur: [String: IntentRates], _ prev: [String: IntentRates], _ o: TrendOptions,
                       _ count: (IntentRates) -> Double) -> [TrendMover] {
        var out: [TrendMover] = []
        for (intent, c) in cur {
            guard let p = prev[intent], c.turns >= o.minCount, p.turns >= o.minCount, c.turns > 0, p.turns > 0 else { continue }
            let now = count(c) * 100 / Double(c.turns)
            let before = count(p) * 100 / Double(p.turns)
            guard now > before else { continue }
            out.append(TrendMover(intent: intent, previous: before, current: now, change: now - before, turns: c.turns, previousTurns: p.turns))
        }
        out.sort { $0.change != $1.change ? $0.change > $1.change : utf8Precedes($0.intent, $1.intent) }
        return Array(out.prefix(o.top))
    }
}

/// Feeds records to the metrics engine and the sessionizer (whose sessions go to the engine too).
///
/// With `threaded`, the sessions run on a second thread: the calling thread adds each record to
/// the engine and hands it on in batches; the worker runs `onRecord`, the sessionizer, and adds
/// the closed sessions to a second accumulator, merged into the first at the end (the engine's
/// merge is exact: counters add, distinct sets unite). Results are identical either way.
/// `onRecord` and `onSession` run on the worker thread when threaded.
public final class MetricsFeed {
    public let accumulator: MetricsAccumulator
    /// Where sessions are added (`accumulator` unless threaded).
    let sessionAccumulator: MetricsAccumulator
    public private(set) var sessionizer: Sessionizer!
    /// Optional extra consumer of each record, before the sessionizer sees it.
    public var onRecord: ((Record) -> Void)?
    /// Optional extra consumer of closed sessions (the HTML report keeps a few); its sessions
    /// carry every ID, the engine's alone need none.
    public var onSession: ((Session) -> Void)? {
        didSet { sessionizer.detail = onSession == nil ? .counts : .full }
    }
    /// Friction events (barge-ins, terminations, unhandled, low-confidence) per bucket start and
    /// intent, in the bucket of the event's message (as the engine counts them): for movers.
    public private(set) var frictionByIntent: [Int64: [String: Int64]] = [:]
    private var worker: BatchWorker<Record>?
    private var batch: [Record] = []
    static let batchSize = 2048

    public init(metrics: MetricsOptions, sessions: SessionOptions, threaded: Bool = false) {
        accumulator = MetricsAccumulator(options: metrics)
        sessionAccumulator = threaded ? MetricsAccumulator(options: metrics) : accumulator
        let period = metrics.period
        sessionizer = Sessionizer(options: sessions) { [unowned self] s in
            self.sessionAccumulator.add(session: s)
            if let period {
                for e in s.friction where e.type != .systemError {
                    guard let intent = e.intent else { continue }
                    self.frictionByIntent[period.start(e.ts), default: [:]][intent, default: 0] += 1
                }
            }
            self.onSession?(s)
        }
        sessionizer.detail = .counts
        if threaded {
            batch.reserveCapacity(Self.batchSize)
            worker = BatchWorker(name: "sklog-sessions") { [unowned self] records in
                for r in records {
                    self.onRecord?(r)
                    self.sessionizer.add(r)
                }
            } finish: { [unowned self] in
                self.sessionizer.finish()
            }
        }
    }

    @inline(__always)
    public func add(_ r: Record) {
        accumulator.add(r)
        if let worker {
            batch.append(r)
            if batch.count == Self.batchSize {
                worker.submit(batch)
                batch.removeAll(keepingCapacity: true)
            }
        } else {
            onRecord?(r)
            sessionizer.add(r)
        }
    }

    public func finish(accounting: Accounting) -> MetricsResult {
        if let worker {
            if !batch.isEmpty { worker.submit(batch); batch = [] }
            worker.finish()
            // Same options on both sides: the merge cannot fail.
            try? accumulator.merge(sessionAccumulator)
        } else {
            sessionizer.finish()
        }
        accumulator.accounting = accounting
        return accumulator.result()
    }

    /// The trend of the finished result.
    public func trend(_ r: MetricsResult, options: TrendOptions) -> TrendReport {
        Trend.report(r, options: options, frictionByIntent: frictionByIntent)
    }
}

/// A thread that runs `body` on each submitted batch, in order, then `finish`. At most `depth`
/// batches wait; `submit` blocks beyond that.
final class BatchWorker<T> {
    private let cond = NSCondition()
    private var queue: [[T]] = []
    private var head = 0
    private var closed = false
    private var finished = false
    private let depth: Int
    private let body: ([T]) -> Void
    private let finishBody: () -> Void

    init(name: String, depth: Int = 4, body: @escaping ([T]) -> Void, finish: @escaping () -> Void) {
        self.depth = depth
        self.body = body
        self.finishBody = finish
        let t = Thread { [unowned self] in self.run() }
        t.stackSize = 8 << 20
        t.name = name
        t.start()
    }

    func submit(_ batch: [T]) {
        cond.lock()
        while queue.count - head >= depth { cond.wait() }
        queue.append(batch)
        cond.broadcast()
        cond.unlock()
    }

    /// Waits until every batch and `finish` have run.
    func finish() {
        cond.lock()
        closed = true
        cond.broadcast()
        while !finished { cond.wait() }
        cond.unlock()
    }

    private func run() {
        while true {
            cond.lock()
            while queue.count == head && !closed { cond.wait() }
            if queue.count == head {
                cond.unlock()
                finishBody()
                cond.lock(); finished = true; cond.broadcast(); cond.unlock()
                return
            }
            let b = queue[head]
            queue[head] = []
            head += 1
            if head > 64 { queue.removeFirst(head); head = 0 }
            cond.broadcast()
            cond.unlock()
            body(b)
        }
    }
}

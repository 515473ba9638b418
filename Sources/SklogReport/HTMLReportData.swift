import SklogAnalysis
import SklogRecords

/// One message ID in the report's tables of the worst requests.
public struct ReportIDRow: Sendable {
    public var seq: Int
    public var ts: Int64
    public var messageId: String
    public var sessionId: String?
    public var requestType: String?
    public var intent: String?
    public var latencyMs: Int64
    public var outcome: Outcome
    public var errorType: String?
}

/// Everything the HTML report shows.
/// One group of `sklog errors` for the report's "Top exceptions" (ErrorGroups.swift).
public struct ReportExceptionGroup: Sendable {
    public var title: String
    public var frame: String?
    public var example: String?
    public var count: Int64
    public var share: Double
    public var sessionsEnded: Int64
    public var firstSeen: Int64, lastSeen: Int64
    public var intents: String
    public var sampleIds: [String]
}

public struct ReportData: Sendable {
    public var result: MetricsResult
    public var trend: TrendReport
    /// The slowest endpoint requests, slowest first.
    public var slowest: [ReportIDRow]
    /// The most recent failed endpoint requests, in time order, and how many failed in all.
    public var failed: [ReportIDRow]
    public var failedTotal: Int
    /// The sessions of the listed IDs (in start order) and, per listed message ID, its session.
    public var sessions: [Session]
    public var sessionOf: [String: Int]
    /// Endpoint latency histogram: bucket lower edges (ms) and counts (the last bucket is open).
    public var latencyEdges: [Int64]
    public var latencyCounts: [Int64]
    public var redact: Bool
    public var inputNames: [String]
    public var sessionOptions: SessionOptions
    /// Every session's first steps, for the path flow.
    public var pathFlow: PathFlowCounts
    /// Utterances with their intents (empty with `--redact`).
    public var utterances: UtteranceCounts
    /// Per period and locale or stage, for the filters and the Locales section.
    public var segments: SegmentCounts
    /// The largest exception groups (at most `top`) and the number of groups.
    public var exceptions: [ReportExceptionGroup] = []
    public var exceptionGroups = 0
}

/// Collects the report's data in one pass: the metrics engine (with sessions) for the numbers,
/// and, beside it, the slowest and failed message IDs, the sessions they belong to, and the
/// latency histogram. Memory: the metrics state plus a bounded number of rows and sessions.
public final class ReportCollector {
    public static let latencyEdges: [Int64] = [0, 50, 100, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000, 8000]

    public let top: Int
    public let redact: Bool
    public let feed: MetricsFeed
    public let trendOptions: TrendOptions
    let sessionOptions: SessionOptions
    private var seq = 0
    /// Slowest so far, fastest first (so [0] is the one to evict).
    private var slow: [ReportIDRow] = []
    private var slowMin: Int64 = -1
    /// Most recent failures (a ring).
    private var failed: [ReportIDRow] = []
    private var failedHead = 0
    public private(set) var failedTotal = 0
    private var latencyCounts: [Int64]
    /// Message IDs currently listed → how many rows list them.
    private var wanted: [String: Int] = [:]
    /// The same by session ID (one lookup per closed session).
    private var wantedSessions: [String: Int] = [:]
    /// Sessions retained because a listed ID was in them; message ID → retained key.
    private var retained: [Int: Session] = [:]
    private var retainedSeq = 0
    private var sessionOf: [String: Int] = [:]
    private var pathFlow = PathFlowCounts()
    private var utterances = UtteranceCounts()
    private let segments: SegmentCounts
    /// Failures grouped as `sklog errors` groups them.
    private let errors = ErrorGrouper(options: ErrorGroupOptions())

    /// `threaded`: sessions and this collector's own bookkeeping run on a second thread (see
    /// `MetricsFeed`); the result is the same.
    public init(trend: TrendOptions, sessions: SessionOptions, redact: Bool, top: Int = 25, threaded: Bool = true) {
        self.top = top
        self.redact = redact
        trendOptions = trend
        sessionOptions = sessions
        var m = Trend.metricsOptions(trend, redact: redact)
        m.top = 20
        feed = MetricsFeed(metrics: m, sessions: sessions, threaded: threaded)
        latencyCounts = Array(repeating: 0, count: Self.latencyEdges.count)
        segments = SegmentCounts(period: trend.period)
        feed.onSession = { [unowned self] s in self.closed(s) }
        feed.onRecord = { [unowned self] r in self.track(r) }
    }

    @inline(__always)
    public func add(_ r: Record) {
        feed.add(r)
    }

    /// The slowest and failed requests and the latency histogram (before the sessionizer sees
    /// the record, so that its session is kept when it closes).
    private func track(_ r: Record) {
        seq += 1
        if !redact && r.isTurn { utterances.add(r) }
        segments.add(r)
        errors.add(r)
        guard r.isEndpointRequest else { return }
        let ms = r.latencyMs
        if ms >= 0 {
            var b = Self.latencyEdges.count - 1
            while b > 0 && ms < Self.latencyEdges[b] { b -= 1 }
            latencyCounts[b] += 1
            if slow.count < top || ms > slowMin { addSlow(r) }
        }
        if r.failed { addFailed(r) }
    }

    private func row(_ r: Record) -> ReportIDRow {
        ReportIDRow(seq: seq, ts: r.ts, messageId: r.string(r.messageId) ?? "", sessionId: r.string(r.sessionId),
                    requestType: r.string(r.requestType), intent: r.string(r.intent), latencyMs: r.latencyMs,
                    outcome: r.outcome, errorType: r.string(r.errorType))
    }

    private func want(_ r: ReportIDRow, _ d: Int) {
        let n = (wanted[r.messageId] ?? 0) + d
        wanted[r.messageId] = n > 0 ? n : nil
        if let sid = r.sessionId {
            let m = (wantedSessions[sid] ?? 0) + d
            wantedSessions[sid] = m > 0 ? m : nil
        }
    }

    private func addSlow(_ r: Record) {
        let x = row(r)
        // Ordered by latency, then earlier first among equals (an equal later one does not evict).
        var i = 0
        while i < slow.count && (slow[i].latencyMs < x.latencyMs) { i += 1 }
        slow.insert(x, at: i)
        want(x, 1)
        if slow.count > top {
            let gone = slow.removeFirst()
            want(gone, -1)
        }
        slowMin = slow.count < top ? -1 : slow[0].latencyMs
    }

    private func addFailed(_ r: Record) {
        failedTotal += 1
        let x = row(r)
        want(x, 1)
        if failed.count < top {
            failed.append(x)
        } else {
            want(failed[failedHead], -1)
            failed[failedHead] = x
            failedHead = (failedHead + 1) % top
        }
    }

    private func closed(_ s: Session) {
        pathFlow.add(s)
        segments.add(session: s)
        guard wantedSessions[s.sessionId] != nil else { return }
        retainedSeq += 1
        retained[retainedSeq] = s
        for id in s.messageIds where wanted[id] != nil { sessionOf[id] = retainedSeq }
        if retained.count > 8 * top { prune() }
    }

    /// Drops retained sessions that no listed ID points to any more.
    private func prune() {
        var used = Set<Int>()
        for (id, k) in sessionOf {
            if wanted[id] != nil { used.insert(k) } else { sessionOf[id] = nil }
        }
        for k in Array(retained.keys) where !used.contains(k) { retained[k] = nil }
    }

    public func finish(accounting: Accounting, inputNames: [String]) -> ReportData {
        let result = feed.finish(accounting: accounting)
        let trend = feed.trend(result, options: trendOptions)
        let slowest = slow.sorted { $0.latencyMs != $1.latencyMs ? $0.latencyMs > $1.latencyMs : $0.seq < $1.seq }
        let failedRows = failed.sorted { $0.seq < $1.seq }
        // The sessions of the listed rows, in start order, renumbered.
        var keys = Set<Int>()
        for r in slowest + failedRows { if let k = sessionOf[r.messageId] { keys.insert(k) } }
        let ordered = keys.sorted { a, b in
            let x = retained[a]!, y = retained[b]!
            return x.start != y.start ? x.start < y.start : a < b
        }
        var index: [Int: Int] = [:]
        for (i, k) in ordered.enumerated() { index[k] = i }
        var of: [String: Int] = [:]
        for r in slowest + failedRows { if let k = sessionOf[r.messageId], let i = index[k] { of[r.messageId] = i } }
        var data = ReportData(result: result, trend: trend, slowest: slowest, failed: failedRows, failedTotal: failedTotal,
                          sessions: ordered.map { retained[$0]! }, sessionOf: of, latencyEdges: Self.latencyEdges,
                          latencyCounts: latencyCounts, redact: redact, inputNames: inputNames, sessionOptions: sessionOptions,
                          pathFlow: pathFlow, utterances: utterances, segments: segments)
        errors.finish()
        data.exceptionGroups = errors.groups.count
        data.exceptions = errors.groups.prefix(10).map { g in
            ReportExceptionGroup(title: ErrorsOutput.title(g), frame: g.frame, example: g.example, count: g.count,
                                 share: errors.failures > 0 ? Double(g.count) / Double(errors.failures) : 0,
                                 sessionsEnded: g.sessionsEnded, firstSeen: g.firstSeen, lastSeen: g.lastSeen,
                                 intents: ErrorsOutput.listed(g.intents, limit: 3), sampleIds: g.sampleIds)
        }
        return data
    }
}

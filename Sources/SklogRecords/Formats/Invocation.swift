#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// One Lambda invocation: the lines that share a Lambda request id, from START to REPORT.
final class Invocation {
    /// The Lambda request id (empty for lines that belong to no invocation).
    let id: [UInt8]
    @exclusivity(unchecked) var firstLine: Int64
    /// The first line's text (the START line when there is one), for rejects.
    @exclusivity(unchecked) var firstText: [UInt8]
    @exclusivity(unchecked) var startTs: Int64?
    /// `startTs` is known only to the whole second (`aws logs tail --format short`).
    @exclusivity(unchecked) var startCoarse = false
    @exclusivity(unchecked) var firstTs: Int64?
    @exclusivity(unchecked) var hasStart = false, hasEnd = false, hasReport = false
    /// REPORT Duration and Init Duration, in thousandths of a millisecond.
    @exclusivity(unchecked) var durationMicros: Int64?
    @exclusivity(unchecked) var initMicros: Int64?
    @exclusivity(unchecked) var timedOut = false
    @exclusivity(unchecked) var error = false
    @exclusivity(unchecked) var errorType: String?
    /// The logged error's message and the skill's frame (ErrorDetails); a JSON error object's
    /// (`Invoke Error`) replace those read from plain text.
    @exclusivity(unchecked) var errorMessage: String?
    @exclusivity(unchecked) var errorFrame: String?
    @exclusivity(unchecked) var errorStructured = false
    /// `Task timed out after 3.00 seconds`, as logged.
    @exclusivity(unchecked) var timeoutMessage: String?
    @exclusivity(unchecked) var noHandler = false
    @exclusivity(unchecked) var invalidResponse = false
    @exclusivity(unchecked) var items: [(item: LoggedItem, ts: Int64?, line: Int64)] = []
    @exclusivity(unchecked) var damage: [(reason: RejectReason, line: Int64, text: [UInt8], detail: String)] = []
    @exclusivity(unchecked) var reportLine: Int64 = 0
    @exclusivity(unchecked) var finalized = false
    /// Its latest log time and line, and whether it was closed for silence (`InvocationExpiry`).
    @exclusivity(unchecked) var lastTs: Int64?
    @exclusivity(unchecked) var lastLine: Int64 = 0
    @exclusivity(unchecked) var expired = false
    /// The log time of the stream it began in.
    @exclusivity(unchecked) var clock: StreamClock?
    /// `grep --raw`: its input lines (global line number, bytes), in input order.
    @exclusivity(unchecked) var rawLines: [(Int64, [UInt8])] = []

    init(id: [UInt8], line: Int64, text: UnsafeRawBufferPointer) {
        self.id = id
        firstLine = line
        firstText = Array(text.prefix(300))
    }

    /// A JSON error object (`Invoke Error`, a Lambda JSON error line): its message and frame
    /// replace those read from plain text before it; the first such object wins.
    func structuredError(_ e: ErrorInfo) {
        guard !errorStructured else { return }
        errorStructured = true
        if let m = e.message { errorMessage = m }
        if let f = e.frame { errorFrame = f }
    }

    /// Still collecting lines (not reported yet): unprefixed lines may be attributed to it.
    var isOpen: Bool { !finalized && !hasReport }
}

/// Groups log events into invocations and turns each finished invocation into canonical records
/// (or rejects). Shared by every raw format: the line-shape front ends only call `start`, `end`,
/// `report`, `message` and `tick`.
///
/// Rules (docs/formats.md):
/// - an invocation is finished `lag` lines after its REPORT (a `Task timed out` line comes after
///   the REPORT in the text format), or at the end of the input;
/// - a record needs a request envelope; an invocation without one is rejected
///   ("invocation without envelope"), unless it was cut short;
/// - an invocation with START and no REPORT at the end of the input is counted as
///   "invocation cut short" once; the records its envelopes support are still emitted, with no
///   latency and an outcome only if it was logged.
final class InvocationAssembler {
    @exclusivity(unchecked) private var open: [InvocationKey: Invocation] = [:]
    @exclusivity(unchecked) private var reported: [Invocation] = []
    @exclusivity(unchecked) private var reportedHead = 0
    /// `reported[reportedHead].reportLine + lag`: the per-line test compares two integers (reading
    /// the invocation from the array retained and released it on every line).
    @exclusivity(unchecked) private var reportedDue: Int64 = 0
    /// Lines that belong to no invocation (before the first START, say).
    @exclusivity(unchecked) private var orphan: Invocation?
    let expiry = InvocationExpiry()
    /// `grep --raw`: keep each invocation's lines. The line being read belongs to `lineOwner`
    /// (set where the line is attributed: `lookup`, a message's `begin` or continuation).
    var keepRaw = false
    @exclusivity(unchecked) var lineOwner: Invocation?

    /// Before a line (with `keepRaw`).
    func rawLineBegins() { lineOwner = nil }

    /// After a line (with `keepRaw`): the line goes to the invocation it was attributed to.
    func rawLineEnds(_ text: UnsafeRawBufferPointer, number: Int64) {
        guard let inv = lineOwner, !inv.finalized, !inv.id.isEmpty else { return }
        inv.rawLines.append((number, Array(text)))
        lineOwner = nil
    }
    @exclusivity(unchecked) private var expiryCheckedAt: Int64 = 0
    static let lag: Int64 = 64

    /// Whether a skill logs its responses (SPEC 3: a missing response is an error only then),
    /// per skill of this input. Unknown until one of its invocations logs a response (yes) or
    /// `holdCount` of its records waited for one in vain, or `holdMs` of record time passed (no).
    enum ResponseLogging { case unknown, yes, no }
    @exclusivity(unchecked) private var responseLogging: [String: ResponseLogging] = [:]
    /// Records without a response of skills still unknown, waiting for the decision.
    @exclusivity(unchecked) private var held: [(p: Pending, inv: Invocation, key: String, ts: Int64?)] = []
    static let holdCount = 32
    /// At most the reader's --max-delay, so that held records are never released late.
    var holdMs: Int64 = 30_000
    @exclusivity(unchecked) private var latestTs = Int64.min
    /// Smart home directives waiting for an asynchronous response (AsyncResponses.swift).
    @exclusivity(unchecked) private var asyncWaiting = AsyncResponseTable<(p: Pending, inv: Invocation)>()

    /// The invocation with this id (created on first sight).
    @inline(__always)
    func lookup(_ id: UnsafeRawBufferPointer, line: Int64, text: UnsafeRawBufferPointer, stream s: LogStreamState) -> Invocation {
        if let c = s.last, !c.finalized, c.id.count == id.count,
           c.id.withUnsafeBytes({ memcmp($0.baseAddress!, id.baseAddress!, id.count) == 0 }) {
            c.lastLine = line
            if keepRaw { lineOwner = c }
            return c
        }
        let key = InvocationKey(Array(id))
        if let inv = open[key] { s.last = inv; inv.lastLine = line; if keepRaw { lineOwner = inv }; return inv }
        let inv = Invocation(id: key.bytes, line: line, text: text)
        open[key] = inv
        s.last = inv
        expiry.track(inv, line: line, clock: s.clock)
        if keepRaw { lineOwner = inv }
        return inv
    }

    func orphanInvocation(line: Int64, text: UnsafeRawBufferPointer) -> Invocation {
        if let o = orphan { return o }
        let o = Invocation(id: [], line: line, text: text)
        orphan = o
        return o
    }

    func start(_ first: Invocation, ts: Int64?, coarse: Bool = false, line: Int64, text: UnsafeRawBufferPointer, clock: StreamClock,
               stream: LogStreamState? = nil, sink: some RecordSink) {
        if let o = orphan { orphan = nil; finalize(o, sink: sink) }
        var inv = first
        if inv.hasStart, inv.hasReport || inv.timedOut, !inv.finalized, let s = stream {
            // The same invocation delivered again (a retried subscription, overlapping pulls):
            // the first delivery is whole, so it is finished now, and this START begins a new
            // invocation; its records are the same messages, counted as duplicates downstream.
            finalize(inv, sink: sink)
            inv = inv.id.withUnsafeBytes { lookup($0, line: line, text: text, stream: s) }
        }
        expiry.observe(ts, inv, clock)
        guard !inv.hasStart else { return }
        inv.hasStart = true
        inv.startTs = ts
        inv.startCoarse = coarse
        if let ts, inv.firstTs == nil { inv.firstTs = ts }
        if line <= inv.firstLine { inv.firstLine = line }
        inv.firstText = Array(text.prefix(300))
    }

    func report(_ inv: Invocation, durationMicros: Int64?, initMicros: Int64?, line: Int64) {
        guard !inv.hasReport else { return }
        inv.hasReport = true
        inv.durationMicros = durationMicros
        inv.initMicros = initMicros
        inv.reportLine = line
        reported.append(inv)
        if reported.count - 1 == reportedHead { reportedDue = line &+ Self.lag }
    }

    /// A complete log message (possibly many lines) of `inv` (nil: of no invocation).
    func message(_ inv: Invocation?, isError: Bool, ts: Int64?, text: [UInt8], line: Int64, clock: StreamClock, sink: some RecordSink) {
        let raw: Bool = text.withUnsafeBytes { b in
            if let p = TextCheck.check(b) {
                sink.reject(.invalidMessage, line: line, text: UnsafeRawBufferPointer(rebasing: b.prefix(300)),
                            detail: p == .nul ? "NUL byte in the message" : "invalid UTF-8 in the message")
                return false
            }
            return true
        }
        guard raw else { return }
        let target = inv ?? text.withUnsafeBytes { orphanInvocation(line: line, text: $0) }
        expiry.observe(ts, inv, clock)
        if let ts, target.firstTs == nil { target.firstTs = ts }
        if isError { target.error = true }
        let scan = EnvelopeReader.scan(text)
        // Error markers are searched before the first envelope (envelopes are large and cannot
        // hold them), or in the whole message when it logged an error object.
        let hasErrorItem = scan.items.contains { if case .error = $0 { return true } else { return false } }
        let m = text.withUnsafeBytes { b in
            EnvelopeReader.markers(UnsafeRawBufferPointer(rebasing: b[0..<(hasErrorItem ? b.count : (scan.firstValue ?? b.count))]))
        }
        if m.error { target.error = true }
        if m.noHandler { target.noHandler = true }
        if m.timedOut { target.timedOut = true }
        for item in scan.items {
            if case .error(let e) = item {
                target.error = true
                if target.errorType == nil { target.errorType = e.type }
                target.structuredError(e)
            } else {
                target.items.append((item, ts, line))
            }
        }
        // Only error messages pay for reading the message and the stack.
        if (isError || m.error) && !hasErrorItem && !target.errorStructured && (target.errorMessage == nil || target.errorFrame == nil) {
            let info = text.withUnsafeBytes { ErrorDetails.fromText($0, valueStart: scan.firstValue) }
            if target.errorMessage == nil, let msg = info.message {
                target.errorMessage = msg
                if target.errorType == nil { target.errorType = info.type }
            }
            if target.errorFrame == nil { target.errorFrame = info.frame }
        }
        if m.timedOut && target.timeoutMessage == nil {
            target.timeoutMessage = text.withUnsafeBytes { Self.timeoutText($0) }
        }
        if let d = scan.damage {
            if d.responseLike { target.invalidResponse = true }
            let masked = text.withUnsafeBytes { EnvelopeReader.masked($0) }
            target.damage.append((d.reason, line, masked, d.detail))
        }
    }

    /// `Task timed out after 3.00 seconds` from a message that has it (to the end of its line).
    static func timeoutText(_ b: UnsafeRawBufferPointer) -> String? {
        guard let at = LambdaLineParser.find(b, "Task timed out after") else { return nil }
        var e = at
        while e < b.count, b[e] != 0x0a, b[e] != 0x0d { e += 1 }
        return ErrorDetails.clean(String(decoding: UnsafeRawBufferPointer(rebasing: b[at..<e]), as: UTF8.self))
    }

    /// Finishes invocations reported more than `lag` lines before `line`, and every 64 lines
    /// (often enough: the limits are far larger) closes the silent ones. Every line runs only the
    /// two integer tests: with a call ahead of them the assembler was retained and released on
    /// every line (12.7 M instructions on a 10 MB Lambda text log).
    @inline(__always)
    func tick(line: Int64, sink: some RecordSink) {
        let expire = line &- expiryCheckedAt >= 64 || line < expiryCheckedAt
        if expire || (reportedHead < reported.count && reportedDue < line) { tickSlow(line: line, expire: expire, sink: sink) }
    }

    @inline(never)
    private func tickSlow(line: Int64, expire: Bool, sink: some RecordSink) {
        if expire {
            expiryCheckedAt = line
            expiry.expire(line: line) { finalize($0, sink: sink) }
        }
        while reportedHead < reported.count, reportedDue < line {
            let inv = reported[reportedHead]
            reportedHead += 1
            if reportedHead < reported.count { reportedDue = reported[reportedHead].reportLine &+ Self.lag }
            if !inv.finalized { finalize(inv, sink: sink) }
        }
        if reportedHead == reported.count { reported.removeAll(keepingCapacity: true); reportedHead = 0 }
    }

    /// A live input gone idle: finishes every invocation whose REPORT has arrived, without
    /// waiting for the `lag` lines after it.
    func releaseReported(sink: some RecordSink) {
        while reportedHead < reported.count {
            let inv = reported[reportedHead]
            reportedHead += 1
            if !inv.finalized { finalize(inv, sink: sink) }
        }
        reported.removeAll(keepingCapacity: true); reportedHead = 0
    }

    /// End of input: everything still pending, in order of first line.
    func finish(sink: some RecordSink) {
        tick(line: Int64.max - Self.lag - 1, sink: sink)
        var rest = Array(open.values)
        if let o = orphan { rest.append(o); orphan = nil }
        rest.sort { $0.firstLine < $1.firstLine }
        for inv in rest where !inv.finalized { finalize(inv, sink: sink) }
        for w in asyncWaiting.drain() { deliver(w.p, w.inv, cut: false, sink: sink) }
        releaseHeld(all: true, sink: sink)
    }

    // MARK: Skills that do not log responses

    /// The skill a record's response logging is decided for: its skillId; smart home directives
    /// (which carry none) and requests without one share a key per skill type.
    private static func loggingKey(_ f: RequestFields) -> String {
        f.skillId ?? (f.smartHome ? "\u{1}smart_home" : "")
    }

    /// A skill logged a response: its held records are missing theirs.
    private func skillLogsResponses(_ key: String, sink: some RecordSink) {
        guard responseLogging[key] != .yes else { return }
        responseLogging[key] = .yes
        guard held.contains(where: { $0.key == key }) else { return }
        var rest: [(p: Pending, inv: Invocation, key: String, ts: Int64?)] = []
        for h in held {
            if h.key == key { emit(h.p, h.inv, cut: false, responsesLogged: true, sink: sink) } else { rest.append(h) }
        }
        held = rest
    }

    /// Decides "does not log responses" for the skills whose held records waited long enough
    /// (or all, at the end of the input), and emits those records.
    private func releaseHeld(all: Bool, sink: some RecordSink) {
        guard !held.isEmpty else { return }
        var decided: Set<String> = []
        if all {
            for h in held { decided.insert(h.key) }
        } else {
            var counts: [String: Int] = [:]
            for h in held { counts[h.key, default: 0] += 1 }
            for h in held where counts[h.key]! >= Self.holdCount || (h.ts.map { $0 &+ holdMs < latestTs } ?? false) {
                decided.insert(h.key)
            }
        }
        guard !decided.isEmpty else { return }
        var rest: [(p: Pending, inv: Invocation, key: String, ts: Int64?)] = []
        for h in held {
            if decided.contains(h.key) { emit(h.p, h.inv, cut: false, responsesLogged: false, sink: sink) } else { rest.append(h) }
        }
        held = rest
        for k in decided where responseLogging[k] != .yes { responseLogging[k] = .no }
    }

    // MARK: Records

    struct Pending {
        var f: RequestFields
        var ts: Int64?
        var response: ResponseFields?
        var responseTs: Int64?
        /// The response came asynchronously, after the directive's invocation.
        var async = false
    }

    func finalize(_ inv: Invocation, sink: some RecordSink) {
        inv.finalized = true
        if !inv.id.isEmpty { open.removeValue(forKey: InvocationKey(inv.id)) }
        let cut = !inv.id.isEmpty && !inv.hasReport && !inv.timedOut && (inv.hasStart || inv.expired)
        let cutWhy = inv.expired ? "no END/REPORT within \(InvocationExpiry.limitMs / 1000) s of its log stream's time (\(InvocationExpiry.crossStreamLimitMs / 60_000) min of the input's) after its last line"
                                 : "START without END/REPORT before the end of the input"
        var recs: [Pending] = []
        var unpaired: [(String, ResponseFields, Int64?)] = []
        for (item, ts, _) in inv.items {
            switch item {
            case .request(let f):
                if let id = f.messageId, recs.contains(where: { $0.f.messageId == id && $0.f.isChangeReport == f.isChangeReport }) { continue }
                recs.append(Pending(f: f, ts: ts))
            case .response(let r):
                var target: Int?
                if r.smartHome {
                    if let tok = r.correlationToken {
                        // A DeferredResponse is replaced by the answer that follows it.
                        target = recs.firstIndex { $0.f.smartHome && !$0.f.isChangeReport && $0.f.correlationToken == tok
                            && ($0.response == nil || ($0.response!.deferred && !r.deferred)) }
                    }
                    // Without a token on both sides (Discover has none), the first directive
                    // still waiting for its response.
                    if target == nil {
                        target = recs.firstIndex { $0.f.smartHome && !$0.f.isChangeReport && $0.response == nil && ($0.f.correlationToken == nil || r.correlationToken == nil) }
                    }
                } else {
                    target = recs.lastIndex { !$0.f.smartHome && $0.response == nil }
                }
                if let t = target { recs[t].response = r; recs[t].responseTs = ts }
                else if r.smartHome, !r.deferred, let tok = r.correlationToken { unpaired.append((tok, r, ts)) }
            case .error: break
            }
        }
        // The clock of record time moves on: directives that waited too long stop waiting.
        if let t = inv.startTs ?? inv.firstTs ?? recs.first?.ts, t > latestTs { latestTs = t }
        if !asyncWaiting.isEmpty, latestTs != Int64.min {
            for w in asyncWaiting.expire(before: latestTs &- holdMs) { deliver(w.p, w.inv, cut: false, sink: sink) }
        }
        // Asynchronous responses to directives of earlier invocations.
        var pairedAsync = false
        for (tok, r, ts) in unpaired {
            guard var w = asyncWaiting.take(tok) else { continue }
            w.p.response = r
            w.p.responseTs = ts
            w.p.async = true
            skillLogsResponses(Self.loggingKey(w.p.f), sink: sink)
            deliver(w.p, w.inv, cut: false, sink: sink)
            pairedAsync = true
        }
        if recs.isEmpty {
            if pairedAsync && inv.damage.isEmpty { return }
            if !inv.damage.isEmpty {
                for d in inv.damage { rejectDamage(d, sink) }
                return
            }
            guard !inv.id.isEmpty else { return }
            let detail: String
            if cut {
                detail = cutWhy + ", and no request envelope"
                inv.firstText.withUnsafeBytes { sink.reject(.invocationCutShort, line: inv.firstLine, text: $0, detail: detail) }
                return
            }
            if !unpaired.isEmpty {
                detail = "an asynchronous smart home response whose directive is not in the \(holdMs / 1000) s before it in this input"
            } else {
                detail = inv.hasStart ? "no request envelope was logged" : "no request envelope in this input (its START is not in it)"
            }
            inv.firstText.withUnsafeBytes { sink.reject(.invocationWithoutEnvelope, line: inv.firstLine, text: $0, detail: detail) }
            return
        }
        for p in recs where p.response != nil && !p.f.isChangeReport { skillLogsResponses(Self.loggingKey(p.f), sink: sink) }
        releaseHeld(all: false, sink: sink)
        for p in recs {
            // A directive without its answer yet (none, or a DeferredResponse) waits for an
            // asynchronous one with its correlationToken.
            if p.f.smartHome, !p.f.isChangeReport, let tok = p.f.correlationToken, p.response == nil || p.response!.deferred,
               !cut, !inv.timedOut, !inv.error, let t = inv.startTs ?? p.ts ?? inv.firstTs {
                for w in asyncWaiting.add(token: tok, ts: t, (p, inv)) { deliver(w.p, w.inv, cut: false, sink: sink) }
                continue
            }
            deliver(p, inv, cut: cut, sink: sink)
        }
        for d in inv.damage { rejectDamage(d, sink) }
        if cut {
            inv.firstText.withUnsafeBytes {
                sink.reject(.invocationCutShort, line: inv.firstLine, text: $0,
                            detail: cutWhy + "; its record has no Lambda latency")
            }
        }
    }

    private func rejectDamage(_ d: (reason: RejectReason, line: Int64, text: [UInt8], detail: String), _ sink: some RecordSink) {
        d.text.withUnsafeBytes { sink.reject(d.reason, line: d.line, text: $0, detail: d.detail) }
    }

    /// Emits a record, or holds it while its skill's response logging is undecided.
    private func deliver(_ p: Pending, _ inv: Invocation, cut: Bool, sink: some RecordSink) {
        guard missesResponse(p, inv, cut: cut) else {
            emit(p, inv, cut: cut, responsesLogged: true, sink: sink)
            return
        }
        let key = Self.loggingKey(p.f)
        switch responseLogging[key] ?? .unknown {
        case .yes: emit(p, inv, cut: cut, responsesLogged: true, sink: sink)
        case .no: emit(p, inv, cut: cut, responsesLogged: false, sink: sink)
        case .unknown: held.append((p, inv, key, inv.startTs ?? p.ts ?? inv.firstTs ?? p.f.requestTimestamp))
        }
    }

    /// A record whose outcome depends on whether its skill logs responses: it expected a
    /// response, none was logged, and nothing else (an error, a timeout) decides its outcome.
    private func missesResponse(_ p: Pending, _ inv: Invocation, cut: Bool) -> Bool {
        !p.f.isChangeReport && p.f.expectsResponse && p.response == nil && !cut && inv.hasReport
            && !inv.timedOut && !inv.error && !inv.invalidResponse
    }

    private func emit(_ p: Pending, _ inv: Invocation, cut: Bool, responsesLogged: Bool, sink: some RecordSink) {
        let f = p.f
        let ts: Int64?
        if f.isChangeReport { ts = p.ts ?? inv.startTs ?? inv.firstTs }
        else if inv.startCoarse, let s = inv.startTs, let t = p.ts, t >= s, t < s &+ 1000 {
            // START in whole seconds: its envelope's line, a few ms after it in the same second.
            ts = t
        }
        else {
            ts = inv.startTs ?? p.ts ?? inv.firstTs ?? f.requestTimestamp
            if inv.startTs == nil && p.ts == nil && inv.firstTs == nil && ts != nil { sink.noteTimeFromRequest() }
        }
        guard let ts else {
            inv.firstText.withUnsafeBytes { sink.reject(.missingTs, line: inv.firstLine, text: $0, detail: "no log time and no request.timestamp") }
            return
        }
        var b = CanonicalBuilder()
        b.timestamp("ts", ts)
        b.string("messageId", f.messageId)
        b.string("sessionId", f.sessionId)
        b.string("userId", f.userId)
        b.string("skillId", f.skillId)
        b.string("deviceId", f.deviceId)
        b.string("locale", f.locale)
        b.string("skillType", f.skillType)
        b.string("requestType", f.requestType)
        b.string("intent", f.intent)
        if let s = f.slots { s.withUnsafeBytes { b.raw("slots", json: $0) } }
        b.string("reason", f.reason)
        b.string("namespace", f.namespace)
        b.string("name", f.name)
        b.string("endpointId", f.endpointId)
        b.string("correlationToken", f.correlationToken)
        b.string("ispAction", f.ispAction)
        b.string("productId", f.productId)
        b.string("purchaseResult", f.purchaseResult)
        var errorType = f.errorType
        var errorMessage: String?, errorFrame: String?
        if !f.isChangeReport {
            // Latency: Lambda's own figure, else the log times of request and response; for an
            // asynchronous answer, the time until it was sent (what Alexa waits for).
            if p.async, let rt = p.responseTs, rt >= ts {
                b.number("latencyMs", rt - ts)
                b.string("latencySource", "log")
            } else if let d = inv.durationMicros {
                let total = d + (inv.initMicros ?? 0)
                b.number("latencyMs", (total + 500) / 1000)
                b.string("latencySource", "lambda")
            } else if let rt = p.responseTs, rt >= ts {
                b.number("latencyMs", rt - ts)
                b.string("latencySource", "log")
            }
            var outcome: String?
            if inv.timedOut {
                outcome = "no_response"; errorType = "ENDPOINT_TIMEOUT"
                errorMessage = inv.timeoutMessage
            } else if inv.error {
                outcome = "error"; errorType = inv.errorType ?? errorType
                errorMessage = inv.errorMessage; errorFrame = inv.errorFrame
            } else if let r = p.response {
                if r.isError { outcome = "error"; errorType = r.errorType ?? errorType; errorMessage = r.errorMessage } else { outcome = "success" }
            } else if inv.invalidResponse {
                outcome = "error"; errorType = errorType ?? "InvalidResponse"
            } else if f.expectsResponse && !cut && inv.hasReport {
                if responsesLogged {
                    outcome = "error"; errorType = errorType ?? "MissingResponse"
                } else {
                    // SPEC 3: the skill never logs responses, and nothing failed.
                    outcome = "success"
                    sink.noteOutcomeFromErrorsAlone()
                }
            }
            if inv.noHandler && outcome != "no_response" { errorType = "NoHandler" }
            b.string("outcome", outcome)
            if let r = p.response {
                b.bool("endSession", r.endSession)
                b.bool("reprompt", r.reprompt)
                b.number("speechMs", r.speechMs)
            }
        }
        b.string("errorType", errorType)
        b.string("errorMessage", errorMessage)
        b.string("errorFrame", errorFrame)
        if let s = f.state ?? p.response?.state { s.withUnsafeBytes { b.raw("state", json: $0) } }
        if !inv.id.isEmpty { inv.id.withUnsafeBytes { b.string("lambdaRequestId", bytes: $0) } }
        if keepRaw && !inv.rawLines.isEmpty { sink.attachRaw(line: inv.firstLine, lines: inv.rawLines) }
        sink.acceptJSON(b.finish(), line: inv.firstLine)
    }
}

/// A Lambda request id as a dictionary key, hashed in one pass (not byte by byte).
struct InvocationKey: Hashable {
    let bytes: [UInt8]
    init(_ b: [UInt8]) { bytes = b }
    func hash(into h: inout Hasher) { h.combine(bytes.withUnsafeBytes { byteHash($0) }) }
    static func == (a: Self, b: Self) -> Bool { a.bytes == b.bytes }
}

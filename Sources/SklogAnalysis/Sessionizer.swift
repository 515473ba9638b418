#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import SklogRecords

/// Streaming sessionization (SPEC 5.2) of records that arrive in time order.
///
/// A session is the records sharing a `sessionId`. It ends at a `SessionEndedRequest`, at a
/// record with `endSession: true`, or when the session has had no record for more than
/// `idleTimeoutMs` of record time (a record exactly `idleTimeoutMs` after the previous one still
/// belongs to the session). A later record with the same `sessionId` starts a new session, counted
/// in `reopenedSessions` when the previous one closed less than `reopenWindowMs` earlier.
///
/// Each closed session gets its outcome and its friction events (SPEC 5.3) and is passed to
/// `onSession`: in closing order, or in (start, sessionId) order with `emitInStartOrder`.
/// Records without a `sessionId` (smart home, events) do not form sessions. Memory grows with open
/// sessions (and the IDs of sessions closed within `reopenWindowMs`), not with input size.
public final class Sessionizer {
    public let options: SessionOptions
    private let onSession: (Session) -> Void

    /// Sessions started by a record whose sessionId belonged to a session that had already ended.
    public private(set) var reopenedSessions = 0
    /// Records older than a record seen before them (released late by the record stream).
    public private(set) var lateRecords = 0
    static let emptySession = Session(sessionId: "", userId: nil, userHash: nil, locale: nil, stage: nil, start: 0, end: 0,
                                      outcome: .unknown, turns: [], messageIds: [], friction: [], reopened: false)

    /// Records without a sessionId (they are not part of any session).
    public private(set) var recordsWithoutSession = 0
    /// Sessions closed so far.
    public private(set) var sessionCount = 0
    /// The latest record time seen.
    public private(set) var now: Int64 = .min
    /// Pass sessions to `onSession` ordered by (start, sessionId) instead of in closing order.
    /// Closed sessions are held until no open session can start before them.
    public var emitInStartOrder = false

    final class Open {
        var session: Session
        let seq: Int64
        let key: UInt64
        let start: Int64
        var lastTs: Int64
        var closed = false
        init(session: Session, seq: Int64, key: UInt64, lastTs: Int64) {
            self.session = session; self.seq = seq; self.key = key; self.lastTs = lastTs; start = session.start
        }
    }

    /// Open sessions by sessionId hash: an open-addressing table of 64-bit hashes (no SipHash
    /// per record, as with a Dictionary) pointing into a slot array.
    private var openIndex = HashMap64(capacity: 4096)
    private var openSlots: [Open?] = []
    private var freeSlots: [Int] = []
    private var idle = MinHeap<IdleEntry>()
    private var seq: Int64 = 0
    /// Open sessions in creation order (closed ones are skipped lazily): the oldest open start.
    private var openOrder: [Open] = []
    private var openHead = 0
    /// Recently closed session IDs (by hash), for counting reopened sessions.
    private var closedAt = HashMap64(capacity: 4096)
    private var closedOrder: [(key: UInt64, ts: Int64)] = []
    private var closedHead = 0
    /// emitInStartOrder: the next session of openOrder to pass on (closed ones wait there).
    private var emitHead = 0
    private var interner = Interner()

    public init(options: SessionOptions, onSession: @escaping (Session) -> Void) {
        self.options = options
        self.onSession = onSession
    }

    /// Adds the next record (in time order).
    public func add(_ r: Record) {
        let ts = r.ts
        if ts < now {
            lateRecords += 1
        } else if ts > now {
            now = ts
            expireIdle()
            forgetClosed()
        }
        guard r.sessionId.isPresent else {
            recordsWithoutSession += 1
            if emitInStartOrder { release(all: false) }
            return
        }
        let key = r.hash(r.sessionId)
        var o = openGet(key)
        if let x = o, !r.withBytes(r.sessionId, { Interner.same(x.session.sessionId, $0) }) {
            // Two session IDs with the same 64-bit hash: keep them apart by closing the older.
            close(x, by: .endOfInput)
            o = nil
        }
        let s: Open
        if let o { s = o } else { s = start(r, key: key) }
        append(r, to: s)
        if r.isSessionEnded {
            s.session.endReason = r.string(r.reason)
            s.session.endMessageId = s.session.messageIds.last
            close(s, by: .sessionEndedRequest)
        } else if r.endSession == .yes {
            close(s, by: .endSession)
        }
        if emitInStartOrder { release(all: false) }
    }

    /// Closes every open session (end of input) and passes on everything still held.
    public func finish() {
        let rest = openSlots.compactMap { $0 }.sorted { $0.seq < $1.seq }
        for o in rest { close(o, by: .endOfInput) }
        release(all: true)
    }

    /// The start of the oldest open session, if any.
    public var oldestOpenStart: Int64? {
        while openHead < openOrder.count && openOrder[openHead].closed { openHead += 1 }
        let done = min(openHead, emitInStartOrder ? emitHead : openHead)
        if done > 4096 && done * 2 > openOrder.count {
            openOrder.removeFirst(done); openHead -= done
            if emitInStartOrder { emitHead -= done }
        }
        return openHead < openOrder.count ? openOrder[openHead].start : nil
    }

    /// Sessions that start before this time have all been passed to `onSession`, or are open;
    /// no later session will start before it: min(now, oldest open start).
    public var releaseLimit: Int64 {
        guard let o = oldestOpenStart else { return now }
        return min(o, now)
    }

    /// Number of open sessions.
    public var openSessions: Int { openIndex.count }

    // MARK: Internals

    @inline(__always) private func openGet(_ key: UInt64) -> Open? {
        guard let i = openIndex[key] else { return nil }
        return openSlots[Int(i)]
    }

    private func openSet(_ key: UInt64, _ o: Open) {
        if let i = openIndex[key] { openSlots[Int(i)] = o; return }
        let i: Int
        if let f = freeSlots.popLast() { i = f; openSlots[i] = o } else { i = openSlots.count; openSlots.append(o) }
        openIndex.insert(key, Int64(i))
    }

    private func openRemove(_ key: UInt64) {
        guard let i = openIndex[key] else { return }
        openSlots[Int(i)] = nil
        freeSlots.append(Int(i))
        openIndex.remove(key)
    }

    private func start(_ r: Record, key: UInt64) -> Open {
        seq += 1
        var reopened = false
        if let t = closedAt[key], now - t <= options.reopenWindowMs {
            reopened = true
            reopenedSessions += 1
        }
        let sess = Session(sessionId: r.string(r.sessionId)!, userId: nil, userHash: nil, locale: nil, stage: nil,
                           start: r.ts, end: r.ts, outcome: .unknown, turns: [], messageIds: [], friction: [], reopened: reopened)
        let o = Open(session: sess, seq: seq, key: key, lastTs: r.ts)
        o.session.messageIds.reserveCapacity(4)
        o.session.turns.reserveCapacity(4)
        openSet(key, o)
        openOrder.append(o)
        idle.push(IdleEntry(deadline: r.ts &+ options.idleTimeoutMs, seq: seq, key: key))
        return o
    }

    @inline(__always)
    private func append(_ r: Record, to o: Open) {
        let ts = r.ts
        if ts > o.lastTs { o.lastTs = ts }
        if ts > o.session.end { o.session.end = ts }
        let mid = r.string(r.messageId) ?? ""
        o.session.messageIds.append(mid)
        if o.session.userId == nil, r.userId.isPresent {
            o.session.userId = r.string(r.userId)
            o.session.userHash = r.hash(r.userId)
        }
        if o.session.locale == nil, r.locale.isPresent { o.session.locale = interner.string(r, r.locale) }
        if o.session.stage == nil, r.stage.isPresent { o.session.stage = interner.string(r, r.stage) }
        if o.session.skillId == nil, r.skillId.isPresent { o.session.skillId = interner.string(r, r.skillId) }
        guard r.isTurn else { return }
        o.session.turns.append(Sessionizer.turn(r, messageId: mid, interner: &interner, options: options))
    }

    /// The values of a turn record that sessions, paths and friction use.
    static func turn(_ r: Record, messageId: String, interner: inout Interner, options: SessionOptions) -> Turn {
        let isIntent = r.isIntentRequest
        let intent = isIntent ? interner.string(r, r.intent) : nil
        let step = isIntent ? (intent ?? "IntentRequest") : "LaunchRequest"
        var t = Turn(messageId: messageId, ts: r.ts, step: step, intent: intent, failed: r.failed, latencyMs: r.latencyMs)
        t.endSession = r.endSession
        t.speechMs = r.speechMs
        t.bargeIn = r.bargeIn
        t.confidence = r.confidence
        var unhandled = r.unhandled == .yes || r.equals(r.errorType, "NoHandler") || (isIntent && r.equals(r.intent, "AMAZON.FallbackIntent"))
        if !unhandled, isIntent, let model = options.modelIntents, let intent, !model.contains(intent) { unhandled = true }
        t.unhandled = unhandled
        if r.utterance.isPresent { t.utterance = r.string(r.utterance) }
        if r.slots.isPresent { t.slots = SlotValues.canonical(r) }
        return t
    }

    private func close(_ o: Open, by how: SessionEnd) {
        guard !o.closed else { return }
        o.closed = true
        if let cur = openGet(o.key), cur === o { openRemove(o.key) }
        // Move the session out (the Open object may live on in openOrder for a while).
        var s = o.session
        o.session = Sessionizer.emptySession
        s.endedBy = how
        s.outcome = SessionOutcome.of(endReason: s.endReason, lastTurn: s.turns.last)
        s.friction = Friction.events(for: s, options: options)
        closedAt.insert(o.key, now)
        closedOrder.append((o.key, now))
        sessionCount += 1
        if emitInStartOrder {
            o.session = s     // held in openOrder until its turn
        } else {
            onSession(s)
            // Drop closed sessions from the front of openOrder now and then, so that memory
            // follows open sessions, not all sessions ever seen.
            if sessionCount & 1023 == 0 { _ = oldestOpenStart }
        }
    }

    /// Closes sessions idle for more than the timeout at `now`.
    private func expireIdle() {
        let limit = options.idleTimeoutMs
        while let top = idle.min, top.deadline < now {
            idle.pop()
            guard let o = openGet(top.key), o.seq == top.seq else { continue }
            if now - o.lastTs > limit {
                close(o, by: .idleTimeout)
            } else {
                idle.push(IdleEntry(deadline: o.lastTs &+ limit, seq: o.seq, key: o.key))
            }
        }
    }

    private func forgetClosed() {
        let horizon = now &- options.reopenWindowMs
        while closedHead < closedOrder.count && closedOrder[closedHead].ts < horizon {
            let e = closedOrder[closedHead]
            if closedAt[e.key] == e.ts { closedAt.remove(e.key) }
            closedHead += 1
        }
        if closedHead > 65536 && closedHead * 2 > closedOrder.count { closedOrder.removeFirst(closedHead); closedHead = 0 }
    }

    /// Passes on closed sessions that no open or future session can precede: openOrder is in
    /// order of start (sessions start in record order); sessions with the same start go by
    /// sessionId once all of them are closed and time has moved past their start.
    private func release(all: Bool) {
        guard emitInStartOrder else { return }
        while emitHead < openOrder.count {
            let first = openOrder[emitHead]
            guard first.closed, all || first.start < now else { return }
            var j = emitHead + 1
            while j < openOrder.count && openOrder[j].start == first.start {
                guard openOrder[j].closed else { if !all { return }; break }
                j += 1
            }
            if j == emitHead + 1 {
                let s = first.session
                first.session = Sessionizer.emptySession
                emitHead = j
                onSession(s)
            } else {
                let group = openOrder[emitHead..<j].sorted { a, b in
                    a.session.sessionId != b.session.sessionId ? a.session.sessionId < b.session.sessionId : a.seq < b.seq
                }
                emitHead = j
                for o in group {
                    let s = o.session
                    o.session = Sessionizer.emptySession
                    onSession(s)
                }
            }
        }
        if all { openOrder = []; openHead = 0; emitHead = 0 }
    }
}

extension SessionOutcome {
    /// The intents whose turn ends a session by the user's choice.
    public static func isUserEndingIntent(_ intent: String?) -> Bool {
        intent == "AMAZON.StopIntent" || intent == "AMAZON.CancelIntent" || intent == "AMAZON.NavigateHomeIntent"
    }

    /// SPEC 5.2: the first outcome that applies. `endReason` is the reason of the
    /// SessionEndedRequest that ended the session (nil when none did).
    public static func of(endReason: String?, lastTurn: Turn?) -> SessionOutcome {
        if endReason == "ERROR" || lastTurn?.failed == true { return .failed }
        if endReason == "EXCEEDED_MAX_REPROMPTS" { return .noResponse }
        if endReason == "USER_INITIATED" || isUserEndingIntent(lastTurn?.intent) { return .userEnded }
        if lastTurn?.endSession == .yes { return .skillEnded }
        return .unknown
    }

    /// successful = user_ended + skill_ended (SPEC 5.2).
    public var isSuccessful: Bool { self == .userEnded || self == .skillEnded }
}

/// Slot values of a record, as used for retries and friction signatures.
public enum SlotValues {
    /// `name=value, …` sorted by name, null values left out; nil when there are none.
    public static func canonical(_ r: Record) -> String? {
        r.withBytes(r.slots) { obj -> String? in
            guard obj.count > 2 else { return nil }
            var pairs: [(String, String)] = []
            var sc = JSONScanner(obj)
            do {
                try sc.members { ks, ke, kind, vs, ve in
                    if kind == .null { return }
                    let name = text(UnsafeRawBufferPointer(rebasing: obj[ks..<ke]))
                    let value: String
                    if kind == .string {
                        value = text(UnsafeRawBufferPointer(rebasing: obj[vs..<ve]))
                    } else {
                        value = String(decoding: UnsafeRawBufferPointer(rebasing: obj[vs..<ve]), as: UTF8.self)
                    }
                    pairs.append((name, value))
                }
            } catch { return nil }
            if pairs.isEmpty { return nil }
            pairs.sort { $0.0 < $1.0 }
            var out = ""
            for (i, p) in pairs.enumerated() {
                if i > 0 { out += ", " }
                out += p.0; out += "="; out += p.1
            }
            return out
        }
    }

    /// A JSON string's content, unescaped.
    static func text(_ b: UnsafeRawBufferPointer) -> String {
        if b.count > 0, memchr(b.baseAddress!, 0x5c, b.count) != nil {
            var out: [UInt8] = []
            JSONText.unescape(b, into: &out)
            return String(decoding: out, as: UTF8.self)
        }
        return String(decoding: b, as: UTF8.self)
    }
}

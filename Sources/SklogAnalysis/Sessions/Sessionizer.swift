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
///
/// While a session is open it is bytes: 64 bytes of fixed fields in an `OpenSessionTable` slot,
/// and its IDs and turn values in one malloc'ed buffer (`SessionBytes`); repeated values
/// (intents, locales, stages, skills) are numbers into a `ValueTable`. The `Session` value, with
/// its `String`s, is made when it closes.
public final class Sessionizer {
    public let options: SessionOptions
    private let onSession: (Session) -> Void

    /// Sessions started by a record whose sessionId belonged to a session that had already ended.
    public private(set) var reopenedSessions = 0
    /// Records older than a record seen before them (released late by the record stream).
    public private(set) var lateRecords = 0
    /// Records without a sessionId (they are not part of any session).
    public private(set) var recordsWithoutSession = 0
    /// Sessions closed so far.
    public private(set) var sessionCount = 0
    /// The latest record time seen.
    public private(set) var now: Int64 = .min
    /// Pass sessions to `onSession` ordered by (start, sessionId) instead of in closing order.
    /// Closed sessions are held until no open session can start before them.
    public var emitInStartOrder = false
    /// What the sessions passed on carry. With `.counts` they have no session, user or message
    /// IDs (empty strings and arrays; `userHash` is kept): for consumers that only count, so that
    /// no `String` is made per record (and the open sessions keep no message IDs); with
    /// `.noText` and `.counts` no turn has its utterance or slot values (friction events still
    /// do). Set it before the first record.
    public var detail = SessionDetail.full
    /// `detail` as it was at the first record (what the open sessions' bytes hold).
    private var keepIDs = true
    private var keepText = true
    private var textSpans: [TurnTexts.Span] = []
    private var started = false

    private var table = OpenSessionTable()
    private var values = ValueTable()
    /// Per ValueTable id: 1 when the value is an intent missing from the interaction model, 0
    /// when not, 2 not yet known.
    private var notInModel: [UInt8] = []
    private var idle = IdleQueue()
    private var seq: Int64 = 0
    /// Sessions in creation (= start) order, by seq - orderBase: the slot while open, else
    /// `held` (closed, waiting in `heldSessions` for emitInStartOrder) or `done`.
    private var order: [UInt32] = []
    private var orderBase: Int64 = 1
    private var openHead = 0
    /// emitInStartOrder: the next entry of `order` to pass on (closed ones wait there).
    private var emitHead = 0
    private var heldSessions: [Int64: Session] = [:]
    private static let held: UInt32 = 0xFFFF_FFFE, done: UInt32 = 0xFFFF_FFFF
    /// Recently closed session IDs (by hash), for counting reopened sessions.
    private var closedAt = HashMap64(capacity: 4096)
    private var closedOrder: [(key: UInt64, ts: Int64)] = []
    private var closedHead = 0
    private var finishing = false
    private var finishMin: [Int64] = []
    private var finishNext = 0
    private var releasing = false
    private var slotBytes: [UInt8] = []
    private var slotScratch = SlotValues.Scratch()

    public convenience init(options: SessionOptions, onSession: @escaping (Session) -> Void) {
        self.init(options: options, valueLimit: 100_000, byteLimit: Int(UInt32.max), onSession: onSession)
    }

    /// `valueLimit`: how many distinct repeated values get a number; `byteLimit`: the most bytes
    /// of one open session (tests make them small).
    init(options: SessionOptions, valueLimit: Int, byteLimit: Int = Int(UInt32.max), onSession: @escaping (Session) -> Void) {
        self.options = options
        self.onSession = onSession
        values = ValueTable(limit: valueLimit)
        maxBytes = min(byteLimit, Int(UInt32.max))
    }

    /// Adds the next record (in time order).
    public func add(_ r: Record) {
        if !started { started = true; keepIDs = detail != .counts; keepText = detail == .full }
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
        var found = table.find(key)
        if let x = found, !r.withBytes(r.sessionId, { sameSessionId(x, $0) }) {
            // Two session IDs with the same 64-bit hash: keep them apart by closing the older.
            close(x, by: .endOfInput)
            found = nil
        }
        let slot = append(r, to: found ?? start(r, key: key))
        if r.isSessionEnded {
            close(slot, by: .sessionEndedRequest, endReason: r.string(r.reason))
        } else if r.endSession == .yes {
            close(slot, by: .endSession)
        }
        if emitInStartOrder { release(all: false) }
    }

    /// Closes every open session (end of input) and passes on everything still held.
    public func finish() {
        finishing = true
        var rest: [UInt32] = []
        rest.reserveCapacity(table.count)
        for i in openHead..<order.count where order[i] < Self.held { rest.append(order[i]) }
        // The earliest start of the sessions still to close (a late record may have started a
        // session before older ones): what `releaseLimit` says meanwhile, so that a consumer can
        // write closed sessions as they go.
        finishMin = [Int64](repeating: .max, count: rest.count + 1)
        for i in rest.indices.reversed() { finishMin[i] = min(finishMin[i + 1], table[Int(rest[i])].start) }
        for (i, slot) in rest.enumerated() {
            finishNext = i + 1
            close(Int(slot), by: .endOfInput)
        }
        finishMin = []
        release(all: true)
    }

    /// The start of the oldest open session, if any.
    public var oldestOpenStart: Int64? {
        if finishing { return finishNext < finishMin.count - 1 ? finishMin[finishNext] : nil }
        while openHead < order.count && order[openHead] >= Self.held { openHead += 1 }
        if !releasing {
            let trim = min(openHead, emitInStartOrder ? emitHead : openHead)
            if trim > 4096 && trim * 2 > order.count {
                order.removeFirst(trim); orderBase += Int64(trim); openHead -= trim
                if emitInStartOrder { emitHead -= trim }
            }
        }
        return openHead < order.count ? table[Int(order[openHead])].start : nil
    }

    /// Sessions that start before this time have all been passed to `onSession`, or are open;
    /// no later session will start before it: min(now, oldest open start).
    public var releaseLimit: Int64 {
        guard let o = oldestOpenStart else { return now }
        return min(o, now)
    }

    /// Number of open sessions.
    public var openSessions: Int { table.count }

    // MARK: Open sessions

    @inline(__always)
    private func sameSessionId(_ slot: Int, _ b: UnsafeRawBufferPointer) -> Bool {
        var rd = SessionByteReader(p: UnsafeRawPointer(table[slot].data), end: Int(table[slot].used), at: 0)
        let id = rd.bytes()
        return id.count == b.count && (b.count == 0 || memcmp(id.baseAddress!, b.baseAddress!, b.count) == 0)
    }

    private func start(_ r: Record, key: UInt64) -> Int {
        seq += 1
        var reopened = false
        if let t = closedAt[key], now - t <= options.reopenWindowMs {
            reopened = true
            reopenedSessions += 1
        }
        // Room for the ID alone: `append` reserves what the record needs, so that a session of
        // one record takes what it uses.
        let cap = SessionBytes.sized(Int(r.sessionId.count))
        let data = malloc(cap)!
        var w = SessionByteWriter(p: data, at: 0)
        r.withBytes(r.sessionId) { w.bytes($0) }
        var o = OpenSession(key: key, seq: seq, start: r.ts, last: r.ts, data: data, used: UInt32(w.at), capacity: UInt32(cap))
        o.reopened = reopened
        let slot = table.insert(o)
        order.append(UInt32(slot))
        idle.push(.init(deadline: r.ts &+ options.idleTimeoutMs, seq: seq))
        return slot
    }

    /// The most bytes an open session holds (`UInt32` sizes; tests make it small): a session
    /// that would pass it (some 50 million records) is closed as at the end of input, and its
    /// next record starts a new one.
    private let maxBytes: Int

    /// Makes room for `more` bytes after the used ones; false when the session is full.
    @inline(__always)
    private func reserve(_ slot: Int, _ more: Int) -> Bool {
        let o = table[slot]
        let need = Int(o.used) + more
        if need <= Int(o.capacity) { return true }
        guard need <= maxBytes else { return false }
        // Double: a session of one record takes what it uses, longer ones grow a few times.
        let cap = min(maxBytes, max(need, 2 * Int(o.capacity)))
        table[slot].data = realloc(o.data, cap)!
        table[slot].capacity = UInt32(cap)
        return true
    }

    /// A value kept once per session (locale, stage, skill): its table id + 2, or 1 when it goes
    /// into the bytes (table full).
    @inline(__always)
    private func valueCode(_ r: Record, _ f: Field) -> UInt32 {
        r.withBytes(f) { values.id($0) }.map { $0 + 2 } ?? 1
    }

    /// Adds the record to the session; returns the session's slot (another when it was full).
    @inline(__always)
    private func append(_ r: Record, to slot: Int) -> Int {
        // Without IDs (`.counts`), message IDs are left out and the user is its hash.
        let ids = keepIDs
        // Exactly the bytes this record adds, so that a session takes what it uses.
        let sized = SessionBytes.sized
        var more = 1 + (ids ? sized(Int(r.messageId.count)) : 1)
        let user = !table[slot].hasUser && r.userId.isPresent
        if user { more += 1 + sized(ids ? Int(r.userId.count) : 8) }
        var locale: UInt32 = 0, stage: UInt32 = 0, skill: UInt32 = 0
        if table[slot].locale == 0, r.locale.isPresent { locale = valueCode(r, r.locale); if locale == 1 { more += 1 + sized(Int(r.locale.count)) } }
        if table[slot].stage == 0, r.stage.isPresent { stage = valueCode(r, r.stage); if stage == 1 { more += 1 + sized(Int(r.stage.count)) } }
        if table[slot].skill == 0, r.skillId.isPresent { skill = valueCode(r, r.skillId); if skill == 1 { more += 1 + sized(Int(r.skillId.count)) } }
        let turn = r.isTurn
        var step: UInt64 = 0
        var hasSlots = false
        var dt: UInt64 = 0, latency: UInt64 = 0, speech: UInt64 = 0
        if turn {
            let isIntent = r.isIntentRequest
            if isIntent {
                step = r.intent.isPresent ? (r.withBytes(r.intent) { values.id($0) }.map { UInt64($0) + 3 } ?? 2) : 1
            }
            // The slots object as it came: made canonical only where needed, at close.
            hasSlots = r.slots.isPresent && r.slots.count > 2
            dt = SessionBytes.zigzag(r.ts &- table[slot].start)
            latency = SessionBytes.zigzag(r.latencyMs)
            speech = SessionBytes.zigzag(r.speechMs)
            let v = SessionBytes.varintSize
            more += 3 + v(dt) + v(latency) + v(speech) + v(step) + (step == 2 ? sized(Int(r.intent.count)) : 0)
                + (r.utterance.isPresent ? sized(Int(r.utterance.count)) : 0) + (hasSlots ? sized(Int(r.slots.count)) : 0)
        }
        guard reserve(slot, more) else {
            let key = table[slot].key
            close(slot, by: .endOfInput)
            return append(r, to: start(r, key: key))
        }
        let ts = r.ts
        if ts > table[slot].last { table[slot].last = ts }
        var w = SessionByteWriter(p: table[slot].data, at: Int(table[slot].used))
        if user {
            w.byte(SessionBytes.user)
            if ids {
                r.withBytes(r.userId) { w.bytes($0) }
            } else {
                w.varint(8)
                var h = r.hash(r.userId).littleEndian
                withUnsafeBytes(of: &h) { (w.p + w.at).copyMemory(from: $0.baseAddress!, byteCount: 8) }
                w.at += 8
            }
            table[slot].hasUser = true
        }
        if locale != 0 { table[slot].locale = locale; if locale == 1 { w.byte(SessionBytes.locale); r.withBytes(r.locale) { w.bytes($0) } } }
        if stage != 0 { table[slot].stage = stage; if stage == 1 { w.byte(SessionBytes.stage); r.withBytes(r.stage) { w.bytes($0) } } }
        if skill != 0 { table[slot].skill = skill; if skill == 1 { w.byte(SessionBytes.skill); r.withBytes(r.skillId) { w.bytes($0) } } }
        w.byte(SessionBytes.message)
        if ids { r.withBytes(r.messageId) { w.bytes($0) } } else { w.byte(0) }
        if turn {
            w.byte(SessionBytes.turn)
            w.varint(dt)
            w.varint(latency)
            w.varint(speech)
            w.varint(step)
            if step == 2 { r.withBytes(r.intent) { w.bytes($0) } }
            var unhandled = r.unhandled == .yes || r.equals(r.errorType, "NoHandler") || (step >= 1 && r.equals(r.intent, "AMAZON.FallbackIntent"))
            if !unhandled, step >= 2, options.modelIntents != nil { unhandled = missingFromModel(r, step) }
            var flags: UInt8 = r.failed ? 1 : 0
            flags |= UInt8(r.endSession.rawValue + 1) << 1
            flags |= UInt8(r.bargeIn.rawValue + 1) << 3
            if unhandled { flags |= 1 << 5 }
            if r.utterance.isPresent { flags |= 1 << 6 }
            if hasSlots { flags |= 1 << 7 }
            w.byte(flags)
            w.byte(r.confidence.rawValue)
            if r.utterance.isPresent { r.withBytes(r.utterance) { w.bytes($0) } }
            if hasSlots { r.withBytes(r.slots) { w.bytes($0) } }
        }
        table[slot].used = UInt32(w.at)
        return slot
    }

    /// Whether the intent of a turn (step code ≥ 2) is not defined by the interaction model.
    private func missingFromModel(_ r: Record, _ step: UInt64) -> Bool {
        guard let model = options.modelIntents else { return false }
        guard step >= 3 else { return !model.contains(r.string(r.intent)!) }
        let id = Int(step - 3)
        while notInModel.count <= id { notInModel.append(2) }
        if notInModel[id] == 2 { notInModel[id] = model.contains(values[UInt32(id)]) ? 0 : 1 }
        return notInModel[id] == 1
    }

    // MARK: Closing

    private func close(_ slot: Int, by how: SessionEnd, endReason: String? = nil) {
        let o = table[slot]
        table.remove(slot)
        order[Int(o.seq - orderBase)] = emitInStartOrder ? Self.held : Self.done
        var s = session(o, endedByRequest: how == .sessionEndedRequest)
        s.endedBy = how
        s.endReason = endReason
        s.outcome = SessionOutcome.of(endReason: s.endReason, lastTurn: s.turns.last)
        if keepText {
            s.friction = Friction.events(for: s, options: options)
        } else if !s.turns.isEmpty {
            let base = UnsafeRawPointer(o.data)
            s.friction = s.turns.withUnsafeBufferPointer { t in
                textSpans.withUnsafeBufferPointer { Friction.events(s, t, options, texts: TurnTexts(base: base, spans: $0)) }
            }
        }
        free(o.data)
        // At the end of input no later record can reopen a session: nothing to remember.
        if !finishing {
            closedAt.insert(o.key, now)
            closedOrder.append((o.key, now))
        }
        sessionCount += 1
        if emitInStartOrder {
            heldSessions[o.seq] = s     // until its turn
        } else {
            onSession(s)
            // Drop closed sessions from the front of the order now and then, so that memory
            // follows open sessions, not all sessions ever seen.
            if sessionCount & 1023 == 0 { _ = oldestOpenStart }
        }
    }

    /// The `Session` value of an open session's bytes.
    private func session(_ o: OpenSession, endedByRequest: Bool) -> Session {
        let full = keepIDs
        var rd = SessionByteReader(p: UnsafeRawPointer(o.data), end: Int(o.used), at: 0)
        let sid = rd.bytes()
        var s = Session(sessionId: full ? String(decoding: sid, as: UTF8.self) : "", userId: nil, userHash: nil,
                        locale: o.locale >= 2 ? values[o.locale - 2] : nil, stage: o.stage >= 2 ? values[o.stage - 2] : nil,
                        start: o.start, end: o.last, outcome: .unknown, turns: [], messageIds: [], friction: [], reopened: o.reopened)
        if o.skill >= 2 { s.skillId = values[o.skill - 2] }
        // Sizes first, so that each array is allocated once.
        let n = Self.count(rd)
        s.turns.reserveCapacity(n.turns)
        if full { s.messageIds.reserveCapacity(ids: n.records, bytes: n.idBytes) }
        textSpans.removeAll(keepingCapacity: true)
        var mid = ""
        var midAt = UnsafeRawBufferPointer(start: nil, count: 0)
        var midMade = true
        while !rd.atEnd {
            switch rd.byte() {
            case SessionBytes.message:
                if full {
                    let b = rd.bytes()
                    s.messageIds.append(b)
                    // Only turns need the ID as a String.
                    midAt = b
                    midMade = false
                } else {
                    rd.skipBytes()
                }
            case SessionBytes.turn:
                if full && !midMade { mid = String(decoding: midAt, as: UTF8.self); midMade = true }
                s.turns.append(turn(&rd, start: o.start, messageId: mid))
            case SessionBytes.user:
                let b = rd.bytes()
                if full {
                    s.userHash = byteHash(b)
                    s.userId = String(decoding: b, as: UTF8.self)
                } else {
                    s.userHash = UInt64(littleEndian: b.loadUnaligned(as: UInt64.self))
                }
            case SessionBytes.locale: s.locale = rd.string()
            case SessionBytes.stage: s.stage = rd.string()
            default: s.skillId = rd.string()
            }
        }
        if endedByRequest { s.endMessageId = full && !midMade ? String(decoding: midAt, as: UTF8.self) : mid }
        return s
    }

    /// Records, turns and message ID bytes of a session's entries.
    private static func count(_ r: SessionByteReader) -> (records: Int, turns: Int, idBytes: Int) {
        var rd = r
        var records = 0, turns = 0, idBytes = 0
        while !rd.atEnd {
            switch rd.byte() {
            case SessionBytes.message:
                let k = Int(rd.varint())
                rd.at += k
                idBytes += k
                records += 1
            case SessionBytes.turn:
                turns += 1
                _ = rd.varint(); _ = rd.varint(); _ = rd.varint()
                if rd.varint() == 2 { rd.skipBytes() }
                let flags = rd.byte()
                rd.at += 1
                if flags & (1 << 6) != 0 { rd.skipBytes() }
                if flags & (1 << 7) != 0 { rd.skipBytes() }
            default:
                rd.skipBytes()
            }
        }
        return (records, turns, idBytes)
    }

    private static let launch = "LaunchRequest", intentRequest = "IntentRequest"

    @inline(__always)
    private func turn(_ rd: inout SessionByteReader, start: Int64, messageId: String) -> Turn {
        let ts = start &+ rd.signed()
        let latency = rd.signed()
        let speech = rd.signed()
        let code = rd.varint()
        let intent: String? = code == 0 || code == 1 ? nil : code == 2 ? rd.string() : values[UInt32(code - 3)]
        let flags = rd.byte()
        let confidence = rd.byte()
        var t = Turn(messageId: messageId, ts: ts, step: intent ?? (code == 0 ? Self.launch : Self.intentRequest), intent: intent,
                     failed: flags & 1 != 0, latencyMs: latency)
        t.endSession = TriState(rawValue: Int8((flags >> 1) & 3) - 1) ?? .unknown
        t.bargeIn = TriState(rawValue: Int8((flags >> 3) & 3) - 1) ?? .unknown
        t.unhandled = flags & (1 << 5) != 0
        t.speechMs = speech
        t.confidence = Confidence(rawValue: confidence) ?? .unknown
        if keepText {
            if flags & (1 << 6) != 0 { t.utterance = rd.string() }
            if flags & (1 << 7) != 0 {
                slotBytes.removeAll(keepingCapacity: true)
                if SlotValues.canonical(object: rd.bytes(), into: &slotBytes, scratch: &slotScratch) {
                    t.slots = String(decoding: slotBytes, as: UTF8.self)
                }
            }
        } else {
            var span = TurnTexts.Span()
            if flags & (1 << 6) != 0 {
                span.utteranceCount = UInt32(rd.varint()); span.utteranceAt = UInt32(rd.at); rd.at += Int(span.utteranceCount)
            }
            if flags & (1 << 7) != 0 {
                span.slotsCount = UInt32(rd.varint()); span.slotsAt = UInt32(rd.at); rd.at += Int(span.slotsCount)
            }
            textSpans.append(span)
        }
        return t
    }

    /// Closes sessions idle for more than the timeout at `now`.
    private func expireIdle() {
        let limit = options.idleTimeoutMs
        while let top = idle.min, top.deadline < now {
            idle.pop()
            let i = top.seq - orderBase
            guard i >= 0, order[Int(i)] < Self.held else { continue }
            let slot = Int(order[Int(i)])
            let last = table[slot].last
            if now - last > limit {
                close(slot, by: .idleTimeout)
            } else {
                idle.push(.init(deadline: last &+ limit, seq: top.seq))
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

    /// Passes on closed sessions that no open or future session can precede: `order` is in
    /// order of start (sessions start in record order); sessions with the same start go by
    /// sessionId once all of them are closed and time has moved past their start.
    private func release(all: Bool) {
        guard emitInStartOrder else { return }
        releasing = true
        defer { releasing = false }
        while emitHead < order.count {
            guard order[emitHead] == Self.held, let first = heldSessions[orderBase + Int64(emitHead)],
                  all || first.start < now else { break }
            var j = emitHead + 1
            var complete = true
            while j < order.count, start(ofEntry: j) == first.start {
                guard order[j] >= Self.held else { complete = false; break }
                j += 1
            }
            if !complete && !all { break }
            var group: [(seq: Int64, session: Session)] = []
            for k in emitHead..<j {
                let q = orderBase + Int64(k)
                order[k] = Self.done
                if let s = heldSessions.removeValue(forKey: q) { group.append((q, s)) }
            }
            if group.count > 1 {
                group.sort { a, b in a.session.sessionId != b.session.sessionId ? a.session.sessionId < b.session.sessionId : a.seq < b.seq }
            }
            emitHead = j
            for g in group { onSession(g.session) }
        }
        if all { order = []; orderBase += Int64(emitHead); openHead = 0; emitHead = 0 }
    }

    /// The start of entry `k` of `order` (open or held).
    private func start(ofEntry k: Int) -> Int64? {
        let v = order[k]
        if v < Self.held { return table[Int(v)].start }
        return heldSessions[orderBase + Int64(k)]?.start
    }
}

/// What the sessions a Sessionizer passes on carry. Their friction events are complete in every
/// case but for the IDs of `.counts`.
public enum SessionDetail: Sendable {
    /// Every value of `Session`.
    case full
    /// Turns without their text (`utterance` and `slots` nil; `signature` is the step).
    case noText
    /// Neither the text nor session, user or message IDs (empty strings and arrays; `userHash`
    /// is kept).
    case counts
}

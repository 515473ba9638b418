import SklogRecords

/// `sklog-grep --session-context`: emits, in time order, every record of every session that
/// contains a selected record, and the selected records that have no sessionId.
///
/// Session boundaries are the Sessionizer's (SPEC 5.2): records sharing a sessionId, ending at a
/// SessionEndedRequest, at `endSession: true`, or after more than `idleTimeoutMs` of record time
/// without a record. Records of open sessions with no selected record yet are buffered; a session
/// that closes without one is dropped. Records of selected sessions wait only until every earlier
/// record that might still be emitted is decided, so output is in input (time) order.
public final class SessionContextSelector {
    public let idleTimeoutMs: Int64
    /// Receives the records to output, in order. May throw (a closed output); `add` and `finish`
    /// rethrow it.
    public var emit: (Record) throws -> Void
    /// When set, receives each record with whether it was itself selected (instead of `emit`):
    /// `sklog grep --session-context` marks the matching records.
    public var emitMarked: ((Record, Bool) throws -> Void)?

    /// Records emitted so far, and sessions that contained a selected record.
    public private(set) var emitted = 0
    public private(set) var selectedSessions = 0

    final class Open {
        let seq: Int64            // session creation order
        let firstRecord: Int64    // record sequence number of its first record
        let key: UInt64
        let sessionId: String
        var lastTs: Int64
        var selected = false
        var closed = false
        var buffer: [Item] = []
        init(seq: Int64, firstRecord: Int64, key: UInt64, sessionId: String, lastTs: Int64) {
            self.seq = seq; self.firstRecord = firstRecord; self.key = key; self.sessionId = sessionId; self.lastTs = lastTs
        }
    }

    struct Item: Comparable {
        var seq: Int64
        var record: Record
        var matched = false
        static func < (a: Item, b: Item) -> Bool { a.seq < b.seq }
        static func == (a: Item, b: Item) -> Bool { a.seq == b.seq }
    }

    private var open: [UInt64: Open] = [:]
    private var idle = MinHeap<IdleEntry>()
    private var undecided: [Open] = []     // open sessions in creation order (lazily pruned)
    private var undecidedHead = 0
    private var out = MinHeap<Item>()
    private var now: Int64 = .min
    private var recordSeq: Int64 = 0
    private var sessionSeq: Int64 = 0

    public init(idleTimeoutMs: Int64 = 600_000, emit: @escaping (Record) throws -> Void) {
        self.idleTimeoutMs = idleTimeoutMs
        self.emit = emit
    }

    /// Adds the next record (in time order); `selected`: whether it matched.
    public func add(_ r: Record, selected: Bool) throws {
        if r.ts > now {
            now = r.ts
            expireIdle()
        }
        recordSeq += 1
        guard r.sessionId.isPresent else {
            if selected { out.push(Item(seq: recordSeq, record: r, matched: true)) }
            try drain(all: false)
            return
        }
        let key = r.hash(r.sessionId)
        var o = open[key]
        if let x = o, !r.withBytes(r.sessionId, { Interner.same(x.sessionId, $0) }) {
            close(x)
            o = nil
        }
        let s: Open
        if let o { s = o } else {
            sessionSeq += 1
            s = Open(seq: sessionSeq, firstRecord: recordSeq, key: key, sessionId: r.string(r.sessionId)!, lastTs: r.ts)
            open[key] = s
            undecided.append(s)
            idle.push(IdleEntry(deadline: r.ts &+ idleTimeoutMs, seq: sessionSeq, key: key))
        }
        if r.ts > s.lastTs { s.lastTs = r.ts }
        let item = Item(seq: recordSeq, record: r, matched: selected)
        if s.selected {
            out.push(item)
        } else if selected {
            s.selected = true
            selectedSessions += 1
            for b in s.buffer { out.push(b) }
            s.buffer = []
            out.push(item)
        } else {
            s.buffer.append(item)
        }
        if r.isSessionEnded || r.endSession == .yes { close(s) }
        try drain(all: false)
    }

    /// End of input: open sessions without a selected record are dropped; the rest is emitted.
    public func finish() throws {
        for o in open.values { o.closed = true; o.buffer = [] }
        open = [:]
        try drain(all: true)
    }

    private func close(_ o: Open) {
        guard !o.closed else { return }
        o.closed = true
        o.buffer = []
        if let cur = open[o.key], cur === o { open[o.key] = nil }
    }

    private func expireIdle() {
        while let top = idle.min, top.deadline < now {
            idle.pop()
            guard let o = open[top.key], o.seq == top.seq else { continue }
            if now - o.lastTs > idleTimeoutMs {
                close(o)
            } else {
                idle.push(IdleEntry(deadline: o.lastTs &+ idleTimeoutMs, seq: o.seq, key: o.key))
            }
        }
    }

    /// Emits every held record that no undecided session's buffered record precedes.
    private func drain(all: Bool) throws {
        guard !out.isEmpty else { return }
        var limit = Int64.max
        if !all {
            while undecidedHead < undecided.count, undecided[undecidedHead].closed || undecided[undecidedHead].selected { undecidedHead += 1 }
            if undecidedHead > 4096 && undecidedHead * 2 > undecided.count { undecided.removeFirst(undecidedHead); undecidedHead = 0 }
            if undecidedHead < undecided.count { limit = undecided[undecidedHead].firstRecord }
        }
        while let top = out.min, top.seq < limit {
            out.pop()
            emitted += 1
            if let m = emitMarked { try m(top.record, top.matched) } else { try emit(top.record) }
        }
    }
}

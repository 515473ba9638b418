import SklogIO
import SklogRecords

/// Output formats of sklog-sessions and sklog-friction's event list.
public enum RecordListFormat: String, CaseIterable, Sendable { case ndjson, csv }

/// Writes one record per session (schema `sklog.session/1`): NDJSON (absent values left out) or
/// CSV with a header row.
public final class SessionWriter {
    public let format: RecordListFormat
    public let out: OutputBuffer
    public let redact: Bool
    private var wroteHeader = false
    private var line: [UInt8] = []

    public static let csvColumns = ["sessionId", "userId", "locale", "stage", "start", "end", "durationMs", "turns", "outcome",
                                    "endedBy", "reopened", "path", "messageIds"] + FrictionType.allCases.map(\.rawValue)

    public init(format: RecordListFormat, out: OutputBuffer, redact: Bool) {
        self.format = format; self.out = out; self.redact = redact
    }

    func id(_ s: String?) -> String? { s.map { redact ? Redactor.token($0) : $0 } }

    /// The CSV header row (NDJSON has none); `write` adds it before the first row by itself.
    public func writeHeader() throws {
        guard format == .csv, !wroteHeader else { return }
        wroteHeader = true
        try out.write(SessionWriter.csvColumns.joined(separator: ",") + "\n")
    }

    public func write(_ s: Session) throws {
        try writeHeader()
        line.removeAll(keepingCapacity: true)
        encode(s, into: &line)
        try out.write(line)
    }

    /// Appends the session's line (with its newline) to `bytes`.
    public func encode(_ s: Session, into bytes: inout [UInt8]) {
        let counts = s.frictionCounts
        // About what the line takes (the IDs, 24 bytes a step, 400 for the rest): one allocation.
        var idBytes = 0
        for i in s.messageIds.indices { idBytes += s.messageIds.withBytes(i) { $0.count } + 3 }
        bytes.reserveCapacity(bytes.count + 400 + idBytes + s.sessionId.utf8.count + (s.userId?.utf8.count ?? 0) + 24 * s.turns.count)
        switch format {
        case .ndjson:
            var j = JSONBytes([])
            swap(&j.bytes, &bytes)   // build in place, without sharing the buffer
            j.string("{\"sessionId\":", id(s.sessionId))
            j.string(",\"userId\":", id(s.userId))
            j.string(",\"locale\":", s.locale)
            j.string(",\"stage\":", s.stage)
            j.key(",\"start\":"); j.timestamp(s.start)
            j.key(",\"end\":"); j.timestamp(s.end)
            j.number(",\"durationMs\":", s.durationMs)
            j.number(",\"turns\":", Int64(s.turns.count))
            j.string(",\"outcome\":", s.outcome.rawValue)
            j.string(",\"endedBy\":", s.endedBy.rawValue)
            j.key(s.reopened ? ",\"reopened\":true,\"path\":[" : ",\"reopened\":false,\"path\":[")
            for i in s.turns.indices {
                if i > 0 { j.bytes.append(0x2c) }
                j.quoted(s.turns[i].step)
            }
            if !s.turns.isEmpty { j.bytes.append(0x2c) }
            j.quoted("END:" + s.outcome.rawValue)
            j.key("],\"messageIds\":[")
            for i in s.messageIds.indices {
                if i > 0 { j.bytes.append(0x2c) }
                s.messageIds.withBytes(i) { j.quoted($0) }
            }
            j.key("],\"friction\":{\"barge_in\":"); j.int(Int64(counts[0]))
            j.key(",\"termination\":"); j.int(Int64(counts[1]))
            j.key(",\"unhandled\":"); j.int(Int64(counts[2]))
            j.key(",\"low_confidence\":"); j.int(Int64(counts[3]))
            j.key(",\"system_error\":"); j.int(Int64(counts[4]))
            j.key("}}\n")
            swap(&j.bytes, &bytes)
        case .csv:
            let cells: [String?] = [id(s.sessionId), id(s.userId), s.locale, s.stage, Timestamp.string(s.start), Timestamp.string(s.end),
                                    String(s.durationMs), String(s.turns.count), s.outcome.rawValue, s.endedBy.rawValue,
                                    s.reopened ? "true" : "false", s.path.joined(separator: " > "), s.messageIds.joined(separator: " ")]
                + counts.map { String($0) }
            bytes += SessionWriter.csvRow(cells)
        }
    }

    static func jsonArray(_ items: [String]) -> String {
        var b: [UInt8] = [0x5b]
        for (i, s) in items.enumerated() {
            if i > 0 { b.append(0x2c) }
            JSONText.appendQuoted(s, to: &b)
        }
        b.append(0x5d)
        return String(decoding: b, as: UTF8.self)
    }

    /// One CSV row (cells neutralized against formula injection), with the newline.
    public static func csvRow(_ cells: [String?]) -> [UInt8] {
        var b: [UInt8] = []
        for (i, c) in cells.enumerated() {
            if i > 0 { b.append(0x2c) }
            if let c { CSV.appendCell(c, to: &b) }
        }
        b.append(0x0a)
        return b
    }
}

extension Session {
    /// Friction events by type, in the order of `FrictionType.allCases`.
    public var frictionCounts: [Int] {
        var c = [0, 0, 0, 0, 0]
        friction.withUnsafeBufferPointer { f in
            for i in f.indices { c[Friction.typeRank(f[i].type)] += 1 }
        }
        return c
    }
}

/// Output of closed sessions in (start, sessionId) order. Each session's output is encoded as
/// soon as it closes (so the session itself is freed at once) and held as bytes until no open or
/// future session can start before it.
public final class StartOrderedOutput {
    /// Heap entries are plain values ordered by (start, seq); the session ID and bytes sit in
    /// `slots` (so that moving entries around never touches the buffers). Sessions with the same
    /// start leave the heap together (`release` takes every start below a limit) and go by
    /// sessionId then.
    struct Entry {
        var start: Int64; var seq: Int64; var slot: Int32
        @inline(__always) static func < (a: Entry, b: Entry) -> Bool { a.start != b.start ? a.start < b.start : a.seq < b.seq }
    }
    private var heap: [Entry] = []
    private var slots: [(sessionId: String, bytes: [UInt8])] = []
    private var free: [Int32] = []
    private var seq: Int64 = 0
    private var group: [Entry] = []
    public let out: OutputBuffer

    public init(out: OutputBuffer) { self.out = out }

    /// Holds the output of a closed session (nothing when `bytes` is empty).
    public func add(_ s: Session, bytes: [UInt8]) {
        seq += 1
        guard !bytes.isEmpty else { return }
        let slot: Int32
        if let f = free.popLast() { slot = f; slots[Int(f)] = (s.sessionId, bytes) } else { slot = Int32(slots.count); slots.append((s.sessionId, bytes)) }
        push(Entry(start: s.start, seq: seq, slot: slot))
    }

    private func push(_ e: Entry) {
        heap.append(e)
        heap.withUnsafeMutableBufferPointer { h in
            var i = h.count - 1
            while i > 0 {
                let p = (i - 1) >> 1
                guard e < h[p] else { break }
                h[i] = h[p]; i = p
            }
            h[i] = e
        }
    }

    private func pop() -> Entry {
        let top = heap[0]
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap.withUnsafeMutableBufferPointer { h in
                let n = h.count
                var i = 0
                while true {
                    let l = 2 * i + 1
                    guard l < n else { break }
                    var m = l
                    if l + 1 < n && h[l + 1] < h[l] { m = l + 1 }
                    guard h[m] < last else { break }
                    h[i] = h[m]; i = m
                }
                h[i] = last
            }
        }
        return top
    }

    /// Writes every held session that starts before `limit`.
    private func write(below limit: Int64) throws {
        while let first = heap.first, first.start < limit {
            group.removeAll(keepingCapacity: true)
            group.append(pop())
            while let next = heap.first, next.start == first.start { group.append(pop()) }
            if group.count > 1 {
                group.sort { a, b in
                    let x = slots[Int(a.slot)].sessionId, y = slots[Int(b.slot)].sessionId
                    return x != y ? x < y : a.seq < b.seq
                }
            }
            for e in group {
                let k = Int(e.slot)
                let bytes = slots[k].bytes
                slots[k] = ("", [])
                free.append(e.slot)
                try out.write(bytes)
            }
        }
    }

    /// Writes what the sessionizer's progress allows.
    public func release(_ sz: Sessionizer) throws {
        try write(below: sz.releaseLimit)
    }

    /// Writes everything still held (after `Sessionizer.finish()`).
    public func finish() throws {
        try write(below: .max)
        while !heap.isEmpty { try write(below: heap[0].start &+ 1) }
    }
}

/// The sessions line of the end-of-run summary on standard error.
public enum SessionSummary {
    public static func line(_ s: Sessionizer) -> String {
        "\(Diagnostics.toolName): \(s.sessionCount) session\(s.sessionCount == 1 ? "" : "s") (\(s.reopenedSessions) reopened), "
            + "\(s.recordsWithoutSession) record\(s.recordsWithoutSession == 1 ? "" : "s") without a session"
    }
}

extension CanonicalBuilder {
    /// A member whose value is already JSON text, given as bytes.
    mutating func raw(_ k: String, json bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw(k, json: $0) }
    }
}

/// Appends JSON text to a byte buffer; strings without characters to escape are copied whole.
struct JSONBytes {
    var bytes: [UInt8]
    init(_ b: [UInt8]) { bytes = b }

    @inline(__always) mutating func key(_ k: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: k.utf8Start, count: k.utf8CodeUnitCount))
    }

    mutating func quoted(_ s: String) {
        var s = s
        s.withUTF8 { quoted(UnsafeRawBufferPointer($0)) }
    }

    @inline(__always)
    mutating func quoted(_ u: UnsafeRawBufferPointer) {
        if JSONBytes.isPlain(u) {
            bytes.append(0x22); bytes.append(contentsOf: u); bytes.append(0x22)
        } else {
            JSONText.appendQuoted(u, to: &bytes)
        }
    }

    /// No byte needs escaping: no control character (C0, DEL, C1), quote or backslash (8 bytes
    /// at a time).
    @inline(__always)
    static func isPlain(_ b: UnsafeRawBufferPointer) -> Bool {
        let n = b.count
        guard let base = b.baseAddress else { return true }
        var i = 0
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        while i + 8 <= n {
            let w = base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let q = w ^ (0x22 &* ones), bs = w ^ (0x5c &* ones), del = w ^ (0x7f &* ones), c2 = w ^ (0xc2 &* ones)
            // Zero bytes of q, bs, del or c2 (DEL, and 0xC2 which leads the C1 controls), or bytes
            // below 0x20 (may report false positives, never misses).
            let hit = ((q &- ones) & ~q) | ((bs &- ones) & ~bs) | ((w &- 0x20 &* ones) & ~w)
                | ((del &- ones) & ~del) | ((c2 &- ones) & ~c2)
            if hit & highs != 0 { return slowPlain(b, from: i) }
            i += 8
        }
        return slowPlain(b, from: i)
    }

    static func slowPlain(_ b: UnsafeRawBufferPointer, from: Int) -> Bool {
        var i = from
        while i < b.count {
            let c = b[i]
            if c < 0x20 || c == 0x22 || c == 0x5c || c == 0x7f || c == 0xc2 { return false }
            i += 1
        }
        return true
    }

    /// `k` then the quoted value; nothing when the value is absent.
    mutating func string(_ k: StaticString, _ v: String?) {
        guard let v else { return }
        key(k); quoted(v)
    }

    mutating func number(_ k: StaticString, _ v: Int64?) {
        guard let v else { return }
        key(k); int(v)
    }

    mutating func int(_ v: Int64) {
        if v >= 0 && v < 10 { bytes.append(UInt8(48 + v)); return }
        bytes.append(contentsOf: String(v).utf8)
    }

    mutating func timestamp(_ ms: Int64) {
        bytes.append(0x22); Timestamp.format(ms, into: &bytes); bytes.append(0x22)
    }
}

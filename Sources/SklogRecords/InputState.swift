#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import SklogIO
import CSklogScan

/// One input of a `RecordStream`: its current chunk, its format adapter, and the records parsed
/// but not yet released (sorted; released once no earlier record can still arrive). An input is
/// one file, or the numbered parts of one exported log stream read one after the other with one
/// adapter (`InputPaths`); line numbers run on across parts and are mapped back to each part.
final class InputState: RecordSink {
    let index: Int
    /// The readers (files) of this input, in order, and the one being read.
    let parts: [Int]
    @exclusivity(unchecked) var part = 0
    /// The global line number before each part's first line.
    @exclusivity(unchecked) var partStart: [Int64] = [0]
    unowned let stream: RecordStream
    var adapter: (any FormatAdapter)?
    @exclusivity(unchecked) var chunk: LineChunk?
    @exclusivity(unchecked) var pos = 0
    /// When the current chunk was parsed ahead by the decoding thread: its lines, and where we are.
    @exclusivity(unchecked) var preparsed: PreparsedLines? = nil
    @exclusivity(unchecked) var preIndex = 0
    @exclusivity(unchecked) var lineNumber: Int64 = 0
    /// Records not yet released, each in a slot of `slots` that it keeps until it is handed on
    /// (ordering moves 4-byte slot numbers, not records): those that arrived in order (sorted,
    /// consumed from `head`), and the stragglers that arrived out of order (a min-heap). The
    /// earliest of both goes next.
    let slots: RecordSlots
    @exclusivity(unchecked) var pending: [Int32] = []
    @exclusivity(unchecked) var head = 0
    @exclusivity(unchecked) var stragglers: MinHeap<Int32>
    @exclusivity(unchecked) var maxSeen = Int64.min
    @exclusivity(unchecked) var lastReleased = Int64.min
    @exclusivity(unchecked) var farJumps = 0
    @exclusivity(unchecked) var eof = false
    /// Live input gone idle: every record held now may be released (Int64.max until they are).
    @exclusivity(unchecked) var idleRelease = false
    /// Canonical NDJSON: lines are parsed here, in place, pointing into their chunk.
    @exclusivity(unchecked) var canonical = false
    /// The SIMD scan's members of one line.
    let members = UnsafeMutablePointer<sk_member>.allocate(capacity: RecordParser.maxMembers)

    init(index: Int, parts: [Int], stream: RecordStream) {
        self.index = index
        self.parts = parts
        self.stream = stream
        let s = RecordSlots()
        slots = s
        stragglers = MinHeap(by: { a, b in RecordOrder.before(s.base + Int(a), s.base + Int(b)) })
    }

    deinit { members.deallocate() }

    var reader: Int { parts[part] }

    /// The part (reader) and the line within it of a global line number.
    @inline(__always)
    func local(_ line: Int64) -> (Int, Int64) {
        if parts.count == 1 { return (parts[0], line) }
        var k = partStart.count - 1
        while k > 0 && partStart[k] >= line { k -= 1 }
        return (parts[k], line - partStart[k])
    }

    var hasHead: Bool { head < pending.count || !stragglers.isEmpty }

    /// Whether the earliest pending record is a straggler.
    @inline(__always)
    private var headIsStraggler: Bool {
        guard let s = stragglers.min else { return false }
        return head >= pending.count || RecordOrder.before(slots.base + Int(s), slots.base + Int(pending[head]))
    }

    /// The slot of the earliest pending record (call only when `hasHead`).
    var headSlot: Int32 { headIsStraggler ? stragglers.min! : pending[head] }
    /// The earliest pending record, in place (valid until more lines are parsed).
    var headRecord: UnsafeMutablePointer<Record> { slots.base + Int(headSlot) }
    var headTs: Int64 { headRecord.pointee.ts }

    /// Takes the earliest pending record: its slot, which the caller releases once done with it.
    func popHead() -> Int32 {
        let k: Int32
        if headIsStraggler {
            k = stragglers.pop()!
        } else {
            k = pending[head]
            head += 1
            if head == pending.count { pending.removeAll(keepingCapacity: true); head = 0 }
            // Released records still hold their bytes until dropped: with many inputs merged,
            // thousands per input added up to most of the run's memory. Moving the rest down when
            // half is released costs at most one move per record.
            else if head >= 64 && head * 2 >= pending.count { pending.removeFirst(head); head = 0 }
        }
        let r = slots.base + Int(k)
        stream.held -= 1
        if !eof && !idleRelease && r.pointee.ts > maxSeen &- stream.options.maxDelayMs { stream.accounting.releasedEarly += 1 }
        if r.pointee.ts < lastReleased { r.pointee.tsBeforeLastRelease = true } else { lastReleased = r.pointee.ts }
        return k
    }

    /// Whether the earliest pending record can be released: a record `--max-delay` later has
    /// been read, or the input ended, or the windows hold `holdLimit` records (released early).
    @inline(__always)
    private func headReleasable(_ delay: Int64) -> Bool {
        hasHead && (eof || headTs <= maxSeen &- delay || stream.held >= stream.holdLimit)
    }

    /// Parses lines until the earliest pending record can be released, or the input ends.
    func fill() throws {
        let delay = stream.options.maxDelayMs
        // A live input idle for a second releases everything held (`idleRelease`).
        while !(headReleasable(delay) || (hasHead && idleRelease)) {
            idleRelease = false
            if eof { return }
            try parseSomeLines()
        }
    }

    /// Parses lines from the current chunk (fetching the next one when it is used up), one at a
    /// time until the head can be released, so that release decisions depend on this input's
    /// lines alone (never on chunk sizes or on other inputs).
    private func parseSomeLines() throws {
        let delay = stream.options.maxDelayMs
        if chunk == nil || (preparsed == nil ? pos >= chunk!.count : preIndex >= preparsed!.items.count) {
            if let c = chunk { stream.prefetcher.recycle(c, reader); chunk = nil }
            preparsed = nil
            var next: LineChunk?
            if stream.isLive {
                switch try stream.fetchLive(reader) {
                case .chunk(let c): next = c
                case .end: next = nil
                case .idle:
                    // Idle for a second: invocations whose REPORT has arrived are finished, and
                    // every record held for reordering is released.
                    if let raw = adapter as? RawLogAdapter { raw.parser.asm.releaseReported(sink: self) }
                    idleRelease = hasHead
                    return
                }
            } else {
                next = stream.prefetcher.next(reader)
            }
            // The next part of the same log stream continues the input.
            while next == nil && part + 1 < parts.count {
                part += 1
                partStart.append(lineNumber)
                next = stream.prefetcher.next(reader)
            }
            guard let c = next else {
                if adapter == nil { adapter = NDJSONAdapter() }  // empty input
                adapter!.finish(sink: self)
                eof = true
                return
            }
            chunk = c
            pos = 0
            stream.accounting.bytesDecoded += Int64(c.count)
            if adapter == nil { try recognize(c) }
            if let p = c.preparsed as? PreparsedLines { preparsed = p; preIndex = 0 }
        }
        let c = chunk!
        let bytes = c.bytes
        if let p = preparsed {
            while preIndex < p.items.count && !headReleasable(delay) {
                let item = p.items[preIndex]
                preIndex += 1
                lineNumber += 1
                switch item {
                case .empty: continue
                case .record:
                    // Moved (bitwise, no copy of its bytes) into a slot.
                    let k = slots.take()
                    p.moveNext(to: slots.base + Int(k))
                    slots.base[Int(k)].line = lineNumber
                    place(k)
                case .reject(let reason, let start, let end, let detail):
                    reject(reason, line: lineNumber, text: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), detail: detail)
                }
            }
            return
        }
        let base = bytes.baseAddress!
        while pos < c.count && !headReleasable(delay) {
            let (start, e, next) = PreparsedLines.nextLine(base, pos, c.count)
            pos = next
            lineNumber += 1
            let line = UnsafeRawBufferPointer(start: base + start, count: e - start)
            if let cut = c.cutLineEnd, next - 1 == cut {
                reject(.lineTooLong, line: lineNumber, text: UnsafeRawBufferPointer(rebasing: line.prefix(200)), detail: "longer than \(cut) bytes")
                continue
            }
            if line.isEmpty { continue }
            if canonical {
                let k = slots.take()
                do throws(RecordReject) {
                    try RecordParser.parse(line, chunk: c.buffer, into: slots.base + Int(k), members: members)
                    slots.base[Int(k)].line = lineNumber
                    place(k)
                } catch {
                    slots.giveBack(k)
                    reject(error.reason, line: lineNumber, text: line, detail: error.detail)
                }
            } else {
                adapter!.consume(line, number: lineNumber, sink: self)
            }
        }
    }

    private func recognize(_ c: LineChunk) throws {
        let opts = stream.options.format
        var firstLines: [UnsafeRawBufferPointer] = []
        let bytes = c.bytes
        var p = 0
        while p < bytes.count && firstLines.count < 20 {
            var e = p
            while e < bytes.count && bytes[e] != 0x0a { e += 1 }
            var le = e
            if le > p && bytes[le - 1] == 0x0d { le -= 1 }
            if le > p { firstLines.append(UnsafeRawBufferPointer(rebasing: bytes[p..<le])) }
            p = e + 1
        }
        var format = opts.format
        if opts.pattern != nil && format == .auto { format = .pattern }
        if format == .auto {
            guard let f = FormatDetector.detect(firstLines) else {
                let first = firstLines.first.map { TerminalText.safe(bytes: UnsafeRawBufferPointer(rebasing: $0.prefix(200))) } ?? ""
                if stream.inFolder.contains(reader) {
                    // A README beside the logs of a folder: not an error.
                    if !stream.options.quiet { Diagnostics.error("\(stream.names[reader]): skipped (not a log in any known format)") }
                    adapter = SkippedInputAdapter()
                    return
                }
                throw UnknownFormatError(path: stream.names[reader], firstLine: first)
            }
            format = f
        }
        adapter = try FormatDetector.makeAdapter(format, options: opts, firstLines: firstLines)
        canonical = adapter is NDJSONAdapter
        if let raw = adapter as? RawLogAdapter {
            raw.parser.asm.holdMs = min(raw.parser.asm.holdMs, max(0, stream.options.maxDelayMs))
            raw.parser.asm.keepRaw = stream.options.keepRaw
        }
        // Canonical NDJSON is parsed line by line without state: the decoding thread may parse
        // chunks ahead when it has nothing to decode.
        if adapter is NDJSONAdapter && stream.options.parseAhead { for p in parts { stream.prefetcher.setPreparser(p) { PreparsedLines($0) } } }
    }

    // MARK: RecordSink

    func accept(_ record: Record) {
        let k = slots.take()
        (slots.base + Int(k)).initialize(to: record)
        place(k)
    }

    /// Queues the record in slot `k` (its `line` the global line number).
    @inline(__always)
    private func place(_ k: Int32) {
        let r = slots.base + Int(k)
        r.pointee.line = local(r.pointee.line).1
        r.pointee.input = Int32(index)
        let ts = r.pointee.ts
        if ts > maxSeen {
            // One wild timestamp (far in the future) must not release everything else early.
            if maxSeen != Int64.min && ts > maxSeen &+ 86_400_000 && farJumps < 2 {
                farJumps += 1
            } else {
                farJumps = 0
                maxSeen = ts
            }
        } else {
            farJumps = 0
        }
        // Records mostly arrive in order: those are appended; the others go to the heap.
        if head >= pending.count {
            pending.append(k)
        } else {
            let last = slots.base + Int(pending[pending.count - 1])
            if RecordOrder.before(r, last) {
                stragglers.push(k)
            } else if ts == last.pointee.ts && Self.identical(r, last) {
                // An exact copy of a record still held (a line repeated): a duplicate whatever
                // follows, dropped now rather than held (a repeated line costs no memory).
                slots.release(k)
                stream.accounting.duplicates += 1
                return
            } else {
                pending.append(k)
            }
        }
        stream.held += 1
    }

    /// Same message ID and same line bytes (and time, checked by the caller).
    @inline(__always)
    static func identical(_ a: UnsafeMutablePointer<Record>, _ b: UnsafeMutablePointer<Record>) -> Bool {
        let sameId = a.pointee.withBytes(a.pointee.messageId) { x in b.pointee.withBytes(b.pointee.messageId) { y in RecordOrder.compareBytes(x, y) == 0 } }
        return sameId && a.pointee.withLine { x in b.pointee.withLine { y in RecordOrder.compareBytes(x, y) == 0 } }
    }

    func reject(_ reason: RejectReason, line: Int64, text: UnsafeRawBufferPointer, detail: String?) {
        let (file, l) = local(line)
        stream.reject(input: file, reason, line: l, text: text, detail: detail)
    }

    func noteOutcomeFromErrorsAlone() { stream.accounting.outcomesFromErrorsAlone += 1 }

    func attachRaw(line: Int64, lines: [(Int64, [UInt8])]) {
        let (file, l) = local(line)
        stream.attachRaw(RawKey(input: Int32(index), line: l), file: file, lines: lines.map { (local($0.0).1, $0.1) })
    }
    func noteTimeFromRequest() { stream.accounting.timesFromRequest += 1 }
}


/// Slots for the pending records of one input. A record stays in its slot from parse to release;
/// slots are numbers, so the storage may grow (moving the records bitwise) while they wait.
final class RecordSlots {
    private(set) var base: UnsafeMutablePointer<Record>
    private var capacity = 256
    private var used = 0               // slots ever handed out
    private var free: [Int32] = []
    private var live: [Bool] = []      // which slots hold a record (for deinit)

    init() { base = .allocate(capacity: capacity) }

    deinit {
        for i in 0..<used where live[i] { (base + i).deinitialize(count: 1) }
        base.deallocate()
    }

    /// A slot for the caller to initialize (or to give back).
    @inline(__always)
    func take() -> Int32 {
        if let k = free.popLast() { live[Int(k)] = true; return k }
        if used == capacity { grow() }
        live.append(true)
        used += 1
        return Int32(used - 1)
    }

    private func grow() {
        let bigger = UnsafeMutablePointer<Record>.allocate(capacity: capacity * 2)
        // Records are bitwise movable: the slots' bytes, initialized or not, move as they are.
        UnsafeMutableRawPointer(bigger).copyMemory(from: base, byteCount: used * MemoryLayout<Record>.stride)
        base.deallocate()
        base = bigger
        capacity *= 2
    }

    /// Releases the record in slot `k` (and its hold on its chunk).
    @inline(__always)
    func release(_ k: Int32) {
        (base + Int(k)).deinitialize(count: 1)
        giveBack(k)
    }

    /// Returns a slot left uninitialized.
    @inline(__always)
    func giveBack(_ k: Int32) {
        live[Int(k)] = false
        free.append(k)
    }
}

/// The lines of one chunk of canonical NDJSON, parsed by the decoding thread ahead of the
/// consumer: one item per line, in order (records point into the chunk, as do rejects).
/// Records are parsed in place into `records` (in line order) and moved out one by one.
final class PreparsedLines {
    enum Item {
        case empty
        case record
        case reject(RejectReason, Int, Int, String?)
    }
    var items: [Item] = []
    private var records: UnsafeMutablePointer<Record>
    private var capacity: Int
    private var count = 0
    /// Records moved out so far (the first `taken`).
    private var taken = 0

    init(_ c: LineChunk) {
        capacity = c.count / 512 + 16
        records = .allocate(capacity: capacity)
        let bytes = c.bytes
        guard let base = bytes.baseAddress else { return }
        items.reserveCapacity(c.count / 512 + 16)
        let buffer = c.buffer
        let members = UnsafeMutablePointer<sk_member>.allocate(capacity: RecordParser.maxMembers)
        defer { members.deallocate() }
        var pos = 0
        while pos < c.count {
            let (start, e, next) = Self.nextLine(base, pos, c.count)
            pos = next
            if let cut = c.cutLineEnd, next - 1 == cut {
                items.append(.reject(.lineTooLong, start, min(e, start + 200), "longer than \(cut) bytes"))
                continue
            }
            if e == start { items.append(.empty); continue }
            if count == capacity {
                let bigger = UnsafeMutablePointer<Record>.allocate(capacity: capacity * 2)
                bigger.moveInitialize(from: records, count: count)
                records.deallocate()
                records = bigger
                capacity *= 2
            }
            do throws(RecordReject) {
                try RecordParser.parse(UnsafeRawBufferPointer(start: base + start, count: e - start), chunk: buffer, into: records + count, members: members)
                count += 1
                items.append(.record)
            } catch {
                items.append(.reject(error.reason, start, e, error.detail))
            }
        }
    }

    deinit {
        (records + taken).deinitialize(count: count - taken)
        records.deallocate()
    }

    /// Moves the next record (in line order) to the uninitialized `dst`.
    @inline(__always)
    func moveNext(to dst: UnsafeMutablePointer<Record>) {
        dst.moveInitialize(from: records + taken, count: 1)
        taken += 1
    }

    /// The line starting at `pos`: its start, its end without newline or CR, and where the next
    /// line starts.
    @inline(__always)
    static func nextLine(_ base: UnsafeRawPointer, _ pos: Int, _ count: Int) -> (Int, Int, Int) {
        let end: Int
        if let nl = memchr(base + pos, 0x0a, count - pos) { end = UnsafeRawPointer(nl) - base } else { end = count }
        var e = end
        if e > pos && base.load(fromByteOffset: e - 1, as: UInt8.self) == 0x0d { e -= 1 }
        return (pos, e, end + 1)
    }
}

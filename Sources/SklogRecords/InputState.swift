#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import SklogIO

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
    @exclusivity(unchecked) var preRecord = 0
    @exclusivity(unchecked) var lineNumber: Int64 = 0
    /// Records not yet released: those that arrived in order (sorted, consumed from `head`), and
    /// the stragglers that arrived out of order (a min-heap). The earliest of both goes next.
    @exclusivity(unchecked) var pending: [Record] = []
    @exclusivity(unchecked) var head = 0
    @exclusivity(unchecked) var stragglers = MinHeap<Record>(by: RecordOrder.before)
    @exclusivity(unchecked) var maxSeen = Int64.min
    @exclusivity(unchecked) var lastReleased = Int64.min
    @exclusivity(unchecked) var farJumps = 0
    @exclusivity(unchecked) var eof = false

    init(index: Int, parts: [Int], stream: RecordStream) {
        self.index = index
        self.parts = parts
        self.stream = stream
    }

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
    private var headIsStraggler: Bool {
        guard let s = stragglers.min else { return false }
        return head >= pending.count || RecordOrder.before(s, pending[head])
    }

    /// The earliest pending record (call only when `hasHead`).
    var headRecord: Record { headIsStraggler ? stragglers.min! : pending[head] }
    var headTs: Int64 { headIsStraggler ? stragglers.min!.ts : pending[head].ts }

    /// Takes the earliest pending record.
    func popHead() -> Record {
        var r: Record
        if headIsStraggler {
            r = stragglers.pop()!
        } else {
            r = pending[head]
            head += 1
            if head == pending.count { pending.removeAll(keepingCapacity: true); head = 0 }
            // Released records still hold their bytes until dropped: with many inputs merged,
            // thousands per input added up to most of the run's memory. Moving the rest down when
            // half is released costs at most one move per record.
            else if head >= 64 && head * 2 >= pending.count { pending.removeFirst(head); head = 0 }
        }
        if r.ts < lastReleased { r.tsBeforeLastRelease = true } else { lastReleased = r.ts }
        return r
    }

    /// Parses lines until the earliest pending record can be released, or the input ends.
    func fill() throws {
        let delay = stream.options.maxDelayMs
        while !(hasHead && (eof || headTs <= maxSeen &- delay)) {
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
            var next = stream.prefetcher.next(reader)
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
            if let p = c.preparsed as? PreparsedLines { preparsed = p; preIndex = 0; preRecord = 0 }
        }
        let c = chunk!
        let bytes = c.bytes
        if let p = preparsed {
            while preIndex < p.items.count && !(hasHead && headTs <= maxSeen &- delay) {
                let item = p.items[preIndex]
                preIndex += 1
                lineNumber += 1
                switch item {
                case .empty: continue
                case .record:
                    p.records[preRecord].line = lineNumber
                    accept(p.records[preRecord])
                    preRecord += 1
                case .reject(let reason, let start, let end, let detail):
                    reject(reason, line: lineNumber, text: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), detail: detail)
                }
            }
            return
        }
        let base = bytes.baseAddress!
        while pos < c.count && !(hasHead && headTs <= maxSeen &- delay) {
            let (start, e, next) = PreparsedLines.nextLine(base, pos, c.count)
            pos = next
            lineNumber += 1
            let line = UnsafeRawBufferPointer(start: base + start, count: e - start)
            if let cut = c.cutLineEnd, next - 1 == cut {
                reject(.lineTooLong, line: lineNumber, text: UnsafeRawBufferPointer(rebasing: line.prefix(200)), detail: "longer than \(cut) bytes")
                continue
            }
            if line.isEmpty { continue }
            adapter!.consume(line, number: lineNumber, sink: self)
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
                let first = firstLines.first.map { String(decoding: $0.prefix(200), as: UTF8.self) } ?? ""
                throw UnknownFormatError(path: stream.names[reader], firstLine: first)
            }
            format = f
        }
        adapter = try FormatDetector.makeAdapter(format, options: opts, firstLines: firstLines)
        if let raw = adapter as? RawLogAdapter {
            raw.parser.asm.holdMs = min(raw.parser.asm.holdMs, max(0, stream.options.maxDelayMs))
        }
        // Canonical NDJSON is parsed line by line without state: the decoding thread may parse
        // chunks ahead when it has nothing to decode.
        if adapter is NDJSONAdapter && stream.options.parseAhead { for p in parts { stream.prefetcher.setPreparser(p) { PreparsedLines($0) } } }
    }

    // MARK: RecordSink

    func accept(_ record: Record) {
        var r = record
        let (file, line) = local(r.line)
        r.input = Int32(file)
        r.line = line
        if r.ts > maxSeen {
            // One wild timestamp (far in the future) must not release everything else early.
            if maxSeen != Int64.min && r.ts > maxSeen &+ 86_400_000 && farJumps < 2 {
                farJumps += 1
            } else {
                farJumps = 0
                maxSeen = r.ts
            }
        } else {
            farJumps = 0
        }
        // Records mostly arrive in order: those are appended; the others go to the heap.
        if head >= pending.count || !RecordOrder.before(r, pending[pending.count - 1]) {
            pending.append(r)
            pending[pending.count - 1].input = Int32(index)
        } else {
            var s = r
            s.input = Int32(index)
            stragglers.push(s)
        }
    }

    func reject(_ reason: RejectReason, line: Int64, text: UnsafeRawBufferPointer, detail: String?) {
        let (file, l) = local(line)
        stream.reject(input: file, reason, line: l, text: text, detail: detail)
    }

    func noteOutcomeFromErrorsAlone() { stream.accounting.outcomesFromErrorsAlone += 1 }
}


/// The lines of one chunk of canonical NDJSON, parsed by the decoding thread ahead of the
/// consumer: one item per line, in order (records copy their bytes; rejects point into the chunk).
/// Records are parsed in place into `records` (in line order), never moved around in an enum.
final class PreparsedLines {
    enum Item {
        case empty
        case record
        case reject(RejectReason, Int, Int, String?)
    }
    var items: [Item] = []
    var records: [Record] = []

    init(_ c: LineChunk) {
        let bytes = c.bytes
        guard let base = bytes.baseAddress else { return }
        items.reserveCapacity(c.count / 512 + 16)
        records.reserveCapacity(c.count / 512 + 16)
        var pos = 0
        while pos < c.count {
            let (start, e, next) = Self.nextLine(base, pos, c.count)
            pos = next
            if let cut = c.cutLineEnd, next - 1 == cut {
                items.append(.reject(.lineTooLong, start, min(e, start + 200), "longer than \(cut) bytes"))
                continue
            }
            if e == start { items.append(.empty); continue }
            records.append(Record(storage: [], lineLength: 0))
            let k = records.count - 1
            do {
                try records.withUnsafeMutableBufferPointer { (buf) throws(RecordReject) in
                    try RecordParser.parse(UnsafeRawBufferPointer(start: base + start, count: e - start), into: buf.baseAddress! + k)
                }
                items.append(.record)
            } catch {
                records.removeLast()
                items.append(.reject(error.reason, start, e, error.detail))
            }
        }
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

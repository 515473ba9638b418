#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import SklogIO

/// Options shared by every tool for reading records (SPEC section 2).
public struct StreamOptions {
    public var format = FormatOptions()
    /// How far out of time order records may arrive inside one input.
    public var maxDelayMs: Int64 = 60_000
    /// A message ID seen again within this much record time is a duplicate.
    public var dedupWindowMs: Int64 = 600_000
    public var since: Int64? = nil
    public var until: Int64? = nil
    public var stage: String? = nil
    public var locale: String? = nil
    public var skill: String? = nil
    /// `--products FILE`: productId -> productType, for records that do not say (SPEC 4).
    public var productTypes: [String: String] = [:]
    /// `--rejects FILE`: rejected lines, verbatim, with file and line number.
    public var rejectsPath: String? = nil
    public var progress = true
    /// `-q`: notes (skipped files) are not printed; damage still is.
    public var quiet = false
    /// How many rejected lines are described one by one on standard error.
    public var rejectMessages = 10
    /// The name standard input goes by in `src` and messages (`--stdin-name`).
    public var stdinName = "stdin"
    /// Decoded chunk size in bytes (nil: the default, about 1 MiB). Results never depend on it.
    public var chunkSize: Int? = nil
    /// Whether the decoding thread may parse canonical NDJSON ahead of the consumer when it has
    /// nothing to decode (both cores busy). Results never depend on it.
    public var parseAhead = true
    /// Decoded chunks kept ready per input (a file, or the parts of one exported stream, whose
    /// next file is inflated while the current one is parsed); nil: the default (`Prefetcher`:
    /// 3, or 1 with more than 8 inputs). Results never depend on it.
    public var decodeAhead: Int? = nil
    /// Decoding threads (nil: one core less than the machine has). Results never depend on it.
    public var decodeThreads: Int? = nil
    /// `grep --raw`: keep each Lambda invocation's input lines for its records (`takeRaw`).
    public var keepRaw = false
    /// Whether the first Ctrl-C on a live input (a pipe or a terminal) ends the input instead of
    /// the run (see `LiveInput`).
    public var interruptEndsLiveInput = true
    public init() {}
}

/// Every input of a run as one stream of records in time order: decoded on a background thread,
/// recognized, parsed, reordered within `maxDelay`, merged across inputs, deduplicated and
/// filtered. Results do not depend on the order of the inputs: ties are broken by content.
public final class RecordStream {
    public let options: StreamOptions
    public internal(set) var accounting = Accounting()
    /// Names used in `src` and messages ("stdin", or `--stdin-name`, for standard input).
    public let names: [String]
    /// With `keepRaw`: the input lines of the invocations behind records not yet taken, by
    /// (input, line of the record) (RawLines.swift).
    var rawTable: [RawKey: RawEntry] = [:]
    let prefetcher: Prefetcher
    var inputs: [InputState] = []
    private var rejectsOut: OutputBuffer?
    /// The first write error on `--rejects` (the run then ends with it, exit 2).
    private var rejectsError: Error?
    private var rejectMessagesLeft: Int
    private let stageBytes: [UInt8]?, localeBytes: [UInt8]?, skillBytes: [UInt8]?
    private let productTypes: [UInt64: [UInt8]]
    let totalSize: Int64?
    /// Records held in the reorder windows of all inputs (parsed, not yet released).
    @exclusivity(unchecked) var held = 0
    /// At most this many records are held at once: beyond it, each input releases its earliest
    /// record without waiting for one `--max-delay` later (counted as released early), so that a
    /// flood of records within one stretch of `--max-delay` costs bounded memory. About 400 bytes
    /// a record plus its line: ~1 GB at the limit. (SKLOG_HOLD_LIMIT overrides it, for tests.)
    public static let holdLimit: Int = getenv("SKLOG_HOLD_LIMIT").flatMap { Int(String(cString: $0)) }.map { max(1, $0) } ?? 1_000_000
    let holdLimit = RecordStream.holdLimit
    /// Inputs found in a directory (`InputPaths.inFolder`).
    let inFolder: Set<Int>
    /// Some input is a pipe or a terminal: results are handed on as they are determined, output
    /// is flushed whenever the input goes idle, and held records are released after about a
    /// second of idle wall time.
    public let isLive: Bool
    /// Called when a live input is idle (nothing to read), right away and then about ten times a
    /// second while it stays idle. Default: flush the registered outputs.
    public var idleHook: () throws -> Void = { try LiveInput.flushOutputs() }
    /// Seconds of idle wall time after which held records are released.
    public var idleReleaseAfter = 1.0

    public init(paths: [String], options: StreamOptions) throws {
        self.options = options
        let expanded = try InputPaths(paths.isEmpty ? ["-"] : paths)
        if !options.quiet { for n in expanded.notes { Diagnostics.error(n) } }
        inFolder = expanded.inFolder
        let paths = expanded.files
        // No output may be one of the inputs: checked before any input is opened.
        OutputFile.declare(option: "--rejects", path: options.rejectsPath)
        try OutputFile.registerInputs(paths)
        var readers: [ChunkReader] = []
        for p in paths { readers.append(try ChunkReader(path: p)) }
        names = paths.map { $0 == "-" ? options.stdinName : $0 }
        prefetcher = Prefetcher(readers: readers, lanes: expanded.groups, chunkSize: options.chunkSize,
                                depth: options.decodeAhead, threads: options.decodeThreads)
        rejectMessagesLeft = options.rejectMessages
        stageBytes = options.stage.map { Array($0.utf8) }
        localeBytes = options.locale.map { Array($0.utf8) }
        skillBytes = options.skill.map { Array($0.utf8) }
        productTypes = Dictionary(options.productTypes.map { (byteHash($0.key), Array($0.value.utf8)) }, uniquingKeysWith: { a, _ in a })
        let sizes = readers.map(\.fileSize)
        totalSize = sizes.contains { $0 == nil } ? nil : sizes.reduce(0) { $0 + $1! }
        if let rp = options.rejectsPath { rejectsOut = try OutputBuffer(replacing: rp) }
        accounting.files = paths.count
        isLive = prefetcher.hasLiveInput
        inputs = expanded.groups.enumerated().map { InputState(index: $0.offset, parts: $0.element, stream: self) }
        if isLive && options.interruptEndsLiveInput { LiveInput.installInterruptHook() }
    }

    /// The next chunk of reader `r` of a live run: waits in short slices, calling `idleHook`
    /// while the input is idle; `.idle` once it has been idle for `idleReleaseAfter` seconds
    /// (the caller releases what it holds). The first Ctrl-C ends the input here.
    func fetchLive(_ r: Int) throws -> Prefetcher.Fetch {
        if LiveInput.interrupted { prefetcher.stop() }
        var f = prefetcher.next(r, waitingAtMost: 0)
        if case .idle = f {} else { return f }
        let start = LiveInput.now()
        while true {
            if LiveInput.interrupted { prefetcher.stop() }
            try idleHook()
            f = prefetcher.next(r, waitingAtMost: 0.1)
            if case .idle = f, LiveInput.now() - start < idleReleaseAfter { continue }
            return f
        }
    }

    deinit { prefetcher.stop() }

    // MARK: Reading

    /// Delivers every record, in order, to `body`. Rethrows what `body` throws (for example
    /// `OutputClosed` when the reader of our output has gone).
    public func forEach(_ body: (inout Record) throws -> Void) throws {
        prefetcher.start()
        defer { prefetcher.stop() }
        // Prime every input (this also recognizes its format, before anything is written).
        for s in inputs { try s.fill() }
        var heap = inputs.filter { $0.hasHead }.map(\.index)
        func less(_ a: Int, _ b: Int) -> Bool {
            let x = inputs[a], y = inputs[b]
            // Times decide almost always; copy the head records only to break a tie.
            let tx = x.headTs, ty = y.headTs
            if tx != ty { return tx < ty }
            let hx = x.headRecord, hy = y.headRecord
            return RecordOrder.before(hx, hy) || (!RecordOrder.before(hy, hx) && a < b)
        }
        func siftDown(_ i0: Int) {
            var i = i0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < heap.count && less(heap[l], heap[m]) { m = l }
                if r < heap.count && less(heap[r], heap[m]) { m = r }
                if m == i { return }
                heap.swapAt(i, m); i = m
            }
        }
        for i in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(i) }

        var dedup = Deduplicator(windowMs: options.dedupWindowMs)
        var progress = Progress(enabled: options.progress && Diagnostics.stderrIsTerminal, total: totalSize)
        var n = 0
        if isLive {
            // A live input hands each record on before reading further: filling the input may
            // wait for more of it, and the record released last must not wait with it.
            while let top = heap.first {
                let s = inputs[top]
                let k = s.popHead()
                n &+= 1
                if n & 0xfff == 0 && progress.enabled { progress.update(bytes: prefetcher.bytesRead, records: n) }
                let rec = s.slots.base + Int(k)
                if rec.pointee.tsBeforeLastRelease { accounting.late += 1 }
                switch dedup.check(rec) {
                case .fresh:
                    accounting.parsed += 1
                    if !passesFilters(&rec.pointee) { accounting.filteredOut += 1 } else { try body(&rec.pointee) }
                case .same: accounting.duplicates += 1
                case .differs:
                    accounting.duplicates += 1
                    noteDifferingDuplicate(rec.pointee)
                }
                s.slots.release(k)
                try s.fill()
                if s.hasHead { siftDown(0) } else {
                    heap[0] = heap[heap.count - 1]; heap.removeLast()
                    if !heap.isEmpty { siftDown(0) }
                }
            }
        }
        while let top = heap.first {
            let s = inputs[top]
            // The record stays in its slot (no copy); the slot is released once it is handed on.
            let k = s.popHead()
            try s.fill()
            if s.hasHead { siftDown(0) } else {
                heap[0] = heap[heap.count - 1]; heap.removeLast()
                if !heap.isEmpty { siftDown(0) }
            }
            n &+= 1
            if n & 0xfff == 0 && progress.enabled { progress.update(bytes: prefetcher.bytesRead, records: n) }
            let rec = s.slots.base + Int(k)  // after fill, which may have moved the slots
            if rec.pointee.tsBeforeLastRelease { accounting.late += 1 }
            switch dedup.check(rec) {
            case .fresh: break
            case .same: accounting.duplicates += 1; dropRaw(rec); s.slots.release(k); continue
            case .differs:
                accounting.duplicates += 1
                dropRaw(rec)
                noteDifferingDuplicate(rec.pointee)
                s.slots.release(k)
                continue
            }
            accounting.parsed += 1
            if !passesFilters(&rec.pointee) { accounting.filteredOut += 1; dropRaw(rec); s.slots.release(k); continue }
            try body(&rec.pointee)
            s.slots.release(k)
        }
        progress.finish()
        try finishAccounting()
    }

    /// Renames `--rejects FILE` into place (once the whole input is read; again is a no-op).
    public func commitRejects() throws {
        if let e = rejectsError { throw e }
        try rejectsOut?.commit()
    }

    /// A duplicate whose request is not the one kept (console test events that reuse one
    /// requestId for different requests): counted, and the first named in the summary.
    private func noteDifferingDuplicate(_ rec: Record) {
        accounting.duplicatesDiffering += 1
        guard accounting.firstDifferingDuplicate == nil else { return }
        let src = rec.string(rec.src) ?? "\(names[Int(rec.input)]):\(rec.line)"
        accounting.firstDifferingDuplicate = "\(rec.string(rec.messageId) ?? "") at \(src)"
    }

    private func finishAccounting() throws {
        for (i, r) in prefetcher.readers.enumerated() {
            accounting.bytesRead += r.bytesRead
            if let d = r.damage {
                let msg = "\(names[i]): byte offset \(d.offset): \(d.message)"
                accounting.damage.append(msg)
                Diagnostics.error(msg + " (everything before it was read)")
            }
            if let e = r.readError {
                accounting.damage.append(e.description)
                Diagnostics.error(e.description)
            }
        }
        // A rejects file that could not be written ends the run (exit 2), before anything
        // claims the lines were written.
        if let out = rejectsOut, rejectsError == nil {
            do { try out.flush() } catch { rejectsError = error }
        }
        if let e = rejectsError { throw e }
        // The whole input is read: the rejects file is complete (whatever the tool does next).
        try commitRejects()
        let more = accounting.rejectedTotal - options.rejectMessages
        if more > 0 {
            Diagnostics.error("\(more) more rejected line\(more == 1 ? "" : "s")" + (options.rejectsPath.map { " (all written to \($0))" } ?? " (use --rejects FILE to keep them)"))
        }
    }

    /// --since/--until/--stage/--locale/--skill. A record without a stage takes --stage's value.
    @inline(__always)
    private func passesFilters(_ rec: inout Record) -> Bool {
        if let s = options.since, rec.ts < s { return false }
        if let u = options.until, rec.ts >= u { return false }
        if let st = stageBytes {
            if rec.stage.isPresent {
                if !rec.fieldEquals(rec.stage, st) { return false }
            } else {
                rec.setImpliedStage(st)
            }
        }
        if let l = localeBytes, !rec.fieldEquals(rec.locale, l) { return false }
        if !productTypes.isEmpty, !rec.productType.isPresent, rec.productId.isPresent, let t = productTypes[rec.hash(rec.productId)] {
            rec.productType = rec.appendImplied(t)
            rec.productTypeImplied = true
        }
        if let k = skillBytes, !rec.fieldEquals(rec.skillId, k) { return false }
        return true
    }

    // MARK: Rejects

    func reject(input: Int, _ reason: RejectReason, line: Int64, text: UnsafeRawBufferPointer, detail: String?) {
        accounting.rejected[reason.name, default: 0] += 1
        if rejectMessagesLeft > 0 {
            rejectMessagesLeft -= 1
            let shown = TerminalText.safe(bytes: UnsafeRawBufferPointer(rebasing: text.prefix(120)))
            Diagnostics.error("\(names[input]):\(line): \(reason)\(detail.map { " (\($0))" } ?? ""): \(shown)\(text.count > 120 ? "…" : "")")
        }
        if let out = rejectsOut, rejectsError == nil {
            do {
                try out.write("\(names[input]):\(line)\t\(reason)\t")
                try out.write(text)
                try out.write(byte: 0x0a)
            } catch { rejectsError = error }
        }
    }
}

/// Record order: time, then message ID, then the whole line, so that ties never depend on which
/// file a record came from.
public enum RecordOrder {
    /// The same order, on records in place.
    @inline(__always)
    static func before(_ a: UnsafePointer<Record>, _ b: UnsafePointer<Record>) -> Bool {
        if a.pointee.ts != b.pointee.ts { return a.pointee.ts < b.pointee.ts }
        return before(a.pointee, b.pointee)
    }

    @inline(__always)
    public static func before(_ a: Record, _ b: Record) -> Bool {
        if a.ts != b.ts { return a.ts < b.ts }
        let c = a.withBytes(a.messageId) { x in b.withBytes(b.messageId) { y in compareBytes(x, y) } }
        if c != 0 { return c < 0 }
        return a.withLine { x in b.withLine { y in compareBytes(x, y) } } < 0
    }

    @inline(__always)
    static func compareBytes(_ x: UnsafeRawBufferPointer, _ y: UnsafeRawBufferPointer) -> Int {
        let n = min(x.count, y.count)
        if n > 0 {
            let c = memcmp(x.baseAddress!, y.baseAddress!, n)
            if c != 0 { return Int(c) }
        }
        return x.count - y.count
    }
}

extension Record {
    @inline(__always)
    func fieldEquals(_ f: Field, _ v: [UInt8]) -> Bool {
        guard f.isPresent, Int(f.count) == v.count else { return false }
        return withBytes(f) { b in v.withUnsafeBytes { memcmp(b.baseAddress!, $0.baseAddress!, v.count) == 0 } }
    }

    mutating func setImpliedStage(_ v: [UInt8]) {
        stage = appendImplied(v)
        stageImplied = true
    }

    /// Stores a value that is not in the line (after it) and returns its field.
    mutating func appendImplied(_ v: [UInt8]) -> Field {
        let at = extraBase + extra.count
        extra.append(contentsOf: v)
        return Field(start: Int32(at), count: Int32(v.count))
    }
}

/// Message IDs seen within the dedup window of record time, with what their kept record asked.
struct Deduplicator {
    let windowMs: Int64
    private let seen = DedupTable()

    init(windowMs: Int64) { self.windowMs = windowMs }

    enum Result { case fresh, same, differs }

    /// `r` in place (a record passed by value would be copied).
    mutating func check(_ r: UnsafePointer<Record>) -> Result {
        let ts = r.pointee.ts
        let h = DedupTable.key(r.pointee.withBytes(r.pointee.messageId) { quickHash($0) })
        // Forget IDs whose last sighting is older than the window.
        seen.expire(before: ts - windowMs)
        // "Seen again within the window" counts from the last sighting, duplicates included.
        let s = seen.sight(h, ts: ts, content: Self.content(r), window: windowMs)
        return !s.dup ? .fresh : s.same ? .same : .differs
    }

    /// What the request was, not how it went: a log delivered twice, or a Lambda retry (another
    /// time, latency or outcome), is the same request; a console test event that reuses the
    /// requestId for another intent, slot value, session or user is not.
    @inline(__always)
    static func content(_ p: UnsafePointer<Record>) -> UInt64 {
        @inline(__always) func q(_ f: Field, _ seed: UInt64) -> UInt64 { p.pointee.withBytes(f) { quickHash($0, seed: seed) } }
        // Each field's hash is seeded with the previous one (an absent field counts as empty).
        var h = q(p.pointee.requestType, 1)
        h = q(p.pointee.intent, h)
        h = q(p.pointee.slots, h)
        h = q(p.pointee.sessionId, h)
        h = q(p.pointee.userId, h)
        h = q(p.pointee.name, h)
        h = q(p.pointee.endpointId, h)
        return h
    }
}

/// The progress line on a terminal: bytes, records/s, ETA when the total size is known.
struct Progress {
    let enabled: Bool
    let total: Int64?
    let start = Progress.now()
    var shown = false
    var lastShown = 0.0
    /// Seconds before the first line ("about a second"); SKLOG_PROGRESS_AFTER overrides it, for tests.
    let after: Double

    init(enabled: Bool, total: Int64?) {
        self.enabled = enabled; self.total = total
        after = getenv("SKLOG_PROGRESS_AFTER").flatMap { Double(String(cString: $0)) } ?? 1
    }

    static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    mutating func update(bytes: Int64, records: Int) {
        guard enabled else { return }
        let now = Progress.now(), el = now - start
        // After about a second, at most five lines a second.
        guard el >= after, now - lastShown >= 0.2 else { return }
        lastShown = now
        var line = "\r\(Diagnostics.toolName): \(Accounting.size(bytes))\(total.map { " of " + Accounting.size($0) } ?? ""), \(records) records, \(Int(Double(records) / el)) records/s"
        if let t = total, bytes > 0 {
            let eta = el * Double(t - bytes) / Double(bytes)
            line += ", ETA \(Int(eta.rounded())) s"
        }
        line += "   "
        line.withCString { p in _ = write(2, p, strlen(p)) }
        shown = true
    }

    func finish() {
        if shown { "\r\u{1b}[K".withCString { p in _ = write(2, p, strlen(p)) } }
    }
}

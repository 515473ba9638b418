#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of one decoded chunk, shared with the records parsed from it (they point into it
/// instead of copying their line). A chunk refills its buffer only once no record holds it any
/// more; until then it decodes into a spare one (`LineChunk.reclaimBuffer`).
public final class ChunkBuffer: @unchecked Sendable {
    public let base: UnsafeMutableRawPointer
    public let capacity: Int
    init(capacity: Int) {
        self.capacity = capacity
        base = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
    }
    deinit { base.deallocate() }
}

/// A block of whole lines of decoded input. Chunks are recycled: the consumer hands them back.
public final class LineChunk {
    public private(set) var buffer: ChunkBuffer
    public var storage: UnsafeMutableRawBufferPointer { UnsafeMutableRawBufferPointer(start: buffer.base, count: buffer.capacity) }
    /// Bytes of `storage` in use: whole lines, the last one possibly without its newline at EOF.
    public internal(set) var count = 0
    /// When a line was longer than the reader's limit, it was cut; this is the offset in this
    /// chunk just past the cut line's kept bytes (the consumer rejects that line).
    public internal(set) var cutLineEnd: Int? = nil
    /// Work done on this chunk ahead of the consumer by the decoding thread when it had nothing
    /// else to do (parsed records), or nil. Set and read under the prefetcher's lock.
    public internal(set) var preparsed: AnyObject? = nil
    var preparseState: UInt8 = 0  // 0 none, 1 in progress, 2 done

    init(capacity: Int) {
        buffer = ChunkBuffer(capacity: capacity)
    }

    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: buffer.base, count: count) }

    func grow(to capacity: Int) {
        let bigger = ChunkBuffer(capacity: capacity)
        if count > 0 { bigger.base.copyMemory(from: buffer.base, byteCount: count) }
        buffer = bigger
    }

    /// Before the chunk is refilled: keeps its buffer if no record points into it any more, else
    /// swaps in a spare that nobody holds (or a new one) and keeps the held one as a spare.
    /// Called by the one thread that fills chunks; records are released on any thread, and a
    /// buffer seen uniquely referenced can no longer gain a reference.
    func reclaimBuffer(_ spares: inout [ChunkBuffer]) {
        preparsed = nil  // its records hold the buffer too
        if isKnownUniquelyReferenced(&buffer) { return }
        for i in spares.indices where isKnownUniquelyReferenced(&spares[i]) {
            swap(&buffer, &spares[i])
            return
        }
        spares.append(buffer)
        // Spares still held by records (kept by a consumer) are let go: freed with their last record.
        if spares.count > 8 { spares.removeFirst() }
        buffer = ChunkBuffer(capacity: buffer.capacity)
    }
}

/// Errors that stop an input from being opened or read (exit status 2).
public struct InputError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var message: String
    public var description: String { "\(path): \(message)" }
    public init(path: String, message: String) { self.path = path; self.message = message }
}

/// Reads one input (a file or standard input), detects its compression from the first bytes,
/// decodes it and cuts it into chunks of whole lines.
public final class ChunkReader {
    public let path: String
    public let displayName: String
    /// -1 while a regular file is not being read: it is opened (and checked) in `init`, closed,
    /// and opened again on the first read, then closed at its end, so that an export of thousands
    /// of files does not hold a descriptor for each (the usual limit is 1,024).
    private var fd: Int32
    private let ownsFD: Bool
    private var decoder: StreamDecoder?
    private var inBuf = ChunkReader.none
    private var inStart = 0, inEnd = 0
    private var eofRaw = false
    /// The input is used up and the decoder has nothing more to give.
    private var drained = false
    /// A partial line carried to the next chunk.
    private var carry = ChunkReader.none
    private var carryCount = 0
    /// Skipping the rest of an over-long line.
    private var skippingLongLine = false
    public let maxLineLength: Int

    public private(set) var compression: Compression = .plain
    /// Compressed bytes read from the file so far.
    public private(set) var bytesRead: Int64 = 0
    /// Size of the file when known (for progress), else nil.
    public let fileSize: Int64?
    /// Damage that ended decoding early; everything before it was delivered.
    public private(set) var damage: DecodeDamage?
    /// A read error (the input could not be read).
    public private(set) var readError: InputError?
    public private(set) var finished = false
    /// A pipe, a terminal or another non-regular input (decided with fstat): its lines are handed
    /// over as they arrive instead of filling a whole chunk first.
    public let isLive: Bool

    /// The whole decoded content of a small input (an ID list, a pattern file, a partial state).
    /// Damage and read errors are thrown, naming the file.
    public static func readWholeFile(_ path: String) throws -> [UInt8] {
        let r = try ChunkReader(path: path, maxLineLength: 1 << 40)
        let chunk = LineChunk(capacity: 1 << 20)
        var out: [UInt8] = []
        while r.next(into: chunk) { out.append(contentsOf: chunk.bytes) }
        if let d = r.damage { throw InputError(path: r.displayName, message: "byte offset \(d.offset): \(d.message)") }
        if let e = r.readError { throw e }
        return out
    }

    /// Opens `path` ("-" is standard input).
    public init(path: String, readSize: Int = 1 << 20, maxLineLength: Int = 256 << 20) throws {
        self.path = path
        self.maxLineLength = maxLineLength
        if path == "-" {
            fd = 0; ownsFD = false; displayName = "(stdin)"; fileSize = nil
            var st = stat()
            isLive = !(fstat(0, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG)
        } else {
            let f = open(path, O_RDONLY | O_CLOEXEC)
            if f < 0 { throw InputError(path: path, message: "cannot open: \(String(cString: strerror(errno)))") }
            var st = stat()
            if fstat(f, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR {
                close(f)
                throw InputError(path: path, message: "is a directory")
            }
            ownsFD = true; displayName = path
            fileSize = (st.st_mode & S_IFMT) == S_IFREG ? Int64(st.st_size) : nil
            // Pipes and devices stay open: their bytes would be lost.
            if fileSize != nil { close(f); fd = -1 } else { fd = f }
            isLive = fileSize == nil
        }
        // Buffers are allocated on the first read and given back at the end (`releaseBuffers`),
        // so that hundreds of small inputs opened at once cost memory only while being read.
        readBufferSize = max(16, min(readSize, fileSize.map { Int($0) + 1 } ?? readSize))
    }

    deinit {
        closeFile()
        releaseBuffers()
    }

    private func closeFile() {
        if ownsFD && fd >= 0 { close(fd) }
        if ownsFD { fd = -1 }
    }

    private let readBufferSize: Int
    private static let none = UnsafeMutableRawBufferPointer(start: nil, count: 0)

    /// Frees the read buffer, the carry and the decoder's state once the input is used up
    /// (`next` returned false). The reader's results (damage, counts) stay.
    public func releaseBuffers() {
        if inBuf.baseAddress != nil { inBuf.deallocate(); inBuf = Self.none }
        if carry.baseAddress != nil { carry.deallocate(); carry = Self.none }
        inStart = 0; inEnd = 0
        if finished { decoder = nil }
    }

    private func fillInput() {
        if eofRaw { return }
        if fd < 0 {
            let f = open(path, O_RDONLY | O_CLOEXEC)
            if f < 0 {
                readError = InputError(path: displayName, message: "cannot open: \(String(cString: strerror(errno)))")
                eofRaw = true
                return
            }
            fd = f
        }
        if inBuf.baseAddress == nil { inBuf = .allocate(byteCount: readBufferSize, alignment: 16) }
        if inStart == inEnd { inStart = 0; inEnd = 0 }
        if inStart > 0 && inEnd == inBuf.count {
            let n = inEnd - inStart
            inBuf.baseAddress!.copyMemory(from: inBuf.baseAddress! + inStart, byteCount: n)
            inStart = 0; inEnd = n
        }
        while true {
            let n = read(fd, inBuf.baseAddress! + inEnd, inBuf.count - inEnd)
            if n < 0 {
                if errno == EINTR { continue }
                readError = InputError(path: displayName, message: "read error: \(String(cString: strerror(errno)))")
                eofRaw = true
                closeFile()
                return
            }
            if n == 0 { eofRaw = true; closeFile() } else { inEnd += n; bytesRead += Int64(n) }
            return
        }
    }

    /// Whether bytes can be read from the input without waiting.
    private func inputWaiting() -> Bool {
        guard fd >= 0 else { return false }
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&p, 1, 0) > 0
    }

    /// Offset of the last newline in base[from..<to] (lines are short, so scanning back is cheap).
    private func lastNewline(_ base: UnsafeMutableRawPointer, from: Int, to: Int) -> Int? {
        var i = to - 1
        let p = base.assumingMemoryBound(to: UInt8.self)
        while i >= from {
            if p[i] == 0x0a { return i }
            i -= 1
        }
        return nil
    }

    /// Fills `chunk` with the next whole lines. Returns false at the end of input (chunk empty).
    public func next(into chunk: LineChunk) -> Bool {
        chunk.count = 0
        chunk.cutLineEnd = nil
        chunk.preparsed = nil
        chunk.preparseState = 0
        if finished { return false }
        if carryCount > 0 {
            if chunk.storage.count < carryCount * 2 { chunk.grow(to: max(chunk.storage.count * 2, carryCount * 2)) }
            chunk.storage.baseAddress!.copyMemory(from: carry.baseAddress!, byteCount: carryCount)
            chunk.count = carryCount
            carryCount = 0
        }
        var scanFrom = chunk.count  // where to look for newlines in new data
        while true {
            // Decode until the chunk is full or the input (and the decoder) is drained.
            while chunk.count < chunk.storage.count && !drained {
                if inStart == inEnd && !eofRaw {
                    // A live input hands over the whole lines it has when no more bytes wait.
                    if isLive && !skippingLongLine && chunk.count > scanFrom && !inputWaiting()
                        && lastNewline(chunk.storage.baseAddress!, from: scanFrom, to: chunk.count) != nil { break }
                    fillInput(); continue
                }
                if decoder == nil {
                    // Wait for two bytes (or EOF) before deciding the compression.
                    if inEnd - inStart < 2 && !eofRaw { fillInput(); continue }
                    if inStart == inEnd { drained = true; break }  // empty input
                    compression = Compression.detect(UnsafeRawBufferPointer(rebasing: inBuf[inStart..<inEnd]))
                    decoder = StreamDecoder(kind: compression)
                }
                do {
                    let r = try decoder!.decode(UnsafeRawBufferPointer(rebasing: inBuf[inStart..<inEnd]),
                                                into: UnsafeMutableRawBufferPointer(rebasing: chunk.storage[chunk.count...]))
                    inStart += r.used
                    chunk.count += r.written
                    if r.used == 0 && r.written == 0 {
                        if eofRaw { drained = true } else { fillInput() }
                    }
                } catch let d as DecodeDamage {
                    damage = d
                    drained = true
                } catch { drained = true }
            }
            let ended = drained
            if ended && damage == nil, let d = decoder {
                do { try d.finish() } catch let e as DecodeDamage { damage = e } catch {}
            }
            if skippingLongLine {
                // Drop bytes up to and including the next newline.
                let base = chunk.storage.baseAddress!
                if let nl = memchr(base, 0x0a, chunk.count) {
                    let after = UnsafeRawPointer(nl) - UnsafeRawPointer(base) + 1
                    let rest = chunk.count - after
                    if rest > 0 { base.copyMemory(from: base + after, byteCount: rest) }
                    chunk.count = rest
                    skippingLongLine = false
                    scanFrom = 0
                    if !ended && chunk.count < chunk.storage.count { continue }
                } else {
                    chunk.count = 0
                    if ended { finished = true; return chunk.cutLineEnd != nil }
                    continue
                }
            }
            if ended {
                finished = true
                return chunk.count > 0 || chunk.cutLineEnd != nil
            }
            // Keep whole lines; carry the partial last line.
            let base = chunk.storage.baseAddress!
            if let lastNL = lastNewline(base, from: scanFrom, to: chunk.count) {
                let keep = lastNL + 1
                let rest = chunk.count - keep
                if rest > 0 {
                    if carry.count < rest {
                        if carry.baseAddress != nil { carry.deallocate() }
                        carry = .allocate(byteCount: max(64 << 10, rest * 2), alignment: 16)
                    }
                    carry.baseAddress!.copyMemory(from: base + keep, byteCount: rest)
                }
                carryCount = rest
                chunk.count = keep
                return true
            }
            // No newline in the whole chunk: one line longer than the chunk.
            scanFrom = chunk.count
            if chunk.count >= maxLineLength {
                // Cut the line here; the consumer rejects it; skip to its end.
                chunk.cutLineEnd = chunk.count
                skippingLongLine = true
                // Deliver the cut line as its own chunk, with a newline so it is a whole line.
                if chunk.count == chunk.storage.count { chunk.grow(to: chunk.count + 1) }
                chunk.storage[chunk.count] = 0x0a
                chunk.count += 1
                return true
            }
            chunk.grow(to: min(chunk.storage.count * 2, maxLineLength + 1))
        }
    }

}

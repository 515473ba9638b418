// Where bytes go: file descriptors (write(2) in large chunks), gzip files, memory; and the
// per-stream layer that writes some records late (disorder) and some twice (duplicates).
import SklogIO
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public enum GenError: Error, CustomStringConvertible {
    case io(String)
    case usage(String)
    /// The reader closed the output pipe (not an error for a command-line tool).
    case pipeClosed

    public var description: String {
        switch self {
        case let .io(s): return s
        case let .usage(s): return s
        case .pipeClosed: return "output closed"
        }
    }
}

class ByteSink {
    /// First error seen; later writes are dropped.
    var error: GenError?
    func write(_ b: ByteBuffer) { b.withBytes { write($0) } }
    func write(_ p: UnsafeRawBufferPointer) {}
    func close() {}
}

/// Writes to a file descriptor with write(2).
final class FDSink: ByteSink {
    let fd: Int32
    let ownsFD: Bool
    let name: String

    init(fd: Int32, name: String, owns: Bool) {
        self.fd = fd
        self.name = name
        ownsFD = owns
    }

    static func create(path: String) throws -> FDSink {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        if fd < 0 { throw GenError.io("cannot create \(path): \(String(cString: strerror(errno)))") }
        return FDSink(fd: fd, name: path, owns: true)
    }

    override func write(_ p: UnsafeRawBufferPointer) {
        guard error == nil, var base = p.baseAddress else { return }
        var left = p.count
        while left > 0 {
            let n = sysWrite(fd, base, left)
            if n < 0 {
                if errno == EINTR { continue }
                error = errno == EPIPE ? .pipeClosed : .io("write \(name): \(String(cString: strerror(errno)))")
                return
            }
            left -= n
            base += n
        }
    }

    override func close() {
        if ownsFD {
            if sysClose(fd) != 0 && error == nil { error = .io("close \(name): \(String(cString: strerror(errno)))") }
        }
    }
}

/// gzip-compresses into another sink.
final class GzipSink: ByteSink {
    let inner: ByteSink
    var writer: GzipWriter?

    init(inner: ByteSink, level: Int32) throws {
        self.inner = inner
        super.init()
        writer = try GzipWriter(level: level) { [inner] chunk in inner.write(chunk) }
    }

    override func write(_ p: UnsafeRawBufferPointer) {
        guard error == nil else { return }
        do { try writer?.write(p) } catch { self.error = .io("gzip: \(error)") }
        if let e = inner.error { error = e }
    }

    override func close() {
        if error == nil {
            do { try writer?.finish() } catch { self.error = .io("gzip: \(error)") }
        }
        writer = nil
        inner.close()
        if error == nil, let e = inner.error { error = e }
    }
}

/// Collects bytes in memory.
final class MemorySink: ByteSink {
    var bytes: [UInt8] = []
    override func write(_ p: UnsafeRawBufferPointer) { bytes.append(contentsOf: p) }
}

/// One output file (log stream): a buffer, and the units held back to be written late.
protocol Batcher: AnyObject {
    /// Takes one unit (a record's rendering) and writes documents into the stream's buffer.
    func add(_ unit: UnsafeRawBufferPointer, to s: Stream)
}

final class Stream {
    let sink: ByteSink
    let buf = ByteBuffer(capacity: 1 << 20)
    /// Formats that group units into documents (subscription payloads).
    var batcher: Batcher?
    var pending: [Pending] = []
    var maxWrittenTs = Int64.min
    var disordered = 0

    struct Pending {
        let release: Int64
        let order: Int64
        let ts: Int64
        let duplicate: Bool
        let bytes: [UInt8]
    }

    init(sink: ByteSink) { self.sink = sink }

    /// Writes the units held back whose time has come (all of them with `upTo` nil).
    func release(upTo t: Int64?) {
        while !pending.isEmpty {
            var m = 0
            for i in 1..<pending.count where (pending[i].release, pending[i].order) < (pending[m].release, pending[m].order) { m = i }
            if let t = t, pending[m].release > t { return }
            let p = pending.remove(at: m)
            note(p.ts, duplicate: p.duplicate)
            p.bytes.withUnsafeBytes { put($0) }
        }
    }

    @inline(__always)
    func note(_ ts: Int64, duplicate: Bool) {
        if ts < maxWrittenTs { if !duplicate { disordered += 1 } } else { maxWrittenTs = ts }
    }

    /// Writes a unit (directly, or through the batcher).
    func put(_ unit: UnsafeRawBufferPointer) {
        if let b = batcher { b.add(unit, to: self) } else { buf.raw(unit) }
        flushIfFull()
    }

    @inline(__always)
    func flushIfFull() {
        if buf.count >= 1 << 20 { flush() }
    }

    func flush() {
        if buf.count > 0 { sink.write(buf); buf.removeAll() }
    }
}

@inline(__always)
func sysWrite(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.write(fd, p, n)
    #else
    return Darwin.write(fd, p, n)
    #endif
}

@inline(__always)
func sysClose(_ fd: Int32) -> Int32 {
    #if canImport(Glibc)
    return Glibc.close(fd)
    #else
    return Darwin.close(fd)
    #endif
}

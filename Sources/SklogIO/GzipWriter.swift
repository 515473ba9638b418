// A small streaming gzip writer over zlib (deflate with a gzip header and trailer).
import CZlib

public enum GzipError: Error, CustomStringConvertible {
    case zlib(Int32, String)
    public var description: String {
        switch self {
        case let .zlib(code, what): return "zlib error \(code) in \(what)"
        }
    }
}

public final class GzipWriter {
    private var stream = z_stream()
    private var out: UnsafeMutablePointer<UInt8>
    private let outSize: Int
    private let output: (UnsafeRawBufferPointer) throws -> Void
    private var finished = false

    /// Compresses what it is given and hands the compressed bytes to `output` in chunks.
    public init(level: Int32 = 6, bufferSize: Int = 1 << 18,
                output: @escaping (UnsafeRawBufferPointer) throws -> Void) throws {
        outSize = bufferSize
        out = .allocate(capacity: bufferSize)
        self.output = output
        let rc = czlib_deflateInit2(&stream, max(0, min(9, level)), 15 + 16)
        // On failure the deinitializer frees `out` (deflateEnd of a stream without state is a no-op).
        guard rc == Z_OK else { throw GzipError.zlib(rc, "deflateInit2") }
    }

    deinit {
        deflateEnd(&stream)
        out.deallocate()
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard bytes.count > 0, let base = bytes.baseAddress else { return }
        precondition(!finished, "GzipWriter: write after finish")
        stream.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = uInt(bytes.count)
        while stream.avail_in > 0 {
            try pump(Z_NO_FLUSH)
        }
        stream.next_in = nil
    }

    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Ends the gzip member (writes the trailer). The writer cannot be used afterwards.
    public func finish() throws {
        guard !finished else { return }
        stream.next_in = nil
        stream.avail_in = 0
        var rc: Int32 = Z_OK
        repeat {
            stream.next_out = out
            stream.avail_out = uInt(outSize)
            rc = deflate(&stream, Z_FINISH)
            guard rc == Z_OK || rc == Z_STREAM_END || rc == Z_BUF_ERROR else { throw GzipError.zlib(rc, "deflate") }
            let n = outSize - Int(stream.avail_out)
            if n > 0 { try output(UnsafeRawBufferPointer(start: out, count: n)) }
        } while rc != Z_STREAM_END
        finished = true
    }

    /// After `finish`, starts a new gzip member with the same settings (cheaper than a new writer).
    public func reset() throws {
        let rc = deflateReset(&stream)
        guard rc == Z_OK else { throw GzipError.zlib(rc, "deflateReset") }
        finished = false
    }

    private func pump(_ flush: Int32) throws {
        stream.next_out = out
        stream.avail_out = uInt(outSize)
        let rc = deflate(&stream, flush)
        guard rc == Z_OK || rc == Z_BUF_ERROR else { throw GzipError.zlib(rc, "deflate") }
        let n = outSize - Int(stream.avail_out)
        if n > 0 { try output(UnsafeRawBufferPointer(start: out, count: n)) }
    }

    /// gzip of a whole buffer in memory.
    public static func compress(_ bytes: UnsafeRawBufferPointer, level: Int32 = 6) throws -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count / 4 + 64)
        let w = try GzipWriter(level: level, bufferSize: 1 << 16) { chunk in result.append(contentsOf: chunk) }
        try w.write(bytes)
        try w.finish()
        return result
    }

    public static func compress(_ bytes: [UInt8], level: Int32 = 6) throws -> [UInt8] {
        try bytes.withUnsafeBytes { try compress($0, level: level) }
    }
}

import CISAL
import CZlib

/// How the bytes of an input are encoded, detected from its first bytes (never from its name).
public enum Compression: String, Sendable {
    case gzip, zlib, plain

    /// gzip starts with 1f 8b; a zlib stream with a CMF/FLG pair whose 16-bit value is a multiple
    /// of 31 and whose method is deflate (8).
    public static func detect(_ head: UnsafeRawBufferPointer) -> Compression {
        if head.count >= 2 && head[0] == 0x1f && head[1] == 0x8b { return .gzip }
        if head.count >= 2 && head[0] & 0x0f == 8 && head[0] >> 4 <= 7
            && (UInt16(head[0]) << 8 | UInt16(head[1])) % 31 == 0 && head[1] & 0x20 == 0 {
            return .zlib
        }
        return .plain
    }
}

/// Damage found while decoding: where (offset in the compressed input) and what.
public struct DecodeDamage: Error, Sendable, Equatable {
    public var offset: Int64
    public var message: String
}

/// Streaming decoder from compressed input blocks to plain bytes.
/// gzip goes through ISA-L (about 2.7x faster than zlib here), zlib streams through zlib.
final class StreamDecoder {
    let kind: Compression
    private var isal: UnsafeMutablePointer<inflate_state>?
    private var zs = z_stream()
    private var zInit = false
    /// True between the first byte of a member (or stream) and its trailer.
    private(set) var insideMember = false
    /// Set once the stream has ended cleanly (zlib) or only padding may follow (gzip).
    private var finished = false
    /// Damage found after some output of the same call was produced: thrown on the next call,
    /// so the bytes before the damage are still delivered.
    private var pendingDamage: DecodeDamage?
    /// Bytes of compressed input consumed so far (for damage offsets).
    private(set) var consumed: Int64 = 0

    init(kind: Compression) {
        self.kind = kind
        switch kind {
        case .gzip:
            let p = UnsafeMutablePointer<inflate_state>.allocate(capacity: 1)
            isal_inflate_init(p)
            p.pointee.crc_flag = UInt32(ISAL_GZIP)
            isal = p
        case .zlib:
            zInit = czlib_inflateInit2(&zs, 15) == Z_OK
        case .plain:
            break
        }
    }

    deinit {
        if let p = isal { p.deallocate() }
        if zInit { inflateEnd(&zs) }
    }

    /// Decodes as much of `input` as fits into `output`.
    /// Returns (input bytes used, output bytes written). Throws on damage.
    func decode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws -> (used: Int, written: Int) {
        if let d = pendingDamage { throw d }
        switch kind {
        case .plain:
            let n = min(input.count, output.count)
            if n == 0 { return (0, 0) }
            if n > 0 { output.baseAddress!.copyMemory(from: input.baseAddress!, byteCount: n) }
            consumed += Int64(n)
            return (n, n)
        case .gzip:
            return try decodeGzip(input, output)
        case .zlib:
            return try decodeZlib(input, output)
        }
    }

    private func decodeGzip(_ input: UnsafeRawBufferPointer, _ output: UnsafeMutableRawBufferPointer) throws -> (used: Int, written: Int) {
        let st = isal!
        var used = 0, written = 0
        while written < output.count {
            if !insideMember {
                // Between members: skip zero padding; anything else must be a new gzip header.
                if used >= input.count { break }
                let b = input[used]
                if b == 0 { used += 1; consumed += 1; continue }
                if finished && b != 0x1f {
                    return try deliverThenFail(DecodeDamage(offset: consumed, message: "trailing garbage after gzip data"), used, written)
                }
                isal_inflate_reset(st)
                st.pointee.crc_flag = UInt32(ISAL_GZIP)
                insideMember = true
            }
            let availIn = input.count - used
            // ISA-L may still hold decoded bytes when the input is used up: call it with no input too.
            st.pointee.next_in = availIn > 0
                ? UnsafeMutablePointer(mutating: input.baseAddress!.assumingMemoryBound(to: UInt8.self) + used) : nil
            st.pointee.avail_in = UInt32(availIn)
            st.pointee.next_out = output.baseAddress!.assumingMemoryBound(to: UInt8.self) + written
            st.pointee.avail_out = UInt32(output.count - written)
            let rc = isal_inflate(st)
            let nowUsed = availIn - Int(st.pointee.avail_in)
            let nowWritten = (output.count - written) - Int(st.pointee.avail_out)
            if rc < 0 {
                return try deliverThenFail(DecodeDamage(offset: consumed + Int64(nowUsed), message: Self.isalMessage(rc)), used, written + nowWritten)
            }
            used += nowUsed
            written += nowWritten
            consumed += Int64(nowUsed)
            if st.pointee.block_state == ISAL_BLOCK_FINISH {
                insideMember = false
                finished = true
            } else if nowUsed == 0 && nowWritten == 0 {
                break  // needs more input
            }
        }
        return (used, written)
    }

    private func decodeZlib(_ input: UnsafeRawBufferPointer, _ output: UnsafeMutableRawBufferPointer) throws -> (used: Int, written: Int) {
        if finished {
            // Bytes after the end of a zlib stream.
            if input.contains(where: { $0 != 0 }) { throw DecodeDamage(offset: consumed, message: "trailing garbage after zlib stream") }
            consumed += Int64(input.count)
            return (input.count, 0)
        }
        insideMember = true
        zs.next_in = input.count > 0 ? UnsafeMutablePointer(mutating: input.baseAddress!.assumingMemoryBound(to: UInt8.self)) : nil
        zs.avail_in = UInt32(input.count)
        zs.next_out = output.baseAddress!.assumingMemoryBound(to: UInt8.self)
        zs.avail_out = UInt32(output.count)
        let rc = inflate(&zs, Z_NO_FLUSH)
        let used = input.count - Int(zs.avail_in)
        let written = output.count - Int(zs.avail_out)
        consumed += Int64(used)
        if rc == Z_STREAM_END {
            finished = true
            insideMember = false
        } else if rc != Z_OK && rc != Z_BUF_ERROR {
            let msg = zs.msg.map { String(cString: $0) } ?? "zlib error \(rc)"
            throw DecodeDamage(offset: consumed, message: "corrupt zlib data: \(msg)")
        }
        return (used, written)
    }

    private func deliverThenFail(_ d: DecodeDamage, _ used: Int, _ written: Int) throws -> (used: Int, written: Int) {
        if written == 0 { throw d }
        pendingDamage = d
        return (used, written)
    }

    /// Call at end of input: a stream that ends inside a member was truncated.
    func finish() throws {
        if insideMember {
            throw DecodeDamage(offset: consumed, message: kind == .gzip ? "truncated gzip data (unexpected end of file inside a member)" : "truncated zlib stream")
        }
    }

    static func isalMessage(_ rc: Int32) -> String {
        switch rc {
        case ISAL_INVALID_BLOCK: return "corrupt deflate data (invalid block)"
        case ISAL_INVALID_SYMBOL: return "corrupt deflate data (invalid symbol)"
        case ISAL_INVALID_LOOKBACK: return "corrupt deflate data (invalid distance)"
        case ISAL_INVALID_WRAPPER: return "invalid gzip header"
        case ISAL_UNSUPPORTED_METHOD: return "unsupported gzip compression method"
        case ISAL_INCORRECT_CHECKSUM: return "gzip checksum mismatch (corrupt data)"
        default: return "gzip decode error \(rc)"
        }
    }
}

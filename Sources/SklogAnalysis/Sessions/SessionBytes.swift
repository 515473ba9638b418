/// The byte layout of an open session's variable data (`OpenSession.data`): the session ID
/// (length, bytes), then entries in record order, each a tag byte and its fields. Lengths and
/// numbers are LEB128 varints; signed numbers zigzag-encoded; turn times relative to the start.
///
///     user     1, len, bytes                       the first userId seen
///     message  2, len, bytes                       every record: its messageId ("" when absent)
///     turn     3, ts - start, latencyMs, speechMs, step, flags, confidence,
///                 [len, utterance], [len, slots]   after the message entry of a turn record
///                                                  (slots: the object's JSON text, as it came)
///     locale   4, len, bytes  (also stage 5, skill 6): first value, when the ValueTable is full
///
/// step: 0 LaunchRequest, 1 IntentRequest without an intent, 2 an intent whose name follows
/// (len, bytes), else a ValueTable id + 3. flags: failed, endSession (2 bits, TriState + 1),
/// bargeIn (2 bits), unhandled, has utterance, has slots.
enum SessionBytes {
    static let user: UInt8 = 1, message: UInt8 = 2, turn: UInt8 = 3, locale: UInt8 = 4, stage: UInt8 = 5, skill: UInt8 = 6

    /// The most bytes a varint takes.
    static let maxVarint = 10

    /// The bytes of `v` as a varint.
    @inline(__always)
    static func varintSize(_ v: UInt64) -> Int { (64 - (v | 1).leadingZeroBitCount + 6) / 7 }

    /// The bytes of a length and `n` bytes.
    @inline(__always)
    static func sized(_ n: Int) -> Int { varintSize(UInt64(n)) + n }

    @inline(__always)
    static func zigzag(_ v: Int64) -> UInt64 { UInt64(bitPattern: (v << 1) ^ (v >> 63)) }
    @inline(__always)
    static func unzigzag(_ u: UInt64) -> Int64 { Int64(bitPattern: u >> 1) ^ -Int64(bitPattern: u & 1) }
}

/// Appends to a session's bytes (capacity reserved by the caller).
struct SessionByteWriter {
    let p: UnsafeMutableRawPointer
    var at: Int

    @inline(__always)
    mutating func byte(_ b: UInt8) {
        p.storeBytes(of: b, toByteOffset: at, as: UInt8.self)
        at += 1
    }

    @inline(__always)
    mutating func varint(_ v: UInt64) {
        var v = v
        while v >= 0x80 {
            byte(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        byte(UInt8(v))
    }

    @inline(__always)
    mutating func bytes(_ b: UnsafeRawBufferPointer) {
        varint(UInt64(b.count))
        if b.count > 0 { (p + at).copyMemory(from: b.baseAddress!, byteCount: b.count) }
        at += b.count
    }
}

/// Reads a session's bytes back, at close.
struct SessionByteReader {
    let p: UnsafeRawPointer
    let end: Int
    var at: Int

    var atEnd: Bool { at >= end }

    @inline(__always)
    mutating func byte() -> UInt8 {
        let b = p.load(fromByteOffset: at, as: UInt8.self)
        at += 1
        return b
    }

    @inline(__always)
    mutating func varint() -> UInt64 {
        var v: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = byte()
            v |= UInt64(b & 0x7f) << shift
            if b < 0x80 { return v }
            shift += 7
        }
    }

    @inline(__always)
    mutating func signed() -> Int64 { SessionBytes.unzigzag(varint()) }

    @inline(__always)
    mutating func bytes() -> UnsafeRawBufferPointer {
        let n = Int(varint())
        let b = UnsafeRawBufferPointer(start: p + at, count: n)
        at += n
        return b
    }

    @inline(__always)
    mutating func skipBytes() { at += Int(varint()) }

    mutating func string() -> String { String(decoding: bytes(), as: UTF8.self) }
}

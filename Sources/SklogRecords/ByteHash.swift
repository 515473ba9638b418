#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A fast 64-bit hash of a byte string, for distinct counts, dedup and grouping without making a
/// `String` per record. Collisions are possible in principle; with 64 bits and a million keys the
/// chance of one is about 1 in 30 million (documented in docs/design.md).
@inlinable
public func byteHash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
    var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: bytes.count)
    var i = 0
    let n = bytes.count
    guard let base = bytes.baseAddress else { return mix64(h) }
    while i + 8 <= n {
        let w = base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
        h = mix64(h ^ w) &* 0xBF58_476D_1CE4_E5B9
        i += 8
    }
    if i < n {
        var w: UInt64 = 0
        var shift: UInt64 = 0
        while i < n {
            w |= UInt64(base.load(fromByteOffset: i, as: UInt8.self)) << shift
            shift += 8
            i += 1
        }
        h = mix64(h ^ w) &* 0x94D0_49BB_1331_11EB
    }
    return mix64(h)
}

@inlinable @inline(__always)
public func mix64(_ x: UInt64) -> UInt64 {
    var z = x
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}

public func byteHash(_ s: String) -> UInt64 {
    var s = s
    return s.withUTF8 { byteHash(UnsafeRawBufferPointer($0)) }
}

/// A cheaper 64-bit hash (one 64×64→128-bit multiply per 8 bytes, wyhash's mix) for values that
/// stay inside one run and reach no output: the dedup window's keys and content signatures.
/// `byteHash` is kept for the rest (`--shard` and the saved metrics state depend on it).
@inline(__always)
func quickHash(_ b: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
    @inline(__always) func mum(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let m = a.multipliedFullWidth(by: b)
        return m.high ^ m.low
    }
    let n = b.count
    var h = seed ^ 0xA076_1D64_78BD_642F
    guard n > 0, let p = b.baseAddress else { return mum(h, 0xE703_7ED1_A0B4_28DB) }
    var i = 0
    while i + 8 < n {
        h = mum(h ^ p.loadUnaligned(fromByteOffset: i, as: UInt64.self), 0xE703_7ED1_A0B4_28DB)
        i += 8
    }
    // The last 1...8 bytes (overlapping the previous word when there was one).
    let w: UInt64
    if n >= 8 {
        w = p.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
    } else if n >= 4 {
        w = UInt64(p.loadUnaligned(as: UInt32.self)) << 32 | UInt64(p.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self))
    } else {
        let a = UInt64(p.load(as: UInt8.self)), m = UInt64(p.load(fromByteOffset: n >> 1, as: UInt8.self))
        w = a << 16 | m << 8 | UInt64(p.load(fromByteOffset: n - 1, as: UInt8.self))
    }
    // The length goes in through its own multiply (xored into the last word, "ab" and "abc"
    // could meet).
    return mum(mum(h ^ w, 0x8EBC_6AF0_9C88_C6E3) ^ (UInt64(truncatingIfNeeded: n) &* 0x5899_65CC_7537_4CC3), 0x1D8E_4E27_C47D_124F)
}

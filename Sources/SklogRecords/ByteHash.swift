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

// Deterministic pseudo-random numbers for the simulator: SplitMix64 for seeding and hashing,
// xoshiro256** for the streams. Never the system generator, never the clock.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SplitMix64 finalizer: a good 64-bit mixing function, also used to derive per-user values.
@inline(__always)
func mix64(_ x: UInt64) -> UInt64 {
    var z = x &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}

/// Hash of a tuple of integers (stable across runs and platforms).
@inline(__always)
func hash2(_ a: UInt64, _ b: UInt64) -> UInt64 { mix64(mix64(a) ^ (b &* 0xD6E8_FEB8_6659_FD93)) }

/// xoshiro256** generator.
public struct Rng {
    var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    public init(seed: UInt64, stream: UInt64 = 0) {
        var x = seed ^ (stream &* 0x9E37_79B9_7F4A_7C15)
        func next() -> UInt64 { x = x &+ 0x9E37_79B9_7F4A_7C15; return mix64(x &- 0x9E37_79B9_7F4A_7C15) }
        s0 = next(); s1 = next(); s2 = next(); s3 = next()
        if s0 | s1 | s2 | s3 == 0 { s0 = 1 }
    }

    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// Uniform in [0, 1).
    @inline(__always)
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform integer in [0, n).
    @inline(__always)
    public mutating func below(_ n: Int) -> Int {
        precondition(n > 0)
        return Int((next() >> 1) % UInt64(n))
    }

    /// Uniform integer in [lo, hi] (inclusive).
    @inline(__always)
    public mutating func range(_ lo: Int, _ hi: Int) -> Int { hi <= lo ? lo : lo + below(hi - lo + 1) }

    @inline(__always)
    public mutating func chance(_ p: Double) -> Bool { unit() < p }

    /// Standard normal (Box-Muller, one value per call).
    public mutating func normal() -> Double {
        var u = unit()
        if u < 1e-300 { u = 1e-300 }
        return sqrt(-2 * log(u)) * cos(2 * Double.pi * unit())
    }

    /// Log-normal with the given median and sigma.
    public mutating func logNormal(median: Double, sigma: Double) -> Double { median * exp(sigma * normal()) }

    /// Index chosen with the given integer weights.
    public mutating func weighted(_ w: [Int]) -> Int {
        var total = 0
        for x in w { total += x }
        var r = below(total)
        for (i, x) in w.enumerated() {
            if r < x { return i }
            r -= x
        }
        return w.count - 1
    }

    /// A random 128-bit id (for UUIDs).
    @inline(__always)
    public mutating func id128() -> ID128 { ID128(hi: next(), lo: next()) }
}

public struct ID128: Hashable {
    public var hi: UInt64
    public var lo: UInt64
    public static let zero = ID128(hi: 0, lo: 0)
    public var isZero: Bool { hi == 0 && lo == 0 }
}

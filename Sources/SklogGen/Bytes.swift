// A growable byte buffer with the few writers the generator needs: raw bytes, JSON-escaped
// strings, integers, fixed-point decimals, UUIDs, RFC 3339 timestamps, base32 ids.
// No Foundation, no String interpolation on the hot path.

public final class ByteBuffer {
    struct State {
        var base: UnsafeMutablePointer<UInt8>
        var count: Int
        var capacity: Int
    }

    // The state lives behind a pointer: stored `var`s of a class cost a dynamic exclusivity
    // check on many accesses, and these are touched for every byte written.
    private let state: UnsafeMutablePointer<State>

    public private(set) var base: UnsafeMutablePointer<UInt8> {
        get { state.pointee.base }
        set { state.pointee.base = newValue }
    }
    public var count: Int {
        get { state.pointee.count }
        set { state.pointee.count = newValue }
    }
    public private(set) var capacity: Int {
        get { state.pointee.capacity }
        set { state.pointee.capacity = newValue }
    }

    public init(capacity: Int = 1 << 16) {
        let c = max(capacity, 64)
        state = .allocate(capacity: 1)
        state.initialize(to: State(base: .allocate(capacity: c), count: 0, capacity: c))
    }

    deinit {
        state.pointee.base.deallocate()
        state.deallocate()
    }

    @inline(__always)
    public func reserve(_ n: Int) {
        if count + n > capacity { grow(count + n) }
    }

    private func grow(_ need: Int) {
        var c = capacity * 2
        while c < need { c *= 2 }
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: c)
        p.update(from: base, count: count)
        base.deallocate()
        base = p
        capacity = c
    }

    public func removeAll() { count = 0 }

    public var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    public func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: base, count: count))
    }

    /// Drops the first n bytes.
    public func removeFirst(_ n: Int) {
        if n >= count { count = 0; return }
        (base).update(from: base + n, count: count - n)
        count -= n
    }

    @inline(__always)
    public func byte(_ b: UInt8) {
        reserve(1)
        base[count] = b
        count += 1
    }

    @inline(__always)
    public func raw(_ s: StaticString) {
        let n = s.utf8CodeUnitCount
        reserve(n)
        (base + count).update(from: s.utf8Start, count: n)
        count += n
    }

    @inline(__always)
    public func raw(_ b: [UInt8]) {
        let n = b.count
        reserve(n)
        b.withUnsafeBufferPointer { (base + count).update(from: $0.baseAddress!, count: n) }
        count += n
    }

    @inline(__always)
    public func raw(_ p: UnsafeRawBufferPointer) {
        let n = p.count
        if n == 0 { return }
        reserve(n)
        (base + count).update(from: p.baseAddress!.assumingMemoryBound(to: UInt8.self), count: n)
        count += n
    }

    public func raw(_ b: ByteBuffer) {
        raw(UnsafeRawBufferPointer(start: b.base, count: b.count))
    }

    /// Bytes already escaped for a JSON string, wrapped in quotes.
    @inline(__always)
    public func quoted(_ b: [UInt8]) {
        byte(0x22); raw(b); byte(0x22)
    }

    /// JSON string with escaping of `"`, `\` and control characters (UTF-8 passes through).
    public func jsonString(_ s: String) {
        byte(0x22)
        let n = s.utf8.withContiguousStorageIfAvailable { p -> Int in
            escapeInto(p); return 0
        }
        if n == nil { for c in s.utf8 { escapeByte(c) } }
        byte(0x22)
    }

    public func jsonString(_ b: [UInt8]) {
        byte(0x22)
        b.withUnsafeBufferPointer { escapeInto($0) }
        byte(0x22)
    }

    /// Escapes the bytes of a buffer as the contents of a JSON string (no quotes).
    public func escaped(_ p: UnsafeBufferPointer<UInt8>) { escapeInto(p) }

    private func escapeInto(_ p: UnsafeBufferPointer<UInt8>) {
        guard let src = p.baseAddress else { return }
        let n = p.count
        reserve(n * 6)
        let dst = base + count
        var o = 0
        for i in 0..<n {
            let c = src[i]
            if c >= 0x20 && c != 0x22 && c != 0x5C { dst[o] = c; o += 1; continue }
            dst[o] = 0x5C
            switch c {
            case 0x22: dst[o + 1] = 0x22; o += 2
            case 0x5C: dst[o + 1] = 0x5C; o += 2
            case 0x0A: dst[o + 1] = 0x6E; o += 2
            case 0x0D: dst[o + 1] = 0x72; o += 2
            case 0x09: dst[o + 1] = 0x74; o += 2
            case 0x08: dst[o + 1] = 0x62; o += 2
            case 0x0C: dst[o + 1] = 0x66; o += 2
            default:
                dst[o + 1] = 0x75; dst[o + 2] = 0x30; dst[o + 3] = 0x30
                let hi = c >> 4, lo = c & 15
                dst[o + 4] = 48 &+ hi
                dst[o + 5] = lo < 10 ? 48 &+ lo : 87 &+ lo
                o += 6
            }
        }
        count += o
    }

    /// `n` copies of a byte.
    @inline(__always)
    public func repeated(_ b: UInt8, _ n: Int) {
        guard n > 0 else { return }
        reserve(n)
        (base + count).initialize(repeating: b, count: n)
        count += n
    }

    @inline(__always)
    private func escapeByte(_ c: UInt8) {
        switch c {
        case 0x22: raw("\\\"")
        case 0x5C: raw("\\\\")
        case 0x0A: raw("\\n")
        case 0x0D: raw("\\r")
        case 0x09: raw("\\t")
        case 0x08: raw("\\b")
        case 0x0C: raw("\\f")
        case 0..<0x20:
            raw("\\u00")
            hex(UInt64(c), digits: 2)
        default: byte(c)
        }
    }

    @inline(__always)
    public func int(_ v: Int) {
        reserve(21)
        let p = base + count
        var x = v
        var k = 0
        if x < 0 { p[0] = 0x2D; k = 1; x = -x }
        var digits = 1
        var y = x
        while y >= 10 { y /= 10; digits += 1 }
        var i = k + digits - 1
        repeat { p[i] = UInt8(truncatingIfNeeded: 48 + x % 10); x /= 10; i -= 1 } while x > 0
        count += k + digits
    }

    /// Fixed-point: value / 10^decimals with exactly `decimals` digits after the point.
    public func fixed(_ value: Int, decimals: Int) {
        var v = value
        if v < 0 { byte(0x2D); v = -v }
        var p = 1
        for _ in 0..<decimals { p *= 10 }
        int(v / p)
        if decimals > 0 {
            byte(0x2E)
            var frac = v % p
            var digits = [UInt8](repeating: 48, count: decimals)
            var i = decimals - 1
            while i >= 0 { digits[i] = UInt8(48 + frac % 10); frac /= 10; i -= 1 }
            raw(digits)
        }
    }

    /// Zero-padded decimal of `width` digits.
    @inline(__always)
    public func padded(_ v: Int, _ width: Int) {
        reserve(width)
        let p = base + count
        var x = v
        var i = width - 1
        while i >= 0 { p[i] = UInt8(truncatingIfNeeded: 48 + x % 10); x /= 10; i -= 1 }
        count += width
    }

    @inline(__always)
    public func hex(_ v: UInt64, digits: Int) {
        reserve(digits)
        let p = base + count
        var x = v
        var i = digits - 1
        while i >= 0 {
            let d = UInt8(truncatingIfNeeded: x & 15)
            p[i] = d < 10 ? 48 &+ d : 87 &+ d
            x >>= 4; i -= 1
        }
        count += digits
    }

    /// RFC 4122 version-4 style UUID (8-4-4-4-12, lowercase).
    @inline(__always)
    public func uuid(_ id: ID128) {
        let hi = (id.hi & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000
        let lo = (id.lo & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        hex(hi >> 32, digits: 8); byte(0x2D)
        hex((hi >> 16) & 0xFFFF, digits: 4); byte(0x2D)
        hex(hi & 0xFFFF, digits: 4); byte(0x2D)
        hex(lo >> 48, digits: 4); byte(0x2D)
        hex(lo & 0xFFFF_FFFF_FFFF, digits: 12)
    }

    /// `n` characters of an opaque upper-case base32 id derived from a key.
    public func opaque(_ key: UInt64, length n: Int) {
        reserve(n)
        fillOpaque(base + count, key: key, length: n)
        count += n
    }

    /// RFC 3339 UTC with milliseconds: 2026-11-02T08:15:30.123Z
    public func timestamp(_ ms: Int64) {
        timestamp(ms, millis: true)
    }

    public func timestamp(_ ms: Int64, millis: Bool) {
        let (days, msOfDay) = floorDivMod(ms, 86_400_000)
        let (y, m, d) = civil(fromDays: Int(days))
        reserve(24)
        padded(y, 4); byte(0x2D); padded(m, 2); byte(0x2D); padded(d, 2); byte(0x54)
        let secs = Int(msOfDay / 1000)
        padded(secs / 3600, 2); byte(0x3A); padded(secs / 60 % 60, 2); byte(0x3A); padded(secs % 60, 2)
        if millis { byte(0x2E); padded(Int(msOfDay % 1000), 3) }
        byte(0x5A)
    }
}


@inline(__always)
func floorDivMod(_ a: Int64, _ b: Int64) -> (Int64, Int64) {
    var q = a / b
    var r = a % b
    if r < 0 { q -= 1; r += b }
    return (q, r)
}

/// Days since 1970-01-01 -> (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
func civil(fromDays z0: Int) -> (Int, Int, Int) {
    let z = z0 + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
    let y = yoe + era * 400
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    return (m <= 2 ? y + 1 : y, m, d)
}

/// (year, month, day) -> days since 1970-01-01.
func days(fromCivil y0: Int, _ m: Int, _ d: Int) -> Int {
    let y = m <= 2 ? y0 - 1 : y0
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
}

/// Parses `YYYY-MM-DD` or an RFC 3339 timestamp (`YYYY-MM-DDTHH:MM:SS[.fff]Z`) into epoch ms.
public func parseDate(_ s: String) -> Int64? {
    let b = Array(s.utf8)
    func num(_ from: Int, _ len: Int) -> Int? {
        guard from + len <= b.count else { return nil }
        var v = 0
        for i in from..<(from + len) {
            guard b[i] >= 48 && b[i] <= 57 else { return nil }
            v = v * 10 + Int(b[i] - 48)
        }
        return v
    }
    guard b.count >= 10, b[4] == 0x2D, b[7] == 0x2D,
          let y = num(0, 4), let m = num(5, 2), let d = num(8, 2),
          (1...12).contains(m), (1...31).contains(d) else { return nil }
    var ms = Int64(days(fromCivil: y, m, d)) * 86_400_000
    if b.count == 10 { return ms }
    guard b.count >= 20, b[10] == 0x54 || b[10] == 0x20, let hh = num(11, 2), b[13] == 0x3A,
          let mi = num(14, 2), b[16] == 0x3A, let ss = num(17, 2) else { return nil }
    ms += Int64(hh * 3600 + mi * 60 + ss) * 1000
    var i = 19
    if i < b.count && b[i] == 0x2E {
        i += 1
        var frac = 0, digits = 0
        while i < b.count && b[i] >= 48 && b[i] <= 57 {
            if digits < 3 { frac = frac * 10 + Int(b[i] - 48); digits += 1 }
            i += 1
        }
        while digits < 3 { frac *= 10; digits += 1 }
        ms += Int64(frac)
    }
    guard i == b.count - 1 && (b[i] == 0x5A || b[i] == 0x7A) else { return nil }
    return ms
}

/// Writes `n` characters of an opaque upper-case base32 id derived from a key.
@inline(__always)
func fillOpaque(_ p: UnsafeMutablePointer<UInt8>, key: UInt64, length n: Int) {
    var h = key
    var bits: UInt64 = 0
    var avail = 0
    for i in 0..<n {
        if avail < 5 { h = mix64(h &+ 0x632B_E59B_D9B4_E019); bits = h; avail = 64 }
        let d = UInt8(truncatingIfNeeded: bits & 31)
        p[i] = d < 26 ? 65 &+ d : 24 &+ d
        bits >>= 5; avail -= 5
    }
}

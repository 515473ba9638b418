/// Times are milliseconds since the Unix epoch (UTC) everywhere inside sklog.
public enum Timestamp {
    /// Days since 1970-01-01 for a civil date (Howard Hinnant's algorithm).
    @inlinable
    public static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    public static func civil(days z0: Int) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    /// The times sklog accepts: years 0000 to 9999 (UTC), as `format` writes them. A time
    /// outside is rejected, never written modulo 10000.
    public static let earliest: Int64 = -62_167_219_200_000   // 0000-01-01T00:00:00.000Z
    public static let end: Int64 = 253_402_300_800_000        // 10000-01-01T00:00:00.000Z

    @inline(__always)
    public static func inRange(_ ms: Int64) -> Bool { ms >= earliest && ms < end }

    /// Days in a month of the proleptic Gregorian calendar.
    @inline(__always)
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Parses RFC 3339 (`2026-11-24T10:00:00.123Z`, `…+01:00`, a space instead of `T`, any number
    /// of fraction digits, no fraction) or a plain date (`2026-11-24`, midnight UTC).
    public static func parse(_ b: UnsafeRawBufferPointer) -> Int64? {
        let n = b.count
        @inline(__always) func digit(_ i: Int) -> Int? {
            guard i < n else { return nil }
            let c = b[i]
            return c >= 48 && c <= 57 ? Int(c - 48) : nil
        }
        @inline(__always) func num(_ i: Int, _ len: Int) -> Int? {
            var v = 0
            for k in 0..<len { guard let d = digit(i + k) else { return nil }; v = v * 10 + d }
            return v
        }
        guard n >= 10, let y = num(0, 4), b[4] == 45, let mo = num(5, 2), b[7] == 45, let d = num(8, 2),
              (1...12).contains(mo), d >= 1, d <= daysInMonth(year: y, month: mo) else { return nil }
        var ms = Int64(days(year: y, month: mo, day: d)) * 86_400_000
        if n == 10 { return ms }
        guard n >= 19, b[10] == 84 || b[10] == 116 || b[10] == 32,
              let h = num(11, 2), b[13] == 58, let mi = num(14, 2), b[16] == 58, let s = num(17, 2),
              h < 24, mi < 60, s <= 60 else { return nil }
        ms += Int64(h * 3_600_000 + mi * 60_000 + s * 1000)
        var i = 19
        if i < n && b[i] == 46 {  // fraction
            i += 1
            var frac = 0, digits = 0
            while let dg = digit(i) {
                if digits < 3 { frac = frac * 10 + dg }
                digits += 1; i += 1
            }
            if digits == 0 { return nil }
            while digits < 3 { frac *= 10; digits += 1 }
            ms += Int64(frac)
        }
        if i == n { return ms }  // no zone: taken as UTC
        if (b[i] == 90 || b[i] == 122) && i + 1 == n { return ms }
        if b[i] == 43 || b[i] == 45, i + 6 == n, let oh = num(i + 1, 2), b[i + 3] == 58, let om = num(i + 4, 2),
           oh <= 23, om <= 59 {
            let off = Int64(oh * 3_600_000 + om * 60_000)
            let t = b[i] == 43 ? ms - off : ms + off
            return inRange(t) ? t : nil  // 9999-12-31T23:00-05:00 is in year 10000
        }
        return nil
    }

    public static func parse(_ s: String) -> Int64? {
        var s = s
        return s.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
    }

    /// Writes `YYYY-MM-DDTHH:MM:SS.mmmZ` (24 bytes) into `out`.
    @inlinable
    public static func format(_ ms: Int64, into out: inout [UInt8]) {
        var t = ms
        var msPart = t % 1000
        if msPart < 0 { msPart += 1000 }
        t = (t - msPart) / 1000
        var secs = t % 86400
        if secs < 0 { secs += 86400 }
        let dayCount = Int((t - secs) / 86400)
        let (y, m, d) = civil(days: dayCount)
        @inline(__always) func put(_ v: Int, _ w: Int) {
            var div = 1
            for _ in 1..<w { div *= 10 }
            var v = v
            for _ in 0..<w { out.append(UInt8(48 + (v / div) % 10)); v %= div; div /= 10 }
        }
        put(y, 4); out.append(45); put(m, 2); out.append(45); put(d, 2); out.append(84)
        put(Int(secs / 3600), 2); out.append(58); put(Int(secs / 60 % 60), 2); out.append(58); put(Int(secs % 60), 2)
        out.append(46); put(Int(msPart), 3); out.append(90)
    }

    public static func string(_ ms: Int64) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(24)
        format(ms, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Start of the UTC day, and of the ISO week (Monday).
    public static func dayStart(_ ms: Int64) -> Int64 { floorDiv(ms, 86_400_000) * 86_400_000 }
    public static func weekStart(_ ms: Int64) -> Int64 {
        let day = floorDiv(ms, 86_400_000)
        // 1970-01-01 was a Thursday: Monday-based weekday = (day + 3) mod 7.
        let wd = ((day + 3) % 7 + 7) % 7
        return (day - wd) * 86_400_000
    }

    @inlinable
    public static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    /// Parses a duration such as `60s`, `10m`, `1h`, `500ms`, `2d`, or a bare number of seconds.
    public static func parseDuration(_ s: String) -> Int64? {
        let units: [(String, Int64)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("min", 60_000), ("h", 3_600_000), ("d", 86_400_000), ("w", 604_800_000)]
        for (u, mult) in units.sorted(by: { $0.0.count > $1.0.count }) where s.hasSuffix(u) {
            if let v = Double(s.dropLast(u.count)), v >= 0 { return Int64((v * Double(mult)).rounded()) }
        }
        if let v = Double(s), v >= 0 { return Int64((v * 1000).rounded()) }
        return nil
    }
}

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A time as `--since` and `--until` take it (docs/cli.md): RFC 3339, a date (`2026-11-24`, its
/// 00:00 UTC), `today` or `yesterday` (00:00 UTC of that day), or a span back from now as `aws
/// logs tail --since` writes it: a whole number and a unit, `s`, `m`, `h`, `d` or `w` (`30m`,
/// `2h`, `7d`, `1w`), with an optional leading `-` (`--since=-7d`).
public enum TimeArgument {
    /// `now`: milliseconds since the epoch (injected by tests; `now()` otherwise).
    public static func parse(_ s: String, now: Int64) -> Int64? {
        let day: Int64 = 86_400_000
        switch s.lowercased() {
        case "today": return Timestamp.floorDiv(now, day) * day
        case "yesterday": return (Timestamp.floorDiv(now, day) - 1) * day
        case "now": return now
        default: break
        }
        var span = Substring(s)
        if span.hasPrefix("-") { span = span.dropFirst() }
        if let unit = span.last, let mult = ["s": Int64(1000), "m": 60_000, "h": 3_600_000, "d": day, "w": 7 * day][String(unit)],
           span.count > 1, span.dropLast().allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int64(span.dropLast()), n <= 1_000_000 {
            return now - n * mult
        }
        return Timestamp.parse(s)
    }

    /// The wall clock, or `SKLOG_NOW` (RFC 3339) when set: end-to-end tests fix "now" with it.
    public static func now() -> Int64 {
        if let e = getenv("SKLOG_NOW"), let t = Timestamp.parse(String(cString: e)) { return t }
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}

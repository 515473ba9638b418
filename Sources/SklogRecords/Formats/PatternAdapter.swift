import SklogMatch

/// Custom text logs: a PCRE2 pattern whose named groups are canonical field names
/// (`(?<ts>…)`, `(?<messageId>…)`, `(?<latencyMs>…)`, …).
public final class PatternAdapter: FormatAdapter {
    let regex: Regex
    let groups: [(name: String, number: Int, kind: CanonicalFields.Kind)]
    let tsFormat: String

    public init(pattern: String, tsFormat: String) throws {
        regex = try Regex(pattern)
        self.tsFormat = tsFormat
        // Members come out in canonical order (ts and messageId first), then extra groups.
        let order = Dictionary(uniqueKeysWithValues: CanonicalFields.all.enumerated().map { ($1.name, $0) })
        groups = regex.namedGroups.map { g in
            let name = CanonicalFields.kinds[g.name] != nil ? g.name : (CanonicalFields.canonicalName(forHeader: g.name) ?? g.name)
            return (name, g.number, CanonicalFields.kinds[name] ?? .string)
        }.sorted { (order[$0.name] ?? 1000, $0.name) < (order[$1.name] ?? 1000, $1.name) }
        guard groups.contains(where: { $0.name == "ts" }), groups.contains(where: { $0.name == "messageId" }) else {
            throw RegexError(pattern: pattern, offset: 0, message: "the pattern needs named groups (?<ts>…) and (?<messageId>…)")
        }
    }

    public func consume(_ line: UnsafeRawBufferPointer, number: Int64, sink: some RecordSink) {
        do {
            guard try regex.firstMatch(line) != nil else {
                sink.reject(.noMatch, line: number, text: line, detail: nil)
                return
            }
        } catch {
            sink.reject(.noMatch, line: number, text: line, detail: "\(error)")
            return
        }
        var b = CanonicalBuilder()
        for g in groups {
            guard let r = regex.group(g.number), !r.isEmpty else { continue }
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: line[r]), as: UTF8.self)
            switch g.kind {
            case .number:
                if let v = Double(text).flatMap(RecordParser.rounded) { b.number(g.name, v) }
            case .bool:
                b.bool(g.name, ["true", "1", "yes"].contains(text.lowercased()))
            case .object:
                b.raw(g.name, json: text)
            case .string:
                if g.name == "ts" {
                    guard let ms = Self.parseTime(text, format: tsFormat) else {
                        sink.reject(.invalidTs, line: number, text: line, detail: text)
                        return
                    }
                    b.timestamp("ts", ms)
                } else {
                    b.string(g.name, text)
                }
            }
        }
        sink.acceptJSON(b.finish(), line: number)
    }

    public func finish(sink: some RecordSink) {}

    /// Common timestamp layouts of web server logs.
    public static func parseTime(_ s: String, format: String) -> Int64? {
        switch format {
        case "epoch-ms": return Int64(s)
        case "epoch-s": return Double(s).flatMap { RecordParser.rounded($0 * 1000) }
        case "clf": return parseCLF(s)
        default:
            if let t = Timestamp.parse(s.replacingComma()) { return t }
            if let t = parseCLF(s) { return t }
            if let v = Double(s) { return v > 100_000_000_000 ? RecordParser.rounded(v.rounded(.towardZero)) : RecordParser.rounded(v * 1000) }
            return nil
        }
    }

    /// `24/Nov/2026:10:00:00 +0000` (Apache/nginx common log format).
    static func parseCLF(_ s: String) -> Int64? {
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let parts = s.split(whereSeparator: { $0 == "/" || $0 == ":" || $0 == " " })
        guard parts.count >= 6, let d = Int(parts[0]), let mi = months.firstIndex(of: String(parts[1])), let y = Int(parts[2]),
              let h = Int(parts[3]), let m = Int(parts[4]), let sec = Int(parts[5]) else { return nil }
        var ms = Int64(Timestamp.days(year: y, month: mi + 1, day: d)) * 86_400_000 + Int64(h * 3_600_000 + m * 60_000 + sec * 1000)
        if parts.count >= 7, let z = Int(parts[6]) {
            let sign: Int64 = z < 0 ? -1 : 1
            let a = abs(z)
            ms -= sign * Int64((a / 100) * 3_600_000 + (a % 100) * 60_000)
        }
        return ms
    }
}

extension String {
    /// `2026-11-24 10:00:00,123` (Python logging) -> `2026-11-24 10:00:00.123`.
    func replacingComma() -> String { String(self.map { $0 == "," ? "." : $0 }) }
}

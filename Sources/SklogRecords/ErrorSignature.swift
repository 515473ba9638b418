/// How `sklog errors` groups failures, and how `--redact` shows an exception's message: the
/// message with its variable parts (quoted values, IDs, numbers) masked. It lives beside the
/// record so that the Redactor and the grouping share it.
public enum ErrorSignature {
    /// The message with its variable parts masked: quoted strings become `<str>`, Alexa and other
    /// long IDs and UUIDs `<id>`, hexadecimal values `<hex>`, and every other run of digits `<n>`.
    public static func mask(_ message: String) -> String {
        let u = Array(message.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(u.count)
        var i = 0
        func isWordByte(_ c: UInt8) -> Bool {
            (c | 0x20 >= 0x61 && c | 0x20 <= 0x7a) || (c >= 0x30 && c <= 0x39) || c == 0x5f || c == 0x2d || c == 0x2e || c >= 0x80
        }
        while i < u.count {
            let c = u[i]
            // A quoted value: `'…'`, `"…"` or `` `…` `` (not an apostrophe inside a word).
            if (c == 0x27 || c == 0x22 || c == 0x60) && (i == 0 || !isWordByte(u[i - 1]) || u[i - 1] == 0x2e) {
                if let close = u[(i + 1)...].firstIndex(of: c) {
                    out.append(contentsOf: "<str>".utf8)
                    i = close + 1
                    continue
                }
            }
            guard isWordByte(c) else { out.append(c); i += 1; continue }
            var e = i
            while e < u.count, isWordByte(u[e]) { e += 1 }
            // A trailing dot ends a sentence, not a word.
            var we = e
            while we > i, u[we - 1] == 0x2e { we -= 1 }
            out.append(contentsOf: maskWord(Array(u[i..<we])))
            out.append(contentsOf: u[we..<e])
            i = e
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func maskWord(_ w: [UInt8]) -> [UInt8] {
        func isHex(_ c: UInt8) -> Bool { (c >= 0x30 && c <= 0x39) || (c | 0x20 >= 0x61 && c | 0x20 <= 0x66) }
        func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
        let s = String(decoding: w, as: UTF8.self)
        if s.hasPrefix("amzn1.") || s.hasPrefix("arn:") { return Array("<id>".utf8) }
        // A UUID anywhere in the word.
        var run = 0, groups: [Int] = []
        for c in w {
            if isHex(c) { run += 1 } else if c == 0x2d { groups.append(run); run = 0 } else { groups.append(run); run = 0; groups.append(-1) }
        }
        groups.append(run)
        for k in 0..<max(0, groups.count - 4) where groups[k] == 8 && groups[k + 1] == 4 && groups[k + 2] == 4 && groups[k + 3] == 4 && groups[k + 4] == 12 {
            return Array("<id>".utf8)
        }
        if w.count > 2, w[0] == 0x30, w[1] | 0x20 == 0x78, w[2...].allSatisfy(isHex) { return Array("<hex>".utf8) }
        let digits = w.filter(isDigit).count
        let letters = w.filter { $0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7a }.count
        if w.count >= 8, digits > 0, letters > 0, w.allSatisfy(isHex) { return Array("<hex>".utf8) }
        if w.count >= 10, digits > 0, letters > 0, !w.contains(0x2e) { return Array("<id>".utf8) }
        // Other digits: each run is a number.
        var out: [UInt8] = []
        var k = 0
        while k < w.count {
            if isDigit(w[k]) {
                while k < w.count, isDigit(w[k]) { k += 1 }
                out.append(contentsOf: "<n>".utf8)
            } else {
                out.append(w[k]); k += 1
            }
        }
        return out
    }

    /// The group a failed record belongs to: (errorType, masked message, frame).
    public static func of(_ r: Record) -> (type: String?, pattern: String, frame: String?) {
        if r.outcome == .noResponse || r.equals(r.errorType, "ENDPOINT_TIMEOUT") { return ("ENDPOINT_TIMEOUT", "", nil) }
        if r.equals(r.errorType, "NoHandler") { return ("NoHandler", "", nil) }
        return (r.string(r.errorType), r.string(r.errorMessage).map(mask) ?? "", r.string(r.errorFrame))
    }
}

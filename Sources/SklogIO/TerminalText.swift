/// Log text made safe for a terminal or a text format: the one place that decides how control
/// characters from the input are shown (docs/design.md, "Terminal safety, redaction").
///
/// - C0 controls (U+0000–U+001F) and DEL (U+007F) are shown as `\xNN` (ESC is `\x1b`, NUL `\x00`);
/// - C1 controls (U+0080–U+009F, so also the 8-bit CSI and OSC) as `\u00NN` (`\u009b`);
/// - bytes that are not valid UTF-8 as `\xNN` (byte input only: a Swift `String` holds none);
/// - with `keepNewlines`, a line feed stays a line feed (multi-line diagnostics of our own).
/// Everything else, backslashes included, is left as it is: text without control characters
/// comes out byte for byte, so clean input gives the same output as before.
///
/// Human tables also cap a cell at `cellWidth` characters (`…` marks the cut), so that one
/// 50 MB intent name cannot make every row of a table 50 MB wide.
public enum TerminalText {
    /// The widest text cell of a human table, in characters; JSON, CSV and NDJSON keep values
    /// whole.
    public static let cellWidth = 60

    /// Whether a UTF-8 byte sequence holds nothing to escape (no C0, DEL or C1 character).
    public static func isClean(_ s: String) -> Bool {
        if let r = s.utf8.withContiguousStorageIfAvailable({ isClean($0) }) { return r }
        return Array(s.utf8).withUnsafeBufferPointer { isClean($0) }
    }

    static func isClean(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        var afterC2 = false
        for c in utf8 {
            if c < 0x20 || c == 0x7f { return false }
            // 0xC2 leads U+0080–U+00BF: only U+0080–U+009F are controls.
            if afterC2 && c >= 0x80 && c <= 0x9f { return false }
            afterC2 = c == 0xc2
        }
        return true
    }

    private static let hex = Array("0123456789abcdef".utf8)

    @inline(__always)
    static func appendEscape(_ v: UInt32, to out: inout [UInt8]) {
        if v < 0x80 || v > 0xff {  // a C0 control, DEL, or an invalid byte (passed as 0x100 + byte)
            let b = v & 0xff
            out.append(contentsOf: [0x5c, 0x78, hex[Int(b >> 4)], hex[Int(b & 15)]])
        } else {
            out.append(contentsOf: [0x5c, 0x75, 0x30, 0x30, hex[Int(v >> 4)], hex[Int(v & 15)]])
        }
    }

    /// `s` with control characters shown escaped.
    public static func safe(_ s: String, keepNewlines: Bool = false, keepTabs: Bool = false, keepReturns: Bool = false) -> String {
        if isClean(s) { return s }
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count + 16)
        for u in s.unicodeScalars {
            let v = u.value
            if (v < 0x20 && !(keepNewlines && v == 0x0a) && !(keepTabs && v == 0x09) && !(keepReturns && v == 0x0d)) || (v >= 0x7f && v <= 0x9f) {
                appendEscape(v, to: &out)
            } else {
                out.append(contentsOf: String(u).utf8)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Bytes as safe text: like `safe(_:)`, and bytes that are not valid UTF-8 shown as `\xNN`.
    public static func safe(bytes b: UnsafeRawBufferPointer, keepNewlines: Bool = false) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(b.count + 16)
        var i = 0
        let n = b.count
        while i < n {
            let c = b[i]
            if c < 0x80 {
                if (c < 0x20 && !(keepNewlines && c == 0x0a)) || c == 0x7f { appendEscape(UInt32(c), to: &out) } else { out.append(c) }
                i += 1
                continue
            }
            // One UTF-8 sequence, checked as the standard says (no overlongs, no surrogates).
            var len = 0, lo: UInt8 = 0x80, hi: UInt8 = 0xbf
            switch c {
            case 0xc2...0xdf: len = 2
            case 0xe0: len = 3; lo = 0xa0
            case 0xe1...0xec, 0xee...0xef: len = 3
            case 0xed: len = 3; hi = 0x9f
            case 0xf0: len = 4; lo = 0x90
            case 0xf1...0xf3: len = 4
            case 0xf4: len = 4; hi = 0x8f
            default: len = 0
            }
            var ok = len > 0 && i + len <= n
            if ok {
                for k in 1..<len {
                    let d = b[i + k]
                    if k == 1 ? (d < lo || d > hi) : (d < 0x80 || d > 0xbf) { ok = false; break }
                }
            }
            if !ok { appendEscape(0x100 + UInt32(c), to: &out); i += 1; continue }
            if len == 2 && c == 0xc2 && b[i + 1] <= 0x9f {
                appendEscape(UInt32(b[i + 1]), to: &out)
            } else {
                for k in 0..<len { out.append(b[i + k]) }
            }
            i += len
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A cell of a human table: escaped, and cut to `width` characters with `…`.
    public static func cell(_ s: String, width: Int = cellWidth) -> String {
        cut(safe(s), width: width)
    }

    /// `t` cut to `width` characters, the last one `…`, when it is longer.
    public static func cut(_ t: String, width: Int) -> String {
        // A text of at most `width` bytes has at most `width` characters.
        if t.utf8.count <= width { return t }
        var count = 0
        var end = t.startIndex
        while end < t.endIndex {
            if count == width - 1 {
                // Keep the whole text when it fits exactly.
                if t.index(after: end) == t.endIndex { return t }
                return String(t[..<end]) + "…"
            }
            count += 1
            end = t.index(after: end)
        }
        return t
    }
}

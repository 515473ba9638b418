#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import CSklogScan

/// Byte-level JSON scanning: enough to walk one object's members, skip nested values, and
/// decode the few strings that are used. No allocation unless a string has escapes.
public enum JSONValueKind: UInt8 { case string, number, object, array, bool, null }

public struct JSONScanError: Error, Equatable {
    public var offset: Int
    public var message: String
}

public struct JSONScanner {
    public let base: UnsafePointer<UInt8>
    public let count: Int
    public var pos: Int = 0

    public init(_ bytes: UnsafeRawBufferPointer) {
        base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? UnsafePointer(bitPattern: 1)!
        count = bytes.count
    }

    @inline(__always) public mutating func skipSpace() {
        while pos < count {
            let c = base[pos]
            if c == 0x20 || c == 0x09 || c == 0x0d || c == 0x0a { pos += 1 } else { return }
        }
    }

    @inline(__always) func fail(_ m: String) -> JSONScanError { JSONScanError(offset: pos, message: m) }

    /// At an opening quote: returns the content range; pos moves past the closing quote.
    /// Escapes are not decoded here (callers that use a value check for a backslash).
    /// Looks at 8 bytes at a time for a quote or a backslash (SWAR), so long IDs cost little.
    @inline(__always)
    public mutating func scanString() throws -> (start: Int, end: Int) {
        pos += 1
        let start = pos
        let raw = UnsafeRawPointer(base)
        var i = pos
        while true {
            while i + 8 <= count {
                let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                let q = w ^ 0x2222_2222_2222_2222, b = w ^ 0x5c5c_5c5c_5c5c_5c5c
                let hit = ((q &- 0x0101_0101_0101_0101) & ~q | (b &- 0x0101_0101_0101_0101) & ~b) & 0x8080_8080_8080_8080
                if hit != 0 { i += hit.trailingZeroBitCount >> 3; break }
                i += 8
            }
            while i < count && base[i] != 0x22 && base[i] != 0x5c { i += 1 }
            guard i < count else { throw fail("unterminated string") }
            if base[i] == 0x22 {
                pos = i + 1
                return (start, i)
            }
            i += 2  // a backslash escapes the next byte
        }
    }

    /// Skips any value; returns its kind and range.
    public mutating func scanValue() throws -> (kind: JSONValueKind, start: Int, end: Int) {
        skipSpace()
        guard pos < count else { throw fail("missing value") }
        let c = base[pos]
        let start = pos
        switch c {
        case 0x22:
            let s = try scanString()
            return (.string, s.start, s.end)
        case 0x7b, 0x5b:
            try skipNested()
            return (c == 0x7b ? .object : .array, start, pos)
        case 0x74: try literal("true"); return (.bool, start, pos)
        case 0x66: try literal("false"); return (.bool, start, pos)
        case 0x6e: try literal("null"); return (.null, start, pos)
        default:
            guard c == 0x2d || (c >= 0x30 && c <= 0x39) else { throw fail("unexpected character") }
            pos += 1
            while pos < count {
                let d = base[pos]
                if (d >= 0x30 && d <= 0x39) || d == 0x2e || d == 0x65 || d == 0x45 || d == 0x2b || d == 0x2d { pos += 1 } else { break }
            }
            return (.number, start, pos)
        }
    }

    @inline(__always) mutating func literal(_ word: StaticString) throws {
        let n = word.utf8CodeUnitCount
        guard pos + n <= count, memcmp(base + pos, word.utf8Start, n) == 0 else { throw fail("invalid literal") }
        pos += n
    }

    /// Skips a nested object or array, checking that brackets balance.
    mutating func skipNested() throws {
        var stack: UInt64 = 0  // bit per level: 1 = object
        var depth = 0
        while pos < count {
            let c = base[pos]
            switch c {
            case 0x22:
                _ = try scanString()
                continue
            case 0x7b, 0x5b:
                if depth >= 64 { throw fail("nesting too deep") }
                stack = (stack << 1) | (c == 0x7b ? 1 : 0)
                depth += 1
            case 0x7d, 0x5d:
                guard depth > 0, (stack & 1 == 1) == (c == 0x7d) else { throw fail("unbalanced brackets") }
                stack >>= 1
                depth -= 1
                if depth == 0 { pos += 1; return }
            default: break
            }
            pos += 1
        }
        throw fail("unterminated object or array")
    }

    /// Walks the members of the object starting at `pos`, calling `body(keyStart, keyEnd, kind,
    /// valueStart, valueEnd)` for each. Checks the object's syntax.
    @inline(__always)
    public mutating func members(_ body: (Int, Int, JSONValueKind, Int, Int) throws -> Void) throws {
        skipSpace()
        guard pos < count, base[pos] == 0x7b else { throw fail("expected an object") }
        pos += 1
        skipSpace()
        if pos < count && base[pos] == 0x7d { pos += 1; return }
        while true {
            skipSpace()
            guard pos < count, base[pos] == 0x22 else { throw fail("expected a key") }
            let k = try scanString()
            skipSpace()
            guard pos < count, base[pos] == 0x3a else { throw fail("expected ':'") }
            pos += 1
            let v = try scanValue()
            try body(k.start, k.end, v.kind, v.start, v.end)
            skipSpace()
            guard pos < count else { throw fail("unterminated object") }
            if base[pos] == 0x2c { pos += 1; continue }
            if base[pos] == 0x7d { pos += 1; return }
            throw fail("expected ',' or '}'")
        }
    }
}

public enum JSONText {
    /// Decodes a JSON string's content (without quotes) into UTF-8 bytes.
    public static func unescape(_ b: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        var i = 0
        let n = b.count
        func hex4(_ at: Int) -> UInt32? { hexValue(b, at, 4) }
        while i < n {
            let c = b[i]
            if c != 0x5c { out.append(c); i += 1; continue }
            guard i + 1 < n else { out.append(c); break }
            let e = b[i + 1]
            i += 2
            switch e {
            case 0x6e: out.append(0x0a)
            case 0x74: out.append(0x09)
            case 0x72: out.append(0x0d)
            case 0x62: out.append(0x08)
            case 0x66: out.append(0x0c)
            case 0x75:
                guard var cp = hex4(i) else { out.append(0x3f); continue }
                i += 4
                if cp >= 0xD800 && cp < 0xDC00, i + 6 <= n, b[i] == 0x5c, b[i + 1] == 0x75, let lo = hex4(i + 2), lo >= 0xDC00 && lo < 0xE000 {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00)
                    i += 6
                } else if cp >= 0xD800 && cp < 0xE000 {
                    cp = 0xFFFD
                }
                appendUTF8(cp, &out)
            default: out.append(e)  // \" \\ \/
            }
        }
    }

    /// The value of `len` hex digits at `at`, or nil.
    static func hexValue(_ b: UnsafeRawBufferPointer, _ at: Int, _ len: Int) -> UInt32? {
        guard at + len <= b.count else { return nil }
        var v: UInt32 = 0
        for k in 0..<len {
            let c = b[at + k]
            let d: UInt32
            switch c {
            case 48...57: d = UInt32(c - 48)
            case 65...70: d = UInt32(c - 55)
            case 97...102: d = UInt32(c - 87)
            default: return nil
            }
            v = v << 4 | d
        }
        return v
    }

    static func appendUTF8(_ cp: UInt32, _ out: inout [UInt8]) {
        switch cp {
        case 0..<0x80: out.append(UInt8(cp))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | (cp >> 6))); out.append(UInt8(0x80 | (cp & 0x3F)))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | (cp >> 12))); out.append(UInt8(0x80 | ((cp >> 6) & 0x3F))); out.append(UInt8(0x80 | (cp & 0x3F)))
        default:
            out.append(UInt8(0xF0 | (cp >> 18))); out.append(UInt8(0x80 | ((cp >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((cp >> 6) & 0x3F))); out.append(UInt8(0x80 | (cp & 0x3F)))
        }
    }

    /// Appends `s` as a JSON string literal (with quotes), escaping what JSON requires.
    @inlinable
    /// `s` as a JSON string. Besides what JSON requires (`"`, `\`, U+0000–U+001F), DEL and the
    /// C1 controls (U+007F–U+009F) are escaped as `\u007f`…`\u009f`: allowed by JSON, and it
    /// keeps a JSON output safe to `cat` on a terminal (an 8-bit CSI is U+009B).
    public static func appendQuoted(_ s: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        // Fast path: nothing to escape (8 bytes at a time: no byte below 0x20, no quote, no
        // backslash, no DEL, no 0xC2 lead byte of a C1 control), then one copy.
        if needsNoEscape(s) {
            out.append(0x22)
            if let b = s.baseAddress { out.append(contentsOf: UnsafeBufferPointer(start: b.assumingMemoryBound(to: UInt8.self), count: s.count)) }
            out.append(0x22)
            return
        }
        out.append(0x22)
        appendEscaped(s, to: &out)
        out.append(0x22)
    }

    /// A string's JSON-escaped content, without the quotes (also the form of an ID in the plain
    /// lists of `sklog ids`).
    public static func appendEscaped(_ s: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        func u(_ c: UInt8) { out.append(contentsOf: [0x5c, 0x75, 0x30, 0x30, hex[Int(c >> 4)], hex[Int(c & 15)]]) }
        var i = 0
        let n = s.count
        while i < n {
            let c = s[i]
            i += 1
            switch c {
            case 0x22: out.append(0x5c); out.append(0x22)
            case 0x5c: out.append(0x5c); out.append(0x5c)
            case 0x0a: out.append(0x5c); out.append(0x6e)
            case 0x0d: out.append(0x5c); out.append(0x72)
            case 0x09: out.append(0x5c); out.append(0x74)
            case 0..<0x20, 0x7f: u(c)
            case 0xc2 where i < n && s[i] >= 0x80 && s[i] <= 0x9f: u(s[i]); i += 1
            default: out.append(c)
            }
        }
    }

    /// No byte of `s` is below 0x20, a quote, a backslash, DEL or 0xC2 (which leads the C1
    /// controls; a 0xC2 of another character only takes the slow path).
    @inlinable @inline(__always)
    public static func needsNoEscape(_ s: UnsafeRawBufferPointer) -> Bool {
        guard let base = s.baseAddress else { return true }
        let n = s.count
        var i = 0
        let ones: UInt64 = 0x0101_0101_0101_0101, high: UInt64 = 0x8080_8080_8080_8080
        while i + 8 <= n {
            let w = base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let q = w ^ (0x22 &* ones), b = w ^ (0x5c &* ones), d = w ^ (0x7f &* ones), c = w ^ (0xc2 &* ones)
            // A byte below 0x20, or a zero byte of w ^ '"', w ^ '\\', w ^ DEL or w ^ 0xC2.
            let hit = ((w &- 0x20 &* ones) & ~w) | ((q &- ones) & ~q) | ((b &- ones) & ~b)
                | ((d &- ones) & ~d) | ((c &- ones) & ~c)
            if hit & high != 0 { return false }
            i += 8
        }
        while i < n {
            let c = base.load(fromByteOffset: i, as: UInt8.self)
            if c < 0x20 || c == 0x22 || c == 0x5c || c == 0x7f || c == 0xc2 { return false }
            i += 1
        }
        return true
    }

    public static func appendQuoted(_ s: String, to out: inout [UInt8]) {
        var s = s
        s.withUTF8 { appendQuoted(UnsafeRawBufferPointer($0), to: &out) }
    }

    public static func quoted(_ s: String) -> String {
        var out: [UInt8] = []
        appendQuoted(s, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}

/// Text checks done once per line before parsing: NUL bytes and invalid UTF-8 are damage.
public enum TextCheck {
    public enum Problem { case nul, invalidUTF8 }

    /// Fast path: 16 bytes at a time for "all ASCII and no NUL" (`sk_first_not_ascii`, SSE2); a
    /// full UTF-8 check from the first other byte.
    public static func check(_ b: UnsafeRawBufferPointer) -> Problem? {
        guard let base = b.baseAddress else { return nil }
        let i = sk_first_not_ascii(base.assumingMemoryBound(to: UInt8.self), b.count)
        if i == b.count { return nil }
        // Everything before i is ASCII without NUL: a UTF-8 sequence cannot start before it.
        return slowCheck(b, from: i)
    }

    static func slowCheck(_ b: UnsafeRawBufferPointer, from: Int = 0) -> Problem? {
        var i = from
        let n = b.count
        var bad = false
        while i < n {
            let c = b[i]
            if c == 0 { return .nul }
            if c < 0x80 { i += 1; continue }
            var need = 0
            var min: UInt32 = 0
            var cp: UInt32
            if c & 0xE0 == 0xC0 { need = 1; cp = UInt32(c & 0x1F); min = 0x80 }
            else if c & 0xF0 == 0xE0 { need = 2; cp = UInt32(c & 0x0F); min = 0x800 }
            else if c & 0xF8 == 0xF0 { need = 3; cp = UInt32(c & 0x07); min = 0x10000 }
            else { bad = true; i += 1; continue }
            if i + need >= n { bad = true; break }
            var ok = true
            for k in 1...need {
                if i + k >= n { ok = false; break }
                let cc = b[i + k]
                if cc & 0xC0 != 0x80 { ok = false; break }
                cp = cp << 6 | UInt32(cc & 0x3F)
            }
            if !ok || cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp < 0xE000) { bad = true; i += 1; continue }
            i += need + 1
        }
        return bad ? .invalidUTF8 : nil
    }
}

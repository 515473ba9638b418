#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import CSklogScan

/// A small JSON DOM for the few values that need one: logged request envelopes and responses.
/// The tree is a flat array of nodes ("tape") over the document's bytes; strings are decoded only
/// when asked for, so parsing a 3 kB envelope makes a handful of allocations.
public struct JSONNode {
    public var kind: JSONValueKind
    /// String value (or key) contains backslash escapes.
    public var escaped = false
    public var keyEscaped = false
    /// Value range: a string's content without quotes, a number's text, an object's or array's
    /// whole text.
    public var start: Int32
    public var end: Int32
    /// The member's key (content without quotes) when the node is an object member; else -1.
    public var keyStart: Int32 = -1
    public var keyEnd: Int32 = -1
    public var firstChild: Int32 = -1
    public var next: Int32 = -1
}

public enum JSONParseError: Error, Equatable {
    /// The text ended inside the value (a value cut in the middle).
    case truncated
    /// Not JSON at this byte offset.
    case invalid(offset: Int, message: String)
}

public final class JSONDocument {
    public let bytes: [UInt8]
    public private(set) var nodes: [JSONNode] = []
    /// Offset just after the value.
    public private(set) var end = 0
    public static let maxDepth = 128

    public var root: Int32 { 0 }

    /// Parses the JSON value that starts at `from` (leading whitespace allowed); text after the
    /// value is left alone (see `end`).
    public init(bytes: [UInt8], from: Int = 0) throws(JSONParseError) {
        self.bytes = bytes
        // The parser's array becomes `nodes`: room for an envelope's nodes from the start (it
        // grew 1, 2, 4, … 128: eight copies per envelope).
        var p = JSONTapeParser(count: bytes.count, pos: from)
        p.nodes.reserveCapacity(128)
        try bytes.withUnsafeBufferPointer { (b: UnsafeBufferPointer<UInt8>) throws(JSONParseError) in
            p.base = b.baseAddress ?? UnsafePointer(bitPattern: 1)!
            _ = try p.value(depth: 0)
        }
        nodes = p.nodes
        end = p.pos
    }

    // MARK: Access

    public func kind(_ n: Int32) -> JSONValueKind { nodes[Int(n)].kind }

    /// The member `key` of object node `n`.
    public func member(_ n: Int32, _ key: StaticString) -> Int32? {
        let node = nodes[Int(n)]
        guard node.kind == .object else { return nil }
        let klen = key.utf8CodeUnitCount
        var c = node.firstChild
        return bytes.withUnsafeBufferPointer { b -> Int32? in
            while c >= 0 {
                let m = nodes[Int(c)]
                if !m.keyEscaped {
                    if Int(m.keyEnd - m.keyStart) == klen && memcmp(b.baseAddress! + Int(m.keyStart), key.utf8Start, klen) == 0 { return c }
                } else if keyString(c) == key.description {
                    return c
                }
                c = m.next
            }
            return nil
        }
    }

    /// Follows a path of member names.
    public func path(_ n: Int32, _ keys: StaticString...) -> Int32? {
        var cur = n
        for k in keys {
            guard let c = member(cur, k) else { return nil }
            cur = c
        }
        return cur
    }

    /// The children of an object or array, in order.
    public func children(_ n: Int32) -> [Int32] {
        var out: [Int32] = []
        var c = nodes[Int(n)].firstChild
        while c >= 0 { out.append(c); c = nodes[Int(c)].next }
        return out
    }

    public func string(_ n: Int32?) -> String? {
        guard let n, nodes[Int(n)].kind == .string else { return nil }
        let node = nodes[Int(n)]
        return decode(Int(node.start), Int(node.end), node.escaped)
    }

    public func keyString(_ n: Int32) -> String? {
        let node = nodes[Int(n)]
        guard node.keyStart >= 0 else { return nil }
        return decode(Int(node.keyStart), Int(node.keyEnd), node.keyEscaped)
    }

    private func decode(_ s: Int, _ e: Int, _ escaped: Bool) -> String {
        bytes.withUnsafeBytes { all in
            let raw = UnsafeRawBufferPointer(rebasing: all[s..<e])
            if !escaped { return String(decoding: raw, as: UTF8.self) }
            var out: [UInt8] = []
            JSONText.unescape(raw, into: &out)
            return String(decoding: out, as: UTF8.self)
        }
    }

    public func bool(_ n: Int32?) -> Bool? {
        guard let n, nodes[Int(n)].kind == .bool else { return nil }
        return bytes[Int(nodes[Int(n)].start)] == UInt8(ascii: "t")
    }

    /// A number node's value (or a numeric string's).
    public func double(_ n: Int32?) -> Double? {
        guard let n else { return nil }
        let node = nodes[Int(n)]
        guard node.kind == .number || node.kind == .string else { return nil }
        return Double(String(decoding: bytes[Int(node.start)..<Int(node.end)], as: UTF8.self))
    }

    /// Appends node `n` as compact JSON.
    public func appendJSON(_ n: Int32, to out: inout [UInt8]) {
        let node = nodes[Int(n)]
        switch node.kind {
        case .string:
            out.append(0x22); out.append(contentsOf: bytes[Int(node.start)..<Int(node.end)]); out.append(0x22)
        case .number, .bool, .null:
            out.append(contentsOf: bytes[Int(node.start)..<Int(node.end)])
        case .object, .array:
            let obj = node.kind == .object
            out.append(obj ? 0x7b : 0x5b)
            var c = node.firstChild
            var first = true
            while c >= 0 {
                if !first { out.append(0x2c) }
                first = false
                let m = nodes[Int(c)]
                if obj {
                    out.append(0x22); out.append(contentsOf: bytes[Int(m.keyStart)..<Int(m.keyEnd)]); out.append(0x22); out.append(0x3a)
                }
                appendJSON(c, to: &out)
                c = m.next
            }
            out.append(obj ? 0x7d : 0x5d)
        }
    }
}

/// The recursive-descent parser behind `JSONDocument`.
struct JSONTapeParser {
    var base: UnsafePointer<UInt8> = UnsafePointer(bitPattern: 1)!
    let count: Int
    var pos: Int
    var nodes: [JSONNode] = []

    init(count: Int, pos: Int) { self.count = count; self.pos = pos }

    @inline(__always) mutating func skipSpace() {
        while pos < count {
            let c = base[pos]
            if c == 0x20 || c == 0x0a || c == 0x0d || c == 0x09 { pos += 1 } else { return }
        }
    }

    func invalid(_ m: String) -> JSONParseError { .invalid(offset: pos, message: m) }

    /// At an opening quote: the content range; pos moves past the closing quote. One SIMD pass
    /// (`sk_string_end`) finds the closing quote and whether the content has a backslash or a
    /// raw line break, instead of three `memchr` passes.
    @inline(__always)
    mutating func string() throws(JSONParseError) -> (Int, Int, Bool) {
        pos += 1
        let start = pos
        guard start < count else { throw .truncated }
        var flags: UInt32 = 0
        let e = sk_string_end(base + start, count - start, &flags)
        guard e >= 0 else { throw .truncated }
        // A raw line break inside a string is not JSON; other control characters are let
        // through (the values read from envelopes are re-escaped on output).
        if flags & 2 != 0 { pos = start; throw invalid("line break in a string") }
        let qi = start + e
        pos = qi + 1
        return (start, qi, flags & 1 != 0)
    }

    mutating func literal(_ word: StaticString) throws(JSONParseError) {
        let n = word.utf8CodeUnitCount
        let avail = count - pos
        if avail < n {
            if memcmp(base + pos, word.utf8Start, avail) == 0 { throw .truncated }
            throw invalid("invalid literal")
        }
        guard memcmp(base + pos, word.utf8Start, n) == 0 else { throw invalid("invalid literal") }
        pos += n
    }

    mutating func value(depth: Int) throws(JSONParseError) -> Int32 {
        skipSpace()
        guard pos < count else { throw .truncated }
        let c = base[pos]
        let idx = Int32(nodes.count)
        switch c {
        case 0x7b, 0x5b:
            if depth >= JSONDocument.maxDepth { throw invalid("nesting too deep") }
            let obj = c == 0x7b
            nodes.append(JSONNode(kind: obj ? .object : .array, start: Int32(pos), end: 0))
            pos += 1
            skipSpace()
            guard pos < count else { throw .truncated }
            var prev: Int32 = -1
            if base[pos] != (obj ? 0x7d : 0x5d) {
                while true {
                    skipSpace()
                    guard pos < count else { throw .truncated }
                    var key = (0, 0, false)
                    if obj {
                        guard base[pos] == 0x22 else { throw invalid("expected a key") }
                        key = try string()
                        skipSpace()
                        guard pos < count else { throw .truncated }
                        guard base[pos] == 0x3a else { throw invalid("expected ':'") }
                        pos += 1
                    }
                    let child = try value(depth: depth + 1)
                    if obj {
                        nodes[Int(child)].keyStart = Int32(key.0)
                        nodes[Int(child)].keyEnd = Int32(key.1)
                        nodes[Int(child)].keyEscaped = key.2
                    }
                    if prev < 0 { nodes[Int(idx)].firstChild = child } else { nodes[Int(prev)].next = child }
                    prev = child
                    skipSpace()
                    guard pos < count else { throw .truncated }
                    if base[pos] == 0x2c { pos += 1; continue }
                    if base[pos] == (obj ? 0x7d : 0x5d) { break }
                    throw invalid(obj ? "expected ',' or '}'" : "expected ',' or ']'")
                }
            }
            pos += 1
            nodes[Int(idx)].end = Int32(pos)
            return idx
        case 0x22:
            let s = try string()
            nodes.append(JSONNode(kind: .string, escaped: s.2, start: Int32(s.0), end: Int32(s.1)))
            return idx
        case 0x74: let s = pos; try literal("true"); nodes.append(JSONNode(kind: .bool, start: Int32(s), end: Int32(pos))); return idx
        case 0x66: let s = pos; try literal("false"); nodes.append(JSONNode(kind: .bool, start: Int32(s), end: Int32(pos))); return idx
        case 0x6e: let s = pos; try literal("null"); nodes.append(JSONNode(kind: .null, start: Int32(s), end: Int32(pos))); return idx
        default:
            guard c == 0x2d || (c >= 0x30 && c <= 0x39) else { throw invalid("unexpected character") }
            let s = pos
            pos += 1
            while pos < count {
                let d = base[pos]
                if (d >= 0x30 && d <= 0x39) || d == 0x2e || d == 0x65 || d == 0x45 || d == 0x2b || d == 0x2d { pos += 1 } else { break }
            }
            if pos == count { throw .truncated }  // a number at the very end cannot close a value
            nodes.append(JSONNode(kind: .number, start: Int32(s), end: Int32(pos)))
            return idx
        }
    }
}

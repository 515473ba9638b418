/// Python reprs of dicts (what `print(event)` writes) turned into JSON text: single-quoted
/// strings, `True`/`False`/`None`, tuples, and calls such as `datetime.datetime(2026, 11, 24, …)`
/// (kept as strings). Keys in snake_case (the ASK SDK's `to_dict()` output: `request_id`,
/// `object_type`) become the envelope's camelCase names (`requestId`, `type`).
public enum PythonRepr {
    /// Converts the dict that starts at `from` (a `{`). Returns the JSON text and the offset just
    /// after the dict.
    /// `node`: Node.js `util.inspect` output instead (what `console.log(object)` writes): bare
    /// keys, `'…'` / `"…"` / `` `…` `` strings, `true`/`false`/`null`/`undefined`, and the
    /// placeholders past its depth of 2 (`[Object]`, `[Array]`, `[Circular *1]`: null), keys kept.
    public static func toJSON(_ b: UnsafeRawBufferPointer, from: Int, node: Bool = false) throws(JSONParseError) -> (json: [UInt8], end: Int) {
        var out: [UInt8] = []
        out.reserveCapacity(b.count - from + 16)
        var i = from
        let n = b.count
        var depth = 0
        var decoded: [UInt8] = []
        func isIdent(_ c: UInt8) -> Bool {
            (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c == 0x5f || c == 0x2e
        }
        func nextIsColon(_ j: Int) -> Bool {
            var k = j
            while k < n, b[k] == 0x20 || b[k] == 0x0a || b[k] == 0x09 || b[k] == 0x0d { k += 1 }
            return k < n && b[k] == 0x3a
        }
        repeat {
            guard i < n else { throw .truncated }
            let c = b[i]
            switch c {
            case 0x20, 0x0a, 0x09, 0x0d: i += 1
            case 0x5b where node && i + 1 < n && b[i + 1] >= 0x41 && b[i + 1] <= 0x5a:
                // `[Object]`, `[Array]`, `[Circular *1]`, `[Function: f]`: null; a prefix such as
                // `[Object: null prototype] {` is dropped.
                guard let close = find(b, 0x5d, from: i) else { throw .truncated }
                var k = close + 1
                while k < n, b[k] == 0x20 { k += 1 }
                if k < n, b[k] == 0x7b || b[k] == 0x5b { i = k } else { out.append(contentsOf: "null".utf8); i = close + 1 }
            case 0x7b, 0x5b, 0x28:  // { [ (
                depth += 1; out.append(c == 0x28 ? 0x5b : c); i += 1
            case 0x7d, 0x5d, 0x29:
                depth -= 1
                if depth < 0 { throw .invalid(offset: i, message: "unbalanced brackets") }
                // Drop a trailing comma (a one-element tuple `(x,)`).
                if out.last == 0x2c { out.removeLast() }
                out.append(c == 0x29 ? 0x5d : c); i += 1
            case 0x3a, 0x2c: out.append(c); i += 1
            case 0x27, 0x22, 0x60 where c != 0x60 || node:  // a string
                let (e, ok) = scanString(b, from: i, into: &decoded)
                if !ok { throw .truncated }
                i = e
                // Adjacent literals are one string: pprint wraps a long one as `'…'\n '…'`.
                while true {
                    var k = i
                    while k < n, b[k] == 0x20 || b[k] == 0x0a || b[k] == 0x09 || b[k] == 0x0d { k += 1 }
                    guard k < n, b[k] == 0x27 || b[k] == 0x22 else { break }
                    var more: [UInt8] = []
                    let (e2, ok2) = scanString(b, from: k, into: &more)
                    if !ok2 { throw .truncated }
                    decoded.append(contentsOf: more)
                    i = e2
                }
                if !node && nextIsColon(i) { camelize(&decoded) }
                decoded.withUnsafeBytes { JSONText.appendQuoted($0, to: &out) }
            case 0x2d, 0x2b, 0x30...0x39:
                let s = i
                i += 1
                while i < n, (b[i] >= 0x30 && b[i] <= 0x39) || b[i] == 0x2e || b[i] == 0x65 || b[i] == 0x45 || b[i] == 0x2b || b[i] == 0x2d { i += 1 }
                if i == n { throw .truncated }
                var s2 = s
                if b[s2] == 0x2b { s2 += 1 }
                // Python writes `1.` and `.5` never, but `1e-05` and `10.0`: valid JSON as is.
                out.append(contentsOf: b[s2..<i])
            case 0x3c:  // <Enum.X: 'X'> or <object at 0x…>; Node's `<ref *1>` prefix
                guard let close = find(b, 0x3e, from: i) else { throw .truncated }
                if node { i = close + 1; continue }
                let inner = UnsafeRawBufferPointer(rebasing: b[(i + 1)..<close])
                if let q = inner.firstIndex(of: 0x27), let q2 = inner.lastIndex(of: 0x27), q2 > q {
                    JSONText.appendQuoted(UnsafeRawBufferPointer(rebasing: inner[(q + 1)..<q2]), to: &out)
                } else {
                    JSONText.appendQuoted(inner, to: &out)
                }
                i = close + 1
            default:
                guard isIdent(c) else { throw .invalid(offset: i, message: "unexpected character in Python repr") }
                let s = i
                while i < n, isIdent(b[i]) { i += 1 }
                if i < n, b[i] == 0x27 || b[i] == 0x22, i - s <= 2 {  // u'…', b'…', r'…'
                    continue
                }
                let word = UnsafeRawBufferPointer(rebasing: b[s..<i])
                if i < n, b[i] == 0x28 {  // a call: keep its text as a string
                    var d = 0
                    var j = i
                    var decodedCall: [UInt8] = []
                    while j < n {
                        let cj = b[j]
                        if cj == 0x27 || cj == 0x22 {
                            let (e, ok) = scanString(b, from: j, into: &decodedCall)
                            if !ok { throw .truncated }
                            j = e; continue
                        }
                        if cj == 0x28 { d += 1 } else if cj == 0x29 { d -= 1; if d == 0 { j += 1; break } }
                        j += 1
                    }
                    if d != 0 { throw .truncated }
                    JSONText.appendQuoted(UnsafeRawBufferPointer(rebasing: b[s..<j]), to: &out)
                    i = j
                } else if equal(word, "True") { out.append(contentsOf: "true".utf8) }
                else if equal(word, "False") { out.append(contentsOf: "false".utf8) }
                else if equal(word, "None") || equal(word, "nan") || equal(word, "inf") { out.append(contentsOf: "null".utf8) }
                else if node && !nextIsColon(i) && (equal(word, "true") || equal(word, "false") || equal(word, "null")) { out.append(contentsOf: word) }
                else if node && !nextIsColon(i) && (equal(word, "undefined") || equal(word, "NaN") || equal(word, "Infinity")) { out.append(contentsOf: "null".utf8) }
                else {
                    if i == n { throw .truncated }
                    JSONText.appendQuoted(word, to: &out)
                }
            }
        } while depth > 0
        return (out, i)
    }

    static func equal(_ w: UnsafeRawBufferPointer, _ s: StaticString) -> Bool {
        w.count == s.utf8CodeUnitCount && w.elementsEqual(UnsafeRawBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    static func find(_ b: UnsafeRawBufferPointer, _ c: UInt8, from: Int) -> Int? {
        var i = from
        while i < b.count { if b[i] == c { return i }; i += 1 }
        return nil
    }

    /// A Python string literal at `from` (its quote): decoded into `out` (UTF-8).
    static func scanString(_ b: UnsafeRawBufferPointer, from: Int, into out: inout [UInt8]) -> (end: Int, ok: Bool) {
        out.removeAll(keepingCapacity: true)
        let q = b[from]
        var i = from + 1
        let n = b.count
        func hex(_ at: Int, _ len: Int) -> UInt32? { JSONText.hexValue(b, at, len) }
        while i < n {
            let c = b[i]
            if c == q { return (i + 1, true) }
            if c != 0x5c { out.append(c); i += 1; continue }
            guard i + 1 < n else { return (n, false) }
            let e = b[i + 1]
            i += 2
            switch e {
            case 0x6e: out.append(0x0a)
            case 0x74: out.append(0x09)
            case 0x72: out.append(0x0d)
            case 0x78: if let v = hex(i, 2) { JSONText.appendUTF8(v, &out); i += 2 } else { out.append(e) }
            case 0x75: if let v = hex(i, 4) { JSONText.appendUTF8(v, &out); i += 4 } else { out.append(e) }
            case 0x55: if let v = hex(i, 8), v <= 0x10FFFF { JSONText.appendUTF8(v, &out); i += 8 } else { out.append(e) }
            default: out.append(e)  // \\ \' \"
            }
        }
        return (n, false)
    }

    /// `request_id` → `requestId`; `object_type` → `type` (the SDK model's name for `type`);
    /// `system` → `System` (the model's name for `context.System`).
    static func camelize(_ k: inout [UInt8]) {
        if k.elementsEqual("system".utf8) { k = Array("System".utf8); return }
        guard k.contains(0x5f), let f = k.first, f != 0x5f else { return }
        if k.elementsEqual("object_type".utf8) { k = Array("type".utf8); return }
        var out: [UInt8] = []
        out.reserveCapacity(k.count)
        var up = false
        for c in k {
            if c == 0x5f { up = true; continue }
            if up, c >= 0x61 && c <= 0x7a { out.append(c - 32) } else { out.append(c) }
            up = false
        }
        k = out
    }
}

extension PythonRepr {
    /// An identifier followed by `:` at `k` (a util.inspect key: `version: '1.0'`).
    static func bareKeyAt(_ b: UnsafeRawBufferPointer, _ k: Int) -> Bool {
        let c = b[k]
        guard (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c == 0x5f || c == 0x24 else { return false }
        var i = k + 1
        while i < b.count, (b[i] >= 0x61 && b[i] <= 0x7a) || (b[i] >= 0x41 && b[i] <= 0x5a) || (b[i] >= 0x30 && b[i] <= 0x39) || b[i] == 0x5f || b[i] == 0x24 { i += 1 }
        return i < b.count && b[i] == 0x3a
    }
}

/// The ASK SDK for Java's model objects as their `toString()` prints them (the generated models
/// of alexa-apis-for-java): `class RequestEnvelope {` then one `    name: value` line per field,
/// nested objects as `class X {…}` blocks indented by 4 more, a subclass's fields after its
/// superclass's own block (`class IntentRequest {` / `    class Request {` / `type: …`), maps as
/// `{key=value, …}`, lists as `[a, b]`, other values as the rest of the line. Turned into JSON
/// (superclass fields merged into their object; `_new` → `new`, `system` → `System`) so that
/// the envelope reader reads it like any other envelope.
enum JavaToString {
    /// Converts the block whose `class` keyword is at `from`. Returns the JSON text and the offset
    /// just after its closing `}`.
    static func toJSON(_ b: UnsafeRawBufferPointer, from: Int) throws(JSONParseError) -> (json: [UInt8], end: Int) {
        var p = Parser(b: b, i: from)
        var out: [UInt8] = []
        out.reserveCapacity(b.count - from)
        try p.object(&out, depth: 0)
        return (out, p.i)
    }

    /// `class Name {` at `at`: the offset after the brace, or nil.
    static func classHeader(_ b: UnsafeRawBufferPointer, _ at: Int) -> Int? {
        guard LambdaLineParser.starts(UnsafeRawBufferPointer(rebasing: b[at...]), "class ") else { return nil }
        var k = at + 6
        while k < b.count, isWord(b[k]) { k += 1 }
        guard k > at + 6, k + 1 < b.count, b[k] == 0x20, b[k + 1] == 0x7b else { return nil }
        return k + 2
    }

    static func isWord(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c == 0x5f || c == 0x24 || c == 0x2e
    }

    struct Parser {
        let b: UnsafeRawBufferPointer
        var i: Int
        var n: Int { b.count }

        mutating func skipSpace() { while i < n, b[i] == 0x20 || b[i] == 0x0a || b[i] == 0x0d || b[i] == 0x09 { i += 1 } }

        /// `class X { … }` into `{…}`; a superclass block inside is merged (its members first).
        mutating func object(_ out: inout [UInt8], depth: Int) throws(JSONParseError) {
            guard depth < 32 else { throw .invalid(offset: i, message: "nested too deep") }
            guard let after = JavaToString.classHeader(b, i) else { throw .invalid(offset: i, message: "expected 'class Name {'") }
            i = after
            out.append(0x7b)
            var first = true
            try members(&out, first: &first, depth: depth)
            out.append(0x7d)
        }

        private mutating func members(_ out: inout [UInt8], first: inout Bool, depth: Int) throws(JSONParseError) {
            while true {
                skipSpace()
                guard i < n else { throw .truncated }
                if b[i] == 0x7d { i += 1; return }
                if JavaToString.classHeader(b, i) != nil {  // the superclass's fields
                    i = JavaToString.classHeader(b, i)!
                    try members(&out, first: &first, depth: depth + 1)
                    continue
                }
                let ks = i
                while i < n, JavaToString.isWord(b[i]) { i += 1 }
                guard i > ks, i + 1 < n, b[i] == 0x3a, b[i + 1] == 0x20 else {
                    if i >= n { throw .truncated }
                    throw .invalid(offset: i, message: "expected 'name: value'")
                }
                var key = UnsafeRawBufferPointer(rebasing: b[ks..<i])
                if LambdaLineParser.equal(key, "_new") { key = UnsafeRawBufferPointer(rebasing: key[1...]) }
                if !first { out.append(0x2c) }
                first = false
                if LambdaLineParser.equal(key, "system") { out.append(contentsOf: "\"System\"".utf8) } else { JSONText.appendQuoted(key, to: &out) }
                out.append(0x3a)
                i += 2
                try value(&out, depth: depth, stops: [0x0a])
            }
        }

        /// A value ending at one of `stops` (a newline; `,` `}` `]` inside maps and lists).
        mutating func value(_ out: inout [UInt8], depth: Int, stops: [UInt8]) throws(JSONParseError) {
            guard i < n else { throw .truncated }
            guard depth < 32 else { throw .invalid(offset: i, message: "nested too deep") }
            if JavaToString.classHeader(b, i) != nil { try object(&out, depth: depth + 1); return }
            if b[i] == 0x7b || b[i] == 0x5b {
                let isMap = b[i] == 0x7b
                i += 1
                out.append(isMap ? 0x7b : 0x5b)
                var firstItem = true
                while true {
                    while i < n, b[i] == 0x20 { i += 1 }
                    guard i < n else { throw .truncated }
                    if b[i] == (isMap ? 0x7d : 0x5d) { i += 1; out.append(isMap ? 0x7d : 0x5d); break }
                    if !firstItem {
                        guard b[i] == 0x2c else { throw .invalid(offset: i, message: "expected ','") }
                        i += 1
                        while i < n, b[i] == 0x20 { i += 1 }
                    }
                    if !firstItem { out.append(0x2c) }
                    firstItem = false
                    if isMap {
                        let ks = i
                        while i < n, b[i] != 0x3d, b[i] != 0x0a { i += 1 }
                        guard i < n, b[i] == 0x3d else { throw i >= n ? .truncated : .invalid(offset: i, message: "expected '='") }
                        JSONText.appendQuoted(UnsafeRawBufferPointer(rebasing: b[ks..<i]), to: &out)
                        out.append(0x3a)
                        i += 1
                        try value(&out, depth: depth + 1, stops: [0x2c, 0x7d, 0x0a])
                    } else {
                        try value(&out, depth: depth + 1, stops: [0x2c, 0x5d, 0x0a])
                    }
                }
                return
            }
            let s = i
            while i < n, !stops.contains(b[i]) { i += 1 }
            if i == n && stops == [0x0a] { throw .truncated }
            var e = i
            while e > s, b[e - 1] == 0x20 || b[e - 1] == 0x0d { e -= 1 }
            let text = UnsafeRawBufferPointer(rebasing: b[s..<e])
            if LambdaLineParser.equal(text, "null") || LambdaLineParser.equal(text, "true") || LambdaLineParser.equal(text, "false") {
                out.append(contentsOf: text)
            } else {
                JSONText.appendQuoted(text, to: &out)
            }
        }
    }
}

extension JavaToString {
    /// For a `{` at `braceAt` preceded by `class Name `: where `class` starts.
    static func classStart(_ b: UnsafeRawBufferPointer, braceAt: Int) -> Int? {
        var k = braceAt - 2
        while k >= 0, isWord(b[k]) { k -= 1 }
        guard k >= 5, k < braceAt - 2, b[k] == 0x20 else { return nil }
        let cs = k - 5
        return classHeader(b, cs) == braceAt + 1 ? cs : nil
    }
}

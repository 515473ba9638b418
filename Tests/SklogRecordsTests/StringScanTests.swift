import Testing
@testable import SklogRecords

/// The envelope parser's string scan (`sk_string_end`, issue 21): where a string ends, whether it
/// has escapes, and the errors, worked out by hand on strings that straddle its 16-byte steps.
@Suite struct StringScanTests {
    func parse(_ text: String) throws(JSONParseError) -> JSONDocument { try JSONDocument(bytes: Array(text.utf8)) }

    @Test func endsAtTheFirstQuoteNotEscaped() throws {
        // 20 letters, an escaped quote, a run of two backslashes (an escaped backslash), the end.
        let d = try parse(#"{"k":"abcdefghijklmnopqrst\"x\\","n":1}"#)
        let k = try #require(d.member(d.root, "k"))
        #expect(d.string(k) == #"abcdefghijklmnopqrst"x\"#)
        #expect(d.nodes[Int(k)].escaped)
        #expect(d.string(d.member(d.root, "n")) == nil && d.member(d.root, "n") != nil)
        // A quote after three backslashes is escaped; after four it closes the string.
        let e = try parse(#"{"a":"0123456789abcdef\\\"","b":"0123456789abcdef\\\\"}"#)
        #expect(e.string(e.member(e.root, "a")) == #"0123456789abcdef\""#)
        #expect(e.string(e.member(e.root, "b")) == #"0123456789abcdef\\"#)
        let plain = try parse(#"{"long":"0123456789abcdef0123456789abcdef0123"}"#)
        #expect(plain.nodes[Int(plain.member(plain.root, "long")!)].escaped == false)
    }

    @Test func rawLineBreakAndTruncation() {
        // A raw line break at byte 25 of a string whose closing quote is 20 bytes further on.
        #expect(throws: JSONParseError.invalid(offset: 6, message: "line break in a string")) {
            try parse("{\"k\":\"0123456789abcdefghi\nj0123456789abcdefghi\"}")
        }
        // A raw line break right after a backslash is still a raw line break.
        #expect(throws: JSONParseError.invalid(offset: 6, message: "line break in a string")) {
            try parse("{\"k\":\"0123456789abcdefghij\\\n0123456789\"}")
        }
        // No closing quote (the last one is escaped): truncated, even with a line break in it.
        #expect(throws: JSONParseError.truncated) { try parse("{\"k\":\"0123456789abcdefghij\n0123\\\"") }
        #expect(throws: JSONParseError.truncated) { try parse("{\"k\":\"") }
    }

    @Test func quotingChecksEveryByte() {
        // A byte to escape at each position of an 8-byte word, and after it.
        for bad: UInt8 in [0x22, 0x5c, 0x0a, 0x1f] {
            for at in 0..<19 {
                var s = Array(repeating: UInt8(ascii: "a"), count: 19)
                s[at] = bad
                var out: [UInt8] = []
                s.withUnsafeBytes { JSONText.appendQuoted($0, to: &out) }
                #expect(out.count == 19 + 2 + (bad == 0x1f ? 5 : 1), "byte \(bad) at \(at)")
            }
        }
        var out: [UInt8] = []
        Array("caf\u{e9} \u{7f}~".utf8).withUnsafeBytes { JSONText.appendQuoted($0, to: &out) }
        // DEL (and the C1 controls) are escaped too, so a JSON output is safe on a terminal.
        #expect(out == Array("\"caf\u{e9} \\u007f~\"".utf8))
    }
}

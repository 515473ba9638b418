import Testing
@testable import SklogIO

/// `TerminalText`: how control characters and invalid UTF-8 from the logs are shown, and the cut
/// of a table cell. Expected strings written by hand from the rules in docs/design.md.
@Suite struct TerminalTextTests {
    @Test func cleanTextIsUnchanged() {
        for s in ["PlayIntent", "café £3 «x»", "a\\b", "日本語", ""] { #expect(TerminalText.safe(s) == s) }
    }

    @Test func controlsAreEscaped() {
        #expect(TerminalText.safe("a\u{1b}]0;t\u{07}b") == #"a\x1b]0;t\x07b"#)
        #expect(TerminalText.safe("n\u{0}l\u{7f}") == #"n\x00l\x7f"#)
        #expect(TerminalText.safe("c\u{9b}31m\u{80}\u{9f}\u{a0}") == "c\\u009b31m\\u0080\\u009f\u{a0}")
        #expect(TerminalText.safe("a\nb\tc\rd") == #"a\x0ab\x09c\x0dd"#)
        #expect(TerminalText.safe("a\nb\tc\rd", keepNewlines: true, keepTabs: true) == "a\nb\tc\\x0dd")
        #expect(TerminalText.safe("a\nb\tc\rd", keepNewlines: true, keepTabs: true, keepReturns: true) == "a\nb\tc\rd")
    }

    @Test func invalidUTF8BytesAreEscaped() {
        func safe(_ b: [UInt8]) -> String { b.withUnsafeBytes { TerminalText.safe(bytes: $0) } }
        #expect(safe([0x61, 0xff, 0xfe, 0x62]) == #"a\xff\xfeb"#)
        #expect(safe([0xc0, 0xaf]) == #"\xc0\xaf"#)                 // overlong '/'
        #expect(safe([0xed, 0xa0, 0x80]) == #"\xed\xa0\x80"#)       // a surrogate
        #expect(safe([0xe2, 0x82]) == #"\xe2\x82"#)                 // cut in the middle
        #expect(safe([0xe2, 0x82, 0xac, 0xc2, 0x9b, 0x1b]) == "€\\u009b\\x1b")
        #expect(safe(Array("ok\n".utf8)) == #"ok\x0a"#)
    }

    @Test func cellsAreCutWithAnEllipsis() {
        #expect(TerminalText.cell("abcdef", width: 6) == "abcdef")
        #expect(TerminalText.cell("abcdefg", width: 6) == "abcde…")
        #expect(TerminalText.cell("ééééééé", width: 6) == "ééééé…")
        #expect(TerminalText.cell("ab\u{1b}", width: 6) == #"ab\x1b"#)
        #expect(TerminalText.cell(String(repeating: "x", count: 1_000_000)).count == TerminalText.cellWidth)
    }
}

import Testing
import SklogMatch

@Suite struct RegexTests {
    @Test func matchesBytes() throws {
        let r = try Regex(#"^Play\w*Intent$"#)
        let yes = try r.matches("PlayMusicIntent")
        let no = try r.matches("StopIntent")
        #expect(yes && !no)
        let ci = try Regex("timeout", caseless: true)
        let hit = try ci.matches("ENDPOINT_TIMEOUT")
        #expect(hit)
    }

    @Test func compileErrorHasOffset() {
        #expect { try Regex("abc(def") } throws: { e in
            guard let e = e as? RegexError else { return false }
            return e.offset == 7 && !e.message.isEmpty
        }
    }

    @Test func catastrophicPatternHitsTheLimit() throws {
        let r = try Regex("^(a+)+$", matchLimit: 100_000)
        let input = String(repeating: "a", count: 40) + "!"
        #expect(throws: RegexLimitError.self) { try r.matches(input) }
    }

    @Test func namedGroups() throws {
        let r = try Regex(#"(?<ts>\S+) (?<messageId>\S+)"#)
        #expect(Set(r.namedGroups.map(\.name)) == ["ts", "messageId"])
        var s = "2026 m1"
        try s.withUTF8 { b in
            let m = try r.firstMatch(UnsafeRawBufferPointer(b))
            #expect(m == 0..<7)
            #expect(r.group(2) == 5..<7)
        }
    }
}

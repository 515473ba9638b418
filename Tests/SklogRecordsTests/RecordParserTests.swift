import Testing
@testable import SklogRecords

@Suite struct RecordParserTests {
    @Test func fieldsInAnyOrderWithNestingSkipped() throws {
        let a = try parse(#"{"device":{"x":[1,{"y":"}]"}],"z":null},"messageId":"m1","latencyMs":250,"ts":"2026-11-24T10:00:00.123Z","requestType":"IntentRequest","intent":"PlayIntent","outcome":"error","endSession":true,"confidence":"LOW"}"#)
        #expect(a.string(a.messageId) == "m1")
        #expect(a.ts == Timestamp.parse("2026-11-24T10:00:00.123Z"))
        #expect(a.latencyMs == 250)
        #expect(a.isTurn && a.isIntentRequest)
        #expect(a.string(a.intent) == "PlayIntent")
        #expect(a.outcome == .error && a.failed)
        #expect(a.endSession == .yes)
        #expect(a.confidence == .low)
        #expect(a.tsCanonical)
    }

    @Test func nullMeansUnknown() throws {
        let r = try parse(#"{"ts":"2026-11-24T10:00:00.000Z","messageId":"m","latencyMs":null,"endSession":null,"intent":null,"outcome":null}"#)
        #expect(r.latencyMs == -1)
        #expect(r.endSession == .unknown)
        #expect(!r.intent.isPresent)
        #expect(r.outcome == .unknown)
    }

    @Test func escapesAndUnicodeAreDecoded() throws {
        let r = try parse(#"{"ts":"2026-11-24T10:00:00.000Z","messageId":"m\u00e9\"q","utterance":"caf\u00e9 \ud83d\ude00 \\ \/ \n","intent":"Play"}"#)
        #expect(r.string(r.messageId) == "mé\"q")
        #expect(r.string(r.utterance) == "café 😀 \\ / \n")
        #expect(r.string(r.intent) == "Play")
        // The line itself is kept as it was.
        #expect(r.withLine { String(decoding: $0, as: UTF8.self) }.contains(#"\u00e9"#))
    }

    @Test func latencyIsRoundedToNearestMillisecond() throws {
        for (text, ms) in [("15.74", 16), ("15.5", 16), ("15.49", 15), ("0", 0), ("1e3", 1000), ("\"42\"", 42)] {
            let r = try parse(#"{"ts":"2026-11-24T10:00:00.000Z","messageId":"m","latencyMs":\#(text)}"#)
            #expect(r.latencyMs == Int64(ms), "\(text)")
        }
    }

    @Test func timestampsOfSeveralShapes() {
        let base = Timestamp.parse("2026-11-24T10:00:00.000Z")!
        #expect(Timestamp.parse("2026-11-24T10:00:00Z") == base)
        #expect(Timestamp.parse("2026-11-24 10:00:00.000") == base)
        #expect(Timestamp.parse("2026-11-24T11:00:00.000+01:00") == base)
        #expect(Timestamp.parse("2026-11-24T10:00:00.123456Z") == base + 123)
        #expect(Timestamp.parse("2026-11-24") == base - 10 * 3_600_000)
        #expect(Timestamp.parse("2026-13-24") == nil)
        #expect(Timestamp.parse("yesterday") == nil)
        #expect(Timestamp.string(base + 7) == "2026-11-24T10:00:00.007Z")
        // 1970-01-05 was a Monday.
        #expect(Timestamp.weekStart(Timestamp.parse("1970-01-07")!) == Timestamp.parse("1970-01-05")!)
        #expect(Timestamp.weekStart(Timestamp.parse("2026-11-29T23:59:59Z")!) == Timestamp.parse("2026-11-23")!)
    }

    @Test(arguments: [
        (#"{"messageId":"m"}"#, RejectReason.missingTs),
        (#"{"ts":"2026-11-24T10:00:00Z"}"#, RejectReason.missingMessageId),
        (#"{"ts":"not a time","messageId":"m"}"#, RejectReason.invalidTs),
        (#"{"ts":"2026-11-24T10:00:00Z","messageId":"m""#, RejectReason.invalidJSON),
        (#"{"ts":"2026-11-24T10:00:00Z","messageId":"m"} trailing"#, RejectReason.invalidJSON),
        (#"[1,2]"#, RejectReason.invalidJSON),
        (#"{"ts":"2026-11-24T10:00:00Z","messageId":"m","x":{"a":[}}"#, RejectReason.invalidJSON),
        ("{\"ts\":\"2026-11-24T10:00:00Z\",\"messageId\":\"m\u{0}\"}", RejectReason.nulByte),
    ])
    func rejects(line: String, reason: RejectReason) {
        do {
            _ = try parse(line)
            Issue.record("accepted \(line)")
        } catch {
            #expect((error as? RecordReject)?.reason == reason)
        }
    }

    @Test func invalidUTF8IsRejected() {
        var bytes = Array(#"{"ts":"2026-11-24T10:00:00Z","messageId":"m","u":"x"}"#.utf8)
        bytes[bytes.count - 3] = 0xC3  // a lead byte followed by '"'
        do {
            _ = try bytes.withUnsafeBytes { try RecordParser.parse($0) }
            Issue.record("accepted invalid UTF-8")
        } catch { #expect((error as? RecordReject)?.reason == .invalidUTF8) }
    }

    @Test func writerKeepsUnknownFieldsAndNormalizesTs() throws {
        var r = try parse(#"{"ts":"2026-11-24T11:00:00+01:00","messageId":"m","custom":{"k":[1,2]},"flag":true}"#)
        r.line = 7
        let out = OutputCapture()
        let w = RecordWriter(format: .ndjson, out: out.buffer, inputNames: ["in.gz"], redact: false)
        try w.write(r)
        #expect(out.text() == #"{"ts":"2026-11-24T10:00:00.000Z","messageId":"m","custom":{"k":[1,2]},"flag":true,"src":"in.gz:7"}"# + "\n")
    }

    @Test func redactionHashesIdsAndMasksText() throws {
        let r = try parse(#"{"ts":"2026-11-24T10:00:00.000Z","messageId":"m","userId":"amzn1.ask.account.SECRET","sessionId":"s1","utterance":"call mom","slots":{"who":"mom","n":null},"src":"x:1"}"#)
        let out = OutputCapture()
        try RecordWriter(format: .ndjson, out: out.buffer, inputNames: [], redact: true).write(r)
        let text = out.text()
        #expect(!text.contains("SECRET") && !text.contains("mom") && !text.contains("\"s1\""))
        #expect(text.contains(#""slots":{"who":"***","n":null}"#))
        // Stable: the same ID gives the same token.
        #expect(text.contains(Redactor.token("amzn1.ask.account.SECRET")))
    }

    @Test func csvCellsAreSafeAgainstFormulaInjection() {
        #expect(CSV.cell("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"")
        #expect(CSV.cell("+1") == "'+1")
        #expect(CSV.cell("@SUM") == "'@SUM")
        #expect(CSV.cell("-12") == "-12")
        #expect(CSV.cell("-cmd") == "'-cmd")
        #expect(CSV.cell("a,b") == "\"a,b\"")
    }
}

@Suite struct HashMap64Tests {
    /// Against Dictionary, with many collisions in a small table and removals in any order.
    @Test func behavesLikeADictionary() {
        var rng = SplitMix(state: 3)
        var m = HashMap64(capacity: 4)
        var d: [UInt64: Int64] = [:]
        for step in 0..<20_000 {
            let k = rng.next() % 500 &* 0x1_0000_0000  // low bits often equal: long probe runs
            switch rng.next() % 3 {
            case 0, 1: m.insert(k, Int64(step)); d[k] = Int64(step)
            default: m.remove(k); d[k] = nil
            }
            if step % 97 == 0 {
                for (key, v) in d { #expect(m[key] == v) }
                #expect(m.count == d.count)
            }
        }
    }

    @Test func scannerFindsQuotesAfterEscapes() throws {
        for pad in 0..<20 {
            let p = String(repeating: "x", count: pad)
            let r = try parse(#"{"ts":"2026-11-24T10:00:00.000Z","messageId":"\#(p)\\\"\#(p)\\\\","u":"\#(p)"}"#)
            #expect(r.string(r.messageId) == p + "\\\"" + p + "\\\\")
        }
    }
}

@Suite struct RecordDefinitionsTests {
    @Test(arguments: [
        (#""skillType":"smart_home","requestType":"Alexa.PowerController.TurnOn""#, true),
        (#""requestType":"Alexa.Discovery.Discover""#, true),
        (#""skillType":"smart_home","requestType":"Alexa.ChangeReport""#, false),
        (#""skillType":"smart_home","requestType":"OAuth.Token""#, false),
        (#""skillType":"custom","requestType":"Alexa.Presentation.APL.UserEvent""#, false),
        (#""requestType":"Alexa.Presentation.APL.UserEvent""#, false),
        (#""requestType":"IntentRequest""#, false),
    ])
    func smartHomeDirectives(fields: String, directive: Bool) throws {
        let r = try parse(#"{"ts":"2026-11-24T10:00:00.000Z","messageId":"m",\#(fields)}"#)
        #expect(r.isSmartHomeDirective == directive)
    }
}

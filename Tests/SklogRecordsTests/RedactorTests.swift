import Testing
@testable import SklogRecords

/// The `Redactor`'s rules, checked on hand-written values (docs/design.md, "Terminal safety,
/// redaction").
@Suite struct RedactorTests {
    @Test func personalAlexaIDsAreFoundAnywhereInAString() {
        for s in ["amzn1.ask.account.X", "amzn1.ask.device.Y", "amzn1.echo-api.session.Z", "amzn1.ask.person.P",
                  "amzn1.account.A", "call amzn1.ask.account.Q now"] {
            #expect(Redactor.holdsAlexaID(s), "\(s)")
        }
        for s in ["amzn1.ask.skill.S", "amzn1.echo-api.request.R", "amzn1.adg.product.P", "amzn1", "plain"] {
            #expect(!Redactor.holdsAlexaID(s), "\(s)")
        }
        #expect(Redactor.holdsAlexaID("amzn1.ask.skill.S then amzn1.ask.account.X"))
    }

    @Test func codesAreKeptAndWordsMasked() {
        for s in ["HUB", "RECTANGLE", "1.0", "2024.2", "https://api.amazonalexa.com", "2026-11-02T00:07:14Z", ""] {
            #expect(Redactor.looksLikeCode(Array(s.utf8)), "\(s)")
        }
        for s in ["trivia", "Alice", "call mom", "ask-node/2.14.0 Node/v20.11.1", String(repeating: "A", count: 33)] {
            #expect(!Redactor.looksLikeCode(Array(s.utf8)), "\(s)")
        }
    }

    @Test func oneSignatureMask() {
        #expect(Redactor.maskSignature("PlayIntent(song=yesterday, artist=x)") == "PlayIntent(song=***, artist=***)")
        #expect(Redactor.maskSignature("PlayIntent") == "PlayIntent")
        #expect(Redactor.maskSignature("LaunchRequest") == "LaunchRequest")
    }

    @Test func nestedUnknownFieldsAreRedacted() throws {
        let line = #"{"ts":"2026-11-24T10:00:00.000Z","messageId":"amzn1.echo-api.request.1","userId":"amzn1.ask.account.U","x":{"a":[{"id":"amzn1.ask.device.D"},"free text here",3,true,null,"HUB"]},"state":{"who":"amzn1.ask.person.P"}}"#
        let r = try parse(line)
        let out = OutputCapture()
        try RecordWriter(format: .ndjson, out: out.buffer, inputNames: [], redact: true).write(r)
        let text = out.text()
        let dev = Redactor.token("amzn1.ask.device.D"), person = Redactor.token("amzn1.ask.person.P")
        #expect(text.contains(#""x":{"a":[{"id":"\#(dev)"},"***",3,true,null,"HUB"]}"#))
        #expect(text.contains(#""state":{"who":"\#(person)"}"#))
        #expect(text.contains(#""messageId":"amzn1.echo-api.request.1""#))
        #expect(!text.contains("amzn1.ask."))
    }

    /// An exception's message is shown as `sklog errors` groups it: the quoted value (a slot
    /// value echoed by the skill), the ID and the number are masked, the words stay.
    @Test func errorMessageKeepsItsWordsOnly() throws {
        #expect(Redactor.field("errorMessage", "No song 'Yesterday' for amzn1.ask.account.AF3X, attempt 3")
                == "No song <str> for <id>, attempt <n>")
        let line = #"{"ts":"2026-11-24T10:00:00.000Z","messageId":"m1","outcome":"error","errorType":"TypeError","errorMessage":"Cannot read 'Beatles' of undefined"}"#
        let out = OutputCapture()
        try RecordWriter(format: .ndjson, out: out.buffer, inputNames: [], redact: true).write(try parse(line))
        #expect(out.text().contains(#""errorMessage":"Cannot read <str> of undefined""#))
        #expect(!out.text().contains("Beatles"))
    }
}

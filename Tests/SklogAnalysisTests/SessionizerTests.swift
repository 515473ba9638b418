import Testing
import SklogAnalysis
import SklogRecords
import SklogIO
import Foundation

@Suite struct SessionizerTests {
    @Test func endsAtSessionEndedRequest() {
        let (ss, sz) = TR.sessions([
            TR.launch(0, "m1"), TR.intent(1000, "m2", "PlayIntent"), TR.ended(2000, "m3", "USER_INITIATED"),
        ])
        #expect(ss.count == 1)
        let s = ss[0]
        #expect(s.sessionId == "S1")
        #expect(s.userId == "U1")
        #expect(s.messageIds == ["m1", "m2", "m3"])
        #expect(s.turns.map(\.step) == ["LaunchRequest", "PlayIntent"])
        #expect(s.endedBy == .sessionEndedRequest)
        #expect(s.endReason == "USER_INITIATED")
        #expect(s.endMessageId == "m3")
        #expect(s.outcome == .userEnded)
        #expect(s.start == TR.t0 && s.end == TR.t0 + 2000 && s.durationMs == 2000)
        #expect(s.path == ["LaunchRequest", "PlayIntent", "END:user_ended"])
        #expect(sz.reopenedSessions == 0)
    }

    @Test func endsAtEndSessionAndReopens() {
        let (ss, sz) = TR.sessions([
            TR.launch(0, "m1"), TR.intent(1000, "m2", "PlayIntent", "\"endSession\":true"),
            TR.intent(5000, "m3", "PlayIntent"),
        ])
        #expect(ss.count == 2)
        #expect(ss[0].endedBy == .endSession)
        #expect(ss[0].outcome == .skillEnded)
        #expect(ss[0].messageIds == ["m1", "m2"])
        #expect(!ss[0].reopened)
        #expect(ss[1].reopened)
        #expect(ss[1].messageIds == ["m3"])
        #expect(ss[1].endedBy == .endOfInput)
        #expect(ss[1].outcome == .unknown)
        #expect(sz.reopenedSessions == 1)
    }

    @Test func idleTimeoutBoundary() {
        // A record exactly idleTimeout after the previous one continues the session.
        let (a, _) = TR.sessions([TR.launch(0, "m1"), TR.intent(600_000, "m2", "PlayIntent")])
        #expect(a.count == 1)
        // One millisecond more ends it: a new (reopened) session.
        let (b, sz) = TR.sessions([TR.launch(0, "m1"), TR.intent(600_001, "m2", "PlayIntent")])
        #expect(b.count == 2)
        #expect(b[0].endedBy == .idleTimeout && b[0].outcome == .unknown)
        #expect(b[1].reopened && sz.reopenedSessions == 1)
    }

    @Test func idleExpiryIsDrivenByOtherSessionsRecords() {
        var o = SessionOptions()
        o.idleTimeoutMs = 1000
        var closed: [String] = []
        let sz = Sessionizer(options: o) { closed.append($0.sessionId) }
        sz.add(TR.record(TR.launch(0, "a1", sid: "A")))
        sz.add(TR.record(TR.launch(500, "b1", sid: "B")))
        sz.add(TR.record(TR.intent(1000, "b2", "X", sid: "B")))
        #expect(closed.isEmpty)
        sz.add(TR.record(TR.intent(1001, "c1", "X", sid: "C")))   // A idle since 0 for 1001 ms: closed
        #expect(closed == ["A"])
        #expect(sz.openSessions == 2)
        sz.finish()
        #expect(closed == ["A", "B", "C"])
    }

    @Test func outcomePrecedence() {
        func outcome(_ lines: [String]) -> SessionOutcome { TR.sessions(lines).sessions[0].outcome }
        // failed: SessionEndedRequest ERROR, or a failed last turn (even with USER_INITIATED).
        #expect(outcome([TR.launch(0, "m1"), TR.ended(10, "m2", "ERROR")]) == .failed)
        #expect(outcome([TR.launch(0, "m1"), TR.intent(5, "m2", "AMAZON.StopIntent", "\"outcome\":\"error\""),
                         TR.ended(10, "m3", "USER_INITIATED")]) == .failed)
        #expect(outcome([TR.launch(0, "m1", "\"outcome\":\"no_response\""), TR.ended(10, "m2", "EXCEEDED_MAX_REPROMPTS")]) == .failed)
        // no_response
        #expect(outcome([TR.launch(0, "m1"), TR.ended(10, "m2", "EXCEEDED_MAX_REPROMPTS")]) == .noResponse)
        // user_ended: reason, or a final Stop/Cancel/NavigateHome (beats skill_ended)
        #expect(outcome([TR.launch(0, "m1"), TR.ended(10, "m2", "USER_INITIATED")]) == .userEnded)
        #expect(outcome([TR.launch(0, "m1"), TR.intent(5, "m2", "AMAZON.StopIntent", "\"endSession\":true")]) == .userEnded)
        #expect(outcome([TR.launch(0, "m1"), TR.intent(5, "m2", "AMAZON.CancelIntent", "\"endSession\":true")]) == .userEnded)
        #expect(outcome([TR.launch(0, "m1"), TR.intent(5, "m2", "AMAZON.NavigateHomeIntent")]) == .userEnded)
        // skill_ended
        #expect(outcome([TR.launch(0, "m1"), TR.intent(5, "m2", "PlayIntent", "\"endSession\":true,\"outcome\":\"success\"")]) == .skillEnded)
        // unknown: no terminal event
        #expect(outcome([TR.launch(0, "m1"), TR.intent(5, "m2", "PlayIntent", "\"endSession\":false")]) == .unknown)
        // a session with only a SessionEndedRequest of no known reason
        #expect(outcome([TR.ended(0, "m1", "SOMETHING_ELSE")]) == .unknown)
    }

    @Test func recordsWithoutSessionIdDoNotFormSessions() {
        let (ss, sz) = TR.sessions([
            TR.line(0, "d1", sid: nil, type: "Alexa.PowerController.TurnOn"),
            TR.line(1, "e1", sid: nil, type: "AlexaSkillEvent.SkillEnabled"),
            TR.launch(2, "m1"),
        ])
        #expect(ss.count == 1 && ss[0].messageIds == ["m1"])
        #expect(sz.recordsWithoutSession == 2)
    }

    @Test func orderedByStartThenSessionId() {
        let (ss, _) = TR.sessions([
            TR.launch(0, "b1", sid: "B"), TR.launch(0, "a1", sid: "A"),
            TR.intent(10, "b2", "X", sid: "B", "\"endSession\":true"),    // B closes first
            TR.launch(20, "c1", sid: "C", "\"endSession\":true"),
            TR.intent(30, "a2", "Y", sid: "A"),
        ])
        #expect(ss.map(\.sessionId) == ["A", "B", "C"])
    }

    @Test func lateRecordIsCounted() {
        let (ss, sz) = TR.sessions([TR.launch(1000, "m1"), TR.intent(500, "m2", "X")])
        #expect(sz.lateRecords == 1)
        #expect(ss.count == 1 && ss[0].messageIds == ["m1", "m2"])
    }

    @Test func turnValues() {
        let (ss, _) = TR.sessions([
            TR.intent(0, "m1", "PlayIntent", #""slots":{"song":"yesterday","artist":"the \"beatles\"","x":null},"utterance":"play yesterday","confidence":"MEDIUM","latencyMs":120,"speechMs":900,"endSession":false"#),
        ])
        let t = ss[0].turns[0]
        #expect(t.slots == "artist=the \"beatles\", song=yesterday")
        #expect(t.signature == "PlayIntent(artist=the \"beatles\", song=yesterday)")
        #expect(t.utterance == "play yesterday")
        #expect(t.confidence == .medium)
        #expect(t.latencyMs == 120 && t.speechMs == 900 && t.endSession == .no)
    }
}

@Suite struct SessionWriterTests {
    @Test func ndjsonLineEscapesAndOrders() throws {
        let (ss, _) = TR.sessions([
            TR.launch(0, "m\\\"1", "\"locale\":\"en-US\""), TR.intent(1000, "a-very-long-message-id-without-escapes-0123456789", "Play\\\\Intent"),
            TR.ended(2000, "m3", "USER_INITIATED"),
        ])
        let path = TR.tempFile("", name: "writer.ndjson")
        let out = try OutputBuffer(path: path)
        try SessionWriter(format: .ndjson, out: out, redact: false).write(ss[0])
        try out.flush()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text == #"{"sessionId":"S1","userId":"U1","locale":"en-US","start":"2026-01-01T00:00:00.000Z","end":"2026-01-01T00:00:02.000Z","durationMs":2000,"turns":2,"outcome":"user_ended","endedBy":"session_ended_request","reopened":false,"path":["LaunchRequest","Play\\Intent","END:user_ended"],"messageIds":["m\"1","a-very-long-message-id-without-escapes-0123456789","m3"],"friction":{"barge_in":0,"termination":0,"unhandled":0,"low_confidence":0,"system_error":0}}"# + "\n")
    }
}

import Testing
import SklogAnalysis
import SklogRecords

@Suite struct FrictionTests {
    // r1 at 0 with latency 200 ms and 3000 ms of speech: its response ends at 200 and is spoken
    // until 3200; with the 1000 ms allowance, a next turn before 4200 is a barge-in.
    static let r1 = TR.launch(0, "r1", "\"latencyMs\":200,\"speechMs\":3000,\"endSession\":false")

    func bargeIns(_ lines: [String], _ o: SessionOptions = SessionOptions()) -> [FrictionEvent] {
        TR.friction(lines, o).filter { $0.type == .bargeIn }
    }

    @Test func bargeInBoundary() {
        // gap = 4200 - 200 = 4000 = speech + allowance: not a barge-in (strictly less is required).
        #expect(bargeIns([Self.r1, TR.intent(4200, "r2", "PlayIntent")]).isEmpty)
        let e = bargeIns([Self.r1, TR.intent(4199, "r2", "PlayIntent")])
        #expect(e.count == 1)
        #expect(e[0].messageId == "r1" && e[0].relatedMessageId == "r2")
        #expect(e[0].gapMs == 3999 && e[0].speechMs == 3000 && e[0].allowanceMs == 1000 && !e[0].given)
        #expect(e[0].sessionId == "S1" && e[0].ts == TR.t0)
        // The allowance is a parameter.
        var o = SessionOptions()
        o.bargeInAllowanceMs = 0
        #expect(bargeIns([Self.r1, TR.intent(3199, "r2", "PlayIntent")], o).count == 1)
        #expect(bargeIns([Self.r1, TR.intent(3200, "r2", "PlayIntent")], o).isEmpty)
    }

    @Test func bargeInNeedsLatencyAndSpeechAndOpenSession() {
        #expect(bargeIns([TR.launch(0, "r1", "\"speechMs\":3000"), TR.intent(100, "r2", "X")]).isEmpty)
        #expect(bargeIns([TR.launch(0, "r1", "\"latencyMs\":200"), TR.intent(300, "r2", "X")]).isEmpty)
        // A response that ended the session is never interrupted (the next turn is another session).
        #expect(bargeIns([TR.launch(0, "r1", "\"latencyMs\":200,\"speechMs\":3000,\"endSession\":true"), TR.intent(300, "r2", "X")]).isEmpty)
        // Only consecutive turns: a non-turn record in between does not count as r2.
        let e = bargeIns([Self.r1, TR.line(500, "ev", type: "Connections.Response"), TR.intent(1000, "r2", "X")])
        #expect(e.count == 1 && e[0].relatedMessageId == "r2")
    }

    @Test func bargeInFlagDecides() {
        // bargeIn:false on r2 overrides an inferred barge-in.
        #expect(bargeIns([Self.r1, TR.intent(300, "r2", "X", "\"bargeIn\":false")]).isEmpty)
        // bargeIn:true on r2: r1 interrupted, r2 related, even without timing evidence.
        let e = bargeIns([TR.launch(0, "r1"), TR.intent(60_000, "r2", "X", "\"bargeIn\":true")])
        #expect(e.count == 1 && e[0].messageId == "r1" && e[0].relatedMessageId == "r2" && e[0].given)
        // bargeIn:true on the first turn of a session: nothing was interrupted in this session.
        #expect(bargeIns([TR.launch(0, "r1", "\"bargeIn\":true")]).isEmpty)
    }

    @Test func unhandledRequests() {
        var o = SessionOptions()
        o.modelIntents = ["PlayIntent", "AMAZON.StopIntent", "AMAZON.FallbackIntent"]
        let ev = TR.friction([
            TR.launch(0, "m0"),
            TR.intent(1000, "m1", "AMAZON.FallbackIntent"),
            TR.intent(2000, "m2", "PlayIntent", "\"unhandled\":true"),
            TR.intent(30000, "m3", "PlayIntent", "\"errorType\":\"NoHandler\",\"outcome\":\"error\""),
            TR.intent(60000, "m4", "PauseIntent"),
            TR.intent(90000, "m5", "PlayIntent", "\"unhandled\":false"),
        ], o).filter { $0.type == .unhandled }
        #expect(ev.map(\.messageId) == ["m1", "m2", "m3", "m4"])
        #expect(ev.map(\.detail) == ["fallback_intent", "flagged", "flagged", "not_in_model"])
        // Without a model, an unknown intent is not unhandled.
        let ev2 = TR.friction([TR.intent(0, "m4", "PauseIntent")]).filter { $0.type == .unhandled }
        #expect(ev2.isEmpty)
    }

    @Test func lowConfidence() {
        let lines = [TR.intent(0, "m1", "A", "\"confidence\":\"LOW\""), TR.intent(20_000, "m2", "B", "\"confidence\":\"MEDIUM\""),
                     TR.intent(40_000, "m3", "C", "\"confidence\":\"HIGH\"")]
        #expect(TR.friction(lines).filter { $0.type == .lowConfidence }.map(\.messageId) == ["m1"])
        var o = SessionOptions()
        o.countMediumAsLow = true
        #expect(TR.friction(lines, o).filter { $0.type == .lowConfidence }.map(\.messageId) == ["m1", "m2"])
    }

    @Test func retryBoundaryAndSystemErrors() {
        func sys(_ lines: [String]) -> [FrictionEvent] { TR.friction(lines).filter { $0.type == .systemError } }
        let a = TR.intent(0, "m1", "PlayIntent", #""slots":{"song":"x","artist":"y"}"#)
        // Same intent and slot values (in any order) exactly 15,000 ms later: a retry.
        let r = sys([a, TR.intent(15_000, "m2", "PlayIntent", #""slots":{"artist":"y","song":"x"}"#)])
        #expect(r.count == 1 && r[0].messageId == "m1" && r[0].relatedMessageId == "m2" && r[0].detail == "retry")
        // 15,001 ms: not a retry.
        #expect(sys([a, TR.intent(15_001, "m2", "PlayIntent", #""slots":{"artist":"y","song":"x"}"#)]).isEmpty)
        // Different slot values, or another intent: not a retry.
        #expect(sys([a, TR.intent(1000, "m2", "PlayIntent", #""slots":{"artist":"z","song":"x"}"#)]).isEmpty)
        #expect(sys([a, TR.intent(1000, "m2", "StopIntent", #""slots":{"artist":"y","song":"x"}"#)]).isEmpty)
        // Null slots are no values.
        #expect(sys([TR.intent(0, "m1", "X", #""slots":{"a":null}"#), TR.intent(10, "m2", "X")]).count == 1)
        // Low-confidence and unhandled turns are estimated system errors too, once per turn.
        let s = sys([TR.intent(0, "m1", "AMAZON.FallbackIntent", "\"confidence\":\"LOW\""), TR.intent(100, "m2", "AMAZON.FallbackIntent")])
        #expect(s.map(\.messageId) == ["m1", "m2"])
        #expect(s[0].detail == "low_confidence+unhandled+retry")
    }

    func terminations(_ lines: [String]) -> [FrictionEvent] { TR.friction(lines).filter { $0.type == .termination } }

    @Test func terminationAfterFirstTurn() {
        let t = terminations([TR.launch(0, "m1"), TR.intent(5000, "m2", "AMAZON.StopIntent", "\"endSession\":true")])
        #expect(t.count == 1 && t[0].messageId == "m1" && t[0].relatedMessageId == "m2" && t[0].detail == "first_turn")
        let u = terminations([TR.launch(0, "m1"), TR.ended(5000, "m2", "USER_INITIATED")])
        #expect(u.count == 1 && u[0].messageId == "m1" && u[0].relatedMessageId == "m2")
    }

    @Test func terminationAfterFrictionTurn() {
        let t = terminations([TR.launch(0, "m1"), TR.intent(20_000, "m2", "AMAZON.FallbackIntent"),
                              TR.intent(40_000, "m3", "AMAZON.CancelIntent", "\"endSession\":true")])
        #expect(t.count == 1 && t[0].messageId == "m2" && t[0].relatedMessageId == "m3" && t[0].detail == "unhandled")
        // Interrupted: the abandoned turn's response is the message ID of a barge-in event.
        let b = terminations([TR.launch(0, "m1"), TR.intent(20_000, "m2", "PlayIntent", "\"latencyMs\":100,\"speechMs\":5000"),
                              TR.intent(21_000, "m3", "AMAZON.StopIntent", "\"endSession\":true")])
        #expect(b.count == 1 && b[0].messageId == "m2" && b[0].detail == "interrupted")
        // Low-confidence and failed abandoned turns.
        #expect(terminations([TR.launch(0, "m1"), TR.intent(20_000, "m2", "X", "\"confidence\":\"LOW\""),
                              TR.ended(40_000, "m3", "USER_INITIATED")]).map(\.detail) == ["low_confidence"])
        #expect(terminations([TR.launch(0, "m1"), TR.intent(20_000, "m2", "X", "\"outcome\":\"error\""),
                              TR.intent(40_000, "m3", "AMAZON.StopIntent")]).map(\.detail) == ["failed"])
    }

    @Test func noTerminationAfterCleanSecondTurn() {
        #expect(terminations([TR.launch(0, "m1"), TR.intent(20_000, "m2", "PlayIntent"),
                              TR.intent(40_000, "m3", "AMAZON.StopIntent", "\"endSession\":true")]).isEmpty)
        #expect(terminations([TR.launch(0, "m1"), TR.intent(20_000, "m2", "PlayIntent"), TR.ended(40_000, "m3", "USER_INITIATED")]).isEmpty)
    }

    @Test func noTerminationWithoutATurnBeforeTheEnd() {
        #expect(terminations([TR.ended(0, "m1", "USER_INITIATED")]).isEmpty)
        #expect(terminations([TR.intent(0, "m1", "AMAZON.StopIntent", "\"endSession\":true")]).isEmpty)
        // Not user-ended: no termination even after a first turn.
        #expect(terminations([TR.launch(0, "m1", "\"endSession\":true")]).isEmpty)
        #expect(terminations([TR.launch(0, "m1"), TR.ended(10, "m2", "EXCEEDED_MAX_REPROMPTS")]).isEmpty)
    }

    @Test func eventsCarryUtteranceOrSignature() {
        let e = TR.friction([TR.intent(0, "m1", "AMAZON.FallbackIntent", #""utterance":"blah blah""#),
                             TR.intent(20_000, "m2", "PlayIntent", #""unhandled":true,"slots":{"b":"2","a":"1"}"#)])
            .filter { $0.type == .unhandled }
        #expect(e[0].utterance == "blah blah" && e[0].signature == "AMAZON.FallbackIntent")
        #expect(e[1].utterance == nil && e[1].signature == "PlayIntent(a=1, b=2)" && e[1].intent == "PlayIntent")
    }
}

@Suite struct FrictionSummaryTests {
    static let lines = [
        TR.launch(0, "m1"),
        TR.intent(20_000, "m2", "AMAZON.FallbackIntent", #""utterance":"blah""#),
        TR.intent(40_000, "m3", "PlayIntent", #""slots":{"song":"x"},"unhandled":true"#),
        TR.intent(60_000, "m4", "AMAZON.StopIntent", "\"endSession\":true"),
        TR.launch(70_000, "n1", sid: "S2"),
    ]

    func summary(_ types: Set<FrictionType> = Set(FrictionType.allCases)) -> FrictionSummary {
        var s = FrictionSummary(types: types)
        for l in Self.lines { s.addTurn(TR.record(l)) }
        for x in TR.sessions(Self.lines).sessions { s.add(x) }
        return s
    }

    @Test func countsRatesAndGroups() {
        let s = summary()
        #expect(s.turns == 5 && s.sessions == 2 && s.frictionSessions == 1)
        #expect(s.count(.unhandled) == 2)
        #expect(s.count(.termination) == 1)   // abandoned m3 is unhandled
        #expect(s.count(.systemError) == 2)
        #expect(s.rate(.unhandled) == 40)
        // No turn carries a confidence: low-confidence is not available.
        #expect(s.count(.lowConfidence) == nil && s.rate(.lowConfidence) == nil)
        let top = s.top(10)
        #expect(top.map(\.text) == ["PlayIntent(song=x)", "blah"])
        #expect(top[0].total == 3 && top[0].counts[.termination] == 1 && !top[0].isUtterance)
        #expect(top[1].isUtterance && top[1].counts[.unhandled] == 1)
    }

    @Test func typeSelection() {
        let s = summary([.termination])
        #expect(s.count(.unhandled) == nil)
        #expect(s.count(.termination) == 1 && s.frictionSessions == 1)
        #expect(FrictionType.parseList("barge_in, termination") == [.bargeIn, .termination])
        #expect(FrictionType.parseList("bargeIns,low-confidence") == [.bargeIn, .lowConfidence])
        #expect(FrictionType.parseList("nope") == nil)
    }
}

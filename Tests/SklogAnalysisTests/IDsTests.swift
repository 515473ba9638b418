import Foundation
import SklogAnalysis
import SklogIO
import SklogRecords
import Testing

/// Runs lines (in time order) through an IDSelector writing to a temporary file; returns the output.
private func select(_ lines: [String], _ c: IDCriteria, format: IDFormat = .ids, candidate: (Record) -> Bool = { _ in true },
                    options: SessionOptions = SessionOptions()) throws -> (text: String, selector: IDSelector) {
    let path = TR.tempFile("", name: "ids-\(UUID().uuidString)")
    let out = try OutputBuffer(path: path)
    let sel = IDSelector(criteria: c, format: format, sessionOptions: options, redact: false, names: ["in"], out: out)
    for l in lines {
        var r = TR.record(l)
        r.line = 1
        try sel.add(r, candidate: candidate(r))
    }
    sel.finish()
    try sel.write(accounting: "{}")
    try out.flush()
    return (try String(contentsOfFile: path, encoding: .utf8), sel)
}

private func ids(_ text: String) -> [String] { text.split(separator: "\n").map(String.init) }

@Suite struct IDSelectionTests {
    // Ten turns with latencies 100, 200, ..., 1000 ms; t4 fails (error), t7 times out.
    static let tenTurns: [String] = (1...10).map { i in
        let outcome = i == 4 ? "error" : i == 7 ? "no_response" : "success"
        return TR.intent(Int64(i) * 1000, "t\(i)", "PlayIntent", sid: "S\(i)", "\"latencyMs\":\(i * 100),\"outcome\":\"\(outcome)\"")
    }

    @Test func failedSelectsErrorAndNoResponseTurnsAndDirectivesOnly() throws {
        var lines = Self.tenTurns
        // An event with outcome error is not a turn or a directive: not selected.
        lines.append(TR.line(20_000, "ev1", sid: nil, type: "AlexaSkillEvent.SkillEnabled", "\"outcome\":\"error\""))
        // A failed smart home directive is selected.
        lines.append(TR.line(21_000, "sh1", sid: nil, type: "Alexa.PowerController.TurnOn", "\"skillType\":\"smart_home\",\"outcome\":\"no_response\""))
        // A change report is an event, not a directive.
        lines.append(TR.line(22_000, "cr1", sid: nil, type: "Alexa.ChangeReport", "\"skillType\":\"smart_home\",\"outcome\":\"error\""))
        var c = IDCriteria(); c.failed = true
        let r = try select(lines, c)
        #expect(ids(r.text) == ["t4", "t7", "sh1"])
        #expect(r.selector.streaming)
    }

    @Test func slowMillisecondsIsAtOrAbove() throws {
        var c = IDCriteria(); c.slowMs = 800
        #expect(ids(try select(Self.tenTurns, c).text) == ["t8", "t9", "t10"])
    }

    @Test func failedOrSlowIsAUnion() throws {
        var c = IDCriteria(); c.failed = true; c.slowMs = 900
        #expect(ids(try select(Self.tenTurns, c).text) == ["t4", "t7", "t9", "t10"])
    }

    @Test func percentileAtTheBoundary() throws {
        // n = 10: p90 has rank ⌈9⌉ = 9 → 900 ms; selected: 900 and 1000.
        var c = IDCriteria(); c.slowPercentile = 90
        let r = try select(Self.tenTurns, c)
        #expect(r.selector.percentileThresholdMs == 900)
        #expect(ids(r.text) == ["t9", "t10"])
        // p91: rank ⌈9.1⌉ = 10 → 1000 ms.
        c.slowPercentile = 91
        #expect(ids(try select(Self.tenTurns, c).text) == ["t10"])
        // p10: rank 1 → 100 ms: everything.
        c.slowPercentile = 10
        #expect(ids(try select(Self.tenTurns, c).text).count == 10)
        // p100 → the maximum.
        c.slowPercentile = 100
        #expect(ids(try select(Self.tenTurns, c).text) == ["t10"])
    }

    @Test func percentileIsOverTheCandidatesOnly() throws {
        // Only the first five turns are candidates (a filter): p90 of 100…500 is 500.
        var c = IDCriteria(); c.slowPercentile = 90
        let r = try select(Self.tenTurns, c, candidate: { r in r.ts < TR.t0 + 6000 })
        #expect(r.selector.percentileThresholdMs == 500)
        #expect(ids(r.text) == ["t5"])
    }

    @Test func percentileTiesAreAllSelected() throws {
        let lines = [100, 300, 300, 300].enumerated().map { i, ms in
            TR.intent(Int64(i) * 1000, "x\(i)", "A", sid: "S\(i)", "\"latencyMs\":\(ms),\"outcome\":\"success\"")
        }
        var c = IDCriteria(); c.slowPercentile = 50  // rank 2 → 300
        #expect(ids(try select(lines, c).text) == ["x1", "x2", "x3"])
    }

    @Test func frictionSelectsTheEventsMessageIDs() throws {
        let lines = [
            TR.launch(0, "m1", "\"latencyMs\":100,\"speechMs\":2000,\"endSession\":false"),
            // 500 ms after the launch response ended, inside its 2 s of speech: m1 was interrupted.
            TR.intent(600, "m2", "AMAZON.FallbackIntent", "\"latencyMs\":100,\"endSession\":false"),
            TR.intent(30_000, "m3", "PlayIntent", "\"latencyMs\":100,\"endSession\":true"),
        ]
        var c = IDCriteria(); c.friction = [.bargeIn]
        #expect(ids(try select(lines, c).text) == ["m1"])
        c.friction = [.unhandled]
        #expect(ids(try select(lines, c).text) == ["m2"])
        c.friction = [.bargeIn, .unhandled]
        #expect(ids(try select(lines, c).text) == ["m1", "m2"])
    }

    @Test func sessionOutcomeSelectsEveryTurnOfThoseSessions() throws {
        let lines = [
            TR.launch(0, "a1", sid: "A"),
            TR.intent(1000, "a2", "PlayIntent", sid: "A", "\"outcome\":\"error\""),  // last turn failed → failed session
            TR.ended(2000, "a3", "ERROR", sid: "A"),
            TR.launch(3000, "b1", sid: "B"),
            TR.intent(4000, "b2", "AMAZON.StopIntent", sid: "B", "\"endSession\":true"),
            TR.launch(5000, "c1", sid: "C"),
            TR.ended(6000, "c2", "EXCEEDED_MAX_REPROMPTS", sid: "C"),
        ]
        var c = IDCriteria(); c.sessionOutcomes = [.failed]
        // Turns only: a3 (the SessionEndedRequest) is not listed.
        #expect(ids(try select(lines, c).text) == ["a1", "a2"])
        c.sessionOutcomes = [.failed, .noResponse]
        #expect(ids(try select(lines, c).text) == ["a1", "a2", "c1"])
    }

    @Test func noCriterionSelectsEveryCandidate() throws {
        let r = try select(Self.tenTurns, IDCriteria(), candidate: { r in r.string(r.messageId)!.hasPrefix("t1") })
        #expect(ids(r.text) == ["t1", "t10"])
    }

    @Test func nothingSelected() throws {
        var c = IDCriteria(); c.slowMs = 1_000_000
        let r = try select(Self.tenTurns, c)
        #expect(r.text.isEmpty && r.selector.selectedCount == 0)
    }

    @Test func csvHasTheSpecColumnsAndIsFormulaSafe() throws {
        let lines = [
            TR.intent(0, "=HYPERLINK(\\\"http://x\\\")", "+Evil", sid: "S1", "\"latencyMs\":5000,\"outcome\":\"error\",\"errorType\":\"@SUM(A1)\",\"locale\":\"en-US\",\"skillType\":\"custom\""),
        ]
        var c = IDCriteria(); c.failed = true
        let text = try select(lines, c, format: .csv).text
        let rows = ids(text)
        #expect(rows[0] == "messageId,timestamp,sessionId,skillType,requestType,intent,locale,latencyMs,outcome,errorType,errorMessage,errorFrame,friction,lambdaRequestId,src")
        #expect(rows.count == 2)
        // Every text cell that starts with = + - @ is neutralized with a leading quote.
        #expect(rows[1].hasPrefix("\"'=HYPERLINK(\"\"http://x\"\")\",2026-01-01T00:00:00.000Z,S1,custom,IntentRequest,'+Evil,en-US,5000,error,'@SUM(A1),"))
        #expect(rows[1].hasSuffix(",in:1"))
    }

    @Test func jsonDocument() throws {
        var c = IDCriteria(); c.failed = true; c.slowPercentile = 90
        let text = try select(Self.tenTurns, c, format: .json).text
        let doc = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
        #expect(doc["schema"] as? String == "sklog.ids/1")
        #expect(doc["ids"] as? [String] == ["t4", "t7", "t9", "t10"])
        #expect(doc["count"] as? Int == 4)
        let crit = doc["criteria"] as! [String: Any]
        #expect(crit["combine"] as? String == "any")
        #expect(crit["slowPercentileThresholdMs"] as? Int == 900)
        let recs = doc["records"] as! [[String: Any]]
        #expect(recs[0]["selectedBy"] as? [String] == ["failed"])
        #expect(recs[2]["selectedBy"] as? [String] == ["slow"])
        #expect(recs[3]["latencyMs"] as? Int == 1000)
        #expect(doc["accounting"] is [String: Any])
    }

    @Test func slowParsing() {
        #expect(IDCriteria.parseSlow("3000")?.ms == 3000)
        #expect(IDCriteria.parseSlow("3s")?.ms == 3000)
        #expect(IDCriteria.parseSlow("p90")?.percentile == 90)
        #expect(IDCriteria.parseSlow("P99.9")?.percentile == 99.9)
        #expect(IDCriteria.parseSlow("p0") == nil)
        #expect(IDCriteria.parseSlow("p101") == nil)
        #expect(IDCriteria.parseSlow("fast") == nil)
    }
}

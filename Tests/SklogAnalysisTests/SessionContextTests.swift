import Testing
import SklogAnalysis
import SklogRecords

@Suite struct SessionContextTests {
    func run(_ lines: [String], selected: Set<String>, idle: Int64 = 600_000) -> [String] {
        var out: [String] = []
        let sel = SessionContextSelector(idleTimeoutMs: idle) { out.append($0.string($0.messageId)!) }
        for l in lines {
            let r = TR.record(l)
            try! sel.add(r, selected: selected.contains(r.string(r.messageId)!))
        }
        try! sel.finish()
        return out
    }

    @Test func wholeSessionsAroundMatchesInTimeOrder() {
        let lines = [
            TR.launch(0, "a1", sid: "A"),
            TR.launch(10, "b1", sid: "B"),
            TR.line(15, "x1", sid: nil, type: "Alexa.Discovery.Discover"),
            TR.intent(20, "a2", "X", sid: "A"),
            TR.intent(30, "b2", "Y", sid: "B"),
            TR.line(35, "x2", sid: nil, type: "Alexa.Discovery.Discover"),
            TR.intent(40, "a3", "Z", sid: "A", "\"endSession\":true"),
            TR.ended(50, "b3", "USER_INITIATED", sid: "B"),
        ]
        #expect(run(lines, selected: ["b2"]) == ["b1", "b2", "b3"])
        #expect(run(lines, selected: ["a3", "x2"]) == ["a1", "a2", "x2", "a3"])
        #expect(run(lines, selected: ["a2", "b3", "x1"]) == ["a1", "b1", "x1", "a2", "b2", "a3", "b3"])
        #expect(run(lines, selected: []) == [])
    }

    @Test func sameBoundariesAsSessionizer() {
        // After endSession:true a record with the same sessionId is another session.
        let lines = [TR.launch(0, "a1", sid: "A", "\"endSession\":true"), TR.launch(10, "a2", sid: "A"), TR.intent(20, "a3", "X", sid: "A")]
        #expect(run(lines, selected: ["a3"]) == ["a2", "a3"])
        // Idle timeout: more than the timeout apart is another session; exactly the timeout is not.
        #expect(run([TR.launch(0, "a1", sid: "A"), TR.intent(1001, "a2", "X", sid: "A")], selected: ["a2"], idle: 1000) == ["a2"])
        #expect(run([TR.launch(0, "a1", sid: "A"), TR.intent(1000, "a2", "X", sid: "A")], selected: ["a2"], idle: 1000) == ["a1", "a2"])
    }
}

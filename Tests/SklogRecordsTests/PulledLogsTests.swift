import Foundation
import Testing
@testable import SklogRecords

/// Checks the four records of `PulledFixture` against the values worked out by hand there.
func checkPulledFixture(_ r: RawRun, srcP1: String? = nil, srcP3: String? = nil, sourceLabel: Comment) throws {
    #expect(r.rejectedTotal == 0, sourceLabel)
    #expect(r.records.count == 4, sourceLabel)
    let p1 = try #require(r.record("P1"), sourceLabel), p2 = try #require(r.record("P2"), sourceLabel)
    let p3 = try #require(r.record("P3"), sourceLabel), p4 = try #require(r.record("P4"), sourceLabel)
    #expect(p1["ts"] as? String == "2026-11-24T10:00:00.100Z", sourceLabel)  // START's time, not the envelope line's
    #expect(p1["latencyMs"] as? Int == 413, sourceLabel)                      // REPORT 412.60 ms
    #expect(p1["latencySource"] as? String == "lambda", sourceLabel)
    #expect(p1["outcome"] as? String == "success", sourceLabel)
    #expect(p1["errorType"] == nil, sourceLabel)
    #expect(jsonEqual(p1["slots"], ["planet": "mars"]), sourceLabel)
    #expect(p1["lambdaRequestId"] as? String == "11111111-1111-4111-8111-111111111111", sourceLabel)
    #expect(p2["ts"] as? String == "2026-11-24T10:00:02.000Z", sourceLabel)
    #expect(p2["errorType"] as? String == "NoHandler", sourceLabel)
    #expect(p2["outcome"] as? String == "error", sourceLabel)
    #expect(p2["latencyMs"] as? Int == 20, sourceLabel)
    #expect(p3["ts"] as? String == "2026-11-24T10:00:05.300Z", sourceLabel)
    #expect(p3["latencyMs"] as? Int == 397, sourceLabel)                      // 95.12 + 301.40 (cold start)
    #expect(p3["outcome"] as? String == "success", sourceLabel)
    #expect(p3["reprompt"] as? Bool == true, sourceLabel)
    #expect(p3["sessionId"] as? String == "amzn1.echo-api.session.S3", sourceLabel)
    #expect(p3["errorType"] == nil, sourceLabel)
    #expect(p4["ts"] as? String == "2026-11-24T10:00:05.310Z", sourceLabel)
    #expect(p4["requestType"] as? String == "SessionEndedRequest", sourceLabel)
    #expect(p4["reason"] as? String == "USER_INITIATED", sourceLabel)
    #expect(p4["outcome"] == nil, sourceLabel)
    #expect(p4["errorType"] == nil, sourceLabel)
    #expect(p4["latencyMs"] as? Int == 3, sourceLabel)
    // One in four unhandled, not all.
    #expect(r.records.filter { $0["errorType"] as? String == "NoHandler" }.count == 1, sourceLabel)
    if let s = srcP1 { #expect(p1["src"] as? String == s, sourceLabel) }
    if let s = srcP3 { #expect(p3["src"] as? String == s, sourceLabel) }
}

@Suite struct PulledLogsTests {
    @Test func awsLogsTail() throws {
        let text = PulledFixture.tail()
        #expect(text.hasPrefix("2026-11-24T10:00:00.100000+00:00 2026/11/24/[$LATEST]0f1e"))
        let r = try RawRun.text(text)
        // Lines: START 1 … REPORT 5, START 6, the two-line error 8-9, …, INIT_START 13, START 14.
        try checkPulledFixture(r, srcP1: "in1.log:1", srcP3: "in1.log:14", sourceLabel: "aws logs tail")
        // Forced, the same.
        try checkPulledFixture(try RawRun.text(text, format: .cloudwatchTail), sourceLabel: "--input-format cloudwatch-tail")
    }

    @Test func awsLogsTailWholeSecondsAndOneStreamsPrint() throws {
        // isoformat() drops the fraction on a whole second: `2026-11-24T10:00:00+00:00`. A line
        // without a request id (a Python print) goes to the invocation open in its own stream.
        let a = PulledFixture.streamA, b = PulledFixture.streamB
        let log = """
        2026-11-24T10:00:00+00:00 \(a) START RequestId: aaaa-1 Version: $LATEST
        2026-11-24T10:00:00.001000+00:00 \(b) START RequestId: bbbb-2 Version: $LATEST
        2026-11-24T10:00:00.002000+00:00 \(a) \(env("T1", "LaunchRequest"))
        2026-11-24T10:00:00.003000+00:00 \(b) \(env("T2", "LaunchRequest"))
        2026-11-24T10:00:00.050000+00:00 \(b) END RequestId: bbbb-2
        2026-11-24T10:00:00.050000+00:00 \(b) REPORT RequestId: bbbb-2\tDuration: 40.00 ms\tBilled Duration: 40 ms
        2026-11-24T10:00:00.060000+00:00 \(a) END RequestId: aaaa-1
        2026-11-24T10:00:00.060000+00:00 \(a) REPORT RequestId: aaaa-1\tDuration: 55.00 ms\tBilled Duration: 55 ms
        """
        let r = try RawRun.text(log)
        #expect(r.rejectedTotal == 0)
        let t1 = try #require(r.record("T1")), t2 = try #require(r.record("T2"))
        #expect(t1["ts"] as? String == "2026-11-24T10:00:00.000Z")
        #expect(t1["lambdaRequestId"] as? String == "aaaa-1")
        #expect(t1["latencyMs"] as? Int == 55)
        #expect(t2["lambdaRequestId"] as? String == "bbbb-2")
        #expect(t2["latencyMs"] as? Int == 40)
    }
}

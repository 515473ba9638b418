import Foundation
import Testing
@testable import SklogRecords

// A duplicate whose request differs from the record kept is counted and named in the summary.

@Suite struct DuplicateContentTests {
    /// One Lambda invocation in the Node.js text format, logging the request as an ASK SDK
    /// request interceptor does and the response as a response interceptor does.
    private func invocation(_ id: String, at t: String, type: String, intent: String? = nil) -> String {
        let i = intent.map { #","intent":{"name":"\#($0)","confirmationStatus":"NONE"}"# } ?? ""
        let env = #"{"version":"1.0","session":{"new":true,"sessionId":"amzn1.echo-api.session.0000","application":{"applicationId":"amzn1.ask.skill.0000"},"user":{"userId":"amzn1.ask.account.TEST"}},"request":{"type":"\#(type)","requestId":"amzn1.echo-api.request.1234","locale":"en-US","timestamp":"2026-11-24T10:00:00Z"\#(i)}}"#
        return """
        START RequestId: \(id) Version: $LATEST
        2026-11-24T\(t)Z\t\(id)\tINFO\tREQUEST ENVELOPE: \(env)
        2026-11-24T\(t)Z\t\(id)\tINFO\tRESPONSE: {"outputSpeech":{"type":"SSML","ssml":"<speak>Hi</speak>"},"shouldEndSession":false}
        END RequestId: \(id)
        REPORT RequestId: \(id)\tDuration: 10.00 ms\tBilled Duration: 10 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB
        """
    }

    @Test func consoleTestEventsReusingOneRequestId() throws {
        // The Lambda console's saved Alexa test events keep their template's requestId when the
        // developer edits the request: four tests, one ID. Each invocation is 5 lines.
        let log = [
            invocation("t1", at: "10:00:00.000", type: "LaunchRequest"),                            // lines 1-5, kept
            invocation("t2", at: "10:00:10.000", type: "IntentRequest", intent: "GetNewFactIntent"), // 6-10, differs
            invocation("t3", at: "10:00:20.000", type: "IntentRequest", intent: "AMAZON.HelpIntent"),// 11-15, differs
            invocation("t4", at: "10:00:30.000", type: "LaunchRequest"),                            // 16-20, the same
        ].joined(separator: "\n")
        let r = try RawRun.text(log)
        #expect(r.records.count == 1)
        #expect(r.records[0]["requestType"] as? String == "LaunchRequest")
        #expect(r.accounting.duplicates == 3)
        #expect(r.accounting.duplicatesDiffering == 2)
        let first = try #require(r.accounting.firstDifferingDuplicate)
        #expect(first.hasPrefix("amzn1.echo-api.request.1234 at ") && first.hasSuffix("in1.log:6"))
        #expect(r.accounting.summaryLine.contains("3 duplicates (2 with a request different from the record kept, first: amzn1.echo-api.request.1234 at "))
    }

    @Test func canonicalDuplicatesThatAgreeAreNotFlagged() throws {
        // A record delivered twice (at-least-once log delivery) and once more with another
        // latency and outcome (a retry) is the same request; another slot value is not.
        let a = #"{"ts":"2026-11-24T10:00:00.000Z","messageId":"M1","sessionId":"S","requestType":"IntentRequest","intent":"PlayIntent","slots":{"song":"yesterday"},"latencyMs":100,"outcome":"success"}"#
        let retry = #"{"ts":"2026-11-24T10:00:02.000Z","messageId":"M1","sessionId":"S","requestType":"IntentRequest","intent":"PlayIntent","slots":{"song":"yesterday"},"latencyMs":900,"outcome":"error"}"#
        let other = #"{"ts":"2026-11-24T10:00:03.000Z","messageId":"M1","sessionId":"S","requestType":"IntentRequest","intent":"PlayIntent","slots":{"song":"help"},"src":"console.ndjson:7"}"#
        let r = try RawRun.text([a, a, retry, other].joined(separator: "\n"))
        #expect(r.records.count == 1)
        #expect(r.accounting.duplicates == 3)
        #expect(r.accounting.duplicatesDiffering == 1)
        #expect(r.accounting.firstDifferingDuplicate == "M1 at console.ndjson:7")  // the record's own src
        #expect(r.accounting.json.contains(#""duplicatesDiffering":1,"firstDifferingDuplicate":"M1 at console.ndjson:7""#))
    }

    @Test func noDifferingDuplicatesLeaveTheSummaryAsItWas() throws {
        let a = #"{"ts":"2026-11-24T10:00:00.000Z","messageId":"M1"}"#
        let r = try RawRun.text([a, a].joined(separator: "\n"))
        #expect(r.accounting.duplicates == 1 && r.accounting.duplicatesDiffering == 0)
        #expect(r.accounting.summaryLine.hasSuffix("1 duplicates, 0 late"))
        #expect(!r.accounting.json.contains("Differing"))
    }
}

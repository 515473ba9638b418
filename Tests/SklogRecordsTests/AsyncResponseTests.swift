import Foundation
import Testing
@testable import SklogRecords

// Smart home answers sent asynchronously to the Alexa event gateway, logged after the directive's
// invocation. Messages written from the Alexa smart home docs: "Alexa.PowerController Interface"
// (TurnOn/TurnOff directive, asynchronous Alexa.Response with context), "Alexa.DeferredResponse"
// and "Alexa.ErrorResponse" (ENDPOINT_UNREACHABLE), "Send Events to the Alexa Event Gateway".

private func directive(_ name: String, _ msg: String, _ token: String, _ endpoint: String) -> String {
    #"{"directive":{"header":{"namespace":"Alexa.PowerController","name":"\#(name)","messageId":"\#(msg)","correlationToken":"\#(token)","payloadVersion":"3"},"endpoint":{"scope":{"type":"BearerToken","token":"access-token-from-skill"},"endpointId":"\#(endpoint)","cookie":{}},"payload":{}}}"#
}

private func deferred(_ token: String) -> String {
    #"{"event":{"header":{"namespace":"Alexa","name":"DeferredResponse","messageId":"D-\#(token)","correlationToken":"\#(token)","payloadVersion":"3"},"payload":{"estimatedDeferralInSeconds":7}}}"#
}

private func asyncResponse(_ token: String, _ endpoint: String, power: String) -> String {
    #"{"event":{"header":{"namespace":"Alexa","name":"Response","messageId":"A-\#(token)","correlationToken":"\#(token)","payloadVersion":"3"},"endpoint":{"scope":{"type":"BearerToken","token":"access-token-from-Amazon"},"endpointId":"\#(endpoint)"},"payload":{}},"context":{"properties":[{"namespace":"Alexa.PowerController","name":"powerState","value":"\#(power)","timeOfSample":"2026-11-24T10:00:02.30Z","uncertaintyInMilliseconds":500}]}}"#
}

private func errorResponse(_ token: String, _ endpoint: String) -> String {
    #"{"event":{"header":{"namespace":"Alexa","name":"ErrorResponse","messageId":"E-\#(token)","correlationToken":"\#(token)","payloadVersion":"3"},"endpoint":{"scope":{"type":"BearerToken","token":"access-token-from-Amazon"},"endpointId":"\#(endpoint)"},"payload":{"type":"ENDPOINT_UNREACHABLE","message":"Unable to reach endpoint \#(endpoint) because it appears to be offline"}}}"#
}

private func inv(_ id: String, _ lines: [(String, String)], duration: String) -> String {
    (["START RequestId: \(id) Version: $LATEST"]
        + lines.map { "2026-11-24T\($0.0)Z\t\(id)\tINFO\t\($0.1)" }
        + ["END RequestId: \(id)", "REPORT RequestId: \(id)\tDuration: \(duration) ms\tBilled Duration: 100 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB"])
        .joined(separator: "\n")
}

@Suite struct AsyncResponseTests {
    @Test func answersFromLaterInvocationsPairByCorrelationToken() throws {
        let log = [
            // TurnOn answered with a DeferredResponse; the device cloud answers later.
            inv("d1", [("10:00:00.000", "Directive: " + directive("TurnOn", "M-1", "CT-1", "lamp-1")),
                       ("10:00:00.110", "Response: " + deferred("CT-1"))], duration: "120.00"),
            // TurnOff: nothing returned yet.
            inv("d2", [("10:00:00.500", "Directive: " + directive("TurnOff", "M-2", "CT-2", "lamp-2"))], duration: "30.00"),
            // Device callbacks: the asynchronous events sent to the event gateway.
            inv("d3", [("10:00:02.350", "Sending to event gateway: " + asyncResponse("CT-1", "lamp-1", power: "ON"))], duration: "80.00"),
            inv("d4", [("10:00:03.100", "Sending to event gateway: " + errorResponse("CT-2", "lamp-2"))], duration: "70.00"),
            // Never answered, in a skill that logs its answers.
            inv("d5", [("10:00:04.000", "Directive: " + directive("TurnOn", "M-3", "CT-3", "lamp-3"))], duration: "15.00"),
            // An answer to nothing this input holds.
            inv("d6", [("10:00:05.000", "Sending to event gateway: " + asyncResponse("CT-9", "lamp-9", power: "OFF"))], duration: "60.00"),
        ].joined(separator: "\n")
        let r = try RawRun.text(log)
        #expect(r.records.count == 3)
        let m1 = try #require(r.record("M-1")), m2 = try #require(r.record("M-2")), m3 = try #require(r.record("M-3"))
        #expect(m1["outcome"] as? String == "success")
        #expect(m1["latencyMs"] as? Int == 2350 && m1["latencySource"] as? String == "log")  // 02.350 − 00.000
        #expect(m1["lambdaRequestId"] as? String == "d1")
        #expect(m2["outcome"] as? String == "error" && m2["errorType"] as? String == "ENDPOINT_UNREACHABLE")
        #expect(m2["latencyMs"] as? Int == 2600)  // 03.100 − 00.500
        #expect(m3["outcome"] as? String == "error" && m3["errorType"] as? String == "MissingResponse")
        #expect(m3["latencyMs"] as? Int == 15 && m3["latencySource"] as? String == "lambda")
        #expect(r.rejected == ["invocation without envelope": 1])  // d6 only
        #expect(r.records.map { $0["messageId"] as! String } == ["M-1", "M-2", "M-3"])
    }

    @Test func deferredThenAnsweredInTheSameInvocation() throws {
        let log = inv("s1", [("10:00:00.000", "Directive: " + directive("TurnOn", "M-S", "CT-S", "plug-1")),
                             ("10:00:00.050", "Response: " + deferred("CT-S")),
                             ("10:00:01.250", "Event: " + errorResponse("CT-S", "plug-1"))], duration: "1300.00")
        let x = try #require(try RawRun.text(log).record("M-S"))
        #expect(x["outcome"] as? String == "error" && x["errorType"] as? String == "ENDPOINT_UNREACHABLE")
        #expect(x["latencyMs"] as? Int == 1300)  // in its own invocation: Lambda's duration
    }

    @Test func answerAfterTheWindowDoesNotPair() throws {
        // 30 s of record time is the window: the answer 45 s later finds nothing waiting. The
        // directive then has only a DeferredResponse: a valid answer, so success.
        let log = [
            inv("w1", [("10:00:00.000", "Directive: " + directive("TurnOn", "M-W", "CT-W", "lamp-1")),
                       ("10:00:00.020", "Response: " + deferred("CT-W"))], duration: "25.00"),
            inv("w2", [("10:00:45.000", "Event: " + errorResponse("CT-W", "lamp-1"))], duration: "10.00"),
        ].joined(separator: "\n")
        let r = try RawRun.text(log)
        let x = try #require(r.record("M-W"))
        #expect(x["outcome"] as? String == "success" && x["latencyMs"] as? Int == 25)
        #expect(r.rejected == ["invocation without envelope": 1])
    }

    @Test func manyUnansweredDirectivesAreAllEmitted() throws {
        // 5,000 directives 1 ms apart, none answered but the first: more than the 4,096 that
        // may wait at once. Every one still becomes a record (the oldest stop waiting first).
        var parts = [inv("z0", [("10:00:00.000", "Directive: " + directive("TurnOn", "Z-0", "CZ-0", "e")),
                               ("10:00:00.000", "Response: " + asyncResponse("CZ-0", "e", power: "ON"))], duration: "5.00")]
        for k in 1..<5000 {
            let t = String(format: "10:00:%02d.%03d", k / 1000, k % 1000)
            parts.append(inv("z\(k)", [(t, "Directive: " + directive("TurnOn", "Z-\(k)", "CZ-\(k)", "e"))], duration: "5.00"))
        }
        let r = try RawRun.text(parts.joined(separator: "\n"))
        #expect(r.records.count == 5000 && r.rejectedTotal == 0)
        #expect(r.records.filter { $0["errorType"] as? String == "MissingResponse" }.count == 4999)
        #expect(r.accounting.late == 0)
    }

    @Test func tableStaysBounded() {
        let t = AsyncResponseTable<Int>(capacity: 3)
        var out: [Int] = []
        for k in 0..<5 { out += t.add(token: "T\(k)", ts: Int64(k) * 1000, k) }
        #expect(out == [0, 1])            // the oldest leave when a fourth and fifth wait
        #expect(t.take("T0") == nil && t.take("T3") == 3)
        #expect(t.add(token: "T4", ts: 9000, 44) == [4])  // the same token again: the older leaves
        #expect(t.expire(before: 2500) == [2])            // T2 (2000) expired; T4 (9000) stays
        #expect(t.drain() == [44] && t.isEmpty)
    }
}

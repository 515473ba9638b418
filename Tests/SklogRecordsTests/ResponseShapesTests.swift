import Foundation
import Testing
@testable import SklogRecords

// Responses and their absence, in the shapes real skills log them. Fixtures written from the
// published documents named at each one; expected values worked out by hand.

private let helloSkill = "amzn1.ask.skill.00000000-0000-0000-0000-00000000he11"
private let loggingSkill = "amzn1.ask.skill.00000000-0000-0000-0000-0000000010gs"

/// A request envelope as Alexa sends it (Request and Response JSON Reference).
private func envelope(_ rid: String, _ type: String, skill: String = helloSkill, intent: String? = nil, slots: String = "{}",
                      session: String = "amzn1.echo-api.session.H1") -> String {
    let i = intent.map { #","intent":{"name":"\#($0)","confirmationStatus":"NONE","slots":\#(slots)}"# } ?? ""
    return #"{"version":"1.0","session":{"new":false,"sessionId":"\#(session)","application":{"applicationId":"\#(skill)"},"attributes":{},"user":{"userId":"amzn1.ask.account.HU1"}},"context":{"System":{"application":{"applicationId":"\#(skill)"},"user":{"userId":"amzn1.ask.account.HU1"},"device":{"deviceId":"amzn1.ask.device.HD1","supportedInterfaces":{}},"apiEndpoint":"https://api.amazonalexa.com","apiAccessToken":"API-TOKEN"}},"request":{"type":"\#(type)","requestId":"\#(rid)","timestamp":"2026-11-24T10:00:00Z","locale":"en-US"\#(i)}}"#
}

private func report(_ id: String, _ duration: String, initDuration: String? = nil) -> String {
    "REPORT RequestId: \(id)\tDuration: \(duration) ms\tBilled Duration: 200 ms\tMemory Size: 128 MB\tMax Memory Used: 74 MB"
        + (initDuration.map { "\tInit Duration: \($0) ms" } ?? "")
}

/// One invocation in the AWS Lambda Node.js docs' logging example
/// (docs.aws.amazon.com/lambda/latest/dg/nodejs-logging.html): `console.info("EVENT\n" +
/// JSON.stringify(event, null, 2))`, and no response logged.
private func eventOnly(_ id: String, at t: String, _ env: String, duration: String = "12.50", initDuration: String? = nil, extra: String = "") -> String {
    """
    START RequestId: \(id) Version: $LATEST
    2026-11-24T\(t)Z\t\(id)\tINFO\tEVENT
    \(pretty(env))
    \(extra)END RequestId: \(id)
    \(report(id, duration, initDuration: initDuration))
    """
}

@Suite struct MissingResponseRuleTests {
    @Test func skillThatNeverLogsResponses() throws {
        // The AWS docs' example handler logs the event and returns; nothing else is logged.
        let log = [
            eventOnly("a1", at: "10:00:00.100", envelope("R-L", "LaunchRequest"), duration: "170.19", initDuration: "10.83"),
            eventOnly("a2", at: "10:00:05.000", envelope("R-H", "IntentRequest", intent: "HelloWorldIntent")),
            eventOnly("a3", at: "10:00:09.000", envelope("R-E", "IntentRequest", intent: "HelloWorldIntent"),
                      extra: "2026-11-24T10:00:09.004Z\ta3\tERROR\tInvoke Error \t{\"errorType\":\"TypeError\",\"errorMessage\":\"Cannot read properties of undefined\",\"stack\":[]}\n"),
            """
            START RequestId: a4 Version: $LATEST
            2026-11-24T10:00:20.000Z\ta4\tINFO\tEVENT
            \(pretty(envelope("R-T", "IntentRequest", intent: "HelloWorldIntent")))
            END RequestId: a4
            \(report("a4", "3003.17"))
            2026-11-24T10:00:23.004Z a4 Task timed out after 3.00 seconds
            """,
            eventOnly("a5", at: "10:00:30.000", envelope("R-S", "SessionEndedRequest")),
        ].joined(separator: "\n")
        let r = try RawRun.text(log)
        #expect(r.rejectedTotal == 0)
        #expect(r.records.count == 5)
        let l = try #require(r.record("R-L")), h = try #require(r.record("R-H"))
        #expect(l["outcome"] as? String == "success" && l["errorType"] == nil)
        #expect(l["latencyMs"] as? Int == 181)  // 170.19 + 10.83 = 181.02
        #expect(h["outcome"] as? String == "success")
        #expect(h["latencyMs"] as? Int == 13)   // 12.50, half up
        #expect(h["speechMs"] == nil && h["endSession"] == nil)  // no response: nothing about it
        let e = try #require(r.record("R-E")), t = try #require(r.record("R-T")), s = try #require(r.record("R-S"))
        #expect(e["outcome"] as? String == "error" && e["errorType"] as? String == "TypeError")
        #expect(t["outcome"] as? String == "no_response" && t["errorType"] as? String == "ENDPOINT_TIMEOUT")
        #expect(s["outcome"] == nil)  // an event: no answer is expected
        #expect(r.accounting.outcomesFromErrorsAlone == 2)
        #expect(r.accounting.summaryLine.hasSuffix("; 2 outcomes from errors alone (the skill logs no responses)"))
    }

    @Test func skillThatLogsResponsesInALaterInvocation() throws {
        // Skill L logs responses (a response interceptor), but its first invocation lost it;
        // skill H in the same log group never logs any. The record missing a response comes
        // before the invocation that shows L logs them.
        let log = [
            eventOnly("b1", at: "10:00:00.000", envelope("R-L1", "LaunchRequest", skill: loggingSkill, session: "SL")),
            eventOnly("b2", at: "10:00:01.000", envelope("R-H1", "LaunchRequest", session: "SH")),
            """
            START RequestId: b3 Version: $LATEST
            2026-11-24T10:00:02.000Z\tb3\tINFO\tEVENT
            \(pretty(envelope("R-L2", "IntentRequest", skill: loggingSkill, intent: "AMAZON.HelpIntent", session: "SL")))
            2026-11-24T10:00:02.040Z\tb3\tINFO\tResponse: {"outputSpeech":{"type":"SSML","ssml":"<speak>Ask me anything.</speak>"},"shouldEndSession":false}
            END RequestId: b3
            \(report("b3", "41.00"))
            """,
            eventOnly("b4", at: "10:00:03.000", envelope("R-L3", "IntentRequest", skill: loggingSkill, intent: "AMAZON.StopIntent", session: "SL")),
        ].joined(separator: "\n")
        let r = try RawRun.text(log)
        #expect(r.records.count == 4)
        let l1 = try #require(r.record("R-L1")), l2 = try #require(r.record("R-L2")), l3 = try #require(r.record("R-L3"))
        let h1 = try #require(r.record("R-H1"))
        #expect(l1["outcome"] as? String == "error" && l1["errorType"] as? String == "MissingResponse")
        #expect(l2["outcome"] as? String == "success" && l2["speechMs"] as? Int == 1154)  // 3 words / 2.6 = 1153.8
        #expect(l3["outcome"] as? String == "error" && l3["errorType"] as? String == "MissingResponse")
        #expect(h1["outcome"] as? String == "success" && h1["errorType"] == nil)
        #expect(r.accounting.outcomesFromErrorsAlone == 1)
        // Released in time order despite the wait for the decision.
        #expect(r.records.map { $0["messageId"] as! String } == ["R-L1", "R-H1", "R-L2", "R-L3"])
    }

    @Test func decisionAfterThirtyTwoRecordsThenTheSkillStartsLogging() throws {
        // 33 invocations without a response (0.1 s apart): after 32 the skill is taken to log
        // none. Then a deploy adds a response interceptor: from its first response on, a missing
        // response is a failure again.
        var parts: [String] = []
        for k in 0..<33 {
            let t = String(format: "10:00:%02d.%03d", k / 10, (k % 10) * 100)
            parts.append(eventOnly("c\(k)", at: t, envelope("R-C\(k)", "IntentRequest", intent: "HelloWorldIntent")))
        }
        parts.append("""
        START RequestId: c33 Version: $LATEST
        2026-11-24T10:00:04.000Z\tc33\tINFO\tEVENT
        \(pretty(envelope("R-C33", "IntentRequest", intent: "HelloWorldIntent")))
        2026-11-24T10:00:04.010Z\tc33\tINFO\tResponse: {"outputSpeech":{"type":"SSML","ssml":"<speak>Hello World!</speak>"},"shouldEndSession":true}
        END RequestId: c33
        \(report("c33", "11.00"))
        """)
        parts.append(eventOnly("c34", at: "10:00:05.000", envelope("R-C34", "IntentRequest", intent: "HelloWorldIntent")))
        let r = try RawRun.text(parts.joined(separator: "\n"))
        #expect(r.records.count == 35)
        let outcomes = r.records.map { ($0["messageId"] as! String, $0["outcome"] as? String, $0["errorType"] as? String) }
        #expect(outcomes.filter { $0.1 == "success" && $0.2 == nil }.count == 34)
        #expect(r.record("R-C34")?["errorType"] as? String == "MissingResponse")
        #expect(r.accounting.outcomesFromErrorsAlone == 33)
    }
}

@Suite struct CanFulfillAndDispatcherTests {
    // The CanFulfillIntentRequest and its response as the Alexa docs show them ("Implement
    // CanFulfillIntentRequest for Name-free Interaction", request and response examples).
    let cfir = #"{"version":"1.0","session":{"new":true,"sessionId":"amzn1.echo-api.session.CF1","application":{"applicationId":"amzn1.ask.skill.00000000-0000-0000-0000-0000000010gs"},"attributes":{},"user":{"userId":"amzn1.ask.account.CFU"}},"request":{"type":"CanFulfillIntentRequest","requestId":"EdwRequestId.CF-1","intent":{"name":"FavoriteColorIntent","slots":{"Color":{"name":"Color","value":"blue"}}},"locale":"en-US","timestamp":"2026-11-24T10:00:00Z"},"context":{"System":{"application":{"applicationId":"amzn1.ask.skill.00000000-0000-0000-0000-0000000010gs"},"user":{"userId":"amzn1.ask.account.CFU"},"device":{"supportedInterfaces":{}}}}}"#
    let cfResponse = #"{"canFulfillIntent":{"canFulfill":"YES","slots":{"Color":{"canUnderstand":"YES","canFulfill":"YES"}}}}"#

    @Test func canFulfillResponseBareAndInItsEnvelope() throws {
        // An ASK SDK response interceptor logs the Response object (the bare form); the
        // Lambda's return value is the whole response envelope.
        let second = cfir.replacingOccurrences(of: "EdwRequestId.CF-1", with: "EdwRequestId.CF-2")
        let third = cfir.replacingOccurrences(of: "EdwRequestId.CF-1", with: "EdwRequestId.CF-3")
        let log = """
        START RequestId: cf1 Version: $LATEST
        2026-11-24T10:00:00.100Z\tcf1\tINFO\tREQUEST ENVELOPE: \(cfir)
        2026-11-24T10:00:00.130Z\tcf1\tINFO\tRESPONSE: \(cfResponse)
        END RequestId: cf1
        \(report("cf1", "30.40"))
        START RequestId: cf2 Version: $LATEST
        2026-11-24T10:00:01.100Z\tcf2\tINFO\tREQUEST ENVELOPE: \(second)
        2026-11-24T10:00:01.120Z\tcf2\tINFO\tRESPONSE: {"version":"1.0","response":\(cfResponse)}
        END RequestId: cf2
        \(report("cf2", "20.60"))
        START RequestId: cf3 Version: $LATEST
        2026-11-24T10:00:02.100Z\tcf3\tINFO\tREQUEST ENVELOPE: \(third)
        END RequestId: cf3
        \(report("cf3", "5.00"))
        """
        let r = try RawRun.text(log)
        #expect(r.rejectedTotal == 0)
        let a = try #require(r.record("EdwRequestId.CF-1")), b = try #require(r.record("EdwRequestId.CF-2"))
        for x in [a, b] {
            #expect(x["requestType"] as? String == "CanFulfillIntentRequest")
            #expect(x["intent"] as? String == "FavoriteColorIntent")
            #expect(jsonEqual(x["slots"], ["Color": "blue"]))
            #expect(x["outcome"] as? String == "success")
            #expect(x["errorType"] == nil)
            #expect(x["speechMs"] as? Int == 0)  // nothing is spoken
        }
        #expect(a["latencyMs"] as? Int == 30 && b["latencyMs"] as? Int == 21)
        // The skill logs its responses, so the third one's is missing.
        #expect(r.record("EdwRequestId.CF-3")?["errorType"] as? String == "MissingResponse")
    }

    @Test func askCliTemplateDispatcherErrorIsNoHandler() throws {
        // The ask-cli hello-world template's ErrorHandler logs `~~~~ Error handled:
        // ${JSON.stringify(error)}`; an Error's message is not enumerable, so only the name of
        // the dispatcher's error is left. Its request interceptor variant logs the envelope as
        // `Incoming request: …`. The error handler's answer is a valid response.
        let log = """
        START RequestId: nh1 Version: $LATEST
        2026-11-24T10:00:00.000Z\tnh1\tINFO\tIncoming request: \(envelope("R-NH", "IntentRequest", intent: "PlanetIntent"))
        2026-11-24T10:00:00.007Z\tnh1\tINFO\t~~~~ Error handled: {"name":"AskSdk.GenericRequestDispatcher Error"}
        END RequestId: nh1
        \(report("nh1", "7.49"))
        START RequestId: nh2 Version: $LATEST
        2026-11-24T10:00:10.000Z\tnh2\tINFO\tIncoming request: \(envelope("R-OK", "IntentRequest", intent: "HelloWorldIntent"))
        END RequestId: nh2
        \(report("nh2", "3.00"))
        """
        let r = try RawRun.text(log)
        let x = try #require(r.record("R-NH"))
        #expect(x["errorType"] as? String == "NoHandler")
        #expect(x["outcome"] as? String == "success")  // the template logs no responses
        #expect(x["latencyMs"] as? Int == 7)
        #expect(r.record("R-OK")?["errorType"] == nil)
    }
}

@Suite struct SpeechBreakLimitTests {
    @Test func breaksAreAtMostTenSeconds() {
        // Alexa's SSML reference: a break lasts "up to 10 seconds"; the fuzzer found that a
        // longer one overflowed the estimate.
        #expect(SpeechTime.estimateMs(ssmlOrText: #"<speak><break time="100000000000000000s"/></speak>"#) == 10_000)
        #expect(SpeechTime.estimateMs(ssmlOrText: #"<speak>Hi <break time="12s"/></speak>"#) == 10_385)  // 1 word = 384.6
        #expect(SpeechTime.estimateMs(ssmlOrText: #"<speak><break time="-3s"/><break time="nan ms"/></speak>"#) == 0)
        #expect(SpeechTime.estimateMs(ssmlOrText: #"<speak><break time="2500ms"/></speak>"#) == 2_500)
    }
}

@Suite struct HugeNumberTests {
    @Test func numbersAnInt64CannotHoldAreNotNumbers() throws {
        // Int64(1e300) traps: the CSV, pattern and subscription readers now skip such values.
        #expect(RecordParser.rounded(1e300) == nil && RecordParser.rounded(-.infinity) == nil && RecordParser.rounded(.nan) == nil)
        #expect(RecordParser.rounded(2.5) == 3 && RecordParser.rounded(-2.5) == -3)
        let r = try RawRun.text("ts,messageId,latencyMs\n2026-11-24T10:00:00Z,M1,1e300\n2026-11-24T10:00:01Z,M2,12.5\n")
        #expect(r.record("M1")?["latencyMs"] as? Int == nil)  // kept as the text it was, like any non-number
        #expect(r.record("M2")?["latencyMs"] as? Int == 13)
    }
}

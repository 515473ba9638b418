import Foundation
import Testing
@testable import SklogRecords

// Small hand-written logs in the real shapes (research/alexa-domain.md 5-7), with the canonical
// field values expected from them worked out by hand.

let skill = "amzn1.ask.skill.11111111-2222-3333-4444-555555555555"

func env(_ rid: String, _ type: String, session: String? = "amzn1.echo-api.session.S1", user: String = "amzn1.ask.account.U1",
         extra: String = "") -> String {
    let sess = session.map { #""session":{"new":false,"sessionId":"\#($0)","application":{"applicationId":"\#(skill)"},"user":{"userId":"\#(user)","accessToken":"Atza|TOKEN-SESSION"}},"# } ?? ""
    return #"{"version":"1.0",\#(sess)"context":{"System":{"application":{"applicationId":"\#(skill)"},"user":{"userId":"\#(user)","permissions":{"consentToken":"CONSENT-TOKEN"}},"device":{"deviceId":"amzn1.ask.device.D1"},"apiAccessToken":"API-TOKEN"}},"request":{"type":"\#(type)","requestId":"\#(rid)","timestamp":"2026-11-24T10:00:00Z","locale":"en-US"\#(extra)}}"#
}

func resp(_ ssml: String, end: Bool = false, reprompt: Bool = false) -> String {
    let rp = reprompt ? #","reprompt":{"outputSpeech":{"type":"PlainText","text":"Still there?"}}"# : ""
    return #"{"version":"1.0","response":{"outputSpeech":{"type":"SSML","ssml":"\#(ssml)"}\#(rp),"shouldEndSession":\#(end)}}"#
}

@Suite struct RawLambdaTextTests {
    @Test func nodePrettyPrintedColdStart() throws {
        let log = """
        INIT_START Runtime Version: nodejs:20.v33\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:abc
        START RequestId: 11111111-aaaa Version: $LATEST
        2026-11-24T10:00:00.250Z\t11111111-aaaa\tINFO\tREQUEST ENVELOPE: \(pretty(env("R1", "IntentRequest", extra: #","intent":{"name":"OrderIntent","slots":{"size":{"name":"size","value":"large"},"drink":{"name":"drink","value":"flat white"},"note":{"name":"note"}}}"#)))
        2026-11-24T10:00:00.390Z\t11111111-aaaa\tINFO\tResponse: \(pretty(resp("<speak>One large flat white. <break time='500ms'/>Anything else?</speak>", reprompt: true)))
        END RequestId: 11111111-aaaa
        REPORT RequestId: 11111111-aaaa\tDuration: 140.51 ms\tBilled Duration: 141 ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB\tInit Duration: 200.00 ms
        """
        let r = try RawRun.text(log)
        #expect(r.rejectedTotal == 0)
        #expect(r.records.count == 1)
        let x = try #require(r.record("R1"))
        #expect(x["ts"] as? String == "2026-11-24T10:00:00.250Z")  // no time on START: the envelope line's
        #expect(x["requestType"] as? String == "IntentRequest")
        #expect(x["intent"] as? String == "OrderIntent")
        #expect(jsonEqual(x["slots"], ["size": "large", "drink": "flat white"]))
        #expect(x["sessionId"] as? String == "amzn1.echo-api.session.S1")
        #expect(x["userId"] as? String == "amzn1.ask.account.U1")
        #expect(x["deviceId"] as? String == "amzn1.ask.device.D1")
        #expect(x["skillId"] as? String == skill)
        #expect(x["locale"] as? String == "en-US")
        #expect(x["skillType"] as? String == "custom")
        #expect(x["latencyMs"] as? Int == 341)  // 140.51 + 200.00 = 340.51
        #expect(x["latencySource"] as? String == "lambda")
        #expect(x["outcome"] as? String == "success")
        #expect(x["endSession"] as? Bool == false)
        #expect(x["reprompt"] as? Bool == true)
        #expect(x["speechMs"] as? Int == 2808)  // 6 words / 2.6 = 2307.69 + 500
        #expect(x["lambdaRequestId"] as? String == "11111111-aaaa")
        #expect(x["src"] as? String == "in1.log:2")
    }

    @Test func concurrentInvocationsInterleaved() throws {
        let log = """
        START RequestId: aaaa Version: $LATEST
        START RequestId: bbbb Version: $LATEST
        2026-11-24T10:00:01.000Z\tbbbb\tINFO\tREQUEST ENVELOPE: \(pretty(env("RB", "LaunchRequest", session: "SB", user: "UB")))
        2026-11-24T10:00:01.010Z\taaaa\tINFO\tREQUEST ENVELOPE: \(pretty(env("RA", "IntentRequest", session: "SA", user: "UA", extra: #","intent":{"name":"AMAZON.StopIntent","slots":{}}"#)))
        2026-11-24T10:00:01.300Z\taaaa\tINFO\tResponse: \(resp("<speak>Goodbye!</speak>", end: true))
        2026-11-24T10:00:01.400Z\tbbbb\tINFO\tResponse: \(resp("<speak>Hi there, what can I do?</speak>"))
        END RequestId: aaaa
        REPORT RequestId: aaaa\tDuration: 290.00 ms\tBilled Duration: 290 ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB
        END RequestId: bbbb
        REPORT RequestId: bbbb\tDuration: 401.4 ms\tBilled Duration: 402 ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB
        """
        let r = try RawRun.text(log)
        #expect(r.rejectedTotal == 0)
        let a = try #require(r.record("RA")), b = try #require(r.record("RB"))
        #expect(a["lambdaRequestId"] as? String == "aaaa" && b["lambdaRequestId"] as? String == "bbbb")
        #expect(a["sessionId"] as? String == "SA" && b["sessionId"] as? String == "SB")
        #expect(a["endSession"] as? Bool == true && b["endSession"] as? Bool == false)
        #expect(a["speechMs"] as? Int == 385)   // 1 word
        #expect(b["speechMs"] as? Int == 2308)  // 6 words
        #expect(a["latencyMs"] as? Int == 290 && b["latencyMs"] as? Int == 401)
        #expect(a["src"] as? String == "in1.log:1" && b["src"] as? String == "in1.log:2")
        #expect(a["slots"] == nil)
    }

    @Test func timeoutAfterReport() throws {
        let log = """
        START RequestId: cccc Version: $LATEST
        2026-11-24T10:00:02.000Z\tcccc\tINFO\t\(env("RC", "LaunchRequest"))
        END RequestId: cccc
        REPORT RequestId: cccc\tDuration: 3003.17 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB
        2026-11-24T10:00:05.004Z cccc Task timed out after 3.00 seconds
        """
        let x = try #require(try RawRun.text(log).record("RC"))
        #expect(x["outcome"] as? String == "no_response")
        #expect(x["errorType"] as? String == "ENDPOINT_TIMEOUT")
        #expect(x["latencyMs"] as? Int == 3003)
    }

    @Test func uncaughtErrorsAndNoHandler() throws {
        let log = """
        START RequestId: d1 Version: $LATEST
        2026-11-24T10:00:03.000Z\td1\tINFO\tRequest: \(env("RD1", "IntentRequest", extra: #","intent":{"name":"Unknown"}"#))
        2026-11-24T10:00:03.010Z\td1\tERROR\tInvoke Error \t{"errorType":"AskSdk.GenericRequestDispatcher Error","errorMessage":"Unable to find a suitable request handler.","stack":[]}
        END RequestId: d1
        REPORT RequestId: d1\tDuration: 10.00 ms\tBilled Duration: 10 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB
        START RequestId: d2 Version: $LATEST
        2026-11-24T10:00:04.000Z\td2\tINFO\tRequest: \(env("RD2", "LaunchRequest"))
        2026-11-24T10:00:04.005Z\td2\tERROR\tSomething failed badly
        2026-11-24T10:00:04.006Z\td2\tINFO\tResponse: \(resp("<speak>Sorry.</speak>"))
        END RequestId: d2
        REPORT RequestId: d2\tDuration: 7 ms\tBilled Duration: 7 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB
        """
        let r = try RawRun.text(log)
        let d1 = try #require(r.record("RD1")), d2 = try #require(r.record("RD2"))
        #expect(d1["outcome"] as? String == "error")
        #expect(d1["errorType"] as? String == "NoHandler")
        #expect(d2["outcome"] as? String == "error")  // an ERROR-level line, even with a response
        #expect(d2["errorType"] == nil)
    }

    @Test func latencyFromLogTimesWithoutReportDurations() throws {
        // A REPORT line without a Duration (a reformatted log): the log times give the latency.
        let log = """
        START RequestId: e1 Version: $LATEST
        2026-11-24T10:00:05.100Z\te1\tINFO\tREQUEST: \(env("RE", "LaunchRequest"))
        2026-11-24T10:00:05.275Z\te1\tINFO\tRESPONSE: \(resp("<speak>Hello</speak>"))
        END RequestId: e1
        REPORT RequestId: e1
        """
        let x = try #require(try RawRun.text(log).record("RE"))
        #expect(x["latencyMs"] as? Int == 175)
        #expect(x["latencySource"] as? String == "log")
        #expect(x["outcome"] as? String == "success")
    }

    @Test func smartHomeDirectivePairedByCorrelationToken() throws {
        let dir = #"{"directive":{"header":{"namespace":"Alexa","name":"ReportState","payloadVersion":"3","messageId":"M-DIR","correlationToken":"CT-1"},"endpoint":{"scope":{"type":"BearerToken","token":"BEARER-SECRET"},"endpointId":"fan-1"},"payload":{}}}"#
        let other = #"{"event":{"header":{"namespace":"Alexa","name":"StateReport","payloadVersion":"3","messageId":"M-OTHER","correlationToken":"CT-OTHER"},"endpoint":{"endpointId":"x"},"payload":{}},"context":{"properties":[]}}"#
        let report = #"{"event":{"header":{"namespace":"Alexa","name":"StateReport","payloadVersion":"3","messageId":"M-RESP","correlationToken":"CT-1"},"endpoint":{"endpointId":"fan-1"},"payload":{}},"context":{"properties":[{"namespace":"Alexa.PowerController","name":"powerState","value":"ON"},{"namespace":"Alexa.RangeController","instance":"Fan.Speed","name":"rangeValue","value":3}]}}"#
        let log = """
        START RequestId: f1 Version: $LATEST
        2026-11-24T10:00:06.000Z\tf1\tINFO\t\(pretty(dir))
        2026-11-24T10:00:06.020Z\tf1\tINFO\tignored: \(other)
        2026-11-24T10:00:06.050Z\tf1\tINFO\t\(report)
        END RequestId: f1
        REPORT RequestId: f1\tDuration: 51.5 ms\tBilled Duration: 52 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB
        """
        let r = try RawRun.text(log)
        #expect(r.records.count == 1)
        let x = try #require(r.record("M-DIR"))  // the directive's messageId, never the response's
        #expect(x["requestType"] as? String == "Alexa.ReportState")
        #expect(x["skillType"] as? String == "smart_home")
        #expect(x["endpointId"] as? String == "fan-1")
        #expect(x["correlationToken"] as? String == "CT-1")
        #expect(x["outcome"] as? String == "success")
        #expect(jsonEqual(x["state"], ["Alexa.PowerController.powerState": "ON", "Alexa.RangeController.rangeValue:Fan.Speed": 3]))
        #expect(x["latencyMs"] as? Int == 52)
    }

    @Test func smartHomeErrorResponseAndChangeReport() throws {
        let dir = #"{"directive":{"header":{"namespace":"Alexa.PowerController","name":"TurnOn","payloadVersion":"3","messageId":"M-ON","correlationToken":"CT-2"},"endpoint":{"endpointId":"lamp-1"},"payload":{}}}"#
        let err = #"{"event":{"header":{"namespace":"Alexa","name":"ErrorResponse","payloadVersion":"3","messageId":"M-ERR","correlationToken":"CT-2"},"endpoint":{"endpointId":"lamp-1"},"payload":{"type":"ENDPOINT_UNREACHABLE","message":"offline"}}}"#
        let change = #"{"event":{"header":{"namespace":"Alexa","name":"ChangeReport","payloadVersion":"3","messageId":"M-CHANGE"},"endpoint":{"endpointId":"lamp-1"},"payload":{"change":{"cause":{"type":"PHYSICAL_INTERACTION"},"properties":[{"namespace":"Alexa.PowerController","name":"powerState","value":"OFF"}]}}},"context":{"properties":[{"namespace":"Alexa.PowerController","name":"powerState","value":"ON"},{"namespace":"Alexa.BrightnessController","name":"brightness","value":80}]}}"#
        let log = """
        START RequestId: g1 Version: $LATEST
        2026-11-24T10:00:07.000Z\tg1\tINFO\tDirective: \(dir)
        2026-11-24T10:00:07.100Z\tg1\tWARN\tResponse: \(err)
        END RequestId: g1
        REPORT RequestId: g1\tDuration: 100.2 ms\tBilled Duration: 101 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB
        START RequestId: g2 Version: $LATEST
        2026-11-24T10:00:09.500Z\tg2\tINFO\tPosting to the event gateway: \(pretty(change))
        END RequestId: g2
        REPORT RequestId: g2\tDuration: 30 ms\tBilled Duration: 30 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB
        """
        let r = try RawRun.text(log)
        #expect(r.rejectedTotal == 0)
        let on = try #require(r.record("M-ON"))
        #expect(on["outcome"] as? String == "error")
        #expect(on["errorType"] as? String == "ENDPOINT_UNREACHABLE")
        let ch = try #require(r.record("M-CHANGE"))
        #expect(ch["requestType"] as? String == "Alexa.ChangeReport")
        #expect(ch["ts"] as? String == "2026-11-24T10:00:09.500Z")
        #expect(ch["endpointId"] as? String == "lamp-1")
        // The change wins over the context's unchanged value of the same property.
        #expect(jsonEqual(ch["state"], ["Alexa.PowerController.powerState": "OFF", "Alexa.BrightnessController.brightness": 80]))
        #expect(ch["outcome"] == nil && ch["latencyMs"] == nil)
    }

    @Test func customRequestTypes() throws {
        let sessionEnded = env("RS", "SessionEndedRequest", extra: #","reason":"ERROR","error":{"type":"INVALID_RESPONSE","message":"bad"}"#)
        let conn = env("RCR", "Connections.Response", extra: #","name":"Upsell","status":{"code":"200","message":"OK"},"payload":{"purchaseResult":"DECLINED","productId":"amzn1.adg.product.P1"},"token":"tok"}"#.dropLast().description)
        let exc = env("RX", "System.ExceptionEncountered", session: nil, extra: #","error":{"type":"INVALID_RESPONSE","message":"x"},"cause":{"requestId":"RS"}"#)
        let play = env("RP", "PlaybackController.PlayCommandIssued", session: nil)
        let enabled = env("RE", "AlexaSkillEvent.SkillEnabled", session: nil)
        var lines: [String] = []
        for (i, e) in [sessionEnded, conn, exc, play, enabled].enumerated() {
            lines += ["START RequestId: h\(i) Version: $LATEST", "2026-11-24T10:01:0\(i).000Z\th\(i)\tINFO\t\(e)",
                      "END RequestId: h\(i)", "REPORT RequestId: h\(i)\tDuration: 1.0 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB"]
        }
        let r = try RawRun.text(lines.joined(separator: "\n"))
        #expect(r.rejectedTotal == 0)
        let s = try #require(r.record("RS"))
        #expect(s["reason"] as? String == "ERROR" && s["errorType"] as? String == "INVALID_RESPONSE")
        #expect(s["outcome"] == nil)  // an event with no response logged: outcome unknown
        let c = try #require(r.record("RCR"))
        #expect(c["ispAction"] as? String == "Upsell" && c["purchaseResult"] as? String == "DECLINED" && c["productId"] as? String == "amzn1.adg.product.P1")
        let x = try #require(r.record("RX"))
        #expect(x["errorType"] as? String == "INVALID_RESPONSE" && x["sessionId"] == nil)
        #expect(r.record("RP")?["requestType"] as? String == "PlaybackController.PlayCommandIssued")
        #expect(r.record("RE")?["requestType"] as? String == "AlexaSkillEvent.SkillEnabled")
    }

    @Test func tokensNeverReachTheOutput() throws {
        let log = """
        START RequestId: t1 Version: $LATEST
        2026-11-24T10:00:00.000Z\tt1\tINFO\t\(pretty(env("RT", "LaunchRequest")))
        2026-11-24T10:00:00.010Z\tt1\tINFO\t\(resp("<speak>Hi</speak>"))
        END RequestId: t1
        REPORT RequestId: t1\tDuration: 1.0 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB
        """
        let r = try RawRun.text(log)
        let all = r.records.map { String(decoding: try! JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }.joined()
        for secret in ["TOKEN-SESSION", "CONSENT-TOKEN", "API-TOKEN", "accessToken", "apiAccessToken", "consentToken"] {
            #expect(!all.contains(secret))
        }
    }
}

@Suite struct RawPythonTests {
    @Test func printEventDictRepr() throws {
        let log = """
        START RequestId: p1 Version: $LATEST
        {'version': '1.0', 'session': {'new': True, 'sessionId': 'SP', 'application': {'applicationId': 'APP'}, 'user': {'userId': 'UP', 'accessToken': None}}, 'context': {'System': {'application': {'applicationId': 'APP'}, 'user': {'userId': 'UP'}, 'device': {'deviceId': 'DP'}, 'apiAccessToken': 'SECRET'}}, 'request': {'type': 'IntentRequest', 'requestId': 'RP1', 'timestamp': '2026-11-24T11:00:00Z', 'locale': 'de-DE', 'intent': {'name': 'CityIntent', 'slots': {'city': {'name': 'city', 'value': "Land's End", 'confirmationStatus': 'NONE'}}}}}
        [INFO]\t2026-11-24T11:00:00.120Z\tp1\tResponse: {'version': '1.0', 'response': {'outputSpeech': {'type': 'PlainText', 'text': 'Land\\'s End is lovely.'}, 'shouldEndSession': True}}
        END RequestId: p1
        REPORT RequestId: p1\tDuration: 20.49 ms\tBilled Duration: 21 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB
        """
        let r = try RawRun.text(log)
        #expect(r.rejectedTotal == 0)
        let x = try #require(r.record("RP1"))
        #expect(jsonEqual(x["slots"], ["city": "Land's End"]))
        #expect(x["locale"] as? String == "de-DE")
        #expect(x["deviceId"] as? String == "DP")
        #expect(x["ts"] as? String == "2026-11-24T11:00:00.120Z")  // the first line with a time
        #expect(x["endSession"] as? Bool == true)
        #expect(x["speechMs"] as? Int == 1538)  // 4 words
        #expect(x["latencyMs"] as? Int == 20)
    }

    @Test func reprConverter() throws {
        let text = #"{'a': True, 'b': None, 'c': (1, 2,), 'd_e': datetime.datetime(2026, 11, 24, 11, 0, 7, tzinfo=tzutc()), 'object_type': <DialogState.STARTED: 'STARTED'>, 'f': "it's", 'g': -1.5e-05, 'h': u'\xe9\u00e8'}"#
        let (json, end) = try text.utf8CString.withUnsafeBytes { b in
            try PythonRepr.toJSON(UnsafeRawBufferPointer(rebasing: b.dropLast()), from: 0)
        }
        #expect(end == text.utf8.count)
        let o = try JSONSerialization.jsonObject(with: Data(json)) as! [String: Any]
        #expect(o["a"] as? Bool == true)
        #expect(o["b"] is NSNull)
        #expect(jsonEqual(o["c"], [1, 2]))
        #expect(o["dE"] as? String == "datetime.datetime(2026, 11, 24, 11, 0, 7, tzinfo=tzutc())")
        #expect(o["type"] as? String == "STARTED")
        #expect(o["f"] as? String == "it's")
        #expect((o["g"] as? Double) == -1.5e-05)
        #expect(o["h"] as? String == "éè")
    }
}

@Suite struct RawLambdaJSONTests {
    @Test func platformRecordsAndApplicationLines() throws {
        func j(_ o: String) -> String { o }
        let envText = env("RJ", "LaunchRequest").replacingOccurrences(of: "\"", with: "\\\"")
        let log = """
        {"time":"2026-11-24T12:00:00.000Z","type":"platform.initStart","record":{"initializationType":"on-demand","phase":"init"}}
        {"time":"2026-11-24T12:00:00.500Z","type":"platform.start","record":{"requestId":"j1","version":"$LATEST"}}
        {"timestamp":"2026-11-24T12:00:00.502Z","level":"INFO","requestId":"j1","message":"REQUEST ENVELOPE: \(envText)"}
        {"timestamp":"2026-11-24T12:00:00.600Z","level":"INFO","requestId":"j1","message":\(resp("<speak>Hello and welcome</speak>"))}
        {"time":"2026-11-24T12:00:00.601Z","type":"platform.runtimeDone","record":{"requestId":"j1","status":"success"}}
        {"time":"2026-11-24T12:00:00.602Z","type":"platform.report","record":{"requestId":"j1","metrics":{"durationMs":100.5,"billedDurationMs":101,"memorySizeMB":128,"maxMemoryUsedMB":60,"initDurationMs":250.25},"status":"success"}}
        """
        let r = try RawRun.text(log)
        #expect(r.rejectedTotal == 0)
        let x = try #require(r.record("RJ"))
        #expect(x["ts"] as? String == "2026-11-24T12:00:00.500Z")  // platform.start's time
        #expect(x["latencyMs"] as? Int == 351)  // 100.5 + 250.25 = 350.75
        #expect(x["outcome"] as? String == "success")
        #expect(x["speechMs"] as? Int == 1154)
        #expect(x["src"] as? String == "in1.log:2")
    }

    @Test func detection() throws {
        func lines(_ s: String) -> [[UInt8]] { s.split(separator: "\n").map { Array($0.utf8) } }
        func detect(_ s: String) -> InputFormat? {
            let ls = lines(s)
            return withExtendedLifetime(ls) {
                let ptrs = ls.map { a in a.withUnsafeBytes { UnsafeRawBufferPointer(start: $0.baseAddress, count: $0.count) } }
                return FormatDetector.detect(ptrs)
            }
        }
        #expect(detect("START RequestId: x Version: $LATEST\n2026-11-24T10:00:00.000Z\tx\tINFO\thi") == .lambda)
        #expect(detect(#"{"time":"2026-11-24T12:00:00.500Z","type":"platform.start","record":{"requestId":"j1"}}"#) == .lambdaJSON)
        #expect(detect(#"{"timestamp":"2026-11-24T12:00:00.502Z","level":"INFO","requestId":"j1","message":"x"}"#) == .lambdaJSON)
        #expect(detect("2026-11-24T13:00:00.100Z START RequestId: x Version: $LATEST\n2026-11-24T13:00:00.102Z 2026-11-24T13:00:00.102Z\tx\tINFO\thi") == .cloudwatchExport)
        #expect(detect(#"{"messageType":"DATA_MESSAGE","owner":"1","logGroup":"g","logStream":"s","logEvents":[]}"#) == .subscription)
        #expect(detect(#"{"awslogs":{"data":"H4sI"}}"#) == .subscription)
        #expect(detect(#"{"ts":"2026-11-24T10:00:00.000Z","messageId":"m1","requestType":"LaunchRequest"}"#) == .ndjson)
    }
}

@Suite struct RawExportAndSubscriptionTests {
    @Test func exportContinuationLines() throws {
        let body = pretty(env("RX1", "LaunchRequest")).split(separator: "\n").joined(separator: "\n")
        let log = """
        2026-11-24T13:00:00.100Z START RequestId: x1 Version: $LATEST
        2026-11-24T13:00:00.102Z 2026-11-24T13:00:00.102Z\tx1\tINFO\tREQUEST ENVELOPE: \(body)
        2026-11-24T13:00:00.190Z 2026-11-24T13:00:00.190Z\tx1\tINFO\tResponse: \(resp("<speak>Hi</speak>", end: true))
        2026-11-24T13:00:00.196Z END RequestId: x1
        2026-11-24T13:00:00.196Z REPORT RequestId: x1\tDuration: 95.12 ms\tBilled Duration: 96 ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB
        """
        let r = try RawRun.text(log)
        #expect(r.rejectedTotal == 0)
        let x = try #require(r.record("RX1"))
        #expect(x["ts"] as? String == "2026-11-24T13:00:00.100Z")  // the START line's export time
        #expect(x["latencyMs"] as? Int == 95)
        #expect(x["endSession"] as? Bool == true)
    }

    @Test func subscriptionControlMessageAndBadWrapper() throws {
        let events = #"[{"id":"1","timestamp":1795521600000,"message":"START RequestId: s1 Version: $LATEST\n"},{"id":"2","timestamp":1795521600010,"message":"2026-11-24T12:00:00.010Z\ts1\tINFO\tREQUEST: \#(env("RSUB", "LaunchRequest").replacingOccurrences(of: "\"", with: "\\\""))\n"},{"id":"3","timestamp":1795521600020,"message":"END RequestId: s1\n"},{"id":"4","timestamp":1795521600020,"message":"REPORT RequestId: s1\tDuration: 20.0 ms\tBilled Duration: 20 ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB\n"}]"#
        let log = """
        {"messageType":"CONTROL_MESSAGE","owner":"CloudwatchLogs","logGroup":"","logStream":"","subscriptionFilters":[],"logEvents":[{"id":"","timestamp":1795521600000,"message":"CWL CONTROL MESSAGE: Checking health of destination Firehose."}]}
        {"messageType":"DATA_MESSAGE","owner":"1","logGroup":"/aws/lambda/f","logStream":"2026/11/24/[$LATEST]abc","subscriptionFilters":["x"],"logEvents":\(events)}
        {"awslogs":{"data":"not base64!"}}
        """
        let r = try RawRun.text(log)
        #expect(r.records.count == 1)
        let x = try #require(r.record("RSUB"))
        #expect(x["ts"] as? String == "2026-11-24T12:00:00.000Z")
        #expect(x["outcome"] as? String == "success")  // the only skill of the input logs no responses (SPEC 3)
        #expect(r.rejected["invalid subscription payload"] == 1)
    }

    @Test func base64AndInflate() throws {
        #expect(Base64.decode("aGVsbG8gd29ybGQ=") == Array("hello world".utf8))
        #expect(Base64.decode("aGVsbG8*") == nil)
        // gzip of "hi\n" (gzip -n)
        let gz: [UInt8] = [0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xcb, 0xc8, 0xe4, 0x02, 0x00, 0x7a, 0x7a, 0x6f, 0xed, 0x03, 0x00, 0x00, 0x00]
        #expect(Inflate.inflate(gz) == Array("hi\n".utf8))
        #expect(Inflate.inflate(Array(gz.prefix(12))) == nil)
    }
}

@Suite struct SpeechTimeTests {
    @Test(arguments: [
        ("Hello world", Int64(769)),                                          // 2 / 2.6 s
        ("<speak>Hello<break time=\"1s\"/>world</speak>", 1769),              // a tag is whitespace
        ("<speak>Wait <break time='250ms'/> <break time=\"0.5s\"/> now</speak>", 1519),
        ("<speak><audio src='https://x/y.mp3'/></speak>", 0),
        ("<speak>One <say-as interpret-as=\"digits\">123</say-as> two</speak>", 1154),
        ("", 0),
        ("  multiple   spaces\tand\nlines  ", 1538),
    ])
    func estimate(text: String, ms: Int64) {
        #expect(SpeechTime.estimateMs(ssmlOrText: text) == ms)
    }
}

import Foundation
import Testing
@testable import SklogRecords

/// Lambda runtimes other than Node.js, in the line shapes AWS documents for each (AWS Lambda
/// Developer Guide, "Logging" pages per runtime), logging envelopes the way the ASK SDK samples do.
@Suite struct RuntimeLogsTests {
    @Test func pythonLoggingAndTheFactSampleRequestOnlyRepr() throws {
        // Python runtime (docs, "Log and monitor Python Lambda functions"): `[LEVEL]\tTS\tID\tMESSAGE`.
        // Amazon's Python fact sample (alexa-samples/skill-sample-python-fact) logs
        // `"Alexa Request: {}".format(handler_input.request_envelope.request)` and the response:
        // the SDK models' str(), pprint.pformat(to_dict()) over several lines.
        let id = "1c8df7d3-1a2b-46da-9778-518e6eca8125"
        let log = """
        START RequestId: \(id) Version: $LATEST
        [DEBUG]\t2026-11-24T10:00:05.120Z\t\(id)\tAlexa Request: {'dialog_state': None,
         'intent': {'confirmation_status': 'NONE',
                    'name': 'GetNewFactIntent',
                    'slots': None},
         'locale': 'en-US',
         'object_type': 'IntentRequest',
         'request_id': 'amzn1.echo-api.request.F1',
         'timestamp': datetime.datetime(2026, 11, 24, 10, 0, 5, tzinfo=tzlocal())}
        [INFO]\t2026-11-24T10:00:05.121Z\t\(id)\tIn GetNewFactHandler
        [DEBUG]\t2026-11-24T10:00:05.130Z\t\(id)\tAlexa Response: {'api_response': None,
         'can_fulfill_intent': None,
         'card': {'content': 'A year on Mercury is just 88 days long.',
                  'object_type': 'Simple',
                  'title': 'Space Facts'},
         'directives': [],
         'output_speech': {'object_type': 'SSML',
                           'play_behavior': None,
                           'ssml': "<speak>Here's your fact: A year on Mercury is just 88 "
                                   'days long.</speak>'},
         'reprompt': None,
         'should_end_session': True}
        END RequestId: \(id)
        REPORT RequestId: \(id)\tDuration: 2.75 ms\tBilled Duration: 3 ms\tMemory Size: 128 MB\tMax Memory Used: 56 MB\tInit Duration: 113.51 ms
        """
        let r = try RawRun.text(log)
        #expect(r.rejectedTotal == 0)
        let x = try #require(r.record("amzn1.echo-api.request.F1"))
        #expect(x["ts"] as? String == "2026-11-24T10:00:05.120Z")
        #expect(x["requestType"] as? String == "IntentRequest")
        #expect(x["intent"] as? String == "GetNewFactIntent")
        #expect(x["locale"] as? String == "en-US")
        #expect(x["userId"] == nil)           // the request alone carries no user
        #expect(x["latencyMs"] as? Int == 116) // 2.75 + 113.51 = 116.26
        #expect(x["outcome"] as? String == "success")
        #expect(x["endSession"] as? Bool == true)
    }

    @Test func pythonUncaughtExceptionWithTraceback() throws {
        // An uncaught exception as the Python runtime logs it: `[ERROR] Type: message` and the
        // traceback on the following lines, after a LAMBDA_WARNING line.
        let id = "2d9ef8e4-2b3c-47eb-8889-629f7fdf9236"
        let log = """
        START RequestId: \(id) Version: $LATEST
        \(env("PY2", "IntentRequest", extra: #","intent":{"name":"OrderIntent"}"#).replacingOccurrences(of: "\"", with: "'").replacingOccurrences(of: "false", with: "False"))
        LAMBDA_WARNING: Unhandled exception. The most likely cause is an issue in the function code. However, in rare cases, a Lambda runtime update can cause unexpected function behavior. For functions using managed runtimes, runtime updates can be triggered by a function change, or can be applied automatically. To determine if the runtime has been updated, check the runtime version in the INIT_START log entry. If this error correlates with a change in the runtime version, you may be able to mitigate this error by temporarily rolling back to the previous runtime version. For more information, see https://docs.aws.amazon.com/lambda/latest/dg/runtimes-update.html
        [ERROR] KeyError: 'slots'
        Traceback (most recent call last):
          File "/var/task/lambda_function.py", line 21, in lambda_handler
            size = event['request']['intent']['slots']['size']['value']
        END RequestId: \(id)
        REPORT RequestId: \(id)\tDuration: 4.10 ms\tBilled Duration: 5 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\tStatus: error\tError Type: Runtime.Unknown
        """
        let r = try RawRun.text(log)
        #expect(r.rejectedTotal == 0)
        let x = try #require(r.record("PY2"))
        #expect(x["outcome"] as? String == "error")
        #expect(x["errorType"] as? String == "KeyError")
        #expect(x["intent"] as? String == "OrderIntent")
        #expect(x["latencyMs"] as? Int == 4)
    }

    @Test func tracebackInTheMiddleOfAnEnvelope() throws {
        // `print(json.dumps(event, indent=2))` cut by an `[ERROR]` line from another thread: the
        // envelope is counted as truncated (file and line), the invocation after it is read.
        let id = "3e0f09f5-3c4d-48fc-999a-73a0a0e0a347"
        let lines = pretty(env("PY3", "LaunchRequest")).split(separator: "\n")
        let log = """
        START RequestId: \(id) Version: $LATEST
        \(lines.prefix(6).joined(separator: "\n"))
        [ERROR]\t2026-11-24T10:00:06.010Z\t\(id)\tException in thread worker
        Traceback (most recent call last):
          File "/var/task/worker.py", line 8, in run
        \(lines.dropFirst(6).joined(separator: "\n"))
        END RequestId: \(id)
        REPORT RequestId: \(id)\tDuration: 9.00 ms\tBilled Duration: 9 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB
        START RequestId: 4f1a1a06-4d5e-49ad-aaab-84b1b1f1b458 Version: $LATEST
        [INFO]\t2026-11-24T10:00:07.000Z\t4f1a1a06-4d5e-49ad-aaab-84b1b1f1b458\t\(env("PY4", "LaunchRequest"))
        END RequestId: 4f1a1a06-4d5e-49ad-aaab-84b1b1f1b458
        REPORT RequestId: 4f1a1a06-4d5e-49ad-aaab-84b1b1f1b458\tDuration: 3.00 ms\tBilled Duration: 3 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB
        """
        let r = try RawRun.text(log)
        #expect(r.record("PY3") == nil)
        #expect(r.rejected["truncated envelope"] == 1)
        #expect(r.record("PY4")?["latencyMs"] as? Int == 3)
    }

    @Test func javaLog4jLinesAndAnException() throws {
        // Java (docs, "Log and monitor Java Lambda functions", log4j2.xml with
        // `%d{yyyy-MM-dd HH:mm:ss} %X{AWSRequestId} %-5p %c{1} - %m%n`); a line logged outside a
        // handler has no request id; the aws-lambda-java-log4j2 README's `<%X{AWSRequestId}>`.
        let a = "6bc28136-7b8c-4365-b021-0ce6b2e64ab0", b = "7cd39247-8c9d-4476-c132-1df7c3f75bc1"
        let log = """
        2026-11-24 10:00:06 INFO  SkillStreamHandler - Loading skill com.example.HelloWorld
        START RequestId: \(a) Version: $LATEST
        2026-11-24 10:00:07 \(a) INFO  LaunchRequestHandler - Request: \(env("J1", "LaunchRequest"))
        2026-11-24 10:00:07 \(a) INFO  LaunchRequestHandler - Response: \(resp("<speak>Welcome</speak>"))
        END RequestId: \(a)
        REPORT RequestId: \(a)\tDuration: 512.33 ms\tBilled Duration: 513 ms\tMemory Size: 512 MB\tMax Memory Used: 120 MB\tInit Duration: 1201.95 ms
        START RequestId: \(b) Version: $LATEST
        2026-11-24 10:00:09 <\(b)> INFO  HelloWorldIntentHandler:24 - Request: \(env("J2", "IntentRequest", extra: #","intent":{"name":"HelloWorldIntent"}"#))
        2026-11-24 10:00:09 <\(b)> ERROR GenericExceptionHandler:18 - Error handled: java.lang.IllegalStateException: no greeting
        \tat com.example.HelloWorldIntentHandler.handle(HelloWorldIntentHandler.java:31)
        \tat com.amazon.ask.dispatcher.impl.DefaultRequestDispatcher.doDispatch(DefaultRequestDispatcher.java:103)
        2026-11-24 10:00:09 <\(b)> INFO  HelloWorldIntentHandler:24 - Response: \(resp("<speak>Sorry</speak>"))
        END RequestId: \(b)
        REPORT RequestId: \(b)\tDuration: 30.50 ms\tBilled Duration: 31 ms\tMemory Size: 512 MB\tMax Memory Used: 121 MB
        """
        let r = try RawRun.text(log)
        #expect(r.rejectedTotal == 0)  // the log4j line is not an invocation of its own
        #expect(r.records.count == 2)
        let j1 = try #require(r.record("J1")), j2 = try #require(r.record("J2"))
        #expect(j1["ts"] as? String == "2026-11-24T10:00:07.000Z")
        #expect(j1["latencyMs"] as? Int == 1714)  // 512.33 + 1201.95 = 1714.28
        #expect(j1["outcome"] as? String == "success")
        #expect(j2["outcome"] as? String == "error")  // an ERROR line
        #expect(j2["lambdaRequestId"] as? String == b)
    }

    @Test func dotnetLines() throws {
        // .NET (docs, "Log and monitor C# Lambda functions"): `TS\tID\tinfo\tMESSAGE`, `fail` for errors.
        let id = "8de4a358-9dae-4587-d243-2e08d4086cd2"
        let log = """
        START RequestId: \(id) Version: $LATEST
        2026-11-24T10:00:10.150Z\t\(id)\tinfo\tRequest: \(env("N1", "IntentRequest", extra: #","intent":{"name":"WeatherIntent"}"#))
        2026-11-24T10:00:10.170Z\t\(id)\tfail\tSystem.InvalidOperationException: weather service unavailable
           at Skill.Function.FunctionHandler(SkillRequest input, ILambdaContext context) in /src/Function.cs:line 40
        END RequestId: \(id)
        REPORT RequestId: \(id)\tDuration: 25.00 ms\tBilled Duration: 25 ms\tMemory Size: 256 MB\tMax Memory Used: 90 MB
        START RequestId: 9ef5b469-aebf-4698-e354-3f19e5197de3 Version: $LATEST
        2026-11-24T10:00:11.000Z\t9ef5b469-aebf-4698-e354-3f19e5197de3\tinfo\tRequest: \(env("N2", "LaunchRequest"))
        2026-11-24T10:00:11.020Z\t9ef5b469-aebf-4698-e354-3f19e5197de3\tinfo\tResponse: \(resp("<speak>Hello</speak>"))
        END RequestId: 9ef5b469-aebf-4698-e354-3f19e5197de3
        REPORT RequestId: 9ef5b469-aebf-4698-e354-3f19e5197de3\tDuration: 21.00 ms\tBilled Duration: 21 ms\tMemory Size: 256 MB\tMax Memory Used: 90 MB
        """
        let r = try RawRun.text(log)
        #expect(r.rejectedTotal == 0)
        #expect(r.record("N1")?["outcome"] as? String == "error")
        #expect(r.record("N1")?["intent"] as? String == "WeatherIntent")
        #expect(r.record("N2")?["outcome"] as? String == "success")
        #expect(r.record("N2")?["latencyMs"] as? Int == 21)
    }

    @Test func customRuntimeGoAndRustLines() throws {
        // A custom runtime (provided.al2023): the platform writes START/END/REPORT, the binary's
        // own lines have no request id: Go's `log` prefix, Rust `tracing`'s default format.
        let a = "a0a6c57a-bfc0-47a9-f465-4020f62a8ef4", b = "b1b7d68b-c0d1-48ba-0576-5131073b9f05"
        let log = """
        START RequestId: \(a) Version: $LATEST
        2026/11/24 10:00:12 Request: \(env("G1", "LaunchRequest"))
        2026/11/24 10:00:12 Response: \(resp("<speak>Hi from Go</speak>"))
        END RequestId: \(a)
        REPORT RequestId: \(a)\tDuration: 1.20 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 20 MB
        START RequestId: \(b) Version: $LATEST
        2026-11-24T10:00:13.000200Z  INFO skill: request \(env("RU1", "LaunchRequest"))
        2026-11-24T10:00:13.000900Z ERROR skill: handler failed: no such slot
        END RequestId: \(b)
        REPORT RequestId: \(b)\tDuration: 0.90 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 20 MB
        """
        let r = try RawRun.text(log)
        #expect(r.rejectedTotal == 0)
        let g = try #require(r.record("G1")), ru = try #require(r.record("RU1"))
        #expect(g["ts"] as? String == "2026-11-24T10:00:12.000Z")
        #expect(g["outcome"] as? String == "success")
        #expect(g["lambdaRequestId"] as? String == a)
        #expect(ru["ts"] as? String == "2026-11-24T10:00:13.000Z")
        #expect(ru["outcome"] as? String == "error")
        #expect(ru["lambdaRequestId"] as? String == b)
        #expect(ru["latencyMs"] as? Int == 1)
    }
}

@Suite struct NodeInspectTests {
    @Test func consoleLogOfTheEnvelope() throws {
        // `console.log(handlerInput.requestEnvelope)` and `console.log('Response:', response)`:
        // Node's util.inspect (Node.js docs, util.inspect: bare keys, single quotes, double quotes
        // for a string with an apostrophe, depth 2: deeper objects print as [Object] / [Array]).
        let id = "c2c8e79c-d1e2-49cb-1687-6242184cb016"
        let log = """
        START RequestId: \(id) Version: $LATEST
        2026-11-24T10:00:20.100Z\t\(id)\tINFO\t{
          version: '1.0',
          session: {
            new: true,
            sessionId: 'amzn1.echo-api.session.N1',
            application: { applicationId: '\(skill)' },
            attributes: {},
            user: { userId: 'amzn1.ask.account.UN1' }
          },
          context: {
            Viewports: [ [Object] ],
            Viewport: {
              experiences: [Array],
              mode: 'HUB',
              shape: 'RECTANGLE',
              pixelHeight: 480,
              dpi: 160,
              video: [Object]
            },
            System: {
              application: [Object],
              user: [Object],
              device: [Object],
              apiEndpoint: 'https://api.amazonalexa.com',
              apiAccessToken: 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.SECRET'
            }
          },
          request: {
            type: 'IntentRequest',
            requestId: 'amzn1.echo-api.request.NODE1',
            locale: 'en-GB',
            timestamp: '2026-11-24T10:00:20Z',
            intent: { name: 'HelloWorldIntent', confirmationStatus: 'NONE', slots: [Object] },
            dialogState: 'COMPLETED'
          }
        }
        2026-11-24T10:00:20.180Z\t\(id)\tINFO\tResponse: {
          outputSpeech: { type: 'SSML', ssml: "<speak>Hello World! It's me.</speak>" },
          reprompt: undefined,
          shouldEndSession: true
        }
        END RequestId: \(id)
        REPORT RequestId: \(id)\tDuration: 80.01 ms\tBilled Duration: 81 ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB
        """
        let r = try RawRun.text(log)
        #expect(r.rejectedTotal == 0)
        let x = try #require(r.record("amzn1.echo-api.request.NODE1"))
        #expect(x["sessionId"] as? String == "amzn1.echo-api.session.N1")
        #expect(x["userId"] as? String == "amzn1.ask.account.UN1")  // session.user: context.System.user is [Object]
        #expect(x["skillId"] as? String == skill)
        #expect(x["deviceId"] == nil)                               // [Object] past util.inspect's depth
        #expect(x["locale"] as? String == "en-GB")
        #expect(x["intent"] as? String == "HelloWorldIntent")
        #expect(x["slots"] == nil)
        #expect(x["outcome"] as? String == "success")
        #expect(x["endSession"] as? Bool == true)
        #expect(x["reprompt"] as? Bool == false)
        #expect(x["latencyMs"] as? Int == 80)
        let all = r.records.map { String(describing: $0) }.joined()
        #expect(!all.contains("SECRET"))
    }

    @Test func converter() throws {
        let text = #"{ a: 'x', 'b-c': "it's", d: [ 1, -2.5, [Object] ], e: undefined, f: [Circular *1], g: `t`, h: true, null: null }"#
        var bytes = Array(text.utf8)
        let conv = try bytes.withUnsafeMutableBytes { try PythonRepr.toJSON(UnsafeRawBufferPointer($0), from: 0, node: true) }
        let o = try JSONSerialization.jsonObject(with: Data(conv.json)) as! [String: Any]
        #expect(o["a"] as? String == "x")
        #expect(o["b-c"] as? String == "it's")
        #expect((o["d"] as? [Any])?.count == 3)
        #expect(o["e"] is NSNull)
        #expect(o["f"] is NSNull)
        #expect(o["g"] as? String == "t")
        #expect(o["h"] as? Bool == true)
        #expect(o["null"] is NSNull)
    }
}

@Suite struct JavaToStringTests {
    @Test func askJavaSDKEnvelopeAndResponse() throws {
        // `log.info("Request: " + input.getRequestEnvelope())` and the handler's Optional<Response>:
        // the toString() of alexa-apis-for-java's generated models (RequestEnvelope, Session,
        // Context/SystemState, IntentRequest with its Request superclass block, Map<String, Slot>).
        let id = "d3d9f8ad-e2f3-4adc-2798-7353295dc127"
        let log = """
        START RequestId: \(id) Version: $LATEST
        2026-11-24 10:00:30 \(id) INFO  PlanetIntentHandler - Request: class RequestEnvelope {
            version: 1.0
            session: class Session {
                _new: true
                sessionId: amzn1.echo-api.session.JV1
                user: class User {
                    userId: amzn1.ask.account.UJV
                    accessToken: null
                    permissions: null
                }
                attributes: {}
                application: class Application {
                    applicationId: \(skill)
                }
            }
            context: class Context {
                system: class SystemState {
                    application: class Application {
                        applicationId: \(skill)
                    }
                    user: class User {
                        userId: amzn1.ask.account.UJV
                        accessToken: null
                        permissions: class Permissions {
                            consentToken: CONSENT-SECRET
                            scopes: null
                        }
                    }
                    device: class Device {
                        deviceId: amzn1.ask.device.DJV
                        supportedInterfaces: class SupportedInterfaces {
                            alexaPresentationAPL: null
                            audioPlayer: null
                        }
                    }
                    apiEndpoint: https://api.amazonalexa.com
                    apiAccessToken: API-SECRET
                }
                audioPlayer: null
            }
            request: class IntentRequest {
                class Request {
                    type: IntentRequest
                    requestId: amzn1.echo-api.request.JV1
                    timestamp: 2026-11-24T10:00:30Z
                    locale: en-US
                }
                dialogState: COMPLETED
                intent: class Intent {
                    name: PlanetIntent
                    slots: {planet=class Slot {
                        name: planet
                        value: mars
                        confirmationStatus: NONE
                        resolutions: null
                    }, moon=class Slot {
                        name: moon
                        value: null
                        confirmationStatus: NONE
                        resolutions: null
                    }}
                    confirmationStatus: NONE
                }
            }
        }
        2026-11-24 10:00:30 \(id) INFO  PlanetIntentHandler - Response: Optional[class Response {
            outputSpeech: class SsmlOutputSpeech {
                class OutputSpeech {
                    type: SSML
                    playBehavior: null
                }
                ssml: <speak>Mars has two moons.</speak>
            }
            card: null
            reprompt: null
            directives: []
            apiResponse: null
            canFulfillIntent: null
            shouldEndSession: true
            type: null
        }]
        END RequestId: \(id)
        REPORT RequestId: \(id)\tDuration: 45.50 ms\tBilled Duration: 46 ms\tMemory Size: 512 MB\tMax Memory Used: 130 MB
        """
        let r = try RawRun.text(log)
        #expect(r.rejectedTotal == 0)
        let x = try #require(r.record("amzn1.echo-api.request.JV1"))
        #expect(x["sessionId"] as? String == "amzn1.echo-api.session.JV1")
        #expect(x["userId"] as? String == "amzn1.ask.account.UJV")
        #expect(x["deviceId"] as? String == "amzn1.ask.device.DJV")
        #expect(x["skillId"] as? String == skill)
        #expect(x["locale"] as? String == "en-US")
        #expect(x["requestType"] as? String == "IntentRequest")
        #expect(x["intent"] as? String == "PlanetIntent")
        #expect(jsonEqual(x["slots"], ["planet": "mars"]))
        #expect(x["outcome"] as? String == "success")
        #expect(x["endSession"] as? Bool == true)
        #expect(x["reprompt"] as? Bool == false)
        #expect(x["latencyMs"] as? Int == 46)  // 45.50 rounds half up
        let all = r.records.map { String(describing: $0) }.joined()
        #expect(!all.contains("SECRET"))
    }

    @Test func cutToStringEnvelopeIsCounted() throws {
        let id = "e4eaf9be-f3f4-4bed-38a9-846430aed238"
        let log = """
        START RequestId: \(id) Version: $LATEST
        2026-11-24 10:00:31 \(id) INFO  LaunchRequestHandler - Request: class RequestEnvelope {
            version: 1.0
            request: class LaunchRequest {
                class Request {
                    type: LaunchRequest
        END RequestId: \(id)
        REPORT RequestId: \(id)\tDuration: 5.00 ms\tBilled Duration: 5 ms\tMemory Size: 512 MB\tMax Memory Used: 130 MB
        """
        let r = try RawRun.text(log)
        #expect(r.records.isEmpty)
        #expect(r.rejected["truncated envelope"] == 1)
    }
}

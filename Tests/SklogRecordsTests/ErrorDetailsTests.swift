import Foundation
import Testing
@testable import SklogRecords

/// `errorMessage` and `errorFrame` of failed records, per runtime and line shape. Each fixture's
/// message and frame are read off the fixture by hand (the frame: the first line of the stack in
/// the skill's own files, the last such line of a Python traceback).
@Suite struct ErrorDetailsTests {
    private func report(_ id: String) -> String {
        "END RequestId: \(id)\nREPORT RequestId: \(id)\tDuration: 12.00 ms\tBilled Duration: 12 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB"
    }

    @Test func nodeInvokeErrorSkipsNodeModulesFrames() throws {
        let id = "e1000000-0000-4000-8000-000000000001"
        let log = """
        START RequestId: \(id) Version: $LATEST
        2026-11-24T10:00:00.010Z\t\(id)\tINFO\t\(env("EN1", "IntentRequest", extra: #","intent":{"name":"OrderIntent"}"#))
        2026-11-24T10:00:00.020Z\t\(id)\tERROR\tInvoke Error \t{"errorType":"TypeError","errorMessage":"Cannot read properties of undefined (reading 'value')","stack":["TypeError: Cannot read properties of undefined (reading 'value')","    at Object.handle (/var/task/node_modules/ask-sdk-core/dist/x.js:1:2)","    at Object.handle (/var/task/index.js:42:51)","    at /var/runtime/index.mjs:1:1"]}
        \(report(id))
        """
        let r = try RawRun.text(log)
        let x = try #require(r.record("EN1"))
        #expect(x["outcome"] as? String == "error")
        #expect(x["errorType"] as? String == "TypeError")
        #expect(x["errorMessage"] as? String == "Cannot read properties of undefined (reading 'value')")
        #expect(x["errorFrame"] as? String == "/var/task/index.js:42:51")
    }

    @Test func nodeConsoleErrorWithStack() throws {
        // `console.error(err)`: the error's stack over several lines, at level ERROR.
        let id = "e1000000-0000-4000-8000-000000000002"
        let log = """
        START RequestId: \(id) Version: $LATEST
        2026-11-24T10:00:00.010Z\t\(id)\tINFO\t\(env("EN2", "LaunchRequest"))
        2026-11-24T10:00:00.020Z\t\(id)\tERROR\tRangeError: Invalid time value
            at Date.toISOString (<anonymous>)
            at async Object.handle (file:///var/task/handlers/launch.mjs:17:9)
            at async DefaultRequestDispatcher.dispatch (/var/task/node_modules/ask-sdk-core/dist/dispatcher/DefaultRequestDispatcher.js:58:31)
        \(report(id))
        """
        let x = try #require(try RawRun.text(log).record("EN2"))
        #expect(x["outcome"] as? String == "error")
        #expect(x["errorType"] as? String == "RangeError")
        #expect(x["errorMessage"] as? String == "Invalid time value")
        #expect(x["errorFrame"] as? String == "/var/task/handlers/launch.mjs:17:9")
    }

    @Test func pythonTracebackFrameInTheSkillNotSitePackages() throws {
        let id = "e1000000-0000-4000-8000-000000000003"
        let log = """
        START RequestId: \(id) Version: $LATEST
        [INFO]\t2026-11-24T10:00:00.010Z\t\(id)\t\(env("EP1", "IntentRequest", extra: #","intent":{"name":"SizeIntent"}"#))
        [ERROR] ValueError: invalid literal for int() with base 10: 'large'
        Traceback (most recent call last):
          File "/var/runtime/bootstrap.py", line 60, in handle
            return handler(event, context)
          File "/var/task/ask_sdk_core/skill_builder.py", line 110, in wrapper
            response_envelope = skill.invoke(request_envelope=request_envelope, context=context)
          File "/var/task/lambda_function.py", line 87, in handle
            size = int(slots["size"].value)
          File "/opt/python/lib/python3.12/site-packages/helpers/convert.py", line 5, in to_int
            return int(v)
        \(report(id))
        """
        let x = try #require(try RawRun.text(log).record("EP1"))
        #expect(x["errorType"] as? String == "ValueError")
        #expect(x["errorMessage"] as? String == "invalid literal for int() with base 10: 'large'")
        // The innermost frame in the skill's files (a Python traceback lists it last); the
        // vendored SDK under /var/task/ask_sdk_core is the skill's package, not site-packages.
        #expect(x["errorFrame"] as? String == "/var/task/lambda_function.py:87")
    }

    @Test func pythonLambdaJSONErrorObject() throws {
        // Python in Lambda's JSON log format: the uncaught error is the `message` object.
        let line1 = #"{"time":"2026-11-24T10:00:00.000Z","type":"platform.start","record":{"requestId":"pj1","version":"$LATEST"}}"#
        let envJSON = env("EP2", "LaunchRequest").replacingOccurrences(of: "\"", with: "\\\"")
        let line2 = #"{"timestamp":"2026-11-24T10:00:00.010Z","level":"INFO","requestId":"pj1","message":"\#(envJSON)"}"#
        let line3 = #"{"timestamp":"2026-11-24T10:00:00.020Z","level":"ERROR","requestId":"pj1","message":{"errorMessage":"'NoneType' object is not subscriptable","errorType":"TypeError","requestId":"pj1","stackTrace":["  File \"/var/task/lambda_function.py\", line 33, in launch\n    name = attrs['user']['name']\n"]}}"#
        let line4 = #"{"time":"2026-11-24T10:00:00.030Z","type":"platform.report","record":{"requestId":"pj1","metrics":{"durationMs":20.0},"status":"error"}}"#
        let x = try #require(try RawRun.text([line1, line2, line3, line4].joined(separator: "\n")).record("EP2"))
        #expect(x["outcome"] as? String == "error")
        #expect(x["errorType"] as? String == "TypeError")
        #expect(x["errorMessage"] as? String == "'NoneType' object is not subscriptable")
        #expect(x["errorFrame"] as? String == "/var/task/lambda_function.py:33")
    }

    @Test func nodeLambdaJSONErrorLine() throws {
        // Node in Lambda's JSON log format: errorType, errorMessage and stackTrace at the top.
        let line1 = #"{"time":"2026-11-24T10:00:00.000Z","type":"platform.start","record":{"requestId":"nj1","version":"$LATEST"}}"#
        let envJSON = env("EN3", "LaunchRequest").replacingOccurrences(of: "\"", with: "\\\"")
        let line2 = #"{"timestamp":"2026-11-24T10:00:00.010Z","level":"INFO","requestId":"nj1","message":"\#(envJSON)"}"#
        let line3 = #"{"timestamp":"2026-11-24T10:00:00.020Z","level":"ERROR","requestId":"nj1","message":"Invoke Error","errorType":"Error","errorMessage":"DynamoDB: ProvisionedThroughputExceededException","stackTrace":["Error: DynamoDB: ProvisionedThroughputExceededException","    at save (/var/task/src/store.js:12:11)","    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)"]}"#
        let line4 = #"{"time":"2026-11-24T10:00:00.030Z","type":"platform.report","record":{"requestId":"nj1","metrics":{"durationMs":20.0},"status":"error"}}"#
        let x = try #require(try RawRun.text([line1, line2, line3, line4].joined(separator: "\n")).record("EN3"))
        #expect(x["errorType"] as? String == "Error")
        #expect(x["errorMessage"] as? String == "DynamoDB: ProvisionedThroughputExceededException")
        #expect(x["errorFrame"] as? String == "/var/task/src/store.js:12:11")
    }

    @Test func javaExceptionLine() throws {
        let id = "e1000000-0000-4000-8000-000000000004"
        let log = """
        START RequestId: \(id) Version: $LATEST
        2026-11-24 10:00:09 <\(id)> INFO  HelloWorldIntentHandler:24 - Request: \(env("EJ1", "IntentRequest", extra: #","intent":{"name":"HelloWorldIntent"}"#))
        2026-11-24 10:00:09 <\(id)> ERROR GenericExceptionHandler:18 - Error handled: java.lang.IllegalStateException: no greeting for locale de-DE
        \tat com.amazon.ask.util.ValidationUtils.assertNotNull(ValidationUtils.java:12)
        \tat com.example.HelloWorldIntentHandler.handle(HelloWorldIntentHandler.java:31)
        \tat com.amazon.ask.dispatcher.impl.DefaultRequestDispatcher.doDispatch(DefaultRequestDispatcher.java:103)
        \(report(id))
        """
        let x = try #require(try RawRun.text(log).record("EJ1"))
        #expect(x["outcome"] as? String == "error")
        #expect(x["errorType"] as? String == "java.lang.IllegalStateException")
        #expect(x["errorMessage"] as? String == "no greeting for locale de-DE")
        #expect(x["errorFrame"] as? String == "com.example.HelloWorldIntentHandler.handle(HelloWorldIntentHandler.java:31)")
    }

    @Test func dotnetFailLine() throws {
        let id = "e1000000-0000-4000-8000-000000000005"
        let log = """
        START RequestId: \(id) Version: $LATEST
        2026-11-24T10:00:10.150Z\t\(id)\tinfo\tRequest: \(env("ED1", "IntentRequest", extra: #","intent":{"name":"WeatherIntent"}"#))
        2026-11-24T10:00:10.170Z\t\(id)\tfail\tSystem.InvalidOperationException: weather service unavailable
           at System.Net.Http.HttpClient.SendAsync(HttpRequestMessage request) in /_/src/HttpClient.cs:line 500
           at Skill.Function.FunctionHandler(SkillRequest input, ILambdaContext context) in /src/Function.cs:line 40
        \(report(id))
        """
        let x = try #require(try RawRun.text(log).record("ED1"))
        #expect(x["errorType"] as? String == "System.InvalidOperationException")
        #expect(x["errorMessage"] as? String == "weather service unavailable")
        #expect(x["errorFrame"] as? String == "/src/Function.cs:40")
    }

    @Test func smartHomeErrorResponseMessage() throws {
        let id = "e1000000-0000-4000-8000-000000000006"
        let dir = #"{"directive":{"header":{"namespace":"Alexa.PowerController","name":"TurnOn","payloadVersion":"3","messageId":"ESH1","correlationToken":"tok1"},"endpoint":{"endpointId":"lamp-1"},"payload":{}}}"#
        let err = #"{"event":{"header":{"namespace":"Alexa","name":"ErrorResponse","payloadVersion":"3","messageId":"r1","correlationToken":"tok1"},"endpoint":{"endpointId":"lamp-1"},"payload":{"type":"ENDPOINT_UNREACHABLE","message":"Lamp lamp-1 is offline"}}}"#
        let log = """
        START RequestId: \(id) Version: $LATEST
        2026-11-24T10:00:00.010Z\t\(id)\tINFO\tDirective: \(dir)
        2026-11-24T10:00:00.020Z\t\(id)\tINFO\tResponse: \(err)
        \(report(id))
        """
        let x = try #require(try RawRun.text(log).record("ESH1"))
        #expect(x["errorType"] as? String == "ENDPOINT_UNREACHABLE")
        #expect(x["errorMessage"] as? String == "Lamp lamp-1 is offline")
        #expect(x["errorFrame"] == nil)
    }

    @Test func timeoutMessageAndSuccessCarriesNone() throws {
        let a = "e1000000-0000-4000-8000-000000000007", b = "e1000000-0000-4000-8000-000000000008"
        let log = """
        START RequestId: \(a) Version: $LATEST
        2026-11-24T10:00:00.010Z\t\(a)\tINFO\t\(env("ET1", "LaunchRequest"))
        2026-11-24T10:00:03.010Z \(a) Task timed out after 3.00 seconds
        END RequestId: \(a)
        REPORT RequestId: \(a)\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB
        START RequestId: \(b) Version: $LATEST
        2026-11-24T10:00:05.010Z\t\(b)\tINFO\t\(env("ET2", "LaunchRequest"))
        2026-11-24T10:00:05.011Z\t\(b)\tWARN\tTypeError: not an error level
        2026-11-24T10:00:05.012Z\t\(b)\tINFO\t\(resp("<speak>Hi</speak>"))
        \(report(b))
        """
        let r = try RawRun.text(log)
        let t = try #require(r.record("ET1"))
        #expect(t["outcome"] as? String == "no_response")
        #expect(t["errorMessage"] as? String == "Task timed out after 3.00 seconds")
        let ok = try #require(r.record("ET2"))
        #expect(ok["outcome"] as? String == "success")
        #expect(ok["errorMessage"] == nil && ok["errorFrame"] == nil)
    }

    @Test func messageIsCutAt500CharactersAndTokensAreMasked() throws {
        let id = "e1000000-0000-4000-8000-000000000009"
        let long = String(repeating: "é", count: 600)
        let log = """
        START RequestId: \(id) Version: $LATEST
        2026-11-24T10:00:00.010Z\t\(id)\tINFO\t\(env("EL1", "LaunchRequest"))
        2026-11-24T10:00:00.020Z\t\(id)\tERROR\tInvoke Error \t{"errorType":"Error","errorMessage":"\(long)","stack":[]}
        \(report(id))
        START RequestId: e1000000-0000-4000-8000-00000000000a Version: $LATEST
        2026-11-24T10:00:01.010Z\te1000000-0000-4000-8000-00000000000a\tINFO\t\(env("EL2", "LaunchRequest"))
        2026-11-24T10:00:01.020Z\te1000000-0000-4000-8000-00000000000a\tERROR\tError: profile call failed with Bearer Atza|IwEBIAbcdefghijklmnop for token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.sig
        \(report("e1000000-0000-4000-8000-00000000000a"))
        """
        let r = try RawRun.text(log)
        let m = try #require(r.record("EL1")?["errorMessage"] as? String)
        #expect(m.count == 500 && m.allSatisfy { $0 == "é" })
        let t = try #require(r.record("EL2")?["errorMessage"] as? String)
        #expect(!t.contains("IwEBIAbcdefghijklmnop") && !t.contains("eyJzdWIi"))
        #expect(t.hasPrefix("profile call failed with Bearer "))
    }

    @Test func canonicalRecordsKeepBothFieldsAndCSVHasTheirColumns() throws {
        let line = #"{"ts":"2026-11-24T10:00:00.000Z","messageId":"C1","outcome":"error","errorType":"TypeError","errorMessage":"a \"b\"","errorFrame":"/var/task/index.js:1:2"}"#
        let r = try Array(line.utf8).withUnsafeBytes { try RecordParser.parse($0) }
        #expect(r.string(r.errorMessage) == "a \"b\"")
        #expect(r.string(r.errorFrame) == "/var/task/index.js:1:2")
        let names = CanonicalFields.all.map(\.name)
        #expect(names.firstIndex(of: "errorMessage") == names.firstIndex(of: "errorType")! + 1)
        #expect(names.firstIndex(of: "errorFrame") == names.firstIndex(of: "errorType")! + 2)
    }

    @Test func lambdaJSONNoHandlerErrorLine() throws {
        // The ASK SDK's dispatcher error as a Lambda JSON error line: NoHandler, as in text logs.
        let line1 = #"{"time":"2026-11-24T10:00:00.000Z","type":"platform.start","record":{"requestId":"nh1","version":"$LATEST"}}"#
        let envJSON = env("ENH", "IntentRequest", extra: #","intent":{"name":"BookIntent"}"#).replacingOccurrences(of: "\"", with: "\\\"")
        let line2 = #"{"timestamp":"2026-11-24T10:00:00.010Z","level":"INFO","requestId":"nh1","message":"\#(envJSON)"}"#
        let line3 = #"{"timestamp":"2026-11-24T10:00:00.020Z","level":"ERROR","requestId":"nh1","message":"Invoke Error","errorType":"AskSdk.GenericRequestDispatcher Error","errorMessage":"Unable to find a suitable request handler.","stackTrace":["AskSdk.GenericRequestDispatcher Error: Unable to find a suitable request handler.","    at Object.createAskSdkError (/var/task/node_modules/ask-sdk-core/dist/util/AskSdkUtils.js:22:17)"]}"#
        let line4 = #"{"time":"2026-11-24T10:00:00.030Z","type":"platform.report","record":{"requestId":"nh1","metrics":{"durationMs":20.0},"status":"error"}}"#
        let x = try #require(try RawRun.text([line1, line2, line3, line4].joined(separator: "\n")).record("ENH"))
        #expect(x["errorType"] as? String == "NoHandler")
        #expect(x["errorMessage"] as? String == "Unable to find a suitable request handler.")
        #expect(x["errorFrame"] == nil)
    }
}

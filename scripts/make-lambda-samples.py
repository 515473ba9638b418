#!/usr/bin/env python3
"""Writes the raw-log samples of Samples/lambda/ (deterministic; no randomness).

Each sample imitates what the skill's Lambda really writes (research/alexa-domain.md 5-7):
Node.js text logs with pretty-printed envelopes, Python dict reprs, the Lambda JSON log format,
a CloudWatch export (gzip, continuation lines) and subscription payloads. The canonical records
expected from them are written by hand in Samples/lambda/expected/.
"""
import base64, gzip, io, json, os, sys

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "Samples", "lambda")
SKILL = "amzn1.ask.skill.7c1f6a52-3b2d-4d8e-9a61-5f0e2c4b8d10"
USER1 = "amzn1.ask.account.AHV4JQ2T5LMXKZ6YQ3N7P2RBWC"
USER2 = "amzn1.ask.account.AFX2M9PQ7RT3VWZ5K8L4NYBJDE"
DEV1 = "amzn1.ask.device.AEQ7YH3KD2NXW5PLM8RT4ZCBVA"
DEV2 = "amzn1.ask.device.AGB3LZ8WQ5NT2KXD7PRM9YCHVE"
TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.SECRET-API-ACCESS-TOKEN"

def rid(n): return f"amzn1.echo-api.request.6f1c0d2e-0000-4b7a-9c3d-{n:012d}"
def sid(n): return f"amzn1.echo-api.session.3a9e5b71-0000-4c2d-8e1f-{n:012d}"
def lid(n): return f"{n:08x}-5e4d-4c3b-9a2f-1b0c9d8e7f6a"

def envelope(n, type_, session, user=USER1, device=DEV1, new=False, ts="2026-11-24T10:00:00Z", locale="en-US", **req):
    e = {"version": "1.0"}
    if session is not None:
        e["session"] = {"new": new, "sessionId": sid(session), "application": {"applicationId": SKILL},
                        "attributes": {}, "user": {"userId": user, "accessToken": "Atza|LINKED-ACCOUNT-TOKEN"}}
    e["context"] = {"System": {"application": {"applicationId": SKILL}, "user": {"userId": user},
                               "device": {"deviceId": device, "supportedInterfaces": {}},
                               "apiEndpoint": "https://api.amazonalexa.com", "apiAccessToken": TOKEN}}
    r = {"type": type_, "requestId": rid(n), "timestamp": ts, "locale": locale}
    r.update(req)
    e["request"] = r
    return e

def intent(name, **slots):
    return {"name": name, "confirmationStatus": "NONE",
            "slots": {k: ({"name": k, "value": v, "confirmationStatus": "NONE"} if v is not None else {"name": k, "confirmationStatus": "NONE"}) for k, v in slots.items()}}

def response(ssml=None, reprompt=None, end=None, text=None):
    r = {}
    if ssml is not None: r["outputSpeech"] = {"type": "SSML", "ssml": ssml}
    if text is not None: r["outputSpeech"] = {"type": "PlainText", "text": text}
    if reprompt is not None: r["reprompt"] = {"outputSpeech": {"type": "SSML", "ssml": reprompt}}
    if end is not None: r["shouldEndSession"] = end
    return {"version": "1.0", "response": r, "userAgent": "ask-node/2.14.0 Node/v20.11.0", "sessionAttributes": {}}

def directive(ns, name, msg, corr="corr-token-A1==", endpoint="lamp-kitchen-1"):
    d = {"directive": {"header": {"namespace": ns, "name": name, "payloadVersion": "3", "messageId": msg},
                       "endpoint": {"scope": {"type": "BearerToken", "token": "Atza|SMART-HOME-BEARER-TOKEN"},
                                    "endpointId": endpoint, "cookie": {}}, "payload": {}}}
    if corr: d["directive"]["header"]["correlationToken"] = corr
    return d

def prop(ns, name, value, t="2026-11-24T10:20:00.20Z"):
    return {"namespace": ns, "name": name, "value": value, "timeOfSample": t, "uncertaintyInMilliseconds": 500}

def sh_event(ns, name, msg, corr, endpoint, payload, props):
    e = {"event": {"header": {"namespace": ns, "name": name, "payloadVersion": "3", "messageId": msg}, "endpoint": {"endpointId": endpoint}, "payload": payload}}
    if corr: e["event"]["header"]["correlationToken"] = corr
    if props is not None: e["context"] = {"properties": props}
    return e

def pretty(o): return json.dumps(o, indent=2)
def compact(o): return json.dumps(o, separators=(",", ":"))

def node_app(ts, l, msg, level="INFO"): return f"{ts}\t{lid(l)}\t{level}\t{msg}"
def start(l): return f"START RequestId: {lid(l)} Version: $LATEST"
def end(l): return f"END RequestId: {lid(l)}"
def report(l, dur, billed, mem=56, init=None):
    s = f"REPORT RequestId: {lid(l)}\tDuration: {dur} ms\tBilled Duration: {billed} ms\tMemory Size: 256 MB\tMax Memory Used: {mem} MB"
    return s + (f"\tInit Duration: {init} ms" if init else "")

# ---------------------------------------------------------------- lambda-text.log (Node.js)
def lambda_text():
    L = []
    L.append("INIT_START Runtime Version: nodejs:20.v33\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:0f1e2d3c")
    # 1. cold start, LaunchRequest, new session 1
    L += [start(1), node_app("2026-11-24T10:00:01.112Z", 1, "REQUEST ENVELOPE: " + pretty(envelope(1, "LaunchRequest", 1, new=True, ts="2026-11-24T10:00:01Z"))),
          node_app("2026-11-24T10:00:01.245Z", 1, "Response: " + compact(response(ssml="<speak>Welcome to Space Facts. You can ask for a fact, or say help.</speak>", reprompt="<speak>What would you like?</speak>", end=False))),
          end(1), report(1, "148.36", 149, 81, "412.72")]
    # 2. IntentRequest with a slot, same session; SSML with a break
    L += [start(2), node_app("2026-11-24T10:00:09.501Z", 2, "REQUEST ENVELOPE: " + pretty(envelope(2, "IntentRequest", 1, ts="2026-11-24T10:00:09Z", dialogState="COMPLETED", intent=intent("GetFactIntent", planet="mars", topic=None)))),
          node_app("2026-11-24T10:00:09.540Z", 2, "Response: " + compact(response(ssml="<speak>Here is your fact: <break time=\"1s\"/> Mars has two moons.</speak>", reprompt="<speak>Another fact?</speak>", end=False))),
          end(2), report(2, "38.91", 39, 82)]
    # 3+4. two concurrent invocations interleaved (user 2 launching; user 1 asking for help)
    L += [start(3), start(4),
          node_app("2026-11-24T10:00:20.010Z", 3, "REQUEST ENVELOPE: " + pretty(envelope(3, "LaunchRequest", 2, user=USER2, device=DEV2, new=True, ts="2026-11-24T10:00:20Z"))),
          node_app("2026-11-24T10:00:20.030Z", 4, "REQUEST ENVELOPE: " + pretty(envelope(4, "IntentRequest", 1, ts="2026-11-24T10:00:20Z", intent=intent("AMAZON.HelpIntent")))),
          node_app("2026-11-24T10:00:20.061Z", 4, "Response: " + compact(response(text="You can say tell me a fact, or, you can say exit.", end=False))),
          node_app("2026-11-24T10:00:20.095Z", 3, "Response: " + compact(response(ssml="<speak>Welcome back!<audio src=\"https://example.com/chime.mp3\"/> Ready?</speak>", end=False))),
          end(4), report(4, "45.5", 46, 83), end(3), report(3, "90.49", 91, 83)]
    # 5. no handler: the SDK throws, uncaught (Invoke Error)
    L += [start(5), node_app("2026-11-24T10:00:31.700Z", 5, "REQUEST ENVELOPE: " + pretty(envelope(5, "IntentRequest", 2, user=USER2, device=DEV2, ts="2026-11-24T10:00:31Z", intent=intent("BookFlightIntent", city="paris")))),
          node_app("2026-11-24T10:00:31.702Z", 5, 'Invoke Error \t{"errorType":"AskSdk.GenericRequestDispatcher Error","errorMessage":"Unable to find a suitable request handler.","stack":["AskSdk.GenericRequestDispatcher Error: Unable to find a suitable request handler.","    at Object.createAskSdkError (/var/task/node_modules/ask-sdk-core/dist/util/AskSdkUtils.js:22:17)"]}', "ERROR"),
          end(5), report(5, "6.03", 7, 83)]
    # 6. timeout (the line comes after the REPORT)
    L += [start(6), node_app("2026-11-24T10:00:40.000Z", 6, "REQUEST ENVELOPE: " + pretty(envelope(6, "IntentRequest", 1, ts="2026-11-24T10:00:39Z", intent=intent("GetFactIntent", planet="jupiter", topic="storms")))),
          end(6), report(6, "3003.45", 3000, 90), f"2026-11-24T10:00:43.004Z {lid(6)} Task timed out after 3.00 seconds"]
    # 7. session ended with an error, logged by the template's handler
    L += [start(7), node_app("2026-11-24T10:00:44.300Z", 7, "~~~~ Session ended: " + compact(envelope(7, "SessionEndedRequest", 1, ts="2026-11-24T10:00:44Z", reason="ERROR", error={"type": "ENDPOINT_TIMEOUT", "message": "The skill did not respond"}))),
          node_app("2026-11-24T10:00:44.303Z", 7, "Response: " + compact({"version": "1.0", "response": {}, "userAgent": "ask-node/2.14.0 Node/v20.11.0"})),
          end(7), report(7, "3.1", 4, 90)]
    # 8. a TypeError in a handler (uncaught)
    L += [start(8), node_app("2026-11-24T10:01:02.400Z", 8, "REQUEST ENVELOPE: " + pretty(envelope(8, "IntentRequest", 3, user=USER2, device=DEV2, new=True, ts="2026-11-24T10:01:02Z", intent=intent("GetFactIntent", planet="venus", topic=None)))),
          node_app("2026-11-24T10:01:02.409Z", 8, 'Invoke Error \t{"errorType":"TypeError","errorMessage":"Cannot read properties of undefined (reading \'facts\')","stack":["TypeError: Cannot read properties of undefined (reading \'facts\')","    at Object.handle (/var/task/index.js:41:33)"]}', "ERROR"),
          end(8), report(8, "12.5", 13, 90)]
    # 9. smart home: TurnOn and its response
    L += [start(9), node_app("2026-11-24T10:20:00.150Z", 9, "Directive: " + pretty(directive("Alexa.PowerController", "TurnOn", "4c8b1f0e-2d3a-4e5f-9a8b-7c6d5e4f3a21"))),
          node_app("2026-11-24T10:20:00.380Z", 9, "Response: " + compact(sh_event("Alexa", "Response", "9e2d4c6b-8a0f-4b1d-a3c5-e7f9b1d3f5a7", "corr-token-A1==", "lamp-kitchen-1", {}, [prop("Alexa.PowerController", "powerState", "ON")]))),
          end(9), report(9, "231.84", 232, 91)]
    return "\n".join(L) + "\n"

# ---------------------------------------------------------------- lambda-python.log
def pyrepr(o):
    return repr(o)

def lambda_python():
    L = ["INIT_START Runtime Version: python:3.12.v18\tRuntime Version ARN: arn:aws:lambda:eu-west-1::runtime:9a8b7c6d"]
    # 1. print(event) of a LaunchRequest; the SDK's response logged with logging
    e1 = envelope(11, "LaunchRequest", 11, new=True, ts="2026-11-24T11:00:00Z", locale="en-GB")
    L += [start(11), pyrepr(e1),
          f"[INFO]\t2026-11-24T11:00:00.218Z\t{lid(11)}\tResponse: " + pyrepr({"version": "1.0", "response": {"outputSpeech": {"type": "SSML", "ssml": "<speak>Welcome to the quiz. First question: what is the capital of France?</speak>"}, "reprompt": {"outputSpeech": {"type": "SSML", "ssml": "<speak>What is the capital of France?</speak>"}}, "shouldEndSession": False}}),
          end(11), report(11, "217.33", 218, 64, "301.07")]
    # 2. the SDK model's to_dict() (snake_case keys, datetime, enum reprs), an answer with a slot
    L += [start(12),
          f"[INFO]\t2026-11-24T11:00:07.512Z\t{lid(12)}\tRequest: {{'context': {{'system': {{'api_access_token': '{TOKEN}', 'application': {{'application_id': '{SKILL}'}}, 'device': {{'device_id': '{DEV1}', 'supported_interfaces': {{}}}}, 'user': {{'access_token': None, 'permissions': None, 'user_id': '{USER1}'}}}}}}, 'request': {{'dialog_state': <DialogState.COMPLETED: 'COMPLETED'>, 'intent': {{'confirmation_status': <IntentConfirmationStatus.NONE: 'NONE'>, 'name': 'AnswerIntent', 'slots': {{'answer': {{'confirmation_status': <SlotConfirmationStatus.NONE: 'NONE'>, 'name': 'answer', 'resolutions': None, 'slot_value': None, 'value': 'paris'}}}}}}, 'locale': 'en-GB', 'object_type': 'IntentRequest', 'request_id': '{rid(12)}', 'timestamp': datetime.datetime(2026, 11, 24, 11, 0, 7, tzinfo=tzutc())}}, 'session': {{'application': {{'application_id': '{SKILL}'}}, 'attributes': {{}}, 'new': False, 'session_id': '{sid(11)}', 'user': {{'access_token': None, 'user_id': '{USER1}'}}}}, 'version': '1.0'}}",
          f"[INFO]\t2026-11-24T11:00:07.561Z\t{lid(12)}\tResponse: " + pyrepr({"version": "1.0", "response": {"outputSpeech": {"type": "PlainText", "text": "Correct! It's Paris. Next: what's the largest ocean?"}, "reprompt": None, "shouldEndSession": False}}),
          end(12), report(12, "49.5", 50, 64)]
    # 3. an uncaught exception
    e3 = envelope(13, "IntentRequest", 11, ts="2026-11-24T11:00:15Z", locale="en-GB", intent=intent("AnswerIntent", answer=None))
    L += [start(13), pyrepr(e3),
          "[ERROR] KeyError: 'value'",
          "Traceback (most recent call last):",
          '  File "/var/task/lambda_function.py", line 48, in handle',
          "    answer = slots['answer']['value']",
          end(13), report(13, "8.81", 9, 64)]
    # 4. the user stops: SessionEndedRequest USER_INITIATED (no response logged: none needed)
    e4 = envelope(14, "SessionEndedRequest", 11, ts="2026-11-24T11:00:31Z", locale="en-GB", reason="USER_INITIATED")
    L += [start(14), f"[INFO]\t2026-11-24T11:00:31.077Z\t{lid(14)}\tSession ended: " + pyrepr(e4), end(14), report(14, "2.2", 3, 64)]
    return "\n".join(L) + "\n"

# ---------------------------------------------------------------- lambda-json.log
def jl(o): return json.dumps(o, separators=(",", ":"))

def lambda_json():
    L = [jl({"time": "2026-11-24T12:00:00.001Z", "type": "platform.initStart", "record": {"initializationType": "on-demand", "phase": "init", "runtimeVersion": "nodejs:20.v33", "runtimeVersionArn": "arn:aws:lambda:us-east-1::runtime:0f1e2d3c", "functionName": "space-facts", "functionVersion": "$LATEST"}})]
    def app(ts, l, msg, level="INFO"): return jl({"timestamp": ts, "level": level, "requestId": lid(l), "message": msg})
    def pstart(ts, l): return jl({"time": ts, "type": "platform.start", "record": {"requestId": lid(l), "version": "$LATEST"}})
    def pdone(ts, l, status="success"): return jl({"time": ts, "type": "platform.runtimeDone", "record": {"requestId": lid(l), "status": status}})
    def preport(ts, l, dur, billed, init=None, status="success"):
        m = {"durationMs": dur, "billedDurationMs": billed, "memorySizeMB": 256, "maxMemoryUsedMB": 77}
        if init is not None: m["initDurationMs"] = init
        return jl({"time": ts, "type": "platform.report", "record": {"requestId": lid(l), "metrics": m, "status": status}})
    # 1. ISP: Connections.Response after a Buy
    L += [pstart("2026-11-24T12:00:00.350Z", 21),
          app("2026-11-24T12:00:00.352Z", 21, "REQUEST ENVELOPE: " + compact(envelope(21, "Connections.Response", 21, new=True, ts="2026-11-24T12:00:00Z", name="Buy", status={"code": "200", "message": "OK"}, payload={"purchaseResult": "ACCEPTED", "productId": "amzn1.adg.product.9f8e7d6c-0000-4a1b-8c2d-3e4f5a6b7c8d", "message": "optional"}, token="correlationToken"))),
          app("2026-11-24T12:00:00.410Z", 21, "Response: " + compact(response(ssml="<speak>Thanks for buying the fact pack. Want a premium fact?</speak>", end=False))),
          pdone("2026-11-24T12:00:00.412Z", 21), preport("2026-11-24T12:00:00.413Z", 21, 61.82, 62, 322.5)]
    # 2. AudioPlayer event (no session object), response is empty
    L += [pstart("2026-11-24T12:00:30.000Z", 22),
          app("2026-11-24T12:00:30.002Z", 22, "REQUEST ENVELOPE: " + compact(envelope(22, "AudioPlayer.PlaybackStarted", None, ts="2026-11-24T12:00:29Z", token="track-42", offsetInMilliseconds=0))),
          app("2026-11-24T12:00:30.009Z", 22, "Response: " + compact({"version": "1.0", "response": {}})),
          pdone("2026-11-24T12:00:30.010Z", 22), preport("2026-11-24T12:00:30.011Z", 22, 9.4, 10)]
    # 3. timeout: platform.report status timeout
    L += [pstart("2026-11-24T12:01:00.000Z", 23),
          app("2026-11-24T12:01:00.004Z", 23, "REQUEST ENVELOPE: " + compact(envelope(23, "IntentRequest", 21, ts="2026-11-24T12:01:00Z", intent=intent("PremiumFactIntent")))),
          pdone("2026-11-24T12:01:08.004Z", 23, "timeout"), preport("2026-11-24T12:01:08.005Z", 23, 8000.0, 8000, None, "timeout")]
    # 4. skill event (AlexaSkillEvent.SkillEnabled), no response needed
    ev = {"version": "1.0", "context": {"System": {"application": {"applicationId": SKILL}, "user": {"userId": USER2}, "apiEndpoint": "https://api.amazonalexa.com", "apiAccessToken": TOKEN}},
          "request": {"type": "AlexaSkillEvent.SkillEnabled", "requestId": rid(24), "timestamp": "2026-11-24T12:02:00Z", "eventCreationTime": "2026-11-24T12:02:00Z", "eventPublishingTime": "2026-11-24T12:02:00Z"}}
    L += [pstart("2026-11-24T12:02:01.000Z", 24), app("2026-11-24T12:02:01.003Z", 24, {"msg": "skill event", "event": ev}),
          pdone("2026-11-24T12:02:01.005Z", 24), preport("2026-11-24T12:02:01.006Z", 24, 4.5, 5)]
    # 5. an error as a JSON log line (errorType at the top) and a CanFulfillIntentRequest
    L += [pstart("2026-11-24T12:03:00.000Z", 25),
          app("2026-11-24T12:03:00.002Z", 25, "REQUEST ENVELOPE: " + compact(envelope(25, "CanFulfillIntentRequest", 25, new=True, ts="2026-11-24T12:03:00Z", intent=intent("GetFactIntent", planet="saturn", topic=None)))),
          jl({"timestamp": "2026-11-24T12:03:00.050Z", "level": "ERROR", "requestId": lid(25), "message": "Invoke Error", "errorType": "Runtime.UnhandledPromiseRejection", "errorMessage": "Error: connect ETIMEDOUT", "stackTrace": ["Runtime.UnhandledPromiseRejection: Error: connect ETIMEDOUT"]}),
          pdone("2026-11-24T12:03:00.051Z", 25, "error"), preport("2026-11-24T12:03:00.052Z", 25, 50.5, 51, None, "error")]
    return "\n".join(L) + "\n"

# ---------------------------------------------------------------- cloudwatch-export.gz
def cw_export():
    L = []
    def ev(ts, text):
        lines = text.split("\n")
        L.append(f"{ts} {lines[0]}")
        L.extend(lines[1:])
    # 1. ReportState -> StateReport
    ev("2026-11-24T13:00:00.100Z", start(31))
    ev("2026-11-24T13:00:00.102Z", node_app("2026-11-24T13:00:00.102Z", 31, "Directive: " + pretty(directive("Alexa", "ReportState", "0d6f3b7a-1c2e-4f5a-8b9c-0a1b2c3d4e5f", corr="corr-token-RS1==", endpoint="thermo-hall"))))
    ev("2026-11-24T13:00:00.190Z", node_app("2026-11-24T13:00:00.190Z", 31, "Response: " + pretty(sh_event("Alexa", "StateReport", "5b7d9f1b-3d5f-4a7c-9e1b-3d5f7a9c1e3b", "corr-token-RS1==", "thermo-hall", {},
        [prop("Alexa.ThermostatController", "targetSetpoint", {"value": 21.5, "scale": "CELSIUS"}), prop("Alexa.TemperatureSensor", "temperature", {"value": 20.1, "scale": "CELSIUS"}), prop("Alexa.EndpointHealth", "connectivity", {"value": "OK"})]))))
    ev("2026-11-24T13:00:00.196Z", end(31))
    ev("2026-11-24T13:00:00.196Z", report(31, "95.12", 96, 70))
    # 2. a ChangeReport the skill sends to the event gateway (logged by a device-cloud webhook invocation)
    ev("2026-11-24T13:05:00.000Z", start(32))
    ev("2026-11-24T13:05:00.040Z", node_app("2026-11-24T13:05:00.040Z", 32, "Sending ChangeReport: " + pretty(sh_event("Alexa", "ChangeReport", "7f1a3c5e-9b2d-4e6f-8a1c-5e7a9c1e3a5c", None, "thermo-hall",
        {"change": {"cause": {"type": "PHYSICAL_INTERACTION"}, "properties": [prop("Alexa.ThermostatController", "targetSetpoint", {"value": 22.0, "scale": "CELSIUS"})]}},
        [prop("Alexa.TemperatureSensor", "temperature", {"value": 20.3, "scale": "CELSIUS"})]))))
    ev("2026-11-24T13:05:00.301Z", end(32))
    ev("2026-11-24T13:05:00.301Z", report(32, "300.7", 301, 72))
    # 3. an ErrorResponse
    ev("2026-11-24T13:06:00.000Z", start(33))
    ev("2026-11-24T13:06:00.003Z", node_app("2026-11-24T13:06:00.003Z", 33, "Directive: " + compact(directive("Alexa.ThermostatController", "SetTargetTemperature", "2a4c6e80-1b3d-4f5a-9c7e-0a2c4e6a8c0e", corr="corr-token-ST1==", endpoint="thermo-hall"))))
    ev("2026-11-24T13:06:00.950Z", node_app("2026-11-24T13:06:00.950Z", 33, "Response: " + compact(sh_event("Alexa", "ErrorResponse", "c3e5a7c9-2d4f-4b6d-8f0a-2c4e6a8c0e2a", "corr-token-ST1==", "thermo-hall", {"type": "ENDPOINT_UNREACHABLE", "message": "Thermostat is offline"}, None))))
    ev("2026-11-24T13:06:00.952Z", end(33))
    ev("2026-11-24T13:06:00.952Z", report(33, "951.38", 952, 72))
    # 4. System.ExceptionEncountered (a custom request in the same function's log)
    ev("2026-11-24T13:07:00.000Z", start(34))
    ev("2026-11-24T13:07:00.001Z", node_app("2026-11-24T13:07:00.001Z", 34, "REQUEST ENVELOPE: " + pretty(envelope(34, "System.ExceptionEncountered", None, ts="2026-11-24T13:07:00Z", error={"type": "INVALID_RESPONSE", "message": "Invalid SSML"}, cause={"requestId": rid(33)}))))
    ev("2026-11-24T13:07:00.004Z", end(34))
    ev("2026-11-24T13:07:00.004Z", report(34, "3.6", 4, 72))
    return ("\n".join(L) + "\n").encode()

# ---------------------------------------------------------------- subscription.ndjson
def subscription():
    def doc(stream, events, mt="DATA_MESSAGE"):
        return {"messageType": mt, "owner": "123456789012", "logGroup": "/aws/lambda/space-facts", "logStream": stream,
                "subscriptionFilters": ["to-archive"], "logEvents": [{"id": f"3{i:055d}", "timestamp": t, "message": m} for i, (t, m) in enumerate(events)]}
    s1 = "2026/11/24/[$LATEST]0a1b2c3d4e5f60718293a4b5c6d7e8f9"
    s2 = "2026/11/24/[$LATEST]f9e8d7c6b5a4938271605f4e3d2c1b0a"
    ms = lambda iso: None
    lines = []
    lines.append(jl({"messageType": "CONTROL_MESSAGE", "owner": "CloudwatchLogs", "logGroup": "", "logStream": "", "subscriptionFilters": [], "logEvents": [{"id": "", "timestamp": 1795521600000, "message": "CWL CONTROL MESSAGE: Checking health of destination Firehose."}]}))
    # 1. Discover (no correlation token) -> Discover.Response; its START in one document, the rest in the next
    disc = directive("Alexa.Discovery", "Discover", "b1d3f5a7-4c6e-4a8c-9e0a-4c6e8a0c2e4a", corr=None, endpoint=None)
    del disc["directive"]["endpoint"]
    disc["directive"]["payload"] = {"scope": {"type": "BearerToken", "token": "Atza|SMART-HOME-BEARER-TOKEN"}}
    lines.append(jl(doc(s1, [(1795528800000, "INIT_START Runtime Version: nodejs:20.v33\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:0f1e2d3c\n"),
                            (1795528800400, start(41) + "\n")])))
    lines.append(jl(doc(s1, [(1795528800402, node_app("2026-11-24T14:00:00.402Z", 41, "Directive: " + pretty(disc)) + "\n"),
                            (1795528800655, node_app("2026-11-24T14:00:00.655Z", 41, "Response: " + compact(sh_event("Alexa.Discovery", "Discover.Response", "d5f7b9d1-6e8a-4c0e-a2c4-6e8a0c2e4a6c", None, None, {"endpoints": [{"endpointId": "lamp-kitchen-1", "friendlyName": "Kitchen lamp", "capabilities": []}]}, None))) + "\n"),
                            (1795528800660, end(41) + "\n"),
                            (1795528800660, report(41, "258.9", 259, 88, "380.25") + "\n")])))
    # 2. TurnOff in the awslogs wrapper, another log stream
    inner = doc(s2, [(1795528860000, start(42) + "\n"),
                     (1795528860010, node_app("2026-11-24T14:01:00.010Z", 42, "Directive: " + compact(directive("Alexa.PowerController", "TurnOff", "e7a9c1e3-8f0b-4d2f-b4d6-8f0b2d4f6b8d", corr="corr-token-OFF==", endpoint="lamp-kitchen-1"))) + "\n"),
                     (1795528860090, node_app("2026-11-24T14:01:00.090Z", 42, "Response: " + compact(sh_event("Alexa", "Response", "f9b1d3f5-0a2c-4e6a-c8e0-0a2c4e6a8c0e", "corr-token-OFF==", "lamp-kitchen-1", {}, [prop("Alexa.PowerController", "powerState", "OFF")]))) + "\n"),
                     (1795528860093, end(42) + "\n"),
                     (1795528860093, report(42, "82.4", 83, 88) + "\n")])
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as g: g.write(jl(inner).encode())
    lines.append(jl({"awslogs": {"data": base64.b64encode(buf.getvalue()).decode()}}))
    # 3. a custom LaunchRequest in stream 1
    lines.append(jl(doc(s1, [(1795528920000, start(43) + "\n"),
                            (1795528920005, node_app("2026-11-24T14:02:00.005Z", 43, "REQUEST ENVELOPE: " + pretty(envelope(43, "LaunchRequest", 43, new=True, ts="2026-11-24T14:02:00Z", locale="de-DE"))) + "\n"),
                            (1795528920070, node_app("2026-11-24T14:02:00.070Z", 43, "Response: " + compact(response(ssml="<speak>Willkommen bei Weltraumfakten!</speak>", end=True))) + "\n"),
                            (1795528920071, end(43) + "\n"),
                            (1795528920071, report(43, "65.5", 66, 88) + "\n")])))
    return "\n".join(lines) + "\n"

os.makedirs(OUT, exist_ok=True)
open(os.path.join(OUT, "lambda-text.log"), "w").write(lambda_text())
open(os.path.join(OUT, "lambda-python.log"), "w").write(lambda_python())
open(os.path.join(OUT, "lambda-json.log"), "w").write(lambda_json())
with open(os.path.join(OUT, "cloudwatch-export.gz"), "wb") as f:
    with gzip.GzipFile(fileobj=f, mode="wb", mtime=0, filename="") as g: g.write(cw_export())
open(os.path.join(OUT, "subscription.ndjson"), "w").write(subscription())

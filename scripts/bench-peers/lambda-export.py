#!/usr/bin/env python3
"""W2 for scripts/bench: canonical records (stdin, as `sklog-gen` writes them) rewritten as what a
Node.js skill's Lambda function logs, in the shape of a CloudWatch Logs export (stdout): every
line `ISO-TIME MESSAGE`, a multi-line message continuing on lines of its own.

Per custom-skill request (other records are left out): a START line; up to three application
lines; `REQUEST ENVELOPE: ` and the envelope, pretty-printed with two-space indents (as
`JSON.stringify(x, null, 2)`) for 45 % of them, one line otherwise; then the response (`RESPONSE: `,
pretty for 20 %), or `Invoke Error` with the error object for failed requests; END; REPORT (with
an Init Duration for 4 %: cold starts). A request without a response (`outcome` no_response) ends
with END, REPORT and `Task timed out after N.00 seconds`. Envelopes carry what real ones carry:
context.System with an 880-byte apiAccessToken, the device's supportedInterfaces, a Viewport for
screen devices, a consentToken for a fifth of the users, the intent's slots.

    sklog-gen --records 2000000 --seed 42 | head -600000 | scripts/bench-peers/lambda-export.py | gzip -6 > w2.gz

--max-lines N stops after the invocation that holds line N (a prefix of the same output).
"""
import hashlib
import json
import random
import sys
import time

seed, max_lines = 8, 0
args = sys.argv[1:]
while args:
    if args[0] == "--seed": seed = int(args[1]); args = args[2:]
    elif args[0] == "--max-lines": max_lines = int(args[1]); args = args[2:]
    else: sys.exit("usage: lambda-export.py [--seed N] [--max-lines N] < canonical.ndjson")
rng = random.Random(seed)
TAIL = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImsxIn0."


def token(what, length):
    """A JWT-looking token of `length` body characters, derived from `what`."""
    d = hashlib.sha1(what.encode()).hexdigest()
    return TAIL + (d * (length // len(d) + 1))[:length] + "." + d[:40]


def when(ms):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000)) + ".%03dZ" % (ms % 1000)


def millis(ts):
    return int(time.mktime(time.strptime(ts[:19], "%Y-%m-%dT%H:%M:%S")) - time.timezone) * 1000 + int(ts[20:23])


def envelope(r):
    device = r.get("device") or {}
    interfaces = {name: {} for name in device.get("supportedInterfaces") or []}
    user = {"userId": r["userId"]}
    if rng.random() < 0.2:
        user["permissions"] = {"consentToken": token(r["userId"], 420)}
    context = {"System": {
        "application": {"applicationId": r["skillId"]},
        "user": user,
        "device": {"deviceId": device.get("deviceId", "amzn1.ask.device.UNKNOWN"), "supportedInterfaces": interfaces},
        "apiEndpoint": "https://api.amazonalexa.com",
        "apiAccessToken": token(r["messageId"], 880)}}
    if "AudioPlayer" in interfaces:
        context["AudioPlayer"] = {"playerActivity": "IDLE"}
    screen = device.get("viewport")
    if screen:
        w, h = screen.get("pixelWidth", 1024), screen.get("pixelHeight", 600)
        context["Viewport"] = {
            "experiences": [{"arcMinuteWidth": 246, "arcMinuteHeight": 144, "canRotate": False, "canResize": False}],
            "mode": "HUB", "shape": screen.get("shape", "RECTANGLE"), "pixelWidth": w, "pixelHeight": h,
            "dpi": screen.get("dpi", 160), "currentPixelWidth": w, "currentPixelHeight": h,
            "touch": ["SINGLE"], "video": {"codecs": ["H_264_42", "H_264_41"]}}
    kind = r["requestType"]
    request = {"type": kind, "requestId": r["messageId"], "timestamp": r["ts"][:19] + "Z", "locale": r.get("locale") or "en-US"}
    if kind == "IntentRequest":
        if rng.random() < 0.1:
            request["dialogState"] = "STARTED"
        request["intent"] = {"name": r.get("intent") or "UnknownIntent", "confirmationStatus": "NONE"}
        slots = r.get("slots") or {}
        if slots:
            request["intent"]["slots"] = {k: {"name": k, "value": v, "confirmationStatus": "NONE", "source": "USER"}
                                          for k, v in slots.items()}
    elif kind == "SessionEndedRequest":
        request["reason"] = "USER_INITIATED"
    else:
        request["shouldLinkResultBeReturned"] = False
    session = {"new": kind == "LaunchRequest", "sessionId": r.get("sessionId") or "amzn1.echo-api.session.UNKNOWN",
               "application": {"applicationId": r["skillId"]}, "attributes": {}, "user": {"userId": r["userId"]}}
    return {"version": "1.0", "session": session, "context": context, "request": request}


WORDS = ("here", "is", "your", "fact", "for", "today", "did", "you", "know", "that")


def response(r):
    text = " ".join(rng.choice(WORDS) for _ in range(max(1, (r.get("speechMs") or 1300) // 385)))
    body = {"outputSpeech": {"type": "SSML", "ssml": "<speak>" + text + "</speak>"}}
    if not r.get("endSession"):
        body["reprompt"] = {"outputSpeech": {"type": "SSML", "ssml": "<speak>What else?</speak>"}}
    body["shouldEndSession"] = bool(r.get("endSession"))
    return {"version": "1.0", "response": body, "userAgent": "ask-node/2.14.0 Node/v20.11.1", "sessionAttributes": {}}


def dump(value, pretty_share):
    if rng.random() < pretty_share:
        return json.dumps(value, indent=2)
    return json.dumps(value, separators=(",", ":"))


ERROR = json.dumps({"errorType": "TypeError", "errorMessage": "Cannot read properties of undefined (reading 'value')",
                    "stack": ["TypeError: Cannot read properties of undefined (reading 'value')",
                              "    at Object.handle (/var/task/index.js:42:51)"]}, separators=(",", ":"))
APP = ("Fetching user profile", "Cache hit for key user:{n}", "DynamoDB GetItem took {n} ms", "Handler: {kind}")


def main():
    lines = 0
    out = []
    for raw in sys.stdin:
        r = json.loads(raw)
        if r.get("requestType") not in ("LaunchRequest", "IntentRequest", "SessionEndedRequest") or not r.get("userId"):
            continue
        t0 = millis(r["ts"])
        latency = r.get("latencyMs") or 200
        h = hashlib.md5(r["messageId"].encode()).hexdigest()
        rid = "-".join((h[:8], h[8:12], h[12:16], h[16:20], h[20:32]))
        cold = rng.random() < 0.04
        out.append("%s START RequestId: %s Version: $LATEST\n" % (when(t0), rid))
        for k in range(rng.randrange(4)):
            t = when(t0 + k)
            out.append("%s %s\t%s\tINFO\t%s\n" % (t, t, rid, APP[k].format(n=rng.randrange(1000), kind=r["requestType"])))
        t = when(t0 + 1)
        out.append("%s %s\t%s\tINFO\tREQUEST ENVELOPE: %s\n" % (t, t, rid, dump(envelope(r), 0.45)))
        end = when(t0 + latency)
        if r.get("outcome") == "no_response":
            out.append("%s END RequestId: %s\n" % (end, rid))
            out.append("%s REPORT RequestId: %s\tDuration: %d.00 ms\tBilled Duration: %d ms\tMemory Size: 256 MB\tMax Memory Used: 91 MB\t\n"
                       % (end, rid, latency, latency))
            out.append("%s %s %s Task timed out after %d.00 seconds\n\n" % (end, end, rid, latency // 1000))
        else:
            if r.get("outcome") == "error":
                out.append("%s %s\t%s\tERROR\tInvoke Error \t%s\n" % (end, end, rid, ERROR))
            else:
                out.append("%s %s\t%s\tINFO\tRESPONSE: %s\n" % (end, end, rid, dump(response(r), 0.2)))
            cents = rng.randrange(1, 100)
            duration = "%d.%02d" % (latency - 1 if cents >= 50 else latency, cents)
            cold_part = "\tInit Duration: %d.%02d ms" % (rng.randrange(150, 900), rng.randrange(100)) if cold else ""
            out.append("%s END RequestId: %s\n" % (end, rid))
            out.append("%s REPORT RequestId: %s\tDuration: %s ms\tBilled Duration: %d ms\tMemory Size: 256 MB\tMax Memory Used: 91 MB%s\t\n"
                       % (end, rid, duration, latency, cold_part))
        text = "".join(out)
        out.clear()
        sys.stdout.write(text)
        if max_lines:
            lines += text.count("\n")
            if lines >= max_lines:
                break


if __name__ == "__main__":
    main()

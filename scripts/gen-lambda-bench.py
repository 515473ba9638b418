#!/usr/bin/env python3
"""Generates Lambda text logs for the raw-format benchmark (docs/formats.md, "Performance"):
Node.js style, a pretty-printed request envelope and a one-line response per invocation, cold
starts now and then, pairs of concurrent invocations interleaved. Deterministic.

    python3 scripts/gen-lambda-bench.py --mb 200 | gzip -6 > /tmp/lambda-bench.log.gz
"""
import argparse, datetime, json, sys

ap = argparse.ArgumentParser()
ap.add_argument("--mb", type=float, default=200)
args = ap.parse_args()
limit = int(args.mb * 1e6)
out = sys.stdout
SKILL = "amzn1.ask.skill.7c1f6a52-3b2d-4d8e-9a61-5f0e2c4b8d10"
INTENTS = ["GetFactIntent", "AMAZON.HelpIntent", "AMAZON.StopIntent", "PlayIntent", "AnswerIntent", "AMAZON.FallbackIntent"]
t0 = 1795514400000  # 2026-11-24T10:00:00Z

def iso(ms):
    d = datetime.datetime.fromtimestamp(ms // 1000, datetime.timezone.utc)
    return d.strftime("%Y-%m-%dT%H:%M:%S") + ".%03dZ" % (ms % 1000)

written = 0
n = 0
t = t0
x = 12345
def rnd():
    global x
    x = (x * 1103515245 + 12345) & 0x7fffffff
    return x

def invocation(i, t):
    lid = "%08x-5e4d-4c3b-9a2f-%012x" % (i, i * 7919)
    sess = i // 4
    intent = INTENTS[rnd() % len(INTENTS)]
    req = {"type": "IntentRequest" if i % 4 else "LaunchRequest", "requestId": "amzn1.echo-api.request.6f1c0d2e-%012d" % i,
           "timestamp": iso(t)[:19] + "Z", "locale": "en-US"}
    if i % 4:
        req["dialogState"] = "COMPLETED"
        req["intent"] = {"name": intent, "confirmationStatus": "NONE",
                         "slots": {"planet": {"name": "planet", "value": ["mars", "venus", "pluto"][i % 3], "confirmationStatus": "NONE",
                                              "resolutions": {"resolutionsPerAuthority": [{"authority": "amzn1.er-authority.echo-sdk." + SKILL + ".PLANET",
                                              "status": {"code": "ER_SUCCESS_MATCH"}, "values": [{"value": {"name": "mars", "id": "MARS"}}]}]}}}}
    env = {"version": "1.0",
           "session": {"new": i % 4 == 0, "sessionId": "amzn1.echo-api.session.3a9e5b71-%012d" % sess,
                       "application": {"applicationId": SKILL}, "attributes": {"count": i % 4, "lastFact": "Mars has two moons."},
                       "user": {"userId": "amzn1.ask.account.AHV4JQ2T5LMXKZ6YQ3N7P2RB%06d" % (sess % 5000)}},
           "context": {"Viewports": [{"type": "APL", "id": "main", "shape": "RECTANGLE", "dpi": 213, "presentationType": "STANDARD",
                                      "canRotate": False, "configuration": {"current": {"mode": "HUB", "video": {"codecs": ["H_264_42", "H_264_41"]},
                                      "size": {"type": "DISCRETE", "pixelWidth": 1280, "pixelHeight": 800}}}}],
                       "System": {"application": {"applicationId": SKILL},
                                  "user": {"userId": "amzn1.ask.account.AHV4JQ2T5LMXKZ6YQ3N7P2RB%06d" % (sess % 5000)},
                                  "device": {"deviceId": "amzn1.ask.device.AEQ7YH3KD2NXW5PLM8RT%06d" % (sess % 7000),
                                             "supportedInterfaces": {"AudioPlayer": {}, "Alexa.Presentation.APL": {"runtime": {"maxVersion": "2023.3"}}}},
                                  "apiEndpoint": "https://api.amazonalexa.com",
                                  "apiAccessToken": "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJhdWQiOiJodHRwczovL2FwaS5hbWF6b25hbGV4YS5jb20iLCJpc3MiOiJBbGV4YVNraWxsS2l0In0.SECRET"}},
           "request": req}
    resp = {"version": "1.0", "response": {"outputSpeech": {"type": "SSML", "ssml": "<speak>Here is your fact number %d. <break time=\"300ms\"/> Mars has two moons, Phobos and Deimos.</speak>" % i},
            "reprompt": {"outputSpeech": {"type": "SSML", "ssml": "<speak>Would you like another fact?</speak>"}}, "shouldEndSession": False},
            "userAgent": "ask-node/2.14.0 Node/v20.11.0", "sessionAttributes": {"count": i % 4 + 1}}
    return lid, "REQUEST ENVELOPE: " + json.dumps(env, indent=2), "Response: " + json.dumps(resp, separators=(",", ":"))

buf = []
while written < limit:
    a, b = n, n + 1
    la, ea, ra = invocation(a, t)
    lb, eb, rb = invocation(b, t + 5)
    cold = n % 200 == 0
    lines = []
    if cold:
        lines.append("INIT_START Runtime Version: nodejs:20.v33\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:0f1e2d3c")
    lines += ["START RequestId: %s Version: $LATEST" % la, "START RequestId: %s Version: $LATEST" % lb,
              "%s\t%s\tINFO\t%s" % (iso(t + 2), la, ea), "%s\t%s\tINFO\t%s" % (iso(t + 7), lb, eb),
              "%s\t%s\tINFO\t%s" % (iso(t + 40), la, ra), "%s\t%s\tINFO\t%s" % (iso(t + 52), lb, rb),
              "END RequestId: %s" % la,
              "REPORT RequestId: %s\tDuration: %d.%02d ms\tBilled Duration: %d ms\tMemory Size: 256 MB\tMax Memory Used: 80 MB%s"
              % (la, 38 + a % 50, a % 100, 39 + a % 50, "\tInit Duration: 412.72 ms" if cold else ""),
              "END RequestId: %s" % lb,
              "REPORT RequestId: %s\tDuration: %d.%02d ms\tBilled Duration: %d ms\tMemory Size: 256 MB\tMax Memory Used: 80 MB" % (lb, 45 + b % 40, b % 100, 46 + b % 40)]
    s = "\n".join(lines) + "\n"
    written += len(s)
    buf.append(s)
    if len(buf) >= 200:
        out.write("".join(buf)); buf = []
    n += 2
    t += 700 + rnd() % 900
out.write("".join(buf))

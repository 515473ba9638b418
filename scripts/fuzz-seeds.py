#!/usr/bin/env python3
"""Writes the fuzzers' seed corpora (Tests/FuzzCorpus/seeds/TARGET/) from the samples and the
shapes the tests use: one small file per seed, so that libFuzzer starts from real inputs.
Run again after the samples change; scripts/fuzz only reads the seeds."""
import base64, gzip, os, re, subprocess, sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
out = os.path.join(root, "Tests/FuzzCorpus/seeds")
S = lambda *p: os.path.join(root, "Samples", *p)

def write(target, name, data):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)

def invocations(text):
    """Splits a Lambda text log into chunks of one invocation (START .. REPORT)."""
    chunks, cur = [], []
    for line in text.splitlines(keepends=True):
        cur.append(line)
        if "REPORT RequestId:" in line or '"platform.report"' in line:
            chunks.append("".join(cur)); cur = []
    if cur:
        chunks.append("".join(cur))
    return chunks

def read(*p):
    with open(S(*p), encoding="utf-8") as f:
        return f.read()

# Canonical records: a few lines each.
lines = read("canonical", "small.ndjson").splitlines(keepends=True)
for i in range(0, len(lines), 4):
    write("ndjson", f"small-{i:03d}", "".join(lines[i:i + 4]))

for k, c in enumerate(invocations(read("lambda", "lambda-text.log"))[:16]):
    write("lambda-text", f"text-{k:02d}", c)
for k, c in enumerate(invocations(read("lambda", "lambda-python.log"))[:8]):
    write("lambda-text", f"python-{k:02d}", c)
for k, c in enumerate(invocations(read("lambda", "lambda-json.log"))[:16]):
    write("lambda-json", f"json-{k:02d}", c)

with gzip.open(S("lambda", "cloudwatch-export.gz"), "rt", encoding="utf-8") as f:
    export = f.read()
for k, c in enumerate(invocations(export)[:16]):
    write("cloudwatch-export", f"export-{k:02d}", c)
# The same events as `aws logs tail` prints them (the target reads them as tail text too):
# --format detailed (isoformat, the stream name) and --format short (whole seconds, no zone).
stamp = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d{3})?Z ", re.M)
stream = "2026/11/24/[$LATEST]0f1e2d3c4b5a69788796a5b4c3d2e1f0"
for k, c in enumerate(invocations(export)[:2]):
    write("cloudwatch-export", f"tail-detailed-{k:02d}",
          stamp.sub(lambda m: m.group(1) + (m.group(2) or ".000") + "000+00:00 " + stream + " ", c))
    write("cloudwatch-export", f"tail-short-{k:02d}", stamp.sub(lambda m: m.group(1) + " ", c))

# Subscription: mode byte 0 = lines as they are; 1 = the decoded payload (the harness
# gzips and base64s it); 2 = base64 of non-gzip bytes.
for k, line in enumerate(read("lambda", "subscription.ndjson").splitlines()[:12]):
    write("subscription", f"line-{k:02d}", b"\x00" + line.encode() + b"\n")
    m = re.search(r'"data":"([^"]+)"', line)
    if m:
        write("subscription", f"payload-{k:02d}", b"\x01" + gzip.decompress(base64.b64decode(m.group(1))))
    else:
        write("subscription", f"payload-{k:02d}", b"\x01" + line.encode())
write("subscription", "not-gzip", b"\x02hello")
# `aws logs filter-log-events --output json` (mode 0: the target reads it as the CLI's JSON too),
# its events the first invocation's log events in the export.
import json
messages = []
for l in invocations(export)[0].splitlines():
    if stamp.match(l):
        messages.append(stamp.sub("", l, count=1))
    elif messages:
        messages[-1] += "\n" + l
evs = [{"logStreamName": stream, "timestamp": 1795514400000 + i, "message": m + "\n", "ingestionTime": 1795514400900 + i,
        "eventId": "3770%052d" % i} for i, m in enumerate(messages)]
write("subscription", "filter-log-events", b"\x00" + json.dumps({"events": evs, "nextToken": "Bxkq"}, indent=4).encode() + b"\n")

csv = read("csv", "console-message-ids.csv")
write("csv", "console-ids", csv)
write("csv", "records", 'ts,Message ID,Session ID,Intent,Latency (ms),Status\n2026-11-24T10:00:00.000Z,amzn1.echo-api.request.1,S1,PlayIntent,120,success\n"2026-11-24 10:00:01",amzn1.echo-api.request.2,S1,"Stop, now",80,error\n')
insights = "@timestamp,@message,@logStream,@log\n" + "".join(
    '2026-11-24 10:00:00.%03d,"%s\n",%s,123456789012:/aws/lambda/space-facts\n' % (i, l.replace('"', '""'), stream)
    for i, l in reversed(list(enumerate(messages))))
write("csv", "insights", insights)
write("csv", "tsv", "timestamp\tmessageId\tlocale\n1795521600000\tM1\ten-US\n")

for k, c in enumerate(invocations(read("lambda", "lambda-python.log"))[:8]):
    for line in c.splitlines():
        if line.startswith("{'") or "{'" in line:
            write("python-repr", f"repr-{k:02d}", line[line.index("{"):])
            break
write("python-repr", "sdk-objects", "{'object_type': 'IntentRequest', 'request_id': 'R1', 'timestamp': datetime.datetime(2026, 11, 24, 10, 0, tzinfo=tzutc()), 'dialog_state': <DialogState.COMPLETED: 'COMPLETED'>, 'intent': {'name': 'X', 'slots': None}, 'values': (1, 2.5, -3e4, True, None)}")

for k, s in enumerate([
    "<speak>Here is your fact: <break time=\"1s\"/> Mars has two moons.</speak>",
    "<speak>One large flat white. <break time='500ms'/>Anything else?</speak>",
    "<speak><audio src='https://x/y.mp3'/>Welcome <prosody rate=\"slow\">back</prosody> <say-as interpret-as=\"digits\">123</say-as></speak>",
    "Plain text with &amp; entities and    spaces",
    "<speak><break time=\"10s\"/><break strength=\"x-strong\"/></speak>",
]):
    write("speech", f"ssml-{k}", s)

pattern = read("text", "webserver.pattern").strip()
write("pattern", "webserver", pattern + "\n" + read("text", "webserver.log"))
write("pattern", "epoch", r"^(?<ts>\d+) (?<messageId>\S+) (?<latencyMs>[-\d.e]+) (?<slots>\{.*\})?$" + "\n1795521600000 M1 12.5 {\"a\":\"b\"}\n1795521600 M2 1e3 \n")

# A partial state of sklog-metrics over the canonical sample.
exe = os.path.join(root, ".build/debug/sklog-metrics")
if os.path.exists(exe):
    for name, args in [("plain", []), ("by-day-locale", ["--period", "day", "--by", "locale"])]:
        p = subprocess.run([exe, "--partial", *args, S("canonical", "small.ndjson")], capture_output=True)
        if p.returncode == 0:
            write("partial", name, p.stdout)
else:
    print("fuzz-seeds: build first (swift build) for the partial-state seeds", file=sys.stderr)

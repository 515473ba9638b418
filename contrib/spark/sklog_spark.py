#!/usr/bin/env python3
"""Run the sklog tools on Apache Spark, with the output of one machine.

    spark-submit [spark options] sklog_spark.py [--bin DIR] [--partitions N] [--fan-in K]
                 JOB [sklog options] INPUT...

JOB is metrics, sessions, friction or ids. The sklog options are those of sklog-JOB, passed
through verbatim; INPUTs are files, directories or globs that Spark can read (file://, hdfs://,
s3a://). See docs/spark.md.

How it runs:
  1. Spark reads every input file (one element per file) and pipes its bytes through
     `sklog-cat` (any input format), which writes canonical NDJSON records and the file's
     accounting.
  2. The records are keyed like `sklog-cat --shard` (sessionId, else userId, else messageId),
     hash-partitioned so that every session (and every copy of a duplicated record) lands whole
     in one partition, and sorted inside it by record order (time, message ID, line).
  3. Each partition goes through the tool: `sklog-metrics --partial` (then a tree of
     `sklog-metrics --merge --partial`, and one final `--merge` in the requested format), or
     `sklog-sessions` / `sklog-friction` / `sklog-ids`, whose rows are merged into the order one
     machine writes them.
  4. The accounting of every step is data (never a Spark accumulator), so a retried task does
     not count twice; it is summed and printed as one machine prints it.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zlib

JOBS = ("metrics", "sessions", "friction", "ids")

# Options of the input stage (sklog-cat) only: how to read the raw files.
PARSE_OPTIONS = {"--input-format", "--pattern", "--pattern-file", "--ts-format"}
# Options of both stages: reordering and duplicates across files are decided again after the
# shuffle, with the same values.
BOTH_OPTIONS = {"--max-delay", "--dedup-window"}
# Options the driver itself handles.
DRIVER_OPTIONS = {"--rejects", "--strict", "-q", "--quiet", "--stdin-name", "--accounting"}
# Output options of sklog-metrics that only the final merge takes.
METRICS_OUTPUT_OPTIONS = {"--format", "--fail-if"}

ACCOUNTING_MARK = -(1 << 62)     # sort key of the accounting items (they go to partition 0)


class UsageError(Exception):
    pass


class ToolError(Exception):
    """A tool exited with an unexpected status; the message carries its standard error."""


# ---------------------------------------------------------------------------------------------
# Executables and their options


def tool_path(bin_dir, name):
    """The sklog executable `name`: in --bin DIR, shipped with spark-submit --files, or on PATH."""
    if bin_dir:
        return os.path.join(bin_dir, name)
    try:
        from pyspark import SparkFiles
        p = SparkFiles.get(name)
        if os.path.exists(p):
            if not os.access(p, os.X_OK):
                os.chmod(p, 0o755)
            return p
    except Exception:
        pass
    found = shutil.which(name)
    if not found:
        raise ToolError(f"{name} not found: pass --bin DIR, ship it with spark-submit --files, or put it on PATH")
    return found


def option_arity(exe):
    """Which options of `exe` take a value, and which spell the output file, read from --help
    (so that the driver follows the tools' own spelling of their options)."""
    text = subprocess.run([exe, "--help"], capture_output=True, text=True).stdout
    takes_value, names = set(), set()
    for line in text.splitlines():
        m = re.match(r"^\s{2}(-[\w-]+)(?:, (--[\w-]+))?( <[^>]+>)?", line)
        if not m:
            continue
        for n in (m.group(1), m.group(2)):
            if n:
                names.add(n)
                if m.group(3):
                    takes_value.add(n)
    output_file = {"-o", "--output-file"} if "--output-file" in names else {"-o", "--output"}
    return takes_value, output_file


def split_args(args, takes_value):
    """[(option, value or None)] and the positional arguments (the inputs)."""
    opts, inputs, i = [], [], 0
    while i < len(args):
        a = args[i]
        if a == "--":
            inputs.extend(args[i + 1:])
            break
        if a.startswith("-") and a != "-":
            name, eq, val = a.partition("=")
            if eq:
                opts.append((name, val))
            elif name in takes_value:
                if i + 1 >= len(args):
                    raise UsageError(f"{name} needs a value")
                opts.append((name, args[i + 1]))
                i += 1
            else:
                opts.append((name, None))
        else:
            inputs.append(a)
        i += 1
    return opts, inputs


def flatten(opts):
    out = []
    for k, v in opts:
        out.append(k)
        if v is not None:
            out.append(v)
    return out


# ---------------------------------------------------------------------------------------------
# Accounting (the sums of every stage, printed like one machine's)


def empty_accounting():
    return {"files": 0, "bytesRead": 0, "bytesDecoded": 0, "parsed": 0, "rejectedByReason": {},
            "duplicates": 0, "late": 0, "filteredOut": 0, "damage": []}


def add_accounting(total, a, counts=True, files=True):
    if files:
        total["files"] += a.get("files", 0)
        total["bytesRead"] += a.get("bytesRead", 0)
        total["bytesDecoded"] += a.get("bytesDecoded", 0)
    for k, v in a.get("rejectedByReason", {}).items():
        total["rejectedByReason"][k] = total["rejectedByReason"].get(k, 0) + v
    total["duplicates"] += a.get("duplicates", 0)
    total["late"] += a.get("late", 0)
    total["damage"] += a.get("damage", [])
    if counts:
        total["parsed"] += a.get("parsed", 0)
        total["filteredOut"] += a.get("filteredOut", 0)


def seen(a):
    return a["parsed"] + sum(a["rejectedByReason"].values()) + a["duplicates"]


def jstr(s):
    return json.dumps(s, ensure_ascii=False)


def accounting_json(a):
    """As Accounting.json writes it (the `accounting` member of sklog-ids --format json)."""
    rej = ",".join(f"{jstr(k)}:{v}" for k, v in sorted(a["rejectedByReason"].items()))
    return (f'{{"files":{a["files"]},"bytesRead":{a["bytesRead"]},"bytesDecoded":{a["bytesDecoded"]},'
            f'"recordsSeen":{seen(a)},"parsed":{a["parsed"]},"rejected":{sum(a["rejectedByReason"].values())},'
            f'"rejectedByReason":{{{rej}}},"duplicates":{a["duplicates"]},"late":{a["late"]},'
            f'"filteredOut":{a["filteredOut"]},"damage":[{",".join(jstr(d) for d in a["damage"])}]}}')


def partial_accounting_json(a):
    """As a partial state (schema sklog.metrics.partial/1) holds it."""
    rej = ",".join(f"{jstr(k)}:{v}" for k, v in sorted(a["rejectedByReason"].items()))
    return (f'{{"files":{a["files"]},"bytesRead":{a["bytesRead"]},"bytesDecoded":{a["bytesDecoded"]},'
            f'"parsed":{a["parsed"]},"rejectedByReason":{{{rej}}},"duplicates":{a["duplicates"]},'
            f'"late":{a["late"]},"filteredOut":{a["filteredOut"]},"damage":[{",".join(jstr(d) for d in a["damage"])}]}}')


def size_text(b):
    def one_decimal(v):
        r = v * 10
        i = int(r)
        if r - i >= 0.5:
            i += 1
        return f"{i // 10}.{i % 10}"
    if b < 10_000:
        return f"{b} B"
    if b < 10_000_000:
        return one_decimal(b / 1e3) + " kB"
    return one_decimal(b / 1e6) + " MB"


def summary_line(a):
    """Accounting.summaryLine."""
    f = a["files"]
    s = f"{f} file{'' if f == 1 else 's'}, {size_text(a['bytesRead'])} read"
    if a["bytesDecoded"] != a["bytesRead"]:
        s += f" ({size_text(a['bytesDecoded'])} decoded)"
    rej = a["rejectedByReason"]
    s += f"; {seen(a)} records seen: {a['parsed']} parsed, {sum(rej.values())} rejected"
    if rej:
        s += " (" + ", ".join(f"{k}: {v}" for k, v in sorted(rej.items())) + ")"
    s += f", {a['duplicates']} duplicates, {a['late']} late"
    if a["filteredOut"] > 0:
        s += f"; {a['filteredOut']} filtered out"
    if a["damage"]:
        n = len(a["damage"])
        s += f"; {n} damaged input{'' if n == 1 else 's'}"
    return s


def is_damaged(a):
    return bool(a["damage"]) or sum(a["rejectedByReason"].values()) > 0


# ---------------------------------------------------------------------------------------------
# Records: keys and order


def _days_from_civil(y, m, d):
    y -= m <= 2
    era = (y if y >= 0 else y - 399) // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def ts_ms(v):
    """Milliseconds since the epoch of a record's ts (canonical RFC 3339 fast, anything else
    through datetime)."""
    if isinstance(v, str) and len(v) == 24 and v[10] == "T" and v[19] == "." and v[23] == "Z":
        try:
            days = _days_from_civil(int(v[0:4]), int(v[5:7]), int(v[8:10]))
            return ((days * 24 + int(v[11:13])) * 60 + int(v[14:16])) * 60_000 + int(v[17:19]) * 1000 + int(v[20:23])
        except ValueError:
            pass
    if isinstance(v, (int, float)):
        return int(v)
    import datetime
    t = datetime.datetime.fromisoformat(str(v).replace("Z", "+00:00"))
    if t.tzinfo is None:
        t = t.replace(tzinfo=datetime.timezone.utc)
    return int(t.timestamp() * 1000 // 1)


def shard_key(rec):
    """The key of sklog-cat --shard: sessionId, else userId, else messageId."""
    for f in ("sessionId", "userId", "messageId"):
        v = rec.get(f)
        if isinstance(v, str):
            return v
    return ""


def partition_of(key, n):
    """Partition of an item key; the accounting items go to partition 0."""
    if key[0] == ACCOUNTING_MARK:
        return 0
    return zlib.crc32(key[3].encode("utf-8")) % n


# ---------------------------------------------------------------------------------------------
# Stage 1: one input file through sklog-cat


def display_name(uri):
    """The name one machine would print for the file: the local path for file: URIs."""
    if uri.startswith("file://"):
        return uri[len("file://"):]
    if uri.startswith("file:"):
        return uri[len("file:"):]
    return uri


def run_cat(item, conf):
    """(uri, bytes) -> the file's records as keyed items, and one accounting item."""
    uri, data = item
    name = display_name(uri)
    d = tempfile.mkdtemp(prefix="sklog-spark-")
    try:
        inp, out, acc, rej = (os.path.join(d, x) for x in ("in", "out", "acc.json", "rejects"))
        with open(inp, "wb") as f:
            f.write(data)
        del data
        cmd = [tool_path(conf["bin"], "sklog-cat"), "-q", "--stdin-name", name, "--accounting", acc]
        if conf["rejects"]:
            cmd += ["--rejects", rej]
        cmd += flatten(conf["cat_opts"]) + ["-"]
        with open(inp, "rb") as i, open(out, "wb") as o:
            p = subprocess.run(cmd, stdin=i, stdout=o, stderr=subprocess.PIPE)
        err = p.stderr.decode("utf-8", "replace")
        if p.returncode not in (0, 3):
            raise ToolError(f"sklog-cat exited {p.returncode} on {name}: {err.strip()}")
        with open(acc) as f:
            accounting = json.load(f)
        rejects = b""
        if conf["rejects"] and os.path.exists(rej):
            with open(rej, "rb") as f:
                rejects = f.read()
        yield ((ACCOUNTING_MARK, name, b"", ""), {"name": name, "accounting": accounting, "stderr": err, "rejects": rejects})
        with open(out, "rb") as f:
            for line in f:
                line = line.rstrip(b"\n")
                if not line:
                    continue
                rec = json.loads(line)
                mid = rec.get("messageId")
                yield ((ts_ms(rec.get("ts")), mid if isinstance(mid, str) else "", line, shard_key(rec)), None)
    finally:
        shutil.rmtree(d, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# Stage 2: one partition through the tool


SESSION_SUMMARY = re.compile(r"^sklog-[\w-]+: (\d+) sessions? \((\d+) reopened\), (\d+) records? without a session$")
SELECTED = re.compile(r"^sklog-ids: (\d+) message IDs? selected")
ACCOUNTING_LINE = re.compile(r"^sklog-[\w-]+: (merged \d+ partial states?: )?\d+ files?, ")


def run_tool(tool, args, records_path, conf, want_rc=(0,)):
    """Runs sklog-TOOL over the NDJSON file; returns (stdout bytes, stderr text, accounting)."""
    d = os.path.dirname(records_path)
    acc = os.path.join(d, f"acc-{tool}.json")
    out = os.path.join(d, f"out-{tool}")
    cmd = [tool_path(conf["bin"], f"sklog-{tool}"), "--input-format", "ndjson", "--accounting", acc] + args + ["-"]
    with open(records_path, "rb") as i, open(out, "wb") as o:
        p = subprocess.run(cmd, stdin=i, stdout=o, stderr=subprocess.PIPE)
    err = p.stderr.decode("utf-8", "replace")
    if p.returncode not in want_rc:
        raise ToolError(f"sklog-{tool} exited {p.returncode}: {err.strip()}")
    with open(out, "rb") as f:
        data = f.read()
    accounting = None
    if os.path.exists(acc):
        with open(acc) as f:
            accounting = json.load(f)
    return data, err, accounting, p.returncode


def stage2(index, items, conf):
    """One partition: accounting items pass through; the records go through the tool."""
    if conf.get("fail_first_attempt"):
        # Tests: every first attempt fails after reading its input, so only retries finish.
        from pyspark import TaskContext
        if TaskContext.get().attemptNumber() == 0:
            for _ in items:
                pass
            open(os.path.join(conf["fail_first_attempt"], f"failed-{index}"), "w").close()
            raise ToolError("first attempt failed on purpose (test of retries)")
    d = tempfile.mkdtemp(prefix="sklog-spark-")
    try:
        path = os.path.join(d, "records.ndjson")
        n = 0
        ts_of = {}            # messageId -> the distinct ts of its records (for sklog-ids rows)
        with open(path, "wb") as f:
            for key, value in items:
                if key[0] == ACCOUNTING_MARK:
                    yield ("A", value)
                    continue
                f.write(key[2])
                f.write(b"\n")
                n += 1
                if conf["job"] == "ids":
                    l = ts_of.setdefault(key[1], [])
                    if not l or l[-1] != key[0]:
                        l.append(key[0])
        if n == 0:
            return
        yield from JOB_STAGE2[conf["job"]](index, path, conf, ts_of)
    finally:
        shutil.rmtree(d, ignore_errors=True)


def tool_info(err, accounting, rc):
    info = {"accounting": accounting, "sessions": None, "selected": None, "rc": rc, "other": []}
    for line in err.splitlines():
        m = SESSION_SUMMARY.match(line)
        if m:
            info["sessions"] = tuple(int(x) for x in m.groups())
            continue
        m = SELECTED.match(line)
        if m:
            info["selected"] = int(m.group(1))
            continue
        if ACCOUNTING_LINE.match(line):
            continue
        info["other"].append(line)
    return info


def metrics_stage2(index, path, conf, _):
    data, err, _, rc = run_tool("metrics", ["--partial"] + conf["stage2_args"], path, conf)
    info = tool_info(err, None, rc)
    yield ("S", info)
    yield ("P", data)


def session_keys(path, conf):
    """(start, sessionId, messageIds) of every session of the partition, in output order, from an
    unredacted sklog-sessions run with the same options."""
    data, _, _, _ = run_tool("sessions", conf["key_args"] + ["-q"], path, conf)
    keys = []
    for line in data.splitlines():
        s = json.loads(line)
        keys.append((s["start"], s["sessionId"], s["messageIds"]))
    return keys


def sessions_stage2(index, path, conf, _):
    data, err, acc, rc = run_tool("sessions", conf["stage2_args"], path, conf)
    yield ("S", tool_info(err, acc, rc))
    lines = data.splitlines(keepends=True)
    if conf["csv"]:
        yield ("H", lines[0])
        lines = lines[1:]
    if conf["csv"] or conf["redact"]:
        keys = session_keys(path, conf)
        if len(keys) != len(lines):
            raise ToolError(f"partition {index}: {len(lines)} session rows but {len(keys)} sessions")
    else:
        keys = [(s["start"], s["sessionId"], None) for s in map(json.loads, lines)]
    for i, (line, k) in enumerate(zip(lines, keys)):
        yield ("O", (k[0], k[1], index, i), line)


def csv_cells(line):
    import csv
    return next(csv.reader([line.decode("utf-8")]))


def row_message_id(line, column):
    """The messageId of an output row: NDJSON when column is None, else that CSV column."""
    if column is not None:
        return csv_cells(line)[column]
    return json.loads(line)["messageId"]


def friction_stage2(index, path, conf, _):
    data, err, acc, rc = run_tool("friction", conf["stage2_args"], path, conf)
    yield ("S", tool_info(err, acc, rc))
    lines = data.splitlines(keepends=True)
    column = None
    if conf["csv"]:
        yield ("H", lines[0])
        column = csv_cells(lines[0]).index("messageId")
        lines = lines[1:]
    if not lines:
        return
    keys = session_keys(path, conf)
    # Events come session by session in the order of the sessions: walk both.
    k, members = 0, None
    for i, line in enumerate(lines):
        mid = row_message_id(line, column)
        while True:
            if k >= len(keys):
                raise ToolError(f"partition {index}: friction event {mid} belongs to no session")
            if members is None:
                members = set(keys[k][2])
            if mid in members:
                break
            k, members = k + 1, None
        yield ("O", (keys[k][0], keys[k][1], index, i), line)


def ids_stage2(index, path, conf, ts_of):
    data, err, acc, rc = run_tool("ids", conf["stage2_args"], path, conf, want_rc=(0, 1))
    yield ("S", tool_info(err, acc, rc))
    fmt = conf["ids_format"]
    used = {}

    def key(mid, i):
        if mid not in ts_of and mid.startswith("'"):
            mid = mid[1:]      # a CSV cell protected from spreadsheets
        k = used.get(mid, 0)
        used[mid] = k + 1
        l = ts_of.get(mid) or [0]
        return (l[min(k, len(l) - 1)], mid, index, i)

    if fmt == "json":
        doc = data.decode("utf-8")
        parts = json_members(doc)
        ids = json_array_items(doc, parts["ids"])
        recs = json_array_items(doc, parts["records"])
        yield ("H", doc[parts["criteria"][0]:parts["criteria"][1]].encode("utf-8"))
        for i, (raw_id, raw_rec) in enumerate(zip(ids, recs)):
            yield ("O", key(json.loads(raw_id), i), (raw_id.encode("utf-8"), raw_rec.encode("utf-8")))
        return
    lines = data.splitlines(keepends=True)
    if fmt == "csv":
        yield ("H", lines[0])
        lines = lines[1:]
    for i, line in enumerate(lines):
        mid = row_message_id(line, 0) if fmt == "csv" else line.rstrip(b"\n").decode("utf-8")
        yield ("O", key(mid, i), line)


JOB_STAGE2 = {"metrics": metrics_stage2, "sessions": sessions_stage2, "friction": friction_stage2, "ids": ids_stage2}


# ---------------------------------------------------------------------------------------------
# JSON text surgery that keeps the tools' bytes


def json_members(doc):
    """Top-level member name -> (start, end) of its value's text."""
    dec = json.JSONDecoder()
    out, i = {}, doc.index("{") + 1
    ws = re.compile(r"[ \t\r\n,]*")
    while True:
        i = ws.match(doc, i).end()
        if doc[i] == "}":
            return out
        name, i = dec.raw_decode(doc, i)
        i = ws.match(doc, i).end()
        assert doc[i] == ":"
        i = ws.match(doc, i + 1).end()
        _, end = dec.raw_decode(doc, i)
        out[name] = (i, end)
        i = end


def json_array_items(doc, span):
    """The raw text of each item of the array at doc[span]."""
    dec = json.JSONDecoder()
    ws = re.compile(r"[ \t\r\n,]*")
    i, end = span[0] + 1, span[1] - 1
    items = []
    while True:
        i = ws.match(doc, i).end()
        if i >= end:
            return items
        _, e = dec.raw_decode(doc, i)
        items.append(doc[i:e])
        i = e


def replace_accounting(partial, total):
    """The partial state with its accounting replaced by the whole run's."""
    span = json_members(partial)["accounting"]
    return partial[:span[0]] + partial_accounting_json(total) + partial[span[1]:]


# ---------------------------------------------------------------------------------------------
# Metrics: the merge tree


def merge_partials(items, conf):
    """Merges partial states (texts) with sklog-metrics --merge --partial."""
    items = list(items)
    if len(items) <= 1:
        yield from items
        return
    d = tempfile.mkdtemp(prefix="sklog-spark-")
    try:
        paths = []
        for i, t in enumerate(items):
            p = os.path.join(d, f"part-{i}.json")
            with open(p, "wb") as f:
                f.write(t)
            paths.append(p)
        cmd = [tool_path(conf["bin"], "sklog-metrics"), "--merge", "--partial", "-q"] + conf["merge_args"] + paths
        p = subprocess.run(cmd, capture_output=True)
        if p.returncode not in (0, 3):
            raise ToolError(f"sklog-metrics --merge exited {p.returncode}: {p.stderr.decode('utf-8', 'replace').strip()}")
        yield p.stdout
    finally:
        shutil.rmtree(d, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# The driver


def prepare(job, tool_args, bin_dir):
    """Splits the user's options between the stages; validates them on an empty input."""
    if job not in JOBS:
        raise UsageError(f"unknown job '{job}': one of {', '.join(JOBS)}")
    exe = tool_path(bin_dir, f"sklog-{job}")
    takes_value, output_file = option_arity(exe)
    cat_takes, _ = option_arity(tool_path(bin_dir, "sklog-cat"))
    opts, inputs = split_args(tool_args, takes_value | cat_takes)
    names = {k for k, _ in opts}
    if not inputs:
        raise UsageError("no input: give files, directories or globs (file://, hdfs://, s3a://)")
    cat_opts = [(k, v) for k, v in opts if k in PARSE_OPTIONS | BOTH_OPTIONS]
    drop = PARSE_OPTIONS | DRIVER_OPTIONS | output_file
    stage2 = [(k, v) for k, v in opts if k not in drop]
    conf = {
        "job": job, "bin": bin_dir, "cat_opts": cat_opts,
        "rejects": dict(opts).get("--rejects"),
        "strict": "--strict" in names,
        "quiet": "-q" in names or "--quiet" in names,
        "output": next((v for k, v in opts if k in output_file), None),
        "redact": "--redact" in names,
        "inputs": inputs,
    }
    if job == "metrics":
        conf["stage2_args"] = flatten([(k, v) for k, v in stage2 if k not in METRICS_OUTPUT_OPTIONS])
        conf["merge_args"] = conf["stage2_args"]
        conf["final_args"] = flatten(stage2)
        if "--partial" in names or "--merge" in names:
            raise UsageError("--partial and --merge are what the driver runs; leave them out")
    else:
        conf["stage2_args"] = flatten(stage2)
        fmt_opt = "--format" if job == "ids" or "--output-file" not in output_file else "--output"
        fmt = dict(stage2).get(fmt_opt)
        conf["csv"] = fmt == "csv"
        conf["ids_format"] = fmt or "ids"
        # The session keys come from an unredacted sklog-sessions run with the same options.
        session_names = {"--idle-timeout", "--barge-in-allowance", "--retry-window", "--min-confidence", "--model",
                         "--since", "--until", "--stage", "--locale", "--skill", "--products"} | BOTH_OPTIONS
        conf["key_args"] = flatten([(k, v) for k, v in stage2 if k in session_names])
        if job == "friction" and "--summary" in names:
            raise UsageError("friction --summary is a whole-input aggregate: use the metrics job (its friction metrics) instead")
        if job == "ids":
            slow = dict(stage2).get("--slow", "")
            if slow.lower().startswith("p"):
                raise UsageError("ids --slow pNN needs the percentile of the whole input: give --slow MS "
                                 "(the metrics job reports the percentiles)")
    # Validate the options on an empty input, on the driver, before any task runs.
    args = conf["stage2_args"] + (["--partial"] if job == "metrics" else [])
    p = subprocess.run([exe, "--input-format", "ndjson", "-q"] + args + ["-"], input=b"", capture_output=True)
    if p.returncode not in (0, 1):
        raise UsageError(p.stderr.decode("utf-8", "replace").strip())
    conf["empty_output"] = p.stdout
    return conf


def run_safely(sc, job, tool_args, err=None, **kw):
    """run(), with a failed task reported as the tool's standard error and exit status 2."""
    err = err or sys.stderr
    try:
        return run(sc, job, tool_args, err=err, **kw)
    except Exception as e:
        msg = str(e)
        m = re.search(r"ToolError: (.*?)(\n SQLSTATE|\n\s+at |$)", msg, re.S)
        if not m:
            raise
        err.write(f"sklog-spark: a task failed: {m.group(1).strip()}\n")
        return 2


def run(sc, job, tool_args, bin_dir=None, partitions=None, fan_in=16, out=None, err=None, fail_first_attempt=None):
    """Runs JOB over the inputs named in tool_args; writes the output and the summary; returns
    the exit status one machine would return. fail_first_attempt (tests): a directory; the first
    attempt of every stage-2 task leaves a file there and fails."""
    out = out or sys.stdout.buffer
    err = err or sys.stderr
    try:
        conf = prepare(job, tool_args, bin_dir)
    except (UsageError, ToolError) as e:
        err.write(f"sklog-spark: {e}\n")
        return 2
    conf["fail_first_attempt"] = fail_first_attempt
    name = f"sklog-{job}"
    files = sc.binaryFiles(",".join(conf["inputs"]))
    nparts = partitions or max(files.getNumPartitions(), sc.defaultParallelism)
    keyed = files.flatMap(lambda item: run_cat(item, conf))
    shuffled = keyed.repartitionAndSortWithinPartitions(nparts, lambda k: partition_of(k, nparts))
    results = shuffled.mapPartitionsWithIndex(lambda i, it: stage2(i, it, conf))
    from pyspark import StorageLevel
    results.persist(StorageLevel.MEMORY_AND_DISK)
    try:
        return finish(sc, job, name, conf, results, fan_in, out, err)
    finally:
        results.unpersist()


def finish(sc, job, name, conf, results, fan_in, out, err):
    infos = results.filter(lambda r: r[0] in ("A", "S", "H")).collect()
    files = sorted((v for t, v in infos if t == "A"), key=lambda v: v["name"])
    tools = [v for t, v in infos if t == "S"]
    total = empty_accounting()
    for f in files:
        add_accounting(total, f["accounting"], counts=False)
        for line in f["stderr"].splitlines():
            err.write(line + "\n")
    if conf["rejects"]:
        with open(conf["rejects"], "wb") as r:
            for f in files:
                r.write(f["rejects"])
    other = []
    for t in tools:
        for line in t["other"]:
            if line not in other:
                other.append(line)

    def counts_from(a):
        add_accounting(total, a, counts=True, files=False)

    if conf["strict"] and is_damaged(total):
        err.write(f"{name}: error: damaged input (--strict): no output written\n")
        return 2

    sink = open(conf["output"], "wb") if conf["output"] and conf["output"] != "-" else out
    try:
        if job == "metrics":
            parts = results.filter(lambda r: r[0] == "P").map(lambda r: r[1])
            n = len(tools)
            while n > fan_in:
                n = (n + fan_in - 1) // fan_in
                parts = parts.coalesce(n).mapPartitions(lambda it: merge_partials(it, conf))
            texts = parts.collect() or [conf["empty_output"]]
            merged = list(merge_partials(texts, conf))[0].decode("utf-8")
            stage2_acc = json.loads(merged[slice(*json_members(merged)["accounting"])])
            counts_from(stage2_acc)
            if not tools:      # no record at all: the empty run's accounting is not an input
                pass
            final = replace_accounting(merged, total)
            d = tempfile.mkdtemp(prefix="sklog-spark-")
            try:
                p_path = os.path.join(d, "merged.json")
                with open(p_path, "w") as f:
                    f.write(final)
                cmd = [tool_path(conf["bin"], "sklog-metrics"), "--merge"] + conf["final_args"] + [p_path]
                p = subprocess.run(cmd, capture_output=True)
            finally:
                shutil.rmtree(d, ignore_errors=True)
            sink.write(p.stdout)
            for line in p.stderr.decode("utf-8", "replace").splitlines():
                if not ACCOUNTING_LINE.match(line) and not conf["quiet"]:
                    err.write(line + "\n")
            if not conf["quiet"]:
                err.write(f"{name}: {summary_line(total)}\n")
            return p.returncode
        for t in tools:
            counts_from(t["accounting"])
        headers = [v for t, v in infos if t == "H"]
        rows = results.filter(lambda r: r[0] == "O").map(lambda r: (r[1], r[2])).sortByKey()
        selected = write_rows(job, conf, headers, rows, total, sink)
        if not conf["quiet"]:
            for line in other:
                err.write(line + "\n")
            if job in ("sessions", "friction"):
                s = [sum(t["sessions"][i] for t in tools if t["sessions"]) for i in range(3)]
                err.write(f"{name}: {s[0]} session{'' if s[0] == 1 else 's'} ({s[1]} reopened), "
                          f"{s[2]} record{'' if s[2] == 1 else 's'} without a session\n")
            if job == "ids":
                err.write(f"{name}: {selected} message ID{'' if selected == 1 else 's'} selected\n")
            err.write(f"{name}: {summary_line(total)}\n")
        if is_damaged(total):
            return 3
        if job == "ids" and selected == 0:
            return 1
        return 0
    finally:
        if sink is not out:
            sink.close()


def write_rows(job, conf, headers, rows, total, sink):
    """Writes the merged rows in one machine's order; returns how many there were."""
    n = 0
    if job == "ids" and conf["ids_format"] == "json":
        criteria = headers[0].decode("utf-8") if headers else json_criteria(conf["empty_output"])
        ids, recs = [], []
        for _, (i, r) in rows.toLocalIterator():
            ids.append(i.decode("utf-8"))
            recs.append(r.decode("utf-8"))
        n = len(ids)
        sink.write((f'{{"schema":"sklog.ids/1","criteria":{criteria},"count":{n},'
                    f'"ids":[{",".join(ids)}],"records":[{",".join(recs)}],'
                    f'"accounting":{accounting_json(total)}}}\n').encode("utf-8"))
        return n
    if conf.get("csv") or (job == "ids" and conf["ids_format"] == "csv"):
        sink.write(headers[0] if headers else conf["empty_output"].splitlines(keepends=True)[0])
    for _, line in rows.toLocalIterator():
        sink.write(line)
        n += 1
    return n


def json_criteria(doc):
    doc = doc.decode("utf-8")
    return doc[slice(*json_members(doc)["criteria"])]


class JvmStderr:
    """spark-submit merges the Python driver's standard error into its standard output; the
    summary goes to the JVM's standard error instead, so that standard output is the output."""
    def __init__(self, sc):
        self.stream = sc._jvm.System.err

    def write(self, s):
        self.stream.print(s)
        self.stream.flush()

    def flush(self):
        self.stream.flush()


USAGE = """usage: spark-submit [spark options] sklog_spark.py [--bin DIR] [--partitions N] [--fan-in K]
                    JOB [sklog options] INPUT...
JOB: metrics, sessions, friction or ids; the sklog options are sklog-JOB's (see docs/spark.md)."""


def main(argv):
    bin_dir, partitions, fan_in, i = None, None, 16, 0
    while i < len(argv) and argv[i].startswith("--") and argv[i] in ("--bin", "--partitions", "--fan-in"):
        if i + 1 >= len(argv):
            print(USAGE, file=sys.stderr)
            return 2
        v = argv[i + 1]
        if argv[i] == "--bin":
            bin_dir = os.path.abspath(v)
        elif argv[i] == "--partitions":
            partitions = int(v)
        else:
            fan_in = max(2, int(v))
        i += 2
    if i >= len(argv) or argv[i] in ("-h", "--help"):
        print(USAGE, file=sys.stderr)
        return 0 if i < len(argv) else 2
    job, tool_args = argv[i], argv[i + 1:]
    from pyspark.sql import SparkSession
    spark = SparkSession.builder.appName(f"sklog {job}").getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    try:
        return run_safely(spark.sparkContext, job, tool_args, bin_dir=bin_dir, partitions=partitions, fan_in=fan_in,
                          err=JvmStderr(spark.sparkContext))
    finally:
        spark.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

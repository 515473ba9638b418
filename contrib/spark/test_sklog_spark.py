#!/usr/bin/env python3
"""End-to-end test of sklog_spark.py: the Spark jobs print, byte for byte, what one machine
prints over the same 8 gzip files of simulator traffic (and the simulator's ground truth agrees).

    python test_sklog_spark.py --bin .build/debug --work DIR [--master local[2]] [--only NAME]
    python test_sklog_spark.py --bin .build/debug --work DIR --expect-only metrics-day

Run by contrib/spark/test.sh (which scripts/test runs through the EndToEndTests).
"""

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import sklog_spark  # noqa: E402

RECORDS = 20000
FILES = 8


def output_format_option(bin_dir, tool):
    """THE one place that spells the output-format option of a tool: --format everywhere once
    the CLI says so (no --output-file in its help), --output for sessions and friction before."""
    if tool in ("metrics", "ids"):
        return "--format"
    help_text = subprocess.run([os.path.join(bin_dir, f"sklog-{tool}"), "--help"], capture_output=True, text=True).stdout
    return "--output" if "--output-file" in help_text else "--format"


def cases(bin_dir):
    s, f = output_format_option(bin_dir, "sessions"), output_format_option(bin_dir, "friction")
    return [
        # name, job, options
        ("metrics-day", "metrics", ["--format", "json", "--period", "day"]),
        ("metrics-json", "metrics", ["--format", "json"]),
        ("metrics-locale-csv", "metrics", ["--format", "csv", "--period", "day", "--by", "locale", "--since", "2026-11-03"]),
        ("metrics-fail-if", "metrics", ["--fail-if", "endpointLatencyP90>1", "--top", "5"]),
        ("sessions", "sessions", []),
        ("sessions-csv-redact", "sessions", [s, "csv", "--redact", "--idle-timeout", "5m"]),
        ("friction", "friction", ["--type", "barge_in,termination,unhandled"]),
        ("friction-csv", "friction", [f, "csv", "--locale", "en-US"]),
        ("ids-json", "ids", ["--failed", "--slow", "3000", "--format", "json"]),
        ("ids-csv", "ids", ["--session-outcome", "failed", "--format", "csv"]),
        ("ids", "ids", ["--friction", "termination", "--until", "2026-11-05"]),
    ]


def run_tool(bin_dir, job, args, files):
    p = subprocess.run([os.path.join(bin_dir, f"sklog-{job}")] + args + files, capture_output=True)
    return p.returncode, p.stdout, p.stderr.decode()


def generate(bin_dir, work):
    logs = os.path.join(work, "logs")
    truth = os.path.join(work, "truth.ndjson")
    if not os.path.exists(truth):
        shutil.rmtree(logs, ignore_errors=True)
        subprocess.run([os.path.join(bin_dir, "sklog-gen"), "--records", str(RECORDS), "--files", str(FILES),
                        "-o", logs + "/", "--truth", truth + ".tmp"], check=True, capture_output=True)
        os.rename(truth + ".tmp", truth)
    files = sorted(os.path.join(logs, n) for n in os.listdir(logs))
    assert len(files) == FILES, files
    with open(truth) as t:
        summary = [json.loads(line) for line in t if '"kind":"summary"' in line][0]
    return logs, files, summary


class Checker:
    def __init__(self):
        self.failures = []

    def check(self, cond, what):
        if not cond:
            self.failures.append(what)
            print(f"FAIL {what}", flush=True)


def compare(ck, name, one, spark):
    rc1, out1, err1 = one
    rc2, out2, err2 = spark
    ck.check(rc1 == rc2, f"{name}: exit status {rc2}, one machine {rc1}")
    ck.check(out1 == out2, f"{name}: output differs ({len(out2)} bytes, one machine {len(out1)})")
    ck.check(err1 == err2, f"{name}: standard error differs:\n--- one machine\n{err1}--- spark\n{err2}")
    ck.check(len(out1) > 0, f"{name}: empty output")


def truth_checks(ck, name, out, summary):
    """Figures from the simulator's ground truth, not from either program."""
    text = out.decode()
    if name == "metrics-json":
        m = json.loads(text)
        ck.check(m["total"]["metrics"]["totalSessions"] == summary["sessions"], f"{name}: totalSessions vs truth")
        ck.check(m["total"]["metrics"]["totalUtterances"] == summary["turns"], f"{name}: totalUtterances vs truth")
        ck.check(m["input"]["recordsSeen"] == summary["records"] + summary["duplicates"], f"{name}: recordsSeen vs truth")
        ck.check(m["input"]["duplicates"] == summary["duplicates"], f"{name}: duplicates vs truth")
        ck.check(m["input"]["files"] == FILES, f"{name}: files")
    if name == "sessions":
        lines = text.splitlines()
        ck.check(len(lines) == summary["sessions"], f"{name}: {len(lines)} sessions, truth {summary['sessions']}")
        outcomes = {}
        for line in lines:
            o = json.loads(line)["outcome"]
            outcomes[o] = outcomes.get(o, 0) + 1
        ck.check(outcomes == summary["sessionsByOutcome"], f"{name}: outcomes {outcomes} vs truth")
    if name == "friction":
        n = sum(summary["friction"][t] for t in ("barge_in", "termination", "unhandled"))
        ck.check(len(text.splitlines()) == n, f"{name}: {len(text.splitlines())} events, truth {n}")
    if name == "ids-json":
        ck.check(json.loads(text)["accounting"]["parsed"] == summary["records"], f"{name}: parsed vs truth")


def spark_run(sc, bin_dir, job, args, inputs, **kw):
    out, err = io.BytesIO(), io.StringIO()
    rc = sklog_spark.run_safely(sc, job, args + inputs, bin_dir=bin_dir, out=out, err=err, **kw)
    return rc, out.getvalue(), err.getvalue()


def damaged_copy(work, files):
    """The 8 files with one cut short in the middle (damage) and one garbage line (a reject)."""
    d = os.path.join(work, "damaged")
    if os.path.exists(d):
        shutil.rmtree(d)
    os.makedirs(d)
    out = []
    for i, f in enumerate(files):
        dst = os.path.join(d, os.path.basename(f))
        with open(f, "rb") as src:
            data = src.read()
        if i == 2:
            data = data[: len(data) // 2]
        if i == 5:
            import gzip
            data = data + gzip.compress(b"this is not a record\n")
        with open(dst, "wb") as o:
            o.write(data)
        out.append(dst)
    return d, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--master", default="local[2,2]")  # 2 threads, 2 attempts per task
    ap.add_argument("--only", action="append")
    ap.add_argument("--expect", help="write one machine's output of this case to WORK/expect-NAME and stop")
    a = ap.parse_args()
    bin_dir = os.path.abspath(a.bin)
    os.makedirs(a.work, exist_ok=True)
    logs, files, summary = generate(bin_dir, a.work)
    all_cases = cases(bin_dir)
    if a.expect:
        case = [c for c in all_cases if c[0] == a.expect][0]
        rc, out, err = run_tool(bin_dir, case[1], case[2], files)
        for ext, data in (("out", out), ("err", err.encode()), ("rc", str(rc).encode())):
            with open(os.path.join(a.work, f"expect-{a.expect}.{ext}"), "wb") as f:
                f.write(data)
        return 0

    from pyspark.sql import SparkSession
    spark = (SparkSession.builder.master(a.master).appName("sklog spark test")
             .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
             .getOrCreate())
    sc = spark.sparkContext
    sc.setLogLevel("OFF")
    sc.addPyFile(sklog_spark.__file__)
    ck = Checker()
    t0 = time.time()
    try:
        for name, job, args in all_cases:
            if a.only and name not in a.only:
                continue
            t = time.time()
            one = run_tool(bin_dir, job, args, files)
            got = spark_run(sc, bin_dir, job, args, [logs])
            compare(ck, name, one, got)
            truth_checks(ck, name, got[1], summary)
            print(f"done {name} ({time.time() - t:.1f} s)", flush=True)

        if not a.only or "damage" in a.only:
            # Damaged input: exit 3, the damage and the reject in the accounting, as one machine.
            ddir, dfiles = damaged_copy(a.work, files)
            for name, job, args in (("damage-metrics", "metrics", ["--format", "json"]),
                                    ("damage-ids", "ids", ["--failed", "--format", "json"])):
                one = run_tool(bin_dir, job, args, dfiles)
                got = spark_run(sc, bin_dir, job, args, [ddir])
                ck.check(one[0] == 3 and got[0] == 3, f"{name}: exit status {got[0]}, one machine {one[0]}, expected 3")
                ck.check(one[1] == got[1], f"{name}: output differs")
                last = lambda e: e.strip().splitlines()[-1] if e.strip() else ""
                ck.check(last(one[2]) == last(got[2]), f"{name}: summary {last(got[2])!r} vs {last(one[2])!r}")
                # By hand: the cut file's last, partial line and the garbage line are rejected.
                ck.check("2 rejected (invalid JSON: 2)" in last(got[2]) and last(got[2]).endswith("; 1 damaged input")
                         and "damage" in got[1].decode() and dfiles[2] in got[1].decode(),
                         f"{name}: damage not reported: {last(got[2])}")
                print(f"done {name}", flush=True)
            # --strict: status 2 and no output.
            one = run_tool(bin_dir, "sessions", ["--strict"], dfiles)
            got = spark_run(sc, bin_dir, "sessions", ["--strict"], [ddir])
            ck.check(one[0] == 2 and got[0] == 2 and got[1] == b"" and one[1] == b"", f"strict: {got[0]} {len(got[1])}")
            print("done strict", flush=True)

        if not a.only or "retry" in a.only:
            # Every first attempt of a stage-2 task fails: the retries must not count twice.
            # (--master local[N,F]: F attempts per task.)
            marks = os.path.join(a.work, "retry-marks")
            shutil.rmtree(marks, ignore_errors=True)
            os.makedirs(marks)
            for name, job, args in (all_cases[0], [c for c in all_cases if c[0] == "ids-json"][0]):
                one = run_tool(bin_dir, job, args, files)
                got = spark_run(sc, bin_dir, job, args, [logs], fail_first_attempt=marks, partitions=3)
                compare(ck, "retry-" + name, one, got)
                failed = len(os.listdir(marks))
                ck.check(failed >= 3, f"retry-{name}: {failed} first attempts failed, expected every one of 3")
                shutil.rmtree(marks)
                os.makedirs(marks)
            print("done retry", flush=True)

        if not a.only or "failure" in a.only:
            # A worker whose tool fails fails the job, with the tool's standard error.
            bad = os.path.join(a.work, "bad")
            os.makedirs(bad, exist_ok=True)
            with open(os.path.join(bad, "junk.log"), "wb") as f:
                f.write(b"\x00\x01 not a log format anyone knows\n" * 3)
            rc, out, err = spark_run(sc, bin_dir, "metrics", [], [bad])
            one = run_tool(bin_dir, "metrics", [], [os.path.join(bad, "junk.log")])
            tool_msg = one[2].strip().splitlines()[0] if one[2].strip() else "?"
            ck.check(rc == 2 and out == b"", f"failure: exit status {rc}")
            ck.check("sklog-cat exited 2" in err and tool_msg.split(": ", 1)[-1] in err,
                     f"failure: the tool's message is missing: {err!r} (one machine: {tool_msg!r})")
            print("done failure", flush=True)
    finally:
        spark.stop()
    print(f"{'FAILED' if ck.failures else 'passed'}: spark tests in {time.time() - t0:.0f} s", flush=True)
    return 1 if ck.failures else 0


if __name__ == "__main__":
    sys.exit(main())

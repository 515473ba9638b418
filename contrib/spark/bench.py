#!/usr/bin/env python3
"""One machine against Spark local[2] on the same gzip files (the table of docs/spark.md).

    PYSPARK_PYTHON=.build/venv-spark/bin/python .build/venv-spark/bin/python contrib/spark/bench.py \
        --bin .build/release --work /tmp/sklog-spark-bench [--records 200000] [--runs 3]

Wall times, medians of --runs alternating runs; the Spark figures are jobs in a warm
SparkSession (the JVM started once), plus one cold spark-submit of the metrics job.
"""

import argparse
import io
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import sklog_spark  # noqa: E402

JOBS = [
    ("metrics", ["--format", "json", "--period", "day"]),
    ("sessions", []),
    ("friction", []),
    ("ids", ["--failed", "--slow", "3000", "--format", "csv"]),
]


def gen(bin_dir, work, records, files):
    d = os.path.join(work, f"logs-{files}")
    if not os.path.isdir(d):
        subprocess.run([os.path.join(bin_dir, "sklog-gen"), "--records", str(records), "--files", str(files),
                        "-o", d + "/"], check=True, capture_output=True)
    return d, sorted(os.path.join(d, n) for n in os.listdir(d))


def timed(f):
    t = time.perf_counter()
    r = f()
    return time.perf_counter() - t, r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--records", type=int, default=200000)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    bin_dir = os.path.abspath(a.bin)
    os.makedirs(a.work, exist_ok=True)
    d8, f8 = gen(bin_dir, a.work, a.records, 8)
    d64, _ = gen(bin_dir, a.work, a.records, 64)
    size = sum(os.path.getsize(f) for f in f8)

    from pyspark.sql import SparkSession
    spark = (SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false").getOrCreate())
    sc = spark.sparkContext
    sc.setLogLevel("OFF")
    sc.addPyFile(sklog_spark.__file__)

    def one(job, args, files):
        p = subprocess.run([os.path.join(bin_dir, f"sklog-{job}")] + args + files, capture_output=True)
        return p.stdout

    def on_spark(job, args, inputs):
        out = io.BytesIO()
        rc = sklog_spark.run_safely(sc, job, args + inputs, bin_dir=bin_dir, out=out, err=io.StringIO())
        assert rc in (0, 1), rc
        return out.getvalue()

    on_spark("metrics", [], [d8])    # warm up the JVM and the Python workers
    print(f"{a.records} records, 8 gzip files, {size / 1e6:.1f} MB; {os.cpu_count()} cores; load "
          f"{os.getloadavg()[0]:.1f}", flush=True)
    print("| job | one machine s | Spark local[2] s | ratio | same output |")
    print("|---|---:|---:|---:|---|")
    for job, args in JOBS:
        t1, t2, same = [], [], True
        for _ in range(a.runs):
            t, o1 = timed(lambda: one(job, args, f8))
            t1.append(t)
            t, o2 = timed(lambda: on_spark(job, args, [d8]))
            t2.append(t)
            same = same and o1 == o2
        m1, m2 = statistics.median(t1), statistics.median(t2)
        print(f"| `{job} {' '.join(args)}`".rstrip() + f" | {m1:.2f} | {m2:.2f} | {m2 / m1:.1f} | {'yes' if same else 'NO'} |",
              flush=True)
    t8, t64 = [], []
    for _ in range(a.runs):
        t8.append(timed(lambda: on_spark("metrics", ["--format", "json"], [d8]))[0])
        t64.append(timed(lambda: on_spark("metrics", ["--format", "json"], [d64]))[0])
    m8, m64 = statistics.median(t8), statistics.median(t64)
    print(f"metrics on the same records in 8 files {m8:.2f} s, in 64 files {m64:.2f} s: "
          f"{(m64 - m8) / 56 * 1000:.0f} ms per extra file", flush=True)
    spark.stop()
    submit = os.path.join(os.path.dirname(sklog_spark.__file__), "sklog_spark.py")
    spark_home = os.path.dirname(__import__("pyspark").__file__)
    t, _ = timed(lambda: subprocess.run([os.path.join(spark_home, "bin", "spark-submit"), "--master", "local[2]",
                                         "--conf", "spark.ui.enabled=false", "--conf", "spark.log.level=ERROR",
                                         submit, "--bin", bin_dir, "metrics", "--format", "json", "--period", "day", d8],
                                        capture_output=True, check=True))
    print(f"cold spark-submit of the metrics job (JVM start included): {t:.2f} s", flush=True)


if __name__ == "__main__":
    sys.exit(main())

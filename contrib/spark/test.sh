#!/usr/bin/env bash
# The Spark tests of docs/spark.md, run by scripts/test (Tests/EndToEndTests/SparkTests.swift):
#   1. every job on local[2] (2 threads, 2 attempts per task) against one machine, byte for byte,
#      over 8 gzip files of simulator traffic (contrib/spark/test_sklog_spark.py);
#   2. the metrics job submitted with spark-submit --files to a standalone cluster on loopback
#      (one master, two workers), against one machine.
# pyspark goes into .build/venv-spark, created when missing and reused when present. Exit status 77
# (skipped) only when Java is absent.
#   contrib/spark/test.sh [BIN_DIR]        (default .build/debug)
# SKLOG_SPARK_KEEP=1 keeps the work folder; SKLOG_SPARK_ONLY_STANDALONE=1 runs only part 2.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=$(cd "${1:-.build/debug}" && pwd)
if ! command -v java >/dev/null 2>&1; then
  echo "SKIPPED: java not found (scripts/install-deps installs default-jre-headless; SKLOG_SPARK_TESTS=0 leaves it out): the Spark tests need Java 17"
  exit 77
fi
VENV="$PWD/.build/venv-spark"
if ! "$VENV/bin/python" -c 'import pyspark' >/dev/null 2>&1; then
  echo "installing pyspark into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check 'pyspark>=4,<5'
fi
PY="$VENV/bin/python"
export PYSPARK_PYTHON="$PY" PYSPARK_DRIVER_PYTHON="$PY" SPARK_LOCAL_IP=127.0.0.1
export SPARK_HOME; SPARK_HOME=$("$PY" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sklog-spark-test-XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  [ -n "${SKLOG_SPARK_KEEP:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT
quiet() { grep -v -E 'WARN|log4j|incubator modules|setLogLevel|default log level' || true; }

# 1. local
[ -n "${SKLOG_SPARK_ONLY_STANDALONE:-}" ] || "$PY" contrib/spark/test_sklog_spark.py --bin "$BIN" --work "$WORK" 2>&1 | quiet
[ "${PIPESTATUS[0]}" = 0 ] || { echo "FAILED: Spark local tests"; exit 1; }

# 2. standalone cluster on loopback: one master, two workers of one core each.
port() { "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
MP=$(port); MW=$(port)
"$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$MP" \
  --webui-port "$MW" > "$WORK/master.log" 2>&1 &
pids+=($!)
for i in 1 2; do
  "$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --cores 1 \
    --memory 1g --webui-port "$(port)" --work-dir "$WORK/worker-$i" "spark://127.0.0.1:$MP" \
    > "$WORK/worker-$i.log" 2>&1 &
  pids+=($!)
done
"$PY" - "$MW" <<'PYEOF'
import json, sys, time, urllib.request
for _ in range(180):
    try:
        if json.load(urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/json/", timeout=2)).get("aliveworkers") == 2:
            sys.exit(0)
    except Exception:
        pass
    time.sleep(0.5)
sys.exit("the standalone master did not see two workers in 90 s")
PYEOF
"$PY" contrib/spark/test_sklog_spark.py --bin "$BIN" --work "$WORK" --expect metrics-day
set +e
"$SPARK_HOME/bin/spark-submit" --master "spark://127.0.0.1:$MP" --conf spark.ui.enabled=false \
  --conf spark.ui.showConsoleProgress=false --conf spark.log.level=ERROR --files "$BIN/sklog-cat,$BIN/sklog-metrics" \
  contrib/spark/sklog_spark.py metrics --format json --period day "$WORK/logs" \
  > "$WORK/standalone.out" 2> "$WORK/standalone.err"
rc=$?
set -e
fail=0
[ "$rc" = "$(cat "$WORK/expect-metrics-day.rc")" ] || { echo "FAIL standalone: exit status $rc"; fail=1; }
cmp "$WORK/standalone.out" "$WORK/expect-metrics-day.out" || { echo "FAIL standalone: output differs"; fail=1; }
[ -s "$WORK/standalone.out" ] || { echo "FAIL standalone: empty output"; fail=1; }
want=$(tail -n 1 "$WORK/expect-metrics-day.err")
got=$(grep '^sklog-metrics: ' "$WORK/standalone.err" | tail -n 1)
[ "$got" = "$want" ] || { echo "FAIL standalone: summary '$got', one machine '$want'"; fail=1; }
for i in 1 2; do
  grep -q 'Asked to launch executor' "$WORK/worker-$i.log" || { echo "FAIL standalone: worker $i ran no executor"; fail=1; }
done
if [ "$fail" != 0 ]; then
  echo "--- spark-submit stderr"; quiet < "$WORK/standalone.err" | tail -n 40
  echo "FAILED: Spark standalone test"; exit 1
fi
echo "done standalone: metrics --format json --period day on spark://127.0.0.1:$MP (2 workers) = one machine"
echo "passed: Spark tests"

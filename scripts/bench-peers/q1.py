#!/usr/bin/env python3
"""Q1 of scripts/bench in one of three engines, reading the .gz of canonical records directly:

    q1.py chdb|duckdb|polars INPUT.gz IDS_OUT

Q1: total requests, distinct users, error rate (outcome other than success), requests per intent
("(none)" for none), the nearest-rank P50/P90/P99 of latencyMs (the ceil(q*n)-th smallest
value), and the messageIds of requests with outcome "error" or latencyMs over 3000, written to
IDS_OUT one a line. The summary is printed as JSON, the same from every engine. Each reads only
the five columns it needs, declared (no schema inference), with two threads. A record without an
outcome counts as no error; one without a latency is left out of the percentiles.
"""
import json
import sys

engine, src, ids_out = sys.argv[1], sys.argv[2], sys.argv[3]
QS = (0.5, 0.9, 0.99)


def nearest_rank(sorted_values):
    import math
    n = len(sorted_values)
    return [int(sorted_values[max(1, math.ceil(q * n)) - 1]) for q in QS]


if engine == "chdb":
    import chdb
    # ClickHouse's quantileExact* are not the nearest rank (they take index floor(q*n)): the
    # sorted latencies are indexed instead, 1-based.
    res = chdb.query("""
        SELECT total, users, error_rate,
               arrayMap(q -> lat[toUInt64(greatest(1, ceil(q * length(lat))))], [0.5, 0.9, 0.99]),
               intents, ids
        FROM (SELECT count() AS total, uniqExact(userId) AS users,
                     countIf(outcome != 'success') / count() AS error_rate,
                     arraySort(groupArray(latencyMs)) AS lat,
                     sumMap([ifNull(intent, '(none)')], [toUInt64(1)]) AS intents,
                     groupArrayIf(messageId, outcome = 'error' OR latencyMs > 3000) AS ids
              FROM file({src:String}, 'JSONEachRow',
                        'messageId String, userId String, intent Nullable(String), outcome Nullable(String), latencyMs Nullable(Int64)', 'gzip'))
        SETTINGS max_threads = 2, input_format_skip_unknown_fields = 1""", "JSONCompactEachRow", params={"src": src})
    total, users, error_rate, pct, (keys, counts), ids = json.loads(res.bytes())
    intents = dict(zip(keys, (int(c) for c in counts)))
    total, users, pct = int(total), int(users), [int(x) for x in pct]
elif engine == "duckdb":
    import duckdb
    con = duckdb.connect()
    con.execute("SET threads = 2")
    total, users, error_rate, pct, intents, ids = con.execute("""
        SELECT count(*), count(DISTINCT userId), count(*) FILTER (WHERE outcome <> 'success') / count(*),
               quantile_disc(latencyMs, [0.5, 0.9, 0.99]), histogram(coalesce(intent, '(none)')),
               list(messageId) FILTER (WHERE outcome = 'error' OR latencyMs > 3000)
        FROM read_ndjson($src, columns = {messageId: 'VARCHAR', userId: 'VARCHAR', intent: 'VARCHAR',
                                          outcome: 'VARCHAR', latencyMs: 'BIGINT'})""", {"src": src}).fetchone()
    intents = dict(intents)
elif engine == "polars":
    import polars as pl
    df = pl.scan_ndjson(src, schema={"messageId": pl.String, "userId": pl.String, "intent": pl.String,
                                     "outcome": pl.String, "latencyMs": pl.Int64}).collect()
    lat = pl.col("latencyMs")
    total, users, error_rate = df.select(pl.len(), pl.col("userId").n_unique(),
                                         (pl.col("outcome") != "success").fill_null(False).mean()).row(0)
    pct = nearest_rank(df["latencyMs"].drop_nulls().sort().to_list())
    intents = dict(df.group_by(pl.col("intent").fill_null("(none)")).agg(pl.len()).iter_rows())
    ids = df.filter((pl.col("outcome") == "error") | (lat > 3000))["messageId"].to_list()
else:
    sys.exit("engine: chdb, duckdb or polars")

with open(ids_out, "w") as f:
    f.write("".join(i + "\n" for i in ids or []))
print(json.dumps({"total": total, "users": users, "error_rate": round(error_rate, 9), "p_nearest_rank": pct,
                  "intents": dict(sorted(intents.items(), key=lambda kv: (-kv[1], kv[0]))),
                  "ids": len(ids or [])}, indent=1))

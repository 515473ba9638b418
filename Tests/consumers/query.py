"""The consumers of sklog's outputs, for the consumer tests (Tests/EndToEndTests/ConsumerTests.swift).

  query.py duckdb SQL        run SQL in DuckDB (files read with its own read_csv/read_json); rows as JSON
  query.py prometheus FILE   parse FILE with prometheus_client's text parser; families as JSON
"""
import json
import sys


def main():
    what = sys.argv[1]
    if what == "duckdb":
        import duckdb
        rows = duckdb.connect().sql(sys.argv[2]).fetchall()
        print(json.dumps([list(r) for r in rows], default=str))
    elif what == "prometheus":
        from prometheus_client.parser import text_string_to_metric_families
        with open(sys.argv[2]) as f:
            text = f.read()
        out = {}
        for fam in text_string_to_metric_families(text):
            out[fam.name] = {
                "type": fam.type,
                "samples": [[s.name, s.labels, s.value] for s in fam.samples],
            }
        print(json.dumps(out))
    else:
        sys.exit("unknown consumer " + what)


if __name__ == "__main__":
    main()

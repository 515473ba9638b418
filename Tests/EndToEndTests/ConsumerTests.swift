import Foundation
import Testing

/// The outputs loaded by the tools people load them into, not by our own parser: DuckDB's
/// read_csv/read_json, prometheus_client's parser and promtool, jq. Each query's answer is the
/// simulator's ground truth. The Python packages live in a venv under .build, made here when
/// missing.
@Suite(.serialized) struct Consumers {
    static let venv = Run.repo.appendingPathComponent(".build/venv").path
    static let python = venv + "/bin/python"
    static let packages = ["duckdb==2.0.1", "prometheus_client==0.26.0"]

    /// The venv with DuckDB and prometheus_client (made once; pip reaches PyPI).
    static let ready: Bool = {
        if (try? sh("'\(python)' -c 'import duckdb, prometheus_client'"))?.status == 0 { return true }
        let r = try? sh("python3 -m venv '\(venv)' && '\(venv)/bin/pip' install -q --disable-pip-version-check \(packages.joined(separator: " "))")
        return r?.status == 0
    }()

    /// Simulated logs and their ground truth, and every output the tests load.
    static let dir: String = {
        let d = temp("consumers-\(getpid())")
        try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        _ = try? sh("""
        cd '\(d)' && sklog-gen --records 3000 --days 10 --seed 13 -o data.ndjson.gz --truth truth.ndjson &&
        sklog metrics -q --format csv data.ndjson.gz > metrics.csv &&
        sklog metrics -q --period day --by intent --format csv data.ndjson.gz > metrics-day.csv &&
        sklog metrics -q --format json --by locale data.ndjson.gz > metrics.json &&
        sklog ids -q --failed --format csv data.ndjson.gz > ids.csv &&
        sklog sessions -q --format csv data.ndjson.gz > sessions.csv &&
        sklog metrics -q --format prometheus --by locale --by intent data.ndjson.gz > metrics.prom &&
        sklog cat -q data.ndjson.gz > records.ndjson
        """)
        return d
    }()

    /// The simulator's totals (the last line of the truth file).
    static var truth: [String: Any] {
        let text = (try? String(contentsOfFile: dir + "/truth.ndjson", encoding: .utf8)) ?? ""
        let last = text.split(separator: "\n").last.map { Data($0.utf8) } ?? Data()
        return (try? JSONSerialization.jsonObject(with: last)) as? [String: Any] ?? [:]
    }
    static func int(_ any: Any?) -> Int { (any as? NSNumber)?.intValue ?? -1 }

    static func duckdb(_ sql: String) throws -> [[Any]] {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = [Run.repo.appendingPathComponent("Tests/consumers/query.py").path, "duckdb", sql]
        p.currentDirectoryURL = URL(fileURLWithPath: dir)
        let o = Pipe(), e = Pipe()
        p.standardOutput = o; p.standardError = e
        try p.run()
        let (out, err) = Run.drain(o, e)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "DuckDB: \(String(decoding: err, as: UTF8.self))")
        return (try? JSONSerialization.jsonObject(with: out)) as? [[Any]] ?? []
    }

    @Test func theConsumersAreThere() {
        // The tests below are skipped without them; this one says so as a failure.
        #expect(Self.ready, "could not make \(Self.venv) with \(Self.packages.joined(separator: " "))")
        #expect(FileManager.default.isExecutableFile(atPath: "/usr/bin/jq"), "jq is missing (scripts/install-deps)")
    }

    @Test(.enabled(if: ready)) func metricsCSVInDuckDB() throws {
        let t = Self.truth
        let turns = Self.int(t["turns"])
        #expect(turns > 1000)
        let whole = try Self.duckdb("""
            SELECT value FROM read_csv('metrics.csv')
            WHERE period_start IS NULL AND metric = 'totalUtterances' AND dimension IS NULL
            """)
        #expect(whole.count == 1 && Self.int(whole.first?.first) == turns)
        // Long form pivots: the days' turns add up to the whole input's, per intent too.
        let days = try Self.duckdb("""
            SELECT sum(value) FILTER (WHERE dimension IS NULL),
                   sum(value) FILTER (WHERE dimension = 'intent=PlayIntent'),
                   count(DISTINCT period_start)
            FROM read_csv('metrics-day.csv')
            WHERE period_start IS NOT NULL AND metric = 'totalUtterances'
            """)
        let play = (t["intents"] as? [String: Any])?["PlayIntent"] as? [String: Any]
        #expect(Self.int(days.first?[0]) == turns)
        #expect(Self.int(days.first?[1]) == Self.int(play?["utterances"]))
        #expect(Self.int(days.first?[2]) >= 10)
    }

    @Test(.enabled(if: ready)) func metricsJSONInDuckDB() throws {
        let t = Self.truth
        let rows = try Self.duckdb("""
            SELECT schema, total.metrics.totalSessions, total.metrics.failedSessions,
                   total.metrics.uniqueCustomers, total.metrics.endpointFailures
            FROM read_json('metrics.json')
            """)
        let outcomes = t["sessionsByOutcome"] as? [String: Any]
        let endpoint = t["endpointResponses"] as? [String: Any]
        #expect(rows.count == 1)
        #expect(rows.first?[0] as? String == "sklog.metrics/1")
        #expect(Self.int(rows.first?[1]) == Self.int(t["sessions"]))
        #expect(Self.int(rows.first?[2]) == Self.int(outcomes?["failed"]))
        #expect(Self.int(rows.first?[3]) == Self.int(t["customers"]))
        #expect(Self.int(rows.first?[4]) == Self.int(endpoint?["failure"]))
    }

    @Test(.enabled(if: ready)) func idsCSVInDuckDB() throws {
        let endpoint = Self.truth["endpointResponses"] as? [String: Any]
        let rows = try Self.duckdb("""
            SELECT count(*), count(DISTINCT messageId),
                   count(*) FILTER (WHERE outcome NOT IN ('error', 'no_response')),
                   count(*) FILTER (WHERE latencyMs IS NULL OR typeof(latencyMs) NOT IN ('BIGINT', 'INTEGER'))
            FROM read_csv('ids.csv')
            """)
        // --failed lists the failed turns and smart home directives: the endpoint failures.
        #expect(Self.int(rows.first?[0]) == Self.int(endpoint?["failure"]))
        #expect(Self.int(rows.first?[1]) == Self.int(rows.first?[0]))
        #expect(Self.int(rows.first?[2]) == 0)
        #expect(Self.int(rows.first?[3]) == 0)
    }

    @Test(.enabled(if: ready)) func sessionsCSVInDuckDB() throws {
        let t = Self.truth
        let outcomes = t["sessionsByOutcome"] as? [String: Any] ?? [:]
        let rows = try Self.duckdb("""
            SELECT outcome, count(*), sum(turns) FROM read_csv('sessions.csv') GROUP BY outcome ORDER BY outcome
            """)
        var got: [String: Int] = [:]
        var turns = 0
        for r in rows { got[r[0] as? String ?? "?"] = Self.int(r[1]); turns += Self.int(r[2]) }
        #expect(got == outcomes.mapValues { Self.int($0) })
        #expect(turns == Self.int(t["turns"]))
        let typed = try Self.duckdb("SELECT typeof(start), typeof(durationMs), typeof(reopened) FROM read_csv('sessions.csv') LIMIT 1")
        #expect(typed.first as? [String] == ["TIMESTAMP WITH TIME ZONE", "BIGINT", "BOOLEAN"])
    }

    @Test(.enabled(if: ready)) func prometheusThroughItsParserAndPromtool() throws {
        let t = Self.truth
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.python)
        p.arguments = [Run.repo.appendingPathComponent("Tests/consumers/query.py").path, "prometheus", Self.dir + "/metrics.prom"]
        let o = Pipe()
        p.standardOutput = o
        try p.run()
        let out = o.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        let families = (try? JSONSerialization.jsonObject(with: out)) as? [String: [String: Any]] ?? [:]
        func value(_ family: String, _ sample: String, _ labels: [String: String] = [:]) -> Double? {
            let samples = families[family]?["samples"] as? [[Any]] ?? []
            return samples.first { $0[0] as? String == sample && ($0[1] as? [String: String] ?? [:]) == labels }.flatMap { ($0[2] as? NSNumber)?.doubleValue }
        }
        // Counters: the parser names the family without _total, the sample with it.
        #expect(families["sklog_utterances"]?["type"] as? String == "counter")
        #expect(value("sklog_utterances", "sklog_utterances_total") == Double(Self.int(t["turns"])))
        #expect(value("sklog_sessions", "sklog_sessions_total") == Double(Self.int(t["sessions"])))
        let play = ((t["intents"] as? [String: Any])?["PlayIntent"] as? [String: Any])?["utterances"]
        #expect(value("sklog_intent_utterances", "sklog_intent_utterances_total", ["intent": "PlayIntent"]) == Double(Self.int(play)))
        #expect(families["sklog_unique_customers"]?["type"] as? String == "gauge")
        #expect(value("sklog_unique_customers", "sklog_unique_customers") == Double(Self.int(t["customers"])))
        // Latencies in seconds: the P90 is the JSON's milliseconds / 1000.
        let ms = try Self.duckdb("SELECT total.metrics.endpointLatencyP90 FROM read_json('metrics.json')")
        #expect(value("sklog_endpoint_latency_p90_seconds", "sklog_endpoint_latency_p90_seconds") == Double(Self.int(ms.first?.first)) / 1000)
        // Every family is a counter or a gauge, and no label is the utterance text.
        for (name, f) in families {
            #expect(["counter", "gauge"].contains(f["type"] as? String ?? ""), "\(name)")
            for s in f["samples"] as? [[Any]] ?? [] { #expect((s[1] as? [String: String])?["utterance"] == nil, "\(name)") }
        }
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/promtool") {
            let lint = try sh("promtool check metrics < '\(Self.dir)/metrics.prom'")
            #expect(lint.status == 0 && lint.stdout.isEmpty && lint.stderr.isEmpty, "promtool: \(lint.stdout)\(lint.stderr)")
        }
    }

    @Test func catThroughJq() throws {
        let t = Self.truth
        let r = try sh("""
            cd '\(Self.dir)' && jq -c . records.ndjson | wc -l && wc -l < records.ndjson &&
            jq -r 'select(.requestType == "LaunchRequest" or .requestType == "IntentRequest") | .messageId' records.ndjson | sort -u | wc -l &&
            jq -s 'map(.messageId) | unique | length' records.ndjson
            """)
        #expect(r.status == 0, "\(r.stderr)")
        let n = r.lines.map { Int($0.trimmingCharacters(in: .whitespaces)) ?? -1 }
        #expect(n.count == 4)
        #expect(n[0] == n[1] && n[0] > 0)            // jq reads every line as one JSON value
        #expect(n[2] == Self.int(t["turns"]))        // the turns, each once
        #expect(n[3] == n[0])                        // each message ID once
    }
}

import Foundation
import XCTest

/// Memory bounds on hostile input: period buckets exist for records only (one record dated 9999
/// next to one from 2026 costs what two records cost), and the reorder window holds a bounded
/// number of records however many share one second. Every run is under an address-space cap
/// (`prlimit --as`), so that a regression fails fast instead of eating the machine.
final class HostileMemoryTests: XCTestCase {
    static let gib = 1 << 30

    /// `tool args` under an address-space cap of `cap` bytes and a time limit, standard output to
    /// `out` (a file, /dev/null by default), with extra environment variables.
    func capped(_ cap: Int, _ tool: String, _ args: [String], out: String = "/dev/null", env: [String: String?] = [:], seconds: Int = 20) throws -> Run {
        let quoted = args.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        // One malloc arena per thread reserves 64 MiB of address space each: how many threads
        // allocate at once depends on timing, so the cap would too. Two arenas make it steady.
        var env = env
        if env["MALLOC_ARENA_MAX"] == nil { env["MALLOC_ARENA_MAX"] = "2" }
        return try sh("exec /usr/bin/prlimit --as=\(cap) -- timeout \(seconds) \(tool) \(quoted) > '\(out)'", environment: env)
    }

    // MARK: Far dates

    /// A LaunchRequest of 2026 and an IntentRequest dated `date` (one user, two sessions).
    func twoRecords(_ date: String) -> String {
        let path = temp("far-\(date.prefix(4)).ndjson")
        writeFile(path, """
            {"ts":"2026-11-02T18:10:15.233Z","messageId":"amzn1.echo-api.request.a","requestType":"LaunchRequest","sessionId":"s1","userId":"u1","intent":null}
            {"ts":"\(date)","messageId":"amzn1.echo-api.request.b","requestType":"IntentRequest","sessionId":"s2","userId":"u1","intent":"HelloIntent"}

            """)
        return path
    }

    /// Expected bucket starts: the period of each record, in time order.
    static let starts: [String: [String: [String]]] = [
        "9999-12-31T10:00:00.000Z": [
            "15m": ["2026-11-02T18:00:00.000Z", "9999-12-31T10:00:00.000Z"],
            "hour": ["2026-11-02T18:00:00.000Z", "9999-12-31T10:00:00.000Z"],
            "day": ["2026-11-02T00:00:00.000Z", "9999-12-31T00:00:00.000Z"],
            // 2026-11-02 and 9999-12-27 are Mondays (9999-12-31 a Friday).
            "week": ["2026-11-02T00:00:00.000Z", "9999-12-27T00:00:00.000Z"],
        ],
        "0001-01-01T10:20:00.000Z": [
            "15m": ["0001-01-01T10:15:00.000Z", "2026-11-02T18:00:00.000Z"],
            "hour": ["0001-01-01T10:00:00.000Z", "2026-11-02T18:00:00.000Z"],
            "day": ["0001-01-01T00:00:00.000Z", "2026-11-02T00:00:00.000Z"],
            // 0001-01-01 is a Monday in the proleptic Gregorian calendar.
            "week": ["0001-01-01T00:00:00.000Z", "2026-11-02T00:00:00.000Z"],
        ],
    ]

    func json(_ path: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
    }

    func testMetricsPeriodsOfFarDatesAreTwoBuckets() throws {
        for (date, byPeriod) in Self.starts {
            let input = twoRecords(date)
            for (period, want) in byPeriod {
                let out = temp("far-metrics.json")
                let r = try capped(Self.gib, "sklog-metrics", ["--period", period, "--format", "json", input], out: out)
                XCTAssertEqual(r.status, 0, "\(date) \(period): \(r.stderr)")
                guard r.status == 0 else { continue }
                let buckets = try json(out)["buckets"] as! [[String: Any]]
                XCTAssertEqual(buckets.map { $0["start"] as? String ?? "" }, want, "\(date) \(period)")
            }
        }
    }

    func testTrendPeriodsOfFarDatesAreTwoAndNotCompared() throws {
        for (date, byPeriod) in Self.starts {
            let input = twoRecords(date)
            for (period, want) in byPeriod {
                let out = temp("far-trend.json")
                let r = try capped(Self.gib, "sklog-trend", ["--period", period, "--format", "json", input], out: out)
                XCTAssertEqual(r.status, 0, "\(date) \(period): \(r.stderr)")
                guard r.status == 0 else { continue }
                let periods = try json(out)["periods"] as! [[String: Any]]
                XCTAssertEqual(periods.count, 2, "\(date) \(period)")
                XCTAssertEqual(periods.compactMap { $0["start"] as? String }, want, "\(date) \(period)")
                // The second period does not follow the first: no change from a period not listed.
                if periods.count == 2, let change = periods[1]["change"] as? [String: Any], let u = change["utterances"] as? [String: Any] {
                    XCTAssertTrue(u["absolute"] is NSNull, "\(date) \(period): \(u)")
                }
            }
        }
    }

    func testReportOfFarDates() throws {
        for date in Self.starts.keys {
            let input = twoRecords(date)
            for period in ["hour", "day", "week"] {
                let out = temp("far-report.html")
                let r = try capped(Self.gib, "sklog-report", ["--period", period, "-o", out, input])
                XCTAssertEqual(r.status, 0, "\(date) \(period): \(r.stderr)")
                let html = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
                XCTAssertTrue(html.contains("</html>"), "\(date) \(period)")
            }
        }
    }

    func testPartialAndMergeOfFarDates() throws {
        for (date, byPeriod) in Self.starts {
            let input = twoRecords(date)
            let part = temp("far-part.json"), out = temp("far-merged.json")
            var r = try capped(Self.gib, "sklog-metrics", ["--period", "15m", "--partial", "-o", part, input])
            XCTAssertEqual(r.status, 0, r.stderr)
            r = try capped(Self.gib, "sklog-metrics", ["--merge", "--format", "json", part], out: out)
            XCTAssertEqual(r.status, 0, r.stderr)
            guard r.status == 0 else { continue }
            let buckets = try json(out)["buckets"] as! [[String: Any]]
            XCTAssertEqual(buckets.map { $0["start"] as? String ?? "" }, byPeriod["15m"]!, date)
        }
    }

    func testShortGapsAreStillListedEmpty() throws {
        // Records on Monday and Wednesday: Tuesday, with no record, is listed (zero utterances).
        let path = temp("gap.ndjson")
        writeFile(path, """
            {"ts":"2026-11-02T10:00:00.000Z","messageId":"a","requestType":"LaunchRequest","sessionId":"s1","userId":"u1"}
            {"ts":"2026-11-04T10:00:00.000Z","messageId":"b","requestType":"LaunchRequest","sessionId":"s2","userId":"u1"}

            """)
        let out = temp("gap.json")
        let r = try capped(Self.gib, "sklog-metrics", ["--period", "day", "--format", "json", path], out: out)
        XCTAssertEqual(r.status, 0, r.stderr)
        let buckets = try json(out)["buckets"] as! [[String: Any]]
        XCTAssertEqual(buckets.map { $0["start"] as? String ?? "" },
                       ["2026-11-02T00:00:00.000Z", "2026-11-03T00:00:00.000Z", "2026-11-04T00:00:00.000Z"])
    }

    // MARK: Reorder window

    /// One valid line repeated 1,000,000 times (about 350 kB of gzip): main held every copy
    /// (~470 MB) and fails under a 256 MiB cap; now a copy of a held record is dropped when read.
    func testRepeatedLineBombRunsInBoundedMemory() throws {
        let bomb = temp("bomb.ndjson.gz")
        let line = #"{"ts":"2026-11-02T18:10:15.233Z","messageId":"amzn1.echo-api.request.1","requestType":"LaunchRequest","sessionId":"s","userId":"u"}"#
        XCTAssertEqual(try sh("yes '\(line)' | head -n 1000000 | gzip -1 > '\(bomb)'").status, 0)
        let out = temp("bomb.out")
        let r = try capped(256 << 20, "sklog-cat", [bomb], out: out, seconds: 300)
        XCTAssertEqual(r.status, 0, String(r.stderr.suffix(2000)))
        XCTAssertEqual(try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").count, 1)
        XCTAssertTrue(r.stderr.contains("1000000 records seen: 1 parsed, 0 rejected, 999999 duplicates, 0 late\n"), r.stderr)
    }

    /// `n` distinct records in one second, in message ID order, gzip'd.
    func distinct(_ n: Int) throws -> String {
        let path = temp("distinct-\(n).ndjson.gz")
        let awk = #"awk 'BEGIN { for (i = 0; i < N; i++) printf "{\"ts\":\"2026-11-02T18:10:15.233Z\",\"messageId\":\"m%07d\",\"requestType\":\"LaunchRequest\"}\n", i }'"#
        XCTAssertEqual(try sh(awk.replacingOccurrences(of: "i < N", with: "i < \(n)") + " | gzip -1 > '\(path)'").status, 0)
        return path
    }

    /// 600,000 distinct records in one second: main held them all (~450 MB resident) and fails
    /// under a 320 MiB address-space cap; with a hold limit of 10,000 the window stays small (a
    /// debug build needs about 200 MiB of address space, most of it the libraries). Released
    /// early, in order: records L+1... push out one each, so n − L + 1 are released before the
    /// input ends; the other L − 1 at its end.
    func testManyRecordsInOneSecondAreReleasedEarly() throws {
        let n = 600_000, limit = 10_000
        let input = try distinct(n)
        for chunk in ["", "65536"] {
            let out = temp("distinct.out")
            let r = try capped(320 << 20, "sklog-cat", [input], out: out, env: ["SKLOG_HOLD_LIMIT": "\(limit)", "SKLOG_CHUNK_SIZE": chunk.isEmpty ? nil : chunk], seconds: 300)
            XCTAssertEqual(r.status, 0, String(r.stderr.suffix(2000)))
            XCTAssertTrue(r.stderr.contains("\(n) records seen: \(n) parsed, 0 rejected, 0 duplicates, 0 late (\(n - limit + 1) released early: the reorder window was full)"), r.stderr)
            // Every record, in order.
            let ids = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").map { l -> Substring in
                let s = l.range(of: "\"messageId\":\"")!.upperBound
                return l[s...].prefix(8)
            }
            XCTAssertEqual(ids.count, n)
            XCTAssertEqual(ids, ids.sorted())
        }
    }

    /// Below the limit nothing changes: the accounting has no "released early".
    func testNoEarlyReleaseBelowTheLimit() throws {
        let input = try distinct(5_000)
        let r = try capped(Self.gib, "sklog-cat", [input])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("5000 records seen: 5000 parsed, 0 rejected, 0 duplicates, 0 late\n"), r.stderr)
    }
}

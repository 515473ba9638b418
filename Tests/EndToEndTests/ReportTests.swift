import Foundation
import Testing

@Suite(.serialized) struct ReportEndToEnd {
    @Test func reportOnTheSampleIsSelfContained() throws {
        let html = temp("report-sample.html")
        let r = try Run.tool("sklog-report", ["-o", html, Run.sample("canonical/small.ndjson")])
        #expect(r.status == 0)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.contains("10 records seen"))
        let text = try String(contentsOfFile: html, encoding: .utf8)
        #expect(text.hasPrefix("<!DOCTYPE html>"))
        // No network: no external resources at all; the only URL is the SVG namespace.
        let urls = text.components(separatedBy: "http").dropFirst().map { String($0.prefix(30)) }.filter { !$0.hasPrefix("-equiv") }
        #expect(urls.allSatisfy { $0.hasPrefix("://www.w3.org/2000/svg") }, "\(urls)")
        #expect(!text.contains("<link") && !text.contains(" src=") && !text.contains("@import") && !text.contains("url("))
        // The worst IDs: the 8000 ms timeout is the slowest, and links to its session's turns.
        #expect(text.contains("amzn1.echo-api.request.0006"))
        #expect(text.contains("href=\"#session-"))
        #expect(text.contains("id=\"session-0\""))
        // Frequent friction utterances.
        #expect(text.contains("spiel etwas lautes"))
    }

    @Test func redactedReportHidesUtterancesAndSessionIDs() throws {
        let html = temp("report-redacted.html")
        let r = try Run.tool("sklog-report", ["-q", "--redact", "-o", html, Run.sample("canonical/small.ndjson")])
        #expect(r.status == 0)
        let text = try String(contentsOfFile: html, encoding: .utf8)
        #expect(!text.contains("spiel etwas lautes"))
        #expect(!text.contains("play yesterday"))
        #expect(!text.contains("amzn1.echo-api.session.B"))
        #expect(!text.contains("amzn1.ask.account"))
        #expect(text.contains("redacted-"))
    }

    @Test func standardOutputAndEmptyInput() throws {
        let r = try Run.tool("sklog-report", ["-q"], stdin: Data())
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("<!DOCTYPE html>"))
        #expect(r.stdout.contains("No sessions."))
        #expect(try Run.tool("sklog-report", ["--by", "month"], stdin: Data()).status == 2)
    }

    /// The JSON of one of the report's inline data scripts.
    static func embedded(_ html: String, _ id: String) throws -> Any {
        let open = try #require(html.range(of: "<script type=\"application/json\" id=\"\(id)\">"))
        let close = try #require(html[open.upperBound...].range(of: "</script>"))
        return try JSONSerialization.jsonObject(with: Data(html[open.upperBound..<close.lowerBound].utf8))
    }

    /// The per-locale and per-stage numbers behind the filters and the Locales section (counted by
    /// the report beside the engine) agree with `sklog metrics --period day --by locale --by stage`.
    @Test func localeAndStageNumbersAgreeWithTheMetricsEngine() throws {
        let logs = temp("report-segments.ndjson.gz"), html = temp("report-segments.html")
        #expect(try Run.tool("sklog-gen", ["--records", "4000", "--days", "6", "--seed", "31", "-o", logs]).status == 0)
        #expect(try Run.tool("sklog-report", ["-q", "-o", html, logs]).status == 0)
        let m = try Run.tool("sklog-metrics", ["-q", "--period", "day", "--by", "locale", "--by", "stage", "--format", "json", logs])
        let metrics = try #require(try JSONSerialization.jsonObject(with: m.out) as? [String: Any])
        let buckets = try #require(metrics["buckets"] as? [[String: Any]])
        let text = try String(contentsOfFile: html, encoding: .utf8)
        let filter = try #require(try Self.embedded(text, "filter-data") as? [String: Any])
        let segments = try #require(filter["segments"] as? [[String: Any]])
        #expect(segments.count > 3)
        func num(_ v: Any?) -> Double? { (v as? NSNumber)?.doubleValue }
        let pairs: [(String, String, (Double) -> Double)] = [
            ("utterances", "totalUtterances", { $0 }), ("sessions", "totalSessions", { $0 }), ("customers", "uniqueCustomers", { $0 }),
            ("failureRate", "endpointSuccessRate", { (1 - $0) * 100 }), ("latencyP50", "endpointLatencyP50", { $0 }),
            ("latencyP99", "endpointLatencyP99", { $0 }), ("failedSessions", "failedSessions", { $0 }), ("bargeIns", "bargeIns", { $0 }),
            ("estimatedSystemErrors", "estimatedSystemErrors", { $0 }), ("unhandledRequestsRate", "unhandledRequestsRate", { $0 }),
        ]
        var compared = 0
        for seg in segments.dropFirst() {
            let name = try #require(seg["name"] as? String)
            let parts = name.split(separator: " ", maxSplits: 1).map(String.init)
            let values = try #require(seg["v"] as? [String: [Any]])
            for (i, b) in buckets.enumerated() {
                let dims = b["dimensions"] as? [String: [String: [String: Any]]] ?? [:]
                let engine = dims[parts[0]]?[parts[1]]
                for (key, metric, f) in pairs {
                    let mine = num(values[key]?[i])
                    let theirs = num(engine?[metric]).map(f)
                    if let theirs {
                        #expect(mine != nil && abs(mine! - theirs) < 1e-3, "\(name) day \(i) \(key): \(mine.map { "\($0)" } ?? "nil") vs \(theirs)")
                        compared += 1
                    } else if engine != nil, ["failureRate", "latencyP50", "latencyP99", "unhandledRequestsRate"].contains(key) {
                        #expect(mine == nil, "\(name) day \(i) \(key): \(mine!) where the engine has none")
                    }
                }
            }
        }
        #expect(compared > 200)
        // The Locales section's table over the whole input.
        let charts = try #require(try Self.embedded(text, "chart-data") as? [String: String])
        let rows = try #require(charts["locales"]).split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let whole = (metrics["total"] as? [String: Any])?["dimensions"] as? [String: [String: [String: Any]]]
        #expect(!rows.isEmpty)
        for r in rows {
            let e = try #require(whole?["locale"]?[r[0]])
            #expect(Double(r[1]) == num(e["uniqueCustomers"]) && Double(r[2]) == num(e["totalUtterances"]) && Double(r[3]) == num(e["totalSessions"]), "\(r)")
            #expect(abs(Double(r[4])! - (1 - num(e["endpointSuccessRate"])!) * 100) < 1e-4 && Double(r[5]) == num(e["endpointLatencyP90"]), "\(r)")
        }
    }
}

import Foundation
import Testing

/// `sklog metrics` shows a screenful by default and everything with --full; the table is a view
/// of the same numbers as --format json, which this test uses as the reference.
@Suite struct MetricsScreen {
    static let input = Run.sample("canonical/two-weeks.ndjson.gz")

    static func json() throws -> [String: Any] {
        let r = try Run.tool("sklog-metrics", ["-q", "--format", "json", input])
        let doc = try JSONSerialization.jsonObject(with: r.out) as! [String: Any]
        return (doc["total"] as! [String: Any])["metrics"] as! [String: Any]
    }

    /// The rows of the table titled `title` (up to the next blank or less-indented line).
    static func rows(_ text: String, after title: String) -> [[String]] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let t = lines.firstIndex(where: { $0.hasPrefix("  " + title) }) else { return [] }
        var out: [[String]] = []
        var k = t + 2  // skip the column headers
        while k < lines.count, lines[k].hasPrefix("    ") {
            out.append(lines[k].split(separator: " ").map(String.init)); k += 1
        }
        return out
    }

    @Test func stepPairsAreTheTopTenBySessions() throws {
        let paths = try Self.json()["paths"] as! [[String: Any]]
        // Most sessions first, ties in the engine's order.
        let ranked = paths.enumerated().sorted { a, b in
            let x = a.element["pathSessions"] as! Int, y = b.element["pathSessions"] as! Int
            return x != y ? x > y : a.offset < b.offset
        }.map(\.element)
        let table = try Run.tool("sklog-metrics", ["-q", Self.input]).stdout
        #expect(table.contains("  Step pairs (top 10 of \(paths.count))\n"))
        #expect(paths.count > 100)
        let shown = Self.rows(table, after: "Step pairs")
        #expect(shown.count == 10)
        for (row, want) in zip(shown, ranked) {
            #expect(row[0] == want["from"] as! String && row[1] == want["to"] as! String && row[2] == "\(want["pathSessions"] as! Int)")
        }
        let five = try Run.tool("sklog-metrics", ["-q", "--top", "5", Self.input]).stdout
        #expect(Self.rows(five, after: "Step pairs").count == 5)
        let full = try Run.tool("sklog-metrics", ["-q", "--full", Self.input]).stdout
        #expect(full.contains("  Step pairs\n"))
        #expect(Self.rows(full, after: "Step pairs").count == paths.count)
    }

    @Test func retentionWeeksOnlyAsFarAsTheData() throws {
        let retention = try Self.json()["retention"] as! [[String: Any]]
        let lastWeek = retention.filter { ($0["week"] as! Int) > 0 && !($0["retentionCustomers"] is NSNull) }.map { $0["week"] as! Int }.max() ?? 0
        #expect(lastWeek == 1)  // two weeks of data: week +1 is the last the input reaches
        let table = try Run.tool("sklog-metrics", ["-q", Self.input]).stdout
        let header = table.split(separator: "\n").first { $0.contains("cohort") && $0.contains("customers") }.map(String.init) ?? ""
        #expect(header.hasSuffix("  w\(lastWeek)") && !header.contains("w\(lastWeek + 1)"))
        let full = try Run.tool("sklog-metrics", ["-q", "--full", Self.input]).stdout
        #expect(full.contains("  w11  w12\n"))
    }

    @Test func zeroRowsAndEmptySectionsLeftOutOnlyByDefault() throws {
        let m = try Self.json()
        let errors = m["accessTokenErrors"] as! [[String: Any]]
        let nonZero = errors.filter { ($0["accessTokenErrors"] as? Int ?? 0) != 0 }.count
        let table = try Run.tool("sklog-metrics", ["-q", Self.input]).stdout
        #expect(Self.rows(table, after: "Access token errors").count == nonZero)
        let full = try Run.tool("sklog-metrics", ["-q", "--full", Self.input]).stdout
        #expect(Self.rows(full, after: "Access token errors").count == errors.count)
        // small.ndjson has no plays, enablements, account linking, tokens or purchases.
        let small = try Run.tool("sklog-metrics", ["-q", Run.sample("canonical/small.ndjson")]).stdout
        #expect(small.contains("Not in this input (every metric n/a): Plays, Enablements, Account linking, Token retrieval, In-skill purchasing\n"))
        #expect(!small.contains("\nIn-skill purchasing\n"))
        let smallFull = try Run.tool("sklog-metrics", ["-q", "--full", Run.sample("canonical/small.ndjson")]).stdout
        #expect(smallFull.contains("\nIn-skill purchasing\n") && !smallFull.contains("Not in this input"))
    }

    @Test func quietLeavesOutTheTitleLine() throws {
        let loud = try Run.tool("sklog-metrics", [Run.sample("canonical/small.ndjson")])
        #expect(loud.stdout.hasPrefix("sklog metrics: 2026-11-23T08:00:00.000Z to 2026-11-24T18:05:30.000Z; 10 records parsed\n"))
        #expect(loud.stderr.contains("10 records seen"))
        let quiet = try Run.tool("sklog-metrics", ["-q", Run.sample("canonical/small.ndjson")])
        #expect(quiet.stdout.hasPrefix("== Whole input ==\n"))
        #expect(quiet.stderr.isEmpty)
    }
}

import Foundation
import Testing

/// Issue 23 items 11 and 12 in headless Chromium: the console's Operational Metrics pages as
/// charts (their request volumes counted here from the generated records), and the layout —
/// no chart text drawn past its chart's edge (measured as rendered), the session-outcome bar
/// filling its card.
@Suite(.serialized, .enabled(if: Browser.path != nil, Comment(rawValue: "chromium is not installed (scripts/install-deps installs it): browser tests skipped")))
struct ReportOperationalBrowserTests {
    typealias P = ReportPagesBrowserTests

    static func slug(_ s: String) -> String {
        "op-" + String(s.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "-" }).lowercased()
    }

    @Test func operationalPagesHaveLatencyAndSuccessChartsWithTheRequestVolume() throws {
        let f = P.fixture
        let (dom, check) = try P.open(f.html)
        let ids = Set((check["charts"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String })
        let types = Set(f.records.compactMap { $0["requestType"] as? String })
        let directives = types.filter { $0.hasPrefix("Alexa.") && !$0.hasPrefix("Alexa.Discovery.") && $0 != "Alexa.ReportState" && $0 != "Alexa.ChangeReport" }
        #expect(!directives.isEmpty)
        var want = ["op-discovery", "op-capabilitydirectives", "op-reportstate"]
        want += directives.map(Self.slug)
        for w in want {
            #expect(ids.contains(w + "-latency"), "\(w)-latency missing")
            #expect(ids.contains(w + "-success"), "\(w)-success missing")
        }
        #expect(ids.contains("op-change-report-accuracy"))
        // Each capability (namespace) is one <details> holding its directives.
        let capabilities = Set(directives.map { $0.split(separator: ".").dropLast().joined(separator: ".") })
        #expect(dom.components(separatedBy: "<details class=\"capability\">").count - 1 == capabilities.count)

        // The Discovery requests per day, counted from the records, are the grey columns.
        var perDay: [String: Int] = [:]
        for r in f.records where (r["requestType"] as? String ?? "").hasPrefix("Alexa.Discovery.") {
            perDay[String((r["ts"] as? String ?? "").prefix(10)), default: 0] += 1
        }
        let part = P.part(dom, id: "op-discovery-latency")
        var shown: [String: Int] = [:]
        for piece in part.components(separatedBy: "<title>requests ").dropFirst() {
            let t = piece.components(separatedBy: "</title>")[0]
            let kv = t.components(separatedBy: ": ")
            shown[kv[0]] = Int(kv[1].replacingOccurrences(of: ",", with: ""))
        }
        #expect(shown == perDay)
        // Latency: P50, P90, P99 and average in one chart; success rate on a 0–100 % axis.
        for name in ["P50", "P90", "P99", "average", "requests (right axis)"] { #expect(part.contains(">\(name)</text>"), "\(name)") }
        let success = P.part(dom, id: "op-discovery-success")
        #expect(success.contains(">100%</text>") && success.contains(">success rate</text>"))
    }

    @Test func noChartTextIsCutAndTheOutcomeBarFillsItsCard() throws {
        let f = P.fixture
        for width in [1280, 1700] {
            let (_, check) = try P.open(f.html, width: width)
            let clipped = check["clipped"] as? [[String: Any]]
            #expect(clipped != nil && clipped!.isEmpty, "at \(width) px: \(clipped ?? [])")
            let charts = check["charts"] as? [[String: Any]] ?? []
            let outcomes = try #require(charts.first { $0["id"] as? String == "outcomes" })
            let w = outcomes["width"] as? Int ?? 0, plot = outcomes["plotWidth"] as? Int ?? 0
            #expect(plot > 0 && w >= plot - 1, "at \(width) px: the bar is \(w) of \(plot) px")
        }
    }
}

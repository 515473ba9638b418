import Foundation
import Testing

/// One rule decides what makes a customer and what is a smart home directive, in every tool.
/// Four records without `skillType`: a LaunchRequest (a turn: one customer) and three requests
/// a custom skill receives in Alexa namespaces (an account grant, a DataStore package install, an
/// APL user event), which are neither directives nor user-initiated. Worked out by hand: one
/// customer, one endpoint request, no smart home actions.
@Suite struct UserInitiatedRuleTests {
    static let records = """
    {"ts":"2026-11-20T10:00:00.000Z","messageId":"m1","userId":"u1","sessionId":"s1","locale":"en-US","requestType":"LaunchRequest","outcome":"success","latencyMs":100}
    {"ts":"2026-11-20T10:00:01.000Z","messageId":"m2","userId":"u2","sessionId":"s2","locale":"en-US","requestType":"Alexa.Authorization.Grant","outcome":"success","latencyMs":100}
    {"ts":"2026-11-20T10:00:02.000Z","messageId":"m3","userId":"u3","locale":"en-US","requestType":"Alexa.DataStore.PackageManager.InstallRequest","outcome":"success","latencyMs":100}
    {"ts":"2026-11-20T10:00:03.000Z","messageId":"m4","userId":"u4","sessionId":"s4","locale":"en-US","requestType":"Alexa.Presentation.APL.UserEvent","outcome":"success","latencyMs":100}

    """

    @Test func metricsCountsOneCustomerAndNoActions() throws {
        let r = try Run.tool("sklog-metrics", ["-q", "--format", "json"], stdin: Data(Self.records.utf8))
        #expect(r.status == 0)
        let doc = try #require(try JSONSerialization.jsonObject(with: r.out) as? [String: Any])
        let m = try #require((doc["total"] as? [String: Any])?["metrics"] as? [String: Any])
        #expect(m["uniqueCustomers"] as? Int == 1)
        #expect(m["endpointSuccess"] as? Int == 1)
        #expect(m["totalActions"] is NSNull || m["totalActions"] == nil)
    }

    @Test func reportAgreesInItsCardsAndLocaleTable() throws {
        let html = temp("user-initiated.html")
        let r = try Run.tool("sklog-report", ["-q", "-o", html], stdin: Data(Self.records.utf8))
        #expect(r.status == 0)
        let text = try String(contentsOfFile: html, encoding: .utf8)
        let filter = try #require(try ReportEndToEnd.embedded(text, "filter-data") as? [String: Any])
        let segments = try #require(filter["segments"] as? [[String: Any]])
        for seg in segments {
            let v = try #require(seg["v"] as? [String: [Any]])
            #expect((v["customers"]?.first as? NSNumber)?.intValue == 1, "\(seg["name"] ?? "")")
        }
        let charts = try #require(try ReportEndToEnd.embedded(text, "chart-data") as? [String: String])
        #expect(charts["locales"]?.split(separator: "\n").dropFirst().first?.hasPrefix("en-US,1,1,") == true)
        // No smart home section: none of the four is a directive.
        #expect(!text.contains("id=\"smart-home\""))
    }
}

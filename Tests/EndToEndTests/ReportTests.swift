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
}

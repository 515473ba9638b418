import Foundation
import Testing

/// Headless Chromium, when installed.
enum Browser {
    static let path: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    struct Result { var status: Int32; var stdout: String; var stderr: String; var seconds: Double }

    /// Runs chromium headless with `args` then the page URL; killed after `limit` seconds.
    static func run(_ args: [String], page: String, limit: Double = 25) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path!)
        let profile = temp("chromium-profile-\(UUID().uuidString)")
        p.arguments = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
                       "--user-data-dir=\(profile)", "--enable-logging=stderr", "--v=0"] + args + ["file://" + page]
        let o = Pipe(), e = Pipe()
        p.standardOutput = o
        p.standardError = e
        p.standardInput = FileHandle.nullDevice
        let start = Date()
        try p.run()
        let pid = p.processIdentifier
        let timer = DispatchSource.makeTimerSource()
        timer.schedule(deadline: .now() + limit)
        timer.setEventHandler { kill(pid, SIGKILL) }
        timer.resume()
        let (out, err) = Run.drain(o, e)
        p.waitUntilExit()
        timer.cancel()
        try? FileManager.default.removeItem(atPath: profile)
        return Result(status: p.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
                      stderr: String(decoding: err, as: UTF8.self), seconds: Date().timeIntervalSince(start))
    }

    /// Console messages of the page (chromium logs them as `INFO:CONSOLE` lines).
    static func consoleLines(_ stderr: String) -> [String] {
        stderr.split(separator: "\n").map(String.init).filter { $0.contains(":CONSOLE") }
    }

    /// The JSON the report's script writes into `<pre id="render-check">` after rendering.
    static func renderCheck(_ dom: String) throws -> [String: Any]? {
        guard let open = dom.range(of: "<pre id=\"render-check\""), let gt = dom[open.upperBound...].firstIndex(of: ">"),
              let close = dom[gt...].range(of: "</pre>") else { return nil }
        let text = String(dom[dom.index(after: gt)..<close.lowerBound])
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
        return try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
    }
}

private let chromiumMissing = "chromium is not installed (scripts/install-deps installs it): browser tests skipped"

@Suite(.serialized, .enabled(if: Browser.path != nil, Comment(rawValue: chromiumMissing)))
struct ReportBrowserTests {
    /// A report of generated traffic (three weeks, so that trends and retention have several points).
    static let report: String = {
        let logs = temp("report-browser-logs.ndjson.gz")
        let html = temp("report-browser.html")
        _ = try? Run.tool("sklog-gen", ["--records", "6000", "--days", "21", "--seed", "11", "-o", logs])
        _ = try? Run.tool("sklog-report", ["-q", "-o", html, logs])
        return html
    }()

    @Test func chartsRenderWithSizeAndNoConsoleMessages() throws {
        let page = Self.report
        #expect(FileManager.default.fileExists(atPath: page))
        let r = try Browser.run(["--dump-dom", "--window-size=1400,3000"], page: page)
        #expect(r.status == 0)
        #expect(r.seconds < 30)
        let check = try #require(try Browser.renderCheck(r.stdout), "the report's script did not run")
        #expect(check["rendered"] as? Bool == true)
        let charts = try #require(check["charts"] as? [[String: Any]])
        let ids = charts.compactMap { $0["id"] as? String }
        // The operational pages' charts (op-…) come between the smart home actions and plays.
        #expect(ids.filter { !$0.hasPrefix("op-") } == ["trend-volume", "trend-failures", "trend-latency", "trend-friction", "outcomes", "paths", "friction", "retention", "latency",
                                                       "intents", "locales", "enablements", "purchasing", "smart-home-actions", "plays"])
        // Charts inside a closed <details> (each capability's directives) are not laid out.
        for c in charts where c["closed"] as? Bool != true {
            #expect((c["width"] as? Int ?? 0) > 50, "chart \(c["id"] ?? "?") has no width")
            #expect((c["height"] as? Int ?? 0) > 30, "chart \(c["id"] ?? "?") has no height")
            #expect(c["csv"] as? Bool == true, "chart \(c["id"] ?? "?") has no CSV data")
        }
        // Every section is there, and the worst-ID tables link to sessions on the page.
        for section in ["summary", "trends", "outcomes", "paths", "friction", "retention", "latency", "worst", "sessions"] {
            #expect(r.stdout.contains("<section id=\"\(section)\""), "section \(section)")
        }
        let links = r.stdout.components(separatedBy: "href=\"#session-").dropFirst().compactMap { $0.split(separator: "\"").first.map(String.init) }
        #expect(!links.isEmpty)
        for l in Set(links) { #expect(r.stdout.contains("id=\"session-\(l)\""), "anchor session-\(l)") }
        #expect(Browser.consoleLines(r.stderr).isEmpty, "console: \(Browser.consoleLines(r.stderr))")
    }

    @Test func screenshotIsNotBlank() throws {
        let png = temp("report-browser.png")
        try? FileManager.default.removeItem(atPath: png)
        let r = try Browser.run(["--screenshot=\(png)", "--window-size=1400,3000", "--hide-scrollbars"], page: Self.report)
        #expect(r.seconds < 30)
        let data = try Data(contentsOf: URL(fileURLWithPath: png))
        // PNG signature, then the IHDR chunk: width and height, big-endian.
        #expect(data.prefix(8) == Data([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
        func be32(_ at: Int) -> Int { data[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        let width = be32(16), height = be32(20)
        #expect(width == 1400 && height == 3000)
        // A uniform page compresses to well under 0.01 bytes per pixel (a blank 1400×3000 page is
        // about 16 kB); text, tables and charts take several times that.
        let bytesPerPixel = Double(data.count) / Double(width * height)
        #expect(bytesPerPixel > 0.03, "screenshot looks blank: \(data.count) bytes")
    }

    @Test func scriptInLogTextShowsAsTextAndNeverRuns() throws {
        let payloads = [
            "<script>alert(1)</script>",
            "</script><script>document.documentElement.setAttribute('data-pwned','script')</script>",
            "<img src=x onerror=\"document.documentElement.setAttribute('data-pwned','img')\">",
            "\u{2028}</style><svg onload=\"document.documentElement.setAttribute('data-pwned','svg')\">",
        ]
        var lines: [String] = []
        for (i, p) in payloads.enumerated() {
            let q = String(data: try JSONSerialization.data(withJSONObject: [p], options: [.fragmentsAllowed]), encoding: .utf8)!
            let u = String(q.dropFirst().dropLast())  // the JSON string literal
            let sid = "\"s\(i)<b>\\\"'x\""
            lines.append("{\"ts\":\"2026-11-2\(3 + i % 3)T10:00:0\(i).000Z\",\"messageId\":\"m\(i)-<i>x</i>\",\"sessionId\":\(sid),\"userId\":\"u\(i)\",\"requestType\":\"LaunchRequest\",\"latencyMs\":120,\"outcome\":\"success\",\"endSession\":false}")
            lines.append("{\"ts\":\"2026-11-2\(3 + i % 3)T10:00:1\(i).000Z\",\"messageId\":\"n\(i)\",\"sessionId\":\(sid),\"userId\":\"u\(i)\",\"requestType\":\"IntentRequest\",\"intent\":\"AMAZON.FallbackIntent\",\"utterance\":\(u),\"latencyMs\":4000,\"outcome\":\"error\",\"errorType\":\(u),\"endSession\":true}")
        }
        let logs = temp("report-xss.ndjson")
        writeFile(logs, lines.sorted().joined(separator: "\n") + "\n")
        let html = temp("report-xss.html")
        let gen = try Run.tool("sklog-report", ["-q", "-o", html, logs])
        #expect(gen.status == 0)
        let raw = try String(contentsOfFile: html, encoding: .utf8)
        // Only the report's own three script elements (chart data, filter data, script); no
        // payload markup survives.
        #expect(raw.components(separatedBy: "<script").count - 1 == 3)
        #expect(!raw.contains("<img src=x"))
        #expect(!raw.contains("<svg onload"))
        #expect(!raw.contains("<i>x</i>"))
        #expect(raw.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))

        let r = try Browser.run(["--dump-dom", "--window-size=1400,2000"], page: html)
        #expect(r.status == 0)
        // The script of the report ran (the chart data is still valid JSON) ...
        let check = try #require(try Browser.renderCheck(r.stdout))
        #expect(check["rendered"] as? Bool == true)
        // ... and nothing of the payloads did: no element got the attribute (the payload text
        // itself, shown escaped, mentions it).
        let htmlTag = r.stdout.range(of: "<html").map { String(r.stdout[$0.lowerBound...].prefix { $0 != ">" }) } ?? ""
        #expect(!htmlTag.contains("data-pwned"), "\(htmlTag)")
        #expect(!r.stdout.contains("data-pwned=\""))
        #expect(r.stdout.contains("setAttribute('data-pwned','script')"))
        // The utterance shows as text.
        #expect(r.stdout.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(Browser.consoleLines(r.stderr).isEmpty, "console: \(Browser.consoleLines(r.stderr))")
    }
}

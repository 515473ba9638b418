import Foundation
import Testing

/// The report's console pages, path flow, latency axis, layout, filters and PNG export, checked in
/// headless Chromium against numbers worked out here from the generated records and the
/// simulator's ground truth.
@Suite(.serialized, .enabled(if: Browser.path != nil, Comment(rawValue: "chromium is not installed (scripts/install-deps installs it): browser tests skipped")))
struct ReportPagesBrowserTests {
    struct Fixture {
        var logs: String
        var html: String
        var records: [[String: Any]]
        var sessions: [[String: Any]]
        var summary: [String: Any]
    }

    /// Two weeks of every kind of traffic, its ground truth, and the report.
    static let fixture: Fixture = {
        let logs = temp("pages-logs.ndjson"), truth = temp("pages-truth.ndjson"), html = temp("pages.html")
        _ = try? Run.tool("sklog-gen", ["--records", "5000", "--days", "14", "--seed", "23", "-o", logs, "--truth", truth])
        _ = try? Run.tool("sklog-report", ["-q", "-o", html, logs])
        let t = jsonLines(truth)
        return Fixture(logs: logs, html: html, records: unique(jsonLines(logs)), sessions: t.filter { $0["kind"] as? String == "session" },
                       summary: t.first { $0["kind"] as? String == "summary" } ?? [:])
    }()

    static func jsonLines(_ path: String) -> [[String: Any]] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    /// The records once each (the simulator writes some twice).
    static func unique(_ records: [[String: Any]]) -> [[String: Any]] {
        var seen = Set<String>()
        return records.filter { seen.insert($0["messageId"] as? String ?? UUID().uuidString).inserted }
    }

    /// A report of some of the fixture's records.
    static func report(_ name: String, keep: ([String: Any]) -> Bool) throws -> String {
        let lines = try String(contentsOfFile: fixture.logs, encoding: .utf8).split(separator: "\n").filter { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]).map(keep) ?? false
        }
        let logs = temp("pages-\(name).ndjson"), html = temp("pages-\(name).html")
        writeFile(logs, lines.joined(separator: "\n") + "\n")
        let r = try Run.tool("sklog-report", ["-q", "-o", html, logs])
        #expect(r.status == 0)
        return html
    }

    /// The DOM after the page's script ran, and its render check.
    static func open(_ page: String, hash: String = "", width: Int = 1280, budget: Int? = nil) throws -> (dom: String, check: [String: Any]) {
        var args = ["--dump-dom", "--window-size=\(width),1000", "--hide-scrollbars"]
        if let budget { args.append("--virtual-time-budget=\(budget)") }
        let r = try Browser.run(args, page: page + hash, limit: 60)
        #expect(Browser.consoleLines(r.stderr).isEmpty, "console: \(Browser.consoleLines(r.stderr))")
        let check = try #require(try Browser.renderCheck(r.stdout), "the report's script did not run")
        return (r.stdout, check)
    }

    static func sectionIDs(_ check: [String: Any]) -> [String] {
        (check["sections"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
    }

    /// Attribute values of every element that has `attr`, in document order, per element.
    static func elements(_ dom: String, _ tag: String, having attr: String) -> [[String: String]] {
        dom.components(separatedBy: "<" + tag + " ").dropFirst().compactMap { rest in
            guard let end = rest.firstIndex(of: ">") else { return nil }
            let head = String(rest[..<end])
            var out: [String: String] = [:]
            var s = Substring(head)
            while let eq = s.range(of: "=\"") {
                let name = s[..<eq.lowerBound].split(separator: " ").last.map(String.init) ?? ""
                let after = s[eq.upperBound...]
                guard let close = after.firstIndex(of: "\"") else { break }
                out[name] = String(after[..<close]).replacingOccurrences(of: "&amp;", with: "&")
                s = after[after.index(after: close)...]
            }
            if let body = rest[rest.index(after: end)...].components(separatedBy: "<").first { out["#text"] = body }
            return out[attr] == nil ? nil : out
        }
    }

    /// The part of the DOM from the element with this id up to `end` (a figure's end by default).
    static func part(_ dom: String, id: String, end marker: String = "</figure>") -> String {
        guard let r = dom.range(of: "id=\"\(id)\"") else { return "" }
        let rest = dom[r.upperBound...]
        let end = rest.range(of: marker)?.lowerBound ?? rest.endIndex
        return String(rest[..<end])
    }

    static let consoleSections = ["intents", "utterances", "locales", "enablements", "account-linking", "purchasing", "smart-home", "plays"]

    @Test func eachConsoleSectionIsThereExactlyWhenItsEventsAre() throws {
        let f = Self.fixture
        let (dom, check) = try Self.open(f.html)
        let ids = Self.sectionIDs(check)
        for s in Self.consoleSections { #expect(ids.contains(s), "section \(s) missing") }
        // The table of contents lists exactly the sections, in order.
        let toc = Self.part(dom, id: "toc", end: "</nav>")
        let links = toc.components(separatedBy: "href=\"#").dropFirst().compactMap { $0.split(separator: "\"").first.map(String.init) }
        #expect(links == ids)
        // Numbers from the simulator's ground truth.
        let types = f.summary["requestTypes"] as? [String: Int] ?? [:]
        func card(_ label: String) -> String? {
            guard let r = dom.range(of: "data-card=\"\(label)\"") else { return nil }
            return dom[r.upperBound...].components(separatedBy: "class=\"value\">").dropFirst().first?.components(separatedBy: "<").first
        }
        #expect(card("Plays") == String(types["FlashBriefing.Play"] ?? -1))
        #expect(card("Enablements") == String(types["AlexaSkillEvent.SkillEnabled"] ?? -1))
        #expect(card("Disablements") == String(types["AlexaSkillEvent.SkillDisabled"] ?? -1))
        #expect(card("Initiations") == String(types["AccountLinking.Initiated"] ?? -1))

        // Custom skill turns only: no smart home, purchasing, linking, enablement or play events.
        let custom = try Self.report("custom") { ["LaunchRequest", "IntentRequest", "SessionEndedRequest"].contains($0["requestType"] as? String ?? "") }
        let c = Self.sectionIDs(try Self.open(custom).check)
        for s in ["intents", "utterances", "locales"] { #expect(c.contains(s), "custom: \(s) missing") }
        for s in ["enablements", "account-linking", "purchasing", "smart-home", "plays"] { #expect(!c.contains(s), "custom: \(s) shown") }

        // Smart home directives and flash briefings only: no intents nor utterances.
        let home = try Self.report("home") { r in
            let t = r["requestType"] as? String ?? ""
            return t.hasPrefix("Alexa.") || t == "FlashBriefing.Play"
        }
        let h = Self.sectionIDs(try Self.open(home).check)
        for s in ["smart-home", "plays", "summary", "latency"] { #expect(h.contains(s), "home: \(s) missing") }
        for s in ["intents", "utterances", "enablements", "account-linking", "purchasing"] { #expect(!h.contains(s), "home: \(s) shown") }
    }

    @Test func nothingIsWiderThanTheWindowAt1280Pixels() throws {
        // Log text made to overflow: a 300-character message ID (failed, so listed with its
        // session) and an utterance and intent without spaces.
        let longID = "amzn1.echo-api.request." + String(repeating: "0123456789abcdef", count: 17)
        let word = String(repeating: "supercalifragilistic", count: 12)
        var lines = try String(contentsOfFile: Self.fixture.logs, encoding: .utf8).split(separator: "\n").map(String.init)
        lines.append("{\"ts\":\"2026-11-03T10:00:00.000Z\",\"messageId\":\"wide-1\",\"sessionId\":\"wide-session\",\"userId\":\"wide-user\",\"requestType\":\"LaunchRequest\",\"locale\":\"en-US\",\"latencyMs\":100,\"outcome\":\"success\",\"endSession\":false}")
        lines.append("{\"ts\":\"2026-11-03T10:00:05.000Z\",\"messageId\":\"\(longID)\",\"sessionId\":\"wide-session\",\"userId\":\"wide-user\",\"requestType\":\"IntentRequest\",\"intent\":\"\(word)Intent\",\"utterance\":\"\(word)\",\"locale\":\"en-US\",\"latencyMs\":60000,\"outcome\":\"error\",\"errorType\":\"\(word)\",\"endSession\":true}")
        let logs = temp("pages-wide.ndjson"), html = temp("pages-wide.html")
        writeFile(logs, lines.joined(separator: "\n") + "\n")
        #expect(try Run.tool("sklog-report", ["-q", "-o", html, logs]).status == 0)
        let raw = try String(contentsOfFile: html, encoding: .utf8)
        // The session that holds the ID (the slowest request), opened by its anchor.
        let inSessions = try #require(raw.range(of: "<code>\(longID)</code>", options: .backwards))
        let anchor = try #require(raw.range(of: "id=\"session-", options: .backwards, range: raw.startIndex..<inSessions.lowerBound))
        let session = String(raw[anchor.upperBound...].prefix { $0 != "\"" })
        // The ID is whole in one element, with a copy button that holds it.
        #expect(raw.contains("<code>\(longID)</code>"))
        #expect(raw.contains("data-copy=\"\(longID)\""))
        for hash in ["", "#session-\(session)", "#worst"] {
            let (_, check) = try Self.open(html, hash: hash)
            let sw = try #require(check["scrollWidth"] as? Int), iw = try #require(check["innerWidth"] as? Int)
            #expect(iw == 1280)
            #expect(sw <= iw, "horizontal overflow with \(hash): scrollWidth \(sw) > \(iw)")
        }
    }

    @Test func pathFlowSharesAddUpTo100PercentAtEachStep() throws {
        let f = Self.fixture
        let (dom, _) = try Self.open(f.html)
        let nodes = Self.elements(Self.part(dom, id: "paths"), "rect", having: "data-step")
        #expect(!nodes.isEmpty)
        var share: [Int: Double] = [:], sessions: [Int: Int] = [:]
        for n in nodes {
            let k = Int(n["data-step"]!)!
            share[k, default: 0] += Double(n["data-share"]!)!
            sessions[k, default: 0] += Int(n["data-sessions"]!)!
        }
        #expect(share.keys.sorted() == [1, 2, 3, 4])
        for (k, s) in share { #expect(abs(s - 1) < 1e-5, "step \(k): shares add up to \(s)") }
        // Every step holds every session of the ground truth.
        for (k, n) in sessions { #expect(n == f.sessions.count, "step \(k): \(n) sessions, truth \(f.sessions.count)") }
        // The first step's nodes (but "other") have the sessions that start with that step.
        var firstSteps: [String: Int] = [:]
        for s in f.sessions { if let p = s["path"] as? [String], let a = p.first { firstSteps[a, default: 0] += 1 } }
        let first = nodes.filter { $0["data-step"] == "1" && $0["data-label"] != "other" }
        #expect(!first.isEmpty)
        for n in first { #expect(Int(n["data-sessions"]!) == firstSteps[n["data-label"]!], "step 1 \(n["data-label"]!)") }
    }

    @Test func latencyTrendHasReadableLogTicksAndLabelledPercentiles() throws {
        let f = Self.fixture
        let (dom, _) = try Self.open(f.html)
        let chart = Self.part(dom, id: "trend-latency")
        let ticks = Self.elements(chart, "text", having: "data-value")
        #expect(ticks.count >= 3)
        let values = ticks.map { Double($0["data-value"]!)! }, ys = ticks.map { Double($0["y"]!)! }
        for i in 1..<ticks.count {
            #expect(values[i] > values[i - 1])
            #expect(ys[i - 1] - ys[i] >= 12, "ticks \(values[i - 1]) and \(values[i]) are \(ys[i - 1] - ys[i]) px apart")
        }
        // A log axis: the tick values span more than one power of ten, and each label says its
        // value with a unit.
        #expect(values.last! / values.first! >= 10)
        for t in ticks {
            let label = t["#text"] ?? ""
            let v = Double(t["data-value"]!)!
            let expected = v >= 1000 ? "\(fmt(v / 1000)) s" : "\(fmt(v)) ms"
            #expect(label == expected, "tick \(v): \(label)")
        }
        // The percentile labels: the nearest-rank percentiles of the last day's endpoint requests.
        let lastDay = f.records.compactMap { $0["ts"] as? String }.max().map { String($0.prefix(10)) } ?? ""
        let lat = f.records.filter { r in
            let t = r["requestType"] as? String ?? ""
            let endpoint = t == "LaunchRequest" || t == "IntentRequest" || (t.hasPrefix("Alexa.") && t != "Alexa.ChangeReport" && (r["skillType"] as? String ?? "smart_home") == "smart_home")
            return endpoint && (r["ts"] as? String ?? "").hasPrefix(lastDay)
        }.compactMap { ($0["latencyMs"] as? NSNumber)?.doubleValue }.sorted()
        #expect(lat.count > 20)
        let labels = Self.elements(chart, "text", having: "class").filter { $0["class"] == "pct-label" }.compactMap { $0["#text"] }
        for p in [50.0, 90, 99] {
            let want = lat[Int((p / 100 * Double(lat.count)).rounded(.up)) - 1]
            let label = try #require(labels.first { $0.hasPrefix("P\(Int(p)) ") }, "no P\(Int(p)) label in \(labels)")
            let parts = label.split(separator: " ")
            let shown = Double(parts[1])! * (parts[2] == "s" ? 1000 : 1)
            #expect(abs(shown - want) <= (want >= 1000 ? 5 : 0.5), "\(label) vs \(want) ms")
        }
    }

    private func fmt(_ v: Double) -> String {
        v == v.rounded() ? String(Int(v)) : String(v)
    }

    @Test func filtersRedrawTheChartsForADateRangeAndALocale() throws {
        let f = Self.fixture
        let (dom0, _) = try Self.open(f.html)
        // The segment selector's option for de-DE.
        let options = Self.elements(Self.part(dom0, id: "f-segment", end: "</select>"), "option", having: "value")
        let de = try #require(options.first { $0["#text"] == "locale de-DE" }?["value"])
        let labels = Self.elements(Self.part(dom0, id: "f-from", end: "</select>"), "option", having: "value").compactMap { $0["#text"] }
        #expect(labels.count == 14)
        let (a, b) = (3, 9)
        let (dom, check) = try Self.open(f.html, hash: "#filter=\(a),\(b),\(de)")
        let state = try #require(check["filter"] as? [String: Int])
        #expect(state == ["from": a, "to": b, "segment": Int(de)!])
        let days = Set(labels[a...b])

        // Outcomes: the ground truth's de-DE sessions that started on those days.
        var locale: [String: String] = [:]
        for r in f.records { if let id = r["messageId"] as? String { locale[id] = r["locale"] as? String } }
        var want: [String: Int] = [:]
        for s in f.sessions {
            guard let start = s["start"] as? String, days.contains(String(start.prefix(10))),
                  let first = (s["messageIds"] as? [String])?.first, locale[first] == "de-DE" else { continue }
            want[s["outcome"] as? String ?? "", default: 0] += 1
        }
        #expect(want.values.reduce(0, +) > 10)
        let outcomes = Self.part(dom, id: "outcomes")
        #expect(outcomes.contains("filtered: locale de-DE, \(labels[a]) to \(labels[b])"))
        for (o, n) in want {
            #expect(outcomes.contains("<title>\(o): \(n) ("), "outcome \(o): \(n)")
        }
        // The volume trend: one point per day of the range; utterances per day of de-DE turns.
        let volume = Self.part(dom, id: "trend-volume")
        for day in labels[a...b] {
            let n = f.records.filter { r in
                ["LaunchRequest", "IntentRequest"].contains(r["requestType"] as? String ?? "") && r["locale"] as? String == "de-DE"
                    && (r["ts"] as? String ?? "").hasPrefix(day)
            }.count
            #expect(volume.contains("<title>utterances \(day): \(n)</title>"), "utterances on \(day): \(n)")
        }
        #expect(volume.components(separatedBy: "<title>utterances ").count - 1 == b - a + 1)
        #expect(!volume.contains("<title>utterances \(labels[a - 1])"))
    }

    @Test func summaryCardsShowTheChangeFromThePreviousPeriod() throws {
        let f = Self.fixture
        let raw = try String(contentsOfFile: f.html, encoding: .utf8)
        func delta(_ html: String, _ card: String) -> String? {
            guard let r = html.range(of: "data-card=\"\(card)\"") else { return nil }
            return html[r.upperBound...].components(separatedBy: "<div class=\"delta").dropFirst().first?.components(separatedBy: "</div>").first
        }
        // Utterances of the latest complete day against the day before, from the records.
        let days = Set(f.records.compactMap { ($0["ts"] as? String).map { String($0.prefix(10)) } }).sorted()
        func turns(_ day: String) -> Int {
            f.records.filter { ["LaunchRequest", "IntentRequest"].contains($0["requestType"] as? String ?? "") && ($0["ts"] as? String ?? "").hasPrefix(day) }.count
        }
        // The input ends before the last day's end: that day is partial, so the line compares the
        // latest complete day (the one before it) with the day before that.
        let lastTs = f.records.compactMap { $0["ts"] as? String }.max()!
        #expect(!lastTs.hasSuffix("T23:59:59.999Z"))
        let latest = days[days.count - 2]
        let now = turns(latest), before = turns(days[days.count - 3])
        let line = try #require(delta(raw, "Utterances"))
        #expect(line.contains("\(latest): \(now) · "), "\(line)")
        let change = Double(now - before) * 100 / Double(before)
        let shown = try #require(line.components(separatedBy: " · ").last?.split(separator: "%").first)
        let value = Double(shown.replacingOccurrences(of: "−", with: "-").replacingOccurrences(of: "+", with: "").replacingOccurrences(of: "±", with: ""))!
        #expect(abs(value - change) <= 0.051, "\(line) vs \(change)")
        #expect(line.hasPrefix(change > 0 ? " up better" : " down worse"), "\(line)")
        // The page's script writes the same lines when it draws the whole range again.
        let (dom, _) = try Self.open(f.html, hash: "#filter=0,\(days.count - 1),0")
        for card in ["Utterances", "Sessions", "Customers", "Failure rate", "Latency P90", "Successful sessions", "Barge-ins", "Friction sessions"] {
            let swift = delta(raw, card), js = delta(dom, card)
            #expect(swift != nil && swift == js, "\(card): \(swift ?? "nil") vs \(js ?? "nil")")
        }
    }

    /// Width, height and the share of pixels that are not white, of each PNG (decoded by Python's
    /// zlib, independently of the browser).
    static func pngStats(_ files: [String]) throws -> [String: (Int, Int, Double)] {
        let script = temp("png-stats.py")
        writeFile(script, """
        import struct, sys, zlib
        for path in sys.argv[1:]:
            d = open(path, 'rb').read()
            assert d[:8] == b'\\x89PNG\\r\\n\\x1a\\n'
            pos, idat = 8, b''
            while pos < len(d):
                n, kind = struct.unpack('>I4s', d[pos:pos + 8])
                body = d[pos + 8:pos + 8 + n]
                if kind == b'IHDR': w, h, depth, color = struct.unpack('>IIBB', body[:10])
                if kind == b'IDAT': idat += body
                pos += 12 + n
            bpp = {2: 3, 6: 4}[color]
            raw, stride, prev, ink = zlib.decompress(idat), w * bpp, bytearray(w * bpp), 0
            for y in range(h):
                f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
                for i in range(stride):
                    a = line[i - bpp] if i >= bpp else 0
                    b, c = prev[i], (prev[i - bpp] if i >= bpp else 0)
                    if f == 1: line[i] = (line[i] + a) & 255
                    elif f == 2: line[i] = (line[i] + b) & 255
                    elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
                    elif f == 4:
                        p = a + b - c
                        pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                        line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
                ink += sum(1 for x in range(0, stride, bpp) if min(line[x:x + 3]) < 235)
                prev = line
            print(path, w, h, ink / (w * h))
        """)
        let r = try sh("python3 \(script) " + files.joined(separator: " "))
        #expect(r.status == 0, "\(r.stderr)")
        var out: [String: (Int, Int, Double)] = [:]
        for l in r.lines {
            let p = l.split(separator: " ")
            out[String(p[0])] = (Int(p[1])!, Int(p[2])!, Double(p[3])!)
        }
        return out
    }

    @Test func eachPNGButtonGivesAnImageOfTheChart() throws {
        let f = Self.fixture
        let (dom, check) = try Self.open(f.html, hash: "#sklog-png-test", budget: 20000)
        let charts = try #require(check["charts"] as? [[String: Any]])
        guard let o = dom.range(of: "<pre id=\"png-export\""), let gt = dom[o.upperBound...].firstIndex(of: ">"),
              let c = dom[gt...].range(of: "</pre>") else { Issue.record("no #png-export"); return }
        let list = try #require(try JSONSerialization.jsonObject(with: Data(dom[dom.index(after: gt)..<c.lowerBound].utf8)) as? [[String: String]])
        #expect(Set(list.compactMap { $0["name"] }) == Set(charts.compactMap { ($0["id"] as? String).map { $0 + ".png" } }))
        var files: [String] = []
        for item in list {
            let url = try #require(item["url"])
            #expect(url.hasPrefix("data:image/png;base64,"))
            let data = try #require(Data(base64Encoded: String(url.dropFirst("data:image/png;base64,".count))))
            let path = temp("button-" + item["name"]!)
            writeFile(path, data)
            files.append(path)
        }
        let stats = try Self.pngStats(files)
        for chart in charts {
            let id = chart["id"] as! String
            let s = try #require(stats[temp("button-\(id).png")])
            #expect(s.0 == chart["svgWidth"] as? Int && s.1 == chart["svgHeight"] as? Int, "\(id): \(s.0)×\(s.1)")
            #expect(s.2 > 0.01, "\(id) looks blank (\(s.2) of the pixels drawn)")
        }
    }

    @Test func pngOptionWritesEveryChartOrSaysWhatIsMissing() throws {
        let f = Self.fixture
        let dir = temp("png-dir-\(UUID().uuidString)")
        let r = try Run.tool("sklog-report", ["-q", "-o", temp("pages-png.html"), "--png", dir, f.logs])
        #expect(r.status == 0, "\(r.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        let (_, check) = try Self.open(f.html)
        let charts = try #require(check["charts"] as? [[String: Any]])
        #expect(names == charts.compactMap { ($0["id"] as? String).map { $0 + ".png" } }.sorted())
        let stats = try Self.pngStats(names.map { dir + "/" + $0 })
        for chart in charts {
            let s = try #require(stats[dir + "/" + (chart["id"] as! String) + ".png"])
            #expect(s.0 == chart["svgWidth"] as? Int && s.1 == chart["svgHeight"] as? Int)
            #expect(s.2 > 0.01)
        }
        // No browser: a clear message, status 2, before any input is read.
        let missing = try sh("SKLOG_CHROMIUM=/nonexistent/chromium sklog-report -q --png \(dir)-none -o \(temp("pages-none.html")) /nonexistent/input.gz")
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("SKLOG_CHROMIUM") && missing.stderr.contains("chromium"), "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "-none"))
    }

    /// Log text in the new places (locale and stage, the segment selector and its JSON, intents in
    /// the flow, products, actions, via) shows as text and never runs, also in a filtered view.
    @Test func scriptInSegmentsIntentsAndProductsNeverRuns() throws {
        let p = "<img src=x onerror=\\\"document.documentElement.setAttribute('data-pwned','1')\\\">"
        let q = "</script><script>document.documentElement.setAttribute('data-pwned','2')</script>"
        var lines: [String] = []
        for day in 1...3 {
            for i in 0..<3 {
                let ts = "2026-11-0\(day)T1\(i):00:0"
                lines.append("{\"ts\":\"\(ts)0.000Z\",\"messageId\":\"x\(day)-\(i)-a\",\"sessionId\":\"s\(day)-\(i)\",\"userId\":\"u\(i)\",\"requestType\":\"LaunchRequest\",\"locale\":\"\(p)\",\"stage\":\"\(q)\",\"latencyMs\":100,\"outcome\":\"success\",\"endSession\":false}")
                lines.append("{\"ts\":\"\(ts)5.000Z\",\"messageId\":\"x\(day)-\(i)-b\",\"sessionId\":\"s\(day)-\(i)\",\"userId\":\"u\(i)\",\"requestType\":\"IntentRequest\",\"intent\":\"\(q)\",\"utterance\":\"\(p)\",\"locale\":\"\(p)\",\"stage\":\"\(q)\",\"latencyMs\":200,\"outcome\":\"error\",\"endSession\":true}")
                lines.append("{\"ts\":\"\(ts)7.000Z\",\"messageId\":\"x\(day)-\(i)-c\",\"userId\":\"u\(i)\",\"requestType\":\"Connections.Response\",\"ispAction\":\"Buy\",\"productId\":\"\(p)\",\"productType\":\"ENTITLEMENT\",\"purchaseResult\":\"ACCEPTED\",\"locale\":\"\(p)\"}")
                lines.append("{\"ts\":\"\(ts)8.000Z\",\"messageId\":\"x\(day)-\(i)-d\",\"userId\":\"u\(i)\",\"requestType\":\"AccountLinking.Initiated\",\"via\":\"\(q)\"}")
            }
        }
        let logs = temp("pages-xss.ndjson"), html = temp("pages-xss.html")
        writeFile(logs, lines.joined(separator: "\n") + "\n")
        let r = try Run.tool("sklog-report", ["-q", "-o", html, logs])
        #expect(r.status == 0, "\(r.stderr)")
        let raw = try String(contentsOfFile: html, encoding: .utf8)
        #expect(raw.components(separatedBy: "<script").count - 1 == 3)
        #expect(!raw.contains("<img src=x"))
        #expect(raw.contains("<option value=\"1\">locale &lt;img src=x"))
        for hash in ["", "#filter=0,2,1", "#filter=1,2,2"] {
            let (dom, check) = try Self.open(html, hash: hash)
            #expect(check["rendered"] as? Bool == true)
            let htmlTag = dom.range(of: "<html").map { String(dom[$0.lowerBound...].prefix { $0 != ">" }) } ?? ""
            #expect(!htmlTag.contains("data-pwned"), "\(hash): \(htmlTag)")
            #expect(!dom.contains("data-pwned=\""))
            #expect(!dom.contains("<img src=x"))
        }
        let (dom, _) = try Self.open(html, hash: "#filter=0,2,1")
        #expect(dom.contains("filtered: locale &lt;img src=x"))
        for s in ["purchasing", "account-linking", "locales", "intents"] { #expect(dom.contains("<section id=\"\(s)\""), "\(s)") }
    }
}

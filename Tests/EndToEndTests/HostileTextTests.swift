import Foundation
import Testing

// Hostile text from the logs (issue 19, items 6-10): terminal escape sequences, NUL, C1 controls,
// spreadsheet formulas, IDs with line feeds, personal IDs in nested unknown fields, a huge
// intent name. Every text output must show control characters escaped, every --redact output
// must be free of personal IDs, and a table must not grow with the longest cell times its rows.

/// JSON-escaped pieces of hostile text (as they are written inside a JSON string).
private enum Evil {
    /// OSC 0 (sets the window title), ended by BEL.
    static let title = #"\u001b]0;pwned\u0007"#
    /// OSC 52 (writes the clipboard).
    static let clipboard = #"\u001b]52;c;ZXZpbA==\u0007"#
    /// CSI 2J (clears the screen).
    static let clear = #"\u001b[2J"#
    /// The 8-bit CSI (U+009B), escaped in one place and raw (valid JSON) in another.
    static let csi8 = #"\u009b31m"#
    static let csi8Raw = "\u{9b}31m"
    static let nul = #"\u0000"#
    static let del = #"\u007f"#
}

/// Two sessions whose utterances, intents, slot values and IDs carry escape sequences, NUL, DEL
/// and C1 characters; failures and slow turns so that every tool has something to show.
private func hostileLog() -> String {
    var lines: [String] = []
    let sid = "sess" + Evil.title
    let uid = "user" + Evil.clear
    let intent = "Play" + Evil.clear + "Intent" + Evil.csi8Raw
    lines.append(#"{"ts":"2026-11-24T10:00:00.000Z","messageId":"m1"# + Evil.clipboard + #"","sessionId":""# + sid + #"","userId":""# + uid + #"","deviceId":"dev"# + Evil.csi8 + #"","requestType":"LaunchRequest","latencyMs":100,"outcome":"success"}"#)
    lines.append(#"{"ts":"2026-11-24T10:00:05.000Z","messageId":"m2"# + Evil.nul + #"","sessionId":""# + sid + #"","userId":""# + uid + #"","requestType":"IntentRequest","intent":""# + intent + #"","slots":{"song":"x"# + Evil.clipboard + #""},"utterance":"play "# + Evil.clipboard + Evil.nul + Evil.del + #" now","confidence":"LOW","latencyMs":5000,"outcome":"error","errorType":"Boom"# + Evil.clear + #""}"#)
    lines.append(#"{"ts":"2026-11-24T10:00:09.000Z","messageId":"m3","sessionId":""# + sid + #"","userId":""# + uid + #"","requestType":"IntentRequest","intent":""# + intent + #"","utterance":"again "# + Evil.title + #"","latencyMs":4000,"outcome":"error"}"#)
    lines.append(#"{"ts":"2026-11-24T10:00:10.000Z","messageId":"m4","sessionId":""# + sid + #"","userId":""# + uid + #"","requestType":"SessionEndedRequest","reason":"ERROR"}"#)
    for k in 0..<3 {
        let s = "s\(k)" + Evil.csi8
        lines.append(#"{"ts":"2026-11-2\#(5 + k)T11:00:00.000Z","messageId":"n\#(k)a","sessionId":""# + s + #"","userId":"u\#(k)","requestType":"LaunchRequest","latencyMs":200,"outcome":"success"}"#)
        lines.append(#"{"ts":"2026-11-2\#(5 + k)T11:00:05.000Z","messageId":"n\#(k)b","sessionId":""# + s + #"","userId":"u\#(k)","requestType":"IntentRequest","intent":""# + intent + #"","utterance":"hey "# + Evil.clear + #"","latencyMs":3500,"outcome":"error"}"#)
        lines.append(#"{"ts":"2026-11-2\#(5 + k)T11:00:08.000Z","messageId":"n\#(k)c","sessionId":""# + s + #"","userId":"u\#(k)","requestType":"IntentRequest","intent":"AMAZON.StopIntent","latencyMs":150,"outcome":"success","endSession":true}"#)
    }
    return lines.joined(separator: "\n") + "\n"
}

/// Raw control characters in an output: C0 but tab and line feed, DEL, C1 (as UTF-8), by name.
private func rawControls(_ d: Data, allowTab: Bool = true) -> [String] {
    var found: Set<String> = []
    let b = [UInt8](d)
    var i = 0
    while i < b.count {
        let c = b[i]
        if (c < 0x20 && c != 0x0a && !(allowTab && c == 0x09)) || c == 0x7f { found.insert(String(format: "0x%02x", c)) }
        if c == 0xc2, i + 1 < b.count, b[i + 1] >= 0x80 && b[i + 1] <= 0x9f { found.insert(String(format: "U+%04X", Int(b[i + 1]))) }
        i += 1
    }
    return found.sorted()
}

@Suite(.serialized) struct HostileText {
    func input() -> String {
        let p = temp("hostile-text.ndjson")
        writeFile(p, hostileLog())
        return p
    }

    /// Runs a tool and returns what it wrote on standard output and standard error together.
    func outputs(_ tool: String, _ args: [String]) throws -> (Run, Data) {
        let r = try Run.tool(tool, args)
        return (r, r.out + Data(r.stderr.utf8))
    }

    @Test func metricsTableAndPrometheusShowControlsEscaped() throws {
        let f = input()
        for args in [[f], ["--full", "--by", "intent", f], ["--format", "prometheus", "--by", "intent", f], ["--format", "csv", "--by", "intent", f]] {
            let (r, all) = try outputs("sklog-metrics", args)
            #expect(r.status == 0, "\(args)")
            #expect(rawControls(all) == [], "sklog metrics \(args.dropLast())")
        }
        let table = try Run.tool("sklog-metrics", ["-q", "--full", "--by", "intent", f]).stdout
        #expect(table.contains(#"Play\x1b[2JIntent\u009b31m"#))
        let prom = try Run.tool("sklog-metrics", ["--format", "prometheus", "--by", "intent", f]).stdout
        // The label value holds the text `\x1b`, whose backslash the exposition format doubles.
        #expect(prom.contains(#"intent="Play\\x1b[2JIntent\\u009b31m""#))
    }

    @Test func pathsTableDotAndMermaidShowControlsEscaped() throws {
        let f = input()
        for format in ["table", "csv", "dot", "mermaid"] {
            let (r, all) = try outputs("sklog-paths", ["--format", format, f])
            #expect(r.status == 0)
            #expect(rawControls(all) == [], "sklog paths --format \(format)")
        }
        let dot = try Run.tool("sklog-paths", ["-q", "--format", "dot", f]).stdout
        #expect(dot.contains(#"Play\\x1b[2JIntent\\u009b31m"#))
    }

    @Test func frictionSummaryTrendAndIDsShowControlsEscaped() throws {
        let f = input()
        for (tool, args) in [("sklog-friction", ["--summary", f]), ("sklog-friction", ["--format", "csv", f]),
                             ("sklog-trend", [f]), ("sklog-ids", ["--failed", f]),
                             ("sklog-ids", ["--failed", "--format", "csv", f]), ("sklog-sessions", [f]),
                             ("sklog-sessions", ["--format", "csv", f])] {
            let (r, all) = try outputs(tool, args)
            #expect(r.status == 0, "\(tool) \(args)")
            #expect(rawControls(all) == [], "\(tool) \(args.dropLast())")
        }
        let summary = try Run.tool("sklog-friction", ["-q", "--summary", f]).stdout
        #expect(summary.contains(#""play \x1b]52;c;ZXZpbA==\x07\x00\x7f now""#))
    }

    @Test func catCSVAndTSVShowControlsEscapedAndNULIsNeverRaw() throws {
        let f = input()
        for format in ["csv", "tsv"] {
            let (r, all) = try outputs("sklog-cat", ["--format", format, f])
            #expect(r.status == 0)
            #expect(rawControls(all) == [], "sklog cat --format \(format)")
        }
        let csv = try Run.tool("sklog-cat", ["-q", "--format", "csv", f]).stdout
        #expect(csv.contains(#"play \x1b]52;c;ZXZpbA==\x07\x00\x7f now"#))
    }

    /// JSON outputs escape controls as JSON does, and the C1 ones (allowed raw by JSON) too.
    @Test func jsonOutputsCarryNoRawControls() throws {
        let f = input()
        for (tool, args) in [("sklog-metrics", ["--format", "json", "--by", "intent", f]), ("sklog-paths", ["--format", "json", f]),
                             ("sklog-friction", [f]), ("sklog-ids", ["--failed", "--format", "json", f]),
                             ("sklog-trend", ["--format", "json", f])] {
            let (r, all) = try outputs(tool, args)
            #expect(r.status == 0, "\(tool) \(args)")
            #expect(rawControls(all, allowTab: false) == [], "\(tool) \(args.dropLast())")
        }
    }

    @Test func reportCarriesNoRawControls() throws {
        let html = temp("hostile-report.html")
        let r = try Run.tool("sklog-report", ["-q", "-o", html, input()])
        #expect(r.status == 0)
        let d = try Data(contentsOf: URL(fileURLWithPath: html))
        #expect(rawControls(d) == [])
    }

    /// A rejected line, the first line of an input of unknown format and a file name are echoed on
    /// standard error with their control characters (and invalid UTF-8) escaped; --rejects keeps
    /// the line as it was.
    @Test func diagnosticsEchoInputEscaped() throws {
        let bad = temp("hostile-rejects.ndjson")
        var d = Data(hostileLog().utf8)
        d.append(Data("{\"ts\":\u{1b}]0;pwned\u{07}\u{1b}[2J \u{9b}31m\u{7f}".utf8))
        d.append(contentsOf: [0xff, 0xfe, 0x0a])
        writeFile(bad, d)
        let rejects = temp("hostile-rejects.txt")
        let r = try Run.tool("sklog-cat", ["--rejects", rejects, bad])
        #expect(r.status == 3)
        #expect(rawControls(Data(r.stderr.utf8)) == [])
        #expect(r.stderr.contains(#"\x1b]0;pwned\x07\x1b[2J \u009b31m\x7f\xff\xfe"#))
        let kept = try Data(contentsOf: URL(fileURLWithPath: rejects))
        #expect(kept.range(of: Data("\u{1b}]0;pwned\u{07}".utf8)) != nil)

        let dir = temp("hostile-names")
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let odd = dir + "/log\u{1b}]0;x\u{07}.txt"
        writeFile(odd, "\u{1b}[2Jnot a log line at all\n")
        let u = try Run.tool("sklog-cat", [odd])
        #expect(u.status == 2)
        #expect(rawControls(Data(u.stderr.utf8)) == [])
        #expect(u.stderr.contains(#"log\x1b]0;x\x07.txt"#))
    }

    /// TSV cells are neutralized against spreadsheet formulas like CSV cells.
    @Test func tsvNeutralizesFormulas() throws {
        let f = temp("hostile-formula.ndjson")
        writeFile(f, #"{"ts":"2026-11-24T10:00:00.000Z","messageId":"m1","requestType":"IntentRequest","intent":"@SUM(A1)","latencyMs":900,"outcome":"error","errorType":"=cmd|' /C calc'!A0","utterance":"+1 call"}"# + "\n")
        for format in ["csv", "tsv"] {
            let out = try Run.tool("sklog-cat", ["-q", "--format", format, f]).stdout
            let cells = out.split(separator: "\n")[1].split(separator: format == "csv" ? "," : "\t", omittingEmptySubsequences: false).map(String.init)
            let header = out.split(separator: "\n")[0].split(separator: format == "csv" ? "," : "\t").map(String.init)
            func cell(_ name: String) -> String { cells[header.firstIndex(of: name)!] }
            #expect(cell("errorType") == (format == "csv" ? "\"'=cmd|' /C calc'!A0\"" : "'=cmd|' /C calc'!A0") || cell("errorType").hasPrefix("'="), "\(format)")
            #expect(cell("intent") == "'@SUM(A1)", "\(format)")
            #expect(cell("utterance") == "'+1 call", "\(format)")
            #expect(cell("latencyMs") == "900")
        }
    }

    /// 32 IDs, some with line feeds, tabs, quotes, backslashes and ESC: the plain list has one line
    /// per ID, and `grep --ids` finds all 32 records again.
    @Test func plainIDsWithLineFeedsRoundTrip() throws {
        var lines: [String] = []
        var expected: [String] = []
        for k in 0..<32 {
            let id: String
            switch k % 8 {
            case 0: id = #"id\#(k)\nsecond"#
            case 1: id = #"id\#(k)\u001b[2J"#
            case 2: id = #"id\#(k)\\back"#
            case 3: id = #"id\#(k)\"q"#
            case 4: id = #"id\#(k)\ttab"#
            default: id = "amzn1.echo-api.request.\(k)"
            }
            expected.append(id)
            lines.append(#"{"ts":"2026-11-24T10:00:\#(String(format: "%02d", k)).000Z","messageId":""# + id + #"","sessionId":"s\#(k)","userId":"u","requestType":"LaunchRequest","latencyMs":100,"outcome":"error"}"#)
        }
        let f = temp("hostile-ids.ndjson")
        writeFile(f, lines.joined(separator: "\n") + "\n")
        let ids = try Run.tool("sklog-ids", ["-q", "--failed", f])
        #expect(ids.status == 0)
        #expect(ids.lines.count == 32)
        // Each line is the ID as written inside the JSON string of the log.
        #expect(Set(ids.lines) == Set(expected))
        #expect(rawControls(ids.out, allowTab: false) == [])
        let list = temp("hostile-ids.txt")
        writeFile(list, ids.out)
        let back = try Run.tool("sklog-grep", ["-q", "-c", "--ids", list, f])
        #expect(back.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "32")
        // grep -F -f finds every ID in the NDJSON log, which spells it the same way.
        let fixed = try sh("grep -c -F -f '\(list)' '\(f)'")
        #expect(fixed.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "32")
    }

    /// --redact leaves no user, device, session or person ID anywhere: not in nested unknown
    /// fields, in any format of any tool; free text in unknown fields is masked.
    @Test func redactLeavesNoPersonalIDInAnyOutput() throws {
        let gen = temp("hostile-redact-gen.ndjson")
        #expect(try Run.tool("sklog-gen", ["--records", "600", "--users", "20", "-o", gen]).status == 0)
        var log = try String(contentsOfFile: gen, encoding: .utf8)
        // Nested unknown fields: objects in arrays, a person ID, an account ID inside free text.
        log += #"{"ts":"2026-11-09T10:00:00.000Z","messageId":"amzn1.echo-api.request.nested-1","sessionId":"amzn1.echo-api.session.NESTED","userId":"amzn1.ask.account.NESTEDUSER","requestType":"IntentRequest","intent":"PlayIntent","slots":{"song":"private song"},"utterance":"play private song","latencyMs":5000,"outcome":"error","context":{"System":{"person":{"personId":"amzn1.ask.person.SECRETPERSON"},"devices":[{"id":"amzn1.ask.device.SECRETDEVICE"},["amzn1.account.SECRETACCOUNT"]]}},"note":"call amzn1.ask.account.SECRETINTEXT at home","diary":"my private diary entry","mode":"HUB"}"# + "\n"
        let f = temp("hostile-redact.ndjson")
        writeFile(f, log)
        // Every personal ID of the input.
        let pattern = try NSRegularExpression(pattern: #"amzn1\.(ask\.account|ask\.device|echo-api\.session|ask\.person|account)\.[A-Za-z0-9._-]+"#)
        let ids = Set(pattern.matches(in: log, range: NSRange(log.startIndex..., in: log)).map { String(log[Range($0.range, in: log)!]) })
        #expect(ids.count > 40)
        let secrets = ["private song", "my private diary", "SECRETINTEXT"]
        let html = temp("hostile-redact.html")
        let runs: [(String, [String])] = [
            ("sklog-cat", []), ("sklog-cat", ["--format", "csv"]), ("sklog-cat", ["--format", "tsv"]),
            ("sklog-grep", ["--intent", "."]), ("sklog-grep", ["--intent", ".", "--format", "csv"]),
            ("sklog-grep", ["--intent", "Play", "--session-context"]),
            ("sklog-sessions", []), ("sklog-sessions", ["--format", "csv"]),
            ("sklog-friction", []), ("sklog-friction", ["--format", "csv"]), ("sklog-friction", ["--summary"]),
            ("sklog-friction", ["--summary", "--format", "json"]), ("sklog-friction", ["--summary", "--format", "csv"]),
            ("sklog-ids", ["--failed"]), ("sklog-ids", ["--failed", "--format", "csv"]), ("sklog-ids", ["--failed", "--format", "json"]),
            ("sklog-metrics", ["--full"]), ("sklog-metrics", ["--format", "json"]), ("sklog-metrics", ["--format", "csv"]),
            ("sklog-metrics", ["--format", "prometheus"]), ("sklog-metrics", ["--partial"]),
            ("sklog-paths", []), ("sklog-paths", ["--format", "json"]), ("sklog-trend", []), ("sklog-trend", ["--format", "json"]),
            ("sklog-report", ["-o", html]),
        ]
        for (tool, args) in runs {
            let r = try Run.tool(tool, args + ["--redact", f])
            #expect(r.status == 0 || r.status == 1, "\(tool) \(args)")
            var text = r.stdout + r.stderr
            if tool == "sklog-report" { text += (try? String(contentsOfFile: html, encoding: .utf8)) ?? "" }
            let leaked = ids.filter { text.contains($0) }
            #expect(leaked.isEmpty, "\(tool) \(args) --redact leaks \(leaked.count) IDs, e.g. \(leaked.first ?? "")")
            for s in secrets { #expect(!text.contains(s), "\(tool) \(args) --redact leaks \(s)") }
        }
        // The nested record: IDs hashed consistently, codes kept, free text masked.
        let one = try Run.tool("sklog-grep", ["-q", "--redact", "--field", "messageId=nested-1", f]).stdout
        #expect(one.contains(#""mode":"HUB""#))
        #expect(one.contains(#""diary":"***""#))
        #expect(one.contains(#""slots":{"song":"***"}"#))
        #expect(!one.contains("amzn1.ask."))
        // One mask for a friction signature everywhere: Intent(slot=***).
        let sig = try Run.tool("sklog-friction", ["-q", "--redact", f]).stdout
        #expect(!sig.contains("(***)"))
    }

    /// A huge intent name makes a table as wide as the cap, not rows × its length.
    @Test func longIntentNameDoesNotMultiplyTables() throws {
        let big = "Play" + String(repeating: "X", count: 300_000)
        var lines: [String] = []
        for k in 0..<6 {
            lines.append(#"{"ts":"2026-11-24T10:0\#(k):00.000Z","messageId":"a\#(k)","sessionId":"s\#(k)","userId":"u\#(k)","requestType":"LaunchRequest","latencyMs":100,"outcome":"success"}"#)
            lines.append(#"{"ts":"2026-11-24T10:0\#(k):05.000Z","messageId":"b\#(k)","sessionId":"s\#(k)","userId":"u\#(k)","requestType":"IntentRequest","intent":"\#(k == 0 ? big : "Intent\(k)")","latencyMs":300,"outcome":"error"}"#)
        }
        let f = temp("hostile-long-intent.ndjson")
        writeFile(f, lines.joined(separator: "\n") + "\n")
        for (tool, args) in [("sklog-metrics", ["--full"]), ("sklog-paths", []), ("sklog-trend", [])] {
            let r = try Run.tool(tool, args + [f])
            #expect(r.status == 0)
            #expect(r.out.count < 100_000, "\(tool): \(r.out.count) bytes")
            if tool != "sklog-trend" {  // one day: no movers to name
                #expect(r.stdout.contains("PlayXXXX"))
                #expect(r.stdout.contains("…"))
            }
        }
        let html = temp("hostile-long-intent.html")
        #expect(try Run.tool("sklog-report", ["-q", "-o", html, f]).status == 0)
        let size = (try FileManager.default.attributesOfItem(atPath: html)[.size] as? Int) ?? 0
        #expect(size < 1_500_000, "report: \(size) bytes")
        // Machine formats keep the value whole.
        let json = try Run.tool("sklog-metrics", ["--format", "json", f]).stdout
        #expect(json.contains(big))
    }

    /// A huge exception message: the errors table cuts it like every table's cells (before, each
    /// of the 7 rows was padded to its width: 2.1 MB); the group's own lines show it whole once.
    @Test func longErrorMessageDoesNotMultiplyTheErrorsTable() throws {
        let big = "Boom" + String(repeating: "Y", count: 300_000)
        let lines = (0..<7).map { k in
            #"{"ts":"2026-11-24T10:0\#(k):05.000Z","messageId":"b\#(k)","sessionId":"s\#(k)","requestType":"IntentRequest","intent":"I","outcome":"error","errorType":"E","errorMessage":"\#(k == 0 ? big : "failure kind \(String(UnicodeScalar(97 + k)!))")"}"#
        }
        let f = temp("hostile-long-error.ndjson")
        writeFile(f, lines.joined(separator: "\n") + "\n")
        let r = try Run.tool("sklog-errors", ["-q", f])
        #expect(r.status == 0)
        #expect(r.out.count < 1_000_000, "\(r.out.count) bytes")
        let tableRows = r.lines.filter { $0.hasPrefix(" ") == false && $0.contains("  E: ") }
        #expect(tableRows.count == 7 && tableRows.allSatisfy { $0.count < 300 }, "\(tableRows.map(\.count))")
    }
}

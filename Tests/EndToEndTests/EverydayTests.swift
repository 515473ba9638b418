import Foundation
import Testing

/// Everyday use (issue 23): folders with a README, relative --since, -q, the filtered-out count.
@Suite struct EverydayEndToEnd {
    /// Three canonical records on 2026-11-23 and 2026-11-24.
    static let records = """
    {"ts":"2026-11-23T09:00:00.000Z","messageId":"E1","sessionId":"S1","userId":"U1","requestType":"LaunchRequest","outcome":"success","latencyMs":100}
    {"ts":"2026-11-24T08:00:00.000Z","messageId":"E2","sessionId":"S2","userId":"U2","requestType":"LaunchRequest","outcome":"success","latencyMs":200}
    {"ts":"2026-11-24T10:00:00.000Z","messageId":"E3","sessionId":"S3","userId":"U3","requestType":"LaunchRequest","outcome":"success","latencyMs":300}

    """

    @Test func folderWithAReadme() throws {
        let dir = temp()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        writeFile(dir + "/logs.ndjson", Self.records)
        writeFile(dir + "/README.md", "# Logs of 24 November\n\nPulled with aws logs tail.\n")
        let r = try Run.tool("sklog-cat", [dir])
        #expect(r.status == 0)
        #expect(r.lines.count == 3)
        #expect(r.stderr.contains("README.md: skipped (not a log in any known format)"))
        // -q: no note, no summary.
        let q = try Run.tool("sklog-cat", ["-q", dir])
        #expect(q.status == 0)
        #expect(q.stderr.isEmpty, "\(q.stderr)")
        // Named on the command line, it is still an error.
        let named = try Run.tool("sklog-cat", [dir + "/logs.ndjson", dir + "/README.md"])
        #expect(named.status == 2)
        #expect(named.stderr.contains("unknown input format"))
    }

    @Test func relativeSinceWithAFixedNow() throws {
        let dir = temp()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        writeFile(dir + "/in.ndjson", Self.records)
        let cat = Run.binDir.path + "/sklog-cat"
        func ids(_ args: String) throws -> [String] {
            let r = try sh("\(cat) -q \(args) \(dir)/in.ndjson", environment: ["SKLOG_NOW": "2026-11-24T10:30:00Z"])
            #expect(r.status == 0, "\(args): \(r.stderr)")
            return r.lines.compactMap { l in l.range(of: #""messageId":"E\d""#, options: .regularExpression).map { String(l[$0].dropFirst(13).dropLast()) } }
        }
        #expect(try ids("--since today") == ["E2", "E3"])
        #expect(try ids("--since yesterday --until today") == ["E1"])
        #expect(try ids("--since 1h") == ["E3"])          // 09:30 on
        #expect(try ids("--since 3h") == ["E2", "E3"])    // 07:30 on
        #expect(try ids("--since=-1d") == ["E2", "E3"])   // 2026-11-23T10:30 on
        #expect(try ids("--since 1w") == ["E1", "E2", "E3"])
        let bad = try Run.tool("sklog-cat", ["--since", "tomorrow", dir + "/in.ndjson"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("today, yesterday"))
    }

    @Test func metricsHeaderSaysHowManyWereFilteredOut() throws {
        let dir = temp()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        writeFile(dir + "/in.ndjson", Self.records)
        let r = try Run.tool("sklog-metrics", ["--since", "2026-11-24", dir + "/in.ndjson"])
        #expect(r.status == 0)
        let header = r.lines.first ?? ""
        #expect(header.contains("3 records parsed; 1 filtered out (--since/--until/--stage/--locale/--skill), 2 measured"), "\(header)")
    }

    @Test func periodIsTheBucketAndByADimension() throws {
        let dir = temp()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let f = dir + "/in.ndjson"
        writeFile(f, Self.records)
        let t = try Run.tool("sklog-trend", ["-q", "--period", "day", "--format", "csv", f])
        #expect(t.status == 0, "\(t.stderr)")
        // Two days: 2026-11-23 (E1) and 2026-11-24 (E2, E3).
        #expect(t.stdout.contains("2026-11-23") && t.stdout.contains("2026-11-24"))
        for tool in ["sklog-trend", "sklog-report", "sklog-metrics"] {
            let old = try Run.tool(tool, ["--by", "day", f])
            #expect(old.status == 2, "\(tool)")
            #expect(old.stderr.contains("--period day"), "\(tool): \(old.stderr)")
        }
        let dim = try Run.tool("sklog-trend", ["--by", "locale", f])
        #expect(dim.status == 2)
        #expect(dim.stderr.contains("--period"))
        let week = try Run.tool("sklog-report", ["-q", "--period", "week", "-o", dir + "/r.html", f])
        #expect(week.status == 0, "\(week.stderr)")
    }

    @Test func sessionContextMarksTheMatches() throws {
        let f = temp()
        writeFile(f, """
        {"ts":"2026-11-24T10:00:00.000Z","messageId":"A1","sessionId":"SA","userId":"U1","requestType":"LaunchRequest","outcome":"success"}
        {"ts":"2026-11-24T10:00:01.000Z","messageId":"B1","sessionId":"SB","userId":"U2","requestType":"LaunchRequest","outcome":"success"}
        {"ts":"2026-11-24T10:00:05.000Z","messageId":"A2","sessionId":"SA","userId":"U1","requestType":"IntentRequest","intent":"GetFactIntent","outcome":"error"}
        {"ts":"2026-11-24T10:00:09.000Z","messageId":"A3","sessionId":"SA","userId":"U1","requestType":"IntentRequest","intent":"AMAZON.StopIntent","outcome":"success"}

        """)
        let r = try Run.tool("sklog-grep", ["-q", "--outcome", "error", "--session-context", f])
        #expect(r.status == 0)
        // Session SA whole, in time order; only A2 matched.
        #expect(r.lines.count == 3)
        #expect(r.lines.map { $0.contains(#""messageId":"A2""#) } == [false, true, false])
        #expect(r.lines.map { $0.contains(#""match":true"#) } == [false, true, false])
        // Without --session-context, records are as they were.
        let plain = try Run.tool("sklog-grep", ["-q", "--outcome", "error", f])
        #expect(plain.lines.count == 1 && !plain.stdout.contains("match"))
    }

    /// Bash completes option values: what `_TOOL TOOL '' --option` puts in COMPREPLY.
    static func completions(_ tool: String, _ option: String) throws -> [String] {
        let script = temp()
        let gen = try Run.tool(tool, ["--generate-completion-script", "bash"])
        writeFile(script, gen.stdout)
        let r = try sh("""
        source '\(script)'
        COMP_WORDS=(\(tool) \(option) ''); COMP_CWORD=2; COMP_LINE='\(tool) \(option) '; COMP_POINT=${#COMP_LINE}
        _\(tool) \(tool) '' \(option); printf '%s\\n' "${COMPREPLY[@]}"
        """, shell: "/bin/bash")
        return r.lines
    }

    @Test func optionValuesComplete() throws {
        #expect(try Self.completions("sklog-metrics", "--period") == ["15m", "hour", "day", "week"])
        #expect(try Self.completions("sklog-metrics", "--by") == ["locale", "stage", "intent", "requestType", "skill"])
        #expect(try Self.completions("sklog-metrics", "--format") == ["table", "json", "csv", "prometheus"])
        #expect(try Self.completions("sklog-trend", "--period") == ["15m", "hour", "day", "week"])
        #expect(try Self.completions("sklog-grep", "--outcome") == ["success", "error", "no_response"])
        #expect(try Self.completions("sklog-ids", "--format") == ["ids", "csv", "json"])
        #expect(try Self.completions("sklog-cat", "--input-format").contains("awslogs"))
    }

    /// scripts/quickstart installs what the tools need; scripts/test what the tests need too.
    @Test func dependenciesSplitBetweenQuickstartAndTests() throws {
        let tools = try sh("'\(Run.repo.path)/scripts/install-deps' --list")
        #expect(tools.lines == ["libpcre2-dev", "zlib1g-dev", "libisal-dev", "pkg-config"])
        let tests = try sh("'\(Run.repo.path)/scripts/install-deps' --tests --list")
        for p in ["bash-completion", "jq", "man-db"] { #expect(tests.lines.contains(p), "\(p)") }
        let quickstart = try String(contentsOfFile: Run.repo.path + "/scripts/quickstart", encoding: .utf8)
        #expect(quickstart.contains("scripts/install-deps\n") && !quickstart.contains("--tests"))
        let test = try String(contentsOfFile: Run.repo.path + "/scripts/test", encoding: .utf8)
        #expect(test.contains("scripts/install-deps --tests"))
        let readme = try String(contentsOfFile: Run.repo.path + "/README.md", encoding: .utf8)
        #expect(readme.contains("bash-completion"))
    }

    /// The docs state their definitions (docs/definitions.md) instead of citing a spec users do not have.
    @Test func docsStandOnTheirOwn() throws {
        let r = try sh("cd '\(Run.repo.path)' && grep -rln SPEC README.md docs Samples/README.md || true")
        #expect(r.stdout.isEmpty, "\(r.stdout)")
        let defs = try String(contentsOfFile: Run.repo.path + "/docs/definitions.md", encoding: .utf8)
        for heading in ["## Turns, utterances, customers", "## Sessions and their outcomes", "## Friction", "## Latency and response", "### In-skill purchasing"] {
            #expect(defs.contains(heading), "\(heading)")
        }
    }

    /// --help lists the tool's own options first, then the shared input options; the driver-only
    /// ones (--stdin-name, --accounting) only in --help-hidden.
    @Test func helpListsTheToolsOwnOptionsFirst() throws {
        let help = try Run.tool("sklog-trend", ["--help"]).stdout
        let period = try #require(help.range(of: "--period <period>")), since = try #require(help.range(of: "--since <time>"))
        #expect(period.lowerBound < since.lowerBound)
        #expect(!help.contains("--stdin-name") && !help.contains("--accounting"))
        let hidden = try Run.tool("sklog-trend", ["--help-hidden"]).stdout
        #expect(hidden.contains("--stdin-name") && hidden.contains("--accounting"))
    }

    static let manualToolBuilt = FileManager.default.isExecutableFile(atPath: Run.binDir.appendingPathComponent("generate-manual-tool").path)

    /// The manual pages show the defaults --help shows.
    @Test(.enabled(if: manualToolBuilt)) func manPagesShowTheDefaults() throws {
        let p = temp()
        let i = try sh("'\(Run.repo.path)/scripts/install' --no-build --bin-dir '\(Run.binDir.path)' --prefix '\(p)'")
        #expect(i.status == 0, "\(i.stderr)")
        let page = try sh("man -l '\(p)/share/man/man1/sklog-trend.1' | col -b", environment: ["MANWIDTH": "200"])
        let text = page.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        #expect(text.contains("Time bucket (UTC; weeks start Monday): 15m, hour, day or week. (default: day)"), "\(page.stdout.prefix(3000))")
        #expect(text.contains("(default: 10m)"))   // --dedup-window
    }
}


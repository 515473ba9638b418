import Foundation
import Testing

/// Every example in the README, the docs and the tools' --help runs as written (like
/// swift-argument-parser tests its examples). The examples name `logs/*.gz` for the user's logs
/// (and `dev-export/`, `live-export/` for two CloudWatch exports); each page runs in a fresh
/// folder where those hold the Samples' logs and `Samples/` is the repository's. Transcripts (`$ command` then its output) must show what the command
/// prints: standard output then standard error, `…` standing for lines left out.
@Suite struct Examples {
    struct Example: CustomStringConvertible {
        var place: String
        var command: String
        /// The output a transcript shows; nil for a plain example.
        var shown: [String]?
        var description: String { "\(place): \(command)" }
    }

    /// Commands left out, each with the reason.
    static let notRun: [(prefix: String, why: String)] = [
        ("scripts/", "development scripts: CI runs them itself"),
        ("contrib/spark/test.sh", "the Spark tests: SparkTests runs them"),
        ("export PATH=", "the test puts the tools on PATH"),
        ("sklog-gen --records 2000000 ", "the W1 benchmark input: minutes in a debug build; scripts/bench makes it"),
        ("aws ", "AWS CLI calls need an account: the fixture writes the files they would (tail.log, events.json, ...)"),
        ("awslogs ", "awslogs needs an account too: the fixture writes awslogs.txt"),
    ]

    /// Pages whose commands need more than this machine's tools: docs/spark.md's need pyspark and
    /// a cluster (YARN, EMR); contrib/spark/test.sh (SparkTests) runs its local and standalone ones.
    static let pagesNotRun: Set<String> = ["docs/spark.md"]

    static var pages: [String] {
        let docs = (try? FileManager.default.contentsOfDirectory(atPath: Run.repo.appendingPathComponent("docs").path)) ?? []
        return (["README.md", "Samples/README.md"] + docs.filter { $0.hasSuffix(".md") }.sorted().map { "docs/" + $0 })
            .filter { !pagesNotRun.contains($0) }
    }

    static let tools = ["sklog", "sklog-cat", "sklog-grep", "sklog-sessions", "sklog-paths", "sklog-friction",
                        "sklog-metrics", "sklog-ids", "sklog-trend", "sklog-report", "sklog-gen", "sklog-errors", "sklog-top"]

    /// The examples of a Markdown page: ```sh blocks, and transcripts in any block.
    static func examples(page: String) throws -> [Example] {
        let lines = try String(contentsOf: Run.repo.appendingPathComponent(page), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var out: [Example] = []
        var i = 0
        while i < lines.count {
            guard lines[i].hasPrefix("```") else { i += 1; continue }
            let lang = String(lines[i].dropFirst(3))
            var j = i + 1
            var body: [(Int, String)] = []
            while j < lines.count && !lines[j].hasPrefix("```") { body.append((j + 1, lines[j])); j += 1 }
            i = j + 1
            if body.contains(where: { $0.1.hasPrefix("$ ") }) {
                var k = 0
                while k < body.count {
                    guard body[k].1.hasPrefix("$ ") else { k += 1; continue }
                    let (n, first) = body[k]
                    var cmd = String(first.dropFirst(2))
                    k += 1
                    while cmd.hasSuffix("\\") && k < body.count { cmd += "\n" + body[k].1; k += 1 }
                    var shown: [String] = []
                    while k < body.count && !body[k].1.hasPrefix("$ ") { shown.append(body[k].1); k += 1 }
                    out.append(Example(place: "\(page):\(n)", command: cmd, shown: shown))
                }
            } else if lang == "sh" {
                var k = 0
                while k < body.count {
                    let (n, line) = body[k]
                    k += 1
                    var cmd = line
                    while cmd.hasSuffix("\\") && k < body.count { cmd += "\n" + body[k].1; k += 1 }
                    let t = cmd.trimmingCharacters(in: .whitespaces)
                    if t.isEmpty || t.hasPrefix("#") { continue }
                    out.append(Example(place: "\(page):\(n)", command: cmd, shown: nil))
                }
            } else {
                // A block of commands that is not marked sh would escape this test.
                for (n, line) in body where line.range(of: #"^\s*sklog(-[a-z]+)? [^\[]*$"#, options: .regularExpression) != nil {
                    out.append(Example(place: "\(page):\(n)", command: "false # an example outside a ```sh block: " + line, shown: nil))
                }
            }
        }
        return out
    }

    /// The examples of a tool's --help: the indented command lines after "Examples:".
    static func examples(tool: String) throws -> [Example] {
        let help = try Run.tool(tool, ["--help"]).stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let start = help.firstIndex(where: { $0.hasPrefix("Examples:") }) else { return [] }
        var out: [Example] = []
        var k = start + 1
        while k < help.count, help[k].hasPrefix("  ") {
            var cmd = help[k].trimmingCharacters(in: .whitespaces)
            k += 1
            while cmd.hasSuffix("\\") && k < help.count { cmd += "\n" + help[k]; k += 1 }
            out.append(Example(place: "\(tool) --help", command: cmd, shown: nil))
        }
        return out
    }

    /// A fresh folder with `Samples/` and `logs/` (the Samples' gzip logs).
    static func fixture() throws -> String {
        let dir = temp()
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir + "/logs", withIntermediateDirectories: true)
        try fm.createSymbolicLink(atPath: dir + "/Samples", withDestinationPath: Run.repo.appendingPathComponent("Samples").path)
        for s in ["canonical/two-weeks.ndjson.gz", "lambda/cloudwatch-export.gz"] {
            try fm.copyItem(atPath: Run.sample(s), toPath: dir + "/logs/" + (s as NSString).lastPathComponent)
        }
        for d in ["dev-export", "live-export"] {
            try fm.createDirectory(atPath: dir + "/" + d + "/stream", withIntermediateDirectories: true)
            try fm.copyItem(atPath: Run.sample("lambda/cloudwatch-export.gz"), toPath: dir + "/" + d + "/stream/000000.gz")
        }
        // What docs/formats.md's `aws logs …` and Logs Insights examples would have written, made from
        // the Samples' Lambda log: `aws logs tail` text (detailed and short), a filter-log-events dump, an Insights CSV,
        // and an S3 export folder with the aws-logs-write-test file AWS puts there.
        try pulledLogsScript.write(toFile: dir + "/make-pulled-logs.py", atomically: true, encoding: .utf8)
        let made = try run("python3 make-pulled-logs.py Samples/lambda/lambda-text.log", in: dir, previous: 0)
        guard made.status == 0 else { throw CocoaError(.fileWriteUnknown) }
        try fm.createDirectory(atPath: dir + "/export/3f1c9d2e/stream", withIntermediateDirectories: true)
        try fm.copyItem(atPath: Run.sample("lambda/cloudwatch-export.gz"), toPath: dir + "/export/3f1c9d2e/stream/000000.gz")
        try "Permission Check Successful".write(toFile: dir + "/export/aws-logs-write-test", atomically: true, encoding: .utf8)
        return dir
    }

    /// Splits a Lambda text log into log events and writes them the ways the AWS CLI and the
    /// Logs Insights console hand them out (formats as documented in docs/formats.md).
    static let pulledLogsScript = #"""
import csv, json, re, sys, datetime
src = sys.argv[1]
stream = "2026/11/24/[$LATEST]0f1e2d3c4b5a69788796a5b4c3d2e1f0"
events, ts = [], None
for line in open(src, encoding="utf-8").read().splitlines():
    m = re.match(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3})Z", line)
    if m: ts = datetime.datetime.fromisoformat(m.group(1)).replace(tzinfo=datetime.timezone.utc)
    if m or re.match(r"(START|END|REPORT|INIT_START) ", line) or not events:
        events.append([ts, line])
    else:
        events[-1][1] += "\n" + line
first = next(t for t, _ in events if t)
events = [(t or first, msg) for t, msg in events]
with open("tail.log", "w") as f:  # aws logs tail --format detailed
    for t, msg in events:
        f.write(f"{t.isoformat(timespec='microseconds')} {stream} {msg}\n")
with open("tail-short.log", "w") as f:  # aws logs tail --format short
    for t, msg in events:
        f.write(f"{t.strftime('%Y-%m-%dT%H:%M:%S')} {msg}".rstrip() + "\n")
ms = lambda t: int(t.timestamp() * 1000)
doc = {"events": [{"logStreamName": stream, "timestamp": ms(t), "message": msg + "\n",
                   "ingestionTime": ms(t) + 50, "eventId": str(i)} for i, (t, msg) in enumerate(events)],
       "searchedLogStreams": []}
with open("events.json", "w") as f:  # aws logs filter-log-events --output json
    json.dump(doc, f, indent=4); f.write("\n")
with open("events.txt", "w") as f:  # aws logs filter-log-events --output text (awscli/text.py)
    for i, (t, msg) in enumerate(events):
        f.write(f"EVENTS\t{i}\t{ms(t) + 50}\t{stream}\t{msg}\n\t{ms(t)}\n")
    f.write(f"SEARCHEDLOGSTREAMS\t{stream}\tTrue\n")
with open("messages.txt", "w") as f:  # --query 'events[*].message' --output text
    f.write("\t".join(msg + "\n" for _, msg in events) + "\n")
with open("awslogs.txt", "w") as f:  # awslogs get GROUP
    for t, msg in events:
        f.write(f"/aws/lambda/space-facts {stream} {msg.rstrip()}\n")
with open("logs-insights-results.csv", "w", newline="") as f:  # Logs Insights export, newest first
    w = csv.writer(f)
    w.writerow(["@timestamp", "@message", "@logStream"])
    for t, msg in reversed(events):
        w.writerow([t.strftime("%Y-%m-%d %H:%M:%S.") + f"{t.microsecond // 1000:03d}", msg, stream])
"""#

    /// Runs one command line with bash (pipefail) in `dir`, `$?` set to `previous`.
    static func run(_ command: String, in dir: String, previous: Int32) throws -> Run {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["-o", "pipefail", "-c", "(exit \(previous)); " + command]
        p.currentDirectoryURL = URL(fileURLWithPath: dir)
        var env = ProcessInfo.processInfo.environment
        env["PATH"] = Run.binDir.path + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        env["COLUMNS"] = "80"
        env.removeValue(forKey: "NO_COLOR")
        p.environment = env
        let o = Pipe(), e = Pipe()
        p.standardOutput = o
        p.standardError = e
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let (outData, errData) = Run.drain(o, e)
        p.waitUntilExit()
        return Run(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                   stderr: String(decoding: errData, as: UTF8.self), out: outData)
    }

    /// The shown lines, split at `…` (or `...`), must appear in this order in the output.
    static func shows(_ shown: [String], _ output: [String]) -> Bool {
        var shown = shown
        while shown.last == "" { shown.removeLast() }
        var chunks: [[String]] = [[]]
        for l in shown {
            if ["…", "..."].contains(l.trimmingCharacters(in: .whitespaces)) { chunks.append([]) } else { chunks[chunks.count - 1].append(l) }
        }
        let whole = chunks.count == 1
        var at = 0
        for chunk in chunks where !chunk.isEmpty {
            var found: Int? = nil
            var s = at
            while s + chunk.count <= output.count {
                if Array(output[s..<(s + chunk.count)]) == chunk { found = s; break }
                if whole { break }
                s += 1
            }
            guard let f = found else { return false }
            at = f + chunk.count
        }
        return !whole || at == output.count
    }

    static func check(_ examples: [Example]) throws {
        let dir = try fixture()
        var previous: Int32 = 0
        for ex in examples {
            if let skip = notRun.first(where: { ex.command.hasPrefix($0.prefix) }) {
                _ = skip
                continue
            }
            let r = try run(ex.command, in: dir, previous: previous)
            previous = r.status
            // 4: a --fail-if condition held, which is what such an example shows.
            let ok = r.status == 0 || (r.status == 4 && ex.command.contains("--fail-if"))
            #expect(ok, "\(ex) exited \(r.status): \(r.stderr.prefix(600))")
            if let shown = ex.shown, !shown.isEmpty {
                var output = (r.stdout + r.stderr).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                if output.last == "" { output.removeLast() }
                #expect(shows(shown, output), "\(ex): the page shows\n\(shown.joined(separator: "\n"))\nbut it printed\n\(r.stdout + r.stderr)")
            }
        }
    }

    @Test(arguments: pages) func pageExamplesRun(_ page: String) throws {
        try Self.check(try Self.examples(page: page))
    }

    @Test(arguments: tools) func helpExamplesRun(_ tool: String) throws {
        let examples = try Self.examples(tool: tool)
        #expect(tool == "sklog" || !examples.isEmpty, "\(tool) --help has no examples")
        try Self.check(examples)
    }

    @Test func everyPageHasExamplesFound() throws {
        // The extractor must see the pages' examples (a test that finds none cannot fail).
        #expect(try Self.examples(page: "README.md").count >= 4)
        #expect(try Self.examples(page: "docs/walkthrough.md").filter { $0.shown != nil }.count >= 10)
        #expect(Self.shows(["a", "…", "c"], ["x", "a", "b", "c"]))
        #expect(!Self.shows(["a", "c"], ["a", "b", "c"]))
        #expect(!Self.shows(["c", "…", "a"], ["a", "b", "c"]))
    }
}

import Foundation
import Testing

/// Issue 19, items 1-3 and 11-14: output files written atomically, an output that names an input
/// refused, write errors named, symbolic link loops, tampered partial states, impossible
/// timestamps and out-of-range numbers.
@Suite(.serialized) struct HostileFiles {
    /// `n` canonical records, one second apart, distinct message IDs.
    func records(_ n: Int, tag: String = "I") -> String {
        (0..<n).map { #"{"ts":"2026-11-24T10:\#(String(format: "%02d", ($0 / 60) % 60)):\#(String(format: "%02d", $0 % 60)).000Z","messageId":"m\#($0)","intent":"\#(tag)\#($0 % 3)"}"# }
            .joined(separator: "\n") + "\n"
    }

    func dir() -> String {
        let d = temp("files-" + UUID().uuidString)
        try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    func read(_ p: String) -> String { (try? String(contentsOfFile: p, encoding: .utf8)) ?? "<missing>" }

    /// Files in `d` whose names start with "." (our temporary files are `.FILE.sklog-XXXXXX`).
    func hidden(_ d: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: d)) ?? []).filter { $0.hasPrefix(".") }
    }

    // MARK: Item 1: an output that is also an input

    @Test func outputNamingAnInputIsRefusedAndTheInputKept() throws {
        let d = dir(), x = d + "/x"
        let text = records(20)
        writeFile(x, text)
        for args in [["-o", x, x], ["--rejects", x, x], ["--accounting", x, x], ["-o", d + "/link", x]] {
            if args[1].hasSuffix("link") { try? FileManager.default.createSymbolicLink(atPath: d + "/link", withDestinationPath: x) }
            let r = try Run.tool("sklog-cat", args)
            #expect(r.status == 2, "\(args)")
            #expect(r.stderr.contains("is also an input"), "\(args): \(r.stderr)")
            #expect(r.stdout.isEmpty)
            #expect(read(x) == text, "\(args) changed the input")
        }
        // Standard input redirected from the output file.
        let s = try sh("sklog-cat -o '\(x)' < '\(x)'")
        #expect(s.status == 2 && s.stderr.contains("standard input"))
        #expect(read(x) == text)
        // -o and --rejects naming one file (not yet existing).
        let both = try Run.tool("sklog-cat", ["-o", d + "/o", "--rejects", d + "/o", x])
        #expect(both.status == 2 && both.stderr.contains("same file"))
        #expect(!FileManager.default.fileExists(atPath: d + "/o"))
        // A partial state merged into itself.
        let part = d + "/p.json"
        _ = try Run.tool("sklog-metrics", ["--partial", "-o", part, x])
        let before = read(part)
        let m = try Run.tool("sklog-metrics", ["--merge", "--partial", "-o", part, part])
        #expect(m.status == 2 && m.stderr.contains("is also an input"))
        #expect(read(part) == before)
        // /dev/null may be both.
        #expect(try Run.tool("sklog-cat", ["-o", "/dev/null", "/dev/null"]).status == 0)
    }

    // MARK: Item 2: an earlier FILE survives a failed or killed run

    @Test func failedRunKeepsTheEarlierOutput() throws {
        let d = dir(), out = d + "/out", good = d + "/good"
        writeFile(good, records(10))
        writeFile(out, "earlier\n")
        // Unknown input format: exit 2, nothing written.
        let r = try Run.tool("sklog-cat", ["-o", out, "--rejects", d + "/rej", "--accounting", d + "/acc"], stdin: Data("garbage\n".utf8))
        #expect(r.status == 2)
        #expect(read(out) == "earlier\n")
        #expect(!FileManager.default.fileExists(atPath: d + "/rej") && !FileManager.default.fileExists(atPath: d + "/acc"))
        #expect(hidden(d).isEmpty, "temporary files left: \(hidden(d))")
        // --strict with damage: exit 2, the output kept as it was; the rejects describe the input.
        writeFile(d + "/bad", records(3) + "not json\n")
        let s = try Run.tool("sklog-cat", ["--strict", "-o", out, "--rejects", d + "/rej", d + "/bad"])
        #expect(s.status == 2)
        #expect(read(out) == "earlier\n")
        #expect(read(d + "/rej").contains("not json"))
        #expect(hidden(d).isEmpty)
        // A successful run replaces it, keeping the file's mode.
        chmod(out, 0o640)
        let ok = try Run.tool("sklog-cat", ["-q", "-o", out, good])
        #expect(ok.status == 0)
        #expect(read(out).split(separator: "\n").count == 10)
        var st = stat(); stat(out, &st)
        #expect(st.st_mode & 0o777 == 0o640)
        // grep selecting nothing (exit 1): the result is an empty file, not the stale one.
        writeFile(out, "earlier\n")
        let g = try Run.tool("sklog-grep", ["-q", "--intent", "Nothing", "-o", out, good])
        #expect(g.status == 1)
        #expect(read(out) == "")
    }

    /// Starts `tool` reading from a pipe that is fed `input` and then kept open.
    func startOnOpenPipe(_ tool: String, _ args: [String], input: String, environment: [String: String] = [:]) throws -> (Process, Pipe) {
        let p = Process()
        p.executableURL = Run.binDir.appendingPathComponent(tool)
        p.arguments = args
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        p.environment = env
        let i = Pipe()
        p.standardInput = i
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        try i.fileHandleForWriting.write(contentsOf: Data(input.utf8))
        return (p, i)
    }

    /// Waits up to 10 s for `p` to end; then kills it (so a regression fails, never hangs).
    func end(_ p: Process) -> Bool {
        if waitFor({ !p.isRunning }) { return true }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        return false
    }

    func waitFor(_ cond: () -> Bool) -> Bool {
        for _ in 0..<200 { if cond() { return true }; usleep(50_000) }
        return false
    }

    @Test func killedRunKeepsTheEarlierOutputAndLeavesNoTemporaryFile() throws {
        // (Not SIGINT: on a live input, the first Ctrl-C ends the input and the run finishes
        // with its output, by the live-input contract.)
        for sig in [SIGTERM, SIGHUP] {
            let d = dir(), out = d + "/out", rej = d + "/rej"
            writeFile(out, "earlier\n")
            writeFile(rej, "earlier rejects\n")
            // Input that stays open; the tool is killed once it has written its temporary files.
            let (p, pipe) = try startOnOpenPipe("sklog-cat", ["-q", "-o", out, "--rejects", rej], input: records(50) + "not json\n")
            let sawTemp = waitFor { hidden(d).count == 2 }
            usleep(300_000)
            kill(p.processIdentifier, sig)
            #expect(end(p), "signal \(sig) did not end the run")
            try? pipe.fileHandleForWriting.close()
            #expect(sawTemp, "signal \(sig): no temporary files were seen")
            #expect(p.terminationReason == .uncaughtSignal)
            #expect(hidden(d).isEmpty, "signal \(sig): temporary files left: \(hidden(d))")
            #expect(read(out) == "earlier\n", "signal \(sig)")
            #expect(read(rej) == "earlier rejects\n", "signal \(sig)")
        }
    }

    @Test func strictSpoolIsNeverLeftBehind() throws {
        let d = dir()
        let (p, pipe) = try startOnOpenPipe("sklog-cat", ["-q", "--strict"], input: records(50), environment: ["TMPDIR": d])
        usleep(800_000)
        let during = (try? FileManager.default.contentsOfDirectory(atPath: d)) ?? []
        kill(p.processIdentifier, SIGTERM)
        #expect(end(p))
        try? pipe.fileHandleForWriting.close()
        let after = (try? FileManager.default.contentsOfDirectory(atPath: d)) ?? []
        #expect(during.isEmpty && after.isEmpty, "\(during) \(after)")
        // And the spooled output still comes out whole.
        writeFile(d + "/in", records(50))
        let ok = try Run.tool("sklog-cat", ["-q", "--strict", d + "/in"])
        #expect(ok.status == 0 && ok.lines.count == 50)
    }

    @Test func concurrentRunsWithOneOutputNeverInterleave() throws {
        let d = dir(), out = d + "/out"
        // Different line lengths, so that interleaved writes would break lines.
        for k in 0..<3 { writeFile(d + "/a\(k)", records(20000, tag: String(repeating: "x", count: 1 + 7 * k))) }
        let runs = try (0..<3).map { k in
            let p = Process()
            p.executableURL = Run.binDir.appendingPathComponent("sklog-cat")
            p.arguments = ["-q", "-o", out, d + "/a\(k)"]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            return p
        }
        for p in runs { p.waitUntilExit(); #expect(p.terminationStatus == 0) }
        let lines = read(out).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 20001)
        let broken = lines.dropLast().filter { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) == nil }
        #expect(broken.isEmpty, "\(broken.count) broken lines")
        #expect(hidden(d).isEmpty)
    }

    // MARK: Item 3: write errors

    /// Runs `script` with the file size limited to `kib` KiB (SIGXFSZ ignored, so a write past
    /// the limit fails with EFBIG as on a full disk).
    func limited(_ kib: Int, _ script: String) throws -> Run {
        try sh("trap '' XFSZ; ulimit -f \(kib * 2); \(script)", shell: "/bin/bash")
    }

    @Test func rejectsOnAFullDiskIsAnErrorNamingTheFile() throws {
        let d = dir(), rej = d + "/rej"
        let bad = (0..<100_000).map { "bad line \($0)" }.joined(separator: "\n") + "\n"
        writeFile(d + "/in", records(10) + bad)
        let r = try limited(64, "sklog-cat --input-format ndjson --rejects '\(rej)' -o /dev/null '\(d)/in'")
        #expect(r.status == 2, "\(r.status) \(r.stderr.suffix(300))")
        #expect(r.stderr.contains(rej) && r.stderr.contains("write error"))
        #expect(!r.stderr.contains("all written to"))
        #expect(!FileManager.default.fileExists(atPath: rej))
        #expect(hidden(d).isEmpty)
    }

    @Test func outputAndAccountingOnAFullDiskAreErrors() throws {
        let d = dir()
        writeFile(d + "/in", records(5000))
        let o = try limited(64, "sklog-cat -q -o '\(d)/out' '\(d)/in'")
        #expect(o.status == 2 && o.stderr.contains("\(d)/out") && o.stderr.contains("write error"))
        #expect(!FileManager.default.fileExists(atPath: d + "/out"))
        let full = try sh("sklog-cat -q '\(d)/in' > /dev/full")
        #expect(full.status == 2 && full.stderr.contains("write error"))
        #expect(hidden(d).isEmpty)
    }

    // MARK: Item 14: symbolic link loops in an export folder

    @Test func symlinkLoopInAFolderIsNotFollowed() throws {
        let d = dir()
        try FileManager.default.createDirectory(atPath: d + "/export/sub", withIntermediateDirectories: true)
        writeFile(d + "/export/a.ndjson", records(5))
        writeFile(d + "/export/sub/b.ndjson", records(5, tag: "J").replacingOccurrences(of: "\"messageId\":\"m", with: "\"messageId\":\"n"))
        try FileManager.default.createSymbolicLink(atPath: d + "/export/sub/loop", withDestinationPath: "..")
        let r = try Run.tool("sklog-cat", [d + "/export"])
        #expect(r.status == 0)
        #expect(r.stderr.contains("2 files"), "\(r.stderr)")
        #expect(r.stderr.contains("10 records seen"))
        #expect(r.stderr.contains("loop") && r.stderr.contains("not followed"))
        #expect(r.lines.count == 10)
    }

    // MARK: Item 12: timestamps

    @Test func impossibleTimestampsAreRejectedNotRolledOver() throws {
        let d = dir()
        let bad = [
            #"{"ts":253402300800000,"messageId":"year10000"}"#,           // 10000-01-01 as epoch ms
            #"{"ts":-62167219200001,"messageId":"beforeYear0"}"#,
            #"{"ts":"2026-02-31T10:00:00.000Z","messageId":"feb31"}"#,
            #"{"ts":"2026-02-29T10:00:00.000Z","messageId":"feb29"}"#,     // 2026 is no leap year
            #"{"ts":"2026-04-31","messageId":"apr31"}"#,
            #"{"ts":"2026-11-24T10:00:00+99:99","messageId":"offset"}"#,
            #"{"ts":"2026-11-24T10:00:00+24:00","messageId":"offset24"}"#,
            #"{"ts":"9999-12-31T23:00:00-05:00","messageId":"year10000utc"}"#,
        ]
        let good = [
            #"{"ts":"2028-02-29T10:00:00.000Z","messageId":"leap"}"#,
            #"{"ts":253402300799999,"messageId":"last"}"#,
            #"{"ts":"2026-11-24T10:00:00+05:30","messageId":"india"}"#,
        ]
        writeFile(d + "/in", (bad + good).joined(separator: "\n") + "\n")
        let r = try Run.tool("sklog-cat", ["--rejects", d + "/rej", d + "/in"])
        #expect(r.status == 3)
        #expect(r.stderr.contains("8 rejected (invalid ts: 8)"), "\(r.stderr)")
        #expect(r.stderr.contains(d + "/in:1: invalid ts"))
        #expect(r.lines.count == 3)
        #expect(!r.stdout.contains("\"0000-") && !r.stdout.contains("-03-03"))
        #expect(r.stdout.contains(#""ts":"9999-12-31T23:59:59.999Z""#))
        #expect(r.stdout.contains(#""ts":"2026-11-24T04:30:00.000Z""#))
        #expect(read(d + "/rej").split(separator: "\n").count == 8)
    }

    @Test func csvEpochBeyondYear9999IsRejected() throws {
        let d = dir()
        writeFile(d + "/in.csv", "timestamp,requestId\n253402300800000,a\n1795420800000,b\n")
        let r = try Run.tool("sklog-cat", [d + "/in.csv"])
        #expect(r.status == 3, "\(r.stderr)")
        #expect(r.lines.count == 1 && !r.stdout.contains("0000-01-01"))
    }

    // MARK: Item 13: out-of-range numbers, invalid JSON

    @Test func outOfRangeLatencyIsRejectedAsDamage() throws {
        let d = dir()
        let bad = ["1e999", "-5000", "9223372036854775808", "\"NaN\"", "\"fast\"", "true"]
        let lines = bad.enumerated().map { #"{"ts":"2026-11-24T10:00:0\#($0.offset).000Z","messageId":"b\#($0.offset)","latencyMs":\#($0.element)}"# }
            + [#"{"ts":"2026-11-24T10:00:09.000Z","messageId":"ok","latencyMs":1200}"#,
               #"{"ts":"2026-11-24T10:00:09.500Z","messageId":"nul","latencyMs":null}"#]
        writeFile(d + "/in", lines.joined(separator: "\n") + "\n")
        let r = try Run.tool("sklog-cat", [d + "/in"])
        #expect(r.status == 3)
        #expect(r.stderr.contains("6 rejected (invalid latencyMs: 6)"), "\(r.stderr)")
        #expect(r.stderr.contains(d + "/in:1: invalid latencyMs"))
        #expect(r.lines.count == 2)
        // The metrics count them as damage too.
        let m = try Run.tool("sklog-metrics", ["--format", "json", d + "/in"])
        #expect(m.status == 3)
    }

    // MARK: Item 11: tampered partial states

    /// A partial state of `records`, as text.
    func partial(_ d: String, _ name: String, _ text: String) throws -> String {
        writeFile(d + "/" + name + ".in", text)
        let r = try Run.tool("sklog-metrics", ["-q", "--partial", "-o", d + "/" + name, d + "/" + name + ".in"])
        #expect(r.status == 0)
        return read(d + "/" + name)
    }

    @Test func tamperedPartialStatesAreRefused() throws {
        let d = dir()
        let lines = (0..<20).map { #"{"ts":"2026-11-24T10:00:\#(String(format: "%02d", $0)).000Z","messageId":"m\#($0)","sessionId":"s\#($0 % 4)","userId":"u\#($0 % 4)","requestType":"IntentRequest","intent":"I","latencyMs":\#(100 + $0)}"# }
        let state = try partial(d, "p", lines.joined(separator: "\n") + "\n")
        #expect(state.contains(#""runId":""#))
        func merge(_ text: String) throws -> Run {
            writeFile(d + "/t", text)
            return try Run.tool("sklog-metrics", ["--merge", "--format", "json", d + "/t"])
        }
        // The untampered state merges.
        #expect(try merge(state).status == 0)
        let histogram = state.range(of: #""endpointLatency":[["#)
        #expect(histogram != nil)
        var tampered: [(String, String)] = []
        // A 10^12 ms latency with count 10^15 (the average overflowed to -6930.9).
        tampered.append(("latency overflow", state.replacingOccurrences(of: #""endpointLatency":[["#, with: #""endpointLatency":[[1000000000000,1000000000000000],["#)))
        // Counters: negative, 10^30, a string, null, 1.5.
        for (what, v) in [("negative", "-1000000"), ("1e30", "1000000000000000000000000000000"), ("string", #""35488""#), ("null", "null"), ("fraction", "1.5")] {
            tampered.append((what, state.replacingOccurrences(of: #""parsed":20"#, with: #""parsed":"# + v)))
            tampered.append((what + " counter", state.replacingOccurrences(of: #""c":{""#, with: #""c":{"turns":"# + v + #",""#)))
        }
        // A missing section.
        for section in ["buckets", "deferred", "whole", "accounting"] {
            if let r = state.range(of: "\"\(section)\":") {
                tampered.append(("missing " + section, state.replacingCharacters(in: r, with: "\"x\(section)\":")))
            }
        }
        for (what, text) in tampered {
            #expect(text != state, "\(what): the tampering did not apply")
            let r = try merge(text)
            #expect(r.status == 2, "\(what): \(r.status) \(r.stderr)")
            #expect(r.stderr.contains(d + "/t"), "\(what): \(r.stderr)")
            #expect(r.stdout.isEmpty, "\(what)")
        }
        // The same state twice (one file twice, or a copy) is refused, naming both.
        writeFile(d + "/copy", state)
        for args in [[d + "/p", d + "/p"], [d + "/p", d + "/copy"]] {
            let r = try Run.tool("sklog-metrics", ["--merge"] + args)
            #expect(r.status == 2 && r.stderr.contains("the same partial state"), "\(r.stderr)")
            #expect(r.stdout.isEmpty)
        }
        // Two different states merge.
        _ = try partial(d, "q", lines.map { $0.replacingOccurrences(of: "\"messageId\":\"m", with: "\"messageId\":\"n") }.joined(separator: "\n") + "\n")
        let two = try Run.tool("sklog-metrics", ["--merge", "--format", "json", d + "/p", d + "/q"])
        #expect(two.status == 0, "\(two.stderr)")
    }
}

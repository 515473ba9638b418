import Foundation
import Testing

/// SPEC §2: a progress line on standard error (bytes, records/s, ETA when the total size is
/// known) when standard error is a terminal and the run lasts more than about a second; never
/// otherwise. The terminal is a pseudo-terminal made by script(1).
@Suite(.serialized) struct ProgressLine {
    static let dir: String = {
        let d = temp("progress-\(getpid())")
        try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        _ = try? Run.tool("sklog-gen", ["--records", "12000", "--seed", "5", "-o", d + "/a.ndjson"])
        _ = try? Run.tool("sklog-gen", ["--records", "12000", "--seed", "6", "-o", d + "/b.ndjson"])
        return d
    }()

    /// Runs `command` with bash under a pseudo-terminal; returns what the terminal showed.
    static func onTerminal(_ command: String, env: String = "") throws -> Run {
        try sh("cd '\(dir)' && \(env) script -qec \"bash -c '\(command)'\" /dev/null")
    }

    static func progressLines(_ terminal: String) -> [String] {
        terminal.split(separator: "\r").map(String.init).filter { $0.contains("records/s") }
    }

    @Test func aLongRunOnATerminalShowsProgress() throws {
        // Standard input that pauses 1.5 s between two logs: the run lasts over a second, and the
        // total size is not known, so there is no ETA.
        let r = try Self.onTerminal("{ cat a.ndjson; sleep 1.5; cat b.ndjson; } | sklog-cat > /dev/null")
        #expect(r.status == 0, "\(r.stderr)")
        let lines = Self.progressLines(r.stdout)
        #expect(!lines.isEmpty, "no progress line in: \(r.stdout.debugDescription.prefix(400))")
        for l in lines {
            #expect(l.range(of: #"^sklog-cat: [0-9.]+ (B|kB|MB), [0-9]+ records, [0-9]+ records/s +$"#, options: .regularExpression) != nil, "\(l)")
        }
        // The line is cleared before the end-of-run summary.
        #expect(r.stdout.contains("\r\u{1b}[Ksklog-cat: 1 file,"))
    }

    @Test func theETAWhenTheSizeIsKnown() throws {
        let size = (try FileManager.default.attributesOfItem(atPath: Self.dir + "/a.ndjson")[.size] as! NSNumber).int64Value
            + (try FileManager.default.attributesOfItem(atPath: Self.dir + "/b.ndjson")[.size] as! NSNumber).int64Value
        // SKLOG_PROGRESS_AFTER=0 shows the line from the start, however fast the run.
        let r = try Self.onTerminal("sklog-cat a.ndjson b.ndjson > /dev/null", env: "SKLOG_PROGRESS_AFTER=0")
        let lines = Self.progressLines(r.stdout)
        #expect(!lines.isEmpty, "\(r.stdout.debugDescription.prefix(400))")
        let total = String(format: "%.1f MB", Double(size) / 1e6)
        for l in lines {
            #expect(l.contains(" of \(total), ") && l.range(of: #", ETA [0-9]+ s +$"#, options: .regularExpression) != nil, "\(l) (total \(total))")
        }
    }

    @Test func notOverRecordsStreamedToTheTerminal() throws {
        // Records written to the same terminal: the line would land among them.
        let cat = try Self.onTerminal("sklog-cat a.ndjson b.ndjson", env: "SKLOG_PROGRESS_AFTER=0")
        #expect(Self.progressLines(cat.stdout).isEmpty && cat.stdout.contains("\"messageId\""))
        // A table written at the end: the line shows while reading, and is gone before it.
        let metrics = try Self.onTerminal("sklog-metrics a.ndjson b.ndjson", env: "SKLOG_PROGRESS_AFTER=0")
        #expect(!Self.progressLines(metrics.stdout).isEmpty && metrics.stdout.contains("== Whole input =="))
    }

    @Test func neverWhenShortQuietOrNotATerminal() throws {
        // Under a second: no line.
        let short = try Self.onTerminal("sklog-cat \(Run.sample("canonical/small.ndjson")) > /dev/null")
        #expect(Self.progressLines(short.stdout).isEmpty && short.stdout.contains("sklog-cat: 1 file,"))
        // -q: no line (and no summary).
        let quiet = try Self.onTerminal("sklog-cat -q a.ndjson b.ndjson > /dev/null", env: "SKLOG_PROGRESS_AFTER=0")
        #expect(Self.progressLines(quiet.stdout).isEmpty && !quiet.stdout.contains("sklog-cat:"))
        // Standard error not a terminal (a file), however long the run: no line.
        let file = try Self.onTerminal("{ cat a.ndjson; sleep 1.5; cat b.ndjson; } | sklog-cat 2> err.txt > /dev/null; cat err.txt")
        #expect(Self.progressLines(file.stdout).isEmpty && file.stdout.contains("sklog-cat: 1 file,"), "\(file.stdout.debugDescription.prefix(300))")
        let piped = try sh("cd '\(Self.dir)' && SKLOG_PROGRESS_AFTER=0 sklog-cat a.ndjson b.ndjson 2>&1 >/dev/null | cat")
        #expect(!piped.stdout.contains("records/s") && piped.stdout.contains("sklog-cat: 2 files,"))
    }
}

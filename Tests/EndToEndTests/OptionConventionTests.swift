import Foundation
import Testing

/// SPEC §2: `--format NAME` is always the output format, `--input-format NAME` always the input
/// format, `-o FILE` / `--output FILE` always the output file; the old spellings are refused
/// with a message that names the right option.
@Suite struct OptionConvention {
    /// Each analysis tool with one output format it supports other than its default.
    static let tools: [(String, String)] = [
        ("sklog-cat", "csv"), ("sklog-grep", "tsv"), ("sklog-sessions", "csv"), ("sklog-paths", "json"),
        ("sklog-friction", "csv"), ("sklog-metrics", "csv"), ("sklog-ids", "json"), ("sklog-trend", "csv"),
        ("sklog-report", "html"), ("sklog-errors", "csv"),
    ]
    static let small = Run.sample("canonical/small.ndjson")

    @Test(arguments: tools) func formatIsTheOutputFormatAndOutputTheFile(_ tool: String, _ format: String) throws {
        let stdout = try Run.tool(tool, ["-q", "--input-format", "ndjson", "--format", format, Self.small])
        #expect(stdout.status == 0, "\(tool): \(stdout.stderr)")
        #expect(!stdout.out.isEmpty)
        for spelling in ["-o", "--output"] {
            let file = temp()
            let r = try Run.tool(tool, ["-q", "--format", format, spelling, file, Self.small])
            #expect(r.status == 0 && r.out.isEmpty, "\(tool) \(spelling): \(r.stderr)")
            #expect(FileManager.default.contents(atPath: file) == stdout.out, "\(tool) \(spelling) FILE differs from standard output")
        }
    }

    @Test(arguments: tools) func oldSpellingsNameTheRightOption(_ tool: String, _ format: String) throws {
        // `--output csv` (the old output-format option of cat, grep, sessions and friction).
        let asFile = try Run.tool(tool, ["--output", format, Self.small])
        #expect(asFile.status == 2 && asFile.stderr.contains("--format \(format)"), "\(tool): \(asFile.stderr)")
        #expect(!FileManager.default.fileExists(atPath: format))
        // `--output-file FILE` (the old long name of -o).
        let file = temp()
        let old = try Run.tool(tool, ["--output-file", file, Self.small])
        #expect(old.status == 2 && old.stderr.contains("-o FILE or --output FILE"), "\(tool): \(old.stderr)")
        #expect(!FileManager.default.fileExists(atPath: file))
        // `--format lambda` (the old input-format meaning of --format in cat and grep).
        let input = try Run.tool(tool, ["--format", "lambda", Self.small])
        #expect(input.status == 2 && input.stderr.contains("--input-format lambda"), "\(tool): \(input.stderr)")
        // An unknown name lists the tool's formats.
        let unknown = try Run.tool(tool, ["--format", "xml", Self.small])
        #expect(unknown.status == 2 && unknown.stderr.contains("--format must be one of: ") && unknown.stderr.contains(format), "\(tool): \(unknown.stderr)")
    }

    @Test(arguments: tools.map(\.0) + ["sklog-gen"]) func helpShowsTheOneSpelling(_ tool: String) throws {
        let help = try Run.tool(tool, ["--help"]).stdout
        #expect(help.contains("--format <name>"), "\(tool)")
        #expect(help.contains("-o, --output <file>"), "\(tool)")
        if tool != "sklog-gen" { #expect(help.contains("--input-format <name>"), "\(tool)") }
        #expect(!help.contains("--output-file"), "\(tool)")
        // Users have the docs/ pages, not the SPEC.
        #expect(!help.contains("SPEC"), "\(tool)")
        #expect(help.contains("docs/"), "\(tool)")
    }

    @Test func aFileNamedLikeAFormatIsWrittenWithAPath() throws {
        let dir = temp()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let r = try Run.tool("sklog-cat", ["-q", "--format", "csv", "-o", "./csv", Self.small], cwd: dir)
        #expect(r.status == 0)
        #expect(FileManager.default.contents(atPath: dir + "/csv").map { String(decoding: $0, as: UTF8.self) }?.hasPrefix("ts,messageId,") == true)
    }
}

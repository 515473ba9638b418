import ArgumentParser
import SklogCLI
import SklogRecords

public struct Cat: ParsableCommand {
    public static var configuration: CommandConfiguration { CommandConfiguration(
        commandName: ToolName.command("cat"),
        abstract: "Normalize logs into ordered, deduplicated records.",
        discussion: """
        Reads any supported log input (canonical NDJSON, CSV, custom text with --pattern, \
        and the raw Lambda and CloudWatch formats) and writes canonical records (schema \
        sklog.record/1), one JSON object per line, in time order, each message ID once. \
        Unknown fields are kept; each record gets "src":"FILE:LINE" unless it already has \
        one. Details: docs/cat.md, docs/records.md, docs/formats.md.

        Examples:
          sklog cat logs/*.gz > records.ndjson
          sklog cat --format csv logs/*.gz > records.csv
          sklog cat logs/*.gz | sklog grep --intent '^Play' | jq .utterance
          sklog cat --shard 1/4 logs/*.gz | sklog metrics --partial > part1.json
        """,
        version: sklogVersion) }

    public init() {}

    @OptionGroup var outFile: OutputFileOption

    @Option(help: ArgumentHelp("Output format: ndjson, csv or tsv.", valueName: "name"), completion: .list(["ndjson", "csv", "tsv"]))
    var format: String = "ndjson"

    @Option(help: ArgumentHelp("Keep only shard K of N (1-based), cutting by session so that every session stays whole.", valueName: "K/N"))
    var shard: String?

    // The shared options after the tool's own, so that --help lists the tool's first.
    @OptionGroup var input: InputOptions

    public func validate() throws {
        try OutputFormatName.check(format, allowed: ["ndjson", "csv", "tsv"])
        if let s = shard { _ = try Shard(s) }
    }

    public func run() throws {
        let shard = try self.shard.map(Shard.init)
        ToolRun.main("sklog-cat") {
            let stream = try input.openStream(streamingTo: outFile.path)
            let target = try OutputTarget(path: outFile.path, strict: input.strict)
            let writer = RecordWriter(format: RecordWriter.Format(rawValue: format)!, out: target.buffer,
                                      inputNames: stream.names, redact: input.redact)
            try stream.forEach { rec in
                if let shard, !shard.contains(rec) { return }
                try writer.write(rec)
            }
            return try ToolRun.finish(stream, input: input, target: target)
        }
    }
}


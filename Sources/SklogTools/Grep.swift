import ArgumentParser
import SklogAnalysis
import SklogCLI
import SklogIO
import SklogRecords

public struct Grep: ParsableCommand {
    public static var configuration: CommandConfiguration { CommandConfiguration(
        commandName: ToolName.command("grep"),
        abstract: "Select records by ID, regex, time, intent, outcome.",
        discussion: """
        Reads logs or canonical records and writes the selected records (canonical \
        NDJSON, or --format csv|tsv). All given criteria must hold; -v selects the \
        others. Exit status 1 when nothing is selected. Regexes are PCRE2 (JIT), matched \
        on bytes; a pattern that backtracks catastrophically stops with an error instead \
        of hanging. --raw prints, instead of each selected record, the input lines of \
        its Lambda invocation as they were (START to REPORT, application lines, the \
        stack trace), headed by ==> FILE:LINE <==. Details: docs/grep.md.

        Examples:
          sklog ids --failed logs/*.gz > failed.txt
          sklog grep --ids failed.txt --session-context logs/*.gz
          sklog grep --intent '^Play' --min-latency 3000 logs/*.gz | jq .messageId
          sklog grep --field 'errorType=TIMEOUT|NoHandler' -c logs/*.gz
          sklog grep --outcome error --raw logs/*.gz
          sklog cat logs/*.gz | sklog grep --outcome error,no_response
        """,
        version: sklogVersion) }

    public init() {}

    @OptionGroup var filter: FilterOptions
    @OptionGroup var outFile: OutputFileOption

    @Option(help: ArgumentHelp("Output format: ndjson, csv or tsv.", valueName: "name"), completion: .list(["ndjson", "csv", "tsv"]))
    var format: String = "ndjson"

    @Flag(name: .customShort("v"), help: "Select the records that do not match.")
    var invert = false

    @Flag(name: .customShort("c"), help: "Print only the number of selected records.")
    var count = false

    @Flag(name: .customLong("session-context"), help: "Emit every record of each session that has a selected record, in time order; in NDJSON the selected records themselves carry \"match\":true.")
    var sessionContext = false

    @Option(name: .customLong("idle-timeout"), help: ArgumentHelp("A session ends after this much record time without a record (--session-context; docs/sessions.md).", valueName: "duration"))
    var idleTimeout: String = "10m"

    @Flag(help: "Print the input lines of each selected record's Lambda invocation (START to REPORT, application lines, the stack trace) as they were, headed by ==> FILE:LINE <==; a record read from a line of its own (canonical NDJSON) is that line.")
    var raw = false
    // The shared options after the tool's own, so that --help lists the tool's first.
    @OptionGroup var input: InputOptions

    public func validate() throws {
        if raw && sessionContext { throw ValidationError("--raw and --session-context cannot be combined") }
        guard Timestamp.parseDuration(idleTimeout) != nil else { throw ValidationError("invalid --idle-timeout '\(idleTimeout)'") }
        try OutputFormatName.check(format, allowed: ["ndjson", "csv", "tsv"])
    }

    public func run() throws {
        ToolRun.main("sklog-grep") {
            let f = try filter.makeFilter()
            let stream = try input.openStream(streamingTo: outFile.path, keepRaw: raw)
            let target = try OutputTarget(path: outFile.path, strict: input.strict)
            let writer = RecordWriter(format: RecordWriter.Format(rawValue: format)!, out: target.buffer,
                                      inputNames: stream.names, redact: input.redact)
            var selected = 0
            let emit: (Record) throws -> Void = { r in
                selected += 1
                if count { return }
                if raw { try Self.writeRaw(r, stream: stream, to: target.buffer) } else { try writer.write(r) }
            }
            // With --session-context, the selector holds open sessions and emits whole ones.
            let context = sessionContext ? SessionContextSelector(idleTimeoutMs: Timestamp.parseDuration(idleTimeout)!, emit: emit) : nil
            // The records that matched carry "match":true among their sessions' records (NDJSON).
            context?.emitMarked = { r, matched in
                writer.markMatch = matched && writer.format == .ndjson
                try emit(r)
                writer.markMatch = false
            }
            try stream.forEach { rec in
                let hit = try f.matches(rec) != invert
                if let context { try context.add(rec, selected: hit) } else if hit { try emit(rec) } else if raw { _ = stream.takeRaw(rec) }
            }
            try context?.finish()
            if count { try target.buffer.write("\(selected)\n") }
            return try ToolRun.finish(stream, input: input, target: target, status: selected == 0 ? ExitStatus.nothingSelected : ExitStatus.ok)
        }
    }

    /// `--raw`: `==> FILE:LINE <==`, then the lines of the record's invocation as they were in
    /// the input (or, for a record read from a line of its own, that line).
    static func writeRaw(_ r: Record, stream: RecordStream, to out: OutputBuffer) throws {
        if let (file, lines) = stream.takeRaw(r), let first = lines.first {
            try out.write("==> \(file):\(first.0) <==\n")
            for (_, l) in lines {
                try out.write(l)
                try out.write(byte: 0x0a)
            }
        } else {
            let name = stream.names.indices.contains(Int(r.input)) ? stream.names[Int(r.input)] : "-"
            try out.write("==> \(name):\(r.line) <==\n")
            try r.withLine { try out.write($0) }
            try out.write(byte: 0x0a)
        }
    }
}

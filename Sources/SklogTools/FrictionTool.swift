import ArgumentParser
import SklogAnalysis
import SklogCLI
import SklogIO
import SklogRecords

public struct FrictionTool: ParsableCommand {
    public static var configuration: CommandConfiguration { CommandConfiguration(
        commandName: ToolName.command("friction"),
        abstract: "Barge-ins, terminations, unhandled and other friction.",
        discussion: """
        Writes one friction event per line (NDJSON, or CSV with --format csv): type, \
        messageId (the message ID to look at), relatedMessageId, sessionId, ts, intent, \
        utterance, signature (Intent(slot=value, ...)), detail (why), and the barge-in \
        evidence gapMs, speechMs, allowanceMs, given. Events come session by session, \
        sessions ordered by start time then session ID. --summary prints counts by type, \
        rates per 100 turns, frictionSessions and the frequent friction utterances \
        instead (--format table, json or csv). Definitions and parameters: \
        docs/friction.md.

        Examples:
          sklog friction logs/*.gz > friction.ndjson
          sklog friction --type barge_in --format csv logs/*.gz > barge-ins.csv
          sklog friction --summary --top 20 logs/*.gz
          sklog friction --type unhandled logs/*.gz | jq -r .messageId \\
            | sklog grep --ids - --session-context logs/*.gz
        """,
        version: sklogVersion) }

    public init() {}

    @OptionGroup var outFile: OutputFileOption

    @Flag(help: "Print counts by type, rates per 100 turns, friction sessions and the frequent friction utterances.")
    var summary = false

    @Option(help: ArgumentHelp("Only these friction types (comma-separated): barge_in, termination, unhandled, low_confidence, system_error.", valueName: "types"))
    var type: String?

    @Option(help: ArgumentHelp("How many frequent friction utterances --summary lists.", valueName: "n"))
    var top: Int = 10

    @Option(help: ArgumentHelp("Output format: ndjson (default) or csv for events; table (default), json or csv for --summary.", valueName: "name"), completion: .list(["ndjson", "csv", "table", "json"]))
    var format: String?

    // The shared options after the tool's own, so that --help lists the tool's first.
    @OptionGroup var input: InputOptions
    @OptionGroup var session: SessionOptionsGroup

    public func validate() throws {
        if let t = type, FrictionType.parseList(t) == nil {
            throw ValidationError("--type: one or more of \(FrictionType.allCases.map(\.rawValue).joined(separator: ", ")), comma-separated")
        }
        guard top >= 0 else { throw ValidationError("--top must be 0 or more") }
        if let f = format {
            try OutputFormatName.check(f, allowed: summary ? ["table", "json", "csv"] : ["ndjson", "csv"], context: summary ? "with --summary" : "without --summary")
        }
    }

    public func run() throws {
        ToolRun.main("sklog-friction") {
            let options = try session.sessionOptions()
            let types = type.flatMap(FrictionType.parseList) ?? Set(FrictionType.allCases)
            let stream = try input.openStream(streamingTo: summary ? .none : outFile.path)
            let target = try OutputTarget(path: outFile.path, strict: input.strict)
            let writer = summary ? nil : FrictionWriter(format: format == "csv" ? .csv : .ndjson, out: target.buffer, redact: input.redact)
            var stats = FrictionSummary(types: types)
            try writer?.writeHeader()
            // Events are encoded when their session closes and written session by session in
            // (start, sessionId) order.
            let ordered = StartOrderedOutput(out: target.buffer)
            var finishing = false
            var failure: Error? = nil
            var sessionizer: Sessionizer! = nil
            sessionizer = Sessionizer(options: options) { s in
                if let writer {
                    var bytes: [UInt8] = []
                    for e in s.friction where types.contains(e.type) { writer.encode(e, into: &bytes) }
                    ordered.add(s, bytes: bytes)
                    // At the end of input: write the sessions' events as they close (see sklog-sessions).
                    if finishing, failure == nil { do { try ordered.release(sessionizer) } catch { failure = error } }
                } else {
                    stats.add(s)
                }
            }
            // Events carry their own text; the summary needs no IDs either.
            sessionizer.detail = summary ? .counts : .noText
            try stream.forEach { rec in
                stats.addTurn(rec)
                sessionizer.add(rec)
                try ordered.release(sessionizer)
            }
            finishing = true
            sessionizer.finish()
            if let failure { throw failure }
            try ordered.finish()
            if summary {
                switch format ?? "table" {
                case "json": try target.buffer.write(stats.json(top: top, redact: input.redact, options: options, accounting: stream.accounting.json))
                case "csv": try target.buffer.write(stats.csv(top: top, redact: input.redact))
                default: try target.buffer.write(stats.table(top: top, redact: input.redact))
                }
            }
            if !input.quiet { Diagnostics.write(SessionSummary.line(sessionizer)) }
            return try ToolRun.finish(stream, input: input, target: target)
        }
    }
}


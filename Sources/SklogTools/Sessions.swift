import ArgumentParser
import SklogAnalysis
import SklogCLI
import SklogIO
import SklogRecords

public struct Sessions: ParsableCommand {
    public static var configuration: CommandConfiguration { CommandConfiguration(
        commandName: ToolName.command("sessions"),
        abstract: "Reconstruct sessions: turns, path, outcome, friction.",
        discussion: """
        Writes one record per session (schema sklog.session/1) as NDJSON or CSV, ordered \
        by start time then session ID: sessionId, userId, locale, stage, start, end, \
        durationMs, turns, outcome (failed, no_response, user_ended, skill_ended, \
        unknown), endedBy, reopened, path (the turns' steps then END:<outcome>), \
        messageIds (every record of the session) and friction counts by type. A session \
        is the records sharing a sessionId; it ends at a SessionEndedRequest, at a \
        response with endSession true, or after --idle-timeout of record time without a \
        record. Details: docs/sessions.md, docs/friction.md.

        Examples:
          sklog sessions logs/*.gz > sessions.ndjson
          sklog sessions --format csv --idle-timeout 5m logs/*.gz > sessions.csv
          sklog sessions logs/*.gz | jq -c 'select(.outcome == "failed") | .messageIds'
        """,
        version: sklogVersion) }

    public init() {}

    @OptionGroup var outFile: OutputFileOption

    @Option(help: ArgumentHelp("Output format: ndjson or csv.", valueName: "name"), completion: .list(["ndjson", "csv"]))
    var format: String = "ndjson"

    // The shared options after the tool's own, so that --help lists the tool's first.
    @OptionGroup var input: InputOptions
    @OptionGroup var session: SessionOptionsGroup

    public func validate() throws {
        try OutputFormatName.check(format, allowed: ["ndjson", "csv"])
    }

    public func run() throws {
        ToolRun.main("sklog-sessions") {
            let options = try session.sessionOptions()
            let stream = try input.openStream(streamingTo: outFile.path)
            let target = try OutputTarget(path: outFile.path, strict: input.strict)
            let writer = SessionWriter(format: RecordListFormat(rawValue: format)!, out: target.buffer, redact: input.redact)
            try writer.writeHeader()
            // Sessions close in any order; each is encoded at once and written in (start,
            // sessionId) order.
            let ordered = StartOrderedOutput(out: target.buffer)
            var finishing = false
            var failure: Error? = nil
            var sessionizer: Sessionizer! = nil
            sessionizer = Sessionizer(options: options) { s in
                var line: [UInt8] = []
                writer.encode(s, into: &line)
                ordered.add(s, bytes: line)
                // At the end of input every open session closes: write them as they go, not all
                // at once at the end (1.6 M open sessions would be 700 MB of output held).
                if finishing, failure == nil { do { try ordered.release(sessionizer) } catch { failure = error } }
            }
            sessionizer.detail = .noText    // the output has IDs and friction counts, no turn text
            try stream.forEach { rec in
                sessionizer.add(rec)
                try ordered.release(sessionizer)
            }
            finishing = true
            sessionizer.finish()
            if let failure { throw failure }
            try ordered.finish()
            if !input.quiet { Diagnostics.write(SessionSummary.line(sessionizer)) }
            return try ToolRun.finish(stream, input: input, target: target)
        }
    }
}


import ArgumentParser
import SklogAnalysis
import SklogCLI
import SklogIO
import SklogRecords

public struct IDs: ParsableCommand {
    public static var configuration: CommandConfiguration { CommandConfiguration(
        commandName: ToolName.command("ids"),
        abstract: "Message IDs of failures, slow responses, friction.",
        discussion: """
        Criteria (--failed, --slow, --friction, --session-outcome) combine with OR: a \
        record is selected when any of them selects it, so `--failed --slow 3000` lists \
        failures and slow responses. The record filters (--intent, --type, --field, \
        --outcome, --id/--ids, -e, --min-latency, --since, --until, --locale, ...) \
        combine with AND and decide which records are candidates. With filters and no \
        criterion, every record that passes them is listed. --failed and --slow consider \
        turns and smart home directives only. --slow pNN is the nearest-rank percentile \
        of the candidates' endpoint latency.

        Output is in record (time) order. Exit status 1 when nothing is selected. \
        Formats: ids (one per line; an ID with a quote, backslash or control character \
        as it is spelled inside a JSON string, e.g. id\\nsecond), csv (messageId, timestamp, sessionId, skillType, \
        requestType, intent, locale, latencyMs, outcome, errorType, errorMessage, \
        errorFrame, friction, lambdaRequestId, src), json (schema sklog.ids/1). Details: docs/ids.md.

        Examples:
          sklog ids --failed --since 2026-11-21 logs/*.gz > failed.txt
          sklog ids --failed --slow 3000 --format csv logs/*.gz > worst.csv
          sklog grep --ids worst.csv --session-context logs/*.gz
          sklog ids --slow p99 --intent '^Play' logs/*.gz
          sklog ids --friction barge_in,termination logs/*.gz
          sklog ids --session-outcome failed --format json logs/*.gz | jq '.ids|length'
        """,
        version: sklogVersion) }

    public init() {}

    @OptionGroup var filter: FilterOptions
    @OptionGroup var outFile: OutputFileOption

    @Flag(help: "Select turns and smart home directives whose outcome is error or no_response.")
    var failed = false

    @Option(help: ArgumentHelp("Select turns and smart home directives with latencyMs at or above MS milliseconds (e.g. 3000, 3s), or at or above the NNth nearest-rank percentile of the candidates' latency (e.g. p90, p99.9).", valueName: "ms|pNN"))
    var slow: String?

    @Option(help: ArgumentHelp("Select the message IDs of friction events of these types (comma-separated): barge_in, termination, unhandled, low_confidence, system_error.", valueName: "types"))
    var friction: String?

    @Option(name: .customLong("session-outcome"), help: ArgumentHelp("Select every turn of the sessions with this outcome: failed, no_response (also user_ended, skill_ended, unknown; comma-separated).", valueName: "outcome"))
    var sessionOutcome: String?

    @Option(help: ArgumentHelp("Output format: ids (one per line), csv or json.", valueName: "name"), completion: .list(["ids", "csv", "json"]))
    var format: String = "ids"

    // The shared options after the tool's own, so that --help lists the tool's first.
    @OptionGroup var input: InputOptions
    @OptionGroup var session: SessionOptionsGroup

    public func validate() throws {
        try OutputFormatName.check(format, allowed: ["ids", "csv", "json"])
        _ = try criteria()
    }

    func criteria() throws -> IDCriteria {
        var c = IDCriteria()
        c.failed = failed
        if let s = slow {
            guard let v = IDCriteria.parseSlow(s) else { throw ValidationError("--slow takes milliseconds (3000, 3s) or a percentile (p90)") }
            c.slowMs = v.ms
            c.slowPercentile = v.percentile
        }
        if let f = friction {
            guard let t = FrictionType.parseList(f) else {
                throw ValidationError("--friction: one or more of \(FrictionType.allCases.map(\.rawValue).joined(separator: ", ")), comma-separated")
            }
            c.friction = t
        }
        if let o = sessionOutcome {
            guard let v = IDCriteria.parseOutcomes(o) else {
                throw ValidationError("--session-outcome: one or more of \(SessionOutcome.allCases.map(\.rawValue).joined(separator: ", ")), comma-separated")
            }
            c.sessionOutcomes = v
        }
        return c
    }

    public func run() throws {
        ToolRun.main("sklog-ids") {
            let c = try criteria()
            let f = try filter.makeFilter()
            let noFilter = filter.isEmpty
            let options = try session.sessionOptions()
            let stream = try input.openStream()
            let target = try OutputTarget(path: outFile.path, strict: input.strict)
            let selector = IDSelector(criteria: c, format: IDFormat(rawValue: format)!, sessionOptions: options,
                                      redact: input.redact, names: stream.names, out: target.buffer)
            try stream.forEach { rec in
                try selector.add(rec, candidate: noFilter || f.matches(rec))
            }
            selector.finish()
            try selector.write(accounting: stream.accounting.json)
            if !input.quiet {
                var line = "sklog-ids: \(selector.selectedCount) message ID\(selector.selectedCount == 1 ? "" : "s") selected"
                if let p = c.slowPercentile {
                    line += "; p\(IDWriter.decimal(p)) of \(selector.latencies.count) latencies = "
                        + (selector.percentileThresholdMs.map { "\($0) ms" } ?? "n/a")
                }
                Diagnostics.write(line)
            }
            return try ToolRun.finish(stream, input: input, target: target,
                                      status: selector.selectedCount == 0 ? ExitStatus.nothingSelected : ExitStatus.ok)
        }
    }
}


import ArgumentParser
import SklogAnalysis
import SklogCLI
import SklogIO
import SklogRecords
import SklogReport

public struct Metrics: ParsableCommand {
    public static var configuration: CommandConfiguration { CommandConfiguration(
        commandName: ToolName.command("metrics"),
        abstract: "Every Analytics metric, by period and dimension.",
        discussion: """
        Every metric of the console's Analytics pages for the whole input, and with \
        --period and --by per bucket and dimension. A metric whose source events are \
        absent from the input is n/a (null), never 0. The table fits a screen: long \
        tables cut to --top rows (step pairs by sessions), no all-zero rows, sections \
        with nothing but n/a named on one line, retention weeks only as far as the data \
        goes; --full shows everything. Metric identifiers, definitions and formats: docs/metrics.md.

        Examples:
          sklog metrics logs/*.gz
          sklog metrics --period day --by locale --format csv logs/*.gz > metrics.csv
          sklog metrics --fail-if 'endpointLatencyP90>2000' \\
            --fail-if 'unhandledRequestsRate>5' logs/*.gz
          sklog cat --shard 1/4 logs/*.gz | sklog metrics --partial -o part1.json
          sklog metrics --merge part*.json --format json
        """,
        version: sklogVersion) }

    public init() {}

    @OptionGroup var outFile: OutputFileOption

    @Option(help: ArgumentHelp("Output format: table, json, csv or prometheus (the whole-input totals: not with --period).", valueName: "name"), completion: .list(["table", "json", "csv", "prometheus"]))
    var format: String = "table"

    @Option(help: ArgumentHelp("Also compute every metric per period (UTC; weeks start Monday): 15m, hour, day or week.", valueName: "period"),
            completion: .list(PeriodOption.names))
    var period: String?

    @Option(help: ArgumentHelp("Break the metrics down by locale, stage, intent, requestType or skill (repeatable).", valueName: "dimension"),
            completion: .list(PeriodOption.dimensions))
    var by: [String] = []

    @Option(name: .customLong("fail-if"), help: ArgumentHelp("Exit with status 4 when this condition holds on the totals, e.g. 'endpointLatencyP90>2000' or 'endpointSuccessRate<95%' (repeatable).", valueName: "condition"))
    var failIf: [String] = []

    @Flag(help: "Write a mergeable partial state (JSON) instead of the metrics.")
    var partial = false

    @Flag(help: "The files are partial states written by --partial: merge them and print what one run over all the inputs prints.")
    var merge = false

    @Option(help: ArgumentHelp("How many top paths and frequent friction utterances to compute (default 20); the table shows this many rows of each long table (default 10: step pairs, intents, top paths, ...).", valueName: "n"))
    var top: Int?

    @Flag(help: "Table: show every row of every table, the all-zero rows, the sections with nothing but n/a, and all 12 retention weeks.")
    var full = false

    // The shared options after the tool's own, so that --help lists the tool's first.
    @OptionGroup var input: InputOptions
    @OptionGroup var session: SessionOptionsGroup

    public func validate() throws {
        try OutputFormatName.check(format, allowed: ["table", "json", "csv", "prometheus"])
        if format == "prometheus" && period != nil {
            throw ValidationError("--format prometheus writes the whole-input totals, not periods: leave out --period, or use --format json or csv for periods")
        }
        if let p = period, MetricsOptions.Period(rawValue: p) == nil { throw ValidationError("--period must be 15m, hour, day or week") }
        for d in by where MetricsOptions.Dimension(rawValue: d) == nil {
            if PeriodOption.names.contains(d) || d == "month" { throw ValidationError("--by is a dimension; the time bucket is --period: write --period \(d)") }
            throw ValidationError("--by must be locale, stage, intent, requestType or skill")
        }
        guard (top ?? 0) >= 0 else { throw ValidationError("--top must be 0 or more") }
        _ = try sessionOptions()
        _ = try MetricsRun.conditions(failIf)
    }

    func sessionOptions() throws -> SessionOptions { try session.sessionOptions() }

    var table: TableChoice { TableChoice(header: !input.quiet, full: full, top: top ?? 10) }

    func metricsOptions(_ s: SessionOptions) -> MetricsOptions {
        var o = MetricsOptions()
        o.period = period.flatMap(MetricsOptions.Period.init)
        o.by = by.compactMap(MetricsOptions.Dimension.init)
        o.redact = input.redact
        o.top = top ?? 20
        o.sessionParameters = "idle=\(s.idleTimeoutMs),allowance=\(s.bargeInAllowanceMs),retry=\(s.retryWindowMs),medium=\(s.countMediumAsLow),model=\(s.modelIntents?.sorted().joined(separator: "|") ?? "-")"
        return o
    }

    public func run() throws {
        ToolRun.main("sklog-metrics") {
            let conditions = try MetricsRun.conditions(failIf)
            let sessionOptions = try sessionOptions()
            let options = metricsOptions(sessionOptions)
            let fmt = MetricsFormat(rawValue: format)!

            if merge {
                try OutputFile.registerInputs(input.files)   // -o may not be a partial state
                let acc = try MetricsRun.merge(input.files)
                if (period != nil || !by.isEmpty) && (acc.options.period != options.period || acc.options.by != options.by) {
                    throw ValidationError("--period and --by must match the partial states' (\(acc.options.period?.rawValue ?? "none"); \(acc.options.by.map(\.rawValue).joined(separator: ",")))")
                }
                let target = try OutputTarget(path: outFile.path, strict: false)
                let status = try MetricsRun.output(acc, format: fmt, partial: partial, conditions: conditions, target: target,
                                                   colorAllowed: outFile.path == nil, table: table)
                try target.finish()
                if !input.quiet { Diagnostics.write("sklog-metrics: merged \(input.files.count) partial states: \(acc.accounting.summaryLine)") }
                return acc.accounting.isDamaged ? ExitStatus.damaged : status
            }

            let stream = try input.openStream()
            let target = try OutputTarget(path: outFile.path, strict: input.strict)
            let acc = MetricsAccumulator(options: options, deferCrossRecordEvents: partial)
            // Every record goes to the metrics and to the Sessionizer; each closed session (with
            // its outcome and friction events, SPEC 5.2/5.3) goes to the metrics too.
            let sessionizer = Sessionizer(options: sessionOptions) { acc.add(session: $0) }
            sessionizer.detail = .counts    // the metrics count; they need no IDs
            try stream.forEach { rec in
                acc.add(rec)
                sessionizer.add(rec)
            }
            sessionizer.finish()
            acc.accounting = stream.accounting
            let status = try MetricsRun.output(acc, format: fmt, partial: partial, conditions: conditions, target: target,
                                               colorAllowed: outFile.path == nil, table: table)
            return try ToolRun.finish(stream, input: input, target: target, status: status)
        }
    }
}


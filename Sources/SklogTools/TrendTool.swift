import ArgumentParser
import SklogAnalysis
import SklogCLI
import SklogIO
import SklogRecords
import SklogReport

public struct TrendTool: ParsableCommand {
    public static var configuration: CommandConfiguration { CommandConfiguration(
        commandName: ToolName.command("trend"),
        abstract: "Failure, friction and latency trends per period.",
        discussion: """
        Per period (UTC; weeks start Monday): utterances, sessions, customers, failure \
        rate (failed turns and smart home directives per 100), endpoint latency \
        P50/P90/P99, and the friction rates per 100 turns (barge-ins, terminations, \
        unhandled, low-confidence). Each period shows its change from the previous one, \
        absolute and relative. Top movers: the intents whose failure or friction rate \
        rose most vs the previous period, among intents with at least --min-count turns \
        in both. The numbers come from the metrics engine (the same values as `sklog \
        metrics --period`). Details: docs/trend.md.

        Examples:
          sklog trend --period week logs/*.gz
          sklog trend --period day --format csv logs/*.gz > trend.csv
          sklog trend --period hour --since 2026-11-21 --format json logs/*.gz
        """,
        version: sklogVersion) }

    public init() {}

    @OptionGroup var outFile: OutputFileOption

    @Option(help: ArgumentHelp("Time bucket (UTC; weeks start Monday): 15m, hour, day or week.", valueName: "period"),
            completion: .list(PeriodOption.names))
    var period: String = "day"

    /// The old spelling of --period: refused with a message that names it.
    @Option(help: .hidden)
    var by: String?

    @Option(help: ArgumentHelp("Output format: table, csv (long form) or json.", valueName: "name"), completion: .list(["table", "csv", "json"]))
    var format: String = "table"

    @Option(name: .customLong("min-count"), help: ArgumentHelp("An intent is a mover candidate only with at least this many turns in both periods.", valueName: "n"))
    var minCount: Int = 20

    @Option(help: ArgumentHelp("How many movers per kind and period.", valueName: "n"))
    var top: Int = 5

    // The shared options after the tool's own, so that --help lists the tool's first.
    @OptionGroup var input: InputOptions
    @OptionGroup var session: SessionOptionsGroup

    public func validate() throws {
        try PeriodOption.refuseBy(by, tool: "trend")
        guard MetricsOptions.Period(rawValue: period) != nil else { throw ValidationError("--period must be 15m, hour, day or week") }
        try OutputFormatName.check(format, allowed: ["table", "csv", "json"])
        guard minCount >= 0 else { throw ValidationError("--min-count must be 0 or more") }
        guard top >= 0 else { throw ValidationError("--top must be 0 or more") }
    }

    public func run() throws {
        ToolRun.main("sklog-trend") {
            var o = TrendOptions()
            o.period = MetricsOptions.Period(rawValue: period)!
            o.minCount = Int64(minCount)
            o.top = top
            let sessionOptions = try session.sessionOptions()
            let stream = try input.openStream()
            let target = try OutputTarget(path: outFile.path, strict: input.strict)
            let feed = MetricsFeed(metrics: Trend.metricsOptions(o, redact: input.redact), sessions: sessionOptions, threaded: true)
            try stream.forEach { rec in feed.add(rec) }
            let trend = feed.trend(feed.finish(accounting: stream.accounting), options: o)
            switch TrendFormat(rawValue: format)! {
            case .table: try target.buffer.write(TrendOutput.table(trend))
            case .csv: try target.buffer.write(TrendOutput.csv(trend))
            case .json: try target.buffer.write(TrendOutput.json(trend))
            }
            return try ToolRun.finish(stream, input: input, target: target)
        }
    }
}


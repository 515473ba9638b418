import ArgumentParser
import SklogAnalysis
import SklogCLI
import SklogIO
import SklogRecords
import SklogReport

public struct ReportTool: ParsableCommand {
    public static var configuration: CommandConfiguration { CommandConfiguration(
        commandName: ToolName.command("report"),
        abstract: "The whole dashboard as one self-contained HTML file.",
        discussion: """
        Headline numbers, trend charts, session outcomes, interaction paths, friction and \
        the frequent friction utterances, retention heatmap, latency histogram, and the \
        slowest and failed message IDs with their sessions' turns. Inline CSS and SVG, a \
        small inline script for the SVG/CSV downloads; no network access when opened. \
        Every piece of log text is escaped. Details: docs/report.md.

        Examples:
          sklog report -o report.html logs/*.gz
          sklog report --by week --redact -o shareable.html logs/*.gz
        """,
        version: sklogVersion) }

    public init() {}

    @OptionGroup var input: InputOptions
    @OptionGroup var session: SessionOptionsGroup
    @OptionGroup var outFile: OutputFileOption

    @Option(help: ArgumentHelp("Output format: html (the only one; the input format is --input-format).", valueName: "name"))
    var format: String = "html"

    @Option(help: ArgumentHelp("Trend period: hour, day or week (default day).", valueName: "period"))
    var by: String = "day"

    @Option(name: .customLong("min-count"), help: ArgumentHelp("Top movers: intents with at least this many turns in both periods.", valueName: "n"))
    var minCount: Int = 20

    @Option(help: ArgumentHelp("How many slowest and failed message IDs to list.", valueName: "n"))
    var top: Int = 25

    public func validate() throws {
        try OutputFormatName.check(format, allowed: ["html"])
        guard MetricsOptions.Period(rawValue: by) != nil else { throw ValidationError("--by must be hour, day or week") }
        guard minCount >= 0 else { throw ValidationError("--min-count must be 0 or more") }
        guard top >= 1 else { throw ValidationError("--top must be 1 or more") }
    }

    public func run() throws {
        ToolRun.main("sklog-report") {
            var o = TrendOptions()
            o.period = MetricsOptions.Period(rawValue: by)!
            o.minCount = Int64(minCount)
            let sessionOptions = try session.sessionOptions()
            let stream = try input.openStream()
            let target = try OutputTarget(path: outFile.path, strict: input.strict)
            let collector = ReportCollector(trend: o, sessions: sessionOptions, redact: input.redact, top: top)
            try stream.forEach { rec in collector.add(rec) }
            let data = collector.finish(accounting: stream.accounting, inputNames: stream.names)
            try target.buffer.write(HTMLReport.render(data))
            return try ToolRun.finish(stream, input: input, target: target)
        }
    }
}


import ArgumentParser
import Foundation
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
        Headline numbers with their change from the previous period, trend charts, session outcomes, the interaction-path flow, friction and the frequent friction utterances, retention, latency, and, when the input has their events, intents, utterances, locales, enablements, account linking and token retrieval, in-skill purchasing, smart home actions and operational metrics, and plays; then the slowest and failed message IDs with their sessions' turns.

        Date-range and locale/stage selectors in the page filter the charts from data embedded in it. Inline CSS and SVG, a small inline script for the SVG, PNG and CSV downloads; no network access when opened. Every piece of log text is escaped. Details: docs/report.md.

        Examples:
          sklog report -o report.html logs/*.gz
          sklog report --period week --redact -o shareable.html logs/*.gz
          sklog report -o report.html --png charts/ logs/*.gz
        """,
        version: sklogVersion) }

    public init() {}

    @OptionGroup var outFile: OutputFileOption

    @Option(help: ArgumentHelp("Output format: html (the only one; the input format is --input-format).", valueName: "name"), completion: .list(["html"]))
    var format: String = "html"

    @Option(help: ArgumentHelp("Time bucket of the trends (UTC; weeks start Monday): 15m, hour, day or week.", valueName: "period"),
            completion: .list(PeriodOption.names))
    var period: String = "day"

    /// The old spelling of --period: refused with a message that names it.
    @Option(help: .hidden)
    var by: String?

    @Option(name: .customLong("min-count"), help: ArgumentHelp("Top movers: intents with at least this many turns in both periods.", valueName: "n"))
    var minCount: Int = 20

    @Option(help: ArgumentHelp("How many slowest and failed message IDs to list.", valueName: "n"))
    var top: Int = 25

    @Option(help: ArgumentHelp("Also write every chart as DIR/<chart>.png, rendered by headless Chromium (SKLOG_CHROMIUM names the browser).", valueName: "dir"))
    var png: String?

    // The shared options after the tool's own, so that --help lists the tool's first.
    @OptionGroup var input: InputOptions
    @OptionGroup var session: SessionOptionsGroup

    public func validate() throws {
        try OutputFormatName.check(format, allowed: ["html"])
        try PeriodOption.refuseBy(by, tool: "report")
        guard MetricsOptions.Period(rawValue: period) != nil else { throw ValidationError("--period must be 15m, hour, day or week") }
        guard minCount >= 0 else { throw ValidationError("--min-count must be 0 or more") }
        guard top >= 1 else { throw ValidationError("--top must be 1 or more") }
    }

    public func run() throws {
        ToolRun.main("sklog-report") {
            var o = TrendOptions()
            o.period = MetricsOptions.Period(rawValue: period)!
            o.minCount = Int64(minCount)
            // Before reading any input: the browser --png needs.
            let browser = try png.map { _ in
                guard let b = ChromiumPNG.browser() else { throw ValidationError(ChromiumPNG.missing) }
                return b
            }
            let sessionOptions = try session.sessionOptions()
            let stream = try input.openStream()
            let target = try OutputTarget(path: outFile.path, strict: input.strict)
            let collector = ReportCollector(trend: o, sessions: sessionOptions, redact: input.redact, top: top)
            try stream.forEach { rec in collector.add(rec) }
            let data = collector.finish(accounting: stream.accounting, inputNames: stream.names)
            let html = HTMLReport.render(data)
            try target.buffer.write(html)
            let status = try ToolRun.finish(stream, input: input, target: target)
            if let dir = png, let browser, status != ExitStatus.usageOrUnreadable {
                // The browser reads the page from a file of its own (the output may be a pipe).
                let page = NSTemporaryDirectory() + "sklog-report-\(getpid()).html"
                try html.write(toFile: page, atomically: false, encoding: .utf8)
                defer { try? FileManager.default.removeItem(atPath: page) }
                do {
                    let files = try ChromiumPNG.export(html: page, to: dir, browser: browser)
                    if !input.quiet { Diagnostics.write("sklog-report: \(files.count) chart\(files.count == 1 ? "" : "s") written to \(dir) as PNG") }
                } catch let e as ChromiumPNG.Failure {
                    Diagnostics.error("--png: \(e.description)")
                    return ExitStatus.usageOrUnreadable
                }
            }
            return status
        }
    }
}


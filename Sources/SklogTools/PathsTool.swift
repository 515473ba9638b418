import ArgumentParser
import SklogAnalysis
import SklogCLI
import SklogIO
import SklogRecords

public struct PathsTool: ParsableCommand {
    public static var configuration: CommandConfiguration { CommandConfiguration(
        commandName: ToolName.command("paths"),
        abstract: "Interaction paths: transitions, top paths, funnels.",
        discussion: """
        A session's steps are its turns in order (LaunchRequest or the intent name), then \
        END:<outcome>. For each transition A->B: pathSessions (sessions in which A is \
        directly followed by B, each session once), pathCustomers, and pathShare \
        (customers who went A->B divided by customers who had step A). Top paths show the \
        first --max-steps steps and the final END:<outcome>. --funnel A,B,C gives, for \
        each step, the sessions that reached it in order and the conversion from the \
        previous step. Details: docs/paths.md.

        Examples:
          sklog paths logs/*.gz
          sklog paths --from LaunchRequest --format mermaid logs/*.gz > paths.mmd
          sklog paths --format dot --min-sessions 10 logs/*.gz | dot -Tsvg > paths.svg
          sklog paths --funnel LaunchRequest,PlayIntent --format csv logs/*.gz
        """,
        version: sklogVersion) }

    public init() {}

    @OptionGroup var outFile: OutputFileOption

    @Option(help: ArgumentHelp("Output format: table, csv, json, dot or mermaid (the input format is --input-format).", valueName: "name"), completion: .list(["table", "csv", "json", "dot", "mermaid"]))
    var format: String = "table"

    @Option(help: ArgumentHelp("Only transitions out of this step; top paths start at its first occurrence.", valueName: "step"))
    var from: String?

    @Option(help: ArgumentHelp("Steps of a funnel, comma-separated: each step's conversion within sessions.", valueName: "A,B,C"))
    var funnel: String?

    @Option(help: ArgumentHelp("How many top paths to list.", valueName: "n"))
    var top: Int = 10

    @Option(name: .customLong("max-steps"), help: ArgumentHelp("Steps of a top path before the final END:<outcome>.", valueName: "n"))
    var maxSteps: Int = 8

    @Option(name: .customLong("min-sessions"), help: ArgumentHelp("dot/mermaid: leave out transitions with fewer sessions.", valueName: "n"))
    var minSessions: Int = 1

    @Option(name: .customLong("max-edges"), help: ArgumentHelp("dot/mermaid: at most this many transitions (the most frequent).", valueName: "n"))
    var maxEdges: Int = 100

    var funnelSteps: [String] {
        (funnel ?? "").split(separator: ",").map { String($0).trimmingSpaces }.filter { !$0.isEmpty }
    }

    // The shared options after the tool's own, so that --help lists the tool's first.
    @OptionGroup var input: InputOptions
    @OptionGroup var session: SessionOptionsGroup

    public func validate() throws {
        try OutputFormatName.check(format, allowed: ["table", "csv", "json", "dot", "mermaid"])
        if funnel != nil && funnelSteps.isEmpty { throw ValidationError("--funnel needs at least one step, e.g. LaunchRequest,PlayIntent") }
        guard top >= 0, maxSteps >= 1, minSessions >= 0, maxEdges >= 1 else { throw ValidationError("--top, --max-steps, --min-sessions and --max-edges must be positive") }
    }

    public func run() throws {
        ToolRun.main("sklog-paths") {
            let options = try session.sessionOptions()
            let stream = try input.openStream()
            let target = try OutputTarget(path: outFile.path, strict: input.strict)
            let stats = PathStats(maxSteps: maxSteps, from: from, funnel: funnelSteps)
            let sessionizer = Sessionizer(options: options) { stats.add($0) }
            sessionizer.detail = .counts
            try stream.forEach { rec in sessionizer.add(rec) }
            sessionizer.finish()
            var p = CanonicalBuilder()
            p.number("maxSteps", Int64(maxSteps))
            p.string("from", from)
            if funnel != nil { p.raw("funnel", json: "[" + funnelSteps.map { JSONText.quoted($0) }.joined(separator: ",") + "]") }
            p.number("idleTimeoutMs", options.idleTimeoutMs)
            let parameters = String(decoding: p.finish(), as: UTF8.self)
            try target.buffer.write(PathsReport.render(stats, format: PathsReport.Format(rawValue: format)!, top: top, minSessions: minSessions,
                                                       maxEdges: maxEdges, accounting: stream.accounting.json, parameters: parameters))
            if !input.quiet { Diagnostics.write(SessionSummary.line(sessionizer)) }
            return try ToolRun.finish(stream, input: input, target: target)
        }
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}


import ArgumentParser
import SklogAnalysis
import SklogCLI
import SklogIO
import SklogRecords
import SklogReport

public struct ErrorsTool: ParsableCommand {
    public static var configuration: CommandConfiguration { CommandConfiguration(
        commandName: ToolName.command("errors"),
        abstract: "Failures grouped by exception, new ones marked.",
        discussion: """
        Groups the failed records (outcome error or no_response) by signature: errorType, \
        errorMessage with its variable parts masked (quoted values, IDs, hex and numbers), \
        and errorFrame, the first stack frame in the skill's own code. Timeouts \
        (ENDPOINT_TIMEOUT) and NoHandler are one group each. One row per group, largest \
        first: count, share of all failures, sessions it ended (their last turn failed \
        with it), first and last seen, then the intents and request types it hit and \
        sample message IDs. --period day|week adds counts per period and marks the group \
        new in the latest complete period (none before it) or rising the most from the \
        complete period before. Details: docs/errors.md.

        Examples:
          sklog errors logs/*.gz
          sklog errors --period day --format csv logs/*.gz > errors.csv
          sklog errors --period day --fail-if 'new>0' logs/*.gz
        """,
        version: sklogVersion) }

    public init() {}

    @OptionGroup var input: InputOptions
    @OptionGroup var filter: FilterOptions
    @OptionGroup var outFile: OutputFileOption

    @Option(help: ArgumentHelp("Counts per period (UTC; weeks start Monday): day or week. Marks new and rising groups.", valueName: "period"))
    var period: String?

    @Option(help: ArgumentHelp("Output format: table, csv or json.", valueName: "name"))
    var format: String = "table"

    @Option(help: ArgumentHelp("Sample message IDs per group.", valueName: "n"))
    var samples: Int = 3

    @Option(name: .customLong("fail-if"), help: ArgumentHelp("Exit with status 4 when this condition holds: new, rising, groups or failures, an operator (>, >=, <, <=, ==) and a number, e.g. 'new>0' (new and rising need --period; repeatable).", valueName: "condition"))
    var failIf: [String] = []

    public func validate() throws {
        try OutputFormatName.check(format, allowed: ["table", "csv", "json"])
        if let p = period, ErrorGroupOptions.Period(rawValue: p) == nil { throw ValidationError("--period must be day or week") }
        guard samples >= 0 else { throw ValidationError("--samples must be 0 or more") }
        for c in try conditions() where (c.name == "new" || c.name == "rising") && period == nil {
            throw ValidationError("--fail-if '\(c.text)' needs --period day or week (new and rising compare periods)")
        }
    }

    struct Condition {
        let text: String, name: String, op: String, value: Int64
        func holds(_ x: Int64) -> Bool {
            switch op {
            case ">": return x > value
            case ">=": return x >= value
            case "<": return x < value
            case "<=": return x <= value
            default: return x == value
            }
        }
    }

    func conditions() throws -> [Condition] {
        try failIf.map { t in
            let s = t.filter { $0 != " " }
            let name = String(s.prefix { $0.isLetter })
            let rest = s.dropFirst(name.count)
            let op = String(rest.prefix { "<>=".contains($0) })
            guard ["new", "rising", "groups", "failures"].contains(name), [">", ">=", "<", "<=", "=="].contains(op),
                  let v = Int64(rest.dropFirst(op.count)) else {
                throw ValidationError("invalid --fail-if '\(t)': expected new, rising, groups or failures, then >, >=, <, <= or ==, then a whole number (e.g. 'new>0')")
            }
            return Condition(text: t, name: name, op: op, value: v)
        }
    }

    public func run() throws {
        ToolRun.main("sklog-errors") {
            var o = ErrorGroupOptions()
            o.period = period.flatMap(ErrorGroupOptions.Period.init(rawValue:))
            o.samples = samples
            o.redact = input.redact
            let conds = try conditions()
            let f = try filter.makeFilter()
            let noFilter = filter.isEmpty
            let stream = try input.openStream()
            let target = try OutputTarget(path: outFile.path, strict: input.strict)
            let grouper = ErrorGrouper(options: o)
            try stream.forEach { rec in
                if try noFilter || f.matches(rec) { grouper.add(rec) }
            }
            grouper.finish()
            switch ErrorsFormat(rawValue: format)! {
            case .table: try target.buffer.write(ErrorsOutput.table(grouper))
            case .csv: try target.buffer.write(ErrorsOutput.csv(grouper))
            case .json: try target.buffer.write(ErrorsOutput.json(grouper, accounting: stream.accounting.json))
            }
            var held = false
            for c in conds {
                let x: Int64
                switch c.name {
                case "new": x = Int64(grouper.newCount)
                case "rising": x = Int64(grouper.risingCount)
                case "groups": x = Int64(grouper.groups.count)
                default: x = grouper.failures
                }
                if c.holds(x) {
                    held = true
                    Diagnostics.error("condition held: \(c.text) (\(c.name) = \(x))")
                }
            }
            if !input.quiet {
                Diagnostics.write("sklog-errors: \(grouper.failures) failure\(grouper.failures == 1 ? "" : "s") in \(grouper.groups.count) group\(grouper.groups.count == 1 ? "" : "s")")
            }
            return try ToolRun.finish(stream, input: input, target: target, status: held ? ExitStatus.conditionHeld : ExitStatus.ok)
        }
    }
}

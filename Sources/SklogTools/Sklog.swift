#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import ArgumentParser
import SklogCLI
import SklogIO

/// The front door: `sklog NAME ...` is the same command as the executable `sklog-NAME ...`, as
/// one argument-parser command tree, so that help, completion scripts and manual pages cover
/// every tool.
public struct Sklog: ParsableCommand {
    public static let tools: [ParsableCommand.Type] = [
        Cat.self, Grep.self, Sessions.self, PathsTool.self, FrictionTool.self,
        Metrics.self, IDs.self, TrendTool.self, ReportTool.self, Gen.self, ErrorsTool.self, Top.self,
    ]

    public static var configuration: CommandConfiguration { CommandConfiguration(
        commandName: "sklog",
        abstract: "Composable tools for a voice skill's request logs.",
        discussion: """
        Every tool reads gzip, zlib or plain files (or standard input) in any supported \
        format, and writes plain streams: --format NAME is the output format, \
        --input-format NAME the input format, -o FILE the output file. `sklog NAME` is \
        the same as `sklog-NAME`; `sklog help NAME` or `sklog NAME --help` gives a \
        tool's options and examples. Details: README.md and docs/.

        Examples:
          sklog metrics Samples/canonical/small.ndjson
          sklog ids --failed logs/*.gz > failed.txt
          sklog grep --ids failed.txt --session-context logs/*.gz
        """,
        version: sklogVersion,
        subcommands: tools) }

    public init() {}

    /// Parses and runs `sklog ARGS...`; a word that is not a tool gets the nearest tool names.
    public static func frontDoorMain(_ arguments: [String] = Array(CommandLine.arguments.dropFirst())) -> Never {
        ToolName.underFrontDoor = true
        // `sklog NAME ...` and `sklog help NAME`: the word that should name a tool.
        let word = arguments.first == "help" ? arguments.dropFirst().first : arguments.first
        if let first = word, !first.hasPrefix("-"), first != "help" {
            let names = tools.map { $0.configuration.commandName ?? "" }
            if !names.contains(first) {
                let near = suggestions(for: first, among: names)
                var msg = "sklog: '\(first)' is not a sklog tool."
                if !near.isEmpty { msg += " Did you mean " + near.map { "'\($0)'" }.joined(separator: " or ") + "?" }
                Diagnostics.write(msg + "\nTools: " + names.joined(separator: ", ") + "; see 'sklog --help'.")
                Glibc.exit(ExitStatus.usageOrUnreadable)
            }
        }
        sklogMain(arguments)
    }

    /// The tool names nearest to the word (a prefix counts as 0), if within edit distance 2.
    static func suggestions(for word: String, among names: [String]) -> [String] {
        let w = Array(word.lowercased())
        let scored = names.map { name -> (String, Int) in
            let n = Array(name)
            if n.starts(with: w) && !w.isEmpty { return (name, 0) }
            // Edit distance with transpositions (optimal string alignment): "gerp" is 1 from "grep".
            var d = [[Int]](repeating: [Int](repeating: 0, count: n.count + 1), count: w.count + 1)
            for i in 0...w.count { d[i][0] = i }
            for j in 0...n.count { d[0][j] = j }
            for i in stride(from: 1, through: w.count, by: 1) {
                for j in stride(from: 1, through: n.count, by: 1) {
                    d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (w[i - 1] == n[j - 1] ? 0 : 1))
                    if i > 1 && j > 1 && w[i - 1] == n[j - 2] && w[i - 2] == n[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
                }
            }
            return (name, d[w.count][n.count])
        }
        let best = scored.map(\.1).min() ?? 3
        return best <= 2 ? scored.filter { $0.1 == best }.map(\.0) : []
    }
}

import Foundation
import Testing

/// `sklog` is one argument-parser command tree over the same tool types as the sklog-NAME
/// executables: the same output, help, version; a tool list with each one-line job; "did you
/// mean" for a near miss; completion scripts and the help dump that generate-manual reads.
@Suite struct FrontDoor {
    static let tools = ["cat", "grep", "sessions", "paths", "friction", "metrics", "ids", "trend", "report", "gen", "errors", "top"]

    static func overview(_ help: String) -> String {
        // "OVERVIEW: <abstract>" is the first line of each tool's help.
        String(help.split(separator: "\n").first ?? "").replacingOccurrences(of: "OVERVIEW: ", with: "")
    }

    @Test func helpListsEveryToolWithItsJob() throws {
        let help = try Run.tool("sklog", ["--help"])
        #expect(help.status == 0)
        let listed = help.lines.filter { $0.hasPrefix("  ") && !$0.hasPrefix("   ") }
        for tool in Self.tools {
            let job = Self.overview(try Run.tool("sklog-\(tool)", ["--help"]).stdout)
            #expect(!job.isEmpty && job.count <= 54, "\(tool): a one-line job fits beside the name: \(job)")
            #expect(listed.contains { $0.hasPrefix("  \(tool) ") && $0.hasSuffix(" " + job) }, "sklog --help does not list \(tool): \(job)")
        }
    }

    @Test(arguments: tools) func helpVersionAndOutputAreTheTool(_ tool: String) throws {
        let own = try Run.tool("sklog-\(tool)", ["--help"]).stdout
        let sub = try Run.tool("sklog", [tool, "--help"]).stdout
        let viaHelp = try Run.tool("sklog", ["help", tool]).stdout
        #expect(sub == viaHelp)
        #expect(sub == own.replacingOccurrences(of: "sklog-\(tool) ", with: "sklog \(tool) "))
        let version = try Run.tool("sklog", ["--version"]).stdout
        #expect(try Run.tool("sklog-\(tool)", ["--version"]).stdout == version && version.first?.isNumber == true)
    }

    @Test func sameOutputAsTheExecutables() throws {
        let small = Run.sample("canonical/small.ndjson")
        for (tool, args) in [("cat", ["--format", "csv"]), ("metrics", ["--format", "json"]), ("ids", ["--failed"]), ("paths", [])] {
            let a = try Run.tool("sklog-\(tool)", ["-q"] + args + [small])
            let b = try Run.tool("sklog", [tool, "-q"] + args + [small])
            #expect(a.status == b.status && a.out == b.out && !a.out.isEmpty, "\(tool)")
        }
        // Usage errors and exit statuses are the tools'.
        #expect(try Run.tool("sklog", ["ids", "--format", "xml", small]).status == 2)
        #expect(try Run.tool("sklog", ["grep", "-q", "--intent", "NoSuchIntent", small]).status == 1)
    }

    @Test func nearMissesGetSuggestions() throws {
        let metric = try Run.tool("sklog", ["metric", "x.gz"])
        #expect(metric.status == 2 && metric.stderr.contains("'metric' is not a sklog tool. Did you mean 'metrics'?"))
        let gerp = try Run.tool("sklog", ["gerp"])
        #expect(gerp.status == 2 && gerp.stderr.contains("Did you mean 'grep'?"))
        let help = try Run.tool("sklog", ["help", "metric"])
        #expect(help.status == 2 && help.stderr.contains("Did you mean 'metrics'?"))
        let far = try Run.tool("sklog", ["xyzzy"])
        #expect(far.status == 2 && !far.stderr.contains("Did you mean") && far.stderr.contains("Tools: cat, grep,"))
    }

    @Test func completionScriptsAndTheHelpDump() throws {
        for shell in ["bash", "zsh", "fish"] {
            let s = try Run.tool("sklog", ["--generate-completion-script", shell])
            #expect(s.status == 0 && s.stdout.contains("metrics") && s.stdout.contains("--format"), "\(shell)")
        }
        let dump = try Run.tool("sklog", ["--experimental-dump-help"])
        let doc = try JSONSerialization.jsonObject(with: dump.out) as! [String: Any]
        let subs = ((doc["command"] as! [String: Any])["subcommands"] as! [[String: Any]]).map { $0["commandName"] as! String }
        #expect(Set(Self.tools).isSubset(of: Set(subs)))
    }
}

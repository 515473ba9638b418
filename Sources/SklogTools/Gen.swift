// sklog-gen: deterministic simulator of a skill's traffic (samples, tests, benchmarks).
import ArgumentParser
import SklogCLI
import SklogGen
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public struct Gen: ParsableCommand {
    public static var configuration: CommandConfiguration { CommandConfiguration(
        commandName: ToolName.command("gen"),
        abstract: "Deterministic simulator of a skill's request logs.",
        discussion: """
        The same options always give byte-identical output. Without -o the records go \
        to standard output. What is simulated and the ground-truth format: docs/gen.md.

        Examples:
          sklog gen --records 20000 --truth truth.ndjson > sample.ndjson
          sklog gen --records 5000 --files 4 -o logs/ --format cloudwatch-export
          sklog gen --records 1000 --format lambda | sklog metrics
        """,
        version: sklogVersion) }

    public init() {}

    @Option(name: .long, help: "Approximate number of records (unique).")
    var records: Int = 10_000

    @Option(name: .long, help: "Number of distinct users (default: records / 25, at least 20).")
    var users: Int?

    @Option(name: .long, help: "Spread the traffic over this many days, with a daily rhythm.")
    var days: Int = 7

    @Option(name: .long, help: "Random seed.")
    var seed: UInt64 = 42

    @Option(name: .long, help: "Start date (UTC), YYYY-MM-DD or RFC 3339.")
    var start: String = "2026-11-02"

    @Option(name: .shortAndLong, help: ArgumentHelp("Output file (.gz: gzip), or a directory with --files.", valueName: "file"))
    var output: String?

    @Option(name: .long, help: "Split the output into N gzip files in the -o directory, one per log stream.")
    var files: Int?

    @Option(name: .long, help: "Share of records written out of order (up to 30 s late) within their file.")
    var disorder: Double = 0.02

    @Option(name: .long, help: "Share of records written twice (within a few seconds, possibly in another file).")
    var duplicates: Double = 0.005

    @Option(name: .long, help: ArgumentHelp("Output format: ndjson, lambda, lambda-json, cloudwatch-export, subscription.", valueName: "name"), completion: .list(["ndjson", "lambda", "lambda-json", "cloudwatch-export", "subscription"]))
    var format: String = "ndjson"

    @Option(name: .long, help: "Write the ground truth (sessions, friction, totals) as NDJSON to FILE.")
    var truth: String?

    @Option(name: .long, help: "gzip compression level (1-9) of .gz outputs.")
    var level: Int32 = 6

    public func validate() throws {
        guard records >= 0 else { throw ValidationError("--records must be >= 0") }
        if let u = users, u < 1 || u > 100_000_000 { throw ValidationError("--users must be between 1 and 100000000") }
        guard records <= 1_000_000_000 else { throw ValidationError("--records must be at most 1000000000") }
        guard days >= 1 && days <= 3660 else { throw ValidationError("--days must be between 1 and 3660") }
        guard parseDate(start) != nil else { throw ValidationError("--start: not a date: \(start)") }
        guard (0...1).contains(disorder) else { throw ValidationError("--disorder must be between 0 and 1") }
        guard (0...1).contains(duplicates) else { throw ValidationError("--duplicates must be between 0 and 1") }
        guard OutputFormat(rawValue: format) != nil else {
            throw ValidationError("--format must be one of: " + OutputFormat.allCases.map(\.rawValue).joined(separator: ", "))
        }
        if let f = files {
            guard f >= 1 && f <= 10_000 else { throw ValidationError("--files must be between 1 and 10000") }
            guard output != nil else { throw ValidationError("--files needs -o DIR") }
        }
        guard (1...9).contains(level) else { throw ValidationError("--level must be between 1 and 9") }
    }

    public func run() throws {
        // A closed pipe shows up as a write error (GenError.pipeClosed), not a signal.
        signal(SIGPIPE, SIG_IGN)
        var o = GenOptions()
        o.records = records
        o.users = users
        o.days = days
        o.seed = seed
        o.start = parseDate(start)!
        o.disorder = disorder
        o.duplicates = duplicates
        o.format = OutputFormat(rawValue: format)!
        o.gzipLevel = level
        let target: GenTarget
        if let f = files, let dir = output { target = .directory(path: dir, count: f) } else { target = .single(path: output) }
        do {
            try Generator.run(o, target: target, truthPath: truth)
        } catch GenError.pipeClosed {
            throw ExitCode.success
        } catch let e as GenError {
            var msg = "sklog-gen: \(e)\n"
            msg.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
            throw ExitCode(2)
        }
    }
}


import ArgumentParser
import SklogIO
import SklogRecords

/// `-o FILE` / `--output FILE`: where the output goes instead of standard output (SPEC §2: the
/// same spelling on every tool). The old spellings are refused with the right one named.
public struct OutputFileOption: ParsableArguments {
    @Option(name: .shortAndLong, help: ArgumentHelp("Write the output to this file instead of standard output.", valueName: "file"),
            completion: .file())
    public var output: String?

    // Before the one convention, `-o` was spelled --output-file. Hidden; only here to say so.
    @Option(name: .customLong("output-file"), help: .hidden)
    var oldOutputFile: String?

    public var path: String? { output }

    public init() {}

    public func validate() throws {
        // Checked against the inputs before any is read (`RecordStream`).
        OutputFile.declare(option: "-o", path: output)
        if oldOutputFile != nil { throw ValidationError("--output-file is now spelled -o FILE or --output FILE") }
        // `--output csv` used to name the output format on some tools; a bare format name is
        // almost surely that, not a file a user wants created.
        if let o = output, OutputFormatName.all.contains(o) {
            throw ValidationError("-o/--output takes the output file; the output format is --format \(o) (to write a file named '\(o)', use -o ./\(o))")
        }
    }
}

/// The `--format NAME` check every tool shares, so an input-format name (the old meaning of
/// `--format` in cat and grep) gets a message naming `--input-format`.
public enum OutputFormatName {
    /// Every output format name of SPEC §2.
    public static let all: Set<String> = ["ndjson", "csv", "tsv", "table", "json", "prometheus", "ids", "dot", "mermaid", "html"]

    /// Throws a usage error unless `value` is one of `allowed`; `context` qualifies the list
    /// (e.g. "with --summary").
    public static func check(_ value: String, allowed: [String], context: String? = nil) throws {
        if allowed.contains(value) { return }
        let list = allowed.joined(separator: ", ")
        let qualifier = context.map { " \($0)" } ?? ""
        if !all.contains(value), InputFormat(rawValue: value) != nil {
            throw ValidationError("--format is the output format (\(list)\(qualifier)); for the input format use --input-format \(value)")
        }
        throw ValidationError("--format must be one of: \(list)\(qualifier) (the input format is --input-format)")
    }
}

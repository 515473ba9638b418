#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import ArgumentParser
import SklogIO
import SklogRecords

/// The input options every tool takes (SPEC sections 2 and 3).
public struct InputOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("Log files: gzip (also multi-member), zlib or plain text, detected from the bytes. None, or '-', reads standard input.", valueName: "file"),
              completion: .file())
    public var files: [String] = []

    @Option(name: .customLong("input-format"), help: ArgumentHelp("Input format: auto, ndjson, lambda, lambda-json, cloudwatch-export, subscription, cloudwatch-tail (aws logs tail, --format detailed or short), cloudwatch-json (aws logs filter-log-events/get-log-events, a boto3 event list), cloudwatch-text (the same with --output text), cloudwatch-messages (--query 'events[*].message' --output text), awslogs (awslogs get), insights-csv, csv, pattern.", valueName: "name"),
            completion: .list(InputFormat.allCases.map(\.rawValue)))
    public var inputFormat: String = "auto"

    @Option(help: ArgumentHelp("Custom text logs: a PCRE2 pattern with named groups that map to canonical fields, e.g. '(?<ts>\\S+) (?<messageId>\\S+) (?<latencyMs>\\d+)'.", valueName: "regex"))
    public var pattern: String?

    @Option(name: .customLong("pattern-file"), help: ArgumentHelp("Read the --pattern from a file.", valueName: "file"))
    public var patternFile: String?

    @Option(name: .customLong("ts-format"), help: ArgumentHelp("Timestamp layout for --pattern: auto, rfc3339, epoch-ms, epoch-s, clf.", valueName: "layout"))
    public var tsFormat: String = "auto"

    @Option(name: .customLong("max-delay"), help: ArgumentHelp("How far records may be out of time order inside one file.", valueName: "duration"))
    public var maxDelay: String = "60s"

    @Option(name: .customLong("dedup-window"), help: ArgumentHelp("A message ID seen again within this much record time is a duplicate.", valueName: "duration"))
    public var dedupWindow: String = "10m"

    @Option(help: ArgumentHelp("Only records at or after this time: RFC 3339, a date, today, yesterday, or a span back from now (30m, 2h, 7d, 1w).", valueName: "time"))
    public var since: String?

    @Option(help: ArgumentHelp("Only records before this time: RFC 3339, a date, today, yesterday, or a span back from now (30m, 2h, 7d, 1w).", valueName: "time"))
    public var until: String?

    @Option(help: ArgumentHelp("Only this stage (live or development); records without a stage take this one.", valueName: "stage"))
    public var stage: String?

    @Option(help: ArgumentHelp("Only this locale, e.g. en-US.", valueName: "locale"))
    public var locale: String?

    @Option(help: ArgumentHelp("Only this skill ID.", valueName: "skill-id"))
    public var skill: String?

    @Option(help: ArgumentHelp("In-skill product catalog for records without a productType: CSV lines 'productId,productType' (a header is allowed) or a JSON object {\"productId\": \"ENTITLEMENT|CONSUMABLE|SUBSCRIPTION\"}.", valueName: "file"))
    public var products: String?

    @Option(help: ArgumentHelp("Write rejected lines here, verbatim, as FILE:LINE<TAB>REASON<TAB>LINE.", valueName: "file"))
    public var rejects: String?

    @Flag(help: "Damaged input is an error (exit 2) and nothing is written.")
    public var strict = false

    @Flag(help: "Replace user, device and session IDs by stable hashes and mask slot values and utterances.")
    public var redact = false

    @Flag(name: .shortAndLong, help: "Do not print the end-of-run summary (nor the progress line) on standard error.")
    public var quiet = false

    @Option(name: .customLong("stdin-name"), help: ArgumentHelp("The name standard input goes by in src and messages (default stdin): for a driver that pipes each file's bytes, such as contrib/spark.", valueName: "name", visibility: .hidden))
    public var stdinName: String?

    @Option(name: .customLong("accounting"), help: ArgumentHelp("Also write the end-of-run accounting as one JSON object to this file: for a driver that sums runs, such as contrib/spark.", valueName: "file", visibility: .hidden))
    public var accountingPath: String?

    public init() {}

    public func validate() throws {
        // Checked against the inputs before any is read (`RecordStream`).
        OutputFile.declare(option: "--rejects", path: rejects)
        OutputFile.declare(option: "--accounting", path: accountingPath)
        _ = try streamOptions()
    }

    /// The options as the record stream takes them.
    public func streamOptions() throws -> StreamOptions {
        var o = StreamOptions()
        guard let f = InputFormat(rawValue: inputFormat) else {
            throw ValidationError("unknown --input-format '\(inputFormat)'; one of: \(InputFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        o.format.format = f
        if let p = pattern { o.format.pattern = p }
        if let pf = patternFile {
            guard let text = readSmallFile(pf) else { throw ValidationError("cannot read --pattern-file \(pf)") }
            o.format.pattern = text.split(separator: "\n").first.map(String.init) ?? ""
        }
        if f == .pattern && o.format.pattern == nil { throw ValidationError("--input-format pattern needs --pattern or --pattern-file") }
        o.format.tsFormat = tsFormat
        guard let md = Timestamp.parseDuration(maxDelay) else { throw ValidationError("invalid --max-delay '\(maxDelay)' (e.g. 60s, 2m)") }
        guard let dw = Timestamp.parseDuration(dedupWindow) else { throw ValidationError("invalid --dedup-window '\(dedupWindow)' (e.g. 10m)") }
        o.maxDelayMs = md
        o.dedupWindowMs = dw
        let now = TimeArgument.now()
        if let s = since { guard let t = TimeArgument.parse(s, now: now) else { throw ValidationError("invalid --since '\(s)' (RFC 3339, YYYY-MM-DD, today, yesterday, or 30m/2h/7d/1w back from now)") }; o.since = t }
        if let u = until { guard let t = TimeArgument.parse(u, now: now) else { throw ValidationError("invalid --until '\(u)' (RFC 3339, YYYY-MM-DD, today, yesterday, or 30m/2h/7d/1w back from now)") }; o.until = t }
        o.stage = stage
        o.locale = locale
        o.skill = skill
        o.rejectsPath = rejects
        o.progress = !quiet
        o.quiet = quiet
        o.stdinName = stdinName ?? "stdin"
        if let p = products { o.productTypes = try Self.readProducts(p) }
        // Benchmark knobs (scripts/bench --many-files, docs/performance.md); results never depend on them.
        o.decodeAhead = Self.environmentInt("SKLOG_DECODE_AHEAD")
        o.decodeThreads = Self.environmentInt("SKLOG_DECODE_THREADS")
        o.chunkSize = Self.environmentInt("SKLOG_CHUNK_SIZE").map { max(4096, $0) }
        return o
    }

    /// Opens every input (exit 2 if one cannot be opened). A tool that streams its output
    /// (records, sessions, events) passes `streamingTo: -o FILE`: when that output goes to the
    /// terminal, a progress line would be written over it, so there is none.
    public func openStream(streamingTo outputPath: String?? = .none, keepRaw: Bool = false) throws -> RecordStream {
        var o = try streamOptions()
        o.keepRaw = keepRaw
        OutputFile.declare(option: "--accounting", path: accountingPath)
        if case .some(let path) = outputPath, path == nil || path == "-", isatty(1) != 0 { o.progress = false }
        return try RecordStream(paths: files, options: o)
    }
}

extension InputOptions {
    static func environmentInt(_ name: String) -> Int? {
        getenv(name).flatMap { Int(String(cString: $0)) }.map { max(1, $0) }
    }

    /// Reads a `--products` catalog: `productId,productType` lines or a JSON object.
    static func readProducts(_ path: String) throws -> [String: String] {
        guard let text = readSmallFile(path) else { throw ValidationError("cannot read --products \(path)") }
        let types: Set<String> = ["ENTITLEMENT", "CONSUMABLE", "SUBSCRIPTION"]
        var out: [String: String] = [:]
        let trimmed = text.drop { $0 == " " || $0 == "\n" || $0 == "\t" }
        if trimmed.first == "{" {
            var bytes = Array(text.utf8)
            var bad = false
            bytes.withUnsafeMutableBytes { b in
                var sc = JSONScanner(UnsafeRawBufferPointer(b))
                sc.pos = text.utf8.count - trimmed.utf8.count
                do {
                    try sc.members { ks, ke, kind, vs, ve in
                        guard kind == .string else { bad = true; return }
                        out[String(decoding: UnsafeRawBufferPointer(rebasing: b[ks..<ke]), as: UTF8.self)] =
                            String(decoding: UnsafeRawBufferPointer(rebasing: b[vs..<ve]), as: UTF8.self).uppercased()
                    }
                } catch { bad = true }
            }
            if bad { throw ValidationError("--products \(path): expected a JSON object of productId: productType strings") }
        } else {
            for line in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
                let cells = line.split(separator: line.contains("\t") ? "\t" : ",").map { $0.trimmingCharacters(in: .whitespaces) }
                guard cells.count >= 2 else { continue }
                let t = cells[1].uppercased()
                if types.contains(t) { out[cells[0]] = t }
            }
        }
        for (id, t) in out where !types.contains(t) {
            throw ValidationError("--products \(path): \(id) has productType '\(t)'; expected ENTITLEMENT, CONSUMABLE or SUBSCRIPTION")
        }
        return out
    }
}

/// A small text file (gzip or plain), or nil when it cannot be read.
func readSmallFile(_ path: String) -> String? {
    (try? ChunkReader.readWholeFile(path)).map { String(decoding: $0, as: UTF8.self) }
}

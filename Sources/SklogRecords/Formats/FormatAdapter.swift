import SklogMatch

/// The input formats of SPEC section 3.
public enum InputFormat: String, CaseIterable, Sendable {
    case auto, ndjson, lambda, lambdaJSON = "lambda-json", cloudwatchExport = "cloudwatch-export", subscription, csv, pattern
    /// How developers pull logs themselves (docs/formats.md): `aws logs tail` text.
    case cloudwatchTail = "cloudwatch-tail"
    /// `aws logs filter-log-events` / `get-log-events` JSON, pretty-printed subscription payloads.
    case cloudwatchJSON = "cloudwatch-json"
    /// A CloudWatch Logs Insights result exported as CSV (`@timestamp,@message,@logStream`).
    case insightsCSV = "insights-csv"
    /// `aws logs filter-log-events` / `get-log-events --output text` (`EVENTS` rows).
    case cloudwatchText = "cloudwatch-text"
    /// `aws logs get-log-events … --query 'events[*].message' --output text`: messages joined by tabs.
    case cloudwatchMessages = "cloudwatch-messages"
    /// `awslogs get GROUP`: `GROUP STREAM MESSAGE` lines.
    case awslogs
}

/// Where an adapter puts what it makes of its lines: canonical records, or rejected lines.
public protocol RecordSink: AnyObject {
    /// A parsed record, with `line` set to the first line it came from.
    func accept(_ record: Record)
    /// A line (or group of lines) that could not become a record.
    func reject(_ reason: RejectReason, line: Int64, text: UnsafeRawBufferPointer, detail: String?)
    /// A record got `outcome: success` because its skill logs no responses: only a logged
    /// error or a timeout could have said otherwise (SPEC 3). Counted in the summary.
    func noteOutcomeFromErrorsAlone()
    /// `grep --raw`: the input lines (line number, bytes) of the invocation behind the record
    /// accepted next with first line `line`.
    func attachRaw(line: Int64, lines: [(Int64, [UInt8])])
    /// A record's `ts` is its envelope's `request.timestamp` (whole seconds): no line of its
    /// invocation has a log time (`--query 'events[*].message' --output text`, a bare print).
    func noteTimeFromRequest()
}

extension RecordSink {
    public func noteOutcomeFromErrorsAlone() {}
    public func attachRaw(line: Int64, lines: [(Int64, [UInt8])]) {}
    public func noteTimeFromRequest() {}

    /// Parses canonical JSON bytes built by an adapter and passes on the record (or the reject).
    public func acceptJSON(_ json: UnsafeRawBufferPointer, line: Int64) {
        do {
            var r = try RecordParser.parse(json)
            r.line = line
            accept(r)
        } catch {
            reject(error.reason, line: line, text: json, detail: error.detail)
        }
    }

    public func acceptJSON(_ json: [UInt8], line: Int64) {
        json.withUnsafeBytes { acceptJSON($0, line: line) }
    }
}

/// Turns the lines of one input into canonical records. One adapter per input file; it may keep
/// state across lines (a Lambda invocation spans many lines) and flush it in `finish`.
/// The seam for new formats: implement this, and teach `FormatDetector` to recognize it.
public protocol FormatAdapter: AnyObject {
    /// One line, without its newline (a trailing CR is removed). `number` is 1-based.
    func consume(_ line: UnsafeRawBufferPointer, number: Int64, sink: some RecordSink)
    /// End of the input: emit or reject whatever is still pending.
    func finish(sink: some RecordSink)
}

/// Canonical NDJSON: each line is one record.
public final class NDJSONAdapter: FormatAdapter {
    public init() {}
    @inline(__always)
    public func consume(_ line: UnsafeRawBufferPointer, number: Int64, sink: some RecordSink) {
        do {
            var r = try RecordParser.parse(line)
            r.line = number
            sink.accept(r)
        } catch {
            sink.reject(error.reason, line: number, text: line, detail: error.detail)
        }
    }
    public func finish(sink: some RecordSink) {}
}

/// A file of a folder that is not a log (a README): its lines are read and ignored.
final class SkippedInputAdapter: FormatAdapter {
    func consume(_ line: UnsafeRawBufferPointer, number: Int64, sink: some RecordSink) {}
    func finish(sink: some RecordSink) {}
}

/// Options that shape how inputs are read.
public struct FormatOptions {
    public var format: InputFormat = .auto
    /// `--pattern` / `--pattern-file`: a PCRE2 pattern with named groups.
    public var pattern: String? = nil
    /// `--ts-format` for custom text: `rfc3339` (default), `epoch-ms`, `epoch-s`, `clf`
    /// (`24/Nov/2026:10:00:00 +0000`), or `syslog-like` (`2026-11-24 10:00:00,123`).
    public var tsFormat: String = "auto"
    public init() {}
}

public struct UnknownFormatError: Error, CustomStringConvertible {
    public var path: String
    public var firstLine: String
    public var description: String { "\(path): unknown input format; first line: \(firstLine)" }
}

/// Recognizes an input's format from its first lines and makes the adapter for it.
public enum FormatDetector {
    /// `lines`: up to the first 20 non-empty lines of the input.
    public static func detect(_ lines: [UnsafeRawBufferPointer]) -> InputFormat? {
        guard let first = lines.first else { return .ndjson }
        if InsightsCSVAdapter.looksLikeHeader(first) { return .insightsCSV }
        // Raw Lambda / CloudWatch formats first: they are recognized by their own line shapes.
        if let raw = RawLogDetector.detect(lines) { return raw }
        if first.first == UInt8(ascii: "{") { return .ndjson }
        if CSVAdapter.looksLikeHeader(first) { return .csv }
        return nil
    }

    public static func makeAdapter(_ format: InputFormat, options: FormatOptions, firstLines: [UnsafeRawBufferPointer]) throws -> any FormatAdapter {
        switch format {
        case .ndjson, .auto: return NDJSONAdapter()
        case .csv: return CSVAdapter()
        case .insightsCSV: return InsightsCSVAdapter()
        case .pattern:
            return try PatternAdapter(pattern: options.pattern ?? "", tsFormat: options.tsFormat)
        case .lambda, .lambdaJSON, .cloudwatchExport, .subscription, .cloudwatchTail, .cloudwatchJSON, .cloudwatchText, .cloudwatchMessages, .awslogs:
            return try RawLogDetector.makeAdapter(format)
        }
    }
}

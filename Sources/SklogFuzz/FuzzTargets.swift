import CZlib
import SklogAnalysis
import SklogRecords

/// The parsers that read untrusted bytes, each behind one entry point that takes any bytes.
/// `sklog-fuzz` (built by `scripts/fuzz` with libFuzzer and AddressSanitizer) calls `run`; the
/// tests replay every seed and every input that once crashed through the same function.
public enum FuzzTarget: String, CaseIterable, Sendable {
    case ndjson
    case lambdaText = "lambda-text"
    case lambdaJSON = "lambda-json"
    case cloudwatchExport = "cloudwatch-export"
    case subscription
    case csv
    case pythonRepr = "python-repr"
    case speech
    case pattern
    case partial

    /// Feeds `data` to the target's parser. Anything may be rejected; nothing may crash or hang.
    public func run(_ data: UnsafeRawBufferPointer) {
        switch self {
        case .ndjson: Self.lines(data, NDJSONAdapter())
        case .lambdaText: Self.lines(data, LambdaTextAdapter())
        case .lambdaJSON: Self.lines(data, LambdaJSONAdapter())
        case .cloudwatchExport:
            // `aws logs tail` text has the same `TIMESTAMP SPACE …` lines, a stream name first.
            Self.lines(data, CloudWatchExportAdapter())
            Self.lines(data, LogsTailAdapter())
        case .subscription: Self.subscription(data)
        case .csv:
            Self.lines(data, CSVAdapter())
            Self.lines(data, InsightsCSVAdapter())
        case .pythonRepr: Self.pythonRepr(data)
        case .speech: _ = SpeechTime.estimateMs(utf8: data)
        case .pattern: Self.pattern(data)
        case .partial:
            if let acc = try? MetricsAccumulator.fromPartialState(Array(data)) {
                // A state that reads must also finish and write again.
                _ = acc.partialState()
            }
        }
    }

    public func run(_ data: [UInt8]) { data.withUnsafeBytes { run($0) } }

    // MARK: Targets

    /// The input split into lines the way `RecordStream` splits it (LF, a CR before it
    /// dropped, empty lines skipped), fed to one adapter; the format detector sees them too.
    static func lines(_ data: UnsafeRawBufferPointer, _ adapter: some FormatAdapter) {
        let sink = CheckingSink()
        var first: [UnsafeRawBufferPointer] = []
        forEachLine(data) { line, _ in if first.count < 20 { first.append(line) } }
        _ = FormatDetector.detect(first)
        forEachLine(data) { line, n in adapter.consume(line, number: n, sink: sink) }
        adapter.finish(sink: sink)
    }

    /// First byte: 0 — the bytes are subscription lines as they are; 1 — the rest is the decoded
    /// payload, gzip'd and base64'd into `{"awslogs":{"data":…}}` (so that the fuzzer reaches the
    /// JSON inside); 2 — the rest is base64'd as it is (not gzip: the inflater's errors).
    static func subscription(_ data: UnsafeRawBufferPointer) {
        guard let mode = data.first else { return }
        let rest = UnsafeRawBufferPointer(rebasing: data[1...])
        switch mode % 3 {
        case 0:
            lines(rest, SubscriptionAdapter())
            // The CLI's JSON dumps (`filter-log-events`, `get-log-events`) hold the same events.
            lines(rest, CloudWatchJSONAdapter())
        case 1:
            guard let gz = gzip(rest) else { return }
            let doc = Array("{\"awslogs\":{\"data\":\"".utf8) + base64(gz) + Array("\"}}".utf8)
            doc.withUnsafeBytes { lines($0, SubscriptionAdapter()) }
        default:
            let doc = Array("{\"awslogs\":{\"data\":\"".utf8) + base64(Array(rest)) + Array("\"}}".utf8)
            doc.withUnsafeBytes { lines($0, SubscriptionAdapter()) }
        }
    }

    /// The converter on its own, then the bytes as a Python `print(event)` line inside one
    /// invocation (the envelope reader classifies what it makes).
    static func pythonRepr(_ data: UnsafeRawBufferPointer) {
        if let open = data.firstIndex(of: 0x7b) { _ = try? PythonRepr.toJSON(data, from: open) }
        var log = Array("START RequestId: f0 Version: $LATEST\n[INFO]\t2026-11-24T10:00:00.000Z\tf0\tEvent: ".utf8)
        log += data
        log += Array("\nEND RequestId: f0\nREPORT RequestId: f0\tDuration: 1.00 ms\n".utf8)
        log.withUnsafeBytes { lines($0, LambdaTextAdapter()) }
    }

    /// First line: the pattern (`--pattern`); the other lines: the log.
    static func pattern(_ data: UnsafeRawBufferPointer) {
        let nl = data.firstIndex(of: 0x0a) ?? data.count
        let pattern = String(decoding: UnsafeRawBufferPointer(rebasing: data[0..<nl]), as: UTF8.self)
        guard let adapter = try? PatternAdapter(pattern: pattern, tsFormat: "auto") else { return }
        lines(UnsafeRawBufferPointer(rebasing: data[min(nl + 1, data.count)...]), adapter)
    }

    // MARK: Helpers

    static func forEachLine(_ data: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer, Int64) -> Void) {
        var start = 0
        var n: Int64 = 0
        while start < data.count {
            var e = start
            while e < data.count, data[e] != 0x0a { e += 1 }
            n += 1
            var le = e
            if le > start, data[le - 1] == 0x0d { le -= 1 }
            if le > start { body(UnsafeRawBufferPointer(rebasing: data[start..<le]), n) }
            start = e + 1
        }
    }

    static func base64(_ b: [UInt8]) -> [UInt8] {
        let t = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        var i = 0
        while i + 2 < b.count {
            let v = UInt32(b[i]) << 16 | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2])
            out += [t[Int(v >> 18)], t[Int(v >> 12 & 63)], t[Int(v >> 6 & 63)], t[Int(v & 63)]]
            i += 3
        }
        if b.count - i == 1 {
            let v = UInt32(b[i]) << 16
            out += [t[Int(v >> 18)], t[Int(v >> 12 & 63)], 0x3d, 0x3d]
        } else if b.count - i == 2 {
            let v = UInt32(b[i]) << 16 | UInt32(b[i + 1]) << 8
            out += [t[Int(v >> 18)], t[Int(v >> 12 & 63)], t[Int(v >> 6 & 63)], 0x3d]
        }
        return out
    }

    static func gzip(_ b: UnsafeRawBufferPointer) -> [UInt8]? {
        var z = z_stream()
        guard czlib_deflateInit2(&z, 6, 15 + 16) == Z_OK else { return nil }
        defer { deflateEnd(&z) }
        var out = [UInt8](repeating: 0, count: Int(deflateBound(&z, UInt(b.count))) + 64)
        var input = Array(b)
        let rc: Int32 = input.withUnsafeMutableBufferPointer { inp in
            out.withUnsafeMutableBufferPointer { ob in
                z.next_in = inp.baseAddress
                z.avail_in = UInt32(inp.count)
                z.next_out = ob.baseAddress
                z.avail_out = UInt32(ob.count)
                return deflate(&z, Z_FINISH)
            }
        }
        guard rc == Z_STREAM_END else { return nil }
        out.removeLast(Int(z.avail_out))
        return out
    }
}

/// A sink that checks what adapters hand on: every record has the two required fields.
final class CheckingSink: RecordSink {
    var records = 0, rejects = 0
    func accept(_ record: Record) {
        precondition(record.messageId.isPresent, "a record without messageId was accepted")
        records += 1
    }
    func reject(_ reason: RejectReason, line: Int64, text: UnsafeRawBufferPointer, detail: String?) { rejects += 1 }
}

/// Lambda text and JSON logs, CloudWatch exports and subscription payloads (SPEC 3, formats 2-5).
/// Recognized from the shapes of the first lines; canonical NDJSON records (top-level `ts` and
/// `messageId`) are left to the NDJSON adapter.
public enum RawLogDetector {
    public static func detect(_ lines: [UnsafeRawBufferPointer]) -> InputFormat? {
        if CloudWatchJSONAdapter.looksLikeCLIDocument(lines) { return .cloudwatchJSON }
        if CLITextAdapter.looksLikeEventRows(lines) { return .cloudwatchText }
        if CLITextAdapter.looksLikeJoinedMessages(lines) { return .cloudwatchMessages }
        var text = 0, export = 0, json = 0, subscription = 0, tail = 0, platform = 0, awslogs = 0
        for line in lines where !line.isEmpty {
            if line.first == UInt8(ascii: "{") {
                switch jsonShape(line) {
                case .subscription: subscription += 1
                case .lambdaJSON: json += 1
                case .canonical, .other: break
                }
                continue
            }
            if isLambdaTextLine(line) {
                text += 1
                if LambdaLineParser.starts(line, "START RequestId: ") || LambdaLineParser.starts(line, "REPORT RequestId: ") { platform += 1 }
                continue
            }
            if LogsTailAdapter.looksLikeTail(line) { tail += 1; continue }
            if AWSLogsAdapter.looksLikeAWSLogs(line) { awslogs += 1; continue }
            if let (_, after) = CloudWatchExportAdapter.exportTimestamp(line) {
                let rest = UnsafeRawBufferPointer(rebasing: line[after...])
                // `TS ID Task timed out after …` is a Lambda text line, not an export line.
                let tok = LambdaLineParser.token(rest, from: 0)
                if tok.count < rest.count, LambdaLineParser.starts(UnsafeRawBufferPointer(rebasing: rest[(tok.count + 1)...]), "Task timed out") {
                    text += 1
                } else {
                    export += 1
                }
            }
        }
        if subscription > 0 { return .subscription }
        if tail > 0 && tail >= export { return .cloudwatchTail }
        if awslogs > 0 && awslogs >= export && awslogs >= text { return .awslogs }
        // An export prefixes START and REPORT with a time too: bare ones mean Lambda text (whose
        // custom-runtime lines may look like export lines, `TS  INFO target: message`).
        if export > 0 && export >= text && platform == 0 { return .cloudwatchExport }
        if json > 0 && json >= text { return .lambdaJSON }
        if text > 0 { return .lambda }
        return nil
    }

    static func isLambdaTextLine(_ line: UnsafeRawBufferPointer) -> Bool {
        let s = LambdaLineParser.starts
        if s(line, "START RequestId: ") || s(line, "END RequestId: ") || s(line, "REPORT RequestId: ") || s(line, "INIT_START ") {
            return true
        }
        if let (_, after) = LambdaLineParser.timestampPrefix(line, from: 0), after >= 1, line[after - 1] == 0x09 { return true }
        if line.first == UInt8(ascii: "["), let (len, _) = LambdaLineParser.level(UnsafeRawBufferPointer(rebasing: line[1...])),
           len + 2 < line.count, line[len + 1] == UInt8(ascii: "]"), line[len + 2] == 0x09 {
            return true
        }
        return false
    }

    enum JSONShape { case subscription, lambdaJSON, canonical, other }

    static func jsonShape(_ line: UnsafeRawBufferPointer) -> JSONShape {
        var sc = JSONScanner(line)
        let base = sc.base
        var keys: Set<String> = []
        var platform = false
        do {
            try sc.members { ks, ke, kind, vs, ve in
                let k = String(decoding: UnsafeRawBufferPointer(start: base + ks, count: ke - ks), as: UTF8.self)
                keys.insert(k)
                if k == "type", kind == .string, LambdaLineParser.starts(UnsafeRawBufferPointer(start: base + vs, count: ve - vs), "platform.") {
                    platform = true
                }
            }
        } catch {
            // A long line cut by the sample: the keys seen so far still tell.
        }
        if keys.contains("awslogs") || keys.contains("logEvents") || (keys.contains("messageType") && keys.contains("logGroup")) { return .subscription }
        if keys.contains("ts") && keys.contains("messageId") { return .canonical }
        if platform && keys.contains("record") { return .lambdaJSON }
        if keys.contains("requestId") && (keys.contains("message") || keys.contains("level")) { return .lambdaJSON }
        if keys.contains("timestamp") && keys.contains("level") && keys.contains("message") { return .lambdaJSON }
        return .other
    }

    public static func makeAdapter(_ format: InputFormat) throws -> any FormatAdapter {
        switch format {
        case .lambda: return LambdaTextAdapter()
        case .lambdaJSON: return LambdaJSONAdapter()
        case .cloudwatchExport: return CloudWatchExportAdapter()
        case .subscription: return SubscriptionAdapter()
        case .cloudwatchTail: return LogsTailAdapter()
        case .cloudwatchJSON: return CloudWatchJSONAdapter()
        case .cloudwatchText: return CLITextAdapter(joined: false)
        case .cloudwatchMessages: return CLITextAdapter(joined: true)
        case .awslogs: return AWSLogsAdapter()
        default: throw UnsupportedFormatError(format: format)
        }
    }
}

public struct UnsupportedFormatError: Error, CustomStringConvertible {
    public var format: InputFormat
    public var description: String { "format '\(format.rawValue)' is not supported yet" }
}

/// The raw-log adapters: each reads its lines through one `LambdaLineParser`.
protocol RawLogAdapter: AnyObject {
    var parser: LambdaLineParser { get }
}

extension LambdaTextAdapter: RawLogAdapter {}
extension LambdaJSONAdapter: RawLogAdapter {}
extension CloudWatchExportAdapter: RawLogAdapter {}
extension SubscriptionAdapter: RawLogAdapter {}
extension LogsTailAdapter: RawLogAdapter {}
// These two hand each log event to a subscription adapter of their own.
extension CloudWatchJSONAdapter: RawLogAdapter { var parser: LambdaLineParser { sub.parser } }
extension InsightsCSVAdapter: RawLogAdapter { var parser: LambdaLineParser { sub.parser } }
extension AWSLogsAdapter: RawLogAdapter {}
// The CLI's text output: the EVENTS rows' adapter or the tab-joined messages' Lambda text adapter.
extension CLITextAdapter: RawLogAdapter { var parser: LambdaLineParser { joined ? text.parser : sub.parser } }

// Output formats: canonical NDJSON here; the raw Lambda log formats in their own files.

protocol FormatWriter: AnyObject {
    /// Renders one record (one line, or one Lambda invocation's lines) into `b`.
    func write(_ r: Rec, into b: ByteBuffer, ctx: RenderContext)
    /// End of the run (formats that batch, such as subscription payloads, flush here).
    func finish(streams: [Stream], ctx: RenderContext)
}

final class CanonicalFormat: FormatWriter {
    func write(_ r: Rec, into b: ByteBuffer, ctx: RenderContext) { writeCanonical(r, into: b, ctx: ctx) }
    func finish(streams: [Stream], ctx: RenderContext) {}
}

func makeFormatWriter(_ f: OutputFormat, streams: [Stream], seed: UInt64) -> FormatWriter {
    switch f {
    case .ndjson: return CanonicalFormat()
    case .lambda: return LambdaFormat(json: false)
    case .lambdaJSON: return LambdaFormat(json: true)
    case .cloudwatchExport: return CloudWatchExportFormat()
    case .subscription: return SubscriptionFormat(streams: streams, seed: seed)
    }
}

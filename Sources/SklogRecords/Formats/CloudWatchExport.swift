/// CloudWatch Logs exports to S3 (SPEC 3, format 4): each line `ISO-TIMESTAMP SPACE MESSAGE`, a
/// multi-line message continuing on lines without a timestamp. The messages are Lambda text or
/// Lambda JSON lines; the export's timestamp is their log time (START lines have no other).
public final class CloudWatchExportAdapter: FormatAdapter {
    let parser = LambdaLineParser()
    let state = LogStreamState()
    public init() {}

    public func consume(_ line: UnsafeRawBufferPointer, number: Int64, sink: some RecordSink) {
        if parser.asm.keepRaw { parser.asm.rawLineBegins() }
        defer { if parser.asm.keepRaw { parser.asm.rawLineEnds(line, number: number) } }
        if let (ts, after) = Self.exportTimestamp(line) {
            let rest = UnsafeRawBufferPointer(rebasing: line[after...])
            var done = false
            if rest.first == UInt8(ascii: "{") {
                if case .handled = parser.jsonLine(rest, outerTs: ts, number: number, state: state, sink: sink) { done = true }
            }
            if !done {
                if rest.isEmpty { parser.flush(state, sink: sink) }
                else { parser.textLine(rest, outerTs: ts, number: number, forced: true, state: state, sink: sink) }
            }
        } else {
            parser.continuation(state, line, ts: nil, line: number, sink: sink)
        }
        parser.asm.tick(line: number, sink: sink)
    }

    public func finish(sink: some RecordSink) {
        parser.flush(state, sink: sink)
        parser.asm.finish(sink: sink)
    }

    /// `2026-11-24T10:00:00.123Z ` at the start of a line: its time and the offset after the space.
    @inline(__always)
    static func exportTimestamp(_ line: UnsafeRawBufferPointer) -> (Int64, Int)? {
        let n = line.count
        guard n >= 21, line[4] == 0x2d, line[7] == 0x2d, line[10] == 0x54, line[13] == 0x3a else { return nil }
        var e = 19
        while e < n && e < 40, line[e] != 0x20 && line[e] != 0x09 { e += 1 }
        guard e < 40, e <= n, line[e - 1] == 0x5a || (e - 6 >= 19 && (line[e - 6] == 0x2b || line[e - 6] == 0x2d)) else { return nil }
        if e < n && line[e] != 0x20 { return nil }
        guard let ts = Timestamp.parse(UnsafeRawBufferPointer(rebasing: line[0..<e])) else { return nil }
        return (ts, min(n, e + 1))
    }
}

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
        if let (ts, after) = Self.exportTimestamp(line, memo: &parser.tsMemo) {
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
        var memo = TimestampMemo()
        return exportTimestamp(line, memo: &memo)
    }

    /// The same, remembering the last timestamp text parsed (`TimestampMemo`).
    @inline(__always)
    static func exportTimestamp(_ line: UnsafeRawBufferPointer, memo: inout TimestampMemo) -> (Int64, Int)? {
        let n = line.count
        guard n >= 21, line[4] == 0x2d, line[7] == 0x2d, line[10] == 0x54, line[13] == 0x3a else { return nil }
        var e = 19
        while e < n && e < 40, line[e] != 0x20 && line[e] != 0x09 { e += 1 }
        guard e < 40, e <= n, line[e - 1] == 0x5a || (e - 6 >= 19 && (line[e - 6] == 0x2b || line[e - 6] == 0x2d)) else { return nil }
        if e < n && line[e] != 0x20 { return nil }
        guard let ts = memo.parse(UnsafeRawBufferPointer(rebasing: line[0..<e])) else { return nil }
        return (ts, min(n, e + 1))
    }
}

/// The last timestamp text parsed and its value. In an export the outer time and a Lambda line's
/// own time are the same text on most lines, and neighbouring lines share it: a 24-byte compare
/// instead of a parse.
struct TimestampMemo {
    private var w0: UInt64 = 0, w1: UInt64 = 0, w2: UInt64 = 0, w3: UInt64 = 0
    private var count = -1
    private var value: Int64?

    @inline(__always)
    mutating func parse(_ b: UnsafeRawBufferPointer) -> Int64? {
        let n = b.count
        guard n >= 24, n <= 32, let p = b.baseAddress else { return Timestamp.parse(b) }
        // Bytes 0..<24 and the last 8 cover the whole text.
        let a0 = p.loadUnaligned(as: UInt64.self), a1 = p.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
        let a2 = p.loadUnaligned(fromByteOffset: 16, as: UInt64.self), a3 = p.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        if n == count && a0 == w0 && a1 == w1 && a2 == w2 && a3 == w3 { return value }
        let v = Timestamp.parse(b)
        w0 = a0; w1 = a1; w2 = a2; w3 = a3; count = n; value = v
        return v
    }
}

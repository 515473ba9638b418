/// `aws logs tail` output (`--format detailed`, the default): each log event printed as
/// `TIMESTAMP SPACE LOG-STREAM SPACE MESSAGE`, the timestamp in Python's `isoformat()`
/// (`2026-11-24T10:00:00.123000+00:00`), a multi-line message continuing on lines without the
/// prefix. The message is a Lambda text or JSON line, as in an export; the log stream name keeps
/// the streams of a log group apart (lines without a request id go to their own stream's
/// invocation).
public final class LogsTailAdapter: FormatAdapter {
    let parser = LambdaLineParser()
    private var streams: [[UInt8]: LogStreamState] = [:]
    private var lastName: [UInt8] = []
    private var last: LogStreamState?
    public init() {}

    public func consume(_ line: UnsafeRawBufferPointer, number: Int64, sink: some RecordSink) {
        if let (ts, after) = CloudWatchExportAdapter.exportTimestamp(line), after < line.count {
            let name = LambdaLineParser.token(line, from: after)
            let s = state(name)
            let from = min(line.count, after + name.count + 1)
            let rest = UnsafeRawBufferPointer(rebasing: line[from...])
            var done = false
            if rest.first == UInt8(ascii: "{") {
                if case .handled = parser.jsonLine(rest, outerTs: ts, number: number, state: s, sink: sink) { done = true }
            }
            if !done {
                if rest.isEmpty { parser.flush(s, sink: sink) }
                else { parser.textLine(rest, outerTs: ts, number: number, forced: true, state: s, sink: sink) }
            }
        } else {
            let s = last ?? state(UnsafeRawBufferPointer(start: nil, count: 0))
            parser.continuation(s, line, ts: nil, line: number, sink: sink)
        }
        parser.asm.tick(line: number, sink: sink)
    }

    public func finish(sink: some RecordSink) {
        for k in streams.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) { parser.flush(streams[k]!, sink: sink) }
        parser.asm.finish(sink: sink)
    }

    /// The few streams seen last (interleaved streams switch on every line: no allocation then).
    private var recent: [(name: [UInt8], state: LogStreamState)] = []

    /// The state of the stream named `name` (consecutive lines mostly share it: one compare).
    @inline(__always)
    private func state(_ name: UnsafeRawBufferPointer) -> LogStreamState {
        if let l = last, lastName.count == name.count, lastName.elementsEqual(name) { return l }
        for r in recent where r.name.count == name.count && r.name.elementsEqual(name) {
            last = r.state
            lastName = r.name
            return r.state
        }
        let key = Array(name)
        let s: LogStreamState
        if let x = streams[key] { s = x } else { s = LogStreamState(); streams[key] = s }
        if recent.count >= 8 { recent.removeFirst() }
        recent.append((key, s))
        last = s
        lastName = key
        return s
    }

    /// Whether `line` is `TIMESTAMP STREAM MESSAGE` whose message (after the stream name) is a
    /// Lambda line, while the text right after the timestamp is not (that would be an export).
    static func looksLikeTail(_ line: UnsafeRawBufferPointer) -> Bool {
        guard let (_, after) = CloudWatchExportAdapter.exportTimestamp(line), after < line.count else { return false }
        let first = UnsafeRawBufferPointer(rebasing: line[after...])
        if RawLogDetector.isLambdaTextLine(first) || first.first == UInt8(ascii: "{") { return false }
        let name = LambdaLineParser.token(line, from: after)
        guard name.count > 0, after + name.count + 1 < line.count else { return false }
        let rest = UnsafeRawBufferPointer(rebasing: line[(after + name.count + 1)...])
        // A Lambda stream name: `2026/11/24/[$LATEST]0123…`.
        let lambdaStream = name.count > 12 && name[4] == 0x2f && name[7] == 0x2f && name[10] == 0x2f && name[11] == 0x5b
        return lambdaStream || RawLogDetector.isLambdaTextLine(rest)
    }
}

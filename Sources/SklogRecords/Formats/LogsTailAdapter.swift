/// `aws logs tail` output. `--format detailed` (the default): each log event printed as
/// `TIMESTAMP SPACE LOG-STREAM SPACE MESSAGE`, the timestamp in Python's `isoformat()`
/// (`2026-11-24T10:00:00.123000+00:00`), a multi-line message continuing on lines without the
/// prefix. The message is a Lambda text or JSON line, as in an export; the log stream name keeps
/// the streams of a log group apart (lines without a request id go to their own stream's
/// invocation). `--format short`: `TIMESTAMP SPACE MESSAGE`, the time in whole seconds without a
/// zone (`2026-11-24T10:00:00`, UTC) and no stream name, so the events share one stream state;
/// the lines' own times (application lines carry milliseconds) are used where they have them.
/// The first timestamped line decides which of the two an input is.
public final class LogsTailAdapter: FormatAdapter {
    let parser = LambdaLineParser()
    private var streams: [[UInt8]: LogStreamState] = [:]
    private var lastName: [UInt8] = []
    private var last: LogStreamState?
    private enum Shape { case unknown, detailed, short }
    private var shape = Shape.unknown
    public init() {}

    public func consume(_ line: UnsafeRawBufferPointer, number: Int64, sink: some RecordSink) {
        if parser.asm.keepRaw { parser.asm.rawLineBegins() }
        defer { if parser.asm.keepRaw { parser.asm.rawLineEnds(line, number: number) } }
        if shape != .short, let (ts, after) = CloudWatchExportAdapter.exportTimestamp(line), after < line.count {
            shape = .detailed
            let name = LambdaLineParser.token(line, from: after)
            let s = state(name)
            let from = min(line.count, after + name.count + 1)
            event(UnsafeRawBufferPointer(rebasing: line[from...]), ts: ts, number: number, state: s, sink: sink)
        } else if shape != .detailed, let (ts, after) = Self.shortTimestamp(line) {
            if shape == .unknown {
                shape = .short
                // START's time is whole seconds here: a line of its own time refines it.
                parser.coarseOuterTs = true
            }
            event(UnsafeRawBufferPointer(rebasing: line[after...]), ts: ts, number: number, state: state(UnsafeRawBufferPointer(start: nil, count: 0)), sink: sink)
        } else {
            let s = last ?? state(UnsafeRawBufferPointer(start: nil, count: 0))
            parser.continuation(s, line, ts: nil, line: number, sink: sink)
        }
        parser.asm.tick(line: number, sink: sink)
    }

    /// One log event's message (its first line).
    @inline(__always)
    private func event(_ rest: UnsafeRawBufferPointer, ts: Int64, number: Int64, state s: LogStreamState, sink: some RecordSink) {
        if rest.first == UInt8(ascii: "{") {
            if case .handled = parser.jsonLine(rest, outerTs: ts, number: number, state: s, sink: sink) { return }
        }
        if rest.isEmpty { parser.flush(s, sink: sink) }
        else { parser.textLine(rest, outerTs: ts, number: number, forced: true, state: s, sink: sink) }
    }

    /// `--format short`'s `2026-11-24T10:00:00 ` (`strftime("%Y-%m-%dT%H:%M:%S")`, UTC) at the
    /// start of a line: its time and the offset of the message (an empty message leaves no space:
    /// the CLI strips the line's end).
    @inline(__always)
    static func shortTimestamp(_ line: UnsafeRawBufferPointer) -> (Int64, Int)? {
        let n = line.count
        guard n >= 19, line[4] == 0x2d, line[7] == 0x2d, line[10] == 0x54, line[13] == 0x3a, line[16] == 0x3a,
              n == 19 || line[19] == 0x20,
              let ts = Timestamp.parse(UnsafeRawBufferPointer(rebasing: line[0..<19])) else { return nil }
        return (ts, min(n, 20))
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
    /// Lambda line, while the text right after the timestamp is not (that would be an export);
    /// or `--format short`'s `WHOLE-SECONDS MESSAGE` whose message is a Lambda text or JSON line.
    static func looksLikeTail(_ line: UnsafeRawBufferPointer) -> Bool {
        if let (_, after) = shortTimestamp(line) {
            let rest = UnsafeRawBufferPointer(rebasing: line[after...])
            return RawLogDetector.isLambdaTextLine(rest) || (rest.first == UInt8(ascii: "{") && RawLogDetector.jsonShape(rest) == .lambdaJSON)
        }
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

/// The AWS CLI's `--output text` of log events (docs/formats.md), from awscli's text formatter
/// (awscli/text.py): a list of dicts prints one row per dict, `IDENTIFIER` then the values of the
/// scalar keys in sorted order joined by tabs, each value as `str()` prints it. So
/// `aws logs filter-log-events --output text` prints `EVENTS\tEVENT-ID\tINGESTION\tSTREAM\tMESSAGE\tTIMESTAMP`
/// and `aws logs get-log-events --output text` `EVENTS\tINGESTION\tMESSAGE\tTIMESTAMP` (after a
/// row of the two tokens); a message keeps its newlines, so the timestamp of a Lambda message
/// (which ends with a newline) stands alone on the next line as `\tTIMESTAMP`. Other rows (tokens,
/// `SEARCHEDLOGSTREAMS`) are skipped.
///
/// `--query 'events[*].message' --output text` prints the messages of a page joined by a tab: a
/// message ends with its newline, so every line after a page's first starts with a tab. Those
/// lines are read as Lambda text once the tab is removed. This shape has no log times: START
/// and REPORT have none of their own, so a record's time is its envelope line's own time, or
/// `request.timestamp` (whole seconds) when the invocation has no timed line; the summary counts
/// those records.
public final class CLITextAdapter: FormatAdapter {
    /// Events of the `EVENTS` rows, read like subscription log events (per-stream state).
    let sub = SubscriptionAdapter()
    /// The tab-joined messages, read as Lambda text.
    let text = LambdaTextAdapter()
    let joined: Bool
    private var inEvent = false
    private var message: [UInt8] = []
    private var stream = ""
    private var eventLine: Int64 = 0

    public init(joined: Bool) { self.joined = joined }

    public func consume(_ line: UnsafeRawBufferPointer, number: Int64, sink: some RecordSink) {
        if joined {
            var l = line
            if l.first == 0x09 { l = UnsafeRawBufferPointer(rebasing: l[1...]) }
            text.consume(l, number: number, sink: sink)
            return
        }
        if LambdaLineParser.starts(line, "EVENTS\t") {
            if inEvent { deliver(ts: nil, sink: sink) }
            startEvent(UnsafeRawBufferPointer(rebasing: line[7...]), number: number, sink: sink)
        } else if inEvent {
            if let (before, ts) = Self.endOfEvent(line) {
                message.append(0x0a)
                message.append(contentsOf: before)
                deliver(ts: ts, sink: sink)
            } else {
                message.append(0x0a)
                message.append(contentsOf: line)
            }
        }
        sub.parser.asm.tick(line: number, sink: sink)
    }

    /// The columns after `EVENTS\t`: filter-log-events has the event id and the ingestion time
    /// (both numbers) then the stream name; get-log-events the ingestion time alone.
    private func startEvent(_ cols: UnsafeRawBufferPointer, number: Int64, sink: some RecordSink) {
        let c1 = Self.cell(cols, from: 0)
        let c2 = Self.cell(cols, from: min(cols.count, c1.count + 1))
        var at: Int
        stream = ""
        if Self.digits(c1), Self.digits(c2), c1.count + c2.count + 2 <= cols.count {
            at = c1.count + c2.count + 2
            let s = Self.cell(cols, from: at)
            stream = String(decoding: s, as: UTF8.self)
            at = min(cols.count, at + s.count + 1)
        } else {
            at = min(cols.count, c1.count + 1)
        }
        inEvent = true
        eventLine = number
        message.removeAll(keepingCapacity: true)
        let rest = UnsafeRawBufferPointer(rebasing: cols[at...])
        if let (before, ts) = Self.endOfEvent(rest) {
            message.append(contentsOf: before)
            deliver(ts: ts, sink: sink)
        } else {
            message.append(contentsOf: rest)
        }
    }

    private func deliver(ts: Int64?, sink: some RecordSink) {
        inEvent = false
        message.withUnsafeBytes { sub.logEvent($0, ts: ts, streamKey: stream, number: eventLine, sink: sink) }
    }

    /// `…\tTIMESTAMP` at the end of a line: the event's last line (its message part and time).
    static func endOfEvent(_ line: UnsafeRawBufferPointer) -> (UnsafeRawBufferPointer, Int64)? {
        var k = line.count
        while k > 0, line[k - 1] >= 0x30, line[k - 1] <= 0x39 { k -= 1 }
        let n = line.count - k
        guard n >= 10, n <= 16, k > 0, line[k - 1] == 0x09 else { return nil }
        var v: Int64 = 0
        for i in k..<line.count { v = v * 10 + Int64(line[i] - 0x30) }
        return (UnsafeRawBufferPointer(rebasing: line[0..<(k - 1)]), v)
    }

    static func cell(_ b: UnsafeRawBufferPointer, from: Int) -> UnsafeRawBufferPointer {
        var e = from
        while e < b.count, b[e] != 0x09 { e += 1 }
        return UnsafeRawBufferPointer(rebasing: b[from..<e])
    }

    static func digits(_ b: UnsafeRawBufferPointer) -> Bool { !b.isEmpty && b.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }

    public func finish(sink: some RecordSink) {
        if joined { text.finish(sink: sink); return }
        if inEvent { deliver(ts: nil, sink: sink) }
        sub.finish(sink: sink)
    }

    /// `EVENTS\t` rows (the CLI's text output of log events).
    static func looksLikeEventRows(_ lines: [UnsafeRawBufferPointer]) -> Bool {
        lines.prefix(3).contains { LambdaLineParser.starts($0, "EVENTS\t") }
    }

    /// Messages joined by tabs: a line that starts with a tab followed by a Lambda text line.
    static func looksLikeJoinedMessages(_ lines: [UnsafeRawBufferPointer]) -> Bool {
        lines.contains { $0.first == 0x09 && $0.count > 1 && RawLogDetector.isLambdaTextLine(UnsafeRawBufferPointer(rebasing: $0[1...])) }
    }
}

/// `awslogs get GROUP` (the awslogs tool on PyPI, awslogs/core.py): each log event printed as
/// `GROUP STREAM MESSAGE` — the stream name padded with spaces to the longest selected stream's
/// length (or 10) — the message with its trailing whitespace stripped, its other lines continuing
/// on lines without the prefix; `-G` (`--no-group`) drops the group, `-S` (`--no-stream`) the
/// stream, `--timestamp` adds the event's time (`2026-11-24T10:00:00.100Z`) after them. Colours
/// (termcolor's `ESC[…m`) are removed. `-G -S` prints the messages alone: that is Lambda text.
public final class AWSLogsAdapter: FormatAdapter {
    let parser = LambdaLineParser()
    private var streams: [[UInt8]: LogStreamState] = [:]
    private var last: LogStreamState?
    /// The shape, from the first event line: the group name (if printed), whether a stream name
    /// and a time follow.
    private var group: [UInt8]?
    private var hasStream = false, hasTime = false
    private var learned = false

    public init() {}

    public func consume(_ raw: UnsafeRawBufferPointer, number: Int64, sink: some RecordSink) {
        var plain: [UInt8] = []
        let hasEsc = raw.contains(0x1b)
        if hasEsc { plain = Self.withoutColours(raw) }
        func go(_ line: UnsafeRawBufferPointer) {
            if !learned, let shape = Self.shape(line) {
                learned = true
                group = shape.group.map { Array(line[0..<$0]) }
                hasStream = shape.stream
                hasTime = shape.time
            }
            if learned, let (key, ts, rest) = split(line) {
                let s = state(key)
                if rest.first == UInt8(ascii: "{"), case .handled = parser.jsonLine(rest, outerTs: ts, number: number, state: s, sink: sink) {
                } else if rest.isEmpty {
                    parser.flush(s, sink: sink)
                } else {
                    parser.textLine(rest, outerTs: ts, number: number, forced: true, state: s, sink: sink)
                }
            } else {
                parser.continuation(last ?? state([]), line, ts: nil, line: number, sink: sink)
            }
            parser.asm.tick(line: number, sink: sink)
        }
        if hasEsc { plain.withUnsafeBytes { go($0) } } else { go(raw) }
    }

    /// An event line of the learned shape: its stream key, time and message.
    private func split(_ line: UnsafeRawBufferPointer) -> ([UInt8], Int64?, UnsafeRawBufferPointer)? {
        var at = 0
        var key: [UInt8] = []
        if let g = group {
            guard line.count > g.count, line[g.count] == 0x20, UnsafeRawBufferPointer(rebasing: line[0..<g.count]).elementsEqual(g) else { return nil }
            at = g.count + 1
            key = g
        }
        if hasStream {
            let s = LambdaLineParser.token(line, from: at)
            guard s.count > 0, group != nil || Self.isLambdaStream(s) else { return nil }
            key.append(0)
            key.append(contentsOf: s)
            at += s.count
            guard at < line.count, line[at] == 0x20 else { return nil }
            while at < line.count, line[at] == 0x20 { at += 1 }
        }
        var ts: Int64?
        if hasTime {
            let t = LambdaLineParser.token(line, from: at)
            guard let v = Timestamp.parse(t) else { return nil }
            ts = v
            at = min(line.count, at + t.count + 1)
        }
        return (key, ts, UnsafeRawBufferPointer(rebasing: line[at...]))
    }

    private func state(_ key: [UInt8]) -> LogStreamState {
        let s: LogStreamState
        if let x = streams[key] { s = x } else { s = LogStreamState(); streams[key] = s }
        last = s
        return s
    }

    public func finish(sink: some RecordSink) {
        for k in streams.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) { parser.flush(streams[k]!, sink: sink) }
        parser.asm.finish(sink: sink)
    }

    /// `2026/11/24/[$LATEST]0123…`: a Lambda log stream's name.
    static func isLambdaStream(_ t: UnsafeRawBufferPointer) -> Bool {
        t.count > 12 && t[4] == 0x2f && t[7] == 0x2f && t[10] == 0x2f && t[11] == 0x5b
    }

    /// The shape of `line` if it is an awslogs event line: up to three space-separated fields
    /// (group, stream, time; the first not a time, as `aws logs tail` and exports begin with one)
    /// before a Lambda text or JSON line. `group` is the group name's length.
    static func shape(_ line: UnsafeRawBufferPointer) -> (group: Int?, stream: Bool, time: Bool)? {
        var at = 0
        var fields: [UnsafeRawBufferPointer] = []
        for _ in 0..<3 {
            let t = LambdaLineParser.token(line, from: at)
            guard t.count > 0, at + t.count < line.count, line[at + t.count] == 0x20 else { return nil }
            if fields.isEmpty, Timestamp.parse(t) != nil { return nil }
            fields.append(t)
            at += t.count
            while at < line.count, line[at] == 0x20 { at += 1 }
            let rest = UnsafeRawBufferPointer(rebasing: line[at...])
            guard RawLogDetector.isLambdaTextLine(rest) || (rest.first == UInt8(ascii: "{") && RawLogDetector.jsonShape(rest) == .lambdaJSON) else { continue }
            let time = fields.count > 1 && Timestamp.parse(fields[fields.count - 1]) != nil
            let names = fields.count - (time ? 1 : 0)
            guard names >= 1, names <= 2 else { return nil }
            if names == 2 { return (fields[0].count, true, time) }
            return isLambdaStream(fields[0]) ? (nil, true, time) : (fields[0].count, false, time)
        }
        return nil
    }

    static func looksLikeAWSLogs(_ line: UnsafeRawBufferPointer) -> Bool {
        if line.contains(0x1b) { return withoutColours(line).withUnsafeBytes { shape($0) != nil } }
        return shape(line) != nil
    }

    /// The line without SGR sequences (`ESC [ … m`).
    static func withoutColours(_ line: UnsafeRawBufferPointer) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(line.count)
        var i = 0
        while i < line.count {
            if line[i] == 0x1b, i + 1 < line.count, line[i + 1] == 0x5b {
                var k = i + 2
                while k < line.count, (line[k] >= 0x30 && line[k] <= 0x39) || line[k] == 0x3b { k += 1 }
                if k < line.count, line[k] == 0x6d { i = k + 1; continue }
            }
            out.append(line[i])
            i += 1
        }
        return out
    }
}

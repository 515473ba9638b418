extension RejectReason {
    public static let truncatedDocument = RejectReason("truncated JSON document")
}

/// Log events as the AWS CLI prints them (SPEC 3, docs/formats.md): `aws logs
/// filter-log-events --output json` and `aws logs get-log-events` (`{"events":[{"logStreamName",
/// "timestamp","message",…}],"nextToken"…}`), pretty-printed over many lines, several pages one
/// after the other; and subscription payloads printed the same way (`{"messageType",…,
/// "logEvents":[…]}`, `{"awslogs":{"data":…}}`), as the CloudWatch Logs and Lambda docs show them.
///
/// The documents are never held whole: a small state machine follows the JSON structure byte by
/// byte across lines, and each object of the top-level `events` / `logEvents` array is parsed and
/// read as soon as it closes (a CLI dump of a whole log group is one document of many MB). Other
/// documents (the `awslogs` wrapper) are collected and read as subscription payloads.
public final class CloudWatchJSONAdapter: FormatAdapter {
    /// Reads each log event (per-stream state, Lambda text or JSON message) and whole documents.
    let sub = SubscriptionAdapter()
    /// Open containers: `{` or `[`.
    private var stack: [UInt8] = []
    private var inString = false, escaped = false
    /// The current document's bytes not yet handed on (an event is dropped once read).
    private var buf: [UInt8] = []
    private var docLine: Int64 = 0
    private var docHasEvents = false
    private var eventsRead = 0
    /// Where the current event object starts in `buf`, and on which line.
    private var eventStart: Int?
    private var eventLine: Int64 = 0
    // Top-level members: the last string, the last key, whether a value follows a colon.
    private var strStart = 0
    private var lastString: [UInt8] = []
    private var key: [UInt8] = []
    private var afterColon = false
    private var inEventsArray = false
    private var arrayMark = 0
    private var logGroup = "", logStream = ""
    /// A top-level list of events (`json.dumps(response["events"])` from boto3): its objects,
    /// one level up from a document's `events` array.
    private var listDoc = false
    private var eventDepth: Int { listDoc ? 1 : 2 }

    public init() {}

    public func consume(_ line: UnsafeRawBufferPointer, number: Int64, sink: some RecordSink) {
        guard let base = line.baseAddress else { return }
        let p = base.assumingMemoryBound(to: UInt8.self)
        let n = line.count
        // A document starts at column 0 in CLI output; one that starts while another is open
        // means the other was cut short.
        if !stack.isEmpty, p[0] == 0x7b, !inString {
            cut(number, sink, why: "a new document starts on line \(number) before it ends")
        }
        var i = 0
        // Outside every document: only whitespace and the start of the next one.
        while i < n {
            if stack.isEmpty {
                let c = p[i]
                if c == 0x20 || c == 0x09 || c == 0x0d { i += 1; continue }
                if c != 0x7b && c != 0x5b {
                    sink.reject(.invalidSubscription, line: number, text: UnsafeRawBufferPointer(rebasing: line[i...].prefix(300)),
                                detail: "text outside a JSON document")
                    return
                }
                startDocument(number)
                if c == 0x5b { listDoc = true; inEventsArray = true; docHasEvents = true }
            }
            let segStart = i
            i = scan(p, from: i, count: n, number: number, segStart: segStart, sink: sink)
        }
        if !stack.isEmpty {
            if inString {
                // JSON strings never span lines: the document was cut inside a string.
                cut(number, sink, why: "line \(number) ends inside a string")
                return
            }
            buf.append(0x0a)
        }
        sub.parser.asm.tick(line: number, sink: sink)
    }

    private func startDocument(_ number: Int64) {
        buf.removeAll(keepingCapacity: true)
        docLine = number
        docHasEvents = false
        eventsRead = 0
        eventStart = nil
        key = []
        afterColon = false
        inEventsArray = false
        listDoc = false
        logGroup = ""; logStream = ""
    }

    /// Follows the structure from `from`; appends the bytes to `buf`; returns where it stopped
    /// (the end of the line, or just after a document closed).
    @inline(__always)
    private func scan(_ p: UnsafePointer<UInt8>, from: Int, count n: Int, number: Int64, segStart: Int, sink: some RecordSink) -> Int {
        var i = from
        var copied = segStart
        @inline(__always) func flushCopy(_ upTo: Int) {
            if upTo > copied { buf.append(contentsOf: UnsafeBufferPointer(start: p + copied, count: upTo - copied)); copied = upTo }
        }
        while i < n {
            let c = p[i]
            if inString {
                if escaped { escaped = false }
                else if c == 0x5c { escaped = true }
                else if c == 0x22 {
                    inString = false
                    if stack.count == 1 {
                        flushCopy(i)
                        lastString = Array(buf[strStart...])
                        if afterColon {
                            if key.elementsEqual("logStream".utf8) { logStream = String(decoding: lastString, as: UTF8.self) }
                            else if key.elementsEqual("logGroup".utf8) { logGroup = String(decoding: lastString, as: UTF8.self) }
                            afterColon = false
                        }
                    }
                }
                i += 1
                continue
            }
            switch c {
            case 0x22:
                inString = true
                if stack.count == 1 { flushCopy(i + 1); strStart = buf.count }
            case 0x3a:
                if stack.count == 1 { key = lastString; afterColon = true }
            case 0x2c:
                if stack.count == 1 { afterColon = false }
            case 0x7b, 0x5b:
                if stack.count == 1 && c == 0x5b && afterColon && (key.elementsEqual("events".utf8) || key.elementsEqual("logEvents".utf8)) {
                    inEventsArray = true
                    docHasEvents = true
                }
                if stack.count == eventDepth && c == 0x7b && inEventsArray {
                    // Drop the commas and spaces between events: the buffer stays one event long.
                    flushCopy(i)
                    if arrayMark < buf.count { buf.removeSubrange(arrayMark...) }
                    eventStart = buf.count
                    eventLine = number
                }
                if stack.count == 1 { afterColon = false }
                stack.append(c)
                if inEventsArray && stack.count == eventDepth { flushCopy(i + 1); arrayMark = buf.count }
                if stack.count > 64 {
                    flushCopy(i)
                    cut(number, sink, why: "nested more than 64 deep")
                    return n
                }
            case 0x7d, 0x5d:
                let open = stack.popLast()
                if open != (c == 0x7d ? 0x7b : 0x5b) {
                    flushCopy(i + 1)
                    cut(number, sink, why: "a '\(Character(UnicodeScalar(c)))' that closes nothing open")
                    return n
                }
                if stack.count == eventDepth, c == 0x7d, let s = eventStart {
                    flushCopy(i + 1)
                    event(from: s, sink: sink)
                    buf.removeSubrange(s...)
                    eventStart = nil
                } else if stack.count == 1, c == 0x5d, !listDoc {
                    inEventsArray = false
                } else if stack.isEmpty {
                    flushCopy(i + 1)
                    endDocument(sink)
                    return i + 1
                }
            default: break
            }
            i += 1
        }
        flushCopy(n)
        return n
    }

    /// One object of the events array, read like a subscription log event.
    private func event(from s: Int, sink: some RecordSink) {
        let bytes = Array(buf[s...])
        eventsRead += 1
        do {
            let d = try JSONDocument(bytes: bytes)
            let name = d.string(d.member(d.root, "logStreamName")) ?? logStream
            sub.logEvent(d, d.root, streamKey: logGroup + "\u{0}" + name, number: eventLine, sink: sink)
        } catch {
            let why: String
            switch error {
            case .truncated: why = "the event is cut short"
            case .invalid(let off, let m): why = "\(m) at byte \(off + 1) of the event"
            }
            bytes.withUnsafeBytes { EnvelopeReader.masked($0, limit: 300) }.withUnsafeBytes {
                sink.reject(.invalidSubscription, line: eventLine, text: $0, detail: why)
            }
        }
    }

    private func endDocument(_ sink: some RecordSink) {
        if !docHasEvents {
            // `{"awslogs":{"data":…}}` or a document of another shape: read it whole.
            for k in buf.indices where buf[k] == 0x0a || buf[k] == 0x0d { buf[k] = 0x20 }
            let doc = buf
            doc.withUnsafeBytes { sub.consume($0, number: docLine, sink: sink) }
        }
        buf.removeAll(keepingCapacity: true)
    }

    /// The open document ends here, cut short: what was read of it stays; the rest is counted.
    private func cut(_ number: Int64, _ sink: some RecordSink, why: String) {
        let at = eventStart.map { _ in eventLine } ?? docLine
        let what = eventStart != nil ? "an event of the document that starts on line \(docLine) is cut short" : "the document that starts on line \(docLine) is cut short"
        let text = Array(buf[(eventStart ?? 0)...].prefix(300))
        text.withUnsafeBytes { EnvelopeReader.masked($0, limit: 300) }.withUnsafeBytes {
            sink.reject(.truncatedDocument, line: at, text: $0, detail: "\(what) (\(why)); \(eventsRead) event\(eventsRead == 1 ? "" : "s") of it read")
        }
        stack.removeAll(keepingCapacity: true)
        inString = false
        escaped = false
        buf.removeAll(keepingCapacity: true)
        eventStart = nil
    }

    public func finish(sink: some RecordSink) {
        if !stack.isEmpty { cut(docLine, sink, why: "the input ends inside it") }
        sub.finish(sink: sink)
    }

    /// CLI output of log events: a lone `{` then `"events": [` (or a subscription payload's
    /// members) on the next lines, or the whole document on one line.
    static func looksLikeCLIDocument(_ lines: [UnsafeRawBufferPointer]) -> Bool {
        if let first = lines.first, first.first == UInt8(ascii: "[") { return looksLikeEventList(lines) }
        guard let first = lines.first, first.first == UInt8(ascii: "{") else { return false }
        for l in lines.prefix(6) {
            var k = 0
            while k < l.count, l[k] == 0x20 || l[k] == 0x09 || l[k] == 0x7b { k += 1 }
            let rest = UnsafeRawBufferPointer(rebasing: l[k...])
            for keyName: StaticString in ["\"events\"", "\"nextForwardToken\"", "\"searchedLogStreams\""] where LambdaLineParser.starts(rest, keyName) {
                return true
            }
        }
        // A pretty-printed subscription payload: `{` alone, then its members one per line.
        if first.count == 1, lines.count > 1 {
            let second = lines[1]
            var k = 0
            while k < second.count, second[k] == 0x20 { k += 1 }
            let rest = UnsafeRawBufferPointer(rebasing: second[k...])
            return LambdaLineParser.starts(rest, "\"messageType\"") || LambdaLineParser.starts(rest, "\"awslogs\"")
                || LambdaLineParser.starts(rest, "\"owner\"") || LambdaLineParser.starts(rest, "\"logGroup\"")
        }
        return false
    }

    /// A list of log events as boto3 returns them, dumped with `json.dumps(…, indent=N)` (`[`, then
    /// `{`, then `"logStreamName"` / `"timestamp"` / `"message"` members one per line) or on one
    /// line (`[{"timestamp": …`).
    static func looksLikeEventList(_ lines: [UnsafeRawBufferPointer]) -> Bool {
        let keys: [StaticString] = ["\"logStreamName\"", "\"timestamp\"", "\"message\"", "\"ingestionTime\"", "\"eventId\""]
        func trimmed(_ l: UnsafeRawBufferPointer, _ skip: Set<UInt8>) -> UnsafeRawBufferPointer {
            var k = 0
            while k < l.count, skip.contains(l[k]) { k += 1 }
            return UnsafeRawBufferPointer(rebasing: l[k...])
        }
        // `[` then `{` (with spaces), then a member.
        var candidates: [UnsafeRawBufferPointer] = []
        if let first = lines.first { candidates.append(trimmed(first, [0x5b, 0x7b, 0x20, 0x09])) }
        if lines.count > 2, trimmed(lines[0], [0x20]).count == 1, trimmed(lines[1], [0x20, 0x09]).first == 0x7b {
            candidates.append(trimmed(lines[1], [0x7b, 0x20, 0x09]))
            candidates.append(trimmed(lines[2], [0x20, 0x09]))
        }
        return candidates.contains { c in keys.contains { LambdaLineParser.starts(c, $0) } }
    }
}

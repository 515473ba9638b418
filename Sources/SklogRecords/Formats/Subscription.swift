#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import CZlib

/// CloudWatch Logs subscription payloads (SPEC 3, format 5): one JSON document per line
/// (`{"messageType","logGroup","logStream","logEvents":[{"id","timestamp","message"}]}`), or the
/// `{"awslogs":{"data":"BASE64(GZIP(JSON))"}}` wrapper a Lambda subscriber receives. Documents
/// written back to back on one line (Firehose) are read one after the other. CONTROL_MESSAGE
/// documents are skipped. Each log event is one Lambda text or JSON log message whose log time
/// is the event's `timestamp`; lines without a Lambda request id (a Python `print`) go to the
/// invocation last seen in the same log stream.
public final class SubscriptionAdapter: FormatAdapter {
    let parser = LambdaLineParser()
    var streams: [String: LogStreamState] = [:]
    public init() {}

    public func consume(_ line: UnsafeRawBufferPointer, number: Int64, sink: some RecordSink) {
        let bytes = Array(line)
        var pos = 0
        var docs = 0
        while true {
            while pos < bytes.count, bytes[pos] == 0x20 || bytes[pos] == 0x09 { pos += 1 }
            if pos >= bytes.count { break }
            do {
                let doc = try JSONDocument(bytes: bytes, from: pos)
                pos = doc.end
                docs += 1
                if let err = process(doc, number: number, depth: 0, sink: sink) {
                    reject(line, number, err, sink)
                }
            } catch {
                let why: String
                switch error {
                case .truncated: why = "the document is cut short"
                case .invalid(let off, let m): why = "\(m) at column \(off + 1)"
                }
                reject(line, number, why, sink)
                break
            }
        }
        parser.asm.tick(line: number, sink: sink)
    }

    private func reject(_ line: UnsafeRawBufferPointer, _ number: Int64, _ why: String, _ sink: some RecordSink) {
        EnvelopeReader.masked(line, limit: 300).withUnsafeBytes {
            sink.reject(.invalidSubscription, line: number, text: $0, detail: why)
        }
    }

    /// One decoded document; returns why it is not a subscription payload.
    private func process(_ d: JSONDocument, number: Int64, depth: Int, sink: some RecordSink) -> String? {
        guard d.kind(d.root) == .object else { return "not a JSON object" }
        if let data = d.string(d.path(d.root, "awslogs", "data")) {
            guard depth == 0 else { return "nested awslogs wrapper" }
            guard let gz = Base64.decode(data) else { return "awslogs.data is not base64" }
            guard let json = Inflate.inflate(gz) else { return "awslogs.data is not gzip data" }
            var pos = 0
            while true {
                while pos < json.count, json[pos] == 0x20 || json[pos] == 0x0a || json[pos] == 0x0d || json[pos] == 0x09 { pos += 1 }
                if pos >= json.count { break }
                do {
                    let inner = try JSONDocument(bytes: json, from: pos)
                    pos = inner.end
                    if let e = process(inner, number: number, depth: 1, sink: sink) { return e }
                } catch {
                    return "the decoded awslogs.data is not JSON"
                }
            }
            return nil
        }
        let type = d.string(d.member(d.root, "messageType"))
        if type == "CONTROL_MESSAGE" { return nil }
        guard let events = d.member(d.root, "logEvents"), d.kind(events) == .array else {
            return "no logEvents"
        }
        let key = (d.string(d.member(d.root, "logGroup")) ?? "") + "\u{0}" + (d.string(d.member(d.root, "logStream")) ?? "")
        for ev in d.children(events) {
            logEvent(d, ev, streamKey: key, number: number, sink: sink)
        }
        return nil
    }

    /// One log event object (`{"timestamp","message",…}`) of the stream `streamKey`.
    func logEvent(_ d: JSONDocument, _ ev: Int32, streamKey key: String, number: Int64, sink: some RecordSink) {
        guard var msg = d.string(d.member(ev, "message")) else { return }
        let ts = d.double(d.member(ev, "timestamp")).flatMap { RecordParser.rounded($0) }
        msg.withUTF8 { logEvent(UnsafeRawBufferPointer($0), ts: ts, streamKey: key, number: number, sink: sink) }
    }

    /// One log event's message (trailing newlines are not part of it).
    func logEvent(_ message: UnsafeRawBufferPointer, ts: Int64?, streamKey key: String, number: Int64, sink: some RecordSink) {
        let s: LogStreamState
        if let st = streams[key] { s = st } else { s = LogStreamState(); streams[key] = s }
        var m = message
        while let l = m.last, l == 0x0a || l == 0x0d { m = UnsafeRawBufferPointer(rebasing: m.dropLast()) }
        event(m, ts: ts, number: number, state: s, sink: sink)
    }

    /// One log event: a whole message, perhaps of several lines.
    private func event(_ m: UnsafeRawBufferPointer, ts: Int64?, number: Int64, state s: LogStreamState, sink: some RecordSink) {
        guard !m.isEmpty else { return }
        // `grep --raw`: a log event's message is its raw text (the input line holds many events).
        if parser.asm.keepRaw { parser.asm.rawLineBegins() }
        defer { if parser.asm.keepRaw { parser.asm.rawLineEnds(m, number: number) } }
        if m.first == UInt8(ascii: "{"), case .handled = parser.jsonLine(m, outerTs: ts, number: number, state: s, sink: sink) {
            return
        }
        var start = 0
        var first = true
        while start <= m.count {
            var e = start
            while e < m.count, m[e] != 0x0a { e += 1 }
            var le = e
            if le > start, m[le - 1] == 0x0d { le -= 1 }
            let line = UnsafeRawBufferPointer(rebasing: m[start..<le])
            if first {
                parser.textLine(line, outerTs: ts, number: number, forced: true, state: s, sink: sink)
                first = false
            } else {
                parser.continuation(s, line, ts: ts, line: number, sink: sink)
            }
            start = e + 1
        }
        parser.flush(s, sink: sink)
    }

    public func finish(sink: some RecordSink) {
        for k in streams.keys.sorted() { parser.flush(streams[k]!, sink: sink) }
        parser.asm.finish(sink: sink)
    }
}

/// Standard base64 (RFC 4648), whitespace ignored, padding optional.
enum Base64 {
    static let table: [UInt8] = {
        var t = [UInt8](repeating: 0xff, count: 256)
        for (i, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() { t[Int(c)] = UInt8(i) }
        t[Int(UInt8(ascii: "-"))] = 62; t[Int(UInt8(ascii: "_"))] = 63  // URL-safe alphabet too
        return t
    }()

    static func decode(_ s: String) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count * 3 / 4)
        var acc: UInt32 = 0
        var bits = 0
        var padding = false
        for c in s.utf8 {
            if c == 0x3d { padding = true; continue }
            if c == 0x20 || c == 0x0a || c == 0x0d || c == 0x09 { continue }
            if padding { return nil }
            let v = table[Int(c)]
            if v == 0xff { return nil }
            acc = acc << 6 | UInt32(v)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8((acc >> UInt32(bits)) & 0xff))
            }
        }
        return out
    }
}

/// gzip or zlib data inflated in memory (a subscription payload: kilobytes).
enum Inflate {
    static let maxOutput = 256 << 20

    static func inflate(_ input: [UInt8]) -> [UInt8]? {
        guard !input.isEmpty else { return nil }
        var z = z_stream()
        guard czlib_inflateInit2(&z, 15 + 32) == Z_OK else { return nil }
        defer { inflateEnd(&z) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: max(4096, input.count * 4))
        var input = input
        var ok = false
        input.withUnsafeMutableBufferPointer { inp in
            z.next_in = inp.baseAddress
            z.avail_in = UInt32(inp.count)
            while true {
                let produced: Int
                var rc: Int32 = 0
                (produced, rc) = buf.withUnsafeMutableBufferPointer { ob -> (Int, Int32) in
                    z.next_out = ob.baseAddress
                    z.avail_out = UInt32(ob.count)
                    let rc = CZlib.inflate(&z, Z_NO_FLUSH)
                    return (ob.count - Int(z.avail_out), rc)
                }
                out.append(contentsOf: buf[0..<produced])
                if out.count > maxOutput { return }
                if rc == Z_STREAM_END {
                    // Another gzip member may follow.
                    if z.avail_in > 0 { if inflateReset(&z) != Z_OK { return }; continue }
                    ok = true; return
                }
                if rc != Z_OK { return }
                if z.avail_in == 0 && produced == 0 { return }  // cut short
            }
        }
        return ok ? out : nil
    }
}

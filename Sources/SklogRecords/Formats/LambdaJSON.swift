#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

extension LambdaLineParser {
    enum JSONLineResult { case handled, notALogLine, invalid(String) }

    /// One Lambda JSON log line (SPEC 3, format 3): `{"timestamp","level","requestId","message"}`
    /// application lines and `{"time","type":"platform.…","record":{…}}` system lines.
    func jsonLine(_ line: UnsafeRawBufferPointer, outerTs: Int64?, number: Int64, state s: LogStreamState, sink: some RecordSink) -> JSONLineResult {
        var sc = JSONScanner(line)
        let base = sc.base
        var time: (Int, Int)?, type: (Int, Int)?, level: (Int, Int)?, reqId: (Int, Int)?
        var message: (kind: JSONValueKind, start: Int, end: Int)?
        var record: (Int, Int)?, errorType: (Int, Int)?
        var otherKeys = 0
        var hasErrorMessage = false
        do {
            try sc.members { ks, ke, kind, vs, ve in
                let k = UnsafeRawBufferPointer(start: base + ks, count: ke - ks)
                switch k.count {
                case 4:
                    if Self.equal(k, "time"), kind == .string { time = (vs, ve) }
                    else if Self.equal(k, "type"), kind == .string { type = (vs, ve) }
                    else { otherKeys += 1 }
                case 5: if Self.equal(k, "level"), kind == .string { level = (vs, ve) } else { otherKeys += 1 }
                case 6: if Self.equal(k, "record"), kind == .object { record = (vs, ve) } else { otherKeys += 1 }
                case 7: if Self.equal(k, "message") { message = (kind, vs, ve) } else { otherKeys += 1 }
                case 9:
                    if Self.equal(k, "timestamp"), kind == .string { time = (vs, ve) }
                    else if Self.equal(k, "requestId"), kind == .string { reqId = (vs, ve) }
                    else if Self.equal(k, "errorType"), kind == .string { errorType = (vs, ve) }
                    else { otherKeys += 1 }
                case 12: if Self.equal(k, "errorMessage") { hasErrorMessage = true }; otherKeys += 1
                default: otherKeys += 1
                }
            }
            sc.skipSpace()
            if sc.pos != sc.count { return .invalid("text after the object") }
        } catch let e as JSONScanError {
            return .invalid("\(e.message) at column \(e.offset + 1)")
        } catch {
            return .invalid("invalid JSON")
        }
        func bytes(_ r: (Int, Int)) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base + r.0, count: r.1 - r.0) }
        let ts = time.flatMap { Timestamp.parse(bytes($0)) } ?? outerTs

        if let t = type, Self.starts(bytes(t), "platform.") {
            flush(s, sink: sink)
            let kind = UnsafeRawBufferPointer(rebasing: bytes(t)[9...])
            guard let rec = record else { return .handled }
            var id: (Int, Int)?, status: (Int, Int)?, metrics: (Int, Int)?
            var rs = JSONScanner(bytes(rec))
            let rbase = rs.base
            try? rs.members { ks, ke, kind, vs, ve in
                let k = UnsafeRawBufferPointer(start: rbase + ks, count: ke - ks)
                if Self.equal(k, "requestId"), kind == .string { id = (vs, ve) }
                else if Self.equal(k, "status"), kind == .string { status = (vs, ve) }
                else if Self.equal(k, "metrics"), kind == .object { metrics = (vs, ve) }
            }
            guard let id else { return .handled }
            func rbytes(_ r: (Int, Int)) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: rbase + r.0, count: r.1 - r.0) }
            let inv = asm.lookup(rbytes(id), line: number, text: line, stream: s)
            if let st = status.map(rbytes) {
                if Self.equal(st, "timeout") { inv.timedOut = true }
                else if Self.equal(st, "error") || Self.equal(st, "failure") { inv.error = true }
            }
            if Self.equal(kind, "start") {
                asm.start(inv, ts: ts, line: number, text: line, clock: s.clock, stream: s, sink: sink)
            } else if Self.equal(kind, "report") {
                var dur: Int64?, ini: Int64?
                if let m = metrics {
                    var ms = JSONScanner(rbytes(m))
                    let mbase = ms.base
                    try? ms.members { ks, ke, kind, vs, ve in
                        let k = UnsafeRawBufferPointer(start: mbase + ks, count: ke - ks)
                        guard kind == .number else { return }
                        let v = UnsafeRawBufferPointer(start: mbase + vs, count: ve - vs)
                        if Self.equal(k, "durationMs") { dur = Self.parseMicros(v, from: 0) }
                        else if Self.equal(k, "initDurationMs") { ini = Self.parseMicros(v, from: 0) }
                    }
                }
                asm.report(inv, durationMicros: dur, initMicros: ini, line: number)
            }
            return .handled
        }
        // An application line needs a request id, or a level and a message.
        guard reqId != nil || (level != nil && message != nil) || (errorType != nil && time != nil) else { return .notALogLine }
        flush(s, sink: sink)
        let inv: Invocation?
        if let r = reqId, r.1 > r.0 { inv = asm.lookup(bytes(r), line: number, text: line, stream: s) } else { inv = s.current }
        var isError = false
        if let l = level.map(bytes), let (_, err) = Self.level(l) { isError = err }
        if let e = errorType {
            let t = String(decoding: bytes(e), as: UTF8.self)
            let target = inv ?? asm.orphanInvocation(line: number, text: line)
            target.error = true
            if target.errorType == nil { target.errorType = t }
        }
        if errorType != nil || hasErrorMessage {
            // The error line's own message and stack (`errorMessage`, `stackTrace`).
            let target = inv ?? asm.orphanInvocation(line: number, text: line)
            if let d = try? JSONDocument(bytes: Array(line), from: 0) {
                target.structuredError(ErrorDetails.fromObject(d, d.root))
            }
            // The ASK SDK dispatcher's error is NoHandler here too (its text is in errorType and
            // errorMessage, not in the message "Invoke Error").
            if EnvelopeReader.markers(line).noHandler { target.noHandler = true }
        }
        var text: [UInt8] = []
        if let m = message {
            let raw = UnsafeRawBufferPointer(start: base + m.start, count: m.end - m.start)
            if m.kind == .string {
                if memchr(raw.baseAddress!, 0x5c, raw.count) != nil { JSONText.unescape(raw, into: &text) } else { text.append(contentsOf: raw) }
            } else {
                text.append(contentsOf: raw)
            }
        }
        if !text.isEmpty || isError {
            asm.message(inv, isError: isError, ts: ts, text: text, line: number, clock: s.clock, sink: sink)
        }
        return .handled
    }
}

/// Lambda JSON logs (SPEC 3, format 3). Lines that are not JSON (a Python `print`) are read as
/// Lambda text lines.
public final class LambdaJSONAdapter: FormatAdapter {
    let parser = LambdaLineParser()
    let state = LogStreamState()
    public init() {}

    public func consume(_ line: UnsafeRawBufferPointer, number: Int64, sink: some RecordSink) {
        if parser.asm.keepRaw { parser.asm.rawLineBegins() }
        defer { if parser.asm.keepRaw { parser.asm.rawLineEnds(line, number: number) } }
        if line.first == UInt8(ascii: "{") {
            switch parser.jsonLine(line, outerTs: nil, number: number, state: state, sink: sink) {
            case .handled: break
            case .notALogLine:
                parser.textLine(line, outerTs: nil, number: number, forced: true, state: state, sink: sink)
            case .invalid(let why):
                if line.count > 1 && line[1] == UInt8(ascii: "\"") {
                    parser.flush(state, sink: sink)
                    EnvelopeReader.masked(line, limit: 300).withUnsafeBytes { sink.reject(.invalidJSON, line: number, text: $0, detail: why) }
                } else {
                    parser.textLine(line, outerTs: nil, number: number, forced: false, state: state, sink: sink)
                }
            }
        } else {
            parser.textLine(line, outerTs: nil, number: number, forced: false, state: state, sink: sink)
        }
        parser.asm.tick(line: number, sink: sink)
    }

    public func finish(sink: some RecordSink) {
        parser.flush(state, sink: sink)
        parser.asm.finish(sink: sink)
    }
}

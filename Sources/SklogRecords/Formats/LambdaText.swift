#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Per log stream: the message being collected (a message continues on lines that have no line
/// shape of their own) and the invocation whose lines came last.
final class LogStreamState {
    @exclusivity(unchecked) var pending: [UInt8] = []
    @exclusivity(unchecked) var hasPending = false
    @exclusivity(unchecked) var pendingInv: Invocation?
    @exclusivity(unchecked) var pendingError = false
    @exclusivity(unchecked) var pendingTs: Int64?
    @exclusivity(unchecked) var pendingLine: Int64 = 0
    @exclusivity(unchecked) var last: Invocation?
    /// This stream's log time: the invocations that began in it expire by it (InvocationExpiry).
    let clock = StreamClock()

    init() { pending.reserveCapacity(8192) }

    /// Where a line without a Lambda request id goes: the invocation last seen, while it is open.
    var current: Invocation? {
        if let l = last, l.isOpen { return l }
        return nil
    }
}

/// The line-shape front ends of the raw formats: Lambda text lines (`START`/`END`/`REPORT`,
/// `TS<TAB>ID<TAB>LEVEL<TAB>MESSAGE`, `[LEVEL]<TAB>TS<TAB>ID<TAB>MESSAGE`, unprefixed lines) and
/// Lambda JSON lines. Both feed one `InvocationAssembler`. Byte-level: no String per line.
final class LambdaLineParser {
    let asm = InvocationAssembler()
    /// The wrapper's times are whole seconds (`aws logs tail --format short`): a START line's
    /// time is refined by the first line of the invocation that has its own (Invocation.swift).
    var coarseOuterTs = false
    /// The last timestamp parsed (CloudWatchExport.swift).
    @exclusivity(unchecked) var tsMemo = TimestampMemo()

    // MARK: Messages

    @inline(__always)
    func flush(_ s: LogStreamState, sink: some RecordSink) {
        guard s.hasPending else { return }
        s.hasPending = false
        asm.message(s.pendingInv, isError: s.pendingError, ts: s.pendingTs, text: s.pending, line: s.pendingLine, clock: s.clock, sink: sink)
        s.pending.removeAll(keepingCapacity: true)
    }

    @inline(__always)
    func begin(_ s: LogStreamState, _ inv: Invocation?, isError: Bool, ts: Int64?, text: UnsafeRawBufferPointer, line: Int64, sink: some RecordSink) {
        flush(s, sink: sink)
        if asm.keepRaw { asm.lineOwner = inv }
        s.hasPending = true
        s.pendingInv = inv
        s.pendingError = isError
        s.pendingTs = ts
        s.pendingLine = line
        appendBytes(&s.pending, text)
    }

    /// One copy (memcpy) of a line's bytes onto the message being collected.
    @inline(__always)
    private func appendBytes(_ a: inout [UInt8], _ b: UnsafeRawBufferPointer) {
        a.append(contentsOf: b.assumingMemoryBound(to: UInt8.self))
    }

    /// A line that continues the message being collected (or starts an unprefixed one).
    @inline(__always)
    func continuation(_ s: LogStreamState, _ text: UnsafeRawBufferPointer, ts: Int64?, line: Int64, sink: some RecordSink) {
        if s.hasPending {
            if asm.keepRaw { asm.lineOwner = s.pendingInv }
            s.pending.append(0x0a)
            appendBytes(&s.pending, text)
        } else {
            begin(s, s.current, isError: false, ts: ts, text: text, line: line, sink: sink)
        }
    }

    // MARK: Lambda text lines

    /// One Lambda text line. `outerTs`: the time a wrapper gave it (CloudWatch export, subscription
    /// event). `forced`: the wrapper says it starts a new log event, so an unrecognized line starts
    /// a new unprefixed message instead of continuing the previous one.
    func textLine(_ line: UnsafeRawBufferPointer, outerTs: Int64?, number: Int64, forced: Bool, state s: LogStreamState, sink: some RecordSink) {
        let n = line.count
        guard n > 0, let p = line.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        @inline(__always) func starts(_ lit: StaticString) -> Bool {
            n >= lit.utf8CodeUnitCount && memcmp(p, lit.utf8Start, lit.utf8CodeUnitCount) == 0
        }
        switch p[0] {
        case UInt8(ascii: "S") where starts("START RequestId: "):
            flush(s, sink: sink)
            let id = Self.token(line, from: 17)
            guard id.count > 0 else { break }
            let inv = asm.lookup(id, line: number, text: line, stream: s)
            asm.start(inv, ts: outerTs, coarse: coarseOuterTs, line: number, text: line, clock: s.clock, stream: s, sink: sink)
            return
        case UInt8(ascii: "E") where starts("END RequestId: "):
            flush(s, sink: sink)
            let id = Self.token(line, from: 15)
            guard id.count > 0 else { break }
            let inv = asm.lookup(id, line: number, text: line, stream: s)
            inv.hasEnd = true
            return
        case UInt8(ascii: "R") where starts("REPORT RequestId: "):
            flush(s, sink: sink)
            let id = Self.token(line, from: 18)
            guard id.count > 0 else { break }
            let inv = asm.lookup(id, line: number, text: line, stream: s)
            let rest = UnsafeRawBufferPointer(rebasing: line[(18 + id.count)...])
            let (dur, ini) = Self.reportDurations(rest)
            if Self.find(rest, "Status: timeout") != nil { inv.timedOut = true }
            else if Self.find(rest, "Status: error") != nil { inv.error = true }
            asm.report(inv, durationMicros: dur, initMicros: ini, line: number)
            return
        case UInt8(ascii: "R") where starts("RequestId: "):
            // `RequestId: X Error: Runtime exited with error: …`
            flush(s, sink: sink)
            let id = Self.token(line, from: 11)
            guard id.count > 0 else { break }
            let inv = asm.lookup(id, line: number, text: line, stream: s)
            if Self.find(line, "Error") != nil { inv.error = true }
            return
        case UInt8(ascii: "I") where starts("INIT_START") || starts("INIT_REPORT") || starts("INIT_RUNTIME"):
            flush(s, sink: sink); return
        case UInt8(ascii: "X") where starts("XRAY TraceId"):
            flush(s, sink: sink); return
        case UInt8(ascii: "E") where starts("EXTENSION\t") || starts("EXTENSION "),
             UInt8(ascii: "T") where starts("TELEMETRY\t") || starts("TELEMETRY "),
             UInt8(ascii: "L") where starts("LOGS\t"):
            flush(s, sink: sink); return
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            if appLine(line, from: 0, outerTs: outerTs, number: number, state: s, sink: sink) { return }
            if goLogLine(line, number: number, state: s, sink: sink) { return }
        case UInt8(ascii: "["):
            if bracketLine(line, outerTs: outerTs, number: number, state: s, sink: sink) { return }
        default: break
        }
        if forced {
            begin(s, s.current, isError: false, ts: outerTs, text: line, line: number, sink: sink)
        } else {
            continuation(s, line, ts: outerTs, line: number, sink: sink)
        }
    }

    /// `TS<sep>ID<sep>[LEVEL<sep>]MESSAGE`: Node.js and .NET (tabs; .NET's levels are `info`,
    /// `warn`, `fail`, `crit`, …), Java's log4j layout from the Lambda docs (`2026-11-24 10:00:00
    /// ID INFO  Handler - message`, spaces, the id perhaps in `<>`), a line with no id at all
    /// (`TS  INFO target: message`, a Rust or Go custom runtime; `TS INFO …` logged outside a
    /// handler), and `TS ID Task timed out after 3.00 seconds`.
    @inline(__always)
    private func appLine(_ line: UnsafeRawBufferPointer, from: Int, outerTs: Int64?, number: Int64, state s: LogStreamState, sink: some RecordSink) -> Bool {
        guard let (ts, after) = Self.timestampPrefix(line, from: from, memo: &tsMemo) else { return false }
        var id = Self.token(line, from: after)
        var msgStart = after + id.count
        guard msgStart < line.count else { return false }
        msgStart += 1
        // A level where the id would be: the line has no id (a log4j line outside a handler).
        if let (lvlLen, _) = Self.level(id), lvlLen == id.count {
            msgStart = after
            id = UnsafeRawBufferPointer(rebasing: id[0..<0])
        }
        if id.count > 2, id[0] == 0x3c, id[id.count - 1] == 0x3e { id = UnsafeRawBufferPointer(rebasing: id[1..<(id.count - 1)]) }
        let inv: Invocation?
        if id.count == 0 || Self.equal(id, "undefined") { inv = s.current }
        else { inv = asm.lookup(id, line: number, text: line, stream: s) }
        let rest = UnsafeRawBufferPointer(rebasing: line[msgStart...])
        if Self.starts(rest, "Task timed out after") {
            flush(s, sink: sink)
            if let t = inv ?? s.current {
                t.timedOut = true
                if t.timeoutMessage == nil { t.timeoutMessage = InvocationAssembler.timeoutText(rest) }
            }
            return true
        }
        var isError = false
        var text = rest
        if let (lvlLen, err) = Self.level(rest), lvlLen < rest.count, rest[lvlLen] == 0x09 || rest[lvlLen] == 0x20 {
            isError = err
            var k = lvlLen
            while k < rest.count, rest[k] == 0x20 || rest[k] == 0x09 { k += 1 }
            text = UnsafeRawBufferPointer(rebasing: rest[k...])
        } else if let (lvlLen, err) = Self.dotnetLevel(rest), lvlLen < rest.count, rest[lvlLen] == 0x09 {
            isError = err
            text = UnsafeRawBufferPointer(rebasing: rest[(lvlLen + 1)...])
        }
        begin(s, inv, isError: isError, ts: ts, text: text, line: number, sink: sink)
        return true
    }

    /// Go's standard `log` prefix, `2026/11/24 10:00:00[.123456] MESSAGE` (a custom runtime's
    /// output): a message of the stream's open invocation, in UTC (Lambda's TZ).
    private func goLogLine(_ line: UnsafeRawBufferPointer, number: Int64, state s: LogStreamState, sink: some RecordSink) -> Bool {
        let n = line.count
        guard n >= 20, line[4] == 0x2f, line[7] == 0x2f, line[10] == 0x20, line[13] == 0x3a, line[16] == 0x3a else { return false }
        var e = 19
        while e < n, line[e] != 0x20 { e += 1 }
        guard e < n, e <= 26 else { return false }
        var t = Array(line[0..<e])
        t[4] = 0x2d; t[7] = 0x2d
        guard let ts = t.withUnsafeBytes({ Timestamp.parse($0) }) else { return false }
        begin(s, s.current, isError: false, ts: ts, text: UnsafeRawBufferPointer(rebasing: line[(e + 1)...]), line: number, sink: sink)
        return true
    }

    /// The .NET runtime's levels (`trce`, `dbug`, `info`, `warn`, `fail`, `crit`).
    @inline(__always)
    static func dotnetLevel(_ b: UnsafeRawBufferPointer) -> (Int, Bool)? {
        guard b.count >= 4 else { return nil }
        if starts(b, "info") || starts(b, "warn") || starts(b, "dbug") || starts(b, "trce") { return (4, false) }
        if starts(b, "fail") || starts(b, "crit") { return (4, true) }
        return nil
    }

    /// `[LEVEL]<TAB>TS<TAB>ID<TAB>MESSAGE` (Python logging) or `[ERROR] text` (uncaught).
    private func bracketLine(_ line: UnsafeRawBufferPointer, outerTs: Int64?, number: Int64, state s: LogStreamState, sink: some RecordSink) -> Bool {
        let inner = UnsafeRawBufferPointer(rebasing: line[1...])
        guard let (lvlLen, err) = Self.level(inner), lvlLen + 2 <= line.count, line[lvlLen + 1] == 0x5d else { return false }
        let after = lvlLen + 2
        guard after < line.count else { return false }
        if line[after] == 0x09, appLineBracketed(line, from: after + 1, isError: err, outerTs: outerTs, number: number, state: s, sink: sink) {
            return true
        }
        let text = UnsafeRawBufferPointer(rebasing: line[(line[after] == 0x20 || line[after] == 0x09 ? after + 1 : after)...])
        // Python's uncaught exception: `[ERROR] KeyError: 'value'` names the exception type.
        if err, let inv = s.current, inv.errorType == nil {
            var e = 0
            while e < text.count, text[e] == 0x2e || text[e] == 0x5f || (text[e] | 0x20 >= 0x61 && text[e] | 0x20 <= 0x7a) || (text[e] >= 0x30 && text[e] <= 0x39) { e += 1 }
            if e > 0, e < text.count, text[e] == 0x3a { inv.errorType = String(decoding: UnsafeRawBufferPointer(rebasing: text[0..<e]), as: UTF8.self) }
        }
        begin(s, s.current, isError: err, ts: outerTs, text: text, line: number, sink: sink)
        return true
    }

    private func appLineBracketed(_ line: UnsafeRawBufferPointer, from: Int, isError: Bool, outerTs: Int64?, number: Int64, state s: LogStreamState, sink: some RecordSink) -> Bool {
        guard let (ts, after) = Self.timestampPrefix(line, from: from) else { return false }
        let id = Self.token(line, from: after)
        let msgStart = min(line.count, after + id.count + 1)
        let inv: Invocation? = id.count == 0 ? s.current : asm.lookup(id, line: number, text: line, stream: s)
        begin(s, inv, isError: isError, ts: ts, text: UnsafeRawBufferPointer(rebasing: line[msgStart...]), line: number, sink: sink)
        return true
    }

    // MARK: Byte helpers

    /// An RFC 3339 timestamp at `from` followed by a tab or a space: its time and the offset after
    /// the separator.
    @inline(__always)
    static func timestampPrefix(_ line: UnsafeRawBufferPointer, from: Int) -> (Int64, Int)? {
        var memo = TimestampMemo()
        return timestampPrefix(line, from: from, memo: &memo)
    }

    @inline(__always)
    static func timestampPrefix(_ line: UnsafeRawBufferPointer, from: Int, memo: inout TimestampMemo) -> (Int64, Int)? {
        let n = line.count
        guard n - from >= 21, line[from + 4] == 0x2d, line[from + 7] == 0x2d, line[from + 10] == 0x54 || line[from + 10] == 0x20,
              line[from + 13] == 0x3a else { return nil }
        var e = from + 19
        while e < n && e < from + 40, line[e] != 0x09 && line[e] != 0x20 { e += 1 }
        guard e < n, e < from + 40 else { return nil }
        guard let ts = memo.parse(UnsafeRawBufferPointer(rebasing: line[from..<e])) else { return nil }
        return (ts, e + 1)
    }

    /// The bytes from `from` up to a tab, space or the end.
    @inline(__always)
    static func token(_ line: UnsafeRawBufferPointer, from: Int) -> UnsafeRawBufferPointer {
        var e = from
        let n = line.count
        while e < n, line[e] != 0x09 && line[e] != 0x20 { e += 1 }
        return UnsafeRawBufferPointer(rebasing: line[min(from, n)..<e])
    }

    /// A log level at the start: its length and whether it is an error level.
    @inline(__always)
    static func level(_ b: UnsafeRawBufferPointer) -> (Int, Bool)? {
        if starts(b, "INFO") { return (4, false) }
        if starts(b, "ERROR") { return (5, true) }
        if starts(b, "WARN") { return starts(b, "WARNING") ? (7, false) : (4, false) }
        if starts(b, "DEBUG") { return (5, false) }
        if starts(b, "TRACE") { return (5, false) }
        if starts(b, "FATAL") { return (5, true) }
        if starts(b, "CRITICAL") { return (8, true) }
        return nil
    }

    @inline(__always)
    static func starts(_ b: UnsafeRawBufferPointer, _ lit: StaticString) -> Bool {
        b.count >= lit.utf8CodeUnitCount && memcmp(b.baseAddress!, lit.utf8Start, lit.utf8CodeUnitCount) == 0
    }

    static func equal(_ b: UnsafeRawBufferPointer, _ lit: StaticString) -> Bool {
        b.count == lit.utf8CodeUnitCount && memcmp(b.baseAddress!, lit.utf8Start, lit.utf8CodeUnitCount) == 0
    }

    static func find(_ b: UnsafeRawBufferPointer, _ lit: StaticString, from: Int = 0) -> Int? {
        guard let base = b.baseAddress, from < b.count,
              let p = findBytes(base + from, b.count - from, lit.utf8Start, lit.utf8CodeUnitCount) else { return nil }
        return UnsafeRawPointer(p) - base
    }

    /// `Duration: 15.74 ms` and `Init Duration: 130.49 ms` of a REPORT line, in thousandths of a ms.
    static func reportDurations(_ b: UnsafeRawBufferPointer) -> (Int64?, Int64?) {
        var duration: Int64?, initD: Int64?
        var i = 0
        while let k = find(b, "Duration: ", from: i) {
            let v = parseMicros(b, from: k + 10)
            if k >= 7, equal(UnsafeRawBufferPointer(rebasing: b[(k - 7)..<k]), "Billed ") {
            } else if k >= 5, equal(UnsafeRawBufferPointer(rebasing: b[(k - 5)..<k]), "Init ") {
                initD = v
            } else if duration == nil {
                duration = v
            }
            i = k + 10
        }
        return (duration, initD)
    }

    /// A decimal number of milliseconds at `from`, in thousandths (rounded at the fourth decimal).
    static func parseMicros(_ b: UnsafeRawBufferPointer, from: Int) -> Int64? {
        var i = from
        let n = b.count
        var v: Int64 = 0
        var digits = 0
        while i < n, b[i] >= 0x30 && b[i] <= 0x39, digits < 15 { v = v * 10 + Int64(b[i] - 0x30); i += 1; digits += 1 }
        guard digits > 0 else { return nil }
        v *= 1000
        if i < n, b[i] == 0x2e {
            i += 1
            var scale: Int64 = 100
            while i < n, b[i] >= 0x30 && b[i] <= 0x39 {
                if scale >= 1 { v += Int64(b[i] - 0x30) * scale } else if scale == 0 && b[i] >= 0x35 { v += 1 }
                scale = scale == 1 ? 0 : (scale == 0 ? -1 : scale / 10)
                i += 1
            }
        }
        return v
    }
}

/// Lambda text logs (SPEC 3, format 2): the default CloudWatch format, one line per line.
public final class LambdaTextAdapter: FormatAdapter {
    let parser = LambdaLineParser()
    let state = LogStreamState()
    public init() {}

    public func consume(_ line: UnsafeRawBufferPointer, number: Int64, sink: some RecordSink) {
        if parser.asm.keepRaw { parser.asm.rawLineBegins() }
        parser.textLine(line, outerTs: nil, number: number, forced: false, state: state, sink: sink)
        if parser.asm.keepRaw { parser.asm.rawLineEnds(line, number: number) }
        parser.asm.tick(line: number, sink: sink)
    }

    public func finish(sink: some RecordSink) {
        parser.flush(state, sink: sink)
        parser.asm.finish(sink: sink)
    }
}

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import CSklogScan
import SklogIO

/// Why a line was not turned into a record. Counted by reason in the end-of-run accounting.
public struct RejectReason: Hashable, Sendable, CustomStringConvertible {
    public let name: String
    public init(_ name: String) { self.name = name }
    public var description: String { name }

    public static let invalidJSON = RejectReason("invalid JSON")
    public static let invalidUTF8 = RejectReason("invalid UTF-8")
    public static let nulByte = RejectReason("NUL byte")
    public static let missingTs = RejectReason("missing ts")
    public static let invalidTs = RejectReason("invalid ts")
    public static let missingMessageId = RejectReason("missing messageId")
    public static let lineTooLong = RejectReason("line too long")
    public static let invalidCSV = RejectReason("invalid CSV row")
    public static let noMatch = RejectReason("line does not match --pattern")
    /// `latencyMs` or `speechMs` that is no number of milliseconds from 0 to 2^53 (negative,
    /// 1e999, NaN, text): the record is rejected, as a bad `ts` is.
    public static let invalidLatency = RejectReason("invalid latencyMs")
    public static let invalidSpeechMs = RejectReason("invalid speechMs")
}

public struct RecordReject: Error {
    public var reason: RejectReason
    public var detail: String?
}

/// Parses one canonical JSON line into a `Record` without building `String`s.
public enum RecordParser {
    /// Field identifiers, by key.
    @usableFromInline enum Key: UInt8, CaseIterable {
        case other, ts, messageId, sessionId, userId, skillId, deviceId, stage, locale, skillType, requestType, intent,
             slots, utterance, confidence, latencyMs, latencySource, outcome, errorType, endSession, reprompt, speechMs,
             bargeIn, unhandled, reason, namespace, name, endpointId, correlationToken, state, ispAction, productId,
             productType, purchaseResult, offerHeard, trial, grantType, via, lambdaRequestId, src, errorMessage, errorFrame
    }

    /// The same keys for the SIMD scan (each case is named as its JSON key), which then hands
    /// back only the members with one of them.
    static let scanKeys: UnsafeMutablePointer<sk_keys> = {
        let t = UnsafeMutablePointer<sk_keys>.allocate(capacity: 1)
        UnsafeMutableRawPointer(t).initializeMemory(as: UInt8.self, repeating: 0, count: MemoryLayout<sk_keys>.size)
        for k in Key.allCases where k != .other {
            var name = String(describing: k)
            name.withUTF8 { sk_keys_add(t, $0.baseAddress!, $0.count, k.rawValue) }
        }
        return t
    }()

    @inline(__always)
    static func key(_ p: UnsafePointer<UInt8>, _ n: Int) -> Key {
        @inline(__always) func eq(_ s: StaticString) -> Bool { memcmp(p, s.utf8Start, n) == 0 }
        switch n {
        case 2: return eq("ts") ? .ts : .other
        case 3: return eq("via") ? .via : eq("src") ? .src : .other
        case 4: return eq("name") ? .name : .other
        case 5: return eq("stage") ? .stage : eq("slots") ? .slots : eq("state") ? .state : eq("trial") ? .trial : .other
        case 6: return eq("userId") ? .userId : eq("locale") ? .locale : eq("intent") ? .intent : eq("reason") ? .reason : .other
        case 7: return eq("skillId") ? .skillId : eq("outcome") ? .outcome : eq("bargeIn") ? .bargeIn : .other
        case 8: return eq("deviceId") ? .deviceId : eq("reprompt") ? .reprompt : eq("speechMs") ? .speechMs : .other
        case 9:
            switch p[0] {
            case 0x6d: return eq("messageId") ? .messageId : .other
            case 0x73: return eq("sessionId") ? .sessionId : eq("skillType") ? .skillType : .other
            case 0x75: return eq("utterance") ? .utterance : eq("unhandled") ? .unhandled : .other
            case 0x6c: return eq("latencyMs") ? .latencyMs : .other
            case 0x65: return eq("errorType") ? .errorType : .other
            case 0x6e: return eq("namespace") ? .namespace : .other
            case 0x69: return eq("ispAction") ? .ispAction : .other
            case 0x70: return eq("productId") ? .productId : .other
            case 0x67: return eq("grantType") ? .grantType : .other
            default: return .other
            }
        case 10: return eq("confidence") ? .confidence : eq("endSession") ? .endSession : eq("endpointId") ? .endpointId : eq("offerHeard") ? .offerHeard : eq("errorFrame") ? .errorFrame : .other
        case 11: return eq("requestType") ? .requestType : eq("productType") ? .productType : .other
        case 12: return eq("errorMessage") ? .errorMessage : .other
        case 13: return eq("latencySource") ? .latencySource : .other
        case 14: return eq("purchaseResult") ? .purchaseResult : .other
        case 15: return eq("lambdaRequestId") ? .lambdaRequestId : .other
        case 16: return eq("correlationToken") ? .correlationToken : .other
        default: return .other
        }
    }

    /// Parses `line` (one JSON object) into a record that owns a copy of the bytes.
    /// The SIMD scan (CSklogScan) finds the members of almost every line; the lines it declines
    /// (syntax errors, very long lines) go through the byte-at-a-time walk, which gives the same
    /// records and the detailed error messages.
    public static func parse(_ line: UnsafeRawBufferPointer) throws(RecordReject) -> Record {
        try withUnsafeTemporaryAllocation(of: Record.self, capacity: 1) { (p) throws(RecordReject) in
            try parse(line, chunk: nil, into: p.baseAddress!)
            return p.baseAddress!.move()
        }
    }

    /// Parses `line` into the uninitialized memory at `dst`, filled in place (a record is a few
    /// hundred bytes, and every copy of it costs). With `chunk`, the line lies in that chunk
    /// buffer and the record points into it; without, the record copies the line. On a reject
    /// `dst` is left uninitialized.
    public static func parse(_ line: UnsafeRawBufferPointer, chunk: ChunkBuffer?, into dst: UnsafeMutablePointer<Record>) throws(RecordReject) {
        try withUnsafeTemporaryAllocation(of: sk_member.self, capacity: maxMembers) { (m) throws(RecordReject) in
            try parse(line, chunk: chunk, into: dst, members: m.baseAddress!)
        }
    }

    /// The members the SIMD scan finds in one line at most (more: the byte-at-a-time walk).
    static let maxMembers = 96

    /// `parse(_:chunk:into:)` with room for `maxMembers` members supplied by the caller (a
    /// temporary allocation of that size is on the heap, once per line otherwise).
    static func parse(_ line: UnsafeRawBufferPointer, chunk: ChunkBuffer?, into dst: UnsafeMutablePointer<Record>, members: UnsafeMutablePointer<sk_member>) throws(RecordReject) {
        Record.initializeEmpty(dst, chunk: line.baseAddress == nil ? nil : chunk, line: chunk == nil ? nil : line.baseAddress, count: line.count)
        do { try fill(line, into: dst, members: members) } catch {
            dst.deinitialize(count: 1)
            throw error
        }
        if dst.pointee.linePointer == nil {
            // The record owns its line: it goes before the decoded strings.
            var own = [UInt8](line)
            own.append(contentsOf: dst.pointee.extra)
            dst.pointee.extra = own
        }
    }

    static func fill(_ line: UnsafeRawBufferPointer, into dst: UnsafeMutablePointer<Record>, members: UnsafeMutablePointer<sk_member>) throws(RecordReject) {
        guard let base = line.baseAddress?.assumingMemoryBound(to: UInt8.self), line.count > 0 else { return try parseByteAtATime(line, into: dst) }
        var flags: UInt32 = 0
        let n = Int(sk_scan_object(base, line.count, members, Int32(maxMembers), &flags, scanKeys))
        if n < 0 { return try parseByteAtATime(line, into: dst) }
        if flags & UInt32(SK_FLAG_NOT_ASCII) != 0, let problem = TextCheck.check(line) {
            throw RecordReject(reason: problem == .nul ? .nulByte : .invalidUTF8, detail: nil)
        }
        var b = Builder(line, dst)
        for i in 0..<n {
            let m = members[i]
            // The scan's key ids are Key raw values (`scanKeys`), its kinds JSONValueKind's.
            b.member(unsafeBitCast(m.key, to: Key.self), unsafeBitCast(m.kind, to: JSONValueKind.self), Int(m.vs), Int(m.ve), escaped: m.escaped != 0)
        }
        try b.finish()
    }

    /// The byte-at-a-time parse: the reference for what the SIMD scan accepts, and the error
    /// messages. `dst` is an initialized record (`fill`).
    static func parseByteAtATime(_ line: UnsafeRawBufferPointer, into dst: UnsafeMutablePointer<Record>) throws(RecordReject) {
        if let problem = TextCheck.check(line) {
            throw RecordReject(reason: problem == .nul ? .nulByte : .invalidUTF8, detail: nil)
        }
        var b = Builder(line, dst)
        do {
            var sc = JSONScanner(line)
            try sc.members { ks, ke, kind, vs, ve in b.member(ks, ke, kind, vs, ve, escaped: nil) }
            sc.skipSpace()
            if sc.pos != sc.count { throw JSONScanError(offset: sc.pos, message: "text after the object") }
        } catch let e as JSONScanError {
            throw RecordReject(reason: .invalidJSON, detail: "\(e.message) at column \(e.offset + 1)")
        } catch {
            throw RecordReject(reason: .invalidJSON, detail: nil)
        }
        try b.finish()
    }

    /// Fills a record from the members of its line, in order (a later duplicate key wins).
    struct Builder {
        let all: UnsafeRawBufferPointer
        let base: UnsafePointer<UInt8>
        let rec: UnsafeMutablePointer<Record>
        var extra: [UInt8] = []  // decoded strings with escapes (the record's `extra`)
        var haveTs = false
        var tsBad = false
        /// A duration field out of range (`invalidLatency`, `invalidSpeechMs`), and its text.
        var badNumber: (RejectReason, Int, Int)? = nil

        init(_ line: UnsafeRawBufferPointer, _ dst: UnsafeMutablePointer<Record>) {
            all = line
            base = line.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? UnsafePointer(bitPattern: 1)!
            rec = dst
        }

        /// `escaped`: whether a string value has a backslash (nil: not known, look).
        @inline(__always)
        mutating func member(_ ks: Int, _ ke: Int, _ kind: JSONValueKind, _ vs: Int, _ ve: Int, escaped: Bool?) {
            let k = key(base + ks, ke - ks)
            if k == .other { return }
            member(k, kind, vs, ve, escaped: escaped)
        }

        @inline(__always)
        mutating func member(_ k: Key, _ kind: JSONValueKind, _ vs: Int, _ ve: Int, escaped: Bool?) {
            let base = self.base
            // A string field: its range, decoded if it has escapes.
            func str() -> Field {
                guard kind == .string else { return .absent }
                if !(escaped ?? (memchr(base + vs, 0x5c, ve - vs) != nil)) { return Field(start: Int32(vs), count: Int32(ve - vs)) }
                let at = all.count + extra.count
                JSONText.unescape(UnsafeRawBufferPointer(start: base + vs, count: ve - vs), into: &extra)
                return Field(start: Int32(at), count: Int32(all.count + extra.count - at))
            }
            func raw() -> Field { kind == .object ? Field(start: Int32(vs), count: Int32(ve - vs)) : .absent }
            func flag() -> TriState { kind == .bool ? (base[vs] == 0x74 ? .yes : .no) : .unknown }
            /// A duration in ms: absent for null, else a number (or numeric string) from 0 to
            /// 2^53; anything else makes the record a reject.
            func duration(_ reason: RejectReason) -> Int64 {
                if kind == .null { return -1 }
                if kind == .number || kind == .string, let v = parseNumber(base + vs, ve - vs), v >= 0 { return v }
                if badNumber == nil { badNumber = (reason, vs, ve) }
                return -1
            }
        switch k {
        case .ts:
            haveTs = kind != .null
            if kind == .string, let t = Timestamp.parse(UnsafeRawBufferPointer(start: base + vs, count: ve - vs)) {
                rec.pointee.ts = t
                rec.pointee.tsValue = Field(start: Int32(vs - 1), count: Int32(ve - vs + 2))
                rec.pointee.tsCanonical = ve - vs == 24 && base[vs + 23] == 0x5a && base[vs + 19] == 0x2e && base[vs + 10] == 0x54
            } else if kind == .number, let t = parseNumber(base + vs, ve - vs), Timestamp.inRange(t) {
                rec.pointee.ts = t  // epoch milliseconds
                rec.pointee.tsValue = Field(start: Int32(vs), count: Int32(ve - vs))
                rec.pointee.tsCanonical = false
            } else if kind != .null { tsBad = true }
        case .messageId:
            if kind == .number { rec.pointee.messageId = Field(start: Int32(vs), count: Int32(ve - vs)) } else { rec.pointee.messageId = str() }
        case .sessionId: rec.pointee.sessionId = str()
        case .userId: rec.pointee.userId = str()
        case .skillId: rec.pointee.skillId = str()
        case .deviceId: rec.pointee.deviceId = str()
        case .stage: rec.pointee.stage = str()
        case .locale: rec.pointee.locale = str()
        case .skillType: rec.pointee.skillType = str()
        case .requestType: rec.pointee.requestType = str()
        case .intent: rec.pointee.intent = str()
        case .slots: rec.pointee.slots = raw()
        case .utterance: rec.pointee.utterance = str()
        case .confidence:
            if kind == .string {
                let n = ve - vs
                let p = base + vs
                if n == 4 && memcmp(p, "HIGH", 4) == 0 { rec.pointee.confidence = .high }
                else if n == 6 && memcmp(p, "MEDIUM", 6) == 0 { rec.pointee.confidence = .medium }
                else if n == 3 && memcmp(p, "LOW", 3) == 0 { rec.pointee.confidence = .low }
            }
        case .latencyMs: rec.pointee.latencyMs = duration(.invalidLatency)
        case .latencySource: rec.pointee.latencySource = str()
        case .outcome:
            if kind == .string {
                let n = ve - vs
                let p = base + vs
                if n == 7 && memcmp(p, "success", 7) == 0 { rec.pointee.outcome = .success }
                else if n == 5 && memcmp(p, "error", 5) == 0 { rec.pointee.outcome = .error }
                else if n == 11 && memcmp(p, "no_response", 11) == 0 { rec.pointee.outcome = .noResponse }
            }
        case .errorType: rec.pointee.errorType = str()
        case .errorMessage: rec.pointee.errorMessage = str()
        case .errorFrame: rec.pointee.errorFrame = str()
        case .endSession: rec.pointee.endSession = flag()
        case .reprompt: rec.pointee.reprompt = flag()
        case .speechMs: rec.pointee.speechMs = duration(.invalidSpeechMs)
        case .bargeIn: rec.pointee.bargeIn = flag()
        case .unhandled: rec.pointee.unhandled = flag()
        case .reason: rec.pointee.reason = str()
        case .namespace: rec.pointee.namespace = str()
        case .name: rec.pointee.name = str()
        case .endpointId: rec.pointee.endpointId = str()
        case .correlationToken: rec.pointee.correlationToken = str()
        case .state: rec.pointee.state = raw()
        case .ispAction: rec.pointee.ispAction = str()
        case .productId: rec.pointee.productId = str()
        case .productType: rec.pointee.productType = str()
        case .purchaseResult: rec.pointee.purchaseResult = str()
        case .offerHeard: rec.pointee.offerHeard = flag()
        case .trial: rec.pointee.trial = flag()
        case .grantType: rec.pointee.grantType = str()
        case .via: rec.pointee.via = str()
        case .lambdaRequestId: rec.pointee.lambdaRequestId = str()
        case .src: rec.pointee.src = str()
        case .other: break
        }
        }

        func finish() throws(RecordReject) {
            if !haveTs { throw RecordReject(reason: .missingTs, detail: nil) }
            if tsBad { throw RecordReject(reason: .invalidTs, detail: nil) }
            if let (reason, vs, ve) = badNumber {
                let text = String(decoding: UnsafeRawBufferPointer(start: base + vs, count: min(ve - vs, 40)), as: UTF8.self)
                throw RecordReject(reason: reason, detail: "\(text)\(ve - vs > 40 ? "…" : ""): not a number of milliseconds from 0 to 2^53")
            }
            if !rec.pointee.messageId.isPresent || rec.pointee.messageId.count == 0 { throw RecordReject(reason: .missingMessageId, detail: nil) }
            if !extra.isEmpty { rec.pointee.extra = extra }
        }
    }

    /// A JSON number (or numeric string) rounded to the nearest integer; nil if not a number.
    @inline(__always)
    static func parseNumber(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int64? {
        var i = 0
        var neg = false
        if i < n && p[i] == 0x2d { neg = true; i += 1 }
        var v: Int64 = 0
        var digits = 0
        while i < n, p[i] >= 0x30 && p[i] <= 0x39, digits < 18 { v = v * 10 + Int64(p[i] - 0x30); i += 1; digits += 1 }
        if digits == 0 { return nil }
        if i == n { return neg ? -v : v }
        if p[i] == 0x2e {
            i += 1
            guard i < n, p[i] >= 0x30 && p[i] <= 0x39 else { return nil }
            let first = p[i] - 0x30
            i += 1
            while i < n, p[i] >= 0x30 && p[i] <= 0x39 { i += 1 }
            if i != n { return slowNumber(p, n) }
            if first >= 5 { v += 1 }  // half away from zero
            return neg ? -v : v
        }
        return slowNumber(p, n)
    }

    static func slowNumber(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int64? {
        let s = String(decoding: UnsafeRawBufferPointer(start: p, count: n), as: UTF8.self)
        return Double(s).flatMap(rounded)
    }

    /// `d` rounded half away from zero, or nil when it is not a number an Int64 holds exactly
    /// (NaN, infinities, 1e300: a trap in `Int64(_:)`, found by the fuzzer).
    public static func rounded(_ d: Double) -> Int64? {
        guard d.isFinite, abs(d) < 9e15 else { return nil }
        return Int64(d.rounded(.toNearestOrAwayFromZero))
    }
}

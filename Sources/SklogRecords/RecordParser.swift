#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

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
}

public struct RecordReject: Error {
    public var reason: RejectReason
    public var detail: String?
}

/// Parses one canonical JSON line into a `Record` without building `String`s.
public enum RecordParser {
    /// Field identifiers, by key.
    @usableFromInline enum Key: UInt8 {
        case other, ts, messageId, sessionId, userId, skillId, deviceId, stage, locale, skillType, requestType, intent,
             slots, utterance, confidence, latencyMs, latencySource, outcome, errorType, endSession, reprompt, speechMs,
             bargeIn, unhandled, reason, namespace, name, endpointId, correlationToken, state, ispAction, productId,
             productType, purchaseResult, offerHeard, trial, grantType, via, lambdaRequestId, src
    }

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
        case 10: return eq("confidence") ? .confidence : eq("endSession") ? .endSession : eq("endpointId") ? .endpointId : eq("offerHeard") ? .offerHeard : .other
        case 11: return eq("requestType") ? .requestType : eq("productType") ? .productType : .other
        case 13: return eq("latencySource") ? .latencySource : .other
        case 14: return eq("purchaseResult") ? .purchaseResult : .other
        case 15: return eq("lambdaRequestId") ? .lambdaRequestId : .other
        case 16: return eq("correlationToken") ? .correlationToken : .other
        default: return .other
        }
    }

    /// Parses `line` (one JSON object). Takes ownership of a copy of the bytes.
    public static func parse(_ line: UnsafeRawBufferPointer) throws(RecordReject) -> Record {
        if let problem = TextCheck.check(line) {
            throw RecordReject(reason: problem == .nul ? .nulByte : .invalidUTF8, detail: nil)
        }
        var rec = Record(storage: [], lineLength: line.count)
        var extra: [UInt8] = []  // decoded strings with escapes, appended after the line
        var haveTs = false
        var tsBad = false
        do {
            do {
                let all = line
                var sc = JSONScanner(all)
                let base = sc.base
                try sc.members { ks, ke, kind, vs, ve in
                    let k = key(base + ks, ke - ks)
                    if k == .other { return }
                    // A string field: its range, decoded if it has escapes.
                    func str() -> Field {
                        guard kind == .string else { return .absent }
                        if memchr(base + vs, 0x5c, ve - vs) == nil { return Field(start: Int32(vs), count: Int32(ve - vs)) }
                        let at = all.count + extra.count
                        JSONText.unescape(UnsafeRawBufferPointer(start: base + vs, count: ve - vs), into: &extra)
                        return Field(start: Int32(at), count: Int32(all.count + extra.count - at))
                    }
                    func raw() -> Field { kind == .object ? Field(start: Int32(vs), count: Int32(ve - vs)) : .absent }
                    func flag() -> TriState { kind == .bool ? (base[vs] == 0x74 ? .yes : .no) : .unknown }
                    func number() -> Int64 {
                        guard kind == .number else {
                            if kind == .string, let v = parseNumber(base + vs, ve - vs) { return v }
                            return -1
                        }
                        return parseNumber(base + vs, ve - vs) ?? -1
                    }
                    switch k {
                    case .ts:
                        haveTs = kind != .null
                        if kind == .string, let t = Timestamp.parse(UnsafeRawBufferPointer(start: base + vs, count: ve - vs)) {
                            rec.ts = t
                            rec.tsValue = Field(start: Int32(vs - 1), count: Int32(ve - vs + 2))
                            rec.tsCanonical = ve - vs == 24 && base[vs + 23] == 0x5a && base[vs + 19] == 0x2e && base[vs + 10] == 0x54
                        } else if kind == .number, let t = parseNumber(base + vs, ve - vs) {
                            rec.ts = t  // epoch milliseconds
                            rec.tsValue = Field(start: Int32(vs), count: Int32(ve - vs))
                            rec.tsCanonical = false
                        } else if kind != .null { tsBad = true }
                    case .messageId:
                        if kind == .number { rec.messageId = Field(start: Int32(vs), count: Int32(ve - vs)) } else { rec.messageId = str() }
                    case .sessionId: rec.sessionId = str()
                    case .userId: rec.userId = str()
                    case .skillId: rec.skillId = str()
                    case .deviceId: rec.deviceId = str()
                    case .stage: rec.stage = str()
                    case .locale: rec.locale = str()
                    case .skillType: rec.skillType = str()
                    case .requestType: rec.requestType = str()
                    case .intent: rec.intent = str()
                    case .slots: rec.slots = raw()
                    case .utterance: rec.utterance = str()
                    case .confidence:
                        if kind == .string {
                            let n = ve - vs
                            let p = base + vs
                            if n == 4 && memcmp(p, "HIGH", 4) == 0 { rec.confidence = .high }
                            else if n == 6 && memcmp(p, "MEDIUM", 6) == 0 { rec.confidence = .medium }
                            else if n == 3 && memcmp(p, "LOW", 3) == 0 { rec.confidence = .low }
                        }
                    case .latencyMs: rec.latencyMs = number()
                    case .latencySource: rec.latencySource = str()
                    case .outcome:
                        if kind == .string {
                            let n = ve - vs
                            let p = base + vs
                            if n == 7 && memcmp(p, "success", 7) == 0 { rec.outcome = .success }
                            else if n == 5 && memcmp(p, "error", 5) == 0 { rec.outcome = .error }
                            else if n == 11 && memcmp(p, "no_response", 11) == 0 { rec.outcome = .noResponse }
                        }
                    case .errorType: rec.errorType = str()
                    case .endSession: rec.endSession = flag()
                    case .reprompt: rec.reprompt = flag()
                    case .speechMs: rec.speechMs = number()
                    case .bargeIn: rec.bargeIn = flag()
                    case .unhandled: rec.unhandled = flag()
                    case .reason: rec.reason = str()
                    case .namespace: rec.namespace = str()
                    case .name: rec.name = str()
                    case .endpointId: rec.endpointId = str()
                    case .correlationToken: rec.correlationToken = str()
                    case .state: rec.state = raw()
                    case .ispAction: rec.ispAction = str()
                    case .productId: rec.productId = str()
                    case .productType: rec.productType = str()
                    case .purchaseResult: rec.purchaseResult = str()
                    case .offerHeard: rec.offerHeard = flag()
                    case .trial: rec.trial = flag()
                    case .grantType: rec.grantType = str()
                    case .via: rec.via = str()
                    case .lambdaRequestId: rec.lambdaRequestId = str()
                    case .src: rec.src = str()
                    case .other: break
                    }
                }
                sc.skipSpace()
                if sc.pos != sc.count { throw JSONScanError(offset: sc.pos, message: "text after the object") }
            }
        } catch let e as JSONScanError {
            throw RecordReject(reason: .invalidJSON, detail: "\(e.message) at column \(e.offset + 1)")
        } catch {
            throw RecordReject(reason: .invalidJSON, detail: nil)
        }
        if !haveTs { throw RecordReject(reason: .missingTs, detail: nil) }
        if tsBad { throw RecordReject(reason: .invalidTs, detail: nil) }
        if !rec.messageId.isPresent || rec.messageId.count == 0 { throw RecordReject(reason: .missingMessageId, detail: nil) }
        var storage = [UInt8](unsafeUninitializedCapacity: line.count + extra.count) { buf, n in
            if line.count > 0 { UnsafeMutableRawPointer(buf.baseAddress!).copyMemory(from: line.baseAddress!, byteCount: line.count) }
            n = line.count
        }
        if !extra.isEmpty { storage.append(contentsOf: extra) }
        rec.storage = storage
        return rec
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

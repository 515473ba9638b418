#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

extension RejectReason {
    public static let invocationWithoutEnvelope = RejectReason("invocation without envelope")
    public static let invocationCutShort = RejectReason("invocation cut short")
    public static let truncatedEnvelope = RejectReason("truncated envelope")
    public static let invalidEnvelope = RejectReason("invalid envelope")
    public static let invalidMessage = RejectReason("invalid log message")
    public static let invalidSubscription = RejectReason("invalid subscription payload")
}

/// The fields of one canonical record taken from a logged request envelope, smart home
/// directive, or `Alexa.ChangeReport` event. Only these are ever copied out of an envelope: no
/// token (`accessToken`, `apiAccessToken`, `consentToken`, `scope.token`) can reach an output.
struct RequestFields {
    var messageId: String?
    var sessionId: String?, userId: String?, skillId: String?, deviceId: String?, locale: String?
    var skillType = "custom"
    var requestType: String?
    var intent: String?
    var slots: [UInt8]?
    var reason: String?
    var errorType: String?
    var namespace: String?, name: String?, endpointId: String?, correlationToken: String?
    var ispAction: String?, productId: String?, purchaseResult: String?
    var state: [UInt8]?
    /// `request.timestamp` (whole seconds): the last resort for `ts`.
    var requestTimestamp: Int64?
    var smartHome = false
    var isChangeReport = false
    /// A turn, CanFulfillIntentRequest or smart home directive: a missing response is a failure.
    var expectsResponse = false
}

/// What a logged response says.
struct ResponseFields {
    var smartHome = false
    var speechMs: Int64?
    var endSession: Bool?
    var reprompt: Bool?
    var isError = false
    var errorType: String?
    /// An `ErrorResponse`'s `payload.message`.
    var errorMessage: String?
    var state: [UInt8]?
    var correlationToken: String?
    /// A smart home `DeferredResponse`: the real answer follows asynchronously.
    var deferred = false
}

/// One value found in a log message.
enum LoggedItem {
    case request(RequestFields)
    case response(ResponseFields)
    /// An uncaught error as JSON (`{"errorType":…,"errorMessage":…}`): its type, message, frame.
    case error(ErrorInfo)
}

/// Everything found in one log message.
struct MessageScan {
    var items: [LoggedItem] = []
    /// A value that looks like an envelope but could not be read.
    var damage: (reason: RejectReason, detail: String, responseLike: Bool)?
    /// Where the first value read starts (text before it is searched for error markers).
    var firstValue: Int?
}

enum EnvelopeReader {
    /// Finds every JSON object or Python dict in `msg` and classifies it.
    static func scan(_ msg: [UInt8]) -> MessageScan {
        var out = MessageScan()
        msg.withUnsafeBytes { b in
            let n = b.count
            guard let base = b.baseAddress else { return }
            var i = 0
            while i < n, let q = memchr(base + i, 0x7b, n - i) {
                var at = UnsafeRawPointer(q) - base
                // The ASK SDK for Java's toString(): `class RequestEnvelope {`.
                var java = false
                if at >= 8, b[at - 1] == 0x20, let cs = JavaToString.classStart(b, braceAt: at) { at = cs; java = true }
                // JSON starts with `{"` or `{}`; a Python dict with `{'`.
                var k = at + 1
                while k < n, b[k] == 0x20 || b[k] == 0x0a || b[k] == 0x0d || b[k] == 0x09 { k += 1 }
                var python = k < n && b[k] == 0x27
                // Node's util.inspect (`console.log(envelope)`): `{ version: '1.0', … }`.
                let node = !python && k < n && PythonRepr.bareKeyAt(b, k)
                if node { python = true }
                do {
                    let doc: JSONDocument
                    if java {
                        let conv = try JavaToString.toJSON(b, from: at)
                        doc = try JSONDocument(bytes: conv.json)
                        i = conv.end
                    } else if python {
                        let conv = try PythonRepr.toJSON(b, from: at, node: node)
                        doc = try JSONDocument(bytes: conv.json)
                        i = conv.end
                    } else {
                        doc = try JSONDocument(bytes: msg, from: at)
                        i = doc.end
                    }
                    // A value right after `:` is a member of something larger (an envelope cut
                    // above it): never a request logged on its own.
                    var q = at - 1
                    while q >= 0, b[q] == 0x20 || b[q] == 0x0a || b[q] == 0x0d || b[q] == 0x09 { q -= 1 }
                    var member = false
                    if q >= 1, b[q] == 0x3a {  // `"key": {` or `'key': {`, not `Request: {`
                        var k = q - 1
                        while k >= 0, b[k] == 0x20 { k -= 1 }
                        member = k >= 0 && (b[k] == 0x22 || b[k] == 0x27)
                    }
                    if let item = classify(doc, doc.root, bareRequest: !member) {
                        if out.firstValue == nil { out.firstValue = at }
                        out.items.append(item)
                    }
                } catch {
                    let end: Int
                    let reason: RejectReason
                    let detail: String
                    switch (error as? JSONParseError) ?? .truncated {
                    case .truncated:
                        end = n; reason = .truncatedEnvelope; detail = "the text ends inside the value"
                    case .invalid(let off, let m):
                        end = python || java ? n : max(off, at + 1); reason = .invalidEnvelope; detail = "\(m) at byte \(off - at + 1) of the value"
                    }
                    let region = UnsafeRawBufferPointer(rebasing: b[at..<end])
                    let javaRequest = java && LambdaLineParser.starts(region, "class RequestEnvelope")
                    let req = hasKey(region, "request") || hasKey(region, "directive") || javaRequest
                    let resp = hasKey(region, "response") || hasKey(region, "outputSpeech") || hasKey(region, "event") || (java && !javaRequest)
                    let envelopeLike = req || resp || hasKey(region, "session") || hasKey(region, "context") || hasKey(region, "version")
                    if envelopeLike && out.damage == nil {
                        out.damage = (reason, detail, resp && !req)
                        if out.firstValue == nil { out.firstValue = at }
                    }
                    if envelopeLike { i = end } else { i = at + 1 }
                }
            }
        }
        return out
    }

    /// Whether `region` has the key `"key"` or `'key'`.
    static func hasKey(_ region: UnsafeRawBufferPointer, _ key: StaticString) -> Bool {
        guard let base = region.baseAddress else { return false }
        let kl = key.utf8CodeUnitCount
        var i = 0
        while i + kl + 1 < region.count, let p = findBytes(base + i, region.count - i, key.utf8Start, kl) {
            let at = UnsafeRawPointer(p) - base
            if at > 0, at + kl < region.count {
                let q = region[at - 1]
                if (q == 0x22 || q == 0x27) && region[at + kl] == q { return true }
            }
            i = at + 1
        }
        return false
    }

    // MARK: Classification

    static func classify(_ d: JSONDocument, _ n: Int32, depth: Int = 0, bareRequest: Bool = false) -> LoggedItem? {
        guard d.kind(n) == .object else { return nil }
        if let req = d.member(n, "request"), d.kind(req) == .object, d.string(d.member(req, "type")) != nil {
            return .request(customRequest(d, n, req))
        }
        if let dir = d.member(n, "directive"), let h = d.member(dir, "header"), d.kind(h) == .object {
            return .request(directive(d, dir, h))
        }
        if let ev = d.member(n, "event"), let h = d.member(ev, "header"), d.kind(h) == .object {
            if d.string(d.member(h, "name")) == "ChangeReport" { return .request(changeReport(d, n, ev, h)) }
            return .response(smartHomeResponse(d, n, ev, h))
        }
        if let r = d.member(n, "response") {
            if d.kind(r) == .object { return .response(customResponse(d, r)) }
            return nil
        }
        // `canFulfillIntent`: the answer to a CanFulfillIntentRequest, which has no speech.
        if d.member(n, "outputSpeech") != nil || d.member(n, "shouldEndSession") != nil || d.member(n, "reprompt") != nil
            || (d.member(n, "directives") != nil && d.member(n, "errorType") == nil) || d.member(n, "card") != nil
            || d.member(n, "canFulfillIntent") != nil {
            return .response(customResponse(d, n))
        }
        if d.member(n, "errorType") != nil || d.member(n, "errorMessage") != nil {
            return .error(ErrorDetails.fromObject(d, n))
        }
        // A request logged without its envelope (Amazon's Python fact sample logs
        // `handler_input.request_envelope.request`): `type` and `requestId` at the top.
        if bareRequest, let t = d.string(d.member(n, "type")), !t.hasPrefix("platform."), d.string(d.member(n, "requestId")) != nil {
            return .request(customRequest(d, n, n))
        }
        // An envelope logged inside a wrapper object (`{"msg":…,"event":{…envelope…}}`).
        if depth < 2 {
            for c in d.children(n) where d.kind(c) == .object {
                if let item = classify(d, c, depth: depth + 1) { return item }
            }
        }
        return nil
    }

    static func customRequest(_ d: JSONDocument, _ env: Int32, _ req: Int32) -> RequestFields {
        var f = RequestFields()
        let type = d.string(d.member(req, "type"))!
        f.requestType = type
        f.messageId = d.string(d.member(req, "requestId"))
        f.locale = d.string(d.member(req, "locale"))
        f.requestTimestamp = d.string(d.member(req, "timestamp")).flatMap { Timestamp.parse($0) }
        let session = d.member(env, "session")
        let system = d.path(env, "context", "System")
        f.sessionId = session.flatMap { d.string(d.member($0, "sessionId")) }
        f.userId = system.flatMap { d.string(d.path($0, "user", "userId")) } ?? session.flatMap { d.string(d.path($0, "user", "userId")) }
        f.deviceId = system.flatMap { d.string(d.path($0, "device", "deviceId")) }
        f.skillId = system.flatMap { d.string(d.path($0, "application", "applicationId")) }
            ?? session.flatMap { d.string(d.path($0, "application", "applicationId")) }
        switch type {
        case "LaunchRequest":
            f.expectsResponse = true
        case "IntentRequest", "CanFulfillIntentRequest":
            f.expectsResponse = true
            if let intent = d.member(req, "intent") {
                f.intent = d.string(d.member(intent, "name"))
                f.slots = slots(d, d.member(intent, "slots"))
            }
        case "SessionEndedRequest":
            f.reason = d.string(d.member(req, "reason"))
            f.errorType = d.string(d.path(req, "error", "type"))
        case "System.ExceptionEncountered", "AudioPlayer.PlaybackFailed":
            f.errorType = d.string(d.path(req, "error", "type"))
        case "Connections.Response":
            f.ispAction = d.string(d.member(req, "name"))
            f.productId = d.string(d.path(req, "payload", "productId"))
            f.purchaseResult = d.string(d.path(req, "payload", "purchaseResult"))
        default: break
        }
        return f
    }

    /// `{"name":"spoken value",…}` for the slots that have a value; nil when none has.
    static func slots(_ d: JSONDocument, _ s: Int32?) -> [UInt8]? {
        guard let s, d.kind(s) == .object else { return nil }
        var out: [UInt8] = [0x7b]
        var any = false
        for c in d.children(s) {
            guard d.kind(c) == .object, let v = d.string(d.member(c, "value")) else { continue }
            let name = d.string(d.member(c, "name")) ?? d.keyString(c) ?? ""
            if any { out.append(0x2c) }
            any = true
            JSONText.appendQuoted(name, to: &out); out.append(0x3a); JSONText.appendQuoted(v, to: &out)
        }
        out.append(0x7d)
        return any ? out : nil
    }

    static func directive(_ d: JSONDocument, _ dir: Int32, _ h: Int32) -> RequestFields {
        var f = RequestFields()
        f.smartHome = true
        f.skillType = "smart_home"
        f.expectsResponse = true
        f.namespace = d.string(d.member(h, "namespace"))
        f.name = d.string(d.member(h, "name"))
        if let ns = f.namespace, let nm = f.name { f.requestType = ns + "." + nm }
        f.messageId = d.string(d.member(h, "messageId"))
        f.correlationToken = d.string(d.member(h, "correlationToken"))
        f.endpointId = d.string(d.path(dir, "endpoint", "endpointId"))
        return f
    }

    static func changeReport(_ d: JSONDocument, _ env: Int32, _ ev: Int32, _ h: Int32) -> RequestFields {
        var f = RequestFields()
        f.smartHome = true
        f.isChangeReport = true
        f.skillType = "smart_home"
        f.namespace = d.string(d.member(h, "namespace"))
        f.name = d.string(d.member(h, "name"))
        f.requestType = "Alexa.ChangeReport"
        f.messageId = d.string(d.member(h, "messageId"))
        f.endpointId = d.string(d.path(ev, "endpoint", "endpointId"))
        var seen: Set<String> = []
        var out: [UInt8] = [0x7b]
        appendProperties(d, d.path(ev, "payload", "change", "properties"), &out, &seen)
        appendProperties(d, d.path(env, "context", "properties"), &out, &seen)
        out.append(0x7d)
        if !seen.isEmpty { f.state = out }
        return f
    }

    static func smartHomeResponse(_ d: JSONDocument, _ env: Int32, _ ev: Int32, _ h: Int32) -> ResponseFields {
        var r = ResponseFields()
        r.smartHome = true
        r.correlationToken = d.string(d.member(h, "correlationToken"))
        let name = d.string(d.member(h, "name")) ?? ""
        if name == "DeferredResponse" {
            r.deferred = true
        } else if name == "ErrorResponse" {
            r.isError = true
            r.errorType = d.string(d.path(ev, "payload", "type"))
            r.errorMessage = d.string(d.path(ev, "payload", "message")).map { ErrorDetails.clean(ErrorDetails.firstLine($0)) }
        } else if name == "StateReport" {
            var seen: Set<String> = []
            var out: [UInt8] = [0x7b]
            appendProperties(d, d.path(env, "context", "properties"), &out, &seen)
            out.append(0x7d)
            r.state = out
        }
        return r
    }

    /// `"NAMESPACE.NAME":value` (`NAMESPACE.NAME:INSTANCE` for an instance) for each property.
    static func appendProperties(_ d: JSONDocument, _ arr: Int32?, _ out: inout [UInt8], _ seen: inout Set<String>) {
        guard let arr, d.kind(arr) == .array else { return }
        for p in d.children(arr) {
            guard let ns = d.string(d.member(p, "namespace")), let nm = d.string(d.member(p, "name")), let v = d.member(p, "value") else { continue }
            var key = ns + "." + nm
            if let inst = d.string(d.member(p, "instance")) { key += ":" + inst }
            guard seen.insert(key).inserted else { continue }
            if out.count > 1 { out.append(0x2c) }
            JSONText.appendQuoted(key, to: &out); out.append(0x3a)
            d.appendJSON(v, to: &out)
        }
    }

    static func customResponse(_ d: JSONDocument, _ r: Int32) -> ResponseFields {
        var f = ResponseFields()
        if let os = d.member(r, "outputSpeech"), d.kind(os) == .object {
            let text = d.string(d.member(os, "ssml")) ?? d.string(d.member(os, "text")) ?? ""
            f.speechMs = SpeechTime.estimateMs(ssmlOrText: text)
        } else {
            f.speechMs = 0
        }
        f.endSession = d.bool(d.member(r, "shouldEndSession"))
        if let rp = d.member(r, "reprompt") { f.reprompt = d.kind(rp) != .null } else { f.reprompt = false }
        return f
    }

    // MARK: Error markers in message text

    struct Markers { var error = false; var noHandler = false; var timedOut = false }

    static func markers(_ b: UnsafeRawBufferPointer) -> Markers {
        var m = Markers()
        guard let base = b.baseAddress, b.count >= 12 else { return m }
        func has(_ s: StaticString) -> Bool { findBytes(base, b.count, s.utf8Start, s.utf8CodeUnitCount) != nil }
        if has("Invoke Error") || has("Runtime exited") || has("Runtime.ExitError") || has("Traceback (most recent call last)") { m.error = true }
        // The ASK SDK dispatcher's error: its message, or only its name, which is all that
        // `JSON.stringify(error)` keeps (the ask-cli template's `~~~~ Error handled:` line).
        if has("Unable to find a suitable request handler") || has("AskSdk.GenericRequestDispatcher Error") { m.noHandler = true }
        if has("Task timed out after") { m.timedOut = true }
        return m
    }

    /// The message with every token-like value masked, for reject output; the line breaks of a
    /// multi-line message become spaces, so that a reject stays one line of `--rejects FILE`.
    static func masked(_ b: UnsafeRawBufferPointer, limit: Int = 4096) -> [UInt8] {
        var out = Array(b.prefix(limit))
        for k in out.indices where out[k] == 0x0a || out[k] == 0x0d { out[k] = 0x20 }
        var i = 0
        let n = out.count
        while i + 6 < n {
            // …oken" : "value"  or  …oken': 'value'
            if (out[i] == 0x74 || out[i] == 0x54), out[i + 1] == 0x6f, out[i + 2] == 0x6b, out[i + 3] == 0x65, out[i + 4] == 0x6e {
                var j = i + 5
                if j < n, out[j] == 0x73 { j += 1 }  // tokens
                if j < n, out[j] == 0x22 || out[j] == 0x27 || out[j] == 0x5c {
                    while j < n, out[j] == 0x22 || out[j] == 0x27 || out[j] == 0x5c { j += 1 }
                    while j < n, out[j] == 0x20 { j += 1 }
                    if j < n, out[j] == 0x3a {
                        j += 1
                        while j < n, out[j] == 0x20 || out[j] == 0x5c { j += 1 }
                        if j < n, out[j] == 0x22 || out[j] == 0x27 {
                            let q = out[j]
                            j += 1
                            while j < n, out[j] != q { if out[j] != 0x5c { out[j] = 0x2a }; j += 1 }
                        }
                    }
                }
                i = j
                continue
            }
            i += 1
        }
        return out
    }
}

/// `memmem` (not visible through Glibc): the first occurrence of `needle` in `count` bytes.
@inline(__always)
func findBytes(_ base: UnsafeRawPointer, _ count: Int, _ needle: UnsafeRawPointer, _ nlen: Int) -> UnsafeRawPointer? {
    guard nlen > 0, count >= nlen else { return nil }
    let first = Int32(needle.load(as: UInt8.self))
    var i = 0
    let last = count - nlen
    while i <= last {
        guard let p = memchr(base + i, first, last - i + 1) else { return nil }
        let at = UnsafeRawPointer(p) - base
        if memcmp(base + at, needle, nlen) == 0 { return base + at }
        i = at + 1
    }
    return nil
}

// Raw log formats: what the skill's Lambda writes to CloudWatch Logs for each invocation
// (START, the logged request envelope or directive, the response or the error, END, REPORT),
// as Lambda text logs, Lambda JSON logs, CloudWatch export lines or subscription payloads.
import SklogIO

/// One log event of an invocation: its time and message bytes (a range of `RawRenderer.msg`).
struct LogEvent {
    var ts: Int64
    var lo: Int
    var hi: Int
}

/// Renders an invocation's log events (text or JSON Lambda logging).
final class RawRenderer {
    let json: Bool
    let msg = ByteBuffer(capacity: 1 << 16)
    let compact = ByteBuffer(capacity: 1 << 14)
    let tmp = ByteBuffer(capacity: 1 << 14)
    var events: [LogEvent] = []

    init(json: Bool) { self.json = json }

    private func begin(_ ts: Int64) -> Int { events.append(LogEvent(ts: ts, lo: msg.count, hi: msg.count)); return events.count - 1 }
    private func end(_ i: Int) { events[i].hi = msg.count }

    /// Renders `r` (an invocation record) into `events`.
    func render(_ r: Rec, ctx: RenderContext) {
        msg.removeAll()
        events.removeAll(keepingCapacity: true)
        let t0 = r.ts
        let totalH = Int(r.durH) + Int(r.initH)
        let tEnd = t0 + Int64(totalH / 100)
        let tResp = max(t0, tEnd - 1)
        let lid = r.lambdaId
        let timedOut = r.outcome == 2
        let errored = r.outcome == 1 && !r.rt.isSmartHome

        // START
        var e = begin(t0)
        if json {
            msg.raw("{\"time\":\""); msg.timestamp(t0); msg.raw("\",\"type\":\"platform.start\",\"record\":{\"requestId\":\"")
            msg.uuid(lid); msg.raw("\",\"version\":\"$LATEST\"}}")
        } else {
            msg.raw("START RequestId: "); msg.uuid(lid); msg.raw(" Version: $LATEST")
        }
        end(e)

        // the request: envelope, directive or outbound event, pretty-printed
        compact.removeAll()
        let prefix: StaticString
        if r.rt == .changeReport { writeChangeReport(r, into: compact, ctx: ctx); prefix = "ChangeReport: " }
        else if r.rt.isSmartHome { writeDirective(r, into: compact, ctx: ctx); prefix = "Directive: " }
        else { writeEnvelope(r, into: compact, ctx: ctx); prefix = "REQUEST ENVELOPE: " }
        tmp.removeAll()
        tmp.raw(prefix)
        prettyPrint(compact, into: tmp)
        e = begin(t0)
        appLine(t0, lid, level: "INFO", message: tmp)
        end(e)

        // the response or the error
        if errored {
            e = begin(tResp)
            writeInvokeError(r, t: tResp, lid: lid)
            end(e)
        } else if !timedOut && r.rt != .changeReport {
            compact.removeAll()
            if r.rt.isSmartHome { writeSmartHomeResponse(r, into: compact, ctx: ctx) } else { writeResponse(r, into: compact, ctx: ctx) }
            tmp.removeAll()
            tmp.raw("Response: ")
            tmp.raw(compact)
            e = begin(tResp)
            appLine(tResp, lid, level: "INFO", message: tmp)
            end(e)
        }

        // END, REPORT (and the timeout notice)
        if json {
            e = begin(tEnd)
            msg.raw("{\"time\":\""); msg.timestamp(tEnd); msg.raw("\",\"type\":\"platform.report\",\"record\":{\"requestId\":\"")
            msg.uuid(lid); msg.raw("\",\"metrics\":{\"durationMs\":"); msg.fixed(Int(r.durH), decimals: 2)
            msg.raw(",\"billedDurationMs\":"); msg.int((Int(r.durH) + 99) / 100)
            msg.raw(",\"memorySizeMB\":256,\"maxMemoryUsedMB\":"); msg.int(Int(r.memUsed))
            if r.initH > 0 { msg.raw(",\"initDurationMs\":"); msg.fixed(Int(r.initH), decimals: 2) }
            msg.raw("},\"status\":\"")
            msg.raw(timedOut ? "timeout" : (errored ? "error" : "success"))
            msg.raw("\"}}")
            end(e)
        } else {
            e = begin(tEnd)
            msg.raw("END RequestId: "); msg.uuid(lid)
            end(e)
            e = begin(tEnd)
            msg.raw("REPORT RequestId: "); msg.uuid(lid)
            msg.raw("\tDuration: "); msg.fixed(Int(r.durH), decimals: 2)
            msg.raw(" ms\tBilled Duration: "); msg.int((Int(r.durH) + 99) / 100)
            msg.raw(" ms\tMemory Size: 256 MB\tMax Memory Used: "); msg.int(Int(r.memUsed)); msg.raw(" MB\t")
            if r.initH > 0 { msg.raw("Init Duration: "); msg.fixed(Int(r.initH), decimals: 2); msg.raw(" ms\t") }
            if timedOut { msg.raw("Status: timeout") }
            end(e)
            if timedOut {
                e = begin(tEnd)
                msg.timestamp(tEnd); msg.byte(0x20); msg.uuid(lid); msg.raw(" Task timed out after 8.00 seconds")
                end(e)
            }
        }
    }

    /// An application log line of the Node.js runtime.
    private func appLine(_ t: Int64, _ lid: ID128, level: StaticString, message: ByteBuffer) {
        if json {
            msg.raw("{\"timestamp\":\""); msg.timestamp(t); msg.raw("\",\"level\":\""); msg.raw(level)
            msg.raw("\",\"requestId\":\""); msg.uuid(lid); msg.raw("\",\"message\":\"")
            msg.escaped(UnsafeBufferPointer(start: message.base, count: message.count))
            msg.raw("\"}")
        } else {
            msg.timestamp(t); msg.byte(0x09); msg.uuid(lid); msg.byte(0x09); msg.raw(level); msg.byte(0x09)
            msg.raw(message)
        }
    }

    private func writeInvokeError(_ r: Rec, t: Int64, lid: ID128) {
        let x = plantedException(r)
        let type = x.type, message = x.message, stack = x.stack
        if json {
            msg.raw("{\"timestamp\":\""); msg.timestamp(t); msg.raw("\",\"level\":\"ERROR\",\"requestId\":\""); msg.uuid(lid)
            msg.raw("\",\"message\":\"Invoke Error\",\"errorType\":"); msg.jsonString(type)
            msg.raw(",\"errorMessage\":"); msg.jsonString(message)
            msg.raw(",\"stackTrace\":[")
            for (i, l) in stack.enumerated() { if i > 0 { msg.byte(0x2C) }; msg.jsonString(l) }
            msg.raw("]}")
        } else {
            msg.timestamp(t); msg.byte(0x09); msg.uuid(lid); msg.raw("\tERROR\tInvoke Error \t{\"errorType\":")
            msg.jsonString(type); msg.raw(",\"errorMessage\":"); msg.jsonString(message)
            msg.raw(",\"stack\":[")
            for (i, l) in stack.enumerated() { if i > 0 { msg.byte(0x2C) }; msg.jsonString(l) }
            msg.raw("]}")
        }
    }
}

// MARK: envelopes

/// Fake secrets: they look like tokens and must never reach a tool's output.
private func accessToken(_ b: ByteBuffer, _ key: UInt64) {
    b.raw("Atza|IwEB"); b.opaque(key ^ 0x7A7A, length: 120)
}

private func apiAccessToken(_ b: ByteBuffer, _ key: UInt64) {
    b.raw("eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJhdWQiOiJodHRwczovL2FwaS5hbWF6b25hbGV4YS5jb20i")
    b.opaque(key ^ 0x4A57, length: 160); b.byte(0x2E); b.opaque(key ^ 0x5349, length: 86)
}

func writeEnvelope(_ r: Rec, into b: ByteBuffer, ctx: RenderContext) {
    let t = ctx.t
    let info = UserInfo(seed: ctx.seed, user: max(0, r.user))
    let lg = lang(Int(max(0, r.locale)))
    let linked = info.key & 0x300 != 0
    let skill = t.skillIdJS[0]
    b.raw("{\"version\":\"1.0\"")
    if !r.session.isZero {
        b.raw(",\"session\":{\"new\":"); b.bool(r.newSession)
        b.raw(",\"sessionId\":\""); b.sessionId(r.session)
        b.raw("\",\"application\":{\"applicationId\":"); b.quoted(skill)
        b.raw("},\"attributes\":{")
        if !r.newSession {
            b.raw("\"gamesPlayed\":"); b.int(Int(r.aux % 40)); b.raw(",\"lastGame\":\"trivia\"")
        }
        b.raw("},\"user\":{\"userId\":\""); b.userId(r.user, ctx); b.byte(0x22)
        if linked { b.raw(",\"accessToken\":\""); accessToken(b, info.key); b.byte(0x22) }
        b.raw("}}")
    }
    b.raw(",\"context\":{\"System\":{\"application\":{\"applicationId\":"); b.quoted(skill)
    b.raw("},\"user\":{\"userId\":\""); b.userId(r.user, ctx); b.byte(0x22)
    if linked { b.raw(",\"accessToken\":\""); accessToken(b, info.key); b.byte(0x22) }
    if info.key & 0x400 != 0 { b.raw(",\"permissions\":{\"consentToken\":\""); apiAccessToken(b, info.key ^ 0x99); b.raw("\"}") }
    b.byte(0x7D)
    if r.rt.hasDevice {
        b.raw(",\"device\":{\"deviceId\":\""); b.deviceId(r.user, ctx)
        b.raw("\",\"supportedInterfaces\":"); b.raw(t.deviceInterfacesJS[info.device]); b.byte(0x7D)
    }
    b.raw(",\"apiEndpoint\":\""); b.raw(r.locale <= 0 ? "https://api.amazonalexa.com" : "https://api.eu.amazonalexa.com")
    b.raw("\",\"apiAccessToken\":\""); apiAccessToken(b, info.key &+ UInt64(r.ts)); b.raw("\"}")
    if r.rt == .playbackStarted || (r.rt.hasDevice && t.deviceInterfacesJS[info.device].count > 2) {
        b.raw(",\"AudioPlayer\":{\"playerActivity\":"); b.raw(r.rt == .playbackStarted ? "\"PLAYING\"" : "\"IDLE\"")
        if r.rt == .playbackStarted { b.raw(",\"token\":\"track-"); b.int(Int(r.aux % 500)); b.raw("\",\"offsetInMilliseconds\":0") }
        b.byte(0x7D)
    }
    if let vp = t.deviceViewportJS[info.device], r.rt.hasDevice { b.raw(",\"Viewport\":"); b.raw(vp) }
    b.raw("},\"request\":{\"type\":"); b.quoted(t.rtNames[Int(r.rt.rawValue)])
    b.raw(",\"requestId\":\""); b.messageId(r)
    b.raw("\",\"timestamp\":\""); b.timestamp(r.ts - floorDivMod(r.ts, 1000).1, millis: false); b.byte(0x22)
    if r.locale >= 0 { b.raw(",\"locale\":"); b.quoted(t.localeNames[Int(r.locale)]) }
    switch r.rt {
    case .launch:
        b.raw(",\"shouldLinkResultBeReturned\":false")
    case .intent, .canFulfill:
        let def = t.intents[Int(r.intent)]
        if r.rt == .intent { b.raw(",\"dialogState\":\"COMPLETED\"") }
        b.raw(",\"intent\":{\"name\":"); b.quoted(def.js); b.raw(",\"confirmationStatus\":\"NONE\"")
        if def.slotA != nil || def.slotB != nil {
            b.raw(",\"slots\":{")
            var first = true
            for k in 0..<2 {
                guard let s = k == 0 ? def.slotA : def.slotB else { continue }
                let v = k == 0 ? r.slotA : r.slotB
                if !first { b.byte(0x2C) }
                first = false
                b.byte(0x22); b.raw(s.name); b.raw("\":{\"name\":\""); b.raw(s.name); b.byte(0x22)
                if v >= 0 {
                    b.raw(",\"value\":"); b.quoted(s.escaped[lg][Int(v)])
                    b.raw(",\"resolutions\":{\"resolutionsPerAuthority\":[{\"authority\":\"amzn1.er-authority.echo-sdk.")
                    b.raw(skill); b.raw(".")
                    b.raw(s.name); b.raw("\",\"status\":{\"code\":\"ER_SUCCESS_MATCH\"},\"values\":[{\"value\":{\"name\":")
                    b.quoted(s.escaped[0][Int(v)]); b.raw(",\"id\":\""); b.hex(hash2(UInt64(v), 77) & 0xFFFF_FFFF, digits: 8)
                    b.raw("\"}}]}]}")
                }
                b.raw(",\"confirmationStatus\":\"NONE\",\"source\":\"USER\"}")
            }
            b.byte(0x7D)
        }
        b.byte(0x7D)
    case .sessionEnded:
        b.raw(",\"reason\":"); b.quoted(t.reasonNames[Int(r.reason)])
        if r.errorType >= 0 {
            b.raw(",\"error\":{\"type\":"); b.quoted(t.errorJS[Int(r.errorType)])
            b.raw(",\"message\":\"An exception occurred while dispatching the request to the skill.\"}")
        }
    case .connectionsResponse:
        b.raw(",\"status\":{\"code\":\"200\",\"message\":\"OK\"},\"name\":"); b.quoted(t.ispActionNames[Int(r.ispAction)])
        b.raw(",\"payload\":{\"purchaseResult\":"); b.quoted(t.purchaseResultNames[Int(r.purchaseResult)])
        b.raw(",\"productId\":"); b.quoted(t.productIdJS[Int(r.product)])
        b.raw(",\"message\":\"\"},\"token\":\"isp-"); b.uuid(r.other); b.byte(0x22)
    case .playbackStarted:
        b.raw(",\"token\":\"track-"); b.int(Int(r.aux % 500)); b.raw("\",\"offsetInMilliseconds\":0")
    case .exceptionEncountered:
        b.raw(",\"error\":{\"type\":\"INVALID_RESPONSE\",\"message\":\"The response contains an unsupported directive.\"},\"cause\":{\"requestId\":\"")
        b.requestId(r.other); b.raw("\"}")
    case .skillEnabled, .skillDisabled, .skillAccountLinked:
        b.raw(",\"eventCreationTime\":\""); b.timestamp(r.ts - 1000 - Int64(r.aux % 4000), millis: false)
        b.raw("\",\"eventPublishingTime\":\""); b.timestamp(r.ts - floorDivMod(r.ts, 1000).1, millis: false)
        b.raw("\",\"body\":{")
        if r.rt == .skillAccountLinked { b.raw("\"accessToken\":\""); accessToken(b, info.key ^ 0x1111); b.byte(0x22) }
        if r.rt == .skillDisabled { b.raw("\"userInformationPersistenceStatus\":\"PERSISTED\"") }
        b.byte(0x7D)
    default:
        break
    }
    b.raw("}}")
}

func writeResponse(_ r: Rec, into b: ByteBuffer, ctx: RenderContext) {
    let t = ctx.t
    let lg = lang(Int(max(0, r.locale)))
    b.raw("{\"version\":\"1.0\",\"response\":{")
    var first = true
    func sep() { if !first { b.byte(0x2C) }; first = false }
    if r.response >= 0 {
        let resp = t.responses[lg][Int(r.response)]
        if resp.ssml != nil {
            sep(); b.raw("\"outputSpeech\":{\"type\":\"SSML\",\"ssml\":"); b.quoted(resp.ssmlJS); b.byte(0x7D)
        }
        if resp.reprompt != nil {
            sep(); b.raw("\"reprompt\":{\"outputSpeech\":{\"type\":\"SSML\",\"ssml\":"); b.quoted(resp.repromptJS); b.raw("}}")
        }
        if let d = resp.directives {
            switch d {
            case "buy", "upsell", "cancel":
                sep()
                b.raw("\"directives\":[{\"type\":\"Connections.SendRequest\",\"name\":")
                b.raw(d == "buy" ? "\"Buy\"" : (d == "upsell" ? "\"Upsell\"" : "\"Cancel\""))
                b.raw(",\"payload\":{\"InSkillProduct\":{\"productId\":")
                let product = r.slotA >= 0 && r.intent == Int8(Intent.buy) ? Int(r.slotA) : 2
                b.quoted(t.productIdJS[product]); b.byte(0x7D)
                if d == "upsell" { b.raw(",\"upsellMessage\":\"Quiz Plus gives you a new round every day. Want to hear more?\"") }
                b.raw("},\"token\":\"correlationToken\"}]")
            case "canfulfill":
                sep()
                b.raw("\"canFulfillIntent\":{\"canFulfill\":\"YES\",\"slots\":{\"game\":{\"canUnderstand\":\"YES\",\"canFulfill\":\"YES\"}}}")
            default:
                break
            }
        }
        if let e = resp.endSession { sep(); b.raw("\"shouldEndSession\":"); b.bool(e) }
    }
    b.raw("},\"userAgent\":\"ask-node/2.14.0 Node/v20.11.1\"")
    if !r.session.isZero { b.raw(",\"sessionAttributes\":{\"gamesPlayed\":"); b.int(Int(r.aux % 40) + 1); b.raw(",\"lastGame\":\"trivia\"}") }
    b.byte(0x7D)
}

// MARK: smart home

private func header(_ b: ByteBuffer, namespace: [UInt8], name: [UInt8], msg: ID128, correlation: ID128?) {
    b.raw("\"header\":{\"namespace\":\""); b.raw(namespace); b.raw("\",\"name\":\""); b.raw(name)
    b.raw("\",\"payloadVersion\":\"3\",\"messageId\":\""); b.uuid(msg); b.byte(0x22)
    if let c = correlation, !c.isZero { b.raw(",\"correlationToken\":\""); b.correlationToken(c); b.byte(0x22) }
    b.byte(0x7D)
}

func writeDirective(_ r: Rec, into b: ByteBuffer, ctx: RenderContext) {
    let t = ctx.t
    let info = UserInfo(seed: ctx.seed, user: max(0, r.user))
    b.raw("{\"directive\":{")
    header(b, namespace: t.shNamespace[Int(r.rt.rawValue)], name: t.shName[Int(r.rt.rawValue)], msg: r.msg, correlation: r.correlation)
    if r.endpoint >= 0 {
        b.raw(",\"endpoint\":{\"scope\":{\"type\":\"BearerToken\",\"token\":\""); accessToken(b, info.key)
        b.raw("\"},\"endpointId\":\""); b.endpointId(r.user, r.endpoint, info: info, ctx)
        b.raw("\",\"cookie\":{}}")
    }
    b.raw(",\"payload\":{")
    switch r.rt {
    case .discover:
        b.raw("\"scope\":{\"type\":\"BearerToken\",\"token\":\""); accessToken(b, info.key); b.raw("\"}")
    case .setBrightness: b.raw("\"brightness\":"); b.int(Int(r.dirValue))
    case .adjustBrightness: b.raw("\"brightnessDelta\":"); b.int(Int(r.dirValue))
    case .setTargetTemperature:
        b.raw("\"targetSetpoint\":{\"value\":"); b.fixed(Int(r.dirValue), decimals: 1); b.raw(",\"scale\":\"CELSIUS\"}")
    case .setThermostatMode: b.raw("\"thermostatMode\":{\"value\":"); b.quoted(t.thermostatModes[Int(r.dirValue)]); b.byte(0x7D)
    default: break
    }
    b.raw("}}}")
}

/// `context.properties` / `payload.change.properties` entries for the properties in the mask.
private func properties(_ b: ByteBuffer, _ s: SHState, time: Int64, ctx: RenderContext) {
    b.byte(0x5B)
    var first = true
    func prop(_ ns: StaticString, _ name: StaticString) {
        if !first { b.byte(0x2C) }
        first = false
        b.raw("{\"namespace\":\""); b.raw(ns); b.raw("\",\"name\":\""); b.raw(name); b.raw("\",\"value\":")
    }
    func tail() {
        b.raw(",\"timeOfSample\":\""); b.timestamp(time); b.raw("\",\"uncertaintyInMilliseconds\":500}")
    }
    if s.mask & SHState.power != 0 { prop("Alexa.PowerController", "powerState"); b.raw(s.powerOn ? "\"ON\"" : "\"OFF\""); tail() }
    if s.mask & SHState.brightness != 0 { prop("Alexa.BrightnessController", "brightness"); b.int(Int(s.brightness)); tail() }
    if s.mask & SHState.setpoint != 0 {
        prop("Alexa.ThermostatController", "targetSetpoint")
        b.raw("{\"value\":"); b.fixed(Int(s.setpoint), decimals: 1); b.raw(",\"scale\":\"CELSIUS\"}"); tail()
    }
    if s.mask & SHState.mode != 0 { prop("Alexa.ThermostatController", "thermostatMode"); b.quoted(ctx.t.thermostatModes[Int(s.mode)]); tail() }
    if s.mask & SHState.lock != 0 { prop("Alexa.LockController", "lockState"); b.raw(s.locked ? "\"LOCKED\"" : "\"UNLOCKED\""); tail() }
    b.byte(0x5D)
}

func writeSmartHomeResponse(_ r: Rec, into b: ByteBuffer, ctx: RenderContext) {
    let info = UserInfo(seed: ctx.seed, user: max(0, r.user))
    let responseId = ID128(hi: r.msg.hi ^ 0x5EED, lo: r.msg.lo &+ 1)
    b.raw("{\"event\":{")
    if r.outcome == 1 {
        header(b, namespace: HeaderNames.alexaJS, name: HeaderNames.errorResponseJS, msg: responseId, correlation: r.correlation)
    } else if r.rt == .discover {
        header(b, namespace: HeaderNames.discoveryJS, name: HeaderNames.discoverResponseJS, msg: responseId, correlation: nil)
    } else if r.rt == .reportState {
        header(b, namespace: HeaderNames.alexaJS, name: HeaderNames.stateReportJS, msg: responseId, correlation: r.correlation)
    } else {
        header(b, namespace: HeaderNames.alexaJS, name: HeaderNames.responseJS, msg: responseId, correlation: r.correlation)
    }
    if r.endpoint >= 0 {
        b.raw(",\"endpoint\":{\"endpointId\":\""); b.endpointId(r.user, r.endpoint, info: info, ctx); b.raw("\"}")
    }
    b.raw(",\"payload\":{")
    if r.outcome == 1 {
        b.raw("\"type\":"); b.quoted(ctx.t.errorJS[Int(r.errorType)]); b.raw(",\"message\":\"The endpoint could not be reached.\"")
    } else if r.rt == .discover {
        b.raw("\"endpoints\":[")
        for k in 0..<info.endpoints {
            if k > 0 { b.byte(0x2C) }
            b.raw("{\"endpointId\":\""); b.endpointId(r.user, Int8(k), info: info, ctx)
            b.raw("\",\"manufacturerName\":\"Lumen Home\",\"friendlyName\":\"")
            b.raw(ctx.t.endpointKindJS[info.endpointKind(k).rawValue]); b.byte(0x20); b.int(k + 1)
            b.raw("\",\"displayCategories\":[\"OTHER\"],\"capabilities\":[{\"type\":\"AlexaInterface\",\"interface\":\"Alexa\",\"version\":\"3\"}]}")
        }
        b.byte(0x5D)
    }
    b.raw("}}")
    if r.outcome == 0 && r.rt == .reportState && r.state.mask != 0 {
        b.raw(",\"context\":{\"properties\":"); properties(b, r.state, time: r.ts, ctx: ctx); b.byte(0x7D)
    }
    b.byte(0x7D)
}

func writeChangeReport(_ r: Rec, into b: ByteBuffer, ctx: RenderContext) {
    let info = UserInfo(seed: ctx.seed, user: max(0, r.user))
    b.raw("{\"event\":{")
    header(b, namespace: HeaderNames.alexaJS, name: HeaderNames.changeReportJS, msg: r.msg, correlation: nil)
    b.raw(",\"endpoint\":{\"scope\":{\"type\":\"BearerToken\",\"token\":\""); accessToken(b, info.key)
    b.raw("\"},\"endpointId\":\""); b.endpointId(r.user, r.endpoint, info: info, ctx)
    b.raw("\"},\"payload\":{\"change\":{\"cause\":{\"type\":")
    b.raw(r.changeCause == 0 ? "\"VOICE_INTERACTION\"" : "\"PHYSICAL_INTERACTION\"")
    b.raw("},\"properties\":"); properties(b, r.state, time: r.ts, ctx: ctx)
    b.raw("}}},\"context\":{\"properties\":[]}}")
}

// MARK: pretty printing

/// JSON.stringify(value, null, 2) layout of a compact JSON text.
func prettyPrint(_ src: ByteBuffer, into out: ByteBuffer) {
    let p = src.base
    let n = src.count
    var depth = 0
    var i = 0
    out.reserve(n + n / 2)
    @inline(__always) func newline() {
        out.byte(0x0A)
        out.repeated(0x20, depth * 2)
    }
    while i < n {
        let c = p[i]
        switch c {
        case 0x22:
            var j = i + 1
            while j < n && p[j] != 0x22 { j += p[j] == 0x5C ? 2 : 1 }
            out.raw(UnsafeRawBufferPointer(start: p + i, count: min(j + 1, n) - i))
            i = j + 1
            continue
        case 0x7B, 0x5B:
            let close: UInt8 = c == 0x7B ? 0x7D : 0x5D
            if i + 1 < n && p[i + 1] == close {
                out.byte(c); out.byte(close)
                i += 2
                continue
            }
            out.byte(c)
            depth += 1
            newline()
        case 0x7D, 0x5D:
            depth -= 1
            newline()
            out.byte(c)
        case 0x2C:
            out.byte(c)
            newline()
        case 0x3A:
            out.byte(0x3A); out.byte(0x20)
        default:
            // a run of number / literal characters
            var j = i + 1
            while j < n {
                let d = p[j]
                if d == 0x2C || d == 0x7D || d == 0x5D || d == 0x3A || d == 0x22 || d == 0x7B || d == 0x5B { break }
                j += 1
            }
            out.raw(UnsafeRawBufferPointer(start: p + i, count: j - i))
            i = j
            continue
        }
        i += 1
    }
}

// MARK: formats

/// Lambda text logs (each event's message on its own line(s), as a log stream shows them) or
/// Lambda JSON logs (one JSON object per line).
final class LambdaFormat: FormatWriter {
    let r: RawRenderer
    init(json: Bool) { r = RawRenderer(json: json) }
    func write(_ rec: Rec, into b: ByteBuffer, ctx: RenderContext) {
        r.render(rec, ctx: ctx)
        for e in r.events {
            b.raw(UnsafeRawBufferPointer(start: r.msg.base + e.lo, count: e.hi - e.lo))
            b.byte(0x0A)
        }
    }
    func finish(streams: [Stream], ctx: RenderContext) {}
}

/// CloudWatch export to S3: `ISO-TIMESTAMP MESSAGE`, continuation lines without a timestamp.
final class CloudWatchExportFormat: FormatWriter {
    let r = RawRenderer(json: false)
    func write(_ rec: Rec, into b: ByteBuffer, ctx: RenderContext) {
        r.render(rec, ctx: ctx)
        for e in r.events {
            b.timestamp(e.ts); b.byte(0x20)
            b.raw(UnsafeRawBufferPointer(start: r.msg.base + e.lo, count: e.hi - e.lo))
            b.byte(0x0A)
        }
    }
    func finish(streams: [Stream], ctx: RenderContext) {}
}

/// CloudWatch Logs subscription payloads: the log events of an invocation are rendered as
/// `logEvents` entries; a batcher per stream groups them into DATA_MESSAGE documents, some
/// wrapped as `{"awslogs":{"data":BASE64(GZIP(JSON))}}`.
final class SubscriptionFormat: FormatWriter {
    let r = RawRenderer(json: false)
    var eventCounter: UInt64 = 0
    let seed: UInt64

    init(streams: [Stream], seed: UInt64) {
        self.seed = seed
        for (i, s) in streams.enumerated() {
            s.batcher = SubscriptionBatcher(stream: i, seed: seed)
        }
        if let s = streams.first {
            // A control message, as a subscription delivers when it is set up.
            s.buf.raw("{\"messageType\":\"CONTROL_MESSAGE\",\"owner\":\"CloudwatchLogs\",\"logGroup\":\"\",\"logStream\":\"\",\"subscriptionFilters\":[],\"logEvents\":[{\"id\":\"\",\"timestamp\":1,\"message\":\"CWL CONTROL MESSAGE: Checking health of destination Firehose.\"}]}\n")
        }
    }

    func write(_ rec: Rec, into b: ByteBuffer, ctx: RenderContext) {
        r.render(rec, ctx: ctx)
        for (k, e) in r.events.enumerated() {
            if k > 0 { b.byte(0x2C) }
            b.raw("{\"id\":\"")
            // 56-digit event id: timestamp, then digits from a counter hash.
            b.padded(Int(e.ts), 17)
            let h = hash2(rec.msg.lo ^ seed, UInt64(k))
            b.padded(Int(h % 1_000_000_000_000_000_000), 19)
            b.padded(Int((h >> 3) % 1_000_000_000_000_000_000), 19)
            b.padded(Int(k), 1)
            b.raw("\",\"timestamp\":"); b.int(Int(e.ts))
            b.raw(",\"message\":\"")
            b.escaped(UnsafeBufferPointer(start: r.msg.base + e.lo, count: e.hi - e.lo))
            b.raw("\\n\"}")
        }
    }

    func finish(streams: [Stream], ctx: RenderContext) {
        for s in streams { (s.batcher as? SubscriptionBatcher)?.flushDocument(into: s) ; s.flush() }
    }
}

/// Groups units of a stream (comma-joined logEvents entries) into subscription documents.
final class SubscriptionBatcher: Batcher {
    let stream: Int
    var rng: Rng
    let events = ByteBuffer(capacity: 1 << 16)
    var units = 0
    var target = 1
    let doc = ByteBuffer(capacity: 1 << 16)
    var gz: [UInt8] = []
    var compressor: GzipWriter?

    init(stream: Int, seed: UInt64) {
        self.stream = stream
        rng = Rng(seed: seed, stream: 1000 + UInt64(stream))
        target = rng.range(1, 8)
    }

    func add(_ unit: UnsafeRawBufferPointer, to s: Stream) {
        if units > 0 { events.byte(0x2C) }
        events.raw(unit)
        units += 1
        if units >= target { flushDocument(into: s) }
    }

    func flushDocument(into s: Stream) {
        guard units > 0 else { return }
        doc.removeAll()
        doc.raw("{\"messageType\":\"DATA_MESSAGE\",\"owner\":\"123456789012\",\"logGroup\":\"/aws/lambda/quiz-night-skill\",\"logStream\":\"2026/11/02/[$LATEST]")
        doc.hex(hash2(0x5354, UInt64(stream)), digits: 16); doc.hex(hash2(0x5355, UInt64(stream)), digits: 16)
        doc.raw("\",\"subscriptionFilters\":[\"sklog-archive\"],\"logEvents\":[")
        doc.raw(events)
        doc.raw("]}")
        if rng.chance(0.1) {
            gz.removeAll(keepingCapacity: true)
            if compressor == nil {
                compressor = try? GzipWriter(level: 1, bufferSize: 1 << 16) { [unowned self] chunk in self.gz.append(contentsOf: chunk) }
            }
            if let c = compressor {
                _ = try? doc.withBytes { try c.write($0) }
                try? c.finish()
                try? c.reset()
            }
            s.buf.raw("{\"awslogs\":{\"data\":\"")
            base64(gz, into: s.buf)
            s.buf.raw("\"}}\n")
        } else {
            s.buf.raw(doc)
            s.buf.byte(0x0A)
        }
        events.removeAll()
        units = 0
        target = rng.range(1, 8)
        s.flushIfFull()
    }
}

func base64(_ bytes: [UInt8], into b: ByteBuffer) {
    let table: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    var i = 0
    let n = bytes.count
    b.reserve((n + 2) / 3 * 4)
    while i + 3 <= n {
        let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
        b.byte(table[Int(v >> 18)]); b.byte(table[Int(v >> 12 & 63)]); b.byte(table[Int(v >> 6 & 63)]); b.byte(table[Int(v & 63)])
        i += 3
    }
    if n - i == 1 {
        let v = UInt32(bytes[i]) << 16
        b.byte(table[Int(v >> 18)]); b.byte(table[Int(v >> 12 & 63)]); b.raw("==")
    } else if n - i == 2 {
        let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
        b.byte(table[Int(v >> 18)]); b.byte(table[Int(v >> 12 & 63)]); b.byte(table[Int(v >> 6 & 63)]); b.byte(0x3D)
    }
}

enum HeaderNames {
    static let alexaJS: [UInt8] = Array("Alexa".utf8)
    static let errorResponseJS: [UInt8] = Array("ErrorResponse".utf8)
    static let discoveryJS: [UInt8] = Array("Alexa.Discovery".utf8)
    static let discoverResponseJS: [UInt8] = Array("Discover.Response".utf8)
    static let stateReportJS: [UInt8] = Array("StateReport".utf8)
    static let responseJS: [UInt8] = Array("Response".utf8)
    static let changeReportJS: [UInt8] = Array("ChangeReport".utf8)
}

// Rendering of ids and of canonical records (schema sklog.record/1), one compact JSON object
// per line, straight into a byte buffer.

/// Shared rendering context (per run): seed-derived keys and caches.
final class RenderContext {
    let seed: UInt64
    let t = Tables()
    let userIds: IdCache
    let deviceIds: IdCache
    private let cachep: UnsafeMutablePointer<[Int: JS]>
    private var utteranceCache: [Int: JS] {
        unsafeAddress { UnsafePointer(cachep) }
        unsafeMutableAddress { cachep }
    }

    deinit { cachep.deinitialize(count: 1); cachep.deallocate() }

    init(seed: UInt64) {
        self.seed = seed
        cachep = .allocate(capacity: 1)
        cachep.initialize(to: [:])
        userIds = IdCache(salt: seed ^ 0x4143_4354)
        deviceIds = IdCache(salt: seed ^ 0x4445_5649)
    }

    func utterance(_ r: Rec, lang lg: Int) -> JS {
        let key = (Int(r.intent) + 1) * 100_000 + lg * 10_000 + Int(r.utterance) * 1000 + (Int(r.slotA) + 1) * 10 + Int(r.slotB) + 1
        if let u = utteranceCache[key] { return u }
        let s: String
        if r.rt == .launch || r.intent < 0 {
            s = launchUtterances[lg][Int(r.utterance)]
        } else {
            let def = intents[Int(r.intent)]
            let a = r.slotA >= 0 ? def.slotA?.values[lg][Int(r.slotA)] : nil
            let b = r.slotB >= 0 ? def.slotB?.values[lg][Int(r.slotB)] : nil
            s = renderUtterance(def.utterances[lg][Int(r.utterance)], a: a, b: b)
        }
        let j = esc(s)
        utteranceCache[key] = j
        return j
    }
}

extension ByteBuffer {
    func messageId(_ r: Rec) {
        switch r.rt {
        case .discover, .turnOn, .turnOff, .setBrightness, .adjustBrightness, .setTargetTemperature,
             .setThermostatMode, .lock, .unlock, .reportState, .changeReport:
            uuid(r.msg)
        case .oauthToken, .alInitiated, .alCompleted, .subStarted, .subConverted, .subEnded:
            raw("amzn1.ask.event."); uuid(r.msg)
        default:
            raw("amzn1.echo-api.request."); uuid(r.msg)
        }
    }

    func requestId(_ id: ID128) { raw("amzn1.echo-api.request."); uuid(id) }
    func sessionId(_ id: ID128) { raw("amzn1.echo-api.session."); uuid(id) }

    func userId(_ user: Int32, _ ctx: RenderContext) {
        raw("amzn1.ask.account.")
        ctx.userIds.write(user, into: self)
    }

    func deviceId(_ user: Int32, _ ctx: RenderContext) {
        raw("amzn1.ask.device.")
        ctx.deviceIds.write(user, into: self)
    }

    func endpointId(_ user: Int32, _ k: Int8, info: UserInfo, _ ctx: RenderContext) {
        raw(ctx.t.endpointKindJS[info.endpointKind(Int(k)).rawValue])
        byte(0x2D)
        hex(info.key >> 32, digits: 8)
        byte(0x2D)
        int(Int(k) + 1)
    }

    func correlationToken(_ id: ID128) {
        opaque(id.hi ^ (id.lo &* 31), length: 96)
    }

    /// `{"powerState":"ON",...}` for the properties in the state's mask.
    func stateObject(_ s: SHState, _ thermostatModes: [JS]) {
        byte(0x7B)
        var first = true
        func key(_ k: StaticString) {
            if !first { byte(0x2C) }
            first = false
            raw(k)
        }
        if s.mask & SHState.power != 0 { key("\"powerState\":"); raw(s.powerOn ? "\"ON\"" : "\"OFF\"") }
        if s.mask & SHState.brightness != 0 { key("\"brightness\":"); int(Int(s.brightness)) }
        if s.mask & SHState.setpoint != 0 {
            key("\"targetSetpoint\":{\"value\":"); fixed(Int(s.setpoint), decimals: 1); raw(",\"scale\":\"CELSIUS\"}")
        }
        if s.mask & SHState.mode != 0 { key("\"thermostatMode\":"); quoted(thermostatModes[Int(s.mode)]) }
        if s.mask & SHState.lock != 0 { key("\"lockState\":"); raw(s.locked ? "\"LOCKED\"" : "\"UNLOCKED\"") }
        byte(0x7D)
    }

    @inline(__always)
    func field(_ k: StaticString, _ v: JS) { raw(k); quoted(v) }

    @inline(__always)
    func bool(_ v: Bool) { if v { raw("true") } else { raw("false") } }
}

extension String {
    var utf8Array: [UInt8] { Array(utf8) }
}

/// Which canonical fields a format carries (the truth is computed over the same view).
struct View {
    /// Canonical records: every field. Raw Lambda formats: what a log can carry.
    let full: Bool

    func includes(_ r: Rec) -> Bool { full || r.rt.isInvocation }
    func confidence(_ r: Rec) -> Int8 { full ? r.confidence : -1 }
    func bargeIn(_ r: Rec) -> Int8 { full ? r.bargeIn : -1 }
    func unhandled(_ r: Rec) -> Bool { full ? r.unhandled : false }
    /// Smart home directives carry no user id in raw logs (only a bearer token).
    func hasUser(_ r: Rec) -> Bool { r.user >= 0 && (full || !r.rt.isSmartHome) }
}

/// Writes one canonical record line (with the trailing newline).
func writeCanonical(_ r: Rec, into b: ByteBuffer, ctx: RenderContext) {
    let seed = ctx.seed
    let t = ctx.t
    let info = UserInfo(seed: seed, user: max(0, r.user))
    let lg = lang(Int(max(0, r.locale)))
    b.reserve(1600)
    b.raw("{\"ts\":\""); b.timestamp(r.ts)
    b.raw("\",\"messageId\":\""); b.messageId(r)
    b.raw("\",\"requestType\":"); b.quoted(t.rtNames[Int(r.rt.rawValue)])
    let kind = r.rt.skillType
    b.raw(",\"skillType\":"); b.quoted(t.skillTypeNames[kind.rawValue])
    b.raw(",\"skillId\":"); b.quoted(t.skillIdJS[kind.rawValue])
    if !r.session.isZero { b.raw(",\"sessionId\":\""); b.sessionId(r.session); b.byte(0x22) }
    if r.user >= 0 {
        b.raw(",\"userId\":\""); b.userId(r.user, ctx); b.byte(0x22)
        if r.rt.hasDevice { b.raw(",\"deviceId\":\""); b.deviceId(r.user, ctx); b.byte(0x22) }
    }
    if r.locale >= 0 { b.field(",\"locale\":", t.localeNames[Int(r.locale)]) }
    b.field(",\"stage\":", t.stageNames[Int(r.stage)])
    if r.intent >= 0 {
        let def = t.intents[Int(r.intent)]
        b.raw(",\"intent\":"); b.quoted(def.js)
        if r.slotA >= 0 || r.slotB >= 0 {
            b.raw(",\"slots\":{")
            var first = true
            if r.slotA >= 0, let a = def.slotA {
                b.byte(0x22); b.raw(a.name); b.raw("\":"); b.quoted(a.escaped[lg][Int(r.slotA)]); first = false
            }
            if r.slotB >= 0, let s = def.slotB {
                if !first { b.byte(0x2C) }
                b.byte(0x22); b.raw(s.name); b.raw("\":"); b.quoted(s.escaped[lg][Int(r.slotB)])
            }
            b.byte(0x7D)
        }
    }
    if r.utterance >= 0 { b.raw(",\"utterance\":"); b.quoted(ctx.utterance(r, lang: lg)) }
    if r.confidence >= 0 { b.field(",\"confidence\":", t.confidenceNames[Int(r.confidence)]) }
    if r.latency >= 0 {
        b.raw(",\"latencyMs\":"); b.int(Int(r.latency))
        if r.rt != .oauthToken {
            b.field(",\"latencySource\":", t.latencySourceNames[r.rt.isSmartHome ? 1 : Int(r.latencySource)])
        }
    }
    if r.outcome >= 0 { b.field(",\"outcome\":", t.outcomeNames[Int(r.outcome)]) }
    if r.errorType >= 0 { b.field(",\"errorType\":", t.errorJS[Int(r.errorType)]) }
    if r.response >= 0 {
        let resp = t.responses[lg][Int(r.response)]
        if let e = resp.endSession { b.raw(",\"endSession\":"); b.bool(e) }
        if let s = resp.speechMs {
            b.raw(",\"reprompt\":"); b.bool(resp.reprompt != nil)
            b.raw(",\"speechMs\":"); b.int(s)
        }
    }
    if r.bargeIn >= 0 { b.raw(",\"bargeIn\":"); b.bool(r.bargeIn == 1) }
    if r.unhandled { b.raw(",\"unhandled\":true") }
    if r.reason >= 0 { b.field(",\"reason\":", t.reasonNames[Int(r.reason)]) }
    if let (ns, name) = r.rt.shHeader {
        _ = (ns, name)
        b.raw(",\"namespace\":\""); b.raw(t.shNamespace[Int(r.rt.rawValue)])
        b.raw("\",\"name\":\""); b.raw(t.shName[Int(r.rt.rawValue)]); b.byte(0x22)
        if r.endpoint >= 0 { b.raw(",\"endpointId\":\""); b.endpointId(r.user, r.endpoint, info: info, ctx); b.byte(0x22) }
        if !r.correlation.isZero { b.raw(",\"correlationToken\":\""); b.correlationToken(r.correlation); b.byte(0x22) }
        if r.state.mask != 0 && (r.rt == .changeReport || r.rt == .reportState) { b.raw(",\"state\":"); b.stateObject(r.state, t.thermostatModes) }
    }
    if r.ispAction >= 0 { b.field(",\"ispAction\":", t.ispActionNames[Int(r.ispAction)]) }
    if r.product >= 0 {
        b.field(",\"productId\":", t.productIdJS[Int(r.product)])
        b.field(",\"productType\":", t.productTypeJS[Int(r.product)])
    }
    if r.purchaseResult >= 0 { b.field(",\"purchaseResult\":", t.purchaseResultNames[Int(r.purchaseResult)]) }
    if r.offerHeard >= 0 { b.raw(",\"offerHeard\":"); b.bool(r.offerHeard == 1) }
    if r.trial >= 0 { b.raw(",\"trial\":"); b.bool(r.trial == 1) }
    if r.grantType >= 0 { b.field(",\"grantType\":", t.grantTypeNames[Int(r.grantType)]) }
    if r.via >= 0 { b.field(",\"via\":", t.viaNames[Int(r.via)]) }
    writeExtras(r, into: b, info: info, ctx: ctx)
    b.raw("}\n")
}

/// Realistic unknown fields (nested objects a parser must skip and keep).
private func writeExtras(_ r: Rec, into b: ByteBuffer, info: UserInfo, ctx: RenderContext) {
    let t = ctx.t
    b.raw(",\"device\":{\"id\":\"")
    if r.user >= 0 { b.deviceId(r.user, ctx) } else { b.raw("unknown") }
    b.raw("\",\"supportedInterfaces\":"); b.raw(t.deviceInterfacesJS[info.device]); b.byte(0x7D)
    b.raw(",\"request\":{\"timestamp\":\""); b.timestamp(r.ts - r.ts % 1000 - (r.ts % 1000 < 0 ? 1000 : 0), millis: false)
    b.raw("\",\"version\":\"1.0\"")
    if r.rt == .intent { b.raw(",\"dialogState\":\"COMPLETED\",\"confirmationStatus\":\"NONE\"") }
    b.byte(0x7D)
    switch r.rt.skillType {
    case .custom:
        b.raw(",\"apiEndpoint\":\"")
        b.raw(r.locale <= 0 ? "https://api.amazonalexa.com" : "https://api.eu.amazonalexa.com")
        b.byte(0x22)
        if !r.session.isZero {
            b.raw(",\"session\":{\"new\":"); b.bool(r.newSession)
            b.raw(",\"attributes\":{\"gamesPlayed\":"); b.int(Int(r.aux % 40))
            b.raw(",\"lastGame\":\"trivia\",\"streak\":"); b.int(Int((r.aux >> 8) % 6)); b.raw("}}")
        }
        if let vp = t.deviceViewportJS[info.device] { b.raw(",\"viewport\":"); b.raw(vp) }
        b.raw(",\"userAgent\":\"ask-node/2.14.0 Node/v20.11.1\"")
        if r.rt == .exceptionEncountered {
            b.raw(",\"error\":{\"type\":\"INVALID_RESPONSE\",\"message\":\"The response contains an unsupported directive.\"},\"cause\":{\"requestId\":\"")
            b.requestId(r.other); b.raw("\"}")
        }
        if r.rt == .playbackStarted {
            b.raw(",\"audio\":{\"token\":\"track-"); b.int(Int(r.aux % 500)); b.raw("\",\"offsetInMilliseconds\":"); b.int(Int((r.aux >> 16) % 5000)); b.byte(0x7D)
        }
    case .smartHome:
        b.raw(",\"payloadVersion\":\"3\",\"endpointMeta\":{\"manufacturerName\":\"Lumen Home\",\"cookie\":{\"hub\":\"hub-")
        b.hex(info.key & 0xFFFF, digits: 4)
        b.raw("\",\"region\":\"eu-west-1\"}}")
        if r.rt == .changeReport {
            b.raw(",\"cause\":"); b.raw(r.changeCause == 0 ? "\"VOICE_INTERACTION\"" : "\"PHYSICAL_INTERACTION\"")
        }
    case .flashBriefing:
        b.raw(",\"feed\":{\"url\":\"https://feeds.quiznight.example/daily.json\",\"itemUid\":\"urn:uuid:")
        b.uuid(ID128(hi: r.aux, lo: UInt64(r.ts)))
        b.raw("\",\"titleText\":\"Quiz Night daily question\"}")
    }
}

/// Direct-mapped cache of the opaque part of user and device ids (rendered once per user).
final class IdCache {
    static let slots = 1 << 14
    static let length = 72
    let salt: UInt64
    let tags: UnsafeMutablePointer<Int32>
    let data: UnsafeMutablePointer<UInt8>

    init(salt: UInt64) {
        self.salt = salt
        tags = .allocate(capacity: IdCache.slots)
        tags.initialize(repeating: -1, count: IdCache.slots)
        data = .allocate(capacity: IdCache.slots * IdCache.length)
        data.initialize(repeating: 0, count: IdCache.slots * IdCache.length)
    }

    deinit {
        tags.deallocate()
        data.deallocate()
    }

    @inline(__always)
    func write(_ user: Int32, into b: ByteBuffer) {
        let i = Int(user) & (IdCache.slots - 1)
        let d = data + i * IdCache.length
        if tags[i] != user {
            fillOpaque(d, key: hash2(salt, UInt64(user)), length: IdCache.length)
            tags[i] = user
        }
        b.raw(UnsafeRawBufferPointer(start: d, count: IdCache.length))
    }
}

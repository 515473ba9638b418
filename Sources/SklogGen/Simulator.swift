// The traffic model: actors (a custom-skill session, a burst of smart home directives, a
// flash briefing play, a lifecycle or account-linking flow, ...) start over the period with a
// daily rhythm; each actor writes its records into a min-heap, and records leave the heap in
// time order once no later-starting actor can precede them.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Per-user attributes derived from a hash (nothing stored per user).
struct UserInfo {
    let key: UInt64
    let locale: Int8
    let stage: Int8
    let device: Int
    let endpoints: Int

    init(seed: UInt64, user: Int32) {
        let h = hash2(seed ^ 0x5553_4552, UInt64(user))
        key = h
        let l = h % 100
        locale = l < 60 ? 0 : (l < 85 ? 1 : 2)
        stage = (h >> 8) % 100 < 4 ? 1 : 0
        let d = Int((h >> 16) % 20)
        device = d < 9 ? 0 : (d < 15 ? 1 : (d < 17 ? 2 : 3))
        endpoints = 1 + Int((h >> 24) % 4)
    }

    func endpointKind(_ k: Int) -> EndpointKind {
        // The first endpoint of a user is a light; the others vary.
        if k == 0 { return .light }
        return EndpointKind(rawValue: Int(hash2(key, UInt64(10 + k)) % 4))!
    }
}

protocol RecordSink: AnyObject {
    /// Receives records in time order.
    func emit(_ r: inout Rec)
}

struct SubState {
    var active = false
    /// Paid (or converted before `convertAt`).
    var paid = false
    var convertAt: Int64 = 0
    var endScheduled = false
}

final class Simulator {
    let opt: GenOptions
    let users: Int
    let streams: Int
    let endTs: Int64
    // Held through pointers: a mutating call on a stored property of a class costs a dynamic
    // exclusivity check, and these are called for every random number and record.
    private let rngp: UnsafeMutablePointer<Rng>
    private let heapp: UnsafeMutablePointer<RecHeap>
    var rng: Rng {
        unsafeAddress { UnsafePointer(rngp) }
        unsafeMutableAddress { rngp }
    }
    var heap: RecHeap {
        unsafeAddress { UnsafePointer(heapp) }
        unsafeMutableAddress { heapp }
    }
    var seq: Int64 = 0
    let truth: Truth?
    weak var sink: RecordSink?
    /// Count only (pilot run for calibration): no heap, no truth.
    let countOnly: Bool
    var counted = 0
    var stopped = false

    var seenUsers: [UInt64]
    var endpointStates: [Int64: SHState] = [:]
    var subs: [Int32: SubState] = [:]
    var sessionBuf: [Rec] = []

    init(options: GenOptions, streams: Int, truth: Truth?, seedStream: UInt64 = 1, countOnly: Bool = false) {
        opt = options
        users = options.effectiveUsers
        self.streams = max(1, streams)
        endTs = options.start + Int64(max(1, options.days)) * 86_400_000
        rngp = .allocate(capacity: 1)
        rngp.initialize(to: Rng(seed: options.seed, stream: seedStream))
        heapp = .allocate(capacity: 1)
        heapp.initialize(to: RecHeap())
        self.truth = truth
        self.countOnly = countOnly
        seenUsers = [UInt64](repeating: 0, count: (users + 63) / 64)
        sessionBuf.reserveCapacity(64)
    }

    deinit {
        rngp.deinitialize(count: 1); rngp.deallocate()
        heapp.deinitialize(count: 1); heapp.deallocate()
    }

    // MARK: driver

    static let hourWeights: [Double] = [0.3, 0.2, 0.15, 0.1, 0.1, 0.2, 0.5, 1.0, 1.2, 0.9, 0.8, 0.8,
                                        0.9, 0.8, 0.7, 0.8, 1.0, 1.3, 1.6, 1.8, 1.7, 1.3, 0.9, 0.5]

    /// Average records per actor, measured on a pilot run with another seed stream.
    static func recordsPerActor(_ options: GenOptions) -> Double {
        var o = options
        o.days = 1
        let pilot = Simulator(options: o, streams: 1, truth: nil, seedStream: 0xC0FFEE, countOnly: true)
        let n = 4000
        for i in 0..<n { pilot.actor(at: o.start + Int64(i) * 20_000) }
        return max(1, Double(pilot.counted) / Double(n))
    }

    func run() {
        if opt.records <= 0 { return }
        let perActor = Simulator.recordsPerActor(opt)
        let actors = max(1, Int((Double(opt.records) / perActor).rounded()))
        let days = max(1, opt.days)
        let slotsPerDay = 96
        let slotMs: Int64 = 900_000
        var weights: [Double] = []
        weights.reserveCapacity(days * slotsPerDay)
        let startDay = Int(floorDivMod(opt.start, 86_400_000).0)
        for d in 0..<days {
            let weekday = (startDay + d + 3) % 7 // 0 = Monday (1970-01-01 was a Thursday)
            let wk = weekday >= 5 ? 1.2 : 1.0
            for s in 0..<slotsPerDay { weights.append(Simulator.hourWeights[s / 4] * wk) }
        }
        let total = weights.reduce(0, +)
        var cum = 0.0
        var assigned = 0
        var starts: [Int64] = []
        for (i, w) in weights.enumerated() {
            cum += w
            let target = i == weights.count - 1 ? actors : Int((Double(actors) * cum / total).rounded())
            let n = max(0, target - assigned)
            assigned += n
            if n == 0 { continue }
            let slotStart = opt.start + Int64(i) * slotMs
            starts.removeAll(keepingCapacity: true)
            for _ in 0..<n { starts.append(slotStart + Int64(rng.below(Int(slotMs)))) }
            starts.sort()
            if stopped { return }
            for t in starts {
                while !heap.isEmpty && heap.minTs < t { var r = heap.pop(); sink?.emit(&r) }
                actor(at: t)
            }
        }
        while !heap.isEmpty { var r = heap.pop(); sink?.emit(&r) }
    }

    @inline(__always)
    func push(_ r: inout Rec) {
        if countOnly { counted += 1; return }
        if r.ts >= endTs + 3_600_000 { return } // far beyond the period (scheduled events): dropped
        r.seq = seq
        seq += 1
        truth?.count(r)
        heap.push(r)
    }

    func actor(at t: Int64) {
        let kind = rng.weighted([700, 150, 60, 35, 25, 12, 12, 6])
        let stream = Int32(rng.below(streams))
        switch kind {
        case 0: customSession(t, user: pickUser(), stream: stream)
        case 1: smartHome(t, user: pickSmartHomeUser(), stream: stream)
        case 2: flashBriefing(t, user: pickUser(), stream: stream)
        case 3: lifecycle(t, user: pickUser(), stream: stream)
        case 4: oauthRefresh(t, user: pickUser(), stream: stream)
        case 5: canFulfill(t, user: pickUser(), stream: stream)
        case 6: playbackStarted(t, user: pickUser(), stream: stream)
        default: exceptionEncountered(t, user: pickUser(), stream: stream)
        }
    }

    func pickUser() -> Int32 {
        if rng.chance(0.5) {
            let x = rng.unit()
            return Int32(min(users - 1, Int(Double(users) * x * x)))
        }
        return Int32(rng.below(users))
    }

    /// Smart home users are those with index % 4 == 3.
    func pickSmartHomeUser() -> Int32 {
        if users < 4 { return Int32(users - 1) }
        let groups = users / 4
        return Int32(rng.below(groups) * 4 + 3)
    }

    // MARK: common fields

    func base(_ rt: RT, _ t: Int64, user: Int32, stream: Int32) -> Rec {
        var r = Rec()
        r.rt = rt
        r.ts = t
        r.user = user
        r.stream = stream
        r.msg = rng.id128()
        r.aux = rng.next()
        if user >= 0 {
            let info = UserInfo(seed: opt.seed, user: user)
            r.locale = rt.hasDevice ? info.locale : -1
            r.stage = info.stage
        }
        return r
    }

    /// Endpoint latency in ms: log-normal body with a slow tail.
    func latency(median: Double, sigma: Double, slow: Double) -> Int {
        if rng.chance(slow) { return rng.range(3000, 7500) }
        return max(15, min(2900, Int(rng.logNormal(median: median, sigma: sigma))))
    }

    /// Fills the Lambda invocation fields so that round(Duration + Init Duration) == latency.
    func invocation(_ r: inout Rec, latency L: Int) {
        r.lambdaId = rng.id128()
        r.memUsed = Int16(58 + rng.below(40))
        if rng.chance(0.06) && L > 300 {
            r.initH = Int32(rng.range(10_000, min(60_000, L * 100 - 10_000)))
        } else {
            r.initH = 0
        }
        var d = L * 100 - Int(r.initH) + rng.range(-40, 40)
        if d < 60 { d = 60 }
        r.durH = Int32(d)
        r.latency = Int32((d + Int(r.initH) + 50) / 100)
        r.outcome = 0
    }

    /// A timed-out invocation (8 s Lambda timeout): no response.
    func timeout(_ r: inout Rec) {
        r.lambdaId = rng.id128()
        r.memUsed = Int16(70 + rng.below(40))
        r.initH = rng.chance(0.1) ? Int32(rng.range(10_000, 60_000)) : 0
        var d = 800_000 + rng.range(0, 990)
        if (d + Int(r.initH)) % 100 == 50 { d += 1 }
        r.durH = Int32(d)
        r.latency = Int32((d + Int(r.initH) + 50) / 100)
        r.outcome = 2
        r.response = -1
    }

    func firstSeen(_ u: Int32) -> Bool {
        let w = Int(u) >> 6, b = UInt64(1) << UInt64(Int(u) & 63)
        if seenUsers[w] & b != 0 { return false }
        seenUsers[w] |= b
        return true
    }

    // MARK: custom skill sessions

    struct TurnSpec {
        var launch = false
        var intent: Int8 = -1
        var slotA: Int8 = -1
        var slotB: Int8 = -1
        var template: Int8 = -1
        var retry = false
        var bargeIn = false
    }

    func chooseIntent(_ i: Int, lang: Int) -> TurnSpec {
        var s = TurnSpec()
        s.intent = Int8(i)
        let def = intents[i]
        let templates = def.utterances[lang]
        s.template = Int8(rng.below(templates.count))
        if let a = def.slotA { s.slotA = Int8(rng.below(a.values[lang].count)) }
        if let b = def.slotB, templates[Int(s.template)].contains("{b}") {
            s.slotB = Int8(rng.below(b.values[lang].count))
        }
        return s
    }

    /// Next intent by context: 0 after launch, 1 in a game (a question was asked), 2 otherwise.
    func nextIntent(context: Int) -> Int {
        switch context {
        case 0:
            let w = [40, 1, 8, 4, 3, 1, 7, 6, 8, 4, 1, 12, 3, 2]
            return rng.weighted(w)
        case 1:
            let w = [4, 62, 3, 0, 0, 0, 4, 7, 8, 3, 2, 0, 2, 5]
            return rng.weighted(w)
        default:
            let w = [35, 5, 5, 2, 3, 1, 4, 7, 12, 6, 2, 15, 5, 0]
            return rng.weighted(w)
        }
    }

    func customSession(_ t0: Int64, user: Int32, stream: Int32) {
        let info = UserInfo(seed: opt.seed, user: user)
        let lg = lang(Int(info.locale))
        let sid = rng.id128()
        let latSource: Int8 = rng.chance(0.7) ? 0 : 1
        let oneShot = rng.chance(0.16)
        let quitAfterWelcome = !oneShot && rng.chance(0.10)
        let maxTurns = rng.range(3, 14)
        let firstTime = countOnly ? false : firstSeen(user)
        sessionBuf.removeAll(keepingCapacity: true)

        var spec: TurnSpec
        if oneShot {
            let first = rng.weighted([35, 0, 50, 5, 0, 0, 3, 5, 2, 0, 0, 0, 0, 0])
            spec = chooseIntent(first, lang: lg)
        } else {
            spec = TurnSpec()
            spec.launch = true
            spec.template = rng.chance(0.6) ? Int8(rng.below(launchUtterances[lg].count)) : -1
        }
        var t = t0
        var turnNo = 0
        var answers = 0
        var context = 0

        while true {
            var r = base(spec.launch ? .launch : .intent, t, user: user, stream: stream)
            r.session = sid
            r.latencySource = latSource
            r.newSession = turnNo == 0
            r.turnIndex = Int16(turnNo)
            if !spec.launch {
                r.intent = spec.intent
                r.slotA = spec.slotA
                r.slotB = spec.slotB
                r.utterance = rng.chance(0.92) ? spec.template : -1
                if rng.chance(0.9) {
                    let c = rng.unit()
                    r.confidence = c < 0.06 ? 2 : (c < 0.20 ? 1 : 0)
                }
            } else {
                r.utterance = spec.template
            }
            if turnNo > 0 && rng.chance(0.25) { r.bargeIn = spec.bargeIn ? 1 : 0 }

            // outcome
            let intent = Int(r.intent)
            let pErr = intent == Intent.score ? 0.04 : 0.02
            let pNo = intent == Intent.score ? 0.02 : 0.008
            let x = rng.unit()
            if x < pErr {
                let L = latency(median: 300, sigma: 0.7, slow: 0.05)
                invocation(&r, latency: L)
                r.outcome = 1
                r.response = -1
                r.errorType = Int8([E.noHandler, E.typeError, E.referenceError, E.error][rng.weighted([20, 35, 15, 30])])
            } else if x < pErr + pNo {
                timeout(&r)
            } else {
                let L = latency(median: 320, sigma: 0.6, slow: 0.025)
                invocation(&r, latency: L)
                // response
                var resp: Int
                if spec.launch {
                    resp = (firstTime && turnNo == 0) || rng.chance(0.15) ? R.welcomeLong : R.welcome
                    context = 0
                } else {
                    switch intent {
                    case Intent.play:
                        if rng.chance(0.05) { resp = R.ispUpsell } else { resp = R.question; context = 1 }
                    case Intent.answer:
                        answers += 1
                        if answers >= 5 { resp = R.gameOver } else {
                            resp = rng.chance(0.25) ? R.questionShort : (rng.chance(0.5) ? R.correct : R.wrong)
                            context = 1
                        }
                    case Intent.score: resp = (oneShot && turnNo == 0) || rng.chance(0.1) ? R.scoreEnd : R.score; context = 2
                    case Intent.difficulty: resp = R.difficulty; context = 2
                    case Intent.buy: resp = R.ispBuy; context = 2
                    case Intent.cancelSub: resp = R.ispCancel; context = 2
                    case Intent.help: resp = R.help; context = 2
                    case Intent.fallback: resp = R.fallback
                    case Intent.stop, Intent.cancel, Intent.home: resp = R.goodbye
                    case Intent.yes: resp = R.yesStart; context = 1
                    case Intent.no: resp = R.purchaseDeclined; context = 2
                    default: resp = R.question; context = 1
                    }
                    if rng.chance(0.015) && intent != Intent.stop && intent != Intent.cancel && intent != Intent.home
                        && responses[0][resp].speechMs != nil {
                        r.unhandled = true
                        resp = R.unhandled
                        context = 2
                    }
                }
                r.response = Int8(resp)
            }
            sessionBuf.append(r)
            turnNo += 1
            let failed = r.outcome != 0
            let lat = Int64(r.latency)
            let rsp = r.response >= 0 ? responses[lg][Int(r.response)] : nil
            let speech = Int64(rsp?.speechMs ?? 0)
            if rsp?.endSession == true { break }

            if failed {
                let y = rng.unit()
                if y < 0.45 {
                    var e = base(.sessionEnded, t + lat + Int64(rng.range(500, 3000)), user: user, stream: stream)
                    e.session = sid
                    e.latencySource = latSource
                    e.reason = 1
                    e.errorType = Int8(r.outcome == 2 ? E.endpointTimeout : (rng.chance(0.6) ? E.invalidResponse : E.internalServiceError))
                    invocation(&e, latency: latency(median: 40, sigma: 0.5, slow: 0))
                    e.response = Int8(R.sessionEnded)
                    sessionBuf.append(e)
                    break
                } else if y < 0.75 && !spec.launch && turnNo < maxTurns + 2 {
                    var s = spec
                    s.retry = true
                    s.bargeIn = false
                    spec = s
                    t += lat + Int64(rng.range(2500, 3300))
                    continue
                } else {
                    break // left open: the user gave up
                }
            }

            // ISP flow: the purchase runs outside the skill, then Connections.Response arrives.
            if let d = rsp?.directives, d == "buy" || d == "upsell" || d == "cancel" {
                var c = base(.connectionsResponse, t + lat + Int64(rng.range(6000, 30000)), user: user, stream: stream)
                c.session = sid
                c.latencySource = latSource
                c.other = rng.id128()
                ispOutcome(&c, action: d, spec: spec)
                invocation(&c, latency: latency(median: 250, sigma: 0.5, slow: 0.01))
                c.response = Int8(c.purchaseResult == PR.accepted && d != "cancel" ? R.purchaseThanks : R.purchaseDeclined)
                sessionBuf.append(c)
                subscriptionEvents(after: c, user: user, stream: stream)
                let cs = Int64(responses[lg][Int(c.response)].speechMs ?? 0)
                t = c.ts + Int64(c.latency) + cs + Int64(rng.range(3000, 12000))
                context = 2
                if turnNo >= maxTurns || rng.chance(0.2) { break } // left open after the purchase flow
                let next = chooseIntent(nextIntent(context: context), lang: lg)
                if next.intent == spec.intent && next.slotA == spec.slotA && next.slotB == spec.slotB {
                    t = max(t, r.ts + Int64(rng.range(20_000, 25_000)))
                }
                spec = next
                continue
            }

            // how the session goes on
            var endKind = 0 // 0 next turn, 1 SER USER_INITIATED, 2 EXCEEDED_MAX_REPROMPTS, 3 left open, 4 SER ERROR
            var next: TurnSpec
            if quitAfterWelcome && turnNo == 1 {
                if rng.chance(0.35) { endKind = 1 }
                next = chooseIntent(rng.chance(0.7) ? Intent.stop : Intent.cancel, lang: lg)
            } else if turnNo >= maxTurns {
                next = chooseIntent(rng.weighted([0, 0, 0, 0, 0, 0, 0, 0, 6, 2, 1, 0, 0, 0]), lang: lg)
                let z = rng.unit()
                endKind = z < 0.3 ? 1 : (z < 0.4 ? 3 : 0)
            } else {
                let z = rng.unit()
                if z < 0.035 { endKind = 1 } else if z < 0.085 { endKind = 2 } else if z < 0.12 { endKind = 3 } else if z < 0.126 { endKind = 4 }
                let lowOrUnhandled = r.confidence == 2 || r.unhandled || intent == Intent.fallback
                if endKind == 0 && !spec.launch && lowOrUnhandled && rng.chance(0.3) && lat + speech + 5000 <= 12_000 {
                    var s = spec
                    s.retry = true
                    next = s
                } else {
                    next = chooseIntent(nextIntent(context: context), lang: lg)
                }
            }
            if endKind == 2 && rsp?.reprompt == nil { endKind = 3 }

            switch endKind {
            case 1, 2, 4:
                let gap: Int64
                if endKind == 1 { gap = lat + speech + Int64(rng.range(2000, 8000)) }
                else if endKind == 2 { gap = lat + speech + Int64(rng.range(18_000, 22_000)) }
                else { gap = lat + Int64(rng.range(500, 4000)) }
                var e = base(.sessionEnded, t + gap, user: user, stream: stream)
                e.session = sid
                e.latencySource = latSource
                e.reason = endKind == 1 ? 0 : (endKind == 2 ? 2 : 1)
                if endKind == 4 { e.errorType = Int8(E.deviceCommunicationError) }
                invocation(&e, latency: latency(median: 40, sigma: 0.5, slow: 0))
                e.response = Int8(R.sessionEnded)
                sessionBuf.append(e)
            case 3:
                break
            default:
                // Next turn: a barge-in lands clearly inside the response's speaking time, any
                // other turn clearly after it (>= 3 s of silence); a retry within 12 s, and the
                // same intent and slots otherwise never within 20 s.
                var gap: Int64
                let canBarge = speech >= 4000 && !next.retry
                let sameAsThis = !spec.launch && next.intent == spec.intent && next.slotA == spec.slotA && next.slotB == spec.slotB
                let barge = canBarge && !sameAsThis && rng.chance(quitAfterWelcome && turnNo == 1 ? 0.35 : 0.12)
                if barge {
                    gap = lat + Int64(rng.range(1200, Int(speech) - 800))
                    next.bargeIn = true
                } else if next.retry {
                    gap = lat + speech + Int64(rng.range(3000, 5000))
                    next.bargeIn = false
                } else {
                    gap = lat + speech + Int64(rng.range(3000, 15000))
                    next.bargeIn = false
                    if sameAsThis {
                        gap = max(gap, Int64(rng.range(20_000, 25_000)))
                    }
                }
                t += gap
                spec = next
                continue
            }
            break
        }
        finishSession()
    }

    func finishSession() {
        if countOnly { counted += sessionBuf.count; return }
        truth?.session(sessionBuf)
        for i in sessionBuf.indices { push(&sessionBuf[i]) }
    }

    func ispOutcome(_ c: inout Rec, action: String, spec: TurnSpec) {
        switch action {
        case "buy":
            c.ispAction = 0
            c.product = spec.slotA >= 0 ? spec.slotA : Int8(rng.below(products.count))
            let heard = rng.chance(0.9)
            c.offerHeard = heard ? 1 : 0
            c.purchaseResult = Int8(heard ? [PR.accepted, PR.declined, PR.error][rng.weighted([50, 42, 8])]
                                          : [PR.alreadyPurchased, PR.declined, PR.error][rng.weighted([60, 30, 10])])
        case "upsell":
            c.ispAction = 1
            c.product = rng.chance(0.6) ? 2 : 0
            let heard = rng.chance(0.45)
            c.offerHeard = heard ? 1 : 0
            c.purchaseResult = Int8(heard ? (rng.chance(0.4) ? PR.accepted : PR.declined) : PR.declined)
        default:
            c.ispAction = 2
            c.product = 2
            var s = subs[c.user] ?? SubState()
            if s.active && !s.endScheduled && (s.paid || (s.convertAt > 0 && s.convertAt <= c.ts)) {
                c.purchaseResult = Int8(rng.chance(0.8) ? PR.accepted : PR.declined)
                if c.purchaseResult == Int8(PR.accepted) {
                    s.endScheduled = true
                    subs[c.user] = s
                    var e = base(.subEnded, c.ts + Int64(rng.range(60_000, 3 * 86_400_000)), user: c.user, stream: c.stream)
                    e.product = 2
                    push(&e)
                }
            } else {
                c.purchaseResult = Int8(PR.notEntitled)
            }
        }
    }

    func subscriptionEvents(after c: Rec, user: Int32, stream: Int32) {
        guard c.ispAction != 2, products[Int(c.product)].type == "SUBSCRIPTION", c.purchaseResult == Int8(PR.accepted) else { return }
        if countOnly { counted += 1; return }
        var s = subs[user] ?? SubState()
        if s.active { return }
        var st = base(.subStarted, c.ts + Int64(rng.range(1000, 5000)), user: user, stream: stream)
        st.product = c.product
        let trial = rng.chance(0.6)
        st.trial = trial ? 1 : 0
        push(&st)
        s = SubState(active: true, paid: !trial, convertAt: 0, endScheduled: false)
        if trial {
            if rng.chance(0.55) {
                var cv = base(.subConverted, st.ts + 7 * 86_400_000, user: user, stream: stream)
                cv.product = c.product
                s.convertAt = cv.ts
                push(&cv)
                if rng.chance(0.25) {
                    var e = base(.subEnded, cv.ts + Int64(rng.range(3, 30)) * 86_400_000, user: user, stream: stream)
                    e.product = c.product
                    s.endScheduled = true
                    push(&e)
                }
            } else {
                var e = base(.subEnded, st.ts + Int64(rng.range(2 * 86_400_000, 7 * 86_400_000 - 60_000)), user: user, stream: stream)
                e.product = c.product
                s.endScheduled = true
                push(&e)
            }
        } else if rng.chance(0.25) {
            var e = base(.subEnded, st.ts + Int64(rng.range(10, 40)) * 86_400_000, user: user, stream: stream)
            e.product = c.product
            s.endScheduled = true
            push(&e)
        }
        subs[user] = s
    }

    // MARK: smart home

    func endpointState(_ user: Int32, _ k: Int, _ info: UserInfo) -> SHState {
        let key = Int64(user) * 8 + Int64(k)
        if let s = endpointStates[key] { return s }
        let s = SHState.initial(info.endpointKind(k), hash2(info.key, UInt64(100 + k)))
        endpointStates[key] = s
        return s
    }

    func setEndpointState(_ user: Int32, _ k: Int, _ s: SHState) {
        endpointStates[Int64(user) * 8 + Int64(k)] = s
    }

    func shLatency() -> Int { latency(median: 180, sigma: 0.7, slow: 0.015) }

    func smartHome(_ t0: Int64, user: Int32, stream: Int32) {
        let info = UserInfo(seed: opt.seed, user: user)
        var t = t0
        if rng.chance(0.04) {
            var r = base(.discover, t, user: user, stream: stream)
            r.locale = -1
            invocation(&r, latency: rng.range(600, 2800))
            if rng.chance(0.03) { r.outcome = 1; r.errorType = Int8(E.internalError) }
            emitSH(&r)
            return
        }
        let n = rng.weighted([0, 55, 30, 15])
        for _ in 0..<n {
            let k = rng.below(info.endpoints)
            let kind = info.endpointKind(k)
            var s = endpointState(user, k, info)
            let rt: RT
            switch kind {
            case .light: rt = [RT.turnOn, .turnOff, .setBrightness, .adjustBrightness][rng.weighted([35, 35, 20, 10])]
            case .plug: rt = rng.chance(0.5) ? .turnOn : .turnOff
            case .thermostat: rt = rng.chance(0.7) ? .setTargetTemperature : .setThermostatMode
            case .lock: rt = rng.chance(0.6) ? .lock : .unlock
            }
            var r = base(rt, t, user: user, stream: stream)
            r.locale = -1
            r.endpoint = Int8(k)
            r.correlation = rng.id128()
            var changed: UInt8 = 0
            var ns = s
            switch rt {
            case .turnOn: ns.powerOn = true; changed = SHState.power
            case .turnOff: ns.powerOn = false; changed = SHState.power
            case .setBrightness:
                let v = rng.range(1, 20) * 5
                r.dirValue = Int32(v); ns.brightness = UInt8(v); changed = SHState.brightness
            case .adjustBrightness:
                let d = rng.chance(0.5) ? -25 : 25
                r.dirValue = Int32(d)
                ns.brightness = UInt8(max(0, min(100, Int(s.brightness) + d))); changed = SHState.brightness
            case .setTargetTemperature:
                let v = rng.range(170, 250) / 5 * 5
                r.dirValue = Int32(v); ns.setpoint = Int16(v); changed = SHState.setpoint
            case .setThermostatMode:
                let m = rng.below(4)
                r.dirValue = Int32(m); ns.mode = UInt8(m); changed = SHState.mode
            case .lock: ns.locked = true; changed = SHState.lock
            case .unlock: ns.locked = false; changed = SHState.lock
            default: break
            }
            let x = rng.unit()
            if x < 0.04 {
                invocation(&r, latency: shLatency())
                r.outcome = 1
                r.errorType = Int8([E.endpointUnreachable, E.internalError, E.bridgeUnreachable, E.valueOutOfRange, E.endpointBusy][rng.weighted([55, 15, 15, 10, 5])])
            } else if x < 0.05 {
                timeout(&r)
            } else {
                invocation(&r, latency: shLatency())
                s = ns
                setEndpointState(user, k, s)
            }
            emitSH(&r)
            if r.outcome == 0 && rng.chance(0.85) {
                var c = base(.changeReport, r.ts + Int64(r.latency) + Int64(rng.range(300, 2500)), user: user, stream: stream)
                c.locale = -1
                c.endpoint = Int8(k)
                c.changeCause = 0
                c.state = s
                c.state.mask = s.mask & changed
                if rng.chance(0.05) { corrupt(&c.state) }
                invocation(&c, latency: rng.range(20, 120))
                emitSH(&c)
            }
            t += Int64(r.latency) + Int64(rng.range(3000, 30000))
        }
        if rng.chance(0.12) {
            // A physical interaction: the state changes; the change report is sometimes missed.
            let k = rng.below(info.endpoints)
            var s = endpointState(user, k, info)
            let changed: UInt8
            if s.mask & SHState.power != 0 { s.powerOn.toggle(); changed = SHState.power }
            else if s.mask & SHState.lock != 0 { s.locked.toggle(); changed = SHState.lock }
            else { s.setpoint = Int16(rng.range(170, 250) / 5 * 5); changed = SHState.setpoint }
            setEndpointState(user, k, s)
            if rng.chance(0.6) {
                var c = base(.changeReport, t, user: user, stream: stream)
                c.locale = -1
                c.endpoint = Int8(k)
                c.changeCause = 1
                c.state = s
                c.state.mask = changed
                invocation(&c, latency: rng.range(20, 120))
                emitSH(&c)
            }
            t += Int64(rng.range(5000, 60000))
        }
        if rng.chance(0.35) {
            let k = rng.below(info.endpoints)
            let s = endpointState(user, k, info)
            var r = base(.reportState, t, user: user, stream: stream)
            r.locale = -1
            r.endpoint = Int8(k)
            r.correlation = rng.id128()
            if rng.chance(0.97) {
                invocation(&r, latency: shLatency())
                r.state = s
            } else {
                invocation(&r, latency: shLatency())
                r.outcome = 1
                r.errorType = Int8(E.endpointUnreachable)
            }
            emitSH(&r)
        }
    }

    func corrupt(_ s: inout SHState) {
        if s.mask & SHState.power != 0 { s.powerOn.toggle() }
        if s.mask & SHState.brightness != 0 { s.brightness = UInt8((Int(s.brightness) + 40) % 100) }
        if s.mask & SHState.setpoint != 0 { s.setpoint += 10 }
        if s.mask & SHState.mode != 0 { s.mode = (s.mode + 1) % 4 }
        if s.mask & SHState.lock != 0 { s.locked.toggle() }
    }

    func emitSH(_ r: inout Rec) {
        if countOnly { counted += 1; return }
        push(&r)
    }

    // MARK: other actors

    func one(_ r: inout Rec) {
        if countOnly { counted += 1; return }
        push(&r)
    }

    func flashBriefing(_ t: Int64, user: Int32, stream: Int32) {
        var r = base(.flashPlay, t, user: user, stream: stream)
        one(&r)
    }

    func lifecycle(_ t: Int64, user: Int32, stream: Int32) {
        let x = rng.weighted([40, 15, 45])
        if x == 0 || x == 1 {
            var r = base(x == 0 ? .skillEnabled : .skillDisabled, t, user: user, stream: stream)
            invocation(&r, latency: latency(median: 60, sigma: 0.5, slow: 0))
            r.response = Int8(R.empty)
            one(&r)
            return
        }
        var a = base(.alInitiated, t, user: user, stream: stream)
        let via: Int8 = rng.chance(0.7) ? 0 : 1
        a.via = via
        one(&a)
        var tok = base(.oauthToken, t + Int64(rng.range(20_000, 120_000)), user: user, stream: stream)
        tok.grantType = 0
        oauthOutcome(&tok, refresh: false)
        one(&tok)
        if tok.outcome == 0 && rng.chance(0.85) {
            let linked = rng.chance(0.3)
            var c = base(linked ? .skillAccountLinked : .alCompleted, tok.ts + Int64(tok.latency) + Int64(rng.range(1000, 5000)), user: user, stream: stream)
            if linked {
                invocation(&c, latency: latency(median: 60, sigma: 0.5, slow: 0))
                c.response = Int8(R.empty)
            } else {
                c.via = via
            }
            one(&c)
        }
    }

    func oauthOutcome(_ r: inout Rec, refresh: Bool) {
        r.latency = Int32(latency(median: 150, sigma: 0.6, slow: 0.01))
        let x = rng.unit()
        if x < (refresh ? 0.05 : 0.09) {
            r.outcome = 1
            let codes = refresh
                ? [E.invalidGrant, E.invalidClient, E.serverError, E.invalidTokenNS, E.invalidRequest]
                : [E.invalidGrant, E.invalidRequest, E.invalidClient, E.unauthorizedClient, E.invalidScope, E.unsupportedGrantType, E.serverError, E.temporarilyUnavailable]
            let w = refresh ? [60, 15, 10, 10, 5] : [35, 15, 15, 10, 8, 5, 7, 5]
            r.errorType = Int8(codes[rng.weighted(w)])
        } else if x < (refresh ? 0.06 : 0.12) {
            r.outcome = 2
            r.latency = Int32(rng.range(10_000, 10_500))
        } else {
            r.outcome = 0
        }
    }

    func oauthRefresh(_ t: Int64, user: Int32, stream: Int32) {
        var r = base(.oauthToken, t, user: user, stream: stream)
        r.grantType = 1
        oauthOutcome(&r, refresh: true)
        one(&r)
    }

    func canFulfill(_ t: Int64, user: Int32, stream: Int32) {
        let info = UserInfo(seed: opt.seed, user: user)
        var r = base(.canFulfill, t, user: user, stream: stream)
        let s = chooseIntent(Intent.play, lang: lang(Int(info.locale)))
        r.intent = s.intent
        r.slotA = s.slotA
        invocation(&r, latency: latency(median: 120, sigma: 0.5, slow: 0))
        r.response = Int8(R.canFulfill)
        one(&r)
    }

    func playbackStarted(_ t: Int64, user: Int32, stream: Int32) {
        var r = base(.playbackStarted, t, user: user, stream: stream)
        invocation(&r, latency: latency(median: 60, sigma: 0.5, slow: 0))
        r.response = Int8(R.empty)
        one(&r)
    }

    func exceptionEncountered(_ t: Int64, user: Int32, stream: Int32) {
        var r = base(.exceptionEncountered, t, user: user, stream: stream)
        r.other = rng.id128()
        invocation(&r, latency: latency(median: 60, sigma: 0.5, slow: 0))
        r.response = Int8(R.empty)
        one(&r)
    }
}

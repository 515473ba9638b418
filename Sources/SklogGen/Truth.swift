// Ground truth: SPEC 5.2 outcomes and 5.3 friction for every simulated session, applied to
// exactly what the chosen output format carries, and a summary of totals.

enum SessionOutcome: Int, CaseIterable {
    case failed = 0, noResponse, userEnded, skillEnded, unknown
    var name: StaticString {
        switch self {
        case .failed: return "failed"
        case .noResponse: return "no_response"
        case .userEnded: return "user_ended"
        case .skillEnded: return "skill_ended"
        case .unknown: return "unknown"
        }
    }
}

enum FrictionType: Int, CaseIterable {
    case bargeIn = 0, termination, unhandled, lowConfidence, systemError
    var name: StaticString {
        switch self {
        case .bargeIn: return "barge_in"
        case .termination: return "termination"
        case .unhandled: return "unhandled"
        case .lowConfidence: return "low_confidence"
        case .systemError: return "system_error"
        }
    }
}

struct FrictionEvent {
    let type: FrictionType
    let msg: Rec
    let related: Rec?
}

/// SPEC 5.2 / 5.3 over one session's records (in time order), as seen through `view`.
struct SessionAnalysis {
    var outcome = SessionOutcome.unknown
    var turns: [Int] = [] // indices into the records
    var friction: [FrictionEvent] = []

    static let allowanceMs: Int64 = 1000
    static let retryMs: Int64 = 15_000

    init(_ recs: [Rec], view: View) {
        for (i, r) in recs.enumerated() where r.rt.isTurn { turns.append(i) }
        let last = recs.last
        let ser = last.flatMap { $0.rt == .sessionEnded ? $0 : nil }
        let lastTurn = turns.last.map { recs[$0] }
        func failed(_ r: Rec) -> Bool { r.outcome == 1 || r.outcome == 2 }
        func isUserEnd(_ r: Rec) -> Bool {
            r.rt == .intent && (r.intent == Int8(Intent.stop) || r.intent == Int8(Intent.cancel) || r.intent == Int8(Intent.home))
        }
        func endSession(_ r: Rec) -> Bool? {
            r.response >= 0 ? responses[0][Int(r.response)].endSession : nil
        }
        func speech(_ r: Rec) -> Int? { r.response >= 0 ? responses[lang(Int(max(0, r.locale)))][Int(r.response)].speechMs : nil }

        if ser?.reason == 1 || (lastTurn.map(failed) ?? false) { outcome = .failed }
        else if ser?.reason == 2 { outcome = .noResponse }
        else if ser?.reason == 0 || (lastTurn.map(isUserEnd) ?? false) { outcome = .userEnded }
        else if let lt = lastTurn, endSession(lt) == true { outcome = .skillEnded }
        else { outcome = .unknown }

        func unhandled(_ r: Rec) -> Bool {
            r.intent == Int8(Intent.fallback) || view.unhandled(r) || r.errorType == Int8(E.noHandler)
        }
        func lowConfidence(_ r: Rec) -> Bool { view.confidence(r) == 2 }

        // barge-ins: consecutive turns r1, r2
        var interrupted = Set<Int>()
        var bargeAfter: [Int: Int] = [:]
        if turns.count >= 2 {
            for k in 1..<turns.count {
                let r1 = recs[turns[k - 1]], r2 = recs[turns[k]]
                var barge = false
                let flag = view.bargeIn(r2)
                if flag >= 0 {
                    barge = flag == 1
                } else if endSession(r1) != true, r1.latency >= 0, let s = speech(r1) {
                    barge = r2.ts - (r1.ts + Int64(r1.latency)) < Int64(s) + SessionAnalysis.allowanceMs
                }
                if barge { interrupted.insert(k - 1); bargeAfter[k - 1] = k }
            }
        }
        for k in 0..<turns.count {
            let r = recs[turns[k]]
            if let n = bargeAfter[k] { friction.append(FrictionEvent(type: .bargeIn, msg: r, related: recs[turns[n]])) }
            let u = unhandled(r), lc = lowConfidence(r)
            if u { friction.append(FrictionEvent(type: .unhandled, msg: r, related: nil)) }
            if lc { friction.append(FrictionEvent(type: .lowConfidence, msg: r, related: nil)) }
            var retry: Rec? = nil
            if k + 1 < turns.count {
                let n = recs[turns[k + 1]]
                if n.rt == r.rt && n.intent == r.intent && n.slotA == r.slotA && n.slotB == r.slotB
                    && n.ts - r.ts <= SessionAnalysis.retryMs {
                    retry = n
                }
            }
            if u || lc || retry != nil { friction.append(FrictionEvent(type: .systemError, msg: r, related: retry)) }
        }
        if outcome == .userEnded {
            var ending: Rec? = nil
            var abandoned = -1
            if ser?.reason == 0 {
                ending = ser
                abandoned = turns.count - 1
            } else if let lt = lastTurn, isUserEnd(lt) {
                ending = lt
                abandoned = turns.count - 2
            }
            if let e = ending, abandoned >= 0 {
                let a = recs[turns[abandoned]]
                if abandoned == 0 || unhandled(a) || lowConfidence(a) || failed(a) || interrupted.contains(abandoned) {
                    friction.append(FrictionEvent(type: .termination, msg: a, related: e))
                }
            }
        }
    }
}

/// Collects the ground truth of a run: session lines as sessions are simulated, totals as
/// records are produced, order-dependent figures as records are written.
final class Truth {
    let view: View
    let ctx: RenderContext
    let out: ByteSink?
    let buf = ByteBuffer(capacity: 1 << 20)

    var records = 0
    var byType = [Int](repeating: 0, count: RT.allCases.count)
    var turns = 0, failedTurns = 0
    var sessions = 0
    var byOutcome = [Int](repeating: 0, count: SessionOutcome.allCases.count)
    var friction = [Int](repeating: 0, count: FrictionType.allCases.count)
    var frictionSessions = 0
    var intentTurns = [Int](repeating: 0, count: intents.count)
    var intentFailures = [Int](repeating: 0, count: intents.count)
    var endpointSuccess = 0, endpointFailures = 0
    var usersWithTurn: Set<Int32> = []
    var customers: Set<Int32> = []
    var firstTs = Int64.max, lastTs = Int64.min
    var lastChange: [Int64: SHState] = [:]
    var comparisons = 0, matches = 0
    /// Raw Lambda formats: the planted exceptions by group (errorType, masked message, frame).
    var exceptions: [String: (type: String, message: String, frame: String?, count: Int)] = [:]

    init(view: View, ctx: RenderContext, out: ByteSink?) {
        self.view = view
        self.ctx = ctx
        self.out = out
    }

    /// A record produced by the simulator (unique; counted once).
    func count(_ r: Rec) {
        guard view.includes(r) else { return }
        records += 1
        byType[Int(r.rt.rawValue)] += 1
        firstTs = min(firstTs, r.ts)
        lastTs = max(lastTs, r.ts)
        if r.rt.isTurn {
            turns += 1
            if r.outcome == 1 || r.outcome == 2 { failedTurns += 1 }
            if r.user >= 0 { usersWithTurn.insert(r.user) }
            if r.intent >= 0 {
                intentTurns[Int(r.intent)] += 1
                if r.outcome == 1 || r.outcome == 2 { intentFailures[Int(r.intent)] += 1 }
            }
        }
        if r.rt.isTurn || r.rt.isDirective {
            if r.outcome == 0 { endpointSuccess += 1 } else if r.outcome > 0 { endpointFailures += 1 }
        }
        if r.rt.isUserInitiated && view.hasUser(r) { customers.insert(r.user) }
        // The `Invoke Error` of a failed custom skill invocation (RawFormats.swift).
        if !view.full && r.outcome == 1 && !r.rt.isSmartHome {
            let x = plantedException(r)
            let key = x.groupType + "\u{1}" + x.groupMessage + "\u{1}" + (x.groupFrame ?? "")
            exceptions[key, default: (x.groupType, x.groupMessage, x.groupFrame, 0)].count += 1
        }
    }

    /// A record in written (time) order, once.
    func written(_ r: Rec) {
        guard view.includes(r), r.rt == .changeReport || r.rt == .reportState, r.endpoint >= 0 else { return }
        let key = Int64(r.user) * 8 + Int64(r.endpoint)
        if r.rt == .changeReport {
            lastChange[key] = r.state
        } else if r.state.mask != 0, let c = lastChange[key] {
            comparisons += 1
            if c.matches(r.state, on: c.mask) && (r.state.mask & c.mask) == c.mask { matches += 1 }
        }
    }

    func session(_ recs: [Rec]) {
        guard let first = recs.first else { return }
        let a = SessionAnalysis(recs, view: view)
        sessions += 1
        byOutcome[a.outcome.rawValue] += 1
        for f in a.friction { friction[f.type.rawValue] += 1 }
        if !a.friction.isEmpty { frictionSessions += 1 }
        guard out != nil else { return }
        let b = buf
        b.raw("{\"kind\":\"session\",\"sessionId\":\""); b.sessionId(first.session)
        b.raw("\",\"userId\":\""); b.userId(first.user, ctx)
        b.raw("\",\"start\":\""); b.timestamp(first.ts)
        b.raw("\",\"outcome\":\""); b.raw(a.outcome.name)
        b.raw("\",\"turns\":"); b.int(a.turns.count)
        b.raw(",\"path\":[")
        for (i, t) in a.turns.enumerated() {
            if i > 0 { b.byte(0x2C) }
            let r = recs[t]
            if r.rt == .launch { b.raw("\"LaunchRequest\"") } else { b.quoted(intents[Int(r.intent)].js) }
        }
        if !a.turns.isEmpty { b.byte(0x2C) }
        b.raw("\"END:"); b.raw(a.outcome.name); b.raw("\"],\"messageIds\":[")
        for (i, r) in recs.enumerated() {
            if i > 0 { b.byte(0x2C) }
            b.byte(0x22); b.messageId(r); b.byte(0x22)
        }
        b.raw("],\"friction\":[")
        for (i, f) in a.friction.enumerated() {
            if i > 0 { b.byte(0x2C) }
            b.raw("{\"type\":\""); b.raw(f.type.name)
            b.raw("\",\"messageId\":\""); b.messageId(f.msg); b.byte(0x22)
            if let rel = f.related { b.raw(",\"relatedMessageId\":\""); b.messageId(rel); b.byte(0x22) }
            b.byte(0x7D)
        }
        b.raw("]}\n")
        if b.count >= 1 << 19 { flush() }
    }

    func flush() {
        guard let o = out, buf.count > 0 else { return }
        o.write(buf)
        buf.removeAll()
    }

    func finish(options: GenOptions, duplicates: Int, disordered: Int) {
        guard let o = out else { return }
        let b = buf
        b.raw("{\"kind\":\"summary\",\"schema\":\"sklog.gen-truth/1\",\"seed\":"); b.raw(String(options.seed).utf8Array)
        b.raw(",\"format\":\""); b.raw(options.format.rawValue.utf8Array)
        b.raw("\",\"records\":"); b.int(records)
        b.raw(",\"duplicates\":"); b.int(duplicates)
        b.raw(",\"disordered\":"); b.int(disordered)
        if records > 0 {
            b.raw(",\"firstTs\":\""); b.timestamp(firstTs)
            b.raw("\",\"lastTs\":\""); b.timestamp(lastTs); b.byte(0x22)
        }
        b.raw(",\"requestTypes\":{")
        var first = true
        for rt in RT.allCases where byType[Int(rt.rawValue)] > 0 {
            if !first { b.byte(0x2C) }
            first = false
            b.quoted(rtNames[Int(rt.rawValue)]); b.byte(0x3A); b.int(byType[Int(rt.rawValue)])
        }
        b.raw("},\"turns\":"); b.int(turns)
        b.raw(",\"failedTurns\":"); b.int(failedTurns)
        b.raw(",\"usersWithTurn\":"); b.int(usersWithTurn.count)
        b.raw(",\"customers\":"); b.int(customers.count)
        b.raw(",\"sessions\":"); b.int(sessions)
        b.raw(",\"sessionsByOutcome\":{")
        for o in SessionOutcome.allCases {
            if o.rawValue > 0 { b.byte(0x2C) }
            b.byte(0x22); b.raw(o.name); b.raw("\":"); b.int(byOutcome[o.rawValue])
        }
        b.raw("},\"friction\":{")
        for f in FrictionType.allCases {
            if f.rawValue > 0 { b.byte(0x2C) }
            b.byte(0x22); b.raw(f.name); b.raw("\":"); b.int(friction[f.rawValue])
        }
        b.raw("},\"frictionSessions\":"); b.int(frictionSessions)
        b.raw(",\"intents\":{")
        first = true
        for (i, d) in intents.enumerated() where intentTurns[i] > 0 {
            if !first { b.byte(0x2C) }
            first = false
            b.quoted(d.js); b.raw(":{\"utterances\":"); b.int(intentTurns[i])
            b.raw(",\"failures\":"); b.int(intentFailures[i]); b.byte(0x7D)
        }
        b.raw("},\"endpointResponses\":{\"success\":"); b.int(endpointSuccess)
        b.raw(",\"failure\":"); b.int(endpointFailures)
        b.raw("},\"changeReportComparisons\":"); b.int(comparisons)
        b.raw(",\"changeReportMatches\":"); b.int(matches)
        if !view.full {
            // The planted exceptions, as `sklog errors` groups them (raw formats only).
            b.raw(",\"exceptions\":[")
            for (i, e) in exceptions.values.sorted(by: { ($0.count, $1.type, $1.message, $1.frame ?? "") > ($1.count, $0.type, $0.message, $0.frame ?? "") }).enumerated() {
                if i > 0 { b.byte(0x2C) }
                b.raw("{\"errorType\":"); b.quoted(esc(e.type)); b.raw(",\"message\":"); b.quoted(esc(e.message))
                b.raw(",\"frame\":")
                if let f = e.frame { b.quoted(esc(f)) } else { b.raw("null") }
                b.raw(",\"count\":"); b.int(e.count); b.byte(0x7D)
            }
            b.byte(0x5D)
        }
        b.raw("}\n")
        o.write(buf)
        buf.removeAll()
    }
}

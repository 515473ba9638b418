import SklogAnalysis
import SklogRecords
import SklogReport
import Testing

/// The merge property: for an input split by session (records without a session by user, else
/// by message ID, as `sklog-cat --shard` does), merging the parts' partial states prints byte for
/// byte what one run prints.
@Suite struct MetricsMergeTests {
    struct Input {
        var lines: [(key: String, line: String)] = []
        var sessions: [Session] = []
    }

    /// A random skill's traffic: custom sessions with friction, smart home directives and state
    /// reports, account linking, tokens, purchases and subscriptions, over about three weeks.
    static func generate(_ g: inout SplitMix, days: Int = 21) -> Input {
        var input = Input()
        let users = (0..<25).map { "user-\($0)" }
        let locales = ["en-US", "de-DE", "en-GB"]
        let intents = ["PlayIntent", "AMAZON.StopIntent", "AMAZON.FallbackIntent", "HelpIntent", "NextIntent"]
        let base = M.t0 - 3 * M.day
        var id = 0
        func nextId() -> String { id += 1; return "msg-\(id)" }
        func ts(_ t: Int64) -> String { Timestamp.string(t) }

        for s in 0..<60 {
            let user = users[g.int(users.count)]
            let locale = locales[g.int(locales.count)]
            let sid = "session-\(s)"
            var t = base + Int64(g.int(days * 24 * 60)) * 60_000 + Int64(g.int(60_000))
            let start = t
            var turns: [Turn] = []
            for k in 0..<(1 + g.int(5)) {
                let mid = nextId()
                let intent: String? = k == 0 && g.int(3) > 0 ? nil : intents[g.int(intents.count)]
                let outcome = ["success", "success", "success", "error", "no_response"][g.int(5)]
                let latency = g.int(10) == 0 ? nil : g.int(2000) + (g.int(50) == 0 ? 70_000 : 0)
                var f: [String: Any?] = ["requestType": intent == nil ? "LaunchRequest" : "IntentRequest", "sessionId": sid,
                                         "userId": user, "locale": locale, "stage": g.int(4) == 0 ? "development" : "live",
                                         "outcome": outcome, "latencyMs": latency]
                if let intent { f["intent"] = intent }
                if g.int(2) == 0 { f["confidence"] = ["HIGH", "MEDIUM", "LOW"][g.int(3)] }
                input.lines.append((sid, M.line(ts(t), mid, f)))
                turns.append(Turn(messageId: mid, ts: t, step: intent ?? "LaunchRequest", intent: intent,
                                  failed: outcome != "success", latencyMs: Int64(latency ?? -1)))
                // An in-session purchase flow now and then.
                if g.int(6) == 0 {
                    input.lines.append((sid, M.line(ts(t + 500), nextId(), [
                        "requestType": "Connections.Response", "sessionId": sid, "userId": user, "locale": locale,
                        "ispAction": ["Buy", "Upsell", "Cancel"][g.int(3)], "purchaseResult": ["ACCEPTED", "DECLINED"][g.int(2)],
                        "productType": ["ENTITLEMENT", "CONSUMABLE", "SUBSCRIPTION"][g.int(3)], "productId": "prod-\(g.int(3))",
                        "offerHeard": g.int(2) == 0])))
                }
                t += Int64(1000 + g.int(20_000))
            }
            if g.int(2) == 0 {
                input.lines.append((sid, M.line(ts(t), nextId(), ["requestType": "SessionEndedRequest", "sessionId": sid, "userId": user,
                                                                 "reason": "USER_INITIATED"])))
            }
            var friction: [FrictionEvent] = []
            for turn in turns where g.int(3) == 0 {
                let type = FrictionType.allCases[g.int(FrictionType.allCases.count)]
                friction.append(FrictionEvent(type: type, messageId: turn.messageId, relatedMessageId: nil, sessionId: sid, ts: turn.ts,
                                              intent: turn.intent, utterance: g.int(2) == 0 ? "utterance \(g.int(4))" : nil,
                                              signature: "\(turn.step)(slot=v\(g.int(3)))"))
            }
            input.sessions.append(Session(sessionId: sid, userId: user, userHash: byteHash(user), locale: locale, stage: "live",
                                          start: start, end: t, outcome: SessionOutcome.allCases[g.int(5)], turns: turns,
                                          messageIds: turns.map(\.messageId), friction: friction, reopened: false))
        }

        // Records without a session: keyed by user, or by message ID when they have no user.
        for _ in 0..<120 {
            var t = base + Int64(g.int(days * 24 * 60)) * 60_000
            let user: String? = g.int(3) == 0 ? nil : users[g.int(users.count)]
            let mid = nextId()
            var f: [String: Any?] = ["userId": user, "locale": locales[g.int(locales.count)]]
            let endpoint = "endpoint-\(g.int(4))"
            switch g.int(10) {
            case 0:
                f["requestType"] = "Alexa.ChangeReport"; f["skillType"] = "smart_home"; f["endpointId"] = endpoint
                f["state"] = M.RawJSON(text: #"{"powerState":"\#(g.int(2) == 0 ? "ON" : "OFF")"}"#)
                f["userId"] = nil
            case 1:
                f["requestType"] = "Alexa.ReportState"; f["skillType"] = "smart_home"; f["endpointId"] = endpoint
                f["state"] = M.RawJSON(text: #"{"powerState":"\#(g.int(2) == 0 ? "ON" : "OFF")","brightness":\#(g.int(3))}"#)
                f["outcome"] = "success"; f["latencyMs"] = g.int(500)
                f["userId"] = nil
            case 2:
                f["requestType"] = ["Alexa.PowerController.TurnOn", "Alexa.Discovery.Discover", "Alexa.PowerController.TurnOff"][g.int(3)]
                f["skillType"] = "smart_home"; f["outcome"] = ["success", "error"][g.int(2)]; f["latencyMs"] = g.int(3000)
            case 3:
                f["requestType"] = "Subscription.\(["Started", "Started", "Converted", "Ended"][g.int(4)])"
                f["productId"] = "sub-\(g.int(2))"; f["userId"] = users[g.int(5)]
                if g.int(3) > 0 { f["trial"] = g.int(2) == 0 }
                // Some subscription events carry a session: the same user's events land in different shards.
                if g.int(2) == 0 { f["sessionId"] = "sub-session-\(g.int(1000))" }
            case 4:
                f["requestType"] = "OAuth.Token"; f["grantType"] = ["authorization_code", "refresh_token"][g.int(2)]
                f["outcome"] = ["success", "error", "no_response"][g.int(3)]; f["errorType"] = ["invalid_grant", "boom", nil][g.int(3)]
            case 5:
                f["requestType"] = ["AccountLinking.Initiated", "AccountLinking.Completed", "AlexaSkillEvent.SkillAccountLinked"][g.int(3)]
                f["via"] = ["app", "alexa_app"][g.int(2)]
            case 6:
                f["requestType"] = ["AlexaSkillEvent.SkillEnabled", "AlexaSkillEvent.SkillDisabled"][g.int(2)]
            case 7:
                f["requestType"] = "FlashBriefing.Play"
            default:
                f["requestType"] = "System.ExceptionEncountered"
                t += 1
            }
            let key = (f["sessionId"] as? String) ?? user ?? mid
            input.lines.append((key, M.line(ts(t), mid, f)))
        }
        // Same-millisecond change report and state report of one endpoint (order by message ID).
        let tt = Timestamp.string(base + Int64(days) * M.day / 2)
        input.lines.append(("zz-a", M.line(tt, "zz-a", ["requestType": "Alexa.ChangeReport", "skillType": "smart_home", "endpointId": "endpoint-9", "state": M.RawJSON(text: #"{"p":1}"#)])))
        input.lines.append(("zz-b", M.line(tt, "zz-b", ["requestType": "Alexa.ReportState", "skillType": "smart_home", "endpointId": "endpoint-9", "state": M.RawJSON(text: #"{"p":1}"#)])))
        return input
    }

    static func render(_ acc: MetricsAccumulator) -> ([UInt8], [UInt8]) {
        let r = acc.result()
        return (MetricsJSON.render(r), MetricsCSV.render(r))
    }

    @Test(arguments: 0..<16)
    func mergeOfRandomSplitsEqualsOneRun(seed: Int) throws {
        var g = SplitMix(seed: UInt64(seed) &* 7919 &+ 17)
        var options = MetricsOptions()
        options.period = [nil, .day, .hour, .week, .m15][seed % 5]
        // Short spans for short periods keep the bucket count (and the test's time) small.
        let input = Self.generate(&g, days: options.period == .m15 ? 2 : options.period == .hour ? 5 : 21)
        options.by = MetricsOptions.Dimension.allCases.filter { _ in g.int(3) == 0 }
        options.redact = g.int(4) == 0

        let one = M.accumulate(input.lines.map(\.line), sessions: input.sessions, options: options)
        let (json, csv) = Self.render(one)

        let n = 1 + g.int(5)
        let salt = g.next()
        func part(_ key: String) -> Int { Int(mix64(byteHash(key) ^ salt) % UInt64(n)) }
        var merged: MetricsAccumulator?
        for k in 0..<n {
            let lines = input.lines.filter { part($0.key) == k }.map(\.line)
            let sessions = input.sessions.filter { part($0.sessionId) == k }
            let acc = M.accumulate(lines, sessions: sessions, options: options, deferred: true)
            let state = acc.partialState()
            let back = try MetricsAccumulator.fromPartialState(state)
            // The state round-trips.
            #expect(back.partialState() == state)
            if let m = merged { try m.merge(back) } else { merged = back }
        }
        let (mj, mc) = Self.render(merged!)
        #expect(String(decoding: mj, as: UTF8.self) == String(decoding: json, as: UTF8.self), "parts: \(n)")
        #expect(mc == csv)
    }

    @Test func mergedPartialsMergeAgain() throws {
        var g = SplitMix(seed: 99)
        let input = Self.generate(&g)
        var options = MetricsOptions()
        options.period = .day
        let one = M.accumulate(input.lines.map(\.line), sessions: input.sessions, options: options)
        func part(_ key: String) -> Int { Int(byteHash(key) % 4) }
        var states: [[UInt8]] = []
        for k in 0..<4 {
            let acc = M.accumulate(input.lines.filter { part($0.key) == k }.map(\.line),
                                   sessions: input.sessions.filter { part($0.sessionId) == k }, options: options, deferred: true)
            states.append(acc.partialState())
        }
        // ((0 + 1) as a partial state) + (2 + 3).
        let a = try MetricsAccumulator.fromPartialState(states[0]); try a.merge(try MetricsAccumulator.fromPartialState(states[1]))
        let b = try MetricsAccumulator.fromPartialState(states[2]); try b.merge(try MetricsAccumulator.fromPartialState(states[3]))
        let ab = try MetricsAccumulator.fromPartialState(a.partialState())
        try ab.merge(b)
        #expect(Self.render(ab).0 == Self.render(one).0)
    }

    @Test func mergeRejectsDifferentOptions() throws {
        var o1 = MetricsOptions(); o1.period = .day
        var o2 = MetricsOptions(); o2.period = .hour
        let a = MetricsAccumulator(options: o1, deferCrossRecordEvents: true)
        let b = MetricsAccumulator(options: o2, deferCrossRecordEvents: true)
        #expect(throws: MetricsAccumulator.MergeError.self) { try a.merge(b) }
        #expect(throws: MetricsAccumulator.PartialStateError.self) { _ = try MetricsAccumulator.fromPartialState(Array(#"{"schema":"other"}"#.utf8)) }
        #expect(throws: MetricsAccumulator.PartialStateError.self) { _ = try MetricsAccumulator.fromPartialState(Array("{not json".utf8)) }
    }

    @Test func accountingIsSummed() throws {
        let a = MetricsAccumulator(options: MetricsOptions(), deferCrossRecordEvents: true)
        a.accounting.files = 1; a.accounting.parsed = 10; a.accounting.rejected["invalid JSON"] = 2; a.accounting.bytesRead = 100
        let b = MetricsAccumulator(options: MetricsOptions(), deferCrossRecordEvents: true)
        b.accounting.files = 2; b.accounting.parsed = 5; b.accounting.duplicates = 1
        let m = try MetricsAccumulator.fromPartialState(a.partialState())
        try m.merge(try MetricsAccumulator.fromPartialState(b.partialState()))
        #expect(m.accounting.files == 3 && m.accounting.parsed == 15 && m.accounting.duplicates == 1)
        #expect(m.accounting.rejected["invalid JSON"] == 2 && m.accounting.bytesRead == 100)
    }

    @Test func accountingNotesSurviveTheMerge() throws {
        // Outcomes from errors alone and duplicates with another request travel in the state.
        let a = MetricsAccumulator(options: MetricsOptions(), deferCrossRecordEvents: true)
        a.accounting.outcomesFromErrorsAlone = 4; a.accounting.duplicates = 3
        a.accounting.duplicatesDiffering = 2; a.accounting.firstDifferingDuplicate = "M1 at a.log:6"
        let b = MetricsAccumulator(options: MetricsOptions(), deferCrossRecordEvents: true)
        b.accounting.outcomesFromErrorsAlone = 1; b.accounting.duplicates = 1
        b.accounting.duplicatesDiffering = 1; b.accounting.firstDifferingDuplicate = "M9 at b.log:2"
        let m = try MetricsAccumulator.fromPartialState(a.partialState())
        try m.merge(try MetricsAccumulator.fromPartialState(b.partialState()))
        #expect(m.accounting.outcomesFromErrorsAlone == 5)
        #expect(m.accounting.duplicates == 4 && m.accounting.duplicatesDiffering == 3)
        #expect(m.accounting.firstDifferingDuplicate == "M1 at a.log:6")
        let plain = MetricsAccumulator(options: MetricsOptions(), deferCrossRecordEvents: true)
        #expect(!String(decoding: plain.partialState(), as: UTF8.self).contains("Differing"))  // absent when 0
    }
}

import SklogAnalysis
import SklogRecords
import Testing

/// Record-based metrics worked out by hand.
@Suite struct MetricsRecordTests {
    let turns = [
        // u1: launch + 2 intents, one failed; u2: launch (no outcome) + intent; u3 only an event.
        M.line("10:00:00", "m1", ["requestType": "LaunchRequest", "userId": "u1", "sessionId": "s1", "outcome": "success", "latencyMs": 100, "locale": "en-US"]),
        M.line("10:00:05", "m2", ["requestType": "IntentRequest", "intent": "PlayIntent", "userId": "u1", "sessionId": "s1", "outcome": "success", "latencyMs": 200, "locale": "en-US"]),
        M.line("10:00:10", "m3", ["requestType": "IntentRequest", "intent": "PlayIntent", "userId": "u1", "sessionId": "s1", "outcome": "error", "latencyMs": 300, "locale": "en-US"]),
        M.line("10:01:00", "m4", ["requestType": "LaunchRequest", "userId": "u2", "sessionId": "s2", "locale": "de-DE"]),
        M.line("10:01:05", "m5", ["requestType": "IntentRequest", "intent": "AMAZON.StopIntent", "userId": "u2", "sessionId": "s2", "outcome": "no_response", "locale": "de-DE"]),
        M.line("10:01:06", "m6", ["requestType": "SessionEndedRequest", "userId": "u3", "sessionId": "s3", "reason": "USER_INITIATED"]),
        M.line("10:02:00", "m7", ["requestType": "AlexaSkillEvent.SkillEnabled", "userId": "u4"]),
    ]

    @Test func customersAndUtterances() {
        let t = M.run(turns).total.metrics
        #expect(t["uniqueCustomers"] == .int(2))       // u3 and u4 have only events
        #expect(t["totalUtterances"] == .int(5))
        #expect(t["successfulUtterances"] == .int(2))
        #expect(t["failedUtterances"] == .int(2))       // error + no_response; m4 has no outcome
        #expect(t["utterancesPerCustomer"].approx(2.5))
        #expect(t["totalIntents"] == .int(3))
        #expect(t["totalEnablements"] == .int(1))
        #expect(t["disablements"] == .int(0))           // skill events are logged: 0, not n/a
    }

    @Test func intents() {
        let t = M.run(turns).total.metrics
        #expect(t["intentUtterances", ["intent": "PlayIntent"]] == .int(2))
        #expect(t["intentCustomers", ["intent": "PlayIntent"]] == .int(1))
        #expect(t["intentFailures", ["intent": "PlayIntent"]] == .int(1))
        #expect(t["intentFailures", ["intent": "AMAZON.StopIntent"]] == .int(1))
        // Most frequent first.
        let order = t.values(named: "intentUtterances").map { $0.labels[0] }
        #expect(order == ["PlayIntent", "AMAZON.StopIntent"])
    }

    @Test func notAvailableRule() {
        let t = M.run(turns).total.metrics
        // No sessions were fed: session metrics are not available, never 0.
        #expect(t["totalSessions"] == .null)
        #expect(t["utterancesPerSession"] == .null)
        #expect(t["bargeIns"] == .null)
        // No turn carries a confidence.
        #expect(t["intentConfidenceHigh"] == .null)
        #expect(t["lowConfidenceIntents"] == .null)
        // No smart home, no plays, no ISP, no account linking, no tokens.
        #expect(t["plays"] == .null)
        #expect(t["totalActions"] == .null)
        #expect(t["changeReportAccuracy"] == .null)
        #expect(t["totalPurchases"] == .null)
        #expect(t["activeSubscriptions"] == .null)
        #expect(t["accountLinkingInitiations"] == .null)
        #expect(t["accessTokenSuccessRate"] == .null)
        #expect(t.values(named: "actionCount").first?.labels == [])   // the whole group is n/a
        #expect(t.values(named: "actionCount").first?.value == .null)
    }

    @Test func bucketsWithoutEventsAreZeroAndEmptyRatesNull() {
        var o = MetricsOptions()
        o.period = .hour
        let lines = [
            M.line("10:00:00", "a", ["requestType": "LaunchRequest", "userId": "u1", "outcome": "success", "latencyMs": 100]),
            M.line("12:00:00", "b", ["requestType": "FlashBriefing.Play", "userId": "u2"]),
        ]
        let r = M.run(lines, options: o)
        #expect(r.buckets.count == 3)                   // 10:00, 11:00 (empty), 12:00
        let empty = r.buckets[1].metrics
        #expect(empty["totalUtterances"] == .int(0))
        #expect(empty["plays"] == .int(0))
        #expect(empty["uniqueCustomers"] == .int(0))
        #expect(empty["utterancesPerCustomer"] == .null) // zero denominator
        #expect(empty["endpointSuccessRate"] == .null)
        #expect(empty["endpointLatencyP50"] == .null)
        #expect(empty["totalSessions"] == .null)         // absent from the whole input
        #expect(r.buckets[0].metrics["plays"] == .int(0))
        #expect(r.buckets[2].metrics["plays"] == .int(1))
        #expect(r.total.metrics["plays"] == .int(1))
        #expect(Timestamp.string(r.buckets[1].start!) == "2026-11-24T11:00:00.000Z")
    }

    @Test func distinctCustomersArePerBucketNotSummed() {
        var o = MetricsOptions()
        o.period = .day
        let lines = [
            M.line("2026-11-24T10:00:00.000Z", "a", ["requestType": "LaunchRequest", "userId": "u1"]),
            M.line("2026-11-24T11:00:00.000Z", "b", ["requestType": "LaunchRequest", "userId": "u1"]),
            M.line("2026-11-25T10:00:00.000Z", "c", ["requestType": "LaunchRequest", "userId": "u1"]),
            M.line("2026-11-25T10:00:01.000Z", "d", ["requestType": "LaunchRequest", "userId": "u2"]),
        ]
        let r = M.run(lines, options: o)
        #expect(r.buckets.map { $0.metrics["uniqueCustomers"] } == [.int(1), .int(2)])
        #expect(r.total.metrics["uniqueCustomers"] == .int(2))
    }

    @Test func weeksStartOnMondayUTC() {
        var o = MetricsOptions()
        o.period = .week
        let lines = [
            M.line("2026-11-29T23:59:59.999Z", "a", ["requestType": "LaunchRequest", "userId": "u1"]),  // Sunday
            M.line("2026-11-30T00:00:00.000Z", "b", ["requestType": "LaunchRequest", "userId": "u1"]),  // Monday
        ]
        let r = M.run(lines, options: o)
        #expect(r.buckets.map { Timestamp.string($0.start!) } == ["2026-11-23T00:00:00.000Z", "2026-11-30T00:00:00.000Z"])
        var q = MetricsOptions()
        q.period = .m15
        let r2 = M.run([M.line("10:14:59", "a", ["requestType": "LaunchRequest"]), M.line("10:15:00", "b", ["requestType": "LaunchRequest"])], options: q)
        #expect(r2.buckets.map { Timestamp.string($0.start!) } == ["2026-11-24T10:00:00.000Z", "2026-11-24T10:15:00.000Z"])
    }

    @Test func dimensions() {
        var o = MetricsOptions()
        o.by = [.locale, .intent]
        let r = M.run(turns, options: o)
        let locale = r.total.dimensions.first { $0.name == "locale" }!
        #expect(locale.values.map(\.value) == ["de-DE", "en-US"])
        let en = locale.values[1].metrics
        #expect(en["totalUtterances"] == .int(3))
        #expect(en["uniqueCustomers"] == .int(1))
        #expect(en["plays"] == .null)   // availability comes from the whole input
        let intent = r.total.dimensions.first { $0.name == "intent" }!
        #expect(intent.values.first { $0.value == "PlayIntent" }?.metrics["failedUtterances"] == .int(1))
    }

    @Test func performanceAndConfidence() {
        var lines: [String] = []
        for i in 1...10 {
            lines.append(M.line("10:00:\(String(format2: i))", "t\(i)", ["requestType": "IntentRequest", "intent": "X", "userId": "u",
                                                                      "latencyMs": i * 10, "outcome": i == 10 ? "error" : "success",
                                                                      "confidence": i <= 2 ? "LOW" : "HIGH"]))
        }
        // A smart home directive counts in endpoint latency; a ChangeReport does not.
        lines.append(M.line("10:01:00", "d1", ["requestType": "Alexa.PowerController.TurnOn", "skillType": "smart_home", "latencyMs": 1000, "outcome": "no_response"]))
        lines.append(M.line("10:01:01", "c1", ["requestType": "Alexa.ChangeReport", "skillType": "smart_home", "latencyMs": 5000]))
        let t = M.run(lines).total.metrics
        // 11 latencies: 10..100 and 1000; ranks: P50 = 6th = 60, P90 = 10th = 100, P99 = 11th = 1000.
        #expect(t["endpointLatencyP50"] == .int(60))
        #expect(t["endpointLatencyP90"] == .int(100))
        #expect(t["endpointLatencyP99"] == .int(1000))
        #expect(t["endpointLatencyAvg"].approx(1550.0 / 11))
        #expect(t["endpointSuccess"] == .int(9))
        #expect(t["endpointFailures"] == .int(2))
        #expect(t["endpointSuccessRate"].approx(9.0 / 11))
        #expect(t["intentConfidenceLow"] == .int(2))
        #expect(t["intentConfidenceMedium"] == .int(0))
        #expect(t["intentConfidenceHigh"] == .int(8))
        #expect(t["totalActions"] == .int(1))
        #expect(t["actionCount", ["action": "Alexa.PowerController.TurnOn"]] == .int(1))
        #expect(t["requests", ["operation": "CapabilityDirectives"]] == .int(1))
        #expect(t["successRate", ["operation": "Alexa.PowerController.TurnOn"]] == .int(0) || t["successRate", ["operation": "Alexa.PowerController.TurnOn"]]!.approx(0))
        #expect(t["requests", ["operation": "Discovery"]] == .null)
    }

    @Test func smartHomeOperational() {
        let lines = [
            M.line("10:00:00", "d1", ["requestType": "Alexa.Discovery.Discover", "skillType": "smart_home", "userId": "u1", "latencyMs": 800, "outcome": "success"]),
            M.line("10:00:01", "d2", ["requestType": "Alexa.Discovery.Discover", "skillType": "smart_home", "userId": "u2", "latencyMs": 1200, "outcome": "error"]),
            M.line("10:00:02", "p1", ["requestType": "Alexa.PowerController.TurnOn", "skillType": "smart_home", "userId": "u1", "latencyMs": 100, "outcome": "success"]),
            M.line("10:00:03", "p2", ["requestType": "Alexa.PowerController.TurnOn", "skillType": "smart_home", "userId": "u1", "latencyMs": 300, "outcome": "success"]),
            M.line("10:00:04", "b1", ["requestType": "Alexa.BrightnessController.SetBrightness", "skillType": "smart_home", "userId": "u2", "latencyMs": 200, "outcome": "error"]),
            M.line("10:00:05", "r1", ["requestType": "Alexa.ReportState", "skillType": "smart_home", "userId": "u2", "latencyMs": 50, "outcome": "success"]),
            // An event of a smart home skill is not a directive.
            M.line("10:00:06", "o1", ["requestType": "OAuth.Token", "skillType": "smart_home", "grantType": "refresh_token", "outcome": "success"]),
        ]
        let t = M.run(lines).total.metrics
        #expect(t["uniqueCustomers"] == .int(2))
        #expect(t["totalActions"] == .int(3))
        #expect(t["actionCustomers", ["action": "Alexa.PowerController.TurnOn"]] == .int(1))
        #expect(t["requests", ["operation": "Discovery"]] == .int(2))
        #expect(t["successRate", ["operation": "Discovery"]]!.approx(0.5))
        #expect(t["latencyP50", ["operation": "Discovery"]] == .int(800))
        #expect(t["latencyP99", ["operation": "Discovery"]] == .int(1200))
        #expect(t["requests", ["operation": "CapabilityDirectives"]] == .int(3))
        #expect(t["successRate", ["operation": "CapabilityDirectives"]]!.approx(2.0 / 3))
        #expect(t["latencyAvg", ["operation": "CapabilityDirectives"]]!.approx(200))
        #expect(t["latencyP50", ["operation": "Alexa.PowerController.TurnOn"]] == .int(100))
        #expect(t["latencyP90", ["operation": "Alexa.PowerController.TurnOn"]] == .int(300))
        #expect(t["requests", ["operation": "ReportState"]] == .int(1))
        #expect(t["endpointSuccess"] == .int(4))
        #expect(t["refreshTokenRequests"] == .int(1))
        #expect(t["changeReportAccuracy"] == .null)     // no ReportState with a state after a ChangeReport
    }

    @Test func playsEnablementsAccountLinking() {
        let lines = [
            M.line("10:00:00", "f1", ["requestType": "FlashBriefing.Play", "userId": "u1"]),
            M.line("10:00:01", "f2", ["requestType": "FlashBriefing.Play", "userId": "u1"]),
            M.line("10:00:02", "e1", ["requestType": "AlexaSkillEvent.SkillEnabled", "userId": "u2"]),
            M.line("10:00:03", "e2", ["requestType": "AlexaSkillEvent.SkillDisabled", "userId": "u2"]),
            M.line("10:00:04", "a1", ["requestType": "AccountLinking.Initiated", "via": "app"]),
            M.line("10:00:05", "a2", ["requestType": "AccountLinking.Initiated", "via": "app"]),
            M.line("10:00:06", "a3", ["requestType": "AccountLinking.Initiated", "via": "alexa_app"]),
            M.line("10:00:07", "a4", ["requestType": "AccountLinking.Completed", "via": "app"]),
            M.line("10:00:08", "a5", ["requestType": "AlexaSkillEvent.SkillAccountLinked", "userId": "u3"]),
        ]
        let t = M.run(lines).total.metrics
        #expect(t["plays"] == .int(2))
        #expect(t["uniqueCustomers"] == .int(1))
        #expect(t["totalEnablements"] == .int(1))
        #expect(t["disablements"] == .int(1))
        #expect(t["accountLinkingInitiations"] == .int(3))
        #expect(t["accountLinkingCompletions"] == .int(2))  // Completed + SkillAccountLinked
        #expect(t["accountLinkingCompletionRate"].approx(2.0 / 3))
        #expect(t["accountLinkingInitiations", ["via": "app"]] == .int(2))
        #expect(t["accountLinkingCompletions", ["via": "app"]] == .int(1))     // SkillAccountLinked has no via
        #expect(t["accountLinkingCompletionRate", ["via": "app"]]!.approx(0.5))
        #expect(t["accountLinkingCompletionRate", ["via": "alexa_app"]]!.approx(0))
    }
}

extension String {
    init(format2 i: Int) { self = i < 10 ? "0\(i)" : "\(i)" }
}

import SklogAnalysis
import SklogRecords
import Testing

/// Percentiles, retention, change-report accuracy, in-skill purchasing and token errors.
@Suite struct MetricsCrossRecordTests {
    // MARK: Percentiles

    @Test func nearestRankPercentiles() {
        var h = LatencyHistogram()
        for v in 1...100 { h.add(Int64(v)) }
        #expect(h.percentiles([50, 90, 99, 100]) == [50, 90, 99, 100])
        var one = LatencyHistogram()
        one.add(7)
        #expect(one.percentiles([50, 90, 99]) == [7, 7, 7])
        // n = 10: rank(P50) = 5, rank(P90) = 9, rank(P99) = ceil(9.9) = 10.
        var ten = LatencyHistogram()
        for v in [100, 90, 80, 70, 60, 50, 40, 30, 20, 10] { ten.add(Int64(v)) }
        #expect(ten.percentiles([50, 90, 99]) == [50, 90, 100])
        // Ties, zero, and values beyond 65,535 ms are exact.
        var t = LatencyHistogram()
        for _ in 0..<3 { t.add(0) }
        t.add(70_000); t.add(70_000); t.add(1_000_000)
        #expect(t.percentiles([50, 90, 99]) == [0, 1_000_000, 1_000_000])
        #expect(t.percentiles([66]) == [70_000])  // rank ceil(3.96) = 4
        #expect(t.mean! == Double(1_140_000) / 6)
        // Unknown latency (-1) is not counted; an empty histogram has no percentiles.
        var e = LatencyHistogram()
        e.add(-1)
        #expect(e.n == 0 && e.percentiles([50]) == [nil])
    }

    @Test func histogramsMergeExactly() {
        var a = LatencyHistogram(), b = LatencyHistogram(), all = LatencyHistogram()
        var g = SplitMix(seed: 3)
        for i in 0..<5000 {
            let v = Int64(g.next() % 20_000)
            all.add(v)
            if i % 3 == 0 { a.add(v) } else { b.add(v) }
        }
        a.merge(b)
        #expect(a.percentiles([50, 90, 99]) == all.percentiles([50, 90, 99]))
        #expect(a.sum == all.sum && a.n == all.n)
    }

    // MARK: Retention

    @Test func retentionCells() {
        // Weeks (ISO, Monday): W0 = 2026-11-23, W1 = 11-30, W2 = 12-07.
        let lines = [
            M.line("2026-11-24T10:00:00.000Z", "a1", ["requestType": "LaunchRequest", "userId": "u1"]),
            M.line("2026-11-25T10:00:00.000Z", "a2", ["requestType": "LaunchRequest", "userId": "u2"]),
            M.line("2026-12-01T10:00:00.000Z", "a3", ["requestType": "IntentRequest", "intent": "X", "userId": "u1"]),
            M.line("2026-12-02T10:00:00.000Z", "a4", ["requestType": "LaunchRequest", "userId": "u3"]),
            M.line("2026-12-08T10:00:00.000Z", "a5", ["requestType": "LaunchRequest", "userId": "u2"]),
            // Events don't make a cohort member or retain one.
            M.line("2026-12-08T11:00:00.000Z", "a6", ["requestType": "SessionEndedRequest", "userId": "u3"]),
            M.line("2026-12-08T12:00:00.000Z", "a7", ["requestType": "FlashBriefing.Play", "userId": "u9"]),
        ]
        let t = M.run(lines).total.metrics
        let c = { (cohort: String, week: Int) in t["retentionCustomers", ["cohort": cohort, "week": String(week)]] }
        let s = { (cohort: String, week: Int) in t["retentionShare", ["cohort": cohort, "week": String(week)]] }
        #expect(c("2026-11-23", 0) == .int(2))
        #expect(c("2026-11-23", 1) == .int(1))
        #expect(s("2026-11-23", 1)!.approx(0.5))
        #expect(c("2026-11-23", 2) == .int(1))
        #expect(c("2026-11-23", 3) == .null)   // starts 12-14, after the last record (12-08)
        #expect(c("2026-11-30", 0) == .int(1))
        #expect(c("2026-11-30", 1) == .int(0))
        #expect(s("2026-11-30", 1)!.approx(0))
        #expect(c("2026-11-30", 2) == .null)
        #expect(c("2026-12-07", 0) == nil)     // nobody's first turn is in week 2
        #expect(t.values(named: "retentionCustomers").count == 26)  // two cohorts x 13 weeks
    }

    @Test func retentionMergeKeepsEarliestFirstWeek() {
        // One user in two shards: the later shard's weeks shift onto the earlier first week.
        let a = M.accumulate([M.line("2026-11-24T10:00:00.000Z", "x1", ["requestType": "LaunchRequest", "userId": "u"])], deferred: true)
        let b = M.accumulate([M.line("2026-12-08T10:00:00.000Z", "x2", ["requestType": "LaunchRequest", "userId": "u"]),
                              M.line("2026-12-01T10:00:00.000Z", "x3", ["requestType": "LaunchRequest", "userId": "v"])], deferred: true)
        try! b.merge(a)
        let t = b.result().total.metrics
        #expect(t["retentionCustomers", ["cohort": "2026-11-23", "week": "0"]] == .int(1))
        #expect(t["retentionCustomers", ["cohort": "2026-11-23", "week": "1"]] == .int(0))
        #expect(t["retentionCustomers", ["cohort": "2026-11-23", "week": "2"]] == .int(1))
        #expect(t["retentionCustomers", ["cohort": "2026-11-30", "week": "0"]] == .int(1))
    }

    // MARK: Change report accuracy

    func sh(_ ts: String, _ id: String, _ type: String, _ ep: String, _ state: String?) -> String {
        M.line(ts, id, ["requestType": type, "skillType": "smart_home", "endpointId": ep, "outcome": "success",
                        "state": state.map { M.RawJSON(text: $0) }])
    }

    @Test func changeReportAccuracy() {
        var o = MetricsOptions()
        o.period = .day
        let lines = [
            sh("2026-11-24T09:00:00.000Z", "r0", "Alexa.ReportState", "e1", #"{"powerState":"ON"}"#),   // no change report yet
            sh("2026-11-24T10:00:00.000Z", "c1", "Alexa.ChangeReport", "e1", #"{"powerState":"ON"}"#),
            sh("2026-11-24T10:00:01.000Z", "c2", "Alexa.ChangeReport", "e2", #"{"Alexa.BrightnessController":{"brightness":50}}"#),
            // Next day: compared with the change reports of the day before.
            sh("2026-11-25T10:00:00.000Z", "r1", "Alexa.ReportState", "e1", #"{"powerState": "ON", "brightness": 10}"#),     // match
            sh("2026-11-25T10:00:01.000Z", "r2", "Alexa.ReportState", "e2", #"{"Alexa.BrightnessController":{"brightness":40}}"#), // mismatch
            sh("2026-11-25T11:00:00.000Z", "c3", "Alexa.ChangeReport", "e1", #"{"powerState":"OFF"}"#),
            sh("2026-11-25T12:00:00.000Z", "r3", "Alexa.ReportState", "e1", #"{"powerState":"ON"}"#),    // latest says OFF: mismatch
            sh("2026-11-25T12:00:01.000Z", "r4", "Alexa.ReportState", "e1", nil),                         // no state: not compared
            sh("2026-11-25T12:00:02.000Z", "r5", "Alexa.ReportState", "e3", #"{"powerState":"ON"}"#),    // endpoint never reported
        ]
        let r = M.run(lines, options: o)
        #expect(r.total.metrics["changeReportAccuracy"].approx(1.0 / 3))
        #expect(r.buckets[0].metrics["changeReportAccuracy"] == .null)   // no comparison that day
        #expect(r.buckets[1].metrics["changeReportAccuracy"].approx(1.0 / 3))
        #expect(r.total.metrics["requests", ["operation": "ReportState"]] == .int(6))
    }

    @Test func stateMatching() {
        let cr = StateProperties.flatten(#"{"a":{"b":[1, 2]},"c":"x"}"#)
        #expect(StateProperties.matches(change: cr, state: StateProperties.flatten(#"{"c":"x","a":{"b":[1,2],"d":true}}"#)))
        #expect(!StateProperties.matches(change: cr, state: StateProperties.flatten(#"{"c":"x","a":{"b":[2,1]}}"#)))
        #expect(!StateProperties.matches(change: cr, state: StateProperties.flatten(#"{"c":"x"}"#)))
        #expect(!StateProperties.matches(change: StateProperties.flatten(#"{"v":1}"#), state: StateProperties.flatten(#"{"v":"1"}"#)))
    }

    // MARK: In-skill purchasing (SPEC 6.1)

    func isp(_ ts: String, _ id: String, _ action: String, _ result: String, _ type: String, heard: Bool?, product: String = "p1") -> String {
        M.line(ts, id, ["requestType": "Connections.Response", "ispAction": action, "purchaseResult": result, "productType": type,
                        "offerHeard": heard, "productId": product, "userId": "u-\(id)"])
    }

    func sub(_ ts: String, _ id: String, _ kind: String, user: String, trial: Bool? = nil, product: String = "s1") -> String {
        M.line(ts, id, ["requestType": "Subscription.\(kind)", "userId": user, "productId": product, "trial": trial])
    }

    @Test func purchasingFormulas() {
        let lines = [
            isp("10:00:00", "r1", "Buy", "ACCEPTED", "ENTITLEMENT", heard: true),
            isp("10:00:01", "r2", "Upsell", "ACCEPTED", "CONSUMABLE", heard: true, product: "p2"),
            isp("10:00:02", "r3", "Upsell", "DECLINED", "ENTITLEMENT", heard: true),
            isp("10:00:03", "r4", "Upsell", "DECLINED", "ENTITLEMENT", heard: false),
            isp("10:00:04", "r5", "Upsell", "ACCEPTED", "SUBSCRIPTION", heard: true, product: "s1"),
            isp("10:00:05", "r6", "Buy", "DECLINED", "SUBSCRIPTION", heard: true, product: "s1"),
            isp("10:00:06", "r7", "Cancel", "ACCEPTED", "SUBSCRIPTION", heard: nil, product: "s1"),
            isp("10:00:07", "r8", "Buy", "ACCEPTED", "CONSUMABLE", heard: nil, product: "p2"),   // repeat purchases count
        ]
        let t = M.run(lines).total.metrics
        #expect(t["totalPurchases"] == .int(3))                    // r1, r2, r8
        #expect(t["purchases", ["product": "p2"]] == .int(2))
        #expect(t["purchases", ["product": "p1"]] == .int(1))
        #expect(t["upsellImpressions"] == .int(4))                 // r2..r5
        #expect(t["offerImpressions"] == .int(5))                  // r1, r2, r3, r5, r6
        #expect(t["upsellToOfferConversion"].approx(3.0 / 4))      // r2, r3, r5
        #expect(t["upsellToPurchaseConversion"].approx(2.0 / 4))   // r2, r5
        #expect(t["offerToPurchaseConversion"].approx(3.0 / 5))    // r1, r2, r5
        #expect(t["offerConversionRate"].approx(1.0 / 2))          // SUBSCRIPTION: r5 of r5, r6
        #expect(t["subscriptionsStarted"] == .null)                // no subscription events
    }

    @Test func subscriptionsActiveAndChurn() {
        var o = MetricsOptions()
        o.period = .day
        let lines = [
            // Day 1: a paid start, a trial start, a start with an unknown trial flag.
            sub("2026-11-24T10:00:00.000Z", "s1", "Started", user: "a", trial: false),
            sub("2026-11-24T11:00:00.000Z", "s2", "Started", user: "b", trial: true),
            sub("2026-11-24T12:00:00.000Z", "s3", "Started", user: "c"),
            // Day 2: b converts; c's trial-less start ends (not a paid end); an end never started.
            sub("2026-11-25T10:00:00.000Z", "s4", "Converted", user: "b"),
            sub("2026-11-25T11:00:00.000Z", "s5", "Ended", user: "c"),
            sub("2026-11-25T12:00:00.000Z", "s6", "Ended", user: "z"),
            // Day 3: a's paid subscription ends; d starts a trial that ends unpaid.
            sub("2026-11-26T10:00:00.000Z", "s7", "Ended", user: "a"),
            sub("2026-11-26T11:00:00.000Z", "s8", "Started", user: "d", trial: true),
            sub("2026-11-26T12:00:00.000Z", "s9", "Ended", user: "d"),
        ]
        let r = M.run(lines, options: o)
        let d = r.buckets.map(\.metrics)
        #expect(d.map { $0["subscriptionsStarted"] } == [.int(3), .int(0), .int(1)])
        #expect(d.map { $0["subscriptionsEnded"] } == [.int(0), .int(2), .int(2)])
        #expect(d.map { $0["activeSubscriptions"] } == [.int(1), .int(2), .int(1)])
        #expect(d[0]["trialToPaidRate"] == .int(0) || d[0]["trialToPaidRate"].approx(0))
        #expect(d[1]["trialToPaidRate"] == .null)                 // no trial started that day
        #expect(d[0]["churn"].approx(0))                          // 0 / (0 + 1)
        #expect(d[1]["churn"].approx(0))                          // 0 / (1 + 1)
        #expect(d[2]["churn"].approx(1.0 / 2))                    // 1 / (2 + 0)
        let t = r.total.metrics
        #expect(t["activeSubscriptions"] == .int(1))
        #expect(t["trialToPaidRate"].approx(1.0 / 2))
        #expect(t["churn"].approx(1.0 / 2))                       // 1 paid end / 2 paid starts
    }

    // MARK: Token retrieval

    @Test func tokenErrorNormalization() {
        func tok(_ id: String, _ grant: String, _ outcome: String?, _ err: String?) -> String {
            M.line("10:00:00", id, ["requestType": "OAuth.Token", "grantType": grant, "outcome": outcome, "errorType": err])
        }
        let lines = [
            tok("t1", "authorization_code", "success", nil),
            tok("t2", "authorization_code", "error", "invalid_grant"),
            tok("t3", "authorization_code", "error", "INVALID_GRANT"),
            tok("t4", "authorization_code", "error", "server_exploded"),
            tok("t5", "authorization_code", "no_response", "invalid_client"),
            tok("t6", "authorization_code", "error", nil),
            tok("t7", "refresh_token", "success", nil),
            tok("t8", "refresh_token", nil, "unsupported_grant_type"),
        ]
        let t = M.run(lines).total.metrics
        #expect(t["accessTokenRequests"] == .int(6))
        #expect(t["accessTokenSuccessRate"].approx(1.0 / 6))
        #expect(t["accessTokenErrors", ["errorType": "invalid_grant"]] == .int(2))
        #expect(t["accessTokenErrors", ["errorType": "TRANSIENT_ERROR"]] == .int(1))
        #expect(t["accessTokenErrors", ["errorType": "UNKNOWN_ERROR_CODE"]] == .int(2))
        #expect(t["accessTokenErrors", ["errorType": "invalid_client"]] == .int(0))
        #expect(t["refreshTokenSuccessRate"].approx(1.0 / 2))
        #expect(t["refreshTokenErrors", ["errorType": "unsupported_grant_type"]] == .int(1))
        #expect(t.values(named: "accessTokenErrors").count == 8)
        #expect(TokenErrors.normalize("Invalid_Scope") == "invalid_scope")
        #expect(TokenErrors.normalize("access_denied") == "UNKNOWN_ERROR_CODE")
    }
}

/// A small deterministic generator for tests.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

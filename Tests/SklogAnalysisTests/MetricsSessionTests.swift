import SklogAnalysis
import SklogRecords
import Testing

/// Session-based metrics from `Session` values built by hand.
@Suite struct MetricsSessionTests {
    let t0 = M.t0 + 10 * 3_600_000

    var sessions: [Session] {
        [
            M.session("s1", user: "u1", start: t0, outcome: .userEnded, steps: ["LaunchRequest", "PlayIntent", "AMAZON.StopIntent"],
                      friction: [M.friction(.bargeIn, "s1-t0", ts: t0, intent: nil, utterance: "open radio"),
                                 M.friction(.termination, "s1-t1", ts: t0 + 1000, intent: "PlayIntent", utterance: "play jazz")]),
            M.session("s2", user: "u1", start: t0 + 60_000, outcome: .skillEnded, steps: ["LaunchRequest", "PlayIntent"]),
            M.session("s3", user: "u2", start: t0 + 120_000, outcome: .failed, steps: ["LaunchRequest", "HelpIntent"],
                      friction: [M.friction(.unhandled, "s3-t1", ts: t0 + 121_000, intent: "AMAZON.FallbackIntent", utterance: "play jazz"),
                                 M.friction(.systemError, "s3-t1", ts: t0 + 121_000, intent: "AMAZON.FallbackIntent", utterance: "play jazz")]),
            M.session("s4", user: "u3", start: t0 + 180_000, outcome: .noResponse, steps: ["LaunchRequest"], locale: "de-DE"),
            M.session("s5", user: nil, start: t0 + 240_000, outcome: .unknown, steps: []),
        ]
    }

    /// Turn records consistent with the sessions (8 turns), some with a confidence.
    var turnLines: [String] {
        var out: [String] = []
        for s in sessions {
            for (i, t) in s.turns.enumerated() {
                var f: [String: Any?] = ["requestType": t.step == "LaunchRequest" ? "LaunchRequest" : "IntentRequest",
                                         "sessionId": s.sessionId, "userId": s.userId, "locale": s.locale]
                if t.step != "LaunchRequest" { f["intent"] = t.step }
                if i == 0 { f["confidence"] = "HIGH" }
                out.append(M.line(Timestamp.string(t.ts), t.messageId, f))
            }
        }
        return out
    }

    @Test func sessionsAndOutcomes() {
        let m = M.run(turnLines, sessions: sessions).total.metrics
        #expect(m["totalSessions"] == .int(5))
        #expect(m["successfulSessions"] == .int(2))
        #expect(m["userEndedSessions"] == .int(1))
        #expect(m["skillEndedSessions"] == .int(1))
        #expect(m["failedSessions"] == .int(1))
        #expect(m["incompleteSessions"] == .int(1))
        #expect(m["unknownSessions"] == .int(1))
        #expect(m["successfulSessionsShare"].approx(0.4))
        #expect(m["unknownSessionsShare"].approx(0.2))
        #expect(m["sessionsPerCustomer"].approx(5.0 / 3))      // s5 has no user
        #expect(m["totalUtterances"] == .int(8))
        #expect(m["utterancesPerSession"].approx(8.0 / 5))
    }

    @Test func frictionCountsAndRates() {
        let m = M.run(turnLines, sessions: sessions).total.metrics
        #expect(m["bargeIns"] == .int(1))
        #expect(m["terminations"] == .int(1))
        #expect(m["unhandledRequests"] == .int(1))
        #expect(m["lowConfidenceIntents"] == .int(0))          // confidence is logged, no event
        #expect(m["estimatedSystemErrors"] == .int(1))
        #expect(m["bargeInsRate"].approx(100.0 / 8))
        #expect(m["unhandledRequestsRate"].approx(100.0 / 8))
        #expect(m["frictionSessions"] == .int(2))
        // Frequent friction utterances: "play jazz" has three events of three types.
        #expect(m["utteranceFrictionEvents", ["utterance": "play jazz"]] == .int(3))
        #expect(m["utteranceTerminations", ["utterance": "play jazz"]] == .int(1))
        #expect(m["utteranceSystemErrors", ["utterance": "play jazz"]] == .int(1))
        #expect(m.values(named: "utteranceFrictionEvents").map { $0.labels[0] } == ["play jazz", "open radio"])
    }

    @Test func lowConfidenceNeedsConfidenceInTheInput() {
        let noConfidence = turnLines.map { $0.replacingOccurrences(#","confidence":"HIGH""#, "") }
        let m = M.run(noConfidence, sessions: sessions).total.metrics
        #expect(m["lowConfidenceIntents"] == .null)
        #expect(m["lowConfidenceIntentsRate"] == .null)
        #expect(m["bargeIns"] == .int(1))
    }

    @Test func interactionPaths() {
        let m = M.run(turnLines, sessions: sessions).total.metrics
        let p = { (a: String, b: String) in m["pathSessions", ["from": a, "to": b]] }
        #expect(p("LaunchRequest", "PlayIntent") == .int(2))
        #expect(m["pathCustomers", ["from": "LaunchRequest", "to": "PlayIntent"]] == .int(1))
        // Customers with step LaunchRequest: u1, u2, u3; with Launch -> Play: u1.
        #expect(m["pathShare", ["from": "LaunchRequest", "to": "PlayIntent"]]!.approx(1.0 / 3))
        #expect(p("PlayIntent", "END:skill_ended") == .int(1))
        #expect(p("AMAZON.StopIntent", "END:user_ended") == .int(1))
        #expect(m["pathShare", ["from": "PlayIntent", "to": "AMAZON.StopIntent"]]!.approx(1))
        #expect(p("LaunchRequest", "END:no_response") == .int(1))
        #expect(m["topPathSessions", ["path": "LaunchRequest > PlayIntent > AMAZON.StopIntent > END:user_ended"]] == .int(1))
        #expect(m["topPathSessions", ["path": "END:unknown"]] == .int(1))
    }

    @Test func topPathsKeepEightSteps() {
        let long = M.session("x", user: "u", start: t0, outcome: .userEnded, steps: ["LaunchRequest"] + Array(repeating: "NextIntent", count: 10))
        let m = M.run([], sessions: [long, long]).total.metrics
        let paths = m.values(named: "topPathSessions")
        #expect(paths.count == 1)
        #expect(paths[0].labels[0] == (["LaunchRequest"] + Array(repeating: "NextIntent", count: 7)).joined(separator: " > "))
        #expect(paths[0].value == .int(2))
        // A session counts a repeated pair once.
        #expect(m["pathSessions", ["from": "NextIntent", "to": "NextIntent"]] == .int(2))
    }

    @Test func sessionBucketsAndDimensions() {
        var o = MetricsOptions()
        o.period = .m15
        o.by = [.locale, .intent]
        // s1 starts at 10:14:59 and its barge-in happens at 10:15:01: the session counts in the
        // 10:00 bucket, the event in the 10:15 bucket.
        let start = M.t0 + 10 * 3_600_000 + 14 * 60_000 + 59_000
        let s = M.session("s1", user: "u1", start: start, outcome: .userEnded, steps: ["LaunchRequest", "PlayIntent"],
                          friction: [M.friction(.bargeIn, "m", ts: start + 2000, intent: "PlayIntent")])
        let r = M.run([M.line(Timestamp.string(start), "m0", ["requestType": "LaunchRequest", "userId": "u1", "locale": "en-US"])],
                      sessions: [s], options: o)
        #expect(r.buckets.count == 2)
        #expect(r.buckets[0].metrics["totalSessions"] == .int(1))
        #expect(r.buckets[1].metrics["totalSessions"] == .int(0))
        #expect(r.buckets[0].metrics["bargeIns"] == .int(0))
        #expect(r.buckets[1].metrics["bargeIns"] == .int(1))
        #expect(r.buckets[1].metrics["bargeInsRate"] == .null)   // no turn in that bucket
        let loc = r.total.dimensions[0].values.first { $0.value == "en-US" }!.metrics
        #expect(loc["totalSessions"] == .int(1) && loc["bargeIns"] == .int(1))
        let intent = r.total.dimensions[1].values.first { $0.value == "PlayIntent" }!.metrics
        #expect(intent["bargeIns"] == .int(1))
        #expect(intent["totalSessions"] == .int(0))             // sessions have no intent
    }

    @Test func redactMasksFrictionUtterances() {
        var o = MetricsOptions()
        o.redact = true
        let s = M.session("s", user: "u", start: t0, outcome: .userEnded, steps: ["LaunchRequest", "PlayIntent"],
                          friction: [M.friction(.unhandled, "m", ts: t0, intent: "PlayIntent", utterance: "play songs by alice",
                                                signature: "PlayIntent(artist=alice, genre=jazz)")])
        let m = M.run([], sessions: [s], options: o).total.metrics
        let keys = m.values(named: "utteranceFrictionEvents").map { $0.labels[0] }
        #expect(keys == ["PlayIntent(artist=***, genre=***)"])
        #expect(MetricsAccumulator.maskSignature("X()") == "X()")
    }
}

extension String {
    func replacingOccurrences(_ a: String, _ b: String) -> String {
        var out = ""
        var rest = Substring(self)
        while let r = rest.firstRange(of: a) {
            out += rest[..<r.lowerBound] + b
            rest = rest[r.upperBound...]
        }
        return out + rest
    }
}

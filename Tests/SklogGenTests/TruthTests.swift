import Foundation
import Testing
@testable import SklogGen

/// Recomputes sessions, outcomes and friction from the output lines with an independent,
/// straightforward reading of SPEC 5.2 / 5.3, and compares with the generator's truth.
@Suite struct TruthTests {
    static let run = Support.cache.run(Support.options(records: 20_000))

    struct Session {
        var outcome = ""
        var turns = 0
        var friction: [String] = []
        var ids: [String] = []
    }

    static func recompute(_ outputs: [[UInt8]], allowance: Int64 = 1000, retryMs: Int64 = 15_000,
                          useFlags: Bool = true) -> (records: [String: [String: Any]], sessions: [String: Session]) {
        var byId: [String: [String: Any]] = [:]
        for out in outputs {
            for line in Support.lines(out) {
                let d = Support.json(line)!
                let id = d["messageId"] as! String
                if byId[id] == nil { byId[id] = d }
            }
        }
        var sorted = Array(byId.values)
        for i in sorted.indices { sorted[i]["_t"] = Support.ms(sorted[i]["ts"] as! String)! }
        sorted.sort { ($0["_t"] as! Int64) < ($1["_t"] as! Int64) }
        var bySession: [String: [[String: Any]]] = [:]
        var order: [String] = []
        for d in sorted {
            guard let s = d["sessionId"] as? String else { continue }
            if bySession[s] == nil { order.append(s) }
            bySession[s, default: []].append(d)
        }
        let turnTypes: Set<String> = ["LaunchRequest", "IntentRequest"]
        let userEnd: Set<String> = ["AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.NavigateHomeIntent"]
        func t(_ d: [String: Any]) -> Int64 { d["_t"] as! Int64 }
        func failed(_ d: [String: Any]) -> Bool { ["error", "no_response"].contains(d["outcome"] as? String ?? "") }
        func unhandled(_ d: [String: Any]) -> Bool {
            d["intent"] as? String == "AMAZON.FallbackIntent" || d["unhandled"] as? Bool == true || d["errorType"] as? String == "NoHandler"
        }
        func low(_ d: [String: Any]) -> Bool { d["confidence"] as? String == "LOW" }
        func slots(_ d: [String: Any]) -> [String: String] { d["slots"] as? [String: String] ?? [:] }

        var sessions: [String: Session] = [:]
        for sid in order {
            let recs = bySession[sid]!
            // one session per id: idle gaps stay under 10 minutes, nothing after the end
            for k in recs.indices.dropFirst() { precondition(t(recs[k]) - t(recs[k - 1]) <= 600_000) }
            let turns = recs.filter { turnTypes.contains($0["requestType"] as! String) }
            let ser = (recs.last!["requestType"] as! String) == "SessionEndedRequest" ? recs.last! : nil
            let reason = ser?["reason"] as? String
            let lt = turns.last
            var s = Session()
            s.turns = turns.count
            s.ids = recs.map { $0["messageId"] as! String }
            if reason == "ERROR" || (lt.map(failed) ?? false) { s.outcome = "failed" }
            else if reason == "EXCEEDED_MAX_REPROMPTS" { s.outcome = "no_response" }
            else if reason == "USER_INITIATED" || userEnd.contains(lt?["intent"] as? String ?? "") { s.outcome = "user_ended" }
            else if lt?["endSession"] as? Bool == true { s.outcome = "skill_ended" }
            else { s.outcome = "unknown" }
            var interrupted = Set<Int>()
            for i in turns.indices.dropFirst() {
                let r1 = turns[i - 1], r2 = turns[i]
                var b = false
                if useFlags, let f = r2["bargeIn"] as? Bool { b = f }
                else if r1["endSession"] as? Bool != true, let l = r1["latencyMs"] as? Int, let sp = r1["speechMs"] as? Int {
                    b = t(r2) - (t(r1) + Int64(l)) < Int64(sp) + allowance
                }
                if b {
                    interrupted.insert(i - 1)
                    s.friction.append("barge_in \(r1["messageId"]!) \(r2["messageId"]!)")
                }
            }
            for (i, r) in turns.enumerated() {
                let id = r["messageId"] as! String
                if unhandled(r) { s.friction.append("unhandled \(id)") }
                if low(r) { s.friction.append("low_confidence \(id)") }
                var retry: String? = nil
                if i + 1 < turns.count {
                    let n = turns[i + 1]
                    if n["requestType"] as? String == r["requestType"] as? String, n["intent"] as? String == r["intent"] as? String,
                       slots(n) == slots(r), t(n) - t(r) <= retryMs {
                        retry = n["messageId"] as? String
                    }
                }
                if unhandled(r) || low(r) || retry != nil { s.friction.append("system_error \(id)" + (retry.map { " " + $0 } ?? "")) }
            }
            if s.outcome == "user_ended" {
                var ending: [String: Any]? = nil
                var ab = -1
                if reason == "USER_INITIATED" { ending = ser; ab = turns.count - 1 }
                else if let l = lt { ending = l; ab = turns.count - 2 }
                if let e = ending, ab >= 0 {
                    let a = turns[ab]
                    if ab == 0 || unhandled(a) || low(a) || failed(a) || interrupted.contains(ab) {
                        s.friction.append("termination \(a["messageId"]!) \(e["messageId"]!)")
                    }
                }
            }
            s.friction.sort()
            sessions[sid] = s
        }
        return (byId, sessions)
    }

    static func truthSessions(_ truth: [UInt8]) -> ([String: Session], [String: Any]) {
        var out: [String: Session] = [:]
        var summary: [String: Any] = [:]
        for line in Support.lines(truth) {
            let d = Support.json(line)!
            if d["kind"] as? String == "summary" { summary = d; continue }
            var s = Session()
            s.outcome = d["outcome"] as! String
            s.turns = d["turns"] as! Int
            s.ids = d["messageIds"] as! [String]
            s.friction = (d["friction"] as! [[String: Any]]).map { f in
                [f["type"] as! String, f["messageId"] as! String, f["relatedMessageId"] as? String].compactMap { $0 }.joined(separator: " ")
            }.sorted()
            let path = d["path"] as! [String]
            #expect(path.count == s.turns + 1 && path.last == "END:" + s.outcome)
            out[d["sessionId"] as! String] = s
        }
        return (out, summary)
    }

    @Test func sessionsMatchAnIndependentReading() {
        let (_, sessions) = Self.recompute(Self.run.outputs)
        let (truth, _) = Self.truthSessions(Self.run.truth)
        #expect(truth.count == sessions.count)
        var mismatches = 0
        for (id, t) in truth {
            guard let s = sessions[id] else { mismatches += 1; continue }
            if s.outcome != t.outcome || s.turns != t.turns || s.friction != t.friction || s.ids != t.ids { mismatches += 1 }
        }
        #expect(mismatches == 0)
    }

    @Test func plantedBehavioursAreClearOfTheThresholds() {
        // The same result with the allowance and the retry window moved, and without the
        // explicit bargeIn flags: nothing sits near a threshold.
        let (truth, _) = Self.truthSessions(Self.run.truth)
        for (allowance, retry) in [(Int64(400), Int64(12_100)), (Int64(1900), Int64(19_900))] {
            let (_, sessions) = Self.recompute(Self.run.outputs, allowance: allowance, retryMs: retry, useFlags: false)
            let diff = truth.filter { sessions[$0.key]?.friction != $0.value.friction }.count
            #expect(diff == 0, "allowance \(allowance), retry \(retry)")
        }
    }

    @Test func summaryCountsMatchTheRecords() throws {
        let (records, sessions) = Self.recompute(Self.run.outputs)
        let (_, summary) = Self.truthSessions(Self.run.truth)
        #expect(summary["records"] as? Int == records.count)
        var byType: [String: Int] = [:]
        for d in records.values { byType[d["requestType"] as! String, default: 0] += 1 }
        #expect(summary["requestTypes"] as? [String: Int] == byType)
        let turns = records.values.filter { ["LaunchRequest", "IntentRequest"].contains($0["requestType"] as! String) }
        #expect(summary["turns"] as? Int == turns.count)
        #expect(summary["failedTurns"] as? Int == turns.filter { ["error", "no_response"].contains($0["outcome"] as? String ?? "") }.count)
        #expect(summary["usersWithTurn"] as? Int == Set(turns.map { $0["userId"] as! String }).count)
        #expect(summary["sessions"] as? Int == sessions.count)
        var outcomes: [String: Int] = [:]
        for s in sessions.values { outcomes[s.outcome, default: 0] += 1 }
        for k in ["failed", "no_response", "user_ended", "skill_ended", "unknown"] where outcomes[k] == nil { outcomes[k] = 0 }
        #expect(summary["sessionsByOutcome"] as? [String: Int] == outcomes)
        #expect(outcomes.values.allSatisfy { $0 > 0 })
        var friction: [String: Int] = [:]
        for s in sessions.values { for f in s.friction { friction[String(f.split(separator: " ")[0]), default: 0] += 1 } }
        #expect(summary["friction"] as? [String: Int] == friction)
        #expect(friction.count == 5 && friction.values.allSatisfy { $0 > 0 })
        var perIntent: [String: Int] = [:]
        for d in turns { if let i = d["intent"] as? String { perIntent[i, default: 0] += 1 } }
        let intents = try #require(summary["intents"] as? [String: [String: Int]])
        #expect(intents.mapValues { $0["utterances"]! } == perIntent)
        // change report accuracy strictly between 0 and 1
        let c = try #require(summary["changeReportComparisons"] as? Int)
        let m = try #require(summary["changeReportMatches"] as? Int)
        #expect(c > 0 && m > 0 && m < c)
    }
}

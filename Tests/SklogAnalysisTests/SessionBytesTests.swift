import Testing
@testable import SklogAnalysis
import SklogRecords

/// The Sessionizer keeps an open session as bytes (SessionBytes) and makes the `Session` when it
/// closes: these cases check what could go wrong in between — escapes, long values that make
/// the buffer grow, slot order, late records, many sessions reusing slots, a full value table.
/// Every expected value is written out by hand from the input lines.
@Suite struct SessionBytesTests {
    @Test func escapedStringsComeBackDecoded() {
        // Raw JSON text: \" \\ \n \u00e9 and a surrogate pair (U+1F600) in IDs and utterance.
        let line = #"{"ts":"2026-01-01T00:00:00.000Z","messageId":"m\"1\n","sessionId":"S\\\u00e9","userId":"U\"1","requestType":"IntentRequest","intent":"AMAZON.FallbackIntent","utterance":"caf\u00e9 \ud83d\ude00 \"x\""}"#
        let (ss, _) = TR.sessions([line])
        #expect(ss.count == 1)
        let s = ss[0]
        #expect(Array(s.sessionId.utf8) == Array("S\\\u{e9}".utf8))
        #expect(s.userId == "U\"1")
        #expect(s.messageIds == ["m\"1\n"])
        #expect(s.turns.count == 1)
        #expect(s.turns[0].messageId == "m\"1\n")
        #expect(s.turns[0].utterance == "caf\u{e9} \u{1F600} \"x\"")
        // FallbackIntent: unhandled and a system error, both naming the message and the session.
        #expect(s.friction.map(\.type) == [.unhandled, .systemError])
        #expect(s.friction.allSatisfy { $0.messageId == "m\"1\n" && $0.sessionId == "S\\\u{e9}" })
        #expect(s.friction[0].utterance == "caf\u{e9} \u{1F600} \"x\"")
    }

    @Test func slotValuesSortedAsStrings() {
        // ASCII names are sorted as bytes; escapes decoded first; null slots left out.
        let a = TR.intent(0, "m1", "PlayIntent", #""slots":{"song":"x\u0041\"","artist":"b","album":null,"year":1999}"#)
        // Non-ASCII names sort as Strings: "e\u0301x" (e + combining acute) is "éx", after "f",
        // although its bytes (65 cc 81 78) come before those of "f" (66).
        let b = TR.intent(1000, "m2", "PlayIntent", #""slots":{"e\u0301x":"1","f":"2"}"#)
        // Only nulls: no slot values.
        let c = TR.intent(2000, "m3", "PlayIntent", #""slots":{"a":null}"#)
        let (ss, _) = TR.sessions([a, b, c])
        #expect(ss.count == 1)
        let t = ss[0].turns
        #expect(t.count == 3)
        #expect(t[0].slots == "artist=b, song=xA\", year=1999")
        #expect(t[0].signature == "PlayIntent(artist=b, song=xA\", year=1999)")
        #expect(t[1].slots.map { Array($0.utf8) } == Array("f=2, e\u{301}x=1".utf8))
        #expect(t[2].slots == nil && t[2].signature == "PlayIntent")
    }

    @Test func longValuesGrowTheBuffer() {
        // 60 records in one session, each with a 2,000-byte message ID and a 10,000-byte
        // utterance: the session's bytes grow (realloc) many times.
        let sid = String(repeating: "s", count: 5000)
        var lines: [String] = []
        for i in 0..<60 {
            let id = String(repeating: Character(String(i % 10)), count: 2000) + "-\(i)"
            let utt = String(repeating: "u", count: 10_000) + "\(i)"
            lines.append(TR.intent(Int64(i) * 1000, id, "Intent\(i % 3)", sid: sid, "\"utterance\":\"\(utt)\""))
        }
        let (ss, _) = TR.sessions(lines)
        #expect(ss.count == 1)
        let s = ss[0]
        #expect(s.sessionId == sid)
        #expect(s.messageIds.count == 60)
        #expect(s.turns.count == 60)
        #expect(s.end - s.start == 59_000)
        for i in [0, 1, 37, 59] {
            #expect(s.messageIds[i] == String(repeating: Character(String(i % 10)), count: 2000) + "-\(i)")
            #expect(s.turns[i].messageId == s.messageIds[i])
            #expect(s.turns[i].utterance == String(repeating: "u", count: 10_000) + "\(i)")
            #expect(s.turns[i].step == "Intent\(i % 3)")
            #expect(s.turns[i].ts == TR.t0 + Int64(i) * 1000)
        }
    }

    @Test func turnValuesRoundTrip() {
        let lines = [
            TR.launch(0, "m1", #""latencyMs":180,"speechMs":2400,"endSession":false,"confidence":"HIGH""#),
            // A late record (before the previous one): its time goes below the session's start.
            TR.intent(-500, "m2", "PlayIntent", #""latencyMs":0,"bargeIn":true,"confidence":"LOW","outcome":"error""#),
            TR.line(100, "m3", type: "IntentRequest", #""unhandled":true"#),
            TR.line(200, "m4", type: "AudioPlayer.PlaybackStarted"),
            TR.intent(300, "m5", "AMAZON.StopIntent", #""endSession":true"#),
        ]
        var out: [Session] = []
        let sz = Sessionizer(options: SessionOptions()) { out.append($0) }
        for l in lines { sz.add(TR.record(l)) }
        sz.finish()
        #expect(sz.lateRecords == 1)
        #expect(out.count == 1)
        let s = out[0]
        #expect(s.start == TR.t0 && s.end == TR.t0 + 300)
        #expect(s.messageIds == ["m1", "m2", "m3", "m4", "m5"])
        let t = s.turns
        #expect(t.map(\.messageId) == ["m1", "m2", "m3", "m5"])
        #expect(t.map(\.step) == ["LaunchRequest", "PlayIntent", "IntentRequest", "AMAZON.StopIntent"])
        #expect(t.map(\.intent) == [nil, "PlayIntent", nil, "AMAZON.StopIntent"])
        #expect(t.map(\.ts) == [TR.t0, TR.t0 - 500, TR.t0 + 100, TR.t0 + 300])
        #expect(t.map(\.latencyMs) == [180, 0, -1, -1])
        #expect(t.map(\.speechMs) == [2400, -1, -1, -1])
        #expect(t.map(\.endSession) == [.no, .unknown, .unknown, .yes])
        #expect(t.map(\.bargeIn) == [.unknown, .yes, .unknown, .unknown])
        #expect(t.map(\.confidence) == [.high, .low, .unknown, .unknown])
        #expect(t.map(\.failed) == [false, true, false, false])
        #expect(t.map(\.unhandled) == [false, false, true, false])
        #expect(s.endedBy == .endSession && s.outcome == .userEnded)
    }

    @Test func manySessionsClosingInReverse() {
        // 10,000 sessions open at once (the index grows past its first size), closed newest
        // first by endSession, then a second round reusing every freed slot.
        let n = 10_000
        var lines: [String] = []
        for i in 0..<n { lines.append(TR.launch(Int64(i), "a\(i)", sid: "S\(i)")) }
        for k in 0..<n { let i = n - 1 - k; lines.append(TR.intent(Int64(n + k), "b\(i)", "PlayIntent", sid: "S\(i)", "\"endSession\":true")) }
        for i in 0..<n { lines.append(TR.launch(Int64(3 * n + i), "c\(i)", sid: "S\(i)")) }
        var out: [Session] = []
        let sz = Sessionizer(options: SessionOptions()) { out.append($0) }
        for l in lines { sz.add(TR.record(l)) }
        #expect(sz.openSessions == n)
        sz.finish()
        #expect(out.count == 2 * n)
        #expect(sz.reopenedSessions == n)
        // Closing order: S9999 … S0 by endSession, then the second round S0 … S9999 at the end.
        for k in [0, 1, 4321, n - 1] {
            let i = n - 1 - k
            let s = out[k]
            #expect(s.sessionId == "S\(i)")
            #expect(s.messageIds == ["a\(i)", "b\(i)"])
            #expect(s.start == TR.t0 + Int64(i) && s.end == TR.t0 + Int64(n + k))
            #expect(s.endedBy == .endSession && s.outcome == .skillEnded && !s.reopened)
            let r = out[n + k]
            #expect(r.sessionId == "S\(k)" && r.messageIds == ["c\(k)"] && r.reopened && r.endedBy == .endOfInput)
        }
    }

    @Test func idleBoundaryAmongOtherSessions() {
        // A: records at 0 and exactly 600,000 later (one session); B's record at 1,200,000
        // moves time on: A's last record is exactly 600,000 old, still open. C at 1,200,001 ends A
        // (600,001 idle); time at 1,800,001 is 600,001 after B's record: B ends there, and the
        // records of A and B at that time start new (reopened) sessions.
        let lines = [
            TR.launch(0, "a1", sid: "A"), TR.intent(600_000, "a2", "PlayIntent", sid: "A"),
            TR.launch(1_200_000, "b1", sid: "B"), TR.launch(1_200_001, "c1", sid: "C"),
            TR.intent(1_800_001, "a3", "PlayIntent", sid: "A"), TR.intent(1_800_001, "b2", "PlayIntent", sid: "B"),
        ]
        var out: [Session] = []
        let sz = Sessionizer(options: SessionOptions()) { out.append($0) }
        for l in lines { sz.add(TR.record(l)) }
        sz.finish()
        #expect(out.map(\.sessionId) == ["A", "B", "C", "A", "B"])
        #expect(out.map(\.messageIds) == [["a1", "a2"], ["b1"], ["c1"], ["a3"], ["b2"]])
        #expect(out.map(\.endedBy) == [.idleTimeout, .idleTimeout, .endOfInput, .endOfInput, .endOfInput])
        #expect(out.map(\.reopened) == [false, false, false, true, true])
    }

    @Test func lesserDetailDropsOnlyWhatItSays() {
        // m3 and m4: the same intent and slot values 1 s apart, a retry: "\u00e9" and "e\u0301"
        // are different bytes but equal Strings (canonically equivalent).
        let lines = [
            TR.launch(0, "m1"), TR.intent(1000, "m2", "AMAZON.FallbackIntent", #""utterance":"what""#),
            TR.intent(2000, "m3", "PlayIntent", #""slots":{"a":"\u00e9"}"#),
            TR.intent(3000, "m4", "PlayIntent", #""slots":{"a":"e\u0301"}"#),
            TR.ended(4000, "m5", "USER_INITIATED"),
        ]
        func run(_ d: SessionDetail) -> Session {
            var out: [Session] = []
            let sz = Sessionizer(options: SessionOptions()) { out.append($0) }
            sz.detail = d
            for l in lines { sz.add(TR.record(l)) }
            sz.finish()
            #expect(out.count == 1)
            return out[0]
        }
        let f = run(.full), t = run(.noText), c = run(.counts)
        #expect(f.sessionId == "S1" && t.sessionId == "S1" && c.sessionId == "")
        #expect(f.userId == "U1" && t.userId == "U1" && c.userId == nil)
        #expect([f, t, c].allSatisfy { $0.userHash == byteHash("U1") })
        #expect(f.messageIds == ["m1", "m2", "m3", "m4", "m5"] && t.messageIds == f.messageIds && c.messageIds.isEmpty)
        #expect(f.endMessageId == "m5" && t.endMessageId == "m5" && c.endMessageId == "")
        #expect(f.turns.map(\.utterance) == [nil, "what", nil, nil])
        #expect(f.turns[2].slots.map { Array($0.utf8) } == Array("a=\u{e9}".utf8))
        #expect([t, c].allSatisfy { $0.turns.allSatisfy { $0.utterance == nil && $0.slots == nil } })
        #expect(t.turns.map(\.messageId) == ["m1", "m2", "m3", "m4"] && c.turns.map(\.messageId) == ["", "", "", ""])
        // No termination (the abandoned turn m4 is no friction turn); FallbackIntent: unhandled
        // and a system error; m3 retried by m4: a system error.
        for s in [f, t, c] {
            #expect(s.outcome == .userEnded && s.path == f.path)
            #expect(s.friction.map(\.type) == [.unhandled, .systemError, .systemError])
            #expect(s.friction.map(\.detail) == ["fallback_intent", "unhandled", "retry"])
            #expect(s.friction.map(\.utterance) == ["what", "what", nil])
            #expect(s.friction.map { $0.signature.map { Array($0.utf8) } }
                    == [Array("AMAZON.FallbackIntent".utf8), Array("AMAZON.FallbackIntent".utf8), Array("PlayIntent(a=\u{e9})".utf8)])
        }
        #expect(f.friction.map(\.messageId) == ["m2", "m2", "m3"] && t.friction.map(\.messageId) == ["m2", "m2", "m3"])
        #expect(t.friction[2].relatedMessageId == "m4" && c.friction.allSatisfy { $0.messageId == "" && $0.sessionId == "" })
        #expect(c.friction[2].relatedMessageId == "")
    }

    @Test func fullValueTableKeepsValuesInTheSession() {
        // With room for 2 values: "en-US" and "live" get numbers, then every other value
        // (skill, intents) is written into the session's own bytes.
        let lines = [
            TR.intent(0, "m1", "A", #""locale":"en-US","stage":"live","skillId":"skill-1""#),
            TR.intent(1000, "m2", "B", #""locale":"de-DE""#),
            TR.intent(2000, "m3", "en-US"),
        ]
        var out: [Session] = []
        let sz = Sessionizer(options: SessionOptions(), valueLimit: 2) { out.append($0) }
        for l in lines { sz.add(TR.record(l)) }
        sz.finish()
        #expect(out.count == 1)
        let s = out[0]
        #expect(s.locale == "en-US" && s.stage == "live" && s.skillId == "skill-1")
        #expect(s.turns.map(\.step) == ["A", "B", "en-US"])
        #expect(s.turns.map(\.intent) == ["A", "B", "en-US"])
    }

    @Test func fullSessionStartsANewOne() {
        // 60 bytes at most. The ID "S1" takes 3 bytes (length, "S1"); the user "U1" 4 (tag,
        // length, "U1"), once; each launch record a 5-byte message entry (tag, length, "m0N")
        // and a 7-byte turn (tag; time, latency, speech, step, flags, confidence: a byte each).
        // Four records take 3 + 4 + 4 × 12 = 55 bytes, a fifth would make 67: the session
        // closes, and the fifth record starts a new (reopened) one.
        var out: [Session] = []
        let sz = Sessionizer(options: SessionOptions(), valueLimit: 100, byteLimit: 60) { out.append($0) }
        for i in 0..<10 { sz.add(TR.record(TR.launch(Int64(i), "m0\(i)"))) }
        sz.finish()
        #expect(out.map(\.messageIds) == [["m00", "m01", "m02", "m03"], ["m04", "m05", "m06", "m07"], ["m08", "m09"]])
        #expect(out.map(\.endedBy) == [.endOfInput, .endOfInput, .endOfInput])
        #expect(out.map(\.reopened) == [false, true, true] && sz.reopenedSessions == 2)
        #expect(out.map(\.turns.count) == [4, 4, 2])
    }
}

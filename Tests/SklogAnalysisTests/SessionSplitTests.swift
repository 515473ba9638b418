import Foundation
import Testing
import SklogAnalysis
import SklogRecords

/// Results must not depend on how records are split among input files, nor on their order.
@Suite struct SessionSplitTests {
    static func lines() -> [String] {
        var l: [String] = []
        // 30 sessions over a few users, interleaved in time, with friction of every kind.
        for k in 0..<30 {
            let sid = "S\(k)", user = "U\(k % 7)"
            let base = Int64(k) * 7_000
            l.append(TR.line(base, "\(sid)-1", sid: sid, type: "LaunchRequest", user: user, "\"latencyMs\":150,\"speechMs\":2500"))
            switch k % 5 {
            case 0:
                l.append(TR.line(base + 2000, "\(sid)-2", sid: sid, intent: "AMAZON.StopIntent", user: user, "\"endSession\":true"))
            case 1:
                l.append(TR.line(base + 9000, "\(sid)-2", sid: sid, intent: "PlayIntent", user: user, #""slots":{"song":"x"},"confidence":"LOW""#))
                l.append(TR.line(base + 20000, "\(sid)-3", sid: sid, intent: "PlayIntent", user: user, #""slots":{"song":"x"}"#))
                l.append(TR.line(base + 30000, "\(sid)-4", sid: sid, type: "SessionEndedRequest", user: user, "\"reason\":\"USER_INITIATED\""))
            case 2:
                l.append(TR.line(base + 9000, "\(sid)-2", sid: sid, intent: "AMAZON.FallbackIntent", user: user))
                l.append(TR.line(base + 12000, "\(sid)-3", sid: sid, type: "SessionEndedRequest", user: user, "\"reason\":\"EXCEEDED_MAX_REPROMPTS\""))
            case 3:
                l.append(TR.line(base + 5000, "\(sid)-2", sid: sid, intent: "PlayIntent", user: user, "\"bargeIn\":true,\"endSession\":true"))
                l.append(TR.line(base + 6000, "\(sid)-3", sid: sid, intent: "PlayIntent", user: user))   // reopened
            default:
                l.append(TR.line(base + 5000, "\(sid)-2", sid: sid, intent: "PlayIntent", user: user, "\"outcome\":\"error\""))
            }
            l.append(TR.line(base + 100, "ev\(k)", sid: nil, type: "AlexaSkillEvent.SkillEnabled", user: user))
        }
        // Sort by time, as a single well-ordered log.
        return l.map { (TR.record($0).ts, $0) }.sorted { $0.0 < $1.0 }.map(\.1)
    }

    /// A textual digest of everything the Sessionizer produced.
    static func digest(paths: [String]) throws -> String {
        let stream = try RecordStream(paths: paths, options: StreamOptions())
        var out: [String] = []
        let sz = Sessionizer(options: SessionOptions()) { s in
            let f = s.friction.map { "\($0.type.rawValue):\($0.messageId)>\($0.relatedMessageId ?? "-")" }.joined(separator: ",")
            out.append("\(s.sessionId)|\(s.start)|\(s.outcome.rawValue)|\(s.endedBy.rawValue)|\(s.reopened)|\(s.messageIds.joined(separator: " "))|\(f)")
        }
        sz.emitInStartOrder = true
        try stream.forEach { sz.add($0) }
        sz.finish()
        return out.joined(separator: "\n") + "\nreopened=\(sz.reopenedSessions) without=\(sz.recordsWithoutSession)"
    }

    @Test func independentOfSplit() throws {
        let all = Self.lines()
        let one = TR.tempFile(all.joined(separator: "\n") + "\n", name: "one.ndjson")
        // Alternate lines between two files.
        let evens = all.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
        let odds = all.enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
        let a = TR.tempFile(evens.joined(separator: "\n") + "\n", name: "even.ndjson")
        let b = TR.tempFile(odds.joined(separator: "\n") + "\n", name: "odd.ndjson")
        // By session into three files (sessionless events in the last), named in reverse.
        var parts = [[String]](repeating: [], count: 3)
        for l in all {
            let r = TR.record(l)
            parts[r.sessionId.isPresent ? Int(r.hash(r.sessionId) % 2) : 2].append(l)
        }
        let p = parts.enumerated().map { TR.tempFile($0.element.joined(separator: "\n") + "\n", name: "part\($0.offset).ndjson") }

        let d1 = try Self.digest(paths: [one])
        let d2 = try Self.digest(paths: [b, a])
        let d3 = try Self.digest(paths: p.reversed())
        #expect(d1 == d2)
        #expect(d1 == d3)
        // And the expected shape.
        #expect(d1.contains("reopened=6 without=30"))
        #expect(d1.split(separator: "\n").count == 30 + 6 + 1)
    }
}

import Foundation
import Testing

// Two custom skills served by one Lambda (one log group): a fact skill whose response
// interceptor logs every response, and a hello-world-template skill that logs requests only.
// Envelopes in the shape of the Request and Response JSON Reference; numbers worked out by hand.

private let factSkill = "amzn1.ask.skill.aaaaaaaa-0000-0000-0000-00000000fac7"
private let helloSkill = "amzn1.ask.skill.bbbbbbbb-0000-0000-0000-0000000he110"

private func envelope(_ skill: String, _ rid: String, _ type: String, session: String, user: String, intent: String? = nil, extra: String = "") -> String {
    let i = intent.map { #","intent":{"name":"\#($0)","confirmationStatus":"NONE"}"# } ?? ""
    return #"{"version":"1.0","session":{"new":false,"sessionId":"\#(session)","application":{"applicationId":"\#(skill)"},"user":{"userId":"\#(user)"}},"context":{"System":{"application":{"applicationId":"\#(skill)"},"user":{"userId":"\#(user)"},"device":{"deviceId":"D"}}},"request":{"type":"\#(type)","requestId":"\#(rid)","timestamp":"2026-11-24T10:00:00Z","locale":"en-US"\#(i)\#(extra)}}"#
}

private func invocation(_ id: String, _ t: String, _ env: String, response: String? = nil) -> String {
    var l = ["START RequestId: \(id) Version: $LATEST", "2026-11-24T\(t)Z\t\(id)\tINFO\tREQUEST ENVELOPE: \(env)"]
    if let response { l.append("2026-11-24T\(t)Z\t\(id)\tINFO\tResponse: \(response)") }
    l += ["END RequestId: \(id)", "REPORT RequestId: \(id)\tDuration: 20.00 ms\tBilled Duration: 20 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB"]
    return l.joined(separator: "\n")
}

private let log = [
    invocation("i1", "10:00:00.000", envelope(factSkill, "A1", "LaunchRequest", session: "SA", user: "UA"),
               response: #"{"outputSpeech":{"type":"SSML","ssml":"<speak>Welcome</speak>"},"shouldEndSession":false}"#),
    invocation("i2", "10:00:02.000", envelope(helloSkill, "B1", "LaunchRequest", session: "SB", user: "UB")),
    invocation("i3", "10:00:05.000", envelope(factSkill, "A2", "IntentRequest", session: "SA", user: "UA", intent: "GetNewFactIntent"),
               response: #"{"outputSpeech":{"type":"SSML","ssml":"<speak>A fact</speak>"},"shouldEndSession":true}"#),
    invocation("i4", "10:00:07.000", envelope(helloSkill, "B2", "IntentRequest", session: "SB", user: "UB", intent: "HelloWorldIntent")),
    invocation("i5", "10:00:09.000", envelope(helloSkill, "B3", "SessionEndedRequest", session: "SB", user: "UB", extra: #","reason":"USER_INITIATED""#)),
    // The fact skill logs responses: this one's is missing, so it failed.
    invocation("i6", "10:01:00.000", envelope(factSkill, "A3", "IntentRequest", session: "SA2", user: "UA2", intent: "GetNewFactIntent")),
].joined(separator: "\n") + "\n"

@Suite struct SkillsInOneLogGroupTests {
    private func write() throws -> String {
        let p = temp() + ".log"
        try Data(log.utf8).write(to: URL(fileURLWithPath: p))
        return p
    }

    @Test func skillFilterSelectsEachSkillsRecords() throws {
        let p = try write()
        defer { try? FileManager.default.removeItem(atPath: p) }
        let a = try Run.tool("sklog-cat", ["--skill", factSkill, "--input-format", "lambda", p])
        #expect(a.status == 0)
        let ids = a.lines.compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
        #expect(ids.map { $0["messageId"] as? String } == ["A1", "A2", "A3"])
        #expect(ids.last?["errorType"] as? String == "MissingResponse")
        let b = try Run.tool("sklog-cat", ["--skill", helloSkill, p])
        let bs = b.lines.compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
        #expect(bs.map { $0["messageId"] as? String } == ["B1", "B2", "B3"])
        #expect(bs.prefix(2).allSatisfy { $0["outcome"] as? String == "success" })  // logs no responses
        #expect(b.stderr.contains("3 filtered out"))
        #expect(b.stderr.contains("2 outcomes from errors alone"))
    }

    @Test func metricsBySkill() throws {
        let p = try write()
        defer { try? FileManager.default.removeItem(atPath: p) }
        let r = try Run.tool("sklog-metrics", ["--by", "skill", "--format", "json", p])
        #expect(r.status == 0, "\(r.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: r.out) as? [String: Any])
        let total = try #require(doc["total"] as? [String: Any])
        let m = try #require(total["metrics"] as? [String: Any])
        #expect(m["totalUtterances"] as? Int == 5 && m["failedUtterances"] as? Int == 1)
        #expect(m["uniqueCustomers"] as? Int == 3 && m["totalSessions"] as? Int == 3)
        let bySkill = try #require((total["dimensions"] as? [String: Any])?["skill"] as? [String: [String: Any]])
        let a = try #require(bySkill[factSkill]), b = try #require(bySkill[helloSkill])
        #expect(a["totalUtterances"] as? Int == 3 && a["failedUtterances"] as? Int == 1 && a["successfulUtterances"] as? Int == 2)
        #expect(a["uniqueCustomers"] as? Int == 2)
        #expect(a["totalSessions"] as? Int == 2 && a["failedSessions"] as? Int == 1 && a["skillEndedSessions"] as? Int == 1)
        #expect(b["totalUtterances"] as? Int == 2 && b["failedUtterances"] as? Int == 0 && b["uniqueCustomers"] as? Int == 1)
        #expect(b["totalSessions"] as? Int == 1 && b["userEndedSessions"] as? Int == 1)
    }

    @Test func bothStagesFromTheirOwnLogGroups() throws {
        // Development and live share the skill ID: the stage comes from which log group was
        // read. Each is read with its --stage; the records keep it, and one run compares them.
        let p = try write()
        defer { try? FileManager.default.removeItem(atPath: p) }
        let dev = temp() + "-dev.ndjson", live = temp() + "-live.ndjson"
        defer { try? FileManager.default.removeItem(atPath: dev); try? FileManager.default.removeItem(atPath: live) }
        let d = try Run.tool("sklog-cat", ["--stage", "development", "--skill", helloSkill, p])
        try Data(d.stdout.utf8).write(to: URL(fileURLWithPath: dev))
        let l = try Run.tool("sklog-cat", ["--stage", "live", "--skill", factSkill, p])
        try Data(l.stdout.utf8).write(to: URL(fileURLWithPath: live))
        let r = try Run.tool("sklog-metrics", ["--by", "stage", "--by", "skill", "--format", "json", dev, live])
        let doc = try #require(try JSONSerialization.jsonObject(with: r.out) as? [String: Any])
        let dims = try #require((doc["total"] as? [String: Any])?["dimensions"] as? [String: [String: [String: Any]]])
        #expect(dims["stage"]?["development"]?["totalUtterances"] as? Int == 2)
        #expect(dims["stage"]?["live"]?["totalUtterances"] as? Int == 3)
        #expect(dims["stage"]?["live"]?["failedUtterances"] as? Int == 1)
        #expect(dims["skill"]?[helloSkill]?["totalSessions"] as? Int == 1)
    }
}

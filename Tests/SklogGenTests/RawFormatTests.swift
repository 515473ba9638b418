import Foundation
import Testing
@testable import SklogGen

/// A small reader of the raw formats (independent of the generator's writers), to check that
/// what raw logs carry round-trips to the canonical records of the same seed.
@Suite struct RawFormatTests {
    struct Invocation {
        var start: Int64?
        var request: [String: Any]?
        var response: [String: Any]?
        var error: [String: Any]?
        var durationMs = 0.0
        var timedOut = false
    }

    static func isTimestamp(_ s: Substring) -> Bool {
        s.count >= 25 && s[s.index(s.startIndex, offsetBy: 4)] == "-" && s[s.index(s.startIndex, offsetBy: 23)] == "Z"
    }

    static func object(after marker: String, in s: String) -> [String: Any]? {
        guard let r = s.range(of: marker), let brace = s[r.upperBound...].firstIndex(of: "{") else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(s[brace...].utf8))) as? [String: Any]
    }

    /// Log events (time when known, message) -> invocations by Lambda request id.
    static func invocations(_ events: [(Int64?, String)]) -> [String: Invocation] {
        var inv: [String: Invocation] = [:]
        for (t, m) in events {
            if m.hasPrefix("START RequestId: ") {
                let id = String(m.dropFirst(17).prefix(36))
                if inv[id]?.start == nil, let t = t { inv[id, default: Invocation()].start = t }
                if inv[id] == nil { inv[id] = Invocation() }
            } else if m.hasPrefix("END RequestId: ") {
                continue
            } else if m.hasPrefix("REPORT RequestId: ") {
                let id = String(m.dropFirst(18).prefix(36))
                var total = 0.0
                for field in m.split(separator: "\t") {
                    for key in ["Duration: ", "Init Duration: "] where field.hasPrefix(key) {
                        total += Double(field.dropFirst(key.count).split(separator: " ")[0])!
                    }
                }
                inv[id, default: Invocation()].durationMs = total
            } else if m.contains(" Task timed out after ") {
                let id = String(m.split(separator: " ")[1])
                inv[id, default: Invocation()].timedOut = true
            } else {
                let parts = m.split(separator: "\t", maxSplits: 3, omittingEmptySubsequences: false)
                precondition(parts.count == 4 && isTimestamp(parts[0] + " "), "unexpected line: \(m.prefix(120))")
                let id = String(parts[1])
                let rest = String(parts[3])
                let ts = parseDate(String(parts[0]))!
                if parts[2] == "ERROR" {
                    inv[id, default: Invocation()].error = object(after: "Invoke Error", in: rest)
                } else if rest.hasPrefix("Response: ") {
                    inv[id, default: Invocation()].response = object(after: "Response: ", in: rest)
                } else {
                    if inv[id, default: Invocation()].start == nil { inv[id]!.start = ts }
                    inv[id]!.request = object(after: ":", in: rest)
                }
            }
        }
        return inv
    }

    static func lambdaTextEvents(_ text: String, timestamped: Bool) -> [(Int64?, String)] {
        var events: [(Int64?, String)] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var t: Int64? = nil
            var body = line
            if timestamped, isTimestamp(line) {
                t = parseDate(String(line.prefix(24)))
                body = line.dropFirst(25)
            }
            let starts = body.hasPrefix("START ") || body.hasPrefix("END ") || body.hasPrefix("REPORT ") || isTimestamp(body)
            if starts { events.append((t, String(body))) } else if !events.isEmpty { events[events.count - 1].1 += "\n" + body }
        }
        return events.filter { !$0.1.isEmpty }
    }

    static func speech(_ ssml: String) -> Int {
        var words = 0, breaks = 0
        var inTag = false, inWord = false
        var tag = ""
        for c in ssml {
            if inTag {
                tag.append(c)
                if c == ">" {
                    inTag = false
                    if tag.hasPrefix("<break"), let r = tag.range(of: "time=\"") {
                        let v = tag[r.upperBound...].prefix { $0 != "\"" }
                        breaks += v.hasSuffix("ms") ? Int(v.dropLast(2))! : Int(Double(v.dropLast())! * 1000)
                    }
                }
                continue
            }
            if c == "<" { inTag = true; tag = "<"; inWord = false; continue }
            if c.isWhitespace { inWord = false } else if !inWord { inWord = true; words += 1 }
        }
        return Int((Double(words) / 2.6 * 1000).rounded()) + breaks
    }

    /// Canonical fields derived from an invocation, the way the SPEC's normalizer would.
    static func canonical(_ v: Invocation) -> [String: Any] {
        var d: [String: Any] = ["latencyMs": Int(v.durationMs.rounded()), "ts": v.start!]
        let req = v.request!
        if let q = req["request"] as? [String: Any] {
            d["messageId"] = q["requestId"]
            d["requestType"] = q["type"]
            if let s = req["session"] as? [String: Any] { d["sessionId"] = s["sessionId"] }
            if let i = q["intent"] as? [String: Any] { d["intent"] = i["name"] }
            if let r = v.response?["response"] as? [String: Any] {
                if let e = r["shouldEndSession"] as? Bool { d["endSession"] = e }
                if let o = r["outputSpeech"] as? [String: Any] {
                    d["speechMs"] = speech(o["ssml"] as! String)
                    d["reprompt"] = r["reprompt"] != nil
                }
            }
        } else {
            let ev = (req["directive"] ?? req["event"]) as! [String: Any]
            let h = ev["header"] as! [String: Any]
            d["messageId"] = h["messageId"]
            d["requestType"] = "\(h["namespace"]!).\(h["name"]!)"
            if let e = v.response?["event"] as? [String: Any], let rh = e["header"] as? [String: Any], rh["name"] as? String == "ErrorResponse" {
                d["outcome"] = "error"
            }
        }
        if v.timedOut { d["outcome"] = "no_response" }
        else if let e = v.error {
            d["outcome"] = "error"
            d["errorType"] = (e["errorMessage"] as? String ?? "").contains("suitable request handler") ? "NoHandler" : e["errorType"]
        }
        if d["outcome"] == nil { d["outcome"] = "success" }
        return d
    }

    static func compare(_ inv: [String: Invocation], with canonicalOut: [UInt8]) {
        var want: [String: [String: Any]] = [:]
        for line in Support.lines(canonicalOut) {
            let d = Support.json(line)!
            let rt = d["requestType"] as! String
            if ["OAuth.Token", "FlashBriefing.Play"].contains(rt) || rt.hasPrefix("AccountLinking.") || rt.hasPrefix("Subscription.") { continue }
            want[d["messageId"] as! String] = d
        }
        #expect(inv.count == want.count)
        var checked = 0
        for v in inv.values {
            let got = canonical(v)
            guard let w = want[got["messageId"] as! String] else { Issue.record("unknown message id"); continue }
            #expect(got["ts"] as? Int64 == parseDate(w["ts"] as! String))
            #expect(got["requestType"] as? String == w["requestType"] as? String)
            #expect(got["latencyMs"] as? Int == w["latencyMs"] as? Int)
            #expect(got["outcome"] as? String == w["outcome"] as? String)
            #expect(got["sessionId"] as? String == w["sessionId"] as? String)
            #expect(got["intent"] as? String == w["intent"] as? String)
            #expect(got["endSession"] as? Bool == w["endSession"] as? Bool)
            #expect(got["speechMs"] as? Int == w["speechMs"] as? Int)
            #expect(got["reprompt"] as? Bool == w["reprompt"] as? Bool)
            if w["outcome"] as? String == "error" && w["requestType"] as? String == "IntentRequest" {
                #expect(got["errorType"] as? String == w["errorType"] as? String)
            }
            checked += 1
        }
        #expect(checked > 1000)
    }

    static func clean(_ f: OutputFormat) -> GenOptions {
        var o = Support.options(records: 3000, seed: 21, format: f)
        o.disorder = 0
        o.duplicates = 0
        return o
    }

    static let canonicalRun = Generator.generate(clean(.ndjson)).outputs[0]

    @Test func lambdaTextRoundTrips() {
        let out = Generator.generate(Self.clean(.lambda)).outputs[0]
        let text = String(decoding: out, as: UTF8.self)
        #expect(text.hasPrefix("START RequestId: "))
        Self.compare(Self.invocations(Self.lambdaTextEvents(text, timestamped: false)), with: Self.canonicalRun)
    }

    @Test func cloudWatchExportRoundTrips() {
        let out = Generator.generate(Self.clean(.cloudwatchExport)).outputs[0]
        let text = String(decoding: out, as: UTF8.self)
        Self.compare(Self.invocations(Self.lambdaTextEvents(text, timestamped: true)), with: Self.canonicalRun)
    }

    @Test func lambdaJSONRoundTrips() throws {
        let out = Generator.generate(Self.clean(.lambdaJSON)).outputs[0]
        var events: [(Int64?, String)] = []
        var reports: [String: Double] = [:]
        var timeouts = Set<String>()
        var errors: [String: [String: Any]] = [:]
        for line in Support.lines(out) {
            let d = try #require(Support.json(line))
            if let type = d["type"] as? String {
                let rec = d["record"] as! [String: Any]
                let id = rec["requestId"] as! String
                if type == "platform.start" {
                    events.append((parseDate(d["time"] as! String), "START RequestId: \(id) Version: $LATEST"))
                } else {
                    let m = rec["metrics"] as! [String: Any]
                    reports[id] = (m["durationMs"] as! Double) + (m["initDurationMs"] as? Double ?? 0)
                    if rec["status"] as? String == "timeout" { timeouts.insert(id) }
                }
            } else if d["level"] as? String == "ERROR" {
                errors[d["requestId"] as! String] = d
            } else {
                events.append((nil, "\(d["timestamp"]!)\t\(d["requestId"]!)\tINFO\t\(d["message"]!)"))
            }
        }
        var inv = Self.invocations(events)
        for (id, dur) in reports { inv[id]!.durationMs = dur }
        for id in timeouts { inv[id]!.timedOut = true }
        for (id, e) in errors { inv[id]!.error = e }
        Self.compare(inv, with: Self.canonicalRun)
    }

    @Test func subscriptionPayloadsRoundTrip() throws {
        var o = Self.clean(.subscription)
        o.records = 3000
        let out = Generator.generate(o).outputs[0]
        var events: [(Int64?, String)] = []
        var wrapped = 0, control = 0
        for line in Support.lines(out) {
            var d = try #require(Support.json(line))
            if let a = d["awslogs"] as? [String: Any] {
                wrapped += 1
                let gz = [UInt8](Data(base64Encoded: a["data"] as! String)!)
                d = try #require(Support.json(try inflate(gz)))
            }
            if d["messageType"] as? String == "CONTROL_MESSAGE" { control += 1; continue }
            #expect(d["messageType"] as? String == "DATA_MESSAGE")
            for e in d["logEvents"] as! [[String: Any]] {
                #expect((e["id"] as! String).count == 56)
                var m = e["message"] as! String
                if m.hasSuffix("\n") { m.removeLast() }
                events.append(((e["timestamp"] as! NSNumber).int64Value, m))
            }
        }
        #expect(wrapped > 0 && control == 1)
        Self.compare(Self.invocations(events), with: Self.canonicalRun)
    }

    @Test func tokensNeverReachCanonicalRecordsButAreInRawLogs() {
        let raw = String(decoding: Generator.generate(Self.clean(.lambda)).outputs[0], as: UTF8.self)
        #expect(raw.contains("\"accessToken\": \"Atza|"))
        #expect(raw.contains("\"apiAccessToken\": \"eyJ"))
        let canonical = String(decoding: Self.canonicalRun, as: UTF8.self)
        #expect(!canonical.contains("Atza|"))
        #expect(!canonical.contains("eyJ0eXAi"))
    }

    @Test func rawTruthIsOverWhatRawLogsCarry() {
        let run = Generator.generate(Self.clean(.lambda))
        let summary = Support.json(Support.lines(run.truth).last!)!
        let friction = summary["friction"] as! [String: Int]
        #expect(friction["low_confidence"] == 0)
        #expect(friction["barge_in"]! > 0 && friction["unhandled"]! > 0 && friction["termination"]! > 0)
        let types = summary["requestTypes"] as! [String: Int]
        #expect(types["OAuth.Token"] == nil && types["FlashBriefing.Play"] == nil)
        let starts = String(decoding: run.outputs[0], as: UTF8.self).components(separatedBy: "START RequestId: ").count - 1
        #expect(summary["records"] as? Int == starts)
    }

    @Test func rawDuplicatesRepeatWholeInvocations() {
        var o = Self.clean(.lambda)
        o.duplicates = 0.05
        let run = Generator.generate(o, streams: 2)
        var starts: [String: Int] = [:]
        for out in run.outputs {
            for line in String(decoding: out, as: UTF8.self).split(separator: "\n") where line.hasPrefix("START RequestId: ") {
                starts[String(line.dropFirst(17).prefix(36)), default: 0] += 1
            }
        }
        let summary = Support.json(Support.lines(run.truth).last!)!
        #expect(starts.values.reduce(0, +) - starts.count == summary["duplicates"] as! Int)
        #expect(starts.count == summary["records"] as! Int)
    }
}

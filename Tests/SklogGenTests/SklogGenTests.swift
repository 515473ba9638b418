import Foundation
import Testing
import CZlib
@testable import SklogGen

@Suite struct DeterminismTests {
    @Test func sameSeedSameBytes() {
        let o = Support.options(records: 3000, seed: 7)
        let a = Generator.generate(o)
        let b = Generator.generate(o)
        #expect(a.outputs == b.outputs)
        #expect(a.truth == b.truth)
        #expect(a.outputs[0].count > 1_000_000)
    }

    @Test func differentSeedDifferentBytes() {
        let a = Generator.generate(Support.options(records: 1000, seed: 1))
        let b = Generator.generate(Support.options(records: 1000, seed: 2))
        #expect(a.outputs != b.outputs)
    }

    @Test func startDateMovesTraffic() {
        var o = Support.options(records: 500)
        o.start = parseDate("2027-03-01")!
        let out = Generator.generate(o).outputs[0]
        let first = Support.json(Support.lines(out)[0])!
        #expect((first["ts"] as! String).hasPrefix("2027-03-01T"))
    }
}

@Suite struct CanonicalRecordTests {
    static let run = Support.cache.run(Support.options(records: 20_000))

    @Test func everyLineIsValidJSONWithRequiredFields() throws {
        let lines = Support.lines(Self.run.outputs[0])
        #expect(lines.count > 18_000)
        for line in lines {
            let d = try #require(Support.json(line), "not JSON: \(String(decoding: line, as: UTF8.self))")
            let ts = try #require(d["ts"] as? String)
            #expect(ts.count == 24 && ts.hasSuffix("Z") && Support.ms(ts) != nil)
            #expect((d["messageId"] as? String)?.isEmpty == false)
            #expect(d["requestType"] is String)
            // never null for planted facts
            #expect(!d.values.contains { $0 is NSNull })
            #expect(d["device"] is [String: Any])
        }
    }

    @Test func recordSizeIsRealistic() {
        let out = Self.run.outputs[0]
        let n = Support.lines(out).count
        let avg = out.count / n
        #expect(avg > 850 && avg < 1300)
    }

    @Test func everyRecordKindIsPresent() throws {
        var types = Set<String>()
        var fields = Set<String>()
        var outcomes = Set<String>(), reasons = Set<String>(), confidences = Set<String>()
        var bargeIns = Set<Bool>()
        var errorTypes = Set<String>()
        var oauthGrants = Set<String>(), ispActions = Set<String>(), via = Set<String>(), trial = Set<Bool>()
        var stages = Set<String>(), locales = Set<String>(), skillTypes = Set<String>()
        for line in Support.lines(Self.run.outputs[0]) {
            let d = try #require(Support.json(line))
            types.insert(d["requestType"] as! String)
            fields.formUnion(d.keys)
            if let o = d["outcome"] as? String { outcomes.insert(o) }
            if let r = d["reason"] as? String { reasons.insert(r) }
            if let c = d["confidence"] as? String { confidences.insert(c) }
            if let b = d["bargeIn"] as? Bool { bargeIns.insert(b) }
            if let e = d["errorType"] as? String { errorTypes.insert(e) }
            if let g = d["grantType"] as? String { oauthGrants.insert(g) }
            if let a = d["ispAction"] as? String { ispActions.insert(a) }
            if let v = d["via"] as? String { via.insert(v) }
            if let t = d["trial"] as? Bool { trial.insert(t) }
            if let s = d["stage"] as? String { stages.insert(s) }
            if let l = d["locale"] as? String { locales.insert(l) }
            if let s = d["skillType"] as? String { skillTypes.insert(s) }
        }
        for rt in RT.allCases where rt != .subConverted && rt != .subEnded {
            #expect(types.contains(rt.name), "missing \(rt.name)")
        }
        for f in ["sessionId", "userId", "deviceId", "skillId", "locale", "stage", "intent", "slots", "utterance",
                  "confidence", "latencyMs", "latencySource", "outcome", "errorType", "endSession", "reprompt",
                  "speechMs", "bargeIn", "unhandled", "reason", "namespace", "name", "endpointId", "correlationToken",
                  "state", "ispAction", "productId", "productType", "purchaseResult", "offerHeard", "trial",
                  "grantType", "via"] {
            #expect(fields.contains(f), "no record has \(f)")
        }
        #expect(outcomes == ["success", "error", "no_response"])
        #expect(reasons == ["USER_INITIATED", "ERROR", "EXCEEDED_MAX_REPROMPTS"])
        #expect(confidences == ["HIGH", "MEDIUM", "LOW"])
        #expect(bargeIns == [true, false])
        #expect(errorTypes.isSuperset(of: ["NoHandler", "ENDPOINT_UNREACHABLE", "invalid_grant", "INVALID_RESPONSE"]))
        #expect(oauthGrants == ["authorization_code", "refresh_token"])
        #expect(ispActions == ["Buy", "Upsell", "Cancel"])
        #expect(via == ["alexa_app", "app"])
        #expect(trial == [true, false])
        #expect(stages == ["live", "development"])
        #expect(locales == ["en-US", "en-GB", "de-DE"])
        #expect(skillTypes == ["custom", "smart_home", "flash_briefing"])
    }

    @Test func subscriptionLifecycleOverAMonth() throws {
        var o = Support.options(records: 30_000)
        o.days = 35
        let out = Generator.generate(o).outputs[0]
        var types = Set<String>()
        for line in Support.lines(out) { types.insert(Support.json(line)!["requestType"] as! String) }
        #expect(types.isSuperset(of: ["Subscription.Started", "Subscription.Converted", "Subscription.Ended"]))
    }
}

@Suite struct OutputTests {
    @Test func gzipFileRoundTrips() throws {
        let o = Support.options(records: 4000, seed: 9)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sklog-gen-test-\(getpid())-gz")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("out.ndjson.gz").path
        try Generator.run(o, target: .single(path: path))
        let gz = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(gz.count > 18 && gz[0] == 0x1F && gz[1] == 0x8B)
        let plain = try inflate(gz)
        #expect(plain == Generator.generate(o).outputs[0])
    }

    @Test func filesSplitKeepsTheUniqueRecords() throws {
        let o = Support.options(records: 6000, seed: 11)
        let one = Support.cache.run(o, streams: 1)
        let four = Support.cache.run(o, streams: 4)
        #expect(four.outputs.count == 4)
        #expect(four.outputs.allSatisfy { !$0.isEmpty })
        let a = Set(one.outputs.flatMap(Support.lines))
        let all = four.outputs.flatMap(Support.lines)
        let b = Set(all)
        #expect(a == b)
        // duplicates are the same line again, and the truth says how many
        let summary = Support.json(Support.lines(four.truth).last!)!
        #expect(all.count == b.count + (summary["duplicates"] as! Int))
        #expect(b.count == summary["records"] as! Int)
        #expect((summary["duplicates"] as! Int) > 0)
    }

    @Test func filesOnDiskAreGzipStreams() throws {
        let o = Support.options(records: 3000, seed: 12)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sklog-gen-test-\(getpid())-files")
        defer { try? FileManager.default.removeItem(at: dir) }
        try Generator.run(o, target: .directory(path: dir.path, count: 3))
        var lines = Set<[UInt8]>()
        for i in 0..<3 {
            let p = dir.appendingPathComponent("stream-00\(i).ndjson.gz").path
            let plain = try inflate([UInt8](try Data(contentsOf: URL(fileURLWithPath: p))))
            lines.formUnion(Support.lines(plain))
        }
        #expect(lines == Set(Support.lines(Generator.generate(o, streams: 3).outputs.flatMap { $0 })))
    }

    @Test func disorderStaysWithin30sAndDuplicatesWithinSeconds() throws {
        var o = Support.options(records: 8000, seed: 13)
        o.disorder = 0.05
        o.duplicates = 0.02
        let run = Generator.generate(o, streams: 3)
        var late = 0
        var firstSeen: [String: Int64] = [:]
        var dups = 0
        for out in run.outputs {
            var maxTs = Int64.min
            for line in Support.lines(out) {
                let d = Support.json(line)!
                let t = Support.ms(d["ts"] as! String)!
                let id = d["messageId"] as! String
                if let f = firstSeen[id] { dups += 1; #expect(abs(t - f) == 0) } else { firstSeen[id] = t }
                if t < maxTs { late += 1; #expect(maxTs - t <= 30_000) }
                maxTs = max(maxTs, t)
            }
        }
        #expect(late > 0)
        #expect(dups > 0)
    }

    @Test func noDisorderNoDuplicatesMeansSorted() throws {
        var o = Support.options(records: 3000, seed: 14)
        o.disorder = 0
        o.duplicates = 0
        let out = Generator.generate(o).outputs[0]
        var prev = Int64.min
        var ids = Set<String>()
        for line in Support.lines(out) {
            let d = Support.json(line)!
            let t = Support.ms(d["ts"] as! String)!
            #expect(t >= prev)
            prev = t
            #expect(ids.insert(d["messageId"] as! String).inserted)
        }
    }
}

/// zlib inflate of a gzip file (possibly several members).
func inflate(_ gz: [UInt8]) throws -> [UInt8] {
    var out: [UInt8] = []
    var strm = z_stream()
    #expect(czlib_inflateInit2(&strm, 15 + 32) == Z_OK)
    defer { inflateEnd(&strm) }
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    try gz.withUnsafeBufferPointer { src in
        strm.next_in = UnsafeMutablePointer(mutating: src.baseAddress!)
        strm.avail_in = uInt(src.count)
        while true {
            let rc = chunk.withUnsafeMutableBufferPointer { dst -> Int32 in
                strm.next_out = dst.baseAddress
                strm.avail_out = uInt(dst.count)
                return CZlib.inflate(&strm, Z_NO_FLUSH)
            }
            out.append(contentsOf: chunk[0..<(chunk.count - Int(strm.avail_out))])
            if rc == Z_STREAM_END {
                if strm.avail_in == 0 { break }
                inflateReset(&strm)
                continue
            }
            guard rc == Z_OK else { throw GenError.io("inflate \(rc)") }
        }
    }
    return out
}

@Suite struct BytesTests {
    @Test func jsonEscaping() throws {
        let b = ByteBuffer()
        b.jsonString("a\"b\\c\nd\te\u{01}f\u{1F}é")
        let s = String(decoding: b.bytes, as: UTF8.self)
        #expect(s == "\"a\\\"b\\\\c\\nd\\te\\u0001f\\u001fé\"")
        let back = try JSONSerialization.jsonObject(with: Data(b.bytes), options: .fragmentsAllowed) as? String
        #expect(back == "a\"b\\c\nd\te\u{01}f\u{1F}é")
    }

    @Test func timestampsAndNumbers() {
        let b = ByteBuffer()
        b.timestamp(parseDate("2026-11-02T08:15:30.123Z")!)
        b.byte(0x20); b.timestamp(parseDate("2028-02-29")! + 86_399_999)
        b.byte(0x20); b.int(0); b.byte(0x20); b.int(-1234567); b.byte(0x20); b.fixed(1574, decimals: 2)
        b.byte(0x20); b.fixed(5, decimals: 2)
        #expect(String(decoding: b.bytes, as: UTF8.self) == "2026-11-02T08:15:30.123Z 2028-02-29T23:59:59.999Z 0 -1234567 15.74 0.05")
    }

    @Test func speakingTimeFollowsTheSpec() {
        // 13 words = 5000 ms, plus breaks; tags count as whitespace, <audio> as nothing.
        let ssml = "<speak>one two three four five six seven eight nine ten eleven twelve thir<break time=\"1.5s\"/>teen <audio src=\"x.mp3\"/><break time=\"250ms\"/></speak>"
        #expect(speakingTime(ssml) == (14 * 10000 + 13) / 26 + 1500 + 250)
    }
}

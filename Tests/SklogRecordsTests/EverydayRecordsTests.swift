import Foundation
import Testing
import SklogGen
@testable import SklogRecords

/// Relative times for --since/--until, and one invocation delivered twice.
@Suite struct EverydayRecordsTests {
    // 2026-11-24T10:30:00Z, a Tuesday.
    static let now: Int64 = 1_795_514_400_000 + 30 * 60_000

    @Test func relativeTimes() {
        let p = { (s: String) in TimeArgument.parse(s, now: Self.now) }
        #expect(p("today") == Timestamp.parse("2026-11-24T00:00:00Z"))
        #expect(p("yesterday") == Timestamp.parse("2026-11-23T00:00:00Z"))
        #expect(p("30m") == Timestamp.parse("2026-11-24T10:00:00Z"))
        #expect(p("2h") == Timestamp.parse("2026-11-24T08:30:00Z"))
        #expect(p("7d") == Timestamp.parse("2026-11-17T10:30:00Z"))
        #expect(p("-7d") == Timestamp.parse("2026-11-17T10:30:00Z"))
        #expect(p("1w") == Timestamp.parse("2026-11-17T10:30:00Z"))
        #expect(p("90s") == Timestamp.parse("2026-11-24T10:28:30Z"))
        // Absolute times as before.
        #expect(p("2026-11-21") == Timestamp.parse("2026-11-21T00:00:00Z"))
        #expect(p("2026-11-21T08:00:00+01:00") == Timestamp.parse("2026-11-21T07:00:00Z"))
        for bad in ["7x", "d", "-", "tomorrow", "7.5d", "2 h"] { #expect(p(bad) == nil, "\(bad)") }
    }

    /// An invocation whose envelope is pretty-printed over more than 64 lines, logged twice back
    /// to back (a retried subscription, two overlapping pulls): one record, one duplicate, no
    /// damage.
    @Test func sameInvocationTwice() throws {
        var envelope = env("D1", "IntentRequest", extra: #","intent":{"name":"GetFactIntent"}"#)
        // Pretty-print it over many lines, as a Node.js skill's JSON.stringify(event, null, 2).
        let obj = try JSONSerialization.jsonObject(with: Data(envelope.utf8))
        envelope = String(decoding: try JSONSerialization.data(withJSONObject: obj, options: [.prettyPrinted, .sortedKeys]), as: UTF8.self)
        let padding = (0..<70).map { "  \"pad\($0)\": \($0)," }.joined(separator: "\n")
        envelope = "{\n" + padding + "\n" + envelope.dropFirst(2)
        #expect(envelope.split(separator: "\n").count > 70)
        let one = """
        START RequestId: dddd-1 Version: $LATEST
        2026-11-24T10:00:00.102Z\tdddd-1\tINFO\tREQUEST ENVELOPE: \(envelope)
        2026-11-24T10:00:00.300Z\tdddd-1\tINFO\tResponse: {"version":"1.0","response":{"outputSpeech":{"type":"SSML","ssml":"<speak>Hi.</speak>"}}}
        END RequestId: dddd-1
        REPORT RequestId: dddd-1\tDuration: 200.40 ms\tBilled Duration: 201 ms\t

        """
        let r = try RawRun.text(one + one)
        #expect(r.rejectedTotal == 0)
        #expect(r.records.count == 1)
        #expect(r.accounting.duplicates == 1)
        let d1 = try #require(r.record("D1"))
        #expect(d1["latencyMs"] as? Int == 200)
        #expect(d1["outcome"] as? String == "success")
        #expect(d1["ts"] as? String == "2026-11-24T10:00:00.102Z")
    }

    /// `sklog gen`'s default duplicates (0.5 % of records written twice, within a few seconds) in
    /// the raw formats: duplicates as in the canonical output of the same traffic, no rejects.
    @Test(arguments: [OutputFormat.lambda, .cloudwatchExport, .lambdaJSON, .subscription])
    func generatedDuplicatesAreDuplicates(_ format: OutputFormat) throws {
        func read(_ f: OutputFormat) throws -> (Int, Accounting) {
            var o = GenOptions()
            o.records = 3000
            o.format = f
            let bytes = Generator.generate(o).outputs[0]
            let path = tempPath()
            FileManager.default.createFile(atPath: path, contents: Data(bytes))
            let (recs, acc) = try streamAll([path])
            return (recs.count, acc)
        }
        let (_, canonical) = try read(.ndjson)
        #expect(canonical.duplicates > 0)
        let (_, raw) = try read(format)
        #expect(raw.rejectedTotal == 0, "\(raw.rejected)")
        // (Raw logs carry fewer records than the canonical output: no count comparison.) In a
        // subscription payload a copy may overlap its original invocation (before its REPORT):
        // the two are read as one invocation, so fewer duplicates are counted, never damage.
        if format == .subscription { #expect(raw.duplicates > 0 && raw.duplicates <= canonical.duplicates) }
        else { #expect(raw.duplicates == canonical.duplicates) }
    }
}

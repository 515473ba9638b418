import Foundation
import Testing
import SklogGen
@testable import SklogRecords

/// sklog-cat of each raw format gives the same records as the canonical output of the same
/// simulated traffic, less what raw logs cannot carry (SPEC 3; issue 3).
@Suite struct GeneratedRawFormatsTests {
    static func options(_ f: OutputFormat) -> GenOptions {
        var o = GenOptions()
        o.records = 1500
        o.days = 3
        o.seed = 11
        o.format = f
        o.disorder = 0
        o.duplicates = 0
        return o
    }

    /// Records by message ID, with the fields compared as text.
    static func read(_ f: OutputFormat) throws -> (records: [String: [String: String]], accounting: Accounting) {
        let bytes = Generator.generate(options(f)).outputs[0]
        let path = tempPath()
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        let (recs, acc) = try streamAll([path])
        var out: [String: [String: String]] = [:]
        for r in recs {
            let v = RecordValues(r)
            var fields: [String: String] = [:]
            for f in compared { if let t = v.text(f) { fields[f] = t } }
            out[r.string(r.messageId)!] = fields
        }
        return (out, acc)
    }

    /// What every raw format carries (the rest — confidence, bargeIn, utterance, unhandled,
    /// stage, latencySource — cannot come from Lambda logs).
    static let compared = ["ts", "sessionId", "userId", "locale", "requestType", "intent", "latencyMs", "outcome",
                           "endSession", "reason", "namespace", "name", "endpointId", "correlationToken",
                           "ispAction", "productId", "purchaseResult"]

    @Test(arguments: [OutputFormat.lambda, .lambdaJSON, .cloudwatchExport, .subscription])
    func rawFormatMatchesCanonical(_ format: OutputFormat) throws {
        let (canonical, _) = try Self.read(.ndjson)
        let (raw, acc) = try Self.read(format)
        #expect(acc.rejectedTotal == 0, "\(acc.rejected)")
        // Every record a Lambda sees is there, with the same values.
        var missing = 0, different: [String] = []
        for (id, fields) in raw {
            guard let c = canonical[id] else { missing += 1; continue }
            for (k, v) in fields where c[k] != v { different.append("\(id) \(k): raw \(v) canonical \(c[k] ?? "absent")") }
        }
        #expect(missing == 0)
        #expect(different.isEmpty, "\(different.prefix(8))")
        // …and every turn, session end and smart home directive of the canonical run came through.
        let lambdaSeen = canonical.filter { _, f in
            let t = f["requestType"] ?? ""
            return t == "LaunchRequest" || t == "IntentRequest" || t == "SessionEndedRequest" || (t.hasPrefix("Alexa.") && t != "Alexa.ChangeReport")
        }
        let lost = lambdaSeen.keys.filter { raw[$0] == nil }
        #expect(lost.isEmpty, "\(lost.count) of \(lambdaSeen.count) lost, e.g. \(lost.prefix(3))")
    }
}

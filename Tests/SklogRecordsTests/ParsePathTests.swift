import Foundation
import Testing
import SklogGen
@testable import SklogRecords
import CSklogScan

/// The SIMD scan (CSklogScan) and the byte-at-a-time walk are two parsers of the same lines:
/// they must give the same record, or the same reject, for every line, damaged ones included.
/// And what the stream delivers must not depend on chunk size or on the decoding thread
/// parsing ahead (issue 9).
@Suite struct ParsePathTests {
    /// Every field of a record (Record is a plain struct: its description lists them all).
    static func fast(_ line: [UInt8]) -> String {
        line.withUnsafeBytes { b in
            do throws(RecordReject) { return "\(try RecordParser.parse(b))" } catch { return "reject \(error.reason) \(error.detail ?? "")" }
        }
    }

    static func reference(_ line: [UInt8]) -> String {
        line.withUnsafeBytes { b in
            var r = Record(storage: [], lineLength: b.count)
            do throws(RecordReject) {
                try withUnsafeMutablePointer(to: &r) { (p) throws(RecordReject) in try RecordParser.parseByteAtATime(b, into: p) }
                var own = Array(b)  // as `parse` does for a line not in a chunk
                own.append(contentsOf: r.extra)
                r.extra = own
                return "\(r)"
            } catch { return "reject \(error.reason) \(error.detail ?? "")" }
        }
    }

    /// The SIMD scan's key table finds exactly the keys the byte-at-a-time walk maps to fields.
    @Test func scanKeyTableAgreesWithKeyMapping() {
        var names = RecordParser.Key.allCases.filter { $0 != .other }.map { String(describing: $0) }
        #expect(names.count == 41 && names.contains("errorMessage") && names.contains("errorFrame") && names.contains("correlationToken") && names.contains("ts"))
        // Near misses: prefixes, suffixes, other case, one byte changed, long and empty keys.
        let others = names.flatMap { [String($0.dropLast()), $0 + "s", $0.uppercased(), "x" + $0.dropFirst()] }
            + ["", "t", "device", "request", "session", "viewport", "correlationTokens", "lambdaRequestIdX", String(repeating: "k", count: 300)]
        names += others
        for n in names {
            var s = n
            let (fast, ref) = s.withUTF8 { b in
                (sk_keys_find(RecordParser.scanKeys, b.baseAddress ?? UnsafePointer(bitPattern: 1)!, b.count),
                 b.count == 0 ? 0 : RecordParser.key(b.baseAddress!, b.count).rawValue)
            }
            #expect(fast == ref, "\(n)")
        }
    }

    static func generatedLines(_ n: Int) -> [[UInt8]] {
        var o = GenOptions()
        o.records = n
        o.days = 1
        o.seed = 5
        let bytes = Generator.generate(o).outputs[0]
        return bytes.split(separator: 0x0a, omittingEmptySubsequences: true).map { Array($0) }
    }

    @Test func handWrittenLinesAgree() {
        let lines = [
            #"{"ts":"2026-11-02T10:00:00.000Z","messageId":"m1"}"#,
            #"  { "ts" : "2026-11-02T10:00:00.000Z" , "messageId" : "m1" , "latencyMs" : 12.5 }  "#,
            #"{"ts":"2026-11-02T10:00:00.000Z","messageId":"m\"1\\","utterance":"a \"b\" \\ c","slots":{"x":{"y":"}"}}}"#,
            #"{"ts":"2026-11-02T10:00:00.000Z","messageId":"m1","state":{"a":[1,{"b":"]"}]},"endSession":true,"x":null}"#,
            #"{"ts":"2026-11-02T10:00:00.000Z","messageId":"m1","slots":{"a":[}]}"#,
            #"{"ts":"2026-11-02T10:00:00.000Z","messageId":"m1","slots":{\"a\":1}}"#,
            #"{"ts":"2026-11-02T10:00:00.000Z","messageId":"m1"} x"#,
            #"{"ts":"2026-11-02T10:00:00.000Z","messageId":"m1",}"#,
            #"{"ts":"2026-11-02T10:00:00.000Z","messageId":"m1","bargeIn":tru}"#,
            #"{"ts":"2026-11-02T10:00:00.000Z","messageId":"m1","intent":"Caf\u00e9","locale":"fr-FR"}"#,
            "{\"ts\":\"2026-11-02T10:00:00.000Z\",\"messageId\":\"m1\",\"utterance\":\"caf\u{e9}\"}",
            "{\"ts\":\"2026-11-02T10:00:00.000Z\",\"messageId\":\"m1\",\"utterance\":\"a\u{0}b\"}",
            #"{}"#, #"{"#, #"[]"#, #"{"ts":1762077600000,"messageId":7}"#,
            #"{"ts":"2026-11-02T10:00:00.000Z","messageId":"m1","utterance":"\"#,
            #"{"ts":"2026-11-02T10:00:00.000Z","messageId":"m1","utterance":"\\\"}"#,
            "{\"a\":" + String(repeating: "[", count: 70) + String(repeating: "]", count: 70) + ",\"ts\":\"2026-11-02T10:00:00.000Z\",\"messageId\":\"m\"}",
        ]
        for l in lines {
            let b = Array(l.utf8)
            #expect(Self.fast(b) == Self.reference(b), "\(l)")
        }
        // Not a tautology: the first line parses, the damaged ones are rejected as invalid JSON.
        #expect(!Self.fast(Array(lines[0].utf8)).hasPrefix("reject"))
        #expect(Self.fast(Array(lines[4].utf8)).hasPrefix("reject invalid JSON"))
        #expect(Self.fast(Array(lines[11].utf8)).hasPrefix("reject NUL byte"))
    }

    /// Generated lines, then the same lines with structural bytes inserted, deleted or replaced
    /// at random places (most become invalid JSON, some stay valid with other values).
    @Test func damagedGeneratedLinesAgree() {
        let lines = Self.generatedLines(400)
        #expect(lines.count > 300)
        var rng = SplitMix(state: 99)
        let specials: [UInt8] = Array("\"\\{}[],: x0e-.tn".utf8) + [0xc3, 0xa9, 0x00, 0x09, 0xff]
        var rejected = 0, parsed = 0
        for l in lines {
            #expect(Self.fast(l) == Self.reference(l))
            for _ in 0..<6 {
                var m = l
                let edits = Int.random(in: 1...3, using: &rng)
                for _ in 0..<edits {
                    let at = Int.random(in: 0..<max(1, m.count), using: &rng)
                    switch Int.random(in: 0..<3, using: &rng) {
                    case 0: m.insert(specials.randomElement(using: &rng)!, at: at)
                    case 1: if !m.isEmpty { m.remove(at: at) }
                    default: if !m.isEmpty { m[at] = specials.randomElement(using: &rng)! }
                    }
                }
                let f = Self.fast(m)
                #expect(f == Self.reference(m), "\(String(decoding: m, as: UTF8.self))")
                if f.hasPrefix("reject") { rejected += 1 } else { parsed += 1 }
            }
        }
        #expect(rejected > 100 && parsed > 100)
    }

    /// The same input read with tiny and large chunks, with and without the decoding thread
    /// parsing ahead, gives the same records in the same order and the same accounting.
    @Test func streamDoesNotDependOnChunkSizeOrThreads() throws {
        var o = GenOptions()
        o.records = 3000
        o.days = 1
        o.seed = 8
        var bytes = Generator.generate(o).outputs[0]
        // A damaged line and an empty line in the middle: rejects are counted the same way too.
        let mid = bytes.count / 2
        let nl = bytes[mid...].firstIndex(of: 0x0a)! + 1
        bytes.insert(contentsOf: Array("{\"ts\":\"2026-11-02T10:00:00.000Z\",\"messageId\":\"broken\"\n\n".utf8), at: nl)
        let path = tempPath()
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        defer { try? FileManager.default.removeItem(atPath: path) }
        func run(_ chunk: Int?, _ ahead: Bool) throws -> ([String], String) {
            let (recs, acc) = try streamAll([path]) { $0.chunkSize = chunk; $0.parseAhead = ahead }
            return (recs.map { r in r.withLine { String(decoding: $0, as: UTF8.self) } + " @\(r.line)" },
                    "\(acc.parsed) \(acc.duplicates) \(acc.rejectedTotal) \(acc.late) \(acc.bytesDecoded)")
        }
        let base = try run(nil, true)
        #expect(base.0.count > 2500)
        #expect(base.1.split(separator: " ")[2] == "1")  // the broken line
        for (chunk, ahead) in [(4096, true), (4096, false), (65536, true), (1 << 22, false), (nil, false)] {
            let r = try run(chunk, ahead)
            #expect(r.0 == base.0, "chunk \(chunk ?? 0) ahead \(ahead)")
            #expect(r.1 == base.1, "chunk \(chunk ?? 0) ahead \(ahead)")
        }
    }
}

import Foundation
import Testing
@testable import SklogRecords

/// Records point into the decoded chunk they were parsed from (issue 9), and a chunk is refilled
/// only once no record holds it. These tests keep records far longer than their chunk: held back
/// by `--max-delay` reordering, across dedup, and by the consumer after the stream has ended,
/// with chunks a few lines long, so that a chunk refilled too early would show other lines' bytes.
@Suite struct ChunkLifetimeTests {
    /// Record `i` of the input: time `i` seconds after the start, a payload that names `i`
    /// (some with escapes, decoded outside the chunk), and a stage only on odd records.
    static func line(_ i: Int) -> String {
        let t = Date(timeIntervalSince1970: 1_762_077_600 + Double(i))
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let ts = f.string(from: t)
        let utterance = i % 7 == 0 ? #"say \"\#(i)\" twice"# : "utterance number \(i) " + String(repeating: "x", count: i % 50)
        let stage = i % 2 == 1 ? #","stage":"live""# : ""
        return #"{"ts":"\#(ts)","messageId":"m-\#(i)","requestType":"IntentRequest","sessionId":"s-\#(i / 5)","userId":"u-\#(i % 13)","utterance":"\#(utterance)"\#(stage)}"#
    }

    /// The input: records 0..<n in blocks of 40 written in reverse (each up to 39 s late, inside
    /// the 60 s `--max-delay`), and every tenth record written again 5 lines later (a duplicate).
    static func input(_ n: Int) -> String {
        var order: [Int] = []
        var b = 0
        while b < n {
            order += (b..<min(n, b + 40)).reversed()
            b += 40
        }
        var lines: [String] = []
        for k in 0..<(order.count + 5) {
            if k < order.count { lines.append(line(order[k])) }
            if k >= 5, order[k - 5] % 10 == 0 { lines.append(line(order[k - 5])) }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test(arguments: [(512, true), (512, false), (2048, true), (nil, true)] as [(Int?, Bool)])
    func recordsOutliveTheirChunk(chunk: Int?, ahead: Bool) throws {
        let n = 1200
        let path = tempPath()
        write(Self.input(n), to: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (recs, acc) = try streamAll([path]) { o in
            o.chunkSize = chunk
            o.parseAhead = ahead
            o.stage = "live"  // records without a stage get it as an implied value, outside the chunk
        }
        // Expected, from the generator above: every record once, in time order.
        #expect(recs.count == n)
        #expect(acc.duplicates == n / 10)
        for (i, r) in recs.enumerated() where i < n {
            #expect(r.withLine { String(decoding: $0, as: UTF8.self) } == Self.line(i))
            #expect(r.string(r.messageId) == "m-\(i)")
            #expect(r.string(r.utterance) == (i % 7 == 0 ? #"say "\#(i)" twice"# : "utterance number \(i) " + String(repeating: "x", count: i % 50)))
            #expect(r.string(r.stage) == "live")
            #expect(r.stageImplied == (i % 2 == 0))
        }
    }

    /// A detached record keeps its values without holding its chunk.
    @Test func detachedRecordsOwnTheirBytes() throws {
        let path = tempPath()
        write(Self.input(200), to: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (recs, _) = try streamAll([path]) { $0.chunkSize = 512 }
        let d = recs.map { $0.detached() }
        for (a, b) in zip(recs, d) {
            #expect(a.withLine { Array($0) } == b.withLine { Array($0) })
            #expect(a.string(a.utterance) == b.string(b.utterance))
            #expect(b.chunk == nil)
        }
        #expect(d.count == 200)
    }
}

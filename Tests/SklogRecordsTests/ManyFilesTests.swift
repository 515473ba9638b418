import Foundation
import Testing
import SklogIO
@testable import SklogRecords

/// Many small gzip files (a CloudWatch export: one folder per log stream, numbered parts), decoded
/// ahead in lanes by the prefetcher: what comes out must not depend on how far ahead, on how many
/// threads decode, or on the chunk size, and must be what one file of the same records gives.
@Suite struct ManyFilesTests {
    let t0 = Timestamp.parse("2026-11-24T10:00:00Z")!
    static let streams = 40

    /// Lines of `streams` log streams, interleaved in time, each stream in 1 to 5 parts.
    func makeExport(badLine: Bool, truncate: Bool) throws -> (root: String, all: [String], badPath: String, truncated: String) {
        var rng = SplitMix(state: 11)
        var perStream = Array(repeating: [String](), count: Self.streams)
        for i in 0..<4000 {
            let ts = t0 + Int64(i) * 400 + Int64(rng.next() % 100)
            perStream[Int(rng.next() % UInt64(Self.streams))].append(line(ts, "m\(i)", #","sessionId":"s\#(i % 131)","n":\#(i)"#))
        }
        let root = NSTemporaryDirectory() + "sklog-many-\(UUID().uuidString)"
        let task = root + "/exportedlogs/0f1e2d3c-task"
        var badPath = "", truncated = ""
        for s in 0..<Self.streams {
            let dir = task + "/stream-\(s)"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let parts = 1 + s % 5
            let size = (perStream[s].count + parts - 1) / parts
            for p in 0..<parts {
                var ls = Array(perStream[s].dropFirst(p * size).prefix(size))
                let path = dir + "/" + String(format: "%06d.gz", p)
                if badLine && s == 3 && p == 2 {
                    ls.insert("not json at all", at: 4)  // line 5 of this part
                    badPath = path
                }
                var gz = try GzipWriter.compress(Array((ls.joined(separator: "\n") + "\n").utf8))
                if truncate && s == 7 && p == 1 { gz.removeLast(gz.count / 2); truncated = path }
                FileManager.default.createFile(atPath: path, contents: Data(gz))
            }
        }
        FileManager.default.createFile(atPath: root + "/exportedlogs/aws-logs-write-test", contents: Data("Permission Check Successful".utf8))
        return (root, perStream.flatMap { $0 }, badPath, truncated)
    }

    struct Outcome: Equatable {
        var records: [String]
        var rejects: String
        var damage: [String]
        var seen: Int
    }

    func run(_ paths: [String], ahead: Int?, threads: Int?, chunk: Int?) throws -> Outcome {
        let rejects = NSTemporaryDirectory() + "sklog-many-rejects-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: rejects) }
        var o = StreamOptions()
        o.progress = false
        o.rejectMessages = 0
        o.rejectsPath = rejects
        o.decodeAhead = ahead
        o.decodeThreads = threads
        o.chunkSize = chunk
        let s = try RecordStream(paths: paths, options: o)
        var out: [String] = []
        try s.forEach { r in
            out.append("\(s.names[Int(r.input)]):\(r.line) " + r.withLine { String(decoding: $0, as: UTF8.self) })
        }
        let rej = (try? String(contentsOfFile: rejects, encoding: .utf8)) ?? ""
        return Outcome(records: out, rejects: rej, damage: s.accounting.damage, seen: s.accounting.seen)
    }

    @Test func sameAsOneFileWhateverIsDecodedAhead() throws {
        let ex = try makeExport(badLine: false, truncate: false)
        defer { try? FileManager.default.removeItem(atPath: ex.root) }
        let one = NSTemporaryDirectory() + "sklog-many-one-\(UUID().uuidString).ndjson"
        defer { try? FileManager.default.removeItem(atPath: one) }
        // One file of the same records, in time order.
        let sorted = ex.all.sorted()
        FileManager.default.createFile(atPath: one, contents: Data((sorted.joined(separator: "\n") + "\n").utf8))
        let whole = try run([one], ahead: nil, threads: nil, chunk: nil).records.map { String($0.drop { $0 != " " }.dropFirst()) }
        #expect(whole.count == 4000)
        for (ahead, threads, chunk) in [(nil, nil, nil), (1, 1, 4096), (2, 2, 4096), (8, 3, nil), (1, 4, 65536)] as [(Int?, Int?, Int?)] {
            let lines = try run([ex.root], ahead: ahead, threads: threads, chunk: chunk).records.map { String($0.drop { $0 != " " }.dropFirst()) }
            #expect(lines == whole, "ahead \(String(describing: ahead)), threads \(String(describing: threads)), chunk \(String(describing: chunk))")
        }
    }

    @Test func errorsAndLineNumbersDoNotDependOnDecodingAhead() throws {
        let ex = try makeExport(badLine: true, truncate: true)
        defer { try? FileManager.default.removeItem(atPath: ex.root) }
        let base = try run([ex.root], ahead: 1, threads: 1, chunk: 4096)
        // Worked out by hand: the bad line is line 5 of stream 3's third part; stream 7's second
        // part lost its second half (its records before the cut are still read).
        let rejects = base.rejects.split(separator: "\n").map(String.init)
        #expect(rejects.contains("\(ex.badPath):5\tinvalid JSON\tnot json at all"))
        // Besides it, at most the line cut by the truncation.
        #expect(rejects.filter { !$0.hasPrefix(ex.badPath + ":") && !$0.hasPrefix(ex.truncated + ":") }.isEmpty)
        #expect(rejects.count <= 2)
        #expect(base.damage.count == 1)
        #expect(base.damage.first?.hasPrefix("\(ex.truncated): byte offset ") == true)
        #expect(base.records.count > 3900 && base.records.count < 4000)
        // Every record names its part and its line in that part: check one of each stream by hand.
        let firstOfStream0 = base.records.first { $0.contains("/stream-0/000000.gz:") }
        #expect(firstOfStream0?.contains("/stream-0/000000.gz:1 ") == true)
        for (ahead, threads, chunk) in [(3, nil, nil), (2, 2, 4096), (8, 3, 4096), (1, 4, nil)] as [(Int?, Int?, Int?)] {
            let other = try run([ex.root], ahead: ahead, threads: threads, chunk: chunk)
            #expect(other == base, "ahead \(String(describing: ahead)), threads \(String(describing: threads)), chunk \(String(describing: chunk))")
        }
    }
}

import Foundation
import Testing
@testable import SklogRecords

func line(_ ts: Int64, _ id: String, _ extra: String = "") -> String {
    #"{"ts":"\#(Timestamp.string(ts))","messageId":"\#(id)"\#(extra)}"#
}

@Suite struct RecordStreamTests {
    let t0 = Timestamp.parse("2026-11-24T10:00:00Z")!

    @Test func reordersWithinMaxDelayAndCountsLate() throws {
        let p = tempPath()
        let lines = [line(t0 + 5000, "b"), line(t0, "a"), line(t0 + 200_000, "c"), line(t0 + 10, "late")]
        write(lines.joined(separator: "\n") + "\n", to: p)
        let (recs, acc) = try streamAll([p])
        // "late" arrives after "b" was released (c moved time past b + 60 s): it comes out at once.
        #expect(recs.map { $0.string($0.messageId)! } == ["a", "b", "late", "c"])
        #expect(acc.late == 1)
        #expect(acc.parsed == 4)
    }

    @Test func duplicatesWithinWindowAreDroppedAndCounted() throws {
        let p = tempPath()
        let lines = [line(t0, "a"), line(t0 + 1000, "a"), line(t0 + 601_000, "a"), line(t0 + 1_300_000, "a")]
        write(lines.joined(separator: "\n"), to: p)
        let (recs, acc) = try streamAll([p])
        // The second is within 10 min of the first; the third within 10 min of the second (last
        // seen); the fourth is 11.5 min after the third.
        #expect(recs.count == 2)
        #expect(acc.duplicates == 2)
        #expect(acc.seen == 4)
    }

    @Test func accountingAddsUp() throws {
        let p = tempPath()
        write([line(t0, "a"), "garbage", line(t0 + 1, "a"), #"{"ts":"x","messageId":"b"}"#, "", line(t0 + 2, "c")].joined(separator: "\n"), to: p)
        let (recs, acc) = try streamAll([p])
        #expect(recs.count == 2)
        #expect(acc.parsed == 2 && acc.rejectedTotal == 2 && acc.duplicates == 1 && acc.seen == 5)
        #expect(acc.rejected["invalid JSON"] == 1 && acc.rejected["invalid ts"] == 1)
        #expect(acc.isDamaged)
    }

    @Test func filtersAndImpliedStage() throws {
        let p = tempPath()
        write([line(t0, "a", #","stage":"live","locale":"en-US""#), line(t0 + 86_400_000, "b", #","locale":"de-DE""#),
               line(t0 + 2 * 86_400_000, "c", #","stage":"development","locale":"en-US""#)].joined(separator: "\n"), to: p)
        let (recs, acc) = try streamAll([p]) { $0.stage = "live" }
        #expect(recs.map { $0.string($0.messageId)! } == ["a", "b"])
        #expect(recs[1].string(recs[1].stage) == "live" && recs[1].stageImplied)
        #expect(acc.filteredOut == 1)
        let (since, _) = try streamAll([p]) { $0.since = t0 + 1; $0.locale = "en-US" }
        #expect(since.map { $0.string($0.messageId)! } == ["c"])
    }

    /// Property: the records that come out do not depend on how they are split among files, on
    /// the order of the files, or on local disorder within --max-delay.
    @Test func independentOfSplittingAndFileOrder() throws {
        var rng = SplitMix(state: 7)
        var lines: [String] = []
        for i in 0..<3000 {
            let ts = t0 + Int64(i) * 250 + Int64(rng.next() % 50)
            lines.append(line(ts, "m\(i % 2000)", #","sessionId":"s\#(i % 97)","n":\#(i)"#))  // some duplicate IDs
        }
        func run(files: Int, seed: UInt64) throws -> [String] {
            var r = SplitMix(state: seed)
            var parts = Array(repeating: [String](), count: files)
            for l in lines { parts[Int(r.next() % UInt64(files))].append(l) }
            // Local disorder: swap neighbours inside each file (well within 60 s).
            for f in 0..<files where parts[f].count > 2 {
                for _ in 0..<parts[f].count / 5 {
                    let i = Int(r.next() % UInt64(parts[f].count - 1))
                    parts[f].swapAt(i, i + 1)
                }
            }
            var paths = (0..<files).map { _ in tempPath() }
            for f in 0..<files { write(parts[f].joined(separator: "\n") + "\n", to: paths[f]) }
            paths.shuffle(using: &r)
            let (recs, acc) = try streamAll(paths)
            #expect(acc.seen == lines.count)
            return recs.map { $0.withLine { String(decoding: $0, as: UTF8.self) } }
        }
        let one = try run(files: 1, seed: 1)
        #expect(one.count == 2000)
        for (files, seed) in [(2, 2), (5, 3), (8, 4), (8, 5)] as [(Int, UInt64)] {
            let other = try run(files: files, seed: seed)
            #expect(other == one, "\(files) files")
        }
    }

    @Test func csvInputWithAliasesAndQuotedCells() throws {
        let p = tempPath()
        write("Timestamp,Message ID,Latency (ms),Intent,note\n2026-11-24T10:00:00Z,m1,120,PlayIntent,\"a, \"\"quoted\"\" note\"\n2026-11-24T10:00:01Z,m2,,HelpIntent,\"two\nlines\"\n", to: p)
        let (recs, acc) = try streamAll([p])
        #expect(acc.rejectedTotal == 0)
        #expect(recs.count == 2)
        #expect(recs[0].latencyMs == 120 && recs[0].string(recs[0].intent) == "PlayIntent")
        #expect(recs[0].withLine { String(decoding: $0, as: UTF8.self) }.contains(#""note":"a, \"quoted\" note""#))
        #expect(recs[1].latencyMs == -1)
    }

    @Test func patternInput() throws {
        let p = tempPath()
        write("24/Nov/2026:10:00:00 +0000 req=m1 ms=87 path=/alexa\nnoise line\n24/Nov/2026:11:00:00 +0100 req=m2 ms=12 path=/alexa\n", to: p)
        let (recs, acc) = try streamAll([p]) { $0.format.pattern = #"^(?<ts>\S+ \S+) req=(?<messageId>\S+) ms=(?<latencyMs>\d+)"# }
        #expect(recs.map { $0.string($0.messageId)! } == ["m1", "m2"])  // 11:00+01:00 is 10:00Z, tie broken by ID
        #expect(recs.map(\.latencyMs) == [87, 12])
        #expect(acc.rejected["line does not match --pattern"] == 1)
    }

    @Test func unknownFormatNamesFileAndFirstLine() throws {
        let p = tempPath()
        write("hello world\nmore\n", to: p)
        #expect { try streamAll([p]) } throws: { e in
            guard let u = e as? UnknownFormatError else { return false }
            return u.path == p && u.firstLine == "hello world"
        }
    }
}

import Testing
@testable import SklogRecords

/// The dedup window's table against a plain model of the rule (records in time order): an ID
/// seen again within the window of its last sighting is a duplicate, the same request if its
/// content matches the record kept (the first of that run of sightings).
@Suite struct DedupTableTests {
    @Test func matchesThePlainRule() throws {
        var rng = SplitMix(state: 11)
        let window: Int64 = 600_000
        var dedup = Deduplicator(windowMs: window)
        var last: [Int: Int64] = [:], kept: [Int: Int] = [:]
        var ts: Int64 = 1_762_077_600_000
        var counts = [0, 0, 0]
        // 30,000 IDs, records 0-60 ms apart (some 20,000 IDs in the window: the table grows
        // several times), 30 minutes in all: IDs come back both within the window and after it,
        // and expire in between (backward-shift deletion).
        for _ in 0..<60_000 {
            ts += Int64(rng.next() % 60)
            let id = Int(rng.next() % 30_000), content = Int(rng.next() % 4 == 0 ? 1 : 0)
            let line = #"{"ts":\#(ts),"messageId":"id-\#(id)","intent":"I\#(content)"}"#
            var r = try parse(line)
            let got = withUnsafePointer(to: &r) { dedup.check($0) }
            let expected: Deduplicator.Result
            if let l = last[id], ts - l <= window {
                expected = kept[id] == content ? .same : .differs
            } else {
                expected = .fresh
                kept[id] = content
            }
            last[id] = ts
            #expect(got == expected)
            counts[got == .fresh ? 0 : got == .same ? 1 : 2] += 1
        }
        // Every case happens often.
        #expect(counts.allSatisfy { $0 > 1000 }, "\(counts)")
    }

    /// The table on its own against a model of the window in arrival order, with late sightings
    /// (times going back), sightings at the same millisecond and many IDs expiring between
    /// sightings: an ID is forgotten once the window's front (the first sighting not older than
    /// the window of the latest check) has passed its last sighting. Dead slots are cleared in
    /// place and the table grows and shrinks its share of dead slots many times.
    @Test func matchesTheWindowModelWithLateSightings() {
        for seed: UInt64 in [1, 2, 3] {
            var rng = SplitMix(state: seed)
            let window: Int64 = 5_000
            let table = DedupTable(capacity: 4)
            var times: [Int64] = [], ids: [UInt64] = []
            var front = 0
            var lastSeq: [UInt64: Int] = [:], kept: [UInt64: UInt64] = [:]
            var ts: Int64 = 1_000_000
            var counts = [0, 0, 0]
            for n in 0..<200_000 {
                // Mostly forward, sometimes the same ms, sometimes late by up to 3 windows.
                let r = rng.next() % 100
                let t = r < 80 ? ts + Int64(rng.next() % 3) : r < 90 ? ts : ts - Int64(rng.next() % 15_000)
                if t > ts { ts = t }
                // IDs from a range that drifts: old IDs stop coming, so their slots die.
                let id = DedupTable.key((UInt64(n / 50) &+ rng.next() % 3_000) &* 0x9E37_79B9_7F4A_7C15)
                let content = rng.next() % 3
                table.expire(before: t - window)
                while front < times.count && times[front] < t - window { front += 1 }
                let got = table.sight(id, ts: t, content: content, window: window)
                let expected: (Bool, Bool)
                if let s = lastSeq[id], s >= front, t - times[s] <= window {
                    expected = (true, kept[id] == content)
                } else {
                    expected = (false, true)
                    kept[id] = content
                }
                times.append(t); ids.append(id)
                lastSeq[id] = times.count - 1
                #expect(got.dup == expected.0 && got.same == expected.1, "sighting \(n)")
                counts[!got.dup ? 0 : got.same ? 1 : 2] += 1
            }
            let live = Set(ids[front...]).filter { lastSeq[$0]! >= front }.count
            #expect(table.liveCount == live)
            #expect(counts.allSatisfy { $0 > 5_000 }, "\(counts)")
        }
    }
}

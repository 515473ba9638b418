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
}

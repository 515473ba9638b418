/// The message IDs of the dedup window: one open-addressing table (linear probing, backward-
/// shift deletion) of ID hash -> last sighting and the content signature of the record kept,
/// so that a record costs one probe sequence, not one per map.
final class DedupTable {
    struct Entry {
        var key: UInt64     // 0: empty (a hash of 0 is stored as 1)
        var ts: Int64
        var content: UInt64
    }
    private var entries: UnsafeMutablePointer<Entry>
    private var mask: Int
    private var count = 0

    init(capacity: Int = 1024) {
        var n = 16
        while n < capacity * 2 { n <<= 1 }
        entries = .allocate(capacity: n)
        entries.initialize(repeating: Entry(key: 0, ts: 0, content: 0), count: n)
        mask = n - 1
    }

    deinit { entries.deallocate() }

    @inline(__always) static func key(_ h: UInt64) -> UInt64 { h == 0 ? 1 : h }
    @inline(__always) private func home(_ k: UInt64) -> Int { Int(truncatingIfNeeded: k) & mask }

    /// The slot holding `k`, or the empty slot where it would go.
    @inline(__always)
    private func find(_ k: UInt64) -> Int {
        var i = home(k)
        while entries[i].key != 0 && entries[i].key != k { i = (i + 1) & mask }
        return i
    }

    /// Records a sighting of `k` at `ts` with content `c`: whether it was seen within `window`
    /// before (by its last sighting), and then whether its kept record had the same content.
    /// A fresh sighting keeps `c`; a duplicate keeps the earlier content.
    @inline(__always)
    func sight(_ k: UInt64, ts: Int64, content c: UInt64, window: Int64) -> (dup: Bool, same: Bool) {
        var i = find(k)
        if entries[i].key == k {
            let dup = ts - entries[i].ts <= window
            entries[i].ts = ts
            if !dup { entries[i].content = c; return (false, true) }
            return (true, entries[i].content == c)
        }
        if (count + 1) * 2 > mask + 1 {
            grow()
            i = find(k)
        }
        entries[i] = Entry(key: k, ts: ts, content: c)
        count += 1
        return (false, true)
    }

    /// Forgets `k` if its last sighting was at `ts`.
    func forget(_ k: UInt64, ifLastSeen ts: Int64) {
        let i = find(k)
        guard entries[i].key == k, entries[i].ts == ts else { return }
        // Backward shift: move later entries of the probe run into the hole.
        var hole = i
        var j = (i + 1) & mask
        while entries[j].key != 0 {
            let h = home(entries[j].key)
            // Entry j may move to the hole if its home is not cyclically in (hole, j].
            let between = hole <= j ? (h > hole && h <= j) : (h > hole || h <= j)
            if !between {
                entries[hole] = entries[j]
                hole = j
            }
            j = (j + 1) & mask
        }
        entries[hole].key = 0
        count -= 1
    }

    private func grow() {
        let old = entries, n = mask + 1
        entries = .allocate(capacity: n * 2)
        entries.initialize(repeating: Entry(key: 0, ts: 0, content: 0), count: n * 2)
        mask = n * 2 - 1
        for i in 0..<n where old[i].key != 0 {
            entries[find(old[i].key)] = old[i]
        }
        old.deallocate()
    }
}

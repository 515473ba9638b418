/// The message IDs of the dedup window, in 20 bytes per ID and 8 per sighting in the window.
///
/// Sightings are numbered in arrival order (`tail` is the next number); their times are kept in
/// a ring (`times`, from `head` to `tail`), and the window's front (`head`) moves on past every
/// sighting older than the window of the record now checked. The table (open addressing, linear
/// probing, capacity not a power of two: the home slot is the high word of hash × capacity)
/// holds per ID hash the number of its last sighting (low 32 bits) and the content signature of
/// the record kept, struct of arrays: 8 + 4 + 8 bytes a slot. An ID is forgotten when the front
/// passes its last sighting: its slot is then dead (read as empty), and dead slots are cleared in
/// place (one pass, no second table) when the table fills up, before it grows. The table grows
/// to twice the live IDs (load 0.5) once more than 5/8 of it is live after clearing; it is
/// cleared at 3/4. Sighting numbers are compared as 32-bit offsets from the front: the table is
/// also cleared every 2^30 sightings, so that no dead slot's number comes round again.
final class DedupTable {
    private var keys: UnsafeMutablePointer<UInt64>      // 0: empty (a hash of 0 is stored as 1)
    private var seqs: UnsafeMutablePointer<UInt32>
    private var contents: UnsafeMutablePointer<UInt64>
    private var capacity: Int
    /// Occupied slots, live or dead.
    private(set) var count = 0

    /// The times of the sightings from `head` to `tail`, at `seq & ringMask`.
    private var times: UnsafeMutablePointer<Int64>
    private var ringMask: Int
    private(set) var head: UInt64 = 0
    private(set) var tail: UInt64 = 0
    private var sinceClear: UInt64 = 0

    init(capacity: Int = 1024) {
        self.capacity = max(16, capacity * 2)
        keys = .allocate(capacity: self.capacity)
        keys.initialize(repeating: 0, count: self.capacity)
        seqs = .allocate(capacity: self.capacity)
        contents = .allocate(capacity: self.capacity)
        times = .allocate(capacity: 1024)
        ringMask = 1023
    }

    deinit {
        keys.deallocate(); seqs.deallocate(); contents.deallocate(); times.deallocate()
    }

    @inline(__always) static func key(_ h: UInt64) -> UInt64 { h == 0 ? 1 : h }
    @inline(__always) private func home(_ k: UInt64) -> Int { Int(truncatingIfNeeded: UInt64(capacity).multipliedFullWidth(by: k).high) }
    @inline(__always) private func next(_ i: Int) -> Int { i + 1 == capacity ? 0 : i + 1 }

    /// The number of IDs in the window (live slots; for tests).
    var liveCount: Int {
        var n = 0
        for i in 0..<capacity where keys[i] != 0 && isLive(i) { n += 1 }
        return n
    }

    @inline(__always)
    private func isLive(_ i: Int) -> Bool {
        seqs[i] &- UInt32(truncatingIfNeeded: head) < UInt32(truncatingIfNeeded: tail &- head)
    }

    /// The slot holding `k` (live or dead), or the empty slot where it would go.
    @inline(__always)
    private func find(_ k: UInt64) -> Int {
        var i = home(k)
        while keys[i] != 0 && keys[i] != k { i = next(i) }
        return i
    }

    /// Moves the window's front past every sighting before `t`.
    @inline(__always)
    func expire(before t: Int64) {
        while head < tail && times[Int(truncatingIfNeeded: head) & ringMask] < t { head &+= 1 }
    }

    /// Records a sighting of `k` at `ts` with content `c`: whether it was seen within `window`
    /// before (by its last sighting still in the window), and then whether its kept record had
    /// the same content. A fresh sighting keeps `c`; a duplicate keeps the earlier content.
    @inline(__always)
    func sight(_ k: UInt64, ts: Int64, content c: UInt64, window: Int64) -> (dup: Bool, same: Bool) {
        var i = find(k)
        var result = (dup: false, same: true)
        if keys[i] == k && isLive(i) {
            let last = times[Int(seqs[i]) & ringMask]
            // The low 32 bits of the sighting number index the ring (its size is a power of two
            // up to 2^30, so they suffice).
            if ts - last <= window {
                result = (true, contents[i] == c)
            } else {
                contents[i] = c
            }
        } else if keys[i] == k {
            contents[i] = c      // dead: a fresh sighting in place
        } else {
            if (count + 1) * 4 > capacity * 3 {
                clearDead()
                if (count + 1) * 8 > capacity * 5 { resize(to: (count + 1) * 2) }
                i = find(k)
            }
            keys[i] = k
            contents[i] = c
            count += 1
        }
        seqs[i] = UInt32(truncatingIfNeeded: tail)
        push(ts)
        return result
    }

    @inline(__always)
    private func push(_ ts: Int64) {
        if Int(tail &- head) > ringMask { growRing() }
        times[Int(truncatingIfNeeded: tail) & ringMask] = ts
        tail &+= 1
        sinceClear &+= 1
        if sinceClear >= 1 << 30 { clearDead() }
    }

    private func growRing() {
        let n = ringMask + 1
        precondition(n < 1 << 30, "more than 2^30 records in the dedup window")
        let bigger = UnsafeMutablePointer<Int64>.allocate(capacity: n * 2)
        var s = head
        while s != tail {
            bigger[Int(truncatingIfNeeded: s) & (n * 2 - 1)] = times[Int(truncatingIfNeeded: s) & ringMask]
            s &+= 1
        }
        times.deallocate()
        times = bigger
        ringMask = n * 2 - 1
    }

    /// Empties every dead slot, in place: starting after an empty slot (no probe run crosses it),
    /// each live entry is taken out and put back at the first free slot from its home, which is
    /// never after where it was.
    private func clearDead() {
        sinceClear = 0
        var e = 0
        while keys[e] != 0 { e += 1 }
        var i = next(e)
        for _ in 0..<capacity {
            let k = keys[i]
            if k != 0 {
                keys[i] = 0
                if isLive(i) {
                    var j = home(k)
                    while keys[j] != 0 { j = next(j) }
                    keys[j] = k; seqs[j] = seqs[i]; contents[j] = contents[i]
                } else {
                    count -= 1
                }
            }
            i = next(i)
        }
    }

    private func resize(to n: Int) {
        let oldKeys = keys, oldSeqs = seqs, oldContents = contents, oldN = capacity
        capacity = max(16, n)
        keys = .allocate(capacity: capacity)
        keys.initialize(repeating: 0, count: capacity)
        seqs = .allocate(capacity: capacity)
        contents = .allocate(capacity: capacity)
        for i in 0..<oldN where oldKeys[i] != 0 {
            var j = home(oldKeys[i])
            while keys[j] != 0 { j = next(j) }
            keys[j] = oldKeys[i]; seqs[j] = oldSeqs[i]; contents[j] = oldContents[i]
        }
        oldKeys.deallocate(); oldSeqs.deallocate(); oldContents.deallocate()
    }
}

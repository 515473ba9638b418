#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// One open session: fixed-size fields here, everything of variable size (its session ID, user
/// ID, message IDs and turns) as bytes in `data` (see `SessionBytes`). 64 bytes.
struct OpenSession {
    /// byteHash of the session ID.
    var key: UInt64
    /// Creation order (1, 2, …): its place in the Sessionizer's order queue.
    var seq: Int64
    /// ts of the first record and the latest ts of its records (the session's end).
    var start: Int64
    var last: Int64
    /// malloc'ed, `capacity` bytes, `used` of them written (at most `maxBytes`).
    var data: UnsafeMutableRawPointer
    var used: UInt32
    var capacity: UInt32
    /// First locale, stage and skillId seen: 0 none, 1 written in `data`, else a ValueTable id + 2.
    var locale: UInt32 = 0
    var stage: UInt32 = 0
    var skill: UInt32 = 0
    var reopened = false
    var hasUser = false
}

/// The open sessions: a slot array (free slots reused) and an open-addressing index from the
/// session ID hash to the slot, whose cells hold only the slot number (4 bytes; the key is read
/// from the slot), linear probing, backward-shift deletion.
struct OpenSessionTable {
    private(set) var slots: [OpenSession] = []
    private var free: [UInt32] = []
    private var cells: [UInt32]        // slot + 1; 0 = empty
    private var mask: Int
    private(set) var count = 0

    init(capacity: Int = 4096) {
        var n = 16
        while n < capacity * 2 { n <<= 1 }
        cells = [UInt32](repeating: 0, count: n)
        mask = n - 1
    }

    @inline(__always) private func home(_ key: UInt64) -> Int { Int(truncatingIfNeeded: key) & mask }

    /// The slot of the open session with this key.
    @inline(__always)
    func find(_ key: UInt64) -> Int? {
        cells.withUnsafeBufferPointer { c in
            slots.withUnsafeBufferPointer { s in
                var i = home(key)
                while c[i] != 0 {
                    let k = Int(c[i] &- 1)
                    if s[k].key == key { return k }
                    i = (i + 1) & mask
                }
                return nil
            }
        }
    }

    @inline(__always) subscript(slot: Int) -> OpenSession {
        get { slots[slot] }
        _modify { yield &slots[slot] }
    }

    /// Adds a session whose key is not in the table; returns its slot.
    mutating func insert(_ s: OpenSession) -> Int {
        if (count + 1) * 10 > cells.count * 7 { grow() }
        let slot: Int
        if let f = free.popLast() { slot = Int(f); slots[slot] = s } else { slot = slots.count; slots.append(s) }
        place(UInt32(slot + 1), key: s.key)
        count += 1
        return slot
    }

    private mutating func place(_ v: UInt32, key: UInt64) {
        var i = home(key)
        while cells[i] != 0 { i = (i + 1) & mask }
        cells[i] = v
    }

    /// Removes the session of `slot` (its data must have been freed or handed on).
    mutating func remove(_ slot: Int) {
        let key = slots[slot].key
        var i = home(key)
        while cells[i] != UInt32(slot + 1) { i = (i + 1) & mask }
        var hole = i
        var j = (i + 1) & mask
        while cells[j] != 0 {
            let h = home(slots[Int(cells[j] - 1)].key)
            // Entry j may move to the hole if its home is not cyclically in (hole, j].
            let between = hole <= j ? (h > hole && h <= j) : (h > hole || h <= j)
            if !between { cells[hole] = cells[j]; hole = j }
            j = (j + 1) & mask
        }
        cells[hole] = 0
        count -= 1
        free.append(UInt32(slot))
    }

    private mutating func grow() {
        let old = cells
        let n = cells.count * 2
        cells = [UInt32](repeating: 0, count: n)
        mask = n - 1
        for v in old where v != 0 { place(v, key: slots[Int(v - 1)].key) }
    }
}

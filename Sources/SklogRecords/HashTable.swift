/// An open-addressing map from already well-mixed 64-bit hashes (`byteHash`) to Int64 values:
/// linear probing, backward-shift deletion. Cheaper than `Dictionary`, which rehashes every key
/// with SipHash, on the per-record path (dedup, distinct counts).
public struct HashMap64 {
    private var keys: [UInt64]
    private var values: [Int64]
    private var used: [Bool]
    private var mask: Int
    public private(set) var count = 0

    public init(capacity: Int = 1024) {
        var n = 16
        while n < capacity * 2 { n <<= 1 }
        keys = Array(repeating: 0, count: n)
        values = Array(repeating: 0, count: n)
        used = Array(repeating: false, count: n)
        mask = n - 1
    }

    @inline(__always) private func slot(_ k: UInt64) -> Int { Int(truncatingIfNeeded: k) & mask }

    public subscript(key: UInt64) -> Int64? {
        get {
            var i = slot(key)
            while used[i] {
                if keys[i] == key { return values[i] }
                i = (i + 1) & mask
            }
            return nil
        }
        set {
            if let v = newValue { insert(key, v) } else { remove(key) }
        }
    }

    public mutating func insert(_ key: UInt64, _ value: Int64) {
        if (count + 1) * 2 > keys.count { grow() }
        var i = slot(key)
        while used[i] {
            if keys[i] == key { values[i] = value; return }
            i = (i + 1) & mask
        }
        used[i] = true; keys[i] = key; values[i] = value
        count += 1
    }

    public mutating func remove(_ key: UInt64) {
        var i = slot(key)
        while used[i] {
            if keys[i] == key { break }
            i = (i + 1) & mask
        }
        guard used[i] else { return }
        // Backward-shift: move later entries of the probe run into the hole.
        var hole = i
        var j = (i + 1) & mask
        while used[j] {
            let home = slot(keys[j])
            // Entry j may move to the hole if its home is not cyclically in (hole, j].
            let between = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j)
            if !between {
                keys[hole] = keys[j]; values[hole] = values[j]
                hole = j
            }
            j = (j + 1) & mask
        }
        used[hole] = false
        count -= 1
    }

    private mutating func grow() {
        let oldKeys = keys, oldValues = values, oldUsed = used
        let n = keys.count * 2
        keys = Array(repeating: 0, count: n)
        values = Array(repeating: 0, count: n)
        used = Array(repeating: false, count: n)
        mask = n - 1
        count = 0
        for i in oldKeys.indices where oldUsed[i] { insert(oldKeys[i], oldValues[i]) }
    }
}

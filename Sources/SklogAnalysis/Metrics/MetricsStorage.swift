import SklogRecords

// Containers for the metrics hot path. Keys are already 64-bit hashes (`byteHash`), so these
// are open-addressing tables with linear probing and no second hash: no `Hasher`, no boxing, no
// allocation once a table has grown to its working size. Key 0 is the "empty slot" marker; callers
// pass 0 for "absent" (a real value hashing to 0 has a 2^-64 chance and is then not counted).

/// A set of 64-bit hashes, for distinct counts (customers per bucket, per intent, ...).
public struct U64Set: Sendable {
    var slots: [UInt64] = []
    var mask: Int = -1
    public private(set) var count = 0

    public init() {}

    /// Inserts `key` (ignored when 0). Returns whether it was new.
    @discardableResult
    public mutating func insert(_ key: UInt64) -> Bool {
        if key == 0 { return false }
        if (count + 1) * 4 > (mask + 1) * 3 { grow() }
        var i = Int(truncatingIfNeeded: key) & mask
        while true {
            let k = slots[i]
            if k == key { return false }
            if k == 0 { slots[i] = key; count += 1; return true }
            i = (i + 1) & mask
        }
    }

    public func contains(_ key: UInt64) -> Bool {
        if key == 0 || count == 0 { return false }
        var i = Int(truncatingIfNeeded: key) & mask
        while true {
            let k = slots[i]
            if k == key { return true }
            if k == 0 { return false }
            i = (i + 1) & mask
        }
    }

    mutating func grow() {
        let old = slots
        let cap = max(8, (mask + 1) * 2)
        slots = [UInt64](repeating: 0, count: cap)
        mask = cap - 1
        count = 0
        for k in old where k != 0 { insert(k) }
    }

    public mutating func formUnion(_ other: U64Set) {
        for k in other.slots where k != 0 { insert(k) }
    }

    /// The elements in ascending order (for partial states: deterministic output).
    public var sorted: [UInt64] { slots.filter { $0 != 0 }.sorted() }
}

/// A map from 64-bit hashes to dense indices `0..<count` (values live in the caller's array, in
/// insertion order).
public struct U64Index: Sendable {
    var keys: [UInt64] = []
    var values: [Int32] = []
    var mask: Int = -1
    public private(set) var count = 0
    /// Keys in insertion order (the i-th key has index i).
    public private(set) var order: [UInt64] = []

    public init() {}

    /// The index of `key`, adding it with index `count` when new.
    public mutating func index(_ key: UInt64) -> (index: Int, inserted: Bool) {
        let key = key == 0 ? 1 : key
        if (count + 1) * 4 > (mask + 1) * 3 { grow() }
        var i = Int(truncatingIfNeeded: key) & mask
        while true {
            let k = keys[i]
            if k == key { return (Int(values[i]), false) }
            if k == 0 {
                keys[i] = key
                values[i] = Int32(count)
                order.append(key)
                count += 1
                return (count - 1, true)
            }
            i = (i + 1) & mask
        }
    }

    public func find(_ key: UInt64) -> Int? {
        let key = key == 0 ? 1 : key
        if count == 0 { return nil }
        var i = Int(truncatingIfNeeded: key) & mask
        while true {
            let k = keys[i]
            if k == key { return Int(values[i]) }
            if k == 0 { return nil }
            i = (i + 1) & mask
        }
    }

    mutating func grow() {
        let cap = max(8, (mask + 1) * 2)
        keys = [UInt64](repeating: 0, count: cap)
        values = [Int32](repeating: 0, count: cap)
        mask = cap - 1
        for (n, key) in order.enumerated() {
            var i = Int(truncatingIfNeeded: key) & mask
            while keys[i] != 0 { i = (i + 1) & mask }
            keys[i] = key
            values[i] = Int32(n)
        }
    }
}

/// A keyed collection of values: `U64Index` plus the dense value array.
public struct U64Map<Value>: @unchecked Sendable {
    public var index = U64Index()
    public var values: [Value] = []
    public init() {}

    public var count: Int { values.count }
    public var keys: [UInt64] { index.order }

    /// Runs `body` on the value of `key`, creating it with `make()` when absent. Returns whether
    /// the key was new.
    @discardableResult
    public mutating func update(_ key: UInt64, make: () -> Value, _ body: (inout Value) -> Void) -> Bool {
        let (i, inserted) = index.index(key)
        if inserted { values.append(make()) }
        body(&values[i])
        return inserted
    }

    public subscript(key: UInt64) -> Value? {
        guard let i = index.find(key) else { return nil }
        return values[i]
    }

    /// (key, value) pairs in insertion order.
    public var pairs: Zip2Sequence<[UInt64], [Value]> { zip(index.order.map { $0 }, values) }
}

/// An exact latency distribution: count per integer millisecond, in an open-addressing table
/// keyed by the value (so a 15-minute bucket with 50 requests costs a few hundred bytes, and the
/// whole input a few thousand distinct values). Mergeable by adding counts. Percentiles are
/// nearest-rank (SPEC 5.4): the smallest value v with #(x <= v) >= ceil(p/100 * n).
public struct LatencyHistogram: Sendable {
    var keys: [UInt64] = []     // value + 1; 0 = empty
    var counts: [UInt64] = []
    var mask: Int = -1
    var distinct = 0
    public private(set) var n: Int64 = 0
    public private(set) var sum: Int64 = 0

    public init() {}

    public mutating func add(_ ms: Int64, count c: UInt64 = 1) {
        guard ms >= 0 else { return }
        n += Int64(c)
        sum &+= ms &* Int64(c)
        let key = UInt64(ms) &+ 1
        if (distinct + 1) * 2 > mask + 1 { grow() }
        var i = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 20) & mask
        while true {
            let k = keys[i]
            if k == key { counts[i] &+= c; return }
            if k == 0 { keys[i] = key; counts[i] = c; distinct += 1; return }
            i = (i + 1) & mask
        }
    }

    mutating func grow() {
        let ok = keys, oc = counts
        let cap = max(16, (mask + 1) * 2)
        keys = [UInt64](repeating: 0, count: cap)
        counts = [UInt64](repeating: 0, count: cap)
        mask = cap - 1
        distinct = 0
        let (savedN, savedSum) = (n, sum)
        for (k, c) in zip(ok, oc) where k != 0 { add(Int64(k - 1), count: c) }
        n = savedN; sum = savedSum
    }

    public mutating func merge(_ o: LatencyHistogram) {
        for (ms, c) in o.entries { add(ms, count: c) }
    }

    /// (value, count) in ascending value order.
    public var entries: [(Int64, UInt64)] {
        var e: [(Int64, UInt64)] = []
        e.reserveCapacity(distinct)
        for (k, c) in zip(keys, counts) where k != 0 { e.append((Int64(k - 1), c)) }
        e.sort { $0.0 < $1.0 }
        return e
    }

    /// Nearest-rank percentiles for each `p` (in percent), nil when empty.
    public func percentiles(_ ps: [Int]) -> [Int64?] {
        guard n > 0 else { return ps.map { _ in nil } }
        let e = entries
        return ps.map { p in
            // rank = ceil(p/100 * n), at least 1.
            let rank = max(1, (Int64(p) * n + 99) / 100)
            var seen: Int64 = 0
            for (v, c) in e {
                seen += Int64(c)
                if seen >= rank { return v }
            }
            return e.last!.0
        }
    }

    public var mean: Double? { n > 0 ? Double(sum) / Double(n) : nil }
}

/// The distinct users of a cell in one open-addressing table: per user hash, which kinds of
/// record they had (customer, turn, session) and — in the whole-input cell — their retention
/// weeks. One probe per record instead of one per set; 16 bytes per user.
public struct UserTable: Sendable {
    public struct Slot: Sendable {
        public var key: UInt64 = 0
        /// ISO week index of the first turn, and bit k = a turn in that week + k (k <= 12).
        public var first: Int32 = 0
        public var weeks: UInt16 = 0
        public var flags: UInt8 = 0
    }
    public static let customer: UInt8 = 1, turn: UInt8 = 2, session: UInt8 = 4

    var slots: [Slot] = []
    var mask = -1
    var used = 0
    public private(set) var customers = 0
    public private(set) var turnUsers = 0
    public private(set) var sessionUsers = 0

    public init() {}

    public var count: Int { used }

    /// The slot of `key` (inserted when new; never for key 0).
    @inline(__always)
    mutating func slot(_ key: UInt64) -> Int {
        if (used + 1) * 4 > (mask + 1) * 3 { grow() }
        var i = Int(truncatingIfNeeded: key) & mask
        while true {
            let k = slots[i].key
            if k == key { return i }
            if k == 0 { slots[i].key = key; used += 1; return i }
            i = (i + 1) & mask
        }
    }

    /// Records that `key` had records of the kinds in `flags`.
    @inline(__always)
    public mutating func mark(_ key: UInt64, _ flags: UInt8) {
        if key == 0 { return }
        let i = slot(key)
        let new = flags & ~slots[i].flags
        if new == 0 { return }
        slots[i].flags |= new
        if new & Self.customer != 0 { customers += 1 }
        if new & Self.turn != 0 { turnUsers += 1 }
        if new & Self.session != 0 { sessionUsers += 1 }
    }

    /// A turn of `key` in ISO week `week` (whole-input cell: retention).
    @inline(__always)
    public mutating func addWeek(_ key: UInt64, _ week: Int32) {
        if key == 0 { return }
        let i = slot(key)
        Self.mergeWeeks(&slots[i], first: week, weeks: 1)
    }

    /// Union of week sets, keeping weeks 0...12 after the earlier first week.
    @inline(__always)
    static func mergeWeeks(_ s: inout Slot, first: Int32, weeks: UInt16) {
        if weeks == 0 { return }
        if s.weeks == 0 { s.first = first; s.weeks = weeks; return }
        var loFirst = s.first, lo = s.weeks, hiFirst = first, hi = weeks
        if first < s.first { loFirst = first; lo = weeks; hiFirst = s.first; hi = s.weeks }
        let shift = Int(hiFirst) - Int(loFirst)
        var m = lo
        if shift <= 12 { m |= UInt16(truncatingIfNeeded: (UInt32(hi) << UInt32(shift)) & 0x1FFF) }
        s.first = loFirst
        s.weeks = m
    }

    mutating func grow() {
        let old = slots
        let cap = max(8, (mask + 1) * 2)
        slots = [Slot](repeating: Slot(), count: cap)
        mask = cap - 1
        for s in old where s.key != 0 {
            var i = Int(truncatingIfNeeded: s.key) & mask
            while slots[i].key != 0 { i = (i + 1) & mask }
            slots[i] = s
        }
    }

    /// Adds one user's state (from another part).
    public mutating func add(_ s: Slot) {
        if s.key == 0 { return }
        mark(s.key, s.flags)
        if s.weeks != 0 {
            let i = slot(s.key)
            Self.mergeWeeks(&slots[i], first: s.first, weeks: s.weeks)
        }
    }

    public mutating func merge(_ o: UserTable) {
        for s in o.slots where s.key != 0 { add(s) }
    }

    /// The users in ascending key order.
    public var entries: [Slot] { slots.filter { $0.key != 0 }.sorted { $0.key < $1.key } }
    /// Users with retention weeks (any order).
    public var retained: [Slot] { slots.filter { $0.key != 0 && $0.weeks != 0 } }
}

import SklogRecords

/// Values that repeat across sessions (intent names, locales, stages, skill IDs), each made into
/// a `String` once and named by a small number, so that an open session stores 4 bytes instead
/// of a string. At most `limit` values: past it (or for a value whose hash is taken by another),
/// `id` returns nil and the caller keeps the bytes itself.
struct ValueTable {
    private var ids = HashMap64(capacity: 256)
    private(set) var names: [String] = []
    let limit: Int

    init(limit: Int = 100_000) { self.limit = limit }

    mutating func id(_ b: UnsafeRawBufferPointer) -> UInt32? {
        let h = byteHash(b)
        if let i = ids[h] { return Interner.same(names[Int(i)], b) ? UInt32(i) : nil }
        guard names.count < limit else { return nil }
        ids.insert(h, Int64(names.count))
        names.append(String(decoding: b, as: UTF8.self))
        return UInt32(names.count - 1)
    }

    @inline(__always) subscript(id: UInt32) -> String { names[Int(id)] }
}

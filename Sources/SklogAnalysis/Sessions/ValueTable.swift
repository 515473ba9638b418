#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import SklogRecords

/// Values that repeat across sessions (intent names, locales, stages, skill IDs), each made into
/// a `String` once and named by a small number, so that an open session stores 4 bytes instead
/// of a string. At most `limit` values: past it (or for a value whose hash is taken by another),
/// `id` returns nil and the caller keeps the bytes itself. Lookups compare bytes (kept next to
/// the `String`s): an open-addressing table of ids, linear probing.
struct ValueTable {
    private(set) var names: [String] = []
    private var hashes: [UInt64] = []
    private var bytes: [UInt8] = []
    private var ends: [Int] = []
    private var cells = [UInt32](repeating: 0, count: 256)   // id + 1; 0 empty
    let limit: Int

    init(limit: Int = 100_000) { self.limit = limit }

    mutating func id(_ b: UnsafeRawBufferPointer) -> UInt32? {
        let h = byteHash(b)
        let mask = cells.count - 1
        var i = Int(truncatingIfNeeded: h) & mask
        while cells[i] != 0 {
            let id = Int(cells[i] - 1)
            if hashes[id] == h { return same(id, b) ? UInt32(id) : nil }
            i = (i + 1) & mask
        }
        guard names.count < limit else { return nil }
        let id = names.count
        names.append(String(decoding: b, as: UTF8.self))
        hashes.append(h)
        bytes.append(contentsOf: b)
        ends.append(bytes.count)
        cells[i] = UInt32(id + 1)
        if names.count * 2 > cells.count { grow() }
        return UInt32(id)
    }

    @inline(__always) private func same(_ id: Int, _ b: UnsafeRawBufferPointer) -> Bool {
        let start = id == 0 ? 0 : ends[id - 1]
        guard ends[id] - start == b.count else { return false }
        return b.count == 0 || bytes.withUnsafeBytes { memcmp($0.baseAddress! + start, b.baseAddress!, b.count) == 0 }
    }

    private mutating func grow() {
        cells = [UInt32](repeating: 0, count: cells.count * 2)
        let mask = cells.count - 1
        for (id, h) in hashes.enumerated() {
            var i = Int(truncatingIfNeeded: h) & mask
            while cells[i] != 0 { i = (i + 1) & mask }
            cells[i] = UInt32(id + 1)
        }
    }

    @inline(__always) subscript(id: UInt32) -> String { names[Int(id)] }
}

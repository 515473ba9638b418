#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import SklogIO
import SklogRecords

/// A set of message IDs read from `--ids FILE`: one ID per line, or a CSV (such as the console's
/// message-ID download, or `sklog ids --format csv`) whose header has a message-ID column.
public struct IDList {
    // The IDs end to end in `bytes` (`ends[k]` is where the k-th ends), and an open-addressing
    // table (linear probing, at most half full) of a cheap key -> ID number + 1 (0: empty).
    // The key is the ID's last 8 bytes and its length, multiplied: message IDs differ in
    // their last bytes, so one load and one multiply per record decide almost every miss
    // (a SipHash'ed Dictionary of `byteHash`es cost ~0.2 instructions per input byte).
    private var bytes: [UInt8] = []
    private var ends: [Int] = []
    private var table = [Int32](repeating: 0, count: 16)
    private var keys = [UInt64](repeating: 0, count: 16)
    public var count: Int { ends.count }

    public init() {}

    @inline(__always)
    static func key(_ b: UnsafeRawBufferPointer) -> UInt64 {
        let n = b.count
        var w: UInt64 = 0
        if n >= 8 {
            w = b.baseAddress!.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        } else {
            for i in 0..<n { w = w << 8 | UInt64(b[i]) }
        }
        return (w ^ UInt64(truncatingIfNeeded: n) &* 0x9E37_79B9_7F4A_7C15) &* 0xBF58_476D_1CE4_E5B9
    }

    @inline(__always)
    private func slot(_ k: UInt64) -> Int { Int(truncatingIfNeeded: k >> 32) & (table.count - 1) }

    /// Where the n-th ID lies in `bytes`.
    @inline(__always)
    private func range(_ n: Int) -> Range<Int> { (n == 0 ? 0 : ends[n - 1])..<ends[n] }

    @inline(__always)
    private func equals(_ n: Int, _ b: UnsafeRawBufferPointer) -> Bool {
        let r = range(n)
        guard r.count == b.count else { return false }
        if b.count == 0 { return true }
        return bytes.withUnsafeBytes { memcmp($0.baseAddress! + r.lowerBound, b.baseAddress!, b.count) == 0 }
    }

    private func find(_ b: UnsafeRawBufferPointer) -> Bool {
        let k = Self.key(b)
        var i = slot(k)
        while table[i] != 0 {
            if keys[i] == k && equals(Int(table[i]) - 1, b) { return true }
            i = (i + 1) & (table.count - 1)
        }
        return false
    }

    public mutating func insert(_ id: [UInt8]) {
        if id.withUnsafeBytes({ find($0) }) { return }
        bytes.append(contentsOf: id)
        ends.append(bytes.count)
        if count * 2 > table.count {
            table = [Int32](repeating: 0, count: table.count * 2)
            keys = [UInt64](repeating: 0, count: table.count)
            for n in 0..<count { place(n) }
        } else {
            place(count - 1)
        }
    }

    private mutating func place(_ n: Int) {
        let k = bytes.withUnsafeBytes { Self.key(UnsafeRawBufferPointer(rebasing: $0[range(n)])) }
        var i = slot(k)
        while table[i] != 0 { i = (i + 1) & (table.count - 1) }
        table[i] = Int32(n + 1)
        keys[i] = k
    }

    @inline(__always)
    public func contains(_ r: Record) -> Bool {
        r.withBytes(r.messageId) { find($0) }
    }

    /// Reads a list file (gzip or plain, detected from the bytes).
    public static func read(path: String) throws -> IDList {
        let text = try ChunkReader.readWholeFile(path)
        var list = IDList()
        var column: Int? = nil
        var sep: UInt8 = 0x2c
        var first = true
        text.withUnsafeBytes { bytes in
            var start = 0
            while start < bytes.count {
                var end = start
                while end < bytes.count && bytes[end] != 0x0a { end += 1 }
                var e = end
                if e > start && bytes[e - 1] == 0x0d { e -= 1 }
                let line = UnsafeRawBufferPointer(rebasing: bytes[start..<e])
                start = end + 1
                if line.isEmpty { continue }
                if first {
                    first = false
                    if CSVAdapter.looksLikeHeader(line) {
                        sep = line.contains(0x09) ? 0x09 : 0x2c
                        let cells = CSVAdapter.split(line, sep).cells
                        column = cells.firstIndex { CanonicalFields.canonicalName(forHeader: String(decoding: $0, as: UTF8.self)) == "messageId" }
                        continue
                    }
                }
                if let c = column {
                    let cells = CSVAdapter.split(line, sep).cells
                    if c < cells.count, !cells[c].isEmpty { list.insert(cells[c]) }
                } else {
                    var id = Array(line)
                    while let l = id.last, l == 0x20 || l == 0x09 { id.removeLast() }
                    while let f = id.first, f == 0x20 || f == 0x09 { id.removeFirst() }
                    // An ID with a backslash is in the escaped form of `sklog ids` (a JSON
                    // string's content: `a\nb` is a, line feed, b).
                    if id.contains(0x5c) { let e = id; id = []; e.withUnsafeBytes { JSONText.unescape($0, into: &id) } }
                    if !id.isEmpty && id.first != 0x23 { list.insert(id) }  // '#' starts a comment
                }
            }
        }
        return list
    }
}

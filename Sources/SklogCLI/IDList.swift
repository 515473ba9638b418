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
    private var byHash: [UInt64: [[UInt8]]] = [:]
    public private(set) var count = 0

    public init() {}

    public mutating func insert(_ id: [UInt8]) {
        let h = id.withUnsafeBytes { byteHash($0) }
        if byHash[h]?.contains(id) == true { return }
        byHash[h, default: []].append(id)
        count += 1
    }

    @inline(__always)
    public func contains(_ r: Record) -> Bool {
        r.withBytes(r.messageId) { b in
            guard let list = byHash[byteHash(b)] else { return false }
            return list.contains { $0.count == b.count && $0.withUnsafeBytes { memcmp($0.baseAddress!, b.baseAddress!, b.count) == 0 } }
        }
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
                    if !id.isEmpty && id.first != 0x23 { list.insert(id) }  // '#' starts a comment
                }
            }
        }
        return list
    }
}

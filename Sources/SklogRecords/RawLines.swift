/// `grep --raw`: the input lines of the Lambda invocation behind each record, held from the
/// record's parse until the tool takes them (only when `StreamOptions.keepRaw` is on).
struct RawKey: Hashable {
    var input: Int32
    var line: Int64
}

struct RawEntry {
    /// The reader (file) the lines are in.
    var file: Int
    var lines: [(Int64, [UInt8])]
    /// Records of the invocation not yet taken (an invocation may log several requests).
    var refs: Int
}

extension RecordStream {
    func attachRaw(_ key: RawKey, file: Int, lines: [(Int64, [UInt8])]) {
        if var e = rawTable[key] {
            e.refs += 1
            rawTable[key] = e
        } else {
            rawTable[key] = RawEntry(file: file, lines: lines, refs: 1)
        }
    }

    /// The input lines behind `r` (file name, then line numbers and bytes in input order); nil
    /// for a record that came from a line of its own (canonical NDJSON, CSV). Each record's
    /// lines are handed out once.
    public func takeRaw(_ r: Record) -> (file: String, lines: [(Int64, [UInt8])])? {
        let key = RawKey(input: r.input, line: r.line)
        guard var e = rawTable[key] else { return nil }
        e.refs -= 1
        if e.refs <= 0 { rawTable.removeValue(forKey: key) } else { rawTable[key] = e }
        return (names.indices.contains(e.file) ? names[e.file] : "-", e.lines)
    }
}

extension RecordStream {
    /// A record the stream drops (duplicate, filtered out): its raw lines go too.
    @inline(__always)
    func dropRaw(_ rec: UnsafeMutablePointer<Record>) {
        if options.keepRaw { _ = takeRaw(rec.pointee) }
    }
}

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import SklogRecords

/// When an open session is next checked for idle expiry: one live entry per open session, pushed
/// again (later) when the session has had records since; stale entries are dropped when popped.
struct IdleEntry: Comparable {
    var deadline: Int64
    var seq: Int64
    var key: UInt64
    static func < (a: IdleEntry, b: IdleEntry) -> Bool { a.deadline != b.deadline ? a.deadline < b.deadline : a.seq < b.seq }
    static func == (a: IdleEntry, b: IdleEntry) -> Bool { a.deadline == b.deadline && a.seq == b.seq }
}

/// Repeated short strings (intent names, locales, stages) made once.
struct Interner {
    private var table: [UInt64: String] = [:]

    mutating func string(_ r: Record, _ f: Field) -> String? {
        guard f.isPresent else { return nil }
        let h = r.hash(f)
        if let s = table[h], r.withBytes(f, { b in Interner.same(s, b) }) { return s }
        let s = r.string(f)!
        if table.count < 100_000 { table[h] = s }
        return s
    }

    static func same(_ s: String, _ b: UnsafeRawBufferPointer) -> Bool {
        var s = s
        return s.withUTF8 { u in
            u.count == b.count && (u.count == 0 || memcmp(u.baseAddress!, b.baseAddress!, u.count) == 0)
        }
    }
}

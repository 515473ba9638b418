#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import SklogRecords

/// A binary min-heap: the time-ordered structures behind idle expiry and ordered output.
public struct MinHeap<Element: Comparable> {
    public private(set) var items: [Element] = []
    public init() {}

    public var isEmpty: Bool { items.isEmpty }
    public var count: Int { items.count }
    public var min: Element? { items.first }

    public mutating func push(_ e: Element) {
        items.append(e)
        var i = items.count - 1
        while i > 0 {
            let p = (i - 1) >> 1
            if items[i] < items[p] { items.swapAt(i, p); i = p } else { break }
        }
    }

    @discardableResult
    public mutating func pop() -> Element? {
        guard !items.isEmpty else { return nil }
        let top = items[0]
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var i = 0
            let n = items.count
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < n && items[l] < items[m] { m = l }
                if r < n && items[r] < items[m] { m = r }
                if m == i { break }
                items.swapAt(i, m); i = m
            }
        }
        return top
    }
}

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

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A binary min-heap: the time-ordered structures behind idle expiry and ordered output.
/// Ordered by `<`, or by a comparator for elements whose order lives elsewhere.
/// Inlinable, so that the heaps of other modules (sessions, ordered output) are specialized
/// for their element type instead of going through generic witnesses on every comparison.
public struct MinHeap<Element> {
    @usableFromInline var storage: [Element] = []
    public var items: [Element] { storage }
    @usableFromInline let less: (Element, Element) -> Bool

    @inlinable public init(by less: @escaping (Element, Element) -> Bool) { self.less = less }

    @inlinable public var isEmpty: Bool { storage.isEmpty }
    @inlinable public var count: Int { storage.count }
    @inlinable public var min: Element? { storage.first }

    @inlinable
    public mutating func push(_ e: Element) {
        storage.append(e)
        var i = storage.count - 1
        while i > 0 {
            let p = (i - 1) >> 1
            if less(storage[i], storage[p]) { storage.swapAt(i, p); i = p } else { break }
        }
    }

    @inlinable
    @discardableResult
    public mutating func pop() -> Element? {
        guard !storage.isEmpty else { return nil }
        let top = storage[0]
        let last = storage.removeLast()
        if !storage.isEmpty {
            storage[0] = last
            var i = 0
            let n = storage.count
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < n && less(storage[l], storage[m]) { m = l }
                if r < n && less(storage[r], storage[m]) { m = r }
                if m == i { break }
                storage.swapAt(i, m); i = m
            }
        }
        return top
    }
}


extension MinHeap where Element: Comparable {
    @inlinable public init() { self.init(by: <) }
}

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A binary min-heap: the time-ordered structures behind idle expiry and ordered output.
/// Ordered by `<`, or by a comparator for elements whose order lives elsewhere.
public struct MinHeap<Element> {
    public private(set) var items: [Element] = []
    private let less: (Element, Element) -> Bool

    public init(by less: @escaping (Element, Element) -> Bool) { self.less = less }

    public var isEmpty: Bool { items.isEmpty }
    public var count: Int { items.count }
    public var min: Element? { items.first }

    public mutating func push(_ e: Element) {
        items.append(e)
        var i = items.count - 1
        while i > 0 {
            let p = (i - 1) >> 1
            if less(items[i], items[p]) { items.swapAt(i, p); i = p } else { break }
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
                if l < n && less(items[l], items[m]) { m = l }
                if r < n && less(items[r], items[m]) { m = r }
                if m == i { break }
                items.swapAt(i, m); i = m
            }
        }
        return top
    }
}


extension MinHeap where Element: Comparable {
    public init() { self.init(by: <) }
}

/// When open sessions are next checked for idle expiry: a binary min-heap of (deadline, seq),
/// 16 bytes an entry, one live entry per open session (pushed again, later, when the session had
/// records since; stale entries are dropped when popped). A concrete type, so that the compiler
/// specializes it: the generic `MinHeap` of another module runs through witness tables.
struct IdleQueue {
    struct Entry {
        var deadline: Int64
        var seq: Int64
        @inline(__always) static func < (a: Entry, b: Entry) -> Bool {
            a.deadline != b.deadline ? a.deadline < b.deadline : a.seq < b.seq
        }
    }
    private var items: [Entry] = []

    var min: Entry? { items.first }
    var count: Int { items.count }

    mutating func push(_ e: Entry) {
        items.append(e)
        items.withUnsafeMutableBufferPointer { h in
            var i = h.count - 1
            while i > 0 {
                let p = (i - 1) >> 1
                guard e < h[p] else { break }
                h[i] = h[p]; i = p
            }
            h[i] = e
        }
    }

    mutating func pop() {
        let last = items.removeLast()
        guard !items.isEmpty else { return }
        items.withUnsafeMutableBufferPointer { h in
            let n = h.count
            var i = 0
            while true {
                let l = 2 * i + 1
                guard l < n else { break }
                var m = l
                if l + 1 < n && h[l + 1] < h[l] { m = l + 1 }
                guard h[m] < last else { break }
                h[i] = h[m]; i = m
            }
            h[i] = last
        }
    }
}

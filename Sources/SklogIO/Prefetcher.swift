import Foundation

/// Decodes inputs on a background thread while the caller parses: one producer thread serves
/// every reader, keeping up to `depth` decoded chunks ready per input, so decompression and
/// parsing overlap on the two cores and many inputs can be merged without one thread each.
public final class Prefetcher: @unchecked Sendable {
    public let readers: [ChunkReader]
    private let cond = NSCondition()
    private var ready: [[LineChunk]]
    private var free: [[LineChunk]]
    /// Per input, chunk buffers still held by records when their chunk came back (touched only
    /// by the decoding thread).
    private var spares: [[ChunkBuffer]]
    private var done: [Bool]
    private var inFlight: [Bool]
    private var waitingFor = -1
    private var stopped = false
    private let depth: Int
    private var thread: Thread?
    /// Per input, work the decoding thread may do on ready chunks when it would otherwise wait
    /// (parsing stateless formats), so that both cores stay busy when parsing is the bottleneck.
    private var preparsers: [((LineChunk) -> AnyObject)?]

    public init(readers: [ChunkReader], chunkSize: Int? = nil, depth: Int = 3) {
        self.readers = readers
        self.depth = depth
        // Bound memory when many inputs are open at once.
        let size = chunkSize ?? max(64 << 10, min(1 << 20, (96 << 20) / max(1, readers.count * (depth + 1))))
        ready = Array(repeating: [], count: readers.count)
        free = (0..<readers.count).map { _ in (0...depth).map { _ in LineChunk(capacity: size) } }
        spares = Array(repeating: [], count: readers.count)
        done = Array(repeating: false, count: readers.count)
        inFlight = Array(repeating: false, count: readers.count)
        preparsers = Array(repeating: nil, count: readers.count)
    }

    /// Lets the decoding thread run `work` on ready chunks of input `index` ahead of the consumer.
    public func setPreparser(_ index: Int, _ work: @escaping (LineChunk) -> AnyObject) {
        cond.lock(); preparsers[index] = work; cond.broadcast(); cond.unlock()
    }

    /// A ready chunk to work on ahead of the consumer: preferably not the next one to be taken.
    private func preparseCandidate() -> (Int, LineChunk)? {
        var fallback: (Int, LineChunk)? = nil
        for i in readers.indices where preparsers[i] != nil {
            for (k, c) in ready[i].enumerated() where c.preparseState == 0 {
                if k > 0 { return (i, c) }
                if fallback == nil && waitingFor != i { fallback = (i, c) }
                break
            }
        }
        return fallback
    }

    public func start() {
        let t = Thread { [unowned self] in self.produce() }
        t.stackSize = 1 << 20
        t.name = "sklog-decode"
        thread = t
        t.start()
    }

    /// Stops the producer (for early exit, e.g. a closed output pipe).
    public func stop() {
        cond.lock(); stopped = true; cond.broadcast(); cond.unlock()
    }

    private func produce() {
        while true {
            cond.lock()
            var pick = -1
            while true {
                if stopped { cond.unlock(); return }
                // Serve the input the consumer waits for first, then the emptiest one.
                if waitingFor >= 0 && !done[waitingFor] && !free[waitingFor].isEmpty {
                    pick = waitingFor
                } else {
                    var best = Int.max
                    for i in readers.indices where !done[i] && !free[i].isEmpty && ready[i].count < depth {
                        if ready[i].count < best { best = ready[i].count; pick = i }
                    }
                }
                if pick >= 0 { break }
                // Nothing to decode: parse a ready chunk ahead of the consumer instead.
                if let (i, c) = preparseCandidate(), let work = preparsers[i] {
                    c.preparseState = 1
                    cond.unlock()
                    let result = work(c)
                    cond.lock()
                    c.preparsed = result
                    c.preparseState = 2
                    cond.broadcast()
                    continue
                }
                if done.allSatisfy({ $0 }) { cond.unlock(); return }
                cond.wait()
            }
            let chunk = free[pick].removeLast()
            inFlight[pick] = true
            cond.unlock()

            chunk.reclaimBuffer(&spares[pick])
            let more = readers[pick].next(into: chunk)

            cond.lock()
            inFlight[pick] = false
            if more { ready[pick].append(chunk) } else { free[pick].append(chunk); done[pick] = true }
            cond.broadcast()
            cond.unlock()
        }
    }

    /// The next chunk of input `index`, or nil at its end. Blocks until decoded.
    public func next(_ index: Int) -> LineChunk? {
        cond.lock()
        defer { cond.unlock() }
        while ready[index].isEmpty {
            if done[index] || stopped { return nil }
            waitingFor = index
            cond.broadcast()
            cond.wait()
        }
        if waitingFor == index { waitingFor = -1 }
        let c = ready[index].removeFirst()
        // A chunk being parsed ahead is finished before it is handed over.
        while c.preparseState == 1 { cond.wait() }
        return c
    }

    /// Hands a chunk back once its bytes are no longer referenced.
    public func recycle(_ chunk: LineChunk, _ index: Int) {
        cond.lock()
        free[index].append(chunk)
        cond.broadcast()
        cond.unlock()
    }

    /// Total compressed bytes read so far, across inputs (approximate while running).
    public var bytesRead: Int64 { readers.reduce(0) { $0 + $1.bytesRead } }
}

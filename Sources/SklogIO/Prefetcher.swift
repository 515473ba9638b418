import Foundation

/// Decodes inputs on background threads while the caller parses, so that decompression and
/// parsing overlap on the cores and many inputs are merged without one thread each.
///
/// Readers are grouped in lanes: the files of one lane are read one after the other (the numbered
/// parts of one exported log stream), those of different lanes side by side (merged by time). Each
/// lane owns `depth + 1` chunks: at most `depth` decoded chunks wait ahead of the consumer, across
/// the lane's files, so the next file's inflate starts as soon as the current one is decoded (while
/// its last chunks are still being parsed) and memory stays bounded by lanes, not by files.
public final class Prefetcher: @unchecked Sendable {
    public let readers: [ChunkReader]
    /// Reader indices of each lane, in reading order.
    public let lanes: [[Int]]
    /// Decoded chunks ready per lane at most (the consumer holds one more).
    public let depth: Int
    /// Threads that decode (and parse ahead when there is nothing to decode).
    public let threadCount: Int
    private let cond = NSCondition()
    private var ready: [[LineChunk]]
    private var free: [[LineChunk]]
    /// Per lane, chunk buffers still held by records when their chunk came back (touched only
    /// by the thread decoding that lane, one at a time).
    private var spares: [[ChunkBuffer]]
    private var done: [Bool]
    private let laneOf: [Int]
    /// Per lane: the position in `lanes[l]` of the reader being decoded, and its ready chunks.
    private var laneAt: [Int]
    private var laneReady: [Int]
    private var laneBusy: [Bool]
    private var waitingFor = -1
    private var stopped = false
    /// Per input, work the decoding thread may do on ready chunks when it would otherwise wait
    /// (parsing stateless formats), so that both cores stay busy when parsing is the bottleneck.
    private var preparsers: [((LineChunk) -> AnyObject)?]

    /// - lanes: reader indices read one after the other (default: every reader its own lane).
    /// - depth: chunks decoded ahead per lane (default: 3 for up to 8 lanes, else 1: on an export
    ///   of 60 streams, 1 chunk ahead took 15 % less CPU and half the memory of 3; see
    ///   docs/performance.md).
    /// - threads: decoding threads (default: one core less than the machine has, at least one,
    ///   at most one per lane).
    public init(readers: [ChunkReader], lanes: [[Int]]? = nil, chunkSize: Int? = nil, depth: Int? = nil, threads: Int? = nil) {
        self.readers = readers
        let lanes = lanes ?? readers.indices.map { [$0] }
        precondition(lanes.flatMap { $0 }.sorted() == Array(readers.indices), "every reader in exactly one lane")
        self.lanes = lanes
        let depth = max(1, depth ?? (lanes.count > 8 ? 1 : 3))
        self.depth = depth
        var laneOf = Array(repeating: 0, count: readers.count)
        for (l, rs) in lanes.enumerated() { for r in rs { laneOf[r] = l } }
        self.laneOf = laneOf
        // Bound memory when many lanes are open at once.
        let size = chunkSize ?? max(64 << 10, min(1 << 20, (96 << 20) / max(1, lanes.count * (depth + 1))))
        ready = Array(repeating: [], count: readers.count)
        free = lanes.map { _ in (0...depth).map { _ in LineChunk(capacity: size) } }
        spares = Array(repeating: [], count: lanes.count)
        done = Array(repeating: false, count: readers.count)
        laneAt = Array(repeating: 0, count: lanes.count)
        laneReady = Array(repeating: 0, count: lanes.count)
        laneBusy = Array(repeating: false, count: lanes.count)
        preparsers = Array(repeating: nil, count: readers.count)
        threadCount = max(1, min(lanes.count, threads ?? (ProcessInfo.processInfo.activeProcessorCount - 1)))
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
        for k in 0..<threadCount {
            // Each thread keeps the prefetcher alive until it has seen `stop` (or the end): the
            // consumer may drop it while a thread is still waking up.
            let t = Thread { [self] in self.produce() }
            t.stackSize = 1 << 20
            t.name = threadCount == 1 ? "sklog-decode" : "sklog-decode\(k)"
            t.start()
        }
    }

    /// Stops the producers (for early exit, e.g. a closed output pipe).
    public func stop() {
        cond.lock(); stopped = true; cond.broadcast(); cond.unlock()
    }

    /// The reader lane `l` decodes now, or nil when the lane is used up.
    private func current(_ l: Int) -> Int? { laneAt[l] < lanes[l].count ? lanes[l][laneAt[l]] : nil }

    private func canDecode(_ l: Int) -> Bool {
        !laneBusy[l] && current(l) != nil && !free[l].isEmpty && laneReady[l] < depth
    }

    private func produce() {
        while true {
            cond.lock()
            var pick = -1
            while true {
                if stopped { cond.unlock(); return }
                // Serve the lane the consumer waits for first, then the one with the fewest ready chunks.
                if waitingFor >= 0, !done[waitingFor], case let l = laneOf[waitingFor], canDecode(l) {
                    pick = l
                } else {
                    var best = Int.max
                    for l in lanes.indices where canDecode(l) && laneReady[l] < best { best = laneReady[l]; pick = l }
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
                if laneAt.indices.allSatisfy({ current($0) == nil }) { cond.unlock(); return }
                cond.wait()
            }
            let r = current(pick)!
            let chunk = free[pick].removeLast()
            laneBusy[pick] = true
            cond.unlock()

            chunk.reclaimBuffer(&spares[pick])
            let more = readers[r].next(into: chunk)
            if !more { readers[r].releaseBuffers() }

            cond.lock()
            laneBusy[pick] = false
            if more {
                ready[r].append(chunk)
                laneReady[pick] += 1
            } else {
                // This file is used up: the lane goes on with its next file right away.
                free[pick].append(chunk)
                done[r] = true
                laneAt[pick] += 1
            }
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
        laneReady[laneOf[index]] -= 1
        cond.broadcast()
        // A chunk being parsed ahead is finished before it is handed over.
        while c.preparseState == 1 { cond.wait() }
        return c
    }

    /// What `next(_:waitingAtMost:)` found.
    public enum Fetch {
        case chunk(LineChunk)
        case end
        /// Nothing arrived in the time given (a live input that is idle).
        case idle
    }

    /// The next chunk of input `index`, waiting at most `seconds` for it (for live inputs).
    public func next(_ index: Int, waitingAtMost seconds: Double) -> Fetch {
        cond.lock()
        defer { cond.unlock() }
        let deadline = Date(timeIntervalSinceNow: seconds)
        while ready[index].isEmpty {
            if done[index] || stopped { return .end }
            waitingFor = index
            cond.broadcast()
            if !cond.wait(until: deadline) && ready[index].isEmpty {
                if done[index] || stopped { return .end }
                return .idle
            }
        }
        if waitingFor == index { waitingFor = -1 }
        let c = ready[index].removeFirst()
        laneReady[laneOf[index]] -= 1
        cond.broadcast()
        while c.preparseState == 1 { cond.wait() }
        return .chunk(c)
    }

    /// Whether any input is a pipe or a terminal.
    public var hasLiveInput: Bool { readers.contains { $0.isLive } }

    /// Hands a chunk back once its bytes are no longer referenced.
    public func recycle(_ chunk: LineChunk, _ index: Int) {
        cond.lock()
        free[laneOf[index]].append(chunk)
        cond.broadcast()
        cond.unlock()
    }

    /// Total compressed bytes read so far, across inputs (approximate while running).
    public var bytesRead: Int64 { readers.reduce(0) { $0 + $1.bytesRead } }
}

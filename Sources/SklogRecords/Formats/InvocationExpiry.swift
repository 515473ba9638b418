/// The latest log time seen in one log stream. Log times are ordered within a stream, not across
/// the streams of an input: subscription batches, CLI pages and tail output of several streams
/// may hold one stream's events long after another's.
final class StreamClock {
    @exclusivity(unchecked) var now: Int64?
}

/// Closes invocations whose END/REPORT never comes (the stream was cut, the runtime crashed
/// without a REPORT, a file of the stream is missing), so that a log where most invocations are
/// cut is read in bounded memory and their records come out near their time.
///
/// Each invocation is timed by the clock of the log stream it began in (the latest log time seen
/// in that stream): it is closed as cut short when that clock has gone `limitMs` past its last
/// timed line (Alexa waits at most 8 seconds for a response, so an invocation silent for 30
/// seconds of its stream's log time will not answer; 30 s is below the default `--max-delay` of
/// 60 s, so its records still come out in time order). A stream that says nothing more (cut at
/// its end) does not move its own clock: its invocation is closed when the latest log time of the
/// whole input has gone `crossStreamLimitMs` past it (15 minutes: batches of several streams
/// delivered that far apart still join), or, in a log with no times at all, `lineLimit` lines
/// after its last line. Memory holds the invocations of the last 30 s of each stream, and of
/// the last 15 minutes for streams that stopped.
final class InvocationExpiry {
    static let limitMs: Int64 = 30_000
    static let crossStreamLimitMs: Int64 = 900_000
    static let lineLimit: Int64 = 1_000_000
    /// Latest log time seen in any stream.
    @exclusivity(unchecked) private(set) var clock: Int64?
    /// Open invocations in the order they were first seen; a slot is emptied when its invocation
    /// leaves (a finished invocation held here until the next compaction kept its records' text
    /// alive: thousands of them, freed in bursts, cost the allocator more than the rest of it).
    @exclusivity(unchecked) private var queue: [Invocation?] = []
    @exclusivity(unchecked) private var head = 0
    /// Invocations being tracked (for tests: memory stays bounded).
    var tracked: Int { queue.count - head }

    @inline(__always)
    func track(_ inv: Invocation, line: Int64, clock stream: StreamClock) {
        inv.clock = stream
        inv.lastTs = stream.now
        inv.lastLine = line
        queue.append(inv)
    }

    /// A line of log time `ts` in the stream whose clock is `stream`, of `inv` (if any).
    @inline(__always)
    func observe(_ ts: Int64?, _ inv: Invocation?, _ stream: StreamClock) {
        guard let ts else { return }
        if clock == nil || ts > clock! { clock = ts }
        if stream.now == nil || ts > stream.now! { stream.now = ts }
        if let inv, inv.lastTs == nil || ts > inv.lastTs! { inv.lastTs = ts }
    }

    /// Invocations at the front of the queue that are done or silent too long; `close` finalizes.
    /// Called every 64 lines.
    @inline(__always)
    func expire(line: Int64, close: (Invocation) -> Void) {
        var rotations = 0
        while head < queue.count {
            let inv = queue[head]!
            queue[head] = nil
            if inv.finalized || inv.hasReport { head += 1; continue }
            var silentTime = false
            if let last = inv.lastTs {
                if let own = inv.clock?.now, own - last > Self.limitMs { silentTime = true }
                else if let c = clock, c - last > Self.crossStreamLimitMs { silentTime = true }
            }
            if silentTime || line - inv.lastLine > Self.lineLimit {
                head += 1
                inv.expired = true
                close(inv)
                continue
            }
            // Still active: look at a few more behind it (it moves to the back).
            if rotations >= 4 { queue[head] = inv; break }
            rotations += 1
            head += 1
            queue.append(inv)
        }
        if head > 4096 && head * 2 > queue.count { queue.removeFirst(head); head = 0 }
    }
}

/// Closes invocations whose END/REPORT never comes (the stream was cut, the runtime crashed
/// without a REPORT, a file of the stream is missing), so that a log where most invocations are
/// cut is read in bounded memory and their records come out near their time.
///
/// The clock is the latest log time seen in the input. An invocation is closed as cut short when
/// the clock has gone `limitMs` past its last timed line (Alexa waits at most 8 seconds for a
/// response, so an invocation silent for 30 seconds of log time will not answer; 30 s is below
/// the default `--max-delay` of 60 s, so its records still come out in time order), or, in a log
/// with no times at all, `lineLimit` lines after its last line.
final class InvocationExpiry {
    static let limitMs: Int64 = 30_000
    static let lineLimit: Int64 = 1_000_000
    /// Latest log time seen.
    @exclusivity(unchecked) private(set) var clock: Int64?
    /// Open invocations in the order they were first seen.
    @exclusivity(unchecked) private var queue: [Invocation] = []
    @exclusivity(unchecked) private var head = 0
    /// Invocations being tracked (for tests: memory stays bounded).
    var tracked: Int { queue.count - head }

    @inline(__always)
    func track(_ inv: Invocation, line: Int64) {
        inv.lastTs = clock
        inv.lastLine = line
        queue.append(inv)
    }

    @inline(__always)
    func observe(_ ts: Int64?, _ inv: Invocation?) {
        guard let ts else { return }
        if clock == nil || ts > clock! { clock = ts }
        if let inv, inv.lastTs == nil || ts > inv.lastTs! { inv.lastTs = ts }
    }

    /// Invocations at the front of the queue that are done or silent too long; `close` finalizes.
    /// Called every 64 lines.
    @inline(__always)
    func expire(line: Int64, close: (Invocation) -> Void) {
        var rotations = 0
        while head < queue.count {
            let inv = queue[head]
            if inv.finalized || inv.hasReport { head += 1; continue }
            let silentTime = clock.map { c in inv.lastTs.map { c - $0 > Self.limitMs } ?? false } ?? false
            if silentTime || line - inv.lastLine > Self.lineLimit {
                head += 1
                inv.expired = true
                close(inv)
                continue
            }
            // Still active: look at a few more behind it (it moves to the back).
            if rotations >= 4 { break }
            rotations += 1
            head += 1
            queue.append(inv)
        }
        if head > 4096 && head * 2 > queue.count { queue.removeFirst(head); head = 0 }
    }
}

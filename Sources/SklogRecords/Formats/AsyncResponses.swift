/// Smart home directives waiting for an asynchronous response: an `Alexa.Response` or
/// `ErrorResponse` that the skill sends to the event gateway later (after a `DeferredResponse`,
/// or from another invocation such as a device callback) with the directive's
/// `correlationToken`. Keyed by that token; an entry leaves when its response comes, when it has
/// waited `InvocationAssembler.holdMs` of record time, or when more than `capacity` wait (the
/// oldest first), so that memory stays bounded on a log where no response ever comes.
final class AsyncResponseTable<Entry> {
    private struct Slot { var token: String; var ts: Int64; var entry: Entry? }
    private var slots: [Slot] = []
    private var head = 0
    /// Absolute slot number (`dropped + index`) of the entry waiting with each token.
    private var byToken: [String: Int] = [:]
    private var dropped = 0
    let capacity: Int

    init(capacity: Int = 4096) { self.capacity = capacity }

    var isEmpty: Bool { byToken.isEmpty }

    /// Adds a waiting directive; returns the entries pushed out (an older one with the same
    /// token, the oldest when full), which stop waiting.
    func add(token: String, ts: Int64, _ e: Entry) -> [Entry] {
        var out: [Entry] = []
        if let old = take(token) { out.append(old) }
        if byToken.count >= capacity, let o = popFront() { out.append(o) }
        byToken[token] = dropped + slots.count
        slots.append(Slot(token: token, ts: ts, entry: e))
        return out
    }

    /// The directive waiting with this token, which stops waiting.
    func take(_ token: String) -> Entry? {
        guard let abs = byToken.removeValue(forKey: token) else { return nil }
        let i = abs - dropped
        let e = slots[i].entry
        slots[i].entry = nil
        compact()
        return e
    }

    /// The entries at the front that started waiting before `ts` (entries come in finalizing
    /// order, nearly time order: one behind a younger entry leaves with it, a little later).
    func expire(before ts: Int64) -> [Entry] {
        var out: [Entry] = []
        while head < slots.count {
            if slots[head].entry == nil { head += 1; continue }
            guard slots[head].ts < ts, let e = popFront() else { break }
            out.append(e)
        }
        compact()
        return out
    }

    func drain() -> [Entry] {
        var out: [Entry] = []
        while head < slots.count { if let e = popFront() { out.append(e) } }
        return out
    }

    private func popFront() -> Entry? {
        while head < slots.count {
            let s = slots[head]
            head += 1
            if let e = s.entry {
                byToken.removeValue(forKey: s.token)
                compact()
                return e
            }
        }
        compact()
        return nil
    }

    private func compact() {
        if head == slots.count {
            dropped += slots.count; slots.removeAll(keepingCapacity: true); head = 0
        } else if head >= 1024 && head * 2 >= slots.count {
            dropped += head; slots.removeFirst(head); head = 0
        }
    }
}

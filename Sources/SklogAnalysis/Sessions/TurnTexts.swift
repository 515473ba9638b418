/// Where the utterance and slot values of each turn of a closing session sit in its bytes, when
/// the `Turn` values carry no text (`SessionDetail.noText`, `.counts`): friction makes `String`s
/// only for the turns its events name, and compares slot values as bytes.
struct TurnTexts {
    /// Offset and length in the session's bytes; `absent` at when there is none.
    struct Span {
        var utteranceAt = absent, utteranceCount: UInt32 = 0
        var slotsAt = absent, slotsCount: UInt32 = 0
        static let absent = UInt32.max
    }

    let base: UnsafeRawPointer
    let spans: UnsafeBufferPointer<Span>

    private func text(_ at: UInt32, _ count: UInt32) -> String? {
        at == Span.absent ? nil : String(decoding: UnsafeRawBufferPointer(start: base + Int(at), count: Int(count)), as: UTF8.self)
    }

    func utterance(_ i: Int) -> String? { text(spans[i].utteranceAt, spans[i].utteranceCount) }

    /// The slots object's JSON text as it came.
    private func raw(_ i: Int) -> UnsafeRawBufferPointer? {
        spans[i].slotsAt == Span.absent ? nil : UnsafeRawBufferPointer(start: base + Int(spans[i].slotsAt), count: Int(spans[i].slotsCount))
    }

    /// `Turn.slots` of turn `i`, as UTF-8 bytes.
    private func canonical(_ i: Int) -> [UInt8]? { raw(i).flatMap { SlotValues.canonicalBytes(object: $0) } }

    func slots(_ i: Int) -> String? { canonical(i).map { String(decoding: $0, as: UTF8.self) } }

    /// `Turn.signature` of turn `i` whose step is `step`.
    func signature(_ i: Int, step: String) -> String {
        guard let slots = slots(i) else { return step }
        return step + "(" + slots + ")"
    }

    /// Whether turns `i` and `j` have equal slot values, as their `Turn.slots` compare: the same
    /// JSON text has the same; else equal canonical bytes are equal, different ASCII bytes not,
    /// and otherwise (canonically equivalent Unicode, invalid UTF-8) the `String`s decide.
    func sameSlots(_ i: Int, _ j: Int) -> Bool {
        if let x = raw(i), let y = raw(j), x.elementsEqual(y) { return true }
        let a = canonical(i), b = canonical(j)
        guard let a, let b else { return a == nil && b == nil }
        if a == b { return true }
        if !a.contains(where: { $0 >= 0x80 }) && !b.contains(where: { $0 >= 0x80 }) { return false }
        return String(decoding: a, as: UTF8.self) == String(decoding: b, as: UTF8.self)
    }
}

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
    func slots(_ i: Int) -> String? { text(spans[i].slotsAt, spans[i].slotsCount) }

    /// `Turn.signature` of turn `i` whose step is `step`.
    func signature(_ i: Int, step: String) -> String {
        guard let slots = slots(i) else { return step }
        return step + "(" + slots + ")"
    }

    /// Whether turns `i` and `j` have equal slot values, as `String`s compare: equal bytes are
    /// equal; different ASCII bytes are not; else (canonically equivalent Unicode, invalid
    /// UTF-8) the `String`s decide.
    func sameSlots(_ i: Int, _ j: Int) -> Bool {
        let a = spans[i], b = spans[j]
        if a.slotsAt == Span.absent || b.slotsAt == Span.absent { return a.slotsAt == b.slotsAt }
        let x = UnsafeRawBufferPointer(start: base + Int(a.slotsAt), count: Int(a.slotsCount))
        let y = UnsafeRawBufferPointer(start: base + Int(b.slotsAt), count: Int(b.slotsCount))
        if x.elementsEqual(y) { return true }
        if !x.contains(where: { $0 >= 0x80 }) && !y.contains(where: { $0 >= 0x80 }) { return false }
        return slots(i) == slots(j)
    }
}

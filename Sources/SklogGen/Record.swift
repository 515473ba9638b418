// The simulator's compact record: everything a canonical line or a raw log invocation needs,
// as small integers and 128-bit ids (rendered to bytes only when written).

struct Rec {
    var ts: Int64 = 0
    var seq: Int64 = 0
    var rt: RT = .launch
    var user: Int32 = -1
    var stream: Int32 = 0
    var session = ID128.zero
    var msg = ID128.zero
    var locale: Int8 = 0
    var stage: Int8 = 0
    var latencySource: Int8 = 0
    var newSession = false
    var turnIndex: Int16 = 0

    // custom skill
    var intent: Int8 = -1
    var slotA: Int8 = -1
    var slotB: Int8 = -1
    /// Utterance template index, -1 when the record carries no utterance.
    var utterance: Int8 = -1
    var confidence: Int8 = -1
    var latency: Int32 = -1
    var outcome: Int8 = -1
    var errorType: Int8 = -1
    var response: Int8 = -1
    var bargeIn: Int8 = -1
    var unhandled = false
    var reason: Int8 = -1

    // smart home
    var endpoint: Int8 = -1
    var correlation = ID128.zero
    var dirValue: Int32 = 0
    var state = SHState()
    var changeCause: Int8 = 0

    // ISP, account linking, OAuth
    var ispAction: Int8 = -1
    var product: Int8 = -1
    var purchaseResult: Int8 = -1
    var offerHeard: Int8 = -1
    var trial: Int8 = -1
    var grantType: Int8 = -1
    var via: Int8 = -1

    // Lambda invocation
    var lambdaId = ID128.zero
    /// Init Duration in hundredths of a millisecond (0: warm start).
    var initH: Int32 = 0
    /// Duration in hundredths of a millisecond.
    var durH: Int32 = 0
    var memUsed: Int16 = 0
    /// Another message id (System.ExceptionEncountered cause; Connections token).
    var other = ID128.zero
    /// Free random bits for realistic extras.
    var aux: UInt64 = 0

    var hasResponseSpeech: Bool { response >= 0 && responses[0][Int(response)].speechMs != nil }
}

/// Binary min-heap of records by (ts, seq).
struct RecHeap {
    var items: [Rec] = []

    var isEmpty: Bool { items.isEmpty }
    var count: Int { items.count }
    var minTs: Int64 { items[0].ts }

    @inline(__always)
    static func less(_ a: Rec, _ b: Rec) -> Bool { a.ts < b.ts || (a.ts == b.ts && a.seq < b.seq) }

    mutating func push(_ r: Rec) {
        items.append(r)
        var i = items.count - 1
        while i > 0 {
            let p = (i - 1) / 2
            if RecHeap.less(items[i], items[p]) { items.swapAt(i, p); i = p } else { break }
        }
    }

    mutating func pop() -> Rec {
        let top = items[0]
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var i = 0
            let n = items.count
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < n && RecHeap.less(items[l], items[m]) { m = l }
                if r < n && RecHeap.less(items[r], items[m]) { m = r }
                if m == i { break }
                items.swapAt(i, m)
                i = m
            }
        }
        return top
    }
}

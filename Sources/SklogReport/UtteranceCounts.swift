import SklogRecords

/// Utterance text × resolved intent → turns and failures, for the report's Utterances section
/// (the console's intent history). One hash lookup per turn with an utterance; a string is made
/// only the first time a pair is seen. At most `limit` distinct pairs are kept: later new pairs
/// are only counted in `untracked`, so memory stays bounded on any input.
public struct UtteranceCounts: Sendable {
    public struct Row: Sendable {
        public var utterance: String
        public var intent: String
        public var turns: Int64
        public var failures: Int64
    }
    public static let limit = 50_000
    public private(set) var rows: [Row] = []
    public private(set) var turns: Int64 = 0
    public private(set) var untracked: Int64 = 0
    private var index: [UInt64: Int] = [:]

    public init() {}

    @inline(__always)
    public mutating func add(_ r: Record) {
        guard r.utterance.isPresent else { return }
        turns += 1
        let key = r.hash(r.utterance) &* 0x9E37_79B9_7F4A_7C15 ^ r.hash(r.intent)
        if let i = index[key] {
            rows[i].turns += 1
            if r.failed { rows[i].failures += 1 }
            return
        }
        guard rows.count < Self.limit else { untracked += 1; return }
        index[key] = rows.count
        rows.append(Row(utterance: r.string(r.utterance) ?? "", intent: r.string(r.intent) ?? (r.isLaunch ? "LaunchRequest" : ""),
                        turns: 1, failures: r.failed ? 1 : 0))
    }

    /// The most frequent pairs (ties: by text, then intent).
    public func top(_ n: Int) -> [Row] {
        Array(rows.sorted { a, b in
            if a.turns != b.turns { return a.turns > b.turns }
            if a.utterance != b.utterance { return a.utterance.utf8.lexicographicallyPrecedes(b.utterance.utf8) }
            return a.intent.utf8.lexicographicallyPrecedes(b.intent.utf8)
        }.prefix(n))
    }
}

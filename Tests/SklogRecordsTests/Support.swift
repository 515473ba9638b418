import Foundation
@testable import SklogRecords

func parse(_ s: String) throws -> Record {
    var s = s
    return try s.withUTF8 { try RecordParser.parse(UnsafeRawBufferPointer($0)) }
}

func tempPath(_ name: String = UUID().uuidString) -> String {
    NSTemporaryDirectory() + "sklog-rec-" + name
}

func write(_ text: String, to path: String) {
    FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
}

/// Runs a RecordStream over files and returns the records as (ts, messageId, line) plus accounting.
func streamAll(_ paths: [String], configure: (inout StreamOptions) -> Void = { _ in }) throws -> (records: [Record], accounting: Accounting) {
    var o = StreamOptions()
    o.progress = false
    o.rejectMessages = 0
    configure(&o)
    let s = try RecordStream(paths: paths, options: o)
    var out: [Record] = []
    try s.forEach { out.append($0) }
    return (out, s.accounting)
}

/// A small deterministic PRNG for property tests.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
}

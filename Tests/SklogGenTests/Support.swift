import Foundation
@testable import SklogGen

/// Shared helpers: generation in memory, line splitting, JSON parsing, timestamps.
enum Support {
    static func options(records: Int, seed: UInt64 = 42, format: OutputFormat = .ndjson) -> GenOptions {
        var o = GenOptions()
        o.records = records
        o.seed = seed
        o.format = format
        return o
    }

    static func lines(_ bytes: [UInt8]) -> [[UInt8]] {
        var out: [[UInt8]] = []
        var start = 0
        for i in bytes.indices where bytes[i] == 0x0A {
            out.append(Array(bytes[start..<i]))
            start = i + 1
        }
        if start < bytes.count { out.append(Array(bytes[start...])) }
        return out
    }

    static func json(_ line: [UInt8]) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any]
    }

    /// Epoch ms of `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    static func ms(_ ts: String) -> Int64? { parseDate(ts) }

    static let cache = Cache()

    final class Cache: @unchecked Sendable {
        private let lock = NSLock()
        private var runs: [String: (outputs: [[UInt8]], truth: [UInt8])] = [:]

        func run(_ o: GenOptions, streams: Int = 1) -> (outputs: [[UInt8]], truth: [UInt8]) {
            let key = "\(o.records)/\(o.seed)/\(o.format.rawValue)/\(streams)/\(o.disorder)/\(o.duplicates)"
            lock.lock()
            defer { lock.unlock() }
            if let r = runs[key] { return r }
            let r = Generator.generate(o, streams: streams)
            runs[key] = r
            return r
        }
    }
}

// Options of a generator run (the sklog-gen command line maps onto this).

public enum OutputFormat: String, CaseIterable, Sendable {
    case ndjson
    case lambda
    case lambdaJSON = "lambda-json"
    case cloudwatchExport = "cloudwatch-export"
    case subscription

    public var isRaw: Bool { self != .ndjson }
}

public struct GenOptions: Sendable {
    /// Approximate number of unique records.
    public var records: Int = 10_000
    /// Distinct users; nil: records / 25 (at least 20).
    public var users: Int? = nil
    /// Traffic is spread over this many days from `start`.
    public var days: Int = 7
    public var seed: UInt64 = 42
    /// Start of the simulated period (epoch ms, UTC).
    public var start: Int64 = 1_793_577_600_000 // 2026-11-02T00:00:00Z
    /// Share of records written out of order (delayed by up to 30 s within their file).
    public var disorder: Double = 0.02
    /// Share of records written twice (within a few seconds, possibly in another file).
    public var duplicates: Double = 0.005
    public var format: OutputFormat = .ndjson
    /// gzip level for `.gz` outputs.
    public var gzipLevel: Int32 = 6

    public init() {}

    public var effectiveUsers: Int { max(1, users ?? max(20, records / 25)) }
}

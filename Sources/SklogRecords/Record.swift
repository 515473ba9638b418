#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import SklogIO

/// A byte range of a field's value inside a record's storage. `start < 0` means absent.
public struct Field: Equatable, Sendable {
    public var start: Int32
    public var count: Int32
    public static let absent = Field(start: -1, count: 0)
    @inlinable public var isPresent: Bool { start >= 0 }
}

/// Tri-state flag: unknown, false or true. Absent or `null` means unknown, never false.
public enum TriState: Int8, Sendable { case unknown = -1, no = 0, yes = 1 }

public enum Outcome: UInt8, Sendable { case unknown, success, error, noResponse
    public var name: String? { switch self { case .unknown: nil; case .success: "success"; case .error: "error"; case .noResponse: "no_response" } }
}
public enum Confidence: UInt8, Sendable { case unknown, high, medium, low
    public var name: String? { switch self { case .unknown: nil; case .high: "HIGH"; case .medium: "MEDIUM"; case .low: "LOW" } }
}

/// One canonical record (schema `sklog.record/1`). String fields are byte ranges into its JSON
/// line, which stays in the decoded chunk it was parsed from: the record holds that chunk's
/// buffer (shared by all its records, reused once the last one is gone) instead of a copy. Strings
/// with escapes are decoded into `extra`, which stays empty (no allocation) for almost every
/// record. A record built from other bytes (raw formats, tests) keeps its line in `extra`.
/// Parsing makes no allocation and no `String`.
public struct Record {
    // `initializeEmpty` copies the bytes of an empty record, then initializes `chunk` and `extra`,
    // the only stored properties that hold references: a new one must be initialized there too.

    /// The chunk buffer `linePointer` points into (nil: the line is at the start of `extra`).
    @usableFromInline var chunk: ChunkBuffer?
    @usableFromInline var linePointer: UnsafeRawPointer?
    public var lineLength: Int
    /// Decoded copies of escaped strings and implied values; field offsets from `lineLength`
    /// on index it (after the line, when the line is in it too).
    @usableFromInline var extra: [UInt8]
    public var ts: Int64 = 0
    /// Whether the `ts` text was already in canonical form (else writers rewrite it).
    public var tsCanonical = true

    public var messageId = Field.absent, sessionId = Field.absent, userId = Field.absent
    public var skillId = Field.absent, deviceId = Field.absent
    public var stage = Field.absent, locale = Field.absent, skillType = Field.absent
    public var requestType = Field.absent, intent = Field.absent
    public var slots = Field.absent       // raw JSON object text
    public var utterance = Field.absent
    public var confidence = Confidence.unknown
    public var latencyMs: Int64 = -1      // -1: unknown
    public var latencySource = Field.absent
    public var outcome = Outcome.unknown
    public var errorType = Field.absent
    /// The exception's message and the skill's stack frame (failed records of raw logs).
    public var errorMessage = Field.absent, errorFrame = Field.absent
    public var endSession = TriState.unknown, reprompt = TriState.unknown
    public var speechMs: Int64 = -1
    public var bargeIn = TriState.unknown, unhandled = TriState.unknown
    public var reason = Field.absent
    public var namespace = Field.absent, name = Field.absent, endpointId = Field.absent, correlationToken = Field.absent
    public var state = Field.absent       // raw JSON object text
    public var ispAction = Field.absent, productId = Field.absent, productType = Field.absent, purchaseResult = Field.absent
    public var offerHeard = TriState.unknown, trial = TriState.unknown
    public var grantType = Field.absent, via = Field.absent
    public var lambdaRequestId = Field.absent, src = Field.absent
    /// The stage came from --stage, not from the line (writers add it).
    public var stageImplied = false
    /// The productType came from the --products catalog, not from the line (writers add it).
    public var productTypeImplied = false
    /// Released after a later record of the same input: it arrived later than --max-delay.
    public var tsBeforeLastRelease = false
    /// Where the ts member's value sits in the line (for rewriting a non-canonical ts).
    public var tsValue = Field.absent

    /// Provenance set by the reader: input index and line number (not serialized unless `src`
    /// is absent, in which case writers add `"src":"FILE:LINE"`).
    public var input: Int32 = 0
    public var line: Int64 = 0

    /// A record that owns its bytes: the line (`lineLength` bytes), then decoded strings.
    public init(storage: [UInt8], lineLength: Int) {
        extra = storage
        self.lineLength = lineLength
    }

    /// Initializes `dst` as a record with every field absent whose line is at `line` in `chunk`
    /// (nil: a line the caller puts in `extra`). Copies the bytes of an empty record and then
    /// initializes its two references: the initializer would build a record and copy it, at
    /// several times the cost, once per line.
    @inline(__always)
    static func initializeEmpty(_ dst: UnsafeMutablePointer<Record>, chunk: ChunkBuffer?, line: UnsafeRawPointer?, count: Int) {
        let raw = UnsafeMutableRawPointer(dst)
        let t = EmptyRecord.shared
        raw.copyMemory(from: t.record, byteCount: MemoryLayout<Record>.size)
        (raw + t.chunkOffset).initializeMemory(as: ChunkBuffer?.self, repeating: chunk, count: 1)
        (raw + t.extraOffset).initializeMemory(as: [UInt8].self, repeating: [], count: 1)
        dst.pointee.linePointer = line
        dst.pointee.lineLength = count
    }

    /// Where `extra` starts in field offsets.
    @inlinable var extraBase: Int { linePointer == nil ? 0 : lineLength }

    /// Calls `body` with the bytes of `f` (empty when absent).
    @inlinable @inline(__always)
    public func withBytes<R>(_ f: Field, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let s = Int(f.start)
        if let p = linePointer {
            if s < 0 { return try body(UnsafeRawBufferPointer(start: p, count: 0)) }
            if s < lineLength { return try body(UnsafeRawBufferPointer(start: p + s, count: Int(f.count))) }
        }
        return try extra.withUnsafeBytes { all in
            s < 0 ? try body(UnsafeRawBufferPointer(start: all.baseAddress, count: 0))
                : try body(UnsafeRawBufferPointer(rebasing: all[s - extraBase..<s - extraBase + Int(f.count)]))
        }
    }

    /// This record with its own copy of its bytes, holding no chunk: for a consumer that keeps
    /// a few records for a long time (each would otherwise keep its whole chunk of input).
    public func detached() -> Record {
        guard let p = linePointer else { return self }
        var r = self
        var own = [UInt8](UnsafeRawBufferPointer(start: p, count: lineLength))
        own.append(contentsOf: extra)
        r.extra = own
        r.chunk = nil
        r.linePointer = nil
        return r
    }

    /// The field's value as a `String` (for output and for the few values kept per session).
    public func string(_ f: Field) -> String? {
        guard f.start >= 0 else { return nil }
        return withBytes(f) { String(decoding: $0, as: UTF8.self) }
    }

    public func hash(_ f: Field) -> UInt64 { withBytes(f) { byteHash($0) } }

    /// Whether the field equals `literal` (static ASCII, no allocation).
    @inlinable
    public func equals(_ f: Field, _ literal: StaticString) -> Bool {
        guard f.start >= 0, Int(f.count) == literal.utf8CodeUnitCount else { return false }
        return withBytes(f) { memcmp($0.baseAddress!, literal.utf8Start, Int(f.count)) == 0 }
    }

    @inlinable
    public func hasPrefix(_ f: Field, _ literal: StaticString) -> Bool {
        guard f.start >= 0, Int(f.count) >= literal.utf8CodeUnitCount else { return false }
        return withBytes(f) { memcmp($0.baseAddress!, literal.utf8Start, literal.utf8CodeUnitCount) == 0 }
    }

    /// The JSON line as bytes.
    @inlinable
    public func withLine<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        if let p = linePointer { return try body(UnsafeRawBufferPointer(start: p, count: lineLength)) }
        return try extra.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[0..<lineLength])) }
    }

    // MARK: Definitions shared by every tool (SPEC 5.1)

    /// A turn (an utterance): a LaunchRequest or an IntentRequest.
    public var isTurn: Bool { equals(requestType, "IntentRequest") || equals(requestType, "LaunchRequest") }
    public var isLaunch: Bool { equals(requestType, "LaunchRequest") }
    public var isIntentRequest: Bool { equals(requestType, "IntentRequest") }
    public var isSessionEnded: Bool { equals(requestType, "SessionEndedRequest") }
    /// A smart home directive (not an event such as `Alexa.ChangeReport`, nor a custom skill's
    /// `Alexa.Presentation.*` and similar requests): `RecordKind`'s rule, the one every tool uses.
    public var isSmartHomeDirective: Bool { RecordKind.classify(self).isDirective }
    /// Turns and smart home directives: what endpoint latency and response are measured over.
    public var isEndpointRequest: Bool { isTurn || isSmartHomeDirective }
    /// Failed: the response was an error or never came.
    public var failed: Bool { outcome == .error || outcome == .noResponse }
    /// User-initiated: makes a customer (turns, smart home directives, FlashBriefing.Play).
    public var isUserInitiated: Bool { RecordKind.classify(self).isUserInitiated }
}

/// The template of `Record.initializeEmpty`, and where its references lie.
final class EmptyRecord {
    static let shared = EmptyRecord()
    let record: UnsafeMutablePointer<Record>
    let chunkOffset = MemoryLayout<Record>.offset(of: \Record.chunk)!
    let extraOffset = MemoryLayout<Record>.offset(of: \Record.extra)!
    init() {
        record = .allocate(capacity: 1)
        record.initialize(to: Record(storage: [], lineLength: 0))
    }
}

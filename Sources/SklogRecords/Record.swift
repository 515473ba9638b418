#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

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

/// One canonical record (schema `sklog.record/1`). It owns its JSON line; string fields are byte
/// ranges into it (strings with escapes are decoded and appended after the line), so parsing
/// makes one allocation per record and no `String`.
public struct Record {
    /// The record's JSON object (`lineLength` bytes), then decoded copies of escaped strings.
    public var storage: [UInt8]
    public var lineLength: Int
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

    public init(storage: [UInt8], lineLength: Int) {
        self.storage = storage
        self.lineLength = lineLength
    }

    /// Calls `body` with the bytes of `f` (empty when absent).
    @inlinable
    public func withBytes<R>(_ f: Field, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try storage.withUnsafeBytes { all in
            f.start < 0 ? try body(UnsafeRawBufferPointer(start: all.baseAddress, count: 0))
                : try body(UnsafeRawBufferPointer(rebasing: all[Int(f.start)..<Int(f.start + f.count)]))
        }
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
    public func withLine<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try storage.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[0..<lineLength])) }
    }

    // MARK: Definitions shared by every tool (SPEC 5.1)

    /// A turn (an utterance): a LaunchRequest or an IntentRequest.
    public var isTurn: Bool { equals(requestType, "IntentRequest") || equals(requestType, "LaunchRequest") }
    public var isLaunch: Bool { equals(requestType, "LaunchRequest") }
    public var isIntentRequest: Bool { equals(requestType, "IntentRequest") }
    public var isSessionEnded: Bool { equals(requestType, "SessionEndedRequest") }
    /// A smart home directive: an `Alexa.*` request of a smart home skill (not an event such as
    /// `Alexa.ChangeReport`, and not a custom skill's `Alexa.Presentation.*` and similar requests,
    /// nor a smart home skill's OAuth or account-linking records).
    public var isSmartHomeDirective: Bool {
        guard hasPrefix(requestType, "Alexa."), !equals(requestType, "Alexa.ChangeReport") else { return false }
        if skillType.isPresent { return equals(skillType, "smart_home") }
        return !hasPrefix(requestType, "Alexa.Presentation.") && !hasPrefix(requestType, "Alexa.DataStore.")
            && !hasPrefix(requestType, "Alexa.Advertisement.") && !equals(requestType, "Alexa.Authorization.Grant")
    }
    /// Turns and smart home directives: what endpoint latency and response are measured over.
    public var isEndpointRequest: Bool { isTurn || isSmartHomeDirective }
    /// Failed: the response was an error or never came.
    public var failed: Bool { outcome == .error || outcome == .noResponse }
    /// User-initiated: makes a customer (SPEC 5.1).
    public var isUserInitiated: Bool { isTurn || isSmartHomeDirective || equals(requestType, "FlashBriefing.Play") }
}

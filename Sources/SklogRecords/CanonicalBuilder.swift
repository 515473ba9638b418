/// Builds one canonical JSON record (compact, one line) member by member. Adapters for other
/// formats use it, then hand the bytes to `RecordParser` like any NDJSON line.
public struct CanonicalBuilder {
    public private(set) var bytes: [UInt8] = []
    private var first = true

    public init() { bytes.reserveCapacity(512); bytes.append(0x7b) }

    public mutating func reset() { bytes.removeAll(keepingCapacity: true); bytes.append(0x7b); first = true }

    private mutating func key(_ k: String) {
        if !first { bytes.append(0x2c) }
        first = false
        JSONText.appendQuoted(k, to: &bytes)
        bytes.append(0x3a)
    }

    public mutating func string(_ k: String, _ v: String?) {
        guard let v else { return }
        key(k); JSONText.appendQuoted(v, to: &bytes)
    }

    public mutating func string(_ k: String, bytes v: UnsafeRawBufferPointer) {
        key(k); JSONText.appendQuoted(v, to: &bytes)
    }

    public mutating func number(_ k: String, _ v: Int64?) {
        guard let v else { return }
        key(k); bytes.append(contentsOf: String(v).utf8)
    }

    public mutating func bool(_ k: String, _ v: Bool?) {
        guard let v else { return }
        key(k); bytes.append(contentsOf: (v ? "true" : "false").utf8)
    }

    public mutating func timestamp(_ k: String = "ts", _ ms: Int64) {
        // Outside years 0000-9999 there is no RFC 3339 text for it: written as the number, which
        // the record parser then rejects (invalid ts), never written modulo 10000.
        guard Timestamp.inRange(ms) else { key(k); bytes.append(contentsOf: String(ms).utf8); return }
        key(k); bytes.append(0x22); Timestamp.format(ms, into: &bytes); bytes.append(0x22)
    }

    /// A value that is already valid JSON text (an object from the input, say).
    public mutating func raw(_ k: String, json: UnsafeRawBufferPointer) {
        key(k); bytes.append(contentsOf: json)
    }

    public mutating func raw(_ k: String, json: String) {
        key(k); bytes.append(contentsOf: json.utf8)
    }

    /// Closes the object and returns its bytes.
    public mutating func finish() -> [UInt8] {
        bytes.append(0x7d)
        return bytes
    }
}

/// The canonical fields, their JSON types, and the column order used by CSV and TSV output.
public enum CanonicalFields {
    public enum Kind { case string, number, bool, object }
    public static let all: [(name: String, kind: Kind)] = [
        ("ts", .string), ("messageId", .string), ("sessionId", .string), ("userId", .string), ("skillId", .string),
        ("deviceId", .string), ("stage", .string), ("locale", .string), ("skillType", .string), ("requestType", .string),
        ("intent", .string), ("slots", .object), ("utterance", .string), ("confidence", .string), ("latencyMs", .number),
        ("latencySource", .string), ("outcome", .string), ("errorType", .string), ("errorMessage", .string), ("errorFrame", .string), ("endSession", .bool), ("reprompt", .bool),
        ("speechMs", .number), ("bargeIn", .bool), ("unhandled", .bool), ("reason", .string), ("namespace", .string),
        ("name", .string), ("endpointId", .string), ("correlationToken", .string), ("state", .object),
        ("ispAction", .string), ("productId", .string), ("productType", .string), ("purchaseResult", .string),
        ("offerHeard", .bool), ("trial", .bool), ("grantType", .string), ("via", .string),
        ("lambdaRequestId", .string), ("src", .string),
    ]
    public static let kinds: [String: Kind] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0.kind) })

    /// Header aliases (compared lowercased, without spaces, `_`, `-` and parenthesized units).
    public static func canonicalName(forHeader header: String) -> String? {
        var h = header.lowercased()
        if let p = h.firstIndex(of: "(") { h = String(h[..<p]) }
        h = h.filter { $0.isLetter || $0.isNumber }
        let aliases: [String: String] = [
            "messageid": "messageId", "requestid": "messageId", "alexarequestid": "messageId", "id": "messageId",
            "timestamp": "ts", "time": "ts", "ts": "ts", "datetime": "ts", "date": "ts",
            "latency": "latencyMs", "latencyms": "latencyMs", "duration": "latencyMs", "durationms": "latencyMs",
            "sessionid": "sessionId", "userid": "userId", "customerid": "userId", "skillid": "skillId",
            "deviceid": "deviceId", "intentname": "intent", "requesttype": "requestType", "type": "requestType",
            "status": "outcome", "error": "errorType", "errorcode": "errorType", "exception": "errorType",
            "directive": "requestType", "utterancetext": "utterance",
        ]
        if let a = aliases[h] { return a }
        for f in all where f.name.lowercased() == h { return f.name }
        return nil
    }
}

import ArgumentParser
import SklogMatch
import SklogRecords

/// The record filters of `sklog-grep`, shared with `sklog-ids` (SPEC 2): message IDs, field
/// regexes, the raw line, request type, intent, outcome, latency.
public struct FilterOptions: ParsableArguments {
    @Option(name: .customLong("id"), help: ArgumentHelp("Select this message ID (repeatable).", valueName: "message-id"))
    public var ids: [String] = []

    @Option(name: .customLong("ids"), help: ArgumentHelp("Select the message IDs listed in this file: one per line (a line with a backslash is read as a JSON string's content, as `sklog ids` writes it), or a CSV with a message-ID column (e.g. the console's download or `sklog ids --format csv`).", valueName: "file"))
    public var idsFile: String?

    @Option(name: .customLong("field"), help: ArgumentHelp("Select records whose field matches a PCRE2 regex, e.g. --field 'errorType=TIMEOUT' (repeatable; all must match).", valueName: "name=regex"))
    public var fields: [String] = []

    @Option(name: .customShort("e"), help: ArgumentHelp("Select records whose JSON line matches this PCRE2 regex.", valueName: "regex"))
    public var lineRegex: String?

    @Option(name: .customLong("type"), help: ArgumentHelp("Select records whose requestType matches this regex (e.g. 'IntentRequest', '^Alexa\\.').", valueName: "regex"))
    public var type: String?

    @Option(help: ArgumentHelp("Select records whose intent matches this regex (e.g. '^Play').", valueName: "regex"))
    public var intent: String?

    @Option(help: ArgumentHelp("Select records with this outcome: success, error or no_response (comma-separated for several).", valueName: "outcome"), completion: .list(["success", "error", "no_response"]))
    public var outcome: String?

    @Option(name: .customLong("min-latency"), help: ArgumentHelp("Select records with latencyMs at or above this many milliseconds.", valueName: "ms"))
    public var minLatency: Int64?

    @Option(name: .customLong("match-limit"), help: ArgumentHelp("PCRE2 match limit per record: a pattern that backtracks past it stops the run with an error.", valueName: "n"))
    public var matchLimit: UInt32 = 10_000_000

    public init() {}

    public func validate() throws {
        if let o = outcome {
            for v in o.split(separator: ",") where !["success", "error", "no_response"].contains(String(v)) {
                throw ValidationError("--outcome must be success, error or no_response")
            }
        }
        for f in fields where !f.contains("=") { throw ValidationError("--field needs NAME=REGEX, got '\(f)'") }
    }

    public var isEmpty: Bool {
        ids.isEmpty && idsFile == nil && fields.isEmpty && lineRegex == nil && type == nil && intent == nil && outcome == nil && minLatency == nil
    }

    /// Compiles the options (regexes, the ID list) into a filter.
    public func makeFilter() throws -> RecordFilter {
        var f = RecordFilter()
        if !ids.isEmpty || idsFile != nil {
            var list = try idsFile.map { try IDList.read(path: $0) } ?? IDList()
            for id in ids { list.insert(Array(id.utf8)) }
            f.ids = list
        }
        f.fields = try fields.map { spec in
            let eq = spec.firstIndex(of: "=")!
            return (String(spec[..<eq]), try Regex(String(spec[spec.index(after: eq)...]), matchLimit: matchLimit))
        }
        f.line = try lineRegex.map { try Regex($0, matchLimit: matchLimit) }
        f.type = try type.map { try Regex($0, matchLimit: matchLimit) }
        f.intent = try intent.map { try Regex($0, matchLimit: matchLimit) }
        f.outcomes = outcome.map { Set($0.split(separator: ",").map { v -> Outcome in
            v == "success" ? .success : v == "error" ? .error : .noResponse }) }
        f.minLatency = minLatency
        return f
    }
}

/// A compiled selection: every given criterion must hold.
public struct RecordFilter {
    public var ids: IDList? = nil
    public var fields: [(String, Regex)] = []
    public var line: Regex? = nil
    public var type: Regex? = nil
    public var intent: Regex? = nil
    public var outcomes: Set<Outcome>? = nil
    public var minLatency: Int64? = nil

    public init() {}

    /// Throws `RegexLimitError` when a pattern backtracks past its limit.
    public func matches(_ r: Record) throws -> Bool {
        if let ids, !ids.contains(r) { return false }
        if let o = outcomes, !o.contains(r.outcome) { return false }
        if let m = minLatency, r.latencyMs < m { return false }
        if let t = type {
            guard r.requestType.isPresent, try r.withBytes(r.requestType, { try t.matches($0) }) else { return false }
        }
        if let i = intent {
            guard r.intent.isPresent, try r.withBytes(r.intent, { try i.matches($0) }) else { return false }
        }
        for (name, re) in fields {
            guard let v = RecordValues(r).text(name) ?? Self.extraField(r, name), try re.matches(v) else { return false }
        }
        if let l = line, !(try r.withLine { try l.matches($0) }) { return false }
        return true
    }

    /// A top-level field that is not canonical (unknown fields are kept in records), as text.
    static func extraField(_ r: Record, _ name: String) -> String? {
        var found: String? = nil
        r.withLine { line in
            var sc = JSONScanner(line)
            let key = Array(name.utf8)
            try? sc.members { ks, ke, kind, vs, ve in
                guard found == nil, ke - ks == key.count, line[ks..<ke].elementsEqual(key) else { return }
                let v = UnsafeRawBufferPointer(rebasing: line[vs..<ve])
                if kind == .string {
                    var out: [UInt8] = []
                    JSONText.unescape(v, into: &out)
                    found = String(decoding: out, as: UTF8.self)
                } else if kind != .null {
                    found = String(decoding: v, as: UTF8.self)
                }
            }
        }
        return found
    }
}

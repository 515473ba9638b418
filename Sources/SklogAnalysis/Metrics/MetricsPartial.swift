import SklogRecords

/// The partial state of `sklog-metrics --partial` (schema `sklog.metrics.partial/1`): everything
/// needed to finish the computation — counters, distinct-user hash sets per bucket, latency
/// histograms, retention weeks per user, and the cross-record events kept unresolved — so that
/// `--merge` over the parts of a session-split input prints what one run prints.
extension MetricsAccumulator {
    public static let partialSchema = "sklog.metrics.partial/1"

    /// The state as a JSON document (one line, then a newline).
    public func partialState() -> [UInt8] {
        var o = JSONOut()
        o.raw("{\"schema\":"); o.string(Self.partialSchema)
        o.raw(",\"options\":{\"period\":"); if let p = options.period { o.string(p.rawValue) } else { o.raw("null") }
        o.raw(",\"by\":["); for (i, d) in options.by.enumerated() { if i > 0 { o.raw(",") }; o.string(d.rawValue) }
        o.raw("],\"redact\":"); o.raw(options.redact ? "true" : "false")
        o.raw(",\"top\":"); o.int(Int64(options.top))
        o.raw(",\"session\":"); o.string(options.sessionParameters)
        o.raw("},\"accounting\":"); writeAccounting(&o)
        o.raw(",\"minTs\":"); if minTs <= maxTs { o.int(minTs) } else { o.raw("null") }
        o.raw(",\"maxTs\":"); if minTs <= maxTs { o.int(maxTs) } else { o.raw("null") }
        o.raw(",\"names\":{")
        for (i, k) in names.keys.sorted().enumerated() {
            if i > 0 { o.raw(",") }
            o.hexKey(k); o.string(names[k]!)
        }
        o.raw("},\"pairNames\":{")
        for (i, k) in pairNames.keys.sorted().enumerated() {
            if i > 0 { o.raw(",") }
            let (a, b) = pairNames[k]!
            o.hexKey(k); o.raw("["); o.hex(a); o.raw(","); o.hex(b); o.raw("]")
        }
        o.raw("},\"pathNames\":{")
        for (i, k) in pathNames.keys.sorted().enumerated() {
            if i > 0 { o.raw(",") }
            o.hexKey(k); o.hexArray(pathNames[k]!)
        }
        o.raw("},\"whole\":"); writeBucket(whole, &o, withStart: false)
        o.raw(",\"buckets\":[")
        for (i, s) in buckets.keys.sorted().enumerated() {
            if i > 0 { o.raw(",") }
            writeBucket(buckets[s]!, &o, withStart: true)
        }
        o.raw("],\"deferred\":[")
        for (i, e) in deferred.enumerated() {
            if i > 0 { o.raw(",") }
            o.raw("["); o.int(e.ts); o.raw(",")
            e.messageId.withUnsafeBytes { JSONText.appendQuoted($0, to: &o.bytes) }
            o.raw(","); o.string(String(describing: e.kind)); o.raw(","); o.hex(e.key)
            o.raw(","); o.int(Int64(e.trial.rawValue)); o.raw(",[")
            for (j, p) in e.props.enumerated() {
                if j > 0 { o.raw(",") }
                o.raw("["); o.hex(p.key); o.raw(","); o.hex(p.value); o.raw("]")
            }
            o.raw("],"); if let b = e.bucket { o.int(b) } else { o.raw("null") }
            o.raw(","); o.hexArray(e.dims); o.raw("]")
        }
        // The run id: the digest of the message IDs counted, so that `--merge` can refuse the
        // same state named twice (a copy included), while the output stays deterministic.
        o.raw("],\"runId\":"); o.hex(messageDigest)
        o.raw("}\n")
        return o.bytes
    }

    /// The largest count a partial state may hold (2^46, about 7·10^13): far above any real
    /// count, and low enough that summing 65,536 states cannot overflow.
    public static let maxPartialCount: Int64 = 1 << 46
    /// The largest latency a partial state may hold, in ms (what a record may carry: 2^53).
    public static let maxPartialLatency: Int64 = 9_000_000_000_000_000

    /// A count: present, an integer (no fraction, no exponent, not a string), 0 to `limit`.
    static func count(_ v: JSONValue?, _ what: String, _ bad: (String) -> PartialStateError, limit: Int64 = maxPartialCount, min: Int64 = 0) throws -> Int64 {
        guard let v else { throw bad("missing \(what)") }
        guard case .number(let text) = v, let n = Int64(text) else { throw bad("\(what) is not an integer") }
        guard n >= min, n <= limit else { throw bad("\(what) \(n) is out of range (\(min) to \(limit))") }
        return n
    }

    private func writeAccounting(_ o: inout JSONOut) {
        let a = accounting
        o.raw("{\"files\":"); o.int(Int64(a.files))
        o.raw(",\"bytesRead\":"); o.int(a.bytesRead)
        o.raw(",\"bytesDecoded\":"); o.int(a.bytesDecoded)
        o.raw(",\"parsed\":"); o.int(Int64(a.parsed))
        o.raw(",\"rejectedByReason\":{")
        for (i, k) in a.rejected.keys.sorted().enumerated() {
            if i > 0 { o.raw(",") }
            o.string(k); o.raw(":"); o.int(Int64(a.rejected[k]!))
        }
        o.raw("},\"duplicates\":"); o.int(Int64(a.duplicates))
        o.raw(",\"late\":"); o.int(Int64(a.late))
        o.raw(",\"filteredOut\":"); o.int(Int64(a.filteredOut))
        o.raw(",\"damage\":[")
        for (i, d) in a.damage.enumerated() { if i > 0 { o.raw(",") }; o.string(d) }
        o.raw("]")
        if a.outcomesFromErrorsAlone > 0 { o.raw(",\"outcomesFromErrorsAlone\":"); o.int(Int64(a.outcomesFromErrorsAlone)) }
        if a.releasedEarly > 0 { o.raw(",\"releasedEarly\":"); o.int(Int64(a.releasedEarly)) }
        if a.timesFromRequest > 0 { o.raw(",\"timesFromRequest\":"); o.int(Int64(a.timesFromRequest)) }
        if a.duplicatesDiffering > 0 {
            o.raw(",\"duplicatesDiffering\":"); o.int(Int64(a.duplicatesDiffering))
            if let f = a.firstDifferingDuplicate { o.raw(",\"firstDifferingDuplicate\":"); o.string(f) }
        }
        o.raw("}")
    }

    private func writeBucket(_ b: BucketCells, _ o: inout JSONOut, withStart: Bool) {
        o.raw("{")
        if withStart { o.raw("\"start\":"); o.int(b.start); o.raw(",") }
        o.raw("\"main\":"); writeCell(b.main, &o)
        o.raw(",\"dims\":[")
        for (d, m) in b.dims.enumerated() {
            if d > 0 { o.raw(",") }
            o.raw("{")
            for (i, (k, c)) in m.pairs.sorted(by: { $0.0 < $1.0 }).enumerated() {
                if i > 0 { o.raw(",") }
                o.hexKey(k); writeCell(c, &o)
            }
            o.raw("}")
        }
        o.raw("]}")
    }

    private func writeCell(_ c: MetricsCell, _ o: inout JSONOut) {
        o.raw("{\"c\":{")
        var first = true
        for k in Counter.allCases where c[k] != 0 {
            if !first { o.raw(",") }
            first = false
            o.string(k.key); o.raw(":"); o.int(c[k])
        }
        o.raw("}")
        func hist(_ name: String, _ h: LatencyHistogram) {
            guard h.n > 0 else { return }
            o.raw(",\""); o.raw(name); o.raw("\":"); o.histogram(h)
        }
        func map<V>(_ name: String, _ m: U64Map<V>, _ body: (V, inout JSONOut) -> Void) {
            guard m.count > 0 else { return }
            o.raw(",\""); o.raw(name); o.raw("\":{")
            for (i, (k, v)) in m.pairs.sorted(by: { $0.0 < $1.0 }).enumerated() {
                if i > 0 { o.raw(",") }
                o.hexKey(k); body(v, &o)
            }
            o.raw("}")
        }
        if c.users.count > 0 {
            // [user, kinds (1 customer, 2 turn, 4 session)] or, with retention weeks,
            // [user, kinds, first ISO week index, weeks bit mask].
            o.raw(",\"users\":[")
            for (i, s) in c.users.entries.enumerated() {
                if i > 0 { o.raw(",") }
                o.raw("["); o.hex(s.key); o.raw(","); o.int(Int64(s.flags))
                if s.weeks != 0 { o.raw(","); o.int(Int64(s.first)); o.raw(","); o.int(Int64(s.weeks)) }
                o.raw("]")
            }
            o.raw("]")
        }
        hist("endpointLatency", c.endpointLatency)
        hist("discoveryLatency", c.discoveryLatency)
        hist("capabilityLatency", c.capabilityLatency)
        hist("reportStateLatency", c.reportStateLatency)
        if c.accessErrors.contains(where: { $0 != 0 }) { o.raw(",\"accessErrors\":"); o.intArray(c.accessErrors) }
        if c.refreshErrors.contains(where: { $0 != 0 }) { o.raw(",\"refreshErrors\":"); o.intArray(c.refreshErrors) }
        map("intents", c.intents) { s, o in
            o.raw("["); o.int(s.utterances); o.raw(","); o.int(s.failures); o.raw(","); o.hexArray(s.customers.sorted); o.raw("]")
        }
        map("directives", c.directives) { d, o in
            o.raw("["); o.int(d.count); o.raw(","); o.int(d.success); o.raw(","); o.int(d.failed); o.raw(",")
            o.hexArray(d.customers.sorted); o.raw(","); o.histogram(d.latency); o.raw("]")
        }
        map("products", c.products) { n, o in o.int(n) }
        map("viaInitiated", c.viaInitiated) { n, o in o.int(n) }
        map("viaCompleted", c.viaCompleted) { n, o in o.int(n) }
        map("pairs", c.pairs) { p, o in o.raw("["); o.int(p.sessions); o.raw(","); o.hexArray(p.customers.sorted); o.raw("]") }
        map("steps", c.steps) { s, o in o.hexArray(s.sorted) }
        map("topPaths", c.topPaths) { n, o in o.int(n) }
        map("frictionUtterances", c.frictionUtterances) { a, o in o.intArray(a) }
        o.raw("}")
    }

    // MARK: Reading

    public struct PartialStateError: Error, CustomStringConvertible {
        public let name: String
        public let message: String
        public var description: String { "\(name): \(message)" }
    }

    /// Reads a partial state written by `partialState()`.
    public static func fromPartialState(_ bytes: [UInt8], name: String = "partial state") throws -> MetricsAccumulator {
        func bad(_ m: String) -> PartialStateError { PartialStateError(name: name, message: m) }
        let doc: JSONValue
        do { doc = try JSONValue.parse(bytes) } catch let e as JSONValue.ParseError {
            throw bad("not a JSON document (\(e.message) at byte \(e.offset))")
        }
        guard doc["schema"]?.string == partialSchema else {
            throw bad("not a sklog-metrics partial state (expected schema \"\(partialSchema)\")")
        }
        // Every section is required: a state with one left out is not a smaller state.
        for section in ["options", "accounting", "minTs", "maxTs", "names", "pairNames", "pathNames", "whole", "buckets", "deferred", "runId"]
        where doc[section] == nil {
            throw bad("missing section \(section)")
        }
        guard let opt = doc["options"] else { throw bad("missing options") }
        var options = MetricsOptions()
        if let p = opt["period"]?.string {
            guard let period = MetricsOptions.Period(rawValue: p) else { throw bad("unknown period \(p)") }
            options.period = period
        }
        for d in opt["by"]?.array ?? [] {
            guard let s = d.string, let dim = MetricsOptions.Dimension(rawValue: s) else { throw bad("unknown dimension") }
            options.by.append(dim)
        }
        options.redact = opt["redact"]?.bool ?? false
        // A negative top would trap in the report's `prefix(top)` (found reading the code).
        options.top = Int(try count(opt["top"], "options.top", bad, limit: 1 << 30))
        options.sessionParameters = opt["session"]?.string ?? ""
        let acc = MetricsAccumulator(options: options, deferCrossRecordEvents: true)
        guard let rid = doc["runId"]?.string, rid.utf8.count == 16, let runId = UInt64(rid, radix: 16) else { throw bad("invalid runId") }
        acc.partialRunId = runId
        acc.messageDigest = runId

        if let a = doc["accounting"] {
            var ac = Accounting()
            func n(_ k: String) throws -> Int { Int(try count(a[k], "accounting." + k, bad)) }
            func optional(_ k: String) throws -> Int { a[k] == nil ? 0 : try n(k) }
            ac.files = try n("files")
            ac.bytesRead = Int64(try n("bytesRead"))
            ac.bytesDecoded = Int64(try n("bytesDecoded"))
            ac.parsed = try n("parsed")
            guard let rejected = a["rejectedByReason"]?.members else { throw bad("missing accounting.rejectedByReason") }
            for (k, v) in rejected { ac.rejected[k] = Int(try count(v, "accounting.rejectedByReason." + k, bad)) }
            ac.duplicates = try n("duplicates")
            ac.late = try n("late")
            ac.filteredOut = try n("filteredOut")
            guard let damage = a["damage"]?.array, damage.allSatisfy({ $0.string != nil }) else { throw bad("missing or invalid accounting.damage") }
            ac.damage = damage.compactMap(\.string)
            ac.outcomesFromErrorsAlone = try optional("outcomesFromErrorsAlone")
            ac.releasedEarly = try optional("releasedEarly")
            ac.timesFromRequest = try optional("timesFromRequest")
            ac.duplicatesDiffering = try optional("duplicatesDiffering")
            ac.firstDifferingDuplicate = a["firstDifferingDuplicate"]?.string
            acc.accounting = ac
        }
        if case .null = doc["minTs"]!, case .null = doc["maxTs"]! {} else {
            let lo = try count(doc["minTs"], "minTs", bad, limit: Timestamp.end - 1, min: Timestamp.earliest)
            let hi = try count(doc["maxTs"], "maxTs", bad, limit: Timestamp.end - 1, min: Timestamp.earliest)
            guard lo <= hi else { throw bad("minTs is after maxTs") }
            acc.setBounds(min: lo, max: hi)
        }

        var names: [UInt64: String] = [:]
        for (k, v) in doc["names"]?.members ?? [] { names[try hex(k, bad)] = v.string ?? "" }
        var pairs: [UInt64: (UInt64, UInt64)] = [:]
        for (k, v) in doc["pairNames"]?.members ?? [] {
            let a = v.array ?? []
            guard a.count == 2 else { throw bad("invalid pairNames") }
            pairs[try hex(k, bad)] = (try hexValue(a[0], bad), try hexValue(a[1], bad))
        }
        var paths: [UInt64: [UInt64]] = [:]
        for (k, v) in doc["pathNames"]?.members ?? [] { paths[try hex(k, bad)] = try (v.array ?? []).map { try hexValue($0, bad) } }
        acc.setNames(names, pairs: pairs, paths: paths)

        func bucket(_ v: JSONValue, start: Int64) throws -> BucketCells {
            let b = BucketCells(start: start, dimensions: options.by.count)
            guard let m = v["main"], let dims = v["dims"]?.array, dims.count == options.by.count else { throw bad("invalid bucket (main and one dims entry per --by dimension)") }
            try readCell(m, into: b.main, bad)
            for (d, dm) in dims.enumerated() {
                for (k, cv) in dm.members ?? [] {
                    let cell = b.cell(d, try hex(k, bad)).cell
                    try readCell(cv, into: cell, bad)
                }
            }
            return b
        }
        if let w = doc["whole"] { acc.setWhole(try bucket(w, start: .min)) }
        for bv in doc["buckets"]?.array ?? [] {
            let s = try count(bv["start"], "bucket start", bad, limit: Timestamp.end - 1, min: Timestamp.earliest)
            acc.setBucket(try bucket(bv, start: s))
        }
        var events: [DeferredEvent] = []
        let kinds = Dictionary(uniqueKeysWithValues: RecordKind.allCases.map { (String(describing: $0), $0) })
        for e in doc["deferred"]?.array ?? [] {
            guard let a = e.array, a.count == 8, let id = a[1].string, let ks = a[2].string, let kind = kinds[ks] else { throw bad("invalid deferred event") }
            let ts = try count(a[0], "deferred event ts", bad, limit: Timestamp.end - 1, min: Timestamp.earliest)
            let trial = try count(a[4], "deferred event trial", bad, limit: 1, min: -1)
            if case .null = a[6] {} else { _ = try count(a[6], "deferred event bucket", bad, limit: Timestamp.end - 1, min: Timestamp.earliest) }
            let props = try (a[5].array ?? []).map { p -> PropertyHash in
                guard let pa = p.array, pa.count == 2 else { throw bad("invalid property") }
                return PropertyHash(key: try hexValue(pa[0], bad), value: try hexValue(pa[1], bad))
            }
            events.append(DeferredEvent(ts: ts, messageId: Array(id.utf8), kind: kind, key: try hexValue(a[3], bad),
                                        trial: Int8(exactly: trial).flatMap(TriState.init(rawValue:)) ?? .unknown, props: props, bucket: a[6].int,
                                        dims: try (a[7].array ?? []).map { try hexValue($0, bad) }))
        }
        acc.setDeferred(events)
        return acc
    }

    private static func hex(_ s: String, _ bad: (String) -> PartialStateError) throws -> UInt64 {
        guard let v = UInt64(s, radix: 16) else { throw bad("invalid hash \(s)") }
        return v
    }
    private static func hexValue(_ v: JSONValue, _ bad: (String) -> PartialStateError) throws -> UInt64 {
        guard let s = v.string else { throw bad("expected a hash") }
        return try hex(s, bad)
    }

    private static func readCell(_ v: JSONValue, into c: MetricsCell, _ bad: (String) -> PartialStateError) throws {
        guard let counters = v["c"]?.members else { throw bad("cell without counters") }
        for (k, n) in counters {
            guard let counter = Counter.byKey[k] else { throw bad("unknown counter \(k)") }
            c[counter] = try count(n, "counter " + k, bad)
        }
        func hist(_ x: JSONValue?) throws -> LatencyHistogram {
            var h = LatencyHistogram()
            for e in x?.array ?? [] {
                // A negative count, or counts whose total an Int64 cannot hold, is no histogram
                // (found by the fuzzer: `UInt64(n)` and the total trapped).
                guard let a = e.array, a.count == 2 else { throw bad("invalid histogram") }
                let ms = try count(a[0], "latency", bad, limit: maxPartialLatency)
                let n = try count(a[1], "latency count", bad)
                // The count and the sum of latencies must fit (10^12 ms × 10^15 does not).
                let (product, o1) = ms.multipliedReportingOverflow(by: n)
                guard !o1, !h.n.addingReportingOverflow(n).overflow, !h.sum.addingReportingOverflow(product).overflow else {
                    throw bad("latency histogram overflows")
                }
                h.add(ms, count: UInt64(n))
            }
            return h
        }
        func ints(_ x: JSONValue?, _ n: Int, _ what: String) throws -> [Int64] {
            guard let x else { return [Int64](repeating: 0, count: n) }
            guard let a = x.array, a.count <= n else { throw bad("invalid \(what)") }
            var out = try a.map { try count($0, what, bad) }
            while out.count < n { out.append(0) }
            return out
        }
        for e in v["users"]?.array ?? [] {
            guard let a = e.array, a.count == 2 || a.count == 4 else { throw bad("invalid user entry") }
            var s = UserTable.Slot()
            s.key = try hexValue(a[0], bad)
            s.flags = UInt8(try count(a[1], "user kinds", bad, limit: 7))
            if a.count == 4 {
                s.first = Int32(try count(a[2], "user first week", bad, limit: Int64(Int32.max), min: Int64(Int32.min)))
                s.weeks = UInt16(try count(a[3], "user weeks", bad, limit: Int64(UInt16.max)))
            }
            c.users.add(s)
        }
        c.endpointLatency = try hist(v["endpointLatency"])
        c.discoveryLatency = try hist(v["discoveryLatency"])
        c.capabilityLatency = try hist(v["capabilityLatency"])
        c.reportStateLatency = try hist(v["reportStateLatency"])
        c.accessErrors = try ints(v["accessErrors"], 8, "accessErrors")
        c.refreshErrors = try ints(v["refreshErrors"], 8, "refreshErrors")
        func users(_ x: JSONValue) throws -> U64Set {
            var s = U64Set()
            for h in x.array ?? [] { s.insert(try hexValue(h, bad)) }
            return s
        }
        for (k, e) in v["intents"]?.members ?? [] {
            guard let a = e.array, a.count == 3 else { throw bad("invalid intent stat") }
            var s = IntentStat()
            s.utterances = try count(a[0], "intent utterances", bad); s.failures = try count(a[1], "intent failures", bad)
            s.customers = try users(a[2])
            c.intents.update(try hex(k, bad), make: { s }) { _ in }
        }
        for (k, e) in v["directives"]?.members ?? [] {
            guard let a = e.array, a.count == 5 else { throw bad("invalid directive stat") }
            var d = DirectiveStat()
            d.count = try count(a[0], "directive count", bad); d.success = try count(a[1], "directive successes", bad)
            d.failed = try count(a[2], "directive failures", bad)
            d.customers = try users(a[3]); d.latency = try hist(a[4])
            c.directives.update(try hex(k, bad), make: { d }) { _ in }
        }
        for (k, n) in v["products"]?.members ?? [] { let x = try count(n, "products", bad); c.products.update(try hex(k, bad), make: { x }) { _ in } }
        for (k, n) in v["viaInitiated"]?.members ?? [] { let x = try count(n, "viaInitiated", bad); c.viaInitiated.update(try hex(k, bad), make: { x }) { _ in } }
        for (k, n) in v["viaCompleted"]?.members ?? [] { let x = try count(n, "viaCompleted", bad); c.viaCompleted.update(try hex(k, bad), make: { x }) { _ in } }
        for (k, e) in v["pairs"]?.members ?? [] {
            guard let a = e.array, a.count == 2 else { throw bad("invalid pair stat") }
            var p = PairStat()
            p.sessions = try count(a[0], "pair sessions", bad); p.customers = try users(a[1])
            c.pairs.update(try hex(k, bad), make: { p }) { _ in }
        }
        for (k, e) in v["steps"]?.members ?? [] { let s = try users(e); c.steps.update(try hex(k, bad), make: { s }) { _ in } }
        for (k, n) in v["topPaths"]?.members ?? [] { let x = try count(n, "topPaths", bad); c.topPaths.update(try hex(k, bad), make: { x }) { _ in } }
        for (k, e) in v["frictionUtterances"]?.members ?? [] {
            let a = try ints(e, 5, "frictionUtterances")
            c.frictionUtterances.update(try hex(k, bad), make: { a }) { _ in }
        }
    }
}

/// A byte buffer for writing JSON.
struct JSONOut {
    var bytes: [UInt8] = []
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    mutating func raw(_ s: String) { bytes.append(contentsOf: s.utf8) }
    mutating func string(_ s: String) { JSONText.appendQuoted(s, to: &bytes) }
    mutating func int(_ v: Int64) { bytes.append(contentsOf: String(v).utf8) }
    mutating func hex(_ v: UInt64) {
        bytes.append(0x22)
        for i in stride(from: 60, through: 0, by: -4) { bytes.append(Self.digits[Int((v >> UInt64(i)) & 15)]) }
        bytes.append(0x22)
    }
    mutating func hexKey(_ v: UInt64) { hex(v); bytes.append(0x3a) }
    mutating func hexArray(_ a: [UInt64]) {
        bytes.append(0x5b)
        for (i, v) in a.enumerated() { if i > 0 { bytes.append(0x2c) }; hex(v) }
        bytes.append(0x5d)
    }
    mutating func intArray(_ a: [Int64]) {
        bytes.append(0x5b)
        for (i, v) in a.enumerated() { if i > 0 { bytes.append(0x2c) }; int(v) }
        bytes.append(0x5d)
    }
    mutating func histogram(_ h: LatencyHistogram) {
        bytes.append(0x5b)
        for (i, (ms, n)) in h.entries.enumerated() {
            if i > 0 { bytes.append(0x2c) }
            bytes.append(0x5b); int(ms); bytes.append(0x2c); int(Int64(n)); bytes.append(0x5d)
        }
        bytes.append(0x5d)
    }
}

/// A parsed JSON value (for partial states; records never go through this).
public indirect enum JSONValue: Sendable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public subscript(key: String) -> JSONValue? {
        guard case .object(let m) = self else { return nil }
        return m.first { $0.0 == key }?.1
    }
    public var members: [(String, JSONValue)]? { if case .object(let m) = self { return m }; return nil }
    public var array: [JSONValue]? { if case .array(let a) = self { return a }; return nil }
    public var string: String? { if case .string(let s) = self { return s }; return nil }
    public var bool: Bool? { if case .bool(let b) = self { return b }; return nil }
    public var int: Int64? {
        guard case .number(let s) = self else { return nil }
        // A number an Int64 cannot hold (1e999, found by the fuzzer) is no number here.
        return Int64(s) ?? Double(s).flatMap(RecordParser.rounded)
    }

    public struct ParseError: Error {
        public var offset: Int
        public var message: String
    }

    public static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        try bytes.withUnsafeBytes { buf in
            var p = Parser(b: buf)
            let v = try p.value(depth: 0)
            p.space()
            if p.i != buf.count { throw ParseError(offset: p.i, message: "text after the document") }
            return v
        }
    }

    struct Parser {
        let b: UnsafeRawBufferPointer
        var i = 0

        mutating func space() {
            while i < b.count, b[i] == 0x20 || b[i] == 0x0a || b[i] == 0x0d || b[i] == 0x09 { i += 1 }
        }
        func fail(_ m: String) -> ParseError { ParseError(offset: i, message: m) }

        mutating func value(depth: Int) throws -> JSONValue {
            guard depth < 64 else { throw fail("nesting too deep") }
            space()
            guard i < b.count else { throw fail("unexpected end") }
            switch b[i] {
            case 0x7b:
                i += 1
                var m: [(String, JSONValue)] = []
                space()
                if i < b.count && b[i] == 0x7d { i += 1; return .object(m) }
                while true {
                    space()
                    guard i < b.count, b[i] == 0x22 else { throw fail("expected a key") }
                    let k = try string()
                    space()
                    guard i < b.count, b[i] == 0x3a else { throw fail("expected ':'") }
                    i += 1
                    m.append((k, try value(depth: depth + 1)))
                    space()
                    guard i < b.count else { throw fail("unterminated object") }
                    if b[i] == 0x2c { i += 1; continue }
                    if b[i] == 0x7d { i += 1; return .object(m) }
                    throw fail("expected ',' or '}'")
                }
            case 0x5b:
                i += 1
                var a: [JSONValue] = []
                space()
                if i < b.count && b[i] == 0x5d { i += 1; return .array(a) }
                while true {
                    a.append(try value(depth: depth + 1))
                    space()
                    guard i < b.count else { throw fail("unterminated array") }
                    if b[i] == 0x2c { i += 1; continue }
                    if b[i] == 0x5d { i += 1; return .array(a) }
                    throw fail("expected ',' or ']'")
                }
            case 0x22:
                return .string(try string())
            case 0x74: try word("true"); return .bool(true)
            case 0x66: try word("false"); return .bool(false)
            case 0x6e: try word("null"); return .null
            default:
                let s = i
                while i < b.count, (b[i] >= 0x30 && b[i] <= 0x39) || b[i] == 0x2d || b[i] == 0x2b || b[i] == 0x2e || b[i] == 0x65 || b[i] == 0x45 { i += 1 }
                guard i > s else { throw fail("unexpected character") }
                return .number(String(decoding: UnsafeRawBufferPointer(rebasing: b[s..<i]), as: UTF8.self))
            }
        }

        mutating func word(_ w: String) throws {
            for c in w.utf8 {
                guard i < b.count, b[i] == c else { throw fail("invalid literal") }
                i += 1
            }
        }

        mutating func string() throws -> String {
            var sc = JSONScanner(b)
            sc.pos = i
            let r: (start: Int, end: Int)
            do { r = try sc.scanString() } catch { throw fail("unterminated string") }
            i = sc.pos
            let raw = UnsafeRawBufferPointer(rebasing: b[r.start..<r.end])
            if !raw.contains(0x5c) { return String(decoding: raw, as: UTF8.self) }
            var out: [UInt8] = []
            JSONText.unescape(raw, into: &out)
            return String(decoding: out, as: UTF8.self)
        }
    }
}

// MARK: Overflow-checked merging

extension MetricsAccumulator {
    /// Throws when merging `o` would overflow a count or a latency sum (states read from files
    /// hold at most `maxPartialCount` per count, but many of them, or latency sums, could).
    func checkSums(_ o: MetricsAccumulator) throws {
        func fits(_ a: Int64, _ b: Int64) throws {
            if a.addingReportingOverflow(b).overflow { throw MergeError(description: "merging would overflow a count; the partial states are not from one input") }
        }
        func cells(_ a: MetricsCell?, _ b: MetricsCell) throws {
            for k in Counter.allCases { try fits(a?[k] ?? 0, b[k]) }
            for (x, y) in [(a?.endpointLatency, b.endpointLatency), (a?.discoveryLatency, b.discoveryLatency),
                           (a?.capabilityLatency, b.capabilityLatency), (a?.reportStateLatency, b.reportStateLatency)] {
                try fits(x?.n ?? 0, y.n); try fits(x?.sum ?? 0, y.sum)
            }
            for (k, d) in b.directives.pairs {
                let mine = a?.directives[k]
                try fits(mine?.latency.n ?? 0, d.latency.n); try fits(mine?.latency.sum ?? 0, d.latency.sum)
                try fits(mine?.count ?? 0, d.count)
            }
        }
        func bucket(_ a: BucketCells?, _ b: BucketCells) throws {
            try cells(a?.main, b.main)
            for d in b.dims.indices {
                for (v, cell) in b.dims[d].pairs { try cells(a.flatMap { $0.dims[d][v] }, cell) }
            }
        }
        try bucket(whole, o.whole)
        for (s, b) in o.buckets { try bucket(buckets[s], b) }
        try fits(Int64(accounting.seen), Int64(o.accounting.seen))
    }

    /// Whether this state holds anything (an empty shard's state may be merged any number of
    /// times: it adds nothing).
    public var isEmptyPartialState: Bool {
        accounting.seen == 0 && buckets.isEmpty && deferred.isEmpty && Counter.allCases.allSatisfy { whole.main[$0] == 0 }
    }
}


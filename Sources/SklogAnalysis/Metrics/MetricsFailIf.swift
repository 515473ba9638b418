/// A `--fail-if 'METRIC>VALUE'` condition (SPEC 2): operators `>`, `>=`, `<`, `<=`; a `%` suffix
/// gives a rate as a percentage (`endpointSuccessRate<95%` means below 0.95; friction rates are
/// already per 100 turns, so `unhandledRequestsRate>5` and `>5%` are the same). A labelled metric
/// can be narrowed with `{label=value,...}` (`intentFailures{intent=PlayIntent}>10`); without it,
/// the condition holds when any of its values satisfies it. Conditions are evaluated on the
/// whole-input totals; a metric that is not available never satisfies a condition.
public struct MetricCondition: Sendable, CustomStringConvertible {
    public enum Op: String, Sendable {
        case gt = ">", ge = ">=", lt = "<", le = "<="

        func holds(_ a: Double, _ b: Double) -> Bool {
            switch self {
            case .gt: a > b
            case .ge: a >= b
            case .lt: a < b
            case .le: a <= b
            }
        }
    }

    public struct ParseError: Error, CustomStringConvertible {
        public let description: String
    }

    public let text: String
    public let name: String
    public let labels: [String: String]
    public let op: Op
    /// The threshold in the metric's own unit (fractions for rates).
    public let threshold: Double
    public var description: String { text }

    public init(_ text: String) throws {
        self.text = text
        func bad(_ m: String) -> ParseError { ParseError(description: "invalid --fail-if '\(text)': \(m)") }
        let s = Array(text)
        var i = 0
        func skipSpaces() { while i < s.count, s[i] == " " { i += 1 } }
        skipSpaces()
        var name = ""
        while i < s.count, s[i].isLetter || s[i].isNumber || s[i] == "_" { name.append(s[i]); i += 1 }
        guard !name.isEmpty else { throw bad("expected a metric name, e.g. 'endpointLatencyP90>2000'") }
        guard MetricCatalog.names.contains(name) else {
            let near = MetricCatalog.names.filter { $0.lowercased() == name.lowercased() }.sorted().first
            throw bad("unknown metric '\(name)'" + (near.map { " (did you mean '\($0)'?)" } ?? "; see docs/metrics.md for the identifiers"))
        }
        var labels: [String: String] = [:]
        skipSpaces()
        if i < s.count, s[i] == "{" {
            i += 1
            var body = ""
            while i < s.count, s[i] != "}" { body.append(s[i]); i += 1 }
            guard i < s.count else { throw bad("missing '}'") }
            i += 1
            for part in body.split(separator: ",") {
                let kv = part.split(separator: "=", maxSplits: 1)
                guard kv.count == 2 else { throw bad("labels are written {key=value,...}") }
                labels[kv[0].trimmingCharacters(" ")] = kv[1].trimmingCharacters(" ").trimmingQuotes
            }
            let defs = MetricCatalog.all.filter { $0.name == name }
            let known = Set(defs.flatMap(\.labels))
            for k in labels.keys where !known.contains(k) {
                throw bad("metric '\(name)' has no label '\(k)'" + (known.isEmpty ? "" : " (labels: \(known.sorted().joined(separator: ", ")))"))
            }
        }
        skipSpaces()
        var opText = ""
        while i < s.count, s[i] == "<" || s[i] == ">" || s[i] == "=" { opText.append(s[i]); i += 1 }
        guard let op = Op(rawValue: opText) else { throw bad("expected one of >, >=, <, <= after the metric name") }
        var num = String(s[i...]).trimmingCharacters(" ")
        let percent = num.hasSuffix("%")
        if percent { num.removeLast() }
        guard let v = Double(num), v.isFinite else { throw bad("expected a number after '\(opText)'") }
        let kind = MetricCatalog.all.first { $0.name == name }!.kind
        var threshold = v
        if percent {
            switch kind {
            case .fraction: threshold = v / 100
            case .per100: threshold = v
            default: throw bad("'%' only applies to rates, and \(name) is not a rate")
            }
        } else if kind == .fraction && v > 1 {
            throw bad("\(name) is a rate between 0 and 1; write '\(MetricNumber.real(v).text)%' for a percentage")
        }
        self.name = name
        self.labels = labels
        self.op = op
        self.threshold = threshold
    }

    /// The values that satisfy the condition, described for standard error (empty: it did not hold).
    public func held(in set: MetricSet) -> [String] {
        var out: [String] = []
        for v in set.values(named: name, labels: labels) {
            guard let x = v.value.double, op.holds(x, threshold) else { continue }
            var label = ""
            if !v.labels.isEmpty {
                label = "{" + zip(v.definition.labels, v.labels).map { "\($0)=\($1)" }.joined(separator: ",") + "}"
            }
            out.append("\(name)\(label) = \(v.value.text)")
        }
        return out
    }
}

extension StringProtocol {
    func trimmingCharacters(_ c: Character) -> String {
        String(drop { $0 == c }.reversed().drop { $0 == c }.reversed())
    }
}

extension String {
    var trimmingQuotes: String {
        if count >= 2, let f = first, let l = last, f == l, f == "\"" || f == "'" { return String(dropFirst().dropLast()) }
        return self
    }
}

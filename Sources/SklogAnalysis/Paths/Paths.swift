import SklogIO
import SklogRecords

/// Interaction paths (SPEC 6 "Interaction path"): a session's steps are its turns in order —
/// `LaunchRequest` or the intent name — then `END:<outcome>`.
///
/// - transitions A→B: `pathSessions` (sessions in which A is directly followed by B, each session
///   once), `pathCustomers` (distinct users of those sessions), `pathShare` = customers who went
///   A→B ÷ customers who had step A;
/// - top paths: the first `maxSteps` steps (then `…` when there were more) and the final
///   `END:<outcome>`, by number of sessions;
/// - funnel: sessions that reach steps 1…k in order (not necessarily directly), each step's
///   conversion from the previous one.
public final class PathStats {
    public let maxSteps: Int
    /// Only transitions out of this step; top paths start at its first occurrence.
    public let from: String?
    public let funnel: [String]
    public private(set) var totalSessions = 0
    private var users = Set<UInt64>()

    private var names: [String] = []
    private var ids: [String: Int32] = [:]
    private struct Edge { var sessions = 0; var users = Set<UInt64>() }
    private var edges: [UInt64: Edge] = [:]
    private var stepSessions: [Int32: Int] = [:]
    private var stepUsers: [Int32: Set<UInt64>] = [:]
    private struct PathAcc { var sessions = 0; var users = Set<UInt64>() }
    private var paths: [[Int32]: PathAcc] = [:]
    private var funnelSessions: [Int]
    private var funnelUsers: [Set<UInt64>]

    public static let ellipsis = "…"

    public init(maxSteps: Int = 8, from: String? = nil, funnel: [String] = []) {
        self.maxSteps = maxSteps; self.from = from; self.funnel = funnel
        funnelSessions = [Int](repeating: 0, count: funnel.count)
        funnelUsers = [Set<UInt64>](repeating: [], count: funnel.count)
    }

    private func id(_ s: String) -> Int32 {
        if let i = ids[s] { return i }
        let i = Int32(names.count)
        names.append(s); ids[s] = i
        return i
    }

    public var totalCustomers: Int { users.count }

    public func add(_ s: Session) {
        totalSessions += 1
        let user = s.userHash
        if let user { users.insert(user) }
        let steps = s.path.map(id)

        // Steps and transitions, each once per session.
        var seenSteps = Set<Int32>()
        for st in steps where seenSteps.insert(st).inserted {
            stepSessions[st, default: 0] += 1
            if let user { stepUsers[st, default: []].insert(user) }
        }
        let fromId = from.map(id)
        var seenEdges = Set<UInt64>()
        if steps.count > 1 {
            for i in 1..<steps.count {
                let a = steps[i - 1], b = steps[i]
                if let f = fromId, a != f { continue }
                let key = UInt64(UInt32(bitPattern: a)) << 32 | UInt64(UInt32(bitPattern: b))
                guard seenEdges.insert(key).inserted else { continue }
                edges[key, default: Edge()].sessions += 1
                if let user { edges[key]!.users.insert(user) }
            }
        }

        // Top paths.
        var turnSteps = Array(steps.dropLast())
        let end = steps.last!
        var keep = true
        if let f = fromId {
            if let i = turnSteps.firstIndex(of: f) { turnSteps = Array(turnSteps[i...]) } else { keep = false }
        }
        if keep {
            var key = Array(turnSteps.prefix(maxSteps))
            if turnSteps.count > maxSteps { key.append(id(Self.ellipsis)) }
            key.append(end)
            paths[key, default: PathAcc()].sessions += 1
            if let user { paths[key]!.users.insert(user) }
        }

        // Funnel: steps reached in order.
        if !funnel.isEmpty {
            var k = 0
            for st in steps where k < funnel.count && names[Int(st)] == funnel[k] { k += 1 }
            for j in 0..<k {
                funnelSessions[j] += 1
                if let user { funnelUsers[j].insert(user) }
            }
        }
    }

    // MARK: Results

    public struct Transition: Sendable {
        public var from: String, to: String
        public var pathSessions: Int
        public var pathCustomers: Int
        /// Customers who went A→B ÷ customers who had step A (nil when no customer had A).
        public var pathShare: Double?
    }

    /// Every transition, by pathSessions (descending), then from, then to.
    public func transitions() -> [Transition] {
        edges.map { key, e in
            let a = Int32(bitPattern: UInt32(truncatingIfNeeded: key >> 32)), b = Int32(bitPattern: UInt32(truncatingIfNeeded: key))
            let denom = stepUsers[a]?.count ?? 0
            return Transition(from: names[Int(a)], to: names[Int(b)], pathSessions: e.sessions, pathCustomers: e.users.count,
                              pathShare: denom > 0 ? Double(e.users.count) / Double(denom) : nil)
        }.sorted { x, y in
            if x.pathSessions != y.pathSessions { return x.pathSessions > y.pathSessions }
            if x.from != y.from { return x.from < y.from }
            return x.to < y.to
        }
    }

    public struct PathCount: Sendable {
        public var steps: [String]
        public var sessions: Int
        public var customers: Int
        /// sessions ÷ all sessions counted for top paths.
        public var share: Double
    }

    /// The `n` most frequent paths, by sessions (descending), then steps.
    public func topPaths(_ n: Int) -> [PathCount] {
        let total = paths.values.reduce(0) { $0 + $1.sessions }
        let all = paths.map { k, v in
            PathCount(steps: k.map { names[Int($0)] }, sessions: v.sessions, customers: v.users.count,
                      share: total > 0 ? Double(v.sessions) / Double(total) : 0)
        }.sorted { x, y in
            if x.sessions != y.sessions { return x.sessions > y.sessions }
            return x.steps.lexicographicallyPrecedes(y.steps)
        }
        return Array(all.prefix(n))
    }

    public struct FunnelStep: Sendable {
        public var step: String
        public var sessions: Int
        public var customers: Int
        /// Sessions reaching this step in order ÷ sessions reaching the previous one (the first
        /// step: ÷ all sessions); nil when the denominator is 0.
        public var conversion: Double?
        /// ÷ sessions reaching the first step.
        public var overall: Double?
    }

    public func funnelSteps() -> [FunnelStep] {
        funnel.indices.map { k in
            let prev = k == 0 ? totalSessions : funnelSessions[k - 1]
            return FunnelStep(step: funnel[k], sessions: funnelSessions[k], customers: funnelUsers[k].count,
                              conversion: prev > 0 ? Double(funnelSessions[k]) / Double(prev) : nil,
                              overall: funnelSessions[0] > 0 ? Double(funnelSessions[k]) / Double(funnelSessions[0]) : nil)
        }
    }
}

/// Renders path statistics as a table, CSV, JSON, Graphviz DOT or Mermaid.
public enum PathsReport {
    public enum Format: String, CaseIterable, Sendable { case table, csv, json, dot, mermaid }

    static func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
    static func pct(_ v: Double?) -> String { v.map { FrictionSummary.fmt($0 * 100, 1) + " %" } ?? "n/a" }
    static func ratio(_ v: Double?) -> String { v.map { FrictionSummary.fmt($0, 4) } ?? "null" }

    static func pad(_ x: String, _ w: Int, right: Bool = false) -> String {
        let p = String(repeating: " ", count: max(0, w - x.count))
        return right ? p + x : x + p
    }

    public static func render(_ p: PathStats, format: Format, top: Int, minSessions: Int = 1, maxEdges: Int = 100,
                              accounting: String? = nil, parameters: String? = nil) -> String {
        switch format {
        case .table: return table(p, top: top)
        case .csv: return csv(p, top: top)
        case .json: return json(p, top: top, accounting: accounting, parameters: parameters)
        case .dot: return graph(p, dot: true, minSessions: minSessions, maxEdges: maxEdges)
        case .mermaid: return graph(p, dot: false, minSessions: minSessions, maxEdges: maxEdges)
        }
    }

    /// A step name as a cell of the human table: escaped, cut to `TerminalText.cellWidth`.
    static func cell(_ x: String) -> String { TerminalText.cell(x) }

    public static func table(_ p: PathStats, top: Int) -> String {
        var s = "Interaction paths: \(p.totalSessions) session\(p.totalSessions == 1 ? "" : "s"), \(p.totalCustomers) customer\(p.totalCustomers == 1 ? "" : "s")\n"
        if !p.funnel.isEmpty {
            let steps = p.funnelSteps()
            let w = max(20, steps.map { cell($0.step).count }.max() ?? 0)
            s += "\nFunnel\n" + pad("step", w) + pad("sessions", 10, right: true) + pad("customers", 11, right: true)
                + pad("conversion", 12, right: true) + pad("overall", 10, right: true) + "\n"
            for f in steps {
                s += pad(cell(f.step), w) + pad(String(f.sessions), 10, right: true) + pad(String(f.customers), 11, right: true)
                    + pad(pct(f.conversion), 12, right: true) + pad(pct(f.overall), 10, right: true) + "\n"
            }
            return s
        }
        let tr = p.transitions()
        let wf = max(12, tr.map { cell($0.from).count }.max() ?? 0), wt = max(12, tr.map { cell($0.to).count }.max() ?? 0)
        s += "\nTransitions" + (p.from.map { " from \(cell($0))" } ?? "") + "\n"
        s += pad("from", wf + 2) + pad("to", wt) + pad("sessions", 10, right: true) + pad("customers", 11, right: true) + pad("share", 10, right: true) + "\n"
        for t in tr {
            s += pad(cell(t.from), wf + 2) + pad(cell(t.to), wt) + pad(String(t.pathSessions), 10, right: true)
                + pad(String(t.pathCustomers), 11, right: true) + pad(pct(t.pathShare), 10, right: true) + "\n"
        }
        let tp = p.topPaths(top)
        s += "\nTop paths (first \(p.maxSteps) steps" + (p.from.map { ", from \(cell($0))" } ?? "") + ")\n"
        s += pad("sessions", 8, right: true) + pad("customers", 11, right: true) + pad("share", 9, right: true) + "  path\n"
        for x in tp {
            s += pad(String(x.sessions), 8, right: true) + pad(String(x.customers), 11, right: true) + pad(pct(x.share), 9, right: true)
                + "  " + x.steps.map(cell).joined(separator: " > ") + "\n"
        }
        return s
    }

    /// One table: kind (transition, path, funnel), from, to, path, sessions, customers, share.
    public static func csv(_ p: PathStats, top: Int) -> String {
        var out: [UInt8] = Array("kind,from,to,path,sessions,customers,share\n".utf8)
        if !p.funnel.isEmpty {
            var prev: String? = nil
            for f in p.funnelSteps() {
                out += SessionWriter.csvRow(["funnel", prev, f.step, nil, String(f.sessions), String(f.customers), f.conversion.map { FrictionSummary.fmt($0, 4) }])
                prev = f.step
            }
        } else {
            for t in p.transitions() {
                out += SessionWriter.csvRow(["transition", t.from, t.to, nil, String(t.pathSessions), String(t.pathCustomers), t.pathShare.map { FrictionSummary.fmt($0, 4) }])
            }
            for x in p.topPaths(top) {
                out += SessionWriter.csvRow(["path", nil, nil, x.steps.joined(separator: " > "), String(x.sessions), String(x.customers), FrictionSummary.fmt(x.share, 4)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func json(_ p: PathStats, top: Int, accounting: String?, parameters: String?) -> String {
        var b = CanonicalBuilder()
        b.string("schema", "sklog.paths/1")
        if let parameters { b.raw("parameters", json: parameters) }
        if let accounting { b.raw("accounting", json: accounting) }
        b.number("totalSessions", Int64(p.totalSessions))
        b.number("totalCustomers", Int64(p.totalCustomers))
        var t: [String] = []
        for x in p.transitions() {
            var o = CanonicalBuilder()
            o.string("from", x.from); o.string("to", x.to)
            o.number("pathSessions", Int64(x.pathSessions)); o.number("pathCustomers", Int64(x.pathCustomers))
            o.raw("pathShare", json: ratio(x.pathShare))
            t.append(String(decoding: o.finish(), as: UTF8.self))
        }
        b.raw("transitions", json: "[" + t.joined(separator: ",") + "]")
        var tp: [String] = []
        for x in p.topPaths(top) {
            var o = CanonicalBuilder()
            o.raw("steps", json: SessionWriter.jsonArray(x.steps))
            o.number("sessions", Int64(x.sessions)); o.number("customers", Int64(x.customers))
            o.raw("share", json: ratio(x.share))
            tp.append(String(decoding: o.finish(), as: UTF8.self))
        }
        b.raw("topPaths", json: "[" + tp.joined(separator: ",") + "]")
        if !p.funnel.isEmpty {
            var fs: [String] = []
            for f in p.funnelSteps() {
                var o = CanonicalBuilder()
                o.string("step", f.step)
                o.number("sessions", Int64(f.sessions)); o.number("customers", Int64(f.customers))
                o.raw("conversion", json: ratio(f.conversion)); o.raw("overall", json: ratio(f.overall))
                fs.append(String(decoding: o.finish(), as: UTF8.self))
            }
            b.raw("funnel", json: "[" + fs.joined(separator: ",") + "]")
        }
        return String(decoding: b.finish(), as: UTF8.self) + "\n"
    }

    /// A graph of the transitions (or of the funnel with --funnel): DOT or Mermaid.
    public static func graph(_ p: PathStats, dot: Bool, minSessions: Int, maxEdges: Int) -> String {
        var edges: [(from: String, to: String, label: String, weight: Double)] = []
        if !p.funnel.isEmpty {
            let steps = p.funnelSteps()
            for k in 1..<max(1, steps.count) {
                edges.append((steps[k - 1].step, steps[k].step, "\(plural(steps[k].sessions, "session")), \(pct(steps[k].conversion))", steps[k].conversion ?? 0))
            }
        } else {
            let tr = p.transitions().filter { $0.pathSessions >= minSessions }.prefix(maxEdges)
            let most = Double(tr.map(\.pathSessions).max() ?? 1)
            for t in tr {
                edges.append((t.from, t.to, "\(plural(t.pathSessions, "session")), \(pct(t.pathShare))", Double(t.pathSessions) / most))
            }
        }
        var nodes: [String] = []
        var nodeId: [String: Int] = [:]
        for e in edges {
            for n in [e.from, e.to] where nodeId[n] == nil { nodeId[n] = nodes.count; nodes.append(n) }
        }
        var s = ""
        if dot {
            func q(_ x: String) -> String {
                let x = TerminalText.cell(x.replacingAll("\n", with: " "), width: 200)
                return "\"" + x.replacingAll("\\", with: "\\\\").replacingAll("\"", with: "\\\"").replacingAll("\n", with: " ") + "\""
            }
            s += "digraph paths {\n  rankdir=LR;\n  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=10];\n"
            for (i, n) in nodes.enumerated() { s += "  n\(i) [label=\(q(n))];\n" }
            for e in edges {
                s += "  n\(nodeId[e.from]!) -> n\(nodeId[e.to]!) [label=\(q(e.label)), penwidth=\(FrictionSummary.fmt(1 + 4 * e.weight, 1))];\n"
            }
            s += "}\n"
        } else {
            func q(_ x: String) -> String {
                let x = TerminalText.cell(x.replacingAll("\n", with: " "), width: 200)
                var r = ""
                for c in x {
                    switch c {
                    case "\"": r += "#quot;"
                    case "<": r += "#lt;"
                    case ">": r += "#gt;"
                    case "|": r += "#124;"
                    case "\n": r += " "
                    default: r.append(c)
                    }
                }
                return "\"" + r + "\""
            }
            s += "flowchart LR\n"
            for (i, n) in nodes.enumerated() { s += "  n\(i)[\(q(n))]\n" }
            for e in edges { s += "  n\(nodeId[e.from]!) -->|\(q(e.label))| n\(nodeId[e.to]!)\n" }
        }
        return s
    }
}

extension String {
    func replacingAll(_ a: String, with b: String) -> String {
        guard !a.isEmpty else { return self }
        var out = ""
        var rest = Substring(self)
        while let r = rest.firstRange(ofText: a) {
            out += rest[..<r.lowerBound]
            out += b
            rest = rest[r.upperBound...]
        }
        return out + rest
    }
}

extension Substring {
    func firstRange(ofText s: String) -> Range<Substring.Index>? {
        guard !s.isEmpty else { return nil }
        var i = startIndex
        while i < endIndex {
            if self[i...].hasPrefix(s) { return i..<index(i, offsetBy: s.count) }
            i = index(after: i)
        }
        return nil
    }
}

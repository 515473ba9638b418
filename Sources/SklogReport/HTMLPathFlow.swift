import SklogAnalysis
import SklogRecords

/// The first steps of every session, counted for the interaction-path flow: column k holds each
/// session's step k (a session that already ended stays in its `END:<outcome>` node), so every
/// column adds up to all sessions. Filled from closed sessions; memory is the distinct step pairs.
public struct PathFlowCounts: Sendable {
    public static let steps = 4
    public private(set) var sessions: Int64 = 0
    /// Per link, keyed by a hash of (column, step hash, next step hash): the sessions, and the parts.
    private var counts: [UInt64: Int64] = [:]
    private var parts: [UInt64: (column: Int, from: UInt64, to: UInt64)] = [:]
    private var names: [UInt64: String] = [0: ""]

    public struct PathLink: Hashable, Sendable {
        public var column: Int
        public var from: String
        public var to: String
    }

    public init() {}

    static let ends: [(hash: UInt64, name: String)] = SessionOutcome.allCases.map { ("END:" + $0.rawValue).withHash }

    /// Adds a closed session: its turns' steps, then `END:<outcome>`.
    public mutating func add(_ s: Session) {
        sessions += 1
        let end = Self.ends[SessionOutcome.allCases.firstIndex(of: s.outcome)!]
        var h = [UInt64](repeating: end.hash, count: Self.steps + 1)
        h[Self.steps] = 0
        for k in 0..<min(Self.steps, s.turns.count) {
            let step = s.turns[k].step
            let x = byteHash(step)
            if names[x] == nil { names[x] = step }
            h[k] = x
        }
        if names[end.hash] == nil { names[end.hash] = end.name }
        for k in 0..<Self.steps {
            let key = (UInt64(k) &+ 1) &* 0x9E37_79B9_7F4A_7C15 ^ (h[k] &* 0xBF58_476D_1CE4_E5B9) ^ (h[k + 1] &* 0x94D0_49BB_1331_11EB)
            if let n = counts[key] {
                counts[key] = n + 1
            } else {
                counts[key] = 1
                parts[key] = (k, h[k], h[k + 1])
            }
        }
    }

    /// (column k, step at k, step at k+1) → sessions; the last column has no successor ("").
    public var links: [PathLink: Int64] {
        var out: [PathLink: Int64] = [:]
        for (key, n) in counts {
            let p = parts[key]!
            out[PathLink(column: p.column, from: names[p.from] ?? "", to: names[p.to] ?? ""), default: 0] += n
        }
        return out
    }
}

extension String {
    fileprivate var withHash: (hash: UInt64, name: String) { (byteHash(self), self) }
}

/// The flow drawn: per column the kept nodes (small ones grouped as "other"), and the links.
public struct PathFlow: Sendable {
    public struct Node: Sendable { public var label: String; public var sessions: Int64 }
    public var total: Int64
    public var columns: [[Node]]
    /// (column, from node index, to node index in column + 1, sessions)
    public var links: [(column: Int, from: Int, to: Int, sessions: Int64)]

    public static let other = "other"
    /// A step is drawn on its own when it has at least this share of the sessions (and is among
    /// the `maxNodes` largest of its column); the rest are grouped as "other".
    public static let minShare = 0.03
    public static let maxNodes = 6

    public init(_ c: PathFlowCounts) {
        total = c.sessions
        let k = PathFlowCounts.steps
        var nodeCounts = Array(repeating: [String: Int64](), count: k)
        for (l, n) in c.links { nodeCounts[l.column][l.from, default: 0] += n }
        // Kept labels per column: largest first (ties by name), "other" last.
        var kept: [[String]] = []
        for col in nodeCounts {
            let sorted = col.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            var keep: [String] = []
            for (label, n) in sorted where keep.count < Self.maxNodes && Double(n) >= Self.minShare * Double(max(total, 1)) && label != Self.other {
                keep.append(label)
            }
            if keep.count < sorted.count { keep.append(Self.other) }
            kept.append(keep)
        }
        func index(_ col: Int, _ label: String) -> Int {
            kept[col].firstIndex(of: label) ?? kept[col].firstIndex(of: Self.other)!
        }
        var nodes = kept.map { $0.map { Node(label: $0, sessions: 0) } }
        var linkSums: [Int: Int64] = [:]   // key: col * 1_000_000 + from * 1000 + to
        for (l, n) in c.links {
            let f = index(l.column, l.from)
            nodes[l.column][f].sessions += n
            if l.column + 1 < k {
                let t = index(l.column + 1, l.to)
                linkSums[l.column * 1_000_000 + f * 1000 + t, default: 0] += n
            }
        }
        columns = nodes
        links = linkSums.map { (column: $0.key / 1_000_000, from: $0.key / 1000 % 1000, to: $0.key % 1000, sessions: $0.value) }
            .sorted { ($0.column, $0.from, $0.to) < ($1.column, $1.from, $1.to) }
    }

    /// The share of all sessions, for tables and the chart (0…1).
    public func share(_ n: Int64) -> Double { total > 0 ? Double(n) / Double(total) : 0 }

    public var csv: String {
        ChartCSV.render(["step", "from", "to", "sessions", "share"], links.map { l in
            [String(l.column + 1), columns[l.column][l.from].label, columns[l.column + 1][l.to].label, String(l.sessions),
             MetricNumber.decimal(share(l.sessions), places: 6)]
        })
    }

    /// A Sankey-style SVG: one column per step, node heights proportional to sessions, bands
    /// between consecutive steps. Each node rect carries its step and share as data attributes.
    public func svg(width: Int = 1000, height: Int = 360) -> String {
        let k = columns.count
        let top = 24.0, bottom = 10.0, nodeW = 14.0, gap = 8.0
        let labelRoom = 190.0
        let colX = (0..<k).map { i in 8 + (Double(width) - 8 - labelRoom - nodeW) * Double(i) / Double(max(k - 1, 1)) }
        let usable = Double(height) - top - bottom
        var s = SVGChart.open(width, height, "Interaction path flow")
        guard total > 0 else { return s + SVGChart.text(8, 20, "no sessions", fill: "#6b7280") + "</svg>" }
        // Node positions.
        var y0: [[Double]] = [], hgt: [[Double]] = []
        for col in columns {
            let gaps = gap * Double(max(col.count - 1, 0))
            let scale = (usable - gaps) / Double(total)
            var y = top, ys: [Double] = [], hs: [Double] = []
            for n in col {
                let h = max(1, Double(n.sessions) * scale)
                ys.append(y); hs.append(h)
                y += h + gap
            }
            y0.append(ys); hgt.append(hs)
        }
        for i in 0..<k {
            s += SVGChart.text(colX[i], 14, "step \(i + 1)", fill: "#6b7280")
        }
        // Bands: stacked at the source in target order, at the target in source order.
        var outOff = columns.map { Array(repeating: 0.0, count: $0.count) }
        var inOff = outOff
        func color(_ label: String) -> String {
            if label.hasPrefix("END:") { return "#9ca3af" }
            if label == Self.other { return "#cbd5e1" }
            return SVGChart.palette[Int(byteHash(label) % UInt64(SVGChart.palette.count - 1))]
        }
        for l in links {
            let c = l.column
            let scale = (usable - gap * Double(max(columns[c].count - 1, 0))) / Double(total)
            let scale2 = (usable - gap * Double(max(columns[c + 1].count - 1, 0))) / Double(total)
            let w1 = Double(l.sessions) * scale, w2 = Double(l.sessions) * scale2
            let ya = y0[c][l.from] + outOff[c][l.from], yb = y0[c + 1][l.to] + inOff[c + 1][l.to]
            outOff[c][l.from] += w1
            inOff[c + 1][l.to] += w2
            let xa = colX[c] + nodeW, xb = colX[c + 1], xm = (xa + xb) / 2
            let n = SVGChart.num
            let d = "M\(n(xa)) \(n(ya))C\(n(xm)) \(n(ya)) \(n(xm)) \(n(yb)) \(n(xb)) \(n(yb))L\(n(xb)) \(n(yb + w2))C\(n(xm)) \(n(yb + w2)) \(n(xm)) \(n(ya + w1)) \(n(xa)) \(n(ya + w1))Z"
            let title = "\(columns[c][l.from].label) → \(columns[c + 1][l.to].label): \(l.sessions) sessions (\(MetricNumber.decimal(share(l.sessions) * 100, places: 1))%)"
            s += "<path d=\"\(d)\" fill=\"\(color(columns[c][l.from].label))\" fill-opacity=\"0.28\"><title>\(HTML.escape(title))</title></path>"
        }
        for (i, col) in columns.enumerated() {
            for (j, node) in col.enumerated() {
                let sh = share(node.sessions)
                s += "<g><title>\(HTML.escape("step \(i + 1): \(node.label): \(node.sessions) sessions (\(MetricNumber.decimal(sh * 100, places: 1))%)"))</title>"
                s += "<rect class=\"flow-node\" data-label=\"\(HTML.escape(node.label))\" data-step=\"\(i + 1)\" data-share=\"\(MetricNumber.decimal(sh, places: 6))\" data-sessions=\"\(node.sessions)\" x=\"\(SVGChart.num(colX[i]))\" y=\"\(SVGChart.num(y0[i][j]))\" width=\"\(SVGChart.num(nodeW))\" height=\"\(SVGChart.num(hgt[i][j]))\" fill=\"\(color(node.label))\"/>"
                if hgt[i][j] >= 9 {
                    let label = SVGChart.truncated(node.label, 26) + " " + MetricNumber.decimal(sh * 100, places: 1) + "%"
                    s += SVGChart.text(colX[i] + nodeW + 4, y0[i][j] + min(hgt[i][j] / 2, 10) + 4, label, fill: "#111827")
                }
                s += "</g>"
            }
        }
        return s + "</svg>"
    }
}

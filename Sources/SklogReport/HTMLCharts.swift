import Foundation
import SklogAnalysis
import SklogIO
import SklogRecords

/// HTML and script escaping for the report. Every piece of log text goes through one of these.
public enum HTML {
    /// The longest log text the report shows in one place, in characters.
    public static let maxText = 1000

    /// Text and attribute values: & < > " ' become entities.
    ///
    /// Control characters from the input are shown escaped as text (`TerminalText`: `\x1b`), and
    /// a text longer than `maxText` characters is cut with `…`, so that one huge intent name or
    /// ID shown in many places cannot multiply the report's size.
    public static func escape(_ s: String) -> String {
        let s = TerminalText.cut(TerminalText.safe(s, keepNewlines: true, keepTabs: true, keepReturns: true), width: maxText)
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// JSON text made safe inside an inline `<script>`: `<`, `>` and `&` as `\u003c`, `\u003e`,
    /// `\u0026` (so no `</script>` or `<!--` can appear), and the JavaScript line terminators
    /// U+2028 and U+2029 escaped. Only valid where these characters can occur: inside JSON strings.
    public static func scriptSafeJSON(_ json: String) -> String {
        var out = ""
        out.reserveCapacity(json.utf8.count)
        for c in json.unicodeScalars {
            switch c {
            case "<": out += "\\u003c"
            case ">": out += "\\u003e"
            case "&": out += "\\u0026"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}

/// One chart of the report: inline SVG and the data behind it as CSV.
public struct ReportChart: Sendable {
    public var id: String
    public var title: String
    public var svg: String
    public var csv: String
    public var note: String? = nil
}

/// Inline SVG charts drawn in Swift (no script needed to see them).
public enum SVGChart {
    public static let palette = ["#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#4b5563"]

    static func num(_ v: Double) -> String { MetricNumber.decimal(v, places: 1) }

    /// A compact number: 1234 → 1.2k, 2500000 → 2.5M.
    public static func compact(_ v: Double) -> String {
        let a = abs(v)
        if a >= 1e6 { return MetricNumber.decimal(v / 1e6, places: 1) + "M" }
        if a >= 1e4 { return MetricNumber.decimal(v / 1e3, places: 0) + "k" }
        if a >= 1e3 { return MetricNumber.decimal(v / 1e3, places: 1) + "k" }
        if a >= 10 || v == v.rounded() { return MetricNumber.decimal(v, places: 0) }
        return MetricNumber.decimal(v, places: 2)
    }

    /// 1, 2, 5 × 10^k at or above v.
    static func niceCeil(_ v: Double) -> Double {
        guard v > 0 else { return 1 }
        var p = 1.0
        while p * 10 <= v { p *= 10 }
        while p > v { p /= 10 }
        for m in [1.0, 2, 2.5, 5, 10] where m * p >= v { return m * p }
        return 10 * p
    }

    static func open(_ w: Int, _ h: Int, _ label: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(w) \(h)\" width=\"\(w)\" height=\"\(h)\" role=\"img\" aria-label=\"\(HTML.escape(label))\" font-family=\"system-ui, -apple-system, Segoe UI, Roboto, sans-serif\" font-size=\"11\">"
    }

    static func text(_ x: Double, _ y: Double, _ s: String, anchor: String = "start", fill: String = "#374151", extra: String = "") -> String {
        "<text x=\"\(num(x))\" y=\"\(num(y))\" text-anchor=\"\(anchor)\" fill=\"\(fill)\"\(extra)>\(HTML.escape(s))</text>"
    }

    static func truncated(_ s: String, _ n: Int) -> String { s.count <= n ? s : String(s.prefix(n - 1)) + "…" }

    /// Lines over periods. Missing values break the line.
    /// `partial`: per label, the input covers that period only in part (a hollow point, dashed
    /// line to it).
    public static func lines(_ series: [(name: String, values: [Double?])], labels: [String], title: String,
                             width: Int = 680, height: Int = 230, partial: [Bool] = []) -> String {
        let l = 52.0, r = 12.0, t = 12.0, b = 48.0
        let pw = Double(width) - l - r, ph = Double(height) - t - b
        let maxV = niceCeil(series.flatMap { $0.values.compactMap { $0 } }.max() ?? 1)
        let n = labels.count
        func x(_ i: Int) -> Double { n <= 1 ? l + pw / 2 : l + pw * Double(i) / Double(n - 1) }
        func y(_ v: Double) -> Double { t + ph - ph * v / maxV }
        var s = open(width, height, title)
        for k in 0...4 {
            let v = maxV * Double(k) / 4
            s += "<line x1=\"\(num(l))\" x2=\"\(num(l + pw))\" y1=\"\(num(y(v)))\" y2=\"\(num(y(v)))\" stroke=\"#e5e7eb\"/>"
            s += text(l - 6, y(v) + 4, compact(v), anchor: "end", fill: "#6b7280")
        }
        s += xLabels(labels, x: x, y: t + ph + 14, width: Double(width))
        for (si, sr) in series.enumerated() {
            let color = palette[si % palette.count]
            s += polyline(sr, labels: labels, color: color, x: x, y: y, value: compact, partial: partial)
        }
        // Legend.
        var lx = l
        for (si, sr) in series.enumerated() {
            let color = palette[si % palette.count]
            s += "<rect x=\"\(num(lx))\" y=\"\(num(Double(height) - 16))\" width=\"10\" height=\"10\" fill=\"\(color)\"/>"
            s += text(lx + 14, Double(height) - 7, sr.name)
            lx += 24 + Double(sr.name.count) * 6.2
        }
        return s + "</svg>"
    }

    /// What a dual-axis chart's lines measure (the left axis).
    public enum LineUnit: Sendable { case ms, percent }

    /// Lines over periods on the left axis (milliseconds, or a percentage from 0 to 100) with the
    /// request volume as columns on a right axis: the console's operational charts. A missing value
    /// breaks a line; a partial period's points are hollow.
    public static func dualAxis(_ series: [(name: String, values: [Double?])], unit: LineUnit, volume: [Double], labels: [String],
                                title: String, partial: [Bool] = [], width: Int = 680, height: Int = 240) -> String {
        let l = 56.0, r = 60.0, t = 12.0, b = 48.0
        let pw = Double(width) - l - r, ph = Double(height) - t - b
        let maxV = unit == .percent ? 100 : niceCeil(series.flatMap { $0.values.compactMap { $0 } }.max() ?? 1)
        let maxR = niceCeil(volume.max() ?? 1)
        let n = labels.count
        let slot = pw / Double(max(n, 1))
        // Points sit in the middle of their column.
        func x(_ i: Int) -> Double { l + slot * (Double(i) + 0.5) }
        func y(_ v: Double) -> Double { t + ph - ph * min(v, maxV) / maxV }
        func yr(_ v: Double) -> Double { t + ph - ph * v / maxR }
        let fmt: (Double) -> String = unit == .percent ? { MetricNumber.decimal($0, places: 1) + "%" } : duration
        var s = open(width, height, title)
        for k in 0...4 {
            let v = maxV * Double(k) / 4
            s += "<line x1=\"\(num(l))\" x2=\"\(num(l + pw))\" y1=\"\(num(y(v)))\" y2=\"\(num(y(v)))\" stroke=\"#e5e7eb\"/>"
            s += text(l - 6, y(v) + 4, unit == .percent ? MetricNumber.decimal(v, places: 0) + "%" : duration(v), anchor: "end", fill: "#6b7280", extra: " class=\"tick\"")
            s += text(l + pw + 6, yr(maxR * Double(k) / 4) + 4, compact(maxR * Double(k) / 4), fill: "#94a3b8", extra: " class=\"tick right\"")
        }
        for (i, v) in volume.enumerated() where v > 0 {
            let h = ph * v / maxR
            s += "<rect class=\"volume\" x=\"\(num(l + slot * Double(i) + slot * 0.15))\" y=\"\(num(t + ph - h))\" width=\"\(num(slot * 0.7))\" height=\"\(num(h))\" fill=\"#cbd5e1\" opacity=\"0.7\"><title>\(HTML.escape("requests \(labels[i]): \(TrendOutput.grouped(Int64(v)))"))</title></rect>"
        }
        s += text(Double(width) - 12, t + ph / 2, "requests", anchor: "middle", fill: "#94a3b8", extra: " font-size=\"10\" transform=\"rotate(90 \(num(Double(width) - 12)) \(num(t + ph / 2)))\"")
        s += xLabels(labels, x: x, y: t + ph + 14, width: Double(width))
        for (si, sr) in series.enumerated() {
            s += polyline(sr, labels: labels, color: palette[si % palette.count], x: x, y: y, value: fmt, partial: partial)
        }
        var lx = l
        for (name, color) in series.enumerated().map({ ($0.element.name, palette[$0.offset % palette.count]) }) + [("requests (right axis)", "#cbd5e1")] {
            s += "<rect x=\"\(num(lx))\" y=\"\(num(Double(height) - 16))\" width=\"10\" height=\"10\" fill=\"\(color)\"/>"
            s += text(lx + 14, Double(height) - 7, name)
            lx += 24 + textWidth(name)
        }
        return s + "</svg>"
    }

    /// A duration: 50 ms, 1.5 s.
    /// One series as a path (broken where a value is missing) with a dot and tooltip per value.
    /// A segment touching a partial period is dashed and a partial period's point is hollow.
    static func polyline(_ sr: (name: String, values: [Double?]), labels: [String], color: String,
                         x: (Int) -> Double, y: (Double) -> Double, value: (Double) -> String, partial: [Bool] = []) -> String {
        func isPartial(_ i: Int) -> Bool { i < partial.count && partial[i] }
        var s = ""
        var d = "", dashed = ""
        var pen = false
        var prev: Int? = nil
        for (i, v) in sr.values.enumerated() {
            guard let v else { pen = false; prev = nil; continue }
            if let p = prev, let pv = sr.values[p], isPartial(p) || isPartial(i) {
                dashed += "M" + num(x(p)) + " " + num(y(pv)) + "L" + num(x(i)) + " " + num(y(v))
            }
            prev = i
            if isPartial(i) { pen = false; continue }
            d += (pen ? "L" : "M") + num(x(i)) + " " + num(y(v))
            pen = true
        }
        if !d.isEmpty { s += "<path d=\"\(d)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"/>" }
        if !dashed.isEmpty { s += "<path class=\"partial\" d=\"\(dashed)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.5\" stroke-dasharray=\"4 3\"/>" }
        for (i, v) in sr.values.enumerated() {
            guard let v else { continue }
            let p = isPartial(i)
            let fill = p ? "#ffffff\" stroke=\"\(color)\" stroke-width=\"1.5\" class=\"partial" : color
            s += "<circle cx=\"\(num(x(i)))\" cy=\"\(num(y(v)))\" r=\"\(p ? "3" : "2.5")\" fill=\"\(fill)\"><title>\(HTML.escape("\(sr.name) \(labels[i])\(p ? " (partial)" : ""): \(value(v))"))</title></circle>"
        }
        return s
    }

    /// Width of a label at the charts' 11 px font (an estimate; the browser tests measure).
    static func textWidth(_ s: String) -> Double { Double(s.count) * 6.4 }

    /// The period labels under an x axis (at most about 8, the last period always labelled);
    /// the first and last are anchored so that they stay inside the chart.
    static func xLabels(_ labels: [String], x: (Int) -> Double, y: Double, width: Double, size: Double = 11) -> String {
        let n = labels.count
        guard n > 0 else { return "" }
        let step = max(1, Int((Double(n) / 8).rounded(.up)))
        var shown = Array(stride(from: 0, to: n, by: step))
        if shown.last != n - 1 {
            if let l = shown.last, l > 0, x(n - 1) - x(l) < textWidth(labels[l]) + 8 { shown.removeLast() }
            shown.append(n - 1)
        }
        var s = ""
        for i in shown {
            let w = textWidth(labels[i]) * size / 11
            var anchor = "middle", at = x(i)
            if at + w / 2 > width - 2 { anchor = "end"; at = min(at + w / 2, width - 2) }
            else if at - w / 2 < 2 { anchor = "start"; at = max(at - w / 2, 2) }
            s += text(at, y, labels[i], anchor: anchor, fill: "#6b7280", extra: " class=\"xlabel\"" + (size == 11 ? "" : " font-size=\"\(num(size))\""))
        }
        return s
    }

    public static func duration(_ ms: Double) -> String {
        ms >= 1000 ? MetricNumber.decimal(ms / 1000, places: 2) + " s" : MetricNumber.decimal(ms, places: ms < 10 ? 1 : 0) + " ms"
    }

    /// The ticks of a log axis from lo to hi (powers of ten, and 2 and 5 times them when a
    /// decade is tall enough for three labels), each at least 14 px from the next.
    public static func logTicks(lo: Double, hi: Double, height: Double) -> [Double] {
        let decades = log10(hi) - log10(lo)
        let perDecade = height / max(decades, 1e-9)
        let mults: [Double] = perDecade >= 60 ? [1, 2, 5] : perDecade >= 30 ? [1, 3] : [1]
        var out: [Double] = []
        var p = lo
        while p <= hi * 1.0001 {
            for m in mults where m * p <= hi * 1.0001 { out.append(m * p) }
            p *= 10
        }
        return out
    }

    /// Lines on a log axis (latency percentiles: P50 stays readable under a high P99), with each
    /// series' latest value in the legend and a dashed line at it.
    public static func logLines(_ series: [(name: String, values: [Double?])], labels: [String], title: String,
                                width: Int = 680, height: Int = 260, partial: [Bool] = []) -> String {
        let l = 60.0, r = 78.0, t = 12.0, b = 48.0
        let pw = Double(width) - l - r, ph = Double(height) - t - b
        let all = series.flatMap { $0.values.compactMap { $0 } }.filter { $0 > 0 }
        // Whole decades around the data.
        var lo = 1.0, hi = 10.0
        if let mn = all.min(), let mx = all.max() {
            lo = 1; while lo * 10 <= mn { lo *= 10 }
            hi = lo * 10; while hi < mx { hi *= 10 }
        }
        let n = labels.count
        func x(_ i: Int) -> Double { n <= 1 ? l + pw / 2 : l + pw * Double(i) / Double(n - 1) }
        func y(_ v: Double) -> Double { t + ph - ph * (log10(max(v, lo)) - log10(lo)) / (log10(hi) - log10(lo)) }
        var s = open(width, height, title)
        for v in logTicks(lo: lo, hi: hi, height: ph) {
            s += "<line x1=\"\(num(l))\" x2=\"\(num(l + pw))\" y1=\"\(num(y(v)))\" y2=\"\(num(y(v)))\" stroke=\"#e5e7eb\"/>"
            s += text(l - 6, y(v) + 4, duration(v), anchor: "end", fill: "#6b7280", extra: " class=\"tick\" data-value=\"\(num(v))\"")
        }
        s += text(12, t + ph / 2, "log scale", anchor: "middle", fill: "#9ca3af", extra: " font-size=\"10\" transform=\"rotate(-90 12 \(num(t + ph / 2)))\"")
        s += xLabels(labels, x: x, y: t + ph + 14, width: Double(width))
        var legend: [(String, String)] = []
        for (si, sr) in series.enumerated() {
            let color = palette[si % palette.count]
            s += polyline(sr, labels: labels, color: color, x: x, y: y, value: duration, partial: partial)
            // The latest value, labelled at the right edge.
            if let (i, v) = sr.values.enumerated().reversed().first(where: { $0.element != nil }).map({ ($0.offset, $0.element!) }) {
                s += "<line x1=\"\(num(x(i)))\" x2=\"\(num(l + pw + 4))\" y1=\"\(num(y(v)))\" y2=\"\(num(y(v)))\" stroke=\"\(color)\" stroke-dasharray=\"3 3\"/>"
                s += text(l + pw + 6, y(v) + 4, "\(sr.name) \(duration(v))", fill: color, extra: " class=\"pct-label\"")
                legend.append((sr.name + " latest " + duration(v), color))
            } else {
                legend.append((sr.name, color))
            }
        }
        var lx = l
        for (name, color) in legend {
            s += "<rect x=\"\(num(lx))\" y=\"\(num(Double(height) - 16))\" width=\"10\" height=\"10\" fill=\"\(color)\"/>"
            s += text(lx + 14, Double(height) - 7, name)
            lx += 24 + Double(name.count) * 6.2
        }
        return s + "</svg>"
    }

    /// Horizontal bars with a label and a value text each.
    public static func bars(_ items: [(label: String, value: Double, text: String)], title: String, width: Int = 680,
                            labelWidth: Int = 250, color: String = palette[0]) -> String {
        let rowH = 22.0, t = 6.0
        let height = Int(t * 2 + rowH * Double(max(items.count, 1)))
        // Room on the right for the longest value text, so that none is cut at the edge.
        let l = Double(labelWidth), r = max(70.0, (items.map { textWidth($0.text) }.max() ?? 0) + 14)
        let pw = Double(width) - l - r
        let maxV = max(items.map(\.value).max() ?? 1, 1e-9)
        var s = open(width, height, title)
        if items.isEmpty { s += text(8, 20, "no data", fill: "#6b7280") }
        for (i, it) in items.enumerated() {
            let y = t + rowH * Double(i)
            let w = max(it.value > 0 ? 1 : 0, pw * it.value / maxV)
            s += "<g><title>\(HTML.escape("\(it.label): \(it.text)"))</title>"
            s += text(l - 8, y + 15, truncated(it.label, labelWidth * 10 / 68), anchor: "end")
            s += "<rect x=\"\(num(l))\" y=\"\(num(y + 3))\" width=\"\(num(w))\" height=\"\(num(rowH - 6))\" rx=\"2\" fill=\"\(color)\"/>"
            s += text(l + w + 6, y + 15, it.text, fill: "#111827")
            s += "</g>"
        }
        return s + "</svg>"
    }

    /// Vertical bars (a histogram).
    public static func columns(_ labels: [String], _ counts: [Int64], title: String, width: Int = 680, height: Int = 230,
                               color: String = palette[0], markers: [(label: String, position: Double)] = []) -> String {
        let l = 52.0, r = 12.0, t = 12.0, b = 40.0
        let pw = Double(width) - l - r, ph = Double(height) - t - b
        let maxV = niceCeil(Double(counts.max() ?? 1))
        let n = max(counts.count, 1)
        let bw = pw / Double(n)
        var s = open(width, height, title)
        for k in 0...4 {
            let v = maxV * Double(k) / 4
            let y = t + ph - ph * v / maxV
            s += "<line x1=\"\(num(l))\" x2=\"\(num(l + pw))\" y1=\"\(num(y))\" y2=\"\(num(y))\" stroke=\"#e5e7eb\"/>"
            s += text(l - 6, y + 4, compact(v), anchor: "end", fill: "#6b7280")
        }
        for (i, c) in counts.enumerated() {
            let h = ph * Double(c) / maxV
            let x = l + bw * Double(i)
            s += "<g><title>\(HTML.escape("\(labels[i]): \(c)"))</title>"
            s += "<rect x=\"\(num(x + 2))\" y=\"\(num(t + ph - h))\" width=\"\(num(bw - 4))\" height=\"\(num(h))\" fill=\"\(color)\"/></g>"
            s += text(x + bw / 2, t + ph + 14, labels[i], anchor: "middle", fill: "#6b7280", extra: " font-size=\"10\"")
        }
        // Percentile lines: `position` is in buckets (2.5 = the middle of the third bucket).
        for (k, m) in markers.enumerated() {
            let mx = l + bw * m.position
            let c = palette[(k + 1) % palette.count]
            s += "<line x1=\"\(num(mx))\" x2=\"\(num(mx))\" y1=\"\(num(t))\" y2=\"\(num(t + ph))\" stroke=\"\(c)\" stroke-width=\"1.5\" stroke-dasharray=\"4 3\"/>"
            let anchor = mx > l + pw - 90 ? "end" : "start"
            s += text(mx + (anchor == "end" ? -4 : 4), t + 12 + 13 * Double(k), m.label, anchor: anchor, fill: c, extra: " class=\"pct-label\" font-weight=\"600\"")
        }
        s += text(l + pw / 2, Double(height) - 6, "endpoint latency (ms)", anchor: "middle", fill: "#6b7280")
        return s + "</svg>"
    }

    /// A heatmap: rows × columns of shares (0…1, nil = not yet observable).
    /// `partial[i][j]`: the cell's week is covered by the input only in part (its share is drawn
    /// with a `*` and a dashed outline: customers may still come back that week).
    public static func heatmap(rows: [String], columns: [String], shares: [[Double?]], counts: [[Int64?]], title: String,
                               cell: Int = 44, partial: [[Bool]] = []) -> String {
        let l = 90.0, t = 22.0
        let width = Int(l) + cell * columns.count + 10
        let height = Int(t) + 20 * rows.count + 10
        var s = open(width, height, title)
        for (j, c) in columns.enumerated() {
            s += text(l + Double(cell * j) + Double(cell) / 2, 14, c, anchor: "middle", fill: "#6b7280")
        }
        for (i, rname) in rows.enumerated() {
            let y = t + 20 * Double(i)
            s += text(l - 6, y + 14, rname, anchor: "end", fill: "#374151")
            for j in columns.indices {
                let x = l + Double(cell * j)
                guard let v = shares[i][j] else {
                    s += "<rect x=\"\(num(x + 1))\" y=\"\(num(y + 1))\" width=\"\(cell - 2)\" height=\"18\" fill=\"#f9fafb\"/>"
                    continue
                }
                // White to blue.
                let k = max(0, min(1, v))
                let rr = Int(255 - (255 - 37) * k), gg = Int(255 - (255 - 99) * k), bb = Int(255 - (255 - 235) * k)
                let fill = "rgb(\(rr),\(gg),\(bb))"
                let p = i < partial.count && j < partial[i].count && partial[i][j]
                s += "<g\(p ? " class=\"partial\"" : "")><title>\(HTML.escape("cohort \(rname), week \(columns[j]): \(counts[i][j].map(String.init) ?? "n/a") customers, \(MetricNumber.decimal(v * 100, places: 1))%\(p ? " (partial week: the input ends before it does)" : "")"))</title>"
                s += "<rect x=\"\(num(x + 1))\" y=\"\(num(y + 1))\" width=\"\(cell - 2)\" height=\"18\" fill=\"\(fill)\"\(p ? " stroke=\"#6b7280\" stroke-dasharray=\"3 2\"" : "")/>"
                s += text(x + Double(cell) / 2, y + 14, MetricNumber.decimal(v * 100, places: 0) + "%" + (p ? "*" : ""), anchor: "middle",
                          fill: k > 0.55 ? "#ffffff" : "#111827", extra: " font-size=\"10\"")
                s += "</g>"
            }
        }
        return s + "</svg>"
    }

    /// One bar split into shares (the session outcomes), with a legend.
    public static func stacked(_ parts: [(label: String, value: Double, color: String)], title: String, width: Int = 680) -> String {
        let total = parts.map(\.value).reduce(0, +)
        let height = 70
        var s = open(width, height, title)
        var x = 0.0
        let w = Double(width)
        for p in parts where total > 0 && p.value > 0 {
            let pw = w * p.value / total
            s += "<rect x=\"\(num(x))\" y=\"4\" width=\"\(num(pw))\" height=\"28\" fill=\"\(p.color)\"><title>\(HTML.escape("\(p.label): \(Int64(p.value)) (\(MetricNumber.decimal(p.value * 100 / total, places: 1))%)"))</title></rect>"
            x += pw
        }
        var lx = 0.0
        for p in parts {
            s += "<rect x=\"\(num(lx))\" y=\"46\" width=\"10\" height=\"10\" fill=\"\(p.color)\"/>"
            let label = "\(p.label) \(total > 0 ? MetricNumber.decimal(p.value * 100 / total, places: 1) : "0")%"
            s += text(lx + 14, 55, label)
            lx += 24 + Double(label.count) * 6.2
        }
        return s + "</svg>"
    }
}

/// CSV text for chart data (cells neutralized against formula injection).
enum ChartCSV {
    static func render(_ header: [String], _ rows: [[String]]) -> String {
        var out: [UInt8] = []
        for row in [header] + rows {
            for (i, c) in row.enumerated() {
                if i > 0 { out.append(0x2c) }
                CSV.appendCell(TerminalText.cut(c, width: HTML.maxText), to: &out)
            }
            out.append(0x0a)
        }
        return String(decoding: out, as: UTF8.self)
    }
}

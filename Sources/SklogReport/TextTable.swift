import SklogIO

/// The aligned plain-text table of the human outputs (trend, errors): every cell shown escaped
/// and cut to `width` characters (`TerminalText.cell`, 60 unless a table needs more), so that one huge value from the
/// logs cannot widen every row; columns two spaces apart.
enum TextTable {
    static func pad(_ s: String, _ w: Int, left: Bool = false) -> String {
        let n = s.count
        if n >= w { return s }
        return left ? s + String(repeating: " ", count: w - n) : String(repeating: " ", count: w - n) + s
    }

    /// `left(i)`: column i is left-aligned (others right-aligned). With `trimmed`, the last
    /// column is not padded and trailing blanks are dropped.
    static func render(_ header: [String], _ rows: [[String]], left: (Int) -> Bool, trimmed: Bool = false,
                       width: Int = TerminalText.cellWidth) -> String {
        let rows = rows.map { $0.map { TerminalText.cell($0, width: width) } }
        var widths = header.map(\.count)
        for r in rows { for (i, c) in r.enumerated() { widths[i] = max(widths[i], c.count) } }
        var out = ""
        for r in [header] + rows {
            var line = r.enumerated().map { i, c in pad(c, trimmed && i == r.count - 1 ? 0 : widths[i], left: left(i)) }.joined(separator: "  ")
            if trimmed { while line.hasSuffix(" ") { line.removeLast() } }
            out += line + "\n"
        }
        return out
    }
}

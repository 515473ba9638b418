/// CSV (or TSV) with a header row naming canonical fields; unknown columns are kept as extra
/// string fields. Console message-ID downloads read this way too.
public final class CSVAdapter: FormatAdapter {
    private var columns: [(name: String, kind: CanonicalFields.Kind)]? = nil
    private var separator: UInt8 = 0x2c
    private var pending: [UInt8] = []   // a row whose quoted cell spans lines
    private var pendingLine: Int64 = 0
    /// The split of the row being read, kept while it is inside a quoted cell.
    private var row = CSVRowSplitter()

    public init() {}

    public static func looksLikeHeader(_ line: UnsafeRawBufferPointer) -> Bool {
        let sep: UInt8 = line.contains(0x09) ? 0x09 : 0x2c
        let cells = split(line, sep).cells
        return cells.contains { CanonicalFields.canonicalName(forHeader: String(decoding: $0, as: UTF8.self)) == "messageId" }
    }

    /// Splits one row; `open` is true when it ends inside a quoted cell.
    public static func split(_ line: UnsafeRawBufferPointer, _ sep: UInt8) -> (cells: [[UInt8]], open: Bool) {
        var row = CSVRowSplitter()
        row.feed(line, sep)
        let open = row.quoted
        return (row.finish(), open)
    }

    public func consume(_ line: UnsafeRawBufferPointer, number: Int64, sink: some RecordSink) {
        if !pending.isEmpty {
            // The row goes on inside its quoted cell: only the new line is split, from where the
            // last one stopped (re-splitting the whole row on every line was quadratic).
            pending.append(0x0a)
            pending.append(contentsOf: line)
            row.continueQuoted(line, separator)
            guard !row.quoted else { return }
            let cells = row.finish()
            let text = pending
            pending = []
            text.withUnsafeBytes { record(cells, row: $0, number: pendingLine, sink: sink) }
            return
        }
        guard columns != nil else {
            separator = line.contains(0x09) ? 0x09 : 0x2c
            let header = Self.split(line, separator).cells.map { String(decoding: $0, as: UTF8.self) }
            columns = header.map { h in
                if let c = CanonicalFields.canonicalName(forHeader: h) { return (c, CanonicalFields.kinds[c] ?? .string) }
                return (h.trimmingCharacters(), .string)
            }
            return
        }
        row.feed(line, separator)
        if row.quoted {
            pending = Array(line)
            pendingLine = number
            return
        }
        record(row.finish(), row: line, number: number, sink: sink)
    }

    /// One whole row's cells; `line` is the row's text (all its lines), for a reject.
    private func record(_ cells: [[UInt8]], row line: UnsafeRawBufferPointer, number: Int64, sink: some RecordSink) {
        let columns = self.columns!
        var b = CanonicalBuilder()
        for (i, cell) in cells.enumerated() where i < columns.count && !cell.isEmpty {
            let (name, kind) = columns[i]
            let text = String(decoding: cell, as: UTF8.self)
            switch kind {
            case .number:
                if let v = Double(text.trimmingCharacters()).flatMap(RecordParser.rounded) { b.number(name, v) }
                else { b.string(name, text) }
            case .bool:
                let t = text.trimmingCharacters().lowercased()
                if ["true", "1", "yes"].contains(t) { b.bool(name, true) } else if ["false", "0", "no"].contains(t) { b.bool(name, false) }
            case .object:
                b.raw(name, json: text)
            case .string:
                if name == "ts", let ms = Timestamp.parse(text.trimmingCharacters()) { b.timestamp("ts", ms) }
                else if name == "ts", let epoch = Int64(text.trimmingCharacters()),
                        case let (ms, overflow) = epoch > 100_000_000_000 ? (epoch, false) : epoch.multipliedReportingOverflow(by: 1000), !overflow {
                    // Epoch seconds or milliseconds; a value that overflows as ms (found by the fuzzer) is no time.
                    b.timestamp("ts", ms)
                }
                else { b.string(name, text) }
            }
        }
        if cells.count > columns.count && !(cells.count == columns.count + 1 && cells.last!.isEmpty) {
            sink.reject(.invalidCSV, line: number, text: line, detail: "\(cells.count) cells, header has \(columns.count)")
            return
        }
        sink.acceptJSON(b.finish(), line: number)
    }

    public func finish(sink: some RecordSink) {
        if !pending.isEmpty {
            pending.withUnsafeBytes { sink.reject(.invalidCSV, line: pendingLine, text: $0, detail: "unterminated quoted cell") }
            pending = []
            row = CSVRowSplitter()
        }
    }
}

/// Splits CSV rows, and a row whose quoted cell spans lines line by line: `""` inside quotes is
/// one quote; a quote opens a quoted cell only at the start of a cell (elsewhere it is a literal
/// byte, so quote parity alone does not tell whether a row goes on); `quoted` is true inside one.
public struct CSVRowSplitter {
    private var cells: [[UInt8]] = []
    private var cell: [UInt8] = []
    public private(set) var quoted = false

    public init() {}

    public mutating func feed(_ line: UnsafeRawBufferPointer, _ sep: UInt8) {
        var i = 0
        let n = line.count
        while i < n {
            let c = line[i]
            if quoted {
                if c == 0x22 {
                    if i + 1 < n && line[i + 1] == 0x22 { cell.append(0x22); i += 2; continue }
                    quoted = false
                } else { cell.append(c) }
            } else if c == 0x22 && cell.isEmpty {
                quoted = true
            } else if c == sep {
                cells.append(cell); cell = []
            } else {
                cell.append(c)
            }
            i += 1
        }
    }

    /// The next line of a row that ended inside a quoted cell: the line break belongs to the
    /// cell. A line never stops on a quote that still waits for its pair (a lone last quote
    /// closes the cell), so this splits exactly as the whole row split at once would.
    public mutating func continueQuoted(_ line: UnsafeRawBufferPointer, _ sep: UInt8) {
        cell.append(0x0a)
        feed(line, sep)
    }

    /// The row's cells (the last one included); the splitter is empty again.
    public mutating func finish() -> [[UInt8]] {
        cells.append(cell)
        let c = cells
        cells = []
        cell = []
        quoted = false
        return c
    }
}

extension String {
    func trimmingCharacters() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}

/// CSV (or TSV) with a header row naming canonical fields; unknown columns are kept as extra
/// string fields. Console message-ID downloads read this way too.
public final class CSVAdapter: FormatAdapter {
    private var columns: [(name: String, kind: CanonicalFields.Kind)]? = nil
    private var separator: UInt8 = 0x2c
    private var pending: [UInt8] = []   // a row whose quoted cell spans lines
    private var pendingLine: Int64 = 0

    public init() {}

    public static func looksLikeHeader(_ line: UnsafeRawBufferPointer) -> Bool {
        let sep: UInt8 = line.contains(0x09) ? 0x09 : 0x2c
        let cells = split(line, sep).cells
        return cells.contains { CanonicalFields.canonicalName(forHeader: String(decoding: $0, as: UTF8.self)) == "messageId" }
    }

    /// Splits one row; `open` is true when it ends inside a quoted cell.
    public static func split(_ line: UnsafeRawBufferPointer, _ sep: UInt8) -> (cells: [[UInt8]], open: Bool) {
        var cells: [[UInt8]] = []
        var cell: [UInt8] = []
        var quoted = false
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
        cells.append(cell)
        return (cells, quoted)
    }

    public func consume(_ line: UnsafeRawBufferPointer, number: Int64, sink: some RecordSink) {
        if !pending.isEmpty {
            pending.append(0x0a)
            pending.append(contentsOf: line)
            let row = pending
            row.withUnsafeBytes { handle($0, number: pendingLine, sink: sink) }
            return
        }
        handle(line, number: number, sink: sink)
    }

    private func handle(_ line: UnsafeRawBufferPointer, number: Int64, sink: some RecordSink) {
        guard let columns else {
            separator = line.contains(0x09) ? 0x09 : 0x2c
            let header = Self.split(line, separator).cells.map { String(decoding: $0, as: UTF8.self) }
            self.columns = header.map { h in
                if let c = CanonicalFields.canonicalName(forHeader: h) { return (c, CanonicalFields.kinds[c] ?? .string) }
                return (h.trimmingCharacters(), .string)
            }
            return
        }
        let (cells, open) = Self.split(line, separator)
        if open {
            if pending.isEmpty { pending = Array(line); pendingLine = number }
            return
        }
        pending = []
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
        }
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

/// A CloudWatch Logs Insights result exported as CSV from the console ("Export results" →
/// "Download table (CSV)"): a header naming the query's fields (`@timestamp`, `@message`,
/// `@logStream`, `@log`, …), one row per log event, the message quoted with its newlines.
///
/// Insights sorts newest first by default (`sort @timestamp desc`), so the rows are collected and
/// read oldest first: a result holds at most 10,000 rows (the Insights limit), so this is small;
/// past `maxRows` the rows collected so far are read and collecting starts again.
public final class InsightsCSVAdapter: FormatAdapter {
    let sub = SubscriptionAdapter()
    private var tsColumn = -1, messageColumn = -1, streamColumn = -1, groupColumn = -1
    private var haveHeader = false
    private var pending: [UInt8] = []
    private var pendingLine: Int64 = 0
    private struct Row { var ts: Int64?; var message: [UInt8]; var stream: String; var line: Int64 }
    private var rows: [Row] = []
    static let maxRows = 100_000

    public init() {}

    /// A header row with an `@message` column.
    public static func looksLikeHeader(_ line: UnsafeRawBufferPointer) -> Bool {
        let sep: UInt8 = line.contains(0x09) ? 0x09 : 0x2c
        return CSVAdapter.split(line, sep).cells.contains { $0.elementsEqual("@message".utf8) }
    }

    public func consume(_ line: UnsafeRawBufferPointer, number: Int64, sink: some RecordSink) {
        if !pending.isEmpty {
            pending.append(0x0a)
            pending.append(contentsOf: line)
            // Only the new line is split, from where the row's split stopped (CSVRowSplitter):
            // once per line of a long message, not the whole row again.
            split.continueQuoted(line, separator)
            guard !split.quoted else { return }
            let cells = split.finish()
            let text = pending
            pending = []
            text.withUnsafeBytes { row(cells, text: $0, number: pendingLine, sink: sink) }
            return
        }
        handle(line, number: number, sink: sink)
    }

    private var split = CSVRowSplitter()
    private var separator: UInt8 = 0x2c

    private func handle(_ line: UnsafeRawBufferPointer, number: Int64, sink: some RecordSink) {
        if !haveHeader {
            separator = line.contains(0x09) ? 0x09 : 0x2c
            for (i, c) in CSVAdapter.split(line, separator).cells.enumerated() {
                switch String(decoding: c, as: UTF8.self).trimmingCharacters() {
                case "@timestamp": tsColumn = i
                case "@message": messageColumn = i
                case "@logStream": streamColumn = i
                case "@log": groupColumn = i
                default: break
                }
            }
            haveHeader = true
            return
        }
        split.feed(line, separator)
        if split.quoted {
            pending = Array(line)
            pendingLine = number
            return
        }
        row(split.finish(), text: line, number: number, sink: sink)
    }

    /// One whole row's cells; `line` is its text (all its lines), for a reject.
    private func row(_ cells: [[UInt8]], text line: UnsafeRawBufferPointer, number: Int64, sink: some RecordSink) {
        guard messageColumn >= 0, messageColumn < cells.count else {
            sink.reject(.invalidCSV, line: number, text: UnsafeRawBufferPointer(rebasing: line.prefix(300)), detail: "no @message cell")
            return
        }
        func cell(_ i: Int) -> [UInt8]? { i >= 0 && i < cells.count ? cells[i] : nil }
        var ts: Int64?
        if let t = cell(tsColumn) {
            ts = t.withUnsafeBytes { Timestamp.parse($0) }
            if ts == nil, let v = Int64(String(decoding: t, as: UTF8.self)) { ts = v }
        }
        let stream = (cell(groupColumn).map { String(decoding: $0, as: UTF8.self) } ?? "") + "\u{0}"
            + (cell(streamColumn).map { String(decoding: $0, as: UTF8.self) } ?? "")
        rows.append(Row(ts: ts, message: cells[messageColumn], stream: stream, line: number))
        if rows.count >= Self.maxRows { readRows(sink) }
    }

    /// Reads the collected rows oldest first (ties in the order the log wrote them).
    private func readRows(_ sink: some RecordSink) {
        guard !rows.isEmpty else { return }
        var up = 0, down = 0
        var prev: Int64?
        for r in rows { if let t = r.ts { if let p = prev { if t > p { up += 1 } else if t < p { down += 1 } }; prev = t } }
        if down > up { rows.reverse() }
        let ordered = rows.enumerated().sorted { a, b in
            let ta = a.element.ts ?? Int64.min, tb = b.element.ts ?? Int64.min
            return ta != tb ? ta < tb : a.offset < b.offset
        }.map(\.element)
        rows = []
        for r in ordered {
            r.message.withUnsafeBytes { sub.logEvent($0, ts: r.ts, streamKey: r.stream, number: r.line, sink: sink) }
            sub.parser.asm.tick(line: r.line, sink: sink)
        }
    }

    public func finish(sink: some RecordSink) {
        if !pending.isEmpty {
            pending.withUnsafeBytes { sink.reject(.invalidCSV, line: pendingLine, text: UnsafeRawBufferPointer(rebasing: $0.prefix(300)), detail: "unterminated quoted cell") }
            pending = []
            split = CSVRowSplitter()
        }
        readRows(sink)
        sub.finish(sink: sink)
    }
}

import Foundation
import Testing
@testable import SklogRecords

/// What an adapter hands on, as text: each record's canonical line and line number, each
/// reject's reason, line, text and detail, in order.
final class TranscriptSink: RecordSink {
    var out: [String] = []
    func accept(_ record: Record) { out.append("R \(record.line) " + record.withLine { String(decoding: $0, as: UTF8.self) }) }
    func reject(_ reason: RejectReason, line: Int64, text: UnsafeRawBufferPointer, detail: String?) {
        out.append("X \(reason.name) \(line) \(String(decoding: text, as: UTF8.self)) \(detail ?? "")")
    }
}

func transcript(_ text: String, _ adapter: some FormatAdapter) -> [String] {
    let sink = TranscriptSink()
    var n: Int64 = 0
    for l in text.split(separator: "\n", omittingEmptySubsequences: false) {
        n += 1
        guard !l.isEmpty else { continue }  // RecordStream skips empty lines
        var s = String(l)
        s.withUTF8 { adapter.consume(UnsafeRawBufferPointer($0), number: n, sink: sink) }
    }
    adapter.finish(sink: sink)
    return sink.out
}

@Suite struct CSVAdapterTests {
    @Test func aQuotedCellOfManyLines() throws {
        // One record whose `note` cell spans 2000 lines (`l1` … `l2000`), then a plain row.
        let body = (1...2000).map { "l\($0)" }.joined(separator: "\n")
        let csv = "messageId,ts,note\nM1,2026-11-24T10:00:00Z,\"\(body)\"\nM2,2026-11-24T10:00:01Z,x\n"
        let out = transcript(csv, CSVAdapter())
        #expect(out.count == 2)
        // M1 is line 2; its cell ends on line 2001, so M2 is line 2002.
        let m1 = try #require(out.first), m2 = out.last!
        #expect(m1.hasPrefix("R 2 "))
        #expect(m2.hasPrefix("R 2002 ") && m2.contains(#""note":"x""#))
        let json = try JSONSerialization.jsonObject(with: Data(m1.dropFirst(4).utf8)) as! [String: Any]
        let note = try #require(json["note"] as? String)
        #expect(note.split(separator: "\n").count == 2000)
        #expect(note.hasPrefix("l1\nl2\nl3\n") && note.hasSuffix("\nl1999\nl2000"))
        #expect(note.utf8.count == 2000 * 2 - 1 + (9 * 1 + 90 * 2 + 900 * 3 + 1001 * 4))  // "l" per line + digits + 1999 breaks
    }

    @Test func aQuoteInsideAnUnquotedCellIsLiteral() throws {
        // `a"b` is a plain cell (the quote is not at its start), so the row ends on its line even
        // though it has an odd number of quotes; `"x` opens a quoted cell that ends 2 lines on.
        let csv = "messageId,ts,note\nM1,1795514400,a\"b\nM2,1795514401,\"x\ny\"\"z\nw\"\n"
        let out = transcript(csv, CSVAdapter())
        #expect(out == [
            #"R 2 {"messageId":"M1","ts":"2026-11-24T10:00:00.000Z","note":"a\"b"}"#,
            #"R 3 {"messageId":"M2","ts":"2026-11-24T10:00:01.000Z","note":"x\ny\"z\nw"}"#,
        ])
    }

    @Test func unterminatedAndTooWideRowsAreRejectedWhole() throws {
        let csv = "messageId,note\nM1,\"a\nb\",c,d\nM2,\"never\nclosed\n"
        let out = transcript(csv, CSVAdapter())
        #expect(out == [
            "X invalid CSV row 2 M1,\"a\nb\",c,d 4 cells, header has 2",
            "X invalid CSV row 4 M2,\"never\nclosed unterminated quoted cell",
        ])
    }

    @Test func sameAsTheLineByLineResplitOnRandomCSV() {
        // The old adapter (every continuation line re-split the whole row) and the new one give
        // the same records and rejects, on random rows of quotes, separators and line breaks.
        var rng = SplitMix(state: 11)
        let alphabet: [String] = ["\"", "\"", ",", "\n", "a", "b", " ", "\"\"", "1", "2026-11-24T10:00:00Z", "\t"]
        for round in 0..<400 {
            let header = round % 5 == 0 ? "messageId\tts\tlatencyMs\tnote" : "messageId,ts,latencyMs,note"
            var body = ""
            for _ in 0..<Int(rng.next() % 60) { body += alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            let csv = header + "\nM0,2026-11-24T10:00:00Z,5,x\n" + body + "\nM9,,,\"end\"\n"
            let new = transcript(csv, CSVAdapter()), old = transcript(csv, LegacyCSVAdapter())
            #expect(new == old, "round \(round): \(csv.debugDescription)")
        }
    }
}

/// The CSV adapter before it was made linear (commit 80209ca), kept as the reference the new
/// one must match: a continuation line re-splits the whole pending row.
final class LegacyCSVAdapter: FormatAdapter {
    private var columns: [(name: String, kind: CanonicalFields.Kind)]? = nil
    private var separator: UInt8 = 0x2c
    private var pending: [UInt8] = []
    private var pendingLine: Int64 = 0

    static func split(_ line: UnsafeRawBufferPointer, _ sep: UInt8) -> (cells: [[UInt8]], open: Bool) {
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

    func consume(_ line: UnsafeRawBufferPointer, number: Int64, sink: some RecordSink) {
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

    func finish(sink: some RecordSink) {
        if !pending.isEmpty {
            pending.withUnsafeBytes { sink.reject(.invalidCSV, line: pendingLine, text: $0, detail: "unterminated quoted cell") }
            pending = []
        }
    }
}

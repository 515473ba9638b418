import SklogIO
import SklogRecords

/// Output formats of sklog-sessions and sklog-friction's event list.
public enum RecordListFormat: String, CaseIterable, Sendable { case ndjson, csv }

/// Writes one record per session (schema `sklog.session/1`): NDJSON (absent values left out) or
/// CSV with a header row.
public final class SessionWriter {
    public let format: RecordListFormat
    public let out: OutputBuffer
    public let redact: Bool
    private var wroteHeader = false
    private var line: [UInt8] = []

    public static let csvColumns = ["sessionId", "userId", "locale", "stage", "start", "end", "durationMs", "turns", "outcome",
                                    "endedBy", "reopened", "path", "messageIds"] + FrictionType.allCases.map(\.rawValue)

    public init(format: RecordListFormat, out: OutputBuffer, redact: Bool) {
        self.format = format; self.out = out; self.redact = redact
    }

    func id(_ s: String?) -> String? { s.map { redact ? Redactor.token($0) : $0 } }

    public func write(_ s: Session) throws {
        var counts = [Int](repeating: 0, count: FrictionType.allCases.count)
        for e in s.friction { counts[Friction.typeRank(e.type)] += 1 }
        switch format {
        case .ndjson:
            var b = CanonicalBuilder()
            b.string("sessionId", id(s.sessionId))
            b.string("userId", id(s.userId))
            b.string("locale", s.locale)
            b.string("stage", s.stage)
            b.timestamp("start", s.start)
            b.timestamp("end", s.end)
            b.number("durationMs", s.durationMs)
            b.number("turns", Int64(s.turns.count))
            b.string("outcome", s.outcome.rawValue)
            b.string("endedBy", s.endedBy.rawValue)
            b.bool("reopened", s.reopened)
            b.raw("path", json: SessionWriter.jsonArray(s.path))
            b.raw("messageIds", json: SessionWriter.jsonArray(s.messageIds))
            var f = "{"
            for (i, t) in FrictionType.allCases.enumerated() {
                if i > 0 { f += "," }
                f += "\"\(t.rawValue)\":\(counts[i])"
            }
            b.raw("friction", json: f + "}")
            line = b.finish()
            line.append(0x0a)
            try out.write(line)
        case .csv:
            if !wroteHeader {
                wroteHeader = true
                try out.write(SessionWriter.csvColumns.joined(separator: ",") + "\n")
            }
            let cells: [String?] = [id(s.sessionId), id(s.userId), s.locale, s.stage, Timestamp.string(s.start), Timestamp.string(s.end),
                                    String(s.durationMs), String(s.turns.count), s.outcome.rawValue, s.endedBy.rawValue,
                                    s.reopened ? "true" : "false", s.path.joined(separator: " > "), s.messageIds.joined(separator: " ")]
                + counts.map { String($0) }
            try out.write(SessionWriter.csvRow(cells))
        }
    }

    static func jsonArray(_ items: [String]) -> String {
        var b: [UInt8] = [0x5b]
        for (i, s) in items.enumerated() {
            if i > 0 { b.append(0x2c) }
            JSONText.appendQuoted(s, to: &b)
        }
        b.append(0x5d)
        return String(decoding: b, as: UTF8.self)
    }

    /// One CSV row (cells neutralized against formula injection), with the newline.
    public static func csvRow(_ cells: [String?]) -> [UInt8] {
        var b: [UInt8] = []
        for (i, c) in cells.enumerated() {
            if i > 0 { b.append(0x2c) }
            if let c { CSV.appendCell(c, to: &b) }
        }
        b.append(0x0a)
        return b
    }
}

/// The sessions line of the end-of-run summary on standard error.
public enum SessionSummary {
    public static func line(_ s: Sessionizer) -> String {
        "\(Diagnostics.toolName): \(s.sessionCount) session\(s.sessionCount == 1 ? "" : "s") (\(s.reopenedSessions) reopened), "
            + "\(s.recordsWithoutSession) record\(s.recordsWithoutSession == 1 ? "" : "s") without a session"
    }
}

extension CanonicalBuilder {
    /// A member whose value is already JSON text, given as bytes.
    mutating func raw(_ k: String, json bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw(k, json: $0) }
    }
}

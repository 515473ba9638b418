import SklogAnalysis
import SklogRecords
import Testing

/// Helpers shared by the metrics tests.
enum M {
    static func record(_ json: String) -> Record {
        var s = json
        return s.withUTF8 { b in
            do { return try RecordParser.parse(UnsafeRawBufferPointer(b)) } catch {
                fatalError("bad test record \(json): \(error)")
            }
        }
    }

    /// A canonical record line from a few fields (ts as "2026-11-24T10:00:00.000Z" or a shorthand
    /// "10:00:00" on 2026-11-24).
    static func line(_ ts: String, _ id: String, _ fields: [String: Any?]) -> String {
        let t = ts.count == 8 ? "2026-11-24T\(ts).000Z" : ts
        var parts = ["\"ts\":\"\(t)\"", "\"messageId\":\"\(id)\""]
        for k in fields.keys.sorted() {
            guard let v = fields[k] else { continue }
            switch v {
            case let s as String: parts.append("\"\(k)\":\(JSONText.quoted(s))")
            case let b as Bool: parts.append("\"\(k)\":\(b)")
            case let i as Int: parts.append("\"\(k)\":\(i)")
            case let raw as RawJSON: parts.append("\"\(k)\":\(raw.text)")
            case nil: parts.append("\"\(k)\":null")
            default: fatalError("unsupported field value")
            }
        }
        return "{" + parts.joined(separator: ",") + "}"
    }

    struct RawJSON { let text: String }

    static func accumulate(_ lines: [String], sessions: [Session] = [], options: MetricsOptions = MetricsOptions(),
                           deferred: Bool = false) -> MetricsAccumulator {
        let acc = MetricsAccumulator(options: options, deferCrossRecordEvents: deferred)
        // The stream delivers records in time order (then message ID).
        let recs = lines.map(record).sorted { RecordOrder.before($0, $1) }
        for r in recs { acc.add(r) }
        for s in sessions { acc.add(session: s) }
        return acc
    }

    static func run(_ lines: [String], sessions: [Session] = [], options: MetricsOptions = MetricsOptions()) -> MetricsResult {
        accumulate(lines, sessions: sessions, options: options).result()
    }

    static func session(_ id: String, user: String?, start: Int64, outcome: SessionOutcome, steps: [String],
                        friction: [FrictionEvent] = [], locale: String? = "en-US") -> Session {
        let turns = steps.enumerated().map { i, s in
            Turn(messageId: "\(id)-t\(i)", ts: start + Int64(i) * 1000, step: s, intent: s == "LaunchRequest" ? nil : s,
                 failed: false, latencyMs: 100)
        }
        return Session(sessionId: id, userId: user, userHash: user.map { byteHash($0) }, locale: locale, stage: "live",
                       start: start, end: start + Int64(max(steps.count, 1)) * 1000, outcome: outcome, turns: turns,
                       messageIds: turns.map(\.messageId), friction: friction, reopened: false)
    }

    static func friction(_ type: FrictionType, _ id: String, ts: Int64, intent: String?, utterance: String? = nil,
                         signature: String? = nil) -> FrictionEvent {
        FrictionEvent(type: type, messageId: id, relatedMessageId: nil, sessionId: "s", ts: ts, intent: intent,
                      utterance: utterance, signature: signature)
    }

    static let day: Int64 = 86_400_000
    /// 2026-11-24T00:00:00Z (a Tuesday).
    static let t0: Int64 = Timestamp.parse("2026-11-24")!
}

extension MetricSet {
    /// The unlabelled value, failing the test when the metric is missing.
    subscript(_ name: String) -> MetricNumber {
        guard let v = value(name) else {
            Issue.record("metric \(name) missing")
            return .null
        }
        return v
    }

    /// A labelled value.
    subscript(_ name: String, _ labels: [String: String]) -> MetricNumber? {
        values(named: name, labels: labels).first?.value
    }
}

extension MetricNumber {
    static func r(_ v: Double) -> MetricNumber { .real(v) }
    func approx(_ v: Double) -> Bool {
        guard let d = double else { return false }
        return abs(d - v) < 1e-9
    }
}

/// The end-of-run accounting every tool prints: every input record is accounted for,
/// parsed + rejected + duplicates = records seen.
public struct Accounting: Sendable {
    public var files = 0
    public var bytesRead: Int64 = 0        // as stored (compressed)
    public var bytesDecoded: Int64 = 0     // after decompression
    public var parsed = 0
    public var rejected: [String: Int] = [:]
    public var duplicates = 0
    /// Duplicates whose request differs from the record kept (`Deduplicator.content`), and the
    /// first of them as `MESSAGE-ID at FILE:LINE`.
    public var duplicatesDiffering = 0
    public var firstDifferingDuplicate: String? = nil
    public var late = 0
    /// Records released from the reorder window before a record `--max-delay` later was read,
    /// because the window held `RecordStream.holdLimit` records (a flood within one stretch of
    /// `--max-delay`): a record arriving after them more out of order is then late.
    public var releasedEarly = 0
    /// Parsed records dropped by --since/--until/--stage/--locale/--skill.
    public var filteredOut = 0
    /// Damage to compressed data or reads: (file, message).
    public var damage: [String] = []
    /// Records of skills that log no responses whose `success` came from the absence of a
    /// logged error or timeout alone (SPEC 3).
    public var outcomesFromErrorsAlone = 0
    /// Records whose time is `request.timestamp` (whole seconds): the input has no log time for
    /// their invocation (the CLI's tab-joined messages have none for START and REPORT).
    public var timesFromRequest = 0

    public init() {}
    public var rejectedTotal: Int { rejected.values.reduce(0, +) }
    public var seen: Int { parsed + rejectedTotal + duplicates }
    public var isDamaged: Bool { rejectedTotal > 0 || !damage.isEmpty }

    public mutating func merge(_ o: Accounting) {
        files += o.files; bytesRead += o.bytesRead; bytesDecoded += o.bytesDecoded; parsed += o.parsed
        for (k, v) in o.rejected { rejected[k, default: 0] += v }
        duplicates += o.duplicates; late += o.late; releasedEarly += o.releasedEarly; filteredOut += o.filteredOut; damage += o.damage
        outcomesFromErrorsAlone += o.outcomesFromErrorsAlone
        timesFromRequest += o.timesFromRequest
        duplicatesDiffering += o.duplicatesDiffering
        if firstDifferingDuplicate == nil { firstDifferingDuplicate = o.firstDifferingDuplicate }
    }

    /// One line for standard error.
    public var summaryLine: String {
        var s = "\(files) file\(files == 1 ? "" : "s"), \(Self.size(bytesRead)) read"
        if bytesDecoded != bytesRead { s += " (\(Self.size(bytesDecoded)) decoded)" }
        s += "; \(seen) records seen: \(parsed) parsed, \(rejectedTotal) rejected"
        if !rejected.isEmpty {
            s += " (" + rejected.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + ")"
        }
        s += ", \(duplicates) duplicates"
        if duplicatesDiffering > 0 {
            s += " (\(duplicatesDiffering) with a request different from the record kept, first: \(firstDifferingDuplicate ?? "?"))"
        }
        s += ", \(late) late"
        if releasedEarly > 0 { s += " (\(releasedEarly) released early: the reorder window was full)" }
        if filteredOut > 0 { s += "; \(filteredOut) filtered out" }
        if outcomesFromErrorsAlone > 0 {
            s += "; \(outcomesFromErrorsAlone) outcome\(outcomesFromErrorsAlone == 1 ? "" : "s") from errors alone (the skill logs no responses)"
        }
        if timesFromRequest > 0 {
            s += "; \(timesFromRequest) record time\(timesFromRequest == 1 ? "" : "s") from request.timestamp, whole seconds (the input has no log time for \(timesFromRequest == 1 ? "its invocation" : "their invocations"))"
        }
        if !damage.isEmpty { s += "; \(damage.count) damaged input\(damage.count == 1 ? "" : "s")" }
        return s
    }

    static func size(_ b: Int64) -> String {
        if b < 10_000 { return "\(b) B" }
        if b < 10_000_000 { return String(format1: Double(b) / 1e3) + " kB" }
        return String(format1: Double(b) / 1e6) + " MB"
    }

    /// The accounting as a JSON object (for JSON outputs).
    public var json: String {
        var b = CanonicalBuilder()
        b.number("files", Int64(files))
        b.number("bytesRead", bytesRead)
        b.number("bytesDecoded", bytesDecoded)
        b.number("recordsSeen", Int64(seen))
        b.number("parsed", Int64(parsed))
        b.number("rejected", Int64(rejectedTotal))
        var r = "{"
        r += rejected.sorted { $0.key < $1.key }.map { JSONText.quoted($0.key) + ":" + String($0.value) }.joined(separator: ",")
        r += "}"
        b.raw("rejectedByReason", json: r)
        b.number("duplicates", Int64(duplicates))
        if duplicatesDiffering > 0 {
            b.number("duplicatesDiffering", Int64(duplicatesDiffering))
            b.string("firstDifferingDuplicate", firstDifferingDuplicate)
        }
        b.number("late", Int64(late))
        if releasedEarly > 0 { b.number("releasedEarly", Int64(releasedEarly)) }
        b.number("filteredOut", Int64(filteredOut))
        b.raw("damage", json: "[" + damage.map { JSONText.quoted($0) }.joined(separator: ",") + "]")
        if outcomesFromErrorsAlone > 0 { b.number("outcomesFromErrorsAlone", Int64(outcomesFromErrorsAlone)) }
        if timesFromRequest > 0 { b.number("timesFromRequest", Int64(timesFromRequest)) }
        return String(decoding: b.finish(), as: UTF8.self)
    }
}

extension String {
    /// One decimal place, without Foundation.
    init(format1 v: Double) {
        let r = (v * 10).rounded()
        let i = Int64(r)
        self = "\(i / 10).\(abs(i % 10))"
    }
}

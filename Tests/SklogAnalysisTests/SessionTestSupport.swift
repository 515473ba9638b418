import Foundation
import SklogAnalysis
import SklogRecords

/// Hand-written canonical records for session and friction tests.
enum TR {
    static let t0: Int64 = 1_767_225_600_000  // 2026-01-01T00:00:00.000Z

    /// One canonical JSON line: ts is `t0 + ms`.
    static func line(_ ms: Int64, _ id: String, sid: String? = "S1", type: String = "IntentRequest", intent: String? = nil,
                     user: String? = "U1", _ extra: String = "") -> String {
        var s = "{\"ts\":\"\(Timestamp.string(t0 + ms))\",\"messageId\":\"\(id)\""
        if let sid { s += ",\"sessionId\":\"\(sid)\"" }
        if let user { s += ",\"userId\":\"\(user)\"" }
        s += ",\"requestType\":\"\(type)\""
        if let intent { s += ",\"intent\":\"\(intent)\"" }
        if !extra.isEmpty { s += "," + extra }
        return s + "}"
    }

    static func launch(_ ms: Int64, _ id: String, sid: String = "S1", _ extra: String = "") -> String {
        line(ms, id, sid: sid, type: "LaunchRequest", extra)
    }
    static func intent(_ ms: Int64, _ id: String, _ name: String, sid: String = "S1", _ extra: String = "") -> String {
        line(ms, id, sid: sid, type: "IntentRequest", intent: name, extra)
    }
    static func ended(_ ms: Int64, _ id: String, _ reason: String, sid: String = "S1") -> String {
        line(ms, id, sid: sid, type: "SessionEndedRequest", "\"reason\":\"\(reason)\"")
    }

    static func record(_ json: String) -> Record {
        var s = json
        return s.withUTF8 { try! RecordParser.parse(UnsafeRawBufferPointer($0)) }
    }

    /// Runs lines (already in time order) through a Sessionizer; sessions in (start, sessionId) order.
    static func sessions(_ lines: [String], _ o: SessionOptions = SessionOptions()) -> (sessions: [Session], sessionizer: Sessionizer) {
        var out: [Session] = []
        let sz = Sessionizer(options: o) { out.append($0) }
        sz.emitInStartOrder = true
        for l in lines { sz.add(record(l)) }
        sz.finish()
        return (out, sz)
    }

    static func friction(_ lines: [String], _ o: SessionOptions = SessionOptions()) -> [FrictionEvent] {
        sessions(lines, o).sessions.flatMap(\.friction)
    }

    /// Writes `text` to a fresh temporary file and returns its path.
    static func tempFile(_ text: String, name: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sklog-sessions-tests-\(getpid())")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let p = dir.appendingPathComponent(name).path
        _ = FileManager.default.createFile(atPath: p, contents: Data(text.utf8))
        return p
    }
}

import Foundation
@testable import SklogRecords

/// Runs the whole record stream over raw-log text (or files) and returns the records as parsed
/// JSON objects, with `src` filled in as `FILE:LINE` the way sklog-cat writes it.
struct RawRun {
    var records: [[String: Any]] = []
    var rejected: [String: Int] = [:]
    var accounting = Accounting()
    var rejectedTotal: Int { rejected.values.reduce(0, +) }

    func record(_ messageId: String) -> [String: Any]? {
        records.first { $0["messageId"] as? String == messageId }
    }

    static func text(_ files: [String], format: InputFormat = .auto) throws -> RawRun {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sklog-raw-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var paths: [String] = []
        for (i, t) in files.enumerated() {
            let p = dir.appendingPathComponent("in\(i + 1).log").path
            try Data(t.utf8).write(to: URL(fileURLWithPath: p))
            paths.append(p)
        }
        return try run(paths, format: format)
    }

    static func text(_ t: String, format: InputFormat = .auto) throws -> RawRun { try text([t], format: format) }

    static func run(_ paths: [String], format: InputFormat = .auto) throws -> RawRun {
        var opts = StreamOptions()
        opts.format.format = format
        opts.progress = false
        opts.rejectMessages = 0
        let stream = try RecordStream(paths: paths, options: opts)
        var out = RawRun()
        try stream.forEach { r in
            var obj = r.withLine { try! JSONSerialization.jsonObject(with: Data($0)) as! [String: Any] }
            if obj["src"] == nil {
                obj["src"] = "\((stream.names[Int(r.input)] as NSString).lastPathComponent):\(r.line)"
            }
            out.records.append(obj)
        }
        out.rejected = stream.accounting.rejected
        out.accounting = stream.accounting
        return out
    }

    static var samples: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Samples/lambda")
    }
}

/// JSON values equal as JSON (numbers by value, objects by members).
func jsonEqual(_ a: Any?, _ b: Any?) -> Bool {
    switch (a, b) {
    case (nil, nil): return true
    case (let x as [String: Any], let y as [String: Any]):
        return x.count == y.count && x.allSatisfy { jsonEqual($0.value, y[$0.key]) }
    case (let x as [Any], let y as [Any]):
        return x.count == y.count && zip(x, y).allSatisfy { jsonEqual($0, $1) }
    case (let x as NSNumber, let y as NSNumber): return x == y
    case (let x as String, let y as String): return x == y
    case (is NSNull, is NSNull): return true
    default: return false
    }
}

/// Node.js-style pretty-printed JSON (2 spaces), as `JSON.stringify(x, null, 2)` writes it.
func pretty(_ json: String) -> String {
    let o = try! JSONSerialization.jsonObject(with: Data(json.utf8))
    let d = try! JSONSerialization.data(withJSONObject: o, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    return String(decoding: d, as: UTF8.self)
}

import Foundation
import Testing

/// SPEC section 8: each kind of damage gets a clear message naming the file and line or byte
/// offset, the exit status of section 2, no crash and no hang; everything readable is counted.
@Suite(.serialized) struct DamageEndToEnd {
    func lines(_ n: Int, from: Int = 0) -> String {
        (from..<(from + n)).map { #"{"ts":"2026-11-24T10:00:\#(String(format: "%02d", $0 % 60)).000Z","messageId":"m\#($0)"}"# }.joined(separator: "\n") + "\n"
    }

    @Test func truncatedGzip() throws {
        let gz = try gzip(Data(lines(3000).utf8))
        let p = temp(); writeFile(p, gz.prefix(gz.count / 2))
        let r = try Run.tool("sklog-cat", [p])
        #expect(r.status == 3)
        #expect(r.stderr.contains(p) && r.stderr.contains("byte offset") && r.stderr.contains("truncated"))
        #expect(r.lines.count > 100 && r.lines.count < 3000)
        let strict = try Run.tool("sklog-cat", ["--strict", p])
        #expect(strict.status == 2 && strict.stdout.isEmpty)
    }

    @Test func corruptDeflate() throws {
        var gz = try gzip(Data(lines(3000).utf8))
        for i in (gz.count / 2)..<(gz.count / 2 + 40) { gz[i] ^= 0x55 }
        let p = temp(); writeFile(p, gz)
        let r = try Run.tool("sklog-cat", [p])
        #expect(r.status == 3)
        #expect(r.stderr.contains("byte offset"))
    }

    @Test func nonGzipBinary() throws {
        var bytes = Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) })
        bytes[0] = 0x7f; bytes[1] = 0x45
        let p = temp(); writeFile(p, bytes)
        let r = try Run.tool("sklog-cat", [p])
        #expect(r.status == 2)
        #expect(r.stderr.contains(p) && r.stderr.contains("unknown input format"))
    }

    @Test func invalidJSONNulAndInvalidUTF8AreRejectedByLine() throws {
        var d = Data(lines(2).utf8)
        d.append(Data("{not json}\n".utf8))
        d.append(Data(#"{"ts":"2026-11-24T10:01:00.000Z","messageId":"n"#.utf8)); d.append(0); d.append(Data("\"}\n".utf8))
        d.append(Data(#"{"ts":"2026-11-24T10:01:00.000Z","messageId":"u"#.utf8)); d.append(0xff); d.append(Data("\"}\n".utf8))
        d.append(Data(lines(2, from: 10).utf8))
        let p = temp(); writeFile(p, d)
        let rej = temp()
        let r = try Run.tool("sklog-cat", ["--rejects", rej, p])
        #expect(r.status == 3)
        #expect(r.lines.count == 4)
        #expect(r.stderr.contains("\(p):3: invalid JSON"))
        #expect(r.stderr.contains("\(p):4: NUL byte"))
        #expect(r.stderr.contains("\(p):5: invalid UTF-8"))
        #expect(r.stderr.contains("7 records seen: 4 parsed, 3 rejected"))
        let rejected = String(decoding: FileManager.default.contents(atPath: rej) ?? Data(), as: UTF8.self)
        #expect(rejected.hasPrefix("\(p):3\tinvalid JSON\t{not json}\n"))
    }

    @Test func tenMegabyteLineIsRejectedOthersKept() throws {
        var text = lines(2)
        text += #"{"ts":"2026-11-24T10:00:00.000Z","messageId":"big","pad":""# + String(repeating: "x", count: 10 << 20) + "\"}\n"
        text += lines(2, from: 5)
        let p = temp(); writeFile(p, try gzip(Data(text.utf8)))
        let r = try Run.tool("sklog-cat", ["-q", p])
        // A 10 MB line is valid JSON: it is read whole, not cut.
        #expect(r.status == 0)
        #expect(r.lines.count == 5)
    }

    @Test func emptyFileIsValid() throws {
        let p = temp(); writeFile(p, Data())
        let r = try Run.tool("sklog-cat", [p])
        #expect(r.status == 0 && r.stdout.isEmpty)
        #expect(r.stderr.contains("0 records seen"))
    }

    @Test func missingFile() throws {
        let r = try Run.tool("sklog-cat", ["/nonexistent/sklog/x.gz"])
        #expect(r.status == 2 && r.stderr.contains("/nonexistent/sklog/x.gz") && r.stdout.isEmpty)
    }

    @Test func recordsWithoutTsOrMessageId() throws {
        let p = temp()
        writeFile(p, lines(1) + #"{"messageId":"a"}"# + "\n" + #"{"ts":"2026-11-24T10:00:00.000Z"}"# + "\n")
        let r = try Run.tool("sklog-cat", [p])
        #expect(r.status == 3 && r.lines.count == 1)
        #expect(r.stderr.contains("\(p):2: missing ts") && r.stderr.contains("\(p):3: missing messageId"))
    }

    @Test func damageInOneFileDoesNotLoseTheOthers() throws {
        let good = temp(); writeFile(good, try gzip(Data(lines(50).utf8)))
        let gz = try gzip(Data(lines(3000, from: 100).utf8))
        let bad = temp(); writeFile(bad, gz.prefix(gz.count - 20))
        let r = try Run.tool("sklog-cat", ["-q", good, bad])
        #expect(r.status == 3)
        #expect(r.lines.filter { $0.contains("\"m4\"") || $0.contains("\"m49\"") }.count == 2)
    }
}

import Foundation
import Testing

/// `--stdin-name` and `--accounting`: what a driver piping each file's bytes (contrib/spark)
/// needs to give one machine's `src` and to sum the accounting exactly.
@Suite struct DriverOptionsEndToEnd {
    @Test func stdinNameAndAccountingFile() throws {
        let lines = good.split(separator: "\n").map(String.init)
        // 3 records, a copy of the first (a duplicate) and a line that is not JSON (a reject).
        let plain = Data((lines + [lines[0], "not a record"]).map { $0 + "\n" }.joined().utf8)
        let gz = try gzip(plain)
        let acc = temp()
        let r = try Run.tool("sklog-cat", ["-q", "--stdin-name", "s3a://bucket/logs/a.gz", "--accounting", acc, "-"], stdin: gz)
        #expect(r.status == 3)
        #expect(r.lines.count == 3)
        #expect(r.lines[0].hasSuffix(#""src":"s3a://bucket/logs/a.gz:1"}"#))
        #expect(r.stderr.contains("s3a://bucket/logs/a.gz:5"))
        let json = try String(contentsOfFile: acc, encoding: .utf8)
        #expect(json == #"{"files":1,"bytesRead":\#(gz.count),"bytesDecoded":\#(plain.count),"recordsSeen":5,"parsed":3,"rejected":1,"rejectedByReason":{"invalid JSON":1},"duplicates":1,"late":0,"filteredOut":0,"damage":[]}"# + "\n")
        // Without --stdin-name, standard input is "stdin" as before.
        let plainRun = try Run.tool("sklog-cat", ["-q"], stdin: Data(good.utf8))
        #expect(plainRun.stdout.contains(#""src":"stdin:1""#))
    }
}

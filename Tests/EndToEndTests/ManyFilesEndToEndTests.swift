import Foundation
import Testing

/// An export folder of more files than the process may hold open at once: a file is open only
/// while it is read, so `ulimit -n 64` does not stop 300 files.
@Suite struct ManyFilesEndToEndTests {
    @Test func moreFilesThanOpenDescriptors() throws {
        let dir = temp()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // File k holds one record at second (k * 7) % 300 of the minute range: every second once.
        for k in 0..<300 {
            let s = (k * 7) % 300
            let ts = String(format: "2026-11-02T00:%02d:%02d.000Z", s / 60, s % 60)
            writeFile(dir + String(format: "/f%03d.gz", k), try gzip(Data(#"{"ts":"\#(ts)","messageId":"m\#(s)"}"#.utf8 + [0x0a])))
        }
        let r = try sh("ulimit -n 64 && sklog-cat -q '\(dir)'", shell: "/bin/bash")
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.lines
        #expect(lines.count == 300)
        // In time order: second s is message m<s>, from the file k with k * 7 ≡ s (mod 300).
        for s in [0, 1, 59, 123, 299] where lines.count == 300 {
            let k = (0..<300).first { ($0 * 7) % 300 == s }!
            #expect(lines[s].contains(#""messageId":"m\#(s)""#))
            #expect(lines[s].contains(String(format: "/f%03d.gz:1\"", k)))
        }
    }
}

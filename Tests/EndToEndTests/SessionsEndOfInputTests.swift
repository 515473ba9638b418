import Foundation
import Testing

/// At the end of input sklog-sessions writes sessions as they close (not all at the very end):
/// the order must still be (start, sessionId), also when a late record started a session
/// before older ones.
@Suite struct SessionsEndOfInputTests {
    @Test func lateSessionKeepsStartOrder() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sklog-eoi-\(getpid())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/late.ndjson"
        // S3 comes after S2 but starts 50 ms before it (late: --max-delay 0 does not reorder);
        // S0 starts with S2, and goes first by session ID.
        writeFile(path, """
        {"ts":"2026-01-01T00:00:00.100Z","messageId":"a","sessionId":"S1","requestType":"LaunchRequest"}
        {"ts":"2026-01-01T00:00:00.200Z","messageId":"b","sessionId":"S2","requestType":"LaunchRequest"}
        {"ts":"2026-01-01T00:00:00.150Z","messageId":"c","sessionId":"S3","requestType":"LaunchRequest"}
        {"ts":"2026-01-01T00:00:00.200Z","messageId":"d","sessionId":"S0","requestType":"LaunchRequest"}

        """)
        let r = try Run.tool("sklog-sessions", ["-q", "--max-delay", "0", path])
        #expect(r.status == 0)
        let ids = r.lines.map { l -> String in
            let o = try! JSONSerialization.jsonObject(with: Data(l.utf8)) as! [String: Any]
            return "\(o["sessionId"]!) \((o["messageIds"] as! [String]).joined())"
        }
        #expect(ids == ["S1 a", "S3 c", "S0 d", "S2 b"])
    }
}

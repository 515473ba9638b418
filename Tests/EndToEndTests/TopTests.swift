import Foundation
import XCTest

/// `sklog top`: `--once` on files, its numbers checked against `sklog metrics` over the same
/// window (and the request count against the records themselves); and drawn in a real terminal
/// (tmux) from a live FIFO, with keys.
final class TopTests: XCTestCase {
    /// Ten minutes of generated traffic (a slice of a day), as canonical records in a file.
    static let tenMinutes: String = {
        let day = temp("top-day.ndjson")
        writeFile(day, try! Run.tool("sklog-gen", ["--records", "60000", "--days", "1", "--seed", "5"]).out)
        let r = try! Run.tool("sklog-cat", ["-q", "--since", "2026-11-02T12:00:00Z", "--until", "2026-11-02T12:10:00Z", day])
        let path = temp("top-10min.ndjson")
        writeFile(path, r.out)
        try? FileManager.default.removeItem(atPath: day)
        return path
    }()

    static func value(_ frame: String, after label: String) -> String? {
        guard let r = frame.range(of: label) else { return nil }
        let rest = frame[r.upperBound...].drop { $0 == " " }
        return String(rest.prefix { $0 != " " && $0 != "\n" })
    }

    static func metrics(_ args: [String]) throws -> [String: Any] {
        let r = try Run.tool("sklog-metrics", ["-q", "--format", "json"] + args)
        let j = try JSONSerialization.jsonObject(with: r.out) as! [String: Any]
        return (j["total"] as! [String: Any])["metrics"] as! [String: Any]
    }

    /// Endpoint requests counted from the records: turns and smart home directives.
    static func endpointRequests(_ path: String, since: Int64, until: Int64) throws -> Int {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var n = 0
        for line in text.split(separator: "\n") {
            let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            let ts = Int64((ISO8601DateFormatter.ms.date(from: o["ts"] as! String)!.timeIntervalSince1970 * 1000).rounded())
            guard ts >= since && ts < until else { continue }
            let t = o["requestType"] as? String ?? ""
            let skillType = o["skillType"] as? String
            if t == "IntentRequest" || t == "LaunchRequest" { n += 1; continue }
            if t.hasPrefix("Alexa."), t != "Alexa.ChangeReport", !t.hasPrefix("Alexa.Presentation."), skillType == nil || skillType == "smart_home" { n += 1 }
        }
        return n
    }

    func frameNumbers(_ frame: String) -> (requests: Int, failures: Int, p50: String, p90: String, p99: String, turns: Int) {
        let req = Int(Self.value(frame, after: "requests") ?? "") ?? -1
        let fail = Int(Self.value(frame, after: "failures") ?? "") ?? -1
        let p50 = Self.value(frame, after: "P50") ?? "", p90 = Self.value(frame, after: "P90") ?? "", p99 = Self.value(frame, after: "P99") ?? ""
        let turns = Int((Self.value(frame, after: "per 100 turns (") ?? "")) ?? -1
        return (req, fail, p50, p90, p99, turns)
    }

    /// The whole file fits the 15-minute window: every number equals the file's metrics.
    func testOnceOnFileMatchesMetrics() throws {
        let r = try Run.tool("sklog-top", ["--once", "--window", "15", "-q", Self.tenMinutes])
        XCTAssertEqual(r.status, 0, r.stderr)
        let frame = r.stdout
        XCTAssertFalse(frame.contains("\u{1b}"), "no escape sequences when not on a terminal")
        XCTAssertLessThanOrEqual(r.lines.count, 24)
        XCTAssertTrue(r.lines.allSatisfy { $0.count <= 80 }, frame)
        let m = try Self.metrics([Self.tenMinutes])
        let n = frameNumbers(frame)
        XCTAssertEqual(n.failures, m["endpointFailures"] as? Int, frame)
        XCTAssertEqual(n.p50, "\(m["endpointLatencyP50"] as! Int)", frame)
        XCTAssertEqual(n.p90, "\(m["endpointLatencyP90"] as! Int)", frame)
        XCTAssertEqual(n.p99, "\(m["endpointLatencyP99"] as! Int)", frame)
        XCTAssertEqual(n.turns, m["totalUtterances"] as? Int, frame)
        XCTAssertEqual(n.requests, try Self.endpointRequests(Self.tenMinutes, since: 0, until: Int64.max), frame)
        for (label, key) in [("barge-ins", "bargeInsRate"), ("terminations", "terminationsRate"), ("unhandled", "unhandledRequestsRate")] {
            let shown = Double(Self.value(frame, after: label + " ") ?? "") ?? -1
            let expected = (m[key] as? Double) ?? Double(m[key] as? Int ?? -100)
            XCTAssertEqual(shown, expected, accuracy: 0.006, "\(label): \(frame)")
        }
        XCTAssertGreaterThan(n.requests, 100)
        XCTAssertGreaterThan(n.failures, 0)
        // The latest failed IDs are whole message IDs of failed records.
        let failedIds = try Run.tool("sklog-ids", ["-q", "--failed", Self.tenMinutes]).lines
        let shownIds = frame.split(separator: "\n").drop { !$0.hasPrefix("latest failed") }.dropFirst()
            .prefix { $0.hasPrefix("  ") }.map { String($0.split(separator: " ")[0]) }
        XCTAssertFalse(shownIds.isEmpty, frame)
        for id in shownIds { XCTAssertTrue(failedIds.contains(id), id) }
        XCTAssertEqual(shownIds.first, failedIds.last, "the latest first")
    }

    /// The 1-minute window: the numbers of `sklog metrics --since/--until` over that minute.
    func testOnceOneMinuteWindowMatchesMetricsSince() throws {
        let r = try Run.tool("sklog-top", ["--once", "--window", "1", "-q", Self.tenMinutes])
        let frame = r.stdout
        guard let end = Self.value(frame, after: "ending"), let endDate = ISO8601DateFormatter.ms.date(from: end) else {
            return XCTFail(frame)
        }
        let latest = Int64((endDate.timeIntervalSince1970 * 1000).rounded())
        let since = ISO8601DateFormatter.ms.string(from: Date(timeIntervalSince1970: Double(latest - 60_000 + 1) / 1000))
        let until = ISO8601DateFormatter.ms.string(from: Date(timeIntervalSince1970: Double(latest + 1) / 1000))
        let m = try Self.metrics(["--since", since, "--until", until, Self.tenMinutes])
        let n = frameNumbers(frame)
        XCTAssertEqual(n.failures, m["endpointFailures"] as? Int, frame)
        XCTAssertEqual(n.p50, "\(m["endpointLatencyP50"] as! Int)", frame)
        XCTAssertEqual(n.p90, "\(m["endpointLatencyP90"] as! Int)", frame)
        XCTAssertEqual(n.p99, "\(m["endpointLatencyP99"] as! Int)", frame)
        XCTAssertEqual(n.turns, m["totalUtterances"] as? Int, frame)
        XCTAssertEqual(n.requests, try Self.endpointRequests(Self.tenMinutes, since: latest - 60_000 + 1, until: latest + 1), frame)
        XCTAssertTrue(frame.contains("(\(TopTests.fixed2(Double(n.requests) / 60))/s)"), frame)
    }

    static func fixed2(_ v: Double) -> String {
        let c = Int64((v * 100).rounded())
        return "\(c / 100)." + (c % 100 < 10 ? "0" : "") + "\(c % 100)"
    }

    /// Log text is escaped before it is drawn.
    func testControlCharactersInIntentsAreEscaped() throws {
        let path = temp("top-esc.ndjson")
        defer { try? FileManager.default.removeItem(atPath: path) }
        writeFile(path, """
        {"ts":"2026-11-02T12:00:00.000Z","messageId":"m1","requestType":"IntentRequest","intent":"Bad\\u001b[31mIntent","outcome":"error","latencyMs":10,"sessionId":"s1","userId":"u1"}

        """)
        let r = try Run.tool("sklog-top", ["--once", "-q", path])
        XCTAssertFalse(r.stdout.contains("\u{1b}"), r.stdout)
        XCTAssertTrue(r.stdout.contains("Bad\\x1b[31mIntent"), r.stdout)
    }

    // MARK: tmux

    /// Runs `tmux -L socket ARGS` through the shell (popen: Foundation's Process waited forever
    /// on the client whose daemonized server kept its descriptors). Only capture-pane's output
    /// is read; the others' goes to /dev/null so that the server holds no pipe of ours.
    func tmux(_ socket: String, _ args: [String]) throws -> String {
        let quoted = args.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        let reads = args.first == "capture-pane"
        let cmd = "tmux -L \(socket) \(quoted) </dev/null 2>/dev/null" + (reads ? "" : " >/dev/null")
        guard let f = popen(cmd, "r") else { return "" }
        var out = [UInt8]()
        var buf = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&buf, 1, buf.count, f)
            if n <= 0 { break }
            out += buf[0..<n]
        }
        pclose(f)
        return String(decoding: out, as: UTF8.self)
    }

    /// In a real terminal on a live FIFO: the frame fits, keys switch the window, q quits and
    /// the terminal is restored (the alternate screen is left).
    func testLiveInTmux() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") else { throw XCTSkip("tmux is not installed (scripts/install-deps)") }
        let fifo = temp("top-fifo")
        unlink(fifo)
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let socket = "sklog-top-\(getpid())"
        defer {
            _ = try? tmux(socket, ["kill-server"])
            unlink(fifo)
        }
        let top = Run.binDir.appendingPathComponent("sklog-top").path
        _ = try tmux(socket, ["new-session", "-d", "-x", "100", "-y", "30", "-s", "t",
                              "sh -c '\(top) \(fifo); echo TOP-EXITED $?; sleep 30'"])
        // The FIFO opens for writing once sklog-top has opened it (ENXIO until then).
        var fd: Int32 = -1
        for _ in 0..<100 where fd < 0 {
            fd = open(fifo, O_WRONLY | O_NONBLOCK)
            if fd < 0 { usleep(100_000) }
        }
        guard fd >= 0 else { return XCTFail("sklog-top did not open the FIFO: " + (try tmux(socket, ["capture-pane", "-p", "-t", "t"]))) }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        let w = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.tenMinutes))
        let lines = data.split(separator: 0x0a)
        for k in 0..<4 {
            let part = lines[lines.count * k / 4 ..< lines.count * (k + 1) / 4]
            var chunk = Data()
            for l in part { chunk.append(l); chunk.append(0x0a) }
            try w.write(contentsOf: chunk)
            usleep(300_000)
        }
        usleep(2_500_000)
        var screen = try tmux(socket, ["capture-pane", "-p", "-t", "t"])
        XCTAssertTrue(screen.contains("sklog top"), screen)
        XCTAssertTrue(screen.contains("[live]"), screen)
        XCTAssertTrue(screen.contains("window 5 min"), screen)
        let file = try Run.tool("sklog-top", ["--once", "--window", "5", "-q", Self.tenMinutes]).stdout
        XCTAssertEqual(Self.value(screen, after: "requests"), Self.value(file, after: "requests"), screen)
        _ = try tmux(socket, ["send-keys", "-t", "t", "1"])
        usleep(1_500_000)
        screen = try tmux(socket, ["capture-pane", "-p", "-t", "t"])
        XCTAssertTrue(screen.contains("window 1 min"), screen)
        _ = try tmux(socket, ["send-keys", "-t", "t", "q"])
        usleep(1_500_000)
        screen = try tmux(socket, ["capture-pane", "-p", "-t", "t"])
        XCTAssertTrue(screen.contains("TOP-EXITED 0"), screen)
        XCTAssertFalse(screen.contains("sklog top"), "the alternate screen was left: \(screen)")
        try? w.close()
    }
}

extension ISO8601DateFormatter {
    nonisolated(unsafe) static let ms: ISO8601DateFormatter = {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f
    }()
}

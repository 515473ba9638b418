import Foundation
import XCTest

/// Live input (a pipe held open, fed over a few seconds): results come out as they are
/// determined, not at the end of the input; Ctrl-C ends the input and the tool finishes.
final class LiveInputTests: XCTestCase {
    /// What a live run gave: the output lines, how many of them arrived before the input ended
    /// (EOF or SIGINT), the exit status and standard error.
    struct LiveRun {
        var lines: [String]
        var beforeEnd: Int
        var status: Int32
        var stderr: String
        var shareBeforeEnd: Double { lines.isEmpty ? 0 : Double(beforeEnd) / Double(lines.count) }
    }

    /// Feeds `input` to `tool`'s standard input in `slices` pieces 0.1 s apart, holds the pipe
    /// open for `hold` seconds, then closes it (or sends SIGINT with `interrupt`, the pipe left open).
    static func feed(_ tool: String, _ args: [String], _ input: Data, slices: Int = 20, hold: Double = 2.5,
                     interrupt: Bool = false) throws -> LiveRun {
        let p = Process()
        p.executableURL = Run.binDir.appendingPathComponent(tool)
        p.arguments = args
        let o = Pipe(), e = Pipe(), i = Pipe()
        p.standardOutput = o
        p.standardError = e
        p.standardInput = i
        try p.run()
        final class Box: @unchecked Sendable {
            let lock = NSLock()
            var data = Data()
            var lines = 0
            var err = Data()
        }
        let box = Box()
        let reader = Thread {
            let h = o.fileHandleForReading
            while true {
                let d = h.availableData
                if d.isEmpty { break }
                box.lock.lock()
                box.data.append(d)
                box.lines += d.reduce(0) { $0 + ($1 == 0x0a ? 1 : 0) }
                box.lock.unlock()
            }
        }
        reader.start()
        let errReader = Thread { box.err = e.fileHandleForReading.readDataToEndOfFile() }
        errReader.start()
        let w = i.fileHandleForWriting
        // Cut at line boundaries so that each slice is whole lines.
        let bytes = [UInt8](input)
        var start = 0
        for k in 1...slices {
            var end = k == slices ? bytes.count : bytes.count * k / slices
            while end < bytes.count && end > 0 && bytes[end - 1] != 0x0a { end += 1 }
            if end > start { try w.write(contentsOf: Data(bytes[start..<end])) }
            start = max(start, end)
            usleep(100_000)
        }
        usleep(useconds_t(hold * 1_000_000))
        box.lock.lock()
        let before = box.lines
        box.lock.unlock()
        if interrupt { kill(p.processIdentifier, SIGINT) } else { try w.close() }
        while !reader.isFinished || !errReader.isFinished { usleep(1000) }
        p.waitUntilExit()
        if interrupt { try? w.close() }
        let lines = String(decoding: box.data, as: UTF8.self).split(separator: "\n").map(String.init)
        return LiveRun(lines: lines, beforeEnd: before, status: p.terminationStatus, stderr: String(decoding: box.err, as: UTF8.self))
    }

    /// A day of generated traffic as canonical records (clean: every record parses).
    static let records: Data = {
        let r = try! Run.tool("sklog-gen", ["--records", "4000", "--days", "1", "--duplicates", "0"])
        return r.out
    }()

    /// The first 400 records (about 450 kB: less than one read chunk, so nothing would come out
    /// before EOF if the reader waited to fill a chunk).
    static let fewRecords: Data = {
        let lines = records.split(separator: 0x0a, omittingEmptySubsequences: false).prefix(400)
        return Data(lines.joined(separator: [0x0a])) + Data([0x0a])
    }()

    /// The same traffic as raw Lambda text logs (START … REPORT).
    static let lambda: Data = {
        let r = try! Run.tool("sklog-gen", ["--records", "3000", "--days", "1", "--format", "lambda", "--seed", "7"])
        return r.out
    }()

    /// The tool run with `input` as a regular file on standard input (not live: the batch result).
    static func batch(_ tool: String, _ args: [String], _ input: Data) throws -> Run {
        let path = temp("live-batch")
        writeFile(path, input)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let p = Process()
        p.executableURL = Run.binDir.appendingPathComponent(tool)
        p.arguments = args
        let o = Pipe(), e = Pipe()
        p.standardOutput = o
        p.standardError = e
        p.standardInput = FileHandle(forReadingAtPath: path)!
        try p.run()
        let (outData, errData) = Run.drain(o, e)
        p.waitUntilExit()
        return Run(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                   stderr: String(decoding: errData, as: UTF8.self), out: outData)
    }

    func assertStreams(_ tool: String, _ args: [String], _ input: Data, file: StaticString = #filePath, line: UInt = #line) throws {
        let live = try Self.feed(tool, args, input)
        let whole = try Self.batch(tool, args, input)
        XCTAssertGreaterThan(whole.lines.count, 5, "\(tool) \(args): too little output to judge", file: file, line: line)
        // Every line of the batch run, and at least 80 % of them before the input ended.
        XCTAssertEqual(live.lines.count, whole.lines.count, "\(tool) \(args)", file: file, line: line)
        XCTAssertGreaterThanOrEqual(live.shareBeforeEnd, 0.8, "\(tool) \(args): \(live.beforeEnd) of \(live.lines.count) lines before EOF", file: file, line: line)
    }

    func testCatStreams() throws { try assertStreams("sklog-cat", [], Self.fewRecords) }
    func testGrepOutcomeErrorStreams() throws { try assertStreams("sklog-grep", ["--outcome", "error"], Self.records) }
    func testFrictionStreams() throws { try assertStreams("sklog-friction", [], Self.records) }
    func testIDsFailedStreams() throws { try assertStreams("sklog-ids", ["--failed"], Self.records) }

    /// Raw Lambda logs: an invocation is a record once its REPORT has arrived (and the input has
    /// been idle a second), not only after the lines that follow it.
    func testLambdaLogsStream() throws {
        let live = try Self.feed("sklog-cat", [], Self.lambda)
        XCTAssertGreaterThan(live.lines.count, 100)
        XCTAssertEqual(live.beforeEnd, live.lines.count, "every record of an idle live input is out before EOF")
        let live2 = try Self.feed("sklog-ids", ["--failed"], Self.lambda)
        XCTAssertGreaterThan(live2.lines.count, 5)
        XCTAssertEqual(live2.beforeEnd, live2.lines.count)
    }

    /// The first SIGINT on a live pipe ends the input: the full results for what was read,
    /// the accounting, exit 0.
    func testInterruptFinishesWhatWasRead() throws {
        let batchCat = try Self.batch("sklog-cat", [], Self.records)
        let live = try Self.feed("sklog-cat", [], Self.records, interrupt: true)
        XCTAssertEqual(live.status, 0, live.stderr)
        XCTAssertEqual(live.lines, batchCat.lines, "the whole input had been read: the same records")
        XCTAssertTrue(live.stderr.contains("records seen"), live.stderr)

        // metrics writes only at the end: after Ctrl-C, the summary of everything read.
        let batchMetrics = try Self.batch("sklog-metrics", ["--format", "json"], Self.records)
        let m = try Self.feed("sklog-metrics", ["--format", "json"], Self.records, interrupt: true)
        XCTAssertEqual(m.status, 0, m.stderr)
        XCTAssertEqual(m.beforeEnd, 0, "metrics has nothing to say before the end")
        XCTAssertEqual(m.lines, batchMetrics.lines)
        XCTAssertTrue(m.stderr.contains("records seen"), m.stderr)

        // friction --summary, with --accounting.
        let acc = temp("live-acc.json")
        defer { try? FileManager.default.removeItem(atPath: acc) }
        let f = try Self.feed("sklog-friction", ["--summary", "--format", "json", "--accounting", acc], Self.records, interrupt: true)
        XCTAssertEqual(f.status, 0, f.stderr)
        let accText = (try? String(contentsOfFile: acc, encoding: .utf8)) ?? ""
        let expectedParsed = batchCat.lines.count
        XCTAssertTrue(accText.contains("\"parsed\":\(expectedParsed)"), accText)
    }

    /// Half the input, then Ctrl-C: the results of that half, not of the whole.
    func testInterruptMidwayGivesWhatWasRead() throws {
        let bytes = [UInt8](Self.records)
        var half = bytes.count / 2
        while bytes[half - 1] != 0x0a { half += 1 }
        let first = Data(bytes[0..<half])
        let live = try Self.feed("sklog-ids", ["--failed"], first, slices: 5, hold: 1.5, interrupt: true)
        let expected = try Self.batch("sklog-ids", ["--failed"], first)
        XCTAssertEqual(live.status, 0, live.stderr)
        XCTAssertEqual(live.lines, expected.lines)
        XCTAssertGreaterThan(live.lines.count, 5)
    }

    /// A file input is not live: Ctrl-C aborts as before (killed by the signal).
    func testInterruptOnFileAborts() throws {
        let path = temp("live-file.ndjson")
        var big = Data()
        for _ in 0..<40 { big.append(Self.records) }
        writeFile(path, big)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let p = Process()
        p.executableURL = Run.binDir.appendingPathComponent("sklog-metrics")
        p.arguments = [path]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        try p.run()
        usleep(300_000)
        kill(p.processIdentifier, SIGINT)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationReason, .uncaughtSignal)
        XCTAssertEqual(p.terminationStatus, SIGINT)
    }
}

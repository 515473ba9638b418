import Foundation
import Testing

/// `sklog grep --raw`: the selected records' invocations, line for line as they are in the input.
/// The expected lines are cut out of the input by the test itself (from the invocation's START
/// line to its REPORT line, found by their text).
@Suite struct GrepRaw {
    static func lines(_ path: String) throws -> [String] {
        var data = try Data(contentsOf: URL(fileURLWithPath: path))
        if path.hasSuffix(".gz") { data = try sh("gzip -dc '\(path)'").out }
        return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// Lines `from`…`to` (1-based, inclusive) headed as --raw heads them.
    static func block(_ path: String, _ all: [String], from: Int, to: Int, keep: (String) -> Bool = { _ in true }) -> String {
        "==> \(path):\(from) <==\n" + all[(from - 1)...(to - 1)].filter(keep).map { $0 + "\n" }.joined()
    }

    static func find(_ all: [String], _ prefix: String) -> Int { all.firstIndex { $0.hasPrefix(prefix) }! + 1 }

    @Test func nodeInvocationWithItsStackIsPrintedAsItWas() throws {
        let p = Run.sample("lambda/lambda-text.log")
        let all = try Self.lines(p)
        let r = try Run.tool("sklog-grep", ["-q", "--id", "amzn1.echo-api.request.6f1c0d2e-0000-4b7a-9c3d-000000000008", "--raw", p])
        #expect(r.status == 0)
        let from = Self.find(all, "START RequestId: 00000008-"), to = Self.find(all, "REPORT RequestId: 00000008-")
        #expect(r.stdout == Self.block(p, all, from: from, to: to))
        #expect(r.stdout.contains("ERROR\tInvoke Error"))
    }

    @Test func pythonTracebackLines() throws {
        let p = Run.sample("lambda/lambda-python.log")
        let all = try Self.lines(p)
        let r = try Run.tool("sklog-grep", ["-q", "--outcome", "error", "--raw", p])
        let from = Self.find(all, "START RequestId: 0000000d-"), to = Self.find(all, "REPORT RequestId: 0000000d-")
        #expect(r.stdout == Self.block(p, all, from: from, to: to))
        #expect(r.stdout.contains("Traceback (most recent call last):\n  File \"/var/task/lambda_function.py\", line 48"))
    }

    @Test func cloudWatchExportLinesKeepTheirTimestamps() throws {
        let p = Run.sample("lambda/cloudwatch-export.gz")
        let all = try Self.lines(p)
        let r = try Run.tool("sklog-grep", ["-q", "--id", "2a4c6e80-1b3d-4f5a-9c7e-0a2c4e6a8c0e", "--raw", p])
        let from = all.firstIndex { $0.contains("START RequestId: 00000021-") }! + 1
        let to = all.firstIndex { $0.contains("REPORT RequestId: 00000021-") }! + 1
        #expect(r.stdout == Self.block(p, all, from: from, to: to))
    }

    @Test func interleavedInvocationsGetOnlyTheirOwnLines() throws {
        func env(_ id: String) -> String {
            #"{"version":"1.0","session":{"sessionId":"S-\#(id)","application":{"applicationId":"amzn1.ask.skill.X"},"user":{"userId":"U"}},"request":{"type":"LaunchRequest","requestId":"\#(id)","timestamp":"2026-11-24T10:00:00Z","locale":"en-US"}}"#
        }
        let a = "aaaaaaaa-0000-4000-8000-000000000001", b = "bbbbbbbb-0000-4000-8000-000000000002"
        let log = [
            "START RequestId: \(a) Version: $LATEST",
            "START RequestId: \(b) Version: $LATEST",
            "2026-11-24T10:00:00.010Z\t\(a)\tINFO\t\(env("RA"))",
            "2026-11-24T10:00:00.011Z\t\(b)\tINFO\t\(env("RB"))",
            "2026-11-24T10:00:00.020Z\t\(b)\tERROR\tTypeError: x is not a function",
            "    at Object.handle (/var/task/index.js:7:3)",
            "2026-11-24T10:00:00.021Z\t\(a)\tINFO\tResponse: {\"version\":\"1.0\",\"response\":{\"shouldEndSession\":true}}",
            "END RequestId: \(a)",
            "REPORT RequestId: \(a)\tDuration: 11.00 ms\tBilled Duration: 11 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB",
            "END RequestId: \(b)",
            "REPORT RequestId: \(b)\tDuration: 12.00 ms\tBilled Duration: 12 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB",
        ]
        let p = temp() + ".log"
        writeFile(p, log.joined(separator: "\n") + "\n")
        let r = try Run.tool("sklog-grep", ["-q", "--raw", p])
        #expect(r.status == 0)
        let expected = "==> \(p):1 <==\n" + [0, 2, 6, 7, 8].map { log[$0] + "\n" }.joined()
            + "==> \(p):2 <==\n" + [1, 3, 4, 5, 9, 10].map { log[$0] + "\n" }.joined()
        #expect(r.stdout == expected)
        // Only the failed one, with -v and a filter that drops the other: its lines alone.
        let failed = try Run.tool("sklog-grep", ["-q", "--outcome", "error", "--raw", p])
        #expect(failed.stdout == "==> \(p):2 <==\n" + [1, 3, 4, 5, 9, 10].map { log[$0] + "\n" }.joined())
    }

    @Test func canonicalRecordIsItsOwnLine() throws {
        let p = Run.sample("canonical/small.ndjson")
        let all = try Self.lines(p)
        let r = try Run.tool("sklog-grep", ["-q", "--id", "amzn1.echo-api.request.0006", "--raw", p])
        let n = all.firstIndex { $0.contains("\"amzn1.echo-api.request.0006\"") }! + 1
        #expect(r.stdout == "==> \(p):\(n) <==\n" + all[n - 1] + "\n")
    }

    @Test func rawWithSessionContextIsRefused() throws {
        let r = try Run.tool("sklog-grep", ["--raw", "--session-context", Run.sample("canonical/small.ndjson")])
        #expect(r.status == 2)
    }
}

import Foundation
import Testing
@testable import SklogFuzz
import SklogRecords
import SklogAnalysis

// Every seed of the fuzzers and every input that once crashed one of them, replayed through the
// same entry point (scripts/fuzz finds new ones; a crash here is a regression).

private let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("FuzzCorpus")

private func files(_ kind: String, _ t: FuzzTarget) -> [URL] {
    let dir = corpus.appendingPathComponent(kind).appendingPathComponent(t.rawValue)
    let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
    return names.filter { !$0.hasPrefix(".") }.sorted().map { dir.appendingPathComponent($0) }
}

@Suite struct FuzzRegressionTests {
    @Test(arguments: FuzzTarget.allCases)
    func seedsRun(_ t: FuzzTarget) throws {
        let seeds = files("seeds", t)
        #expect(!seeds.isEmpty, "no seeds for \(t.rawValue)")
        for f in seeds { t.run(Array(try Data(contentsOf: f))) }
    }

    @Test(arguments: FuzzTarget.allCases)
    func crashesStayFixed(_ t: FuzzTarget) throws {
        for f in files("regressions", t) { t.run(Array(try Data(contentsOf: f))) }
    }

    @Test func seedsParseIntoRecords() throws {
        // The seeds are real inputs, not noise: the Lambda text seeds make records.
        let sink = CheckingSink()
        for f in files("seeds", .lambdaText) {
            let d = Array(try Data(contentsOf: f))
            d.withUnsafeBytes { b in
                let a = SklogRecords.LambdaTextAdapter()
                FuzzTarget.forEachLine(b) { line, n in a.consume(line, number: n, sink: sink) }
                a.finish(sink: sink)
            }
        }
        #expect(sink.records >= 10)
    }
}

@Suite struct FuzzFindingsTests {
    @Test func histogramCountsThatCannotBeCountedAreAnInvalidState() throws {
        // A partial state whose latency histogram has a count of -1 (found by the fuzzer), or two
        // counts of 9e18 (their total is past Int64.max), or a negative `top` (the report would
        // trap in `prefix(top)`): an invalid state, not a trap.
        for name in ["negative-histogram-count", "histogram-count-overflow", "negative-top"] {
            let f = corpus.appendingPathComponent("regressions/partial/\(name)")
            let bytes = Array(try Data(contentsOf: f))
            #expect(throws: MetricsAccumulator.PartialStateError.self, "\(name)") { _ = try MetricsAccumulator.fromPartialState(bytes) }
        }
    }

    @Test func aDeferredEventsTrialOutOfRangeIsAnInvalidState() throws {
        // `trial` is a TriState (-1 unknown, 0, 1); 300 trapped in `Int8(_:)` (found reading the code
        // after the fuzzer's find). Partial states are now checked as strictly as logs (issue 19):
        // an out-of-range trial makes the state invalid, naming the field.
        let f = corpus.appendingPathComponent("regressions/partial/deferred-trial-out-of-range")
        #expect { _ = try MetricsAccumulator.fromPartialState(Array(try Data(contentsOf: f))) } throws: { e in
            "\(e)".contains("trial")
        }
    }
}

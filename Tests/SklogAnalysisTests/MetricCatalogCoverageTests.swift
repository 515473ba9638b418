import Foundation
import SklogAnalysis
import SklogGen
import SklogRecords
import SklogReport
import Testing

/// The evaluator finds each catalog entry by name at run time: a name typed differently in the two
/// would crash only on an input that reaches it. Here every entry of the catalog must be evaluated
/// (with a value, not only null) on simulated traffic that has every kind of record.
@Suite struct MetricCatalogCoverageTests {
    @Test func everyCatalogEntryIsEvaluated() throws {
        var o = GenOptions()
        o.records = 20_000
        o.days = 15
        o.seed = 11
        let bytes = Generator.generate(o).outputs[0]
        let path = TR.tempFile(String(decoding: bytes, as: UTF8.self), name: "catalog-\(getpid()).ndjson")
        var t = TrendOptions()
        t.period = .day
        let stream = try RecordStream(paths: [path], options: StreamOptions())
        let c = ReportCollector(trend: t, sessions: SessionOptions(), redact: false, top: 10, threaded: false)
        try stream.forEach { c.add($0) }
        let result = c.finish(accounting: stream.accounting, inputNames: ["x"]).result
        var seen = Set<String>(), withValue = Set<String>()
        for v in result.total.metrics.values {
            seen.insert(v.definition.name)
            if case .null = v.value {} else { withValue.insert(v.definition.name) }
        }
        let names = Set(MetricCatalog.all.map(\.name))
        #expect(names.subtracting(seen).isEmpty, "never evaluated: \(names.subtracting(seen).sorted())")
        #expect(names.subtracting(withValue).isEmpty, "always null: \(names.subtracting(withValue).sorted())")
    }
}

import Foundation
import SklogAnalysis
import SklogGen
import SklogRecords
import SklogReport
import Testing

/// The sessions may run on a second thread (MetricsFeed threaded): the numbers, the trend and the
/// whole HTML report must be identical to the single-threaded run.
@Suite struct TrendThreadingTests {
    static let path: String = {
        var o = GenOptions()
        o.records = 12_000
        o.days = 15
        o.seed = 5
        let bytes = Generator.generate(o).outputs[0]
        return TR.tempFile(String(decoding: bytes, as: UTF8.self), name: "threading-\(getpid()).ndjson")
    }()

    static func report(threaded: Bool) throws -> (html: String, trend: String) {
        var t = TrendOptions()
        t.period = .day
        t.minCount = 5
        let stream = try RecordStream(paths: [path], options: StreamOptions())
        let c = ReportCollector(trend: t, sessions: SessionOptions(), redact: false, top: 10, threaded: threaded)
        try stream.forEach { c.add($0) }
        let d = c.finish(accounting: stream.accounting, inputNames: ["x"])
        return (HTMLReport.render(d), TrendOutput.json(d.trend))
    }

    @Test func threadedEqualsSequential() throws {
        let a = try Self.report(threaded: false), b = try Self.report(threaded: true)
        #expect(a.trend == b.trend)
        #expect(a.html == b.html)
        #expect(a.html.contains("id=\"session-0\""))
        #expect(a.trend.contains("\"movers\""))
    }
}

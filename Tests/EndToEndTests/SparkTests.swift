import XCTest

/// contrib/spark on Apache Spark: every job on local[2] and the metrics job on a standalone
/// cluster on loopback print what one machine prints over the same 8 files (the script's own
/// checks, including the simulator's ground truth, are in contrib/spark/test_sklog_spark.py).
final class SparkTests: XCTestCase {
    func testSparkJobsMatchOneMachine() throws {
        let script = Run.repo.appendingPathComponent("contrib/spark/test.sh").path
        let r = try sh("bash '\(script)' '\(Run.binDir.path)' 2>&1")
        if r.status == 77 { throw XCTSkip(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) }
        XCTAssertEqual(r.status, 0, String(r.stdout.suffix(6000)))
        XCTAssertTrue(r.stdout.contains("passed: Spark tests"), String(r.stdout.suffix(2000)))
    }
}

@testable import SklogRecords
import Testing

/// `Record.initializeEmpty` copies an empty record's bytes and then initializes only `chunk` and
/// `extra`, the stored properties that hold references. A new stored property that holds a
/// reference (a class, an array, a String) would be copied without its retain and crash later:
/// this test names it instead.
@Suite struct RecordLayoutTests {
    private static func isPlainData(_ v: Any) -> Bool {
        func open<T>(_ x: T) -> Bool { _isPOD(type(of: x)) }
        return _openExistential(v, do: open)
    }

    @Test func onlyChunkAndExtraHoldReferences() {
        let r = Record(storage: [], lineLength: 0)
        let holding = Mirror(reflecting: r).children.filter { !Self.isPlainData($0.value) }.compactMap(\.label)
        #expect(Set(holding) == ["chunk", "extra"], "initializeEmpty must initialize: \(holding)")
    }
}

/// A session's message IDs, in record order: one byte buffer and the end of each ID, so that a
/// session of n records makes two allocations instead of n `String`s. Reads as a collection of
/// `String`s; `withBytes` gives an ID's UTF-8 bytes without making one.
public struct MessageIDs: RandomAccessCollection, ExpressibleByArrayLiteral, Equatable, Sendable {
    private var bytes: [UInt8] = []
    private var ends: [UInt32] = []

    public init() {}
    public init(_ ids: [String]) { for id in ids { append(id) } }
    public init(arrayLiteral ids: String...) { self.init(ids) }

    public var startIndex: Int { 0 }
    public var endIndex: Int { ends.count }

    @inline(__always) private func range(_ i: Int) -> Range<Int> { (i == 0 ? 0 : Int(ends[i - 1]))..<Int(ends[i]) }

    public subscript(i: Int) -> String {
        bytes.withUnsafeBytes { String(decoding: UnsafeRawBufferPointer(rebasing: $0[range(i)]), as: UTF8.self) }
    }

    /// Calls `body` with the UTF-8 bytes of ID `i`.
    public func withBytes<R>(_ i: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try bytes.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[range(i)])) }
    }

    public mutating func append(_ id: String) {
        var id = id
        id.withUTF8 { append(UnsafeRawBufferPointer($0)) }
    }

    public mutating func append(_ b: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: b)
        ends.append(UInt32(bytes.count))
    }

    public mutating func reserveCapacity(ids: Int, bytes n: Int) {
        ends.reserveCapacity(ids)
        bytes.reserveCapacity(n)
    }

    /// Equal when the IDs are, as `String`s compare.
    public static func == (a: MessageIDs, b: MessageIDs) -> Bool { a.elementsEqual(b) }
}

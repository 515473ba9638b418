/// Lambda text and JSON logs, CloudWatch exports and subscription payloads (SPEC 3, formats 2-5).
/// Detection and adapters for these formats live in this folder.
public enum RawLogDetector {
    public static func detect(_ lines: [UnsafeRawBufferPointer]) -> InputFormat? { nil }

    public static func makeAdapter(_ format: InputFormat) throws -> any FormatAdapter {
        throw UnsupportedFormatError(format: format)
    }
}

public struct UnsupportedFormatError: Error, CustomStringConvertible {
    public var format: InputFormat
    public var description: String { "format '\(format.rawValue)' is not supported yet" }
}

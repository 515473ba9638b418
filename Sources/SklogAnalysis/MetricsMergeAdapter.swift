import SklogRecords

// Adapter (report branch) so that the metrics branch builds on the current JSONScanner, whose
// scanString() no longer reports escapes: MetricsPartial.swift expects a third `escaped` member.
// Remove this file once MetricsPartial.swift is updated to the two-member scanString().
extension JSONScanner {
    @inline(__always)
    mutating func scanString() throws -> (start: Int, end: Int, escaped: Bool) {
        let r: (start: Int, end: Int) = try scanString()
        var escaped = false
        var i = r.start
        while i < r.end { if base[i] == 0x5c { escaped = true; break }; i += 1 }
        return (r.start, r.end, escaped)
    }
}

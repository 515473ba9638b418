import CPCRE2

/// A compile error with the offset in the pattern where PCRE2 stopped.
public struct RegexError: Error, CustomStringConvertible, Sendable {
    public var pattern: String
    public var offset: Int
    public var message: String
    public var description: String { "invalid regex '\(pattern)' at offset \(offset): \(message)" }
    public init(pattern: String, offset: Int, message: String) {
        self.pattern = pattern; self.offset = offset; self.message = message
    }
}

/// Thrown when a match hits the backtracking limit: a catastrophic pattern fails with a clear
/// message instead of hanging.
public struct RegexLimitError: Error, CustomStringConvertible, Sendable {
    public var pattern: String
    public var description: String { "regex '\(pattern)' exceeded its match limit (catastrophic backtracking?); simplify the pattern" }
}

/// One compiled PCRE2 pattern (JIT when available) with its own match data: one per thread.
/// Byte semantics (no UTF mode), like `grep -P` under LC_ALL=C, since log data may hold junk.
public final class Regex {
    public let pattern: String
    private let code: OpaquePointer
    private let matchData: OpaquePointer
    private let context: OpaquePointer?
    private let jit: Bool

    public init(_ pattern: String, caseless: Bool = false, matchLimit: UInt32 = 10_000_000) throws {
        self.pattern = pattern
        var err: Int32 = 0
        var off: Int = 0
        let opts: UInt32 = caseless ? UInt32(PCRE2_CASELESS) : 0
        let c = pattern.withCString { p in
            pcre2_compile_8(UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self), pattern.utf8.count, opts, &err, &off, nil)
        }
        guard let c else {
            var buf = [UInt8](repeating: 0, count: 256)
            let n = pcre2_get_error_message_8(err, &buf, buf.count)
            throw RegexError(pattern: pattern, offset: off, message: String(decoding: buf.prefix(max(0, Int(n))), as: UTF8.self))
        }
        code = c
        jit = pcre2_jit_compile_8(c, UInt32(PCRE2_JIT_COMPLETE)) == 0
        matchData = pcre2_match_data_create_from_pattern_8(c, nil)
        let ctx = pcre2_match_context_create_8(nil)
        if let ctx {
            pcre2_set_match_limit_8(ctx, matchLimit)
            pcre2_set_depth_limit_8(ctx, matchLimit)
        }
        context = ctx
    }

    deinit {
        pcre2_match_data_free_8(matchData)
        if let context { pcre2_match_context_free_8(context) }
        pcre2_code_free_8(code)
    }

    /// Whether the pattern matches somewhere in `bytes`. Throws when the match limit is hit.
    @inline(__always)
    public func matches(_ bytes: UnsafeRawBufferPointer) throws -> Bool {
        try firstMatch(bytes) != nil
    }

    /// Range of the first match in `bytes`, or nil.
    public func firstMatch(_ bytes: UnsafeRawBufferPointer, from start: Int = 0) throws -> Range<Int>? {
        let p = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? UnsafePointer<UInt8>(bitPattern: 1)!
        let rc = jit ? pcre2_jit_match_8(code, p, bytes.count, start, 0, matchData, context)
                     : pcre2_match_8(code, p, bytes.count, start, 0, matchData, context)
        if rc == PCRE2_ERROR_NOMATCH { return nil }
        if rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT {
            throw RegexLimitError(pattern: pattern)
        }
        if rc < 0 { return nil }
        let ov = pcre2_get_ovector_pointer_8(matchData)!
        return Int(ov[0])..<Int(ov[1])
    }

    public func matches(_ s: String) throws -> Bool {
        var s = s
        return try s.withUTF8 { try matches(UnsafeRawBufferPointer($0)) }
    }

    /// Named groups of the pattern: (name, group number).
    public var namedGroups: [(name: String, number: Int)] {
        var count: UInt32 = 0, entrySize: UInt32 = 0
        var table: UnsafeMutableRawPointer? = nil
        pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_NAMECOUNT), &count)
        pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_NAMEENTRYSIZE), &entrySize)
        pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_NAMETABLE), &table)
        guard let table, count > 0 else { return [] }
        var out: [(String, Int)] = []
        for i in 0..<Int(count) {
            let e = table.advanced(by: i * Int(entrySize)).assumingMemoryBound(to: UInt8.self)
            let num = Int(e[0]) << 8 | Int(e[1])
            let name = String(cString: e + 2)
            out.append((name, num))
        }
        return out
    }

    /// After a successful `firstMatch`, the byte range of group `n`, or nil if it did not take part.
    public func group(_ n: Int) -> Range<Int>? {
        let ov = pcre2_get_ovector_pointer_8(matchData)!
        let pairs = Int(pcre2_get_ovector_count_8(matchData))
        guard n < pairs else { return nil }
        let a = ov[2 * n], b = ov[2 * n + 1]
        if cpcre2_is_unset(a) != 0 { return nil }
        return Int(a)..<Int(b)
    }
}

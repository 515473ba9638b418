import CZlib

/// Test helper: compress with zlib (the reference implementation) into gzip or zlib format.
enum Compress {
    static func deflate(_ data: [UInt8], gzip: Bool = true, level: Int32 = 6) -> [UInt8] {
        var s = z_stream()
        precondition(czlib_deflateInit2(&s, level, gzip ? 15 + 16 : 15) == Z_OK)
        defer { deflateEnd(&s) }
        var out = [UInt8](repeating: 0, count: Int(deflateBound(&s, UInt(data.count))) + 64)
        var input = data
        let produced: Int = input.withUnsafeMutableBufferPointer { inp in
            out.withUnsafeMutableBufferPointer { o in
                s.next_in = inp.baseAddress
                s.avail_in = UInt32(inp.count)
                s.next_out = o.baseAddress
                s.avail_out = UInt32(o.count)
                let rc = CZlib.deflate(&s, Z_FINISH)
                precondition(rc == Z_STREAM_END)
                return o.count - Int(s.avail_out)
            }
        }
        return Array(out[0..<produced])
    }
}

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// `a.utf8.lexicographicallyPrecedes(b.utf8)` with memcmp: the same order (bytes, then length),
/// without walking the UTF-8 views a byte at a time (sorting the metrics' top paths spent 1.2
/// instructions per input byte on a 50,000-record prefix that way).
@inline(__always)
func utf8Precedes(_ a: String, _ b: String) -> Bool {
    var a = a, b = b
    return a.withUTF8 { x in
        b.withUTF8 { y in
            let n = min(x.count, y.count)
            if n > 0 {
                let c = memcmp(x.baseAddress!, y.baseAddress!, n)
                if c != 0 { return c < 0 }
            }
            return x.count < y.count
        }
    }
}

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import SklogRecords

/// Slot values of a record, as used for retries and friction signatures.
public enum SlotValues {
    /// `name=value, …` sorted by name, null values left out; nil when there are none.
    public static func canonical(_ r: Record) -> String? {
        r.withBytes(r.slots) { canonical(object: $0) }
    }

    /// `canonical(_:)` of a slots object's JSON text.
    static func canonical(object obj: UnsafeRawBufferPointer) -> String? {
        do {
            guard obj.count > 2 else { return nil }
            var pairs: [(String, String)] = []
            var sc = JSONScanner(obj)
            do {
                try sc.members { ks, ke, kind, vs, ve in
                    if kind == .null { return }
                    let name = text(UnsafeRawBufferPointer(rebasing: obj[ks..<ke]))
                    let value: String
                    if kind == .string {
                        value = text(UnsafeRawBufferPointer(rebasing: obj[vs..<ve]))
                    } else {
                        value = String(decoding: UnsafeRawBufferPointer(rebasing: obj[vs..<ve]), as: UTF8.self)
                    }
                    pairs.append((name, value))
                }
            } catch { return nil }
            if pairs.isEmpty { return nil }
            pairs.sort { $0.0 < $1.0 }
            var out = ""
            for (i, p) in pairs.enumerated() {
                if i > 0 { out += ", " }
                out += p.0; out += "="; out += p.1
            }
            return out
        }
    }

    /// `canonical(_:)` of a slots object's JSON text, as UTF-8 bytes; nil when there are none.
    static func canonicalBytes(object obj: UnsafeRawBufferPointer) -> [UInt8]? {
        var out: [UInt8] = []
        var scratch = Scratch()
        return canonical(object: obj, into: &out, scratch: &scratch) ? out : nil
    }

    /// Scratch space of `canonical(_:into:scratch:)`, reused from record to record.
    struct Scratch {
        var bytes: [UInt8] = []
        var pairs: [(name: Range<Int>, value: Range<Int>)] = []
        var order: [Int] = []
    }

    /// The same text as `canonical(_:)`, appended to `out` as UTF-8 without making a `String`
    /// (it falls back to `canonical(_:)` for non-ASCII slot names, whose `String` order is
    /// Unicode's, not the bytes'). Returns false when there are no slot values.
    static func canonical(object obj: UnsafeRawBufferPointer, into out: inout [UInt8], scratch w: inout Scratch) -> Bool {
        let found: Bool? = { () -> Bool? in
            guard obj.count > 2 else { return false }
            w.bytes.removeAll(keepingCapacity: true)
            w.pairs.removeAll(keepingCapacity: true)
            var ascii = true
            var sc = JSONScanner(obj)
            do {
                try sc.members { ks, ke, kind, vs, ve in
                    if kind == .null { return }
                    let n0 = w.bytes.count
                    unescaped(UnsafeRawBufferPointer(rebasing: obj[ks..<ke]), into: &w.bytes)
                    let n1 = w.bytes.count
                    for i in n0..<n1 where w.bytes[i] >= 0x80 { ascii = false; break }
                    if kind == .string {
                        unescaped(UnsafeRawBufferPointer(rebasing: obj[vs..<ve]), into: &w.bytes)
                    } else {
                        w.bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: obj[vs..<ve]))
                    }
                    w.pairs.append((n0..<n1, n1..<w.bytes.count))
                }
            } catch { return false }
            if w.pairs.isEmpty { return false }
            return ascii ? true : nil
        }()
        guard let found else {
            guard let s = canonical(object: obj) else { return false }
            out.append(contentsOf: s.utf8)
            return true
        }
        guard found else { return false }
        // The same sort as canonical(_:) with the same answers to every comparison (ASCII
        // strings compare as their bytes), so the same order, ties included.
        w.order.removeAll(keepingCapacity: true)
        w.order.append(contentsOf: w.pairs.indices)
        w.bytes.withUnsafeBufferPointer { b in
            w.pairs.withUnsafeBufferPointer { p in
                w.order.sort { x, y in
                    let a = b[p[x].name], c = b[p[y].name]
                    return a.lexicographicallyPrecedes(c)
                }
            }
        }
        for (i, k) in w.order.enumerated() {
            if i > 0 { out.append(0x2c); out.append(0x20) }
            out.append(contentsOf: w.bytes[w.pairs[k].name])
            out.append(0x3d)
            out.append(contentsOf: w.bytes[w.pairs[k].value])
        }
        return true
    }

    /// A JSON string's content, unescaped, appended to `out`.
    static func unescaped(_ b: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        if b.count > 0, memchr(b.baseAddress!, 0x5c, b.count) != nil {
            JSONText.unescape(b, into: &out)
        } else {
            out.append(contentsOf: b)
        }
    }

    /// A JSON string's content, unescaped.
    static func text(_ b: UnsafeRawBufferPointer) -> String {
        if b.count > 0, memchr(b.baseAddress!, 0x5c, b.count) != nil {
            var out: [UInt8] = []
            JSONText.unescape(b, into: &out)
            return String(decoding: out, as: UTF8.self)
        }
        return String(decoding: b, as: UTF8.self)
    }
}

/// Estimated speaking time of a response (SPEC 5.3): the words of `outputSpeech` with SSML tags
/// removed (a tag counts as whitespace; a word is a maximal run of non-whitespace characters) at
/// 2.6 words per second, plus every `<break time="…ms|s"/>` (at most 10 s each); `<audio>` counts zero (its tag, and
/// any text between `<audio …>` and `</audio>`). Rounded to the nearest millisecond.
public enum SpeechTime {
    public static let wordsPerSecond = 2.6
    /// The longest `<break time>` Alexa accepts (SSML reference: "up to 10 seconds").
    public static let maxBreakMs = 10_000.0

    public static func estimateMs(ssmlOrText: String) -> Int64 {
        var s = ssmlOrText
        return s.withUTF8 { estimateMs(utf8: UnsafeRawBufferPointer($0)) }
    }

    /// The same over UTF-8 bytes (Unicode whitespace included).
    public static func estimateMs(utf8 b: UnsafeRawBufferPointer) -> Int64 {
        var words = 0
        var breakMs = 0.0
        var inWord = false
        var audioDepth = 0
        var i = 0
        let n = b.count
        while i < n {
            let c = b[i]
            if c == 0x3c {  // <
                var j = i + 1
                while j < n && b[j] != 0x3e { j += 1 }
                inWord = false
                handleTag(UnsafeRawBufferPointer(rebasing: b[(i + 1)..<min(j, n)]), breakMs: &breakMs, audioDepth: &audioDepth)
                i = j + 1
                continue
            }
            let ws = whitespaceLength(b, i)
            if ws > 0 {
                inWord = false
                i += ws
                continue
            }
            if !inWord {
                inWord = true
                if audioDepth == 0 { words += 1 }
            }
            i += 1
        }
        let ms = Double(words) * 1000 / wordsPerSecond + breakMs
        return Int64(ms.rounded(.toNearestOrAwayFromZero))
    }

    /// The length of the whitespace character at `i` (Unicode White_Space), or 0.
    @inline(__always)
    static func whitespaceLength(_ b: UnsafeRawBufferPointer, _ i: Int) -> Int {
        let c = b[i]
        if c < 0x80 { return c == 0x20 || (c >= 0x09 && c <= 0x0d) ? 1 : 0 }
        let n = b.count
        if c == 0xc2, i + 1 < n, b[i + 1] == 0xa0 || b[i + 1] == 0x85 { return 2 }
        if c == 0xe1, i + 2 < n, b[i + 1] == 0x9a, b[i + 2] == 0x80 { return 3 }
        if c == 0xe2, i + 2 < n {
            let c1 = b[i + 1], c2 = b[i + 2]
            if c1 == 0x80, (c2 >= 0x80 && c2 <= 0x8a) || c2 == 0xa8 || c2 == 0xa9 || c2 == 0xaf { return 3 }
            if c1 == 0x81, c2 == 0x9f { return 3 }
        }
        if c == 0xe3, i + 2 < n, b[i + 1] == 0x80, b[i + 2] == 0x80 { return 3 }
        return 0
    }

    /// One tag's content (between `<` and `>`), read byte by byte: `break time="…"`, `audio`.
    static func handleTag(_ t: UnsafeRawBufferPointer, breakMs: inout Double, audioDepth: inout Int) {
        var i = 0
        let n = t.count
        while i < n, t[i] == 0x20 || t[i] == 0x09 || t[i] == 0x0a || t[i] == 0x0d { i += 1 }
        @inline(__always) func word(_ at: Int, _ w: StaticString) -> Bool {
            let l = w.utf8CodeUnitCount
            guard at + l <= n else { return false }
            for k in 0..<l where t[at + k] | 0x20 != w.utf8Start[k] { return false }
            // The name ends there.
            return at + l == n || !((t[at + l] | 0x20) >= 0x61 && (t[at + l] | 0x20) <= 0x7a)
        }
        if i < n, t[i] == 0x2f {  // a closing tag
            if word(i + 1, "audio") { audioDepth = max(0, audioDepth - 1) }
            return
        }
        if word(i, "audio") {
            if !(n > 0 && t[n - 1] == 0x2f) { audioDepth += 1 }
            return
        }
        guard word(i, "break") else { return }
        // Find the `time` attribute.
        var j = i + 5
        while j + 4 <= n {
            if t[j] | 0x20 == 0x74, t[j + 1] | 0x20 == 0x69, t[j + 2] | 0x20 == 0x6d, t[j + 3] | 0x20 == 0x65,
               t[j - 1] == 0x20 || t[j - 1] == 0x09 || t[j - 1] == 0x0a {
                var k = j + 4
                while k < n, t[k] == 0x20 { k += 1 }
                guard k < n, t[k] == 0x3d else { j += 1; continue }
                k += 1
                while k < n, t[k] == 0x20 { k += 1 }
                guard k < n, t[k] == 0x22 || t[k] == 0x27 else { return }
                let q = t[k]
                k += 1
                let vs = k
                while k < n, t[k] != q { k += 1 }
                var ve = k
                var scale = 1.0
                if ve - vs >= 2, t[ve - 2] | 0x20 == 0x6d, t[ve - 1] | 0x20 == 0x73 { ve -= 2 }
                else if ve - vs >= 1, t[ve - 1] | 0x20 == 0x73 { ve -= 1; scale = 1000 }
                else { return }
                // Alexa allows breaks of up to 10 s; anything else (negative, NaN, 1e300) is not
                // a pause it would make.
                if let v = Double(String(decoding: UnsafeRawBufferPointer(rebasing: t[vs..<ve]), as: UTF8.self)), v.isFinite {
                    breakMs += min(max(v * scale, 0), maxBreakMs)
                }
                return
            }
            j += 1
        }
    }
}

/// Estimated speaking time of a response (SPEC 5.3): the words of `outputSpeech` with SSML tags
/// removed (a tag counts as whitespace; a word is a maximal run of non-whitespace characters) at
/// 2.6 words per second, plus every `<break time="…ms|s"/>`; `<audio>` counts zero (its tag, and
/// any text between `<audio …>` and `</audio>`). Rounded to the nearest millisecond.
public enum SpeechTime {
    public static let wordsPerSecond = 2.6

    public static func estimateMs(ssmlOrText: String) -> Int64 {
        var words = 0
        var breakMs = 0.0
        var inWord = false
        var audioDepth = 0
        let scalars = Array(ssmlOrText.unicodeScalars)
        var i = 0
        let n = scalars.count
        while i < n {
            let c = scalars[i]
            if c == "<" {
                // A tag: find its end.
                var j = i + 1
                while j < n && scalars[j] != ">" { j += 1 }
                let tag = String(String.UnicodeScalarView(scalars[(i + 1)..<min(j, n)]))
                inWord = false
                handleTag(tag, breakMs: &breakMs, audioDepth: &audioDepth)
                i = j + 1
                continue
            }
            if c.properties.isWhitespace {
                inWord = false
            } else if !inWord {
                inWord = true
                if audioDepth == 0 { words += 1 }
            }
            i += 1
        }
        let ms = Double(words) * 1000 / wordsPerSecond + breakMs
        return Int64(ms.rounded(.toNearestOrAwayFromZero))
    }

    static func handleTag(_ tag: String, breakMs: inout Double, audioDepth: inout Int) {
        let t = tag.trimmingPrefixSpaces()
        let selfClosing = t.hasSuffix("/")
        let lower = t.lowercased()
        if lower.hasPrefix("/audio") { audioDepth = max(0, audioDepth - 1); return }
        if lower.hasPrefix("audio") && (lower.count == 5 || !(lower.dropFirst(5).first!.isLetter)) {
            if !selfClosing { audioDepth += 1 }
            return
        }
        guard lower.hasPrefix("break"), let r = lower.firstRange(of: "time") else { return }
        var rest = lower[r.upperBound...].drop { $0 == " " }
        guard rest.first == "=" else { return }
        rest = rest.dropFirst().drop { $0 == " " }
        guard let q = rest.first, q == "\"" || q == "'" else { return }
        let value = rest.dropFirst().prefix { $0 != q }
        if value.hasSuffix("ms"), let v = Double(value.dropLast(2)) { breakMs += v }
        else if value.hasSuffix("s"), let v = Double(value.dropLast(1)) { breakMs += v * 1000 }
    }
}

extension String {
    fileprivate func trimmingPrefixSpaces() -> String {
        String(drop { $0 == " " || $0 == "\t" || $0 == "\n" })
    }
}

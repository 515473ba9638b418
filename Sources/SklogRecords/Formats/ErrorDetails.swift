/// What an invocation's logged error says: the exception's type and message, and the first stack
/// frame in the skill's own code (`errorMessage`, `errorFrame`; docs/records.md). Only error
/// messages are read here, so a run over logs without failures never calls it.
public struct ErrorInfo {
    public var type: String?
    public var message: String?
    public var frame: String?
    public init(type: String? = nil, message: String? = nil, frame: String? = nil) {
        self.type = type; self.message = message; self.frame = frame
    }
}

public enum ErrorDetails {
    /// The longest `errorMessage` and `errorFrame` written, in characters.
    public static let maxLength = 500

    // MARK: Plain text

    /// A plain-text error message (possibly many lines: the message, then its stack): `TypeError:
    /// Cannot read …` / `    at …` (Node), `[ERROR] KeyError: 'x'` + traceback (Python),
    /// `java.lang.IllegalStateException: …` + `\tat …` (Java), `System.…Exception: …` + `   at … in
    /// FILE:line N` (.NET). `valueStart`: where a logged JSON value starts (the head stops there).
    static func fromText(_ text: UnsafeRawBufferPointer, valueStart: Int?) -> ErrorInfo {
        let s = String(decoding: text, as: UTF8.self)
        var lines = s.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        if lines.count > 400 { lines = Array(lines.prefix(400)) }
        var head: Substring = lines.first { !$0.allSatisfy(\.isWhitespace) } ?? ""
        if let v = valueStart, v < (head.utf8.count), head.startIndex == s.startIndex {
            head = Substring(String(decoding: head.utf8.prefix(v), as: UTF8.self))
        }
        // `print(traceback.format_exc())`: Python names the exception on the traceback's last line.
        if head.hasPrefix("Traceback (most recent call last)"),
           let last = lines.last(where: { l in !l.isEmpty && l.first != " " && l.first != "\t" && !l.hasPrefix("Traceback") }) {
            head = last
        }
        var info = ErrorInfo()
        let h = Substring(head).trimmingWhitespace()
        if let (type, rest) = typeAndMessage(h) {
            info.type = type
            info.message = clean(String(rest))
        } else if !h.isEmpty {
            info.message = clean(String(h))
        }
        info.frame = frame(in: lines)
        return info
    }

    /// `Type: message` somewhere in `head`: the first word (dots allowed) that ends in `:` and
    /// names an exception (has `Error` or `Exception` in it), and the text after it.
    static func typeAndMessage(_ head: Substring) -> (String, Substring)? {
        let u = Array(head.utf8)
        var i = 0
        while i < u.count {
            // The start of a word.
            if i > 0, u[i - 1] != 0x20 && u[i - 1] != 0x09 { i += 1; continue }
            var e = i
            while e < u.count, isTypeByte(u[e]) { e += 1 }
            if e > i, e < u.count, u[e] == 0x3a, e + 1 == u.count || u[e + 1] == 0x20 {
                let word = String(decoding: u[i..<e], as: UTF8.self)
                if word.contains("Error") || word.contains("Exception") {
                    var m = e + 1
                    while m < u.count, u[m] == 0x20 { m += 1 }
                    let rest = String(decoding: u[m...], as: UTF8.self)
                    return (word, Substring(rest))
                }
            }
            i = max(e, i + 1)
        }
        // A bare exception name (`raise KeyError` logs `[ERROR] KeyError`).
        if !u.isEmpty, u.allSatisfy(isTypeByte), head.hasSuffix("Error") || head.hasSuffix("Exception") { return (String(head), "") }
        return nil
    }

    @inline(__always)
    static func isTypeByte(_ c: UInt8) -> Bool {
        (c | 0x20 >= 0x61 && c | 0x20 <= 0x7a) || (c >= 0x30 && c <= 0x39) || c == 0x2e || c == 0x5f || c == 0x24
    }

    // MARK: Stack frames

    /// The first frame of the skill's own code in a stack (Node, Java and .NET list the innermost
    /// call first; a Python traceback lists it last, so there the last of the skill's frames).
    static func frame<S: StringProtocol>(in lines: [S]) -> String? {
        var pythonFrame: String?
        var sawPython = false
        for raw in lines {
            let l = Substring(raw).trimmingWhitespace()
            if l.hasPrefix("File \"") {
                sawPython = true
                if let f = pythonLocation(l), isSkillPath(f.path) { pythonFrame = f.path + ":" + f.line }
                continue
            }
            guard !sawPython, l.hasPrefix("at ") else { continue }
            if let f = stackLocation(l.dropFirst(3)) { return cut(f) }
        }
        return pythonFrame.map(cut)
    }

    /// `File "/var/task/lambda_function.py", line 21, in lambda_handler`.
    static func pythonLocation(_ l: Substring) -> (path: String, line: String)? {
        let afterQuote = l.dropFirst(6)
        guard let q = afterQuote.firstIndex(of: "\"") else { return nil }
        let path = afterQuote[..<q]
        guard let r = afterQuote[q...].range(of: ", line ") else { return nil }
        let digits = afterQuote[r.upperBound...].prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty else { return nil }
        return (String(path), String(digits))
    }

    /// One `at …` frame of Node, Java or .NET, if it is in the skill's code: its location.
    static func stackLocation(_ f: Substring) -> String? {
        var f = f.trimmingWhitespace()
        if f.hasPrefix("async ") { f = f.dropFirst(6) }
        // .NET: `Ns.Type.Method(Args args) in /path/File.cs:line 40`.
        if let r = f.range(of: ") in ", options: .backwards) {
            let method = f[..<r.lowerBound]
            guard isSkillDotNet(method) else { return nil }
            let loc = f[r.upperBound...]
            if let l = loc.range(of: ":line ", options: .backwards) { return String(loc[..<l.lowerBound]) + ":" + loc[l.upperBound...] }
            return String(loc)
        }
        // Node: `Object.handle (/var/task/index.js:41:33)` or `/var/task/index.js:41:33`.
        if let open = f.range(of: " (", options: .backwards), f.hasSuffix(")") {
            let loc = f[open.upperBound..<f.index(before: f.endIndex)]
            return nodeLocation(loc)
        }
        if f.first == "/" || f.hasPrefix("file://") || f.hasPrefix("node:") || f.hasPrefix("internal/") { return nodeLocation(f) }
        // Java: `com.example.Handler.handle(Handler.java:31)`; .NET without file: `Ns.Type.Method(A a)`.
        if let p = f.firstIndex(of: "("), f.hasSuffix(")") {
            let method = f[..<p]
            let args = f[p...]
            let java = args.contains(".java:") || args.contains(".kt:") || args == "(Native Method)" || args == "(Unknown Source)"
            if !java && (args.contains(" ") || args.contains(",") || args == "()") {
                return isSkillDotNet(method) ? String(method) : nil
            }
            return isSkillJava(method) ? String(f) : nil
        }
        return nil
    }

    static func nodeLocation(_ loc: Substring) -> String? {
        var loc = loc
        if loc.hasPrefix("file://") { loc = loc.dropFirst(7) }
        guard !loc.hasPrefix("node:"), !loc.hasPrefix("internal/"), !loc.hasPrefix("<anonymous>"), loc != "native",
              loc.contains(":"), isSkillPath(loc) else { return nil }
        return String(loc)
    }

    /// A path of the skill's own files: not the runtime's, nor a dependency's.
    static func isSkillPath<S: StringProtocol>(_ p: S) -> Bool {
        let runtime = ["/var/runtime/", "/var/lang/", "/opt/nodejs/", "/opt/python/", "/usr/lib/", "/usr/local/lib/", "<frozen", "<string>"]
        for r in runtime where p.hasPrefix(r) { return false }
        let libraries = ["/node_modules/", "site-packages/", "dist-packages/", "/bootstrap.py", "/awslambdaric/"]
        for l in libraries where p.contains(l) { return false }
        return true
    }

    static func isSkillJava<S: StringProtocol>(_ method: S) -> Bool {
        let library = ["java.", "javax.", "jdk.", "sun.", "com.sun.", "com.amazon.ask.", "com.amazonaws.", "software.amazon.",
                       "lambdainternal.", "kotlin.", "kotlinx.", "scala.", "org.apache.", "com.fasterxml.", "org.slf4j.", "reactor."]
        for l in library where method.hasPrefix(l) { return false }
        return method.contains(".")
    }

    static func isSkillDotNet<S: StringProtocol>(_ method: S) -> Bool {
        let library = ["System.", "Microsoft.", "Amazon.Lambda.", "Amazon.Runtime.", "Alexa.NET.", "Newtonsoft.", "Amazon.", "lambda_method"]
        for l in library where method.hasPrefix(l) { return false }
        return true
    }

    // MARK: Structured errors

    /// `{"errorType":…,"errorMessage":…,"stack"|"stackTrace":[…]}` (Node's `Invoke Error`, a
    /// Lambda JSON error line, Python's error object).
    static func fromObject(_ d: JSONDocument, _ n: Int32) -> ErrorInfo {
        var info = ErrorInfo()
        info.type = d.string(d.member(n, "errorType"))
        info.message = d.string(d.member(n, "errorMessage")).map { clean(firstLine($0)) }
        var lines: [Substring] = []
        if let st = d.member(n, "stack") ?? d.member(n, "stackTrace") {
            if d.kind(st) == .array {
                for c in d.children(st).prefix(200) {
                    if let t = d.string(c) { lines.append(contentsOf: t.split(separator: "\n", omittingEmptySubsequences: false)) }
                }
            } else if let t = d.string(st) {
                lines = t.split(separator: "\n", omittingEmptySubsequences: false)
            }
        }
        info.frame = frame(in: lines)
        return info
    }

    static func firstLine(_ s: String) -> String {
        String(s.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
    }

    // MARK: Cleaning

    /// The message on one line, tokens masked, at most `maxLength` characters.
    public static func clean(_ s: String) -> String {
        var b = Array(s.utf8)
        for k in b.indices where b[k] < 0x20 && b[k] != 0x09 { b[k] = 0x20 }
        while let l = b.last, l == 0x20 || l == 0x09 { b.removeLast() }
        maskTokens(&b)
        return cut(String(decoding: b, as: UTF8.self))
    }

    /// At most `maxLength` characters (never inside a UTF-8 sequence or a grapheme).
    static func cut(_ s: String) -> String {
        s.count <= maxLength ? s : String(s.prefix(maxLength))
    }

    /// Masks what looks like a credential: `…token": "value"` (as in rejects), Login with Amazon
    /// tokens (`Atza|…`, `Atzr|…`), JWTs (`eyJ….…`) and `Bearer …`.
    static func maskTokens(_ b: inout [UInt8]) {
        b.withUnsafeBytes { b0 in
            let m = EnvelopeReader.masked(b0, limit: Int.max)
            b = m
        }
        var i = 0
        while i < b.count {
            var start = -1
            if i + 5 <= b.count, b[i] == 0x41, b[i + 1] == 0x74, b[i + 2] == 0x7a, b[i + 3] == 0x61 || b[i + 3] == 0x72, b[i + 4] == 0x7c {
                start = i + 5  // Atza| Atzr|
            } else if i + 3 <= b.count, b[i] == 0x65, b[i + 1] == 0x79, b[i + 2] == 0x4a, i == 0 || !isTokenByte(b[i - 1]) {
                start = i      // eyJ…
            } else if i + 7 <= b.count, b[i] == 0x42, b[i + 1] == 0x65, b[i + 2] == 0x61, b[i + 3] == 0x72, b[i + 4] == 0x65, b[i + 5] == 0x72, b[i + 6] == 0x20 {
                start = i + 7  // Bearer
            }
            guard start >= 0 else { i += 1; continue }
            var e = start
            while e < b.count, isTokenByte(b[e]) || b[e] == 0x7c { e += 1 }
            if e - start >= 8 {
                b.replaceSubrange(start..<e, with: Array("***".utf8))
                i = start + 3
            } else {
                i = max(e, i + 1)
            }
        }
    }

    @inline(__always)
    static func isTokenByte(_ c: UInt8) -> Bool {
        (c | 0x20 >= 0x61 && c | 0x20 <= 0x7a) || (c >= 0x30 && c <= 0x39) || c == 0x2d || c == 0x5f || c == 0x2e
            || c == 0x2b || c == 0x2f || c == 0x3d
    }
}

extension Substring {
    /// Without leading and trailing spaces, tabs and CRs.
    func trimmingWhitespace() -> Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s = s.dropLast() }
        return s
    }
}

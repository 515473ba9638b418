/// `--redact`: the one place that decides what a shareable output may show (docs/design.md,
/// "Terminal safety, redaction"). Every output path goes through it.
///
/// - user, device and session IDs become stable hashes (`redacted-<hex>`: the same ID gives the
///   same token in every output and every run);
/// - utterances and slot values are masked (`***`); an `Intent(slot=value, …)` signature keeps
///   its slot names: `Intent(slot=***, …)`;
/// - any other string that holds an Alexa ID (`amzn1.` followed by anything but a skill, request
///   or product ID: `amzn1.ask.account.…`, `amzn1.ask.device.…`, `amzn1.echo-api.session.…`,
///   `amzn1.ask.person.…`, `amzn1.account.…`) is hashed the same way, wherever it appears;
/// - in fields outside the canonical record (nested objects and arrays included) numbers,
///   booleans, null and member names are kept; a string is kept only when it looks like a code
///   (see `looksLikeCode`), else it is masked: free text cannot be classified, so it is hidden.
public enum Redactor {
    public static let mask = "***"

    public static func token(_ r: Record, _ f: Field) -> String {
        let h = r.hash(f)
        return "redacted-" + String(h, radix: 16)
    }

    public static func token(_ s: String) -> String { "redacted-" + String(byteHash(s), radix: 16) }

    /// Whether `s` holds a personal Alexa ID (anything `amzn1.` but a skill, request or product ID).
    public static func holdsAlexaID(_ s: String) -> Bool {
        holdsAlexaID(Array(s.utf8))
    }

    static let amzn1 = Array("amzn1.".utf8)
    /// Skill, request and product IDs name no person.
    static let notPersonal = [Array("ask.skill.".utf8), Array("echo-api.request.".utf8), Array("adg.product.".utf8)]

    static func holdsAlexaID(_ b: [UInt8]) -> Bool {
        guard b.count >= amzn1.count else { return false }
        var i = 0
        while i + amzn1.count <= b.count {
            if b[i] == 0x61 && b[i + 1] == 0x6d && b[i + 2] == 0x7a && b[i + 3] == 0x6e && b[i + 4] == 0x31 && b[i + 5] == 0x2e {
                let rest = i + amzn1.count
                let harmless = notPersonal.contains { p in rest + p.count <= b.count && Array(b[rest..<rest + p.count]) == p }
                if !harmless { return true }
                i = rest
                continue
            }
            i += 1
        }
        return false
    }

    /// A canonical text field's value under --redact: IDs hashed, text masked, the rest kept
    /// (an Alexa ID in any other field is hashed too).
    public static func field(_ name: String, _ value: String) -> String {
        switch name {
        case "userId", "deviceId", "sessionId": return token(value)
        case "utterance", "slots": return mask
        // An exception's message often echoes what the user said (a slot value in quotes) or an
        // ID: shown as `sklog errors` groups it, with those parts masked.
        case "errorMessage": return ErrorSignature.mask(value)
        case "messageId", "skillId", "ts", "src": return value
        default: return holdsAlexaID(value) ? token(value) : value
        }
    }

    /// A string in a field outside the canonical record that may stay as it is: at most 32 bytes
    /// of letters, digits and `. _ : / + -`, with a digit, an upper-case letter only, or a
    /// `.`, `:` or `/` (enum values like `HUB`, versions like `1.0`, times, endpoints). A plain
    /// word (`trivia`, a name) is masked.
    public static func looksLikeCode(_ b: [UInt8]) -> Bool {
        if b.isEmpty { return true }
        if b.count > 32 { return false }
        var lower = false, marked = false
        for c in b {
            switch c {
            case 0x61...0x7a: lower = true
            case 0x41...0x5a, 0x2d, 0x2b, 0x5f: break
            case 0x30...0x39, 0x2e, 0x3a, 0x2f: marked = true
            default: return false
            }
        }
        return marked || !lower
    }

    /// `PlayIntent(song=yesterday, artist=x)` -> `PlayIntent(song=***, artist=***)`; slot names
    /// that are not plain names are left out. Text without `(…)` is returned as it is.
    public static func maskSignature(_ s: String) -> String {
        guard let open = s.firstIndex(of: "("), s.hasSuffix(")") else { return s }
        let name = s[..<open]
        let inner = s[s.index(after: open)..<s.index(before: s.endIndex)]
        if inner.isEmpty { return s }
        let slots = inner.split(separator: ",", omittingEmptySubsequences: false).compactMap { part -> String? in
            let p = part.drop { $0 == " " }
            guard let eq = p.firstIndex(of: "=") else { return nil }
            let slotName = p[..<eq]
            guard !slotName.isEmpty, slotName.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }) else { return nil }
            return "\(slotName)=\(mask)"
        }
        return "\(name)(\(slots.joined(separator: ", ")))"
    }

    /// Re-emits the record's JSON with sensitive members replaced.
    static func rewrite(_ r: Record, into out: inout [UInt8]) {
        r.withLine { line in
            guard let doc = try? JSONDocument(bytes: Array(line)), doc.kind(doc.root) == .object else {
                // Deeper than the DOM goes (the record parser skips nested values): the canonical
                // members only, each by `field(_:_:)`.
                out.append(0x7b)
                out.append(contentsOf: #""ts":""#.utf8); Timestamp.format(r.ts, into: &out); out.append(0x22)
                let values = RecordValues(r, redact: true)
                for (name, kind) in CanonicalFields.all where name != "ts" && name != "src" && kind != .object {
                    guard let v = values.text(name) else { continue }
                    out.append(0x2c); JSONText.appendQuoted(name, to: &out); out.append(0x3a)
                    if kind == .string { JSONText.appendQuoted(v, to: &out) } else { out.append(contentsOf: v.utf8) }
                }
                out.append(0x7d)
                return
            }
            out.append(0x7b)
            var first = true
            for c in doc.children(doc.root) {
                if !first { out.append(0x2c) }
                first = false
                let node = doc.nodes[Int(c)]
                let key = doc.keyString(c) ?? ""
                out.append(0x22); out.append(contentsOf: doc.bytes[Int(node.keyStart)..<Int(node.keyEnd)]); out.append(0x22); out.append(0x3a)
                switch key {
                case "ts" where !r.tsCanonical:
                    out.append(0x22); Timestamp.format(r.ts, into: &out); out.append(0x22)
                case "slots":
                    if node.kind == .object {
                        out.append(0x7b)
                        for (k, m) in doc.children(c).enumerated() {
                            if k > 0 { out.append(0x2c) }
                            let mn = doc.nodes[Int(m)]
                            out.append(0x22); out.append(contentsOf: doc.bytes[Int(mn.keyStart)..<Int(mn.keyEnd)]); out.append(0x22); out.append(0x3a)
                            if mn.kind == .null { out.append(contentsOf: "null".utf8) } else { JSONText.appendQuoted(mask, to: &out) }
                        }
                        out.append(0x7d)
                    } else { value(doc, c, canonical: nil, into: &out) }
                default:
                    value(doc, c, canonical: CanonicalFields.kinds[key] != nil && key != "state" ? key : nil, into: &out)
                }
            }
            out.append(0x7d)
        }
    }

    /// Node `n` redacted: a canonical field by `field(_:_:)`, anything else by the rule for
    /// unknown fields, recursively.
    static func value(_ doc: JSONDocument, _ n: Int32, canonical: String?, into out: inout [UInt8]) {
        let node = doc.nodes[Int(n)]
        switch node.kind {
        case .object, .array:
            let obj = node.kind == .object
            out.append(obj ? 0x7b : 0x5b)
            for (k, c) in doc.children(n).enumerated() {
                if k > 0 { out.append(0x2c) }
                if obj {
                    let cn = doc.nodes[Int(c)]
                    out.append(0x22); out.append(contentsOf: doc.bytes[Int(cn.keyStart)..<Int(cn.keyEnd)]); out.append(0x22); out.append(0x3a)
                }
                value(doc, c, canonical: nil, into: &out)
            }
            out.append(obj ? 0x7d : 0x5d)
        case .string:
            let s = doc.string(n) ?? ""
            if let canonical {
                let v = field(canonical, s)
                if v == s { doc.appendJSON(n, to: &out) } else { JSONText.appendQuoted(v, to: &out) }
                return
            }
            let b = Array(s.utf8)
            if holdsAlexaID(b) { JSONText.appendQuoted(token(s), to: &out) }
            else if looksLikeCode(b) { doc.appendJSON(n, to: &out) }
            else { JSONText.appendQuoted(mask, to: &out) }
        default:
            doc.appendJSON(n, to: &out)
        }
    }
}

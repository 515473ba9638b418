import SklogIO

/// Writes records as canonical NDJSON (keeping unknown fields), CSV or TSV.
public final class RecordWriter {
    public enum Format: String, CaseIterable, Sendable { case ndjson, csv, tsv }
    public let format: Format
    public let out: OutputBuffer
    public let names: [String]
    public let redact: Bool
    private var scratch: [UInt8] = []
    private var wroteHeader = false
    /// NDJSON: add `"match":true` to the next record written (`grep --session-context` marks the
    /// records that matched among their sessions' other records). Reset by each write.
    public var markMatch = false

    public init(format: Format, out: OutputBuffer, inputNames: [String], redact: Bool) {
        self.format = format
        self.out = out
        self.names = inputNames
        self.redact = redact
        scratch.reserveCapacity(4096)
    }

    public func write(_ r: Record) throws {
        switch format {
        case .ndjson: try writeJSON(r)
        case .csv, .tsv: try writeDelimited(r, sep: format == .csv ? 0x2c : 0x09)
        }
    }

    /// The `src` value: the record's own, else FILE:LINE of where it was read.
    public func src(_ r: Record) -> String {
        r.string(r.src) ?? "\(names.indices.contains(Int(r.input)) ? names[Int(r.input)] : "-"):\(r.line)"
    }

    /// Input names as JSON-escaped bytes, for `src` values written without making Strings.
    private lazy var quotedNames: [[UInt8]] = names.map { n in
        var q: [UInt8] = []
        JSONText.appendQuoted(n, to: &q)
        q.removeLast()  // the closing quote comes after ":LINE"
        return q
    }

    func writeJSON(_ r: Record) throws {
        if r.tsCanonical && !redact {
            // Fast path: the line as it is, with src (and implied fields) added before its '}'.
            if r.src.isPresent && !r.stageImplied && !r.productTypeImplied && !markMatch {
                try r.withLine { try out.write($0) }
                try out.write(byte: 0x0a)
                return
            }
            try r.withLine { line in
                var end = line.count
                while end > 0 && line[end - 1] != 0x7d { end -= 1 }
                try out.write(UnsafeRawBufferPointer(rebasing: line[0..<max(0, end - 1)]))
            }
            try writeAddedMembers(r)
            return
        }
        scratch.removeAll(keepingCapacity: true)
        if redact {
            Redactor.rewrite(r, into: &scratch)
        } else {
            r.withLine { line in
                let s = Int(r.tsValue.start), e = s + Int(r.tsValue.count)
                scratch.append(contentsOf: line[0..<s])
                scratch.append(0x22); Timestamp.format(r.ts, into: &scratch); scratch.append(0x22)
                scratch.append(contentsOf: line[e...])
            }
        }
        // Drop the closing brace (and trailing spaces) to add members.
        while let last = scratch.last, last != 0x7d { scratch.removeLast() }
        scratch.removeLast()
        try out.write(scratch)
        try writeAddedMembers(r)
    }

    /// `,"src":"FILE:LINE"` when the record has none, `stage` and `productType` when implied
    /// (from --stage and --products), then `}\n`.
    private func writeAddedMembers(_ r: Record) throws {
        if !r.src.isPresent {
            try out.write(Self.srcKey)
            if names.indices.contains(Int(r.input)) { try out.write(quotedNames[Int(r.input)]) } else { try out.write(Self.dashQuote) }
            try out.write(byte: 0x3a)
            try writeDecimal(r.line)
            try out.write(byte: 0x22)
        }
        if r.stageImplied, let st = r.string(r.stage) {
            try out.write(#","stage":"#)
            try out.write(JSONText.quoted(st))
        }
        if r.productTypeImplied, let t = r.string(r.productType) {
            try out.write(#","productType":"#)
            try out.write(JSONText.quoted(t))
        }
        if markMatch {
            markMatch = false
            try out.write(#","match":true"#)
        }
        try out.write(byte: 0x7d)
        try out.write(byte: 0x0a)
    }

    private static let srcKey = Array(#","src":"#.utf8)
    private static let dashQuote = Array("\"-".utf8)

    private func writeDecimal(_ v: Int64) throws {
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0)
        var n = v < 0 ? 0 : v
        try withUnsafeMutableBytes(of: &digits) { buf in
            var i = buf.count
            repeat { i -= 1; buf[i] = UInt8(48 + n % 10); n /= 10 } while n > 0
            try out.write(UnsafeRawBufferPointer(rebasing: buf[i...]))
        }
    }

    func writeDelimited(_ r: Record, sep: UInt8) throws {
        if !wroteHeader {
            wroteHeader = true
            try out.write(CanonicalFields.all.map(\.name).joined(separator: sep == 0x2c ? "," : "\t") + "\n")
        }
        scratch.removeAll(keepingCapacity: true)
        let values = RecordValues(r, redact: redact)
        for (i, f) in CanonicalFields.all.enumerated() {
            if i > 0 { scratch.append(sep) }
            let v: String? = f.name == "src" ? src(r) : values.text(f.name)
            guard let v else { continue }
            if sep == 0x2c { CSV.appendCell(v, to: &scratch) } else { CSV.appendTSVCell(v, to: &scratch) }
        }
        scratch.append(0x0a)
        try out.write(scratch)
    }
}

/// Field values of a record as text, by canonical name (for CSV, tables and redaction).
public struct RecordValues {
    let r: Record
    let redact: Bool
    public init(_ r: Record, redact: Bool = false) { self.r = r; self.redact = redact }

    public func text(_ name: String) -> String? {
        let v = value(name)
        // --redact: an Alexa ID in any other text field is hashed too (Redactor.field).
        if redact, let v, name != "sessionId" && name != "userId" && name != "deviceId" { return Redactor.field(name, v) }
        return v
    }

    private func value(_ name: String) -> String? {
        func s(_ f: Field) -> String? { r.string(f) }
        func flag(_ f: TriState) -> String? { f == .unknown ? nil : (f == .yes ? "true" : "false") }
        func num(_ v: Int64) -> String? { v < 0 ? nil : String(v) }
        func id(_ f: Field) -> String? { redact ? (f.isPresent ? Redactor.token(r, f) : nil) : s(f) }
        switch name {
        case "ts": return Timestamp.string(r.ts)
        case "messageId": return s(r.messageId)
        case "sessionId": return id(r.sessionId)
        case "userId": return id(r.userId)
        case "deviceId": return id(r.deviceId)
        case "skillId": return s(r.skillId)
        case "stage": return s(r.stage)
        case "locale": return s(r.locale)
        case "skillType": return s(r.skillType)
        case "requestType": return s(r.requestType)
        case "intent": return s(r.intent)
        case "slots": return redact ? (r.slots.isPresent ? Redactor.mask : nil) : s(r.slots)
        case "utterance": return redact ? (r.utterance.isPresent ? Redactor.mask : nil) : s(r.utterance)
        case "confidence": return r.confidence.name
        case "latencyMs": return num(r.latencyMs)
        case "latencySource": return s(r.latencySource)
        case "outcome": return r.outcome.name
        case "errorType": return s(r.errorType)
        case "errorMessage": return s(r.errorMessage)
        case "errorFrame": return s(r.errorFrame)
        case "endSession": return flag(r.endSession)
        case "reprompt": return flag(r.reprompt)
        case "speechMs": return num(r.speechMs)
        case "bargeIn": return flag(r.bargeIn)
        case "unhandled": return flag(r.unhandled)
        case "reason": return s(r.reason)
        case "namespace": return s(r.namespace)
        case "name": return s(r.name)
        case "endpointId": return s(r.endpointId)
        case "correlationToken": return s(r.correlationToken)
        case "state": return s(r.state)
        case "ispAction": return s(r.ispAction)
        case "productId": return s(r.productId)
        case "productType": return s(r.productType)
        case "purchaseResult": return s(r.purchaseResult)
        case "offerHeard": return flag(r.offerHeard)
        case "trial": return flag(r.trial)
        case "grantType": return s(r.grantType)
        case "via": return s(r.via)
        case "lambdaRequestId": return s(r.lambdaRequestId)
        case "src": return s(r.src)
        default: return nil
        }
    }
}

/// CSV and TSV cells: control characters shown escaped (`TerminalText`; CSV keeps tabs and line
/// feeds, which its quoting carries), then neutralized against formula injection: a text cell
/// that begins with `=`, `+`, `-`, `@`, tab or carriage return gets a leading `'`.
public enum CSV {
    /// The one formula guard, for CSV and TSV alike. A leading quote makes spreadsheets show the
    /// text instead of evaluating it; plain negative numbers are left alone.
    public static func neutralized(_ v: String) -> String {
        if let f = v.utf8.first, f == 0x3d || f == 0x2b || f == 0x2d || f == 0x40 || f == 0x09 || f == 0x0d {
            if !(f == 0x2d && Double(v) != nil) { return "'" + v }
        }
        return v
    }

    public static func appendCell(_ v: String, to out: inout [UInt8]) {
        let v = neutralized(TerminalText.safe(v, keepNewlines: true, keepTabs: true))
        if v.utf8.contains(where: { $0 == 0x2c || $0 == 0x22 || $0 == 0x0a || $0 == 0x0d }) {
            out.append(0x22)
            for c in v.utf8 { if c == 0x22 { out.append(0x22) }; out.append(c) }
            out.append(0x22)
        } else {
            out.append(contentsOf: v.utf8)
        }
    }

    public static func cell(_ v: String) -> String {
        var out: [UInt8] = []
        appendCell(v, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// A TSV cell: tab, line feed and carriage return as `\t`, `\n`, `\r`, other control
    /// characters as `TerminalText` shows them; neutralized like a CSV cell.
    public static func appendTSVCell(_ v: String, to out: inout [UInt8]) {
        let v = neutralized(TerminalText.safe(v, keepNewlines: true, keepTabs: true, keepReturns: true))
        for c in v.utf8 {
            switch c {
            case 0x09: out.append(contentsOf: [0x5c, 0x74])
            case 0x0a: out.append(contentsOf: [0x5c, 0x6e])
            case 0x0d: out.append(contentsOf: [0x5c, 0x72])
            default: out.append(c)
            }
        }
    }
}

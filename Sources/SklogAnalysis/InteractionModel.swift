import SklogRecords

/// The intents an ASK interaction model defines (`interactionModels/custom/LOCALE.json`):
/// `interactionModel.languageModel.intents[].name`. Used for unhandled requests (SPEC 5.3).
public enum InteractionModel {
    public struct Invalid: Error, CustomStringConvertible {
        public var description: String
    }

    public static func intentNames(_ text: String) throws -> Set<String> {
        var t = text
        return try t.withUTF8 { try intentNames(UnsafeRawBufferPointer($0)) }
    }

    public static func intentNames(_ json: UnsafeRawBufferPointer) throws -> Set<String> {
        func member(_ obj: UnsafeRawBufferPointer, _ name: String) throws -> (JSONValueKind, UnsafeRawBufferPointer)? {
            var sc = JSONScanner(obj)
            var found: (JSONValueKind, UnsafeRawBufferPointer)? = nil
            try sc.members { ks, ke, kind, vs, ve in
                if found == nil, SlotValues.text(UnsafeRawBufferPointer(rebasing: obj[ks..<ke])) == name {
                    // Objects and arrays: the whole value; strings: the content.
                    found = (kind, UnsafeRawBufferPointer(rebasing: obj[vs..<ve]))
                }
            }
            return found
        }
        do {
            guard let (k1, im) = try member(json, "interactionModel"), k1 == .object,
                  let (k2, lm) = try member(im, "languageModel"), k2 == .object,
                  let (k3, intents) = try member(lm, "intents"), k3 == .array else {
                throw Invalid(description: "no interactionModel.languageModel.intents array")
            }
            var names = Set<String>()
            var sc = JSONScanner(intents)
            sc.pos = 1
            while true {
                sc.skipSpace()
                guard sc.pos < sc.count else { break }
                if intents[sc.pos] == 0x5d { break }
                let v = try sc.scanValue()
                if v.kind == .object, let (kind, name) = try member(UnsafeRawBufferPointer(rebasing: intents[v.start..<v.end]), "name"), kind == .string {
                    names.insert(SlotValues.text(name))
                }
                sc.skipSpace()
                if sc.pos < sc.count, intents[sc.pos] == 0x2c { sc.pos += 1 }
            }
            return names
        } catch let e as JSONScanError {
            throw Invalid(description: "invalid JSON at byte \(e.offset): \(e.message)")
        }
    }
}

import ArgumentParser
import SklogAnalysis
import SklogRecords

/// The session and friction parameters of SPEC 5.2 and 5.3, shared by sklog-sessions,
/// sklog-friction, sklog-paths and the other tools that reconstruct sessions.
public struct SessionOptionsGroup: ParsableArguments {
    @Option(name: .customLong("idle-timeout"), help: ArgumentHelp("A session ends after this much record time without a record (e.g. 10m, 90s; a bare number is milliseconds).", valueName: "duration"))
    public var idleTimeout: String = "10m"

    @Option(name: .customLong("barge-in-allowance"), help: ArgumentHelp("Allowance for the user's words and recognition when inferring barge-ins (a bare number is milliseconds).", valueName: "duration"))
    public var bargeInAllowance: String = "1000ms"

    @Option(name: .customLong("retry-window"), help: ArgumentHelp("A turn repeated (same intent and slot values) within this time is a retry (a bare number is milliseconds).", valueName: "duration"))
    public var retryWindow: String = "15s"

    @Option(name: .customLong("min-confidence"), help: ArgumentHelp("Intent confidence counted as low-confidence friction: LOW, or MEDIUM to count MEDIUM too.", valueName: "level"))
    public var minConfidence: String = "LOW"

    @Option(name: .customLong("model"), help: ArgumentHelp("ASK interaction model JSON (interactionModels/custom/LOCALE.json); an intent it does not define is an unhandled request. Repeat for several locales.", valueName: "file"),
            completion: .file())
    public var model: [String] = []

    public init() {}

    public func validate() throws {
        for (name, v) in [("--idle-timeout", idleTimeout), ("--barge-in-allowance", bargeInAllowance), ("--retry-window", retryWindow)] {
            guard SessionOptionsGroup.milliseconds(v) != nil else { throw ValidationError("invalid \(name) '\(v)' (e.g. 10m, 15s, 1000ms)") }
        }
        guard ["LOW", "MEDIUM"].contains(minConfidence.uppercased()) else { throw ValidationError("--min-confidence must be LOW or MEDIUM") }
    }

    /// A duration in milliseconds: `10m`, `15s`, `1000ms`, or a bare number of milliseconds.
    public static func milliseconds(_ s: String) -> Int64? {
        if !s.isEmpty, s.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) { return Int64(s) }
        return Timestamp.parseDuration(s)
    }

    /// The options as the Sessionizer takes them (reads the --model files).
    public func sessionOptions() throws -> SessionOptions {
        var o = SessionOptions()
        o.idleTimeoutMs = SessionOptionsGroup.milliseconds(idleTimeout) ?? o.idleTimeoutMs
        o.bargeInAllowanceMs = SessionOptionsGroup.milliseconds(bargeInAllowance) ?? o.bargeInAllowanceMs
        o.retryWindowMs = SessionOptionsGroup.milliseconds(retryWindow) ?? o.retryWindowMs
        o.countMediumAsLow = minConfidence.uppercased() == "MEDIUM"
        if !model.isEmpty {
            var intents = Set<String>()
            for path in model {
                guard let text = readSmallFile(path) else { throw ValidationError("cannot read --model \(path)") }
                do {
                    intents.formUnion(try InteractionModel.intentNames(text))
                } catch {
                    throw ValidationError("--model \(path): \(error)")
                }
            }
            o.modelIntents = intents
        }
        return o
    }
}

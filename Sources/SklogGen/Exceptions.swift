// The exceptions the simulator plants in raw Lambda logs (the `Invoke Error` of a failed custom
// skill invocation): a few signatures with variable parts, and stacks that run through the ASK
// SDK's files and, for most, the skill's own. The variant and the variable part come from the
// invocation's Lambda request id (no random draws: every other byte of the output stays as it was).

struct PlantedException {
    /// `errorType` in the `Invoke Error` object.
    let type: String
    let message: String
    let stack: [String]
    /// The group `sklog errors` puts it in: errorType, message with its variable parts masked,
    /// the skill's frame (what the ground truth lists).
    let groupType: String
    let groupMessage: String
    let groupFrame: String?
}

private let sdkFrames = [
    "    at GenericRequestDispatcher.dispatchRequest (/var/task/node_modules/ask-sdk-runtime/dist/dispatcher/GenericRequestDispatcher.js:87:23)",
    "    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)",
    "    at async CustomSkill.invoke (/var/task/node_modules/ask-sdk-core/dist/skill/CustomSkill.js:67:29)",
]

func plantedException(_ r: Rec) -> PlantedException {
    let et = Int(r.errorType)
    let h = r.lambdaId.lo ^ (r.lambdaId.hi >> 7)
    func skill(_ frame: String, _ fn: String) -> String { "    at \(fn) (\(frame))" }
    switch et {
    case E.noHandler:
        let type = "AskSdk.GenericRequestDispatcher Error", m = "Unable to find a suitable request handler."
        return PlantedException(type: type, message: m, stack: [type + ": " + m] + sdkFrames,
                                groupType: "NoHandler", groupMessage: "", groupFrame: nil)
    case E.typeError:
        // One message, thrown from two places: two groups.
        let prop = ["score", "value", "answer", "slots"][Int(h % 4)]
        let frame = (h >> 8) % 3 == 0 ? "/var/task/index.js:118:17" : "/var/task/handlers/AnswerIntentHandler.js:42:31"
        let fn = frame.hasSuffix("118:17") ? "Object.handle" : "AnswerIntentHandler.handle"
        let m = "Cannot read properties of undefined (reading '\(prop)')"
        return PlantedException(type: "TypeError", message: m, stack: ["TypeError: " + m, skill(frame, fn)] + sdkFrames,
                                groupType: "TypeError", groupMessage: "Cannot read properties of undefined (reading <str>)", groupFrame: frame)
    case E.referenceError:
        let frame = "/var/task/lib/quiz.js:17:5"
        let m = "questionIndex is not defined"
        return PlantedException(type: "ReferenceError", message: m, stack: ["ReferenceError: " + m, skill(frame, "nextQuestion"),
                                                                             skill("/var/task/handlers/AnswerIntentHandler.js:51:12", "AnswerIntentHandler.handle")] + sdkFrames,
                                groupType: "ReferenceError", groupMessage: m, groupFrame: frame)
    case E.error:
        // A library's frames first (axios), then the skill's.
        let code = [500, 502, 503, 504][Int(h % 4)]
        let frame = "/var/task/lib/scoreApi.js:56:11"
        let m = "Request failed with status code \(code)"
        return PlantedException(type: "Error", message: m,
                                stack: ["Error: " + m,
                                        "    at createError (/var/task/node_modules/axios/lib/core/createError.js:16:15)",
                                        "    at settle (/var/task/node_modules/axios/lib/core/settle.js:17:12)",
                                        skill(frame, "fetchScore")] + sdkFrames,
                                groupType: "Error", groupMessage: "Request failed with status code <n>", groupFrame: frame)
    default:
        // Other failed invocations (an in-skill purchase's internal error): the SDK's frames only.
        let type = errorNames[et], m = errorMessages[et] ?? "Internal error"
        return PlantedException(type: type, message: m, stack: [type + ": " + m] + sdkFrames,
                                groupType: type, groupMessage: m, groupFrame: nil)
    }
}

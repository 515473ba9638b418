// Static data of the simulated skills: intents, slot values, utterances, responses (with their
// speaking time per SPEC 5.3), error types, smart home directives, ISP products.

/// JSON-escaped UTF-8 bytes of a string (computed once, copied per record).
typealias JS = [UInt8]

func esc(_ s: String) -> JS {
    let b = ByteBuffer(capacity: s.utf8.count * 2 + 8)
    b.jsonString(s)
    var out = b.bytes
    out.removeFirst(); out.removeLast()
    return out
}

/// Language of a locale: 0 English, 1 German.
let localeNames: [JS] = ["en-US", "en-GB", "de-DE"].map(esc)
@inline(__always) func lang(_ locale: Int) -> Int { locale == 2 ? 1 : 0 }

// MARK: record types

public enum RT: UInt8, CaseIterable {
    case launch, intent, sessionEnded, canFulfill, playbackStarted, connectionsResponse, exceptionEncountered
    case skillEnabled, skillDisabled, skillAccountLinked, alInitiated, alCompleted, oauthToken
    case subStarted, subConverted, subEnded, flashPlay
    case discover, turnOn, turnOff, setBrightness, adjustBrightness, setTargetTemperature, setThermostatMode
    case lock, unlock, reportState, changeReport

    public var name: String {
        switch self {
        case .launch: return "LaunchRequest"
        case .intent: return "IntentRequest"
        case .sessionEnded: return "SessionEndedRequest"
        case .canFulfill: return "CanFulfillIntentRequest"
        case .playbackStarted: return "AudioPlayer.PlaybackStarted"
        case .connectionsResponse: return "Connections.Response"
        case .exceptionEncountered: return "System.ExceptionEncountered"
        case .skillEnabled: return "AlexaSkillEvent.SkillEnabled"
        case .skillDisabled: return "AlexaSkillEvent.SkillDisabled"
        case .skillAccountLinked: return "AlexaSkillEvent.SkillAccountLinked"
        case .alInitiated: return "AccountLinking.Initiated"
        case .alCompleted: return "AccountLinking.Completed"
        case .oauthToken: return "OAuth.Token"
        case .subStarted: return "Subscription.Started"
        case .subConverted: return "Subscription.Converted"
        case .subEnded: return "Subscription.Ended"
        case .flashPlay: return "FlashBriefing.Play"
        case .discover: return "Alexa.Discovery.Discover"
        case .turnOn: return "Alexa.PowerController.TurnOn"
        case .turnOff: return "Alexa.PowerController.TurnOff"
        case .setBrightness: return "Alexa.BrightnessController.SetBrightness"
        case .adjustBrightness: return "Alexa.BrightnessController.AdjustBrightness"
        case .setTargetTemperature: return "Alexa.ThermostatController.SetTargetTemperature"
        case .setThermostatMode: return "Alexa.ThermostatController.SetThermostatMode"
        case .lock: return "Alexa.LockController.Lock"
        case .unlock: return "Alexa.LockController.Unlock"
        case .reportState: return "Alexa.ReportState"
        case .changeReport: return "Alexa.ChangeReport"
        }
    }

    /// Smart home header namespace and name.
    var shHeader: (String, String)? {
        switch self {
        case .discover: return ("Alexa.Discovery", "Discover")
        case .turnOn: return ("Alexa.PowerController", "TurnOn")
        case .turnOff: return ("Alexa.PowerController", "TurnOff")
        case .setBrightness: return ("Alexa.BrightnessController", "SetBrightness")
        case .adjustBrightness: return ("Alexa.BrightnessController", "AdjustBrightness")
        case .setTargetTemperature: return ("Alexa.ThermostatController", "SetTargetTemperature")
        case .setThermostatMode: return ("Alexa.ThermostatController", "SetThermostatMode")
        case .lock: return ("Alexa.LockController", "Lock")
        case .unlock: return ("Alexa.LockController", "Unlock")
        case .reportState: return ("Alexa", "ReportState")
        case .changeReport: return ("Alexa", "ChangeReport")
        default: return nil
        }
    }

    var isTurn: Bool { self == .launch || self == .intent }
    /// Envelopes with `context.System.device` (and `request.locale`): custom skill requests
    /// other than skill events, and flash briefing plays.
    var hasDevice: Bool {
        switch self {
        case .skillEnabled, .skillDisabled, .skillAccountLinked, .alInitiated, .alCompleted, .oauthToken,
             .subStarted, .subConverted, .subEnded: return false
        default: return !isSmartHome
        }
    }
    var isSmartHome: Bool { rawValue >= RT.discover.rawValue }
    var isDirective: Bool { isSmartHome && self != .changeReport }
    /// Records that reach the skill's Lambda as an invocation (and so exist in raw Lambda logs).
    var isInvocation: Bool {
        switch self {
        case .alInitiated, .alCompleted, .oauthToken, .subStarted, .subConverted, .subEnded, .flashPlay: return false
        default: return true
        }
    }
    /// Records that make a customer (SPEC 5.1).
    var isUserInitiated: Bool { isTurn || isDirective || self == .flashPlay }
    var skillType: SkillKind {
        if isSmartHome { return .smartHome }
        if self == .flashPlay { return .flashBriefing }
        return .custom
    }
}

enum SkillKind: Int { case custom = 0, smartHome = 1, flashBriefing = 2 }
let skillTypeNames: [JS] = ["custom", "smart_home", "flash_briefing"].map(esc)

let rtNames: [JS] = RT.allCases.map { esc($0.name) }

// MARK: custom skill intents

final class SlotDef {
    let name: JS
    /// Spoken values per language (raw strings; escaped copies below).
    let values: [[String]]
    let escaped: [[JS]]
    init(_ name: String, en: [String], de: [String]) {
        self.name = esc(name)
        values = [en, de]
        escaped = [en.map(esc), de.map(esc)]
    }
}

final class IntentDef {
    let name: String
    let js: JS
    let slotA: SlotDef?
    let slotB: SlotDef?
    /// Utterance templates per language; `{a}` / `{b}` are replaced by the slot values.
    let utterances: [[String]]

    init(name: String, js: JS, slotA: SlotDef?, slotB: SlotDef?, utterances: [[String]]) {
        self.name = name
        self.js = js
        self.slotA = slotA
        self.slotB = slotB
        self.utterances = utterances
    }
}

enum Intent {
    static let play = 0, answer = 1, score = 2, difficulty = 3, buy = 4, cancelSub = 5, help = 6
    static let fallback = 7, stop = 8, cancel = 9, home = 10, yes = 11, no = 12, repeatIt = 13
}

let gameSlot = SlotDef("game",
    en: ["trivia", "music quiz", "geography", "movies", "science", "history"],
    de: ["Allgemeinwissen", "Musikquiz", "Erdkunde", "Filme", "Wissenschaft", "Geschichte"])
let roundsSlot = SlotDef("rounds", en: ["three", "five", "ten"], de: ["drei", "fünf", "zehn"])
let answerSlot = SlotDef("answer",
    en: ["paris", "the danube", "canberra", "forty two", "mount everest", "jupiter", "nineteen sixty nine", "the blue whale"],
    de: ["Paris", "die Donau", "Canberra", "zweiundvierzig", "Mount Everest", "Jupiter", "neunzehnhundertneunundsechzig", "der Blauwal"])
let levelSlot = SlotDef("level", en: ["easy", "medium", "hard"], de: ["leicht", "mittel", "schwer"])
let productSlot = SlotDef("product", en: ["premium pack", "hint bundle", "quiz plus"], de: ["Premium-Paket", "Tipp-Paket", "Quiz Plus"])

let intents: [IntentDef] = [
    IntentDef(name: "PlayIntent", js: esc("PlayIntent"), slotA: gameSlot, slotB: roundsSlot,
              utterances: [["play {a}", "start {a}", "let's play {a}", "play {a} with {b} rounds", "i want to play {a}"],
                           ["spiele {a}", "starte {a}", "lass uns {a} spielen", "spiele {a} mit {b} runden"]]),
    IntentDef(name: "AnswerIntent", js: esc("AnswerIntent"), slotA: answerSlot, slotB: nil,
              utterances: [["the answer is {a}", "{a}", "is it {a}", "i think it's {a}"],
                           ["die antwort ist {a}", "{a}", "ist es {a}"]]),
    IntentDef(name: "GetScoreIntent", js: esc("GetScoreIntent"), slotA: nil, slotB: nil,
              utterances: [["what's my score", "how many points do i have", "score"],
                           ["wie ist mein punktestand", "wie viele punkte habe ich"]]),
    IntentDef(name: "SetDifficultyIntent", js: esc("SetDifficultyIntent"), slotA: levelSlot, slotB: nil,
              utterances: [["make it {a}", "set difficulty to {a}", "{a} mode"], ["stelle {a} ein", "schwierigkeit {a}"]]),
    IntentDef(name: "BuyIntent", js: esc("BuyIntent"), slotA: productSlot, slotB: nil,
              utterances: [["buy the {a}", "i want the {a}", "what can i buy"], ["kaufe das {a}", "ich möchte das {a}"]]),
    IntentDef(name: "CancelSubscriptionIntent", js: esc("CancelSubscriptionIntent"), slotA: nil, slotB: nil,
              utterances: [["cancel my subscription", "i want a refund"], ["kündige mein abo"]]),
    IntentDef(name: "AMAZON.HelpIntent", js: esc("AMAZON.HelpIntent"), slotA: nil, slotB: nil,
              utterances: [["help", "what can i say", "how does this work"], ["hilfe", "was kann ich sagen"]]),
    IntentDef(name: "AMAZON.FallbackIntent", js: esc("AMAZON.FallbackIntent"), slotA: nil, slotB: nil,
              utterances: [["order a pizza", "what's the weather like", "turn on the kitchen lights", "call mom",
                            "play despacito", "tell me a joke about \"cats\"", "how old is the moon", "blah blah"],
                           ["bestelle eine pizza", "wie wird das wetter", "ruf mama an", "erzähl einen witz über \"katzen\""]]),
    IntentDef(name: "AMAZON.StopIntent", js: esc("AMAZON.StopIntent"), slotA: nil, slotB: nil,
              utterances: [["stop", "exit", "quit"], ["stopp", "beenden"]]),
    IntentDef(name: "AMAZON.CancelIntent", js: esc("AMAZON.CancelIntent"), slotA: nil, slotB: nil,
              utterances: [["cancel", "never mind"], ["abbrechen", "vergiss es"]]),
    IntentDef(name: "AMAZON.NavigateHomeIntent", js: esc("AMAZON.NavigateHomeIntent"), slotA: nil, slotB: nil,
              utterances: [["go home"], ["zur startseite"]]),
    IntentDef(name: "AMAZON.YesIntent", js: esc("AMAZON.YesIntent"), slotA: nil, slotB: nil,
              utterances: [["yes", "sure", "yeah"], ["ja", "klar"]]),
    IntentDef(name: "AMAZON.NoIntent", js: esc("AMAZON.NoIntent"), slotA: nil, slotB: nil,
              utterances: [["no", "no thanks"], ["nein", "nein danke"]]),
    IntentDef(name: "AMAZON.RepeatIntent", js: esc("AMAZON.RepeatIntent"), slotA: nil, slotB: nil,
              utterances: [["repeat", "say that again"], ["wiederholen", "nochmal bitte"]]),
]

let launchUtterances: [[String]] = [["open quiz night", "launch quiz night", "start quiz night"], ["öffne quiz abend", "starte quiz abend"]]

/// Renders an utterance template with slot values (raw string).
func renderUtterance(_ template: String, a: String?, b: String?) -> String {
    var s = template
    if let a = a { s = s.replacingAll("{a}", a) }
    if let b = b { s = s.replacingAll("{b}", b) }
    return s
}

extension String {
    func replacingAll(_ what: String, _ with: String) -> String {
        var out = ""
        var rest = Substring(self)
        while let r = rest.range(of: what) {
            out += rest[rest.startIndex..<r.lowerBound]
            out += with
            rest = rest[r.upperBound...]
        }
        out += rest
        return out
    }
}

extension Substring {
    func range(of what: String) -> Range<Substring.Index>? {
        guard !what.isEmpty else { return nil }
        var i = startIndex
        while i < endIndex {
            if self[i...].hasPrefix(what) { return i..<index(i, offsetBy: what.count) }
            i = index(after: i)
        }
        return nil
    }
}

// MARK: responses

final class Resp {
    /// SSML of outputSpeech (nil: no speech).
    let ssml: String?
    let ssmlJS: JS
    let reprompt: String?
    let repromptJS: JS
    /// shouldEndSession: nil = omitted.
    let endSession: Bool?
    /// Speaking time per SPEC 5.3 (nil when there is no speech).
    let speechMs: Int?
    /// Extra response JSON members (already rendered, e.g. directives), may be empty.
    let directives: String?

    init(_ ssml: String?, reprompt: String? = nil, end: Bool?, directives: String? = nil) {
        self.ssml = ssml
        ssmlJS = ssml.map(esc) ?? []
        self.reprompt = reprompt
        repromptJS = reprompt.map(esc) ?? []
        endSession = end
        speechMs = ssml.map(speakingTime)
        self.directives = directives
    }
}

/// SPEC 5.3 speaking time: words of the SSML with tags removed (a tag counts as whitespace),
/// at 2.6 words per second, rounded to the nearest millisecond, plus every `<break time>`.
public func speakingTime(_ ssml: String) -> Int {
    let b = Array(ssml.utf8)
    var words = 0
    var breaks = 0
    var inWord = false
    var i = 0
    while i < b.count {
        let c = b[i]
        if c == 0x3C { // '<'
            var j = i
            while j < b.count && b[j] != 0x3E { j += 1 }
            let tag = String(decoding: b[i..<min(j + 1, b.count)], as: UTF8.self)
            if tag.hasPrefix("<break") { breaks += breakMs(tag) }
            inWord = false
            i = j + 1
            continue
        }
        let ws = c == 0x20 || c == 0x0A || c == 0x09 || c == 0x0D
        if ws { inWord = false } else if !inWord { inWord = true; words += 1 }
        i += 1
    }
    return (words * 10000 + 13) / 26 + breaks
}

private func breakMs(_ tag: String) -> Int {
    guard let r = Substring(tag).range(of: "time=\"") else { return 0 }
    var num = 0.0
    var frac = 0.0
    var digits = Substring(tag)[r.upperBound...]
    var unit = ""
    var seenDot = false
    var scale = 0.1
    while let c = digits.first {
        if let d = c.wholeNumberValue {
            if seenDot { frac += Double(d) * scale; scale /= 10 } else { num = num * 10 + Double(d) }
        } else if c == "." { seenDot = true } else { break }
        digits = digits.dropFirst()
    }
    while let c = digits.first, c != "\"" { unit.append(c); digits = digits.dropFirst() }
    let v = num + frac
    return unit == "s" ? Int((v * 1000).rounded()) : Int(v.rounded())
}

enum R {
    static let welcome = 0, welcomeLong = 1, question = 2, questionShort = 3, correct = 4, wrong = 5
    static let score = 6, scoreEnd = 7, help = 8, fallback = 9, goodbye = 10, gameOver = 11
    static let difficulty = 12, noResp = 13, ispBuy = 14, ispUpsell = 15, ispCancel = 16
    static let purchaseThanks = 17, purchaseDeclined = 18, sessionEnded = 19, audioPlay = 20, empty = 21
    static let canFulfill = 22, unhandled = 23, yesStart = 24
}

private let cdn = "https://cdn.quiznight.example/audio"

/// Responses per language (index R.*).
let responses: [[Resp]] = [
    [
        Resp("<speak>Welcome back to Quiz Night! <break time=\"300ms\"/> You can play trivia, music or geography, or ask for your score. What would you like to play?</speak>",
             reprompt: "<speak>Which game would you like to play?</speak>", end: false),
        Resp("<speak><audio src=\"\(cdn)/intro.mp3\"/> Welcome to Quiz Night, the nightly quiz with a new round of questions every evening. <break time=\"500ms\"/> Each round has five questions. Answer by saying the answer is, followed by your answer. You can ask for help at any time, or say stop to leave. <break time=\"1s\"/> Shall we start with trivia?</speak>",
             reprompt: "<speak>Shall we start with trivia?</speak>", end: false),
        Resp("<speak>Here is your question. <break time=\"400ms\"/> Which river flows through the cities of Vienna, Budapest and Belgrade before it reaches the Black Sea? Is it the Rhine, the Danube, or the Elbe? <break time=\"2s\"/> Take your time and say the answer is, followed by your answer.</speak>",
             reprompt: "<speak>Is it the Rhine, the Danube, or the Elbe?</speak>", end: false),
        Resp("<speak>Next question: what is the capital of Australia?</speak>",
             reprompt: "<speak>What is the capital of Australia?</speak>", end: false),
        Resp("<speak>That's right! <audio src=\"soundbank://soundlibrary/ui/gameshow/amzn_ui_sfx_gameshow_positive_response_01\"/> You now have four points. <break time=\"500ms\"/> Next question: which planet is the largest in our solar system, and how many moons does it have according to the latest count?</speak>",
             reprompt: "<speak>Which planet is the largest?</speak>", end: false),
        Resp("<speak>Sorry, that's not it. <audio src=\"soundbank://soundlibrary/ui/gameshow/amzn_ui_sfx_gameshow_negative_response_01\"/> The right answer was Canberra. <break time=\"500ms\"/> Next question: in which year did the first humans land on the moon?</speak>",
             reprompt: "<speak>In which year did humans first land on the moon?</speak>", end: false),
        Resp("<speak>You have 7 points this week, and you are in 3rd place. Do you want to play a round?</speak>",
             reprompt: "<speak>Do you want to play?</speak>", end: false),
        Resp("<speak>You have 7 points this week, and you are in 3rd place. Goodbye!</speak>", end: true),
        Resp("<speak>Quiz Night asks you five questions per round. <break time=\"300ms\"/> To answer, say the answer is, followed by your answer. To hear your points, ask for your score. You can also change the difficulty by saying make it hard. <break time=\"500ms\"/> What would you like to do?</speak>",
             reprompt: "<speak>What would you like to do?</speak>", end: false),
        Resp("<speak>Sorry, I don't know that one. You can say play trivia, or ask for your score.</speak>",
             reprompt: "<speak>You can say play trivia.</speak>", end: false),
        Resp("<speak>Goodbye! See you at the next Quiz Night.</speak>", end: true),
        Resp("<speak>That was the last question. You scored four out of five. Thanks for playing!</speak>", end: true),
        Resp("<speak>Okay, difficulty set. Shall we play?</speak>", reprompt: "<speak>Shall we play?</speak>", end: false),
        Resp(nil, end: nil),
        Resp(nil, end: nil, directives: "buy"),
        Resp(nil, end: nil, directives: "upsell"),
        Resp(nil, end: nil, directives: "cancel"),
        Resp("<speak>Great, it's yours! <break time=\"300ms\"/> Shall we play?</speak>", reprompt: "<speak>Shall we play?</speak>", end: false),
        Resp("<speak>No problem. Shall we play trivia instead?</speak>", reprompt: "<speak>Shall we play trivia?</speak>", end: false),
        Resp(nil, end: nil),
        Resp(nil, end: nil, directives: "audio"),
        Resp(nil, end: nil),
        Resp(nil, end: nil, directives: "canfulfill"),
        Resp("<speak>Sorry, I can't help with that yet. What would you like to do?</speak>", reprompt: "<speak>What would you like to do?</speak>", end: false),
        Resp("<speak>Great! <break time=\"300ms\"/> First question: what is the tallest mountain on earth?</speak>", reprompt: "<speak>What is the tallest mountain on earth?</speak>", end: false),
    ],
    [
        Resp("<speak>Willkommen zurück beim Quiz Abend! <break time=\"300ms\"/> Du kannst Allgemeinwissen, Musik oder Erdkunde spielen oder nach deinem Punktestand fragen. Was möchtest du spielen?</speak>",
             reprompt: "<speak>Was möchtest du spielen?</speak>", end: false),
        Resp("<speak><audio src=\"\(cdn)/intro-de.mp3\"/> Willkommen beim Quiz Abend, dem Quiz mit neuen Fragen an jedem Abend. <break time=\"500ms\"/> Jede Runde hat fünf Fragen. Antworte mit: die Antwort ist, und dann deine Antwort. Du kannst jederzeit nach Hilfe fragen oder stopp sagen. <break time=\"1s\"/> Sollen wir mit Allgemeinwissen anfangen?</speak>",
             reprompt: "<speak>Sollen wir anfangen?</speak>", end: false),
        Resp("<speak>Hier ist deine Frage. <break time=\"400ms\"/> Welcher Fluss fließt durch Wien, Budapest und Belgrad, bevor er ins Schwarze Meer mündet? Ist es der Rhein, die Donau oder die Elbe? <break time=\"2s\"/> Lass dir Zeit und sag: die Antwort ist, und dann deine Antwort.</speak>",
             reprompt: "<speak>Rhein, Donau oder Elbe?</speak>", end: false),
        Resp("<speak>Nächste Frage: Was ist die Hauptstadt von Australien?</speak>",
             reprompt: "<speak>Was ist die Hauptstadt von Australien?</speak>", end: false),
        Resp("<speak>Richtig! <audio src=\"soundbank://soundlibrary/ui/gameshow/amzn_ui_sfx_gameshow_positive_response_01\"/> Du hast jetzt vier Punkte. <break time=\"500ms\"/> Nächste Frage: Welcher Planet ist der größte in unserem Sonnensystem, und wie viele Monde hat er nach der neuesten Zählung?</speak>",
             reprompt: "<speak>Welcher Planet ist der größte?</speak>", end: false),
        Resp("<speak>Leider falsch. <audio src=\"soundbank://soundlibrary/ui/gameshow/amzn_ui_sfx_gameshow_negative_response_01\"/> Richtig war Canberra. <break time=\"500ms\"/> Nächste Frage: In welchem Jahr landeten die ersten Menschen auf dem Mond?</speak>",
             reprompt: "<speak>In welchem Jahr war die Mondlandung?</speak>", end: false),
        Resp("<speak>Du hast diese Woche 7 Punkte und bist auf Platz 3. Möchtest du eine Runde spielen?</speak>",
             reprompt: "<speak>Möchtest du spielen?</speak>", end: false),
        Resp("<speak>Du hast diese Woche 7 Punkte und bist auf Platz 3. Tschüss!</speak>", end: true),
        Resp("<speak>Quiz Abend stellt dir fünf Fragen pro Runde. <break time=\"300ms\"/> Sag: die Antwort ist, und dann deine Antwort. Frag nach deinem Punktestand, um deine Punkte zu hören. <break time=\"500ms\"/> Was möchtest du tun?</speak>",
             reprompt: "<speak>Was möchtest du tun?</speak>", end: false),
        Resp("<speak>Das weiß ich leider nicht. Sag zum Beispiel: spiele Allgemeinwissen.</speak>",
             reprompt: "<speak>Sag: spiele Allgemeinwissen.</speak>", end: false),
        Resp("<speak>Tschüss! Bis zum nächsten Quiz Abend.</speak>", end: true),
        Resp("<speak>Das war die letzte Frage. Du hast vier von fünf Punkten. Danke fürs Spielen!</speak>", end: true),
        Resp("<speak>Alles klar, Schwierigkeit eingestellt. Sollen wir spielen?</speak>", reprompt: "<speak>Sollen wir spielen?</speak>", end: false),
        Resp(nil, end: nil),
        Resp(nil, end: nil, directives: "buy"),
        Resp(nil, end: nil, directives: "upsell"),
        Resp(nil, end: nil, directives: "cancel"),
        Resp("<speak>Super, es gehört dir! <break time=\"300ms\"/> Sollen wir spielen?</speak>", reprompt: "<speak>Sollen wir spielen?</speak>", end: false),
        Resp("<speak>Kein Problem. Sollen wir stattdessen Allgemeinwissen spielen?</speak>", reprompt: "<speak>Sollen wir spielen?</speak>", end: false),
        Resp(nil, end: nil),
        Resp(nil, end: nil, directives: "audio"),
        Resp(nil, end: nil),
        Resp(nil, end: nil, directives: "canfulfill"),
        Resp("<speak>Das kann ich leider noch nicht. Was möchtest du tun?</speak>", reprompt: "<speak>Was möchtest du tun?</speak>", end: false),
        Resp("<speak>Super! <break time=\"300ms\"/> Erste Frage: Wie heißt der höchste Berg der Erde?</speak>", reprompt: "<speak>Wie heißt der höchste Berg der Erde?</speak>", end: false),
    ],
]

// MARK: errors

/// errorType values (index E.*).
enum E {
    static let noHandler = 0, typeError = 1, referenceError = 2, error = 3
    static let invalidResponse = 4, internalServiceError = 5, endpointTimeout = 6, deviceCommunicationError = 7
    // smart home ErrorResponse types
    static let endpointUnreachable = 8, internalError = 9, bridgeUnreachable = 10, valueOutOfRange = 11, endpointBusy = 12
    // OAuth (RFC 6749 5.2) and a few non-standard codes
    static let invalidRequest = 13, invalidClient = 14, invalidGrant = 15, unauthorizedClient = 16
    static let unsupportedGrantType = 17, invalidScope = 18, serverError = 19, temporarilyUnavailable = 20, invalidTokenNS = 21
}

let errorNames: [String] = [
    "NoHandler", "TypeError", "ReferenceError", "Error",
    "INVALID_RESPONSE", "INTERNAL_SERVICE_ERROR", "ENDPOINT_TIMEOUT", "DEVICE_COMMUNICATION_ERROR",
    "ENDPOINT_UNREACHABLE", "INTERNAL_ERROR", "BRIDGE_UNREACHABLE", "VALUE_OUT_OF_RANGE", "ENDPOINT_BUSY",
    "invalid_request", "invalid_client", "invalid_grant", "unauthorized_client",
    "unsupported_grant_type", "invalid_scope", "server_error", "temporarily_unavailable", "InvalidToken",
]
let errorJS: [JS] = errorNames.map(esc)

/// Messages of the Lambda `Invoke Error` for turn errors (by errorType index).
let errorMessages: [Int: String] = [
    E.noHandler: "Unable to find a suitable request handler.",
    E.typeError: "Cannot read properties of undefined (reading 'score')",
    E.referenceError: "questionIndex is not defined",
    E.error: "Request failed with status code 503",
]

let reasonNames: [JS] = ["USER_INITIATED", "ERROR", "EXCEEDED_MAX_REPROMPTS"].map(esc)
let confidenceNames: [JS] = ["HIGH", "MEDIUM", "LOW"].map(esc)
let outcomeNames: [JS] = ["success", "error", "no_response"].map(esc)
let latencySourceNames: [JS] = ["alexa", "lambda", "log"].map(esc)
let stageNames: [JS] = ["live", "development"].map(esc)

// MARK: ISP

struct Product { let id: String; let type: String; let name: String }
let products: [Product] = [
    Product(id: "amzn1.adg.product.5c1b1a35-3e5c-4a8e-9b0e-7f2d4c3b2a10", type: "ENTITLEMENT", name: "premium pack"),
    Product(id: "amzn1.adg.product.8e2f6d1c-0b7a-4c3d-a5e4-1f0c9b8a7d62", type: "CONSUMABLE", name: "hint bundle"),
    Product(id: "amzn1.adg.product.2a7c9e4b-6d1f-4b8a-8c3e-5d0f7a9b1c84", type: "SUBSCRIPTION", name: "quiz plus"),
]
let productIdJS: [JS] = products.map { esc($0.id) }
let productTypeJS: [JS] = products.map { esc($0.type) }
let ispActionNames: [JS] = ["Buy", "Upsell", "Cancel"].map(esc)
let purchaseResultNames: [JS] = ["ACCEPTED", "DECLINED", "ALREADY_PURCHASED", "NOT_ENTITLED", "ERROR"].map(esc)
enum PR { static let accepted = 0, declined = 1, alreadyPurchased = 2, notEntitled = 3, error = 4 }
let grantTypeNames: [JS] = ["authorization_code", "refresh_token"].map(esc)
let viaNames: [JS] = ["alexa_app", "app"].map(esc)

// MARK: skills

let customSkillId = "amzn1.ask.skill.3f0c8a52-7d41-4b9e-a6c2-19e0d5b7f4a3"
let smartHomeSkillId = "amzn1.ask.skill.b71e4d09-25c3-4f8a-9d6b-0c8e3a1f5b27"
let flashSkillId = "amzn1.ask.skill.6d2a9f13-8b04-4e7c-b15a-7f3c0e9d2a88"
let skillIdJS: [JS] = [customSkillId, smartHomeSkillId, flashSkillId].map(esc)

// MARK: smart home endpoints

enum EndpointKind: Int { case light = 0, plug = 1, thermostat = 2, lock = 3 }
let endpointKindNames = ["light", "plug", "thermostat", "lock"]
let thermostatModes: [JS] = ["HEAT", "COOL", "AUTO", "OFF"].map(esc)

/// The state of a simulated endpoint (and the properties a report carries, by mask).
struct SHState: Equatable {
    static let power: UInt8 = 1, brightness: UInt8 = 2, setpoint: UInt8 = 4, mode: UInt8 = 8, lock: UInt8 = 16
    var mask: UInt8 = 0
    var powerOn = false
    var brightness: UInt8 = 0
    /// Target temperature in tenths of a degree Celsius.
    var setpoint: Int16 = 0
    var mode: UInt8 = 0
    var locked = false

    static func initial(_ kind: EndpointKind, _ h: UInt64) -> SHState {
        var s = SHState()
        switch kind {
        case .light: s.mask = power | brightness; s.powerOn = h & 1 == 1; s.brightness = UInt8(20 + (h >> 8) % 80)
        case .plug: s.mask = power; s.powerOn = h & 1 == 1
        case .thermostat: s.mask = setpoint | mode; s.setpoint = Int16(180 + (h >> 8) % 60); s.mode = UInt8((h >> 16) % 3)
        case .lock: s.mask = lock; s.locked = h & 1 == 1
        }
        return s
    }

    /// The values of the properties in `m`, compared with another state's.
    func matches(_ o: SHState, on m: UInt8) -> Bool {
        if m & SHState.power != 0 && powerOn != o.powerOn { return false }
        if m & SHState.brightness != 0 && brightness != o.brightness { return false }
        if m & SHState.setpoint != 0 && setpoint != o.setpoint { return false }
        if m & SHState.mode != 0 && mode != o.mode { return false }
        if m & SHState.lock != 0 && locked != o.locked { return false }
        return true
    }
}

// MARK: devices

struct DeviceProfile { let interfaces: String; let viewport: String? }
let deviceProfiles: [DeviceProfile] = [
    DeviceProfile(interfaces: "{\"AudioPlayer\":{}}", viewport: nil),
    DeviceProfile(interfaces: "{\"AudioPlayer\":{},\"Display\":{\"templateVersion\":\"1.0\",\"markupVersion\":\"1.0\"},\"Alexa.Presentation.APL\":{\"runtime\":{\"maxVersion\":\"2024.2\"}}}",
                  viewport: "{\"mode\":\"HUB\",\"shape\":\"RECTANGLE\",\"pixelWidth\":1024,\"pixelHeight\":600,\"dpi\":160,\"currentPixelWidth\":1024,\"currentPixelHeight\":600,\"touch\":[\"SINGLE\"]}"),
    DeviceProfile(interfaces: "{}", viewport: nil),
    DeviceProfile(interfaces: "{\"AudioPlayer\":{},\"Alexa.Presentation.APL\":{\"runtime\":{\"maxVersion\":\"2023.3\"}}}",
                  viewport: "{\"mode\":\"TV\",\"shape\":\"RECTANGLE\",\"pixelWidth\":1920,\"pixelHeight\":1080,\"dpi\":320,\"currentPixelWidth\":1920,\"currentPixelHeight\":1080,\"touch\":[],\"keyboard\":[\"DIRECTION\"]}"),
]
let deviceInterfacesJS: [JS] = deviceProfiles.map { Array($0.interfaces.utf8) }
let deviceViewportJS: [JS?] = deviceProfiles.map { $0.viewport.map { Array($0.utf8) } }

/// The tables the writers use per record, held by the render context (no global access, which
/// costs a `swift_once` each time, on the hot path).
final class Tables {
    let rtNames = SklogGen.rtNames
    let skillTypeNames = SklogGen.skillTypeNames
    let skillIdJS = SklogGen.skillIdJS
    let localeNames = SklogGen.localeNames
    let stageNames = SklogGen.stageNames
    let intents = SklogGen.intents
    let confidenceNames = SklogGen.confidenceNames
    let latencySourceNames = SklogGen.latencySourceNames
    let outcomeNames = SklogGen.outcomeNames
    let errorJS = SklogGen.errorJS
    let responses = SklogGen.responses
    let reasonNames = SklogGen.reasonNames
    let ispActionNames = SklogGen.ispActionNames
    let productIdJS = SklogGen.productIdJS
    let productTypeJS = SklogGen.productTypeJS
    let purchaseResultNames = SklogGen.purchaseResultNames
    let grantTypeNames = SklogGen.grantTypeNames
    let viaNames = SklogGen.viaNames
    let deviceInterfacesJS = SklogGen.deviceInterfacesJS
    let deviceViewportJS = SklogGen.deviceViewportJS
    let thermostatModes = SklogGen.thermostatModes
    let endpointKindJS: [JS] = endpointKindNames.map { Array($0.utf8) }
    let shNamespace: [JS] = RT.allCases.map { Array(($0.shHeader?.0 ?? "").utf8) }
    let shName: [JS] = RT.allCases.map { Array(($0.shHeader?.1 ?? "").utf8) }
}

import Testing
import SklogAnalysis

@Suite struct SessionModelTests {
    @Test func readsIntentNames() throws {
        let json = """
        {"interactionModel":{"languageModel":{"invocationName":"my skill","intents":[
          {"name":"AMAZON.StopIntent","samples":[]},
          {"name":"PlayIntent","slots":[{"name":"song","type":"AMAZON.MusicRecording"}],"samples":["play {song}"]},
          {"samples":[],"name":"Caf\\u00e9Intent"}
        ],"types":[]}}}
        """
        #expect(try InteractionModel.intentNames(json) == ["AMAZON.StopIntent", "PlayIntent", "CaféIntent"])
    }

    @Test func rejectsOtherDocuments() {
        #expect(throws: InteractionModel.Invalid.self) { try InteractionModel.intentNames("{\"intents\":[]}") }
        #expect(throws: InteractionModel.Invalid.self) { try InteractionModel.intentNames("{\"interactionModel\":") }
    }
}

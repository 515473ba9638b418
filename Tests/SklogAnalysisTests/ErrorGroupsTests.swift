import Foundation
import Testing
@testable import SklogAnalysis
import SklogRecords

@Suite struct ErrorSignatureTests {
    @Test(arguments: [
        ("Cannot read properties of undefined (reading 'facts')", "Cannot read properties of undefined (reading <str>)"),
        ("User amzn1.ask.account.AHV4JQ2T5LM not found after 42 ms.", "User <id> not found after <n> ms."),
        ("session 3f1c1a52-0b7e-4c59-9d0c-7a1e6c0f0a02 expired", "session <id> expired"),
        ("bad pointer 0x7ffe12 at offset deadbeef01", "bad pointer <hex> at offset <hex>"),
        ("the user doesn't have \"premium\"", "the user doesn't have <str>"),
        ("Task timed out after 3.00 seconds", "Task timed out after <n>.<n> seconds"),
        ("order A1B2C3D4E5F6G7 rejected", "order <id> rejected"),
        ("lamp-12 is offline", "lamp-<n> is offline"),
    ])
    func masksVariableParts(_ message: String, _ masked: String) {
        #expect(ErrorSignature.mask(message) == masked)
    }
}

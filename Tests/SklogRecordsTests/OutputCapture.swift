import Foundation
import SklogIO

/// An OutputBuffer writing into a temp file, read back as text.
final class OutputCapture {
    let path = NSTemporaryDirectory() + "sklog-out-" + UUID().uuidString
    let buffer: OutputBuffer
    init() { buffer = try! OutputBuffer(path: path) }
    func text() -> String {
        try! buffer.flush()
        return (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }
}

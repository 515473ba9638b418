#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import ArgumentParser
import SklogIO

public let sklogVersion = "0.1.0"

extension ParsableCommand {
    /// Like `main()`, but usage errors exit with status 2 (SPEC section 2), not 64.
    public static func sklogMain(_ arguments: [String]? = nil) -> Never {
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            Glibc.exit(0)
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
                Glibc.exit(0)
            }
            if !message.isEmpty { Diagnostics.write(message) }
            Glibc.exit(code == .validationFailure ? ExitStatus.usageOrUnreadable : code.rawValue)
        }
    }
}

/// A tool's command name: `sklog-NAME` as its own executable, `NAME` under the front door
/// (`sklog NAME`), which sets `underFrontDoor` before it parses.
public enum ToolName {
    nonisolated(unsafe) public static var underFrontDoor = false
    public static func command(_ name: String) -> String { underFrontDoor ? name : "sklog-" + name }
}

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
                print(message)
                Glibc.exit(0)
            }
            if !message.isEmpty { Diagnostics.write(message) }
            Glibc.exit(code == .validationFailure ? ExitStatus.usageOrUnreadable : code.rawValue)
        }
    }
}

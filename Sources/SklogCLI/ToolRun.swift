#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import ArgumentParser
import SklogIO
import SklogMatch
import SklogRecords

/// Exit statuses of SPEC section 2.
public enum ExitStatus {
    public static let ok: Int32 = 0
    public static let nothingSelected: Int32 = 1
    public static let usageOrUnreadable: Int32 = 2
    public static let damaged: Int32 = 3
    public static let conditionHeld: Int32 = 4
}

/// Where a tool's output goes: standard output or `-o FILE`. With `--strict`, output is spooled
/// and only released when the input had no damage.
public final class OutputTarget {
    public let buffer: OutputBuffer
    let finalPath: String?
    let spoolPath: String?

    public init(path: String?, strict: Bool) throws {
        if strict {
            var template = Array("\(getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp")/sklog-spool-XXXXXX".utf8CString)
            let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            guard fd >= 0 else { throw InputError(path: "spool", message: "cannot create a temporary file") }
            spoolPath = String(cString: template.map { UInt8(bitPattern: $0) }.withUnsafeBufferPointer { Array($0) } )
            buffer = OutputBuffer(fd: fd, ownsFD: true)
            finalPath = path
        } else if let path, path != "-" {
            buffer = try OutputBuffer(path: path)
            finalPath = nil; spoolPath = nil
        } else {
            buffer = OutputBuffer.standardOutput()
            finalPath = nil; spoolPath = nil
        }
        // A live input flushes it whenever it goes idle.
        LiveInput.register(buffer)
    }

    /// Flushes; with --strict, releases the spooled output unless `discard`.
    public func finish(discard: Bool = false) throws {
        try buffer.flush()
        guard let spool = spoolPath else { return }
        defer { unlink(spool) }
        if discard { return }
        let dest: OutputBuffer = try finalPath.map { try OutputBuffer(path: $0) } ?? OutputBuffer.standardOutput()
        let fd = open(spool, O_RDONLY)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var buf = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if n <= 0 { break }
            try buf.withUnsafeBytes { try dest.write(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        }
        try dest.flush()
    }
}

/// Runs a tool's body with the error handling every tool shares, and exits.
public enum ToolRun {
    public static func main(_ tool: String, _ body: () throws -> Int32) -> Never {
        Diagnostics.toolName = tool
        do {
            exit(try body())
        } catch is OutputClosed {
            exit(ExitStatus.ok)
        } catch let e as InputError {
            Diagnostics.error(e.description); exit(ExitStatus.usageOrUnreadable)
        } catch let e as UnknownFormatError {
            Diagnostics.error(e.description); exit(ExitStatus.usageOrUnreadable)
        } catch let e as RegexError {
            Diagnostics.error(e.description); exit(ExitStatus.usageOrUnreadable)
        } catch let e as RegexLimitError {
            Diagnostics.error(e.description); exit(ExitStatus.usageOrUnreadable)
        } catch let e as ValidationError {
            Diagnostics.error(e.message); exit(ExitStatus.usageOrUnreadable)
        } catch let e as ExitCode {
            exit(e.rawValue)
        } catch {
            Diagnostics.error("\(error)"); exit(ExitStatus.usageOrUnreadable)
        }
    }

    /// `--accounting FILE`: the accounting as one line of JSON, for a driver that sums runs.
    public static func writeAccounting(_ acc: Accounting, to path: String) throws {
        let out = try OutputBuffer(path: path)
        try out.write(acc.json + "\n")
        try out.flush()
    }

    /// The end-of-run summary and the exit status for damage.
    public static func finish(_ stream: RecordStream, input: InputOptions, target: OutputTarget?, status: Int32 = 0) throws -> Int32 {
        let acc = stream.accounting
        if !input.quiet { Diagnostics.write("\(Diagnostics.toolName): \(acc.summaryLine)") }
        if let path = input.accountingPath { try writeAccounting(acc, to: path) }
        if acc.isDamaged {
            if input.strict {
                try target?.finish(discard: true)
                Diagnostics.error("damaged input (--strict): no output written")
                return ExitStatus.usageOrUnreadable
            }
            try target?.finish()
            return ExitStatus.damaged
        }
        try target?.finish()
        return status
    }
}

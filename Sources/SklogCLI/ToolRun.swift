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

/// Where a tool's output goes: standard output or `-o FILE`. A FILE is written beside itself
/// and renamed into place by `finish` (`OutputFile`), so a run that fails or is killed leaves an
/// earlier FILE as it was. With `--strict` and no FILE, output is spooled to a temporary file
/// (unlinked as soon as it is created, so nothing is left behind) and copied to standard output
/// only when the input had no damage.
public final class OutputTarget {
    public let buffer: OutputBuffer
    let spooled: Bool

    public init(path: String?, strict: Bool) throws {
        if let path, path != "-" {
            OutputFile.declare(option: "-o", path: path)
            try OutputFile.check()
            buffer = try OutputBuffer(replacing: path)
            spooled = false
        } else if strict {
            OutputFile.installCleanup()   // a kill ends the run (signals unblocked)
            var template = Array("\(getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp")/sklog-spool-XXXXXX".utf8CString)
            let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            guard fd >= 0 else { throw InputError(path: "spool", message: "cannot create a temporary file: \(String(cString: strerror(errno)))") }
            template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
            buffer = OutputBuffer(fd: fd, ownsFD: true, name: "the --strict spool file (in $TMPDIR or /tmp)")
            spooled = true
        } else {
            buffer = OutputBuffer.standardOutput()
            spooled = false
        }
        // A live input flushes it whenever it goes idle.
        LiveInput.register(buffer)
    }

    /// Flushes and renames `-o FILE` into place; with `discard`, drops the output instead (FILE
    /// stays as it was). With --strict and no FILE, releases the spooled output unless `discard`.
    public func finish(discard: Bool = false) throws {
        if discard { buffer.discard(); return }
        guard spooled else { try buffer.commit(); return }
        try buffer.flush()
        let dest = OutputBuffer.standardOutput()
        guard lseek(buffer.fd, 0, SEEK_SET) == 0 else { throw InputError(path: buffer.name, message: "cannot read back: \(String(cString: strerror(errno)))") }
        var buf = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buf.withUnsafeMutableBytes { read(buffer.fd, $0.baseAddress!, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw InputError(path: buffer.name, message: "cannot read back: \(String(cString: strerror(errno)))") }
            if n == 0 { break }
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
        let out = try OutputBuffer(replacing: path)
        try out.write(acc.json + "\n")
        try out.commit()
    }

    /// The end-of-run summary and the exit status for damage. Output files are renamed into
    /// place here, at the end of a run that produces output: exit 0, 1 (grep/ids selected
    /// nothing: the empty result replaces an earlier one), 3 and 4. `--rejects` and
    /// `--accounting` describe the whole input, so they are renamed into place under --strict's
    /// exit 2 too; any other failure leaves every earlier FILE as it was.
    public static func finish(_ stream: RecordStream, input: InputOptions, target: OutputTarget?, status: Int32 = 0) throws -> Int32 {
        let acc = stream.accounting
        try stream.commitRejects()
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

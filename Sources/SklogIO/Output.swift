#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Thrown when the reader of our output went away (a closed pipe, `| head`): the tool stops
/// quietly with status 0.
public struct OutputClosed: Error {}

/// One buffered writer for a file descriptor. Every tool writes its data through this, so a
/// closed pipe is noticed at the first failed write instead of being swallowed by stdio.
public final class OutputBuffer {
    public let fd: Int32
    private var buf: UnsafeMutableRawBufferPointer
    private var count = 0
    private let ownsFD: Bool
    public private(set) var closed = false
    /// The name write errors give (the file, or "(stdout)").
    public let name: String
    /// `init(path:)`'s file: written beside the target and renamed by `commit`.
    public let file: OutputFile?

    public init(fd: Int32, capacity: Int = 256 << 10, ownsFD: Bool = false, name: String? = nil) {
        self.fd = fd
        self.ownsFD = ownsFD
        self.name = name ?? (fd == 1 ? "(stdout)" : "output")
        file = nil
        buf = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 16)
    }

    /// Opens (creating or truncating) `path` for writing, directly. Tools write their output
    /// files with `init(replacing:)` instead.
    public convenience init(path: String) throws {
        let f = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if f < 0 { throw InputError(path: path, message: "cannot write: \(String(cString: strerror(errno)))") }
        self.init(fd: f, ownsFD: true, name: path)
    }

    /// An output file `path`, written to a temporary file beside it (`OutputFile`): `commit()`
    /// renames it over `path`; without a commit, `path` stays as it was.
    public init(replacing path: String, capacity: Int = 256 << 10) throws {
        let f = try OutputFile(path: path)
        file = f
        fd = f.fd
        ownsFD = false
        name = path
        buf = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 16)
    }

    deinit {
        if let file {
            if !file.done { file.discard() }
        } else {
            try? flush()
            if ownsFD { close(fd) }
        }
        buf.deallocate()
    }

    /// Flushes and, for an output file, renames it into place. Throws (naming the file) when a
    /// write, the close or the rename fails.
    public func commit() throws {
        try flush()
        try file?.commit()
    }

    /// Drops what was written to an output file: the file stays as it was.
    public func discard() {
        count = 0
        file?.discard()
    }

    /// Standard output; SIGPIPE is ignored so a closed pipe surfaces as EPIPE here.
    public static func standardOutput() -> OutputBuffer {
        signal(SIGPIPE, SIG_IGN)
        return OutputBuffer(fd: 1)
    }

    @inline(__always)
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        if bytes.count > buf.count - count {
            try flush()
            if bytes.count > buf.count { try writeAll(bytes); return }
        }
        (buf.baseAddress! + count).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
        count += bytes.count
    }

    @inline(__always)
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    public func write(_ s: String) throws {
        var s = s
        try s.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
    }

    @inline(__always)
    public func write(byte: UInt8) throws {
        if count == buf.count { try flush() }
        buf[count] = byte
        count += 1
    }

    public func flush() throws {
        if count == 0 { return }
        let n = count
        count = 0
        try writeAll(UnsafeRawBufferPointer(rebasing: buf[0..<n]))
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        if closed { throw OutputClosed() }
        var off = 0
        while off < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + off, bytes.count - off)
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EPIPE { closed = true; throw OutputClosed() }
                throw InputError(path: name, message: "write error: \(String(cString: strerror(errno)))")
            }
            off += n
        }
    }
}

/// Diagnostics go to standard error, prefixed with the tool's name.
public enum Diagnostics {
    nonisolated(unsafe) public static var toolName = "sklog"

    public static func write(_ message: String) {
        // Input text (file names, rejected lines, values) never reaches the terminal raw.
        var line = TerminalText.safe(message, keepNewlines: true)
        if !line.hasSuffix("\n") { line += "\n" }
        line.withCString { p in _ = Glibc.write(2, p, strlen(p)) }
    }

    public static func error(_ message: String) { write("\(toolName): \(message)") }
    public static func warning(_ message: String) { write("\(toolName): warning: \(message)") }

    /// Whether standard error is a terminal (for the progress line).
    public static var stderrIsTerminal: Bool { isatty(2) != 0 }
}

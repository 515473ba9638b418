#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Output files (`-o FILE`, `--rejects FILE`, `--accounting FILE`): written to a temporary file
/// beside FILE (`.FILE.sklog-XXXXXX`, same directory, so the rename is atomic) and renamed over
/// FILE only when the run ends with output (`commit`). A run that fails, or is killed by SIGTERM,
/// SIGINT or SIGHUP, removes its temporary file and leaves an earlier FILE as it was; two runs
/// each write their own temporary file, and the last rename wins.
///
/// A FILE that exists and is not a regular file (`/dev/null`, a FIFO, a terminal) is written
/// directly: there is nothing to keep, and a rename would replace the device.
public final class OutputFile {
    /// The name the user gave (for messages).
    public let path: String
    /// Where the rename goes (the symbolic link's target when `path` is one).
    let target: String
    let tempPath: String?
    public let fd: Int32
    private var slot: Int?
    public private(set) var done = false

    public init(path: String) throws {
        self.path = path
        var st = stat()
        if stat(path, &st) == 0 {
            let kind = st.st_mode & S_IFMT
            if kind == S_IFDIR { throw InputError(path: path, message: "cannot write: is a directory") }
            if kind != S_IFREG {
                let f = open(path, O_WRONLY | O_CLOEXEC)
                if f < 0 { throw InputError(path: path, message: "cannot write: \(String(cString: strerror(errno)))") }
                fd = f; target = path; tempPath = nil
                return
            }
        }
        // Through a symbolic link, the file it names is replaced (as `sort -o` writes through it).
        var t = path
        if let r = realpath(path, nil) { t = String(cString: r); free(r) }
        target = t
        let (dir, base) = OutputFile.split(t)
        var template = Array("\(dir)/.\(base).sklog-XXXXXX".utf8CString)
        OutputFile.installCleanup()
        let f = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        if f < 0 { throw InputError(path: path, message: "cannot write: \(String(cString: strerror(errno)))") }
        _ = fcntl(f, F_SETFD, FD_CLOEXEC)
        fd = f
        let tp = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        tempPath = tp
        slot = OutputFile.register(tp)
        // The mode an existing FILE had, else what a new file gets (0666 less the umask).
        if stat(t, &st) == 0 {
            fchmod(f, st.st_mode & 0o7777)
        } else {
            let m = umask(0); umask(m)
            fchmod(f, 0o666 & ~m)
        }
    }

    deinit { if !done { discard() } }

    /// Closes the file and renames it over FILE. Throws (naming FILE) when either fails.
    public func commit() throws {
        guard !done else { return }
        done = true
        guard let tp = tempPath else {
            if close(fd) != 0 { throw InputError(path: path, message: "write error: \(String(cString: strerror(errno)))") }
            return
        }
        defer { if let s = slot { OutputFile.unregister(s) }; slot = nil }
        if close(fd) != 0 {
            let e = errno
            unlink(tp)
            throw InputError(path: path, message: "write error: \(String(cString: strerror(e)))")
        }
        if rename(tp, target) != 0 {
            let e = errno
            unlink(tp)
            throw InputError(path: path, message: "cannot write: \(String(cString: strerror(e)))")
        }
    }

    /// Removes the temporary file; FILE stays as it was.
    public func discard() {
        guard !done else { return }
        done = true
        close(fd)
        if let tp = tempPath { unlink(tp) }
        if let s = slot { OutputFile.unregister(s) }
        slot = nil
    }

    static func split(_ p: String) -> (String, String) {
        guard let i = p.lastIndex(of: "/") else { return (".", p) }
        let dir = String(p[..<i])
        return (dir.isEmpty ? "/" : dir, String(p[p.index(after: i)...]))
    }

    // MARK: Removal on signals and exits

    /// Temporary files not yet renamed, as C strings, for the signal handler (which may only
    /// call async-signal-safe functions: unlink, and no allocation).
    private static let capacity = 64
    nonisolated(unsafe) private static var table: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> = {
        let t = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: capacity)
        t.initialize(repeating: nil, count: capacity)
        return t
    }()
    nonisolated(unsafe) private static var installed = false

    /// Guards the tables below: a process may open several streams and outputs at once on
    /// different threads (the test bundle does), while the signal handler only reads `table`.
    private static let mutex: UnsafeMutablePointer<pthread_mutex_t> = {
        let m = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        pthread_mutex_init(m, nil)
        return m
    }()
    static func locked<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }

    private static func register(_ path: String) -> Int? {
        locked { registerLocked(path) }
    }

    private static func registerLocked(_ path: String) -> Int? {
        for i in 0..<capacity where table[i] == nil {
            table[i] = strdup(path)
            return i
        }
        return nil
    }

    private static func unregister(_ i: Int) {
        locked {
            let p = table[i]
            table[i] = nil
            free(p)
        }
    }

    /// Unlinks every temporary output file not yet renamed. Async-signal-safe: a tool's own
    /// signal handler (Ctrl-C on live input) calls this before it ends the process.
    public static func removeTemporaryFiles() {
        for i in 0..<capacity {
            if let p = table[i] { unlink(p) }
        }
    }

    /// At exit (any status) and on SIGTERM, SIGINT and SIGHUP, temporary files that were not
    /// renamed are removed. A signal whose handler a tool has set already is left to it.
    public static func installCleanup() {
        let first = locked { () -> Bool in
            if installed { return false }
            installed = true
            return true
        }
        if !first { return }
        atexit { OutputFile.removeTemporaryFiles() }
        for sig in [SIGTERM, SIGINT, SIGHUP] {
            var old = sigaction()
            sigaction(sig, nil, &old)
            // SIG_DFL is 0; SIG_IGN (nohup) and a tool's own handler are kept.
            if unsafeBitCast(old.__sigaction_handler.sa_handler, to: Int.self) != 0 { continue }
            var act = sigaction()
            act.__sigaction_handler.sa_handler = { sig in
                OutputFile.removeTemporaryFiles()
                signal(sig, SIG_DFL)
                raise(sig)
            }
            sigemptyset(&act.sa_mask)
            act.sa_flags = 0
            sigaction(sig, &act, nil)
            // A parent may start us with signals blocked (Foundation's Process does): the signal
            // would then wait forever, and a kill would not end the run.
            var set = sigset_t()
            sigemptyset(&set)
            sigaddset(&set, sig)
            sigprocmask(SIG_UNBLOCK, &set, nil)
        }
    }

    // MARK: An output that is also an input

    /// What a path names, for the check that no output is also an input.
    struct Identity: Equatable {
        var dev: UInt64 = 0, ino: UInt64 = 0
        var path: String? = nil   // resolved path of a file that does not exist yet
    }

    nonisolated(unsafe) static var inputs: [(name: String, id: Identity)] = []
    nonisolated(unsafe) static var declared: [(option: String, path: String)] = []

    static func identity(ofInput path: String) -> Identity? {
        var st = stat()
        if path == "-" {
            guard fstat(0, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        } else {
            guard stat(path, &st) == 0 else { return nil }
        }
        return Identity(dev: UInt64(st.st_dev), ino: UInt64(st.st_ino))
    }

    /// An output's identity: its device and inode when it exists (nil when it is not a regular
    /// file: /dev/null may be both), else its resolved path.
    static func identity(ofOutput path: String) -> Identity? {
        var st = stat()
        if stat(path, &st) == 0 {
            guard (st.st_mode & S_IFMT) == S_IFREG else { return nil }
            return Identity(dev: UInt64(st.st_dev), ino: UInt64(st.st_ino))
        }
        let (dir, base) = split(path)
        guard let r = realpath(dir, nil) else { return Identity(path: path) }
        defer { free(r) }
        return Identity(path: String(cString: r) + "/" + base)
    }

    /// Declares an output file (`option` names it in messages), to be checked against the
    /// inputs by `check` and `registerInputs`.
    public static func declare(option: String, path: String?) {
        guard let path, path != "-" else { return }
        locked {
            if declared.contains(where: { $0.option == option && $0.path == path }) { return }
            declared.append((option, path))
        }
    }

    /// Registers the inputs of a run (before any is read) and checks every declared output.
    public static func registerInputs(_ paths: [String]) throws {
        let ids = paths.map { p in identity(ofInput: p).map { (p == "-" ? "standard input" : p, $0) } }
        try locked {
            for case let i? in ids { inputs.append(i) }
            try checkLocked()
        }
    }

    /// Throws a usage error when a declared output is one of the registered inputs, or two
    /// declared outputs are one file.
    public static func check() throws { try locked { try checkLocked() } }

    private static func checkLocked() throws {
        let ids = declared.map { identity(ofOutput: $0.path) }
        for (k, d) in declared.enumerated() {
            guard let id = ids[k] else { continue }
            for j in 0..<k where ids[j] == id {
                throw OutputConflict(message: "\(declared[j].option) \(declared[j].path) and \(d.option) \(d.path) are the same file; nothing was read or written")
            }
            for i in inputs where i.id == id {
                throw OutputConflict(message: "\(d.option) \(d.path) is also an input (\(i.name)); nothing was read or written")
            }
        }
    }
}

/// An output file that names an input, or two outputs that are one file: a usage error.
public struct OutputConflict: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

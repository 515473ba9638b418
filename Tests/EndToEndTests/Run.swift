import Foundation

/// Runs the built executables (they sit next to the test bundle) and captures their output.
struct Run {
    var status: Int32
    var stdout: String
    var stderr: String
    var out: Data

    static let binDir: URL = {
        var buf = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buf, buf.count - 1)
        var url = URL(fileURLWithPath: String(decoding: buf[0..<max(0, n)].map { UInt8(bitPattern: $0) }, as: UTF8.self))
        // …/.build/debug/sklogPackageTests.xctest → …/.build/debug
        while !FileManager.default.fileExists(atPath: url.appendingPathComponent("sklog-cat").path) && url.path != "/" {
            url.deleteLastPathComponent()
        }
        return url
    }()

    static let repo: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static func sample(_ p: String) -> String { repo.appendingPathComponent("Samples/" + p).path }

    /// Runs `tool` (e.g. "sklog-cat") with `args`; `stdin` is fed when given.
    static func tool(_ tool: String, _ args: [String], stdin: Data? = nil, cwd: String? = nil) throws -> Run {
        let p = Process()
        p.executableURL = binDir.appendingPathComponent(tool)
        p.arguments = args
        if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        let o = Pipe(), e = Pipe(), i = Pipe()
        p.standardOutput = o
        p.standardError = e
        p.standardInput = stdin == nil ? FileHandle.nullDevice : i
        try p.run()
        if let stdin {
            try i.fileHandleForWriting.write(contentsOf: stdin)
            try i.fileHandleForWriting.close()
        }
        // Read both pipes concurrently so that neither fills up.
        let (outData, errData) = drain(o, e)
        p.waitUntilExit()
        return Run(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                   stderr: String(decoding: errData, as: UTF8.self), out: outData)
    }

    /// Reads both pipes to the end concurrently, so that neither fills up.
    static func drain(_ o: Pipe, _ e: Pipe) -> (Data, Data) {
        final class Box: @unchecked Sendable { var data = Data() }
        let box = Box()
        let t = Thread { box.data = e.fileHandleForReading.readDataToEndOfFile() }
        t.start()
        let out = o.fileHandleForReading.readDataToEndOfFile()
        while !t.isFinished { usleep(1000) }
        return (out, box.data)
    }

    var lines: [String] { stdout.split(separator: "\n").map(String.init) }
}

func temp(_ name: String = UUID().uuidString) -> String { NSTemporaryDirectory() + "sklog-e2e-" + name }

func writeFile(_ path: String, _ data: Data) { _ = FileManager.default.createFile(atPath: path, contents: data) }
func writeFile(_ path: String, _ text: String) { writeFile(path, Data(text.utf8)) }

/// gzip with the system's gzip (the reference), for damage tests.
func gzip(_ data: Data) throws -> Data {
    let inPath = temp()
    writeFile(inPath, data)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/gzip")
    p.arguments = ["-c", inPath]
    let o = Pipe()
    p.standardOutput = o
    try p.run()
    let d = o.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return d
}

/// Runs a script with the tools on PATH; `shell` and `environment` (set over this process's) let a
/// test pick bash or its own PATH.
func sh(_ script: String, shell: String = "/bin/sh", environment: [String: String?] = [:]) throws -> Run {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: shell)
    p.arguments = ["-c", script]
    var env = ProcessInfo.processInfo.environment
    env["PATH"] = Run.binDir.path + ":" + (env["PATH"] ?? "/usr/bin:/bin")
    for (k, v) in environment { env[k] = v }
    p.environment = env
    let o = Pipe(), e = Pipe()
    p.standardOutput = o
    p.standardError = e
    try p.run()
    let (outData, errData) = Run.drain(o, e)
    p.waitUntilExit()
    return Run(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self), out: outData)
}

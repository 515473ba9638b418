#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import SklogCLI

// The front door: `sklog NAME ARGS…` runs `sklog-NAME ARGS…` (like git), found next to this
// executable first, then on PATH.
let version = sklogVersion
let tools: [(String, String)] = [
    ("cat", "decompress, detect format, normalize, deduplicate and order records (NDJSON, CSV, TSV)"),
    ("grep", "select records by message ID, field regex, time, type, intent, outcome, latency"),
    ("sessions", "reconstruct sessions: turns, path, outcome, friction, message IDs"),
    ("paths", "interaction paths: transitions, top paths, funnels"),
    ("friction", "barge-ins, terminations, unhandled requests, low-confidence intents, system errors"),
    ("metrics", "every metric of the console's Analytics pages, by period and dimension"),
    ("ids", "message-ID lists of failures, slow responses and friction events"),
    ("trend", "friction, failure and latency trends per period, with top movers"),
    ("report", "one self-contained HTML dashboard"),
    ("gen", "deterministic simulator of a skill's traffic"),
]

func usage() -> String {
    var s = """
    sklog \(version): composable tools for a voice skill's request logs.

    USAGE: sklog <tool> [options] [files…]     (same as sklog-<tool> …)

    TOOLS:

    """
    for (name, what) in tools { s += "  " + name.padding(10) + what + "\n" }
    s += """

    Every tool reads gzip, zlib or plain files (or standard input) in any supported format and
    takes --help. Example:
      sklog ids --failed --since 2026-11-24 logs/*.gz > failed.txt
      sklog grep --ids failed.txt --session-context logs/*.gz

    """
    return s
}

extension String {
    func padding(_ n: Int) -> String { count >= n ? self + " " : self + String(repeating: " ", count: n - count) }
}

func selfDirectory() -> String? {
    var buf = [CChar](repeating: 0, count: 4096)
    let n = readlink("/proc/self/exe", &buf, buf.count - 1)
    guard n > 0 else { return nil }
    let path = String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    guard let slash = path.lastIndex(of: "/") else { return nil }
    return String(path[..<slash])
}

let args = CommandLine.arguments
guard args.count >= 2 else { fputs(usage(), stderr); exit(2) }
switch args[1] {
case "--help", "-h", "help":
    print(usage(), terminator: "")
    exit(0)
case "--version":
    print(version)
    exit(0)
default:
    break
}
let name = args[1]
guard tools.contains(where: { $0.0 == name }) else {
    fputs("sklog: '\(name)' is not a sklog tool; see 'sklog --help'\n", stderr)
    exit(2)
}
var candidates: [String] = []
if let dir = selfDirectory() { candidates.append("\(dir)/sklog-\(name)") }
let argv = ["sklog-\(name)"] + args.dropFirst(2)
var cargs = argv.map { strdup($0) } + [nil]
for path in candidates where access(path, X_OK) == 0 {
    execv(path, &cargs)
}
execvp("sklog-\(name)", &cargs)
fputs("sklog: cannot run sklog-\(name): \(String(cString: strerror(errno)))\n", stderr)
exit(2)

// swift-tools-version:6.0
// sklog: composable command-line tools that turn a voice skill's compressed request logs
// into sessions, friction events, metrics, trends and message-ID lists.
//
// Layout follows the pipeline: input (SklogIO) -> records (SklogRecords) -> analysis
// (SklogAnalysis) -> output (SklogReport), with thin executables, one per tool.
import PackageDescription

// Language mode 5: the pipeline hands buffers between two threads by hand, and the strict
// Sendable checking of mode 6 would force wrappers on every buffer without making it safer.
// Release builds leave out the run-time exclusivity checks (swift_beginAccess on every access to
// a class's stored property: 1.5–2 instructions per input byte in the session tools, measured
// with scripts/bench --instructions); debug builds and the tests keep them.
let settings: [SwiftSetting] = [
    .swiftLanguageMode(.v5),
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
]

let tools = ["cat", "grep", "sessions", "paths", "friction", "metrics", "ids", "trend", "report", "gen", "errors", "top"]

var targets: [Target] = [
    // System C libraries: a module map plus a shim header each, nothing compiled.
    .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
    .systemLibrary(name: "CPCRE2", pkgConfig: "libpcre2-8", providers: [.apt(["libpcre2-dev"])]),
    .systemLibrary(name: "CISAL", pkgConfig: "libisal", providers: [.apt(["libisal-dev"])]),

    // The SIMD stage of the record parser (C: SSE2 bitmasks, one instruction per 16 bytes).
    // DWARF 4: valgrind (scripts/bench --instructions) cannot read clang's default DWARF 5.
    .target(name: "CSklogScan", cSettings: [.unsafeFlags(["-gdwarf-4", "-O3"])]),

    // Bytes in and out: files, decompression, line splitting, buffered output.
    .target(name: "SklogIO", dependencies: ["CZlib", "CISAL"], swiftSettings: settings),
    // PCRE2 (JIT) behind one small class.
    .target(name: "SklogMatch", dependencies: ["CPCRE2"], swiftSettings: settings),
    // The canonical record: byte-level JSON scanning, input formats, ordering and dedup.
    .target(name: "SklogRecords", dependencies: ["SklogIO", "SklogMatch", "CZlib", "CSklogScan"], swiftSettings: settings),
    // Sessions, friction, paths, metrics, trends.
    .target(name: "SklogAnalysis", dependencies: ["SklogRecords"], swiftSettings: settings),
    // Human tables, CSV, JSON and the HTML report.
    .target(name: "SklogReport", dependencies: ["SklogAnalysis"], swiftSettings: settings),
    // What every tool shares: input options, the run loop, exit codes, diagnostics.
    .target(name: "SklogCLI", dependencies: [
        "SklogRecords", "SklogAnalysis", "SklogReport",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
    ], swiftSettings: settings),
    // The traffic simulator behind sklog-gen, tests and benchmarks.
    .target(name: "SklogGen", dependencies: ["SklogIO"], swiftSettings: settings),
    // The tools as argument-parser commands, shared by the sklog-NAME executables and the front door.
    .target(name: "SklogTools", dependencies: [
        "SklogCLI", "SklogGen", .product(name: "ArgumentParser", package: "swift-argument-parser"),
    ], swiftSettings: settings),
    // One entry point per parser of untrusted bytes, for the fuzzer and its regression tests.
    .target(name: "SklogFuzz", dependencies: ["SklogRecords", "SklogAnalysis", "CZlib"], swiftSettings: settings),

    // The front door: `sklog NAME ...` is the same command tree as the sklog-NAME executables.
    .executableTarget(name: "sklog", dependencies: ["SklogTools"], swiftSettings: settings),

    .testTarget(name: "SklogIOTests", dependencies: ["SklogIO", "CZlib"], swiftSettings: settings),
    .testTarget(name: "SklogRecordsTests", dependencies: ["SklogRecords", "SklogGen"], swiftSettings: settings),
    .testTarget(name: "SklogAnalysisTests", dependencies: ["SklogAnalysis", "SklogReport", "SklogGen"], swiftSettings: settings),
    .testTarget(name: "SklogGenTests", dependencies: ["SklogGen", "SklogRecords"], swiftSettings: settings),
    .testTarget(name: "EndToEndTests", dependencies: ["SklogIO"], swiftSettings: settings),
    .testTarget(name: "SklogFuzzTests", dependencies: ["SklogFuzz"], swiftSettings: settings),
]

// The libFuzzer driver links only with -sanitize=fuzzer: scripts/fuzz sets SKLOG_FUZZ=1 (and its
// own build folder), so that plain `swift build` never sees it.
if Context.environment["SKLOG_FUZZ"] == "1" {
    targets.append(.executableTarget(name: "sklog-fuzz", dependencies: ["SklogFuzz"], swiftSettings: settings))
}

for tool in tools {
    targets.append(.executableTarget(name: "sklog-\(tool)", dependencies: ["SklogCLI", "SklogTools"], swiftSettings: settings))
}

let package = Package(
    name: "sklog",
    platforms: [.macOS(.v13)],
    products: [.executable(name: "sklog", targets: ["sklog"])]
        + tools.map { .executable(name: "sklog-\($0)", targets: ["sklog-\($0)"]) },
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
    ],
    targets: targets
)

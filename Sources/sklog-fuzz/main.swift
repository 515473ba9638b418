// The libFuzzer driver (built only by scripts/fuzz, with SKLOG_FUZZ=1 and
// -sanitize=fuzzer,address). `SKLOG_FUZZ_TARGET` names the parser; every other argument is
// libFuzzer's. An environment variable, not an argument, so that libFuzzer's re-runs of itself
// (minimizing a crash) keep the target.
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import SklogFuzz

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                         _ cb: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

nonisolated(unsafe) var selected: FuzzTarget = .ndjson

// libFuzzer's own main (linked in by -sanitize=fuzzer) needs this symbol; ours runs the driver.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    selected.run(UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size))
    return 0
}

let name = getenv("SKLOG_FUZZ_TARGET").map { String(cString: $0) } ?? ""
guard let t = FuzzTarget(rawValue: name) else {
    let all = FuzzTarget.allCases.map(\.rawValue).joined(separator: " ")
    fputs("sklog-fuzz: set SKLOG_FUZZ_TARGET to one of: \(all)\n", stderr)
    exit(2)
}
selected = t
var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, { fuzzOne($0, $1) }))

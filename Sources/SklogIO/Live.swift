#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What live inputs (pipes, terminals) share: the Ctrl-C that ends the input, and the outputs
/// flushed whenever the input goes idle.
///
/// Ctrl-C: `installInterruptHook()` installs a SIGINT handler that only sets a flag, which the
/// reading loop polls (`interrupted`), and puts back the handler that was there before, so a
/// second Ctrl-C gets the earlier behaviour (by default: the process ends). Nothing here exits.
public enum LiveInput {
    private static let flag: UnsafeMutablePointer<sig_atomic_t> = {
        let p = UnsafeMutablePointer<sig_atomic_t>.allocate(capacity: 1)
        p.initialize(to: 0)
        return p
    }()
    private static let previous: UnsafeMutablePointer<sigaction> = .allocate(capacity: 1)
    nonisolated(unsafe) private static var installed = false
    private final class Weak { weak var out: OutputBuffer?; init(_ o: OutputBuffer) { out = o } }
    /// Held weakly: an output is still closed (and flushed) when its owner lets it go.
    nonisolated(unsafe) private static var outputs: [Weak] = []

    /// Whether a Ctrl-C (SIGINT) asked the live input to end.
    public static var interrupted: Bool { flag.pointee != 0 }

    /// Installs the SIGINT hook once: the first SIGINT sets `interrupted` and restores the
    /// previous disposition.
    public static func installInterruptHook() {
        if installed { return }
        installed = true
        _ = flag
        var sa = sigaction()
        #if canImport(Glibc)
        sa.__sigaction_handler.sa_handler = { _ in
            LiveInput.flag.pointee = 1
            sigaction(SIGINT, LiveInput.previous, nil)
        }
        #else
        sa.__sigaction_u.__sa_handler = { _ in
            LiveInput.flag.pointee = 1
            sigaction(SIGINT, LiveInput.previous, nil)
        }
        #endif
        sigemptyset(&sa.sa_mask)
        sa.sa_flags = 0
        sigaction(SIGINT, &sa, previous)
    }

    /// An output to flush when the input goes idle (standard output, `-o FILE`).
    public static func register(_ out: OutputBuffer) {
        outputs.removeAll { $0.out == nil }
        outputs.append(Weak(out))
    }

    /// Flushes every registered output (OutputClosed when the reader has gone).
    public static func flushOutputs() throws {
        for o in outputs { try o.out?.flush() }
    }

    /// Monotonic seconds.
    public static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}

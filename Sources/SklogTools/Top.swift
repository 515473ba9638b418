#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import ArgumentParser
import SklogAnalysis
import SklogCLI
import SklogIO
import SklogRecords
import SklogReport

public struct Top: ParsableCommand {
    public static var configuration: CommandConfiguration { CommandConfiguration(
        commandName: ToolName.command("top"),
        abstract: "The skill's health at a glance, redrawn every second.",
        discussion: """
        A full-screen view of the last 1, 5 or 15 minutes of log time (the window ends at the \
        latest record read): endpoint requests per second, failure %, P50/P90/P99 latency, \
        barge-ins, terminations and unhandled requests per 100 turns, the intents that fail \
        most, the latest failed and slow message IDs, and a sparkline of requests over the \
        last 15 minutes. Keys: 1, 5, f (15) switch the window; q or Ctrl-C quits. Reads a live \
        pipe as it arrives; files are replayed at full speed and the end state stays on screen. \
        --once prints one frame at the end of the input and exits. NO_COLOR turns colour off. \
        Details: docs/top.md.

        Examples:
          aws logs tail --follow /aws/lambda/my-skill | sklog top
          sklog top --once --window 5 logs/*.gz
        """,
        version: sklogVersion) }

    public init() {}

    @OptionGroup var input: InputOptions
    @OptionGroup var session: SessionOptionsGroup

    @Flag(help: "Print one frame at the end of the input and exit (no alternate screen, no keys).")
    var once = false

    @Option(help: ArgumentHelp("The window in minutes of log time: 1, 5 or 15.", valueName: "min"))
    var window: Int = 5

    @Option(help: ArgumentHelp("A request at least this slow (ms) is listed among the slow message IDs.", valueName: "ms"))
    var slow: Int64 = 3000

    public func validate() throws {
        guard [1, 5, 15].contains(window) else { throw ValidationError("--window must be 1, 5 or 15 (minutes)") }
        guard slow >= 0 else { throw ValidationError("--slow must be a number of milliseconds") }
    }

    struct Quit: Error {}

    public func run() throws {
        ToolRun.main("sklog-top") {
            let options = try session.sessionOptions()
            var o = try input.streamOptions()
            o.progress = false
            let stream = try RecordStream(paths: input.files, options: o)
            // Ctrl-C (also a `kill -INT`) quits and restores the terminal: polled, never exits here.
            if !once { LiveInput.installInterruptHook() }
            let state = TopState(slowMs: slow)
            let screen = TopScreen(interactive: !once)
            var minutes = window
            defer { screen.restore() }
            let sessionizer = Sessionizer(options: options) { s in state.addSession(s) }
            sessionizer.detail = .noText
            var lastDraw = 0.0
            var ended = false
            func draw() throws {
                let (cols, rows) = screen.size()
                try screen.show(state.frame(minutes: minutes, cols: cols, rows: rows, color: screen.color,
                                            status: ended ? "ended" : (stream.isLive ? "live" : "replay")))
                lastDraw = LiveInput.now()
            }
            func tick(force: Bool = false) throws {
                if !once {
                    for k in screen.keys() {
                        switch k {
                        case UInt8(ascii: "q"), UInt8(ascii: "Q"), 3: throw Quit()
                        case UInt8(ascii: "1"): minutes = 1
                        case UInt8(ascii: "5"): minutes = 5
                        case UInt8(ascii: "f"), UInt8(ascii: "F"), UInt8(ascii: "0"): minutes = 15
                        default: continue
                        }
                        lastDraw = 0
                    }
                    if LiveInput.interrupted { throw Quit() }
                }
                if !once && (force || LiveInput.now() - lastDraw >= 1) { try draw() }
            }
            do {
                if !once { try screen.enter(); try draw() }
                stream.idleHook = { try tick() }
                var n = 0
                try stream.forEach { rec in
                    state.add(rec)
                    sessionizer.add(rec)
                    n &+= 1
                    if n & 0x3ff == 0 { try tick() }
                }
                sessionizer.finish()
                ended = true
                try draw()
                // The end state stays until q or Ctrl-C.
                while !once {
                    screen.waitForKey(seconds: 1)
                    try tick(force: true)
                }
            } catch is Quit {
                screen.restore()
                return ExitStatus.ok
            }
            screen.restore()
            if !input.quiet && once { Diagnostics.write("\(Diagnostics.toolName): \(stream.accounting.summaryLine)") }
            return ExitStatus.ok
        }
    }
}

/// The last 15 minutes of log time, kept compact: one entry per endpoint request, turn and
/// friction event, and the failed and slow message IDs. Definitions are those of `sklog metrics`:
/// endpoint requests are turns and smart home directives (`RecordKind`), a failure is an outcome
/// of error or no_response, latency percentiles are nearest-rank over the known latencies,
/// friction rates are events per 100 turns.
final class TopState {
    struct Req { var ts: Int64; var latency: Int64; var failed: Bool }
    struct Notable { var ts: Int64; var id: String; var label: String; var latency: Int64 }
    let slowMs: Int64
    static let keepMs: Int64 = 15 * 60_000
    var latest = Int64.min
    var earliest = Int64.max
    var reqs: [Req] = []
    var reqHead = 0
    var turns: [Int64] = []
    var turnHead = 0
    var friction: [(ts: Int64, type: FrictionType)] = []
    var failed: [Notable] = []
    var slow: [Notable] = []

    init(slowMs: Int64) { self.slowMs = slowMs }

    func add(_ r: Record) {
        if r.ts > latest { latest = r.ts }
        if r.ts < earliest { earliest = r.ts }
        let kind = RecordKind.classify(r)
        if kind.isTurn { turns.append(r.ts) }
        guard kind.isTurn || kind.isDirective else { prune(); return }
        let f = r.failed
        reqs.append(Req(ts: r.ts, latency: r.latencyMs, failed: f))
        if f || (r.latencyMs >= slowMs && r.latencyMs >= 0) {
            let label = r.string(r.intent) ?? r.string(r.requestType) ?? "?"
            let n = Notable(ts: r.ts, id: r.string(r.messageId) ?? "", label: label, latency: r.latencyMs)
            if f { failed.append(n) }
            if r.latencyMs >= slowMs && r.latencyMs >= 0 { slow.append(n) }
        }
        if reqs.count & 0xff == 0 { prune() }
    }

    func addSession(_ s: Session) {
        for e in s.friction { friction.append((e.ts, e.type)) }
    }

    /// Forgets what is older than 15 minutes before the latest record.
    func prune() {
        guard latest != Int64.min else { return }
        let cut = latest - Self.keepMs
        while reqHead < reqs.count && reqs[reqHead].ts <= cut { reqHead += 1 }
        if reqHead > 4096 && reqHead * 2 > reqs.count { reqs.removeFirst(reqHead); reqHead = 0 }
        while turnHead < turns.count && turns[turnHead] <= cut { turnHead += 1 }
        if turnHead > 4096 && turnHead * 2 > turns.count { turns.removeFirst(turnHead); turnHead = 0 }
        if failed.count > 8192 { failed.removeAll { $0.ts <= cut } }
        if slow.count > 8192 { slow.removeAll { $0.ts <= cut } }
        if friction.count > 8192 { friction.removeAll { $0.ts <= cut } }
    }

    /// The numbers of one window: records with latest - window < ts <= latest.
    struct Numbers {
        var minutes: Int
        var seconds: Double
        var requests = 0
        var failures = 0
        var p50: Int64? = nil, p90: Int64? = nil, p99: Int64? = nil
        var turns = 0
        var bargeIns = 0, terminations = 0, unhandled = 0
        var topIntents: [(String, Int)] = []
        var latestFailed: [Notable] = []
        var latestSlow: [Notable] = []
        var perSecond: Double { seconds > 0 ? Double(requests) / seconds : 0 }
    }

    func numbers(minutes: Int) -> Numbers {
        prune()
        let w = Int64(minutes) * 60_000
        let from = latest == Int64.min ? Int64.max : latest - w
        // Requests per second over the window, or over the time seen when that is shorter.
        let span = latest == Int64.min ? 0 : min(w, latest - earliest + 1)
        var n = Numbers(minutes: minutes, seconds: Double(max(span, 1)) / 1000)
        var lat: [Int64] = []
        for r in reqs[reqHead...] where r.ts > from {
            n.requests += 1
            if r.failed { n.failures += 1 }
            if r.latency >= 0 { lat.append(r.latency) }
        }
        // Nearest-rank, as `sklog metrics` and `ids --slow pNN` (sorting sorted values is cheap).
        n.p50 = IDSelector.nearestRank(&lat, 50)
        n.p90 = IDSelector.nearestRank(&lat, 90)
        n.p99 = IDSelector.nearestRank(&lat, 99)
        for t in turns[turnHead...] where t > from { n.turns += 1 }
        for e in friction where e.ts > from && e.ts <= latest {
            switch e.type {
            case .bargeIn: n.bargeIns += 1
            case .termination: n.terminations += 1
            case .unhandled: n.unhandled += 1
            default: break
            }
        }
        var counts: [String: Int] = [:]
        for f in failed where f.ts > from { counts[f.label, default: 0] += 1 }
        n.topIntents = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        n.latestFailed = failed.filter { $0.ts > from }.suffix(20).reversed()
        n.latestSlow = slow.filter { $0.ts > from }.suffix(20).reversed()
        return n
    }

    /// Requests per bucket over the last 15 minutes (`buckets` buckets), and failures.
    func spark(buckets: Int) -> ([Int], [Int]) {
        var all = Array(repeating: 0, count: buckets), bad = all
        guard latest != Int64.min, buckets > 0 else { return (all, bad) }
        let from = latest - Self.keepMs
        for r in reqs[reqHead...] where r.ts > from {
            let b = min(buckets - 1, Int((r.ts - from - 1) * Int64(buckets) / Self.keepMs))
            all[b] += 1
            if r.failed { bad[b] += 1 }
        }
        return (all, bad)
    }

    // MARK: Drawing

    static func ms(_ v: Int64?) -> String { v.map { "\($0) ms" } ?? "-" }
    static func fixed(_ v: Double, _ digits: Int) -> String { MetricsTable.fixed(v, digits) }
    static func per100(_ n: Int, _ turns: Int) -> String { turns > 0 ? fixed(Double(n) * 100 / Double(turns), 2) : "-" }

    /// One frame: `rows` lines at most, each at most `cols` columns.
    func frame(minutes: Int, cols: Int, rows: Int, color: Bool, status: String) -> [String] {
        let n = numbers(minutes: minutes)
        let bold = color ? "\u{1b}[1m" : "", red = color ? "\u{1b}[31m" : "", off = color ? "\u{1b}[0m" : ""
        var out: [(String, String)] = []  // (plain text, styled text)
        func line(_ s: String, _ style: String = "") { out.append((s, style.isEmpty ? s : style + s + off)) }
        let until = latest == Int64.min ? "-" : Timestamp.string(latest)
        line("sklog top  window \(minutes) min, ending \(until)  [\(status)]", bold)
        line("keys: 1 5 f window, q quit")
        line("requests    \(n.requests) (\(Self.fixed(n.perSecond, 2))/s)")
        let failPct = n.requests > 0 ? Self.fixed(Double(n.failures) * 100 / Double(n.requests), 2) + " %" : "-"
        line("failures    \(n.failures) (\(failPct))", n.failures > 0 ? red : "")
        line("latency     P50 \(Self.ms(n.p50))  P90 \(Self.ms(n.p90))  P99 \(Self.ms(n.p99))")
        line("per 100 turns (\(n.turns) turns)  barge-ins \(Self.per100(n.bargeIns, n.turns))  terminations \(Self.per100(n.terminations, n.turns))  unhandled \(Self.per100(n.unhandled, n.turns))")
        let width = max(10, cols - 14)
        let (all, bad) = spark(buckets: min(width, 90))
        line("last 15 min \(Self.sparkline(all))")
        line("failures    \(Self.sparkline(bad, scaleTo: all.max() ?? 0))", red)
        // What is left goes to the lists (a heading each): failing intents, failed IDs, slow IDs.
        let left = max(3, rows - out.count - 3)
        let k1 = min(max(1, n.topIntents.count), max(1, left / 4))
        let k2 = min(max(1, n.latestFailed.count), max(1, (left - k1) / 2))
        let k3 = max(1, left - k1 - k2)
        line("top failing intents", bold)
        if n.topIntents.isEmpty { line("  (none)") }
        for (name, c) in n.topIntents.prefix(k1) { line("  \(c)  \(Self.escape(name))") }
        line("latest failed (message ID, intent)", bold)
        if n.latestFailed.isEmpty { line("  (none)") }
        for f in n.latestFailed.prefix(k2) {
            // The ID stays whole; the intent is cut to what fits.
            let id = Self.escape(f.id), label = Self.escape(f.label)
            let room = cols - id.count - 4
            line("  \(id)  " + (label.count <= room ? label : room > 1 ? String(label.prefix(room - 1)) + "…" : ""), red)
        }
        line("latest slow >= \(slowMs) ms (message ID, latency)", bold)
        if n.latestSlow.isEmpty { line("  (none)") }
        for f in n.latestSlow.prefix(k3) { line("  \(Self.escape(f.id))  \(f.latency) ms") }
        // Cut to the screen: IDs are never cut (a line too long for the screen is left out).
        var lines: [String] = []
        for (plain, styled) in out.prefix(rows) {
            if plain.count <= cols { lines.append(styled) } else if plain.hasPrefix("  ") { continue } else { lines.append(String(plain.prefix(cols))) }
        }
        return lines
    }

    static let blocks: [Character] = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    static func sparkline(_ v: [Int], scaleTo: Int? = nil) -> String {
        let top = max(1, scaleTo ?? (v.max() ?? 0))
        return String(v.map { x in x == 0 ? blocks[0] : blocks[max(1, min(8, (x * 8 + top - 1) / top))] })
    }

    /// Log text made safe for the terminal (`TerminalText`, as every text output).
    static func escape(_ s: String) -> String { TerminalText.safe(s) }
}

/// The terminal: alternate screen and raw keys (termios on /dev/tty, since standard input is the
/// log), restored on every way out.
final class TopScreen {
    let interactive: Bool
    let color: Bool
    private var tty: Int32 = -1
    private var saved = termios()
    private var raw = false
    private var entered = false

    init(interactive: Bool) {
        self.interactive = interactive
        color = getenv("NO_COLOR") == nil && isatty(1) != 0
    }

    func enter() throws {
        guard interactive else { return }
        tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)
        if tty >= 0, tcgetattr(tty, &saved) == 0 {
            var t = saved
            t.c_lflag &= ~tcflag_t(ICANON | ECHO | ISIG)
            withUnsafeMutableBytes(of: &t.c_cc) { cc in cc[Int(VMIN)] = 0; cc[Int(VTIME)] = 0 }
            if tcsetattr(tty, TCSANOW, &t) == 0 { raw = true }
        }
        put("\u{1b}[?1049h\u{1b}[?25l")
        entered = true
    }

    func restore() {
        if raw { tcsetattr(tty, TCSANOW, &saved); raw = false }
        if entered { put("\u{1b}[?25h\u{1b}[?1049l"); entered = false }
        if tty >= 0 { close(tty); tty = -1 }
    }

    deinit { restore() }

    private func put(_ s: String) {
        var s = s
        s.withUTF8 { b in
            var off = 0
            while off < b.count {
                let n = write(1, b.baseAddress! + off, b.count - off)
                if n <= 0 { if n < 0 && errno == EINTR { continue }; return }
                off += n
            }
        }
    }

    /// Columns and rows (80×24 when unknown).
    func size() -> (Int, Int) {
        var ws = winsize()
        for fd in [tty, 1, 2] where fd >= 0 {
            if ioctl(fd, UInt(TIOCGWINSZ), &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 0 { return (Int(ws.ws_col), Int(ws.ws_row)) }
        }
        return (80, 24)
    }

    func show(_ lines: [String]) throws {
        if interactive {
            put("\u{1b}[H" + lines.map { $0 + "\u{1b}[K" }.joined(separator: "\r\n") + "\u{1b}[J")
        } else {
            put(lines.joined(separator: "\n") + "\n")
        }
    }

    /// Keys pressed since the last call (none without a terminal).
    func keys() -> [UInt8] {
        guard tty >= 0 && raw else { return [] }
        var buf = [UInt8](repeating: 0, count: 64)
        let n = read(tty, &buf, buf.count)
        return n > 0 ? Array(buf[0..<n]) : []
    }

    func waitForKey(seconds: Double) {
        guard tty >= 0 else { usleep(useconds_t(seconds * 1_000_000)); return }
        var p = pollfd(fd: tty, events: Int16(POLLIN), revents: 0)
        _ = poll(&p, 1, Int32(seconds * 1000))
    }
}

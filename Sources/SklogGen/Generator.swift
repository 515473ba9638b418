// The public entry points: run a simulation into files, standard output or memory.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public enum GenTarget {
    /// Standard output (or a single file when `path` is given; `.gz` suffix: gzip).
    case single(path: String?)
    /// `count` files in a directory, one per simulated log stream (always gzip).
    case directory(path: String, count: Int)
}

public struct GenSummary: Sendable {
    public var records = 0
    public var duplicates = 0
    public var disordered = 0
    public var sessions = 0
    public var bytes = 0
}

/// Receives the simulator's records in time order and writes them to their streams.
final class Emitter: RecordSink {
    let streams: [Stream]
    let view: View
    let truth: Truth
    let ctx: RenderContext
    let format: FormatWriter
    private let rngp: UnsafeMutablePointer<Rng>
    var rng: Rng {
        unsafeAddress { UnsafePointer(rngp) }
        unsafeMutableAddress { rngp }
    }
    let disorder: Double
    let duplicates: Double
    let scratch = ByteBuffer(capacity: 1 << 16)
    var order: Int64 = 0
    var written = 0
    var duplicatesWritten = 0
    weak var sim: Simulator?

    init(streams: [Stream], options: GenOptions, view: View, truth: Truth, ctx: RenderContext, format: FormatWriter) {
        self.streams = streams
        self.view = view
        self.truth = truth
        self.ctx = ctx
        self.format = format
        rngp = .allocate(capacity: 1)
        rngp.initialize(to: Rng(seed: options.seed, stream: 2))
        disorder = max(0, min(1, options.disorder))
        duplicates = max(0, min(1, options.duplicates))
    }

    deinit { rngp.deinitialize(count: 1); rngp.deallocate() }

    func emit(_ r: inout Rec) {
        guard view.includes(r) else { return }
        truth.written(r)
        written += 1
        let s = streams[Int(r.stream) % streams.count]
        s.release(upTo: r.ts)
        let late = disorder > 0 && rng.chance(disorder)
        let dup = duplicates > 0 && rng.chance(duplicates)
        if !late && !dup && s.batcher == nil {
            s.note(r.ts, duplicate: false)
            format.write(r, into: s.buf, ctx: ctx)
            s.flushIfFull()
        } else {
            scratch.removeAll()
            format.write(r, into: scratch, ctx: ctx)
            let bytes = scratch.bytes
            if late {
                order += 1
                s.pending.append(.init(release: r.ts + Int64(rng.range(1000, 30_000)), order: order, ts: r.ts, duplicate: false, bytes: bytes))
            } else {
                s.note(r.ts, duplicate: false)
                scratch.withBytes { s.put($0) }
            }
            if dup {
                let target = rng.chance(0.6) || streams.count == 1 ? s : streams[rng.below(streams.count)]
                order += 1
                target.pending.append(.init(release: r.ts + Int64(rng.range(200, 5000)), order: order, ts: r.ts, duplicate: true, bytes: bytes))
                duplicatesWritten += 1
            }
        }
        if written & 0xFFF == 0, let e = streams.lazy.compactMap({ $0.sink.error }).first {
            _ = e
            sim?.stopped = true
        }
    }

    func finish() {
        for s in streams { s.release(upTo: nil); s.flush() }
    }
}

public enum Generator {
    static func fileExtension(_ f: OutputFormat) -> String {
        switch f {
        case .ndjson: return "ndjson"
        case .lambda: return "log"
        case .lambdaJSON: return "jsonl"
        case .cloudwatchExport: return "export"
        case .subscription: return "subscription.ndjson"
        }
    }

    /// Runs a simulation. `truthPath`: where to write the ground truth (NDJSON), if anywhere.
    @discardableResult
    public static func run(_ options: GenOptions, target: GenTarget, truthPath: String? = nil) throws -> GenSummary {
        var sinks: [ByteSink] = []
        switch target {
        case let .single(path):
            if let p = path {
                let fd = try FDSink.create(path: p)
                sinks.append(p.hasSuffix(".gz") ? try GzipSink(inner: fd, level: options.gzipLevel) : fd)
            } else {
                sinks.append(FDSink(fd: 1, name: "standard output", owns: false))
            }
        case let .directory(path, count):
            guard count >= 1 else { throw GenError.usage("--files must be at least 1") }
            var st = stat()
            if stat(path, &st) != 0 {
                if mkdir(path, 0o755) != 0 { throw GenError.io("cannot create directory \(path): \(String(cString: strerror(errno)))") }
            } else if (st.st_mode & S_IFMT) != S_IFDIR {
                throw GenError.usage("\(path) is not a directory (--files needs -o DIR)")
            }
            let ext = fileExtension(options.format)
            for i in 0..<count {
                var name = String(i)
                while name.count < 3 { name = "0" + name }
                let fd = try FDSink.create(path: path + "/stream-" + name + "." + ext + ".gz")
                sinks.append(try GzipSink(inner: fd, level: options.gzipLevel))
            }
        }
        var truthSink: ByteSink? = nil
        if let tp = truthPath {
            let fd = try FDSink.create(path: tp)
            truthSink = tp.hasSuffix(".gz") ? try GzipSink(inner: fd, level: options.gzipLevel) : fd
        }
        let summary = try run(options, sinks: sinks, truth: truthSink)
        return summary
    }

    static func run(_ options: GenOptions, sinks: [ByteSink], truth truthSink: ByteSink?) throws -> GenSummary {
        let ctx = RenderContext(seed: options.seed)
        let view = View(full: !options.format.isRaw)
        let truth = Truth(view: view, ctx: ctx, out: truthSink)
        let streams = sinks.map { Stream(sink: $0) }
        let emitter = Emitter(streams: streams, options: options, view: view, truth: truth, ctx: ctx,
                              format: makeFormatWriter(options.format, streams: streams, seed: options.seed))
        let sim = Simulator(options: options, streams: streams.count, truth: truth)
        sim.sink = emitter
        emitter.sim = sim
        sim.run()
        emitter.finish()
        emitter.format.finish(streams: streams, ctx: ctx)
        let disordered = streams.reduce(0) { $0 + $1.disordered }
        truth.flush()
        truth.finish(options: options, duplicates: emitter.duplicatesWritten, disordered: disordered)
        var firstError: GenError? = nil
        for s in sinks { s.close(); if firstError == nil { firstError = s.error } }
        if let t = truthSink { t.close(); if firstError == nil { firstError = t.error } }
        if let e = firstError { throw e }
        return GenSummary(records: truth.records, duplicates: emitter.duplicatesWritten, disordered: disordered,
                          sessions: truth.sessions, bytes: 0)
    }

    /// Runs a simulation in memory: the output of each stream (uncompressed) and the truth.
    public static func generate(_ options: GenOptions, streams: Int = 1) -> (outputs: [[UInt8]], truth: [UInt8]) {
        let sinks = (0..<max(1, streams)).map { _ in MemorySink() }
        let t = MemorySink()
        _ = try? run(options, sinks: sinks, truth: t)
        return (sinks.map { $0.bytes }, t.bytes)
    }
}

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import ArgumentParser
import SklogAnalysis
import SklogIO
import SklogRecords
import SklogReport

/// How much of the human table to show: a screenful by default, everything with `--full`.
public struct TableChoice {
    public var header = true
    public var full = false
    public var top = 20
    public init(header: Bool = true, full: Bool = false, top: Int = 20) { self.header = header; self.full = full; self.top = top }
}

/// What `sklog-metrics` does after (or instead of) reading records: read and merge partial
/// states, render the output, check `--fail-if` conditions.
public enum MetricsRun {
    /// Parses `--fail-if` conditions (a usage error names the bad one).
    public static func conditions(_ texts: [String]) throws -> [MetricCondition] {
        try texts.map { t in
            do { return try MetricCondition(t) } catch let e as MetricCondition.ParseError { throw ValidationError(e.description) }
        }
    }

    /// Reads and merges partial states (`--merge`). Files may be gzip'd.
    public static func merge(_ paths: [String]) throws -> MetricsAccumulator {
        guard !paths.isEmpty else { throw ValidationError("--merge needs the partial state files written by --partial") }
        var acc: MetricsAccumulator?
        var seen: [UInt64: String] = [:]
        for p in paths {
            let bytes = try ChunkReader.readWholeFile(p)
            let part: MetricsAccumulator
            do { part = try MetricsAccumulator.fromPartialState(bytes, name: p == "-" ? "stdin" : p) } catch let e as MetricsAccumulator.PartialStateError {
                throw InputError(path: e.name, message: e.message)
            }
            // The same state twice (the same file, or a copy) would count its records twice.
            if let id = part.partialRunId, !part.isEmptyPartialState {
                if let first = seen[id] {
                    throw InputError(path: p, message: "the same partial state as \(first) (run id \(String(id, radix: 16))): merging it twice would count it twice")
                }
                seen[id] = p
            }
            if let a = acc {
                do { try a.merge(part) } catch let e as MetricsAccumulator.MergeError { throw InputError(path: p, message: e.description) }
            } else {
                acc = part
            }
        }
        return acc!
    }

    /// Writes the result (or the partial state) and reports the conditions that held. Returns the
    /// exit status for the conditions (0 or 4).
    public static func output(_ acc: MetricsAccumulator, format: MetricsFormat, partial: Bool, conditions: [MetricCondition],
                              target: OutputTarget, colorAllowed: Bool, table: TableChoice = TableChoice()) throws -> Int32 {
        if partial {
            try target.buffer.write(acc.partialState())
            return ExitStatus.ok
        }
        let result = acc.result()
        switch format {
        case .json: try target.buffer.write(MetricsJSON.render(result))
        case .csv: try target.buffer.write(MetricsCSV.render(result))
        case .prometheus: try target.buffer.write(MetricsPrometheus.render(result))
        case .table:
            let color = colorAllowed && isatty(1) != 0 && getenv("NO_COLOR") == nil
            try target.buffer.write(MetricsTable.render(result, style: .init(color: color, header: table.header, compact: !table.full, rowLimit: table.top)))
        }
        var held = false
        for c in conditions {
            let values = c.held(in: result.total.metrics)
            if values.isEmpty { continue }
            held = true
            Diagnostics.error("condition held: \(c.text) (\(values.prefix(5).joined(separator: ", "))\(values.count > 5 ? ", …" : ""))")
        }
        return held ? ExitStatus.conditionHeld : ExitStatus.ok
    }
}

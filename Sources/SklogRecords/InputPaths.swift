#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import SklogIO

/// The inputs named on a command line, as files to read and the groups read as one input.
///
/// - A directory is read whole: every file under it, in name order (a CloudWatch export to S3
///   synced to disk, `aws s3 sync s3://bucket/prefix export/`). AWS's `aws-logs-write-test`
///   object (its permission check, always written at the prefix) is skipped with a note.
/// - The numbered parts of one log stream in an export (`…/<log stream>/000000.gz`,
///   `000001.gz`, …: one folder per stream) are one input, read in order, so an invocation split
///   across two parts is joined. Each record still names the part and line it came from.
public struct InputPaths {
    public var files: [String] = []
    /// Indices into `files`: each group is read as one input.
    public var groups: [[Int]] = []
    /// What was skipped, for standard error.
    public var notes: [String] = []
    /// Indices into `files` of the files found in a directory: one that is not a log in any
    /// format (a README) is skipped with a note; a file named on the command line is an error.
    public var inFolder: Set<Int> = []

    public init(_ paths: [String]) throws {
        for p in paths {
            if p != "-", Self.isDirectory(p) {
                let found = try Self.walk(p, notes: &notes)
                if found.isEmpty { notes.append("\(p): an empty directory") }
                for f in found {
                    if Self.basename(f) == "aws-logs-write-test" {
                        notes.append("\(f): skipped (the permission check CloudWatch writes with every export)")
                        continue
                    }
                    inFolder.insert(files.count)
                    files.append(f)
                }
            } else {
                files.append(p)
            }
        }
        // Export parts of one stream: the same folder, six-digit names.
        var partGroups: [String: Int] = [:]
        for (i, f) in files.enumerated() {
            if f != "-", Self.isExportPart(Self.basename(f)) {
                let dir = Self.dirname(f)
                if let g = partGroups[dir] { groups[g].append(i); continue }
                partGroups[dir] = groups.count
            }
            groups.append([i])
        }
        for g in groups.indices where groups[g].count > 1 {
            groups[g].sort { Self.basename(files[$0]) < Self.basename(files[$1]) }
        }
    }

    /// `000000.gz`, `000001`, …
    static func isExportPart(_ name: String) -> Bool {
        let u = Array(name.utf8)
        guard u.count == 6 || (u.count == 9 && name.hasSuffix(".gz")) else { return false }
        return u.prefix(6).allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    static func basename(_ p: String) -> String {
        if let i = p.lastIndex(of: "/") { return String(p[p.index(after: i)...]) }
        return p
    }

    static func dirname(_ p: String) -> String {
        if let i = p.lastIndex(of: "/") { return String(p[..<i]) }
        return "."
    }

    static func isDirectory(_ p: String) -> Bool {
        var st = stat()
        return stat(p, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// Every regular file under `dir`, sorted by path (names compared byte by byte). A directory
    /// already visited (by device and inode: a symbolic link loop such as `loop -> ..`, or a
    /// second link to one directory) is not read again; a note says so.
    static func walk(_ dir: String, notes: inout [String]) throws -> [String] {
        var out: [String] = []
        var visited = Set<[UInt64]>()
        var loops: [String] = []
        var top = stat()
        if stat(dir, &top) == 0 { visited.insert([UInt64(top.st_dev), UInt64(top.st_ino)]) }
        var stack = [dir.hasSuffix("/") && dir.count > 1 ? String(dir.dropLast()) : dir]
        defer { notes += loops.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) } }
        while let d = stack.popLast() {
            guard let h = opendir(d) else {
                throw InputError(path: d, message: "cannot open directory: \(String(cString: strerror(errno)))")
            }
            var names: [String] = []
            while let e = readdir(h) {
                let name = withUnsafeBytes(of: e.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                if name == "." || name == ".." || name.hasPrefix(".") { continue }
                names.append(name)
            }
            closedir(h)
            // In name order, so which of two links to one directory is read never depends on
            // the order the file system lists them in.
            names.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            var subdirs: [String] = []
            for name in names {
                let path = d + "/" + name
                var st = stat()
                guard stat(path, &st) == 0 else { continue }
                switch st.st_mode & S_IFMT {
                case S_IFDIR:
                    if visited.insert([UInt64(st.st_dev), UInt64(st.st_ino)]).inserted { subdirs.append(path) }
                    else { loops.append("\(path): not followed (a directory already read: a symbolic link loop or a second link)") }
                case S_IFREG: out.append(path)
                default: break
                }
            }
            stack += subdirs.reversed()
        }
        return out.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}

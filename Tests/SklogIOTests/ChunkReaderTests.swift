import Foundation
import Testing
@testable import SklogIO

/// Writes bytes to a temp file and returns its path.
func tempFile(_ bytes: [UInt8], name: String = UUID().uuidString) -> String {
    let path = NSTemporaryDirectory() + "sklog-io-" + name
    FileManager.default.createFile(atPath: path, contents: Data(bytes))
    return path
}

/// Reads a whole input through ChunkReader with a given read size and chunk capacity.
func readAll(_ path: String, readSize: Int = 1 << 20, chunk: Int = 1 << 16, maxLine: Int = 256 << 20) throws -> (data: [UInt8], reader: ChunkReader, chunks: [[UInt8]]) {
    let r = try ChunkReader(path: path, readSize: readSize, maxLineLength: maxLine)
    let c = LineChunk(capacity: chunk)
    var out: [UInt8] = []
    var chunks: [[UInt8]] = []
    while r.next(into: c) {
        chunks.append(Array(c.bytes))
        out.append(contentsOf: c.bytes)
    }
    return (out, r, chunks)
}

func sampleLines(_ n: Int, seed: UInt64 = 1) -> [UInt8] {
    var s = seed
    var out: [UInt8] = []
    for i in 0..<n {
        s = s &* 6364136223846793005 &+ 1442695040888963407
        let pad = String(repeating: "x", count: Int(s >> 58))
        out.append(contentsOf: "{\"ts\":\"2026-11-24T10:00:00.000Z\",\"messageId\":\"m\(i)\",\"pad\":\"\(pad)\"}\n".utf8)
    }
    return out
}

@Suite struct ChunkReaderTests {
    @Test func detectsCompressionFromBytes() {
        let plain = Array("{\"a\":1}\n".utf8)
        plain.withUnsafeBytes { #expect(Compression.detect($0) == .plain) }
        Compress.deflate(plain).withUnsafeBytes { #expect(Compression.detect($0) == .gzip) }
        Compress.deflate(plain, gzip: false).withUnsafeBytes { #expect(Compression.detect($0) == .zlib) }
    }

    @Test(arguments: [false, true])
    func plainAndGzipGiveSameBytes(gzip: Bool) throws {
        let data = sampleLines(5000)
        let path = tempFile(gzip ? Compress.deflate(data) : data)
        let (out, r, chunks) = try readAll(path, readSize: 4096, chunk: 8192)
        #expect(out == data)
        #expect(r.damage == nil)
        // Every chunk holds whole lines.
        for c in chunks { #expect(c.last == 0x0a) }
    }

    @Test func zlibStream() throws {
        let data = sampleLines(2000)
        let (out, r, _) = try readAll(tempFile(Compress.deflate(data, gzip: false)))
        #expect(out == data)
        #expect(r.damage == nil)
        #expect(r.compression == .zlib)
    }

    @Test func multiMemberGzip() throws {
        let a = sampleLines(1000, seed: 1), b = sampleLines(700, seed: 2), c = sampleLines(3, seed: 3)
        let bytes = Compress.deflate(a) + Compress.deflate(b) + Compress.deflate(c)
        let (out, r, _) = try readAll(tempFile(bytes), readSize: 1000)
        #expect(out == a + b + c)
        #expect(r.damage == nil)
    }

    @Test func lastLineWithoutNewline() throws {
        let data = Array("{\"a\":1}\n{\"b\":2}".utf8)
        let (out, _, _) = try readAll(tempFile(Compress.deflate(data)))
        #expect(out == data)
    }

    /// Every split point of a small input across read boundaries gives the same bytes.
    @Test func everyReadSize() throws {
        let data = sampleLines(40)
        let gz = Compress.deflate(data)
        let path = tempFile(gz)
        for readSize in 1...64 {
            let (out, r, _) = try readAll(path, readSize: readSize, chunk: 128)
            #expect(out == data, "read size \(readSize)")
            #expect(r.damage == nil)
        }
    }

    /// Truncation at many offsets: everything decodable before the cut is delivered, and the
    /// damage is reported with an offset.
    @Test func truncationAtManyOffsets() throws {
        let data = sampleLines(3000)
        let gz = Compress.deflate(data)
        for cut in stride(from: 2, to: gz.count - 1, by: max(1, gz.count / 97)) {
            let (out, r, _) = try readAll(tempFile(Array(gz[0..<cut]), name: "trunc"), readSize: 777)
            #expect(r.damage != nil, "cut at \(cut)")
            #expect(out.count <= data.count)
            let isPrefix = Array(data[0..<out.count]) == out
            #expect(isPrefix, "a prefix of the data, cut at \(cut)")
        }
    }

    @Test func corruptDeflateIsDamage() throws {
        let data = sampleLines(3000)
        var gz = Compress.deflate(data)
        for i in stride(from: gz.count / 2, to: gz.count / 2 + 64, by: 1) { gz[i] ^= 0x5a }
        let (out, r, _) = try readAll(tempFile(gz))
        // Corrupt deflate data may decode to wrong bytes before the error (or the CRC) shows;
        // what matters is that the damage is reported and decoding stops.
        #expect(r.damage != nil)
        #expect(out.count < data.count + 65536)
    }

    @Test func trailingGarbageAfterGzipIsDamage() throws {
        let data = sampleLines(10)
        let (out, r, _) = try readAll(tempFile(Compress.deflate(data) + Array("garbage".utf8)))
        #expect(out == data)
        #expect(r.damage?.message.contains("trailing garbage") == true)
    }

    @Test func emptyFile() throws {
        let (out, r, chunks) = try readAll(tempFile([]))
        #expect(out.isEmpty && chunks.isEmpty && r.damage == nil)
    }

    @Test func missingFileThrows() {
        #expect(throws: InputError.self) { try ChunkReader(path: "/nonexistent/sklog/file.gz") }
    }

    /// A line longer than the chunk grows the chunk; one longer than the limit is cut and skipped.
    @Test func longLines() throws {
        let long = [UInt8](repeating: 0x61, count: 10 << 20)
        let data = Array("{\"a\":1}\n".utf8) + long + [0x0a] + Array("{\"b\":2}\n".utf8)
        let (out, _, _) = try readAll(tempFile(Compress.deflate(data)), chunk: 4096)
        #expect(out == data)
        // With a 1 MB limit the long line is cut: its chunk marks it, and the next line survives.
        let r = try ChunkReader(path: tempFile(Compress.deflate(data)), maxLineLength: 1 << 20)
        let c = LineChunk(capacity: 4096)
        var sawCut = false
        var rest: [UInt8] = []
        while r.next(into: c) {
            if c.cutLineEnd != nil { sawCut = true } else { rest.append(contentsOf: c.bytes) }
        }
        #expect(sawCut)
        #expect(String(decoding: rest, as: UTF8.self).contains("{\"b\":2}"))
    }

    @Test func prefetcherDeliversEveryInputInOrder() throws {
        let inputs = (0..<5).map { sampleLines(500 + $0 * 100, seed: UInt64($0)) }
        let readers = try inputs.map { try ChunkReader(path: tempFile(Compress.deflate($0))) }
        let p = Prefetcher(readers: readers, chunkSize: 4096, depth: 2)
        p.start()
        var outs = Array(repeating: [UInt8](), count: inputs.count)
        var live = Set(inputs.indices)
        while !live.isEmpty {
            for i in live.sorted() {
                if let c = p.next(i) { outs[i].append(contentsOf: c.bytes); p.recycle(c, i) } else { live.remove(i) }
            }
        }
        p.stop()
        #expect(outs == inputs)
    }

    /// Files of one lane are read one after the other: the consumer takes a file's chunks only
    /// after the previous file's end, and every byte arrives once, in order, whatever the depth
    /// and the number of decoding threads.
    @Test func prefetcherLanesReadFilesInOrder() throws {
        let inputs = (0..<7).map { sampleLines(300 + $0 * 150, seed: UInt64(10 + $0)) }
        for (depth, threads) in [(1, 1), (2, 2), (4, 3)] {
            let readers = try inputs.map { try ChunkReader(path: tempFile(Compress.deflate($0))) }
            let lanes = [[0, 1, 2], [3], [4, 5, 6]]
            let p = Prefetcher(readers: readers, lanes: lanes, chunkSize: 4096, depth: depth, threads: threads)
            #expect(p.threadCount == threads)
            p.start()
            var outs = Array(repeating: [UInt8](), count: inputs.count)
            var at = lanes.map { _ in 0 }
            while at.indices.contains(where: { at[$0] < lanes[$0].count }) {
                for l in lanes.indices where at[l] < lanes[l].count {
                    let r = lanes[l][at[l]]
                    if let c = p.next(r) { outs[r].append(contentsOf: c.bytes); p.recycle(c, r) } else { at[l] += 1 }
                }
            }
            p.stop()
            #expect(outs == inputs, "depth \(depth), threads \(threads)")
        }
    }
}

@Suite struct OutputBufferTests {
    @Test func writesThroughAndReportsClosedPipe() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        signal(SIGPIPE, SIG_IGN)
        close(fds[0])
        let out = OutputBuffer(fd: fds[1], capacity: 16)
        #expect(throws: OutputClosed.self) {
            for _ in 0..<100 { try out.write(Array("hello world\n".utf8)) }
            try out.flush()
        }
        close(fds[1])
    }
}

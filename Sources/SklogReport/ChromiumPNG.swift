import Foundation

/// `sklog report --png DIR`: every chart of a report as a PNG file, rendered by headless Chromium
/// through the page's own PNG code (the `#sklog-png-export` mode of its script draws each chart's
/// SVG on a canvas, exactly as the PNG buttons do), so the files are the pictures the buttons give.
public enum ChromiumPNG {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    static let names = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"]

    /// The browser: `SKLOG_CHROMIUM` when set (a path or a command name), else the first of the
    /// usual names on `PATH`. Nil when there is none.
    public static func browser(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        let path = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        func resolve(_ name: String) -> String? {
            if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
            return path.lazy.map { $0 + "/" + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
        }
        if let named = environment["SKLOG_CHROMIUM"], !named.isEmpty { return resolve(named) }
        return names.lazy.compactMap(resolve).first
    }

    public static let missing = "--png needs headless Chromium, and none was found: install chromium (scripts/install-deps does) or set SKLOG_CHROMIUM to the browser's path"

    /// Renders the report at `html` and writes `DIR/<chart id>.png` for each chart; returns the
    /// files written.
    public static func export(html: String, to dir: String, browser: String, timeout: Double = 90) throws -> [String] {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let profile = NSTemporaryDirectory() + "sklog-chromium-\(getpid())-\(UInt64(Date().timeIntervalSince1970 * 1000))"
        defer { try? FileManager.default.removeItem(atPath: profile) }
        let page = URL(fileURLWithPath: html).absoluteString + "#sklog-png-export"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: browser)
        p.arguments = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions", "--hide-scrollbars",
                       "--user-data-dir=\(profile)", "--window-size=1400,1000", "--virtual-time-budget=30000", "--dump-dom", page]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        do { try p.run() } catch { throw Failure(description: "cannot run \(browser): \(error)") }
        let pid = p.processIdentifier
        let timer = DispatchSource.makeTimerSource()
        timer.schedule(deadline: .now() + timeout)
        timer.setEventHandler { kill(pid, SIGKILL) }
        timer.resume()
        let dom = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        timer.cancel()
        guard let open = dom.range(of: "<pre id=\"png-export\""), let gt = dom[open.upperBound...].firstIndex(of: ">"),
              let close = dom[gt...].range(of: "</pre>") else {
            throw Failure(description: "\(browser) did not render the report (exit status \(p.terminationStatus))")
        }
        let text = String(dom[dom.index(after: gt)..<close.lowerBound]).replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
        guard let list = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [[String: String]], !list.isEmpty else {
            throw Failure(description: "\(browser) rendered the report but gave no chart images (was it stopped after \(Int(timeout)) s?)")
        }
        var written: [String] = []
        for item in list {
            // Names are the report's own chart identifiers (letters, digits and '-') plus ".png".
            guard let name = item["name"], name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." }), !name.hasPrefix("."),
                  let url = item["url"], let comma = url.firstIndex(of: ","), url.hasPrefix("data:image/png;base64"),
                  let data = Data(base64Encoded: String(url[url.index(after: comma)...])) else { continue }
            let path = (dir as NSString).appendingPathComponent(name)
            try data.write(to: URL(fileURLWithPath: path))
            written.append(path)
        }
        return written.sorted()
    }
}

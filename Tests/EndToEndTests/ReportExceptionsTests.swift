import Foundation
import Testing

/// The report's "Top exceptions": the groups of `sklog errors`, with copy buttons on the sample IDs.
@Suite struct ReportExceptions {
    @Test func topExceptionsSection() throws {
        let out = temp() + ".html"
        let r = try Run.tool("sklog-report", ["-q", "-o", out, Run.sample("lambda/lambda-text.log"), Run.sample("lambda/lambda-python.log")])
        #expect(r.status == 0, "\(r.stderr)")
        let html = try String(contentsOfFile: out, encoding: .utf8)
        let start = try #require(html.range(of: "<section id=\"exceptions\">"))
        let section = String(html[start.lowerBound...].prefix { $0 != "§" }.split(separator: "</section>").first ?? "")
        // Four failures in four groups (lambda-text.log: NoHandler, a timeout, a TypeError;
        // lambda-python.log: a KeyError).
        #expect(section.contains("(4 groups)"))
        #expect(section.contains("TypeError: Cannot read properties of undefined (reading &lt;str&gt;)"))
        #expect(section.contains("<code>/var/task/index.js:41:33</code>"))
        #expect(section.contains("KeyError: &lt;str&gt;"))
        #expect(section.contains("<code>/var/task/lambda_function.py:48</code>"))
        #expect(section.contains("data-copy=\"amzn1.echo-api.request.6f1c0d2e-0000-4b7a-9c3d-000000000008\""))
    }
}

import Foundation
import Testing

let good = """
{"ts":"2026-11-24T10:00:00.000Z","messageId":"m1","sessionId":"s1","userId":"u1","requestType":"LaunchRequest","latencyMs":100,"outcome":"success"}
{"ts":"2026-11-24T10:00:05.000Z","messageId":"m2","sessionId":"s1","userId":"u1","requestType":"IntentRequest","intent":"PlayIntent","latencyMs":3500,"outcome":"error"}
{"ts":"2026-11-24T10:00:09.000Z","messageId":"m3","sessionId":"s1","userId":"u1","requestType":"IntentRequest","intent":"AMAZON.StopIntent","latencyMs":90,"outcome":"success","endSession":true}

"""

@Suite(.serialized) struct CatGrepEndToEnd {
    @Test func catOnSamplesInEveryFormat() throws {
        let ndjson = try Run.tool("sklog-cat", [Run.sample("canonical/small.ndjson")])
        #expect(ndjson.status == 0)
        #expect(ndjson.lines.count == 10)
        #expect(ndjson.stderr.contains("10 records seen: 10 parsed, 0 rejected, 0 duplicates, 0 late"))
        let csv = try Run.tool("sklog-cat", [Run.sample("csv/console-message-ids.csv")])
        #expect(csv.status == 0 && csv.lines.count == 2)
        let text = try Run.tool("sklog-cat", ["--pattern-file", Run.sample("text/webserver.pattern"), Run.sample("text/webserver.log")])
        #expect(text.status == 0 && text.lines.count == 3)
        #expect(text.lines[1].contains(#""intent":"PlayIntent","latencyMs":1840"#))
    }

    @Test func outputIsIdenticalWhateverTheFileOrder() throws {
        let a = temp(), b = temp()
        let lines = good.split(separator: "\n").map(String.init)
        writeFile(a, lines[0] + "\n" + lines[2] + "\n")
        writeFile(b, try gzip(Data((lines[1] + "\n").utf8)))
        let ab = try Run.tool("sklog-cat", ["-q", "--format", "csv", a, b])
        let ba = try Run.tool("sklog-cat", ["-q", "--format", "csv", b, a])
        // Only src differs by file, and it names the file, not the order.
        #expect(ab.stdout == ba.stdout)
        #expect(ab.lines.count == 4)
    }

    @Test func stdinAndDash() throws {
        let r = try Run.tool("sklog-cat", ["-q"], stdin: Data(good.utf8))
        #expect(r.status == 0 && r.lines.count == 3 && r.stdout.contains(#""src":"stdin:1""#))
        let gz = try Run.tool("sklog-cat", ["-q", "-"], stdin: try gzip(Data(good.utf8)))
        #expect(gz.lines.count == 3)
    }

    @Test func grepSelectsAndExitsOneOnNothing() throws {
        let p = temp(); writeFile(p, good)
        let ids = temp(); writeFile(ids, "Message ID,Other\nm2,x\nm3,y\n")
        let r = try Run.tool("sklog-grep", ["-q", "--ids", ids, p])
        #expect(r.status == 0 && r.lines.count == 2)
        let c = try Run.tool("sklog-grep", ["-q", "-c", "--intent", "^Play", "--min-latency", "3000", p])
        #expect(c.stdout == "1\n")
        let v = try Run.tool("sklog-grep", ["-q", "-c", "-v", "--outcome", "error", p])
        #expect(v.stdout == "2\n")
        let none = try Run.tool("sklog-grep", ["-q", "--id", "nope", p])
        #expect(none.status == 1 && none.stdout.isEmpty)
        let field = try Run.tool("sklog-grep", ["-q", "-c", "--field", "requestType=^Intent", p])
        #expect(field.stdout == "2\n")
    }

    @Test func idListMatchesExactlyTheListedIDs() throws {
        // IDs that share their last 8 bytes (the list's table key) or differ only in length,
        // IDs shorter than 8 bytes, an empty-ish one and 3,000 listed IDs in all (the table grows):
        // the selection is exactly the records whose messageId is listed.
        var lines: [String] = [], listed: [String] = [], want: [String] = []
        for i in 0..<4000 {
            let id: String
            switch i % 5 {
            case 0: id = "amzn1.echo-api.request.\(i)-TAILSAME"       // same last 8 bytes
            case 1: id = "x\(i)"                                        // short
            case 2: id = "p\(i)-TAILSAME"                               // same tail, other lengths
            case 3: id = String(repeating: "a", count: i % 40 + 1)      // repeats: one ID, many lengths
            default: id = "amzn1.echo-api.request.\(String(format: "%08d", i))-5b1c"
            }
            lines.append(#"{"ts":"2026-11-24T10:00:\#(String(format: "%02d", i % 60)).000Z","messageId":"\#(id)","requestType":"LaunchRequest"}"#)
            if i % 4 != 0 { listed.append(id) }
        }
        let set = Set(listed)
        // A listed ID matches every record carrying it (the "a…" IDs repeat, some within the dedup window).
        let p = temp(); writeFile(p, lines.joined(separator: "\n") + "\n")
        let all = try Run.tool("sklog-cat", ["-q", "--dedup-window", "0", p])
        for l in all.lines {
            let id = l.components(separatedBy: #""messageId":""#)[1].components(separatedBy: "\"")[0]
            if set.contains(id) { want.append(l) }
        }
        let ids = temp(); writeFile(ids, listed.joined(separator: "\n") + "\n")
        let r = try Run.tool("sklog-grep", ["-q", "--dedup-window", "0", "--ids", ids, p])
        #expect(r.status == 0)
        #expect(r.lines == want)
        #expect(want.count > 2000 && want.count < all.lines.count)
    }

    @Test func sessionContextGivesTheWholeSession() throws {
        // 0006 timed out in session B: its context is B's four records, nothing from A or C.
        let r = try Run.tool("sklog-grep", ["-q", "--id", "amzn1.echo-api.request.0006", "--session-context", Run.sample("canonical/small.ndjson")])
        #expect(r.status == 0)
        #expect(r.lines.count == 4)
        #expect(r.lines.allSatisfy { $0.contains("amzn1.echo-api.session.B") })
    }

    @Test func catastrophicRegexFailsClearly() throws {
        let p = temp()
        writeFile(p, #"{"ts":"2026-11-24T10:00:00.000Z","messageId":"m","utterance":"\#(String(repeating: "a", count: 40))!"}"# + "\n")
        let r = try Run.tool("sklog-grep", ["-q", "--match-limit", "100000", "--field", "utterance=^(a+)+$", p])
        #expect(r.status == 2)
        #expect(r.stderr.contains("match limit"))
    }

    @Test func badRegexIsUsageError() throws {
        let r = try Run.tool("sklog-grep", ["--intent", "Play(", Run.sample("canonical/small.ndjson")])
        #expect(r.status == 2 && r.stderr.contains("offset"))
    }

    @Test func closedPipeEndsQuietly() throws {
        let p = temp()
        var big = ""
        for i in 0..<200_000 { big += #"{"ts":"2026-11-24T10:00:00.000Z","messageId":"m\#(i)"}"# + "\n" }
        writeFile(p, try gzip(Data(big.utf8)))
        let r = try sh("sklog-cat -q '\(p)' | head -1")
        #expect(r.stdout.hasPrefix("{") && r.lines.count == 1)
        // The tool's own status, through a subshell (POSIX sh has no PIPESTATUS).
        let s = try sh("(sklog-cat -q '\(p)'; echo $? > '\(p).status') | head -1 > /dev/null; cat '\(p).status'")
        #expect(s.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        #expect(!s.stderr.contains("error"))
    }

    @Test func frontDoorRunsTools() throws {
        let r = try Run.tool("sklog", ["cat", "-q", Run.sample("canonical/small.ndjson")])
        #expect(r.status == 0 && r.lines.count == 10)
        let h = try Run.tool("sklog", ["--help"])
        #expect(h.status == 0 && h.stdout.contains("metrics"))
        let v = try Run.tool("sklog-cat", ["--version"])
        #expect(v.status == 0 && !v.stdout.isEmpty)
        let bad = try Run.tool("sklog", ["nosuchtool"])
        #expect(bad.status == 2)
        let usage = try Run.tool("sklog-cat", ["--no-such-option"])
        #expect(usage.status == 2)
    }
}

@Suite(.serialized) struct ProductCatalogEndToEnd {
    let records = """
    {"ts":"2026-11-24T10:00:00.000Z","messageId":"p1","userId":"u","requestType":"Connections.Response","ispAction":"Buy","productId":"amzn1.adg.product.hints","purchaseResult":"ACCEPTED"}
    {"ts":"2026-11-24T10:01:00.000Z","messageId":"p2","userId":"u","requestType":"Connections.Response","ispAction":"Buy","productId":"amzn1.adg.product.pro","purchaseResult":"ACCEPTED"}
    {"ts":"2026-11-24T10:02:00.000Z","messageId":"p3","userId":"u","requestType":"Connections.Response","ispAction":"Buy","productId":"amzn1.adg.product.pro","productType":"ENTITLEMENT","purchaseResult":"ACCEPTED"}

    """

    @Test func catalogFillsMissingProductTypes() throws {
        let p = temp(); writeFile(p, records)
        let csv = temp(); writeFile(csv, "productId,productType\namzn1.adg.product.hints,CONSUMABLE\namzn1.adg.product.pro,SUBSCRIPTION\n")
        let json = temp(); writeFile(json, #"{"amzn1.adg.product.hints":"CONSUMABLE","amzn1.adg.product.pro":"SUBSCRIPTION"}"#)
        for catalog in [csv, json] {
            let r = try Run.tool("sklog-cat", ["-q", "--products", catalog, p])
            #expect(r.status == 0)
            #expect(r.lines[0].hasSuffix(#","productType":"CONSUMABLE"}"#))
            #expect(r.lines[1].hasSuffix(#","productType":"SUBSCRIPTION"}"#))
            // A record that says its type keeps it.
            #expect(r.lines[2].contains(#""productType":"ENTITLEMENT""#) && !r.lines[2].contains("SUBSCRIPTION"))
            // Purchases: p1 (consumable) and p3 (entitlement); p2 is a subscription.
            let m = try Run.tool("sklog-metrics", ["-q", "--format", "csv", "--products", catalog, p])
            #expect(m.lines.contains(",totalPurchases,,2"))
        }
        let bad = temp(); writeFile(bad, #"{"x":"GOLD"}"#)
        let r = try Run.tool("sklog-cat", ["--products", bad, p])
        #expect(r.status == 2 && r.stderr.contains("GOLD"))
    }
}

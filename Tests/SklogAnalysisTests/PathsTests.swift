import Testing
import SklogAnalysis
import SklogRecords

@Suite struct PathsTests {
    /// Three users:
    ///   U1/S1: Launch > Play > Play > Stop(end)        -> user_ended
    ///   U1/S2: Launch > Help > Play(endSession)        -> skill_ended
    ///   U2/S3: Launch > Play(endSession)               -> skill_ended
    ///   U3/S4: Launch (no end)                         -> unknown
    static let lines = [
        TR.line(0, "1a", sid: "S1", type: "LaunchRequest", user: "U1"),
        TR.line(1, "2a", sid: "S2", type: "LaunchRequest", user: "U1"),
        TR.line(2, "3a", sid: "S3", type: "LaunchRequest", user: "U2"),
        TR.line(3, "4a", sid: "S4", type: "LaunchRequest", user: "U3"),
        TR.line(10, "1b", sid: "S1", intent: "PlayIntent", user: "U1"),
        TR.line(11, "2b", sid: "S2", intent: "AMAZON.HelpIntent", user: "U1"),
        TR.line(12, "3b", sid: "S3", intent: "PlayIntent", user: "U2", "\"endSession\":true"),
        TR.line(20, "1c", sid: "S1", intent: "PlayIntent", user: "U1"),
        TR.line(21, "2c", sid: "S2", intent: "PlayIntent", user: "U1", "\"endSession\":true"),
        TR.line(30, "1d", sid: "S1", intent: "AMAZON.StopIntent", user: "U1", "\"endSession\":true"),
    ]

    func stats(from: String? = nil, funnel: [String] = [], maxSteps: Int = 8) -> PathStats {
        let p = PathStats(maxSteps: maxSteps, from: from, funnel: funnel)
        for s in TR.sessions(Self.lines).sessions { p.add(s) }
        return p
    }

    @Test func transitions() {
        let p = stats()
        #expect(p.totalSessions == 4 && p.totalCustomers == 3)
        let t = Dictionary(uniqueKeysWithValues: p.transitions().map { ("\($0.from)>\($0.to)", $0) })
        // Launch>Play: S1 and S3 (users U1, U2); customers with LaunchRequest: U1, U2, U3.
        #expect(t["LaunchRequest>PlayIntent"]!.pathSessions == 2)
        #expect(t["LaunchRequest>PlayIntent"]!.pathCustomers == 2)
        #expect(t["LaunchRequest>PlayIntent"]!.pathShare == 2.0 / 3.0)
        // Play>Play happens once in S1: counted once per session.
        #expect(t["PlayIntent>PlayIntent"]!.pathSessions == 1)
        // Customers who had PlayIntent: U1, U2; Play>END:skill_ended: S2 (U1) and S3 (U2).
        #expect(t["PlayIntent>END:skill_ended"]!.pathSessions == 2)
        #expect(t["PlayIntent>END:skill_ended"]!.pathShare == 1.0)
        #expect(t["PlayIntent>AMAZON.StopIntent"]!.pathShare == 0.5)
        #expect(t["LaunchRequest>END:unknown"]!.pathSessions == 1)
        // Sorted by sessions, then from, then to.
        #expect(p.transitions().first.map { "\($0.from)>\($0.to)" } == "LaunchRequest>PlayIntent")
    }

    @Test func topPathsAndTruncation() {
        let top = stats().topPaths(10)
        #expect(top.count == 4)
        #expect(top.allSatisfy { $0.sessions == 1 })
        #expect(top.map { $0.steps.joined(separator: ">") }.contains("LaunchRequest>PlayIntent>PlayIntent>AMAZON.StopIntent>END:user_ended"))
        let short = stats(maxSteps: 2).topPaths(10).map { $0.steps.joined(separator: ">") }
        #expect(short.contains("LaunchRequest>PlayIntent>…>END:user_ended"))
        #expect(short.contains("LaunchRequest>PlayIntent>END:skill_ended"))
    }

    @Test func fromStep() {
        let p = stats(from: "PlayIntent")
        #expect(Set(p.transitions().map(\.to)) == ["PlayIntent", "AMAZON.StopIntent", "END:skill_ended"])
        let top = p.topPaths(10).map { $0.steps.joined(separator: ">") }
        #expect(top.first == "PlayIntent>END:skill_ended")
        #expect(top.count == 2)
    }

    @Test func funnel() {
        let f = stats(funnel: ["LaunchRequest", "PlayIntent", "AMAZON.StopIntent"]).funnelSteps()
        #expect(f.map(\.sessions) == [4, 3, 1])
        #expect(f.map(\.customers) == [3, 2, 1])
        #expect(f[0].conversion == 1.0)
        #expect(f[1].conversion == 0.75)
        #expect(f[2].conversion == 1.0 / 3.0)
        #expect(f[2].overall == 0.25)
        // In order, not necessarily directly: Help before Play still reaches Play.
        let g = stats(funnel: ["AMAZON.HelpIntent", "PlayIntent"]).funnelSteps()
        #expect(g.map(\.sessions) == [1, 1])
    }

    @Test func graphFormats() {
        let p = stats()
        let dot = PathsReport.render(p, format: .dot, top: 5)
        #expect(dot.hasPrefix("digraph paths {"))
        #expect(dot.contains("[label=\"LaunchRequest\"]"))
        let mm = PathsReport.render(p, format: .mermaid, top: 5)
        #expect(mm.hasPrefix("flowchart LR\n"))
        #expect(mm.contains("-->|\"2 sessions, 66.7 %\"|"))
        let csv = PathsReport.render(p, format: .csv, top: 5)
        #expect(csv.hasPrefix("kind,from,to,path,sessions,customers,share\ntransition,LaunchRequest,PlayIntent,,2,2,0.6667\n"))
    }
}

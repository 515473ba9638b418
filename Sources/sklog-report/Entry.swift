// sklog-report: the tool as its own executable (the same command is `sklog report`).
import SklogCLI
import SklogTools

@main enum Entry {
    static func main() { ReportTool.sklogMain() }
}

// sklog-trend: the tool as its own executable (the same command is `sklog trend`).
import SklogCLI
import SklogTools

@main enum Entry {
    static func main() { TrendTool.sklogMain() }
}

// sklog-paths: the tool as its own executable (the same command is `sklog paths`).
import SklogCLI
import SklogTools

@main enum Entry {
    static func main() { PathsTool.sklogMain() }
}

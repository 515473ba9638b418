// sklog-errors: the tool as its own executable (the same command is `sklog errors`).
import SklogCLI
import SklogTools

@main enum Entry {
    static func main() { ErrorsTool.sklogMain() }
}

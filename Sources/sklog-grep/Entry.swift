// sklog-grep: the tool as its own executable (the same command is `sklog grep`).
import SklogCLI
import SklogTools

@main enum Entry {
    static func main() { Grep.sklogMain() }
}

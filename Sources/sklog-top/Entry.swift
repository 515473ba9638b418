// sklog-top: the tool as its own executable (the same command is `sklog top`).
import SklogCLI
import SklogTools

@main enum Entry {
    static func main() { Top.sklogMain() }
}

// sklog-gen: the tool as its own executable (the same command is `sklog gen`).
import SklogCLI
import SklogTools

@main enum Entry {
    static func main() { Gen.sklogMain() }
}

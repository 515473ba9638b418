// sklog-cat: the tool as its own executable (the same command is `sklog cat`).
import SklogCLI
import SklogTools

@main enum Entry {
    static func main() { Cat.sklogMain() }
}

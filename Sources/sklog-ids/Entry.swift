// sklog-ids: the tool as its own executable (the same command is `sklog ids`).
import SklogCLI
import SklogTools

@main enum Entry {
    static func main() { IDs.sklogMain() }
}

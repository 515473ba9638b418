// sklog-sessions: the tool as its own executable (the same command is `sklog sessions`).
import SklogCLI
import SklogTools

@main enum Entry {
    static func main() { Sessions.sklogMain() }
}

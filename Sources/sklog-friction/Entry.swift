// sklog-friction: the tool as its own executable (the same command is `sklog friction`).
import SklogCLI
import SklogTools

@main enum Entry {
    static func main() { FrictionTool.sklogMain() }
}

// sklog-metrics: the tool as its own executable (the same command is `sklog metrics`).
import SklogCLI
import SklogTools

@main enum Entry {
    static func main() { Metrics.sklogMain() }
}

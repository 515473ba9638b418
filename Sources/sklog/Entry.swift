// sklog: the front door, one command tree over every tool (`sklog NAME` = `sklog-NAME`).
import SklogTools

@main enum Entry {
    static func main() { Sklog.frontDoorMain() }
}

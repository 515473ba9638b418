import Foundation
import Testing

/// `scripts/install` puts the tools, their manual pages and the shell completions under PREFIX;
/// `man -l` renders each page cleanly with the examples whole, and the bash completion
/// completes `sklog metrics --for<TAB>`. The install uses the built executables (a build inside
/// `swift test` would wait for this very run's lock); its man pages need generate-manual, which
/// `swift package generate-manual` builds once (scripts/test does).
@Suite(.serialized) struct Install {
    static let tools = ["sklog", "sklog-cat", "sklog-grep", "sklog-sessions", "sklog-paths", "sklog-friction",
                        "sklog-metrics", "sklog-ids", "sklog-trend", "sklog-report", "sklog-gen", "sklog-errors", "sklog-top"]
    static let manualToolBuilt = FileManager.default.isExecutableFile(atPath: Run.binDir.appendingPathComponent("generate-manual-tool").path)

    static let prefix: String = {
        let p = temp("install-\(getpid())")
        _ = try? sh("'\(Run.repo.path)/scripts/install' --no-build --bin-dir '\(Run.binDir.path)' --prefix '\(p)'")
        return p
    }()

    static func bash(_ script: String) throws -> Run {
        try sh(script, shell: "/bin/bash", environment: ["PATH": prefix + "/bin:/usr/bin:/bin", "MANWIDTH": "80", "MAN_KEEP_FORMATTING": nil])
    }

    @Test(.enabled(if: manualToolBuilt)) func installsToolsPagesAndCompletions() throws {
        let fm = FileManager.default
        for t in Self.tools {
            #expect(fm.isExecutableFile(atPath: "\(Self.prefix)/bin/\(t)"), "\(t)")
            #expect(fm.fileExists(atPath: "\(Self.prefix)/share/man/man1/\(t).1"), "\(t).1")
            #expect(fm.fileExists(atPath: "\(Self.prefix)/share/bash-completion/completions/\(t)"), "\(t) bash")
            #expect(fm.fileExists(atPath: "\(Self.prefix)/share/zsh/site-functions/_\(t)"), "\(t) zsh")
            #expect(fm.fileExists(atPath: "\(Self.prefix)/share/fish/vendor_completions.d/\(t).fish"), "\(t) fish")
        }
        // The docs/ pages that the help texts cite are installed beside the README.
        for page in ["metrics", "ids", "sessions", "friction", "cat"] {
            #expect(fm.fileExists(atPath: "\(Self.prefix)/share/doc/sklog/docs/\(page).md"), "docs/\(page).md")
        }
        let v = try Self.bash("sklog --version && sklog-metrics --version")
        #expect(v.status == 0 && v.lines.count == 2 && v.lines[0] == v.lines[1])
    }

    @Test(.enabled(if: manualToolBuilt), arguments: tools) func manRendersEachPage(_ tool: String) throws {
        let page = "\(Self.prefix)/share/man/man1/\(tool).1"
        let r = try Self.bash("man --warnings -l '\(page)' | col -b")
        #expect(r.status == 0, "\(tool): \(r.stderr)")
        #expect(r.stderr.isEmpty, "man warns about \(tool).1: \(r.stderr)")
        let help = try Run.tool(tool, ["--help"]).stdout
        let job = String(help.split(separator: "\n")[0].dropFirst("OVERVIEW: ".count))
        #expect(r.stdout.contains("\(tool) — \(job)"), "\(tool): NAME line")
        // Each example of --help is one whole line of the page: not filled, not hyphenated.
        let pageLines = Set(r.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) })
        let examples = try Examples.examples(tool: tool)
        #expect(tool == "sklog" || !examples.isEmpty)
        for ex in examples {
            for line in ex.command.split(separator: "\n") {
                #expect(pageLines.contains(line.trimmingCharacters(in: .whitespaces)), "\(tool).1 breaks the example: \(line)")
            }
        }
        #expect(r.stdout.contains("--format"), "\(tool)")
    }

    @Test(.enabled(if: manualToolBuilt)) func bashCompletesFormat() throws {
        for (cmd, words) in [("sklog", "sklog metrics --for"), ("sklog-metrics", "sklog-metrics --for")] {
            let script = """
            source '\(Self.prefix)/share/bash-completion/completions/\(cmd)'
            COMP_WORDS=(\(words)); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
            COMP_LINE='\(words)'; COMP_POINT=${#COMP_LINE}
            _\(cmd) \(cmd) --for "${COMP_WORDS[COMP_CWORD-1]}"
            printf '%s\\n' "${COMPREPLY[@]}"
            """
            let r = try Self.bash(script)
            #expect(r.status == 0, "\(cmd): \(r.stderr)")
            #expect(r.lines == ["--format"], "\(words)<TAB> gave \(r.lines)")
        }
        // fish completes the same, from its own completion file; zsh's file is valid zsh.
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/fish") {
            let fish = try Self.bash("fish -c 'source \(Self.prefix)/share/fish/vendor_completions.d/sklog.fish; complete -C \"sklog metrics --for\"'")
            #expect(fish.status == 0 && fish.lines.map { String($0.prefix { $0 != "\t" }) } == ["--format"], "fish: \(fish.stdout)\(fish.stderr)")
        }
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/zsh") {
            for t in Self.tools {
                let zsh = try Self.bash("zsh -n '\(Self.prefix)/share/zsh/site-functions/_\(t)'")
                #expect(zsh.status == 0, "zsh -n _\(t): \(zsh.stderr)")
            }
        }
        // Subcommand names complete too.
        let tools = try Self.bash("""
        source '\(Self.prefix)/share/bash-completion/completions/sklog'
        COMP_WORDS=(sklog me); COMP_CWORD=1; COMP_LINE='sklog me'; COMP_POINT=8
        _sklog sklog me sklog; printf '%s\\n' "${COMPREPLY[@]}"
        """)
        #expect(tools.lines == ["metrics"], "\(tools.lines) \(tools.stderr)")
    }
}

// SklogCLI module.

// SklogMatch module.

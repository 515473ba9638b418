// SklogReport module.

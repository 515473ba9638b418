// SklogAnalysis module.

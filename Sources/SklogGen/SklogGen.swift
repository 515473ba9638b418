// SklogGen module.

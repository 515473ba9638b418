// SklogRecords module.

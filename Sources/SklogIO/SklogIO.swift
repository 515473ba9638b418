// SklogIO module.

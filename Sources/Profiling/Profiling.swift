// Profiling module.

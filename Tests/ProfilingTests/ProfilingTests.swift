// ProfilingTests.

// StagingTests.

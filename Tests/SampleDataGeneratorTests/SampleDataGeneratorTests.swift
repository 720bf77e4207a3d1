// SampleDataGeneratorTests.

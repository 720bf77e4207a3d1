// SampleDataGenerator module.

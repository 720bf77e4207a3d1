// ReportingTests.

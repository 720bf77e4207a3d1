// CSVKitTests.

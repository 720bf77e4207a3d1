// EvidenceTests.

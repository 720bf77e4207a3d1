// AnalysisTests.

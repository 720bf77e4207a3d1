// StatisticsTests.

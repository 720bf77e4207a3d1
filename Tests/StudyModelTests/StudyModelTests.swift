// StudyModelTests.

@testable import Staging
import StudyModel
import Testing

/// A row that holds nothing but its keys (an expired survey invitation, a repeating-data
/// instance created twice) collects nothing: it is kept once with the record of its participant
/// or visit, and contradicts none of its values.
@Suite struct BlankRowTests {
    typealias H = StagingHarness

    static let withSurvey = H.castorPipeline.replacingOccurrences(
        of: "  - {path: visits.csv, source: castor, holds: visits}",
        with: "  - {path: visits.csv, source: castor, holds: visits}\n  - {path: survey.csv, source: castor, holds: participants}")
        .replacingOccurrences(of: "  rmdq: RMDQ\n", with: "  rmdq: RMDQ\n  ompsq_1: ompsq_1\n")
    static let participants = H.lines([H.participantsHeader, H.participant("P1"), H.participant("P2")])

    @Test(arguments: [["S1;P1;0;", "S2;P1;100;3"], ["S2;P1;100;3", "S1;P1;0;"]])
    func anEmptySurveyRowBesideTheAnsweredOneIsKeptOnce(order: [String]) throws {
        let survey = H.lines(["Survey Instance Id;Castor Participant Id;Survey Progress;ompsq_1"] + order + ["S3;P2;100;4"])
        let harness = try H(yaml: Self.withSurvey, files: [
            "participants.csv": Self.participants, "visits.csv": H.lines([H.visitsHeader]), "survey.csv": survey,
        ])
        let (study, sink) = try harness.run()
        #expect(sink.summary(.error) == [])
        #expect(study.participants.map { $0.values[.ompsq1] } == [.number(3), .number(4)])
        // The blank row, wherever it comes, is the one noted.
        let blankLine = order[0].hasPrefix("S1") ? 2 : 3
        #expect(sink.summary(.note).filter { $0.contains("duplicate") } == ["survey.csv:\(blankLine):- duplicate note"])
        #expect(sink.issues.first { $0.rule == "duplicate" }?.message
            == "participant 'P1' has a row at participants.csv:2; "
            + "this row holds no values, only its keys, so it is kept once with it")
        #expect(study.accounting.map(\.rejected) == [0, 0, 0])
    }

    @Test(arguments: [["P1;T0;;;", "P1;T0;05-01-2024;5;10"], ["P1;T0;05-01-2024;5;10", "P1;T0;;;"]])
    func anEmptyInstanceOfAVisitIsKeptOnceWithTheRealOne(order: [String]) throws {
        let visits = H.lines([H.visitsHeader] + order)
        let (study, sink) = try H(yaml: H.castorPipeline, files: ["participants.csv": Self.participants, "visits.csv": visits]).run()
        #expect(sink.summary(.error) == [])
        #expect(study.visits.map { $0.values[.painNRS] } == [.number(5)])
        #expect(study.visits.map { $0.values[.visitDate]?.date } == [CalendarDate(year: 2024, month: 1, day: 5)])
        #expect(study.accounting.map(\.accepted) == [2, 2])
    }

    /// A row with one value is no blank row: a different value still conflicts.
    @Test func aRowWithAValueStillConflicts() throws {
        let visits = H.lines([H.visitsHeader, "P1;T0;;4;", "P1;T0;05-01-2024;5;10"])
        let (study, sink) = try H(yaml: H.castorPipeline, files: ["participants.csv": Self.participants, "visits.csv": visits]).run()
        #expect(sink.summary(.error) == ["visits.csv:3:3 duplicate error"])
        #expect(study.visits.isEmpty)
    }

    /// A blank row is still held to `required`: it is rejected, and the real row kept.
    @Test func aBlankRowMissingARequiredFieldIsRejected() throws {
        let visits = H.lines([H.visitsHeader, "P1;T0;05-01-2024;5;10", "P1;T0;;;"])
        let yaml = H.castorPipeline + "expectations:\n  fields:\n    visit_date: {required: true}\n"
        let (study, sink) = try H(yaml: yaml, files: ["participants.csv": Self.participants, "visits.csv": visits]).run()
        #expect(sink.summary(.error) == ["visits.csv:3:3 required error"])
        #expect(study.visits.map { $0.values[.painNRS] } == [.number(5)])
    }
}

import Analysis
import Profiling
import Reporting
import StudyModel
@testable import PipelineRunner
import Testing
import TestSupport

extension SamplePipelineTests {
    /// The run builds its analysis subjects from visits grouped by participant and assignments in
    /// participant order; any other order must give the same subjects.
    @Test func analysisSubjectsDoNotDependOnTheOrderOfVisitsOrAssignments() throws {
        let (folder, result) = try Self.run("sample-castor")
        defer { folder.remove() }
        let computation = try #require(result.computation)
        // A run lets the staged records go once its subjects are built; the same staging, by
        // `validate`, keeps them.
        #expect(computation.study.participants.isEmpty && computation.study.visits.isEmpty)
        let validated = Self.inRepository {
            Validation.run(pipeline: "Pipelines/sample-castor.yml", outputFolder: folder.file("validated"))
        }
        let study = try #require(validated.study)
        #expect(result.summary.contains("\(study.participants.count) participants, \(study.visits.count) visits"))
        let fields = computation.plan.outcomes.map(\.field)
        let built = AnalysisSubject.build(participants: study.participants, visits: study.visits,
                                          assignments: computation.assignments, outcomeFields: fields)
        #expect(built == computation.subjects)
        #expect(built.contains { !$0.measurements.isEmpty && $0.profile != nil })
        // Visits by timepoint (each participant's visits far apart), assignments reversed.
        let byTimepoint = study.visits.enumerated().sorted { left, right in
            left.element.timepoint.name != right.element.timepoint.name
                ? left.element.timepoint.name < right.element.timepoint.name : left.offset < right.offset
        }.map(\.element)
        let reordered = AnalysisSubject.build(participants: study.participants, visits: byTimepoint,
                                              assignments: computation.assignments.reversed(), outcomeFields: fields)
        #expect(reordered == built)
    }
}

extension SamplePipelineTests {
    /// The profile distribution matches assignments with subjects by position when the run's two
    /// lists align; assignments in another order must count the same.
    @Test func profileDistributionDoesNotDependOnTheOrderOfAssignments() throws {
        let (folder, result) = try Self.run("sample-castor")
        defer { folder.remove() }
        let computation = try #require(result.computation)
        func lines(_ assignments: [ProfileAssignment]) -> [String] {
            SummaryText.profileDistribution(assignments, subjects: computation.subjects, arms: computation.pipeline.arms,
                                            order: computation.analysis.order)
        }
        let inOrder = lines(computation.assignments)
        #expect(inOrder.count > 3)
        #expect(lines(computation.assignments.reversed()) == inOrder)
        #expect(lines(Array(computation.assignments.dropFirst())) != inOrder)
    }
}

extension SamplePipelineTests {
    /// Each visit gives one value per outcome field, however often the plan names the field, and
    /// a later visit of the same timepoint replaces the earlier one, as with visits by name.
    @Test func analysisSubjectsHoldOneValuePerFieldAndVisit() {
        func visit(_ timepoint: String, week: Int, _ values: [Field: Double]) -> VisitRecord {
            var fields = FieldValues(level: .visit)
            for (field, value) in values { fields[field] = .number(value) }
            return VisitRecord(participantID: "P1", timepoint: Timepoint(name: timepoint, week: week, windowDays: 7),
                               values: fields, source: SourceLocation(file: "visits.csv", line: 2))
        }
        let participant = ParticipantRecord(id: "P1", site: "S", arm: nil, values: FieldValues(level: .participant),
                                            sources: [])
        let visits = [
            visit("baseline", week: 0, [.rmdq: 14, .painNRS: 7]),
            visit("week6", week: 6, [.rmdq: 10]),
            visit("week12", week: 12, [.rmdq: 8, .odi: 20]),
            visit("week6", week: 6, [.rmdq: 9, .gpe: 2]),
        ]
        let subjects = AnalysisSubject.build(participants: [participant], visits: visits, assignments: [],
                                             outcomeFields: [.rmdq, .painNRS, .rmdq, .gpe, .odi])
        #expect(subjects.count == 1)
        #expect(subjects.first?.measurements == ["baseline": [.rmdq: 14, .painNRS: 7], "week12": [.rmdq: 8, .odi: 20],
                                                 "week6": [.rmdq: 9, .gpe: 2]])
        #expect(subjects.first?.measurementList.count == 6)
        let rebuilt = subjects.first.map {
            AnalysisSubject(id: $0.id, site: $0.site, arm: $0.arm, profile: $0.profile, subprofile: $0.subprofile,
                            characteristics: $0.characteristics, measurements: $0.measurements)
        }
        #expect(rebuilt == subjects.first)
    }
}

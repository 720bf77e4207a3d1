import Analysis
import Profiling
import Reporting
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
        let study = computation.study
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

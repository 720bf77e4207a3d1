import Analysis
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

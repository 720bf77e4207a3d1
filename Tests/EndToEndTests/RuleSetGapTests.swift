import Foundation
import PipelineRunner
import Testing
import TestSupport

/// A rule set with a gap (a study's own cut-offs that leave some durations to no subdivision)
/// leaves those participants unclassified with the gap as the reason, in `profiles.csv` and in
/// `lbp explain`, where no input is missing.
@Suite struct RuleSetGapTests {
    @Test func aSplitWithAGapIsTheReasonOfTheUnclassified() throws {
        let folder = try TemporaryDirectory(prefix: "lbp-gap")
        defer { folder.remove() }
        let shipped = try String(contentsOfFile: Repository.path("Pipelines/rules/guideline-2010.yml"), encoding: .utf8)
        #expect(shipped.contains("when: duration_weeks < 12"))
        let rules = try folder.write(shipped.replacingOccurrences(of: "when: duration_weeks < 12", with: "when: duration_weeks < 6"),
                                     to: "gap.yml")
        let pipeline = try LoadedPipelineTests.samplePipeline(in: folder) {
            $0.replacingOccurrences(of: Repository.path("Pipelines/rules/guideline-2010.yml"), with: rules)
        }
        #expect(Run.run(pipeline: pipeline, outputFolder: folder.file("out")).problems.isEmpty)
        let lines = try String(contentsOfFile: folder.file("out") + "/profiles.csv", encoding: .utf8)
            .split(separator: "\n").map(String.init)
        #expect(lines.first?.hasSuffix(",missing_inputs,unclassified_reason") == true)
        let gap = lines.filter { $0.hasSuffix(",no subdivision of profile '3' holds") }
        #expect(!gap.isEmpty, "some participant has 6 to 12 weeks of complaints")
        #expect(gap.allSatisfy { $0.contains(",unclassified,") && $0.hasSuffix(",,no subdivision of profile '3' holds") })
        #expect(lines.contains { $0.hasSuffix(",inputs missing") })
        #expect(lines.dropFirst().filter { $0.contains(",classified,") }.allSatisfy { $0.hasSuffix(",") })

        let id = try #require(gap.first?.split(separator: ",").first.map(String.init))
        let explained = Explain.explain(pipeline: pipeline, participant: id)
        #expect(explained.lines.contains("  => unclassified: no subdivision of profile '3' holds"), "\(explained.lines)")
    }
}

import Foundation
import PipelineRunner
import Testing
import TestSupport

/// A run at another confidence level (`analysis.confidence_level`) labels its own tables with it,
/// and states and judges the evidence on 95 % intervals all the same (GRADE's rules are written
/// for them): the evidence files of a 90 % run are those of a 95 % run.
@Suite struct ConfidenceLevelTests {
    @Test func aNinetyPercentRunLabelsItsTablesAndKeepsTheEvidenceAtNinetyFive() throws {
        let folder = try TemporaryDirectory(prefix: "lbp-level")
        defer { folder.remove() }
        let ninety = try LoadedPipelineTests.samplePipeline(in: folder) {
            $0.replacingOccurrences(of: "  reference_arm: general_exercise\n",
                                    with: "  reference_arm: general_exercise\n  confidence_level: 0.9\n")
        }
        #expect(try String(contentsOfFile: ninety, encoding: .utf8).contains("confidence_level: 0.9"))
        #expect(Run.run(pipeline: ninety, outputFolder: folder.file("ninety")).problems.isEmpty)
        let summary = try String(contentsOfFile: folder.file("ninety") + "/summary.txt", encoding: .utf8)
        #expect(summary.contains("ANCOVA [90% CI]"))
        #expect(summary.contains("change [90% CI]"))
        #expect(!summary.contains("ANCOVA [95% CI]") && !summary.contains("change [95% CI]"))
        // The evidence section's estimates are the 95 % ones.
        #expect(summary.contains("estimate [95% CI]"))

        let reference = Repository.path("Reports/sample-castor")
        for file in ["evidence_table.csv", "summary_of_findings.csv", "conclusions.csv"] {
            // Messages name the literature file as the pipeline file reaches it.
            let mine = try String(contentsOfFile: folder.file("ninety") + "/" + file, encoding: .utf8)
                .replacingOccurrences(of: Repository.path("SampleData") + "/", with: "../SampleData/")
            let committed = try String(contentsOfFile: reference + "/" + file, encoding: .utf8)
            #expect(mine == committed, "\(file) differs from the 95 % run's")
        }
        // The run's own comparisons are at 90 %: narrower than the committed 95 % ones.
        let comparisons = try String(contentsOfFile: folder.file("ninety") + "/comparisons.csv", encoding: .utf8)
        let committed = try String(contentsOfFile: reference + "/comparisons.csv", encoding: .utf8)
        #expect(comparisons != committed)
    }
}

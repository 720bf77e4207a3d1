import CSVKit
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
        // The run's own comparisons are at 90 %: the same estimates as the committed 95 % ones,
        // each interval strictly inside its 95 % interval.
        let ninetyRows = try Self.rows(folder.file("ninety") + "/comparisons.csv")
        let committedRows = try Self.rows(reference + "/comparisons.csv")
        #expect(ninetyRows.count == committedRows.count)
        var nested = 0
        for (key, row) in ninetyRows {
            let committedRow = try #require(committedRows[key], "\(key) is not in the 95 % run")
            for (estimate, lower, upper) in [("welch_difference", "welch_ci_lower", "welch_ci_upper"),
                                             ("ancova_difference", "ancova_ci_lower", "ancova_ci_upper")] {
                #expect(row[estimate] == committedRow[estimate], "\(key) \(estimate)")
                guard let low90 = row[lower].flatMap(Double.init), let high90 = row[upper].flatMap(Double.init),
                      let low95 = committedRow[lower].flatMap(Double.init), let high95 = committedRow[upper].flatMap(Double.init)
                else {
                    #expect(row[lower] == committedRow[lower], "\(key) \(lower): an interval at one level only")
                    continue
                }
                #expect(low95 < low90 && high90 < high95, "\(key) \(estimate): [\(low90), \(high90)] not inside [\(low95), \(high95)]")
                nested += 1
            }
        }
        #expect(nested > 100)
    }

    /// The rows of a comparisons.csv by their key (grouping, group, outcome, timepoint, approach,
    /// arm), each as its cells by column name.
    static func rows(_ path: String) throws -> [String: [String: String]] {
        let comma = CSVDialect(delimiter: UInt8(ascii: ","))
        let header = try CSVReader(path: path, dialect: comma).header
        var rows: [String: [String: String]] = [:]
        for record in try CSVReader.records(path: path, dialect: comma) {
            let row = Dictionary(zip(header, record.fields), uniquingKeysWith: { first, _ in first })
            let key = ["grouping", "group", "outcome", "timepoint", "approach", "arm"].map { row[$0] ?? "" }.joined(separator: "/")
            #expect(rows[key] == nil, "\(key) twice")
            rows[key] = row
        }
        return rows
    }
}

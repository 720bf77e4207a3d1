import Foundation
import PipelineRunner
import Testing
import TestSupport

/// The literature tables are inputs too: their rows are accounted for, their rejected rows are
/// in `rejected/`, their findings in `issues.csv` and against the error budget, as `validate`
/// writes them too; a file that cannot be read whole stops the run (exit code 2).
@Suite struct LiteratureInputTests {
    /// The sample pipeline in `folder`, reading a copy of the literature tables with one more
    /// study row, `extraRow` (nothing when empty), and with `conclusionsTail` appended to the
    /// conclusions file.
    static func pipeline(in folder: TemporaryDirectory, extraRow: String, conclusionsTail: String = "") throws -> String {
        let evidence = Repository.path("SampleData/evidence")
        let studies = try String(contentsOfFile: evidence + "/werkhervatting_studies.csv", encoding: .utf8)
        let conclusions = try String(contentsOfFile: evidence + "/werkhervatting_conclusions.csv", encoding: .utf8)
        _ = try folder.write(studies + extraRow, to: "studies.csv")
        _ = try folder.write(conclusions + conclusionsTail, to: "conclusions.csv")
        return try LoadedPipelineTests.samplePipeline(in: folder) {
            $0.replacingOccurrences(of: Repository.path("SampleData") + "/evidence/werkhervatting_studies.csv", with: "studies.csv")
                .replacingOccurrences(of: Repository.path("SampleData") + "/evidence/werkhervatting_conclusions.csv", with: "conclusions.csv")
        }
    }

    static func lines(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    @Test func aRejectedLiteratureRowIsAccountedForAndCountsAgainstTheBudget() throws {
        let folder = try TemporaryDirectory(prefix: "lbp-lit")
        defer { folder.remove() }
        let studyLines = try Self.lines(Repository.path("SampleData/evidence/werkhervatting_studies.csv")).count
        // A row without a year: an error, and the row is not used.
        let path = try Self.pipeline(in: folder, extraRow: "nn2020,Nobody,,B,RCT,,,,,,,,,,,W1,,\n")
        let reports = folder.file("reports")
        let run = Run.run(pipeline: path, outputFolder: reports, maxErrors: 7)
        // The sample data's seven planted errors and this one: over a budget of seven.
        #expect(run.exitCode == 1)
        let accounting = try Self.lines(reports + "/accounting.csv")
        #expect(accounting.contains { $0.hasPrefix("studies.csv,7,6,1,") })
        #expect(accounting.contains { $0.hasPrefix("conclusions.csv,5,5,0,") })
        let issues = try Self.lines(reports + "/issues.csv")
        #expect(issues.filter { $0.hasPrefix("studies.csv,") && $0.contains(",error,") }.count == 1)
        let rejected = try String(contentsOfFile: reports + "/rejected/studies.csv", encoding: .utf8)
        #expect(rejected.hasPrefix("source_line,reasons,study_id,author,year,"))
        #expect(rejected.contains("\n\(studyLines + 1),missing year,nn2020,Nobody,,B,"))
        // The reports of a failed run say so where they are read first, with the budget it was held to.
        let summary = try Self.lines(reports + "/summary.txt")
        #expect(summary[2] == "THE RUN FAILED: 8 errors exceed the budget of 7 (report.max_errors or --max-errors). These reports")
        #expect(summary.contains("Errors 8 (budget 7), warnings 10, notes 3; every issue is in issues.csv."))
        let manifest = try String(contentsOfFile: reports + "/manifest.json", encoding: .utf8)
        #expect(manifest.contains("\"errors\" : {\n    \"budget\" : 7,\n    \"count\" : 8,\n    \"within_budget\" : false\n  }"))
        #expect(manifest.contains("\"max_errors\" : \"7\""))

        // validate writes the same issues and accounting into the folder: it still verifies.
        let validated = Validation.run(pipeline: path, outputFolder: reports, maxErrors: 7)
        #expect(validated.exitCode == 1)
        #expect(try Self.lines(reports + "/issues.csv") == issues)
        #expect(try Self.lines(reports + "/accounting.csv") == accounting)
    }

    @Test func aLiteratureFileThatCannotBeReadStopsTheRun() throws {
        let folder = try TemporaryDirectory(prefix: "lbp-lit")
        defer { folder.remove() }
        let path = try Self.pipeline(in: folder, extraRow: "", conclusionsTail: "W9,3,\"B Iles 2008,never closed\n")
        let run = Run.run(pipeline: path, outputFolder: folder.file("reports"))
        #expect(run.exitCode == 2)
        #expect(run.problems.count == 1)
        #expect(run.problems.first?.hasPrefix("conclusions.csv:") == true)
        #expect(!FileManager.default.fileExists(atPath: folder.file("reports")))
    }
}

import Foundation
import PipelineRunner
import Testing
import TestSupport

/// The committed sample pipelines, run end to end through the library the `lbp` command uses.
@Suite(.serialized) struct SamplePipelineTests {
    static let pipelines = ["sample-castor", "sample-redcap"]

    /// Runs a pipeline into a fresh temporary folder (from the repository root, as CI does).
    static func run(_ name: String) throws -> (folder: TemporaryDirectory, result: RunResult) {
        let folder = try TemporaryDirectory(prefix: "lbp-e2e-\(name)")
        let result = inRepository {
            Run.run(pipeline: "Pipelines/\(name).yml", outputFolder: folder.file("reports"))
        }
        return (folder, result)
    }

    static func inRepository<T>(_ body: () -> T) -> T {
        let previous = FileManager.default.currentDirectoryPath
        let moved = FileManager.default.changeCurrentDirectoryPath(Repository.root)
        precondition(moved, "cannot enter the repository at '\(Repository.root)'")
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
        return body()
    }

    @Test(arguments: pipelines)
    func reproducesTheCommittedReports(name: String) throws {
        let (folder, result) = try Self.run(name)
        defer { folder.remove() }
        #expect(result.exitCode == 0, "\(result.problems)")
        let outcome = Verify.compare(expected: Repository.path("Reports/\(name)"), actual: folder.file("reports"))
        #expect(outcome.exitCode == 0, "\(outcome.lines.joined(separator: "\n"))")
    }

    @Test(arguments: pipelines)
    func twoRunsGiveIdenticalBytes(name: String) throws {
        let (first, firstResult) = try Self.run(name)
        let (second, secondResult) = try Self.run(name)
        defer { first.remove(); second.remove() }
        #expect(firstResult.exitCode == 0 && secondResult.exitCode == 0)
        let outcome = Verify.compare(expected: first.file("reports"), actual: second.file("reports"))
        #expect(outcome.exitCode == 0, "\(outcome.lines.joined(separator: "\n"))")
        let files = try ReportFiles.list(first.file("reports"))
        #expect(files.contains("summary.txt") && files.contains("manifest.json") && files.contains("response.csv"))
    }

    @Test func castorAndRedcapExportsGiveTheSameStatistics() throws {
        let (castor, _) = try Self.run("sample-castor")
        let (redcap, _) = try Self.run("sample-redcap")
        defer { castor.remove(); redcap.remove() }
        let tables = ["profiles.csv", "flow.csv", "baseline.csv", "response.csv", "comparisons.csv", "interaction.csv",
                      "conclusions.csv", "summary_of_findings.csv", "clean/participants.csv", "clean/visits.csv"]
        for table in tables {
            let left = FileManager.default.contents(atPath: castor.file("reports/\(table)"))
            let right = FileManager.default.contents(atPath: redcap.file("reports/\(table)"))
            #expect(left != nil && left == right, "\(table) differs between the Castor and REDCap exports")
        }
    }

    @Test(arguments: pipelines)
    func summaryLinesStayWithinOneHundredCharacters(name: String) throws {
        let text = try String(contentsOfFile: Repository.path("Reports/\(name)/summary.txt"), encoding: .utf8)
        let long = text.split(separator: "\n").filter { $0.count > 100 }
        #expect(long.isEmpty, "\(long.prefix(3))")
        #expect(text.contains("guideline-2010 1.0"))
        #expect(text.contains("EBRO variant A"))
    }

    @Test(arguments: pipelines)
    func everyInputRowIsAccountedFor(name: String) throws {
        let text = try String(contentsOfFile: Repository.path("Reports/\(name)/accounting.csv"), encoding: .utf8)
        let rows = text.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(!rows.isEmpty)
        for row in rows {
            let read = Int(row[1]) ?? -1
            let accepted = Int(row[2]) ?? -2
            let rejected = Int(row[3]) ?? -3
            #expect(read == accepted + rejected, "\(row)")
        }
    }
}

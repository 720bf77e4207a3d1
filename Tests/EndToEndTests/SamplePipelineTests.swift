import CSVKit
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
        inDirectory(Repository.root, body)
    }

    /// The working directory is one per process, and suites run in parallel: every test that
    /// changes it runs its body under this lock, so that none sees another's directory.
    private static let directoryLock = NSRecursiveLock()

    static func inDirectory<T>(_ directory: String, _ body: () -> T) -> T {
        directoryLock.lock()
        defer { directoryLock.unlock() }
        let previous = FileManager.default.currentDirectoryPath
        let moved = FileManager.default.changeCurrentDirectoryPath(directory)
        precondition(moved, "cannot enter '\(directory)'")
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

    /// Report bodies name the pipeline and the files it names as the pipeline file does, so a
    /// run from another folder, or with the pipeline's path typed another way, reproduces them.
    @Test func reportsDoNotDependOnHowThePipelineIsNamed() throws {
        let folder = try TemporaryDirectory(prefix: "lbp-e2e-paths")
        defer { folder.remove() }
        let runs = [
            ("./sample-castor.yml", Repository.path("Pipelines"), "from-pipelines"),
            (Repository.path("Pipelines/sample-castor.yml"), folder.path, "absolute"),
            ("Pipelines//./sample-castor.yml", Repository.root, "untidy"),
        ]
        for (pipeline, directory, name) in runs {
            let result = Self.inDirectory(directory) { Run.run(pipeline: pipeline, outputFolder: folder.file(name)) }
            #expect(result.exitCode == 0, "\(result.problems)")
            let outcome = Verify.compare(expected: Repository.path("Reports/sample-castor"), actual: folder.file(name))
            #expect(outcome.exitCode == 0, "\(pipeline) from \(directory): \(outcome.lines.joined(separator: "\n"))")
        }
    }

    /// The baseline is the schedule's week-0 visit, whatever the pipeline calls it.
    @Test func theWeekZeroVisitIsTheBaselineWhateverItsName() throws {
        let folder = try TemporaryDirectory(prefix: "lbp-e2e-intake")
        defer { folder.remove() }
        var pipeline = try String(contentsOfFile: Repository.path("Pipelines/sample-castor.yml"), encoding: .utf8)
        pipeline = pipeline.replacingOccurrences(of: "    baseline: [Baseline]", with: "    intake: [Baseline]")
        pipeline = pipeline.replacingOccurrences(of: "  baseline: {week: 0, window_days: 7}", with: "  intake: {week: 0, window_days: 7}")
        pipeline = pipeline.replacingOccurrences(of: "../", with: Repository.root + "/")
        pipeline = pipeline.replacingOccurrences(of: "rules/guideline-2010.yml", with: Repository.path("Pipelines/rules/guideline-2010.yml"))
        let path = try folder.write(pipeline, to: "intake.yml")
        let result = Run.run(pipeline: path, outputFolder: folder.file("reports"))
        #expect(result.exitCode == 0, "\(result.problems)")
        let visits = try String(contentsOfFile: folder.file("reports/clean/visits.csv"), encoding: .utf8)
        #expect(visits.contains(",intake,") && !visits.contains(",baseline,"))
        for table in ["baseline.csv", "response.csv", "comparisons.csv", "interaction.csv", "flow.csv"] {
            let renamed = FileManager.default.contents(atPath: folder.file("reports/\(table)"))
            let committed = FileManager.default.contents(atPath: Repository.path("Reports/sample-castor/\(table)"))
            #expect(renamed != nil && renamed == committed, "\(table) changes with the baseline's name")
        }
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

    /// Each missing-data approach fills only the cells it estimates: baseline carried forward is
    /// for change scores, non-responder imputation for responders; the rest stay empty.
    @Test(arguments: pipelines)
    func responseRowsFillOnlyWhatTheirApproachEstimates(name: String) throws {
        let records = try CSVReader.records(path: Repository.path("Reports/\(name)/response.csv"), dialect: CSVDialect(delimiter: UInt8(ascii: ",")))
        let header = try CSVReader(path: Repository.path("Reports/\(name)/response.csv"), dialect: CSVDialect(delimiter: UInt8(ascii: ","))).header
        func cells(_ record: CSVRecordSnapshot, _ names: [String]) -> [String] {
            names.compactMap { header.firstIndex(of: $0) }.map { record.fields[$0] }
        }
        let responderColumns = ["responders", "responder_n", "responder_proportion", "responder_ci_lower", "responder_ci_upper"]
        let changeColumns = ["change_mean", "change_sd", "change_ci_lower", "change_ci_upper", "srm"]
        let approach = try #require(header.firstIndex(of: "approach"))
        let bocf = records.filter { $0.fields[approach] == "bocf" }
        let nri = records.filter { $0.fields[approach] == "nri" }
        #expect(!bocf.isEmpty && !nri.isEmpty)
        let bocfResponders = bocf.filter { record in cells(record, responderColumns).contains { !$0.isEmpty } }
        let nriChanges = nri.filter { record in cells(record, changeColumns).contains { !$0.isEmpty } }
        #expect(bocfResponders.isEmpty, "\(bocfResponders.prefix(2).map { $0.fields.prefix(6) })")
        #expect(nriChanges.isEmpty, "\(nriChanges.prefix(2).map { $0.fields.prefix(6) })")
        let bocfChanges = bocf.filter { record in !cells(record, ["change_mean"]).joined().isEmpty }
        let nriResponders = nri.filter { record in !cells(record, ["responder_n"]).joined().isEmpty }
        #expect(!bocfChanges.isEmpty && !nriResponders.isEmpty)
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

    /// The trial's own evidence rows carry the model's standard error: their 95 % interval is
    /// estimate ± t(0.975, df) × SE, so half its width over the SE is a t quantile, above the
    /// normal 1.96 (an SE worked back from the interval with 1.96 would give exactly 1.96).
    @Test(arguments: pipelines)
    func ownEvidenceRowsCarryTheModelStandardError(name: String) throws {
        let rows = try CSVReader.records(path: Repository.path("Reports/\(name)/evidence_table.csv"),
                                         dialect: CSVDialect(delimiter: UInt8(ascii: ",")))
        let header = try CSVReader(path: Repository.path("Reports/\(name)/evidence_table.csv"),
                                   dialect: CSVDialect(delimiter: UInt8(ascii: ","))).header
        let column = { (name: String) in header.firstIndex(of: name) ?? -1 }
        let own = rows.filter { $0.fields[column("source")] == "this_study" && $0.fields[column("effect_measure")].contains("ANCOVA") }
        #expect(!own.isEmpty)
        for row in own {
            let low = Double(row.fields[column("ci_low")]) ?? .nan
            let high = Double(row.fields[column("ci_high")]) ?? .nan
            let se = try #require(Double(row.fields[column("se")]), "\(row.fields)")
            let quantile = (high - low) / 2 / se
            // 4-decimal cells: the quotient is known to about 1e-3.
            #expect(quantile > 1.962 && quantile < 2.05, "\(row.fields): \(quantile)")
        }
    }

    /// The trial's own rows of evidence_table.csv are one per comparison: their key (profile,
    /// outcome, comparison, visit, effect measure) is unique, so they join to the other evidence
    /// files whether or not a comparison has a conclusion.
    @Test(arguments: pipelines)
    func ownEvidenceRowsHaveAKeyOfTheirOwn(name: String) throws {
        let path = Repository.path("Reports/\(name)/evidence_table.csv")
        let comma = CSVDialect(delimiter: UInt8(ascii: ","))
        let header = try CSVReader(path: path, dialect: comma).header
        try #require(header.contains("comparison") && header.contains("source"))
        let column = { (name: String) in header.firstIndex(of: name) ?? -1 }
        let own = try CSVReader.records(path: path, dialect: comma).filter { $0.fields[column("source")] == "this_study" }
        let keys = own.map { row in ["profile", "outcome", "comparison", "timepoint", "effect_measure"].map { row.fields[column($0)] } }
        #expect(own.count > 10)
        #expect(Set(keys).count == keys.count)
        #expect(keys.allSatisfy { $0[2].contains(" vs ") })
    }

    /// interaction.csv gives I² in percent, from the Q and df of its own row.
    @Test(arguments: pipelines)
    func interactionISquaredIsInPercent(name: String) throws {
        let comma = CSVDialect(delimiter: UInt8(ascii: ","))
        let path = Repository.path("Reports/\(name)/interaction.csv")
        let header = try CSVReader(path: path, dialect: comma).header
        let column = { (name: String) in header.firstIndex(of: name) ?? -1 }
        let rows = try CSVReader.records(path: path, dialect: comma).filter { $0.fields[column("test")] == "Cochran Q" }
        #expect(rows.contains { (Double($0.fields[column("i2_percent")]) ?? 0) > 1 })
        for row in rows {
            let q = try #require(Double(row.fields[column("statistic")]))
            let df = try #require(Double(row.fields[column("df1")]))
            let percent = try #require(Double(row.fields[column("i2_percent")]))
            #expect(abs(percent - max(0, (q - df) / q) * 100) < 0.01, "\(row.fields)")
        }
    }

    /// The accounting's warnings per file are the warning rows `issues.csv` locates in that file,
    /// profile warnings found after staging included.
    @Test(arguments: pipelines)
    func accountingWarningsAreTheWarningsOfIssues(name: String) throws {
        let comma = CSVDialect(delimiter: UInt8(ascii: ","))
        let accounting = try CSVReader.records(path: Repository.path("Reports/\(name)/accounting.csv"), dialect: comma)
        let issues = try CSVReader.records(path: Repository.path("Reports/\(name)/issues.csv"), dialect: comma)
        #expect(issues.contains { $0.fields[7].hasPrefix("profile.") && $0.fields[8] == "warning" })
        for row in accounting {
            let located = issues.filter { $0.fields[0] == row.fields[0] && $0.fields[8] == "warning" }.count
            #expect(Int(row.fields[4]) == located, "\(row.fields)")
        }
    }
}

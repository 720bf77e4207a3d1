import CSVKit
import Foundation
@testable import PipelineRunner
import PipelineSpec
import Testing
import TestSupport

/// A run replaces its whole report folder, so it must only ever replace a folder that is new,
/// empty or one of its own, and say plainly why it will not.
@Suite(.serialized) struct ReportFolderTests {
    static func run(_ out: String) -> RunResult {
        SamplePipelineTests.inRepository { Run.run(pipeline: "Pipelines/sample-castor.yml", outputFolder: out) }
    }

    static func validate(_ out: String) -> ValidationResult {
        SamplePipelineTests.inRepository { Validation.run(pipeline: "Pipelines/sample-castor.yml", outputFolder: out) }
    }

    @Test func aFolderOfOtherFilesIsNeverReplaced() throws {
        let folder = try TemporaryDirectory(prefix: "lbp-out")
        defer { folder.remove() }
        try folder.write("keep\n", to: "precious/thesis.docx")
        let result = Self.run(folder.file("precious"))
        #expect(result.exitCode == 2)
        #expect(result.problems == ["error: the output folder '\(folder.file("precious"))' holds files that are not lbp reports "
            + "(e.g. 'thesis.docx'); reports replace their whole folder, so give a new or empty folder with '--out', or one an earlier run wrote"])
        #expect(try String(contentsOfFile: folder.file("precious/thesis.docx"), encoding: .utf8) == "keep\n")
        #expect(Self.validate(folder.file("precious")).exitCode == 2)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.file("precious")) == ["thesis.docx"])
        // Nothing is left beside it either.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["precious"])
    }

    /// When 'report.output' chose the folder, a refusal points at it, and 'lbp check' says so
    /// before any data is read.
    @Test func aRefusedReportOutputIsAProblemOfThePipelineFile() throws {
        let folder = try TemporaryDirectory(prefix: "lbp-out")
        defer { folder.remove() }
        let file = try folder.write("a,b\n", to: "table.csv")
        let pipeline = try LoadedPipelineTests.samplePipeline(in: folder) {
            $0.replacingOccurrences(of: "  output: ../Reports/sample-castor", with: "  output: table.csv")
        }
        let expected = "\(pipeline):7:11: error: the output folder '\(file)' is a file; give a folder with 'report.output'"
        #expect(Validation.check(pipeline: pipeline).problems == [expected])
        #expect(Validation.check(pipeline: pipeline).exitCode == 2)
        #expect(Run.run(pipeline: pipeline).problems == [expected])
        #expect(Validation.run(pipeline: pipeline, outputFolder: folder.file("out")).exitCode == 0)
    }

    /// A report folder with a folder the run may not change is refused before anything is
    /// written, rather than swapped out and left behind beside the new reports. (Permissions do
    /// not bind the superuser, so the test runs only without it.)
    @Test(.enabled(if: getuid() != 0)) func aReadOnlyReportFolderIsRefused() throws {
        let folder = try TemporaryDirectory(prefix: "lbp-out")
        defer {
            chmod(folder.file("reports/clean"), 0o755)
            folder.remove()
        }
        let reports = folder.file("reports")
        #expect(Self.run(reports).exitCode == 0)
        chmod(reports + "/clean", 0o555)
        let refused = Self.run(reports)
        #expect(refused.exitCode == 2)
        #expect(refused.problems == ["error: the output folder '\(reports)' holds 'clean', which is read-only, so its reports "
            + "could not be replaced; make it writable or give another folder with '--out'"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["reports"])
    }

    /// The id of a process that has ended (`/bin/true`, waited for).
    static func endedProcessID() throws -> Int32 {
        let ended = Process()
        ended.executableURL = URL(fileURLWithPath: "/bin/true")
        try ended.run()
        ended.waitUntilExit()
        return ended.processIdentifier
    }

    /// The folders of a process that has ended are removed; those of running ones stay.
    @Test func foldersOfEndedProcessesAreRemoved() throws {
        let folder = try TemporaryDirectory(prefix: "lbp-out")
        defer { folder.remove() }
        let ended = try Self.endedProcessID()
        let own = ProcessInfo.processInfo.processIdentifier
        for name in ["lbp-verify-\(ended)-a", "lbp-verify-\(own)-b", "lbp-verify-1-c", "lbp-verify-x", "other-\(ended)-d"] {
            try FileManager.default.createDirectory(atPath: folder.file(name), withIntermediateDirectories: true)
        }
        ReportFolder.removeAbandoned(in: folder.path, prefix: "lbp-verify-")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
            == ["lbp-verify-1-c", "lbp-verify-\(own)-b", "lbp-verify-x", "other-\(ended)-d"].sorted())
    }

    /// A process id alone cannot tell a run in another container or PID namespace sharing the
    /// folder: a folder whose claim is held stays, whatever its name says, and goes once the
    /// claim ends. A `.previous` folder follows the claim on its scratch folder.
    @Test func claimedFoldersStayWhateverTheirProcessID() throws {
        let folder = try TemporaryDirectory(prefix: "lbp-out")
        defer { folder.remove() }
        let ended = try Self.endedProcessID()
        let names = ["lbp-verify-\(ended)-a", "lbp-verify-\(ended)-a.previous",
                     "lbp-verify-\(ended)-b"]
        for name in names { try FileManager.default.createDirectory(atPath: folder.file(name), withIntermediateDirectories: true) }
        FolderClaim.claim(folder.file(names[0]))
        #expect(FolderClaim.isClaimed(folder.file(names[0])))
        ReportFolder.removeAbandoned(in: folder.path, prefix: "lbp-verify-")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == Array(names.prefix(2)).sorted())
        FolderClaim.release(folder.file(names[0]))
        #expect(!FolderClaim.isClaimed(folder.file(names[0])))
        ReportFolder.removeAbandoned(in: folder.path, prefix: "lbp-verify-")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == [])
        // A folder made claimed is claimed under its name from the start.
        let made = try FolderClaim.makeClaimedFolder(in: folder.path, prefix: "lbp-verify-")
        #expect(made.hasPrefix(folder.file("lbp-verify-\(ProcessInfo.processInfo.processIdentifier)-")))
        #expect(FolderClaim.isClaimed(made))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == [PathText.fileName(made)])
        FolderClaim.release(made)
    }

    @Test func aFileTheWorkingFolderAndTheInputsAreRefused() throws {
        let folder = try TemporaryDirectory(prefix: "lbp-out")
        defer { folder.remove() }
        let file = try folder.write("a,b\n", to: "table.csv")
        #expect(Self.run(file).problems == ["error: the output folder '\(file)' is a file; give a folder with '--out'"])
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "a,b\n")
        for out in [".", "./", "..", Repository.root] {
            let result = Self.run(out)
            #expect(result.exitCode == 2, "--out '\(out)'")
            #expect(result.problems.first?.hasPrefix("error: the output folder ") == true, "\(result.problems)")
        }
        #expect(Self.run("").problems == ["error: no output folder is named ('--out' is empty); give a folder with '--out'"])
        let inputs = Self.run("SampleData")
        #expect(inputs.exitCode == 2)
        #expect(inputs.problems.first?.contains("which the run reads") == true, "\(inputs.problems)")
        // An input itself named as the folder is said to be that input, not to hold it.
        #expect(Self.run("Pipelines/sample-castor.yml").problems
            == ["error: the output folder 'Pipelines/sample-castor.yml' is a file the run reads; "
                + "give a folder with '--out'"])
        #expect(FileManager.default.fileExists(atPath: Repository.path("SampleData/castor/visits.csv")))
    }

    @Test func aParentThatIsAFileIsReportedWithoutErrorDomains() throws {
        let folder = try TemporaryDirectory(prefix: "lbp-out")
        defer { folder.remove() }
        let file = try folder.write("x\n", to: "plain")
        let result = Self.run(file + "/reports")
        #expect(result.exitCode == 2)
        #expect(result.problems == ["error: cannot create a folder beside '\(file)/reports': Not a directory"])
    }

    @Test func newEmptyAndEarlierReportFoldersAreReplaced() throws {
        let folder = try TemporaryDirectory(prefix: "lbp-out")
        defer { folder.remove() }
        try FileManager.default.createDirectory(atPath: folder.file("empty"), withIntermediateDirectories: true)
        for out in ["new/reports", "empty"] {
            #expect(Self.run(folder.file(out)).exitCode == 0, "\(out)")
        }
        // A folder of a run, then of validate, is replaced again by either.
        #expect(Self.validate(folder.file("empty")).exitCode == 0)
        #expect(Self.run(folder.file("empty")).exitCode == 0)
        #expect(Self.validate(folder.file("validated")).exitCode == 0)
        #expect(Self.run(folder.file("validated")).exitCode == 0)
        let compared = Verify.compare(expected: folder.file("new/reports"), actual: folder.file("validated"))
        #expect(compared.exitCode == 0, "\(compared.lines)")
    }

    /// A link to a report folder is followed (the folder it names gets the reports); a link to
    /// nothing is refused before anything is written.
    @Test func linksAreFollowedAndDanglingLinksRefused() throws {
        let folder = try TemporaryDirectory(prefix: "lbp-out")
        defer { folder.remove() }
        #expect(Self.run(folder.file("real")).exitCode == 0)
        try FileManager.default.createSymbolicLink(atPath: folder.file("link"), withDestinationPath: folder.file("real"))
        try folder.write("stale\n", to: "real/issues.csv")
        #expect(Self.run(folder.file("link")).exitCode == 0)
        let attributes = try FileManager.default.attributesOfItem(atPath: folder.file("link"))
        #expect(attributes[.type] as? FileAttributeType == .typeSymbolicLink, "the link is still a link")
        #expect(try String(contentsOfFile: folder.file("real/issues.csv"), encoding: .utf8) != "stale\n")
        try FileManager.default.createSymbolicLink(atPath: folder.file("dangling"), withDestinationPath: folder.file("nowhere"))
        let dangling = Self.run(folder.file("dangling"))
        #expect(dangling.exitCode == 2)
        #expect(dangling.problems == ["error: the output folder '\(folder.file("dangling"))' is a link to nothing; give a folder with '--out'"])
    }

    /// A link in a parent folder hides nothing: the working folder and the inputs are found
    /// inside the target as the file system resolves it, and refused.
    @Test func aLinkedParentDoesNotHideTheWorkingFolderOrTheInputs() throws {
        let folder = try TemporaryDirectory(prefix: "lbp-out")
        defer { folder.remove() }
        let root = PathText.normalise(Repository.root)
        try FileManager.default.createSymbolicLink(atPath: folder.file("repository"), withDestinationPath: root)
        try FileManager.default.createSymbolicLink(atPath: folder.file("above"),
                                                   withDestinationPath: (root as NSString).deletingLastPathComponent)
        let inputs = Self.run(folder.file("repository") + "/SampleData")
        #expect(inputs.exitCode == 2)
        #expect(inputs.problems.first?.contains("which the run reads") == true, "\(inputs.problems)")
        let working = Self.run(folder.file("above") + "/" + PathText.fileName(root))
        #expect(working.exitCode == 2)
        #expect(working.problems.first?.contains("is the working folder or holds it") == true, "\(working.problems)")
        #expect(FileManager.default.fileExists(atPath: Repository.path("SampleData/castor/visits.csv")))
        #expect(FileManager.default.fileExists(atPath: Repository.path("Package.swift")))
    }

    /// A run that stops (exit code 2) writes nothing: the folders it made for a new output
    /// folder go too, while a published run keeps them.
    @Test func aStoppedRunLeavesNoFoldersBehind() throws {
        let folder = try TemporaryDirectory(prefix: "lbp-out")
        defer { folder.remove() }
        var visits = Array(try String(contentsOfFile: Repository.path("SampleData/castor/visits.csv"), encoding: .utf8).utf8)
        visits.insert(0, at: visits.count / 2)
        _ = try folder.write(visits, to: "visits.csv")
        let pipeline = try LoadedPipelineTests.samplePipeline(in: folder) {
            $0.replacingOccurrences(of: Repository.path("SampleData") + "/castor/visits.csv", with: "visits.csv")
        }
        let stopped = Run.run(pipeline: pipeline, outputFolder: folder.file("new/a/reports"))
        #expect(stopped.exitCode == 2)
        #expect(!FileManager.default.fileExists(atPath: folder.file("new")))
        let validated = Validation.run(pipeline: pipeline, outputFolder: folder.file("new/a/reports"))
        #expect(validated.exitCode == 2)
        #expect(!FileManager.default.fileExists(atPath: folder.file("new")))
        #expect(Self.run(folder.file("new/a/reports")).exitCode == 0)
        #expect(FileManager.default.fileExists(atPath: folder.file("new/a/reports/summary.txt")))
    }

    /// An output folder named through a link and `..` is where the system puts it: beside the
    /// folder the link names, not beside the link.
    @Test func anOutputFolderAfterALinkAndParentIsTheSystems() throws {
        let folder = try TemporaryDirectory(prefix: "lbp-out")
        defer { folder.remove() }
        try folder.write("x", to: "real/sub/keep")
        try FileManager.default.createSymbolicLink(atPath: folder.file("L"), withDestinationPath: folder.file("real/sub"))
        #expect(Self.run(folder.file("L") + "/../reports").exitCode == 0)
        #expect(FileManager.default.fileExists(atPath: folder.file("real/reports/summary.txt")))
        #expect(!FileManager.default.fileExists(atPath: folder.file("reports")))
    }

    /// validate writes the same issues as a run (profile conflicts included), keeps the other
    /// files of the folder, and so leaves a committed report set that still verifies.
    @Test func validateIntoAReportFolderKeepsItConsistent() throws {
        let folder = try TemporaryDirectory(prefix: "lbp-out")
        defer { folder.remove() }
        #expect(Self.run(folder.file("reports")).exitCode == 0)
        try folder.write("stale\n", to: "reports/issues.csv")
        let validated = Self.validate(folder.file("reports"))
        #expect(validated.exitCode == 0, "\(validated.problems)")
        let compared = Verify.compare(expected: Repository.path("Reports/sample-castor"), actual: folder.file("reports"))
        #expect(compared.exitCode == 0, "\(compared.lines)")
        let issues = try String(contentsOfFile: folder.file("reports/issues.csv"), encoding: .utf8)
        #expect(issues.contains(",profile.urgent-randomised,warning,"))
    }

    /// When the inputs or the pipeline file changed since the run, its summary, tables and
    /// manifest no longer agree with what a run writes now: they are left out, and validate says so.
    @Test func validateLeavesOutRunReportsTheInputsNoLongerAgreeWith() throws {
        let folder = try TemporaryDirectory(prefix: "lbp-out")
        defer { folder.remove() }
        let visits = try String(contentsOfFile: Repository.path("SampleData/castor/visits.csv"), encoding: .utf8)
        _ = try folder.write(visits, to: "visits.csv")
        let pipeline = try LoadedPipelineTests.samplePipeline(in: folder) {
            $0.replacingOccurrences(of: Repository.path("SampleData") + "/castor/visits.csv", with: "visits.csv")
        }
        let reports = folder.file("reports")
        #expect(Run.run(pipeline: pipeline, outputFolder: reports).exitCode == 0)
        // Unchanged inputs: the run's reports stay beside validate's files, and so do a user's
        // files among them; one in validate's own clean/, which it replaces whole, is named.
        _ = try folder.write("my notes\n", to: "reports/notes.txt")
        _ = try folder.write("mine\n", to: "reports/tables/mine.csv")
        _ = try folder.write("mine\n", to: "reports/clean/my_notes.txt")
        #expect(Validation.run(pipeline: pipeline, outputFolder: reports).problems == [
            "warning: the other files in '\(reports)' ('clean/my_notes.txt') were left out",
        ])
        #expect(FileManager.default.fileExists(atPath: reports + "/summary.txt"))
        #expect(FileManager.default.fileExists(atPath: reports + "/notes.txt"))
        #expect(FileManager.default.fileExists(atPath: reports + "/tables/mine.csv"))
        try FileManager.default.removeItem(atPath: reports + "/tables/mine.csv")
        // One pain score corrected in the export: the clean tables change.
        let corrected = visits.replacingOccurrences(of: "\nMAA-0001;MAA;Baseline;08-03-2022;8;", with: "\nMAA-0001;MAA;Baseline;08-03-2022;7;")
        #expect(corrected != visits)
        _ = try folder.write(corrected, to: "visits.csv")
        let validated = Validation.run(pipeline: pipeline, outputFolder: reports)
        #expect(validated.problems == ["warning: the reports of the earlier run in '\(reports)' no longer agree with the inputs, "
            + "the pipeline file or its rule set and were left out; 'lbp run \(pipeline) --out \(reports)' writes them again",
            "warning: the other files in '\(reports)' ('notes.txt') were left out"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: reports).sorted() == Validation.outputs)

        // The same inputs, but the pipeline file's analysis changed: the run's tables are not
        // what a run writes now, although validate's files are the same.
        #expect(Run.run(pipeline: pipeline, outputFolder: reports).exitCode == 0)
        let text = try String(contentsOfFile: pipeline, encoding: .utf8)
        let fewerVisits = text.replacingOccurrences(of: "  timepoints: [week6, week12, week26]\n", with: "  timepoints: [week12]\n")
        #expect(fewerVisits != text)
        try fewerVisits.write(toFile: pipeline, atomically: true, encoding: .utf8)
        #expect(Validation.run(pipeline: pipeline, outputFolder: reports).problems.count == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: reports).sorted() == Validation.outputs)

        // An input written another way that reads the same (`32,60` for `32,6`): validate's files
        // agree, but the run's manifest records the inputs it read, which are not these.
        #expect(Run.run(pipeline: pipeline, outputFolder: reports).exitCode == 0)
        let rewritten = corrected.replacingOccurrences(of: "\nMAA-0001;MAA;Baseline;08-03-2022;7;10;32,6;", with: "\nMAA-0001;MAA;Baseline;08-03-2022;7;10;32,60;")
        #expect(rewritten != corrected)
        _ = try folder.write(rewritten, to: "visits.csv")
        let reread = Validation.run(pipeline: pipeline, outputFolder: reports)
        #expect(reread.problems.count == 1 && reread.problems.first?.contains("no longer agree with the inputs") == true, "\(reread.problems)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: reports).sorted() == Validation.outputs)

        // Without its manifest nothing says what a run's files were made from: they are left out.
        #expect(Run.run(pipeline: pipeline, outputFolder: reports).exitCode == 0)
        try FileManager.default.removeItem(atPath: reports + "/manifest.json")
        #expect(Validation.run(pipeline: pipeline, outputFolder: reports).problems == [
            "warning: the other files in '\(reports)' ('baseline.csv', 'comparisons.csv', 'conclusions.csv', ...) were left out: "
                + "no manifest.json says what they were made from",
        ])
        #expect(try FileManager.default.contentsOfDirectory(atPath: reports).sorted() == Validation.outputs)
        // A folder validate wrote is kept as it is; a file added to it is named as it goes.
        #expect(Validation.run(pipeline: pipeline, outputFolder: reports).problems == [])
        _ = try folder.write("my notes\n", to: "reports/notes.txt")
        #expect(Validation.run(pipeline: pipeline, outputFolder: reports).problems == [
            "warning: the other files in '\(reports)' ('notes.txt') were left out: no manifest.json says what they were made from",
        ])
        #expect(try FileManager.default.contentsOfDirectory(atPath: reports).sorted() == Validation.outputs)
    }

    /// Reports written with another budget record it, and verify with that budget reproduces
    /// them; without it, it says how to write them again, to the folder it compared.
    @Test func reportsWrittenWithAnotherBudgetVerifyWithIt() throws {
        let folder = try TemporaryDirectory(prefix: "lbp-out")
        defer { folder.remove() }
        let reports = folder.file("reports")
        #expect(SamplePipelineTests.inRepository { Run.run(pipeline: "Pipelines/sample-castor.yml", outputFolder: reports, maxErrors: 12) }
            .exitCode == 0)
        // By default the budget the manifest records.
        let same = SamplePipelineTests.inRepository { Verify.verify(pipeline: "Pipelines/sample-castor.yml", against: reports) }
        #expect(same.exitCode == 0, "\(same.lines)")
        // On drift, the advice keeps the recorded budget.
        try folder.write("changed\n", to: "reports/flow.csv")
        let drift = SamplePipelineTests.inRepository { Verify.verify(pipeline: "Pipelines/sample-castor.yml", against: reports) }
        #expect(drift.lines.last?.hasPrefix("If the change is intended, write the reports again with "
            + "'lbp run Pipelines/sample-castor.yml --out \(reports) --max-errors 12' and commit them") == true, "\(drift.lines)")
        let other = SamplePipelineTests.inRepository { Verify.verify(pipeline: "Pipelines/sample-castor.yml", against: reports, maxErrors: 10) }
        #expect(other.exitCode == 1)
        #expect(other.lines.last?.hasPrefix("If the change is intended, write the reports again with "
            + "'lbp run Pipelines/sample-castor.yml --out \(reports)' and commit them") == true, "\(other.lines)")
        #expect(other.lines.last?.hasSuffix("if not, compare the inputs' SHA-256 in '\(reports)/manifest.json' with the files read now") == true)
        // Without the committed manifest, the advice does not send the reader to it.
        try FileManager.default.removeItem(atPath: reports + "/manifest.json")
        let unrecorded = SamplePipelineTests.inRepository { Verify.verify(pipeline: "Pipelines/sample-castor.yml", against: reports, maxErrors: 10) }
        #expect(unrecorded.exitCode == 1)
        #expect(unrecorded.lines.last?.hasSuffix("if not, the committed '\(reports)/manifest.json' is missing, "
            + "so which input changed cannot be told from the reports") == true, "\(unrecorded.lines)")
    }

    @Test func scratchOfEndedRunsIsRemovedAndAnInterruptedSwapPutBack() throws {
        let folder = try TemporaryDirectory(prefix: "lbp-out")
        defer { folder.remove() }
        // No process has id 2^22 + 1 on Linux (pid_max is at most 2^22).
        let ended = ".reports.tmp-4194305-2F1C"
        try folder.write("half\n", to: "\(ended)/summary.txt")
        try folder.write("{\n  \"tool\" : \"lbp\"\n}\n", to: "\(ended).previous/manifest.json")
        try folder.write("other\n", to: ".reports.tmp-\(ProcessInfo.processInfo.processIdentifier)-AAAA/x")
        ReportFolder.removeAbandonedScratch(beside: folder.file("reports"))
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        // The swapped-out reports are put back; the living process's scratch is left alone.
        #expect(left == [".reports.tmp-\(ProcessInfo.processInfo.processIdentifier)-AAAA", "reports"])
        #expect(FileManager.default.fileExists(atPath: folder.file("reports/manifest.json")))
    }

    @Test func fileSystemErrorsReadAsTheSystemsReason() {
        let missing = NSError(domain: NSCocoaErrorDomain, code: CocoaError.fileNoSuchFile.rawValue)
        #expect(FileSystemErrorText.reason(missing) == "no such file or folder")
        let underlying = NSError(domain: NSPOSIXErrorDomain, code: Int(EACCES))
        let wrapped = NSError(domain: NSCocoaErrorDomain, code: 513, userInfo: [NSUnderlyingErrorKey: underlying])
        #expect(FileSystemErrorText.reason(wrapped) == "Permission denied")
        struct Own: Error, CustomStringConvertible { var description: String { "the disk said no" } }
        #expect(FileSystemErrorText.reason(Own()) == "the disk said no")
        // A report file that could not be written: its name and why, not the scratch path.
        let full = CSVError(.io("cannot write: No space left on device"),
                            at: CSVPosition(file: "/mnt/x/.rep.tmp-1510-ABC/interaction.csv"))
        #expect(FileSystemErrorText.reason(full) == "interaction.csv: cannot write: No space left on device")
        let clean = CSVError(.io("cannot write: No space left on device"), at: CSVPosition(file: "/mnt/x/.rep.tmp-1-A/clean/visits.csv"))
        #expect(FileSystemErrorText.reason(clean, within: "/mnt/x/.rep.tmp-1-A") == "clean/visits.csv: cannot write: No space left on device")
    }
}

/// The other commands say plainly when a folder or an input is missing.
@Suite(.serialized) struct CommandProblemTests {
    /// Advice meant to be pasted quotes what a shell would split or expand.
    @Test func adviceQuotesPathsForTheShell() {
        #expect(Shell.word("Pipelines/sample-castor.yml") == "Pipelines/sample-castor.yml")
        #expect(Shell.word("sp ace/r") == "\"sp ace/r\"")
        #expect(Shell.word("a\"b$c`d\\e") == "\"a\\\"b\\$c\\`d\\\\e\"")
        #expect(Shell.word("") == "\"\"")
    }

    @Test func verifyNamesAMissingReportFolderBeforeRunning() throws {
        let folder = try TemporaryDirectory(prefix: "lbp-verify")
        defer { folder.remove() }
        let missing = SamplePipelineTests.inRepository {
            Verify.verify(pipeline: "Pipelines/sample-castor.yml", against: folder.file("nope"))
        }
        #expect(missing.exitCode == 2)
        #expect(missing.lines == ["error: the committed report folder '\(folder.file("nope"))' does not exist; "
            + "write it with 'lbp run Pipelines/sample-castor.yml --out \(folder.file("nope"))', or name another with '--reports'"])
        let file = try folder.write("x\n", to: "plain")
        let notAFolder = SamplePipelineTests.inRepository { Verify.verify(pipeline: "Pipelines/sample-castor.yml", against: file) }
        #expect(notAFolder.exitCode == 2)
        #expect(notAFolder.lines == ["error: the committed report folder '\(file)' is a file, not a folder"])
    }

    /// A record a check of the whole record rejected (the age in one file against the birth year
    /// in another) takes back every participant row of it: each is in the trail as a rejected
    /// row, though no issue names its line. A cell with a line break stays on its line.
    @Test func explainShowsRowsTheRecordCheckRejected() throws {
        let folder = try TemporaryDirectory(prefix: "lbp-trail")
        defer { folder.remove() }
        let pipeline = try folder.write("""
            study: {name: Trail}
            report: {max_errors: 100}
            inputs:
              - {path: a.csv, source: generic, holds: participants, date_format: yyyy-mm-dd}
              - {path: b.csv, source: generic, holds: participants, date_format: yyyy-mm-dd}
              - {path: v.csv, source: generic, holds: visits, date_format: yyyy-mm-dd}
            fields: {participant_id: id, site: site, arm: arm, screening_date: scr, birth_year: by, age: age,
                     visit: visit, visit_date: vdate, pain_nrs: nrs, remark: remark}
            vocabularies:
              arms:
                - {id: a, codes: [A], reference: true}
                - {id: b, codes: [B]}
            visits:
              baseline: {week: 0, window_days: 7}
            profiles:
              rules: \(Repository.path("Pipelines/rules/guideline-2010.yml"))

            """, to: "p.yml")
        _ = try folder.write("id,site,arm,scr,by\nP1,S1,A,2024-03-01,1980\nP2,S1,B,2024-03-01,1970\n", to: "a.csv")
        _ = try folder.write("id,age\nP2,54\nP1,60\n", to: "b.csv")
        _ = try folder.write("id,visit,vdate,nrs,remark\nP1,baseline,2024-03-02,5,\"a\nb\"\n", to: "v.csv")
        let outcome = Explain.explain(pipeline: pipeline, participant: "P1")
        #expect(outcome.exitCode == 0, "\(outcome.lines)")
        let start = try #require(outcome.lines.firstIndex(of: "Rejected rows (see the issues below):"), "\(outcome.lines)")
        let listed = outcome.lines[(start + 1)...].prefix { $0.hasPrefix("  ") }.filter { !$0.hasPrefix("    ") }
        #expect(Set(listed) == ["  a.csv:2", "  b.csv:3"], "\(listed)")
        let others = try #require(outcome.lines.firstIndex(of: "Other rows as read:"), "\(outcome.lines)")
        #expect(outcome.lines[others + 1] == "  v.csv:2")
        #expect(outcome.lines.contains("    remark = 'a\\u{A}b'"), "\(outcome.lines)")
        #expect(outcome.lines.allSatisfy { !$0.hasPrefix("b'") })
    }

    /// A participant's rejected rows are part of the trail, as read: the sample's ragged week-26
    /// row of UTR-0380 (an unquoted `;` in the remark) shows with its extra field.
    @Test func explainShowsTheRejectedRows() throws {
        let outcome = SamplePipelineTests.inRepository { Explain.explain(pipeline: "Pipelines/sample-castor.yml", participant: "UTR-0380") }
        #expect(outcome.exitCode == 0)
        let start = try #require(outcome.lines.firstIndex(of: "Rejected row (see the issues below):"), "\(outcome.lines)")
        #expect(outcome.lines[start + 1] == "  ../SampleData/castor/visits.csv:1313")
        #expect(outcome.lines[(start + 2)...].prefix { $0.hasPrefix("    ") }.suffix(2)
            == ["    opmerking = 'pijn minder'", "    column 10 = ' slaapt beter'"])
        #expect(outcome.lines.contains { $0.hasPrefix("  ../SampleData/castor/visits.csv:1313:10: error: ") })

        // The accepted visit rows as read too, each once (the id as in the export, spaces and all).
        let spaced = SamplePipelineTests.inRepository { Explain.explain(pipeline: "Pipelines/sample-castor.yml", participant: " UTR-0380 ") }
        let rows = try #require(spaced.lines.firstIndex(of: "Other rows as read:"), "\(spaced.lines)")
        let listed = spaced.lines[(rows + 1)...].prefix { $0.hasPrefix("  ") }.filter { !$0.hasPrefix("    ") }
        #expect(listed == ["  ../SampleData/castor/visits.csv:1310", "  ../SampleData/castor/visits.csv:1311",
                           "  ../SampleData/castor/visits.csv:1312"])
        #expect(spaced.lines.contains("    Repeating Data Name = 'Week 6'"))
        // A REDCap participant row sits in the visits export: it is listed once, as a participant row.
        let redcap = SamplePipelineTests.inRepository { Explain.explain(pipeline: "Pipelines/sample-redcap.yml", participant: "MAA-0081") }
        let places = redcap.lines.filter { $0.hasPrefix("  ../") && !$0.contains(": ") }
        #expect(!places.isEmpty && Set(places).count == places.count, "\(places)")
        let unknown = SamplePipelineTests.inRepository { Explain.explain(pipeline: "Pipelines/sample-castor.yml", participant: "UTR\u{200B}-0380") }
        #expect(unknown.exitCode == 1)
        #expect(unknown.lines == ["error: no participant 'UTR\\u{200B}-0380' in the inputs of 'Pipelines/sample-castor.yml' "
            + "(ids are matched exactly, upper and lower case apart)"])
    }

    /// The trail lists the issues a run writes for the participant, the profile conflicts
    /// included: GRO-0574 has cauda equina signs and was randomised.
    @Test func explainListsTheProfileConflicts() throws {
        let outcome = SamplePipelineTests.inRepository { Explain.explain(pipeline: "Pipelines/sample-castor.yml", participant: "GRO-0574") }
        #expect(outcome.exitCode == 0)
        let issues = try #require(outcome.lines.firstIndex(of: "Issues:"))
        #expect(outcome.lines[issues + 1].hasPrefix("  ../SampleData/castor/study_GRO.csv:182:4: warning: urgent signs (cauda_equina) call for referral"))
        let written = try String(contentsOfFile: Repository.path("Reports/sample-castor/issues.csv"), encoding: .utf8)
        #expect(written.contains("../SampleData/castor/study_GRO.csv,182,4,GRO-0574,,arm,graded_activity,profile.urgent-randomised,warning,"))
    }

    /// The trail ends with how the analysis counts the participant, from the sample's rows:
    /// GRO-0002's RMDQ 9 at baseline, 5 at week 6 (4 points, 44 %: a responder by the 30 %
    /// criterion) and 7 at week 12 (2 points, 22 %: not); GRO-0004 has no follow-up visit;
    /// MAA-0283 no baseline visit; GRO-0144 was not randomised.
    @Test func explainTracesChangeAndResponse() throws {
        func trail(_ id: String) throws -> [String] {
            let outcome = SamplePipelineTests.inRepository { Explain.explain(pipeline: "Pipelines/sample-castor.yml", participant: id) }
            #expect(outcome.exitCode == 0)
            let start = try #require(outcome.lines.firstIndex { $0.hasPrefix("Response") }, "\(outcome.lines)")
            return Array(outcome.lines[start...])
        }
        let complete = try trail("GRO-0002")
        #expect(complete.prefix(4) == [
            "Response (as the analysis counts this participant; change = follow-up - baseline):",
            "  arm motor_control, compared with reference arm general_exercise; groups: all, profile 3b, subprofile 3b",
            "  rmdq (RMDQ (0-24)), responder: improvement >= 5 points or improvement >= 30 % of baseline",
            "    baseline: 9",
        ])
        #expect(complete[4...5] == ["    week6: 5, change -4 (-44.4 % of baseline): responder",
                                    "    week12: 7, change -2 (-22.2 % of baseline): non-responder"])
        #expect(complete.contains("    week12: 4, no success"))
        let lost = try trail("GRO-0004")
        #expect(lost.contains("    week6: not measured; complete case: left out; baseline carried forward: change 0; "
            + "non-responder imputation: non-responder"))
        #expect(lost.contains("    week6: not measured; complete case: left out; non-responder imputation: no success"))
        let noBaseline = try trail("MAA-0283")
        #expect(noBaseline[3] == "    baseline: not measured")
        #expect(noBaseline[4] == "    week6: 5; complete case: left out; baseline carried forward: left out; "
            + "non-responder imputation: non-responder")
        #expect(try trail("GRO-0144") == ["Response: not analysed (not randomised)"])
    }

    @Test func explainStopsAtAnInputItCannotRead() throws {
        let folder = try TemporaryDirectory(prefix: "lbp-explain")
        defer { folder.remove() }
        var pipeline = try String(contentsOfFile: Repository.path("Pipelines/sample-castor.yml"), encoding: .utf8)
        pipeline = pipeline.replacingOccurrences(of: "../SampleData/castor/visits.csv", with: folder.file("visits.csv"))
        pipeline = pipeline.replacingOccurrences(of: "../SampleData/", with: Repository.path("SampleData") + "/")
        pipeline = pipeline.replacingOccurrences(of: "rules/guideline-2010.yml", with: Repository.path("Pipelines/rules/guideline-2010.yml"))
        let path = try folder.write(pipeline, to: "batch.yml")
        try folder.write("something;else\n1;2\n", to: "visits.csv")
        let outcome = Explain.explain(pipeline: path, participant: "NIJ-0007")
        #expect(outcome.exitCode == 2)
        #expect(outcome.lines.count == 2, "\(outcome.lines)")
        #expect(outcome.lines.allSatisfy { $0.hasPrefix(folder.file("visits.csv") + ":1: error: the header has no column for ") })
    }
}

/// What a run reports while it works.
@Suite(.serialized) struct RunProgressTests {
    final class Events: @unchecked Sendable {
        var list: [RunProgress] = []
    }

    @Test func stepsComeInOrderAndRowsOnlyGrowWithinAFile() throws {
        let folder = try TemporaryDirectory(prefix: "lbp-progress")
        defer { folder.remove() }
        let events = Events()
        let result = SamplePipelineTests.inRepository {
            Run.run(pipeline: "Pipelines/sample-castor.yml", outputFolder: folder.file("reports")) { events.list.append($0) }
        }
        #expect(result.exitCode == 0)
        var lines: [String] = []
        var lastRows: [String: Int] = [:]
        var current = ""
        for event in events.list {
            switch event {
            case .step(let step):
                lines.append(step)
                if step.hasPrefix("reading ") { current = String(step.dropFirst("reading ".count)) }
            case .done(let summary):
                lines.append(summary)
            case .reading(let file, let rows, let rate):
                #expect(file == current && rows > lastRows[file, default: 0] && rate > 0)
                lastRows[file] = rows
            }
        }
        let files = ["study_GRO", "study_MAA", "study_NIJ", "study_UTR", "visits"].map { "reading ../SampleData/castor/\($0).csv" }
        #expect(Array(lines.prefix(6)) == ["staging 5 input files"] + files)
        #expect(lines.dropFirst(6).first?.hasPrefix("staged 2670 rows in ") == true, "\(lines)")
        #expect(Array(lines.suffix(2)) == ["profiles, analysis and evidence", "writing reports"])
    }
}

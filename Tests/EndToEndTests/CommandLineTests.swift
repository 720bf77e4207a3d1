import Foundation
import Testing
import TestSupport

/// The command line as a researcher meets it: a wrong option value gets a message that says what
/// is wrong with it.
@Suite struct CommandLineTests {
    /// Runs `lbp` with `arguments` and returns its exit status and standard error.
    static func lbp(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, errors: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(InterruptedRunTests.lbp, "the lbp executable is built with the tests"))
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, given in given }
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        let data = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Without a command, `lbp` is a usage error: its help on standard error, exit code 64.
    @Test func noCommandIsAUsageError() throws {
        let (status, errors) = try Self.lbp([])
        #expect(status == 64)
        #expect(errors.contains("USAGE: lbp <subcommand>"))
        #expect(try Self.lbp(["--help"]).status == 0)
    }

    /// `verify` makes no temporary folder where TMPDIR names none: it says so, and leaves nothing.
    @Test func verifyWithATemporaryFolderThatIsNotThere() throws {
        let folder = try TemporaryDirectory(prefix: "lbp-verify-tmpdir")
        defer { folder.remove() }
        let missing = folder.file("missing")
        let result = try Self.lbp(["verify", folder.file("pipeline.yml"), "--reports", folder.path], environment: ["TMPDIR": missing])
        #expect(result.status == 2)
        #expect(result.errors.contains("the temporary folder '\(missing)' (TMPDIR) is not a folder that exists"), "\(result.errors)")
        #expect(!FileManager.default.fileExists(atPath: missing))
        // sample-data --check generates into the temporary folder too.
        let check = try Self.lbp(["sample-data", "--check", "--participants", "20", "--out", folder.path], environment: ["TMPDIR": missing])
        #expect(check.status == 2)
        #expect(check.errors.contains("the temporary folder '\(missing)' (TMPDIR) is not a folder that exists"), "\(check.errors)")
        #expect(!FileManager.default.fileExists(atPath: missing))
    }

    /// A negative number is judged as the value it is, not taken for a missing one.
    @Test func negativeSampleDataNumbersAreNamed() throws {
        let participants = try Self.lbp(["sample-data", "--participants", "-5", "--out", "/nonexistent", "--check"])
        #expect(participants.status == 64)
        #expect(participants.errors.contains("The number of participants must lie between 1 and 100000000, not '-5'"), "\(participants.errors)")
        let huge = try Self.lbp(["sample-data", "--participants", "200000000000000000", "--out", "/nonexistent", "--check"])
        #expect(huge.status == 64)
        #expect(huge.errors.contains("The number of participants must lie between 1 and 100000000, not '200000000000000000'"),
                "\(huge.errors)")
        let seed = try Self.lbp(["sample-data", "--seed", "-1", "--out", "/nonexistent", "--check"])
        #expect(seed.status == 64)
        #expect(seed.errors.contains("'-1' is invalid for '--seed"), "\(seed.errors)")
    }

    /// A staging folder a killed sample-data run left behind goes at the next run; a study
    /// site's own export in castor/ stops the run before anything is written.
    @Test func sampleDataCleansUpAfterKilledRunsAndKeepsForeignExports() throws {
        let folder = try TemporaryDirectory(prefix: "lbp-sample")
        defer { folder.remove() }
        _ = try folder.write("x", to: "out/.sample-data-in-progress-2147483646/castor/visits.csv")
        let written = try Self.lbp(["sample-data", "--participants", "20", "--style", "castor", "--out", folder.file("out")])
        #expect(written.status == 0, "\(written.errors)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.file("out")).sorted() == ["castor", "truth"])
        _ = try folder.write("a real export", to: "out/castor/study_LUMC.csv")
        let refused = try Self.lbp(["sample-data", "--participants", "20", "--style", "castor", "--out", folder.file("out")])
        #expect(refused.status == 2)
        #expect(refused.errors.contains("holds 'study_LUMC.csv', which sample-data does not write"), "\(refused.errors)")
        #expect(FileManager.default.fileExists(atPath: folder.file("out/castor/study_LUMC.csv")))
    }

    @Test(arguments: ["run", "validate"])
    func negativeErrorBudgetIsNamed(command: String) throws {
        for arguments in [["--max-errors", "-1"], ["--max-errors=-1"]] {
            let (status, errors) = try Self.lbp([command, Repository.path("Pipelines/sample-castor.yml")] + arguments)
            #expect(status != 0)
            #expect(errors.contains("The error budget must be 0 or more, not '-1'"), "\(arguments): \(errors)")
        }
    }
}

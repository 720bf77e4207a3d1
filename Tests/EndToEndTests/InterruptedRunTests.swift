import Foundation
import Testing
import TestSupport

/// A run killed midway must leave the previous reports untouched: the report set is built in a
/// temporary folder and swapped in only when complete.
@Suite struct InterruptedRunTests {
    /// The `lbp` executable built beside this test bundle.
    static var lbp: String? {
        let folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [folder, folder.deletingLastPathComponent()] {
            let path = candidate.appendingPathComponent("lbp").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    static func launch(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(lbp, "the lbp executable is built with the tests"))
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    @Test func killedRunLeavesPreviousReportsIntact() throws {
        let folder = try TemporaryDirectory(prefix: "lbp-kill")
        defer { folder.remove() }
        let generate = try Self.launch(["sample-data", "--participants", "20000", "--style", "castor", "--out", folder.file("data")])
        generate.waitUntilExit()
        #expect(generate.terminationStatus == 0)

        // The sample pipeline, pointed at the large batch and a temporary report folder.
        var pipeline = try String(contentsOfFile: Repository.path("Pipelines/sample-castor.yml"), encoding: .utf8)
        pipeline = pipeline.replacingOccurrences(of: "../SampleData/castor/", with: folder.file("data/castor") + "/")
        pipeline = pipeline.replacingOccurrences(of: "../SampleData/", with: Repository.path("SampleData") + "/")
        pipeline = pipeline.replacingOccurrences(of: "../Reports/sample-castor", with: folder.file("reports"))
        pipeline = pipeline.replacingOccurrences(of: "rules/guideline-2010.yml", with: Repository.path("Pipelines/rules/guideline-2010.yml"))
        pipeline = pipeline.replacingOccurrences(of: "max_errors: 10", with: "max_errors: 100000")
        let pipelinePath = try folder.write(pipeline, to: "batch.yml")
        // A previous report set (a run's manifest marks the folder as lbp's to replace).
        try folder.write("previous report\n", to: "reports/summary.txt")
        try folder.write("{\n  \"tool\" : \"lbp\"\n}\n", to: "reports/manifest.json")

        let run = try Self.launch(["run", pipelinePath, "--quiet"])
        Thread.sleep(forTimeInterval: 1.5)
        #expect(run.isRunning, "the run finished before it could be interrupted; use a larger batch")
        run.interrupt()
        kill(run.processIdentifier, SIGKILL)
        run.waitUntilExit()
        #expect(run.terminationReason == .uncaughtSignal)

        let previous = try String(contentsOfFile: folder.file("reports/summary.txt"), encoding: .utf8)
        #expect(previous == "previous report\n")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.file("reports"))
        #expect(files.sorted() == ["manifest.json", "summary.txt"])
        // The killed run's scratch folder is left beside the reports...
        let scratch = { try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".reports.tmp-") } }
        #expect(try scratch().count == 1)

        // ...until a complete run replaces the folder and removes it.
        let complete = try Self.launch(["run", pipelinePath, "--quiet"])
        complete.waitUntilExit()
        #expect(complete.terminationStatus == 0)
        let replaced = try String(contentsOfFile: folder.file("reports/summary.txt"), encoding: .utf8)
        #expect(replaced.hasPrefix("lbp report: "))
        #expect(try scratch() == [])
    }
}

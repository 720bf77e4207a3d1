import Foundation
@testable import PipelineRunner
import Testing
import TestSupport

/// The manifest hashes the inputs after the analysis: an input written to or replaced while the
/// run read it would be named by a hash of other bytes than those analysed. Such a run fails and
/// leaves the previous reports as they were.
@Suite struct ChangedInputTests {
    /// The sample pipeline reading a copy of the Castor exports in `folder`, reports in `folder/reports`.
    static func pipeline(in folder: TemporaryDirectory) throws -> String {
        try FileManager.default.copyItem(atPath: Repository.path("SampleData/castor"), toPath: folder.file("castor"))
        try FileManager.default.copyItem(atPath: Repository.path("Pipelines/rules/guideline-2010.yml"), toPath: folder.file("rules.yml"))
        var text = try String(contentsOfFile: Repository.path("Pipelines/sample-castor.yml"), encoding: .utf8)
        text = text.replacingOccurrences(of: "../SampleData/castor/", with: folder.file("castor") + "/")
        text = text.replacingOccurrences(of: "../SampleData/", with: Repository.path("SampleData") + "/")
        text = text.replacingOccurrences(of: "rules/guideline-2010.yml", with: folder.file("rules.yml"))
        return try folder.write(text, to: "pipeline.yml")
    }

    /// The pipeline file and the rule set are noted as they were before loading read them: an
    /// edit made any time after the read is a change.
    @Test func theDefinitionsAreNotedBeforeTheyAreRead() throws {
        let folder = try TemporaryDirectory(prefix: "lbp-changed")
        defer { folder.remove() }
        let pipeline = try Self.pipeline(in: folder)
        let loaded = try LoadedPipeline.load(pipeline)
        let noted = loaded.definitionsBeforeReading
        #expect(noted.paths == [pipeline, folder.file("rules.yml")])
        #expect(InputSnapshot(noted.paths).changed(since: noted).isEmpty)
        let rules = try String(contentsOfFile: folder.file("rules.yml"), encoding: .utf8)
        try (rules + "\n").write(toFile: folder.file("rules.yml"), atomically: false, encoding: .utf8)
        #expect(InputSnapshot(noted.paths).changed(since: noted) == [folder.file("rules.yml")])
    }

    /// An input replaced by another file or appended to, and the pipeline file and the rule set
    /// (read before the inputs) appended to.
    @Test(arguments: [("castor/study_GRO.csv", "replaced"), ("castor/study_GRO.csv", "appended to"),
                      ("pipeline.yml", "appended to"), ("rules.yml", "appended to")])
    func anInputChangedDuringTheRunFailsIt(file: String, how: String) throws {
        let folder = try TemporaryDirectory(prefix: "lbp-changed")
        defer { folder.remove() }
        let pipeline = try Self.pipeline(in: folder)
        let first = Run.run(pipeline: pipeline, outputFolder: folder.file("reports"))
        #expect(first.exitCode == 0, "\(first.problems)")
        let before = try String(contentsOfFile: folder.file("reports/manifest.json"), encoding: .utf8)

        let study = folder.file(file)
        let changed = Run.run(pipeline: pipeline, outputFolder: folder.file("reports")) { progress in
            // Staging has read every input by the time the analysis starts.
            guard progress == .step("profiles, analysis and evidence") else { return }
            do {
                let text = try String(contentsOfFile: study, encoding: .utf8)
                if how == "replaced" {
                    // Another file moved over the path: the run has read the old one.
                    _ = try folder.write(text, to: "castor/new.csv")
                    #expect(rename(folder.file("castor/new.csv"), study) == 0)
                } else {
                    try (text + "\n").write(toFile: study, atomically: false, encoding: .utf8)
                }
            } catch {
                Issue.record("cannot change \(study): \(error)")
            }
        }
        #expect(changed.exitCode == 2)
        #expect(changed.problems.count == 1)
        #expect(changed.problems.first?.hasPrefix("\(study): error: the file changed while the run read it") == true, "\(changed.problems)")
        // The previous reports stay, and no scratch folder is left.
        #expect(try String(contentsOfFile: folder.file("reports/manifest.json"), encoding: .utf8) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.contains(".tmp-") }.isEmpty)
        // Once the file holds still, a run succeeds.
        #expect(Run.run(pipeline: pipeline, outputFolder: folder.file("reports")).exitCode == 0)
    }
}

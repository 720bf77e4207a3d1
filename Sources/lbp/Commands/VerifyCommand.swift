import ArgumentParser
import Foundation
import PipelineRunner

/// `lbp verify`: prove that the committed reports reproduce.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Re-run a pipeline and compare its reports with the committed ones byte for byte",
        discussion: """
            Runs the pipeline into a temporary folder and compares every file with the report folder \
            (the pipeline's 'report.output', or --reports), except run-log.json. On drift it prints a \
            short diff per file and exits with code 1.

            Example: lbp verify Pipelines/sample-castor.yml

            Exit codes: 0 the reports reproduce; 1 drift; 2 the run failed or the report folder is missing; 64 usage.
            """
    )

    @Argument(help: "The pipeline file (YAML)")
    var pipeline: String

    @Option(help: "Committed report folder, instead of the pipeline's 'report.output'")
    var reports: String?

    /// The budget to run with; by default the one the committed manifest records.
    @Option(parsing: .unconditional,
            help: "Error budget to run with, instead of the one the committed manifest.json records (else 'report.max_errors')")
    var maxErrors: Int?

    func validate() throws {
        try RunOptions.validateBudget(maxErrors)
    }

    func run() throws {
        let outcome = Verify.verify(pipeline: pipeline, against: reports, maxErrors: maxErrors)
        // Drift is the command's report (standard output); a failed run is an error (standard error).
        if outcome.exitCode == 2 {
            for line in outcome.lines { FileHandle.standardError.write(Data((line + "\n").utf8)) }
        } else {
            for line in outcome.lines { print(line) }
        }
        if outcome.exitCode != 0 { throw ExitCode(outcome.exitCode) }
    }
}

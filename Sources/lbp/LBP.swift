import ArgumentParser
import Foundation
import PipelineRunner

/// The `lbp` command: one subcommand per file under `Commands/`.
@main
struct LBP: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lbp",
        abstract: "Batch pipeline for the Dutch exercise-therapy trial in low back pain",
        discussion: """
            Reads the CSV exports of a data-capture system, validates and normalises every record, \
            assigns guideline profiles, computes per-profile response statistics per therapy arm, \
            and writes text, CSV and publication reports.
            """,
        version: ToolVersion.current,
        subcommands: [RunCommand.self, VerifyCommand.self, ExplainCommand.self, CheckCommand.self, ValidateCommand.self, SampleDataCommand.self]
    )

    /// `lbp` without a command is a usage error (exit code 64), so that a script calling it with
    /// an empty command fails instead of passing; the help goes to standard error.
    func run() throws {
        FileHandle.standardError.write(Data((LBP.helpMessage() + "\n").utf8))
        throw ExitCode(64)
    }
}

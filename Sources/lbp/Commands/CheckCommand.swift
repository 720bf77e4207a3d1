import ArgumentParser
import Foundation
import PipelineRunner

/// `lbp check`: load and check a pipeline file, reading no data.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a pipeline file without reading any data",
        discussion: """
            Reports every problem of the pipeline file at once, each with its line and column, and checks \
            that every input path or glob names at least one file and that the rule set and literature \
            files exist. Reads no data.

            Example: lbp check Pipelines/sample-castor.yml

            Exit codes: 0 valid; 2 a problem; 64 usage.
            """
    )

    @Argument(help: "The pipeline file (YAML)")
    var pipeline: String

    func run() throws {
        let result = Validation.check(pipeline: pipeline)
        for problem in result.problems {
            FileHandle.standardError.write(Data((problem + "\n").utf8))
        }
        for line in result.summary { print(line) }
        if result.exitCode != 0 { throw ExitCode(result.exitCode) }
    }
}

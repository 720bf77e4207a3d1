import ArgumentParser
import Foundation
import PipelineRunner

/// `lbp explain`: why a participant got their profile.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Show one participant's trail from source rows to profile",
        discussion: """
            Prints the participant's source rows (file:line, every non-empty cell as read): participant \
            rows, rejected rows and visit rows; the normalised values, the accepted visits, every issue \
            that names the participant, the \
            derived inputs, the profile rules that fired with the values they saw, and the profile \
            (or why the participant is unclassified). Reads the inputs; writes nothing.

            Example: lbp explain Pipelines/sample-castor.yml NIJ-0007

            Exit codes: 0 found; 1 no such participant; 2 a problem with the pipeline file or an input; 64 usage.
            """
    )

    @Argument(help: "The pipeline file (YAML)")
    var pipeline: String

    @Argument(help: "The participant id as in the export")
    var participant: String

    func run() throws {
        let outcome = Explain.explain(pipeline: pipeline, participant: participant)
        // The trail is the command's report (standard output); anything else is an error.
        if outcome.exitCode == 0 {
            for line in outcome.lines { print(line) }
        } else {
            for line in outcome.lines { FileHandle.standardError.write(Data((line + "\n").utf8)) }
        }
        if outcome.exitCode != 0 { throw ExitCode(outcome.exitCode) }
    }
}

import ArgumentParser
import Foundation
import PipelineRunner

/// `lbp validate`: stage the inputs of a pipeline file and write issues, rejected rows, clean
/// data and row accounting.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Read, normalise and validate the inputs of a pipeline file",
        discussion: """
            Writes into the output folder (the pipeline's 'report.output', default Reports/<pipeline name>): \
            issues.csv (every error, warning and note with file, line and column), rejected/<input file>.csv \
            (each rejected row exactly as read, after its line and reasons), clean/participants.csv, clean/visits.csv and \
            clean/missing.csv (typed, canonical columns), and accounting.csv (rows read, accepted and rejected \
            per input file), with the same issues 'lbp run' writes (profile conflicts included). Only these \
            are replaced: the other reports of an earlier 'lbp run' in the folder are kept when they still \
            agree with the inputs, the pipeline file and its rule set, and are left out with a warning when \
            not; any other file goes with them, or stays with them, and a warning names every one left out. \
            Everything is written to a temporary folder \
            first and swapped into place when complete. The output folder must be new, empty or a report \
            folder lbp wrote.

            Example: lbp validate Pipelines/sample-castor.yml --out /tmp/validated

            Streams: input files are read record by record; memory grows with the number of participants and \
            visits, not with file size.

            Exit codes: 0 success; 1 more errors than the budget ('report.max_errors', or --max-errors); \
            2 a problem with the pipeline file or an input file, or an output folder that cannot be used \
            (nothing is written); 64 usage.
            """
    )

    @OptionGroup var options: RunOptions

    func run() throws {
        let display = ProgressDisplay(quiet: options.quiet)
        let result = Validation.run(pipeline: options.pipeline, outputFolder: options.out, maxErrors: options.maxErrors,
                                    progress: display.show)
        display.finish()
        for problem in result.problems {
            FileHandle.standardError.write(Data((problem + "\n").utf8))
        }
        if !options.quiet {
            for line in result.summary { print(line) }
            if let folder = result.outputFolder { print("Outputs in '\(folder)'") }
        }
        if result.exitCode != 0 { throw ExitCode(result.exitCode) }
    }
}

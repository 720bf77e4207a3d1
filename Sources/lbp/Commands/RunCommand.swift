import ArgumentParser
import Foundation
import PipelineRunner

/// `lbp run`: the whole pipeline, from exports to the report set.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a pipeline file end to end and write its report set",
        discussion: """
            Reads and validates every input, assigns profiles with the pipeline's rule set, computes the \
            per-profile response analysis and the evidence summary, and writes the report set into the \
            output folder (the pipeline's 'report.output', default Reports/<pipeline name>): summary.txt, \
            the CSV tables, publication tables, forest plots, manifest.json and run-log.json. The folder \
            is replaced, in one atomic swap, only when every file was written, and only when it is new, \
            empty or a report folder lbp wrote (never a folder of other files, the working folder or one \
            holding the run's inputs).

            Streams: input files are read record by record; memory grows with the number of participants \
            and visits, not with file size. On a terminal, each step and the rows read per second are \
            shown on standard error; nothing is shown when it is piped or with --quiet.

            Example: lbp run Pipelines/sample-castor.yml

            Exit codes: 0 success; 1 more errors than the budget; 2 a problem with the pipeline file or \
            an input file, or an output folder that cannot be used (nothing is written); 64 usage.
            """
    )

    @OptionGroup var options: RunOptions

    func run() throws {
        let display = ProgressDisplay(quiet: options.quiet)
        let result = Run.run(pipeline: options.pipeline, outputFolder: options.out, maxErrors: options.maxErrors,
                             progress: display.show)
        display.finish()
        for problem in result.problems {
            FileHandle.standardError.write(Data((problem + "\n").utf8))
        }
        if !options.quiet {
            for line in result.summary { print(line) }
            if let folder = result.outputFolder { print("Reports in '\(folder)'") }
        }
        if result.exitCode != 0 { throw ExitCode(result.exitCode) }
    }
}

import ArgumentParser

/// The options `run` and `validate` share: the pipeline file, where to write, the error budget
/// and how much to print.
struct RunOptions: ParsableArguments {
    @Argument(help: "The pipeline file (YAML)")
    var pipeline: String

    @Option(help: "Output folder, instead of the pipeline's 'report.output'")
    var out: String?

    /// Parsed unconditionally, so that a negative budget (`--max-errors -1`) reaches ``validate()``
    /// and its message rather than being read as an unknown option.
    @Option(parsing: .unconditional,
            help: "Error-severity issues tolerated before the run fails, instead of 'report.max_errors'")
    var maxErrors: Int?

    @Flag(help: "Print problems only, not the summary")
    var quiet = false

    func validate() throws {
        try Self.validateBudget(maxErrors)
    }

    /// The check of a `--max-errors` value, shared with `verify`: a budget is 0 or more.
    static func validateBudget(_ maxErrors: Int?) throws {
        if let maxErrors, maxErrors < 0 {
            throw ValidationError("The error budget must be 0 or more, not '\(maxErrors)'")
        }
    }
}

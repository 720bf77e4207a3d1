import Analysis
import CSVKit
import PipelineSpec
import Reporting
import Staging
import StudyModel

/// `summary.txt`: one readable document of the whole run, every line within 100 characters.
struct SummaryDocument {
    let computation: RunComputation
    /// Forest plots that have no estimate to show and are not written (`outcome timepoint`).
    var forestPlotsNotDrawn: [String] = []

    var lines: [String] {
        let spec = computation.pipeline.spec
        let plan = computation.plan
        var lines: [String] = []
        lines += SummaryText.section("lbp report: \(spec.study.name)",
                                     (computation.isOverBudget ? Self.overBudget(computation) : []) + identity)
        lines += SummaryText.section("Input accounting", accounting)
        lines += SummaryText.section("Validation", validation)
        lines += SummaryText.section("Participant flow (CONSORT)", SummaryText.flow(computation.flow))
        lines += SummaryText.section("Profiles (\(computation.pipeline.ruleSet.identity))",
                                     SummaryText.rules(computation.pipeline.ruleSet) + [""]
                                     + SummaryText.profileDistribution(computation.assignments, subjects: computation.subjects,
                                                                     arms: computation.pipeline.arms,
                                                                     order: computation.analysis.order,
                                                                     urgentRules: computation.pipeline.ruleSet.urgent))
        lines += SummaryText.section("Baseline characteristics (randomised; % of those with a value; no p-values)",
                                     SummaryText.baseline(computation.baseline, arms: computation.pipeline.arms))
        // Said, not left as an empty section, when there is nothing to analyse.
        let randomised = computation.subjects.filter(\.isRandomised)
        let noOne = ["No participant was randomised: there is nothing to analyse per arm."]
        // With no one in the reference arm the sentence stands alone, as with no one randomised:
        // a table of comparisons would only say NA.
        let nothingToCompare: [String]? = if randomised.isEmpty {
            noOne
        } else if !randomised.contains(where: { $0.arm?.id == plan.referenceArm }) {
            SummaryText.wrap("No participant was randomised to the reference arm (\(plan.referenceArm)): no comparison can be estimated.")
        } else {
            nil
        }
        let noReference: [String]
        if nothingToCompare != nil {
            noReference = []
        } else if !computation.comparisons.contains(where: {
            $0.approach == .completeCase && $0.analysedArm > 0 && $0.analysedReference > 0
        }) {
            // The sensitivity analyses count participants without a follow-up, so they may still
            // compare arms: say which do, and where they are.
            // With nobody measured at any analysed visit, they impute everyone and compare nothing.
            let measured = computation.response.contains { $0.analysed > $0.imputed }
            let estimated = [(MissingDataApproach.baselineCarriedForward, "BOCF"), (.nonResponderImputation, "NRI")]
                .filter { approach, _ in
                    computation.comparisons.contains { $0.approach == approach && ($0.welch != nil || $0.riskDifference != nil) }
                }
                .map(\.1)
            let sensitivity = !measured
                ? " Nobody is measured at any analysed visit yet: the BOCF and NRI rows of comparisons.csv impute every "
                    + "participant, so they compare nothing."
                : estimated.isEmpty ? ""
                : " The \(estimated.joined(separator: " and ")) sensitivity comparisons, which count participants without "
                    + "a follow-up, are in comparisons.csv."
            noReference = SummaryText.wrap("No complete-case comparison can be estimated: at no analysed visit are participants "
                + "analysed both in another arm and in the reference arm (\(plan.referenceArm)).\(sensitivity)") + [""]
        } else {
            noReference = []
        }
        lines += SummaryText.section("Response per subprofile and arm", randomised.isEmpty ? noOne
                                     : ["Change = follow-up - baseline (negative is improvement). Profile-level rows, standardised",
                                        "response means and the BOCF and NRI sensitivity analyses are in response.csv.", ""]
                                     + SummaryText.response(computation.response, plan: plan))
        lines += SummaryText.section("Comparisons with the reference arm, per subprofile", nothingToCompare
                                     ?? noReference
                                     + SummaryText.wrap("Differences are arm - \(plan.referenceArm); for scores a negative difference favours the arm.")
                                     + ["p is the ANCOVA p. Hedges' g, risk ratios, NNT and sensitivity analyses are in comparisons.csv.",
                                        "Per-subprofile results are exploratory unless the interaction below supports them.", ""]
                                     + SummaryText.comparisons(computation.comparisons, plan: plan))
        lines += SummaryText.section("Arm x profile interaction (\(plan.interactionPrespecified ? "prespecified" : "exploratory"))",
                                     SummaryText.interaction(computation.interactions))
        lines += SummaryText.section("Evidence", SummaryText.evidence(computation.evidence))
        return lines
    }

    private var identity: [String] {
        let spec = computation.pipeline.spec
        let ruleSet = computation.pipeline.ruleSet
        let plan = computation.plan
        var lines: [String] = []
        if let description = spec.study.description { lines += SummaryText.wrap(description) }
        // Values start at column 18; a longer label (an outcome's name) stands on a line of its own.
        let column = 17
        func field(_ label: String, _ value: String) {
            if label.count < column {
                lines += SummaryText.labelled(label.padding(toLength: column, withPad: " ", startingAt: 0), value)
            } else {
                lines += (label.count <= SummaryText.lineLimit ? [label] : SummaryText.wrap(label))
                    + SummaryText.labelled(String(repeating: " ", count: column), value)
            }
        }
        field("Pipeline:", spec.displayFileName)
        field("Tool version:", "lbp \(ToolVersion.current)")
        field("Rule set:", "\(ruleSet.identity): \(ruleSet.title)")
        field("", ruleSet.status)
        field("Reference arm:", plan.referenceArm)
        field("Visits analysed:", plan.timepoints.isEmpty ? "none (the schedule has no follow-up visit)"
            : plan.timepoints.joined(separator: ", ") + " (change from baseline)")
        if let cutoff = plan.dataCutoff {
            field("Data cut-off:", "\(cutoff.iso): a follow-up visit not recorded whose window had not closed by then "
                + "is not due, and is in no analysis of that visit (flow.csv counts it as not_due)")
        }
        field("Confidence:", NumberFormat.level(plan.confidenceLevel) + " % intervals")
        field("EBRO variant:", computation.evidence.settings.variant.name)
        let threshold = spec.publication.smallCellThreshold
        // Zeros are shown; a threshold of 1 suppresses nothing (PublicationSmallCellSuppression).
        field("Small cells:", threshold > 1 ? "counts of 1 to \(threshold - 1) suppressed in publication tables"
            : "none suppressed in publication tables (threshold 1)")
        if !forestPlotsNotDrawn.isEmpty {
            field("Forest plots:", "none for " + forestPlotsNotDrawn.joined(separator: ", ")
                + ": every estimate suppressed or not estimable")
        }
        field("Responders:", "a baseline of 0 cannot improve and counts as non-response")
        for outcome in plan.outcomes {
            switch outcome.kind {
            case .continuous(let rule):
                field("  " + outcome.name, rule.description)
            case .success(let categories):
                field("  " + outcome.name, "\(outcome.field.name) in {\(categories.map(Value.format).joined(separator: ", "))}")
            }
        }
        return lines
    }

    /// One row per file; when the file names make it wider than a line, the rows are numbered
    /// and the names listed under the table.
    private var accounting: [String] {
        let accounts = computation.study.accounting
        func table(naming name: (Int, FileAccounting) -> String) -> TextTable {
            var table = TextTable(columns: [.init("file"), .init("read", .right), .init("accepted", .right),
                                            .init("rejected", .right), .init("warnings", .right), .init("blank", .right),
                                            .init("encoding")])
            for (index, account) in accounts.enumerated() {
                table.append([name(index, account), String(account.rowsRead), String(account.accepted), String(account.rejected),
                              String(account.warnings), String(account.blankLines), account.encoding])
            }
            return table
        }
        let named = table { $1.file }
        var lines = named.render()
        if named.naturalWidth > SummaryText.lineLimit {
            lines = table { index, _ in "[\(index + 1)]" }.render() + [""]
            for (index, account) in accounts.enumerated() {
                lines += SummaryText.wrap("[\(index + 1)] \(account.file)", indent: "    ")
            }
        }
        let read = accounts.reduce(0) { $0 + $1.rowsRead }
        let accepted = accounts.reduce(0) { $0 + $1.accepted }
        let rejected = accounts.reduce(0) { $0 + $1.rejected }
        let balanced = accounts.allSatisfy(\.isBalanced)
        return lines + ["", "Rows read \(read) = accepted \(accepted) + rejected \(rejected): \(balanced ? "balanced" : "NOT BALANCED")",
                        "Rejected rows are in rejected/, exactly as read, with their lines and reasons."]
    }

    private var validation: [String] {
        var table = TextTable(columns: [.init("severity"), .init("rule"), .init("n", .right)])
        for severity in Severity.allCases {
            let rules = computation.issueCounts[severity] ?? [:]
            for rule in rules.keys.sorted() {
                table.append([severity.rawValue, rule, String(rules[rule] ?? 0)])
            }
        }
        let study = computation.study
        let unlisted = study.unlistedCount == 0 ? ""
            : ", \(study.unlistedCount) of them counted in a note there (a reader's findings past the first "
                + "\(CSVReader.maxStoredDiagnosticsPerCode) of a kind)"
        let counts = "Errors \(study.errorCount) (budget \(computation.errorBudget)), warnings \(study.warningCount), "
            + "notes \(study.noteCount); every issue is in issues.csv\(unlisted)."
        return SummaryText.wrap(counts) + (computation.isOverBudget ? Self.overBudget(computation) : []) + [""] + table.render()
    }

    /// What a report of a run that failed its error budget says where it is read first.
    static func overBudget(_ computation: RunComputation) -> [String] {
        let count = computation.study.errorCount
        return SummaryText.wrap("THE RUN FAILED: \(count) \(Validation.plural(count, "error")) \(count == 1 ? "exceeds" : "exceed") the budget of "
            + "\(computation.errorBudget) (report.max_errors or --max-errors). These reports show what to fix; "
            + "they are not results to use.")
    }
}

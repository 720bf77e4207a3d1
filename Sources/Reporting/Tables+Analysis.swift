import Analysis
import CSVKit
import Profiling
import Statistics
import StudyModel

/// The tidy CSV tables of the profile assignment and the response analysis. Column lists are the
/// contract documented in the README; each builder is a pure function of its results.
public enum AnalysisTables {
    public static func profiles(_ assignments: [ProfileAssignment], participants: [String: (site: String, arm: String?)])
        -> CSVTable {
        var table = CSVTable(fileName: "profiles.csv", columns: [
            "participant_id", "site", "arm", "status", "profile", "subprofile", "urgent", "rule_set",
            "rules_fired", "missing_inputs", "unclassified_reason",
        ])
        for assignment in assignments {
            let context = participants[assignment.participantID]
            table.append([
                .text(assignment.participantID), Cell.text(context?.site), Cell.text(context?.arm ?? ""),
                .text(assignment.status.rawValue), Cell.text(assignment.profile), Cell.text(assignment.subprofile),
                .number(assignment.urgent ? "1" : assignment.urgencyUnknown ? "" : "0"), .text(assignment.ruleSet),
                Cell.text(assignment.fired.map(\.description).joined(separator: "; ")),
                Cell.text(missingInputs(assignment).map(\.name).joined(separator: "; ")),
                Cell.text(assignment.unclassifiedReason?.description),
            ])
        }
        return table
    }

    /// The fields whose absence left the profile or the urgent check undecided, in declaration
    /// order; a set is made only when both lists have fields.
    private static func missingInputs(_ assignment: ProfileAssignment) -> [Field] {
        guard !assignment.urgentMissingInputs.isEmpty else { return assignment.missingInputs }
        return Set(assignment.missingInputs + assignment.urgentMissingInputs).sorted()
    }

    public static func flow(_ rows: [FlowRow]) -> CSVTable {
        var table = CSVTable(fileName: "flow.csv", columns: ["stage", "arm", "profile", "timepoint", "reason", "n"])
        for row in rows {
            table.append([.text(row.stage), Cell.text(row.arm), Cell.text(row.profile), Cell.text(row.timepoint),
                          Cell.text(row.reason), Cell.count(row.count)])
        }
        return table
    }

    public static func baseline(_ rows: [BaselineRow]) -> CSVTable {
        var table = CSVTable(fileName: "baseline.csv", columns: [
            "column_kind", "column", "variable", "category", "summary", "available", "missing", "mean", "sd",
            "median", "q1", "q3", "n", "percent",
        ])
        for row in rows {
            table.append([
                .text(row.columnKind), .text(row.column), .text(row.variable), Cell.text(row.category),
                .text(row.summary.rawValue), Cell.count(row.available), Cell.count(row.missing),
                Cell.estimate(row.mean), Cell.estimate(row.standardDeviation), Cell.estimate(row.median),
                Cell.estimate(row.lowerQuartile), Cell.estimate(row.upperQuartile), Cell.count(row.count),
                Cell.number(row.percent, decimals: 2),
            ])
        }
        return table
    }

    public static func response(_ rows: [ResponseRow]) -> CSVTable {
        var table = CSVTable(fileName: "response.csv", columns: [
            "grouping", "group", "arm", "outcome", "timepoint", "approach", "randomised", "analysed", "missing",
            "baseline_mean", "baseline_sd", "followup_mean", "followup_sd", "change_mean", "change_sd",
            "change_ci_lower", "change_ci_upper", "srm", "responders", "responder_n", "responder_proportion",
            "responder_ci_lower", "responder_ci_upper", "imputed",
        ])
        for row in rows {
            let continuous = row.changeEstimate != nil || row.baseline.count > 0
            table.append([
                .text(row.group.grouping.rawValue), .text(row.group.group), .text(row.arm.id), .text(row.outcome),
                .text(row.timepoint), .text(row.approach.rawValue), Cell.count(row.randomised),
                Cell.count(row.analysed), Cell.count(row.missing),
                Cell.estimate(row.baseline.mean), Cell.estimate(row.baseline.standardDeviation),
                Cell.estimate(row.followUp.mean), Cell.estimate(row.followUp.standardDeviation),
                Cell.estimate(continuous ? row.change.mean : nil), Cell.estimate(continuous ? row.change.standardDeviation : nil),
                Cell.estimate(row.changeEstimate?.interval.lower), Cell.estimate(row.changeEstimate?.interval.upper),
                Cell.estimate(row.standardisedResponseMean),
                row.responderTotal > 0 ? Cell.count(row.responders) : .empty,
                row.approach.countsResponders ? Cell.count(row.responderTotal) : .empty,
                Cell.estimate(row.responderTotal > 0 ? Double(row.responders) / Double(row.responderTotal) : nil),
                Cell.estimate(row.responderInterval?.lower), Cell.estimate(row.responderInterval?.upper),
                Cell.count(row.imputed),
            ])
        }
        return table
    }

    public static func comparisons(_ rows: [ComparisonRow]) -> CSVTable {
        var table = CSVTable(fileName: "comparisons.csv", columns: [
            "grouping", "group", "outcome", "timepoint", "approach", "arm", "reference", "n_arm", "n_reference",
            "welch_difference", "welch_ci_lower", "welch_ci_upper", "welch_p",
            "ancova_difference", "ancova_ci_lower", "ancova_ci_upper", "ancova_p",
            "hedges_g", "hedges_ci_lower", "hedges_ci_upper",
            "risk_difference", "rd_ci_lower", "rd_ci_upper", "risk_ratio", "rr_ci_lower", "rr_ci_upper", "nnt",
        ])
        for row in rows {
            table.append([
                .text(row.group.grouping.rawValue), .text(row.group.group), .text(row.outcome), .text(row.timepoint),
                .text(row.approach.rawValue), .text(row.arm.id), .text(row.reference.id),
                Cell.count(row.analysedArm), Cell.count(row.analysedReference),
                Cell.estimate(row.welch?.difference), Cell.estimate(row.welch?.interval.lower),
                Cell.estimate(row.welch?.interval.upper), Cell.pValue(row.welch?.pValue),
                Cell.estimate(row.ancova?.estimate), Cell.estimate(row.ancova?.interval.lower),
                Cell.estimate(row.ancova?.interval.upper), Cell.pValue(row.ancova?.pValue),
                Cell.estimate(row.hedges?.g), Cell.estimate(row.hedges?.interval.lower),
                Cell.estimate(row.hedges?.interval.upper),
                Cell.estimate(row.riskDifference?.difference), Cell.estimate(row.riskDifference?.interval.lower),
                Cell.estimate(row.riskDifference?.interval.upper),
                Cell.estimate(row.riskRatio?.ratio), Cell.estimate(row.riskRatio?.interval.lower),
                Cell.estimate(row.riskRatio?.interval.upper),
                Cell.text(row.numberNeededToTreat?.formatted(decimals: 1)),
            ])
        }
        return table
    }

    /// One row per test: the F-test of arm × group, then Cochran's Q per non-reference arm.
    public static func interaction(_ rows: [InteractionRow]) -> CSVTable {
        var table = CSVTable(fileName: "interaction.csv", columns: [
            "grouping", "outcome", "timepoint", "test", "arm", "groups", "observations", "statistic", "df1", "df2",
            "p", "i2_percent", "label",
        ])
        for row in rows {
            let groups = row.groups.joined(separator: "; ")
            table.append([
                .text(row.grouping.rawValue), .text(row.outcome), .text(row.timepoint), .text("F arm x group"),
                .empty, .text(groups), Cell.count(row.observations), Cell.estimate(row.fTest?.f),
                Cell.count(row.fTest?.numeratorDegreesOfFreedom), Cell.count(row.fTest?.denominatorDegreesOfFreedom),
                Cell.pValue(row.fTest?.pValue), .empty, .text(row.label),
            ])
            // Q needs two estimated groups; with fewer it is not a test.
            for arm in row.heterogeneity where (arm.heterogeneity?.degreesOfFreedom ?? 0) > 0 {
                table.append([
                    .text(row.grouping.rawValue), .text(row.outcome), .text(row.timepoint), .text("Cochran Q"),
                    .text(arm.arm.id), .text(arm.groups.joined(separator: "; ")), .empty,
                    Cell.estimate(arm.heterogeneity?.q), Cell.count(arm.heterogeneity?.degreesOfFreedom), .empty,
                    Cell.pValue(arm.heterogeneity?.pValue), Cell.estimate(arm.heterogeneity?.iSquared.map { $0 * 100 }),
                    .text(row.label),
                ])
            }
        }
        return table
    }
}

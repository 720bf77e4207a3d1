import Analysis
import Statistics
import StudyModel

/// One forest plot, ready to be written: `forest-<outcome>-<timepoint>.svg`.
public struct ForestPlotFigure: Hashable, Sendable {
    public var fileName: String
    public var svg: String
}

/// Forest plots of the per-profile arm differences as standalone SVG 1.1.
///
/// One figure per continuous outcome × timepoint, one panel per non-reference arm. A row per
/// group at the chosen level (subprofile by default, where the trial's interaction is expected):
/// the Welch difference in mean change, arm − reference, complete case, as a square whose area
/// is proportional to the number analysed (at least 2 px wide), and its confidence interval as a
/// line; the overall effect
/// (all randomised) as a diamond spanning its interval. Every panel shares one axis, with ticks,
/// a dashed zero line and which side favours which arm (lower scores are better, so a negative
/// difference favours the arm). At the right of each row n per arm and `estimate [lower, upper]`.
/// Each panel heading gives Cochran's Q and I² of that arm's group differences; the caption gives
/// the arm × group interaction F-test.
///
/// Output is deterministic: fixed decimals for every coordinate and number, no identifiers, no
/// dates. Counts follow the same small-cell suppression as the publication tables
/// (``PublicationTables``): a row whose n is suppressed in either arm shows the marker and no
/// estimate, its panel's Cochran's Q is withheld, and so is the interaction's denominator df.
public enum ForestPlot {
    /// `forest-<outcome>-<timepoint>.svg`, with characters outside `A-Z a-z 0-9 . _ -` replaced
    /// by `-` so user-configured names cannot leave the output folder.
    public static func fileName(outcome: String, timepoint: String) -> String {
        "forest-" + safe(outcome) + "-" + safe(timepoint) + ".svg"
    }

    /// Every figure: each continuous outcome at each timepoint with at least one estimate.
    public static func figures(_ results: PublicationResults, grouping: Grouping = .subprofile,
                               suppression: SmallCellSuppression = SmallCellSuppression()) -> [ForestPlotFigure] {
        var figures: [ForestPlotFigure] = []
        for outcome in results.plan.outcomes {
            for timepoint in results.plan.timepoints {
                guard let svg = svg(results, outcome: outcome, timepoint: timepoint, grouping: grouping,
                                    suppression: suppression) else { continue }
                figures.append(ForestPlotFigure(fileName: fileName(outcome: outcome.name, timepoint: timepoint), svg: svg))
            }
        }
        return figures
    }

    /// The outcomes and timepoints (as `outcome timepoint`, in plan order) that would have a
    /// figure but are not among `figures`: every estimate of theirs suppressed or not estimable.
    public static func notDrawn(_ figures: [ForestPlotFigure], plan: AnalysisPlan) -> [String] {
        let drawn = Set(figures.map(\.fileName))
        return plan.outcomes.filter(\.isContinuous).flatMap { outcome in
            plan.timepoints.filter { !drawn.contains(fileName(outcome: outcome.name, timepoint: $0)) }
                .map { "\(outcome.name) \($0)" }
        }
    }

    /// The SVG text of one figure; nil for a success outcome (no difference in mean change), for
    /// `grouping == .all`, and when no complete-case comparison has an estimate to plot.
    public static func svg(_ results: PublicationResults, outcome: OutcomePlan, timepoint: String,
                           grouping: Grouping = .subprofile,
                           suppression: SmallCellSuppression = SmallCellSuppression()) -> String? {
        guard outcome.isContinuous, grouping != .all else { return nil }
        let approach = MissingDataApproach.completeCase
        let comparisons = results.comparisons.filter {
            $0.outcome == outcome.name && $0.timepoint == timepoint && $0.approach == approach
                && ($0.group.grouping == grouping || $0.group.grouping == .all)
        }
        guard !comparisons.isEmpty else { return nil }
        let responseRows = results.response.filter {
            $0.outcome == outcome.name && $0.timepoint == timepoint && $0.approach == approach
        }
        // The tables' grid, so the same counts are hidden everywhere.
        let disclosure = ResponseDisclosure(responseRows, suppression: suppression)
        let reference = results.arms.first { $0.id == results.plan.referenceArm }
            ?? Arm(id: results.plan.referenceArm, label: results.plan.referenceArm, order: Int.max)
        let panels: [Panel] = results.arms.filter { $0 != reference }.compactMap { arm in
            let rows = comparisons.filter { $0.arm == arm }
            guard !rows.isEmpty else { return nil }
            let groups = rows.filter { $0.group.grouping == grouping }.map { row in
                PlotRow(row, disclosure: disclosure, label: row.group.group)
            }
            let overall = rows.first { $0.group.grouping == .all }.map { PlotRow($0, disclosure: disclosure, label: "All") }
            let heterogeneity = results.interactions.first {
                $0.grouping == grouping && $0.outcome == outcome.name && $0.timepoint == timepoint
            }?.heterogeneity.first { $0.arm == arm }
            return Panel(arm: arm, rows: groups, overall: overall, heterogeneity: heterogeneity)
        }
        guard panels.contains(where: { panel in (panel.rows + [panel.overall].compactMap { $0 }).contains { $0.estimate != nil } })
        else { return nil }
        let interaction = results.interactions.first {
            $0.grouping == grouping && $0.outcome == outcome.name && $0.timepoint == timepoint
        }
        let figure = Figure(outcome: outcome, timepoint: timepoint, grouping: grouping, reference: reference,
                            level: results.plan.confidenceLevel, panels: panels, interaction: interaction,
                            suppression: suppression, profileNote: results.profileNote)
        return figure.render()
    }

    private static func safe(_ name: String) -> String {
        String(name.map { character -> Character in
            character.isASCII && (character.isLetter || character.isNumber || "._-".contains(character)) ? character : "-"
        })
    }
}

/// One row of a panel: counts as printed, and the estimate when it may be shown.
struct PlotRow {
    var label: String
    var armCount: String
    var referenceCount: String
    /// Participants analysed in both arms (sets the square's size).
    var analysed: Int
    var estimate: Double?
    var interval: ConfidenceInterval?
    /// Why there is no estimate: suppressed counts or not estimable.
    var isSuppressed: Bool

    init(_ row: ComparisonRow, disclosure: ResponseDisclosure, label: String) {
        self.label = label
        let armState = disclosure.analysed(row.group, row.arm.id, count: row.analysedArm)
        let referenceState = disclosure.analysed(row.group, row.reference.id, count: row.analysedReference)
        armCount = disclosure.text(row.analysedArm, armState)
        referenceCount = disclosure.text(row.analysedReference, referenceState)
        analysed = row.analysedArm + row.analysedReference
        isSuppressed = armState.isSuppressed || referenceState.isSuppressed
        if !isSuppressed, let welch = row.welch, welch.difference.isFinite,
           welch.interval.lower.isFinite, welch.interval.upper.isFinite {
            estimate = welch.difference
            interval = welch.interval
        }
    }
}

struct Panel {
    var arm: Arm
    var rows: [PlotRow]
    var overall: PlotRow?
    var heterogeneity: ArmHeterogeneity?
}

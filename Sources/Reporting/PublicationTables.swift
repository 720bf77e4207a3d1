import Analysis
import Profiling
import Statistics
import StudyModel

/// The results the publication outputs are built from: what ``ResponseAnalysis`` returns for
/// one run, with the plan and arms it ran with.
public struct PublicationResults: Sendable {
    public var plan: AnalysisPlan
    /// Arms in report order; the reference arm is `plan.referenceArm`.
    public var arms: [Arm]
    public var baseline: [BaselineRow]
    public var response: [ResponseRow]
    public var comparisons: [ComparisonRow]
    public var interactions: [InteractionRow]
    /// What the group codes of the rows mean (``PublicationTables/profileNote(_:)``), as a note
    /// under every table and forest plot; nil for none.
    public var profileNote: String?

    public init(plan: AnalysisPlan, arms: [Arm], baseline: [BaselineRow], response: [ResponseRow],
                comparisons: [ComparisonRow], interactions: [InteractionRow]) {
        self.plan = plan
        self.arms = arms.sorted()
        self.baseline = baseline
        self.response = response
        self.comparisons = comparisons
        self.interactions = interactions
    }

    /// The reference arm's label, or its id when the arm is not among `arms`.
    var referenceLabel: String {
        arms.first { $0.id == plan.referenceArm }?.label ?? plan.referenceArm
    }

    func label(_ armID: String) -> String {
        arms.first { $0.id == armID }?.label ?? armID
    }
}

/// Tables for papers, in Markdown and LaTeX (see ``PublicationTable``), with small-cell
/// suppression (see ``SmallCellSuppression``).
///
/// Numbers: means, SDs, medians and quartiles with 1 decimal; differences in mean change and
/// their intervals with 2; Hedges' g with 2; percentages and risk differences (percentage points)
/// with 1; NNT with 1; p-values with 3 (`<0.001` below). Intervals print as `estimate [lower,
/// upper]`, except the NNT's, which prints as Altman (1998) writes it: `NNTB 9.3 (NNTB 4.8 to
/// 265.1)`, or `NNTB 31.9 (NNTB 7.5 to ∞ to NNTH 13.9)` when the risk difference's interval
/// includes 0. Not estimable: `NA`.
///
/// Suppression in the tables (beyond the counts themselves):
/// - a suppressed count prints without its percentage;
/// - a group × arm whose number analysed is suppressed prints no statistics at all (interval
///   widths, percentages and Hedges' g's interval would give the number back);
/// - a suppressed responder count hides its percentage, and the risk difference and NNT of the
///   comparisons it enters;
/// - a comparison prints no statistics when either arm's number analysed is suppressed, and no
///   ANCOVA estimate when any arm of the group has a suppressed number (the model is fitted on all
///   of them and its degrees of freedom reveal their total);
/// - a baseline column whose characteristic has fewer than `threshold` values prints no mean,
///   SD, median or quartiles for it, and categories print percentages only while the number of
///   values they are a percentage of is shown.
public enum PublicationTables {
    /// Every table: the baseline table, then per outcome and timepoint the response table and
    /// the comparisons table, for `approach` (complete case by default).
    public static func all(_ results: PublicationResults, approach: MissingDataApproach = .completeCase,
                           groupings: [Grouping] = Grouping.allCases,
                           suppression: SmallCellSuppression = SmallCellSuppression()) -> [PublicationTable] {
        var tables = [baseline(results, suppression: suppression)]
        for outcome in results.plan.outcomes {
            for timepoint in results.plan.timepoints {
                if let table = response(results, outcome: outcome, timepoint: timepoint, approach: approach,
                                        groupings: groupings, suppression: suppression) {
                    tables.append(table)
                }
                if let table = comparisons(results, outcome: outcome, timepoint: timepoint, approach: approach,
                                           groupings: groupings, suppression: suppression) {
                    tables.append(table)
                }
            }
        }
        if let note = results.profileNote {
            for index in tables.indices { tables[index].notes.append(note) }
        }
        return tables
    }

    /// A note that says what a table's group codes mean, so that a table pasted into a paper
    /// names the scheme its groups come from: the rule set, each profile's code and label (a
    /// subdivision's with its rule), each suffix with its rule, and where every threshold is.
    public static func profileNote(_ ruleSet: RuleSet) -> String {
        var parts: [String] = []
        for profile in ruleSet.profiles {
            if profile.split.isEmpty {
                parts.append("\(profile.code) \(profile.label)")
            } else {
                parts += profile.split.map { "\($0.code) \($0.label) (\($0.rule))" }
            }
            parts += profile.suffixes.map { "\($0.suffix) \($0.rule)" }
        }
        return "Profiles by the rule set \(ruleSet.identity): " + parts.joined(separator: "; ")
            + ". summary.txt lists every rule with its thresholds."
    }

    // MARK: - Response

    /// Group × arm: n analysed, baseline mean (SD), mean change [95% CI], responders n/N (%);
    /// for a success outcome n and successes n/N (%). Under BOCF only the change columns, under
    /// NRI only the responder column. nil when there are no rows.
    public static func response(_ results: PublicationResults, outcome: OutcomePlan, timepoint: String,
                                approach: MissingDataApproach = .completeCase, groupings: [Grouping] = Grouping.allCases,
                                suppression: SmallCellSuppression = SmallCellSuppression()) -> PublicationTable? {
        let selected = results.response.filter {
            $0.outcome == outcome.name && $0.timepoint == timepoint && $0.approach == approach
        }
        guard !selected.isEmpty else { return nil }
        let shown = shownGroups(selected.map(\.group), groupings: groupings)
        let disclosure = ResponseDisclosure(selected, suppression: suppression)
        let level = NumberFormat.level(results.plan.confidenceLevel)
        let shows = Shows(outcome, approach)
        var columns: [PublicationTable.Column] = [.init("Group", .left), .init("Arm", .left), .init("n")]
        if shows.change { columns += [.init("Baseline, mean (SD)"), .init("Change, mean [\(level)% CI]")] }
        if shows.responders { columns.append(.init(outcome.isContinuous ? "Responders, n/N (%)" : "Success, n/N (%)")) }
        var table = PublicationTable(
            caption: "\(outcome.label) at \(timepoint): response by group and arm (\(PublicationText.approach(approach)))",
            identifier: "response-\(outcome.name)-\(timepoint)-\(approach.rawValue)", columns: columns,
            notes: responseNotes(results, outcome: outcome, approach: approach, suppression: suppression))
        var previous: GroupKey?
        for key in orderedGroups(selected.map(\.group)) where shown.contains(key) {
            if previous?.grouping != key.grouping { table.startSection() }
            previous = key
            for (index, row) in selected.filter({ $0.group == key }).enumerated() {
                let entry = disclosure.entry(key, row.arm.id)
                let analysed = entry?.analysed ?? .shown
                var cells = [index == 0 ? PublicationText.group(key) : "", row.arm.label,
                             disclosure.text(row.analysed, analysed)]
                let hidden = analysed.isSuppressed
                if shows.change {
                    cells.append(hidden ? PublicationText.withheld : meanSD(row.baseline))
                    cells.append(hidden ? PublicationText.withheld : meanChange(row))
                }
                if shows.responders { cells.append(hidden ? PublicationText.withheld : responders(row, entry, disclosure)) }
                table.append(cells)
            }
        }
        return table
    }

    private static func responseNotes(_ results: PublicationResults, outcome: OutcomePlan, approach: MissingDataApproach,
                                      suppression: SmallCellSuppression) -> [String] {
        var notes: [String] = []
        let shows = Shows(outcome, approach)
        switch outcome.kind {
        case .continuous(let rule):
            notes.append("n: participants analysed (\(PublicationText.approach(approach)))."
                + (shows.change ? " Change is follow-up minus baseline; negative values are improvement." : ""))
            if shows.responders { notes.append("Responder: \(rule.description).") }
        case .success(let categories):
            notes.append("n: participants analysed (\(PublicationText.approach(approach))). Success: rating "
                + categories.map { Value.format($0) }.joined(separator: " or ") + ".")
        }
        notes.append("Reference arm for comparisons: \(results.referenceLabel).")
        if let note = PublicationText.suppressionNote(suppression) { notes.append(note) }
        return notes
    }

    static func meanSD(_ moments: Moments) -> String {
        guard let mean = moments.mean else { return "NA" }
        return NumberFormat.fixed(mean, decimals: 1) + " (" + NumberFormat.fixed(moments.standardDeviation, decimals: 1) + ")"
    }

    private static func meanChange(_ row: ResponseRow) -> String {
        guard let estimate = row.changeEstimate else { return NumberFormat.fixed(row.change.mean, decimals: 2) }
        return withInterval(estimate.mean, estimate.interval, decimals: 2)
    }

    private static func responders(_ row: ResponseRow, _ entry: ResponseDisclosure.Entry?,
                                   _ disclosure: ResponseDisclosure) -> String {
        guard row.responderTotal > 0 else { return "NA" }
        let total = entry?.responderTotal ?? .shown
        guard total == .shown else { return PublicationText.withheld }
        let state = entry?.responders ?? .shown
        let counts = disclosure.text(row.responders, state) + "/" + String(row.responderTotal)
        guard state == .shown else { return counts }
        return counts + " (" + NumberFormat.fixed(Double(row.responders) / Double(row.responderTotal) * 100, decimals: 1) + ")"
    }

    // MARK: - Comparisons

    /// Per group, each arm against the reference arm: n (arm/reference), difference in mean
    /// change (Welch) [CI], ANCOVA-adjusted difference [CI] and p, Hedges' g, risk difference
    /// in percentage points [CI] and NNT; for a success outcome n, risk difference and NNT.
    public static func comparisons(_ results: PublicationResults, outcome: OutcomePlan, timepoint: String,
                                   approach: MissingDataApproach = .completeCase, groupings: [Grouping] = Grouping.allCases,
                                   suppression: SmallCellSuppression = SmallCellSuppression()) -> PublicationTable? {
        let selected = results.comparisons.filter {
            $0.outcome == outcome.name && $0.timepoint == timepoint && $0.approach == approach
        }
        guard !selected.isEmpty else { return nil }
        let responseRows = results.response.filter {
            $0.outcome == outcome.name && $0.timepoint == timepoint && $0.approach == approach
        }
        let shown = shownGroups(selected.map(\.group) + responseRows.map(\.group), groupings: groupings)
        let disclosure = ResponseDisclosure(responseRows, suppression: suppression)
        let level = NumberFormat.level(results.plan.confidenceLevel)
        let shows = Shows(outcome, approach)
        var columns: [PublicationTable.Column] = [.init("Group", .left), .init("Arm", .left), .init("n arm/reference")]
        if shows.change {
            columns += [.init("Difference in mean change [\(level)% CI]"), .init("ANCOVA-adjusted [\(level)% CI]"),
                        .init("p (ANCOVA)"), .init("Hedges' g")]
        }
        if shows.responders {
            columns += [.init("Risk difference, % points [\(level)% CI]"), .init("NNT (\(level)% CI)")]
        }
        let reference = results.referenceLabel
        var notes = ["Each arm against \(reference) (reference arm); differences are arm minus reference "
            + "(\(PublicationText.approach(approach))). n: participants analysed."]
        switch outcome.kind {
        case .continuous(let rule):
            if shows.change {
                notes.append("Negative differences in change favour the arm. Difference in mean change: Welch; ANCOVA: "
                    + "follow-up adjusted for baseline. Hedges' g on change scores.")
            }
            if shows.responders {
                notes.append("Risk difference of responders (\(rule.description)), Newcombe hybrid score interval; "
                    + "positive values favour the arm. NNTB: number needed to treat for one more to benefit; NNTH: to harm; "
                    + "an interval through ∞ spans both (Altman 1998).")
            }
        case .success(let categories):
            notes.append("Risk difference of success (rating " + categories.map { Value.format($0) }.joined(separator: " or ")
                + "), Newcombe hybrid score interval; positive values favour the arm. NNTB: number needed to treat "
                + "for one more to benefit; NNTH: to harm; an interval through ∞ spans both (Altman 1998).")
        }
        if let note = PublicationText.suppressionNote(suppression) { notes.append(note) }
        var table = PublicationTable(
            caption: "\(outcome.label) at \(timepoint): arms against \(reference) (\(PublicationText.approach(approach)))",
            identifier: "comparisons-\(outcome.name)-\(timepoint)-\(approach.rawValue)", columns: columns, notes: notes)
        var previous: GroupKey?
        for key in orderedGroups(selected.map(\.group)) where shown.contains(key) {
            if previous?.grouping != key.grouping { table.startSection() }
            previous = key
            let inGroup = selected.filter { $0.group == key }
            // The ANCOVA is fitted on every arm of the group: any hidden count there hides it.
            let anyHidden = results.arms.contains { arm in
                responseRows.contains { $0.group == key && $0.arm == arm }
                    && disclosure.entry(key, arm.id)?.analysed.isSuppressed == true
            }
            for (index, row) in inGroup.enumerated() {
                let armState = disclosure.analysed(key, row.arm.id, count: row.analysedArm)
                let referenceState = disclosure.analysed(key, row.reference.id, count: row.analysedReference)
                // A side shown with no one analysed leaves no contrast to estimate, so none to
                // withhold: every statistic is NA, whatever the other side's count.
                let noContrast = (row.analysedArm == 0 && !armState.isSuppressed)
                    || (row.analysedReference == 0 && !referenceState.isSuppressed)
                let hidden = !noContrast && (armState.isSuppressed || referenceState.isSuppressed)
                var cells = [index == 0 ? PublicationText.group(key) : "", row.arm.label,
                             disclosure.text(row.analysedArm, armState) + "/" + disclosure.text(row.analysedReference, referenceState)]
                let withheld = PublicationText.withheld
                if shows.change {
                    let ancovaHidden = hidden || (anyHidden && !noContrast)
                    cells.append(hidden ? withheld : withInterval(row.welch?.difference, row.welch?.interval, decimals: 2))
                    cells.append(ancovaHidden ? withheld : withInterval(row.ancova?.estimate, row.ancova?.interval, decimals: 2))
                    cells.append(ancovaHidden ? withheld : NumberFormat.pValue(row.ancova?.pValue))
                    cells.append(hidden ? withheld : NumberFormat.fixed(row.hedges?.g, decimals: 2))
                }
                // A responder count is hidden when suppressed, or unpublished because the total it is
                // printed with is withheld.
                let respondersHidden = [(row.arm.id, row.analysedArm), (row.reference.id, row.analysedReference)].contains { arm, total in
                    let state = disclosure.entry(key, arm)?.responders ?? .shown
                    return state.isSuppressed || (state == .unpublished && total > 0)
                }
                let riskHidden = hidden || (respondersHidden && !noContrast)
                if shows.responders {
                    cells.append(riskHidden ? withheld : riskDifference(row.riskDifference))
                    cells.append(riskHidden ? withheld : row.numberNeededToTreat?.formatted(decimals: 1) ?? "NA")
                }
                table.append(cells)
            }
        }
        return table
    }

    /// Which statistics an approach has: change scores for continuous outcomes except under NRI
    /// (which imputes responder status only), responders except under BOCF (which carries
    /// baseline values forward for the change scores only).
    struct Shows {
        var change: Bool
        var responders: Bool

        init(_ outcome: OutcomePlan, _ approach: MissingDataApproach) {
            change = outcome.isContinuous && approach != .nonResponderImputation
            responders = approach != .baselineCarriedForward
        }
    }

    private static func riskDifference(_ difference: ProportionDifference?) -> String {
        guard let difference else { return "NA" }
        let interval = ConfidenceInterval(lower: difference.interval.lower * 100, upper: difference.interval.upper * 100,
                                          level: difference.interval.level)
        return withInterval(difference.difference * 100, interval, decimals: 1)
    }

    static func withInterval(_ estimate: Double?, _ interval: ConfidenceInterval?, decimals: Int) -> String {
        guard let estimate, estimate.isFinite else { return "NA" }
        let value = NumberFormat.fixed(estimate, decimals: decimals)
        guard let interval else { return value }
        return value + " [" + NumberFormat.fixed(interval.lower, decimals: decimals) + ", "
            + NumberFormat.fixed(interval.upper, decimals: decimals) + "]"
    }

    // MARK: - Groups

    /// Groups in first-seen order (the analysis returns them in report order), by grouping level.
    static func orderedGroups(_ keys: [GroupKey]) -> [GroupKey] {
        var seen = Set<GroupKey>()
        let unique = keys.filter { seen.insert($0).inserted }
        return Grouping.allCases.flatMap { grouping in unique.filter { $0.grouping == grouping } }
    }

    /// The groups a table prints: those at the requested levels, except a subprofile that is
    /// its profile unsplit (`2` under profile `2`) when the profile level is printed too.
    static func shownGroups(_ keys: [GroupKey], groupings: [Grouping]) -> Set<GroupKey> {
        let profiles = Set(keys.filter { $0.grouping == .profile }.map(\.group))
        let showsProfiles = groupings.contains(.profile)
        return Set(keys.filter { key in
            guard groupings.contains(key.grouping) else { return false }
            if key.grouping == .subprofile, showsProfiles, profiles.contains(key.group) {
                let siblings = keys.filter {
                    $0.grouping == .subprofile && ResponseDisclosure.parent(of: $0.group, among: profiles) == key.group
                }
                return Set(siblings).count > 1
            }
            return true
        })
    }
}

import Statistics
import StudyModel

/// One row of `comparisons.csv`: an arm against the reference arm within one group, for one
/// outcome, timepoint and missing-data approach.
///
/// Signs: differences are `arm − reference`. For scores where lower is better a negative
/// difference in mean change (and a negative Hedges' g) favours the arm; for responders a positive
/// risk difference favours the arm.
public struct ComparisonRow: Hashable, Sendable {
    public var group: GroupKey
    public var outcome: String
    public var timepoint: String
    public var approach: MissingDataApproach
    public var arm: Arm
    public var reference: Arm
    /// Participants analysed in the arm and in the reference arm.
    public var analysedArm: Int
    public var analysedReference: Int
    /// Welch difference in mean change; nil below two per arm or with no variance.
    public var welch: TwoSampleTTest?
    /// ANCOVA difference in follow-up adjusted for baseline (follow-up ~ arm + baseline, fitted on
    /// every arm of the group); nil when the model cannot estimate it.
    public var ancova: LinearModel.Coefficient?
    /// Hedges' g on change scores.
    public var hedges: HedgesG?
    /// Responders: arm − reference, Newcombe hybrid score interval.
    public var riskDifference: ProportionDifference?
    public var riskRatio: RiskRatio?
    public var numberNeededToTreat: NumberNeededToTreat?
}

extension ResponseAnalysis {
    /// Every arm against the reference arm within each group; continuous outcomes under complete
    /// case and BOCF (change-score statistics) and NRI (responder statistics), success outcomes
    /// under complete case and NRI.
    public func comparisons(_ subjects: [AnalysisSubject]) -> [ComparisonRow] {
        comparisons(prepare(subjects))
    }

    /// As ``comparisons(_:)-([AnalysisSubject])``, over subjects prepared once for the run.
    public func comparisons(_ prepared: PreparedSubjects) -> [ComparisonRow] {
        units(prepared).flatMap { comparisons($0, cells($0, prepared)) }
    }

    /// The comparisons of one unit from its cells (`cells[arm][k]` under the outcome's `k`-th
    /// approach): approach by approach, every arm but the reference in order; none when the
    /// reference arm is not among the arms.
    func comparisons(_ unit: ResponseUnit, _ cells: [[CellData]]) -> [ComparisonRow] {
        guard let referencePosition = arms.firstIndex(where: { $0.id == plan.referenceArm }) else { return [] }
        let reference = arms[referencePosition]
        var rows: [ComparisonRow] = []
        for (index, approach) in approaches(for: unit.outcome).enumerated() {
            // The approach's cell of each arm, by the arm's position.
            let approachCells = cells.map { $0[index] }
            let model = approach == .nonResponderImputation || !unit.outcome.isContinuous
                ? nil : ancovaModel(approachCells, referencePosition: referencePosition)
            for (position, arm) in arms.enumerated() where position != referencePosition {
                rows.append(compare(unit.key, unit.outcome, unit.timepoint, approach, arm, reference,
                                    approachCells[position], approachCells[referencePosition], model))
            }
        }
        return rows
    }

    private func compare(_ key: GroupKey, _ outcome: OutcomePlan, _ timepoint: String,
                         _ approach: MissingDataApproach, _ arm: Arm, _ reference: Arm,
                         _ mine: CellData, _ theirs: CellData, _ model: LinearModel?) -> ComparisonRow {
        let level = plan.confidenceLevel
        let usesChange = outcome.isContinuous && approach != .nonResponderImputation
        let usesResponders = approach != .baselineCarriedForward
        var row = ComparisonRow(
            group: key, outcome: outcome.name, timepoint: timepoint, approach: approach, arm: arm, reference: reference,
            analysedArm: usesChange ? mine.baseline.count : mine.responders.count,
            analysedReference: usesChange ? theirs.baseline.count : theirs.responders.count)
        // Change-score comparisons need two participants in each arm; below that the reference
        // column of the ANCOVA is aliased and its coefficient would compare other arms.
        if usesChange, mine.baseline.count >= 2, theirs.baseline.count >= 2 {
            let changeArm = Moments(mine.changes)
            let changeReference = Moments(theirs.changes)
            row.welch = TwoSampleTTest.welch(changeArm, changeReference, level: level)
            row.hedges = HedgesG(changeArm, changeReference, level: level)
            row.ancova = model?.coefficient(named: "arm[\(arm.id)]", level: level)
        }
        if usesResponders,
           let first = Proportion(successes: mine.responders.filter { $0 }.count, trials: mine.responders.count),
           let second = Proportion(successes: theirs.responders.filter { $0 }.count, trials: theirs.responders.count) {
            let difference = ProportionDifference(first, second, level: level)
            row.riskDifference = difference
            row.riskRatio = RiskRatio(first, second, level: level)
            row.numberNeededToTreat = difference.flatMap { NumberNeededToTreat($0, higherIsBenefit: true) }
        }
        return row
    }

    /// follow-up ~ arm + baseline over every arm of the group, the reference arm as the factor's
    /// reference level (Vickers and Altman 2001). Arms with no data get aliased columns; nil when
    /// the baseline column is aliased (no adjustment is possible).
    /// `cells[position]` is the cell of the arm at `position` of ``arms``.
    private func ancovaModel(_ cells: [CellData], referencePosition: Int) -> LinearModel? {
        // The reference arm's level first, then the others in their order; each row's arm coded
        // as the position of its level.
        let order = [referencePosition] + arms.indices.filter { $0 != referencePosition }
        let levels = order.map { arms[$0].id }
        var codes: [Int] = []
        var baseline: [Double] = []
        var followUp: [Double] = []
        for (position, cell) in cells.enumerated() {
            guard let code = order.firstIndex(of: position) else { continue }
            codes += repeatElement(code, count: cell.baseline.count)
            baseline += cell.baseline
            followUp += cell.followUp
        }
        var builder = DesignBuilder(rowCount: followUp.count)
        do {
            try builder.addFactor("arm", codes: codes, levels: levels)
            try builder.addNumeric("baseline", baseline)
            let design = try builder.build([.main("arm"), .main("baseline")])
            // A baseline that the arms determine (the same within each arm, say) is aliased and
            // dropped: the arm coefficients would be the unadjusted difference in follow-up, not
            // an adjusted one. There is no ANCOVA then.
            guard let model = LinearModel(design: design, response: followUp),
                  !model.aliasedColumnNames.contains("baseline")
            else { return nil }
            return model
        } catch {
            return nil
        }
    }
}

import Statistics
import StudyModel

/// How missing follow-up is handled.
public enum MissingDataApproach: String, Hashable, Sendable, CaseIterable, Comparable {
    /// Participants with both baseline and follow-up (the primary analysis).
    case completeCase = "complete_case"
    /// Baseline observation carried forward: a missing follow-up counts as no change
    /// (sensitivity analysis for change scores; needs a baseline value).
    case baselineCarriedForward = "bocf"
    /// Non-responder imputation: every randomised participant without the data to show a
    /// response counts as a non-responder (sensitivity analysis for responder outcomes).
    case nonResponderImputation = "nri"

    /// Whether the approach counts responders: not baseline carried forward, which is for change
    /// scores only.
    public var countsResponders: Bool { self != .baselineCarriedForward }

    public static func < (lhs: MissingDataApproach, rhs: MissingDataApproach) -> Bool {
        (allCases.firstIndex(of: lhs) ?? 0) < (allCases.firstIndex(of: rhs) ?? 0)
    }
}

/// The per-cell data the statistics are computed from, kept so comparisons reuse them.
public struct CellData: Hashable, Sendable {
    /// Randomised participants in the cell.
    public var randomised: Int
    /// Baseline values of the analysed participants.
    public var baseline: [Double]
    /// Follow-up values of the analysed participants.
    public var followUp: [Double]
    /// Responder status of the participants counted for responders.
    public var responders: [Bool]
    /// Participants counted with an imputed value (``ResponseContribution/isImputed``).
    public var imputed = 0

    /// The change scores, follow-up − baseline, each by ``changeScore(followUp:baseline:)``.
    public var changes: [Double] { zip(followUp, baseline).map { changeScore(followUp: $0, baseline: $1) } }
}

extension CellData {
    /// Appends what one participant contributes.
    mutating func add(_ contribution: ResponseContribution) {
        if let value = contribution.baseline { baseline.append(value) }
        if let value = contribution.followUp { followUp.append(value) }
        if let value = contribution.responder { responders.append(value) }
        if contribution.isImputed { imputed += 1 }
    }
}

/// What one randomised participant adds to the response cell of an outcome and timepoint under
/// one missing-data approach: the single definition of who is analysed and who responded, which
/// the response table, the comparisons and a participant's trail all use.
///
/// A cell keeps every value an approach gives it; what each approach reports of them is
/// ``ResponseAnalysis``'s: complete case the change and the responders, baseline carried forward
/// the change only, non-responder imputation the responders only.
public struct ResponseContribution: Hashable, Sendable {
    /// The baseline value counted (continuous outcomes only); nil when none.
    public var baseline: Double?
    /// The follow-up value counted (under baseline carried forward, the baseline itself); nil
    /// when none.
    public var followUp: Double?
    /// The responder (or success) status counted; nil when the participant is not counted for
    /// responders.
    public var responder: Bool?
    /// Whether what is counted is imputed, not measured: a baseline carried forward as the
    /// follow-up, or a non-responder imputed.
    public var isImputed: Bool

    public init(baseline: Double? = nil, followUp: Double? = nil, responder: Bool? = nil, isImputed: Bool = false) {
        self.baseline = baseline
        self.followUp = followUp
        self.responder = responder
        self.isImputed = isImputed
    }

    /// The change score counted, by ``changeScore(followUp:baseline:)``; nil without both values.
    public var change: Double? {
        guard let baseline, let followUp else { return nil }
        return changeScore(followUp: followUp, baseline: baseline)
    }

    /// An outcome where lower is better. With both values the participant is analysed under every
    /// approach, responder by `rule`. Otherwise complete case leaves them out; baseline carried
    /// forward counts a baseline alone as the follow-up (no change, not a responder); non-responder
    /// imputation counts them as a non-responder.
    public static func continuous(baseline: Double?, followUp: Double?, rule: ResponderRule,
                                  approach: MissingDataApproach) -> ResponseContribution {
        if let baseline, let followUp {
            return ResponseContribution(baseline: baseline, followUp: followUp,
                                responder: rule.isResponder(baseline: baseline, followUp: followUp))
        }
        switch approach {
        case .completeCase:
            return ResponseContribution()
        case .baselineCarriedForward:
            guard let baseline else { return ResponseContribution() }
            return ResponseContribution(baseline: baseline, followUp: baseline, responder: false, isImputed: true)
        case .nonResponderImputation:
            return ResponseContribution(responder: false, isImputed: true)
        }
    }

    /// A rating at follow-up that is a success when among `categories`. Without a rating, only
    /// non-responder imputation counts the participant, as no success.
    public static func success(rating: Double?, categories: [Double], approach: MissingDataApproach) -> ResponseContribution {
        if let rating { return ResponseContribution(followUp: rating, responder: categories.contains(rating)) }
        return approach == .nonResponderImputation ? ResponseContribution(responder: false, isImputed: true) : ResponseContribution()
    }
}

/// Follow-up − baseline without binary noise (``withoutBinaryNoise(_:magnitude:)``, to the
/// precision of the larger score). Scores with decimals (6.3 − 4.1) give their difference with a
/// rounding error in the last bits, different from participant to participant; rounded, equal
/// changes are equal numbers, so a cell where everyone changed alike has a variance of exactly 0
/// (no Welch test, no Hedges' g), not one of rounding noise that a test would divide by.
public func changeScore(followUp: Double, baseline: Double) -> Double {
    withoutBinaryNoise(followUp - baseline, magnitude: max(abs(followUp), abs(baseline)))
}

/// One row of `response.csv`: one group × arm × outcome × timepoint × missing-data approach.
public struct ResponseRow: Hashable, Sendable {
    public var group: GroupKey
    public var arm: Arm
    public var outcome: String
    public var timepoint: String
    public var approach: MissingDataApproach
    /// Randomised participants in the group and arm.
    public var randomised: Int
    /// Participants contributing to the change score (or to success, for a success outcome).
    public var analysed: Int
    /// `randomised − analysed`.
    public var missing: Int
    /// Of `analysed`, those counted with an imputed value (a carried-forward baseline, an imputed
    /// non-responder); 0 for complete case.
    public var imputed: Int
    public var baseline: Moments
    public var followUp: Moments
    /// Change = follow-up − baseline (negative is improvement for scores where lower is better).
    public var change: Moments
    /// Mean change with its t interval; nil below two participants, and when every change is
    /// the same (an interval of width 0 is no interval; the mean change stays in ``change``).
    public var changeEstimate: MeanEstimate?
    /// Mean change / SD of change; nil below two participants or with zero SD.
    public var standardisedResponseMean: Double?
    /// Responders out of `responderTotal`.
    public var responders: Int
    public var responderTotal: Int
    /// Wilson interval of the responder proportion; nil when `responderTotal` is 0.
    public var responderInterval: ConfidenceInterval?
}

/// Computes the response rows: every group × arm × outcome × timepoint, complete-case first, then
/// the sensitivity analyses that apply (BOCF for change scores, NRI for responders).
public struct ResponseAnalysis: Sendable {
    public let plan: AnalysisPlan
    public let arms: [Arm]
    public let order: GroupOrder

    public init(plan: AnalysisPlan, arms: [Arm], order: GroupOrder) {
        self.plan = plan
        self.arms = arms.sorted()
        self.order = order
    }

    /// Randomised participants by group, every grouping level, in report order; members as
    /// indexes into the prepared subjects, in their order.
    func groupIndexes(_ prepared: PreparedSubjects) -> [(key: GroupKey, members: [Int])] {
        var members: [GroupKey: [Int]] = [:]
        for index in prepared.subjects.indices where prepared.armID[index] != nil {
            for grouping in Grouping.allCases {
                guard let group = prepared.group(index, at: grouping) else { continue }
                members[GroupKey(grouping, group), default: []].append(index)
            }
        }
        return order.sorted(members.keys).map { ($0, members[$0] ?? []) }
    }

    /// The subjects laid out for this analysis's loops (every outcome at baseline and at every
    /// analysed timepoint), their values taken from their measurement lists: prepare once, then
    /// compute every table from the result.
    public func prepare(_ subjects: [AnalysisSubject]) -> PreparedSubjects {
        PreparedSubjects(subjects, arms: arms,
                         outcomes: OutcomeColumns(subjects, fields: plan.outcomes.map(\.field), timepoints: outcomeTimepoints),
                         characteristics: CharacteristicColumns(subjects))
    }

    /// As ``prepare(_:)``, with the outcome values and the characteristics given as columns
    /// (from ``outcomeColumns(count:)`` and ``CharacteristicColumns/init(count:)``, filled in the
    /// subjects' order) instead of read from the subjects' lists, which are then not read at all.
    ///
    /// - Precondition: both have `subjects.count` values per column.
    public func prepare(_ subjects: [AnalysisSubject], outcomes: OutcomeColumns,
                        characteristics: CharacteristicColumns) -> PreparedSubjects {
        PreparedSubjects(subjects, arms: arms, outcomes: outcomes, characteristics: characteristics)
    }

    /// Empty columns (nothing measured) of every outcome at baseline and at every analysed
    /// timepoint, for `count` subjects: what ``prepare(_:outcomes:)`` reads.
    public func outcomeColumns(count: Int) -> OutcomeColumns {
        OutcomeColumns(fields: plan.outcomes.map(\.field), timepoints: outcomeTimepoints, count: count)
    }

    /// The timepoints laid out: baseline, then every analysed timepoint.
    private var outcomeTimepoints: [String] { [baselineName] + plan.timepoints }

    /// The cells of every arm of a group under each of `approaches`: `cells[arm][k]` holds the
    /// members (indexes into `prepared`, in order) randomised to the arm at position `arm` of
    /// ``arms``, under `approaches[k]`.
    ///
    /// One pass over the group's members serves every arm and approach, so a large group's
    /// baseline and follow-up columns are read once per outcome and timepoint instead of once
    /// per arm and approach. Each cell's values are in member order, as a pass over that cell's
    /// members alone would give them.
    func cellsByArm(_ members: [Int], _ prepared: PreparedSubjects, outcome: OutcomePlan, timepoint: String,
                    approaches: [MissingDataApproach]) -> [[CellData]] {
        // A member whose visit was not due by the data cut-off is not in the cell at all: not
        // randomised for this visit, neither analysed nor missing, never imputed.
        let notDue = prepared.outcomes.notDue(at: timepoint)
        let members = notDue.map { notDue in members.filter { !notDue[$0] } } ?? members
        var randomised = Array(repeating: 0, count: arms.count)
        for index in members {
            if let arm = prepared.armPosition[index] { randomised[arm] += 1 }
        }
        // At most one value of each per member of the arm: room for all, so that no array grows.
        // One flat list, the cell of arm `a` and approach `k` at `a * approaches.count + k`.
        let width = approaches.count
        var cells = randomised.flatMap { count in
            approaches.map { _ in
                var cell = CellData(randomised: count, baseline: [], followUp: [], responders: [])
                if outcome.isContinuous { cell.baseline.reserveCapacity(count) }
                cell.followUp.reserveCapacity(count)
                cell.responders.reserveCapacity(count)
                return cell
            }
        }
        let followUps = prepared.values(outcome.field, at: timepoint)
        // Appended through buffers: the cells and the arm positions are not checked for sharing at every value.
        cells.withUnsafeMutableBufferPointer { cells in
            prepared.armPosition.withUnsafeBufferPointer { armPosition in
                switch outcome.kind {
                case .continuous(let rule):
                    let baselines = prepared.values(outcome.field, at: baselineName)
                    baselines.withUnsafeBufferPointer { baselines in
                        followUps.withUnsafeBufferPointer { followUps in
                            for index in members {
                                guard let arm = armPosition[index] else { continue }
                                let before = OutcomeColumns.measured(baselines[index])
                                let after = OutcomeColumns.measured(followUps[index])
                                for (position, approach) in approaches.enumerated() {
                                    cells[arm * width + position].add(
                                        ResponseContribution.continuous(baseline: before, followUp: after, rule: rule, approach: approach))
                                }
                            }
                        }
                    }
                case .success(let categories):
                    followUps.withUnsafeBufferPointer { followUps in
                        for index in members {
                            guard let arm = armPosition[index] else { continue }
                            let rating = OutcomeColumns.measured(followUps[index])
                            for (position, approach) in approaches.enumerated() {
                                cells[arm * width + position].add(
                                    ResponseContribution.success(rating: rating, categories: categories, approach: approach))
                            }
                        }
                    }
                }
            }
        }
        return arms.indices.map { Array(cells[($0 * width)..<(($0 + 1) * width)]) }
    }

    /// The approaches reported for an outcome: complete case, then BOCF (change scores) and NRI.
    public func approaches(for outcome: OutcomePlan) -> [MissingDataApproach] {
        outcome.isContinuous ? [.completeCase, .baselineCarriedForward, .nonResponderImputation]
            : [.completeCase, .nonResponderImputation]
    }

    public func rows(_ subjects: [AnalysisSubject]) -> [ResponseRow] {
        rows(prepare(subjects))
    }

    /// As ``rows(_:)-([AnalysisSubject])``, over subjects prepared once for the run.
    public func rows(_ prepared: PreparedSubjects) -> [ResponseRow] {
        let units = units(prepared)
        let results = units.map { ResponseUnitResult(rowsByArm: rowsByArm($0, cells($0, prepared)), comparisons: []) }
        return tables(units, results: results).rows
    }

    /// One response row. Each approach reports only what it defines: NRI rows carry responder
    /// statistics (no means: those would be complete-case numbers under NRI counts), BOCF rows
    /// carry change statistics (no responders).
    func row(_ key: GroupKey, _ arm: Arm, _ outcome: OutcomePlan, _ timepoint: String,
             _ approach: MissingDataApproach, _ cellData: CellData) -> ResponseRow {
        var data = cellData
        if approach == .nonResponderImputation {
            data.baseline = []
            data.followUp = []
        } else if approach == .baselineCarriedForward {
            data.responders = []
        }
        let change = Moments(data.changes)
        let analysed = approach == .nonResponderImputation ? data.responders.count
            : (outcome.isContinuous ? data.baseline.count : data.followUp.count)
        let responders = data.responders.filter { $0 }.count
        let proportion = Proportion(successes: responders, trials: data.responders.count)
        return ResponseRow(
            group: key, arm: arm, outcome: outcome.name, timepoint: timepoint, approach: approach,
            randomised: data.randomised,
            analysed: analysed,
            missing: data.randomised - analysed,
            imputed: data.imputed,
            baseline: Moments(data.baseline), followUp: Moments(data.followUp), change: change,
            changeEstimate: outcome.isContinuous && change.count > 0 && change.standardDeviation != 0
                ? MeanEstimate(change, level: plan.confidenceLevel) : nil,
            standardisedResponseMean: outcome.isContinuous && change.count > 0 ? change.standardisedResponseMean : nil,
            responders: responders, responderTotal: data.responders.count,
            responderInterval: proportion?.wilsonInterval(level: plan.confidenceLevel))
    }

    /// The name of the baseline visit in measurements (the plan's week-0 visit).
    public var baselineName: String { plan.baseline }
}

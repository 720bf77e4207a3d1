import Statistics
import StudyModel

/// One row of `interaction.csv`: does the arm effect differ between profiles?
///
/// The F-test compares `change ~ arm + group + arm:group` with the model without `arm:group`,
/// over randomised complete cases of every classified group at the grouping level (CONSORT:
/// subgroup claims rest on an interaction test, not on separate p-values). Cochran's Q and I²
/// are computed per non-reference arm over the group-specific Welch differences in mean change.
public struct InteractionRow: Hashable, Sendable {
    public var grouping: Grouping
    public var outcome: String
    public var timepoint: String
    /// Groups that entered the model (with a complete case at the timepoint), in report order.
    public var groups: [String]
    public var observations: Int
    public var fTest: FTest?
    /// Cochran's Q and I² over the group-specific differences, one per non-reference arm.
    public var heterogeneity: [ArmHeterogeneity]
    /// `prespecified` when the pipeline file says so, else `exploratory`.
    public var label: String
}

/// Cochran's Q over one arm's group-specific Welch differences in mean change (arm − reference):
/// the test of subgroup differences. Groups where the difference cannot be estimated (fewer than
/// two participants per arm, or no variance) are left out and not counted.
public struct ArmHeterogeneity: Hashable, Sendable {
    public var arm: Arm
    /// Groups whose difference entered, in report order.
    public var groups: [String]
    public var heterogeneity: Heterogeneity?
}

extension ResponseAnalysis {
    /// The interaction F-test for every continuous outcome and timepoint, at the profile and
    /// subprofile levels. The model is fitted from each (group, arm) cell's moments; a subject
    /// with an arm that is none of ``arms`` (compared as a value: id, label and order) leaves the
    /// F-test out (nil) for that outcome and timepoint.
    public func interactions(_ subjects: [AnalysisSubject]) -> [InteractionRow] {
        interactions(prepare(subjects))
    }

    /// As ``interactions(_:)-([AnalysisSubject])``, over subjects prepared once for the run.
    public func interactions(_ prepared: PreparedSubjects) -> [InteractionRow] {
        guard arms.contains(where: { $0.id == plan.referenceArm }) else { return [] }
        var rows: [InteractionRow] = []
        let label = plan.interactionPrespecified ? "prespecified" : "exploratory"
        let count = prepared.subjects.count
        let armLevels = [plan.referenceArm] + arms.map(\.id).filter { $0 != plan.referenceArm }
        for grouping in [Grouping.profile, .subprofile] {
            let groupNames = order.sorted(Set((0..<count).compactMap { index -> GroupKey? in
                guard prepared.armID[index] != nil, let group = prepared.group(index, at: grouping) else { return nil }
                return GroupKey(grouping, group)
            })).map(\.group)
            let groupPosition = Dictionary(groupNames.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
            for outcome in plan.outcomes where outcome.isContinuous {
                for timepoint in plan.timepoints {
                    // The moments of the changes by group and arm position, in subject order: the
                    // cells of the model and of the heterogeneity test.
                    var cells = Array(repeating: Array(repeating: Moments(), count: arms.count), count: groupNames.count)
                    var observations = 0
                    // A subject whose arm is none of the analysis's arms (compared as values, as
                    // everywhere in the analysis) cannot be coded: then no model is fitted.
                    var armOutsideAnalysis = false
                    let baselines = prepared.values(outcome.field, at: baselineName)
                    let followUps = prepared.values(outcome.field, at: timepoint)
                    for index in 0..<count {
                        guard prepared.armID[index] != nil, let group = prepared.group(index, at: grouping),
                              let before = baselines[index], let after = followUps[index]
                        else { continue }
                        observations += 1
                        // Every group is in `groupPosition` (the names come from these subjects).
                        if let position = prepared.armPosition[index], let groupIndex = groupPosition[group] {
                            cells[groupIndex][position].add(changeScore(followUp: after, baseline: before))
                        } else {
                            armOutsideAnalysis = true
                        }
                    }
                    var test: FTest?
                    if groupNames.count > 1, !armOutsideAnalysis {
                        test = interactionTest(cells, armLevels: armLevels, groups: groupNames)
                    }
                    let heterogeneity = armHeterogeneity(cells, groups: groupNames)
                    // A group without a complete case at this visit adds no row to the model.
                    let entered = groupNames.indices.filter { group in cells[group].contains { $0.count > 0 } }.map { groupNames[$0] }
                    rows.append(InteractionRow(grouping: grouping, outcome: outcome.name, timepoint: timepoint,
                                               groups: entered, observations: observations, fTest: test,
                                               heterogeneity: heterogeneity, label: label))
                }
            }
        }
        return rows
    }
}

extension ResponseAnalysis {
    /// The F-test of the arm × group interaction in `change ~ arm * group`, with treatment coding
    /// against the first of `armLevels` and of `groups`, fitted from each cell's moments
    /// (``Statistics/GroupedLinearModel``): the cells are the model's only design rows.
    /// `cells[g][a]` are the moments of the changes of group `groups[g]` in arm `arms[a]`;
    /// `armLevels` must hold every arm's id (else nil, even for an arm without changes).
    func interactionTest(_ cells: [[Moments]], armLevels: [String], groups: [String]) -> FTest? {
        var armLabels: [String] = []
        var groupLabels: [String] = []
        for group in groups {
            for arm in arms {
                armLabels.append(arm.id)
                groupLabels.append(group)
            }
        }
        var builder = DesignBuilder(rowCount: armLabels.count)
        do {
            try builder.addFactor("arm", armLabels, levels: armLevels)
            try builder.addFactor("group", groupLabels, levels: groups)
            let design = try builder.build(Term.crossed("arm", "group"))
            return GroupedLinearModel.fTest(design: design, groups: Array(cells.joined()),
                                            dropping: [Term.interaction("arm", "group")])
        } catch {
            return nil
        }
    }

    /// Cochran's Q per non-reference arm over the groups' Welch differences in mean change.
    /// `cells[g][a]` are the moments of the changes of group `groups[g]` in arm `arms[a]`.
    func armHeterogeneity(_ cells: [[Moments]], groups: [String]) -> [ArmHeterogeneity] {
        guard let referencePosition = arms.firstIndex(where: { $0.id == plan.referenceArm }) else { return [] }
        return arms.indices.filter { $0 != referencePosition }.map { position in
            var included: [String] = []
            var estimates: [StudyEstimate] = []
            for (group, name) in groups.enumerated() {
                guard let welch = TwoSampleTTest.welch(cells[group][position], cells[group][referencePosition]),
                      let estimate = StudyEstimate(estimate: welch.difference, standardError: welch.standardError)
                else { continue }
                included.append(name)
                estimates.append(estimate)
            }
            return ArmHeterogeneity(arm: arms[position], groups: included, heterogeneity: Heterogeneity(estimates))
        }
    }
}

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
    /// Groups that entered the model, in report order.
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
    /// subprofile levels.
    public func interactions(_ subjects: [AnalysisSubject]) -> [InteractionRow] {
        guard arms.contains(where: { $0.id == plan.referenceArm }) else { return [] }
        var rows: [InteractionRow] = []
        let label = plan.interactionPrespecified ? "prespecified" : "exploratory"
        for grouping in [Grouping.profile, .subprofile] {
            let groupNames = order.sorted(Set(subjects.compactMap { subject -> GroupKey? in
                guard subject.isRandomised, let group = subject.group(at: grouping) else { return nil }
                return GroupKey(grouping, group)
            })).map(\.group)
            for outcome in plan.outcomes where outcome.isContinuous {
                for timepoint in plan.timepoints {
                    var armLabels: [String] = []
                    var groupLabels: [String] = []
                    var change: [Double] = []
                    for subject in subjects {
                        guard let arm = subject.arm, let group = subject.group(at: grouping),
                              let before = subject.value(outcome.field, at: baselineName),
                              let after = subject.value(outcome.field, at: timepoint)
                        else { continue }
                        armLabels.append(arm.id)
                        groupLabels.append(group)
                        change.append(after - before)
                    }
                    let armLevels = [plan.referenceArm] + arms.map(\.id).filter { $0 != plan.referenceArm }
                    var builder = DesignBuilder(rowCount: change.count)
                    var test: FTest?
                    if groupNames.count > 1 {
                        do {
                            try builder.addFactor("arm", armLabels, levels: armLevels)
                            try builder.addFactor("group", groupLabels, levels: groupNames)
                            let design = try builder.build(Term.crossed("arm", "group"))
                            test = LinearModel(design: design, response: change)?
                                .fTest(dropping: [Term.interaction("arm", "group")])
                        } catch {
                            test = nil
                        }
                    }
                    let heterogeneity = armHeterogeneity(subjects, grouping: grouping, groups: groupNames,
                                                         outcome: outcome, timepoint: timepoint)
                    rows.append(InteractionRow(grouping: grouping, outcome: outcome.name, timepoint: timepoint,
                                               groups: groupNames, observations: change.count, fTest: test,
                                               heterogeneity: heterogeneity, label: label))
                }
            }
        }
        return rows
    }
}

extension ResponseAnalysis {
    func armHeterogeneity(_ subjects: [AnalysisSubject], grouping: Grouping, groups: [String],
                          outcome: OutcomePlan, timepoint: String) -> [ArmHeterogeneity] {
        guard let reference = arms.first(where: { $0.id == plan.referenceArm }) else { return [] }
        func change(_ group: String, _ arm: Arm) -> Moments {
            Moments(subjects.compactMap { subject -> Double? in
                guard subject.arm == arm, subject.group(at: grouping) == group,
                      let before = subject.value(outcome.field, at: baselineName),
                      let after = subject.value(outcome.field, at: timepoint)
                else { return nil }
                return after - before
            })
        }
        return arms.filter { $0 != reference }.map { arm in
            var included: [String] = []
            var estimates: [StudyEstimate] = []
            for group in groups {
                guard let welch = TwoSampleTTest.welch(change(group, arm), change(group, reference)),
                      let estimate = StudyEstimate(estimate: welch.difference, standardError: welch.standardError)
                else { continue }
                included.append(group)
                estimates.append(estimate)
            }
            return ArmHeterogeneity(arm: arm, groups: included, heterogeneity: Heterogeneity(estimates))
        }
    }
}

import StudyModel

/// One row of `flow.csv` (CONSORT-style participant flow).
///
/// Stages, in order: `screened` (everyone with an accepted participant row), `not_randomised` by
/// profile and reason, `randomised` per arm, and per arm and follow-up visit `analysed` (at least
/// one planned outcome measured) and `missing` (randomised but no planned outcome measured).
public struct FlowRow: Hashable, Sendable {
    public var stage: String
    public var arm: String
    public var profile: String
    public var timepoint: String
    public var reason: String
    public var count: Int
}

extension ResponseAnalysis {
    public func flow(_ subjects: [AnalysisSubject]) -> [FlowRow] {
        var rows = [FlowRow(stage: "screened", arm: "", profile: "", timepoint: "", reason: "", count: subjects.count)]
        var notRandomised: [String: Int] = [:]
        for subject in subjects where !subject.isRandomised {
            notRandomised[subject.profile ?? "unclassified", default: 0] += 1
        }
        let profileKeys = order.sorted(notRandomised.keys.map { GroupKey(.profile, $0) }).map(\.group)
        for profile in profileKeys {
            let reason = profile == "unclassified" ? "profile could not be assigned" : "not randomised (profile \(profile))"
            rows.append(FlowRow(stage: "not_randomised", arm: "", profile: profile, timepoint: "", reason: reason,
                                count: notRandomised[profile] ?? 0))
        }
        for arm in arms {
            let members = subjects.filter { $0.arm == arm }
            rows.append(FlowRow(stage: "randomised", arm: arm.id, profile: "", timepoint: "", reason: "", count: members.count))
            for timepoint in plan.timepoints {
                let analysed = members.filter { subject in
                    plan.outcomes.contains { subject.value($0.field, at: timepoint) != nil }
                }.count
                rows.append(FlowRow(stage: "analysed", arm: arm.id, profile: "", timepoint: timepoint, reason: "", count: analysed))
                rows.append(FlowRow(stage: "missing", arm: arm.id, profile: "", timepoint: timepoint,
                                    reason: "no planned outcome measured", count: members.count - analysed))
            }
        }
        return rows
    }
}

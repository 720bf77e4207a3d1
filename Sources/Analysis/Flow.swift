import StudyModel

/// One row of `flow.csv` (CONSORT-style participant flow).
///
/// Stages, in order: `screened` (everyone with an accepted participant row), `rejected`
/// (participants with a participant row rejected in validation, which leaves none of their
/// participant rows kept, so they are in no table; then, on a row of its own, rejected
/// participant rows whose id could not be read, each possibly one more such participant),
/// `not_randomised` by profile and reason, `randomised` per arm, and per arm and follow-up visit
/// `analysed` (at least one planned outcome measured) and `missing` (randomised but no planned
/// outcome measured), then, with a data cut-off (``AnalysisPlan/dataCutoff``), `not_due`: no
/// visit recorded and its window not closed by the cut-off (not in `missing`).
public struct FlowRow: Hashable, Sendable {
    public var stage: String
    public var arm: String
    public var profile: String
    public var timepoint: String
    public var reason: String
    public var count: Int
}

extension ResponseAnalysis {
    /// - Parameters:
    ///   - rejected: participants with a participant row rejected in validation (none of theirs kept).
    ///   - rejectedWithoutID: rejected participant rows whose id could not be read.
    public func flow(_ subjects: [AnalysisSubject], rejected: Int = 0, rejectedWithoutID: Int = 0) -> [FlowRow] {
        flow(prepare(subjects), rejected: rejected, rejectedWithoutID: rejectedWithoutID)
    }

    /// As ``flow(_:rejected:rejectedWithoutID:)-([AnalysisSubject],_,_)``, over subjects prepared
    /// once for the run.
    public func flow(_ prepared: PreparedSubjects, rejected: Int = 0, rejectedWithoutID: Int = 0) -> [FlowRow] {
        let count = prepared.subjects.count
        var rows = [FlowRow(stage: "screened", arm: "", profile: "", timepoint: "", reason: "", count: count),
                    FlowRow(stage: "rejected", arm: "", profile: "", timepoint: "",
                            reason: "participant row rejected in validation", count: rejected)]
        if rejectedWithoutID > 0 {
            rows.append(FlowRow(stage: "rejected", arm: "", profile: "", timepoint: "",
                                reason: "participant row rejected, id unreadable", count: rejectedWithoutID))
        }
        var notRandomised: [String: Int] = [:]
        for index in 0..<count where prepared.armID[index] == nil {
            notRandomised[prepared.profile[index] ?? "unclassified", default: 0] += 1
        }
        let profileKeys = order.sorted(notRandomised.keys.map { GroupKey(.profile, $0) }).map(\.group)
        for profile in profileKeys {
            let reason = profile == "unclassified" ? "profile could not be assigned" : "not randomised (profile \(profile))"
            rows.append(FlowRow(stage: "not_randomised", arm: "", profile: profile, timepoint: "", reason: reason,
                                count: notRandomised[profile] ?? 0))
        }
        // Per timepoint, every planned outcome's values (read once for all arms).
        let measuredAt = plan.timepoints.map { timepoint in plan.outcomes.map { prepared.values($0.field, at: timepoint) } }
        for (position, arm) in arms.enumerated() {
            let members = prepared.members(Array(0..<count), inArm: position)
            rows.append(FlowRow(stage: "randomised", arm: arm.id, profile: "", timepoint: "", reason: "", count: members.count))
            for (timepointIndex, timepoint) in plan.timepoints.enumerated() {
                let measured = measuredAt[timepointIndex]
                let notDue = prepared.outcomes.notDue(at: timepoint).map { notDue in members.filter { notDue[$0] }.count } ?? 0
                let analysed = members.filter { index in measured.contains { $0[index] != nil } }.count
                rows.append(FlowRow(stage: "analysed", arm: arm.id, profile: "", timepoint: timepoint, reason: "", count: analysed))
                rows.append(FlowRow(stage: "missing", arm: arm.id, profile: "", timepoint: timepoint,
                                    reason: "no planned outcome measured", count: members.count - analysed - notDue))
                if let cutoff = plan.dataCutoff {
                    rows.append(FlowRow(stage: "not_due", arm: arm.id, profile: "", timepoint: timepoint,
                                        reason: "window not closed by the data cut-off \(cutoff.iso)", count: notDue))
                }
            }
        }
        return rows
    }
}

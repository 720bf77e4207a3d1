import Analysis
import Profiling
import Reporting
import StudyModel

extension Explain {
    /// How the response analysis counts one participant: their arm and groups, then per outcome
    /// the baseline and, per analysed follow-up, the value, the change and the responder status
    /// (or why they are left out, and what each sensitivity analysis counts instead). Every
    /// figure comes from ``ResponseContribution``, the definition the response table and the
    /// comparisons use.
    ///
    /// - Parameter rejectedVisits: the names of the participant's visits with a row rejected in
    ///   validation: they took place, so a data cut-off counts them as due.
    static func responseTrail(_ participant: ParticipantRecord?, visits: [VisitRecord], rejectedVisits: Set<String> = [],
                              assignment: ProfileAssignment?, loaded: LoadedPipeline) -> [String] {
        guard let plan = loaded.spec.effectiveAnalysis else {
            return ["Response: no analysis (the pipeline marks no reference arm)"]
        }
        guard let participant else { return ["Response: not analysed (no accepted participant row)"] }
        guard let arm = participant.arm else { return ["Response: not analysed (not randomised)"] }
        var lines = ["Response (as the analysis counts this participant; change = follow-up - baseline):"]
        let groups = ["all", assignment?.profile.map { "profile \($0)" }, assignment?.subprofile.map { "subprofile \($0)" }]
            .compactMap { $0 }.joined(separator: ", ")
        let unclassified = assignment?.profile == nil ? " (unclassified: counted in 'all' only)" : ""
        let reference = arm.id == plan.referenceArm ? "the reference arm" : "compared with reference arm \(plan.referenceArm)"
        lines.append("  arm \(arm.id), \(reference); groups: \(groups)\(unclassified)")
        let analysis = ResponseAnalysis(plan: plan, arms: loaded.arms, order: GroupOrder(profiles: loaded.profileOrder))
        // A later visit of a timepoint replaces an earlier one, as when the run lays them out.
        func value(_ field: Field, at timepoint: String) -> Double? {
            visits.last { $0.timepoint.name == timepoint }?.values.number(field)
        }
        // A visit not recorded whose window closes after the data cut-off is in no analysis of it.
        let baselineDate = visits.first { $0.timepoint.isBaseline }?.values.date(.visitDate)
        func notDue(_ timepoint: String) -> String? {
            guard let cutoff = plan.dataCutoff, !visits.contains(where: { $0.timepoint.name == timepoint }),
                  !rejectedVisits.contains(timepoint),
                  let visit = loaded.spec.schedule.timepoint(named: timepoint),
                  AnalysisSubject.notDue(cutoff: cutoff, participant: participant, baselineDate: baselineDate, timepoint: visit)
            else { return nil }
            return "    \(timepoint): not due by the data cut-off \(cutoff.iso) (its window had not closed): "
                + "in no analysis of this visit"
        }
        for outcome in plan.outcomes {
            let approaches = analysis.approaches(for: outcome)
            switch outcome.kind {
            case .continuous(let rule):
                lines.append("  \(outcome.name) (\(outcome.label)), responder: \(rule)")
                let baseline = value(outcome.field, at: plan.baseline)
                lines.append("    \(plan.baseline): \(baseline.map(Value.format) ?? "not measured")")
                for timepoint in plan.timepoints {
                    if let line = notDue(timepoint) {
                        lines.append(line)
                        continue
                    }
                    let followUp = value(outcome.field, at: timepoint)
                    let counted = approaches.map {
                        ($0, ResponseContribution.continuous(baseline: baseline, followUp: followUp, rule: rule, approach: $0))
                    }
                    lines.append("    \(timepoint): \(followUp.map(Value.format) ?? "not measured")"
                                 + describe(counted, baseline: baseline, positive: "responder", negative: "non-responder"))
                }
            case .success(let categories):
                lines.append("  \(outcome.name) (\(outcome.label)), success: \(outcome.field.name) "
                             + categories.map(Value.format).joined(separator: " or "))
                for timepoint in plan.timepoints {
                    if let line = notDue(timepoint) {
                        lines.append(line)
                        continue
                    }
                    let rating = value(outcome.field, at: timepoint)
                    let counted = approaches.map {
                        ($0, ResponseContribution.success(rating: rating, categories: categories, approach: $0))
                    }
                    lines.append("    \(timepoint): \(rating.map(Value.format) ?? "not measured")"
                                 + describe(counted, baseline: nil, positive: "success", negative: "no success"))
                }
            }
        }
        return lines
    }

    /// `, change -4 (-44.4 % of baseline): responder` when the complete-case analysis counts the
    /// participant (every approach then counts the same); otherwise what each approach counts,
    /// e.g. `; complete case: left out; bocf: change 0; nri: non-responder`.
    private static func describe(_ counted: [(MissingDataApproach, ResponseContribution)], baseline: Double?,
                                 positive: String, negative: String) -> String {
        func status(_ contribution: ResponseContribution) -> String? {
            contribution.responder.map { $0 ? positive : negative }
        }
        func change(_ contribution: ResponseContribution, relative: Bool = true) -> String? {
            guard let change = contribution.change else { return nil }
            let text = "change \(Value.format(change))"
            guard relative else { return text }
            guard let baseline, baseline > 0 else { return text + (baseline == 0 ? " (a baseline of 0 cannot improve)" : "") }
            return text + " (\(NumberFormat.percent(change / baseline)) % of baseline)"
        }
        if let primary = counted.first(where: { $0.0 == .completeCase })?.1, primary.responder != nil {
            return ", " + [change(primary), status(primary)].compactMap { $0 }.joined(separator: ": ")
        }
        let parts = counted.map { approach, contribution -> String in
            // What each approach reports: BOCF the change, NRI the responder status.
            let reported: String? = switch approach {
            case .completeCase: nil
            case .baselineCarriedForward: change(contribution, relative: false)
            case .nonResponderImputation: status(contribution)
            }
            return "\(name(approach)): \(reported ?? "left out")"
        }
        return "; " + parts.joined(separator: "; ")
    }

    private static func name(_ approach: MissingDataApproach) -> String {
        switch approach {
        case .completeCase: "complete case"
        case .baselineCarriedForward: "baseline carried forward"
        case .nonResponderImputation: "non-responder imputation"
        }
    }
}

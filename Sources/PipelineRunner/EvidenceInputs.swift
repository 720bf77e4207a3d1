import Analysis
import Evidence
import PipelineSpec
import StudyModel

/// Turns the pipeline's `evidence:` settings and the analysis results into the Evidence module's
/// inputs.
enum EvidenceInputs {
    /// The study's own per-profile comparisons (complete case, profile level and everyone):
    /// difference in mean change (Welch) for scores, risk difference for success outcomes.
    static func comparisons(_ rows: [ComparisonRow], plan: AnalysisPlan, schedule: VisitSchedule,
                            plannedSize: Int?) -> [ComparisonResult] {
        rows.compactMap { row -> ComparisonResult? in
            guard row.approach == .completeCase, row.group.grouping != .subprofile,
                  let outcome = plan.outcomes.first(where: { $0.name == row.outcome }),
                  let timepoint = schedule.timepoint(named: row.timepoint)
            else { return nil }
            let profile = row.group.grouping == .all ? "all" : row.group.group
            if outcome.isContinuous {
                guard let welch = row.welch else { return nil }
                return ComparisonResult(
                    profile: profile, outcome: outcome.name, outcomeLabel: outcome.label, timepoint: timepoint,
                    arm: row.arm, referenceArm: row.reference, nArm: row.analysedArm, nReference: row.analysedReference,
                    effectMeasure: "difference in mean change (Welch)", scale: .difference, favourable: .lower,
                    estimate: welch.difference, ciLow: welch.interval.lower, ciHigh: welch.interval.upper,
                    p: welch.pValue, plannedSampleSize: plannedSize)
            }
            guard let difference = row.riskDifference else { return nil }
            return ComparisonResult(
                profile: profile, outcome: outcome.name, outcomeLabel: outcome.label, timepoint: timepoint,
                arm: row.arm, referenceArm: row.reference, nArm: row.analysedArm, nReference: row.analysedReference,
                effectMeasure: "risk difference (Newcombe)", scale: .difference, favourable: .higher,
                estimate: difference.difference, ciLow: difference.interval.lower, ciHigh: difference.interval.upper,
                p: nil, plannedSampleSize: plannedSize)
        }
    }

    /// Evidence settings from the pipeline: variant, decision thresholds (declared, or minus the
    /// outcome's minimal important change in points), declarations.
    static func settings(_ spec: EvidenceSpec, plan: AnalysisPlan, level: Double) -> EvidenceSettings {
        var thresholds: [DecisionThreshold] = []
        for outcome in plan.outcomes {
            if let declared = spec.decisionThresholds[outcome.name] {
                thresholds.append(DecisionThreshold(outcome: outcome.name, values: declared))
            } else if case .continuous(let rule) = outcome.kind, let points = rule.absolute {
                thresholds.append(DecisionThreshold(outcome: outcome.name, values: [-points]))
            }
        }
        let declarations = spec.declarations.keys.sorted().compactMap { name -> GRADEDeclarations? in
            guard let declared = spec.declarations[name] else { return nil }
            func convert(_ value: EvidenceSpec.Declaration?) -> GRADEDeclaration? {
                value.map { GRADEDeclaration(levels: $0.levels, reason: $0.reason) }
            }
            return GRADEDeclarations(
                outcome: name, indirectness: convert(declared.indirectness),
                publicationBias: convert(declared.publicationBias), largeEffect: convert(declared.largeEffect),
                doseResponse: convert(declared.doseResponse), plausibleConfounding: convert(declared.plausibleConfounding))
        }
        return EvidenceSettings(variant: EBROVariant(setting: spec.variant) ?? .a, decisionThresholds: thresholds,
                                declarations: declarations, pooling: PoolingSettings(level: level))
    }

    /// The study from its declared design, with the achieved size (randomised participants) and
    /// the loss to follow-up at the primary visit counted from the data.
    static func ownStudy(_ spec: EvidenceSpec, randomised: Int, lostAtPrimaryVisit: Int) -> OwnStudy? {
        guard let design = spec.design else { return nil }
        let loss = randomised > 0 ? Double(lostAtPrimaryVisit) / Double(randomised) * 100 : nil
        return OwnStudy(
            year: design.year, studyType: design.studyType, inclusionCriteria: design.inclusionCriteria,
            design: StudyDesign(randomised: design.randomised, doubleBlind: design.doubleBlind,
                                allocationConcealed: design.allocationConcealed, plannedSampleSize: design.plannedSize,
                                achievedSampleSize: randomised, lossToFollowUpPercent: loss))
    }
}

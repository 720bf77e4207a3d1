import Analysis
import Evidence
import PipelineSpec
import Staging
import Statistics
import StudyModel

/// Turns the pipeline's `evidence:` settings and the analysis results into the Evidence module's
/// inputs.
enum EvidenceInputs {
    /// Who was randomised to each arm of the whole trial and of each profile, and who of them
    /// has each outcome measured at each visit: what a comparison's loss to follow-up is
    /// counted from. A missing baseline is no loss to follow-up; a missing follow-up value is.
    struct FollowUp {
        /// A group (the whole trial or a profile) and an arm in it.
        private struct GroupArm: Hashable {
            var group: GroupKey
            var arm: String
        }
        /// Each group and arm met, numbered in the order met.
        private var ids: [GroupArm: Int] = [:]
        private var randomised: [Int] = []
        /// An outcome field at a visit.
        private struct Slot: Hashable {
            var field: Field
            var timepoint: String
        }
        /// The (field, visit) pairs counted, numbered; `measured[id * slots.count + slot]`.
        private var slots: [Slot: Int] = [:]
        private var measured: [Int] = []
        /// Those whose visit was not due by the data cut-off, laid out as `measured`: not lost.
        private var notDue: [Int] = []

        init(_ prepared: PreparedSubjects, plan: AnalysisPlan) {
            // Each subject's group-and-arm ids, as plain numbers: counting a batch's subjects at
            // every outcome and visit then hashes nothing.
            var wholeTrial = [Int](repeating: -1, count: prepared.subjects.count)
            var profile = wholeTrial
            for (index, subject) in prepared.subjects.enumerated() {
                guard let arm = subject.arm?.id else { continue }
                wholeTrial[index] = id(GroupArm(group: GroupKey(.all, "all"), arm: arm))
                if let code = subject.profile { profile[index] = id(GroupArm(group: GroupKey(.profile, code), arm: arm)) }
            }
            let fields = Set(plan.outcomes.map(\.field)).sorted { $0.ordinal < $1.ordinal }
            for field in fields {
                for timepoint in plan.timepoints { slots[Slot(field: field, timepoint: timepoint)] = slots.count }
            }
            measured = Array(repeating: 0, count: ids.count * slots.count)
            notDue = measured
            for field in fields {
                for timepoint in plan.timepoints {
                    guard let slot = slots[Slot(field: field, timepoint: timepoint)] else { continue }
                    let column = prepared.outcomes.column(field, at: timepoint)
                    for index in wholeTrial.indices where wholeTrial[index] >= 0 && column[index] != nil {
                        measured[wholeTrial[index] * slots.count + slot] += 1
                        if profile[index] >= 0 { measured[profile[index] * slots.count + slot] += 1 }
                    }
                    guard let flags = prepared.outcomes.notDue(at: timepoint) else { continue }
                    for index in wholeTrial.indices where wholeTrial[index] >= 0 && flags[index] {
                        notDue[wholeTrial[index] * slots.count + slot] += 1
                        if profile[index] >= 0 { notDue[profile[index] * slots.count + slot] += 1 }
                    }
                }
            }
        }

        /// The number of `key`, counting one more randomised participant in it.
        private mutating func id(_ key: GroupArm) -> Int {
            if let known = ids[key] {
                randomised[known] += 1
                return known
            }
            ids[key] = ids.count
            randomised.append(1)
            return ids.count - 1
        }

        /// Of those randomised to `arms` in `group` whose visit was due by the data cut-off, the
        /// percentage without `field` measured at `timepoint`; nil when nobody was randomised to
        /// them or no one's visit was due.
        func lossPercent(group: GroupKey, arms: [String], field: Field, timepoint: String) -> Double? {
            let known = arms.compactMap { ids[GroupArm(group: group, arm: $0)] }
            let slot = slots[Slot(field: field, timepoint: timepoint)]
            let due = known.reduce(0) { total, id in
                total + randomised[id] - (slot.map { notDue[id * slots.count + $0] } ?? 0)
            }
            guard due > 0 else { return nil }
            let followed = slot.map { slot in known.reduce(0) { $0 + measured[$1 * slots.count + slot] } } ?? 0
            return Double(due - followed) / Double(due) * 100
        }
    }

    /// The pipeline's literature evidence table, read and checked (nil when it names none), or
    /// the errors of a file that could not be read to its end (a problem with the file, exit
    /// code 2, before any data is read).
    static func literature(_ pipeline: LoadedPipeline) -> (table: LiteratureTable?, unreadable: [String]) {
        let spec = pipeline.spec
        guard let studies = spec.evidence.literatureStudies, let conclusions = spec.evidence.literatureConclusions else { return (nil, []) }
        let table = LiteratureTable.read(studiesPath: spec.resolveExisting(studies), studiesName: spec.displayName(studies),
                                         conclusionsPath: spec.resolveExisting(conclusions), conclusionsName: spec.displayName(conclusions))
        guard table.isComplete else { return (nil, table.diagnostics.filter { $0.severity == .error }.map(\.description)) }
        return (table, [])
    }

    /// The level of every interval the evidence states and judges (GRADE's imprecision, the
    /// sentences), whatever level the run reports its own tables at.
    static let evidenceLevel = 0.95

    /// The study's own comparisons (complete case) as evidence: everyone randomised and each
    /// profile. With `supportedOnly`, profiles only where subgroup claims are supported (CONSORT):
    /// the interaction was prespecified, or its F-test at profile level has p < 0.05 for that
    /// outcome and visit; those are the comparisons that get conclusions.
    ///
    /// The estimate is the ANCOVA difference in follow-up adjusted for baseline (the usual primary
    /// analysis of a randomised trial), or the Welch difference in mean change when the model
    /// cannot estimate it; risk differences for success outcomes. A pairwise comparison's planned
    /// size is its share of the trial's (planned × 2 / number of arms, rounded up); its loss to
    /// follow-up is its own: of the participants randomised to its two arms in its group, the
    /// percentage without its outcome measured at its visit (`followUp`).
    static func comparisons(_ rows: [ComparisonRow], interactions: [InteractionRow], plan: AnalysisPlan,
                            schedule: VisitSchedule, plannedSize: Int?, armCount: Int,
                            followUp: FollowUp, supportedOnly: Bool) -> [ComparisonResult] {
        let supported = Set(interactions.compactMap { row -> String? in
            guard row.grouping == .profile else { return nil }
            let significant = (row.fTest?.pValue).map { $0 < 0.05 } ?? false
            return plan.interactionPrespecified || significant ? "\(row.outcome)|\(row.timepoint)" : nil
        })
        let pairPlanned = plannedSize.map { armCount > 0 ? ($0 * 2 + armCount - 1) / armCount : $0 }
        return rows.compactMap { row -> ComparisonResult? in
            guard row.approach == .completeCase,
                  row.group.grouping == .all
                    || (row.group.grouping == .profile
                        && (!supportedOnly || plan.interactionPrespecified
                            || supported.contains("\(row.outcome)|\(row.timepoint)"))),
                  let outcome = plan.outcomes.first(where: { $0.name == row.outcome }),
                  let timepoint = schedule.timepoint(named: row.timepoint)
            else { return nil }
            let profile = row.group.grouping == .all ? ComparisonResult.wholeTrial : row.group.group
            let loss = followUp.lossPercent(group: row.group, arms: [row.arm.id, row.reference.id], field: outcome.field,
                                            timepoint: timepoint.name)
            func result(_ measure: String, _ favourable: EffectDirection, _ estimate: Double, _ interval: ConfidenceInterval,
                        _ p: Double?, standardError: Double? = nil) -> ComparisonResult {
                ComparisonResult(
                    profile: profile, outcome: outcome.name, outcomeLabel: outcome.label, timepoint: timepoint,
                    arm: row.arm, referenceArm: row.reference, nArm: row.analysedArm, nReference: row.analysedReference,
                    effectMeasure: measure, scale: .difference, favourable: favourable, estimate: estimate,
                    ciLow: interval.lower, ciHigh: interval.upper, p: p, standardError: standardError,
                    plannedSampleSize: pairPlanned,
                    lossToFollowUpPercent: loss)
            }
            if outcome.isContinuous {
                if let ancova = row.ancova {
                    guard let interval = ancova.interval(level: evidenceLevel) else { return nil }
                    return result("difference in follow-up adjusted for baseline (ANCOVA)", .lower, ancova.estimate,
                                  interval, ancova.pValue, standardError: ancova.standardError)
                }
                guard let welch = row.welch, let interval = welch.interval(level: evidenceLevel) else { return nil }
                return result("difference in mean change (Welch)", .lower, welch.difference, interval, welch.pValue,
                              standardError: welch.standardError)
            }
            guard let difference = row.riskDifference,
                  let interval = ProportionDifference(difference.first, difference.second, level: evidenceLevel)?.interval
            else { return nil }
            return result("risk difference (Newcombe)", .higher, difference.difference, interval, nil)
        }
    }

    /// The literature tables as inputs of a run (or of `validate`), checked like the exports:
    /// each file in the accounting, its rejected rows in `rejected/`, and its findings in
    /// `issues.csv`, counted by severity (errors against the budget) and warnings under their
    /// file. The findings are those that do not depend on the trial's results (reading and
    /// linking the files, checking the conclusions under the pipeline's EBRO variant, pooling the
    /// literature's rows), so `validate` writes what a run writes; a note about the trial's own
    /// comparisons joining a pool is in `summary.txt` only.
    static func account(_ literature: LiteratureTable?, spec: EvidenceSpec, sink: any StagingSink, fileSink: StagingFileSink,
                        study: inout StagedStudy) throws {
        guard let literature else { return }
        // Literature files are comma-delimited (``TableInput/dialect``).
        let comma = UInt8(ascii: ",")
        for (input, account) in zip(literature.inputs, literature.accounts) {
            var file = FileAccounting(file: input.file, inputIndex: -1)
            (file.rowsRead, file.accepted, file.rejected) = (account.read, account.accepted, account.rejected)
            (file.blankLines, file.encoding, file.delimiter) = (input.blankLines, input.encoding, ",")
            study.accounting.append(file)
            fileSink.startFile(named: input.file, header: input.header, delimiter: comma)
        }
        for row in literature.rejectedRows {
            try sink.reject(RejectedRow(file: row.file, inputIndex: -1, line: row.line, rawFields: row.fields.map { Array($0.utf8) },
                                        reasons: row.reasons))
        }
        for finding in literature.findings(variant: variant(spec)) {
            try sink.record(finding)
            study.count(finding)
        }
    }

    /// The EBRO variant the pipeline names (the loader accepts only `A` and `B`).
    static func variant(_ spec: EvidenceSpec) -> EBROVariant {
        EBROVariant(setting: spec.variant) ?? .a
    }

    /// Evidence settings from the pipeline: variant, decision thresholds (declared, or minus the
    /// outcome's minimal important change in points), declarations, the comparisons to pool.
    /// Pooled intervals are at ``evidenceLevel``, as every interval of the evidence files is,
    /// whatever the run's own confidence level.
    static func settings(_ spec: EvidenceSpec, plan: AnalysisPlan) -> EvidenceSettings {
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
        return EvidenceSettings(variant: variant(spec), decisionThresholds: thresholds,
                                declarations: declarations,
                                pooling: PoolingSettings(level: evidenceLevel, ownComparisons: spec.poolWith.map(\.id)))
    }

    /// The visit the trial's loss to follow-up is judged at, the last of `visits` (in schedule
    /// order) at which at least half of those `randomised` were due by the data cut-off (every
    /// visit without one), with those due there (all but the flow's `not_due` rows) and those of
    /// them lost (the flow's `missing` rows: no planned outcome measured); nil when no visit had
    /// half of them due. A visit a few were due at (an early visit, one row rejected) would judge
    /// the whole trial by them.
    static func followUp(at visits: [String], flow: [FlowRow], randomised: Int) -> (visit: String, due: Int, lost: Int)? {
        for visit in visits.reversed() {
            let count = { (stage: String) in flow.filter { $0.stage == stage && $0.timepoint == visit }.reduce(0) { $0 + $1.count } }
            let due = randomised - count("not_due")
            if due > 0, due * 2 >= randomised { return (visit, due, count("missing")) }
        }
        return nil
    }

    /// The study from its declared design, with the achieved size (randomised participants) and
    /// the loss to follow-up counted from the data at `followUp` (``followUp(at:flow:randomised:)``):
    /// of those whose visit was due by the data cut-off. Without such a visit the loss is unknown,
    /// for the reason `unknownLoss` gives.
    static func ownStudy(_ spec: EvidenceSpec, randomised: Int, followUp: (visit: String, due: Int, lost: Int)?,
                         unknownLoss: String? = nil) -> OwnStudy? {
        guard let design = spec.design else { return nil }
        let loss = followUp.map { Double($0.lost) / Double($0.due) * 100 }
        let primaryVisit = followUp?.visit
        return OwnStudy(
            year: design.year, studyType: design.studyType, inclusionCriteria: design.inclusionCriteria,
            design: StudyDesign(randomised: design.randomised, doubleBlind: design.doubleBlind,
                                allocationConcealed: design.allocationConcealed, plannedSampleSize: design.plannedSize,
                                achievedSampleSize: randomised, lossToFollowUpPercent: loss,
                                lossToFollowUpVisit: primaryVisit, lossToFollowUpUnknown: loss == nil ? unknownLoss : nil))
    }
}

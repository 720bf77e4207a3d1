import Analysis
import Evidence
import PipelineSpec
import Profiling
import Staging
import StudyModel

/// Everything one run computes from its inputs, before anything is written: a pure function of
/// the pipeline and the staged data.
public struct RunComputation: Sendable {
    public var pipeline: LoadedPipeline
    /// The staged study's accounting and issue counts. A run lets its records go once the
    /// subjects are built (``Run/run(pipeline:outputFolder:maxErrors:progress:)``): there
    /// `participants` and `visits` are empty, and the subjects stand for the participants.
    public var study: StagedStudy
    /// Issue counts by severity, then rule.
    public var issueCounts: [Severity: [String: Int]]
    public var assignments: [ProfileAssignment]
    /// One per accepted participant, in participant order, with its profile; their lists are
    /// empty, the outcome values being in `outcomes` and the characteristics in `characteristics`.
    public var subjects: [AnalysisSubject]
    /// The subjects' outcome values at baseline and every analysed timepoint, in their order.
    public var outcomes: OutcomeColumns
    /// The subjects' baseline-table characteristics, in their order.
    public var characteristics: CharacteristicColumns
    public var plan: AnalysisPlan
    public var analysis: ResponseAnalysis
    public var flow: [FlowRow]
    public var baseline: [BaselineRow]
    public var response: [ResponseRow]
    public var comparisons: [ComparisonRow]
    public var interactions: [InteractionRow]
    public var evidence: EvidenceSummary
    /// The error budget the run was held to (`--max-errors`, else `report.max_errors`).
    public var errorBudget: Int
    /// More errors than the budget: the run fails (exit code 1), and its reports say so.
    public var isOverBudget: Bool { study.errorCount > errorBudget }

    /// A staged study's analysis subjects (one per participant, with its profile), the analysis
    /// of the pipeline and the subjects prepared for it.
    struct Subjects: Sendable {
        var subjects: [AnalysisSubject]
        var analysis: ResponseAnalysis
        var prepared: PreparedSubjects
    }

    static func subjects(_ study: StagedStudy, assignments: [ProfileAssignment], pipeline: LoadedPipeline,
                         plan: AnalysisPlan) -> Subjects {
        let analysis = ResponseAnalysis(plan: plan, arms: pipeline.arms,
                                        order: GroupOrder(profiles: pipeline.profileOrder + ["unclassified"]))
        var outcomes = analysis.outcomeColumns(count: study.participants.count)
        var characteristics = CharacteristicColumns(count: study.participants.count)
        let cutoff = plan.dataCutoff.map { date in
            (date, plan.timepoints.compactMap { pipeline.spec.schedule.timepoint(named: $0) }, study.visitsWithRejectedRows)
        }
        let subjects = AnalysisSubject.build(participants: study.participants, visits: study.visits,
                                             assignments: assignments, outcomes: &outcomes, characteristics: &characteristics,
                                             cutoff: cutoff)
        return Subjects(subjects: subjects, analysis: analysis,
                        prepared: analysis.prepare(subjects, outcomes: outcomes, characteristics: characteristics))
    }

    /// Analysis and evidence over a staged study's subjects (``subjects(_:assignments:pipeline:plan:)``).
    static func compute(_ pipeline: LoadedPipeline, study: StagedStudy, assignments: [ProfileAssignment],
                        subjects prepared: Subjects, issueCounts: [Severity: [String: Int]],
                        plan: AnalysisPlan, literature: LiteratureTable?, errorBudget: Int) -> RunComputation {
        let (subjects, analysis, prepared) = (prepared.subjects, prepared.analysis, prepared.prepared)
        let (response, comparisons, interactions, flow, baseline) = tables(
            analysis, prepared, rejected: (study.participantsRejected, study.participantRowsWithoutID))

        let randomised = subjects.filter(\.isRandomised).count
        // At the last analysed visit, or with a data cut-off the last one at least half the
        // participants were due at.
        let visits = plan.timepoints.compactMap { pipeline.spec.schedule.timepoint(named: $0) }.sorted().map(\.name)
        let lossAt = EvidenceInputs.followUp(at: visits, flow: flow, randomised: randomised)
        let followUp = EvidenceInputs.FollowUp(prepared, plan: plan)
        let evidenceSpec = pipeline.spec.evidence
        let ownStudy = EvidenceInputs.ownStudy(
            evidenceSpec, randomised: randomised, followUp: lossAt,
            unknownLoss: plan.dataCutoff.flatMap {
                randomised > 0 && !visits.isEmpty ? "no analysed visit due for half the participants by the data cut-off \($0.iso)" : nil
            })
        func results(supportedOnly: Bool) -> [ComparisonResult] {
            EvidenceInputs.comparisons(comparisons, interactions: interactions, plan: plan,
                                       schedule: pipeline.spec.schedule, plannedSize: evidenceSpec.design?.plannedSize,
                                       armCount: pipeline.arms.count, followUp: followUp,
                                       supportedOnly: supportedOnly)
        }
        let evidence = summariseEvidence(
            ownStudy: ownStudy, comparisons: results(supportedOnly: false), claims: results(supportedOnly: true),
            literature: literature,
            settings: EvidenceInputs.settings(evidenceSpec, plan: plan))

        return RunComputation(
            pipeline: pipeline, study: study, issueCounts: issueCounts, assignments: assignments, subjects: subjects,
            outcomes: prepared.outcomes, characteristics: prepared.characteristics, plan: plan, analysis: analysis, flow: flow, baseline: baseline,
            response: response, comparisons: comparisons, interactions: interactions,
            evidence: evidence, errorBudget: errorBudget)
    }
    /// One piece of the analysis tables: each is a pure function of the prepared subjects.
    private enum Job {
        case baseline, interactions, flow
        case unit(ResponseUnit)
    }

    private enum JobResult {
        case baseline([BaselineRow]), interactions([InteractionRow]), flow([FlowRow])
        case unit(ResponseUnitResult)
    }

    /// The analysis tables, computed on every core: the baseline table, the interaction models,
    /// the flow, and each group × outcome × timepoint's response rows and comparisons (one pass
    /// over the group makes both). The long jobs come first so the units fill in around them.
    /// Every job is a pure function of the prepared subjects and the results are put together
    /// in report order, so they are the same as one job after another.
    private static func tables(_ analysis: ResponseAnalysis, _ prepared: PreparedSubjects,
                               rejected: (byID: Int, withoutID: Int))
        -> (response: [ResponseRow], comparisons: [ComparisonRow], interactions: [InteractionRow],
            flow: [FlowRow], baseline: [BaselineRow]) {
        let units = analysis.units(prepared)
        let jobs: [Job] = [.baseline, .interactions, .flow] + units.map(Job.unit)
        let results = Concurrently.map(jobs.count) { index -> JobResult in
            switch jobs[index] {
            case .baseline: .baseline(analysis.baselineTable(prepared))
            case .interactions: .interactions(analysis.interactions(prepared))
            case .flow: .flow(analysis.flow(prepared, rejected: rejected.byID, rejectedWithoutID: rejected.withoutID))
            case .unit(let unit): .unit(analysis.result(unit, prepared))
            }
        }
        var baseline: [BaselineRow] = [], interactions: [InteractionRow] = [], flow: [FlowRow] = []
        var unitResults: [ResponseUnitResult] = []
        unitResults.reserveCapacity(units.count)
        for result in results {
            switch result {
            case .baseline(let rows): baseline = rows
            case .interactions(let rows): interactions = rows
            case .flow(let rows): flow = rows
            case .unit(let result): unitResults.append(result)
            }
        }
        let (response, comparisons) = analysis.tables(units, results: unitResults)
        return (response, comparisons, interactions, flow, baseline)
    }
}

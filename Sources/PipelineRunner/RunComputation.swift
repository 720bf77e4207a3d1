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
    public var subjects: [AnalysisSubject]
    public var plan: AnalysisPlan
    public var analysis: ResponseAnalysis
    public var flow: [FlowRow]
    public var baseline: [BaselineRow]
    public var response: [ResponseRow]
    public var comparisons: [ComparisonRow]
    public var interactions: [InteractionRow]
    public var evidence: EvidenceSummary

    /// A staged study's analysis subjects (one per participant, with its profile), the analysis
    /// of the pipeline and the subjects prepared for it.
    struct Subjects: Sendable {
        var subjects: [AnalysisSubject]
        var analysis: ResponseAnalysis
        var prepared: PreparedSubjects
    }

    static func subjects(_ study: StagedStudy, assignments: [ProfileAssignment], pipeline: LoadedPipeline,
                         plan: AnalysisPlan) -> Subjects {
        let subjects = AnalysisSubject.build(participants: study.participants, visits: study.visits,
                                             assignments: assignments, outcomeFields: plan.outcomes.map(\.field))
        let analysis = ResponseAnalysis(plan: plan, arms: pipeline.arms,
                                        order: GroupOrder(profiles: pipeline.profileOrder + ["unclassified"]))
        return Subjects(subjects: subjects, analysis: analysis, prepared: analysis.prepare(subjects))
    }

    /// Analysis and evidence over a staged study's subjects (``subjects(_:assignments:pipeline:plan:)``).
    ///
    /// The tables are computed in two parts at the same time, of about the same work: the
    /// comparisons, interaction models and flow; and the response rows and baseline table. Each
    /// is a pure function of the prepared subjects, so the results are the same as one after
    /// the other.
    static func compute(_ pipeline: LoadedPipeline, study: StagedStudy, assignments: [ProfileAssignment],
                        subjects prepared: Subjects, issueCounts: [Severity: [String: Int]],
                        plan: AnalysisPlan) -> RunComputation {
        let (subjects, analysis, prepared) = (prepared.subjects, prepared.analysis, prepared.prepared)
        let ((comparisons, interactions, flow), (response, baseline)) = Concurrently.both({
            (analysis.comparisons(prepared), analysis.interactions(prepared), analysis.flow(prepared))
        }, {
            (analysis.rows(prepared), analysis.baselineTable(prepared))
        })

        let randomised = subjects.filter(\.isRandomised).count
        // Randomised participants without a planned outcome at each analysed visit (the flow's
        // missing rows, one per arm and reason).
        var lostAt: [String: Int] = [:]
        for row in flow where row.stage == "missing" { lostAt[row.timepoint, default: 0] += row.count }
        let lastVisit = plan.timepoints.compactMap { pipeline.spec.schedule.timepoint(named: $0) }.max()
        let lost = lastVisit.map { lostAt[$0.name] ?? 0 } ?? 0
        let lossByTimepoint = randomised > 0
            ? Dictionary(uniqueKeysWithValues: plan.timepoints.map { ($0, Double(lostAt[$0] ?? 0) / Double(randomised) * 100) })
            : [:]
        let evidenceSpec = pipeline.spec.evidence
        let ownStudy = EvidenceInputs.ownStudy(evidenceSpec, randomised: randomised, lostAtPrimaryVisit: lost)
        func results(supportedOnly: Bool) -> [ComparisonResult] {
            EvidenceInputs.comparisons(comparisons, interactions: interactions, plan: plan,
                                       schedule: pipeline.spec.schedule, plannedSize: evidenceSpec.design?.plannedSize,
                                       armCount: pipeline.arms.count, lossByTimepoint: lossByTimepoint,
                                       supportedOnly: supportedOnly)
        }
        var literature: LiteratureTable?
        if let studies = evidenceSpec.literatureStudies, let conclusions = evidenceSpec.literatureConclusions {
            literature = LiteratureTable.read(
                studiesPath: pipeline.spec.resolve(studies), studiesName: pipeline.spec.resolve(studies),
                conclusionsPath: pipeline.spec.resolve(conclusions), conclusionsName: pipeline.spec.resolve(conclusions))
        }
        let evidence = summariseEvidence(
            ownStudy: ownStudy, comparisons: results(supportedOnly: false), claims: results(supportedOnly: true),
            literature: literature,
            settings: EvidenceInputs.settings(evidenceSpec, plan: plan, level: plan.confidenceLevel))

        return RunComputation(
            pipeline: pipeline, study: study, issueCounts: issueCounts, assignments: assignments, subjects: subjects,
            plan: plan, analysis: analysis, flow: flow, baseline: baseline,
            response: response, comparisons: comparisons, interactions: interactions,
            evidence: evidence)
    }
}

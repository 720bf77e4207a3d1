import StudyModel

/// Everything the Evidence stage hands to Reporting: rows for each output file, the located
/// problems, and the row accounting of the literature files.
public struct EvidenceSummary: Hashable, Sendable {
    /// The settings used; reports name ``EBROVariant/name`` of `settings.variant`.
    public var settings: EvidenceSettings
    /// The trial's grade and why, when there is a trial.
    public var ownGrade: GradeAssessment?
    /// `evidence_table.csv`: the trial's rows, then the literature rows, then pooled rows.
    public var evidenceTable: [EvidenceTableRow]
    /// `conclusions.csv`: the trial's conclusions, then the literature conclusions.
    public var conclusions: [ConclusionRow]
    /// `summary_of_findings.csv`: GRADE per trial comparison.
    public var summaryOfFindings: [SummaryOfFindingsRow]
    /// `pooled_estimates.csv`.
    public var pooledEstimates: [PooledEstimateRow]
    /// Reading, linking, level and citation checks, and pooling, ordered by location then rule.
    public var diagnostics: [Diagnostic]
    /// Rows read, accepted and rejected per literature file.
    public var accounts: [RowAccount]

    public init(
        settings: EvidenceSettings, ownGrade: GradeAssessment?, evidenceTable: [EvidenceTableRow],
        conclusions: [ConclusionRow], summaryOfFindings: [SummaryOfFindingsRow], pooledEstimates: [PooledEstimateRow],
        diagnostics: [Diagnostic], accounts: [RowAccount]
    ) {
        self.settings = settings
        self.ownGrade = ownGrade
        self.evidenceTable = evidenceTable
        self.conclusions = conclusions
        self.summaryOfFindings = summaryOfFindings
        self.pooledEstimates = pooledEstimates
        self.diagnostics = diagnostics
        self.accounts = accounts
    }
}

/// Summarises the evidence: the trial's own comparisons (when `ownStudy` is given) and a
/// literature table (when given), graded under `settings.variant`, rated with GRADE, and pooled.
///
/// Pure and deterministic: rows follow input order (comparisons as given, literature in file
/// order, pools by key); diagnostics are sorted by location, then rule, then message.
///
/// - Parameter claims: the comparisons that get a conclusion and a summary-of-findings row
///   (default: all of `comparisons`); every comparison gets an evidence-table row, which names
///   its conclusion only when it has one. A caller passes
///   fewer when subgroup claims are not supported (no interaction), so the table still shows each
///   subgroup's result without concluding from it.
public func summariseEvidence(
    ownStudy: OwnStudy?, comparisons: [ComparisonResult], claims: [ComparisonResult]? = nil,
    literature: LiteratureTable?, settings: EvidenceSettings = EvidenceSettings()
) -> EvidenceSummary {
    let claimed = claims ?? comparisons
    var evidenceTable: [EvidenceTableRow] = []
    var conclusions: [ConclusionRow] = []
    var findings: [SummaryOfFindingsRow] = []
    var diagnostics: [Diagnostic] = []
    if let ownStudy {
        // A comparison without a claim has no conclusion for its row to name.
        let concluded = Set(claimed.map(\.conclusionID))
        evidenceTable += ownStudy.evidenceRows(for: comparisons, settings: settings).map { row in
            var row = row
            row.conclusionIDs = row.conclusionIDs.filter(concluded.contains)
            return row
        }
        conclusions += ownStudy.conclusions(for: claimed, settings: settings)
        findings += ownStudy.summaryOfFindings(for: claimed, settings: settings)
    }
    if let literature {
        evidenceTable += literature.evidenceRows()
        let assessments = literature.assessConclusions(variant: settings.variant)
        conclusions += assessments.map(LiteratureTable.conclusionRow)
        diagnostics += literature.diagnostics + assessments.flatMap(\.diagnostics)
    }
    let pooled = poolEstimates(literature: literature, own: ownStudy == nil ? [] : comparisons, ownStudy: ownStudy,
                               settings: settings.pooling)
    evidenceTable += pooled.pools.map { $0.evidenceRow(decimals: settings.resultDecimals) }
    diagnostics += pooled.diagnostics
    diagnostics.sort(by: inReportOrder)
    return EvidenceSummary(
        settings: settings, ownGrade: ownStudy?.grade(settings: settings), evidenceTable: evidenceTable,
        conclusions: conclusions, summaryOfFindings: findings, pooledEstimates: pooled.pools.map(PooledEstimateRow.init),
        diagnostics: diagnostics, accounts: literature?.accounts ?? [])
}

/// The order of evidence findings in every report: by location, then rule, then message.
func inReportOrder(_ lhs: Diagnostic, _ rhs: Diagnostic) -> Bool {
    if lhs.location != rhs.location { return lhs.location < rhs.location }
    if lhs.rule != rhs.rule { return lhs.rule < rhs.rule }
    return lhs.message < rhs.message
}

extension LiteratureTable {
    /// The table's findings that do not depend on any trial: reading and linking its files, its
    /// conclusions checked under `variant`, its rows pooled among themselves; in report order.
    public func findings(variant: EBROVariant) -> [Diagnostic] {
        (diagnostics + assessConclusions(variant: variant).flatMap(\.diagnostics) + poolEstimates(literature: self).diagnostics)
            .sorted(by: inReportOrder)
    }
}

import Statistics
import StudyModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What makes estimates poolable: the same outcome measured with the same effect measure.
///
/// Literature rows declare it with `outcome_id` and `effect_measure`; the trial's comparisons
/// with ``ComparisonResult/outcome`` and ``ComparisonResult/effectMeasure``. The effect measure
/// is compared case-insensitively with spaces trimmed.
public struct PoolingKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var outcome: String
    /// As written (trimmed); keys compare it case-insensitively, so a pool shows the spelling of
    /// its first row.
    public var effectMeasure: String
    private var foldedMeasure: String

    public init(outcome: String, effectMeasure: String) {
        self.outcome = outcome.trimmingSpaces()
        self.effectMeasure = effectMeasure.trimmingSpaces()
        foldedMeasure = self.effectMeasure.lowercased()
    }

    public var description: String { "\(outcome) (\(effectMeasure))" }

    public static func == (lhs: PoolingKey, rhs: PoolingKey) -> Bool {
        lhs.outcome == rhs.outcome && lhs.foldedMeasure == rhs.foldedMeasure
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(outcome)
        hasher.combine(foldedMeasure)
    }

    public static func < (lhs: PoolingKey, rhs: PoolingKey) -> Bool {
        (lhs.outcome, lhs.foldedMeasure) < (rhs.outcome, rhs.foldedMeasure)
    }
}

/// One estimate entering a pool, on the pooling scale (natural log for ratios).
public struct PoolingEntry: Hashable, Sendable {
    public var studyID: String
    public var citation: String
    public var source: EvidenceSource
    public var estimate: Double
    public var standardError: Double
    /// The literature row, nil for the trial's own result.
    public var location: SourceLocation?

    public init(studyID: String, citation: String, source: EvidenceSource, estimate: Double, standardError: Double,
                location: SourceLocation?) {
        self.studyID = studyID
        self.citation = citation
        self.source = source
        self.estimate = estimate
        self.standardError = standardError
        self.location = location
    }
}

/// A pooled estimate over two or more independent studies sharing a ``PoolingKey``.
public struct PooledResult: Hashable, Sendable {
    public var key: PoolingKey
    public var scale: EffectScale
    /// In literature file order, the trial's own result last.
    public var entries: [PoolingEntry]
    /// Fixed-effect (inverse variance) and DerSimonian–Laird random-effects pooling, Q, I² and
    /// τ², all on the pooling scale, computed by the Statistics module.
    public var analysis: MetaAnalysis

    public init(key: PoolingKey, scale: EffectScale, entries: [PoolingEntry], analysis: MetaAnalysis) {
        self.key = key
        self.scale = scale
        self.entries = entries
        self.analysis = analysis
    }

    /// A pooling-scale value on the effect measure's own scale (exponentiated for ratios).
    public func display(_ value: Double) -> Double { scale == .ratio ? exp(value) : value }

    /// I² in percent; nil for a single estimate.
    public var i2Percent: Double? { analysis.heterogeneity.iSquared.map { $0 * 100 } }
}

/// The pooling choices.
public struct PoolingSettings: Hashable, Sendable {
    /// Confidence level of pooled intervals (input intervals are always 95 % intervals).
    public var level: Double
    /// Conclusion ids (``ComparisonResult/conclusionID``) of the trial's own comparisons that may
    /// join a pool when several share its key (e.g. several profiles or timepoints). A key with
    /// exactly one own comparison takes it without being listed.
    public var ownComparisons: [String]

    public init(level: Double = 0.95, ownComparisons: [String] = []) {
        self.level = level
        self.ownComparisons = ownComparisons
    }
}

/// Pools literature rows (and the trial's own result) that share a ``PoolingKey``.
///
/// - A literature row enters when it declares `outcome_id`, has an estimate, and has an SE or
///   a 95 % CI (an SE is derived as `(upper - lower) / (2 z)` on the pooling scale, ratios after
///   taking logs). Rows without a key are not pooled (their table rows stay as printed). A row
///   whose interval has no width (bounds printed rounded to one value) or whose SE is too small
///   for a finite inverse-variance weight is left out with a warning (`evidence.pooling-no-weight`);
///   a pool whose estimates or weights are too large to compute is not reported, with the same warning.
/// - Independence: one entry per study id per pool; a later row with an id already in the pool
///   is left out with a warning. A row whose scale differs from the pool's first row is left out
///   with a warning.
/// - The trial's own comparisons join a pool that has at least one literature entry: the one
///   comparison with that key, or, when several share it, the one listed in
///   ``PoolingSettings/ownComparisons`` (none joins otherwise, with a note naming them).
/// - Pools with fewer than two entries are not reported. Pools are ordered by key.
///
/// Returns the pools and located warnings and notes (at the pool's first literature row).
public func poolEstimates(
    literature: LiteratureTable?, own: [ComparisonResult] = [], ownStudy: OwnStudy? = nil,
    settings: PoolingSettings = PoolingSettings()
) -> (pools: [PooledResult], diagnostics: [Diagnostic]) {
    // Input intervals are 95 % intervals by the column definitions, whatever the pooled level.
    let critical = Normal.twoSidedCriticalValue(level: 0.95)
    var diagnostics: [Diagnostic] = []
    var order: [PoolingKey] = []
    var groups: [PoolingKey: (scale: EffectScale, entries: [PoolingEntry], first: SourceLocation)] = [:]

    for study in literature?.studies ?? [] where !study.outcome.isEmpty {
        // Without an interval or an SE the row was warned about when read (not poolable).
        guard let estimate = study.estimate, study.standardError != nil || (study.ciLow != nil && study.ciHigh != nil)
        else { continue }
        let key = PoolingKey(outcome: study.outcome, effectMeasure: study.effectMeasure)
        guard let entry = poolingEntry(study, estimate: estimate, critical: critical) else {
            // An interval of no width (bounds rounded to the same value) or an SE so small that
            // its weight overflows: inverse-variance pooling cannot weigh it.
            let column = study.standardError != nil ? "se" : "ci_high"
            diagnostics.append(Diagnostic(.warning, at: study.location(of: column), rule: "evidence.pooling-no-weight",
                                          message: "study '\(study.studyID)' has "
                                              + (study.standardError != nil ? "a standard error" : "a 95 % CI")
                                              + " too narrow to weigh by its inverse variance; it is not pooled in '\(key)'",
                                          field: column, value: nil))
            continue
        }
        guard var group = groups[key] else {
            order.append(key)
            groups[key] = (study.scale, [entry], study.source)
            continue
        }
        if group.scale != study.scale {
            diagnostics.append(Diagnostic(.warning, at: study.location(of: "scale"), rule: "evidence.pooling-scale",
                                          message: "study '\(study.studyID)' is on the \(study.scale.rawValue) scale but pool '\(key)' is on the \(group.scale.rawValue) scale; it is not pooled",
                                          field: "scale", value: study.scale.rawValue))
            continue
        }
        if group.entries.contains(where: { $0.studyID == study.studyID }) {
            diagnostics.append(Diagnostic(.warning, at: study.location(of: "study_id"), rule: "evidence.pooling-duplicate",
                                          message: "study id '\(study.studyID)' already contributes to pool '\(key)'; this row is not pooled",
                                          field: "study_id", value: study.studyID))
            continue
        }
        group.entries.append(entry)
        groups[key] = group
    }

    if let ownStudy {
        for key in order {
            guard var group = groups[key] else { continue }
            let candidates = own.filter { PoolingKey(outcome: $0.outcome, effectMeasure: $0.effectMeasure) == key && $0.scale == group.scale }
            let chosen: ComparisonResult?
            if candidates.count == 1 {
                chosen = candidates.first
            } else {
                let listed = candidates.filter { settings.ownComparisons.contains($0.conclusionID) }
                chosen = listed.count == 1 ? listed.first : nil
                if chosen == nil, !candidates.isEmpty {
                    diagnostics.append(Diagnostic(.note, at: group.first, rule: "evidence.pooling-own-ambiguous",
                                                  message: "\(candidates.count) of the trial's comparisons share pool '\(key)' ("
                                                      + candidates.map { "'\($0.conclusionID)'" }.joined(separator: ", ")
                                                      + "); list exactly one in 'pool_with' to pool it with the literature"))
                }
            }
            if let result = chosen, let entry = ownEntry(result, study: ownStudy, critical: critical) {
                // A literature row under the trial's own id (its publication, say) is the same study.
                if let twin = group.entries.first(where: { $0.studyID == entry.studyID }) {
                    diagnostics.append(Diagnostic(.warning, at: twin.location ?? group.first, rule: "evidence.pooling-duplicate",
                                                  message: "study id '\(entry.studyID)' of this trial already contributes to pool '\(key)' "
                                                      + "from the literature; the trial's own result is not pooled again",
                                                  field: "study_id", value: entry.studyID))
                    continue
                }
                group.entries.append(entry)
                groups[key] = group
            }
        }
    }

    var pools: [PooledResult] = []
    for key in order.sorted() {
        guard let group = groups[key], group.entries.count >= 2 else { continue }
        // Every entry was checked to be weighable as it joined; their weights, weighted sums or Q
        // may still overflow (SEs near 1e-154).
        let estimates = group.entries.compactMap { StudyEstimate(estimate: $0.estimate, standardError: $0.standardError) }
        guard let analysis = MetaAnalysis(estimates, level: settings.level) else {
            diagnostics.append(Diagnostic(.warning, at: group.first, rule: "evidence.pooling-no-weight",
                                          message: "pool '\(key)' cannot be computed: its studies' estimates or inverse-variance "
                                              + "weights are too large for the weighted sums and Q; it is not reported"))
            continue
        }
        pools.append(PooledResult(key: key, scale: group.scale, entries: group.entries, analysis: analysis))
    }
    return (pools, diagnostics)
}

/// A literature row on the pooling scale; nil without a usable SE or interval: none, one of no
/// width, or one whose inverse-variance weight is not finite (``StudyEstimate``).
private func poolingEntry(_ study: LiteratureStudy, estimate: Double, critical: Double) -> PoolingEntry? {
    let transform = study.scale.toPoolingScale
    var standardError = study.standardError
    if standardError == nil, let low = study.ciLow, let high = study.ciHigh {
        standardError = (transform(high) - transform(low)) / (2 * critical)
    }
    guard let standardError, StudyEstimate(estimate: transform(estimate), standardError: standardError) != nil else { return nil }
    return PoolingEntry(studyID: study.studyID, citation: study.citation, source: .literature,
                        estimate: transform(estimate), standardError: standardError, location: study.source)
}

/// The trial's comparison on the pooling scale, with the method's own SE when the estimate is
/// pooled as is (a t-based interval is wider than ± z × SE, so the interval would overstate it),
/// else the SE from its interval; nil when not finite.
private func ownEntry(_ result: ComparisonResult, study: OwnStudy, critical: Double) -> PoolingEntry? {
    let transform = result.scale.toPoolingScale
    let fromInterval = (transform(result.ciHigh) - transform(result.ciLow)) / (2 * critical)
    let standardError = result.scale == .ratio ? fromInterval : (result.standardError ?? fromInterval)
    let estimate = transform(result.estimate)
    guard StudyEstimate(estimate: estimate, standardError: standardError) != nil else { return nil }
    return PoolingEntry(studyID: study.studyID, citation: study.citation, source: .thisStudy, estimate: estimate,
                        standardError: standardError, location: nil)
}

/// One row of `pooled_estimates.csv`: both pooled estimates and the heterogeneity of one pool.
///
/// Estimates and bounds are on the effect measure's own scale (exponentiated for ratio pools);
/// standard errors, τ² and Q are on the pooling scale (natural log for ratios), as meta-analysis
/// software reports them. I² is in percent.
public struct PooledEstimateRow: EvidenceOutputRow, Hashable {
    public var pool: PooledResult

    public init(pool: PooledResult) { self.pool = pool }

    public static let columns = [
        "outcome", "effect_measure", "scale", "k", "studies", "fixed_estimate", "fixed_ci_low", "fixed_ci_high",
        "fixed_se", "random_estimate", "random_ci_low", "random_ci_high", "random_se", "tau2", "q", "q_df", "q_p",
        "i2_percent",
    ]

    public var cells: [EvidenceCell] {
        let fixed = pool.analysis.fixedEffect
        let random = pool.analysis.randomEffects
        let heterogeneity = pool.analysis.heterogeneity
        return [
            .text(pool.key.outcome), .text(pool.key.effectMeasure), .text(pool.scale.rawValue), .integer(pool.entries.count),
            .text(pool.entries.map(\.citation).joined(separator: "; ")),
            .number(pool.display(fixed.estimate)), .number(pool.display(fixed.interval.lower)),
            .number(pool.display(fixed.interval.upper)), .number(fixed.standardError),
            .number(pool.display(random.estimate)), .number(pool.display(random.interval.lower)),
            .number(pool.display(random.interval.upper)), .number(random.standardError),
            .number(heterogeneity.tauSquared), .number(heterogeneity.q), .integer(heterogeneity.degreesOfFreedom),
            .pValue(heterogeneity.pValue), .number(pool.i2Percent),
        ]
    }
}

extension PooledResult {
    /// The pool as an `evidence_table.csv` row: random effects in the numeric columns, both
    /// models and the heterogeneity in the result text, e.g. `random effects (DerSimonian-Laird)
    /// -0.71 (95 % CI -1.06 to -0.36); fixed effect -0.43 (95 % CI -0.51 to -0.35); tau² 0.309,
    /// I² 92.1 %, Q 152.23 (df 12, p < 0.001)`.
    public func evidenceRow(decimals: Int = 2) -> EvidenceTableRow {
        let fixed = analysis.fixedEffect
        let random = analysis.randomEffects
        let heterogeneity = analysis.heterogeneity
        var result = "random effects (DerSimonian-Laird) "
            + intervalText(display(random.estimate), display(random.interval.lower), display(random.interval.upper), decimals: decimals)
            + "; fixed effect "
            + intervalText(display(fixed.estimate), display(fixed.interval.lower), display(fixed.interval.upper), decimals: decimals)
            + "; tau² \(NumberText.fixed(heterogeneity.tauSquared, 3))"
        if let i2 = i2Percent { result += ", I² \(NumberText.fixed(i2, 1)) %" }
        result += ", Q \(NumberText.fixed(heterogeneity.q, 2)) (df \(heterogeneity.degreesOfFreedom)"
        if let p = heterogeneity.pValue { result += ", " + pText(p) }
        result += ")"
        let studies = entries.map(\.citation).joined(separator: "; ")
        return EvidenceTableRow(
            study: "Pooled (k = \(entries.count))", year: nil, level: "", studyType: "Meta-analysis", inclusionCriteria: "",
            population: "\(entries.count) studies: \(studies)", description: "pooled \(key.effectMeasure) for \(key.outcome)",
            effectMeasure: key.effectMeasure, result: result, source: .pooled, studyID: "pooled:\(key.outcome):\(key.effectMeasure)",
            outcome: key.outcome, estimate: display(random.estimate), ciLow: display(random.interval.lower),
            ciHigh: display(random.interval.upper), standardError: random.standardError, p: random.pValue)
    }
}

extension EffectScale {
    /// A value on the scale estimates pool on: the natural log for ratios, unchanged otherwise.
    public func toPoolingScale(_ value: Double) -> Double { self == .ratio ? logOf(value) : value }
}

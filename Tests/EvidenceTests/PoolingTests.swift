import StudyModel
import Testing

@testable import Evidence

/// The 13 BCG trials (metafor's dat.bcg) as log risk ratios, read from SampleData through CSVKit.
private func bcgTable() -> LiteratureTable {
    LiteratureTable.read(studiesPath: sampleData("bcg_trials.csv"), studiesName: "bcg_trials.csv",
                         conclusionsPath: sampleData("bcg_conclusions.csv"), conclusionsName: "bcg_conclusions.csv")
}

/// Reference: metafor `rma(yi, vi, data = escalc("RR", ...dat.bcg), method = "DL")` and the
/// fixed-effect model, as published in the metafor documentation (4 decimals).
@Test func bcgPoolingReproducesMetafor() throws {
    let table = bcgTable()
    #expect(table.diagnostics.isEmpty)
    let pooled = poolEstimates(literature: table)
    #expect(pooled.diagnostics.isEmpty)
    let pool = try #require(pooled.pools.first)
    #expect(pooled.pools.count == 1)
    #expect(pool.entries.count == 13)
    #expect(pool.key == PoolingKey(outcome: "tuberculosis", effectMeasure: "log RR"))
    let random = pool.analysis.randomEffects
    let heterogeneity = pool.analysis.heterogeneity
    #expect(abs(random.estimate - -0.7141) < 5e-5)
    #expect(abs(random.interval.lower - -1.0644) < 5e-5)
    #expect(abs(random.interval.upper - -0.3638) < 5e-5)
    #expect(abs(heterogeneity.tauSquared - 0.3088) < 5e-5)
    #expect(abs((pool.i2Percent ?? 0) - 92.12) < 5e-3)
    #expect(abs(pool.analysis.fixedEffect.estimate - -0.4303) < 5e-5)
    #expect(heterogeneity.degreesOfFreedom == 12)
}

@Test func bcgPoolingEndToEndThroughTheSummary() throws {
    let summary = summariseEvidence(ownStudy: nil, comparisons: [], literature: bcgTable())
    let pooledRow = try #require(summary.evidenceTable.last)
    #expect(pooledRow.source == .pooled)
    #expect(abs((pooledRow.estimate ?? 0) - -0.7141) < 5e-5)
    #expect(pooledRow.result.hasPrefix("random effects (DerSimonian-Laird) -0.71 (95 % CI -1.06 to -0.36); fixed effect -0.43"))
    #expect(pooledRow.result.contains("I² 92.1 %"))
    #expect(summary.evidenceTable.count == 14)
    let row = try #require(summary.pooledEstimates.first)
    #expect(row.cells.count == PooledEstimateRow.columns.count)
    #expect(summary.conclusions.first?.derivedLevel == .two)
    #expect(summary.conclusions.first?.match == .match)
}

private let armA = Arm(id: "bcg", label: "BCG", order: 1)
private let armB = Arm(id: "control", label: "Control", order: 0)

private func ownResult(profile: String, estimate: Double = -0.5, low: Double = -0.9, high: Double = -0.1,
                       standardError: Double? = nil) -> ComparisonResult {
    ComparisonResult(profile: profile, outcome: "tuberculosis", outcomeLabel: "TB",
                     timepoint: Timepoint(name: "week52", week: 52, windowDays: 14), arm: armA, referenceArm: armB,
                     nArm: 500, nReference: 500, effectMeasure: "log RR", scale: .logRatio, favourable: .lower,
                     estimate: estimate, ciLow: low, ciHigh: high, p: 0.01, standardError: standardError)
}

private let trial = OwnStudy(year: 2025, studyType: "RCT", inclusionCriteria: "",
                             design: StudyDesign(randomised: true, doubleBlind: false, allocationConcealed: true,
                                                 plannedSampleSize: 1000, achievedSampleSize: 1000, lossToFollowUpPercent: 5))

/// Reference: statsmodels `combine_effects(method_re="dl")` over the 13 trials plus
/// yi = -0.5, vi = (0.8 / (2 * 1.959964))².
@Test func ownResultJoinsTheLiteraturePool() throws {
    let pooled = poolEstimates(literature: bcgTable(), own: [ownResult(profile: "all")], ownStudy: trial)
    let pool = try #require(pooled.pools.first)
    #expect(pool.entries.count == 14)
    #expect(pool.entries.last?.source == .thisStudy)
    #expect(abs(pool.analysis.randomEffects.estimate - -0.694291) < 1e-5)
    #expect(abs(pool.analysis.randomEffects.interval.lower - -1.020553) < 1e-5)
    #expect(abs(pool.analysis.heterogeneity.tauSquared - 0.288397) < 1e-5)
    #expect(abs(pool.analysis.fixedEffect.estimate - -0.432926) < 1e-5)
}

/// A comparison that knows its own SE (a model's, behind a t-based interval) pools with it, not
/// with the SE the interval would give under z; without one, the interval's is used.
@Test func ownStandardErrorIsUsedWhenGiven() throws {
    let given = poolEstimates(literature: bcgTable(), own: [ownResult(profile: "all", standardError: 0.15)], ownStudy: trial)
    #expect(given.pools.first?.entries.last?.standardError == 0.15)
    let derived = poolEstimates(literature: bcgTable(), own: [ownResult(profile: "all")], ownStudy: trial)
    let fromInterval = try #require(derived.pools.first?.entries.last?.standardError)
    #expect(abs(fromInterval - 0.8 / (2 * 1.959964)) < 1e-6)
}

@Test func severalOwnComparisonsNeedAChoice() throws {
    let results = [ownResult(profile: "3a"), ownResult(profile: "3b", estimate: -0.2, low: -0.6, high: 0.2)]
    let ambiguous = poolEstimates(literature: bcgTable(), own: results, ownStudy: trial)
    #expect(ambiguous.pools.first?.entries.count == 13)
    #expect(ambiguous.diagnostics.map(\.rule) == ["evidence.pooling-own-ambiguous"])
    #expect(ambiguous.diagnostics.first?.severity == .note)
    let chosen = poolEstimates(literature: bcgTable(), own: results, ownStudy: trial,
                               settings: PoolingSettings(ownComparisons: [results[1].conclusionID]))
    #expect(chosen.pools.first?.entries.count == 14)
    #expect(chosen.pools.first?.entries.last?.estimate == -0.2)
    #expect(chosen.diagnostics.isEmpty)
}

/// A literature row under the trial's own study id (its publication) is the same study: the
/// trial's own result is not pooled a second time, and a warning says why.
@Test func theTrialUnderALiteratureStudyIDIsPooledOnce() throws {
    var twin = trial
    twin.studyID = "bcg01"
    let pooled = poolEstimates(literature: bcgTable(), own: [ownResult(profile: "all")], ownStudy: twin)
    let pool = try #require(pooled.pools.first)
    #expect(pool.entries.count == 13)
    #expect(!pool.entries.contains { $0.source == .thisStudy })
    #expect(pooled.diagnostics.map(\.rule) == ["evidence.pooling-duplicate"])
    #expect(pooled.diagnostics.first?.location.file == "bcg_trials.csv")
    #expect(pooled.diagnostics.first?.location.line == 2)
}

import StudyModel
import Testing

@testable import Evidence

private let graded = Arm(id: "graded_activity", label: "Graded activity", order: 1)
private let general = Arm(id: "general_exercise", label: "General exercise", order: 0)
private let week12 = Timepoint(name: "week12", week: 12, windowDays: 14)

private let openTrial = StudyDesign(randomised: true, doubleBlind: false, allocationConcealed: true,
                                    plannedSampleSize: 240, achievedSampleSize: 246, lossToFollowUpPercent: 12)
private let blindTrial = StudyDesign(randomised: true, doubleBlind: true, allocationConcealed: true,
                                     plannedSampleSize: 240, achievedSampleSize: 246, lossToFollowUpPercent: 12)

private func study(_ design: StudyDesign) -> OwnStudy {
    OwnStudy(year: 2025, studyType: "Randomised controlled trial, multi-site",
             inclusionCriteria: "Adults 18-65 with non-specific low back pain", design: design)
}

private func rmdq(estimate: Double, low: Double, high: Double, p: Double? = 0.002, profile: String = "3b+Y") -> ComparisonResult {
    ComparisonResult(profile: profile, outcome: "rmdq", outcomeLabel: "RMDQ", timepoint: week12, arm: graded,
                     referenceArm: general, nArm: 42, nReference: 40, effectMeasure: "difference in mean change (Welch)",
                     scale: .difference, favourable: .lower, estimate: estimate, ciLow: low, ciHigh: high, p: p)
}

@Test func evidenceRowUsesTheGuidelineColumns() throws {
    let rows = study(openTrial).evidenceRows(for: [rmdq(estimate: -2.1, low: -3.4, high: -0.8)])
    let row = try #require(rows.first)
    #expect(row.study == "this study")
    #expect(row.year == 2025)
    #expect(row.level == "B")
    #expect(row.population == "profile 3b+Y: graded_activity n=42, general_exercise n=40")
    #expect(row.description == "Graded activity vs General exercise (reference), RMDQ at week12")
    #expect(row.effectMeasure == "difference in mean change (Welch)")
    #expect(row.result == "-2.10 (95 % CI -3.40 to -0.80); p 0.002")
    #expect(row.conclusionIDs == ["rmdq/3b+Y/graded_activity-vs-general_exercise/week12"])
    #expect(row.comparison == "graded_activity vs general_exercise")
    #expect(row.cells.count == EvidenceTableRow.columns.count)
    #expect(Array(EvidenceTableRow.columns.prefix(9)) == [
        "study", "year", "level", "study_type", "inclusion_criteria", "population", "description",
        "effect_measure", "result",
    ])
}

@Test func conclusionSentenceForAnOpenTrial() throws {
    let rows = study(openTrial).conclusions(for: [rmdq(estimate: -2.1, low: -3.4, high: -0.8)])
    let row = try #require(rows.first)
    #expect(row.derivedLevel == .three)
    #expect(row.match == .notStated)
    #expect(row.dutch == "Niveau 3 — er zijn aanwijzingen dat graded activity bij profiel 3b+Y de RMDQ na 12 weken meer verbetert dan general exercise (B: this study)")
    #expect(row.english == "Level 3 — there are indications that graded activity improves RMDQ more than general exercise at week 12 in profile 3b+Y (B: this study)")
    #expect(row.reason.hasPrefix("1 B study: this study"))
    #expect(row.reason.contains("missing: double-blind"))
    #expect(row.cells.count == ConclusionRow.columns.count)
    let whole = try #require(study(openTrial).conclusions(for: [rmdq(estimate: -2.1, low: -3.4, high: -0.8, profile: "all")]).first)
    #expect(whole.dutch == "Niveau 3 — er zijn aanwijzingen dat graded activity bij alle gerandomiseerde patiënten de RMDQ na 12 weken meer verbetert dan general exercise (B: this study)")
    #expect(whole.english == "Level 3 — there are indications that graded activity improves RMDQ more than general exercise at week 12 in all randomised patients (B: this study)")
    var firstWeek = rmdq(estimate: -2.1, low: -3.4, high: -0.8)
    firstWeek.timepoint = Timepoint(name: "week1", week: 1, windowDays: 2)
    let singular = try #require(study(openTrial).conclusions(for: [firstWeek]).first)
    #expect(singular.dutch.contains("de RMDQ na 1 week meer verbetert"))
}

@Test(arguments: [(EBROVariant.a, EvidenceLevel.two), (EBROVariant.b, EvidenceLevel.three)])
func singleA2TrialLevelDependsOnVariant(_ variant: EBROVariant, _ level: EvidenceLevel) throws {
    let rows = study(blindTrial).conclusions(for: [rmdq(estimate: -2.1, low: -3.4, high: -0.8)],
                                             settings: EvidenceSettings(variant: variant))
    let row = try #require(rows.first)
    #expect(row.derivedLevel == level)
    #expect(row.variant == variant)
    #expect(row.dutch.hasPrefix("Niveau \(level.rawValue) — \(level.dutchWording) "))
}

@Test func verdictFollowsTheIntervalAndTheFavourableSide() {
    #expect(rmdq(estimate: -2, low: -3, high: -1).verdict == .favoursArm)
    #expect(rmdq(estimate: 2, low: 1, high: 3).verdict == .favoursReference)
    #expect(rmdq(estimate: -1, low: -3, high: 1).verdict == .inconclusive)
    #expect(rmdq(estimate: -1, low: -3, high: 0).verdict == .inconclusive)
    var ratio = rmdq(estimate: 1.6, low: 1.1, high: 2.3)
    ratio.scale = .ratio
    ratio.favourable = .higher
    #expect(ratio.verdict == .favoursArm)
    ratio.ciLow = 0.9
    #expect(ratio.verdict == .inconclusive)
}

@Test func inconclusiveAndUnfavourableSentences() throws {
    let rows = study(openTrial).conclusions(for: [rmdq(estimate: -1, low: -3, high: 1), rmdq(estimate: 2, low: 1, high: 3)])
    #expect(rows.count == 2)
    #expect(rows[0].dutch.contains("de RMDQ na 12 weken niet aantoonbaar meer of minder verbetert dan general exercise"))
    #expect(rows[1].dutch.contains("minder verbetert dan general exercise"))
    #expect(rows[1].english.contains("improves RMDQ less than general exercise"))
}

@Test func sentenceCaseKeepsNamesAndAcronyms() {
    #expect(sentenceCase("Graded activity") == "graded activity")
    #expect(sentenceCase("McKenzie") == "McKenzie")
    #expect(sentenceCase("RMDQ training") == "RMDQ training")
}

@Test func summaryOfFindingsRatesTheSubgroup() throws {
    let settings = EvidenceSettings(decisionThresholds: [DecisionThreshold(outcome: "rmdq", values: [-5, 5])])
    var result = rmdq(estimate: -2.1, low: -3.4, high: -0.8)
    result.i2AcrossSitesPercent = 60
    let rows = study(openTrial).summaryOfFindings(for: [result], settings: settings)
    let row = try #require(rows.first)
    // High, -1 not double-blind, -1 I² 60 %, imprecision: CI -3.4..-0.8 crosses neither -5 nor 5,
    // but n 82 is below the planned 240: -1. High - 3 = Very low.
    #expect(row.assessment.certainty == .veryLow)
    #expect(row.n == 82)
    #expect(row.effect == "-2.10 (95 % CI -3.40 to -0.80)")
    #expect(row.cells.count == SummaryOfFindingsRow.columns.count)
    #expect(SummaryOfFindingsRow.columns.contains("risk_of_bias"))
    #expect(SummaryOfFindingsRow.columns.contains("dose_response"))
    var powered = result
    powered.plannedSampleSize = 80
    powered.i2AcrossSitesPercent = nil
    let poweredRow = try #require(study(openTrial).summaryOfFindings(for: [powered], settings: settings).first)
    #expect(poweredRow.assessment.certainty == .moderate)
}

/// GRADE judges risk of bias per outcome and visit: a comparison's own loss to follow-up replaces
/// the trial's (counted at its last visit) in the risk-of-bias step.
@Test func summaryOfFindingsTakesTheLossAtTheComparisonsVisit() throws {
    let blindButLost = StudyDesign(randomised: true, doubleBlind: true, allocationConcealed: true,
                                   plannedSampleSize: 80, achievedSampleSize: 82, lossToFollowUpPercent: 25)
    let settings = EvidenceSettings(decisionThresholds: [DecisionThreshold(outcome: "rmdq", values: [-5, 5])])
    let atLastVisit = rmdq(estimate: -2.1, low: -3.4, high: -0.8)
    var early = atLastVisit
    early.lossToFollowUpPercent = 5
    let rows = study(blindButLost).summaryOfFindings(for: [atLastVisit, early], settings: settings)
    let riskOfBias = rows.map { $0.assessment.steps.first { $0.domain == .riskOfBias }?.change }
    // The trial's 25 % loss is one limitation (-1); 5 % at the earlier visit is none.
    #expect(riskOfBias == [-1, 0])
    #expect(rows.map(\.assessment.certainty) == [.moderate, .high])
}

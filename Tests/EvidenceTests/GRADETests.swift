import Testing

@testable import Evidence

private let goodTrial = StudyDesign(randomised: true, doubleBlind: true, allocationConcealed: true,
                                    plannedSampleSize: 200, achievedSampleSize: 200, lossToFollowUpPercent: 10)
private let openTrial = StudyDesign(randomised: true, doubleBlind: false, allocationConcealed: true,
                                    plannedSampleSize: 200, achievedSampleSize: 200, lossToFollowUpPercent: 10)
private let rmdqThresholds = [-5.0, 5.0]

private func step(_ assessment: GRADEAssessment, _ domain: GRADEDomain) -> GRADEStep? {
    assessment.steps.first { $0.domain == domain }
}

@Test func preciseWellConductedTrialStaysHigh() {
    let result = assessCertainty(GRADEInput(randomised: true, design: goodTrial, ciLow: -8, ciHigh: -6,
                                            decisionThresholds: rmdqThresholds, sampleSize: 200, plannedSampleSize: 200))
    #expect(result.start == .high)
    #expect(result.certainty == .high)
    #expect(result.steps.map(\.domain) == GRADEDomain.allCases)
    #expect(result.steps.allSatisfy { $0.change == 0 })
    #expect(result.summary == "start High (randomised)")
}

@Test func openLabelAndImpreciseTrialIsLow() {
    let result = assessCertainty(GRADEInput(randomised: true, design: openTrial, ciLow: -6.2, ciHigh: -1.5,
                                            decisionThresholds: rmdqThresholds))
    #expect(step(result, .riskOfBias)?.change == -1)
    #expect(step(result, .riskOfBias)?.reason == "not double-blind")
    #expect(step(result, .imprecision)?.change == -1)
    #expect(step(result, .imprecision)?.reason == "95 % CI -6.20 to -1.50 crosses the threshold -5")
    #expect(result.certainty == .low)
    #expect(result.summary == "start High (randomised); risk of bias -1 (not double-blind); imprecision -1 (95 % CI -6.20 to -1.50 crosses the threshold -5)")
}

@Test func threeLimitationsAndLargeI2ClampAtVeryLow() {
    let poor = StudyDesign(randomised: true, doubleBlind: false, allocationConcealed: false,
                           plannedSampleSize: nil, achievedSampleSize: 90, lossToFollowUpPercent: nil)
    let result = assessCertainty(GRADEInput(randomised: true, design: poor, i2Percent: 80, ciLow: -9, ciHigh: -7,
                                            decisionThresholds: rmdqThresholds))
    #expect(step(result, .riskOfBias)?.change == -2)
    #expect(step(result, .inconsistency)?.change == -2)
    #expect(result.certainty == .veryLow)
}

@Test(arguments: [(49.9, 0), (50.0, 0), (50.1, -1), (75.0, -1), (75.1, -2), (92.12, -2)])
func inconsistencyFollowsI2Thresholds(_ i2: Double, _ change: Int) {
    let result = assessCertainty(GRADEInput(randomised: true, design: goodTrial, i2Percent: i2, ciLow: -9, ciHigh: -7,
                                            decisionThresholds: rmdqThresholds))
    #expect(step(result, .inconsistency)?.change == change)
}

@Test func intervalSpanningBenefitAndHarmRatesDownTwo() {
    let result = assessCertainty(GRADEInput(randomised: true, design: goodTrial, ciLow: -7, ciHigh: 6,
                                            decisionThresholds: rmdqThresholds))
    #expect(step(result, .imprecision)?.change == -2)
    #expect(result.certainty == .low)
}

@Test func sampleBelowPlanRatesDownAndCapsAtTwo() {
    let small = assessCertainty(GRADEInput(randomised: true, design: goodTrial, ciLow: -9, ciHigh: -6,
                                           decisionThresholds: rmdqThresholds, sampleSize: 150, plannedSampleSize: 200))
    #expect(step(small, .imprecision)?.change == -1)
    #expect(step(small, .imprecision)?.reason == "n 150 below the planned 200")
    let both = assessCertainty(GRADEInput(randomised: true, design: goodTrial, ciLow: -7, ciHigh: 6,
                                          decisionThresholds: rmdqThresholds, sampleSize: 150, plannedSampleSize: 200))
    #expect(step(both, .imprecision)?.change == -2)
}

@Test func nonFiniteIntervalRatesDownTwo() {
    let result = assessCertainty(GRADEInput(randomised: true, design: goodTrial, ciLow: .nan, ciHigh: 3,
                                            decisionThresholds: rmdqThresholds))
    #expect(step(result, .imprecision)?.change == -2)
}

@Test func observationalEvidenceStartsLowAndCanRateUp() {
    let cohort = StudyDesign(randomised: false, doubleBlind: false, allocationConcealed: false,
                             plannedSampleSize: nil, achievedSampleSize: 1885, lossToFollowUpPercent: 12)
    let result = assessCertainty(GRADEInput(
        randomised: false, design: cohort, ciLow: 2.0, ciHigh: 3.0, decisionThresholds: [1.25],
        largeEffect: GRADEDeclaration(levels: 1, reason: "RR above 2"),
        doseResponse: GRADEDeclaration(levels: 3, reason: "gradient with disability score")))
    #expect(result.start == .low)
    #expect(step(result, .riskOfBias)?.change == 0)
    #expect(step(result, .largeEffect)?.change == 1)
    #expect(step(result, .doseResponse)?.change == 1)
    #expect(result.certainty == .high)
}

/// GRADE rates up only observational evidence without serious limitations: the same cohort
/// with 30 % lost and an indirect population keeps its declared upgrades at 0, with the reason,
/// so it never ends above the randomised trial of the same data.
@Test func observationalEvidenceRatedDownIsNotRatedUp() {
    let cohort = StudyDesign(randomised: false, doubleBlind: false, allocationConcealed: false,
                             plannedSampleSize: nil, achievedSampleSize: 1885, lossToFollowUpPercent: 30)
    let input = GRADEInput(
        randomised: false, design: cohort, ciLow: 2.0, ciHigh: 3.0, decisionThresholds: [1.25],
        indirectness: GRADEDeclaration(levels: 1, reason: "workers in the US"),
        largeEffect: GRADEDeclaration(levels: 2, reason: "RR above 5"),
        doseResponse: GRADEDeclaration(levels: 1, reason: "gradient"))
    let result = assessCertainty(input)
    #expect(step(result, .riskOfBias)?.change == -1)
    #expect(step(result, .largeEffect)?.change == 0)
    #expect(step(result, .largeEffect)?.reason
        == "declared +2 not applied: evidence rated down in another domain is not rated up (RR above 5)")
    #expect(step(result, .doseResponse)?.change == 0)
    #expect(result.certainty == .veryLow)
    // The reasons say what was declared and not applied.
    #expect(result.summary.contains("large effect 0 (declared +2 not applied: evidence rated down in another domain is not rated up (RR above 5))"))
    var randomised = input
    randomised.randomised = true
    #expect(assessCertainty(randomised).certainty.rawValue >= result.certainty.rawValue)
}

/// A loss just over the limit is shown with the digits that put it over, not rounded onto it.
@Test func aLossJustOverTheLimitIsNotShownAsTheLimit() {
    let trial = StudyDesign(randomised: true, doubleBlind: true, allocationConcealed: true,
                            plannedSampleSize: 2500, achievedSampleSize: 2500, lossToFollowUpPercent: 501.0 / 2500 * 100)
    let result = assessCertainty(GRADEInput(randomised: true, design: trial, ciLow: -9, ciHigh: -7, decisionThresholds: rmdqThresholds))
    #expect(step(result, .riskOfBias)?.reason == "20.04 % lost to follow-up (more than 20 %)")
    #expect(NumberText.trimmed(20, 1, beside: 20) == "20")
    #expect(NumberText.trimmed(19.96, 1, beside: 20) == "19.96")
    #expect(NumberText.trimmed(20.000001, 1, beside: 20) == "20.000001")
    #expect(NumberText.trimmed(35.25, 1, beside: 20) == "35.3")
}

@Test func randomisedEvidenceDoesNotRateUp() {
    let result = assessCertainty(GRADEInput(randomised: true, design: openTrial, ciLow: -9, ciHigh: -7,
                                            decisionThresholds: rmdqThresholds,
                                            largeEffect: GRADEDeclaration(levels: 2, reason: "very large")))
    #expect(step(result, .largeEffect)?.change == 0)
    #expect(step(result, .largeEffect)?.reason.hasPrefix("declared +2 not applied") == true)
    #expect(result.certainty == .moderate)
}

@Test func declaredDomainsRateDown() {
    let result = assessCertainty(GRADEInput(
        randomised: true, declaredRiskOfBias: GRADEDeclaration(levels: 1, reason: "unblinded assessors"),
        ciLow: -9, ciHigh: -7, decisionThresholds: rmdqThresholds,
        indirectness: GRADEDeclaration(levels: 1, reason: "one country only"),
        publicationBias: GRADEDeclaration(levels: 0, reason: "funnel plot symmetric")))
    #expect(step(result, .riskOfBias)?.change == -1)
    #expect(step(result, .indirectness)?.change == -1)
    #expect(step(result, .publicationBias)?.change == 0)
    #expect(step(result, .publicationBias)?.reason == "funnel plot symmetric")
    #expect(result.certainty == .low)
}

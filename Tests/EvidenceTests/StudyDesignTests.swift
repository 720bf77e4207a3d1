import Testing

@testable import Evidence

@Test func fullyMetDesignIsA2() {
    let design = StudyDesign(randomised: true, doubleBlind: true, allocationConcealed: true,
                             plannedSampleSize: 200, achievedSampleSize: 204, lossToFollowUpPercent: 20)
    let assessment = design.ebroGrade()
    #expect(assessment.grade == .a2)
    #expect(assessment.missingFeatures.isEmpty)
    #expect(assessment.reason == "A2: randomised, double-blind, allocation concealed, 204 of 200 planned participants, 20 % lost to follow-up (at most 20 %)")
}

/// The visit the losses were counted at is named with them, met or not.
@Test func theLossesNameTheirVisit() {
    var design = StudyDesign(randomised: true, doubleBlind: true, allocationConcealed: true,
                             plannedSampleSize: 200, achievedSampleSize: 204, lossToFollowUpPercent: 20,
                             lossToFollowUpVisit: "week26")
    #expect(design.ebroGrade().reason.hasSuffix("20 % lost to follow-up at week26 (at most 20 %)"))
    design.lossToFollowUpPercent = 20.2
    #expect(design.ebroGrade().missingFeatures == ["losses to follow-up at most 20 % (20.2 % at week26)"])
    let grade = assessCertainty(GRADEInput(randomised: true, design: design, ciLow: -3, ciHigh: -2, decisionThresholds: [],
                                           sampleSize: 400, plannedSampleSize: 200))
    #expect(grade.steps.first { $0.domain == .riskOfBias }?.reason == "20.2 % lost to follow-up at week26 (more than 20 %)")
}

struct DesignCase: Sendable, CustomTestStringConvertible {
    var label: String
    var design: StudyDesign
    var missing: [String]
    var testDescription: String { label }
}

private func design(randomised: Bool = true, blind: Bool = true, concealed: Bool = true, planned: Int? = 200,
                    achieved: Int? = 200, loss: Double? = 10) -> StudyDesign {
    StudyDesign(randomised: randomised, doubleBlind: blind, allocationConcealed: concealed,
                plannedSampleSize: planned, achievedSampleSize: achieved, lossToFollowUpPercent: loss)
}

let designCases: [DesignCase] = [
    DesignCase(label: "not randomised", design: design(randomised: false), missing: ["randomisation"]),
    DesignCase(label: "open label", design: design(blind: false), missing: ["double-blind"]),
    DesignCase(label: "no concealment", design: design(concealed: false), missing: ["allocation concealment"]),
    DesignCase(label: "short of plan", design: design(achieved: 199), missing: ["planned sample size (199 of 200)"]),
    DesignCase(label: "no plan", design: design(planned: nil), missing: ["planned sample size (no plan stated)"]),
    DesignCase(label: "losses above 20 %", design: design(loss: 20.5),
               missing: ["losses to follow-up at most 20 % (20.5 %)"]),
    DesignCase(label: "losses unreported", design: design(loss: nil),
               missing: ["losses to follow-up at most 20 % (not reported)"]),
    DesignCase(label: "typical exercise trial", design: design(blind: false, achieved: 180, loss: 25),
               missing: ["double-blind", "planned sample size (180 of 200)", "losses to follow-up at most 20 % (25 %)"]),
]

@Test(arguments: designCases)
func eachMissingA2FeatureGivesB(_ testCase: DesignCase) {
    let assessment = testCase.design.ebroGrade()
    #expect(assessment.grade == .b)
    #expect(assessment.missingFeatures == testCase.missing)
    #expect(assessment.reason.hasPrefix("B: comparative study without all A2 features; missing: "))
}

@Test func nonComparativeIsC() {
    var nonComparative = design()
    nonComparative.comparative = false
    #expect(nonComparative.ebroGrade().grade == .c)
}

@Test func thresholdsAreSettings() {
    let lenient = EBROGradeThresholds(maximumLossToFollowUpPercent: 30, minimumAchievedFraction: 0.9)
    #expect(design(achieved: 180, loss: 25).ebroGrade(thresholds: lenient).grade == .a2)
    #expect(design(achieved: 179, loss: 25).ebroGrade(thresholds: lenient).grade == .b)
}

@Test(arguments: [
    (0.0, 2, "0.00"), (-0.714_1, 2, "-0.71"), (2.5, 0, "3"), (-2.5, 0, "-3"), (0.125, 2, "0.13"),
    (-0.001, 2, "0.00"), (92.115, 1, "92.1"), (1_234.5, 1, "1234.5"), (Double.nan, 2, "NA"),
    (Double.infinity, 2, "Inf"), (-Double.infinity, 1, "-Inf"),
    // Rounded on the decimal value shown, as the numeric columns are: 1.005 is held as
    // 1.00499999999999989 and 41/80 · 100 comes out 51.249999999999993.
    (1.005, 2, "1.01"), (-1.005, 2, "-1.01"), (41.0 / 80 * 100, 1, "51.3"),
])
func fixedFormattingIsLocaleFree(_ value: Double, _ digits: Int, _ expected: String) {
    #expect(NumberText.fixed(value, digits) == expected)
}

@Test func trimmedDropsTrailingZeros() {
    #expect(NumberText.trimmed(20, 1) == "20")
    #expect(NumberText.trimmed(20.5, 1) == "20.5")
    #expect(NumberText.trimmed(-5, 3) == "-5")
}

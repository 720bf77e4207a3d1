import StudyModel
import Testing

@testable import Evidence

private let graded = Arm(id: "graded_activity", label: "Graded activity", order: 1)
private let general = Arm(id: "general_exercise", label: "General exercise", order: 0)

private let trial = OwnStudy(
    year: 2025, studyType: "Randomised controlled trial", inclusionCriteria: "Adults with non-specific low back pain",
    design: StudyDesign(randomised: true, doubleBlind: false, allocationConcealed: true, plannedSampleSize: 240,
                        achievedSampleSize: 246, lossToFollowUpPercent: 12))

private func comparison(profile: String, estimate: Double, low: Double, high: Double) -> ComparisonResult {
    ComparisonResult(profile: profile, outcome: "rmdq", outcomeLabel: "RMDQ",
                     timepoint: Timepoint(name: "week12", week: 12, windowDays: 14), arm: graded, referenceArm: general,
                     nArm: 40, nReference: 40, effectMeasure: "mean difference", scale: .difference, favourable: .lower,
                     estimate: estimate, ciLow: low, ciHigh: high, p: nil)
}

private func literature() -> LiteratureTable {
    let studies = TableInput(
        file: "lit.csv",
        header: ["study_id", "author", "year", "level", "conclusion_ids", "outcome_id", "effect_measure", "estimate", "se"],
        records: [
            TableRecord(line: 2, fields: ["x", "Xu", "2010", "A2", "L1", "rmdq", "Mean difference", "-1.5", "0.6"]),
            TableRecord(line: 3, fields: ["y", "Yang", "2012", "A2", "L1", "rmdq", "mean difference", "-2.5", "0.9"]),
            TableRecord(line: 4, fields: ["z", "Zee", "", "B", "L1", "", "", "", ""]),
        ])
    let conclusions = TableInput(
        file: "conc.csv", header: ["conclusion_id", "stated_level", "stated_support", "text"],
        records: [TableRecord(line: 2, fields: ["L1", "1", "A2 Xu 2010, Yang 2012", "Graded activity helps"])])
    return LiteratureTable(studies: studies, conclusions: conclusions)
}

@Test(arguments: [(EBROVariant.a, EvidenceLevel.three), (EBROVariant.b, EvidenceLevel.three)])
func summaryAssemblesEveryOutput(_ variant: EBROVariant, _ ownLevel: EvidenceLevel) throws {
    let results = [comparison(profile: "3b+Y", estimate: -2.1, low: -3.4, high: -0.8)]
    let summary = summariseEvidence(ownStudy: trial, comparisons: results, literature: literature(),
                                    settings: EvidenceSettings(variant: variant))
    #expect(summary.ownGrade?.grade == .b)
    #expect(summary.evidenceTable.map(\.source) == [.thisStudy, .literature, .literature, .pooled])
    #expect(summary.conclusions.map(\.conclusionID) == ["rmdq/3b+Y/graded_activity-vs-general_exercise/week12", "L1"])
    #expect(summary.conclusions[0].derivedLevel == ownLevel)
    // Two independent A2 studies give level 1 in both variants.
    #expect(summary.conclusions[1].derivedLevel == .one)
    #expect(summary.conclusions[1].match == .match)
    #expect(summary.summaryOfFindings.count == 1)
    // The only own comparison shares the key 'rmdq (mean difference)' and joins the pool.
    #expect(summary.pooledEstimates.first?.pool.entries.map(\.citation) == ["Xu 2010", "Yang 2012", "this study"])
    // 'Mean difference' and 'mean difference' pool together, shown as the first row writes it.
    #expect(summary.pooledEstimates.first?.pool.key.effectMeasure == "Mean difference")
    #expect(summary.accounts == [RowAccount(file: "lit.csv", read: 3, accepted: 2), RowAccount(file: "conc.csv", read: 1, accepted: 1)])
    #expect(summary.diagnostics.map(\.description) == ["lit.csv:4:3: error: missing year"])
}

@Test func summaryIsDeterministic() {
    let results = [comparison(profile: "3a", estimate: -1, low: -2, high: 0.5),
                   comparison(profile: "3b+Y", estimate: -2.1, low: -3.4, high: -0.8)]
    let first = summariseEvidence(ownStudy: trial, comparisons: results, literature: literature())
    let second = summariseEvidence(ownStudy: trial, comparisons: results, literature: literature())
    #expect(first == second)
    // Two own comparisons share the pool's key and none is listed: a note, and no own entry.
    #expect(first.pooledEstimates.first?.pool.entries.count == 2)
    #expect(first.diagnostics.map(\.rule) == ["evidence.pooling-own-ambiguous", "evidence.missing-year"])
}

@Test func evidenceRowsNameOnlyConclusionsThatExist() {
    let claimed = comparison(profile: "all", estimate: -2.1, low: -3.4, high: -0.8)
    let unclaimed = comparison(profile: "3a", estimate: -1, low: -2, high: 0.5)
    let summary = summariseEvidence(ownStudy: trial, comparisons: [claimed, unclaimed], claims: [claimed], literature: nil)
    let concluded = Set(summary.conclusions.map(\.conclusionID))
    #expect(summary.evidenceTable.map(\.conclusionIDs) == [[claimed.conclusionID], []])
    #expect(summary.evidenceTable.flatMap(\.conclusionIDs).allSatisfy(concluded.contains))
}

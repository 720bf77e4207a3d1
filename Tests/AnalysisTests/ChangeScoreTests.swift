import StudyModel
import Testing
@testable import Analysis

/// Change scores of decimal scores: everyone in an arm improving by the same 2.3 points is no
/// variation at all, not a variance of rounding noise that a test would divide by.
@Suite struct ChangeScoreTests {
    static let arms = [
        Arm(id: "motor_control", label: "Motor control", order: 0),
        Arm(id: "general_exercise", label: "General exercise", order: 1),
    ]

    @Test func equalChangesOfDecimalScoresAreEqualNumbers() {
        // In floating point these differ in their last bits.
        #expect(0.3 - 2.6 != 4.1 - 6.4)
        #expect(changeScore(followUp: 0.3, baseline: 2.6) == changeScore(followUp: 4.1, baseline: 6.4))
        #expect(changeScore(followUp: 4.1, baseline: 6.4) == -2.3)
        // Whole scores are untouched.
        #expect(changeScore(followUp: 7, baseline: 12) == -5)
    }

    /// Large scores (a widened range): 10 decimals of 600039.3 − 600039.0 would keep noise,
    /// as a double near 6·10⁵ has about 10 decimals in all.
    @Test func equalChangesOfLargeScoresAreEqualNumbers() {
        let pairs: [(Double, Double)] = [(600039.3, 600039.0), (612345.7, 612345.4), (599999.9, 599999.6),
                                         (1_000_000.3, 1_000_000.0), (262_144.3, 262_144.0)]
        #expect(Set(pairs.map { $0.1 - $0.0 }).count > 1, "the raw differences differ in their last bits")
        for (baseline, followUp) in pairs {
            #expect(changeScore(followUp: followUp, baseline: baseline) == -0.3, "\(baseline) → \(followUp)")
        }
        #expect(changeScore(followUp: 1_000_000.3, baseline: 0) == 1_000_000.3)
        #expect(changeScore(followUp: 2e300, baseline: 1e300) == 1e300)
        // From 10¹⁵ on nothing is rounded: 15 significant digits are all a double has.
        #expect(changeScore(followUp: 4_348_125_000_000_000.5, baseline: 0) == 4_348_125_000_000_000.5)
        #expect(changeScore(followUp: .infinity, baseline: 1).isInfinite)
    }

    /// Motor control: pain NRS 2.6 → 0.3, 6.4 → 4.1, … every change −2.3; general exercise:
    /// every change −1.1. In floating point both arms' changes differ in their last bits. No
    /// Welch test and no Hedges' g on a spread of rounding noise, and a change SD of 0.
    @Test func armsWhereEveryoneChangedAlikeHaveNoTest() throws {
        let motor: [(Double, Double)] = [(2.6, 0.3), (6.4, 4.1), (2.3, 0.0), (9.6, 7.3), (5.2, 2.9), (7.7, 5.4)]
        let general = [6.4, 8.3, 7.1, 9.6, 5.2, 7.7]
        #expect(Set(motor.map { $0.1 - $0.0 }).count > 1 && Set(general.map { ($0 - 1.1) - $0 }).count > 1)
        var subjects: [AnalysisSubject] = []
        for (index, (baseline, followUp)) in motor.enumerated() {
            subjects.append(AnalysisSubject(id: "M\(index)", site: "S", arm: Self.arms[0], profile: "2", subprofile: "2",
                                            characteristics: [:],
                                            measurements: ["baseline": [.painNRS: baseline], "week12": [.painNRS: followUp]]))
        }
        for (index, baseline) in general.enumerated() {
            subjects.append(AnalysisSubject(id: "G\(index)", site: "S", arm: Self.arms[1], profile: "2", subprofile: "2",
                                            characteristics: [:],
                                            measurements: ["baseline": [.painNRS: baseline], "week12": [.painNRS: baseline - 1.1]]))
        }
        let analysis = ResponseAnalysis(
            plan: AnalysisPlan(outcomes: [AnalysisPlan.defaultOutcomes[1]], timepoints: ["week12"], referenceArm: "general_exercise"),
            arms: Self.arms, order: GroupOrder(profiles: ["2"]))
        #expect(AnalysisPlan.defaultOutcomes[1].field == .painNRS)
        let comparison = try #require(analysis.comparisons(subjects).first {
            $0.group.grouping == .all && $0.approach == .completeCase
        })
        #expect(comparison.analysedArm == 6)
        #expect(comparison.welch == nil)
        #expect(comparison.hedges == nil)
        let response = try #require(analysis.rows(subjects).first {
            $0.group.grouping == .all && $0.arm == Self.arms[0] && $0.approach == .completeCase
        })
        #expect(response.change.standardDeviation == 0)
        #expect(response.change.mean == -2.3)
        // No interval of width 0 around the mean change either.
        #expect(response.changeEstimate == nil)
    }

    /// Two profiles, each arm's changes the same within the profile (−0.7 and −1.1 in profile 2,
    /// −0.3 and −1.3 in 3a, all with last-bit noise in floating point): no group difference can
    /// be estimated, so Cochran's Q has no groups, rather than Q = 60 on rounding noise.
    @Test func subgroupHeterogeneityIsNotComputedFromRoundingNoise() throws {
        let baselines = [6.4, 8.3, 7.1, 9.6, 5.2, 7.7]
        let shifts: [(profile: String, arm: Int, change: Double)] = [("2", 0, 0.7), ("2", 1, 1.1), ("3a", 0, 0.3), ("3a", 1, 1.3)]
        var subjects: [AnalysisSubject] = []
        for (cell, shift) in shifts.enumerated() {
            #expect(Set(baselines.map { ($0 - shift.change) - $0 }).count > 1, "noise in the raw differences")
            for (index, baseline) in baselines.enumerated() {
                subjects.append(AnalysisSubject(
                    id: "C\(cell)-\(index)", site: "S", arm: Self.arms[shift.arm], profile: shift.profile, subprofile: shift.profile,
                    characteristics: [:],
                    measurements: ["baseline": [.painNRS: baseline], "week12": [.painNRS: baseline - shift.change]]))
            }
        }
        let analysis = ResponseAnalysis(
            plan: AnalysisPlan(outcomes: [AnalysisPlan.defaultOutcomes[1]], timepoints: ["week12"], referenceArm: "general_exercise"),
            arms: Self.arms, order: GroupOrder(profiles: ["2", "3a"]))
        let row = try #require(analysis.interactions(subjects).first { $0.grouping == .profile })
        let motor = try #require(row.heterogeneity.first { $0.arm == Self.arms[0] })
        #expect(motor.groups.isEmpty)
        #expect(motor.heterogeneity == nil)
        #expect(row.fTest == nil, "the group means fit arm + profile exactly, up to rounding")
    }
}

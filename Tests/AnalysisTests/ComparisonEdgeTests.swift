import StudyModel
import Testing
@testable import Analysis

/// Edge cases of the comparisons and the baseline table found by recomputing the reports
/// independently: an ANCOVA that cannot adjust, and interpolated quartiles on a rounding tie.
@Suite struct ComparisonEdgeTests {
    static let arms = ChangeScoreTests.arms

    static func subject(_ id: String, arm: Int, baseline: Double, followUp: Double, age: Double? = nil) -> AnalysisSubject {
        AnalysisSubject(id: id, site: "S", arm: arms[arm], profile: "3b", subprofile: "3b",
                        characteristics: age.map { [.age: .number($0)] } ?? [:],
                        measurements: ["baseline": [.painNRS: baseline], "week6": [.painNRS: followUp]])
    }

    static let analysis = ResponseAnalysis(
        plan: AnalysisPlan(outcomes: [AnalysisPlan.defaultOutcomes[1]], timepoints: ["week6"], referenceArm: "general_exercise"),
        arms: arms, order: GroupOrder(profiles: ["3b"]))

    /// Baseline 7 in every motor-control participant and 5 in every general-exercise one: the
    /// baseline column is aliased with the arm, and the arm coefficient of what is left would be
    /// the plain difference in follow-up (−0.75), not an adjusted one. No ANCOVA; Welch stays.
    /// One baseline off the pattern gives an ANCOVA again.
    @Test(arguments: [false, true])
    func anANCOVAWhoseBaselineIsAliasedIsEmpty(separable: Bool) throws {
        let subjects = [
            Self.subject("M1", arm: 0, baseline: 7, followUp: 5), Self.subject("M2", arm: 0, baseline: 7, followUp: 4.5),
            Self.subject("G1", arm: 1, baseline: 5, followUp: 5), Self.subject("G2", arm: 1, baseline: separable ? 6 : 5, followUp: 3),
        ]
        let comparison = try #require(Self.analysis.comparisons(subjects).first {
            $0.group.grouping == .all && $0.approach == .completeCase
        })
        #expect(comparison.welch != nil)
        #expect((comparison.ancova == nil) == !separable)
    }

    /// Two outcomes on one score (an absolute and a relative responder rule) share a baseline:
    /// the table lists it once, named after the first.
    @Test func twoOutcomesOnOneScoreGiveOneBaselineRow() {
        let relative = OutcomePlan(field: .painNRS, name: "pain_relative", label: "Pain 30 %",
                                   kind: .continuous(responder: ResponderRule(kind: .relative, relative: 30)))
        let analysis = ResponseAnalysis(
            plan: AnalysisPlan(outcomes: [AnalysisPlan.defaultOutcomes[1], relative], timepoints: ["week6"], referenceArm: "general_exercise"),
            arms: Self.arms, order: GroupOrder(profiles: ["3b"]))
        let subjects = [Self.subject("M1", arm: 0, baseline: 5, followUp: 4), Self.subject("G1", arm: 1, baseline: 6, followUp: 4)]
        let variables = Set(analysis.baselineTable(subjects).map(\.variable))
        #expect(variables.filter { $0.hasPrefix("baseline_") } == ["baseline_pain_nrs"])
    }

    /// Type 7 quartiles interpolate: the lower quartile of 21.4 and 22.0 is 21.55, which floating
    /// point makes 21.549999999999997 and one decimal would print as 21.5. Rounded to 10 decimals
    /// it is the number 21.55, and prints as 21.6.
    @Test func anInterpolatedQuartileOnARoundingTieIsTheDecimalNumber() throws {
        #expect(21.4 + 0.25 * (22.0 - 21.4) != 21.55)
        let subjects = [
            Self.subject("M1", arm: 0, baseline: 5, followUp: 4, age: 21.4), Self.subject("M2", arm: 0, baseline: 6, followUp: 4, age: 22.0),
        ]
        let row = try #require(Self.analysis.baselineTable(subjects).first {
            $0.column == "all" && $0.variable == Field.age.name && $0.summary == .medianIQR
        }, "\(Self.analysis.baselineTable(subjects).map { "\($0.column) \($0.variable) \($0.summary)" })")
        #expect(row.lowerQuartile == 21.55)
        #expect(row.median == 21.7)
        #expect(row.upperQuartile == 21.85)
    }

    /// A profile whose participants have no follow-up at the visit adds no row to the interaction
    /// model: it is not among the row's groups.
    @Test func theInteractionListsOnlyGroupsWithCompleteCases() throws {
        var subjects: [AnalysisSubject] = []
        for (index, (arm, change)) in [(0, -2.0), (0, -3.0), (1, -1.0), (1, -1.5)].enumerated() {
            subjects.append(AnalysisSubject(id: "A\(index)", site: "S", arm: Self.arms[arm], profile: "2", subprofile: "2",
                                            measurements: ["baseline": [.painNRS: 6], "week6": [.painNRS: 6 + change]]))
            subjects.append(AnalysisSubject(id: "B\(index)", site: "S", arm: Self.arms[arm], profile: "3b", subprofile: "3b",
                                            measurements: ["baseline": [.painNRS: 6]]))
        }
        let analysis = ResponseAnalysis(
            plan: AnalysisPlan(outcomes: [AnalysisPlan.defaultOutcomes[1]], timepoints: ["week6"], referenceArm: "general_exercise"),
            arms: Self.arms, order: GroupOrder(profiles: ["2", "3b"]))
        let row = try #require(analysis.interactions(subjects).first { $0.grouping == .profile })
        #expect(row.groups == ["2"])
        #expect(row.observations == 4)
        #expect(row.fTest == nil)
    }

    /// A subprofile only one arm has is a row of every arm column, with 0 where the arm has none,
    /// so that the arms' rows line up in the baseline table.
    @Test func everyArmListsEverySubprofile() throws {
        let subjects = [
            AnalysisSubject(id: "M1", site: "S", arm: Self.arms[0], profile: "3b", subprofile: "3b+Y"),
            AnalysisSubject(id: "M2", site: "S", arm: Self.arms[0], profile: "3b", subprofile: "3b"),
            AnalysisSubject(id: "G1", site: "S", arm: Self.arms[1], profile: "3b", subprofile: "3b"),
        ]
        let rows = Self.analysis.baselineTable(subjects).filter { $0.variable == "subprofile" }
        for arm in Self.arms {
            let counts = rows.filter { $0.column == arm.id }.map { "\($0.category) \($0.count ?? -1)" }
            #expect(counts == (arm == Self.arms[0] ? ["3b 1", "3b+Y 1"] : ["3b 1", "3b+Y 0"]), "\(arm.id)")
        }
    }
}

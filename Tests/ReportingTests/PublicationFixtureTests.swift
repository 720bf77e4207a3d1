import Analysis
import StudyModel
import Testing
@testable import Reporting

/// A small trial written out as literal cells, run through ``ResponseAnalysis`` so the
/// publication outputs see real result types.
///
/// Arms: motor control, graded activity, general exercise (reference). Per subprofile × arm the
/// number analysed at week 12 and the number randomised without a week-12 RMDQ. Graded activity
/// has only 3 analysed in subprofile 3a (a small cell), and improves 5 RMDQ points more than the
/// others in 3b+Y (the planted interaction). GPE success follows a 5-point RMDQ improvement. Two
/// participants of profile 1 are not randomised.
enum PublicationFixture {
    struct CellSpec {
        var subprofile: String
        var arm: String
        var analysed: Int
        var withoutFollowUp: Int
        /// Mean RMDQ change (follow-up − baseline).
        var change: Double
    }

    static let arms = [
        Arm(id: "motor_control", label: "Motor control", order: 0),
        Arm(id: "graded_activity", label: "Graded activity", order: 1),
        Arm(id: "general_exercise", label: "General exercise", order: 2),
    ]

    static let cells: [CellSpec] = [
        CellSpec(subprofile: "2", arm: "motor_control", analysed: 8, withoutFollowUp: 1, change: -4.5),
        CellSpec(subprofile: "2", arm: "graded_activity", analysed: 7, withoutFollowUp: 0, change: -3),
        CellSpec(subprofile: "2", arm: "general_exercise", analysed: 8, withoutFollowUp: 1, change: -3),
        CellSpec(subprofile: "3a", arm: "motor_control", analysed: 9, withoutFollowUp: 0, change: -4.5),
        CellSpec(subprofile: "3a", arm: "graded_activity", analysed: 3, withoutFollowUp: 1, change: -3),
        CellSpec(subprofile: "3a", arm: "general_exercise", analysed: 8, withoutFollowUp: 0, change: -3),
        CellSpec(subprofile: "3b", arm: "motor_control", analysed: 10, withoutFollowUp: 1, change: -4.5),
        CellSpec(subprofile: "3b", arm: "graded_activity", analysed: 9, withoutFollowUp: 0, change: -3),
        CellSpec(subprofile: "3b", arm: "general_exercise", analysed: 10, withoutFollowUp: 0, change: -3),
        CellSpec(subprofile: "3b+Y", arm: "motor_control", analysed: 8, withoutFollowUp: 0, change: -4.5),
        CellSpec(subprofile: "3b+Y", arm: "graded_activity", analysed: 9, withoutFollowUp: 1, change: -8),
        CellSpec(subprofile: "3b+Y", arm: "general_exercise", analysed: 8, withoutFollowUp: 0, change: -3),
    ]

    static func profile(of subprofile: String) -> String {
        subprofile.hasPrefix("3b") ? "3b" : subprofile
    }

    /// Subjects: baseline RMDQ 8–18 and a follow-up that scatters −3…+3 around the cell's mean
    /// change, both whole numbers as the questionnaire gives them; sex alternates, one
    /// general-exercise participant has no recorded sex.
    static func subjects(arms: [Arm] = arms) -> [AnalysisSubject] {
        var subjects: [AnalysisSubject] = []
        var serial = 0
        for (offset, cell) in cells.enumerated() {
            let arm = arms.first { $0.id == cell.arm }
            for index in 0..<(cell.analysed + cell.withoutFollowUp) {
                serial += 1
                let baseline = 8 + Double((index * 7 + offset) % 11)
                let scatter = Double((index * 5 + offset) % 7) - 3
                var measurements: [String: [Field: Double]] = ["baseline": [.rmdq: baseline]]
                if index < cell.analysed {
                    let followUp = min(24, max(0, (baseline + cell.change + scatter).rounded()))
                    // Global perceived effect: 2 (much improved) after a 5-point improvement, else 4.
                    measurements["week12"] = [.rmdq: followUp, .gpe: baseline - followUp >= 5 ? 2 : 4]
                }
                var characteristics: [Field: Value] = [
                    .age: .number(Double(25 + (serial * 13) % 45)),
                    .durationWeeks: .number(cell.subprofile == "3a" || cell.subprofile == "2" ? 6 : 30),
                    .sex: .text(serial % 2 == 0 ? "F" : "M"),
                ]
                if serial == 20 { characteristics[.sex] = nil }
                subjects.append(AnalysisSubject(
                    id: "P\(serial)", site: "S1", arm: arm, profile: profile(of: cell.subprofile),
                    subprofile: cell.subprofile, characteristics: characteristics, measurements: measurements))
            }
        }
        for index in 0..<2 {
            subjects.append(AnalysisSubject(id: "N\(index)", site: "S1", arm: nil, profile: "1", subprofile: "1",
                                            characteristics: [.age: .number(70), .sex: .text("F")],
                                            measurements: ["baseline": [.rmdq: 12]]))
        }
        return subjects
    }

    static let plan = AnalysisPlan(
        outcomes: [AnalysisPlan.defaultOutcomes[0]], timepoints: ["week12"], referenceArm: "general_exercise")

    static func results(_ subjects: [AnalysisSubject] = subjects(), plan: AnalysisPlan = plan,
                        arms: [Arm] = arms) -> PublicationResults {
        let analysis = ResponseAnalysis(plan: plan, arms: arms, order: GroupOrder(profiles: ["1", "2", "3a", "3b"]))
        return PublicationResults(plan: plan, arms: arms, baseline: analysis.baselineTable(subjects),
                                  response: analysis.rows(subjects), comparisons: analysis.comparisons(subjects),
                                  interactions: analysis.interactions(subjects))
    }
}

/// The fixture is what the other tests assume.
@Suite struct PublicationFixtureTests {
    @Test func cellsHaveTheIntendedCounts() throws {
        let results = PublicationFixture.results()
        for cell in PublicationFixture.cells {
            let row = try #require(results.response.first {
                $0.group == GroupKey(.subprofile, cell.subprofile) && $0.arm.id == cell.arm && $0.approach == .completeCase
            })
            #expect(row.analysed == cell.analysed)
            #expect(row.randomised == cell.analysed + cell.withoutFollowUp)
        }
    }

    @Test func plantedInteractionIsVisibleInTheFTest() throws {
        let results = PublicationFixture.results()
        let row = try #require(results.interactions.first { $0.grouping == .subprofile })
        let test = try #require(row.fTest)
        #expect(test.pValue < 0.01)
        #expect(row.groups == ["2", "3a", "3b", "3b+Y"])
    }
}

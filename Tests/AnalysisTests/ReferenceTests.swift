import Foundation
import Statistics
import StudyModel
import Testing
@testable import Analysis

/// The analysis against values computed independently by `Fixtures/make_reference.py`
/// (numpy, scipy, statsmodels) on the seeded data stored in the same fixture.
@Suite struct ReferenceTests {
    struct Fixture: Decodable {
        struct Subject: Decodable {
            let id: String
            let arm: String
            let profile: String
            let subprofile: String
            let baseline: Double
            let week12: Double?
            let gpe: Double?
        }

        let subjects: [Subject]
        let response: [[String: JSONValue]]
        let comparisons: [[String: JSONValue]]
        let interaction: [[String: JSONValue]]
    }

    indirect enum JSONValue: Decodable {
        case number(Double)
        case text(String)
        case object([String: JSONValue])

        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Double.self) {
                self = .number(number)
            } else if let text = try? container.decode(String.self) {
                self = .text(text)
            } else {
                self = .object(try container.decode([String: JSONValue].self))
            }
        }

        var number: Double? { if case .number(let value) = self { value } else { nil } }
        var text: String? { if case .text(let value) = self { value } else { nil } }
        subscript(key: String) -> JSONValue? { if case .object(let value) = self { value[key] } else { nil } }
    }

    static let arms = [
        Arm(id: "motor_control", label: "Motor control", order: 0),
        Arm(id: "graded_activity", label: "Graded activity", order: 1),
        Arm(id: "general_exercise", label: "General exercise", order: 2),
    ]

    let fixture: Fixture
    let analysis: ResponseAnalysis
    let subjects: [AnalysisSubject]

    init() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/reference.json")
        fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
        let plan = AnalysisPlan(
            outcomes: [AnalysisPlan.defaultOutcomes[0], AnalysisPlan.defaultOutcomes[3]],
            timepoints: ["week12"], referenceArm: "general_exercise")
        analysis = ResponseAnalysis(plan: plan, arms: Self.arms, order: GroupOrder(profiles: ["1", "2", "3a", "3b"]))
        subjects = fixture.subjects.map { subject in
            var measurements: [String: [Field: Double]] = ["baseline": [.rmdq: subject.baseline]]
            var followUp: [Field: Double] = [:]
            followUp[.rmdq] = subject.week12
            followUp[.gpe] = subject.gpe
            measurements["week12"] = followUp
            return AnalysisSubject(id: subject.id, site: "S1", arm: Self.arms.first { $0.id == subject.arm },
                                   profile: subject.profile, subprofile: subject.subprofile, measurements: measurements)
        }
    }

    /// Relative tolerance 1e-9 (1e-7 for iterative quantities), as the project's correctness bar
    /// asks: within `tolerance · max(|expected|, scale)`. `scale` (0 unless given) is an absolute
    /// floor, in the quantity's units, for a value that is legitimately near 0 only by
    /// cancellation (a difference of means, an interval limit of a difference).
    func close(_ actual: Double?, _ expected: Double?, _ what: String, tolerance: Double = 1e-9, scale: Double = 0,
               sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        guard let expected else { return }
        guard let actual else {
            Issue.record("\(what): missing, expected \(expected)", sourceLocation: sourceLocation)
            return
        }
        let within = actual == expected || abs(actual - expected) <= tolerance * max(abs(expected), scale)
        #expect(within, "\(what): \(actual) vs \(expected)", sourceLocation: sourceLocation)
    }

    @Test func responseCellsMatchReference() throws {
        let rows = analysis.rows(subjects)
        var checked = 0
        for expected in fixture.response {
            let grouping = try #require(expected["grouping"]?.text.flatMap(Grouping.init(rawValue:)))
            let group = try #require(expected["group"]?.text)
            let arm = try #require(expected["arm"]?.text)
            let outcome = try #require(expected["outcome"]?.text)
            let approach = try #require(expected["approach"]?.text.flatMap(MissingDataApproach.init(rawValue:)))
            let row = try #require(rows.first {
                $0.group == GroupKey(grouping, group) && $0.arm.id == arm && $0.outcome == outcome && $0.approach == approach
            }, "no row for \(grouping) \(group) \(arm) \(outcome) \(approach)")
            let what = "\(group)/\(arm)/\(outcome)/\(approach.rawValue)"
            #expect(row.randomised == Int(expected["randomised"]?.number ?? -1), "\(what) randomised")
            if let analysed = expected["analysed"]?.number { #expect(row.analysed == Int(analysed), "\(what) analysed") }
            if let missing = expected["missing"]?.number { #expect(row.missing == Int(missing), "\(what) missing") }
            #expect(row.imputed == Int(expected["imputed"]?.number ?? -1), "\(what) imputed")
            close(row.baseline.mean, expected["baseline_mean"]?.number, "\(what) baseline mean")
            close(row.baseline.standardDeviation, expected["baseline_sd"]?.number, "\(what) baseline sd")
            close(row.followUp.mean, expected["followup_mean"]?.number, "\(what) follow-up mean")
            close(row.followUp.standardDeviation, expected["followup_sd"]?.number, "\(what) follow-up sd")
            close(row.changeEstimate?.mean, expected["change_mean"]?.number, "\(what) change mean")
            close(row.changeEstimate?.standardDeviation, expected["change_sd"]?.number, "\(what) change sd")
            close(row.changeEstimate?.interval.lower, expected["change_lower"]?.number, "\(what) change lower", tolerance: 1e-7)
            close(row.changeEstimate?.interval.upper, expected["change_upper"]?.number, "\(what) change upper", tolerance: 1e-7)
            close(row.standardisedResponseMean, expected["srm"]?.number, "\(what) SRM")
            if let responders = expected["responders"]?.number {
                #expect(row.responders == Int(responders), "\(what) responders")
                #expect(row.responderTotal == Int(expected["responder_total"]?.number ?? -1), "\(what) responder total")
                close(row.responderInterval?.lower, expected["wilson_lower"]?.number, "\(what) Wilson lower")
                close(row.responderInterval?.upper, expected["wilson_upper"]?.number, "\(what) Wilson upper")
            }
            checked += 1
        }
        #expect(checked > 100)
    }

    @Test func comparisonsMatchReference() throws {
        let rows = analysis.comparisons(subjects)
        for expected in fixture.comparisons {
            let grouping = try #require(expected["grouping"]?.text.flatMap(Grouping.init(rawValue:)))
            let group = try #require(expected["group"]?.text)
            let arm = try #require(expected["arm"]?.text)
            let approach = try #require(expected["approach"]?.text.flatMap(MissingDataApproach.init(rawValue:)))
            let row = try #require(rows.first {
                $0.group == GroupKey(grouping, group) && $0.arm.id == arm && $0.outcome == "rmdq"
                    && $0.timepoint == "week12" && $0.approach == approach
            })
            let what = "\(group)/\(arm)/\(approach.rawValue)"
            #expect(row.reference.id == "general_exercise")
            if let analysed = expected["n_arm"]?.number { #expect(row.analysedArm == Int(analysed), "\(what) n arm") }
            if let analysed = expected["n_reference"]?.number { #expect(row.analysedReference == Int(analysed), "\(what) n reference") }
            // What each approach leaves out: BOCF has no responders, NRI no change scores.
            #expect((row.welch == nil) == (expected["welch_difference"] == nil), "\(what) Welch present")
            #expect((row.riskDifference == nil) == (expected["rd"] == nil), "\(what) RD present")
            checkNumberNeededToTreat(row.numberNeededToTreat, expected, what)
            close(row.welch?.difference, expected["welch_difference"]?.number, "\(what) Welch difference")
            close(row.welch?.degreesOfFreedom, expected["welch_df"]?.number, "\(what) Welch df")
            close(row.welch?.interval.lower, expected["welch_lower"]?.number, "\(what) Welch lower", tolerance: 1e-7)
            close(row.welch?.interval.upper, expected["welch_upper"]?.number, "\(what) Welch upper", tolerance: 1e-7)
            close(row.welch?.pValue, expected["welch_p"]?.number, "\(what) Welch p", tolerance: 1e-7)
            close(row.ancova?.estimate, expected["ancova_estimate"]?.number, "\(what) ANCOVA estimate")
            close(row.ancova?.standardError, expected["ancova_se"]?.number, "\(what) ANCOVA SE")
            close(row.ancova?.interval.lower, expected["ancova_lower"]?.number, "\(what) ANCOVA lower", tolerance: 1e-7)
            close(row.ancova?.interval.upper, expected["ancova_upper"]?.number, "\(what) ANCOVA upper", tolerance: 1e-7)
            close(row.ancova?.pValue, expected["ancova_p"]?.number, "\(what) ANCOVA p", tolerance: 1e-7)
            close(row.hedges?.g, expected["hedges_g"]?.number, "\(what) Hedges g")
            close(row.hedges?.standardError, expected["hedges_se"]?.number, "\(what) Hedges SE")
            close(row.hedges?.interval.lower, expected["hedges_lower"]?.number, "\(what) Hedges lower", tolerance: 1e-7)
            close(row.hedges?.interval.upper, expected["hedges_upper"]?.number, "\(what) Hedges upper", tolerance: 1e-7)
            close(row.riskDifference?.difference, expected["rd"]?.number, "\(what) RD")
            close(row.riskDifference?.interval.lower, expected["rd_lower"]?.number, "\(what) RD lower", tolerance: 1e-7)
            close(row.riskDifference?.interval.upper, expected["rd_upper"]?.number, "\(what) RD upper", tolerance: 1e-7)
            close(row.riskRatio?.ratio, expected["rr"]?.number, "\(what) RR")
            close(row.riskRatio?.interval.lower, expected["rr_lower"]?.number, "\(what) RR lower", tolerance: 1e-7)
            close(row.riskRatio?.interval.upper, expected["rr_upper"]?.number, "\(what) RR upper", tolerance: 1e-7)
        }
        #expect(fixture.comparisons.count == 54)
        #expect(Set(fixture.comparisons.compactMap { $0["approach"]?.text }) == ["complete_case", "bocf", "nri"])
    }

    /// The NNT against the fixture's risk difference and Newcombe limits, as Altman (1998)
    /// derives it: the reciprocal of each, on the benefit or the harm side, through infinity when
    /// the interval holds 0.
    func checkNumberNeededToTreat(_ nnt: NumberNeededToTreat?, _ expected: [String: JSONValue], _ what: String,
                                  sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        guard let difference = expected["nnt_rd"]?.number, let lower = expected["nnt_rd_lower"]?.number,
              let upper = expected["nnt_rd_upper"]?.number
        else {
            #expect(nnt == nil, "\(what): an NNT without a risk difference", sourceLocation: sourceLocation)
            return
        }
        guard let nnt else {
            Issue.record("\(what): no NNT", sourceLocation: sourceLocation)
            return
        }
        switch nnt.estimate {
        case .benefit(let value): close(value, difference > 0 ? 1 / difference : nil, "\(what) NNTB", sourceLocation: sourceLocation)
        case .harm(let value): close(value, difference < 0 ? -1 / difference : nil, "\(what) NNTH", sourceLocation: sourceLocation)
        case .infinite: #expect(difference == 0, "\(what): NNT ∞ for RD \(difference)", sourceLocation: sourceLocation)
        }
        #expect((difference > 0) == { if case .benefit = nnt.estimate { true } else { false } }(), "\(what) NNT side",
                sourceLocation: sourceLocation)
        switch nnt.interval {
        case .benefit(let from, let to):
            #expect(lower > 0, "\(what): a benefit interval for RD limits \(lower), \(upper)", sourceLocation: sourceLocation)
            close(from, 1 / upper, "\(what) NNTB from", tolerance: 1e-7, sourceLocation: sourceLocation)
            close(to, 1 / lower, "\(what) NNTB to", tolerance: 1e-7, sourceLocation: sourceLocation)
        case .harm(let from, let to):
            #expect(upper < 0, "\(what): a harm interval for RD limits \(lower), \(upper)", sourceLocation: sourceLocation)
            close(from, -1 / lower, "\(what) NNTH from", tolerance: 1e-7, sourceLocation: sourceLocation)
            close(to, -1 / upper, "\(what) NNTH to", tolerance: 1e-7, sourceLocation: sourceLocation)
        case .throughInfinity(let benefit, let harm):
            #expect(lower <= 0 && upper >= 0, "\(what): through ∞ for RD limits \(lower), \(upper)", sourceLocation: sourceLocation)
            close(benefit, 1 / upper, "\(what) NNTB limit", tolerance: 1e-7, sourceLocation: sourceLocation)
            close(harm, -1 / lower, "\(what) NNTH limit", tolerance: 1e-7, sourceLocation: sourceLocation)
        }
    }

    /// The units may be computed in any order (a run spreads them over threads): the tables are
    /// the same, in report order. Response rows by group, arm, outcome, timepoint, approach;
    /// comparisons by group, outcome, timepoint, approach, arm.
    @Test func unitsInAnyOrderGiveTheTablesInReportOrder() throws {
        let prepared = analysis.prepare(subjects)
        let units = analysis.units(prepared)
        var results = [ResponseUnitResult?](repeating: nil, count: units.count)
        for index in units.indices.reversed() { results[index] = analysis.result(units[index], prepared) }
        let tables = analysis.tables(units, results: results.compactMap { $0 })
        #expect(tables.rows == analysis.rows(prepared))
        #expect(tables.comparisons == analysis.comparisons(prepared))
        #expect(tables.rows.count > 100)
        #expect(!tables.comparisons.isEmpty)

        let groups = units.map(\.key).reduce(into: [GroupKey]()) { if $0.last != $1 { $0.append($1) } }
        #expect(Set(groups).count == groups.count, "each group's units are consecutive")
        let outcomes = analysis.plan.outcomes.map(\.name)
        func position<T: Equatable>(_ value: T, in list: [T]) -> Int { list.firstIndex(of: value) ?? -1 }
        let rowKeys = tables.rows.map { row in
            [position(row.group, in: groups), position(row.arm, in: analysis.arms),
             position(row.outcome, in: outcomes), position(row.timepoint, in: analysis.plan.timepoints),
             position(row.approach, in: MissingDataApproach.allCases)]
        }
        #expect(rowKeys.allSatisfy { !$0.contains(-1) })
        #expect(rowKeys == rowKeys.sorted { $0.lexicographicallyPrecedes($1) })
        let comparisonKeys = tables.comparisons.map { row in
            [position(row.group, in: groups), position(row.outcome, in: outcomes),
             position(row.timepoint, in: analysis.plan.timepoints),
             position(row.approach, in: MissingDataApproach.allCases), position(row.arm, in: analysis.arms)]
        }
        #expect(comparisonKeys.allSatisfy { !$0.contains(-1) })
        #expect(comparisonKeys == comparisonKeys.sorted { $0.lexicographicallyPrecedes($1) })
    }

    @Test func interactionFTestMatchesReference() throws {
        let rows = analysis.interactions(subjects)
        for expected in fixture.interaction {
            let grouping = try #require(expected["grouping"]?.text.flatMap(Grouping.init(rawValue:)))
            let row = try #require(rows.first { $0.grouping == grouping && $0.outcome == "rmdq" })
            let test = try #require(row.fTest)
            #expect(row.observations == Int(expected["observations"]?.number ?? -1))
            #expect(test.numeratorDegreesOfFreedom == Int(expected["df_num"]?.number ?? -1))
            #expect(test.denominatorDegreesOfFreedom == Int(expected["df_den"]?.number ?? -1))
            close(test.f, expected["f"]?.number, "\(grouping) F")
            close(test.pValue, expected["p"]?.number, "\(grouping) p", tolerance: 1e-7)
            #expect(row.label == "exploratory")
            let expectedHeterogeneity = try #require(expected["heterogeneity"])
            #expect(row.heterogeneity.map(\.arm.id) == ["motor_control", "graded_activity"])
            for arm in row.heterogeneity {
                let reference = try #require(expectedHeterogeneity[arm.arm.id])
                let result = try #require(arm.heterogeneity)
                #expect(arm.groups == row.groups)
                #expect(result.degreesOfFreedom == Int(reference["df"]?.number ?? -1))
                close(result.q, reference["q"]?.number, "\(grouping) \(arm.arm.id) Q")
                close(result.pValue, reference["p"]?.number, "\(grouping) \(arm.arm.id) Q p", tolerance: 1e-7)
                close(result.iSquared, reference["i2"]?.number, "\(grouping) \(arm.arm.id) I2")
            }
        }
    }
}

@Suite struct ResponderRuleTests {
    let ostelo = ResponderRule(kind: .either, absolute: 5, relative: 0.30)

    @Test(arguments: [
        (10.0, 5.0, true), (10.0, 6.0, true), (10.0, 7.0, true), (10.0, 7.5, false),  // 30 % of 10 is 3
        (20.0, 15.0, true), (20.0, 16.0, false), (0.0, 0.0, false), (3.0, 2.0, true),
        (34.3, 24.3, true), (8.2, 6.2, false), (6.6, 4.62, true), (6.6, 4.63, false),
    ])
    func eitherAbsoluteOrRelative(baseline: Double, followUp: Double, expected: Bool) {
        #expect(ostelo.isResponder(baseline: baseline, followUp: followUp) == expected)
    }

    @Test(arguments: [(34.3, 24.3), (50.7, 40.7), (8.2, 6.2), (7.3, 5.3)])
    func decimalScoresMeetAbsoluteThresholdsExactly(baseline: Double, followUp: Double) {
        let rule = ResponderRule(kind: .absolute, absolute: baseline > 20 ? 10 : 2)
        #expect(rule.isResponder(baseline: baseline, followUp: followUp))
    }

    @Test func baselineZeroIsNeverAResponder() {
        for kind in ResponderRule.Kind.allCases {
            let rule = ResponderRule(kind: kind, absolute: 0, relative: 0)
            #expect(!rule.isResponder(baseline: 0, followUp: 0), "\(kind)")
        }
    }
}

import Foundation
import Testing
@testable import Statistics

@Suite("Proportions, risk difference, risk ratio and NNT")
struct ProportionTests {
    private func proportion(_ successes: Int, _ trials: Int) throws -> Proportion {
        try #require(Proportion(successes: successes, trials: trials))
    }

    @Test("Wilson intervals match statsmodels, including 0/n and n/n")
    func wilson() throws {
        let reference = try Reference.load()
        #expect(reference.wilson.count >= 30)
        for row in reference.wilson {
            let proportion = try #require(Proportion(successes: row.successes, trials: row.trials))
            let interval = try #require(proportion.wilsonInterval(level: row.level))
            let label = "\(row.successes)/\(row.trials) at \(row.level)"
            expectClose(interval.lower, row.lower, scale: 1e-15, "\(label) lower")
            expectClose(interval.upper, row.upper, "\(label) upper")
        }
    }

    @Test("Newcombe (1998) Wilson examples: 81/263 and 15/148")
    func newcombeWilsonExamples() throws {
        let a = try #require(Proportion(successes: 81, trials: 263)?.wilsonInterval())
        #expect(abs(a.lower - 0.2553) < 5e-5 && abs(a.upper - 0.3662) < 5e-5)
        let b = try #require(Proportion(successes: 15, trials: 148)?.wilsonInterval())
        #expect(abs(b.lower - 0.0624) < 5e-5 && abs(b.upper - 0.1605) < 5e-5)
    }

    @Test("Newcombe hybrid score intervals match statsmodels")
    func newcombe() throws {
        let reference = try Reference.load()
        #expect(reference.newcombe.count >= 20)
        for row in reference.newcombe {
            let first = try #require(Proportion(successes: row.successes1, trials: row.trials1))
            let second = try #require(Proportion(successes: row.successes2, trials: row.trials2))
            let difference = try #require(ProportionDifference(first, second, level: row.level))
            let label = "\(row.successes1)/\(row.trials1) − \(row.successes2)/\(row.trials2) at \(row.level)"
            expectClose(difference.difference, row.difference, scale: 1e-15, "\(label) difference")
            expectClose(difference.interval.lower, row.lower, scale: 1e-12, "\(label) lower")
            expectClose(difference.interval.upper, row.upper, scale: 1e-12, "\(label) upper")
        }
    }

    @Test("Newcombe (1998) difference examples: 56/70 − 48/80 and 9/10 − 3/10")
    func newcombeDifferenceExamples() throws {
        let first = try #require(ProportionDifference(try proportion(56, 70), try proportion(48, 80)))
        #expect(abs(first.interval.lower - 0.0524) < 5e-5)
        #expect(abs(first.interval.upper - 0.3339) < 5e-5)
        let second = try #require(ProportionDifference(try proportion(9, 10), try proportion(3, 10)))
        #expect(abs(second.interval.lower - 0.1705) < 5e-5)
        #expect(abs(second.interval.upper - 0.8090) < 5e-5)
    }

    @Test("Katz risk ratio matches statsmodels' Table2x2, with and without the 0.5 rule")
    func riskRatio() throws {
        let reference = try Reference.load()
        #expect(reference.riskRatio.count >= 10)
        for row in reference.riskRatio {
            let first = try #require(Proportion(successes: row.successes1, trials: row.trials1))
            let second = try #require(Proportion(successes: row.successes2, trials: row.trials2))
            let label = "\(row.successes1)/\(row.trials1) ÷ \(row.successes2)/\(row.trials2), correction \(row.correction)"
            let actual = RiskRatio(first, second, zeroCellCorrection: row.correction)
            guard let expected = row.expected else {
                #expect(actual == nil, "\(label) should be undefined")
                continue
            }
            let ratio = try #require(actual, "\(label)")
            expectClose(ratio.ratio, expected.ratio, "\(label) ratio")
            expectClose(ratio.standardErrorOfLog, expected.standardErrorOfLog, scale: 1e-15, "\(label) SE")
            expectClose(ratio.interval.lower, expected.lower, "\(label) lower")
            expectClose(ratio.interval.upper, expected.upper, "\(label) upper")
            #expect(ratio.appliedCorrection == expected.appliedCorrection, "\(label)")
        }
    }

    /// 6/6 against 6/6: the Katz SE is 0, so no interval; one group below n/n has one, and the
    /// ½ rule, which counts a table of only events as one with zero cells, gives one too
    /// (√(2 · (1/6.5 − 1/7)) ≈ 0.1482).
    @Test("a risk ratio of two groups with only events has no interval")
    func riskRatioOfOnlyEvents() throws {
        let all = try #require(Proportion(successes: 6, trials: 6))
        #expect(RiskRatio(all, all) == nil)
        let most = try #require(Proportion(successes: 5, trials: 6))
        let ratio = try #require(RiskRatio(all, most))
        expectClose(ratio.standardErrorOfLog, (1.0 / 5 - 1.0 / 6).squareRoot(), "SE")
        let corrected = try #require(RiskRatio(all, all, zeroCellCorrection: 0.5))
        expectClose(corrected.standardErrorOfLog, (2 * (1 / 6.5 - 1.0 / 7)).squareRoot(), "SE with the ½ rule")
        #expect(corrected.ratio == 1)
    }

    /// 5/8 against 4/11 is 55/32 = 1.71875: the ratio is that binary number, not
    /// exp(log p₁ − log p₂) = 1.7187499999999998.
    @Test("a risk ratio that is an exact fraction is that number")
    func riskRatioIsExact() throws {
        let ratio = try #require(RiskRatio(try proportion(5, 8), try proportion(4, 11)))
        #expect(ratio.ratio == 1.71875)
        expectClose(ratio.logRatio, log(1.71875), relative: 1e-15, "log ratio")
    }

    @Test("invalid proportions and levels are rejected")
    func invalid() throws {
        #expect(Proportion(successes: 0, trials: 0) == nil)
        #expect(Proportion(successes: 3, trials: 2) == nil)
        #expect(Proportion(successes: -1, trials: 2) == nil)
        let p = try #require(Proportion(successes: 1, trials: 2))
        #expect(p.wilsonInterval(level: 1) == nil)
        #expect(ProportionDifference(p, p, level: 0) == nil)
        #expect(RiskRatio(p, p, zeroCellCorrection: -0.5) == nil)
        let zero = try #require(Proportion(successes: 0, trials: 5))
        #expect(zero.wilsonInterval()?.lower == 0)
        let all = try #require(Proportion(successes: 5, trials: 5))
        #expect(all.wilsonInterval()?.upper == 1)
    }
}

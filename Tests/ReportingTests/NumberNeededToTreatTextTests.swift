import Testing
import Statistics
@testable import Reporting

/// The NNT as the reports write it (Altman 1998), from the structured values Statistics gives.
@Suite struct NumberNeededToTreatTextTests {
    private func proportion(_ successes: Int, _ trials: Int) throws -> Proportion {
        try #require(Proportion(successes: successes, trials: trials))
    }

    @Test("NNT renders Altman's interval through infinity")
    func nntThroughInfinity() throws {
        // RD 0.2381 (NNTB 4.2) with interval −0.04 to 0.4762 (NNTH 25.0 and NNTB 2.1).
        let interval = ConfidenceInterval(lower: -0.04, upper: 0.4762, level: 0.95)
        let nnt = try #require(NumberNeededToTreat(riskDifference: 0.2381, interval: interval))
        #expect(nnt.formatted() == "NNTB 4.2 (NNTB 2.1 to ∞ to NNTH 25.0)")
        #expect(nnt.interval == .throughInfinity(benefit: 1 / 0.4762, harm: 25))
    }

    @Test("NNT when the interval excludes 0, and at the boundaries")
    func nntCases() throws {
        let benefit = try #require(NumberNeededToTreat(
            riskDifference: 0.2, interval: ConfidenceInterval(lower: 0.1, upper: 0.4, level: 0.95)
        ))
        #expect(benefit.formatted() == "NNTB 5.0 (NNTB 2.5 to 10.0)")
        let harm = try #require(NumberNeededToTreat(
            riskDifference: -0.125, interval: ConfidenceInterval(lower: -0.25, upper: -0.05, level: 0.95)
        ))
        #expect(harm.formatted() == "NNTH 8.0 (NNTH 4.0 to 20.0)")
        let none = try #require(NumberNeededToTreat(
            riskDifference: 0, interval: ConfidenceInterval(lower: -0.1, upper: 0.2, level: 0.95)
        ))
        #expect(none.formatted() == "NNT ∞ (NNTB 5.0 to ∞ to NNTH 10.0)")
        let touching = try #require(NumberNeededToTreat(
            riskDifference: 0.1, interval: ConfidenceInterval(lower: 0, upper: 0.2, level: 0.95)
        ))
        #expect(touching.formattedInterval() == "NNTB 5.0 to ∞")
        #expect(NumberNeededToTreat(
            riskDifference: 0.5, interval: ConfidenceInterval(lower: 0, upper: 0.2, level: 0.95)
        ) == nil)
        #expect(NumberNeededToTreat(
            riskDifference: .nan, interval: ConfidenceInterval(lower: 0, upper: 0.2, level: 0.95)
        ) == nil)
    }

    @Test("NNT from Newcombe's 9/10 vs 3/10 and for an adverse outcome")
    func nntFromDifference() throws {
        let difference = try #require(ProportionDifference(try proportion(9, 10), try proportion(3, 10)))
        let nnt = try #require(NumberNeededToTreat(difference))
        // RD 0.6 (0.1705 to 0.8090): NNTB 1.7 (1.2 to 5.9).
        #expect(nnt.formatted() == "NNTB 1.7 (NNTB 1.2 to 5.9)")
        let adverse = try #require(NumberNeededToTreat(difference, higherIsBenefit: false))
        #expect(adverse.formatted() == "NNTH 1.7 (NNTH 1.2 to 5.9)")
        #expect(nnt.formatted(decimals: 0) == "NNTB 2 (NNTB 1 to 6)")
    }

    /// 22/26 against 13/15 differ by exactly −8/390, an NNT of 48.75; the reciprocal of the
    /// difference in binary is 48.74999999999991, so the estimate comes from the counts.
    @Test("an NNT from counts is exact and a tie rounds half away from zero")
    func nntTieRoundsUp() throws {
        let difference = try #require(ProportionDifference(try proportion(22, 26), try proportion(13, 15)))
        #expect(1 / difference.difference != -48.75)
        let nnt = try #require(NumberNeededToTreat(difference))
        #expect(nnt.estimate == .harm(48.75))
        #expect(nnt.formattedEstimate() == "NNTH 48.8")
        let adverse = try #require(NumberNeededToTreat(difference, higherIsBenefit: false))
        #expect(adverse.estimate == .benefit(48.75))
        // From a rounded difference: 38/59 − 34/51 in binary gives 44.24999999999997, the tie
        // 44.25 it stands for, as the other numbers of the reports round it.
        let rounded = 38.0 / 59 - 34.0 / 51
        let fromDifference = try #require(NumberNeededToTreat(
            riskDifference: rounded, interval: ConfidenceInterval(lower: -0.2, upper: 0.1, level: 0.95)
        ))
        #expect(fromDifference.formattedEstimate() == "NNTH 44.3")
    }
}

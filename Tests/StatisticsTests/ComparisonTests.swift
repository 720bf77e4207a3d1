import Testing
@testable import Statistics

@Suite("Two-sample comparisons of means")
struct ComparisonTests {
    private func check(_ actual: TwoSampleTTest?, _ expected: Reference.TwoSampleRow.Expected?, _ label: String) throws {
        guard let expected else {
            #expect(actual == nil, "\(label) should be undefined")
            return
        }
        let actual = try #require(actual, "\(label)")
        expectClose(actual.difference, expected.difference, scale: expected.standardError, "\(label) difference")
        expectClose(actual.standardError, expected.standardError, "\(label) SE")
        expectClose(actual.degreesOfFreedom, expected.degreesOfFreedom, "\(label) df")
        expectClose(actual.t, expected.t, scale: 1e-12, "\(label) t")
        expectClose(actual.pValue, expected.pValue, "\(label) p")
        expectClose(actual.interval.lower, expected.lower, scale: expected.standardError, "\(label) lower")
        expectClose(actual.interval.upper, expected.upper, scale: expected.standardError, "\(label) upper")
    }

    @Test("Welch and pooled t match scipy.stats.ttest_ind, including undefined cases")
    func tTests() throws {
        let reference = try Reference.load()
        #expect(reference.twoSample.count >= 10)
        for row in reference.twoSample {
            let first = Moments(reference.sample(row.first))
            let second = Moments(reference.sample(row.second))
            let label = "\(row.first) vs \(row.second) at \(row.level)"
            try check(TwoSampleTTest.welch(first, second, level: row.level), row.welch, "Welch \(label)")
            try check(TwoSampleTTest.pooled(first, second, level: row.level), row.pooled, "pooled \(label)")
        }
    }

    @Test("the difference is first minus second and the tests agree for equal sizes and variances")
    func orientation() throws {
        let a = Moments([5, 6, 7, 8, 9])
        let b = Moments([1, 2, 3, 4, 5])
        let welch = try #require(TwoSampleTTest.welch(a, b))
        let pooled = try #require(TwoSampleTTest.pooled(a, b))
        #expect(welch.difference == 4)
        #expect(welch.t > 0)
        // Equal n and equal variances: Welch's SE and df reduce to the pooled ones (df = 8).
        expectClose(welch.standardError, pooled.standardError, relative: 1e-14, "SE")
        expectClose(welch.degreesOfFreedom, 8, relative: 1e-14, "df")
        #expect(TwoSampleTTest.welch(Moments(), b) == nil)
        #expect(TwoSampleTTest.pooled(Moments([1]), Moments([2])) == nil)
    }

    @Test("Hedges' g matches the transcribed Borenstein formulas and statsmodels' approximation")
    func hedges() throws {
        let reference = try Reference.load()
        #expect(reference.hedges.count >= 3)
        for row in reference.hedges {
            let first = Moments(reference.sample(row.first))
            let second = Moments(reference.sample(row.second))
            let label = "\(row.first) vs \(row.second)"
            let exact = try #require(HedgesG(first, second), "\(label)")
            expectClose(exact.cohensD, row.cohensD, "\(label) d")
            expectClose(exact.correctionFactor, row.correctionFactor, "\(label) J")
            expectClose(exact.g, row.g, "\(label) g")
            expectClose(exact.standardError, row.standardError, "\(label) SE")
            expectClose(exact.interval.lower, row.lower, scale: row.standardError, "\(label) lower")
            expectClose(exact.interval.upper, row.upper, scale: row.standardError, "\(label) upper")
            let approximate = try #require(HedgesG(first, second, correction: .approximate), "\(label)")
            expectClose(approximate.correctionFactor, row.approximateCorrectionFactor, "\(label) approximate J")
            expectClose(approximate.g, row.approximateG, "\(label) approximate g (statsmodels)")
        }
    }

    @Test("Hedges' exact correction for 12 + 12 is 0.9654507 (domain brief)")
    func hedgesPublishedCorrection() throws {
        let factor = try #require(HedgesG.correctionFactor(degreesOfFreedom: 22))
        #expect(abs(factor - 0.965_450_7) < 5e-8)
        let approximate = try #require(HedgesG.correctionFactor(degreesOfFreedom: 22, .approximate))
        #expect(approximate == 1 - 3.0 / 87)
        // J approaches 1 from below for large samples without losing accuracy.
        let large = try #require(HedgesG.correctionFactor(degreesOfFreedom: 1e8))
        expectClose(1 - large, 3.0 / (4e8 - 1), relative: 1e-6, "1 − J at 1e8 df")
        #expect(HedgesG.correctionFactor(degreesOfFreedom: 1) == nil)
    }

    @Test("Hedges' g is undefined without spread or with too few values")
    func hedgesEdgeCases() {
        #expect(HedgesG(Moments([1, 1, 1]), Moments([2, 2, 2])) == nil)
        #expect(HedgesG(Moments([1, 2]), Moments([3])) == nil)
        #expect(HedgesG(Moments(), Moments([1, 2, 3, 4])) == nil)
        #expect(HedgesG(Moments([1, 2]), Moments([3, 5])) != nil)
    }
}

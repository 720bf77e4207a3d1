import Testing
@testable import Statistics

@Suite("Contingency tables and one-way ANOVA")
struct ContingencyTests {
    @Test("Fisher's exact test matches scipy.stats.fisher_exact")
    func fisher() throws {
        let reference = try Reference.load()
        #expect(reference.fisher.count >= 30)
        for row in reference.fisher {
            let table = try #require(TwoByTwoTable(a: row.table[0], b: row.table[1], c: row.table[2], d: row.table[3]))
            let alternative: FisherExactTest.Alternative = switch row.alternative {
            case "less": .less
            case "greater": .greater
            default: .twoSided
            }
            let test = FisherExactTest(table, alternative: alternative)
            let label = "\(row.table) \(row.alternative)"
            expectClose(test.pValue, row.pValue, "\(label) p")
            switch row.oddsRatio {
            case .value(let value): expectClose(test.oddsRatio, value, "\(label) odds ratio")
            case .infinity: #expect(test.oddsRatio == .infinity, "\(label)")
            case .undefined: #expect(test.oddsRatio == nil, "\(label)")
            }
        }
    }

    @Test("Fisher's two-sided p counts equally likely tables despite rounding")
    func fisherTies() throws {
        // Symmetric margins: the mirror table has exactly the observed probability.
        let table = try #require(TwoByTwoTable(a: 3, b: 1, c: 1, d: 3))
        let p = FisherExactTest(table).pValue
        // P(a = 3) = P(a = 1) = 16/70, P(a = 4) = P(a = 0) = 1/70: p = 34/70.
        expectClose(p, 34.0 / 70, relative: 1e-14, "symmetric table")
        #expect(TwoByTwoTable(a: -1, b: 0, c: 0, d: 0) == nil)
    }

    @Test("Pearson chi-square (with and without Yates) matches scipy.stats.chi2_contingency")
    func chiSquare() throws {
        let reference = try Reference.load()
        #expect(reference.chiSquare.count >= 10)
        for row in reference.chiSquare {
            let test = try #require(ChiSquareTest(row.table, yatesCorrection: row.yatesCorrection))
            let label = "\(row.table) Yates \(row.yatesCorrection)"
            expectClose(test.statistic, row.statistic, scale: 1e-14, "\(label) statistic")
            #expect(test.degreesOfFreedom == row.degreesOfFreedom, "\(label)")
            expectClose(test.pValue, row.pValue, "\(label) p")
            #expect(test.yatesCorrected == (row.yatesCorrection && row.degreesOfFreedom == 1), "\(label)")
            for (actualRow, expectedRow) in zip(test.expected, row.expected) {
                for (actual, expected) in zip(actualRow, expectedRow) {
                    expectClose(actual, expected, "\(label) expected count")
                }
            }
        }
    }

    @Test("chi-square rejects tables without a test")
    func chiSquareInvalid() {
        #expect(ChiSquareTest([[1, 2]]) == nil)
        #expect(ChiSquareTest([[1], [2]]) == nil)
        #expect(ChiSquareTest([[1, 2], [3]]) == nil)
        #expect(ChiSquareTest([[1, -2], [3, 4]]) == nil)
        #expect(ChiSquareTest([[0, 5], [0, 7]]) == nil)
        // Smallest expected count: row total 6 times column total 5 over 21.
        #expect(ChiSquareTest([[1, 2, 3], [4, 5, 6]])?.minimumExpected == 6.0 * 5 / 21)
    }

    @Test("one-way ANOVA matches scipy.stats.f_oneway")
    func anova() throws {
        let reference = try Reference.load()
        #expect(reference.anova.count >= 3)
        for row in reference.anova {
            let groups = row.groups.map { Moments(reference.sample($0)) }
            let test = try #require(OneWayANOVA(groups), "\(row.groups)")
            expectClose(test.f, row.f, "\(row.groups) F")
            expectClose(test.pValue, row.pValue, "\(row.groups) p")
            #expect(test.degreesOfFreedomBetween == row.degreesOfFreedomBetween)
            #expect(test.degreesOfFreedomWithin == row.degreesOfFreedomWithin)
        }
    }

    @Test("ANOVA edge cases: empty groups skipped, constant groups undefined, merged shards agree")
    func anovaEdgeCases() throws {
        let a = Moments([1, 2, 3, 4])
        let b = Moments([2, 4, 6, 9])
        let with = try #require(OneWayANOVA([a, Moments(), b]))
        let without = try #require(OneWayANOVA([a, b]))
        #expect(with == without)
        #expect(with.groupCount == 2)
        #expect(OneWayANOVA([a]) == nil)
        #expect(OneWayANOVA([Moments([1, 1]), Moments([2, 2])]) == nil)
        #expect(OneWayANOVA([Moments([1]), Moments([2])]) == nil)
        // Two groups: F equals the square of the pooled t statistic.
        let t = try #require(TwoSampleTTest.pooled(a, b))
        expectClose(without.f, t.t * t.t, relative: 1e-13, "F = t²")
        expectClose(without.pValue, t.pValue, relative: 1e-12, "p(F) = p(t)")
    }
}

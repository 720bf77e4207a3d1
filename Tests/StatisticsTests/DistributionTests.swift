import Testing
@testable import Statistics

/// CDF, survival function and quantiles against mpmath references (50 digits), far into the tails.
@Suite("Distributions")
struct DistributionTests {
    /// The distribution of a fixture row; records an issue when the parameters are rejected.
    private func distribution(_ family: String, df: Double?, df1: Double?, df2: Double?) -> (any ContinuousDistribution)? {
        switch family {
        case "normal": return Normal.standard
        case "t": return df.flatMap { StudentT(degreesOfFreedom: $0) }
        case "chiSquared": return df.flatMap { ChiSquared(degreesOfFreedom: $0) }
        case "f":
            guard let df1, let df2 else { return nil }
            return FisherF(numeratorDegreesOfFreedom: df1, denominatorDegreesOfFreedom: df2)
        default: return nil
        }
    }

    @Test("cdf and survival match the reference to 1e-9 relative", arguments: ["normal", "t", "chiSquared", "f"])
    func tails(family: String) throws {
        let rows = try #require(try Reference.load().distributions[family])
        #expect(rows.count >= 15)
        for row in rows {
            let label = "\(family)(\(row.df ?? row.df1 ?? 0), \(row.df2 ?? 0)) at \(row.x)"
            let d = try #require(distribution(family, df: row.df, df1: row.df1, df2: row.df2), "\(label)")
            expectClose(d.cdf(row.x), row.cdf, "\(label) cdf")
            expectClose(d.survival(row.x), row.sf, "\(label) sf")
        }
    }

    @Test("quantile and upper quantile match the reference to 1e-9 relative", arguments: ["normal", "t", "chiSquared", "f"])
    func quantiles(family: String) throws {
        let rows = try #require(try Reference.load().quantiles[family])
        #expect(rows.count >= 10)
        for row in rows {
            let label = "\(family)(\(row.df ?? row.df1 ?? 0), \(row.df2 ?? 0)) at p = \(row.p)"
            let d = try #require(distribution(family, df: row.df, df1: row.df1, df2: row.df2), "\(label)")
            expectClose(d.quantile(row.p), row.ppf, "\(label) quantile")
            expectClose(d.upperQuantile(row.p), row.isf, "\(label) upper quantile")
        }
    }

    @Test("the smallest tails keep their relative accuracy")
    func farTails() throws {
        // Φ(−37) from the fixture (mpmath), reached from both tails.
        let rows = try #require(try Reference.load().distributions["normal"])
        let row = try #require(rows.first { $0.x == -37 })
        #expect(row.cdf < 1e-298)
        expectClose(Normal.standard.cdf(-37), row.cdf, "Φ(−37)")
        expectClose(Normal.standard.survival(37), row.cdf, "1 − Φ(37)")
        // A t tail at 1e-12 and below with fractional df.
        let t = try #require(StudentT(degreesOfFreedom: 7.3))
        let q = t.upperQuantile(1e-12)
        expectClose(t.survival(q), 1e-12, "t(7.3) survival at its 1e-12 quantile")
        // With fewer than 2 df the tail is still far above 1e-300 where t²/ν would overflow:
        // ½ I_{ν/(ν+t²)}(ν/2, ½) in mpmath at 60 digits.
        for (df, value, expected) in [(1.5, 1e155, 1.1924482405556578e-233), (0.5, 1e160, 3.207009754142229e-81),
                                      (1.2, 1e200, 3.3507534400366564e-241), (1.5, 1e160, 3.7708524320162464e-241)] {
            let heavy = try #require(StudentT(degreesOfFreedom: df))
            expectClose(heavy.survival(value), expected, "t(\(df)) survival at \(value)")
            expectClose(heavy.cdf(-value), expected, "t(\(df)) cdf at -\(value)")
            expectClose(heavy.survival(heavy.upperQuantile(expected)), expected, relative: 1e-7, "t(\(df)) upper quantile of \(expected)")
        }
        // Far below the mode of a large shape, where the prefactor is taken from a ratio: the
        // regularised gamma and beta in mpmath at 80 digits (gammainc; the hyp2f1 series).
        for (df, x, expected) in [(20.0, 2e-9, 2.7557319198933782e-97), (20, 2e-7, 2.7557316718775167e-77),
                                  (40, 1e-6, 3.9199024830041176e-145), (100, 1e-4, 2.9201425691684551e-280)] {
            let chi = try #require(ChiSquared(degreesOfFreedom: df))
            expectClose(chi.cdf(x), expected, "chi-square(\(df)) cdf at \(x)")
        }
        for (df, f, expected) in [(20.0, 1e8, 9.2377983204001617e-76), (50, 1e8, 6.3205272831718453e-187)] {
            let fisher = try #require(FisherF(numeratorDegreesOfFreedom: df, denominatorDegreesOfFreedom: df))
            expectClose(fisher.survival(f), expected, "F(\(df), \(df)) survival at \(f)")
        }
    }

    @Test("special cases: infinite df is normal, df 1 and 2 closed forms, symmetry")
    func specialCases() throws {
        let infinite = try #require(StudentT(degreesOfFreedom: .infinity))
        #expect(infinite.cdf(1.5) == Normal.standard.cdf(1.5))
        #expect(infinite.upperQuantile(1e-20) == Normal.standard.upperQuantile(1e-20))
        let cauchy = try #require(StudentT(degreesOfFreedom: 1))
        expectClose(cauchy.upperQuantile(0.025), 12.706204736174704, relative: 1e-12, "t(1) 0.975 quantile")
        let two = try #require(StudentT(degreesOfFreedom: 2))
        // t(2): sf(t) = ½ − t / (2√(2 + t²)); at t = √2 that is ½ − √2/4.
        expectClose(two.survival(2.0.squareRoot()), 0.5 - 2.0.squareRoot() / 4, "t(2) sf at √2")
        let t = try #require(StudentT(degreesOfFreedom: 11.41))
        for p in [1e-9, 0.01, 0.3] {
            #expect(t.quantile(p) == -t.upperQuantile(p))
        }
        #expect(Normal.twoSidedCriticalValue(level: 0.95) == Normal.standard.upperQuantile(0.5 * (1 - 0.95)))
        expectClose(Normal.twoSidedCriticalValue(level: 0.95), 1.959963984540054, relative: 1e-15, "z 0.975")
        let shifted = try #require(Normal(mean: 10, standardDeviation: 2))
        #expect(shifted.cdf(12) == Normal.standard.cdf(1))
        #expect(shifted.survival(4) == Normal.standard.survival(-3))
        #expect(shifted.upperQuantile(1e-8) == 10 + 2 * Normal.standard.upperQuantile(1e-8))
        expectClose(shifted.density(10), 0.19947114020071635, relative: 1e-15, "N(10, 2) density at the mean")
        let chi = try #require(ChiSquared(degreesOfFreedom: 2))
        // χ²(2) is exponential with mean 2: sf(x) = exp(−x/2).
        expectClose(chi.survival(60), 9.357622968840175e-14, "χ²(2) sf at 60")
    }

    @Test("invalid parameters are rejected, and NaN and infinities follow the contract")
    func contract() throws {
        #expect(StudentT(degreesOfFreedom: 0) == nil)
        #expect(StudentT(degreesOfFreedom: -1) == nil)
        #expect(StudentT(degreesOfFreedom: .nan) == nil)
        #expect(ChiSquared(degreesOfFreedom: .infinity) == nil)
        #expect(FisherF(numeratorDegreesOfFreedom: 1, denominatorDegreesOfFreedom: 0) == nil)
        #expect(Normal(mean: 0, standardDeviation: 0) == nil)
        #expect(Normal(mean: .nan, standardDeviation: 1) == nil)

        let all: [any ContinuousDistribution] = [
            Normal.standard,
            try #require(StudentT(degreesOfFreedom: 4.5)),
            try #require(ChiSquared(degreesOfFreedom: 3)),
            try #require(FisherF(numeratorDegreesOfFreedom: 2, denominatorDegreesOfFreedom: 9)),
        ]
        for d in all {
            #expect(d.cdf(.nan).isNaN)
            #expect(d.survival(.nan).isNaN)
            #expect(d.quantile(.nan).isNaN)
            #expect(d.quantile(-0.1).isNaN)
            #expect(d.upperQuantile(1.5).isNaN)
            #expect(d.cdf(-.infinity) == 0)
            #expect(d.cdf(.infinity) == 1)
            #expect(d.survival(.infinity) == 0)
            #expect(d.survival(-.infinity) == 1)
            #expect(d.quantile(1) == .infinity)
            #expect(d.upperQuantile(0) == .infinity)
        }
        #expect(Normal.standard.quantile(0) == -.infinity)
        #expect(try #require(ChiSquared(degreesOfFreedom: 3)).quantile(0) == 0)
        #expect(try #require(ChiSquared(degreesOfFreedom: 3)).cdf(-1) == 0)
    }

    @Test("log-gamma, log-beta and the incomplete functions at known values")
    func specialFunctions() {
        expectClose(SpecialFunctions.logGamma(0.5), 0.5723649429247001, relative: 1e-15, "log Γ(½) = log √π")
        expectClose(SpecialFunctions.logGamma(171.5), 709.1431630309282, relative: 1e-14, "log Γ(171.5)")
        expectClose(SpecialFunctions.logBeta(1e6, 0.5), -6.335390211057437, relative: 1e-13, "log B(1e6, ½)")
        #expect(SpecialFunctions.logGamma(0).isNaN)
        #expect(SpecialFunctions.logGamma(-1).isNaN)
        // I_x(1, 1) = x, and P(1, x) = 1 − e^−x.
        let beta = SpecialFunctions.regularizedBeta(1, 1, x: 0.3)
        expectClose(beta.lower, 0.3, relative: 1e-15, "I_0.3(1, 1)")
        expectClose(beta.upper, 0.7, relative: 1e-15, "1 − I_0.3(1, 1)")
        let gamma = SpecialFunctions.regularizedGamma(1, 50)
        expectClose(gamma.upper, 1.9287498479639178e-22, relative: 1e-14, "Q(1, 50) = e^−50")
        #expect(SpecialFunctions.regularizedBeta(0, 1, x: 0.5).lower.isNaN)
        #expect(SpecialFunctions.regularizedGamma(1, -1).lower.isNaN)
    }
}

import Testing
@testable import Statistics

@Suite("Heterogeneity and pooling")
struct MetaAnalysisTests {
    /// BCG vaccine trials (metafor's dat.bcg): vaccinated TB+, TB−, control TB+, TB−.
    static let bcg: [(tpos: Int, tneg: Int, cpos: Int, cneg: Int)] = [
        (4, 119, 11, 128), (6, 300, 29, 274), (3, 228, 11, 209), (62, 13536, 248, 12619),
        (33, 5036, 47, 5761), (180, 1361, 372, 1079), (8, 2537, 10, 619), (505, 87886, 499, 87892),
        (29, 7470, 45, 7232), (17, 1699, 65, 1600), (186, 50448, 141, 27197), (5, 2493, 3, 2338),
        (27, 16886, 29, 17825),
    ]

    /// Log risk ratios with Katz SEs, as metafor's `escalc(measure = "RR")`.
    private func bcgEstimates() throws -> [StudyEstimate] {
        try Self.bcg.map { trial in
            let vaccinated = try #require(Proportion(successes: trial.tpos, trials: trial.tpos + trial.tneg))
            let control = try #require(Proportion(successes: trial.cpos, trials: trial.cpos + trial.cneg))
            let ratio = try #require(RiskRatio(vaccinated, control))
            return try #require(StudyEstimate(estimate: ratio.logRatio, standardError: ratio.standardErrorOfLog))
        }
    }

    @Test("BCG vaccine: DerSimonian-Laird log RR −0.7141 (−1.0644 to −0.3638), τ² 0.3088, I² 92.12 %, FE −0.4303")
    func bcgPublished() throws {
        let analysis = try #require(MetaAnalysis(try bcgEstimates()))
        #expect(abs(analysis.randomEffects.estimate - -0.7141) < 5e-5)
        #expect(abs(analysis.randomEffects.interval.lower - -1.0644) < 5e-5)
        #expect(abs(analysis.randomEffects.interval.upper - -0.3638) < 5e-5)
        #expect(abs(analysis.heterogeneity.tauSquared - 0.3088) < 5e-5)
        let iSquared = try #require(analysis.heterogeneity.iSquared)
        #expect(abs(iSquared * 100 - 92.12) < 5e-3)
        #expect(abs(analysis.fixedEffect.estimate - -0.4303) < 5e-5)
        #expect(analysis.heterogeneity.degreesOfFreedom == 12)
    }

    @Test("the BCG counts in the test are the fixture's")
    func bcgCountsMatchFixture() throws {
        let row = try #require(try Reference.load().meta.first { $0.name == "bcg" })
        let counts = try #require(row.counts)
        #expect(counts == Self.bcg.map { [$0.tpos, $0.tneg, $0.cpos, $0.cneg] })
        let estimates = try bcgEstimates()
        for (index, estimate) in estimates.enumerated() {
            expectClose(estimate.estimate, row.estimates[index], "trial \(index + 1) log RR")
            expectClose(estimate.standardError, row.standardErrors[index], "trial \(index + 1) SE")
        }
    }

    /// "dominant" (one study's SE 1e-9) is computed from the formulas in 60-digit arithmetic: the
    /// DerSimonian–Laird denominator must not cancel away when one weight dominates.
    @Test("pooling matches statsmodels' combine_effects (DL)", arguments: [
        "bcg", "subgroups", "subgroups90", "homogeneous", "random", "dominant",
    ])
    func againstReference(name: String) throws {
        let row = try #require(try Reference.load().meta.first { $0.name == name })
        let studies = try zip(row.estimates, row.standardErrors).map {
            try #require(StudyEstimate(estimate: $0, standardError: $1))
        }
        let analysis = try #require(MetaAnalysis(studies, level: row.level))
        let heterogeneity = analysis.heterogeneity
        expectClose(heterogeneity.q, row.q, "\(name) Q")
        #expect(heterogeneity.degreesOfFreedom == row.degreesOfFreedom)
        expectClose(heterogeneity.pValue, row.qPValue, "\(name) p(Q)")
        check(analysis.fixedEffect, row.fixedEffect, "\(name) fixed")
        if let random = row.randomEffects, let tauSquared = row.tauSquared, let iSquared = row.iSquared {
            expectClose(heterogeneity.tauSquared, tauSquared, "\(name) τ²")
            expectClose(heterogeneity.iSquared, iSquared, "\(name) I²")
            check(analysis.randomEffects, random, "\(name) random")
        } else {
            // Q ≤ k − 1: τ² and I² are truncated at 0 and random effects equal the fixed effect.
            #expect(heterogeneity.q <= Double(heterogeneity.degreesOfFreedom))
            #expect(heterogeneity.tauSquared == 0)
            #expect(heterogeneity.iSquared == 0)
            check(analysis.randomEffects, row.fixedEffect, "\(name) random = fixed")
        }
    }

    private func check(_ actual: PooledEstimate, _ expected: Reference.MetaRow.Pooled, _ label: String) {
        expectClose(actual.estimate, expected.estimate, scale: expected.standardError, "\(label) estimate")
        expectClose(actual.standardError, expected.standardError, "\(label) SE")
        expectClose(actual.interval.lower, expected.lower, scale: expected.standardError, "\(label) lower")
        expectClose(actual.interval.upper, expected.upper, scale: expected.standardError, "\(label) upper")
        expectClose(actual.z, expected.z, scale: 1e-12, "\(label) z")
        expectClose(actual.pValue, expected.pValue, "\(label) p")
    }

    @Test("edge cases: no estimates, one estimate, identical estimates, invalid SE")
    func edgeCases() throws {
        #expect(MetaAnalysis([]) == nil)
        #expect(Heterogeneity([]) == nil)
        #expect(StudyEstimate(estimate: 1, standardError: 0) == nil)
        // A weight of 1/SE² that overflows would leave every pooled value NaN.
        #expect(StudyEstimate(estimate: 1, standardError: 1e-160) == nil)
        #expect(StudyEstimate(estimate: 1, standardError: 1e-150) != nil)
        #expect(StudyEstimate(estimate: .nan, standardError: 1) == nil)
        #expect(StudyEstimate(estimate: 1, standardError: .infinity) == nil)

        let single = try #require(StudyEstimate(estimate: 0.3, standardError: 0.1))
        let one = try #require(MetaAnalysis([single]))
        #expect(one.fixedEffect.estimate == 0.3)
        expectClose(one.fixedEffect.standardError, 0.1, relative: 1e-15, "single SE")
        #expect(one.randomEffects == one.fixedEffect)
        #expect(one.heterogeneity.q == 0)
        #expect(one.heterogeneity.pValue == nil)
        #expect(one.heterogeneity.iSquared == nil)
        #expect(one.heterogeneity.tauSquared == 0)

        let same = try (0..<3).map { _ in try #require(StudyEstimate(estimate: 0.5, standardError: 0.2)) }
        let identical = try #require(Heterogeneity(same))
        #expect(identical.q == 0)
        #expect(identical.iSquared == 0)
        #expect(identical.pValue == 1)
        #expect(MetaAnalysis(same, level: 1.2) == nil)
    }
}

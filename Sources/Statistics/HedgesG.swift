#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Hedges' g: the standardised mean difference with the small-sample bias correction, and its
/// approximate normal confidence interval.
///
/// Estimator (Hedges and Olkin 1985; Borenstein et al. 2009, ch. 4):
/// - `d = (x̄₁ − x̄₂) / sₚ` with the pooled SD `sₚ² = ((n₁ − 1)s₁² + (n₂ − 1)s₂²) / (n₁ + n₂ − 2)`;
/// - `g = J · d` with `J` the bias correction at `ν = n₁ + n₂ − 2` degrees of freedom, by default
///   exact, `J(ν) = Γ(ν/2) / (√(ν/2) Γ((ν − 1)/2))` (0.9654507 for 12 + 12), or the usual
///   approximation `1 − 3 / (4ν − 1) = 1 − 3 / (4(n₁ + n₂) − 9)` (0.9655172 for 12 + 12);
/// - `Var(d) = (n₁ + n₂) / (n₁ n₂) + d² / (2(n₁ + n₂))`, `SE(g) = J · √Var(d)`;
/// - interval `g ± z(1 − α/2) · SE(g)` (normal approximation).
public struct HedgesG: Hashable, Sendable {
    /// How the bias correction `J` is computed.
    public enum Correction: String, Hashable, Sendable {
        /// `J = Γ(ν/2) / (√(ν/2) Γ((ν − 1)/2))`.
        case exact
        /// `J ≈ 1 − 3 / (4ν − 1)`.
        case approximate
    }

    /// Cohen's d, the uncorrected standardised difference `(x̄₁ − x̄₂) / sₚ`.
    public let cohensD: Double
    /// The bias correction factor `J`.
    public let correctionFactor: Double
    /// Hedges' g, `J · d`.
    public let g: Double
    /// Approximate standard error of `g`.
    public let standardError: Double
    /// Normal-approximation interval for `g`.
    public let interval: ConfidenceInterval
    /// Which correction was used.
    public let correction: Correction

    /// Hedges' g of `first` versus `second` (positive when the first mean is larger).
    ///
    /// - Returns: `nil` when either sample is empty, `n₁ + n₂ < 4` (`ν < 2`, where `J` is 0 or
    ///   undefined), the pooled SD is 0 (identical values in both groups), a state is not finite,
    ///   or `level` is not in `(0, 1)`.
    public init?(_ first: Moments, _ second: Moments, level: Double = 0.95, correction: Correction = .exact) {
        guard isValidLevel(level), first.isFinite, second.isFinite,
              let mean1 = first.mean, let mean2 = second.mean
        else { return nil }
        let n1 = Double(first.count)
        let n2 = Double(second.count)
        let degreesOfFreedom = n1 + n2 - 2
        guard degreesOfFreedom >= 2,
              let factor = HedgesG.correctionFactor(degreesOfFreedom: degreesOfFreedom, correction)
        else { return nil }
        let pooledVariance = (first.sumOfSquaredDeviations + second.sumOfSquaredDeviations) / degreesOfFreedom
        guard pooledVariance > 0 else { return nil }
        let d = (mean1 - mean2) / pooledVariance.squareRoot()
        let varianceOfD = (n1 + n2) / (n1 * n2) + d * d / (2 * (n1 + n2))
        let standardError = factor * varianceOfD.squareRoot()
        let z = Normal.twoSidedCriticalValue(level: level)
        cohensD = d
        correctionFactor = factor
        g = factor * d
        self.standardError = standardError
        interval = ConfidenceInterval(lower: g - z * standardError, upper: g + z * standardError, level: level)
        self.correction = correction
    }

    /// The bias correction `J(ν)` for `ν ≥ 2` degrees of freedom (`n₁ + n₂ − 2`); `nil` below 2
    /// or for non-finite `ν`.
    ///
    /// The exact form is evaluated as `√π / (B((ν − 1)/2, ½) · √(ν/2))`, which equals the gamma
    /// ratio and stays accurate for large `ν` (where `J → 1`).
    public static func correctionFactor(degreesOfFreedom: Double, _ correction: Correction = .exact) -> Double? {
        guard degreesOfFreedom >= 2, degreesOfFreedom.isFinite else { return nil }
        switch correction {
        case .exact:
            let logFactor = 0.5 * log(Double.pi)
                - SpecialFunctions.logBeta(0.5 * (degreesOfFreedom - 1), 0.5)
                - 0.5 * log(0.5 * degreesOfFreedom)
            return exp(logFactor)
        case .approximate:
            return 1 - 3 / (4 * degreesOfFreedom - 1)
        }
    }
}

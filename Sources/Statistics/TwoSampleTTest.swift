/// A two-sample t comparison of means: difference, standard error, degrees of freedom,
/// t statistic, two-sided p-value and confidence interval for the difference.
///
/// The difference is always `first − second` (mean of the first sample minus the second).
public struct TwoSampleTTest: Hashable, Sendable {
    /// Which variance assumption the test used.
    public enum Method: String, Hashable, Sendable {
        /// Welch's unequal-variance test with Welch–Satterthwaite degrees of freedom.
        case welch
        /// Student's pooled-variance test, `n₁ + n₂ − 2` degrees of freedom.
        case pooled
    }

    /// The variance assumption used.
    public let method: Method
    /// `x̄₁ − x̄₂`.
    public let difference: Double
    /// Standard error of the difference.
    public let standardError: Double
    /// Degrees of freedom (not an integer for Welch).
    public let degreesOfFreedom: Double
    /// `difference / standardError`.
    public let t: Double
    /// Two-sided p-value `2 · P(T > |t|)`.
    public let pValue: Double
    /// Confidence interval for the difference, `difference ± t(1 − α/2, df) · SE`.
    public let interval: ConfidenceInterval

    /// Welch's test: `SE = √(s₁²/n₁ + s₂²/n₂)`,
    /// `df = SE⁴ / ((s₁²/n₁)² / (n₁ − 1) + (s₂²/n₂)² / (n₂ − 1))` (Welch–Satterthwaite).
    ///
    /// - Returns: `nil` when either sample has fewer than 2 values, either state is not finite,
    ///   both variances are 0 (SE = 0: no t statistic), or `level` is not in `(0, 1)`. One
    ///   zero-variance sample is fine: the degrees of freedom are then those of the other.
    public static func welch(_ first: Moments, _ second: Moments, level: Double = 0.95) -> TwoSampleTTest? {
        guard isValidLevel(level), first.isFinite, second.isFinite,
              let mean1 = first.mean, let mean2 = second.mean,
              let variance1 = first.variance, let variance2 = second.variance
        else { return nil }
        let part1 = variance1 / Double(first.count)
        let part2 = variance2 / Double(second.count)
        let varianceOfDifference = part1 + part2
        guard varianceOfDifference > 0 else { return nil }
        let degreesOfFreedom = varianceOfDifference * varianceOfDifference
            / (part1 * part1 / Double(first.count - 1) + part2 * part2 / Double(second.count - 1))
        return TwoSampleTTest(
            method: .welch,
            difference: mean1 - mean2,
            standardError: varianceOfDifference.squareRoot(),
            degreesOfFreedom: degreesOfFreedom,
            level: level
        )
    }

    /// Student's pooled-variance test: `s²ₚ = ((n₁ − 1)s₁² + (n₂ − 1)s₂²) / (n₁ + n₂ − 2)`,
    /// `SE = sₚ √(1/n₁ + 1/n₂)`, `df = n₁ + n₂ − 2`.
    ///
    /// - Returns: `nil` when either sample is empty, `n₁ + n₂ < 3`, either state is not finite,
    ///   the pooled variance is 0, or `level` is not in `(0, 1)`. A sample of one value is allowed
    ///   (it contributes to the mean, not to the pooled variance).
    public static func pooled(_ first: Moments, _ second: Moments, level: Double = 0.95) -> TwoSampleTTest? {
        guard isValidLevel(level), first.isFinite, second.isFinite,
              let mean1 = first.mean, let mean2 = second.mean
        else { return nil }
        let degreesOfFreedom = first.count + second.count - 2
        guard degreesOfFreedom > 0 else { return nil }
        let pooledVariance = (first.sumOfSquaredDeviations + second.sumOfSquaredDeviations)
            / Double(degreesOfFreedom)
        guard pooledVariance > 0 else { return nil }
        let standardError = (pooledVariance * (1 / Double(first.count) + 1 / Double(second.count))).squareRoot()
        return TwoSampleTTest(
            method: .pooled,
            difference: mean1 - mean2,
            standardError: standardError,
            degreesOfFreedom: Double(degreesOfFreedom),
            level: level
        )
    }

    private init?(method: Method, difference: Double, standardError: Double, degreesOfFreedom: Double, level: Double) {
        guard let distribution = StudentT(degreesOfFreedom: degreesOfFreedom),
              let interval = ConfidenceInterval.t(estimate: difference, standardError: standardError,
                                                  degreesOfFreedom: degreesOfFreedom, level: level)
        else { return nil }
        self.method = method
        self.difference = difference
        self.standardError = standardError
        self.degreesOfFreedom = degreesOfFreedom
        t = difference / standardError
        pValue = distribution.twoSidedPValue(t)
        self.interval = interval
    }

    /// The interval of ``difference`` at another `level` (same t distribution and standard error).
    public func interval(level: Double) -> ConfidenceInterval? {
        ConfidenceInterval.t(estimate: difference, standardError: standardError, degreesOfFreedom: degreesOfFreedom, level: level)
    }
}

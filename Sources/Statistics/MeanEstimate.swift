/// A sample mean with its standard error and two-sided t confidence interval.
///
/// Estimator: `x̄ ± t(1 − α/2, n − 1) · s / √n` with `s` the sample standard deviation
/// (`n − 1` denominator).
public struct MeanEstimate: Hashable, Sendable {
    /// Number of values.
    public let count: Int
    /// Sample mean.
    public let mean: Double
    /// Sample standard deviation (`n − 1` denominator).
    public let standardDeviation: Double
    /// Standard error of the mean, `s / √n`.
    public let standardError: Double
    /// Degrees of freedom of the t interval, `n − 1`.
    public let degreesOfFreedom: Double
    /// The t interval for the mean. Zero width when all values are identical.
    public let interval: ConfidenceInterval

    /// The estimate for a sample summarised by `moments`.
    ///
    /// - Returns: `nil` when `count < 2` (no variance, no interval), when the state is not finite
    ///   (NaN input), or when `level` is not in `(0, 1)`. Identical values give `s = 0` and the
    ///   degenerate interval `[x̄, x̄]`.
    public init?(_ moments: Moments, level: Double = 0.95) {
        guard isValidLevel(level), moments.isFinite,
              let mean = moments.mean,
              let standardDeviation = moments.standardDeviation,
              let standardError = moments.standardErrorOfMean,
              let distribution = StudentT(degreesOfFreedom: Double(moments.count - 1))
        else { return nil }
        let critical = distribution.twoSidedCriticalValue(level: level)
        count = moments.count
        self.mean = mean
        self.standardDeviation = standardDeviation
        self.standardError = standardError
        degreesOfFreedom = Double(moments.count - 1)
        interval = ConfidenceInterval(
            lower: mean - critical * standardError,
            upper: mean + critical * standardError,
            level: level
        )
    }
}

extension Moments {
    /// The standardised response mean, `mean change / SD of change`, for a state holding change
    /// scores (a later measurement minus an earlier one, or any paired difference).
    ///
    /// Returns `nil` when `count < 2`, when the standard deviation is 0 (all changes identical:
    /// the ratio is undefined, not infinite), or when the state is not finite.
    public var standardisedResponseMean: Double? {
        guard isFinite, let mean, let standardDeviation, standardDeviation > 0 else { return nil }
        return mean / standardDeviation
    }
}

/// A two-sided confidence interval `[lower, upper]` at a confidence level such as 0.95.
public struct ConfidenceInterval: Hashable, Sendable {
    /// Lower limit.
    public let lower: Double
    /// Upper limit.
    public let upper: Double
    /// Confidence level in `(0, 1)`, e.g. 0.95.
    public let level: Double

    public init(lower: Double, upper: Double, level: Double) {
        self.lower = lower
        self.upper = upper
        self.level = level
    }

    /// Whether `value` lies in the closed interval.
    public func contains(_ value: Double) -> Bool {
        lower <= value && value <= upper
    }

    /// `upper − lower`.
    public var width: Double {
        upper - lower
    }

    /// `estimate ± t(1 − α/2, df) · SE`, the interval of a t statistic; nil when there is no t
    /// distribution with `degreesOfFreedom` or `level` is not in `(0, 1)`.
    public static func t(estimate: Double, standardError: Double, degreesOfFreedom: Double,
                         level: Double) -> ConfidenceInterval? {
        guard isValidLevel(level), let distribution = StudentT(degreesOfFreedom: degreesOfFreedom) else { return nil }
        let critical = distribution.twoSidedCriticalValue(level: level)
        return ConfidenceInterval(lower: estimate - critical * standardError, upper: estimate + critical * standardError,
                                  level: level)
    }
}

/// Whether `level` is a usable confidence level: finite and strictly between 0 and 1.
func isValidLevel(_ level: Double) -> Bool {
    level > 0 && level < 1
}

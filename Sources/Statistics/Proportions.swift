#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A binomial proportion: `successes` out of `trials`.
public struct Proportion: Hashable, Sendable {
    /// Number of successes (events).
    public let successes: Int
    /// Number of trials (the denominator).
    public let trials: Int

    /// `nil` unless `trials > 0` and `0 ≤ successes ≤ trials`. An empty group has no proportion.
    public init?(successes: Int, trials: Int) {
        guard trials > 0, successes >= 0, successes <= trials else { return nil }
        self.successes = successes
        self.trials = trials
    }

    /// The sample proportion `successes / trials`.
    public var estimate: Double {
        Double(successes) / Double(trials)
    }

    /// The Wilson score interval (Wilson 1927; Newcombe 1998 method 3), without continuity
    /// correction:
    /// `(p̂ + z²/2n ± z √(p̂(1 − p̂)/n + z²/4n²)) / (1 + z²/n)`.
    ///
    /// Well defined for 0/n and n/n: the lower limit is exactly 0 for 0/n and the upper limit
    /// exactly 1 for n/n (the formula's values, set exactly so rounding cannot leave 1e-17).
    /// `nil` only when `level` is not in `(0, 1)`.
    public func wilsonInterval(level: Double = 0.95) -> ConfidenceInterval? {
        guard isValidLevel(level) else { return nil }
        let z = Normal.twoSidedCriticalValue(level: level)
        let n = Double(trials)
        let p = estimate
        let zSquared = z * z
        let denominator = 1 + zSquared / n
        let centre = (p + zSquared / (2 * n)) / denominator
        let halfWidth = z * (p * (1 - p) / n + zSquared / (4 * n * n)).squareRoot() / denominator
        let lower = successes == 0 ? 0 : max(0, centre - halfWidth)
        let upper = successes == trials ? 1 : min(1, centre + halfWidth)
        return ConfidenceInterval(lower: lower, upper: upper, level: level)
    }
}

/// The difference between two independent proportions, `p₁ − p₂`, with Newcombe's hybrid score
/// interval (Newcombe 1998, method 10).
///
/// With Wilson limits `(l₁, u₁)` and `(l₂, u₂)` for each proportion and `D = p₁ − p₂`:
/// `L = D − √((p₁ − l₁)² + (u₂ − p₂)²)`, `U = D + √((u₁ − p₁)² + (p₂ − l₂)²)`.
/// Defined for every valid pair of proportions, including 0/n and n/n in either group; the
/// limits stay within `[−1, 1]`.
public struct ProportionDifference: Hashable, Sendable {
    /// The first proportion (e.g. the comparison group).
    public let first: Proportion
    /// The second proportion (e.g. the reference group).
    public let second: Proportion
    /// `p₁ − p₂`.
    public let difference: Double
    /// Newcombe's hybrid score interval for the difference.
    public let interval: ConfidenceInterval

    /// `nil` only when `level` is not in `(0, 1)`.
    public init?(_ first: Proportion, _ second: Proportion, level: Double = 0.95) {
        guard let wilson1 = first.wilsonInterval(level: level),
              let wilson2 = second.wilsonInterval(level: level)
        else { return nil }
        let p1 = first.estimate
        let p2 = second.estimate
        let d = p1 - p2
        let lowerDistance = ((p1 - wilson1.lower) * (p1 - wilson1.lower)
            + (wilson2.upper - p2) * (wilson2.upper - p2)).squareRoot()
        let upperDistance = ((wilson1.upper - p1) * (wilson1.upper - p1)
            + (p2 - wilson2.lower) * (p2 - wilson2.lower)).squareRoot()
        self.first = first
        self.second = second
        difference = d
        interval = ConfidenceInterval(lower: d - lowerDistance, upper: d + upperDistance, level: level)
    }
}

/// The ratio of two independent proportions, `p₁ / p₂`, with the log-scale (Katz) interval.
///
/// `log RR ± z · SE`, `SE = √(1/x₁ − 1/n₁ + 1/x₂ − 1/n₂)` (Katz et al. 1978), back-transformed.
public struct RiskRatio: Hashable, Sendable {
    /// `p₁ / p₂` (after any zero-cell correction), computed as `(x₁ n₂) / (n₁ x₂)`.
    public let ratio: Double
    /// `log(p₁ / p₂)`.
    public let logRatio: Double
    /// Standard error of `logRatio`.
    public let standardErrorOfLog: Double
    /// Interval for the ratio, `exp(logRatio ± z · SE)`.
    public let interval: ConfidenceInterval
    /// The amount added to every cell, or 0 when no correction was applied.
    public let appliedCorrection: Double

    /// The risk ratio of `first` to `second`.
    ///
    /// Zero cells: with `zeroCellCorrection == 0` (the default) the ratio is returned without
    /// correction whenever both groups have at least one event (a group with every trial an
    /// event is fine: its term `1/x − 1/n` is 0), and `nil` when either group has no events
    /// (the ratio is 0 or undefined and the Katz SE infinite) or when every trial of both groups
    /// is an event (the Katz SE is 0: an interval of width 0 is no interval). With
    /// `zeroCellCorrection = c > 0`, a table with any zero cell (events or non-events in either group) gets `c` added to all
    /// four cells, so each denominator grows by `2c`: the "add ½ to tables with a zero" rule of
    /// RevMan and metafor (`add = 1/2, to = "only0"`); tables without a zero cell are untouched.
    /// Also `nil` when `level` is not in `(0, 1)` or `zeroCellCorrection` is negative or not finite.
    public init?(_ first: Proportion, _ second: Proportion, level: Double = 0.95, zeroCellCorrection: Double = 0) {
        guard isValidLevel(level), zeroCellCorrection >= 0, zeroCellCorrection.isFinite else { return nil }
        var x1 = Double(first.successes)
        var n1 = Double(first.trials)
        var x2 = Double(second.successes)
        var n2 = Double(second.trials)
        var correction = 0.0
        let hasZeroCell = first.successes == 0 || second.successes == 0
            || first.successes == first.trials || second.successes == second.trials
        if zeroCellCorrection > 0, hasZeroCell {
            correction = zeroCellCorrection
            x1 += correction
            x2 += correction
            n1 += 2 * correction
            n2 += 2 * correction
        }
        guard x1 > 0, x2 > 0 else { return nil }
        let logRatio = log(x1 / n1) - log(x2 / n2)
        let variance = max(0, 1 / x1 - 1 / n1 + 1 / x2 - 1 / n2)
        guard variance > 0 else { return nil }
        let standardError = variance.squareRoot()
        let z = Normal.twoSidedCriticalValue(level: level)
        // The ratio from the counts themselves, (x₁ n₂) / (n₁ x₂): a ratio such as 55/32 = 1.71875
        // is then the exact binary number, where exp(log p₁ − log p₂) lands an ulp below it and a
        // printed ratio on a rounding tie would round down.
        ratio = (x1 * n2) / (n1 * x2)
        self.logRatio = logRatio
        standardErrorOfLog = standardError
        interval = ConfidenceInterval(
            lower: exp(logRatio - z * standardError),
            upper: exp(logRatio + z * standardError),
            level: level
        )
        appliedCorrection = correction
    }
}

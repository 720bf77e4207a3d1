#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A continuous probability distribution on the real line, or on a half-line.
///
/// `cdf` and `survival` are both computed directly, never as one minus the other, so a tail
/// probability of 1e-12 (or 1e-300) keeps its relative accuracy. `quantile` inverts `cdf` and
/// `upperQuantile` inverts `survival`; use the latter for small upper-tail probabilities, where
/// `quantile(1 − q)` would lose the digits of `q` in the subtraction.
///
/// Contract shared by every conforming type:
/// - NaN in gives NaN out.
/// - `cdf(−∞) = 0`, `cdf(+∞) = 1`, and likewise for `survival`; below the support `cdf` is 0.
/// - `quantile(0)` and `upperQuantile(1)` give the lower end of the support, `quantile(1)` and
///   `upperQuantile(0)` the upper end (possibly `±∞`); probabilities outside `[0, 1]` give NaN.
public protocol ContinuousDistribution: Sendable {
    /// The probability density at `x`.
    func density(_ x: Double) -> Double
    /// `P(X ≤ x)`, the lower tail.
    func cdf(_ x: Double) -> Double
    /// `P(X > x)`, the upper tail (survival function), computed directly.
    func survival(_ x: Double) -> Double
    /// The `x` with `cdf(x) = p`.
    func quantile(_ p: Double) -> Double
    /// The `x` with `survival(x) = q` (inverse survival function).
    func upperQuantile(_ q: Double) -> Double
}

/// Root finding for quantiles of distributions on `(0, ∞)`.
enum QuantileSolver {
    /// Which tail the target probability refers to.
    enum Tail {
        case lower
        case upper
    }

    /// The lower-tail quantile of a distribution on `[0, ∞)`: NaN outside `[0, 1]`, 0 and ∞ at
    /// the ends, else the root of the smaller tail (`solve(target, tail)`), for accuracy in both.
    static func positiveSupportQuantile(_ p: Double, solve: (Double, Tail) -> Double) -> Double {
        guard p >= 0, p <= 1 else { return .nan }
        if p == 0 { return 0 }
        if p == 1 { return .infinity }
        return p <= 0.5 ? solve(p, .lower) : solve(1 - p, .upper)
    }

    /// The upper-tail quantile of a distribution on `[0, ∞)`, as ``positiveSupportQuantile(_:solve:)``.
    static func positiveSupportUpperQuantile(_ q: Double, solve: (Double, Tail) -> Double) -> Double {
        guard q >= 0, q <= 1 else { return .nan }
        if q == 0 { return .infinity }
        if q == 1 { return 0 }
        return q <= 0.5 ? solve(q, .upper) : solve(1 - q, .lower)
    }

    /// The `x > 0` at which the chosen tail equals `target` (`0 < target < 1`).
    ///
    /// Works on `u = log x` and on the logarithm of the tail probability, where both are close to
    /// linear even far into the tails, with Newton steps safeguarded by bisection inside a bracket
    /// (Numerical Recipes' `rtsafe`). The bracket is found by stepping out from `start` with
    /// doubling steps in `u`. Stops when the step is below two ulps of `u`, so the result has a
    /// relative error near the accuracy of the tail function itself.
    static func positiveRoot(
        target: Double,
        tail: Tail,
        start: Double,
        probability: (Double) -> Double,
        density: (Double) -> Double
    ) -> Double {
        let logTarget = log(target)
        // h(u) increases with u for both tails.
        func objective(_ u: Double) -> Double {
            let value = log(probability(exp(u)))
            return tail == .lower ? value - logTarget : logTarget - value
        }
        func slope(_ u: Double) -> Double {
            let x = exp(u)
            return x * density(x) / probability(x)
        }

        let upperLimit = log(Double.greatestFiniteMagnitude)
        let lowerLimit = log(Double.leastNonzeroMagnitude)
        var u = (start > 0 && start.isFinite) ? log(start) : 0
        var value = objective(u)
        if value == 0 { return exp(u) }

        var lower: Double
        var upper: Double
        var step = 1.0
        if value < 0 {
            lower = u
            while true {
                upper = min(lower + step, upperLimit)
                let probe = objective(upper)
                if probe >= 0 { break }
                if upper >= upperLimit { return .infinity }
                lower = upper
                step *= 2
            }
        } else {
            upper = u
            while true {
                lower = max(upper - step, lowerLimit)
                let probe = objective(lower)
                if probe <= 0 { break }
                if lower <= lowerLimit { return 0 }
                upper = lower
                step *= 2
            }
        }

        if !(u > lower && u < upper) { u = 0.5 * (lower + upper) }
        value = objective(u)
        var derivative = slope(u)
        var previousStep = upper - lower
        var lastStep = previousStep
        for _ in 0..<500 {
            let newtonLeavesBracket = ((u - upper) * derivative - value) * ((u - lower) * derivative - value) > 0
            let newtonIsSlow = abs(2 * value) > abs(previousStep * derivative)
            if !(derivative.isFinite && derivative > 0) || !value.isFinite || newtonLeavesBracket || newtonIsSlow {
                previousStep = lastStep
                lastStep = 0.5 * (upper - lower)
                u = lower + lastStep
            } else {
                previousStep = lastStep
                lastStep = value / derivative
                u -= lastStep
            }
            if abs(lastStep) <= 2 * Double.ulpOfOne * max(1, abs(u)) { break }
            value = objective(u)
            if value == 0 { break }
            if value < 0 { lower = u } else { upper = u }
            derivative = slope(u)
        }
        return exp(u)
    }
}

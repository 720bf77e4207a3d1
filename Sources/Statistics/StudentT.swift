#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Student's t distribution with `ν > 0` degrees of freedom (not necessarily an integer, as for
/// Welch's test); `ν = +∞` is the standard normal.
///
/// Tails through the regularised incomplete beta function:
/// `P(T > t) = ½ I_x(ν/2, ½)` with `x = ν / (ν + t²)` for `t > 0`, with `t² / (ν + t²)` passed as
/// `1 − x` so neither is formed by subtraction. `ν = 1` (Cauchy) uses the closed form
/// `atan2(1, t) / π`. Quantiles: closed forms for `ν = 1` and `ν = 2`, the normal quantile for
/// `ν = ∞`, otherwise a Cornish–Fisher start refined by safeguarded Newton steps on the log tail.
public struct StudentT: ContinuousDistribution, Hashable {
    /// The degrees of freedom `ν`.
    public let degreesOfFreedom: Double

    /// A t distribution; `nil` unless `degreesOfFreedom > 0` (`+∞` allowed, NaN not).
    public init?(degreesOfFreedom: Double) {
        guard degreesOfFreedom > 0 else { return nil }
        self.degreesOfFreedom = degreesOfFreedom
    }

    public func density(_ t: Double) -> Double {
        let nu = degreesOfFreedom
        if nu == .infinity { return Normal.standard.density(t) }
        // 1 / (√ν B(ν/2, ½)) · (1 + t²/ν)^−(ν+1)/2, with log B accurate for large ν.
        let logDensity = -0.5 * log(nu) - SpecialFunctions.logBeta(0.5 * nu, 0.5)
            - 0.5 * (nu + 1) * log1p(t * t / nu)
        return exp(logDensity)
    }

    /// `P(T > |t|)` for the magnitude of `t`; the building block of both tails.
    private func upperTailOfMagnitude(_ t: Double) -> Double {
        let magnitude = abs(t)
        let nu = degreesOfFreedom
        if magnitude == .infinity { return 0 }
        if nu == .infinity { return Normal.standard.survival(magnitude) }
        if nu == 1 { return atan2(1, magnitude) / Double.pi }
        // x = ν / (ν + t²) and y = t² / (ν + t²), scaled so that t² cannot overflow.
        let ratio = magnitude / nu.squareRoot()
        if ratio > 1e150 {
            // x = 1/ratio² is below 1e-300 (it would underflow): I_x(a, ½) is x^a / (a B(a, ½))
            // to a relative error of order x, taken in logs (a tail of 1e-81 for ν = 0.5).
            let a = 0.5 * nu
            return 0.5 * exp(-2 * a * log(ratio) - log(a) - SpecialFunctions.logBeta(a, 0.5))
        }
        let x: Double
        let y: Double
        if ratio > 1 {
            let inverseSquared = 1 / (ratio * ratio)
            x = inverseSquared / (1 + inverseSquared)
            y = 1 / (1 + inverseSquared)
        } else {
            let squared = ratio * ratio
            x = 1 / (1 + squared)
            y = squared / (1 + squared)
        }
        return 0.5 * SpecialFunctions.regularizedBeta(0.5 * nu, 0.5, x: x, y: y).lower
    }

    public func cdf(_ t: Double) -> Double {
        if t.isNaN { return .nan }
        let tail = upperTailOfMagnitude(t)
        return t < 0 ? tail : 1 - tail
    }

    public func survival(_ t: Double) -> Double {
        if t.isNaN { return .nan }
        let tail = upperTailOfMagnitude(t)
        return t > 0 ? tail : 1 - tail
    }

    public func quantile(_ p: Double) -> Double {
        guard p >= 0, p <= 1 else { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        if p == 0.5 { return 0 }
        return p < 0.5 ? -positiveQuantile(upperTail: p) : positiveQuantile(upperTail: 1 - p)
    }

    public func upperQuantile(_ q: Double) -> Double {
        guard q >= 0, q <= 1 else { return .nan }
        if q == 0 { return .infinity }
        if q == 1 { return -.infinity }
        if q == 0.5 { return 0 }
        return q < 0.5 ? positiveQuantile(upperTail: q) : -positiveQuantile(upperTail: 1 - q)
    }

    /// Two-sided p-value `2 · P(T > |t|)`; NaN for NaN.
    public func twoSidedPValue(_ t: Double) -> Double {
        if t.isNaN { return .nan }
        return min(1, 2 * upperTailOfMagnitude(t))
    }

    /// The critical value `t` with `P(|T| ≤ t) = level`, for `0 < level < 1`; NaN otherwise.
    public func twoSidedCriticalValue(level: Double) -> Double {
        guard level > 0, level < 1 else { return .nan }
        return upperQuantile(0.5 * (1 - level))
    }

    /// The `t > 0` with `P(T > t) = q`, for `0 < q < ½`.
    private func positiveQuantile(upperTail q: Double) -> Double {
        let nu = degreesOfFreedom
        if nu == .infinity { return Normal.standard.upperQuantile(q) }
        if nu == 1 {
            // Cauchy: t = cot(πq), written to keep relative accuracy at both ends of (0, ½).
            return q < 0.25 ? 1 / tan(Double.pi * q) : tan(Double.pi * (0.5 - q))
        }
        if nu == 2 {
            return (1 - 2 * q) / (2 * q * (1 - q)).squareRoot()
        }
        // Cornish–Fisher expansion around the normal quantile as the starting point.
        let z = Normal.standard.upperQuantile(q)
        let z3 = z * z * z
        let z5 = z3 * z * z
        var start = z + (z3 + z) / (4 * nu) + (5 * z5 + 16 * z3 + 3 * z) / (96 * nu * nu)
        if !(start > 0 && start.isFinite) { start = z }
        return QuantileSolver.positiveRoot(
            target: q,
            tail: .upper,
            start: start,
            probability: { upperTailOfMagnitude($0) },
            density: { density($0) }
        )
    }
}

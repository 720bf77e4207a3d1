#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Special functions behind the distributions: log-gamma, log-beta, the regularised incomplete
/// gamma and beta functions, and their building blocks.
///
/// Every function works in double precision and is written for relative accuracy in both tails:
/// the incomplete functions return the lower and the upper tail as a pair, each computed from its
/// own series or continued fraction rather than as one minus the other, so a tail of 1e-300 is
/// still right to many digits. Arguments outside the domain give NaN.
public enum SpecialFunctions {
    /// `log(2π) / 2`.
    static let halfLogTwoPi = 0.918_938_533_204_672_741_78

    /// Machine epsilon used as the convergence criterion of series and continued fractions.
    static let epsilon = 1.0e-16

    /// Smallest magnitude allowed in the modified Lentz algorithm, so no denominator is zero.
    static let tiny = 1.0e-300

    /// Upper limit on the terms of a series or continued fraction. Convergence takes roughly
    /// the square root of the larger shape parameter in terms, so this allows shapes up to about
    /// 10^10; past it the last approximation is returned.
    static let maximumIterations = 200_000

    // MARK: - Gamma and beta

    /// The Stirling-series remainder `log Γ(x) − ((x − ½) log x − x + ½ log 2π)` for `x ≥ 10`.
    ///
    /// Seven terms of the asymptotic series; the first omitted term is below 3e-17 at `x = 10`.
    static func stirlingCorrection(_ x: Double) -> Double {
        let inverse = 1 / x
        let inverseSquared = inverse * inverse
        var series = 1.0 / 156.0
        series = series * inverseSquared - 691.0 / 360_360.0
        series = series * inverseSquared + 1.0 / 1188.0
        series = series * inverseSquared - 1.0 / 1680.0
        series = series * inverseSquared + 1.0 / 1260.0
        series = series * inverseSquared - 1.0 / 360.0
        series = series * inverseSquared + 1.0 / 12.0
        return series * inverse
    }

    /// `log Γ(x)` for `x > 0`; NaN for `x ≤ 0` or NaN, `+∞` for `x = +∞`.
    ///
    /// Below 10 it is the logarithm of the C library's `tgamma` (correctly rounded to a few ulps);
    /// from 10 on, Stirling's series with ``stirlingCorrection(_:)``. Absolute error below 1e-15
    /// for `x < 10` and relative error below 1e-15 from there on.
    public static func logGamma(_ x: Double) -> Double {
        guard x > 0 else { return .nan }
        if x == .infinity { return .infinity }
        if x < 1e-15 {
            // Γ(x) = 1/x − γ + O(x): the log is −log x − γx to full precision here.
            return -log(x) - 0.577_215_664_901_532_860_61 * x
        }
        if x < 10 { return log(tgamma(x)) }
        return (x - 0.5) * log(x) - x + halfLogTwoPi + stirlingCorrection(x)
    }

    /// `log B(a, b) = log Γ(a) + log Γ(b) − log Γ(a + b)` for `a, b > 0`; NaN otherwise.
    ///
    /// When either argument reaches 10 the large Stirling terms are cancelled analytically
    /// (as in R's `lbeta`), so the result keeps its relative accuracy for shapes in the millions,
    /// where subtracting three `logGamma` values would lose most digits.
    public static func logBeta(_ a: Double, _ b: Double) -> Double {
        guard a > 0, b > 0 else { return .nan }
        let p = min(a, b)
        let q = max(a, b)
        if q == .infinity { return -.infinity }
        if p >= 10 {
            let correction = stirlingCorrection(p) + stirlingCorrection(q) - stirlingCorrection(p + q)
            return -0.5 * log(q) + halfLogTwoPi + correction
                + (p - 0.5) * log(p / (p + q)) + q * log1p(-p / (p + q))
        }
        if q >= 10 {
            let correction = stirlingCorrection(q) - stirlingCorrection(p + q)
            return logGamma(p) + correction + p - p * log(p + q) + (q - 0.5) * log1p(-p / (p + q))
        }
        return logGamma(p) + logGamma(q) - logGamma(p + q)
    }

    /// `log(1 + t) − t` for `t > −1`, accurate also for small `|t|` where the two terms cancel.
    static func log1pMinusX(_ t: Double) -> Double {
        guard abs(t) < 0.25 else { return log1p(t) - t }
        // −t²/2 + t³/3 − t⁴/4 + …, summed until the terms no longer change the result.
        var power = t * t
        var sum = -0.5 * power
        var k = 3.0
        while k < 200 {
            power *= -t
            let term = -power / k
            let next = sum + term
            if next == sum { break }
            sum = next
            k += 1
        }
        return sum
    }

    /// `s·log1pmx(t) = s·(log(1 + t) − t)`, with `ratio` = `1 + t` computed by the caller as a
    /// ratio: far below 1 (`t < −½`) that ratio keeps the digits that `1 + t`, formed from a `t`
    /// near −1, would lose (a relative error of order `s·ε/ratio` in the prefactor otherwise).
    static func scaledLog1pMinusX(_ s: Double, _ t: Double, ratio: Double) -> Double {
        t < -0.5 ? s * (log(ratio) - t) : s * log1pMinusX(t)
    }

    // MARK: - Incomplete gamma

    /// `xᵃ e⁻ˣ / Γ(a)`, the factor in front of the series and the continued fraction.
    ///
    /// For `a ≥ 10` it is written around `x = a` with ``log1pMinusX(_:)`` and the Stirling
    /// remainder, which avoids the cancellation between `a log x`, `x` and `log Γ(a)`.
    static func gammaPrefactor(_ a: Double, _ x: Double) -> Double {
        if a >= 10 {
            let t = (x - a) / a
            return exp(scaledLog1pMinusX(a, t, ratio: x / a) + 0.5 * log(a) - halfLogTwoPi - stirlingCorrection(a))
        }
        return exp(a * log(x) - x - logGamma(a))
    }

    /// The regularised incomplete gamma functions `(P(a, x), Q(a, x))` for `a > 0`, `x ≥ 0`.
    ///
    /// `P` is the lower tail `γ(a, x) / Γ(a)` and `Q = Γ(a, x) / Γ(a)` the upper tail. Below
    /// `x = a + 1` the power series gives `P` (and `Q = 1 − P`, which is not small there); from
    /// `a + 1` on the continued fraction (modified Lentz) gives `Q` directly (and `P = 1 − Q`).
    /// Invalid arguments give `(NaN, NaN)`; `x = +∞` gives `(1, 0)`.
    public static func regularizedGamma(_ a: Double, _ x: Double) -> (lower: Double, upper: Double) {
        guard a > 0, x >= 0, a.isFinite else { return (.nan, .nan) }
        if x == 0 { return (0, 1) }
        if x == .infinity { return (1, 0) }
        if x < a + 1 {
            let lower = gammaSeries(a, x)
            return (lower, 1 - lower)
        }
        let upper = gammaContinuedFraction(a, x)
        return (1 - upper, upper)
    }

    /// `P(a, x)` by its power series `xᵃ e⁻ˣ / Γ(a) · Σ xⁿ / (a (a+1) … (a+n))`.
    static func gammaSeries(_ a: Double, _ x: Double) -> Double {
        var denominator = a
        var term = 1 / a
        var sum = term
        for _ in 0..<maximumIterations {
            denominator += 1
            term *= x / denominator
            sum += term
            if abs(term) < abs(sum) * epsilon { break }
        }
        return sum * gammaPrefactor(a, x)
    }

    /// `Q(a, x)` by Legendre's continued fraction, evaluated with the modified Lentz algorithm.
    static func gammaContinuedFraction(_ a: Double, _ x: Double) -> Double {
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var h = d
        for i in 1...maximumIterations {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < epsilon { break }
        }
        return h * gammaPrefactor(a, x)
    }

    // MARK: - Incomplete beta

    /// `xᵃ yᵇ / B(a, b)` with `y = 1 − x` supplied by the caller.
    ///
    /// When both shapes reach 10 the value is written around the mode `x₀ = a / (a + b)` (as in
    /// TOMS 708's `brcomp`): `a·log1pmx(e/x₀) + b·log1pmx(−e/y₀)` with `e = x − x₀` has no
    /// cancellation, where `a log x + b log y − log B(a, b)` would lose digits for large shapes.
    static func betaPrefactor(_ a: Double, _ b: Double, _ x: Double, _ y: Double) -> Double {
        if a >= 10, b >= 10 {
            let total = a + b
            let x0 = a / total
            let y0 = b / total
            let e = x <= 0.5 ? x - x0 : y0 - y
            let correction = stirlingCorrection(a) + stirlingCorrection(b) - stirlingCorrection(total)
            // Far below the mode, 1 + e/x₀ is x/x₀ (or y/y₀ on the other side), taken as a ratio.
            let exponent = scaledLog1pMinusX(a, e / x0, ratio: x / x0) + scaledLog1pMinusX(b, -e / y0, ratio: y / y0)
                + 0.5 * log(a * b / total) - halfLogTwoPi - correction
            return exp(exponent)
        }
        let logX = x <= 0.5 ? log(x) : log1p(-y)
        let logY = y <= 0.5 ? log(y) : log1p(-x)
        return exp(a * logX + b * logY - logBeta(a, b))
    }

    /// The continued fraction for `I_x(a, b)` (Numerical Recipes' `betacf`, modified Lentz).
    /// It converges quickly for `x < (a + 1) / (a + b + 2)`.
    static func betaContinuedFraction(_ a: Double, _ b: Double, _ x: Double, _ y: Double) -> Double {
        let sum = a + b
        let plusOne = a + 1
        let minusOne = a - 1
        var c = 1.0
        // 1 − (a + b) x / (a + 1); near x = 1 written as ((1 − b) + (a + b) y) / (a + 1), which
        // does not cancel there.
        var d = x <= 0.5 ? 1 - sum * x / plusOne : ((1 - b) + sum * y) / plusOne
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for step in 1...maximumIterations {
            let m = Double(step)
            let twoM = 2 * m
            var aa = m * (b - m) * x / ((minusOne + twoM) * (a + twoM))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (sum + m) * x / ((a + twoM) * (plusOne + twoM))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < epsilon { break }
        }
        return h
    }

    /// The regularised incomplete beta function as `(I_x(a, b), 1 − I_x(a, b))`.
    ///
    /// - Parameters:
    ///   - a: first shape, `> 0`.
    ///   - b: second shape, `> 0`.
    ///   - x: point in `[0, 1]`.
    ///   - y: `1 − x`, passed separately so callers that know it exactly (for instance
    ///     `t² / (ν + t²)`) keep its relative accuracy when it is tiny. Pass `nil` to use `1 − x`.
    /// - Returns: the lower tail `I_x(a, b)` and the upper tail `I_y(b, a)`. The continued fraction
    ///   is evaluated on the side where it converges (`x < (a + 1) / (a + b + 2)` for the lower
    ///   tail, otherwise the upper tail through the symmetry `I_x(a, b) = 1 − I_y(b, a)`); that
    ///   side holds the small tail, so a small tail is never formed as one minus a number near one.
    ///   Invalid arguments give `(NaN, NaN)`.
    public static func regularizedBeta(
        _ a: Double, _ b: Double, x: Double, y: Double? = nil
    ) -> (lower: Double, upper: Double) {
        let y = y ?? (1 - x)
        guard a > 0, b > 0, a.isFinite, b.isFinite, x >= 0, y >= 0, x <= 1, y <= 1 else {
            return (.nan, .nan)
        }
        if x == 0 { return (0, 1) }
        if y == 0 { return (1, 0) }
        if x < (a + 1) / (a + b + 2) {
            let lower = convergentSide(a, b, x, y)
            return (lower, 1 - lower)
        }
        let upper = convergentSide(b, a, y, x)
        return (1 - upper, upper)
    }

    /// `I_x(a, b)` on the side where `x < (a + 1) / (a + b + 2)`.
    ///
    /// The continued fraction, except when `a` is large, `b ≤ 1` and `x` is near 1 (the upper
    /// tail of a t distribution with many degrees of freedom): there the continued fraction's
    /// terms cancel and lose about `√a · 1e-16` in relative accuracy, so the asymptotic
    /// expansion ``largeShapeExpansion(_:_:_:_:)`` is used instead.
    static func convergentSide(_ a: Double, _ b: Double, _ x: Double, _ y: Double) -> Double {
        if a >= 1000, b <= 1, x > 0.7, let value = largeShapeExpansion(a, b, x, y) {
            return value
        }
        return betaPrefactor(a, b, x, y) * betaContinuedFraction(a, b, x, y) / a
    }

    /// `I_x(a, b)` for large `a` and `b ≤ 1` by the asymptotic expansion of DiDonato and Morris
    /// (ACM TOMS 708, 1992, subroutine `BGRAT`): a series in incomplete gamma ratios around
    /// `Q(b, z)` with `z = −(a + (b − 1)/2) log x`. Every term is positive, so the small tail is
    /// summed without cancellation. `nil` when the expansion cannot be formed.
    static func largeShapeExpansion(_ a: Double, _ b: Double, _ x: Double, _ y: Double) -> Double? {
        let bMinusOne = b - 1
        let nu = a + 0.5 * bMinusOne
        let logX = y > 0.375 ? log(x) : log1p(-y)
        let z = -nu * logX
        guard b * z > 0, z.isFinite else { return nil }
        // r = zᵇ e⁻ᶻ / Γ(b), and u = r · Γ(a + b) / (Γ(a) νᵇ).
        let r = gammaPrefactor(b, z)
        guard r > 0, r.isFinite else { return nil }
        let logGammaRatio = logBeta(a, b) - logGamma(b)   // log(Γ(a) / Γ(a + b))
        let u = r * exp(-(logGammaRatio + b * log(nu)))
        guard u > 0, u.isFinite else { return nil }
        let q = regularizedGamma(b, z).upper
        let v = 0.25 / (nu * nu)
        let halfLogSquared = 0.25 * logX * logX
        var j = q / r
        var sum = j
        var t = 1.0
        var cn = 1.0
        var twoN = 0.0
        var c = [Double](repeating: 0, count: 31)
        var d = [Double](repeating: 0, count: 31)
        let tolerance = 15 * epsilon
        for n in 1...30 {
            let shifted = b + twoN
            j = (shifted * (shifted + 1) * j + (z + shifted + 1) * t) * v
            twoN += 2
            t *= halfLogSquared
            cn /= twoN * (twoN + 1)
            c[n] = cn
            var s = 0.0
            if n > 1 {
                var coefficient = b - Double(n)
                for i in 1..<n {
                    s += coefficient * c[i] * d[n - i]
                    coefficient += b
                }
            }
            d[n] = bMinusOne * cn + s / Double(n)
            let term = d[n] * j
            sum += term
            guard sum > 0 else { return nil }
            if abs(term) <= tolerance * sum { break }
        }
        return u * sum
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Fisher's F distribution with `d₁ > 0` numerator and `d₂ > 0` denominator degrees of freedom.
///
/// With `x = d₁f / (d₁f + d₂)` and `y = d₂ / (d₁f + d₂)` (both formed as ratios, not by
/// subtraction): `P(F ≤ f) = I_x(d₁/2, d₂/2)` and `P(F > f) = I_y(d₂/2, d₁/2)`, each computed
/// directly. Quantiles by safeguarded Newton steps on the log tail from a start at 1.
public struct FisherF: ContinuousDistribution, Hashable {
    /// Numerator degrees of freedom `d₁`.
    public let numeratorDegreesOfFreedom: Double
    /// Denominator degrees of freedom `d₂`.
    public let denominatorDegreesOfFreedom: Double

    /// An F distribution; `nil` unless both degrees of freedom are finite and `> 0`.
    public init?(numeratorDegreesOfFreedom: Double, denominatorDegreesOfFreedom: Double) {
        guard numeratorDegreesOfFreedom > 0, numeratorDegreesOfFreedom.isFinite,
              denominatorDegreesOfFreedom > 0, denominatorDegreesOfFreedom.isFinite
        else { return nil }
        self.numeratorDegreesOfFreedom = numeratorDegreesOfFreedom
        self.denominatorDegreesOfFreedom = denominatorDegreesOfFreedom
    }

    /// `(x, y)` with `x = d₁f / (d₁f + d₂)` and `y = 1 − x`, for `f > 0`.
    private func betaArguments(_ f: Double) -> (x: Double, y: Double) {
        let d1 = numeratorDegreesOfFreedom
        let d2 = denominatorDegreesOfFreedom
        let scaled = d1 * f
        if scaled > d2 {
            let ratio = d2 / scaled
            return (1 / (1 + ratio), ratio / (1 + ratio))
        }
        let ratio = scaled / d2
        return (ratio / (1 + ratio), 1 / (1 + ratio))
    }

    public func density(_ f: Double) -> Double {
        if f.isNaN { return .nan }
        if f < 0 || f == .infinity { return 0 }
        let a = 0.5 * numeratorDegreesOfFreedom
        let b = 0.5 * denominatorDegreesOfFreedom
        if f == 0 {
            if a < 1 { return .infinity }
            return a == 1 ? b * numeratorDegreesOfFreedom / denominatorDegreesOfFreedom : 0
        }
        let (x, y) = betaArguments(f)
        return SpecialFunctions.betaPrefactor(a, b, x, y) / f
    }

    public func cdf(_ f: Double) -> Double {
        if f.isNaN { return .nan }
        if f <= 0 { return 0 }
        if f == .infinity { return 1 }
        let (x, y) = betaArguments(f)
        return SpecialFunctions.regularizedBeta(
            0.5 * numeratorDegreesOfFreedom, 0.5 * denominatorDegreesOfFreedom, x: x, y: y
        ).lower
    }

    public func survival(_ f: Double) -> Double {
        if f.isNaN { return .nan }
        if f <= 0 { return 1 }
        if f == .infinity { return 0 }
        let (x, y) = betaArguments(f)
        return SpecialFunctions.regularizedBeta(
            0.5 * numeratorDegreesOfFreedom, 0.5 * denominatorDegreesOfFreedom, x: x, y: y
        ).upper
    }

    public func quantile(_ p: Double) -> Double {
        QuantileSolver.positiveSupportQuantile(p) { solve(target: $0, tail: $1) }
    }

    public func upperQuantile(_ q: Double) -> Double {
        QuantileSolver.positiveSupportUpperQuantile(q) { solve(target: $0, tail: $1) }
    }

    private func solve(target: Double, tail: QuantileSolver.Tail) -> Double {
        QuantileSolver.positiveRoot(
            target: target,
            tail: tail,
            start: 1,
            probability: { tail == .lower ? cdf($0) : survival($0) },
            density: { density($0) }
        )
    }
}

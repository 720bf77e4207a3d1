#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The chi-square distribution with `k > 0` degrees of freedom (not necessarily an integer).
///
/// `P(X ≤ x) = P(k/2, x/2)` and `P(X > x) = Q(k/2, x/2)`, the regularised incomplete gamma
/// functions, each computed directly. Quantiles start from the Wilson–Hilferty approximation
/// (or the small-`x` power law when that is not positive) and are refined by safeguarded Newton
/// steps on the log tail.
public struct ChiSquared: ContinuousDistribution, Hashable {
    /// The degrees of freedom `k`.
    public let degreesOfFreedom: Double

    /// A chi-square distribution; `nil` unless `degreesOfFreedom` is finite and `> 0`.
    public init?(degreesOfFreedom: Double) {
        guard degreesOfFreedom > 0, degreesOfFreedom.isFinite else { return nil }
        self.degreesOfFreedom = degreesOfFreedom
    }

    public func density(_ x: Double) -> Double {
        if x.isNaN { return .nan }
        if x < 0 || x == .infinity { return 0 }
        let shape = 0.5 * degreesOfFreedom
        if x == 0 {
            if shape < 1 { return .infinity }
            return shape == 1 ? 0.5 : 0
        }
        let half = 0.5 * x
        return 0.5 * SpecialFunctions.gammaPrefactor(shape, half) / half
    }

    public func cdf(_ x: Double) -> Double {
        if x.isNaN { return .nan }
        if x <= 0 { return 0 }
        return SpecialFunctions.regularizedGamma(0.5 * degreesOfFreedom, 0.5 * x).lower
    }

    public func survival(_ x: Double) -> Double {
        if x.isNaN { return .nan }
        if x <= 0 { return 1 }
        return SpecialFunctions.regularizedGamma(0.5 * degreesOfFreedom, 0.5 * x).upper
    }

    public func quantile(_ p: Double) -> Double {
        QuantileSolver.positiveSupportQuantile(p) { solve(target: $0, tail: $1) }
    }

    public func upperQuantile(_ q: Double) -> Double {
        QuantileSolver.positiveSupportUpperQuantile(q) { solve(target: $0, tail: $1) }
    }

    private func solve(target: Double, tail: QuantileSolver.Tail) -> Double {
        let k = degreesOfFreedom
        let z = tail == .upper ? Normal.standard.upperQuantile(target) : Normal.standard.quantile(target)
        let spread = 2 / (9 * k)
        let cube = 1 - spread + z * spread.squareRoot()
        var start = k * cube * cube * cube
        if !(start > 0 && start.isFinite) {
            // Lower-tail power law: P(X ≤ x) ≈ (x/2)^(k/2) / Γ(k/2 + 1) for small x.
            let lowerTarget = tail == .lower ? target : 1 - target
            start = 2 * exp((log(lowerTarget) + SpecialFunctions.logGamma(0.5 * k + 1)) * 2 / k)
        }
        return QuantileSolver.positiveRoot(
            target: target,
            tail: tail,
            start: start,
            probability: { tail == .lower ? cdf($0) : survival($0) },
            density: { density($0) }
        )
    }
}

/// One estimate with its standard error, e.g. a subgroup effect or a study's log risk ratio.
public struct StudyEstimate: Hashable, Sendable {
    /// The estimate (on the scale that is pooled, e.g. log risk ratio or mean difference).
    public let estimate: Double
    /// Its standard error, finite and `> 0`.
    public let standardError: Double

    /// `nil` unless the estimate is finite and the standard error finite and `> 0` with a finite
    /// weight (a zero SE, or one below about 1e-154, would take infinite weight and leave every
    /// pooled value NaN).
    public init?(estimate: Double, standardError: Double) {
        guard estimate.isFinite, standardError.isFinite, standardError > 0,
              (1 / (standardError * standardError)).isFinite else { return nil }
        self.estimate = estimate
        self.standardError = standardError
    }

    /// Inverse-variance weight `1 / SE²`.
    public var weight: Double {
        1 / (standardError * standardError)
    }
}

/// Cochran's Q, its p-value, I² and the DerSimonian–Laird between-estimate variance τ² over a
/// set of estimates with standard errors.
///
/// `Q = Σ wᵢ (yᵢ − ȳ)²` with `wᵢ = 1/SEᵢ²` and `ȳ` the inverse-variance weighted mean,
/// `k − 1` degrees of freedom, p from the chi-square upper tail;
/// `I² = max(0, (Q − (k − 1)) / Q)` (Higgins and Thompson 2002), a fraction in `[0, 1]`;
/// `τ² = max(0, (Q − (k − 1)) / (Σw − Σw²/Σw))` (DerSimonian and Laird 1986), its denominator
/// computed as `2·Σ_{i<j} wᵢwⱼ / Σw`, which stays exact when one weight dominates.
/// Over subgroup effects, Q is the test of subgroup differences (interaction).
public struct Heterogeneity: Hashable, Sendable {
    /// Number of estimates, `k`.
    public let count: Int
    /// Cochran's Q.
    public let q: Double
    /// `k − 1`.
    public let degreesOfFreedom: Int
    /// `P(χ²(k − 1) > Q)`; `nil` when `k = 1`.
    public let pValue: Double?
    /// I² as a fraction; 0 when `Q = 0` with `k ≥ 2` (identical estimates); `nil` when `k = 1`.
    public let iSquared: Double?
    /// DerSimonian–Laird τ²; 0 when `k = 1`.
    public let tauSquared: Double

    /// `nil` for an empty list, or for weights whose sum or products overflow (standard errors
    /// near 1e-154: each weight finite, their total not).
    public init?(_ estimates: [StudyEstimate]) {
        guard !estimates.isEmpty else { return nil }
        let weights = estimates.map(\.weight)
        let totalWeight = weights.reduce(0, +)
        let pooled = zip(weights, estimates).reduce(0) { $0 + $1.0 * $1.1.estimate } / totalWeight
        let q = zip(weights, estimates).reduce(0) { sum, pair in
            let deviation = pair.1.estimate - pooled
            return sum + pair.0 * deviation * deviation
        }
        // Weights each finite whose sum is not (SEs near 1e-154) leave nothing to compute.
        guard totalWeight.isFinite, pooled.isFinite, q.isFinite else { return nil }
        let degreesOfFreedom = estimates.count - 1
        count = estimates.count
        self.q = q
        self.degreesOfFreedom = degreesOfFreedom
        if degreesOfFreedom > 0, let distribution = ChiSquared(degreesOfFreedom: Double(degreesOfFreedom)) {
            pValue = distribution.survival(q)
            iSquared = q > 0 ? max(0, (q - Double(degreesOfFreedom)) / q) : 0
            // Σw − Σw²/Σw as 2·Σ_{i<j} wᵢwⱼ / Σw: a sum of positive terms. The difference form
            // cancels to nothing when one weight dominates (a study with a tiny SE).
            var earlierWeight = 0.0
            var pairs = 0.0
            for weight in weights {
                pairs += weight * earlierWeight
                earlierWeight += weight
            }
            let scale = 2 * pairs / totalWeight
            guard scale.isFinite else { return nil }
            tauSquared = scale > 0 ? max(0, (q - Double(degreesOfFreedom)) / scale) : 0
        } else {
            pValue = nil
            iSquared = nil
            tauSquared = 0
        }
    }
}

/// A pooled estimate: inverse-variance weighted mean, its SE, normal interval, z and p.
public struct PooledEstimate: Hashable, Sendable {
    /// `Σ wᵢyᵢ / Σ wᵢ`.
    public let estimate: Double
    /// `1 / √Σ wᵢ`.
    public let standardError: Double
    /// `estimate ± z(1 − α/2) · SE`.
    public let interval: ConfidenceInterval
    /// `estimate / SE`.
    public let z: Double
    /// Two-sided p-value from the standard normal.
    public let pValue: Double

    init(estimates: [StudyEstimate], weights: [Double], level: Double) {
        let totalWeight = weights.reduce(0, +)
        let estimate = zip(weights, estimates).reduce(0) { $0 + $1.0 * $1.1.estimate } / totalWeight
        let standardError = 1 / totalWeight.squareRoot()
        let critical = Normal.twoSidedCriticalValue(level: level)
        self.estimate = estimate
        self.standardError = standardError
        interval = ConfidenceInterval(
            lower: estimate - critical * standardError,
            upper: estimate + critical * standardError,
            level: level
        )
        z = estimate / standardError
        pValue = Normal.twoSidedPValue(z)
    }
}

/// Inverse-variance fixed-effect and DerSimonian–Laird random-effects pooling.
///
/// Fixed effect: weights `1/SEᵢ²`. Random effects: weights `1/(SEᵢ² + τ²)` with the
/// DerSimonian–Laird τ² of ``Heterogeneity``. Both use normal (z) intervals and p-values, as
/// `metafor::rma(method = "DL")` and `statsmodels`' `combine_effects(method_re = "dl")` do by
/// default. With one estimate both pooled results equal it, τ² is 0, and Q's p-value and I² are
/// `nil`.
public struct MetaAnalysis: Hashable, Sendable {
    /// The pooled estimates' inputs.
    public let studies: [StudyEstimate]
    /// Inverse-variance fixed-effect estimate.
    public let fixedEffect: PooledEstimate
    /// DerSimonian–Laird random-effects estimate.
    public let randomEffects: PooledEstimate
    /// Q, its p-value, I² and τ².
    public let heterogeneity: Heterogeneity

    /// `nil` for an empty list, a `level` not in `(0, 1)`, or weights that overflow
    /// (``Heterogeneity/init(_:)``).
    public init?(_ studies: [StudyEstimate], level: Double = 0.95) {
        guard isValidLevel(level), let heterogeneity = Heterogeneity(studies) else { return nil }
        self.studies = studies
        self.heterogeneity = heterogeneity
        fixedEffect = PooledEstimate(estimates: studies, weights: studies.map(\.weight), level: level)
        let tauSquared = heterogeneity.tauSquared
        randomEffects = PooledEstimate(
            estimates: studies,
            weights: studies.map { 1 / ($0.standardError * $0.standardError + tauSquared) },
            level: level
        )
    }
}

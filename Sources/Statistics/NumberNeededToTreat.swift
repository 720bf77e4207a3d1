/// The number needed to treat derived from a risk difference, reported as number needed to
/// treat for one to benefit (NNTB) or to harm (NNTH), with its interval as in Altman (1998,
/// BMJ 317:1309).
///
/// The risk difference is oriented so that a positive value is a benefit: for a desirable
/// outcome (success) it is treatment minus control, for an adverse outcome control minus
/// treatment. NNT is `1 / |RD|`; the interval limits are the reciprocals of the risk-difference
/// limits. When the risk-difference interval includes 0 the NNT interval is not an interval of
/// numbers but runs through infinity: from NNTB `1/U` to ∞ to NNTH `1/|L|`, e.g.
/// `NNTB 4.2 (NNTB 2.1 to ∞ to NNTH 25.0)`. The benefit side is always written first.
public struct NumberNeededToTreat: Hashable, Sendable {
    /// One NNT value.
    public enum Value: Hashable, Sendable {
        /// Number needed to treat for one additional person to benefit, `1 / RD` for `RD > 0`.
        case benefit(Double)
        /// Number needed to treat for one additional person to be harmed, `1 / |RD|` for `RD < 0`.
        case harm(Double)
        /// `RD = 0`: no difference, infinitely many people.
        case infinite

        /// The NNT value of a risk difference (positive = benefit); NaN gives `nil`.
        init?(riskDifference: Double) {
            if riskDifference.isNaN { return nil }
            if riskDifference > 0 {
                self = .benefit(1 / riskDifference)
            } else if riskDifference < 0 {
                self = .harm(-1 / riskDifference)
            } else {
                self = .infinite
            }
        }
    }

    /// The shape of the NNT interval.
    public enum Interval: Hashable, Sendable {
        /// The risk-difference interval lies above 0: NNTB from `from` (the smaller NNT, from the
        /// upper RD limit) to `to`.
        case benefit(from: Double, to: Double)
        /// The risk-difference interval lies below 0: NNTH from `from` to `to`.
        case harm(from: Double, to: Double)
        /// The risk-difference interval includes 0: NNTB `benefit` to ∞ to NNTH `harm`. A side is
        /// `nil` when that risk-difference limit is exactly 0 (the NNT limit itself is ∞).
        case throughInfinity(benefit: Double?, harm: Double?)
    }

    /// The risk difference, positive = benefit.
    public let riskDifference: Double
    /// The confidence interval of the risk difference.
    public let riskDifferenceInterval: ConfidenceInterval
    /// The NNT point estimate.
    public let estimate: Value
    /// The NNT interval.
    public let interval: Interval

    /// The NNT for a risk difference oriented so that positive is benefit, and its interval.
    ///
    /// - Returns: `nil` when the difference or a limit is NaN, or the interval does not contain
    ///   the difference.
    public init?(riskDifference: Double, interval: ConfidenceInterval) {
        self.init(riskDifference: riskDifference, interval: interval, exactEstimate: nil)
    }

    /// As ``init(riskDifference:interval:)``, with the estimate given exactly when it is known
    /// (from counts) rather than as the reciprocal of the rounded difference.
    private init?(riskDifference: Double, interval: ConfidenceInterval, exactEstimate: Value?) {
        guard let estimate = exactEstimate ?? Value(riskDifference: riskDifference),
              !interval.lower.isNaN, !interval.upper.isNaN,
              interval.lower <= riskDifference, riskDifference <= interval.upper
        else { return nil }
        self.riskDifference = riskDifference
        riskDifferenceInterval = interval
        self.estimate = estimate
        let lower = interval.lower
        let upper = interval.upper
        if lower > 0 {
            self.interval = .benefit(from: 1 / upper, to: 1 / lower)
        } else if upper < 0 {
            self.interval = .harm(from: -1 / lower, to: -1 / upper)
        } else {
            self.interval = .throughInfinity(
                benefit: upper > 0 ? 1 / upper : nil,
                harm: lower < 0 ? -1 / lower : nil
            )
        }
    }

    /// The NNT of a difference of proportions.
    ///
    /// - Parameters:
    ///   - difference: `p₁ − p₂` with its interval (e.g. Newcombe's).
    ///   - higherIsBenefit: `true` when the proportions count a desirable outcome (success),
    ///     so `p₁ > p₂` favours the first group; `false` for an adverse outcome, where the
    ///     difference is negated before the NNT is formed.
    ///
    /// The estimate is computed from the counts, `n₁n₂ / |x₁n₂ − x₂n₁|`, with one rounding: the
    /// reciprocal of `p₁ − p₂` in binary can miss an exact value such as 390/8 = 48.75
    /// (22/26 against 13/15) by more than a printed tie can bear (48.74999999999991).
    public init?(_ difference: ProportionDifference, higherIsBenefit: Bool = true) {
        let exact = Self.exactEstimate(difference, higherIsBenefit: higherIsBenefit)
        if higherIsBenefit {
            self.init(riskDifference: difference.difference, interval: difference.interval, exactEstimate: exact)
        } else {
            self.init(
                riskDifference: -difference.difference,
                interval: ConfidenceInterval(
                    lower: -difference.interval.upper,
                    upper: -difference.interval.lower,
                    level: difference.interval.level
                ),
                exactEstimate: exact
            )
        }
    }

    /// `n₁n₂ / (x₁n₂ − x₂n₁)` as an NNT oriented as `higherIsBenefit` says; nil when a product
    /// overflows, so the reciprocal of the difference is used.
    private static func exactEstimate(_ difference: ProportionDifference, higherIsBenefit: Bool) -> Value? {
        let first = difference.first
        let second = difference.second
        let (crossFirst, overflowFirst) = first.successes.multipliedReportingOverflow(by: second.trials)
        let (crossSecond, overflowSecond) = second.successes.multipliedReportingOverflow(by: first.trials)
        let (product, overflowProduct) = first.trials.multipliedReportingOverflow(by: second.trials)
        guard !overflowFirst, !overflowSecond, !overflowProduct else { return nil }
        let numerator = higherIsBenefit ? crossFirst - crossSecond : crossSecond - crossFirst
        if numerator == 0 { return .infinite }
        let value = Double(product) / Double(abs(numerator))
        return numerator > 0 ? .benefit(value) : .harm(value)
    }
}

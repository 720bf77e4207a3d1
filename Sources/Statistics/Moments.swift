/// Count, mean and sum of squared deviations of a sample, updated one value at a time and
/// mergeable across shards.
///
/// Updates use Welford's algorithm and merging uses Chan, Golub and LeVeque's pairwise formula
/// (`M2 = M2ₐ + M2ᵦ + δ² nₐ nᵦ / n` with `δ` the difference of the means), so two states built
/// from two halves of the data merge into the state of one pass over all of it, up to rounding,
/// without a second pass and without the cancellation of the textbook sum-of-squares formula.
///
/// The mean is taken from a Neumaier-compensated sum of the values, kept beside Welford's running
/// mean (which only feeds `M2`): for whole numbers below 2^53 the sum is exact, so the mean is the
/// correctly rounded `Σxᵢ / n` whatever the order of the values, and a mean that lies exactly
/// half-way between two printed figures is not pushed to either side by rounding along the way
/// (Welford's running mean can end an ulp off, depending on the order). A state made from
/// summary statistics has no sum; its mean is the one given, and so is the mean of anything
/// merged with it.
///
/// Edge cases: an empty state has `count == 0` and no mean; one value has a mean but no variance.
/// Non-finite input (NaN or ±∞) is not filtered: it makes the mean and variance NaN, and every
/// interval or test built from such a state returns `nil`. Callers drop missing values first.
public struct Moments: Hashable, Sendable {
    /// Number of values added.
    public private(set) var count: Int
    /// Running mean (0 when empty).
    private var runningMean: Double
    /// Sum of squared deviations from the mean, `Σ (xᵢ − x̄)²` (Welford's `M2`).
    public private(set) var sumOfSquaredDeviations: Double
    /// `Σ xᵢ` as `sum + sumCompensation` (Neumaier), for ``mean``; meaningless when `!hasSum`.
    private var sum: Double
    private var sumCompensation: Double
    /// False for a state made from summary statistics (or merged with one).
    private var hasSum: Bool

    /// An empty state.
    public init() {
        count = 0
        runningMean = 0
        sumOfSquaredDeviations = 0
        sum = 0
        sumCompensation = 0
        hasSum = true
    }

    /// The state of `values`, added in order.
    public init<Values: Sequence>(_ values: Values) where Values.Element == Double {
        self.init()
        for value in values { add(value) }
    }

    /// As ``init(_:)-(Values)`` for an array, the common case: the same updates in the same order,
    /// compiled for arrays (a generic sequence from another module is walked through protocol
    /// calls, one per value).
    public init(_ values: [Double]) {
        self.init()
        values.withUnsafeBufferPointer { values in
            for value in values { add(value) }
        }
    }

    /// A state from summary statistics: `count` values with this mean and sample standard
    /// deviation (`n − 1` denominator). Lets published group summaries (n, mean, SD) enter the
    /// same tests as raw data. `nil` when `count < 0`, the mean or SD is not finite, the SD is
    /// negative, `count == 0` with a non-zero mean or SD, or `count == 1` with a non-zero SD.
    public init?(count: Int, mean: Double, standardDeviation: Double) {
        guard count >= 0, mean.isFinite, standardDeviation.isFinite, standardDeviation >= 0 else {
            return nil
        }
        if count == 0 {
            guard mean == 0, standardDeviation == 0 else { return nil }
            self.init()
            return
        }
        if count == 1, standardDeviation != 0 { return nil }
        self.init()
        self.count = count
        runningMean = mean
        sumOfSquaredDeviations = standardDeviation * standardDeviation * Double(count - 1)
        hasSum = false
    }

    /// Adds one value (Welford's update, and the value to the compensated sum).
    public mutating func add(_ value: Double) {
        count += 1
        let delta = value - runningMean
        runningMean += delta / Double(count)
        sumOfSquaredDeviations += delta * (value - runningMean)
        addToSum(value)
    }

    /// Neumaier's step: `sum` takes `value`, `sumCompensation` what rounding lost.
    private mutating func addToSum(_ value: Double) {
        let total = sum + value
        sumCompensation += abs(sum) >= abs(value) ? (sum - total) + value : (value - total) + sum
        sum = total
    }

    /// Adds every value of `values`.
    public mutating func add<Values: Sequence>(contentsOf values: Values) where Values.Element == Double {
        for value in values { add(value) }
    }

    /// Merges `other` into this state (Chan et al.'s pairwise update).
    public mutating func merge(_ other: Moments) {
        if other.count == 0 { return }
        if count == 0 {
            self = other
            return
        }
        let total = count + other.count
        let delta = other.runningMean - runningMean
        let weight = Double(other.count) / Double(total)
        runningMean += delta * weight
        sumOfSquaredDeviations += other.sumOfSquaredDeviations
            + delta * delta * Double(count) * weight
        count = total
        if hasSum, other.hasSum {
            addToSum(other.sum)
            sumCompensation += other.sumCompensation
        } else {
            hasSum = false
        }
    }

    /// The state of both samples together.
    public func merged(with other: Moments) -> Moments {
        var copy = self
        copy.merge(other)
        return copy
    }

    /// The sample mean, `Σxᵢ / n` from the compensated sum (the given mean for a state made from
    /// summary statistics; the running mean when the sum is not finite); `nil` when empty.
    public var mean: Double? {
        guard count > 0 else { return nil }
        let total = sum + sumCompensation
        return hasSum && total.isFinite ? total / Double(count) : runningMean
    }

    /// The sample variance with the `n − 1` denominator (unbiased); `nil` when `count < 2`.
    /// Exactly 0 for identical values.
    public var variance: Double? {
        count > 1 ? sumOfSquaredDeviations / Double(count - 1) : nil
    }

    /// The sample standard deviation, `√variance`; `nil` when `count < 2`.
    public var standardDeviation: Double? {
        variance.map { $0.squareRoot() }
    }

    /// The standard error of the mean, `s / √n`; `nil` when `count < 2`.
    public var standardErrorOfMean: Double? {
        variance.map { ($0 / Double(count)).squareRoot() }
    }

    /// Whether the mean and variance are finite (false after any NaN or infinite input).
    public var isFinite: Bool {
        runningMean.isFinite && sumOfSquaredDeviations.isFinite
    }
}

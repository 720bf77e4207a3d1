/// Sample quantiles by linear interpolation between order statistics (Hyndman and Fan 1996,
/// type 7; the default of R's `quantile` and numpy's `percentile`).
///
/// For sorted values `x₁ ≤ … ≤ xₙ` and probability `p`, with `h = (n − 1)p`:
/// `Q(p) = x⌊h⌋₊₁ + (h − ⌊h⌋)(x⌊h⌋₊₂ − x⌊h⌋₊₁)`.
public enum Quantiles {
    /// The type-7 quantile of `values` (any order) at `probability` in `[0, 1]`.
    ///
    /// - Returns: nil for an empty sample, a probability outside `[0, 1]`, or a NaN value; a
    ///   single value is every quantile of itself.
    public static func quantile(_ values: [Double], _ probability: Double) -> Double? {
        quantile(sorted: values.sorted(), probability)
    }

    /// As ``quantile(_:_:)`` for values already sorted ascending (not checked).
    public static func quantile(sorted: [Double], _ probability: Double) -> Double? {
        guard !sorted.isEmpty, (0...1).contains(probability), !sorted.contains(where: \.isNaN) else { return nil }
        let h = Double(sorted.count - 1) * probability
        let lower = Int(h.rounded(.down))
        let fraction = h - Double(lower)
        guard lower + 1 < sorted.count else { return sorted[lower] }
        return sorted[lower] + fraction * (sorted[lower + 1] - sorted[lower])
    }

    /// Median and quartiles (type 7).
    public static func quartiles(_ values: [Double]) -> (lower: Double, median: Double, upper: Double)? {
        let sorted = values.sorted()
        guard let q1 = quantile(sorted: sorted, 0.25), let q2 = quantile(sorted: sorted, 0.5),
              let q3 = quantile(sorted: sorted, 0.75)
        else { return nil }
        return (q1, q2, q3)
    }
}

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

    /// Median and quartiles (type 7), by selection: only the order statistics the three
    /// quantiles interpolate between are put in place (a quickselect over all of them at once),
    /// so a large sample is not sorted. The values and the arithmetic are those of
    /// ``quantile(sorted:_:)`` on the sorted values.
    ///
    /// - Returns: nil for an empty sample or one with a NaN value.
    public static func quartiles(_ values: [Double]) -> (lower: Double, median: Double, upper: Double)? {
        guard !values.isEmpty, !values.contains(where: \.isNaN) else { return nil }
        let positions = [0.25, 0.5, 0.75].map { probability in
            let h = Double(values.count - 1) * probability
            let lower = Int(h.rounded(.down))
            return (lower: lower, fraction: h - Double(lower))
        }
        var ranks = positions.flatMap { [$0.lower, $0.lower + 1] }.filter { $0 < values.count }
        ranks = Array(Set(ranks)).sorted()
        var work = values
        let selected = work.withUnsafeMutableBufferPointer { buffer in
            var depthLimit = 2 * (Int.bitWidth - values.count.leadingZeroBitCount) + 8
            OrderStatistics.select(ranks[...], in: 0..<buffer.count, of: buffer, depthLimit: &depthLimit)
            return ranks.map { buffer[$0] }
        }
        func statistic(_ rank: Int) -> Double { selected[ranks.firstIndex(of: rank) ?? 0] }
        let quantiles = positions.map { lower, fraction -> Double in
            guard lower + 1 < values.count else { return statistic(lower) }
            return statistic(lower) + fraction * (statistic(lower + 1) - statistic(lower))
        }
        return (quantiles[0], quantiles[1], quantiles[2])
    }
}

/// Quickselect for several order statistics at once (Hoare's FIND, with a three-way partition so
/// runs of equal values cost one pass). After ``select(_:in:of:depthLimit:)`` every requested
/// rank holds the value it would hold if the range were sorted. A range that needs more
/// partitions than the depth limit allows is sorted instead, so no input takes quadratic time.
enum OrderStatistics {
    static func select(_ ranks: ArraySlice<Int>, in range: Range<Int>, of values: UnsafeMutableBufferPointer<Double>,
                       depthLimit: inout Int) {
        guard !ranks.isEmpty, range.count > 1 else { return }
        guard depthLimit > 0, range.count > 16 else {
            var part = UnsafeMutableBufferPointer(rebasing: values[range])
            part.sort()
            return
        }
        depthLimit -= 1
        let pivot = medianOfThree(values[range.lowerBound], values[range.lowerBound + range.count / 2],
                                  values[range.upperBound - 1])
        // [lower, less) < pivot, [less, greater) == pivot, [greater, upper) > pivot.
        var less = range.lowerBound
        var index = range.lowerBound
        var greater = range.upperBound
        while index < greater {
            let value = values[index]
            if value < pivot {
                values.swapAt(less, index)
                less += 1
                index += 1
            } else if value > pivot {
                greater -= 1
                values.swapAt(index, greater)
            } else {
                index += 1
            }
        }
        let below = ranks.prefix { $0 < less }
        let above = ranks.drop { $0 < greater }
        var leftLimit = depthLimit
        select(below, in: range.lowerBound..<less, of: values, depthLimit: &leftLimit)
        select(above, in: greater..<range.upperBound, of: values, depthLimit: &depthLimit)
    }

    private static func medianOfThree(_ a: Double, _ b: Double, _ c: Double) -> Double {
        max(min(a, b), min(max(a, b), c))
    }
}

import Testing
import TestSupport
@testable import Statistics

@Suite("Moments and one-sample estimates")
struct MomentsTests {
    @Test("count, mean, variance, SD and SRM match numpy")
    func againstReference() throws {
        let reference = try Reference.load()
        #expect(reference.moments.count >= 10)
        for row in reference.moments {
            let moments = Moments(reference.sample(row.sample))
            #expect(moments.count == row.count, "\(row.sample)")
            expectClose(moments.mean, row.mean, "\(row.sample) mean")
            if let variance = row.variance, let sd = row.standardDeviation {
                // Variance relative to the spread: values near 1e6 with SD 0.25 are in the set.
                expectClose(moments.variance, variance, scale: 0, "\(row.sample) variance")
                expectClose(moments.standardDeviation, sd, "\(row.sample) SD")
            } else {
                #expect(moments.variance == nil, "\(row.sample)")
                #expect(moments.standardDeviation == nil, "\(row.sample)")
            }
            if let srm = row.standardisedResponseMean {
                expectClose(moments.standardisedResponseMean, srm, "\(row.sample) SRM")
            } else {
                #expect(moments.standardisedResponseMean == nil, "\(row.sample)")
            }
        }
    }

    @Test("merging two halves equals one pass over the whole", arguments: [1, 2, 17, 250, 499, 500, 998])
    func mergeEqualsWhole(split: Int) {
        var generator = SeededGenerator(seed: 0x5EED_0001 &+ UInt64(split))
        let values = (0..<1000).map { _ in Double.random(in: -40...160, using: &generator) }
        let whole = Moments(values)
        var first = Moments(values[..<split])
        let second = Moments(values[split...])
        first.merge(second)
        #expect(first.count == whole.count)
        expectClose(first.mean, whole.mean ?? .nan, relative: 1e-12, "merged mean at split \(split)")
        expectClose(first.variance, whole.variance ?? .nan, relative: 1e-12, "merged variance at split \(split)")
        expectClose(
            first.sumOfSquaredDeviations, whole.sumOfSquaredDeviations, relative: 1e-12,
            "merged M2 at split \(split)"
        )
    }

    @Test("merging many shards in any grouping equals one pass")
    func mergeShards() {
        var generator = SeededGenerator(seed: 42)
        let values = (0..<3000).map { _ in 1000 + Double.random(in: 0...1, using: &generator) }
        let whole = Moments(values)
        let shards = stride(from: 0, to: values.count, by: 137).map { Moments(values[$0..<min($0 + 137, values.count)]) }
        let leftToRight = shards.reduce(Moments()) { $0.merged(with: $1) }
        let rightToLeft = shards.reversed().reduce(Moments()) { $1.merged(with: $0) }
        for merged in [leftToRight, rightToLeft] {
            #expect(merged.count == whole.count)
            expectClose(merged.mean, whole.mean ?? .nan, relative: 1e-12, "sharded mean")
            expectClose(merged.variance, whole.variance ?? .nan, relative: 1e-12, "sharded variance")
        }
    }

    @Test("merging with an empty state is the identity")
    func mergeEmpty() {
        let state = Moments([1, 2, 4])
        #expect(state.merged(with: Moments()) == state)
        #expect(Moments().merged(with: state) == state)
        #expect(Moments().merged(with: Moments()).count == 0)
    }

    @Test("edge cases: empty, one value, identical values, NaN")
    func edgeCases() throws {
        let empty = Moments()
        #expect(empty.count == 0)
        #expect(empty.mean == nil)
        #expect(empty.variance == nil)
        #expect(MeanEstimate(empty) == nil)

        let one = Moments([3.25])
        #expect(one.mean == 3.25)
        #expect(one.variance == nil)
        #expect(one.standardErrorOfMean == nil)
        #expect(one.standardisedResponseMean == nil)
        #expect(MeanEstimate(one) == nil)

        let identical = Moments([2.5, 2.5, 2.5, 2.5])
        #expect(identical.variance == 0)
        #expect(identical.standardisedResponseMean == nil)
        let estimate = try #require(MeanEstimate(identical))
        #expect(estimate.interval.lower == 2.5)
        #expect(estimate.interval.upper == 2.5)

        var poisoned = Moments([1, 2, 3])
        poisoned.add(.nan)
        #expect(!poisoned.isFinite)
        #expect(poisoned.count == 4)
        #expect(MeanEstimate(poisoned) == nil)
        #expect(poisoned.standardisedResponseMean == nil)
        #expect(TwoSampleTTest.welch(poisoned, Moments([1, 2, 3])) == nil)

        #expect(MeanEstimate(Moments([1, 2, 3]), level: 1) == nil)
        #expect(MeanEstimate(Moments([1, 2, 3]), level: 0) == nil)
    }

    /// 64 scores summing to 714: the mean is 11.15625 exactly, half-way between two four-decimal
    /// figures. Welford's running mean alone ends at 11.156249999999996 in this order (and exact in
    /// others), which moved the printed mean with the order of the participants.
    @Test("the mean of whole numbers is Σx/n in any order")
    func wholeNumberMeanIsExact() throws {
        let scores: [Double] = [
            13, 12, 23, 1, 21, 20, 15, 15, 14, 20, 9, 12, 8, 19, 4, 1, 2, 3, 3, 14, 12, 12, 7, 22, 7, 10, 8, 8, 8, 17, 15, 0,
            10, 13, 18, 9, 22, 7, 5, 4, 18, 8, 5, 1, 14, 23, 17, 21, 10, 3, 23, 7, 7, 14, 21, 21, 5, 15, 1, 2, 9, 14, 2, 10,
        ]
        #expect(scores.reduce(0, +) == 714)
        let orders = [scores, scores.reversed(), scores.sorted(), Array(scores[20...] + scores[..<20])]
        for order in orders {
            #expect(Moments(order).mean == 11.15625)
            var added = Moments()
            added.add(contentsOf: order)
            #expect(added.mean == 11.15625)
        }
        #expect(Moments(scores[..<31]).merged(with: Moments(scores[31...])).mean == 11.15625)
        // The variance still comes from Welford's M2, as before.
        expectClose(Moments(scores).variance, Moments(scores.sorted()).variance ?? .nan, relative: 1e-14, "variance in two orders")
    }

    @Test("a state from summary statistics keeps the mean it was given")
    func summaryMeanIsKept() throws {
        let summary = try #require(Moments(count: 3, mean: 0.1 + 0.2, standardDeviation: 1))
        #expect(summary.mean == 0.1 + 0.2)
        let merged = summary.merged(with: Moments([0.3, 0.3, 0.3]))
        expectClose(merged.mean, 0.3, relative: 1e-15, "mean merged with a summary state")
        #expect(merged.count == 6)
    }

    @Test("summary statistics enter as a state")
    func fromSummary() throws {
        let values = [4.0, 8, 15, 16, 23, 42]
        let raw = Moments(values)
        let summary = try #require(Moments(count: 6, mean: raw.mean ?? 0, standardDeviation: raw.standardDeviation ?? 0))
        expectClose(summary.variance, raw.variance ?? .nan, relative: 1e-14, "variance from summary")
        #expect(Moments(count: 1, mean: 2, standardDeviation: 1) == nil)
        #expect(Moments(count: -1, mean: 0, standardDeviation: 0) == nil)
        #expect(Moments(count: 5, mean: 1, standardDeviation: -1) == nil)
        #expect(Moments(count: 5, mean: .nan, standardDeviation: 1) == nil)
        #expect(Moments(count: 0, mean: 0, standardDeviation: 0)?.count == 0)
    }

    @Test("mean t-interval matches scipy.stats.t")
    func meanInterval() throws {
        let reference = try Reference.load()
        for row in reference.meanIntervals {
            let moments = Moments(reference.sample(row.sample))
            let estimate = MeanEstimate(moments, level: row.level)
            guard let expected = row.expected else {
                #expect(estimate == nil, "\(row.sample)")
                continue
            }
            let actual = try #require(estimate, "\(row.sample)")
            let label = "\(row.sample) at \(row.level)"
            expectClose(actual.mean, expected.mean, "\(label) mean")
            expectClose(actual.standardError, expected.standardError, scale: 1e-300, "\(label) SE")
            #expect(actual.degreesOfFreedom == Double(expected.degreesOfFreedom))
            expectClose(actual.interval.lower, expected.lower, scale: expected.standardError, "\(label) lower")
            expectClose(actual.interval.upper, expected.upper, scale: expected.standardError, "\(label) upper")
        }
    }
}

/// One-way analysis of variance across groups summarised by ``Moments``.
///
/// `F = (SSB / (k − 1)) / (SSW / (N − k))` with `SSB = Σ nᵢ (x̄ᵢ − x̄)²` and `SSW = Σ M2ᵢ`, p
/// from the F upper tail. Because it takes mergeable states, group summaries computed shard by
/// shard give the same test as the raw data.
public struct OneWayANOVA: Hashable, Sendable {
    /// Number of non-empty groups, `k`.
    public let groupCount: Int
    /// Total number of values, `N`.
    public let observationCount: Int
    /// Between-group sum of squares.
    public let sumOfSquaresBetween: Double
    /// Within-group sum of squares.
    public let sumOfSquaresWithin: Double
    /// `k − 1`.
    public let degreesOfFreedomBetween: Int
    /// `N − k`.
    public let degreesOfFreedomWithin: Int
    /// The F statistic.
    public let f: Double
    /// Upper-tail p-value.
    public let pValue: Double

    /// - Returns: `nil` when fewer than 2 groups are non-empty (empty groups are skipped: they
    ///   hold no information, and ``groupCount`` says how many were used), `N − k < 1`, a state is
    ///   not finite, or the within-group sum of squares is 0 (every group constant: F undefined
    ///   or infinite).
    public init?(_ groups: [Moments]) {
        let used = groups.filter { $0.count > 0 }
        guard used.count >= 2, used.allSatisfy(\.isFinite) else { return nil }
        let total = used.reduce(Moments()) { $0.merged(with: $1) }
        guard let grandMean = total.mean else { return nil }
        let groupCount = used.count
        let degreesOfFreedomWithin = total.count - groupCount
        guard degreesOfFreedomWithin >= 1 else { return nil }
        var between = 0.0
        var within = 0.0
        for group in used {
            guard let mean = group.mean else { return nil }
            between += Double(group.count) * (mean - grandMean) * (mean - grandMean)
            within += group.sumOfSquaredDeviations
        }
        guard within > 0,
              let distribution = FisherF(
                  numeratorDegreesOfFreedom: Double(groupCount - 1),
                  denominatorDegreesOfFreedom: Double(degreesOfFreedomWithin)
              )
        else { return nil }
        self.groupCount = groupCount
        observationCount = total.count
        sumOfSquaresBetween = between
        sumOfSquaresWithin = within
        degreesOfFreedomBetween = groupCount - 1
        self.degreesOfFreedomWithin = degreesOfFreedomWithin
        f = (between / Double(groupCount - 1)) / (within / Double(degreesOfFreedomWithin))
        pValue = distribution.survival(f)
    }
}

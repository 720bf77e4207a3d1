/// A 2×2 table of counts:
///
/// ```
///            column 1   column 2
/// row 1         a          b
/// row 2         c          d
/// ```
///
/// For two groups and a binary outcome the rows are the groups and column 1 the events.
public struct TwoByTwoTable: Hashable, Sendable {
    public let a: Int
    public let b: Int
    public let c: Int
    public let d: Int

    /// `nil` when any count is negative.
    public init?(a: Int, b: Int, c: Int, d: Int) {
        guard a >= 0, b >= 0, c >= 0, d >= 0 else { return nil }
        self.a = a
        self.b = b
        self.c = c
        self.d = d
    }

    /// The table of two proportions: row 1 is `first` (events, non-events), row 2 `second`.
    public init(_ first: Proportion, _ second: Proportion) {
        a = first.successes
        b = first.trials - first.successes
        c = second.successes
        d = second.trials - second.successes
    }

    /// The counts as rows, for ``ChiSquareTest``.
    public var rows: [[Int]] {
        [[a, b], [c, d]]
    }
}

/// Fisher's exact test for a 2×2 table, conditional on both margins (hypergeometric).
///
/// The two-sided p-value sums the probabilities of every table with the observed margins whose
/// probability does not exceed the observed table's, with a relative tolerance of 1e-7 so tables
/// that are equally likely in exact arithmetic are not split by rounding (the rule of R's
/// `fisher.test`). One-sided p-values are the hypergeometric tails at `a`. Probabilities come
/// from the ratio recurrence of the hypergeometric distribution started at the mode and
/// normalised, so no factorial overflows and tail probabilities keep their relative accuracy.
/// A table with an empty row or column has only one possible table: p = 1.
public struct FisherExactTest: Hashable, Sendable {
    /// The alternative hypothesis, in terms of the odds ratio `(a·d) / (b·c)`.
    public enum Alternative: String, Hashable, Sendable {
        case twoSided
        /// Odds ratio below 1: small `a`.
        case less
        /// Odds ratio above 1: large `a`.
        case greater
    }

    /// The table tested.
    public let table: TwoByTwoTable
    /// The alternative used.
    public let alternative: Alternative
    /// The p-value.
    public let pValue: Double
    /// The sample odds ratio `(a·d) / (b·c)`: `+∞` when `b·c = 0 < a·d`, `nil` when both products
    /// are 0. (Not the conditional maximum-likelihood estimate.)
    public let oddsRatio: Double?

    /// The relative tolerance of the two-sided rule.
    public static let relativeTolerance = 1e-7

    public init(_ table: TwoByTwoTable, alternative: Alternative = .twoSided) {
        self.table = table
        self.alternative = alternative
        let cross = Double(table.a) * Double(table.d)
        let otherCross = Double(table.b) * Double(table.c)
        if otherCross > 0 {
            oddsRatio = cross / otherCross
        } else {
            oddsRatio = cross > 0 ? .infinity : nil
        }

        let row1 = table.a + table.b
        let row2 = table.c + table.d
        let column1 = table.a + table.c
        let lowest = max(0, column1 - row2)
        let highest = min(row1, column1)
        let probabilities = FisherExactTest.hypergeometric(
            row1: row1, row2: row2, column1: column1, lowest: lowest, highest: highest
        )
        let observed = table.a - lowest
        var p: Double
        switch alternative {
        case .less:
            p = probabilities[0...observed].sorted().reduce(0, +)
        case .greater:
            p = probabilities[observed...].sorted().reduce(0, +)
        case .twoSided:
            let threshold = probabilities[observed] * (1 + FisherExactTest.relativeTolerance)
            p = probabilities.filter { $0 <= threshold }.sorted().reduce(0, +)
        }
        pValue = min(1, p)
    }

    /// `P(A = k)` for `k` in `lowest...highest`, normalised to sum to 1.
    private static func hypergeometric(row1: Int, row2: Int, column1: Int, lowest: Int, highest: Int) -> [Double] {
        let count = highest - lowest + 1
        let total = Double(row1 + row2 + 2)
        let modeEstimate = Int((Double(row1 + 1) * Double(column1 + 1) / total).rounded(.down))
        let mode = min(max(modeEstimate, lowest), highest)
        var weights = [Double](repeating: 0, count: count)
        weights[mode - lowest] = 1
        // P(k + 1) / P(k) = (r₁ − k)(c₁ − k) / ((k + 1)(r₂ − c₁ + k + 1)).
        var k = mode
        while k < highest {
            let ratio = Double(row1 - k) * Double(column1 - k) / (Double(k + 1) * Double(row2 - column1 + k + 1))
            weights[k + 1 - lowest] = weights[k - lowest] * ratio
            k += 1
        }
        k = mode
        while k > lowest {
            let ratio = Double(k) * Double(row2 - column1 + k) / (Double(row1 - k + 1) * Double(column1 - k + 1))
            weights[k - 1 - lowest] = weights[k - lowest] * ratio
            k -= 1
        }
        let sum = weights.sorted().reduce(0, +)
        return weights.map { $0 / sum }
    }
}

/// Pearson's chi-square test of independence for an r × c table of counts.
///
/// `X² = Σ (O − E)² / E` with `E = row total · column total / N`, `(r − 1)(c − 1)` degrees of
/// freedom, p from the chi-square upper tail. With `yatesCorrection` and a 2×2 table each
/// observed count is moved 0.5 towards its expected count, but never past it
/// (`|O − E| − min(0.5, |O − E|)`), as in `scipy.stats.chi2_contingency`; for larger tables the
/// flag has no effect. The approximation needs adequate expected counts: ``minimumExpected``
/// is reported so callers can flag tables where it is below 5 (and use ``FisherExactTest``).
public struct ChiSquareTest: Hashable, Sendable {
    /// The chi-square statistic.
    public let statistic: Double
    /// `(r − 1)(c − 1)`.
    public let degreesOfFreedom: Int
    /// Upper-tail p-value.
    public let pValue: Double
    /// Expected counts under independence, by row.
    public let expected: [[Double]]
    /// The smallest expected count.
    public let minimumExpected: Double
    /// Whether Yates' correction was applied (only for 2×2 tables).
    public let yatesCorrected: Bool

    /// - Returns: `nil` when the table has fewer than 2 rows or 2 columns, rows of different
    ///   lengths, a negative count, or a row or column whose total is 0 (an expected count of 0;
    ///   drop the empty category first).
    public init?(_ table: [[Int]], yatesCorrection: Bool = false) {
        guard table.count >= 2, let columnCount = table.first?.count, columnCount >= 2,
              table.allSatisfy({ $0.count == columnCount }),
              table.allSatisfy({ $0.allSatisfy { $0 >= 0 } })
        else { return nil }
        let rowTotals = table.map { Double($0.reduce(0, +)) }
        let columnTotals = (0..<columnCount).map { column in Double(table.reduce(0) { $0 + $1[column] }) }
        let grandTotal = rowTotals.reduce(0, +)
        guard rowTotals.allSatisfy({ $0 > 0 }), columnTotals.allSatisfy({ $0 > 0 }) else { return nil }
        let degreesOfFreedom = (table.count - 1) * (columnCount - 1)
        let correct = yatesCorrection && degreesOfFreedom == 1
        var statistic = 0.0
        var expected: [[Double]] = []
        for (row, counts) in table.enumerated() {
            var expectedRow: [Double] = []
            for (column, count) in counts.enumerated() {
                let e = rowTotals[row] * columnTotals[column] / grandTotal
                var deviation = abs(Double(count) - e)
                if correct { deviation -= min(0.5, deviation) }
                statistic += deviation * deviation / e
                expectedRow.append(e)
            }
            expected.append(expectedRow)
        }
        guard let distribution = ChiSquared(degreesOfFreedom: Double(degreesOfFreedom)) else { return nil }
        self.statistic = statistic
        self.degreesOfFreedom = degreesOfFreedom
        pValue = distribution.survival(statistic)
        self.expected = expected
        minimumExpected = expected.joined().min() ?? 0
        yatesCorrected = correct
    }
}

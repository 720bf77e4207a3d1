/// An ordinary least-squares fit by Householder QR, with rank detection.
///
/// The normal equations are never formed. Columns are processed in design order; before column
/// `j` is used as a pivot, the reflections of the earlier pivots have been applied to it, and if
/// what remains has norm at most `tolerance` times the column's original norm (an all-zero
/// column always does) the column is *aliased*: a linear combination of earlier columns, as in
/// R's `lm` (LINPACK `dqrdc2`, default tolerance 1e-7). Aliased columns get no coefficient and
/// are listed in ``aliasedColumns``; the rank is the number of pivots. The model is then the
/// full-rank fit on the remaining columns, so a rank-deficient design is reported, never
/// silently solved by a generalised inverse.
///
/// Estimates: coefficients from `R b = Qᵀy`; residual sum of squares `RSS = Σ (Qᵀy)ᵢ²` over the
/// rows beyond the rank; residual degrees of freedom `n − rank`; residual variance
/// `σ² = RSS / (n − rank)`; covariance `σ² (RᵀR)⁻¹` from the inverse of `R`.
public struct LinearModel: Sendable {
    /// One estimated coefficient with its t-based inference.
    public struct Coefficient: Hashable, Sendable {
        /// Column name.
        public let name: String
        /// Estimate.
        public let estimate: Double
        /// Standard error.
        public let standardError: Double
        /// `estimate / standardError`.
        public let t: Double
        /// Residual degrees of freedom of the model.
        public let degreesOfFreedom: Int
        /// Two-sided p-value from the t distribution.
        public let pValue: Double
        /// `estimate ± t(1 − α/2, df) · SE`.
        public let interval: ConfidenceInterval

        /// The interval of ``estimate`` at another `level`.
        public func interval(level: Double) -> ConfidenceInterval? {
            ConfidenceInterval.t(estimate: estimate, standardError: standardError,
                                 degreesOfFreedom: Double(degreesOfFreedom), level: level)
        }
    }

    /// The design the model was fitted on.
    public let design: DesignMatrix
    /// The response.
    public let response: [Double]
    /// Rank tolerance used.
    public let tolerance: Double
    /// Number of observations, `n`.
    public var observationCount: Int { design.rowCount }
    /// Numerical rank of the design: the number of columns with a coefficient.
    public let rank: Int
    /// Indices of aliased columns (in design order).
    public let aliasedColumns: [Int]
    /// Coefficient per design column; `nil` for aliased columns.
    public let coefficients: [Double?]
    /// Standard error per design column; `nil` for aliased columns and when the residual degrees
    /// of freedom are 0.
    public let standardErrors: [Double?]
    /// Residual sum of squares.
    public let residualSumOfSquares: Double
    /// `n − rank`.
    public let residualDegreesOfFreedom: Int
    /// `RSS / (n − rank)`; `nil` when `n = rank` (a saturated fit has no error estimate) or the
    /// fit is exact (``isExactFit``).
    public let residualVariance: Double?
    /// Whether the model fits the response exactly, up to rounding: `√RSS ≤ 1e-9 · ‖y‖` (every
    /// follow-up equal to its baseline plus one shift per arm, say). There is no error left to
    /// estimate: no standard error, interval, p-value or F-test is given.
    public let isExactFit: Bool
    /// The ratio `√RSS / ‖y‖` at or below which a fit counts as exact. Rounding leaves about
    /// 1e-18 · n (1e-12 at a million observations); recorded scores, with a few decimals at
    /// most, never fit a model this closely unless they fit it exactly.
    static let exactFitRatio = 1e-9

    /// Whether a residual sum of squares is rounding noise against a response whose sum of
    /// squares is `responseSquares` (``exactFitRatio``).
    static func isExact(residualSumOfSquares: Double, responseSquares: Double) -> Bool {
        residualSumOfSquares <= exactFitRatio * exactFitRatio * responseSquares
    }
    /// `(RᵀR)⁻¹` over the estimated columns, in the order of ``estimatedColumns``.
    private let unscaledCovariance: [[Double]]
    /// Indices of the non-aliased columns, in design order.
    public let estimatedColumns: [Int]

    /// Fits `response ~ design`.
    ///
    /// - Returns: `nil` when the response length differs from the design's row count, a response
    ///   value is not finite, there are no rows, or `tolerance` is not in `[0, 1)`. A design with
    ///   no columns, or whose every column is aliased, gives rank 0, no coefficients and
    ///   `RSS = Σ y²` (the null model of a nested comparison).
    public init?(design: DesignMatrix, response: [Double], tolerance: Double = 1e-7) {
        self.init(design: design, response: response, tolerance: tolerance,
                  blockRows: design.rowCount > LinearModel.blockRows ? LinearModel.blockRows : nil)
    }

    /// Rows per block when a tall design is first reduced to a triangle (``reduced(_:response:blockRows:)``):
    /// a block of this many rows and a few columns stays in the processor's cache.
    static let blockRows = 256

    /// As ``init(design:response:tolerance:)``, reducing `[X | y]` block by block to its triangular
    /// factor first when `blockRows` is given (the fit then works on `p + 1` rows instead of `n`),
    /// or working on the design's rows themselves when it is nil.
    init?(design: DesignMatrix, response: [Double], tolerance: Double, blockRows: Int?) {
        let n = design.rowCount
        let p = design.columnCount
        guard n > 0, response.count == n, response.allSatisfy(\.isFinite),
              tolerance >= 0, tolerance < 1
        else { return nil }
        self.design = design
        self.response = response
        self.tolerance = tolerance

        // Each column's norm in the design as given: the yardstick of aliasing.
        let originalSquares = (0..<p).map { column in
            design.column(column).reduce(0.0) { $0 + $1 * $1 }
        }
        var (a, qty, rows) = (design.values, response, n)
        if let blockRows, blockRows > 0, n > p + 1 {
            (a, qty) = LinearModel.reduced(design, response: response, blockRows: blockRows)
            rows = p + 1
        }
        var pivots: [Int] = []
        var aliased: [Int] = []
        var rMatrix: [[Double]] = []   // rMatrix[m] = column m of R (length m + 1)
        // The Householder vector of the current column, in place of a new array per column.
        var reflector = [Double](repeating: 0, count: rows)
        var row = 0
        // Through buffers: the loops below run over every row of the design for each column,
        // and array subscripts would check every index. The arithmetic and its order are those
        // of the textbook loops.
        a.withUnsafeMutableBufferPointer { a in
            qty.withUnsafeMutableBufferPointer { qty in
                reflector.withUnsafeMutableBufferPointer { v in
                    for j in 0..<p {
                        let base = j * rows
                        var remainingSquares = 0.0
                        if row < rows {
                            for i in row..<rows { remainingSquares += a[base + i] * a[base + i] }
                        }
                        let remainingNorm = remainingSquares.squareRoot()
                        if row >= rows || originalSquares[j] == 0
                            || remainingNorm <= tolerance * originalSquares[j].squareRoot() {
                            aliased.append(j)
                            continue
                        }
                        // Householder reflection H = I − 2vvᵀ/(vᵀv) mapping a[row..<rows, j] to (α, 0, …, 0).
                        let head = a[base + row]
                        let alpha = head >= 0 ? -remainingNorm : remainingNorm
                        let length = rows - row
                        for i in 0..<length { v[i] = a[base + row + i] }
                        v[0] -= alpha
                        let vSquared = remainingSquares - head * head + v[0] * v[0]
                        if vSquared > 0 {
                            for k in j..<p {
                                let columnBase = k * rows + row
                                var dot = 0.0
                                for i in 0..<length { dot += v[i] * a[columnBase + i] }
                                let factor = 2 * dot / vSquared
                                for i in 0..<length { a[columnBase + i] -= factor * v[i] }
                            }
                            var dot = 0.0
                            for i in 0..<length { dot += v[i] * qty[row + i] }
                            let factor = 2 * dot / vSquared
                            for i in 0..<length { qty[row + i] -= factor * v[i] }
                        }
                        a[base + row] = alpha
                        rMatrix.append(Array(a[base...(base + row)]))
                        pivots.append(j)
                        row += 1
                    }
                }
            }
        }

        let rank = pivots.count
        // Back substitution R b = (Qᵀy)[0..<rank].
        var solution = [Double](repeating: 0, count: rank)
        for m in stride(from: rank - 1, through: 0, by: -1) {
            var sum = qty[m]
            for k in (m + 1)..<max(m + 1, rank) { sum -= rMatrix[k][m] * solution[k] }
            solution[m] = sum / rMatrix[m][m]
        }
        // R⁻¹ (upper triangular), column by column.
        var inverse = [[Double]](repeating: [Double](repeating: 0, count: rank), count: rank)
        for column in 0..<rank {
            inverse[column][column] = 1 / rMatrix[column][column]
            for m in stride(from: column - 1, through: 0, by: -1) {
                var sum = 0.0
                for k in (m + 1)...column { sum -= rMatrix[k][m] * inverse[k][column] }
                inverse[m][column] = sum / rMatrix[m][m]
            }
        }
        // (RᵀR)⁻¹ = R⁻¹ R⁻ᵀ.
        var unscaled = [[Double]](repeating: [Double](repeating: 0, count: rank), count: rank)
        for i in 0..<rank {
            for j in i..<rank {
                var sum = 0.0
                for k in j..<rank { sum += inverse[i][k] * inverse[j][k] }
                unscaled[i][j] = sum
                unscaled[j][i] = sum
            }
        }

        var rss = 0.0
        for i in rank..<rows { rss += qty[i] * qty[i] }
        let residualDegreesOfFreedom = n - rank
        // An exact fit leaves residuals of rounding size only: an error variance from them is
        // noise, and so would be every standard error, interval and p-value.
        let squares = response.reduce(0) { $0 + $1 * $1 }
        let exact = LinearModel.isExact(residualSumOfSquares: rss, responseSquares: squares)
        let variance: Double? = residualDegreesOfFreedom > 0 && !exact ? rss / Double(residualDegreesOfFreedom) : nil

        var coefficients = [Double?](repeating: nil, count: p)
        var standardErrors = [Double?](repeating: nil, count: p)
        for (position, column) in pivots.enumerated() {
            coefficients[column] = solution[position]
            if let variance {
                standardErrors[column] = (variance * unscaled[position][position]).squareRoot()
            }
        }
        self.rank = rank
        aliasedColumns = aliased
        self.coefficients = coefficients
        self.standardErrors = standardErrors
        residualSumOfSquares = rss
        self.residualDegreesOfFreedom = residualDegreesOfFreedom
        residualVariance = variance
        isExactFit = exact
        unscaledCovariance = unscaled
        estimatedColumns = pivots
    }

    /// The triangular factor of `[X | y]`: the `(p + 1) × (p + 1)` upper triangle `T` with
    /// `TᵀT = [X | y]ᵀ[X | y]`, as `p` design columns of `p + 1` rows (column-major) and the
    /// response column, from Householder reflections applied block by block (the tall-skinny QR:
    /// `T` on top of the next `blockRows` rows is reduced to a triangle again, until every row is
    /// in). `T = Qᵀ[X | y]` for an orthogonal `Q`, so the fit on `T` has the coefficients, the
    /// column norms that decide aliasing and the residual sum of squares of the fit on the rows,
    /// with one pass over the data instead of one per column, on blocks that stay in cache.
    static func reduced(_ design: DesignMatrix, response: [Double], blockRows: Int) -> (design: [Double], response: [Double]) {
        let n = design.rowCount
        let width = design.columnCount + 1          // the design's columns, then y
        // The triangle, column-major: triangle[k * width + i] is row i of column k.
        var triangle = [Double](repeating: 0, count: width * width)
        // The current block, column-major: block[k * blockRows + i] is row i of column k.
        var block = [Double](repeating: 0, count: width * blockRows)
        design.values.withUnsafeBufferPointer { x in
            response.withUnsafeBufferPointer { y in
                triangle.withUnsafeMutableBufferPointer { t in
                    block.withUnsafeMutableBufferPointer { b in
                        var start = 0
                        while start < n {
                            let count = min(blockRows, n - start)
                            for k in 0..<width {
                                let source = k < width - 1 ? UnsafeBufferPointer(rebasing: x[(k * n + start)..<(k * n + start + count)])
                                    : UnsafeBufferPointer(rebasing: y[start..<(start + count)])
                                for i in 0..<count { b[k * blockRows + i] = source[i] }
                            }
                            // Column j of [T; block] below the diagonal is (T[j, j], 0, …, 0,
                            // block[0..<count, j]): the reflection touches row j of T and the block.
                            for j in 0..<width {
                                let column = j * blockRows
                                var blockSquares = 0.0
                                for i in 0..<count { blockSquares += b[column + i] * b[column + i] }
                                guard blockSquares > 0 else { continue }
                                let head = t[j * width + j]
                                let norm = (head * head + blockSquares).squareRoot()
                                let alpha = head >= 0 ? -norm : norm
                                let v0 = head - alpha
                                let vSquared = v0 * v0 + blockSquares
                                for k in (j + 1)..<width {
                                    let other = k * blockRows
                                    var dot = v0 * t[k * width + j]
                                    for i in 0..<count { dot += b[column + i] * b[other + i] }
                                    let factor = 2 * dot / vSquared
                                    t[k * width + j] -= factor * v0
                                    for i in 0..<count { b[other + i] -= factor * b[column + i] }
                                }
                                t[j * width + j] = alpha
                            }
                            start += count
                        }
                    }
                }
            }
        }
        let designPart = Array(triangle[0..<((width - 1) * width)])
        let responsePart = Array(triangle[((width - 1) * width)...])
        return (designPart, responsePart)
    }

    /// Names of the aliased columns.
    public var aliasedColumnNames: [String] {
        aliasedColumns.map { design.columnNames[$0] }
    }

    /// Whether any column was aliased (the design as given is rank deficient).
    public var isRankDeficient: Bool {
        !aliasedColumns.isEmpty
    }

    /// The estimated covariance of the coefficients of columns `i` and `j`; `nil` when either is
    /// aliased or out of range, or the residual degrees of freedom are 0.
    public func covariance(_ i: Int, _ j: Int) -> Double? {
        guard let variance = residualVariance,
              let first = estimatedColumns.firstIndex(of: i),
              let second = estimatedColumns.firstIndex(of: j)
        else { return nil }
        return variance * unscaledCovariance[first][second]
    }

    /// The coefficient of the column at `index` with its t inference; `nil` when the column is
    /// aliased or out of range, the residual degrees of freedom are 0, or `level` is not in `(0, 1)`.
    public func coefficient(at index: Int, level: Double = 0.95) -> Coefficient? {
        guard isValidLevel(level), coefficients.indices.contains(index),
              let estimate = coefficients[index], let standardError = standardErrors[index],
              let distribution = StudentT(degreesOfFreedom: Double(residualDegreesOfFreedom)),
              let interval = ConfidenceInterval.t(estimate: estimate, standardError: standardError,
                                                  degreesOfFreedom: Double(residualDegreesOfFreedom), level: level)
        else { return nil }
        let t = estimate / standardError
        return Coefficient(
            name: design.columnNames[index],
            estimate: estimate,
            standardError: standardError,
            t: t,
            degreesOfFreedom: residualDegreesOfFreedom,
            pValue: distribution.twoSidedPValue(t),
            interval: interval
        )
    }

    /// The coefficient of the column named `name` (e.g. `group[B]`); `nil` as in
    /// ``coefficient(at:level:)`` or when no column has that name.
    public func coefficient(named name: String, level: Double = 0.95) -> Coefficient? {
        guard let index = design.columnNames.firstIndex(of: name) else { return nil }
        return coefficient(at: index, level: level)
    }

    /// The partial F-test of `terms`: this model against the model without their columns,
    /// `F = ((RSS_reduced − RSS_full) / q) / (RSS_full / df_full)` with `q` the rank lost by
    /// dropping the terms (not their column count, so aliased columns are not counted).
    ///
    /// - Returns: `nil` when a term is not in the model, `q = 0` (the terms add nothing
    ///   estimable), the residual degrees of freedom are 0, or `RSS_full = 0` (a perfect fit).
    public func fTest(dropping terms: [Term]) -> FTest? {
        let present = Set(design.columnTerms)
        guard !terms.isEmpty, terms.allSatisfy({ present.contains($0) }),
              let reduced = LinearModel(design: design.removing(terms), response: response, tolerance: tolerance)
        else { return nil }
        return FTest(reduced: reduced, full: self)
    }
}

/// An F-test comparing two nested linear models.
public struct FTest: Hashable, Sendable {
    /// The F statistic.
    public let f: Double
    /// `q`, the difference in rank between the models.
    public let numeratorDegreesOfFreedom: Int
    /// Residual degrees of freedom of the larger model.
    public let denominatorDegreesOfFreedom: Int
    /// Upper-tail p-value.
    public let pValue: Double
    /// Residual sum of squares of the smaller model.
    public let reducedResidualSumOfSquares: Double
    /// Residual sum of squares of the larger model.
    public let fullResidualSumOfSquares: Double

    /// `F = ((RSS_r − RSS_f) / q) / (RSS_f / df_f)` with `q = rank_f − rank_r`. The models must be
    /// fitted to the same response with the reduced design's columns a subset of the full one's
    /// (not checked beyond the response and the ranks).
    ///
    /// - Returns: `nil` when the responses differ, `q ≤ 0`, `df_f = 0`, or `RSS_f = 0`. A
    ///   difference `RSS_r − RSS_f` below 0 from rounding is taken as 0.
    public init?(reduced: LinearModel, full: LinearModel) {
        guard reduced.response == full.response, !full.isExactFit else { return nil }
        self.init(reducedResidualSumOfSquares: reduced.residualSumOfSquares, reducedRank: reduced.rank,
                  fullResidualSumOfSquares: full.residualSumOfSquares, fullRank: full.rank,
                  denominatorDegreesOfFreedom: full.residualDegreesOfFreedom)
    }

    /// The test from the two fits' residual sums of squares and ranks, as ``init(reduced:full:)``.
    init?(reducedResidualSumOfSquares: Double, reducedRank: Int, fullResidualSumOfSquares: Double, fullRank: Int,
          denominatorDegreesOfFreedom: Int) {
        let q = fullRank - reducedRank
        guard q > 0, denominatorDegreesOfFreedom > 0, fullResidualSumOfSquares > 0,
              let distribution = FisherF(
                  numeratorDegreesOfFreedom: Double(q),
                  denominatorDegreesOfFreedom: Double(denominatorDegreesOfFreedom)
              )
        else { return nil }
        let increase = max(0, reducedResidualSumOfSquares - fullResidualSumOfSquares)
        f = (increase / Double(q)) / (fullResidualSumOfSquares / Double(denominatorDegreesOfFreedom))
        numeratorDegreesOfFreedom = q
        self.denominatorDegreesOfFreedom = denominatorDegreesOfFreedom
        pValue = distribution.survival(f)
        self.reducedResidualSumOfSquares = reducedResidualSumOfSquares
        self.fullResidualSumOfSquares = fullResidualSumOfSquares
    }
}

/// Linear models whose design row is the same for every observation of a group (designs of factors
/// only, such as a two-way layout with its interaction), fitted from each group's count, mean and
/// sum of squared deviations instead of from the observations themselves.
///
/// Estimator: weighted least squares with one row per group that has observations, its design row
/// and mean each multiplied by √nᵢ, by the Householder QR of ``LinearModel``. The scaled rows have
/// the observations' cross-products (XᵀX, Xᵀy and the column norms that decide aliasing), so the
/// fit has their coefficients and rank; its residual sum of squares plus the within-group sum
/// Σ M2ᵢ is the observations' residual sum of squares, and the residual degrees of freedom are
/// N − rank with N = Σ nᵢ. Memory and time grow with the groups, not with the observations.
public enum GroupedLinearModel {
    /// The F-test of dropping `terms` from the model with `design`, whose row `i` is the design row
    /// of the observations summarised by `groups[i]` (``FTest/init(reduced:full:)`` on the
    /// observations, up to rounding).
    ///
    /// - Returns: `nil` when `design` has not one row per group, no group has observations, a
    ///   term is not in the design, or as ``FTest/init(reduced:full:)`` (`q ≤ 0`, no residual
    ///   degrees of freedom, a residual sum of squares of 0). Groups without observations are left
    ///   out, as they add no rows. When the full model fits the observations exactly (every
    ///   group's values equal, and the group means on the model, up to rounding as in
    ///   ``LinearModel/isExactFit``), the test is nil: an F over rounding noise means nothing.
    public static func fTest(design: DesignMatrix, groups: [Moments], dropping terms: [Term],
                             tolerance: Double = 1e-7) -> FTest? {
        let present = Set(design.columnTerms)
        guard design.rowCount == groups.count, !terms.isEmpty, terms.allSatisfy({ present.contains($0) }) else {
            return nil
        }
        let observed = groups.indices.filter { groups[$0].count > 0 }
        guard !observed.isEmpty else { return nil }
        let weights = observed.map { Double(groups[$0].count).squareRoot() }
        var values: [Double] = []
        values.reserveCapacity(observed.count * design.columnCount)
        for column in 0..<design.columnCount {
            for (row, group) in observed.enumerated() {
                values.append(design.value(row: group, column: column) * weights[row])
            }
        }
        let scaled = DesignMatrix(rowCount: observed.count, columnNames: design.columnNames,
                                  columnTerms: design.columnTerms, values: values)
        let means = observed.enumerated().map { row, group in (groups[group].mean ?? 0) * weights[row] }
        guard let full = LinearModel(design: scaled, response: means, tolerance: tolerance),
              let reduced = LinearModel(design: scaled.removing(terms), response: means, tolerance: tolerance)
        else { return nil }
        let within = observed.reduce(0.0) { $0 + groups[$1].sumOfSquaredDeviations }
        let observations = observed.reduce(0) { $0 + groups[$1].count }
        // Σy² of the observations, from each group's count, mean and sum of squared deviations.
        let squares = observed.reduce(0.0) { sum, group in
            let mean = groups[group].mean ?? 0
            return sum + groups[group].sumOfSquaredDeviations + Double(groups[group].count) * mean * mean
        }
        guard !LinearModel.isExact(residualSumOfSquares: full.residualSumOfSquares + within, responseSquares: squares)
        else { return nil }
        return FTest(reducedResidualSumOfSquares: reduced.residualSumOfSquares + within, reducedRank: reduced.rank,
                     fullResidualSumOfSquares: full.residualSumOfSquares + within, fullRank: full.rank,
                     denominatorDegreesOfFreedom: observations - full.rank)
    }
}

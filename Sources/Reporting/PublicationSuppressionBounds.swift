/// What a reader can narrow: the values each hidden count can still take, given the shown counts,
/// the relations, and what the markers say (`<5` is 1 to 4; `x` is not small, so 0 or at least
/// 5). Solving relations exactly (``SmallCellSuppression/determinedCells(_:_:_:)``) misses counts
/// pinned this way: in `<5 + <5 = 2` both are 1, and in `<5 + x + x = 6` the two `x` sum to 0 or
/// to at least 5, so to 5, and the small one is 1.
extension SmallCellSuppression {
    /// The values a reader allows one hidden count: a union of disjoint whole-number ranges in
    /// increasing order (an upper end may be infinite), e.g. `{0} ∪ [5, ∞)` for an `x`.
    struct CountValues: Equatable {
        var ranges: [ClosedRange<Double>]

        init(_ ranges: [ClosedRange<Double>]) {
            self.ranges = CountValues.merged(ranges)
        }

        /// Whether only one value is left: the reader has worked the count out.
        var isSingle: Bool { ranges.count == 1 && ranges[0].lowerBound == ranges[0].upperBound }

        /// Every `a + b` with `a` from self and `b` from `other`.
        func adding(_ other: CountValues) -> CountValues {
            CountValues(ranges.flatMap { mine in
                other.ranges.map { ($0.lowerBound + mine.lowerBound)...($0.upperBound + mine.upperBound) }
            })
        }

        /// Every `-a`.
        var negated: CountValues { CountValues(ranges.map { (-$0.upperBound)...(-$0.lowerBound) }) }

        /// Every `a · factor` (not 0), as ranges: for a factor other than ±1 a superset of the
        /// products, which keeps every deduction from it sound.
        func scaled(by factor: Double) -> CountValues {
            if factor == 1 { return self }
            if factor == -1 { return negated }
            return CountValues(ranges.map { range in
                let ends = [range.lowerBound * factor, range.upperBound * factor].map { $0.isNaN ? 0 : $0 }
                return (ends.min() ?? 0)...(ends.max() ?? 0)
            })
        }

        /// Every range widened by `slack` at both ends (for identities computed in floating point).
        func widened(by slack: Double) -> CountValues {
            CountValues(ranges.map { ($0.lowerBound - slack)...($0.upperBound + slack) })
        }

        /// Every `a + constant`.
        func shifted(by constant: Double) -> CountValues {
            CountValues(ranges.map { ($0.lowerBound + constant)...($0.upperBound + constant) })
        }

        /// The values in both (whole numbers: range ends are rounded inwards).
        func intersection(_ other: CountValues) -> CountValues {
            var result: [ClosedRange<Double>] = []
            for mine in ranges {
                for theirs in other.ranges {
                    let lower = max(mine.lowerBound, theirs.lowerBound).rounded(.up)
                    let upper = min(mine.upperBound, theirs.upperBound).rounded(.down)
                    if lower <= upper { result.append(lower...upper) }
                }
            }
            return CountValues(result)
        }

        /// Sorted, with overlapping or adjacent whole-number ranges joined. Past
        /// `maximumRanges` ranges the gaps between the last ones are given up (a wider set: a
        /// reader may know more, never less), so sums over many counts stay small.
        private static func merged(_ ranges: [ClosedRange<Double>]) -> [ClosedRange<Double>] {
            let maximumRanges = 32
            var result: [ClosedRange<Double>] = []
            for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
                if let last = result.last, range.lowerBound <= last.upperBound + 1 {
                    result[result.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
                } else {
                    result.append(range)
                }
            }
            while result.count > maximumRanges {
                let last = result.removeLast()
                result[result.count - 1] = result[result.count - 1].lowerBound...last.upperBound
            }
            return result
        }
    }

    /// The values the marker of each cell allows before any relation is used (a shown cell has
    /// its own count).
    func initialValues(_ grid: CountGrid, _ states: [CountDisclosure]) -> [CountValues] {
        let top = Double(threshold - 1)
        return grid.cells.indices.map { index in
            switch states[index] {
            case .shown:
                let count = Double(grid.cells[index].count)
                return CountValues([count...count])
            case .small:
                return CountValues([(protectsZeros ? 0 : 1)...top])
            case .complementary:
                // A reader who takes `x` at its word (true but for a small count withheld as `x` as a
                // last resort, where it credits the reader with more than they know). With
                // protected zeros a zero would be small: a complement is then at least the threshold.
                return protectsZeros ? CountValues([Double(threshold)...Double.infinity])
                    : CountValues([0...0, Double(threshold)...Double.infinity])
            case .unpublished:
                return CountValues([0...Double.infinity])
            }
        }
    }

    /// One identity: Σ sign · count = constant over hidden cells.
    typealias Identity = (terms: [(cell: Int, sign: Double)], constant: Double)

    /// The identities a reader can use: each relation over its hidden cells (the total with −1 and
    /// the parts with +1; a relation without a total cell sums to the parts' known constant), then
    /// the combinations of several relations (``combinedIdentities(_:eliminatingFirst:)``):
    /// `n_A + n_C = 17` and the columns' and rows' sums can leave `<5 + <5 = 8`. Those have no
    /// relation of their own to name.
    static func identities(_ grid: CountGrid, _ states: [CountDisclosure], _ relations: [CountGrid.Relation])
        -> (all: [Identity], declaredCount: Int) {
        let declared: [Identity] = relations.map { relation in
            var constant = relation.total == nil ? Double(relation.parts.reduce(0) { $0 + grid.cells[$1].count }) : 0
            var terms: [(cell: Int, sign: Double)] = []
            for cell in relation.members {
                let sign = cell == relation.total ? -1.0 : 1.0
                if states[cell] == .shown {
                    constant -= sign * Double(grid.cells[cell].count)
                } else {
                    terms.append((cell, sign))
                }
            }
            return (terms, constant)
        }
        let small = Set(grid.cells.indices.filter { states[$0] == .small })
        return (declared + combinedIdentities(declared, eliminatingFirst: small), declared.count)
    }

    /// The values a reader reaches from `start` by using each identity in turn to narrow every
    /// hidden count of it to what the other counts of the identity leave, until nothing narrows
    /// (or `maximumPasses` passes, a guard for long chains: what is found is still a sound
    /// deduction). Within one identity this is exact: a value is kept only if the other counts
    /// can take values that make it hold. `narrowedBy` names, for each count, the last of the
    /// first `declaredCount` identities (the relations, by index) that narrowed it. The true
    /// counts stay inside while the markers are true; after a small count was withheld as `x`
    /// they may not: `consistent` is then false, and a range that would become empty is left as
    /// it was (nothing is concluded from it).
    static func propagate(_ start: [CountValues], _ identities: [Identity], declaredCount: Int, maximumPasses: Int = 200)
        -> (values: [CountValues], narrowedBy: [Int?], consistent: Bool) {
        var values = start
        // The relation that last narrowed each count.
        var narrowedBy = [Int?](repeating: nil, count: values.count)
        var consistent = true
        for _ in 0..<maximumPasses {
            var changed = false
            // A relation with one hidden count gives it exactly; with more, a range.
            for (index, identity) in identities.enumerated() where !identity.terms.isEmpty {
                let combined = index >= declaredCount
                for term in identity.terms {
                    var others = CountValues([0...0])
                    for other in identity.terms where other.cell != term.cell {
                        others = others.adding(values[other.cell].scaled(by: other.sign))
                    }
                    var allowed = others.negated.shifted(by: identity.constant).scaled(by: 1 / term.sign)
                    // A combination is computed in floating point: a hair of slack keeps the true
                    // count inside (whole numbers are what is concluded).
                    if combined { allowed = allowed.widened(by: 1e-6) }
                    let narrowed = values[term.cell].intersection(allowed)
                    // Never empty while the relations hold in the data; if one does not, nothing
                    // is concluded from it.
                    if narrowed.ranges.isEmpty { consistent = false }
                    guard !narrowed.ranges.isEmpty, narrowed != values[term.cell] else { continue }
                    values[term.cell] = narrowed
                    narrowedBy[term.cell] = combined ? nil : index
                    changed = true
                }
            }
            if !changed { break }
        }
        return (values, narrowedBy, consistent)
    }

    /// Identities that follow from several `declared` ones together: the rows of their reduced
    /// echelon form (Gauss–Jordan over the hidden cells, constants carried along) that relate
    /// two to ``combinedTermLimit`` counts and are not a declared identity already. Each holds in
    /// the data as the declared ones do. Two forms are taken: with the cells in their order, and
    /// with every other cell eliminated before `kept` (the counts shown as `<5`), whose last rows
    /// then relate those counts among themselves (`<5 + <5 − <5 = −2`), the ones a reader pins.
    static func combinedIdentities(_ declared: [Identity], eliminatingFirst kept: Set<Int> = []) -> [Identity] {
        let all = Array(Set(declared.flatMap { $0.terms.map(\.cell) })).sorted()
        let orders = kept.isEmpty ? [all] : [all, all.filter { !kept.contains($0) } + all.filter { kept.contains($0) }]
        var found: [Identity] = []
        var seen = Set(declared.map { identity in identity.terms.map(\.cell).sorted() })
        for cells in orders {
            for identity in echelonRows(declared, cells: cells) where seen.insert(identity.terms.map(\.cell).sorted()).inserted {
                found.append(identity)
            }
        }
        return found
    }

    /// The rows of the reduced echelon form of `declared` over `cells` (in that column order) that
    /// relate two to ``combinedTermLimit`` counts.
    private static func echelonRows(_ declared: [Identity], cells: [Int]) -> [Identity] {
        guard cells.count >= 2 else { return [] }
        let column = Dictionary(uniqueKeysWithValues: cells.enumerated().map { ($1, $0) })
        var matrix: [[Double]] = declared.filter { !$0.terms.isEmpty }.map { identity in
            var row = [Double](repeating: 0, count: cells.count + 1)
            for term in identity.terms { if let index = column[term.cell] { row[index] += term.sign } }
            row[cells.count] = identity.constant
            return row
        }
        let pivots = SmallCellSuppression.reduceToEchelonForm(&matrix, columns: cells.count)
        return matrix.prefix(pivots.count).compactMap { row in
            let terms = cells.indices.filter { abs(row[$0]) > 1e-9 }.map { (cell: cells[$0], sign: row[$0]) }
            guard (2...combinedTermLimit).contains(terms.count) else { return nil }
            return (terms, row[cells.count])
        }
    }

    /// The most values a small count may have left to be tried one by one in ``pinnedCells(_:_:_:)``.
    static let probedValueLimit = 10

    /// How many values ``pinnedCells(_:_:_:)`` tries in one call at most, and how many passes each
    /// try's narrowing makes: a bound on the work in tables with many small counts (a try beyond
    /// them is not made, which finds less, never something false).
    static let probeBudget = 96
    static let probePasses = 12

    /// The most counts a combined identity may relate to be used: the sparse ones pin counts,
    /// and narrowing over many terms costs more than it finds.
    static let combinedTermLimit = 6

    /// Protected counts a reader narrows to exactly one value, each with the relation that last
    /// narrowed it.
    ///
    /// A small count the narrowing leaves a few values (at most ``probedValueLimit``: every
    /// threshold up to 11; within ``probeBudget`` tries in all) is then tried at each of them: a value with which the narrowing leaves
    /// some count no value at all is ruled out, and a count with one value left is pinned too (in
    /// `<5 + <5 − <5 = −2` the first two are 1: with a 2, the third would be 5). Such a count
    /// names no relation. The tries are made only when the narrowing pins no small count, and end
    /// at the first count they pin: the suppression acts on one count per round.
    func pinnedCells(_ grid: CountGrid, _ states: [CountDisclosure],
                     _ relations: [CountGrid.Relation]) -> [(cell: Int, relation: Int?)] {
        let identities = Self.identities(grid, states, relations)
        let narrowed = Self.propagate(initialValues(grid, states), identities.all, declaredCount: identities.declaredCount)
        let pinned = grid.cells.indices.filter {
            states[$0] != .shown && isProtected(grid.cells[$0], states[$0]) && narrowed.values[$0].isSingle
        }.map { ($0, narrowed.narrowedBy[$0]) }
        // Markers that cannot all hold (a small count withheld as `x`) leave nothing to try; a
        // small count pinned already is acted on first (one per round), before any try.
        guard narrowed.consistent, !pinned.contains(where: { isSmall(grid.cells[$0.0].count) }) else { return pinned }
        var budget = Self.probeBudget
        for cell in grid.cells.indices where states[cell] == .small && !narrowed.values[cell].isSingle && budget > 0 {
            let ranges = narrowed.values[cell].ranges
            let count = ranges.reduce(0.0) { $0 + ($1.upperBound - $1.lowerBound + 1) }
            guard count >= 2, count <= Double(Self.probedValueLimit) else { continue }
            let candidates = ranges.flatMap { Array(stride(from: $0.lowerBound, through: $0.upperBound, by: 1)) }
            budget -= candidates.count
            let possible = candidates.filter { value in
                var start = narrowed.values
                start[cell] = CountValues([value...value])
                return Self.propagate(start, identities.all, declaredCount: identities.declaredCount,
                                      maximumPasses: Self.probePasses).consistent
            }
            // One found is enough for this round: the suppression hides a count and asks again.
            if possible.count == 1 { return pinned + [(cell, nil)] }
        }
        return pinned
    }
}

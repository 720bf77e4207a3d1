/// Small-cell suppression for publication tables: hides counts of people below a threshold, and
/// enough neighbouring counts that a hidden one cannot be worked out from the published totals.
///
/// Works on a ``CountGrid``: counts of people and the additive relations between them (categories
/// that sum to a column total, arms that sum to an `all` column, subgroups that sum to a group,
/// responders plus non-responders that sum to the number analysed). It knows nothing about tables;
/// the table builders declare their cells and relations and read back each cell's
/// ``CountDisclosure``.
///
/// Rules (applied by ``suppress(_:)``):
/// 1. **Small counts.** A published count from 1 to `threshold − 1` is suppressed (shown as
///    `<threshold`, e.g. `<5`). A count of 0 is shown by default: it says nobody is in the cell
///    and so points at no one (the common rule that treats 1 to threshold − 1 as small); set
///    ``protectsZeros`` when a zero is itself sensitive (for instance when it means everybody
///    else in a small group shares an attribute) to treat 0 as small as well.
/// 2. **Unpublished counts.** A count the table does not print but a reader can compute (the
///    non-responders behind `responders n/N`, participants outside the listed categories) is a
///    cell with `isPublished == false`. It is never printed, but when it is small it must not be
///    derivable either.
/// 3. **Complementary suppression.** A reader knows every shown count and solves any relation
///    with exactly one unknown cell, repeatedly (so values derived from one relation feed the
///    next). Whenever that derivation reaches a suppressed count or a small unpublished count,
///    one more shown count of the relation that revealed it is suppressed: the smallest non-zero
///    one (a zero only when no non-zero count is left), ties broken by the order the cells were
///    added. If every other cell of that relation was itself derived, the same is done for the
///    relation that derived the most recent of them. In a table with totals this is the familiar
///    rule "a group with exactly one suppressed cell gets its next-smallest cell suppressed too",
///    and it builds the usual rectangles across rows and columns.
/// 4. **Dependent cells.** A cell declared `shownOnlyWith` another is not printed once that one
///    is withheld (the tables print no responders without the number analysed). It then counts
///    as unpublished: unknown to the reader, and protected only when small.
/// 5. **Audit.** When no single-unknown chain reveals a protected count any more, the relations
///    are solved as one linear system over the hidden cells; a protected count that any linear
///    combination of relations still pins down gets the smallest shown count of a relation it is
///    in suppressed, and the rules run again. Each round suppresses one more count, so it ends.
/// 6. **Bounds.** A reader may also take the markers at their word: `<5` is 1 to 4, and `x` is 0
///    or at least 5 (as it is, but for the fallback below). Narrowing every hidden count through
///    the relations from those ranges, and through the combinations of relations that relate a
///    few counts (the sparse rows of their reduced echelon form: `n_A + n_C = 17` with the
///    women's and the columns' sums leaves `<5 + <5 = 8`), can leave a small count one value
///    (`<5 + <5 = 2`, or `<5 + x = 6`); then the smallest shown count above 0 of the relation that pinned it is
///    hidden too (else the nearest shown one). When nothing is left to hide (the sum is published
///    elsewhere), the small count is withheld as `x`: the reader can no longer tell which hidden
///    count is the small one (and finds that the markers cannot all be taken at their word).
///
/// Each rule that finds nothing left to hide gives way to the next, so one count no rule can
/// protect does not stop the others from being protected.
///
/// Guarantee: no small count, shown as `<5` or unpublished, can be computed exactly from the
/// shown counts and the declared relations, by solving them or by narrowing the ranges the
/// markers give relation by relation (or by a combination of relations over at most
/// ``combinedTermLimit`` counts); nor can a complementary count by solving them. Not
/// covered: a count narrowed to a range of two or more values (a hidden count is known to lie
/// between what its relations leave); a complementary count narrowed to its value (a hidden 0
/// beside a small total, or `x/5` where 0 is ruled out), which gives no small count away;
/// deductions that need integer reasoning over wider combinations of relations; a count that totals published elsewhere give away on their
/// own, which no suppression in the table can hide; counts repeated in other outputs (the
/// unsuppressed CSV files, the flow counts) unless they are declared in the grid; and bounds
/// between tables of different grids (a response table's number analysed is at most the
/// baseline table's randomised count of its group and arm: set side by side they can pin a
/// hidden baseline count).
public struct SmallCellSuppression: Hashable, Sendable {
    /// Counts from 1 to `threshold − 1` are small. Common choices are 5, 10 or 11; a threshold of
    /// 1 or less suppresses nothing (unless ``protectsZeros`` is set and the threshold is 1).
    public var threshold: Int
    /// Whether a count of 0 is treated as small. Off by default (see the type's rule 1).
    public var protectsZeros: Bool

    public init(threshold: Int = 5, protectsZeros: Bool = false) {
        self.threshold = threshold
        self.protectsZeros = protectsZeros
    }

    /// No suppression at all.
    public static let disabled = SmallCellSuppression(threshold: 0)

    /// Whether `count` is small under this rule.
    public func isSmall(_ count: Int) -> Bool {
        if count == 0 { return protectsZeros && threshold > 0 }
        return count > 0 && count < threshold
    }

    /// The text a small count is shown as: `<5` for a threshold of 5.
    public var smallMarker: String { "<\(threshold)" }

    /// What a reader is shown of each cell of `grid`, indexed like the grid's cells.
    public func suppress(_ grid: CountGrid) -> [CountDisclosure] {
        var states: [CountDisclosure] = grid.cells.map { cell in
            guard cell.isPublished else { return .unpublished }
            return isSmall(cell.count) ? .small : .shown
        }
        let relations = grid.relations.filter { $0.members.count >= 2 }
        hideDependents(grid, &states)
        // Each round hides one more count (or withholds one more small count as `x`) and starts
        // again; a rule that finds nothing to hide gives way to the next, so that a count no rule
        // can protect (given away by totals published elsewhere) does not stop the others.
        while true {
            defer { hideDependents(grid, &states) }
            if let violation = firstDerivableProtectedCell(grid, states, relations),
               let complement = complementCell(grid, states, relations, violation) {
                states[complement] = .complementary
                continue
            }
            // Rare: derivable only by combining relations. Hide the smallest shown count near it.
            let exposed = determinedCells(grid, states, relations).filter { isProtected(grid.cells[$0], states[$0]) }
            if let complement = exposed.lazy.compactMap({ self.widening($0, preferring: nil, grid, states, relations) }).first {
                states[complement] = .complementary
                continue
            }
            if remedyPinned(grid, &states, relations) { continue }
            break
        }
        return states
    }

    /// Acts on the first protected count that the markers' ranges pin (rule 6): hides the
    /// smallest shown count near it, preferring the relation that pinned it; when no shown count
    /// is left to hide (every count it is related to is hidden, and the sums are published
    /// elsewhere), a small count is withheld as `x` instead of `<threshold`, so that the reader no
    /// longer knows which hidden count is the small one. Whether anything changed.
    private func remedyPinned(_ grid: CountGrid, _ states: inout [CountDisclosure], _ relations: [CountGrid.Relation]) -> Bool {
        // Only small counts: a complementary count narrowed to its value (a hidden 0 beside a
        // small total) gives no small count away, or that count would be pinned too.
        for (cell, relation) in pinnedCells(grid, states, relations) where isSmall(grid.cells[cell].count) {
            if let complement = widening(cell, preferring: relation, grid, states, relations) {
                states[complement] = .complementary
                return true
            }
            if states[cell] == .small {
                states[cell] = .complementary
                return true
            }
        }
        return false
    }

    /// The shown count to hide so that `cell` gains room: the smallest shown count of
    /// `preferring` (the relation that revealed it), else of any relation `cell` is in, else of
    /// the relations reached through hidden counts, nearest first; nil when no count is shown.
    /// A shown 0 is taken only when no shown count above 0 is found anywhere: a hidden 0 next to
    /// a small total is pinned at once and gives the small count no room.
    func widening(_ cell: Int, preferring relation: Int?, _ grid: CountGrid, _ states: [CountDisclosure],
                  _ relations: [CountGrid.Relation]) -> Int? {
        for allowingZero in [false, true] {
            let candidate = { (index: Int) in states[index] == .shown && (allowingZero || grid.cells[index].count != 0) }
            if let relation, let best = smallest(relations[relation].members.filter(candidate), grid) { return best }
            var reached: Set<Int> = [cell]
            var frontier = [cell]
            while !frontier.isEmpty {
                let around = relations.filter { relation in relation.members.contains { frontier.contains($0) } }.flatMap(\.members)
                if let best = smallest(around.filter(candidate), grid) { return best }
                frontier = around.filter { reached.insert($0).inserted }
            }
        }
        return nil
    }

    /// Unpublishes every shown cell printed only together with a cell that is no longer shown.
    private func hideDependents(_ grid: CountGrid, _ states: inout [CountDisclosure]) {
        var changed = true
        while changed {
            changed = false
            for (index, cell) in grid.cells.enumerated() where states[index] == .shown {
                guard let anchor = cell.shownOnlyWith, states[anchor] != .shown else { continue }
                states[index] = .unpublished
                changed = true
            }
        }
    }

    /// The smallest non-zero count among `candidates` (a zero only when all are zero), ties to the
    /// earliest cell.
    private func smallest(_ candidates: [Int], _ grid: CountGrid) -> Int? {
        let nonZero = candidates.filter { grid.cells[$0].count != 0 }
        let pool = nonZero.isEmpty ? candidates : nonZero
        return pool.min { grid.cells[$0].count != grid.cells[$1].count ? grid.cells[$0].count < grid.cells[$1].count : $0 < $1 }
    }

    /// Cells not shown whose value follows from the shown ones by some linear combination of the
    /// relations: those whose unit vector lies in the row space of the relation matrix restricted
    /// to the hidden cells (reduced row echelon form; a pivot row with no other entry).
    ///
    /// Relations are identities `total − Σ parts = 0` (or `Σ parts = constant`); entries are ±1,
    /// so the elimination stays on small rationals and a 1e-9 tolerance separates zero from not.
    func determinedCells(_ grid: CountGrid, _ states: [CountDisclosure], _ relations: [CountGrid.Relation]) -> [Int] {
        let hidden = grid.cells.indices.filter { states[$0] != .shown }
        guard !hidden.isEmpty else { return [] }
        let column = Dictionary(uniqueKeysWithValues: hidden.enumerated().map { ($1, $0) })
        var matrix: [[Double]] = relations.compactMap { relation in
            var row = [Double](repeating: 0, count: hidden.count)
            var any = false
            for cell in relation.members {
                guard let index = column[cell] else { continue }
                row[index] = cell == relation.total ? -1 : 1
                any = true
            }
            return any ? row : nil
        }
        let pivots = Self.reduceToEchelonForm(&matrix, columns: hidden.count)
        return pivots.filter { pivot in
            matrix[pivot.row].indices.allSatisfy { $0 == pivot.column || abs(matrix[pivot.row][$0]) <= 1e-9 }
        }.map { hidden[$0.column] }
    }

    /// Gauss–Jordan elimination of `matrix` in place over its first `columns` columns (any further
    /// column, such as the constants, is carried along), with partial pivoting: its rows become
    /// the reduced echelon form, the pivot rows first. Returns each pivot's row and column.
    static func reduceToEchelonForm(_ matrix: inout [[Double]], columns: Int) -> [(row: Int, column: Int)] {
        var pivotRow = 0
        var pivots: [(row: Int, column: Int)] = []
        for columnIndex in 0..<columns where pivotRow < matrix.count {
            guard let best = (pivotRow..<matrix.count).max(by: { abs(matrix[$0][columnIndex]) < abs(matrix[$1][columnIndex]) }),
                  abs(matrix[best][columnIndex]) > 1e-9 else { continue }
            matrix.swapAt(pivotRow, best)
            let pivot = matrix[pivotRow][columnIndex]
            for index in matrix[pivotRow].indices { matrix[pivotRow][index] /= pivot }
            for other in matrix.indices where other != pivotRow {
                let factor = matrix[other][columnIndex]
                guard abs(factor) > 1e-12 else { continue }
                for index in matrix[other].indices { matrix[other][index] -= factor * matrix[pivotRow][index] }
            }
            pivots.append((pivotRow, columnIndex))
            pivotRow += 1
        }
        return pivots
    }

    /// A cell the reader must not learn: a suppressed count, or a small unpublished one.
    func isProtected(_ cell: CountGrid.Cell, _ state: CountDisclosure) -> Bool {
        switch state {
        case .small, .complementary: true
        case .unpublished: isSmall(cell.count)
        case .shown: false
        }
    }

    private struct Derivation {
        /// Cells in the order the reader derives them, with the relation used.
        var order: [(cell: Int, relation: Int)] = []
        var position: [Int: Int] = [:]
        var known: [Bool]
    }

    /// Runs the reader's derivation to a fixed point.
    private func derive(_ states: [CountDisclosure], _ relations: [CountGrid.Relation]) -> Derivation {
        var derivation = Derivation(known: states.map { $0 == .shown })
        var changed = true
        while changed {
            changed = false
            for (index, relation) in relations.enumerated() {
                let unknown = relation.members.filter { !derivation.known[$0] }
                guard unknown.count == 1 else { continue }
                let cell = unknown[0]
                derivation.known[cell] = true
                derivation.position[cell] = derivation.order.count
                derivation.order.append((cell, index))
                changed = true
            }
        }
        return derivation
    }

    private func firstDerivableProtectedCell(_ grid: CountGrid, _ states: [CountDisclosure],
                                             _ relations: [CountGrid.Relation])
        -> (cell: Int, relation: Int, derivation: Derivation)? {
        let derivation = derive(states, relations)
        for step in derivation.order where isProtected(grid.cells[step.cell], states[step.cell]) {
            return (step.cell, step.relation, derivation)
        }
        return nil
    }

    /// The shown cell to suppress so that `violation` is no longer derivable by its relation.
    private func complementCell(_ grid: CountGrid, _ states: [CountDisclosure], _ relations: [CountGrid.Relation],
                                _ violation: (cell: Int, relation: Int, derivation: Derivation)) -> Int? {
        var target = violation.cell
        var relation = violation.relation
        // Each step moves to a cell derived strictly earlier, so this ends.
        while true {
            let members = relations[relation].members
            if let best = smallest(members.filter { states[$0] == .shown }, grid) { return best }
            let derivedOthers = members.filter { $0 != target && violation.derivation.position[$0] != nil }
            guard let latest = derivedOthers.max(by: {
                (violation.derivation.position[$0] ?? 0) < (violation.derivation.position[$1] ?? 0)
            }), let position = violation.derivation.position[latest] else { return nil }
            target = latest
            relation = violation.derivation.order[position].relation
        }
    }
}

/// What a reader is shown of one count.
public enum CountDisclosure: String, Hashable, Sendable {
    /// Printed as is.
    case shown
    /// Below the threshold: printed as `<threshold`, with the statistics that would reveal it hidden.
    case small
    /// Hidden so that a small count cannot be worked out from totals: a count at or above the
    /// threshold (or 0), or, as a last resort, a small count that nothing else could protect
    /// (rule 6 of ``SmallCellSuppression``). Printed as `x`.
    case complementary
    /// Not printed by the table (only derivable), or not printed because the cell it is printed
    /// with is withheld; never shown.
    case unpublished

    /// Whether the count is withheld from a table that would otherwise print it.
    public var isSuppressed: Bool { self == .small || self == .complementary }
}

/// Counts of people and the additive relations a reader can use to work out a hidden one.
///
/// A relation is one identity whose constant the reader knows: `total = Σ parts` when the total
/// is a cell, or `Σ parts = constant` when the total is a number published elsewhere and never
/// hidden. Declaring a relation that also follows from others (profile non-responders = Σ
/// subprofile non-responders) is allowed; declaring one that does not hold in the data only
/// makes the suppression stricter.
public struct CountGrid: Hashable, Sendable {
    public struct Cell: Hashable, Sendable {
        /// Number of people (≥ 0).
        public var count: Int
        /// Whether the table prints this count.
        public var isPublished: Bool
        /// A cell without which this one is not printed (a responder count is not printed when
        /// the number analysed is withheld); nil when it stands alone.
        public var shownOnlyWith: Int?
    }

    public struct Relation: Hashable, Sendable {
        /// The cell that is the sum of the parts; nil when the sum is a published constant.
        public var total: Int?
        public var parts: [Int]

        /// Every cell of the identity, the total first.
        public var members: [Int] { (total.map { [$0] } ?? []) + parts }
    }

    public private(set) var cells: [Cell] = []
    public private(set) var relations: [Relation] = []

    public init() {}

    /// Adds a cell and returns its index. With `shownOnlyWith`, the cell is withheld whenever
    /// that earlier cell is (its statistics would otherwise give the hidden one back).
    @discardableResult
    public mutating func add(_ count: Int, published: Bool = true, shownOnlyWith anchor: Int? = nil) -> Int {
        cells.append(Cell(count: count, isPublished: published, shownOnlyWith: anchor.flatMap { cells.indices.contains($0) ? $0 : nil }))
        return cells.count - 1
    }

    /// Declares `total = Σ parts`, all of them cells of this grid (`relate(total: a, parts: [b])`
    /// says two cells are equal).
    public mutating func relate(total: Int, parts: [Int]) {
        guard cells.indices.contains(total) else { return }
        relations.append(Relation(total: total, parts: unique(parts.filter { $0 != total })))
    }

    /// Declares that `parts` sum to a constant the reader knows.
    public mutating func relate(parts: [Int]) {
        relations.append(Relation(total: nil, parts: unique(parts)))
    }

    private func unique(_ indices: [Int]) -> [Int] {
        var seen = Set<Int>()
        return indices.filter { cells.indices.contains($0) && seen.insert($0).inserted }
    }
}

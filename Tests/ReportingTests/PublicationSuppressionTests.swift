import TestSupport
import Testing
@testable import Reporting

/// Small-cell suppression on count grids whose answers follow from the rules by hand, plus a
/// seeded property test that checks the guarantee with an independent criterion.
@Suite struct PublicationSuppressionTests {
    /// A row of parts with their total as a cell: returns the grid and the indices (parts, total).
    func row(_ parts: [Int]) -> (grid: CountGrid, parts: [Int], total: Int) {
        var grid = CountGrid()
        let cells = parts.map { grid.add($0) }
        let total = grid.add(parts.reduce(0, +))
        grid.relate(total: total, parts: cells)
        return (grid, cells, total)
    }

    func hidden(_ states: [CountDisclosure]) -> [Int] {
        states.indices.filter { states[$0].isSuppressed }
    }

    @Test func singleSmallCellGetsTheNextSmallestSuppressedToo() {
        let (grid, parts, total) = row([3, 10, 12])
        let states = SmallCellSuppression().suppress(grid)
        #expect(states[parts[0]] == .small)
        // 10 is the smallest other count; without it the 3 would be 25 − 10 − 12.
        #expect(states[parts[1]] == .complementary)
        #expect(states[parts[2]] == .shown)
        #expect(states[total] == .shown)
    }

    @Test func twoSmallCellsProtectEachOther() {
        let (grid, parts, _) = row([3, 4, 20])
        let states = SmallCellSuppression().suppress(grid)
        #expect(states[parts[0]] == .small)
        #expect(states[parts[1]] == .small)
        #expect(hidden(states) == [parts[0], parts[1]], "no complement needed: 27 − 20 = 7 has two unknowns")
    }

    @Test func withoutAPublishedTotalNothingIsComplemented() {
        var grid = CountGrid()
        let cells = [3, 10, 12].map { grid.add($0) }
        let states = SmallCellSuppression().suppress(grid)
        #expect(states[cells[0]] == .small)
        #expect(states[cells[1]] == .shown)
        #expect(states[cells[2]] == .shown)
    }

    @Test func externalTotalWorksLikeATotalCell() {
        var grid = CountGrid()
        let cells = [12, 2, 30].map { grid.add($0) }
        grid.relate(parts: cells)
        let states = SmallCellSuppression().suppress(grid)
        #expect(states[cells[1]] == .small)
        #expect(states[cells[0]] == .complementary)
        #expect(states[cells[2]] == .shown)
    }

    @Test func zeroIsShownByDefaultAndNeverPreferredAsComplement() {
        let (grid, parts, _) = row([0, 2, 9, 7])
        let states = SmallCellSuppression().suppress(grid)
        #expect(states[parts[0]] == .shown, "0 identifies no one")
        #expect(states[parts[1]] == .small)
        // The smallest non-zero other count is 7, not the 0.
        #expect(states[parts[3]] == .complementary)
        #expect(states[parts[2]] == .shown)
    }

    @Test func zeroIsTheComplementOnlyWhenNothingElseIsLeft() {
        // Two parts with an externally published total of 2: the 0 is the only other cell.
        var grid = CountGrid()
        let small = grid.add(2)
        let zero = grid.add(0)
        grid.relate(parts: [small, zero])
        let states = SmallCellSuppression().suppress(grid)
        #expect(states[zero] == .complementary, "2 = total − 0 otherwise")
        // `<5 + x = 2` still gives x = 0 (x is 0 or at least 5): with nothing left to hide, the
        // small count is withheld as x too.
        #expect(states[small] == .complementary)
    }

    @Test func smallTotalIsProtectedInTheRelationAbove() {
        // 3 = 3 + 0 inside, 43 = 3 + 40 above: the small total would be 43 − 40.
        var grid = CountGrid()
        let small = grid.add(3)
        let zero = grid.add(0)
        let total = grid.add(3)
        let outer = grid.add(40)
        let grand = grid.add(43)
        grid.relate(total: total, parts: [small, zero])
        grid.relate(total: grand, parts: [total, outer])
        let states = SmallCellSuppression().suppress(grid)
        #expect(states[small] == .small)
        #expect(states[total] == .small)
        #expect(states[outer] == .complementary)
        // small − total = −0 is known, but neither alone: the zero may stay.
        #expect(states[zero] == .shown)
        #expect(states[grand] == .shown)
    }

    @Test func protectedZerosAreSmall() {
        let (grid, parts, _) = row([0, 8, 9])
        let states = SmallCellSuppression(protectsZeros: true).suppress(grid)
        #expect(states[parts[0]] == .small)
        #expect(states[parts[1]] == .complementary)
        #expect(SmallCellSuppression(protectsZeros: true).isSmall(0))
        #expect(!SmallCellSuppression().isSmall(0))
    }

    @Test(arguments: [(5, [1, 2, 3, 4], [0, 5, 6]), (10, [1, 9], [0, 10, 11]), (11, [10], [11]), (1, [], [0, 1, 2])])
    func thresholdIsConfigurable(threshold: Int, small: [Int], notSmall: [Int]) {
        let rule = SmallCellSuppression(threshold: threshold)
        for count in small { #expect(rule.isSmall(count), "\(count) < \(threshold)") }
        for count in notSmall { #expect(!rule.isSmall(count), "\(count) vs \(threshold)") }
        #expect(rule.smallMarker == "<\(threshold)")
    }

    @Test func thresholdTenSuppressesWhatFiveShows() {
        let (grid, parts, _) = row([7, 12, 30])
        #expect(hidden(SmallCellSuppression(threshold: 5).suppress(grid)).isEmpty)
        let states = SmallCellSuppression(threshold: 10).suppress(grid)
        #expect(states[parts[0]] == .small)
        #expect(states[parts[1]] == .complementary)
    }

    @Test func disabledSuppressesNothing() {
        let (grid, _, _) = row([1, 2, 0, 30])
        #expect(hidden(SmallCellSuppression.disabled.suppress(grid)).isEmpty)
    }

    /// The classic case: one small cell in a table with row and column totals ends up in a
    /// rectangle of four hidden cells, so no row or column has a single unknown.
    @Test func twoWayTableBuildsARectangle() {
        let values = [[3, 10, 12], [8, 9, 20]]
        let table = TwoWayTable(values)
        let states = SmallCellSuppression().suppress(table.grid)
        #expect(states[table.cell(0, 0)] == .small)
        #expect(states[table.cell(0, 1)] == .complementary)  // smallest other in row 0
        #expect(states[table.cell(1, 0)] == .complementary)  // smallest other in column 0
        #expect(states[table.cell(1, 1)] == .complementary)  // closes the rectangle
        #expect(hidden(states).count == 4)
        #expect(table.exposedCells(states).isEmpty)
    }

    /// Non-responders are unpublished, but 18/20 reveals 2 of them; the responder count is hidden.
    @Test func smallUnpublishedCountIsProtected() {
        var grid = CountGrid()
        let analysed = grid.add(20)
        let responders = grid.add(18)
        let nonResponders = grid.add(2, published: false)
        grid.relate(total: analysed, parts: [responders, nonResponders])
        let states = SmallCellSuppression().suppress(grid)
        #expect(states[responders] == .complementary)
        #expect(states[analysed] == .shown)
        #expect(states[nonResponders] == .unpublished)
    }

    @Test func smallRespondersNeedNoComplementWhenNonRespondersAreUnpublished() {
        var grid = CountGrid()
        let analysed = grid.add(20)
        let responders = grid.add(3)
        let nonResponders = grid.add(17, published: false)
        grid.relate(total: analysed, parts: [responders, nonResponders])
        let states = SmallCellSuppression().suppress(grid)
        #expect(states[responders] == .small)
        #expect(states[analysed] == .shown)
    }

    /// A responder count is printed only with its number analysed: when that is withheld the
    /// responders go too, and (not being small) they need no protection of their own.
    @Test func dependentCellsFollowTheirAnchor() {
        var grid = CountGrid()
        let parts = [3, 10, 12].map { grid.add($0) }
        let total = grid.add(25)
        grid.relate(total: total, parts: parts)
        let responders = grid.add(6, shownOnlyWith: parts[1])
        let otherResponders = grid.add(7, shownOnlyWith: parts[2])
        let allResponders = grid.add(13)
        // 13 = 6 + 7 would give the 6 back; it is not small, so nothing more is hidden.
        grid.relate(total: allResponders, parts: [responders, otherResponders])
        let states = SmallCellSuppression().suppress(grid)
        #expect(states[parts[1]] == .complementary)
        #expect(states[responders] == .unpublished)
        #expect(states[otherResponders] == .shown)
        #expect(states[allResponders] == .shown)
    }

    @Test func smallDependentCellStaysProtected() {
        var grid = CountGrid()
        let parts = [3, 10, 12].map { grid.add($0) }
        let total = grid.add(25)
        grid.relate(total: total, parts: parts)
        let responders = grid.add(9, shownOnlyWith: parts[1])
        let nonResponders = grid.add(1, published: false)
        grid.relate(total: parts[1], parts: [responders, nonResponders])
        let states = SmallCellSuppression().suppress(grid)
        // The 10 is withheld to protect the 3, so its 9 responders are not printed; the single
        // non-responder stays underivable (10 and 9 both unknown).
        #expect(states[parts[1]] == .complementary)
        #expect(states[responders] == .unpublished)
        #expect(SmallCellSuppression().determinedCells(grid, states, grid.relations).isEmpty)
    }

    /// Subgroups within groups: 3b = 3b + 3b+Y and all = Σ profiles. Hiding the small subgroup's
    /// sibling still leaves it derivable from the profile total, unless the chain continues.
    @Test func nestedGroupsAreProtectedThroughTheChain() {
        var grid = CountGrid()
        let all = grid.add(100)
        let profile2 = grid.add(30)
        let profile3b = grid.add(70)
        let sub3b = grid.add(67)
        let sub3bY = grid.add(3)
        grid.relate(total: all, parts: [profile2, profile3b])
        grid.relate(total: profile3b, parts: [sub3b, sub3bY])
        let states = SmallCellSuppression().suppress(grid)
        #expect(states[sub3bY] == .small)
        // 3 = 70 − 67: the sibling 67 is hidden; then 67 = 70 − 3 is fine (two unknowns).
        #expect(states[sub3b] == .complementary)
        #expect(states[profile3b] == .shown)
        #expect(states[all] == .shown)
    }

    @Test func suppressionIsDeterministicAndIdempotentOnItsOwnOutput() {
        let table = TwoWayTable([[2, 14, 9, 30], [11, 1, 16, 8], [20, 13, 0, 4]])
        let first = SmallCellSuppression().suppress(table.grid)
        #expect(first == SmallCellSuppression().suppress(table.grid))
        #expect(table.exposedCells(first).isEmpty)
    }

    @Test func bridgeCriterionSeesAnUnprotectedCell() {
        let table = TwoWayTable([[3, 10, 12], [8, 9, 20]])
        var states = [CountDisclosure](repeating: .shown, count: table.grid.cells.count)
        states[table.cell(0, 0)] = .small
        #expect(table.exposedCells(states) == [table.cell(0, 0)])
    }

    /// Small cells in two separate rectangles joined by one more small cell: every row and
    /// column has two hidden cells, so no single relation reveals anything, but the joining cell
    /// is the only link between the two blocks and the totals pin it down. The linear audit must
    /// catch it.
    @Test func auditCatchesWhatNoSingleRelationReveals() {
        let values = [
            [1, 2, 3, 30, 40],
            [2, 1, 30, 30, 40],
            [30, 30, 2, 1, 40],
            [30, 30, 1, 2, 40],
            [40, 40, 40, 40, 40],
        ]
        let table = TwoWayTable(values)
        var primary = [CountDisclosure](repeating: .shown, count: table.grid.cells.count)
        for (row, line) in values.enumerated() {
            for (column, value) in line.enumerated() where value < 5 { primary[table.cell(row, column)] = .small }
        }
        let bridge = table.cell(0, 2)
        #expect(table.exposedCells(primary) == [bridge])
        let rule = SmallCellSuppression()
        #expect(rule.determinedCells(table.grid, primary, table.grid.relations) == [bridge])
        let states = rule.suppress(table.grid)
        #expect(table.exposedCells(states).isEmpty)
        #expect(states.filter { $0 == .complementary }.count >= 1)
    }

    /// `<5 + <5 + 20 = 22`: the two small counts sum to 2, so a reader knows both are 1 unless
    /// the 20 is hidden too.
    @Test func smallCountsSummingToTheirMinimumGetAComplement() {
        let (grid, parts, total) = row([1, 1, 20])
        let states = SmallCellSuppression().suppress(grid)
        #expect(states[parts[0]] == .small && states[parts[1]] == .small)
        #expect(states[parts[2]] == .complementary)
        #expect(states[total] == .shown)
        #expect(Self.valuesLeft(row: [1, 1, 20], states, threshold: 5).prefix(2).allSatisfy { $0.count >= 2 })
    }

    /// `<5 + x + 20 = 26`: the `x` is not small, so it is 5 and the small count is 1, unless the
    /// 20 is hidden too.
    @Test func complementNextToItsSmallCountIsWidened() {
        let (grid, parts, _) = row([1, 5, 20])
        let states = SmallCellSuppression().suppress(grid)
        #expect(states[parts[0]] == .small)
        #expect(states[parts[1]] == .complementary)
        #expect(states[parts[2]] == .complementary)
    }

    /// `<5 + <5 + 20 = 27` leaves each small count 3 or 4: nothing more is hidden.
    @Test func boundsThatLeaveTwoValuesNeedNothingMore() {
        let (grid, parts, _) = row([3, 4, 20])
        let states = SmallCellSuppression().suppress(grid)
        #expect(states[parts[2]] == .shown)
        #expect(Self.valuesLeft(row: [3, 4, 20], states, threshold: 5).prefix(2).map(\.self) == [[3, 4], [3, 4]])
    }

    /// A count a relation with one hidden count gives exactly passes it on: U = 18 − 10 = 8, so
    /// the two small counts of U = A + B are both 4 unless 10 is hidden too.
    @Test func aCountWorkedOutExactlyNarrowsTheNextRelation() {
        var grid = CountGrid()
        let u = grid.add(8, published: false)
        let a = grid.add(4)
        let b = grid.add(4)
        let s1 = grid.add(10)
        let s2 = grid.add(18)
        grid.relate(total: u, parts: [a, b])
        grid.relate(total: s2, parts: [u, s1])
        let rule = SmallCellSuppression()
        let states = rule.suppress(grid)
        #expect(states[a] == .small && states[b] == .small)
        #expect(states[s1] == .complementary && states[s2] == .shown)
        #expect(rule.pinnedCells(grid, states, grid.relations).isEmpty)
    }

    /// Relations taken together can pin what each alone leaves open: with nA = FA + MA,
    /// nC = FC + MC, nA + nC = 18 and FA + FC = 10 (the two arms' n and their women hidden), the
    /// reader subtracts to MA + MC = 8, and two counts below 5 are 4 each.
    @Test func relationsTakenTogetherPinSmallCounts() {
        var grid = CountGrid()
        let (nA, nC) = (grid.add(9), grid.add(9))
        let (womenA, womenC) = (grid.add(5), grid.add(5))
        let (menA, menC) = (grid.add(4), grid.add(4))
        grid.relate(total: nA, parts: [womenA, menA])
        grid.relate(total: nC, parts: [womenC, menC])
        grid.relate(parts: [nA, nC])
        grid.relate(parts: [womenA, womenC])
        let rule = SmallCellSuppression()
        // The n and the women unprinted (any count to the reader), the men below 5.
        var states = [CountDisclosure](repeating: .unpublished, count: grid.cells.count)
        states[menA] = .small
        states[menC] = .small
        let pinned = rule.pinnedCells(grid, states, grid.relations).map(\.cell).sorted()
        #expect(pinned == [menA, menC])
        // One relation fewer, and they are open again (4 + 4, or 1 + 7 for the reader's sums).
        var loose = CountGrid()
        let cells = [9, 9, 5, 5, 4, 4].map { loose.add($0) }
        loose.relate(total: cells[0], parts: [cells[2], cells[4]])
        loose.relate(total: cells[1], parts: [cells[3], cells[5]])
        loose.relate(parts: [cells[0], cells[1]])
        #expect(rule.pinnedCells(loose, states, loose.relations).isEmpty)
    }

    /// With the All column's 3a and 3b summing to 6, arm B's 3a, 3b and unclassified to 8, and
    /// each row's All the sum of its arms, the reference arm's 3a + 3b = unclassified in B − 2;
    /// every count below 5, that leaves 1, 1 and 4, and the reader finds them (the baseline table
    /// of a generated three-arm trial printed this).
    @Test func smallCountsThatSeveralRelationsPinAreFound() {
        var grid = CountGrid()
        let (allA, allB) = (grid.add(3), grid.add(3))
        let (bA, bB, bU) = (grid.add(2), grid.add(2), grid.add(4))
        let (refA, refB) = (grid.add(1), grid.add(1))
        grid.relate(parts: [allA, allB])
        grid.relate(parts: [bA, bB, bU])
        grid.relate(total: allA, parts: [bA, refA])
        grid.relate(total: allB, parts: [bB, refB])
        let rule = SmallCellSuppression()
        let states = [CountDisclosure](repeating: .small, count: grid.cells.count)
        let pinned = Set(rule.pinnedCells(grid, states, grid.relations).map(\.cell))
        #expect(pinned.isSuperset(of: [refA, refB, bU]), "\(pinned)")
    }

    /// With only an external total, nothing shown is left to hide: `x + <5 = 6` would give 5
    /// and 1, so the small count is withheld as `x` too and the reader cannot tell which is small.
    @Test(arguments: [[5, 1], [3, 0]])
    func whenNothingIsLeftToHideTheSmallCountIsWithheldAsX(values: [Int]) {
        var grid = CountGrid()
        let cells = values.map { grid.add($0) }
        grid.relate(parts: cells)
        let states = SmallCellSuppression().suppress(grid)
        #expect(states == [.complementary, .complementary])
    }

    /// A count given away by a total published elsewhere (t = a + b = 2) cannot be protected,
    /// but that does not stop the rule: a and b, pinned at 1 by their markers, are withheld as x.
    @Test func anUnprotectableCountDoesNotStopTheOthers() {
        var grid = CountGrid()
        let a = grid.add(1)
        let b = grid.add(1)
        let t = grid.add(2)
        grid.relate(total: t, parts: [a, b])
        grid.relate(parts: [a, b])
        let rule = SmallCellSuppression()
        let states = rule.suppress(grid)
        #expect(states[t] == .small)
        #expect(states[a] == .complementary && states[b] == .complementary)
    }

    /// A hidden 0 beside a small total is always pinned at 0; widening for it spread through the
    /// whole table. Only small counts are widened for, and a 0 is hidden only when nothing above
    /// 0 is left.
    @Test func aPinnedZeroDoesNotSpreadThroughTheTable() {
        let table = TwoWayTable([[3, 2], [23, 0], [1, 0], [12, 3]])
        let rule = SmallCellSuppression()
        let states = rule.suppress(table.grid)
        #expect(table.exposedCells(states).isEmpty)
        let pinnedSmall = rule.pinnedCells(table.grid, states, table.grid.relations).filter { rule.isSmall(table.grid.cells[$0.cell].count) }
        #expect(pinnedSmall.isEmpty, "\(states)")
        // Five small counts and four complements; the zeros and the column totals stay shown.
        #expect(states.filter(\.isSuppressed).count <= 9, "\(states)")
        #expect(states[table.cell(1, 1)] == .shown && states[table.cell(2, 1)] == .shown, "the zeros")
        for column in 0...2 { #expect(states[table.cell(4, column)] == .shown, "column totals") }
    }

    /// The cell to widen comes from the relation that pinned the small counts, not from any
    /// relation they are in: row 0 (`<5 + <5 = 2`) hides its 20; column 0 (`<5 + x = 6` once
    /// the 5 is its complement) hides its 7; the rest follow from the exact rules. No total is
    /// hidden (picking from any relation hid the column totals 13 and 71).
    @Test func theRelationThatPinnedIsWidenedFirst() {
        let table = TwoWayTable([[1, 1, 20], [5, 30, 30], [7, 40, 40]])
        let rule = SmallCellSuppression()
        let states = rule.suppress(table.grid)
        let complements = states.indices.filter { states[$0] == .complementary }
        #expect(complements.count <= 6, "\(states)")
        #expect(states[table.cell(2, 0)] == .complementary, "the 7 of the pinning column")
        #expect(states[table.cell(0, 2)] == .complementary, "the 20 of the pinning row")
        for row in 0...3 { #expect(states[table.cell(row, 3)] == .shown, "row totals stay") }
        for column in 0...3 { #expect(states[table.cell(3, column)] == .shown, "column totals stay") }
        #expect(table.exposedCells(states).isEmpty)
        #expect(rule.pinnedCells(table.grid, states, table.grid.relations).isEmpty)
    }

    /// Random rows of parts with a total, shown as a cell or published elsewhere. Independent
    /// check by enumeration: for every hidden part, the values it can take such that the other
    /// hidden parts, each within what its marker allows (`<5`: 1 to 4; `x`: 0 or at least 5),
    /// make up the rest of the total.
    @Test(arguments: 0..<400)
    func randomRowsPinNoProtectedCount(seed: Int) {
        var generator = SeededGenerator(seed: UInt64(seed) &+ 1_001)
        let count = Int.random(in: 2...6, using: &generator)
        let values = (0..<count).map { _ in
            Bool.random(using: &generator) ? Int.random(in: 0...6, using: &generator) : Int.random(in: 5...30, using: &generator)
        }
        let external = Bool.random(using: &generator)
        var grid: CountGrid
        let parts: [Int]
        if external {
            grid = CountGrid()
            parts = values.map { grid.add($0) }
            grid.relate(parts: parts)
        } else {
            let total: Int
            (grid, parts, total) = row(values)
            _ = total
        }
        let states = SmallCellSuppression().suppress(grid)
        // A hidden total cell leaves the sum unknown: nothing is pinned by the row alone.
        guard external || states[parts.count] == .shown else { return }
        for (index, left) in zip(parts, Self.valuesLeft(row: values, states, threshold: 5))
        where states[index] == .small || states[index] == .complementary {
            #expect(left.count >= 2, "\(values) external \(external): \(states) leaves part \(index) only \(left)")
        }
    }

    /// For a row (parts, then their total) and its states: per part, every value the reader cannot
    /// rule out, by enumerating the sums the other hidden parts can make.
    ///
    /// When no values fit what the markers say (a small count withheld as `x`, because nothing
    /// else was left to hide), the reader learns only that an `x` may be anything: every `x` is
    /// then taken to be any count.
    static func valuesLeft(row values: [Int], _ states: [CountDisclosure], threshold: Int) -> [[Int]] {
        let strict = valuesLeft(row: values, states, threshold: threshold, markersHold: true)
        let hidden = values.indices.filter { states[$0] != .shown }
        if hidden.allSatisfy({ !strict[$0].isEmpty }) { return strict }
        return valuesLeft(row: values, states, threshold: threshold, markersHold: false)
    }

    private static func valuesLeft(row values: [Int], _ states: [CountDisclosure], threshold: Int,
                                   markersHold: Bool) -> [[Int]] {
        let shownSum = values.indices.filter { states[$0] == .shown }.map { values[$0] }.reduce(0, +)
        let hiddenSum = values.reduce(0, +) - shownSum
        func allowed(_ index: Int) -> [Int] {
            switch states[index] {
            case .shown: [values[index]]
            case .small: Array(1..<threshold)
            default: (0...hiddenSum).filter { $0 == 0 || $0 >= threshold || !markersHold }
            }
        }
        return values.indices.map { index in
            guard states[index] != .shown else { return [values[index]] }
            // Sums the other hidden parts can make, up to the hidden sum.
            var reachable = Set([0])
            for other in values.indices where other != index && states[other] != .shown {
                reachable = Set(reachable.flatMap { sum in allowed(other).map { sum + $0 } }.filter { $0 <= hiddenSum })
            }
            return allowed(index).filter { $0 <= hiddenSum && reachable.contains(hiddenSum - $0) }
        }
    }

    /// Random two-way tables with row, column and grand totals. Independent check: with the
    /// total row and column included (and their sign flipped) every row and column of the
    /// extended table sums to zero, so the hidden cells' solutions are the cycle space of the
    /// bipartite graph rows–columns with one edge per hidden cell. A hidden cell is determined
    /// exactly when its edge is on no cycle (a bridge).
    @Test(arguments: 0..<200)
    func randomTwoWayTablesExposeNoProtectedCell(seed: Int) {
        var generator = SeededGenerator(seed: UInt64(seed) &+ 7)
        let rows = Int.random(in: 2...4, using: &generator)
        let columns = Int.random(in: 2...5, using: &generator)
        let values = (0..<rows).map { _ in
            (0..<columns).map { _ in Bool.random(using: &generator) ? Int.random(in: 0...6, using: &generator)
                : Int.random(in: 5...40, using: &generator) }
        }
        let table = TwoWayTable(values)
        let rule = SmallCellSuppression(threshold: 5)
        let states = rule.suppress(table.grid)
        for (index, cell) in table.grid.cells.enumerated() {
            if rule.isSmall(cell.count) { #expect(states[index] == .small, "\(values)") }
            if !rule.isSmall(cell.count) { #expect(states[index] != .small, "\(values)") }
        }
        #expect(table.exposedCells(states).isEmpty, "\(values): \(states)")
    }
}

/// A table of counts with row totals, column totals and the grand total, all published cells.
struct TwoWayTable {
    var grid = CountGrid()
    /// Cell index of each position of the extended (rows + 1) × (columns + 1) table.
    var index: [[Int]] = []

    init(_ values: [[Int]]) {
        let rows = values.count
        let columns = values.first?.count ?? 0
        var extended = values.map { $0 + [$0.reduce(0, +)] }
        extended.append((0...columns).map { column in extended.reduce(0) { $0 + $1[column] } })
        index = extended.map { line in line.map { grid.add($0) } }
        for row in 0...rows { grid.relate(total: index[row][columns], parts: Array(index[row][0..<columns])) }
        for column in 0...columns { grid.relate(total: index[rows][column], parts: (0..<rows).map { index[$0][column] }) }
    }

    func cell(_ row: Int, _ column: Int) -> Int { index[row][column] }

    /// Suppressed cells that are bridges of the hidden-cell graph (determined by the totals).
    func exposedCells(_ states: [CountDisclosure]) -> [Int] {
        var edges: [(cell: Int, row: Int, column: Int)] = []
        for (row, line) in index.enumerated() {
            for (column, cell) in line.enumerated() where states[cell].isSuppressed {
                edges.append((cell, row, column))
            }
        }
        // Vertices: rows 0..<R, columns R..<R+C.
        let rowCount = index.count
        func connected(_ from: Int, _ to: Int, without skipped: Int) -> Bool {
            var seen: Set<Int> = [from]
            var queue = [from]
            while let vertex = queue.popLast() {
                if vertex == to { return true }
                for edge in edges where edge.cell != skipped {
                    let ends = (edge.row, rowCount + edge.column)
                    let next = ends.0 == vertex ? ends.1 : ends.1 == vertex ? ends.0 : nil
                    if let next, seen.insert(next).inserted { queue.append(next) }
                }
            }
            return false
        }
        return edges.filter { !connected($0.row, rowCount + $0.column, without: $0.cell) }.map(\.cell)
    }
}

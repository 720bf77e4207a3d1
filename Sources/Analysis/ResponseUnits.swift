import StudyModel

/// One group at one outcome and timepoint: the response rows and the comparisons of a group are
/// computed from the same cells, so both tables are made unit by unit from one pass over the
/// group's members. Units are independent of each other; a run may compute them in any order,
/// on any thread, and ``ResponseAnalysis/tables(_:results:)`` puts the rows in report order.
public struct ResponseUnit: Sendable {
    /// Position of the group in report order.
    public let groupPosition: Int
    public let key: GroupKey
    /// The group's randomised members, as indexes into the prepared subjects, in their order.
    let members: [Int]
    public let outcome: OutcomePlan
    public let timepoint: String
}

/// What one ``ResponseUnit`` contributes to `response.csv` and `comparisons.csv`.
public struct ResponseUnitResult: Sendable {
    /// Response rows of each arm (by position in ``ResponseAnalysis/arms``), approach by approach.
    public var rowsByArm: [[ResponseRow]]
    /// Comparisons with the reference arm, approach by approach, arm by arm.
    public var comparisons: [ComparisonRow]
}

extension ResponseAnalysis {
    /// Every group × outcome × timepoint, in report order: groups as ``groupIndexes(_:)`` orders
    /// them, then the plan's outcomes, then its timepoints.
    public func units(_ prepared: PreparedSubjects) -> [ResponseUnit] {
        var units: [ResponseUnit] = []
        for (position, (key, members)) in groupIndexes(prepared).enumerated() {
            for outcome in plan.outcomes {
                for timepoint in plan.timepoints {
                    units.append(ResponseUnit(groupPosition: position, key: key, members: members,
                                              outcome: outcome, timepoint: timepoint))
                }
            }
        }
        return units
    }

    /// The response rows and comparisons of one unit, from one set of cells.
    public func result(_ unit: ResponseUnit, _ prepared: PreparedSubjects) -> ResponseUnitResult {
        let cells = cells(unit, prepared)
        return ResponseUnitResult(rowsByArm: rowsByArm(unit, cells), comparisons: comparisons(unit, cells))
    }

    /// The cells of every arm under every approach of the unit's outcome, from one pass over the
    /// group's members: `cells[arm][k]` under `approaches(for: unit.outcome)[k]`.
    func cells(_ unit: ResponseUnit, _ prepared: PreparedSubjects) -> [[CellData]] {
        cellsByArm(unit.members, prepared, outcome: unit.outcome, timepoint: unit.timepoint,
                   approaches: approaches(for: unit.outcome))
    }

    /// The response rows of each arm, approach by approach.
    func rowsByArm(_ unit: ResponseUnit, _ cells: [[CellData]]) -> [[ResponseRow]] {
        let approaches = approaches(for: unit.outcome)
        return arms.enumerated().map { position, arm in
            zip(approaches, cells[position]).map { approach, data in
                row(unit.key, arm, unit.outcome, unit.timepoint, approach, data)
            }
        }
    }

    /// `response.csv` and `comparisons.csv` from every unit's result (`results[i]` of
    /// `units[i]`). Response rows are listed by group, then arm, outcome, timepoint and approach;
    /// comparisons by group, outcome, timepoint, approach and arm.
    public func tables(_ units: [ResponseUnit], results: [ResponseUnitResult])
        -> (rows: [ResponseRow], comparisons: [ComparisonRow]) {
        precondition(units.count == results.count, "one result per unit")
        var rows: [ResponseRow] = []
        var comparisons: [ComparisonRow] = []
        var start = 0
        while start < units.count {
            var end = start
            while end < units.count, units[end].groupPosition == units[start].groupPosition { end += 1 }
            for position in arms.indices {
                for index in start..<end { rows += results[index].rowsByArm[position] }
            }
            for index in start..<end { comparisons += results[index].comparisons }
            start = end
        }
        return (rows, comparisons)
    }

    /// Both tables, unit by unit on the calling thread.
    public func tables(_ prepared: PreparedSubjects) -> (rows: [ResponseRow], comparisons: [ComparisonRow]) {
        let units = units(prepared)
        return tables(units, results: units.map { result($0, prepared) })
    }
}

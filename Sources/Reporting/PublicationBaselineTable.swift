import Analysis
import StudyModel

extension PublicationTables {
    /// Baseline characteristics of randomised participants: one column for all and one per arm
    /// (headed with the column's n), continuous characteristics as mean (SD) and median [IQR],
    /// categories as n (%) of the participants with a value, and a missing count per categorical
    /// characteristic where any column misses values. (A continuous characteristic has none: its
    /// mean, withheld when few have a value, already bounds the count with a value, which the
    /// suppression grid cannot take into account, so a missing count beside it could give
    /// hidden counts away.) Characteristics without any value are left out. No p-values (CONSORT: baseline differences after randomisation are chance).
    ///
    /// Suppression grid: per column and categorical characteristic, categories + values outside
    /// the listed categories (unpublished; none when there are none) = participants with a value (revealed by the
    /// percentages), and that + missing = the column's n (without a missing row, the reader knows
    /// that the participants with a value are the column's n); per category, missing count, value
    /// count and n, all = Σ arms.
    public static func baseline(_ results: PublicationResults,
                                suppression: SmallCellSuppression = SmallCellSuppression()) -> PublicationTable {
        let rows = results.baseline.filter { $0.columnKind == "arm" }
        let columns = ["all"] + results.arms.map(\.id).filter { id in rows.contains { $0.column == id } }
        let variables = rows.map { ($0.variable, $0.summary == .countPercent) }
            .reduce(into: [(name: String, categorical: Bool)]()) { list, item in
                if !list.contains(where: { $0.name == item.0 }) { list.append((item.0, item.1)) }
            }
        func first(_ column: String, _ variable: String) -> BaselineRow? {
            rows.first { $0.column == column && $0.variable == variable }
        }
        func columnTotal(_ column: String) -> Int {
            rows.first { $0.column == column }.map { $0.available + $0.missing } ?? 0
        }

        // The grid.
        var grid = CountGrid()
        var totalCell: [String: Int] = [:]
        for column in columns { totalCell[column] = grid.add(columnTotal(column)) }
        if let all = totalCell["all"] { grid.relate(total: all, parts: columns.dropFirst().compactMap { totalCell[$0] }) }
        struct VariableCells {
            var categories: [String] = []
            var count: [String: [String: Int]] = [:]
            var available: [String: Int] = [:]
            var missing: [String: Int] = [:]
            var showsMissing = false
        }
        var categorical: [String: VariableCells] = [:]
        for variable in variables where variable.categorical {
            // A characteristic nobody has a value for (not collected) is left out, as a
            // continuous one is: a row of zeros would say it was collected and always missing.
            guard rows.contains(where: { $0.variable == variable.name && $0.available > 0 }) else { continue }
            var cells = VariableCells()
            cells.categories = rows.filter { $0.variable == variable.name && $0.summary == .countPercent }.map(\.category)
                .reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
            cells.showsMissing = columns.contains { (first($0, variable.name)?.missing ?? 0) > 0 }
            var other: [String: Int] = [:]
            for column in columns {
                let present = first(column, variable.name)
                let available = present?.available ?? 0
                let missing = present.map(\.missing) ?? columnTotal(column)
                var parts: [Int] = []
                var listed = 0
                for category in cells.categories {
                    let count = rows.first {
                        $0.column == column && $0.variable == variable.name && $0.category == category
                    }?.count ?? 0
                    listed += count
                    let cell = grid.add(count)
                    cells.count[category, default: [:]][column] = cell
                    parts.append(cell)
                }
                // Values outside the listed categories: a reader takes their absence for granted, so
                // a zero is no cell at all; otherwise an unpublished one (the percentages reveal it).
                if available > listed {
                    let otherCell = grid.add(available - listed, published: false)
                    other[column] = otherCell
                    parts.append(otherCell)
                }
                let availableCell = grid.add(available)
                cells.available[column] = availableCell
                grid.relate(total: availableCell, parts: parts)
                if cells.showsMissing || missing > 0 {
                    let missingCell = grid.add(missing, published: cells.showsMissing)
                    cells.missing[column] = missingCell
                    if let total = totalCell[column] { grid.relate(total: total, parts: [availableCell, missingCell]) }
                } else if let total = totalCell[column] {
                    // No missing row: the reader knows that nobody misses a value, so the
                    // participants with a value are the column's n.
                    grid.relate(total: total, parts: [availableCell])
                }
            }
            var acrossColumns = cells.categories.map { cells.count[$0] ?? [:] }
            acrossColumns += [cells.available, cells.missing, other]
            for line in acrossColumns {
                // An arm without an entry has 0 there (no values outside the categories).
                if let all = line["all"] { grid.relate(total: all, parts: columns.dropFirst().compactMap { line[$0] }) }
            }
            categorical[variable.name] = cells
        }
        let states = suppression.suppress(grid)
        func text(_ cell: Int?) -> String {
            guard let cell else { return "0" }
            return PublicationText.count(grid.cells[cell].count, states[cell], suppression)
        }

        // The table.
        let headers = columns.map { column -> PublicationTable.Column in
            let name = column == "all" ? "All" : results.label(column)
            return .init(name + " (n = " + text(totalCell[column]) + ")")
        }
        var notes = ["Randomised participants. Percentages of participants with a value. No p-values: differences "
            + "at baseline after randomisation are due to chance."]
        if let note = PublicationText.suppressionNote(suppression) { notes.append(note) }
        var table = PublicationTable(caption: "Baseline characteristics by arm", identifier: "baseline",
                                     columns: [.init("Characteristic", .left)] + headers, notes: notes)
        table.startSection()
        for variable in variables where !variable.categorical {
            // A characteristic nobody has a value for (not collected) is left out.
            guard rows.contains(where: { $0.variable == variable.name && $0.available > 0 }) else { continue }
            let label = variableLabel(variable.name, plan: results.plan)
            var meanLine = [label + ", mean (SD)"]
            var medianLine = [label + ", median [IQR]"]
            for column in columns {
                let summaries = rows.filter { $0.column == column && $0.variable == variable.name }
                let available = summaries.first?.available ?? 0
                if suppression.isSmall(available) {
                    meanLine.append(PublicationText.withheld)
                    medianLine.append(PublicationText.withheld)
                    continue
                }
                let meanRow = summaries.first { $0.summary == .meanSD }
                let medianRow = summaries.first { $0.summary == .medianIQR }
                meanLine.append(meanRow?.mean.map {
                    NumberFormat.fixed($0, decimals: 1) + " (" + NumberFormat.fixed(meanRow?.standardDeviation, decimals: 1) + ")"
                } ?? "NA")
                medianLine.append(medianRow?.median.map {
                    NumberFormat.fixed($0, decimals: 1) + " [" + NumberFormat.fixed(medianRow?.lowerQuartile, decimals: 1)
                        + ", " + NumberFormat.fixed(medianRow?.upperQuartile, decimals: 1) + "]"
                } ?? "NA")
            }
            table.append(meanLine)
            table.append(medianLine)
        }
        // A count shown beside a withheld denominator goes without its percentage, which would
        // give the denominator back; the notes then say so.
        var percentagesLeftOut = false
        for variable in variables where variable.categorical {
            guard let cells = categorical[variable.name] else { continue }
            table.startSection()
            for category in cells.categories {
                var line = [categoryLabel(variable.name, category) + ", n (%)"]
                for column in columns {
                    let cell = cells.count[category]?[column]
                    let availableCell = cells.available[column]
                    var value = text(cell)
                    if let cell, !states[cell].isSuppressed, let availableCell {
                        if states[availableCell].isSuppressed {
                            percentagesLeftOut = true
                        } else if grid.cells[availableCell].count > 0 {
                            let percent = Double(grid.cells[cell].count) / Double(grid.cells[availableCell].count) * 100
                            value += " (" + NumberFormat.fixed(percent, decimals: 1) + ")"
                        }
                    }
                    line.append(value)
                }
                table.append(line)
            }
            if cells.showsMissing {
                table.append([variableLabel(variable.name, plan: results.plan) + " missing, n"]
                    + columns.map { text(cells.missing[$0]) })
            }
        }
        if percentagesLeftOut {
            table.notes.append("A count whose denominator (the participants with a value) is withheld is shown without "
                + "its percentage.")
        }
        return table
    }

    /// Readable names of the baseline variables; outcome baselines take the outcome's label.
    static func variableLabel(_ variable: String, plan: AnalysisPlan) -> String {
        switch variable {
        case "age": return "Age (years)"
        case "duration_weeks": return "Duration of complaints (weeks)"
        case "ompsq_total": return "ÖMPSQ-10 total (1-100)"
        case "startback_total": return "STarT Back total (0-9)"
        case "sex": return "Sex"
        case "subprofile": return "Subprofile"
        default:
            if variable.hasPrefix("baseline_"),
               let outcome = plan.outcomes.first(where: { "baseline_" + $0.name == variable }) {
                return outcome.label + " at baseline"
            }
            return variable
        }
    }

    static func categoryLabel(_ variable: String, _ category: String) -> String {
        switch (variable, category) {
        case ("sex", "F"): "Female"
        case ("sex", "M"): "Male"
        case ("subprofile", "unclassified"): "Unclassified"
        case ("subprofile", _): "Subprofile " + category
        default: variableLabel(variable, plan: AnalysisPlan(outcomes: [], timepoints: [], referenceArm: "")) + " " + category
        }
    }
}

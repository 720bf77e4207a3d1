/// One term of a linear model: the intercept (no variables), a main effect (one variable) or an
/// interaction (several variables, whose coded columns are multiplied).
public struct Term: Hashable, Sendable, CustomStringConvertible {
    /// The variables whose coded columns are multiplied; empty for the intercept.
    public let variables: [String]

    public init(_ variables: [String]) {
        self.variables = variables
    }

    /// The intercept, a column of ones.
    public static let intercept = Term([])

    /// The main effect of one variable.
    public static func main(_ variable: String) -> Term {
        Term([variable])
    }

    /// The interaction of two or more variables, e.g. `a:b`.
    public static func interaction(_ variables: String...) -> Term {
        Term(variables)
    }

    /// Every main effect and interaction of the variables, in order of size, as in the model
    /// formula `a * b * c`: `a, b, c, a:b, a:c, b:c, a:b:c`.
    public static func crossed(_ variables: String...) -> [Term] {
        var terms: [Term] = []
        for size in 1...max(1, variables.count) {
            terms += combinations(of: variables, size: size).map(Term.init)
        }
        return terms
    }

    private static func combinations(of items: [String], size: Int) -> [[String]] {
        if size == 0 { return [[]] }
        guard items.count >= size else { return [] }
        var result: [[String]] = []
        for (index, item) in items.enumerated() {
            for rest in combinations(of: Array(items[(index + 1)...]), size: size - 1) {
                result.append([item] + rest)
            }
        }
        return result
    }

    /// `(Intercept)`, `a` or `a:b`.
    public var description: String {
        variables.isEmpty ? "(Intercept)" : variables.joined(separator: ":")
    }
}

/// Why a design could not be built.
public enum DesignError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A variable was added twice.
    case duplicateVariable(String)
    /// A variable's values do not match the row count.
    case lengthMismatch(variable: String, expected: Int, actual: Int)
    /// A numeric value is NaN or infinite.
    case nonFiniteValue(variable: String, row: Int)
    /// A factor has no levels, or a level is listed twice.
    case invalidLevels(variable: String)
    /// A factor label is not among the factor's levels.
    case unknownLevel(variable: String, row: Int, label: String)
    /// A term names a variable that was not added.
    case unknownVariable(String)
    /// A term is listed twice or names a variable twice.
    case invalidTerm(String)

    public var description: String {
        switch self {
        case .duplicateVariable(let name):
            "the variable '\(name)' was added twice"
        case let .lengthMismatch(variable, expected, actual):
            "the variable '\(variable)' has \(actual) values for \(expected) rows"
        case let .nonFiniteValue(variable, row):
            "the variable '\(variable)' is not finite in row \(row)"
        case .invalidLevels(let variable):
            "the factor '\(variable)' needs at least one level and no level twice"
        case let .unknownLevel(variable, row, label):
            "the label '\(label)' in row \(row) is not a level of the factor '\(variable)'"
        case .unknownVariable(let name):
            "the term names the unknown variable '\(name)'"
        case .invalidTerm(let term):
            "the term '\(term)' is repeated or names a variable twice"
        }
    }
}

/// Builds a model matrix from numeric columns and categorical factors.
///
/// Factors use treatment (dummy) coding against a reference level: a factor with levels
/// `[r, l₂, …, l_k]` gives columns `name[l₂]`, …, `name[l_k]`, each 1 where the row has that level
/// and 0 elsewhere; the first level is the reference. An interaction term multiplies the coded
/// columns of its variables (every combination, the first variable varying fastest), named by
/// joining column names with `:`, e.g. `a[a2]:b[b3]` or `group[B]:x`. The builder does not check
/// marginality: for `a:b` include `a` and `b` yourself (``Term/crossed(_:)`` does). An empty cell
/// of a factor interaction gives an all-zero column, which ``LinearModel`` reports as aliased.
public struct DesignBuilder: Sendable {
    private enum Variable: Sendable {
        case numeric([Double])
        case factor(codes: [Int], levels: [String])
    }

    /// Number of rows (observations).
    public let rowCount: Int
    private var variables: [String: Variable] = [:]

    public init(rowCount: Int) {
        self.rowCount = max(0, rowCount)
    }

    /// Adds a numeric variable; throws when the length differs from ``rowCount``, a value is not
    /// finite, or the name was used before.
    public mutating func addNumeric(_ name: String, _ values: [Double]) throws(DesignError) {
        guard variables[name] == nil else { throw .duplicateVariable(name) }
        guard values.count == rowCount else {
            throw .lengthMismatch(variable: name, expected: rowCount, actual: values.count)
        }
        if let row = values.firstIndex(where: { !$0.isFinite }) {
            throw .nonFiniteValue(variable: name, row: row)
        }
        variables[name] = .numeric(values)
    }

    /// Adds a categorical factor.
    ///
    /// - Parameters:
    ///   - labels: the level of each row.
    ///   - levels: every level in column order, the reference level first. Levels no row uses
    ///     still get a column (all zero, hence aliased), so a fixed level list gives the same
    ///     columns in every subgroup.
    public mutating func addFactor(_ name: String, _ labels: [String], levels: [String]) throws(DesignError) {
        guard variables[name] == nil else { throw .duplicateVariable(name) }
        guard labels.count == rowCount else {
            throw .lengthMismatch(variable: name, expected: rowCount, actual: labels.count)
        }
        guard !levels.isEmpty, Set(levels).count == levels.count else { throw .invalidLevels(variable: name) }
        var index: [String: Int] = [:]
        for (position, level) in levels.enumerated() { index[level] = position }
        var codes: [Int] = []
        codes.reserveCapacity(rowCount)
        for (row, label) in labels.enumerated() {
            guard let code = index[label] else { throw .unknownLevel(variable: name, row: row, label: label) }
            codes.append(code)
        }
        variables[name] = .factor(codes: codes, levels: levels)
    }

    /// Adds a categorical factor given by each row's level position: `codes[row]` indexes
    /// `levels` (0 is the reference level). The same factor as ``addFactor(_:_:levels:)`` with
    /// `levels[codes[row]]` as labels, without a label per row.
    public mutating func addFactor(_ name: String, codes: [Int], levels: [String]) throws(DesignError) {
        guard variables[name] == nil else { throw .duplicateVariable(name) }
        guard codes.count == rowCount else {
            throw .lengthMismatch(variable: name, expected: rowCount, actual: codes.count)
        }
        guard !levels.isEmpty, Set(levels).count == levels.count else { throw .invalidLevels(variable: name) }
        if let row = codes.firstIndex(where: { !levels.indices.contains($0) }) {
            throw .unknownLevel(variable: name, row: row, label: String(codes[row]))
        }
        variables[name] = .factor(codes: codes, levels: levels)
    }

    /// The model matrix for `terms`, with an intercept column first unless `intercept` is false
    /// (an explicit ``Term/intercept`` in `terms` also adds it).
    public func build(_ terms: [Term], intercept: Bool = true) throws(DesignError) -> DesignMatrix {
        var allTerms: [Term] = intercept ? [.intercept] : []
        for term in terms where !(intercept && term == .intercept) {
            guard !allTerms.contains(term), Set(term.variables).count == term.variables.count else {
                throw .invalidTerm(term.description)
            }
            allTerms.append(term)
        }
        var names: [String] = []
        var columnTerms: [Term] = []
        var columns: [[Double]] = []
        for term in allTerms {
            // The columns of the term's first variable are taken as they are (a product with the
            // all-ones start would give the same values), later variables multiply in.
            var block: [(name: String, values: [Double])] = [("", [Double](repeating: 1, count: rowCount))]
            for (position, variable) in term.variables.enumerated() {
                guard let coded = variables[variable] else { throw .unknownVariable(variable) }
                let factorColumns = codedColumns(variable, coded)
                if position == 0 {
                    block = factorColumns
                    continue
                }
                var next: [(name: String, values: [Double])] = []
                for column in factorColumns {
                    for existing in block {
                        var product = existing.values
                        for row in 0..<rowCount { product[row] *= column.values[row] }
                        let name = existing.name.isEmpty ? column.name : existing.name + ":" + column.name
                        next.append((name, product))
                    }
                }
                block = next
            }
            for column in block {
                names.append(term.variables.isEmpty ? "(Intercept)" : column.name)
                columnTerms.append(term)
                columns.append(column.values)
            }
        }
        var values: [Double] = []
        values.reserveCapacity(rowCount * columns.count)
        for column in columns { values += column }
        return DesignMatrix(rowCount: rowCount, columnNames: names, columnTerms: columnTerms, values: values)
    }

    private func codedColumns(_ name: String, _ variable: Variable) -> [(name: String, values: [Double])] {
        switch variable {
        case .numeric(let values):
            return [(name, values)]
        case let .factor(codes, levels):
            return levels.indices.dropFirst().map { level in
                ("\(name)[\(levels[level])]", codes.map { $0 == level ? 1 : 0 })
            }
        }
    }
}

/// A model matrix: `rowCount` rows, one column per coded term column, stored column by column.
public struct DesignMatrix: Hashable, Sendable {
    /// Number of rows.
    public let rowCount: Int
    /// Column names, e.g. `(Intercept)`, `group[B]`, `x`, `a[a2]:b[b2]`.
    public let columnNames: [String]
    /// The term each column belongs to.
    public let columnTerms: [Term]
    /// Column-major values: column `j` is `values[j * rowCount ..< (j + 1) * rowCount]`.
    let values: [Double]

    init(rowCount: Int, columnNames: [String], columnTerms: [Term], values: [Double]) {
        self.rowCount = rowCount
        self.columnNames = columnNames
        self.columnTerms = columnTerms
        self.values = values
    }

    /// A matrix from explicit columns (each of the same length, all finite); `nil` otherwise or
    /// when the names do not match the columns. Each column becomes its own term.
    public init?(columns: [[Double]], names: [String]) {
        guard columns.count == names.count, Set(names).count == names.count else { return nil }
        let rows = columns.first?.count ?? 0
        guard columns.allSatisfy({ $0.count == rows && $0.allSatisfy(\.isFinite) }) else { return nil }
        self.init(rowCount: rows, columnNames: names, columnTerms: names.map { Term([$0]) }, values: Array(columns.joined()))
    }

    /// Number of columns.
    public var columnCount: Int {
        columnNames.count
    }

    /// The distinct terms, in column order.
    public var terms: [Term] {
        var seen: [Term] = []
        for term in columnTerms where !seen.contains(term) { seen.append(term) }
        return seen
    }

    /// The value at `row`, `column`.
    public func value(row: Int, column: Int) -> Double {
        values[column * rowCount + row]
    }

    /// One column.
    public func column(_ index: Int) -> ArraySlice<Double> {
        values[(index * rowCount)..<((index + 1) * rowCount)]
    }

    /// The matrix without the columns of `removed` (used for nested-model F-tests).
    public func removing(_ removed: [Term]) -> DesignMatrix {
        var names: [String] = []
        var terms: [Term] = []
        var kept: [Double] = []
        for index in columnNames.indices where !removed.contains(columnTerms[index]) {
            names.append(columnNames[index])
            terms.append(columnTerms[index])
            kept += column(index)
        }
        return DesignMatrix(rowCount: rowCount, columnNames: names, columnTerms: terms, values: kept)
    }
}

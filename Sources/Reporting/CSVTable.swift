import CSVKit

/// A tidy table for one CSV output: its file name, column names and typed cells.
///
/// Cells say whether they are text (guarded against spreadsheet formulas when written) or numbers
/// (written as formatted, never altered). Built by pure functions from results; written by
/// ``write(to:)``.
public struct CSVTable: Sendable {
    public var fileName: String
    public var columns: [String]
    public private(set) var rows: [[CSVCell]] = []

    public init(fileName: String, columns: [String]) {
        self.fileName = fileName
        self.columns = columns
    }

    public mutating func append(_ row: [CSVCell]) {
        precondition(row.count == columns.count, "\(fileName): row has \(row.count) cells for \(columns.count) columns")
        rows.append(row)
    }

    /// Writes the table (header and rows) to `path` with the CSVKit writer; throws when the disk refuses.
    public func write(to path: String) throws {
        let writer = try CSVWriter(to: .file(path))
        try writer.writeHeader(columns)
        for row in rows { try writer.writeRow(row) }
        try writer.finish()
    }

    /// The table's CSV text (for tests and in-memory comparison).
    public func text() throws -> String {
        let writer = try CSVWriter(to: .memory)
        try writer.writeHeader(columns)
        for row in rows { try writer.writeRow(row) }
        try writer.finish()
        return writer.text
    }
}

/// Shorthands for cells, with the report's number conventions.
enum Cell {
    /// Estimates (means, SDs, differences, limits): 4 decimals, empty when not estimable.
    static func estimate(_ value: Double?) -> CSVCell {
        number(value, decimals: 4)
    }

    static func number(_ value: Double?, decimals: Int) -> CSVCell {
        guard let value, value.isFinite else { return .empty }
        return .number(NumberFormat.fixed(value, decimals: decimals))
    }

    /// p-values: 4 significant digits, so that small values keep their size.
    static func pValue(_ value: Double?) -> CSVCell {
        guard let value, value.isFinite else { return .empty }
        return .number(NumberFormat.significant(value, digits: 4))
    }

    static func count(_ value: Int?) -> CSVCell {
        guard let value else { return .empty }
        return .number(String(value))
    }

    static func text(_ value: String?) -> CSVCell {
        guard let value, !value.isEmpty else { return .empty }
        return .text(value)
    }
}

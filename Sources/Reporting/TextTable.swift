/// A plain-text table with aligned columns, for `summary.txt`.
///
/// Text columns are left-aligned and numeric columns right-aligned; the caller keeps rows within
/// the report's 100-character line limit by choosing columns (``render()`` reports the widest line
/// so tests can hold the limit).
public struct TextTable: Sendable {
    public enum Alignment: Sendable { case left, right }

    public struct Column: Sendable {
        public var title: String
        public var alignment: Alignment

        public init(_ title: String, _ alignment: Alignment = .left) {
            self.title = title
            self.alignment = alignment
        }
    }

    public var columns: [Column]
    public private(set) var rows: [[String]] = []
    /// Space between columns: two by default, one for wide tables.
    public var separator: String

    public init(columns: [Column], separator: String = "  ") {
        self.columns = columns
        self.separator = separator
    }

    public mutating func append(_ row: [String]) {
        precondition(row.count == columns.count, "row has \(row.count) cells for \(columns.count) columns")
        rows.append(row)
    }

    /// The table as lines: header, a rule of dashes, then the rows; trailing spaces trimmed.
    public func render() -> [String] {
        var widths = columns.map { $0.title.count }
        for row in rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for (index, cell) in cells.enumerated() {
                let padding = String(repeating: " ", count: widths[index] - cell.count)
                parts.append(columns[index].alignment == .left ? cell + padding : padding + cell)
            }
            return trimTrailing(parts.joined(separator: separator))
        }
        var lines = [line(columns.map(\.title))]
        lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: separator))
        lines += rows.map(line)
        return lines
    }

    /// As ``render()`` when every line fits in `width` characters; else the columns after the
    /// first `keyColumns` are split over as few tables as fit, one after another with a blank
    /// line between, each repeating the key columns (long group codes or arm names widen a table
    /// past the line limit). A column too wide to fit beside the keys gets a table of its own;
    /// when no column fits beside the keys, the table stays whole.
    public func render(within width: Int, keyColumns: Int) -> [String] {
        let whole = render()
        guard whole.contains(where: { $0.count > width }), columns.count > keyColumns + 1 else { return whole }
        func part(_ range: Range<Int>) -> [String] {
            let chosen = Array(0..<keyColumns) + Array(range)
            var table = TextTable(columns: chosen.map { columns[$0] }, separator: separator)
            for row in rows { table.append(chosen.map { row[$0] }) }
            return table.render()
        }
        // When the keys leave no room for any one column, splitting only repeats them.
        guard (keyColumns..<columns.count).contains(where: { !part($0..<($0 + 1)).contains(where: { $0.count > width }) })
        else { return whole }
        var lines: [String] = []
        var start = keyColumns
        while start < columns.count {
            // The most columns from `start` that fit (at least one).
            var end = start + 1
            while end < columns.count, !part(start..<(end + 1)).contains(where: { $0.count > width }) { end += 1 }
            if !lines.isEmpty { lines.append("") }
            lines += part(start..<end)
            start = end
        }
        return lines
    }

    private func trimTrailing(_ text: String) -> String {
        var result = text
        while result.last == " " { result.removeLast() }
        return result
    }
}

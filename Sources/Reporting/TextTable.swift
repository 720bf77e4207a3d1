/// A plain-text table with aligned columns, for `summary.txt`.
///
/// Text columns are left-aligned and numeric columns right-aligned. Rows stay within the
/// report's 100-character line limit: the caller chooses columns or splits the table
/// (``render(within:keyColumns:)``), and what is still too wide wraps in its text columns.
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

    /// The table as lines: header, a rule of dashes, then the rows; trailing spaces trimmed. A
    /// table wider than `width` characters has its widest columns narrowed, widest first: a
    /// text column down to ``narrowestWrapped`` characters, its title and cells wrapping at spaces
    /// (a word longer than the column is broken, leading spaces are kept) and going on in the
    /// lines below with the other cells empty; a number column down to its widest number, only
    /// its title wrapping. Numbers are never wrapped.
    public func render(width: Int = SummaryText.lineLimit) -> [String] {
        lines(widths: fitted(naturalWidths, within: width))
    }

    /// A wrapped column keeps at least this many characters across.
    public static let narrowestWrapped = 8

    /// As ``render(width:)`` when every line fits in `width` characters; else the columns after
    /// the first `keyColumns` are split over as few tables as fit, one after another with a blank
    /// line between, each repeating the key columns (long group codes or arm names widen a table
    /// past the line limit). A column too wide to fit beside the keys gets a table of its own;
    /// when no column fits beside the keys, the table stays whole. A part still too wide wraps
    /// as ``render(width:)`` does.
    public func render(within width: Int, keyColumns: Int) -> [String] {
        guard naturalWidth > width, columns.count > keyColumns + 1 else { return render(width: width) }
        func part(_ range: Range<Int>) -> TextTable {
            let chosen = Array(0..<keyColumns) + Array(range)
            var table = TextTable(columns: chosen.map { columns[$0] }, separator: separator)
            for row in rows { table.append(chosen.map { row[$0] }) }
            return table
        }
        func partFits(_ range: Range<Int>) -> Bool { part(range).naturalWidth <= width }
        // When the keys leave no room for any one column, splitting only repeats them.
        guard (keyColumns..<columns.count).contains(where: { partFits($0..<($0 + 1)) }) else { return render(width: width) }
        var lines: [String] = []
        var start = keyColumns
        while start < columns.count {
            // The most columns from `start` that fit (at least one).
            var end = start + 1
            while end < columns.count, partFits(start..<(end + 1)) { end += 1 }
            if !lines.isEmpty { lines.append("") }
            lines += part(start..<end).render(width: width)
            start = end
        }
        return lines
    }

    /// How wide the table is unwrapped: every column as wide as its title and widest cell. A
    /// caller that lays a table out otherwise when it does not fit (numbered names, say) asks this.
    public var naturalWidth: Int {
        width(of: naturalWidths)
    }

    /// Each column as wide as its title and widest cell, in display columns (``DisplayWidth``: a
    /// CJK label takes two per character, so the columns after it stay aligned).
    private var naturalWidths: [Int] {
        var widths = columns.map { DisplayWidth.columns(of: $0.title) }
        for row in rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], DisplayWidth.columns(of: cell)) }
        }
        return widths
    }

    /// How wide a line is with columns of `widths`, the gaps between them included.
    private func width(of widths: [Int]) -> Int {
        widths.reduce(0, +) + separator.count * max(0, widths.count - 1)
    }

    /// `widths` with the widest columns narrowed until the table fits in `width`, or as far as
    /// their floors allow: a text column down to ``narrowestWrapped``, a number column down to its
    /// widest number (only its title wraps).
    private func fitted(_ widths: [Int], within width: Int) -> [Int] {
        var widths = widths
        let floors = columns.indices.map { column in
            columns[column].alignment == .left ? Self.narrowestWrapped
                : max(Self.narrowestWrapped, rows.map { DisplayWidth.columns(of: $0[column]) }.max() ?? 0)
        }
        while self.width(of: widths) > width {
            let narrowable = columns.indices.filter { widths[$0] > floors[$0] }
            guard let widest = narrowable.max(by: { widths[$0] < widths[$1] }) else { break }
            let excess = self.width(of: widths) - width
            // Down to the next widest column at most, so that wide columns share the narrowing.
            let next = narrowable.filter { $0 != widest }.map { widths[$0] }.max() ?? floors[widest]
            widths[widest] -= max(1, min(excess, widths[widest] - max(floors[widest], next)))
        }
        return widths
    }

    private func lines(widths: [Int]) -> [String] {
        func lines(_ cells: [String]) -> [String] {
            let pieces = cells.enumerated().map { index, cell in
                DisplayWidth.columns(of: cell) > widths[index] ? Self.wrap(cell, width: widths[index]) : [cell]
            }
            return (0..<(pieces.map(\.count).max() ?? 1)).map { lineIndex in
                var parts: [String] = []
                for (index, cellPieces) in pieces.enumerated() {
                    let cell = lineIndex < cellPieces.count ? cellPieces[lineIndex] : ""
                    let padding = String(repeating: " ", count: max(0, widths[index] - DisplayWidth.columns(of: cell)))
                    parts.append(columns[index].alignment == .left ? cell + padding : padding + cell)
                }
                return trimTrailing(parts.joined(separator: separator))
            }
        }
        var result = lines(columns.map(\.title))
        result.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: separator))
        for row in rows { result += lines(row) }
        return result
    }

    /// `cell` in lines of at most `width` characters, each with the cell's leading spaces (an
    /// indented category stays indented under its variable).
    private static func wrap(_ cell: String, width: Int) -> [String] {
        let indent = String(cell.prefix { $0 == " " })
        return SummaryText.wrap(String(cell.dropFirst(indent.count)), width: max(1, width - indent.count)).map { indent + $0 }
    }

    private func trimTrailing(_ text: String) -> String {
        var result = text
        while result.last == " " { result.removeLast() }
        return result
    }
}

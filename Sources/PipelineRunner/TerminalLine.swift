import Reporting

/// Text for a line rewritten in place on a terminal.
public enum TerminalLine {
    /// `line` fitted to a terminal `columns` wide (nil: unknown, left as it is): a longer line
    /// would wrap, and only its last row would be cleared when it is rewritten. Cut from the
    /// start (`…sites/visits.csv: 1200 rows read ...`), so the counts at its end stay in view.
    public static func fitted(_ line: String, columns: Int?) -> String {
        guard let columns, columns > 2 else { return line }
        let characters = Array(line)
        guard DisplayWidth.columns(of: characters) >= columns else { return line }
        // The longest end that fits beside the `…`.
        var start = characters.count
        var used = 0
        while start > 0 {
            let next = DisplayWidth.columns(of: characters[start - 1])
            if used + next > columns - 2 { break }
            used += next
            start -= 1
        }
        return "…" + String(characters[start...])
    }
}

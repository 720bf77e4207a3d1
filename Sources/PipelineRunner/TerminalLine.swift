/// Text for a line rewritten in place on a terminal.
public enum TerminalLine {
    /// `line` fitted to a terminal `columns` wide (nil: unknown, left as it is): a longer line
    /// would wrap, and only its last row would be cleared when it is rewritten. Cut from the
    /// start (`…sites/visits.csv: 1200 rows read ...`), so the counts at its end stay in view.
    public static func fitted(_ line: String, columns: Int?) -> String {
        guard let columns, columns > 2 else { return line }
        let characters = Array(line)
        guard characters.count >= columns else { return line }
        return "…" + String(characters.suffix(columns - 2))
    }
}

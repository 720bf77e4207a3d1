/// Text for a line rewritten in place on a terminal.
public enum TerminalLine {
    /// `line` fitted to a terminal `columns` wide (nil: unknown, left as it is): a longer line
    /// would wrap, and only its last row would be cleared when it is rewritten. Cut from the
    /// start (`…sites/visits.csv: 1200 rows read ...`), so the counts at its end stay in view.
    public static func fitted(_ line: String, columns: Int?) -> String {
        guard let columns, columns > 2 else { return line }
        let characters = Array(line)
        guard width(of: characters[...]) >= columns else { return line }
        // The longest end that fits beside the `…`.
        var start = characters.count
        var used = 0
        while start > 0 {
            let next = width(of: characters[(start - 1)..<start])
            if used + next > columns - 2 { break }
            used += next
            start -= 1
        }
        return "…" + String(characters[start...])
    }

    /// The columns a terminal gives `characters`: two for the East Asian wide and full-width
    /// ranges (Hangul, CJK, full-width forms), for emoji and for a character drawn as an emoji
    /// (followed by U+FE0F), one for the rest.
    static func width(of characters: ArraySlice<Character>) -> Int {
        characters.reduce(0) { total, character in
            let value = character.unicodeScalars.first?.value ?? 0
            let isWide = wide.contains { $0.contains(value) } || character.unicodeScalars.contains("\u{FE0F}")
            return total + (isWide ? 2 : 1)
        }
    }

    private static let wide: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
        0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F000...0x1FAFF,
        0x20000...0x3FFFD,
    ]
}

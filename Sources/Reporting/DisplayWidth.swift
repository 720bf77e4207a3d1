/// How wide text is drawn, in columns of a monospaced terminal or in average characters of a
/// proportional font: two for the East Asian wide and full-width ranges (Hangul, CJK, full-width
/// forms), for emoji and for a character drawn as an emoji (followed by U+FE0F), one for the rest.
public enum DisplayWidth {
    public static func columns(of character: Character) -> Int {
        let value = character.unicodeScalars.first?.value ?? 0
        let isWide = wide.contains { $0.contains(value) } || character.unicodeScalars.contains("\u{FE0F}")
        return isWide ? 2 : 1
    }

    public static func columns<Text: Sequence>(of text: Text) -> Int where Text.Element == Character {
        text.reduce(0) { $0 + columns(of: $1) }
    }

    private static let wide: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
        0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F000...0x1FAFF,
        0x20000...0x3FFFD,
    ]
}

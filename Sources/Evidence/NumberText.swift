/// Locale-free number text for reasons and result cells.
///
/// Reports must be byte-identical on every machine, so numbers that end up inside English or
/// Dutch sentences are formatted here by integer arithmetic, never by a locale-aware formatter.
/// Numeric output columns stay numbers (``EvidenceCell/number(_:)``) and are formatted by the
/// writer, not here.
enum NumberText {
    /// `value` rounded half away from zero to `digits` decimals, with a `.` decimal point and an
    /// ASCII `-` for negatives (`-0.71`); `NaN`, `inf`, `-inf` spelled out. `digits` in 0...12.
    static func fixed(_ value: Double, _ digits: Int) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        let places = max(0, min(12, digits))
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let scaled = (abs(value) * scale).rounded(.toNearestOrAwayFromZero)
        guard scaled < 9.0e15 else { return String(describing: value) }
        let integer = UInt64(scaled)
        let divisor = UInt64(scale)
        let whole = integer / divisor
        let fraction = integer % divisor
        var text = String(whole)
        if places > 0 {
            let digitsText = String(fraction)
            text += "." + String(repeating: "0", count: places - digitsText.count) + digitsText
        }
        return (value < 0 && integer != 0 ? "-" : "") + text
    }

    /// Like ``fixed(_:_:)`` but without trailing zeros after the point (`12`, `12.5`).
    static func trimmed(_ value: Double, _ digits: Int) -> String {
        var text = fixed(value, digits)
        guard text.contains("."), value.isFinite else { return text }
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}

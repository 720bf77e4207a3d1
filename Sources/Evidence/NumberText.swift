import StudyModel

/// Locale-free number text for reasons and result cells.
///
/// Reports must be byte-identical on every machine, so numbers that end up inside English or
/// Dutch sentences are formatted here on their decimal digits, never by a locale-aware formatter.
/// Numeric output columns stay numbers (``EvidenceCell/number(_:)``) and are formatted by the
/// writer, not here.
enum NumberText {
    /// `value` rounded half away from zero to `digits` decimals as the numeric columns round it
    /// (``DecimalDigits/fixed(_:decimals:)``: on the decimal value shown, so `1.005` gives `1.01`),
    /// with a `.` decimal point and an ASCII `-` for negatives (`-0.71`); not a number is `NA`
    /// and infinity `Inf` or `-Inf`, as Reporting's `NumberFormat` writes them. `digits` in 0...12.
    static func fixed(_ value: Double, _ digits: Int) -> String {
        if value.isNaN { return "NA" }
        if value.isInfinite { return value < 0 ? "-Inf" : "Inf" }
        return DecimalDigits.fixed(value, decimals: max(0, min(12, digits)))
    }

    /// ``trimmed(_:_:)`` with as many more digits (at most 6) as it takes for a value that is
    /// not `limit` not to read as it: 20.04 beside a limit of 20 is `20.04`, not `20`, so a
    /// judgement against the limit and the number shown agree.
    static func trimmed(_ value: Double, _ digits: Int, beside limit: Double) -> String {
        var shown = digits
        var text = trimmed(value, shown)
        while value != limit, text == trimmed(limit, shown), shown < 6 {
            shown += 1
            text = trimmed(value, shown)
        }
        return text
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

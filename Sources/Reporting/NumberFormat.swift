import StudyModel

/// Locale-independent number formatting for reports: the same digits on every machine.
///
/// Rounding is half away from zero on the decimal value the user sees (`0.125` → `0.13`), done on
/// the shortest round-tripping decimal text of the double rather than on its binary value, so a
/// number printed as `2.675` rounds to `2.68` as a reader expects; and on that text rounded to
/// fifteen significant digits first, so a tie that binary arithmetic left a hair below (41/80 · 100
/// computed as 51.249999999999993) rounds as the tie it is (``DecimalDigits/fixed(_:decimals:)``,
/// which the evidence sentences and the NNT text use too).
public enum NumberFormat {
    /// `value` with exactly `decimals` digits after the point; `NA` for nil, NaN and infinities
    /// (`Inf`/`-Inf` where `showInfinity` is set).
    public static func fixed(_ value: Double?, decimals: Int, showInfinity: Bool = false) -> String {
        guard let value else { return "NA" }
        if value.isNaN { return "NA" }
        if value.isInfinite { return showInfinity ? (value > 0 ? "Inf" : "-Inf") : "NA" }
        return DecimalDigits.fixed(value, decimals: decimals)
    }

    /// A confidence level as a percentage with as few decimals as it needs, up to the 15
    /// significant digits a double holds: 0.95 → `95`, 0.975 → `97.5`, 0.9999996 → `99.99996`,
    /// 0.95000000001 → `95.000000001`. A decimal is needed unless dropping it moves the value by
    /// no more than multiplying by 100 may have (a few units in the last place).
    public static func level(_ level: Double) -> String {
        let percent = level * 100
        let decimals = (0...13).first { decimals in
            Double(fixed(percent, decimals: decimals)).map { abs($0 - percent) <= 4 * percent.ulp } ?? false
        }
        return fixed(percent, decimals: decimals ?? 13)
    }

    /// A p-value as journals print it: `<0.001` below a thousandth, three decimals otherwise.
    public static func pValue(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "NA" }
        return value < 0.001 ? "<0.001" : fixed(value, decimals: 3)
    }

    /// A proportion as a percentage with `decimals` digits (`0.256` → `25.6`).
    public static func percent(_ value: Double?, decimals: Int = 1) -> String {
        guard let value else { return "NA" }
        return fixed(value * 100, decimals: decimals)
    }
}

extension NumberFormat {
    /// `value` with `digits` significant digits: fixed notation from 1e-4 up, scientific below
    /// (`3.142e-07`), so p-values keep their order of magnitude. Zero prints as `0`.
    public static func significant(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return "NA" }
        if value == 0 { return "0" }
        let magnitude = abs(value)
        let exponent = Int((magnitude.log10Floor))
        if magnitude >= 1e-4 {
            let text = fixed(value, decimals: max(0, digits - 1 - exponent))
            // Rounding up across a power of ten (0.99999 to 1.0000) adds a digit: one decimal fewer.
            if let rounded = Double(text), abs(rounded) >= pow10(exponent + 1) {
                return fixed(value, decimals: max(0, digits - 2 - exponent))
            }
            return text
        }
        // Scientific: mantissa in [1, 10) rounded to digits - 1 decimals.
        var mantissaText = fixed(value / pow10(exponent), decimals: digits - 1)
        var shownExponent = exponent
        if mantissaText.hasPrefix("10.") || mantissaText.hasPrefix("-10.") {
            shownExponent += 1
            mantissaText = fixed(value / pow10(shownExponent), decimals: digits - 1)
        }
        let sign = shownExponent < 0 ? "-" : "+"
        let exponentDigits = String(abs(shownExponent))
        return mantissaText + "e" + sign + (exponentDigits.count < 2 ? "0" : "") + exponentDigits
    }

    private static func pow10(_ exponent: Int) -> Double {
        var result = 1.0
        if exponent >= 0 {
            for _ in 0..<exponent { result *= 10 }
        } else {
            for _ in 0..<(-exponent) { result /= 10 }
        }
        return result
    }
}

private extension Double {
    /// ⌊log10(|self|)⌋ for a non-zero finite value, read off the shortest decimal digits so powers
    /// of ten are exact.
    var log10Floor: Int {
        DecimalDigits(abs(self)).magnitude ?? 0
    }
}

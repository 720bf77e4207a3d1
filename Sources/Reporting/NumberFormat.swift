/// Locale-independent number formatting for reports: the same digits on every machine.
///
/// Rounding is half away from zero on the decimal value the user sees (`0.125` → `0.13`), done on
/// the shortest round-tripping decimal text of the double rather than on its binary value, so a
/// number printed as `2.675` rounds to `2.68` as a reader expects.
public enum NumberFormat {
    /// `value` with exactly `decimals` digits after the point; `NA` for nil, NaN and infinities
    /// (`Inf`/`-Inf` where `showInfinity` is set).
    public static func fixed(_ value: Double?, decimals: Int, showInfinity: Bool = false) -> String {
        guard let value else { return "NA" }
        if value.isNaN { return "NA" }
        if value.isInfinite { return showInfinity ? (value > 0 ? "Inf" : "-Inf") : "NA" }
        let text = roundDecimalText(shortestDecimal(value), decimals: decimals)
        // Never print "-0.00".
        if text.hasPrefix("-"), text.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) {
            return String(text.dropFirst())
        }
        return text
    }

    /// A p-value as journals print it: `<0.001` below a thousandth, three decimals otherwise.
    public static func pValue(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "NA" }
        return value < 0.001 ? "<0.001" : fixed(value, decimals: 3)
    }

    /// A p-value for CSV output: full precision in exponent form, so nothing is lost.
    public static func exact(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "NA" }
        return String(value)
    }

    /// A proportion as a percentage with `decimals` digits (`0.256` → `25.6`).
    public static func percent(_ value: Double?, decimals: Int = 1) -> String {
        guard let value else { return "NA" }
        return fixed(value * 100, decimals: decimals)
    }

    // MARK: - Decimal text arithmetic

    /// Plain decimal text (no exponent) of the shortest round-tripping representation.
    static func shortestDecimal(_ value: Double) -> String {
        let text = String(value)  // locale-independent; may use an exponent
        guard let exponentIndex = text.firstIndex(where: { $0 == "e" || $0 == "E" }) else { return text }
        let mantissa = String(text[..<exponentIndex])
        guard let exponent = Int(text[text.index(after: exponentIndex)...]) else { return text }
        let negative = mantissa.hasPrefix("-")
        let unsigned = negative ? String(mantissa.dropFirst()) : mantissa
        let parts = unsigned.split(separator: ".", omittingEmptySubsequences: false)
        let integerDigits = String(parts[0])
        let fractionDigits = parts.count > 1 ? String(parts[1]) : ""
        var digits = integerDigits + fractionDigits
        var pointPosition = integerDigits.count + exponent
        if pointPosition <= 0 {
            digits = String(repeating: "0", count: 1 - pointPosition) + digits
            pointPosition = 1
        } else if pointPosition > digits.count {
            digits += String(repeating: "0", count: pointPosition - digits.count)
        }
        let integerPart = digits.prefix(pointPosition)
        let fractionPart = digits.dropFirst(pointPosition)
        let body = fractionPart.isEmpty ? String(integerPart) : integerPart + "." + fractionPart
        return negative ? "-" + body : body
    }

    /// Rounds decimal text half away from zero to `decimals` places and pads with zeros.
    static func roundDecimalText(_ text: String, decimals: Int) -> String {
        let negative = text.hasPrefix("-")
        let unsigned = negative ? String(text.dropFirst()) : text
        let parts = unsigned.split(separator: ".", omittingEmptySubsequences: false)
        var integerDigits = Array(parts[0]).map { Int($0.asciiValue ?? 48) - 48 }
        var fractionDigits = parts.count > 1 ? Array(parts[1]).map { Int($0.asciiValue ?? 48) - 48 } : []
        if fractionDigits.count > decimals {
            let roundUp = fractionDigits[decimals] >= 5
            fractionDigits = Array(fractionDigits.prefix(decimals))
            if roundUp {
                var all = integerDigits + fractionDigits
                var index = all.count - 1
                var carry = 1
                while carry == 1, index >= 0 {
                    let sum = all[index] + carry
                    all[index] = sum % 10
                    carry = sum / 10
                    index -= 1
                }
                if carry == 1 { all.insert(1, at: 0) }
                integerDigits = Array(all.prefix(all.count - decimals))
                fractionDigits = Array(all.suffix(decimals))
            }
        } else {
            fractionDigits += Array(repeating: 0, count: decimals - fractionDigits.count)
        }
        let integerText = integerDigits.isEmpty ? "0" : integerDigits.map(String.init).joined()
        let fractionText = fractionDigits.map(String.init).joined()
        let body = decimals > 0 ? integerText + "." + fractionText : integerText
        return negative ? "-" + body : body
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
            return fixed(value, decimals: max(0, digits - 1 - exponent))
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
    /// ⌊log10(|self|)⌋ for a non-zero finite value, read off the shortest decimal text so powers
    /// of ten are exact.
    var log10Floor: Int {
        let text = NumberFormat.shortestDecimal(abs(self))
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let integerPart = parts[0]
        if let firstNonZero = integerPart.firstIndex(where: { $0 != "0" }) {
            return integerPart.distance(from: firstNonZero, to: integerPart.endIndex) - 1
        }
        let fraction = parts.count > 1 ? parts[1] : ""
        let leadingZeros = fraction.prefix { $0 == "0" }.count
        return -(leadingZeros + 1)
    }
}

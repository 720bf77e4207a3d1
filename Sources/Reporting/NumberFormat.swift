/// Locale-independent number formatting for reports: the same digits on every machine.
///
/// Rounding is half away from zero on the decimal value the user sees (`0.125` → `0.13`), done on
/// the shortest round-tripping decimal text of the double rather than on its binary value, so a
/// number printed as `2.675` rounds to `2.68` as a reader expects; and on that text rounded to
/// fifteen significant digits first, so a tie that binary arithmetic left a hair below (41/80 · 100
/// computed as 51.249999999999993) rounds as the tie it is.
public enum NumberFormat {
    /// `value` with exactly `decimals` digits after the point; `NA` for nil, NaN and infinities
    /// (`Inf`/`-Inf` where `showInfinity` is set).
    public static func fixed(_ value: Double?, decimals: Int, showInfinity: Bool = false) -> String {
        guard let value else { return "NA" }
        if value.isNaN { return "NA" }
        if value.isInfinite { return showInfinity ? (value > 0 ? "Inf" : "-Inf") : "NA" }
        var number = DecimalDigits(value)
        // First to fifteen significant digits, where a double's rounding error lives: a tie
        // computed in binary (41/80 · 100 = 51.249999999999993, a mean of 33.45 as
        // 33.449999999999996) is the tie it stands for, and rounds up like one; a value that is
        // off a tie by more than that (0.00012344996, 4.999999999e-07) is no tie.
        number.round(toDecimals: guardDecimals(forShown: max(decimals, 0), magnitude: number.magnitude))
        number.round(toDecimals: max(decimals, 0))
        return number.text
    }

    /// The decimals a value of `magnitude` (⌊log10⌋, nil for zero) is rounded to before it is
    /// rounded to the `shown` ones: to its 15th significant digit (195.30185 is held as
    /// 195.30184999999994), and never fewer than shown.
    static func guardDecimals(forShown shown: Int, magnitude: Int?) -> Int {
        guard let magnitude else { return shown }
        return max(shown, 14 - magnitude)
    }

    /// A p-value as journals print it: `<0.001` below a thousandth, three decimals otherwise.
    /// A confidence level as a percentage with as few decimals as it needs (at most three):
    /// 0.95 → `95`, 0.975 → `97.5`, 0.999 → `99.9`.
    public static func level(_ level: Double) -> String {
        let percent = level * 100
        for decimals in 0..<3 {
            let text = fixed(percent, decimals: decimals)
            if let shown = Double(text), abs(shown - percent) < 1e-9 { return text }
        }
        return fixed(percent, decimals: 3)
    }

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
}

/// The decimal digits of a finite double's shortest round-tripping text (Swift's `description`),
/// with the decimal point placed: `digits[..<point]` is the integer part (at least one digit),
/// the rest the fraction. Rounding and writing work on these ASCII digits, never on the binary
/// value, and make no string per digit.
private struct DecimalDigits {
    var negative = false
    /// Digit values 0...9.
    var digits: [UInt8] = []
    /// How many of `digits` are before the decimal point; at least 1.
    var point = 0

    init(_ value: Double) {
        digits.reserveCapacity(32)
        var integerCount: Int?
        var exponent = 0
        var exponentNegative = false
        var inExponent = false
        for byte in value.description.utf8 {
            switch byte {
            case UInt8(ascii: "-") where inExponent: exponentNegative = true
            case UInt8(ascii: "-"): negative = true
            case UInt8(ascii: "+"): break
            case UInt8(ascii: "."): integerCount = digits.count
            case UInt8(ascii: "e"), UInt8(ascii: "E"): inExponent = true
            case UInt8(ascii: "0")...UInt8(ascii: "9") where inExponent:
                exponent = exponent * 10 + Int(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits.append(byte - UInt8(ascii: "0"))
            default: break
            }
        }
        point = (integerCount ?? digits.count) + (exponentNegative ? -exponent : exponent)
        if point <= 0 {
            digits.insert(contentsOf: repeatElement(0, count: 1 - point), at: 0)
            point = 1
        } else if point > digits.count {
            digits.append(contentsOf: repeatElement(0, count: point - digits.count))
        }
    }

    /// Keeps exactly `decimals` fraction digits: rounds half away from zero on the decimal digits
    /// (the first dropped digit decides), or pads with zeros.
    mutating func round(toDecimals decimals: Int) {
        let kept = point + decimals
        guard digits.count > kept else {
            digits.append(contentsOf: repeatElement(0, count: kept - digits.count))
            return
        }
        let roundUp = digits[kept] >= 5
        digits.removeSubrange(kept...)
        guard roundUp else { return }
        var index = kept - 1
        while index >= 0 {
            if digits[index] < 9 {
                digits[index] += 1
                return
            }
            digits[index] = 0
            index -= 1
        }
        digits.insert(1, at: 0)
        point += 1
    }

    /// The digits as text: `-` only when a digit is not zero (never `-0.00`), the point only
    /// before a fraction.
    var text: String {
        let signed = negative && digits.contains { $0 != 0 }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count + 2)
        if signed { bytes.append(UInt8(ascii: "-")) }
        for (index, digit) in digits.enumerated() {
            if index == point { bytes.append(UInt8(ascii: ".")) }
            bytes.append(UInt8(ascii: "0") + digit)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// ⌊log10⌋ of the value: the place of the first non-zero digit; `nil` for zero.
    var magnitude: Int? {
        digits.firstIndex { $0 != 0 }.map { point - 1 - $0 }
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

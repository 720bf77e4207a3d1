/// The decimal digits of a finite double's shortest round-tripping text (Swift's `description`),
/// with the decimal point placed: `digits[..<point]` is the integer part (at least one digit),
/// the rest the fraction. Rounding and writing work on these ASCII digits, never on the binary
/// value, and make no string per digit.
public struct DecimalDigits: Sendable {
    public private(set) var negative = false
    /// Digit values 0...9.
    public private(set) var digits: [UInt8] = []
    /// How many of `digits` are before the decimal point; at least 1.
    public private(set) var point = 0

    public init(_ value: Double) {
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
    public mutating func round(toDecimals decimals: Int) {
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

    /// A finite `value` with exactly `decimals` digits after the point, as a reader rounds what
    /// is printed: half away from zero on the shortest round-tripping decimal text (`2.675` →
    /// `2.68`), held first to fifteen significant digits, where a double's rounding error lives,
    /// so a tie binary arithmetic left a hair below (41/80 · 100 computed as 51.249999999999993,
    /// 1/(22/26 − 13/15) as 48.74999999999991) rounds as the tie it is, while a value off a tie by
    /// more than that (0.00012344996) is no tie. No `-` when every digit shown is zero.
    public static func fixed(_ value: Double, decimals: Int) -> String {
        let shown = max(decimals, 0)
        var number = DecimalDigits(value)
        number.round(toDecimals: guardDecimals(forShown: shown, magnitude: number.magnitude))
        number.round(toDecimals: shown)
        return number.text
    }

    /// The decimals a value of `magnitude` (⌊log10⌋, nil for zero) is rounded to before it is
    /// rounded to the `shown` ones: to its 15th significant digit (195.30185 is held as
    /// 195.30184999999994), and never fewer than shown.
    static func guardDecimals(forShown shown: Int, magnitude: Int?) -> Int {
        guard let magnitude else { return shown }
        return max(shown, 14 - magnitude)
    }

    /// The digits as text: `-` only when a digit is not zero (never `-0.00`), the point only
    /// before a fraction.
    public var text: String {
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
    public var magnitude: Int? {
        digits.firstIndex { $0 != 0 }.map { point - 1 - $0 }
    }
}

extension Double {
    /// A finite number written in decimal digits, with `.` as the decimal mark and an optional
    /// sign and exponent (`-2`, `.5`, `1e3`), as pipeline files and rule sets write numbers; nil for
    /// anything `Double(_:)` alone would also read, such as `0x32`, `inf` or `nan`.
    public init?(decimalText text: String) {
        guard text.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }), text.contains(where: \.isNumber),
              let value = Double(text), value.isFinite else { return nil }
        self = value
    }
}

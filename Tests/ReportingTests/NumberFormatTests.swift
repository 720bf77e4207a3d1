import Foundation
import Testing
import TestSupport
@testable import Reporting

@Suite struct NumberFormatTests {
    @Test(arguments: [
        (2.675, 2, "2.68"), (0.125, 2, "0.13"), (-0.125, 2, "-0.13"), (1.0, 2, "1.00"), (0.0, 1, "0.0"),
        (-0.0001, 2, "0.00"), (9.995, 2, "10.00"), (99.95, 1, "100.0"), (1e-7, 3, "0.000"),
        (1.5e-7, 8, "0.00000015"), (123456789.0, 0, "123456789"), (0.5, 0, "1"), (-2.5, 0, "-3"),
        (1e21, 1, "1000000000000000000000.0"),
        // Ties that binary arithmetic leaves a hair below: 41/80 · 100, 41/160 · 100, a mean of 33.45.
        (41.0 / 80.0 * 100, 1, "51.3"), (41.0 / 160.0 * 100, 2, "25.63"), (33.449999999999996, 1, "33.5"),
        (-33.449999999999996, 1, "-33.5"), (23.0 / 80.0 * 100, 1, "28.8"),
        // Not a tie: more than 1e-10 below one.
        (33.44999999, 1, "33.4"),
        // Ties of larger values shown to more places, a few ulps low.
        (195.30184999999994, 4, "195.3019"), (48.012204999999994, 5, "48.01221"), (3.2459004999999994, 6, "3.245901"),
        // Off a tie by more than the 15th significant digit: no tie, however small the value.
        (4.999999999e-07, 6, "0.000000"), (0.49999999999, 0, "0"), (9.4999999999905e-06, 6, "0.000009"),
    ])
    func fixedDecimalsRoundHalfAwayFromZero(value: Double, decimals: Int, expected: String) {
        #expect(NumberFormat.fixed(value, decimals: decimals) == expected)
    }

    @Test(arguments: [(0.95, "95"), (0.975, "97.5"), (0.9, "90"), (0.999, "99.9"), (0.9995, "99.95"), (0.99, "99"),
                            (0.9999996, "99.99996"), (0.12345678, "12.345678"),
                            (0.9999999999999, "99.99999999999"), (0.95000000001, "95.000000001"), (0.9995, "99.95")])
    func confidenceLevels(level: Double, expected: String) {
        #expect(NumberFormat.level(level) == expected)
    }

    @Test func missingAndNonFiniteValues() {
        #expect(NumberFormat.fixed(nil, decimals: 2) == "NA")
        #expect(NumberFormat.fixed(.nan, decimals: 2) == "NA")
        #expect(NumberFormat.fixed(.infinity, decimals: 2) == "NA")
        #expect(NumberFormat.fixed(-.infinity, decimals: 2, showInfinity: true) == "-Inf")
    }

    @Test(arguments: [(0.0004, "<0.001"), (0.001, "0.001"), (0.04951, "0.050"), (1.0, "1.000")])
    func pValues(value: Double, expected: String) {
        #expect(NumberFormat.pValue(value) == expected)
    }
}

/// `fixed` against Foundation's decimal arithmetic: the shortest round-tripping text parsed as a
/// `Decimal`, rounded half away from zero (`.plain`) to its 15th significant digit (never to
/// fewer places than shown) and then to the places shown, written with that number of places.
@Suite struct FixedAgainstDecimalTests {
    static func reference(_ value: Double, decimals: Int) -> String? {
        guard var decimal = Decimal(string: value.description, locale: Locale(identifier: "en_US_POSIX")) else { return nil }
        // To the 15th significant digit first, never fewer places than shown.
        let magnitude = value == 0 ? nil : Int(Foundation.floor(Foundation.log10(abs(value))))
        let guardPlaces = magnitude.map { max(decimals, 14 - $0) } ?? decimals
        var guarded = Decimal()
        NSDecimalRound(&guarded, &decimal, guardPlaces, .plain)
        var rounded = Decimal()
        NSDecimalRound(&rounded, &guarded, decimals, .plain)
        var text = rounded.description
        if text.hasPrefix("-"), rounded.isZero { text.removeFirst() }
        let places = text.firstIndex(of: ".").map { text.distance(from: $0, to: text.endIndex) - 1 }
        if decimals > 0 {
            if places == nil { text += "." }
            text += String(repeating: "0", count: decimals - (places ?? 0))
        }
        return text
    }

    @Test func randomValuesMatchDecimalRounding() throws {
        var generator = SeededGenerator(seed: 0x5EED_F1CE)
        var checked = 0
        for index in 0..<20_000 {
            let value: Double
            switch index % 4 {
            case 0: value = Double.random(in: -1_000...1_000, using: &generator)
            case 1: value = Double(Int.random(in: -100_000...100_000, using: &generator)) / 1_000 + 0.0005
            case 2: value = Double(Int.random(in: -20_000...20_000, using: &generator)) / 8
            default:
                let exponent = Double.random(in: -15...15, using: &generator)
                value = (Bool.random(using: &generator) ? 1 : -1) * pow(10, exponent)
            }
            let decimals = Int.random(in: 0...6, using: &generator)
            let expected = try #require(Self.reference(value, decimals: decimals))
            #expect(NumberFormat.fixed(value, decimals: decimals) == expected, "\(value) to \(decimals) places")
            checked += 1
        }
        #expect(checked == 20_000)
    }
}

@Suite struct SignificantDigitTests {
    @Test(arguments: [
        (0.04951234, "0.04951"), (0.5, "0.5000"), (1.0, "1.000"), (0.0001, "0.0001000"), (0.00009999, "9.999e-05"),
        (3.14159e-7, "3.142e-07"), (9.99951e-6, "1.000e-05"), (1e-12, "1.000e-12"), (0.0, "0"), (123.456, "123.5"),
        // Rounded up across a power of ten: still four digits.
        (0.99999999999999, "1.000"), (0.0099996, "0.01000"), (0.00099996, "0.001000"), (9.99996, "10.00"),
        // Within 1e-10 of a tie, but far from one at four significant digits.
        (0.00012344996, "0.0001234"), (0.0012344999996, "0.001234"), (0.00010004996, "0.0001000"),
    ])
    func fourSignificantDigits(value: Double, expected: String) {
        #expect(NumberFormat.significant(value, digits: 4) == expected)
    }
}

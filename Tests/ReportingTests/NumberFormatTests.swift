import Testing
@testable import Reporting

@Suite struct NumberFormatTests {
    @Test(arguments: [
        (2.675, 2, "2.68"), (0.125, 2, "0.13"), (-0.125, 2, "-0.13"), (1.0, 2, "1.00"), (0.0, 1, "0.0"),
        (-0.0001, 2, "0.00"), (9.995, 2, "10.00"), (99.95, 1, "100.0"), (1e-7, 3, "0.000"),
        (1.5e-7, 8, "0.00000015"), (123456789.0, 0, "123456789"), (0.5, 0, "1"), (-2.5, 0, "-3"),
        (1e21, 1, "1000000000000000000000.0"),
    ])
    func fixedDecimalsRoundHalfAwayFromZero(value: Double, decimals: Int, expected: String) {
        #expect(NumberFormat.fixed(value, decimals: decimals) == expected)
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

@Suite struct TextTableTests {
    @Test func alignsTextLeftAndNumbersRight() {
        var table = TextTable(columns: [.init("arm"), .init("n", .right), .init("mean", .right)])
        table.append(["graded_activity", "12", "3.40"])
        table.append(["general", "105", "-1.25"])
        #expect(table.render() == [
            "arm                n   mean",
            "---------------  ---  -----",
            "graded_activity   12   3.40",
            "general          105  -1.25",
        ])
    }
}

@Suite struct SignificantDigitTests {
    @Test(arguments: [
        (0.04951234, "0.04951"), (0.5, "0.5000"), (1.0, "1.000"), (0.0001, "0.0001000"), (0.00009999, "9.999e-05"),
        (3.14159e-7, "3.142e-07"), (9.99951e-6, "1.000e-05"), (1e-12, "1.000e-12"), (0.0, "0"), (123.456, "123.5"),
    ])
    func fourSignificantDigits(value: Double, expected: String) {
        #expect(NumberFormat.significant(value, digits: 4) == expected)
    }
}

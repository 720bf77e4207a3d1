import Foundation
import Statistics
import Testing
import TestSupport

@Suite struct QuantileTests {
    struct Case: Decodable {
        let name: String
        let values: [Double]
        let lower: Double
        let median: Double
        let upper: Double
    }

    /// `Fixtures/quartiles.json`, written by `Fixtures/make_quartiles.py` (numpy, type 7).
    static func cases() throws -> [Case] {
        struct File: Decodable { let cases: [Case] }
        let url = try #require(Bundle.module.url(forResource: "quartiles", withExtension: "json", subdirectory: "Fixtures"))
        return try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).cases
    }

    @Test func quartilesMatchNumpy() throws {
        let cases = try Self.cases()
        #expect(cases.count > 25)
        for reference in cases {
            let quartiles = try #require(Quantiles.quartiles(reference.values), "\(reference.name)")
            for (actual, expected, what) in [(quartiles.lower, reference.lower, "lower"),
                                             (quartiles.median, reference.median, "median"),
                                             (quartiles.upper, reference.upper, "upper")] {
                #expect(abs(actual - expected) <= 1e-12 * max(1, abs(expected)), "\(reference.name) \(what): \(actual) vs \(expected)")
            }
        }
    }

    /// Selection gives exactly what interpolating between the sorted values gives, for samples
    /// with and without ties, in every order, of every size up to a few thousand.
    @Test func quartilesEqualTheSortedComputation() throws {
        var generator = SeededGenerator(seed: 0x0DDB_A11)
        for trial in 0..<600 {
            let count = trial < 300 ? trial % 40 + 1 : Int.random(in: 1...5_000, using: &generator)
            var values: [Double] = switch trial % 3 {
            case 0: (0..<count).map { _ in Double(Int.random(in: 0...24, using: &generator)) }
            case 1: (0..<count).map { _ in Double.random(in: -50...50, using: &generator) }
            default: (0..<count).map { _ in Double(Int.random(in: 0...3, using: &generator)) * 0.5 }
            }
            if trial % 7 == 0 { values.sort() }
            if trial % 11 == 0 { values.sort(by: >) }
            let sorted = values.sorted()
            let expected = try #require(Quantiles.quantile(sorted: sorted, 0.25).flatMap { lower in
                Quantiles.quantile(sorted: sorted, 0.5).flatMap { median in
                    Quantiles.quantile(sorted: sorted, 0.75).map { (lower, median, $0) }
                }
            })
            let actual = try #require(Quantiles.quartiles(values))
            #expect(actual.lower == expected.0 && actual.median == expected.1 && actual.upper == expected.2,
                    "trial \(trial), n = \(count)")
        }
    }

    @Test func emptyAndNaNSamplesHaveNoQuartiles() {
        #expect(Quantiles.quartiles([]) == nil)
        #expect(Quantiles.quartiles([1, .nan, 3]) == nil)
    }
}

import CSVKit
import Foundation
import Testing
import TestSupport

/// CSV reports opened in a spreadsheet: text that would run as a formula is guarded, numbers are
/// never altered (checked on the committed sample reports, which hold planted formula-like remarks).
@Suite struct FormulaGuardTests {
    static func column(_ name: String, of file: String) throws -> [String] {
        let path = Repository.path("Reports/sample-castor/\(file)")
        let header = try CSVReader(path: path).header
        let index = try #require(header.firstIndex(of: name), "\(file) has no column '\(name)'")
        return try CSVReader.records(path: path).map { $0.fields[index] }
    }

    @Test func formulaLikeRemarksAreGuarded() throws {
        let remarks = try Self.column("remark", of: "clean/visits.csv").filter { !$0.isEmpty }
        let guarded = remarks.filter { $0.hasPrefix("'") }
        #expect(guarded.count >= 4)
        for prefix in ["'=", "'+", "'-", "'@"] {
            #expect(guarded.contains { $0.hasPrefix(prefix) }, "no guarded remark starting with \(prefix)")
        }
        #expect(!remarks.contains { ["=", "+", "-", "@"].contains($0.first.map(String.init) ?? "") })
    }

    @Test func negativeNumbersAreNotGuarded() throws {
        let differences = try Self.column("welch_difference", of: "comparisons.csv").filter { !$0.isEmpty }
        #expect(differences.contains { $0.hasPrefix("-") })
        #expect(differences.allSatisfy { Double($0) != nil }, "every difference is a plain number")
    }
}

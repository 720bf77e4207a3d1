import TestSupport
import Testing
@testable import CSVKit

/// Property: a table written with ``CSVWriter`` and read back with ``CSVReader`` is the same table,
/// whatever the cells hold (delimiters, quotes, CR, LF, CRLF, non-ASCII text, leading spaces,
/// empty cells), whatever the delimiter and chunk size. Two documented effects are accounted for:
/// the formula guard prefixes `'` to text starting with `=`, `+`, `-`, `@`, TAB or CR, and a row
/// whose cells are all empty or blank is a blank line to the reader (skipped and counted).
@Suite struct CSVRoundTripTests {
    static let pieces = [
        "", " ", "  lead", "trail  ", "a", "word", "6,5", "-2", "=SUM(A1)", "+31", "@x", "\t", "x\ty", "é", "€",
        "😀", "中文", "\"", "\"\"", "q\"uote", "\r", "\n", "\r\n", "line\nbreak", ",", ";", "|", "'", "  ", "#",
    ]
    static let delimiters: [UInt8] = [comma, semicolon, tab, pipe]

    struct Table {
        var delimiter: UInt8
        var header: [String]
        var rows: [[CSVCell]]
    }

    static func randomTable(_ generator: inout SeededGenerator) -> Table {
        let columns = Int.random(in: 1...6, using: &generator)
        let rowCount = Int.random(in: 0...25, using: &generator)
        let delimiter = delimiters[Int.random(in: 0..<delimiters.count, using: &generator)]
        let rows = (0..<rowCount).map { _ in
            (0..<columns).map { _ -> CSVCell in
                switch Int.random(in: 0..<10, using: &generator) {
                case 0: return .empty
                case 1: return .number(String(Double(Int.random(in: -5000...5000, using: &generator)) / 4))
                default:
                    let count = Int.random(in: 0...4, using: &generator)
                    let text = (0..<count).map { _ in pieces[Int.random(in: 0..<pieces.count, using: &generator)] }.joined()
                    return .text(text)
                }
            }
        }
        return Table(delimiter: delimiter, header: (1...columns).map { "c\($0)" }, rows: rows)
    }

    /// What the reader should give back for a cell: text through the formula guard.
    static func expected(_ cell: CSVCell) -> String {
        switch cell {
        case .empty: ""
        case .number(let text): text
        case .text(let text): String(decoding: CSVWriter.guardFormula(Array(text.utf8)), as: UTF8.self)
        }
    }

    static func isBlank(_ fields: [String]) -> Bool {
        fields.allSatisfy { $0.unicodeScalars.allSatisfy { $0 == " " || $0 == "\t" } }
    }

    @Test(arguments: 0..<40)
    func writtenTablesReadBackUnchanged(batch: Int) throws {
        var generator = SeededGenerator(seed: 0x5EED_0000 + UInt64(batch))
        for _ in 0..<10 {
            let table = Self.randomTable(&generator)
            let writer = try CSVWriter(to: .memory, delimiter: table.delimiter)
            try writer.writeHeader(table.header)
            for row in table.rows { try writer.writeRow(row) }
            try writer.finish()

            let expectedRows = table.rows.map { $0.map(Self.expected) }
            let kept = expectedRows.filter { !Self.isBlank($0) }
            let chunkSize = chunkSizes[Int.random(in: 0..<chunkSizes.count, using: &generator)]
            let outcome = readAll(writer.bytes, dialect: CSVDialect(delimiter: table.delimiter), chunkSize: chunkSize)
            #expect(outcome.error == nil)
            #expect(outcome.header == table.header)
            #expect(outcome.rows == kept, "delimiter \(table.delimiter), chunks of \(chunkSize):\n\(writer.text)")
            #expect(outcome.blankLines == expectedRows.count - kept.count)
            #expect(outcome.records.allSatisfy { !$0.isRagged })
            #expect(outcome.diagnostics.map(\.code) == (kept.isEmpty ? ["csv.header-only"] : []))

            // The record index counts the header and every kept row; line numbers only grow.
            #expect(outcome.records.map(\.position.record) == Array(1..<(kept.count + 1)))
            let lines = outcome.records.map(\.position.line)
            #expect(lines == lines.sorted())

            // With two or more columns the delimiter is sniffed correctly too.
            if table.header.count >= 2 {
                let sniffed = readAll(writer.bytes)
                #expect(sniffed.delimiter == table.delimiter)
                #expect(sniffed.rows == kept)
            }
        }
    }

    @Test func byteOffsetsPointAtTheRecordsInTheWrittenFile() throws {
        var generator = SeededGenerator(seed: 42)
        for _ in 0..<50 {
            let table = Self.randomTable(&generator)
            let writer = try CSVWriter(to: .memory, delimiter: table.delimiter)
            try writer.writeHeader(table.header)
            for row in table.rows { try writer.writeRow(row) }
            try writer.finish()
            let outcome = readAll(writer.bytes, dialect: CSVDialect(delimiter: table.delimiter))
            // Reading from each record's offset gives that record first.
            for record in outcome.records {
                let rest = Array(writer.bytes[record.position.byteOffset...])
                let again = readAll(rest, dialect: CSVDialect(delimiter: table.delimiter, hasHeader: false))
                #expect(again.records.first?.fields == record.fields)
            }
        }
    }
}

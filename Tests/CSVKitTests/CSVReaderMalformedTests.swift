import Testing
@testable import CSVKit

/// Every malformed input: stopped with a located error, or delivered with a located diagnostic;
/// never a crash, never a silently dropped row. The decisions are tabled in CSVKit's README.
@Suite struct CSVReaderMalformedTests {
    @Test func unterminatedQuoteAtEndOfFileNamesTheLineWhereTheRecordStarts() {
        // "a;b\n" 0-3, "1;2\n" 4-7; the record on line 3 starts at 8 and its field 2 never closes.
        let outcome = readAll("a;b\n1;2\n3;\"open\n4;5\n6;7\n")
        #expect(outcome.records == [row(["1", "2"], line: 2, record: 1, offset: 4)])
        #expect(outcome.error?.code == "csv.unterminated-quote")
        #expect(outcome.error?.position == at(line: 3, record: 2, offset: 8, column: 2))
        if case .malformed? = outcome.error?.kind {} else { Issue.record("expected a malformed error") }
    }

    @Test func strayQuoteInAnUnquotedFieldIsLiteralWithAWarning() {
        // Line 2 starts at 4: '1' 4, ';' 5, 'a' 6, the quote 7 (field 2). Line 3 starts at 10:
        // '2' 10, ';' 11, '5' 12, the quote 13.
        let outcome = readAll("x;y\n1;a\"b\n2;5\" screen\n")
        #expect(outcome.error == nil)
        #expect(outcome.records == [
            row(["1", "a\"b"], line: 2, record: 1, offset: 4),
            row(["2", "5\" screen"], line: 3, record: 2, offset: 10),
        ])
        #expect(outcome.diagnostics.map(\.code) == ["csv.stray-quote", "csv.stray-quote"])
        #expect(outcome.diagnostics.map(\.position) == [
            at(line: 2, record: 1, offset: 7, column: 2),
            at(line: 3, record: 2, offset: 13, column: 2),
        ])
        #expect(outcome.diagnostics.allSatisfy { $0.severity == .warning })
    }

    @Test func strayQuoteInTranscodedTextIsLocatedInRawBytes() {
        // Windows-1252: line 2 starts at 4, 0xE9 at 4 (two bytes once transcoded), 'x' 5, quote 6.
        let windows1252 = readAll(Array("a;b\n".utf8) + [0xE9] + Array("x\"y;1\n".utf8))
        #expect(windows1252.rows == [["éx\"y", "1"]])
        #expect(windows1252.diagnostics.map(\.code) == ["csv.windows-1252", "csv.stray-quote"])
        #expect(windows1252.diagnostics.last?.position == at(line: 2, record: 1, offset: 6, column: 1))
        // UTF-16 LE: mark 2 bytes, "a;b\n" 8, then '1' ';' '€' 'x' and the quote at 2 + 8 + 8 = 18.
        let utf16Outcome = readAll(utf16("a;b\n1;€x\"y\n", bigEndian: false))
        #expect(utf16Outcome.rows == [["1", "€x\"y"]])
        #expect(utf16Outcome.diagnostics.map(\.position) == [at(line: 2, record: 1, offset: 18, column: 2)])
    }

    @Test func aSpaceBeforeAnOpeningQuoteMakesTheQuotesLiteral() {
        let outcome = readAll("x;y\n1; \"q\"\n")
        #expect(outcome.rows == [["1", " \"q\""]])
        // One warning for the field, at its first quote (line 2 starts at 4: '1' 4, ';' 5, ' ' 6).
        #expect(outcome.diagnostics.map(\.code) == ["csv.stray-quote"])
        #expect(outcome.diagnostics.map(\.position) == [at(line: 2, record: 1, offset: 7, column: 2)])
    }

    /// Stray quotes are one warning per field, at the field's first: two in one field would be
    /// two findings that read the same (file, line, column).
    @Test func strayQuotesAreOneWarningPerField() {
        // Line 2 starts at 4: 'a' 4, quote 5, 'b' 6, quote 7, 'c' 8, ';' 9, 'd' 10, quote 11.
        // Line 3 starts at 14: 'f' 14, quote 15.
        let outcome = readAll("x;y\na\"b\"c;d\"e\nf\"g;h\n")
        #expect(outcome.rows == [["a\"b\"c", "d\"e"], ["f\"g", "h"]])
        #expect(outcome.diagnostics.map(\.position) == [
            at(line: 2, record: 1, offset: 5, column: 1),
            at(line: 2, record: 1, offset: 11, column: 2),
            at(line: 3, record: 2, offset: 15, column: 1),
        ])
    }

    @Test(arguments: [
        // Line 2 starts at 4: '1' 4, ';' 5, quote 6, 'a' 7, 'b' 8, quote 9, then the offending byte
        // at 10 ('c', or a space), in field 2.
        ("x;y\n1;\"ab\"c\n", 10),
        ("x;y\n1;\"ab\" ;3\n", 10),
    ])
    func textAfterAClosingQuoteStopsTheFile(text: String, offset: Int) {
        let outcome = readAll(text)
        #expect(outcome.records.isEmpty)
        #expect(outcome.error?.code == "csv.text-after-quote")
        #expect(outcome.error?.position == at(line: 2, record: 1, offset: offset, column: 2))
    }

    @Test func raggedRowsAreDeliveredFlaggedWithADiagnostic() throws {
        let text = "a;b;c\n1;2;3\n4;5\n6;7;8;9\n"
        let outcome = readAll(text)
        #expect(outcome.error == nil)
        #expect(outcome.records == [
            row(["1", "2", "3"], line: 2, record: 1, offset: 6),
            row(["4", "5"], line: 3, record: 2, offset: 12, ragged: true),
            row(["6", "7", "8", "9"], line: 4, record: 3, offset: 16, ragged: true),
        ])
        #expect(outcome.diagnostics.map(\.code) == ["csv.ragged-row", "csv.ragged-row"])
        #expect(outcome.diagnostics.map(\.position) == [
            at(line: 3, record: 2, offset: 12),
            at(line: 4, record: 3, offset: 16, column: 4),
        ])
        let reader = try CSVReader(bytes: Array(text.utf8), displayName: testFile)
        var record = CSVRecord()
        var expected: [Int?] = []
        while try reader.read(into: &record) { expected.append(record.expectedFieldCount) }
        #expect(expected == [nil, 3, 3])
    }

    @Test func raggedRowsWithoutHeaderCompareWithTheFirstRecord() {
        let outcome = readAll("1;2\n3\n", dialect: CSVDialect(hasHeader: false))
        #expect(outcome.records.map(\.isRagged) == [false, true])
    }

    @Test(arguments: [
        ("a;b;a\n1;2;3\n", 3, "csv.duplicate-header-name"),
        ("id;name; id\n", 3, "csv.duplicate-header-name"),
        ("a;;b\n1;2;3\n", 2, "csv.empty-header-name"),
        ("a;b; \n", 3, "csv.empty-header-name"),
        ("a;b;\n", 3, "csv.empty-header-name"),
        // A quote opened in the header and closed on a later line would take rows into the header.
        ("a;\"b;c\n1;2\";3\n", 2, "csv.multiline-header"),
    ])
    func badHeaderNamesStopTheFileNamingTheColumn(text: String, column: Int, code: String) {
        let outcome = readAll(text)
        #expect(outcome.error?.code == code)
        #expect(outcome.error?.position == at(line: 1, record: 0, offset: 0, column: column))
    }

    @Test(arguments: [
        [], [0xEF, 0xBB, 0xBF], Array("\n\r\n \n;;\n".utf8), Array("sep=;\n".utf8), [0xFF, 0xFE],
    ] as [[UInt8]])
    func emptyFileIsAConditionNotAnError(bytes: [UInt8]) throws {
        let reader = try CSVReader(bytes: bytes, displayName: testFile)
        #expect(reader.isEmptyFile)
        #expect(reader.header.isEmpty)
        var record = CSVRecord()
        #expect(try reader.read(into: &record) == false)
        #expect(reader.diagnostics.map(\.code) == ["csv.empty-file"])
    }

    @Test func headerOnlyFileHasZeroRecordsAndANote() throws {
        let reader = try CSVReader(bytes: Array("\nid;name\r\n\r\n".utf8), displayName: testFile)
        #expect(!reader.isEmptyFile)
        #expect(reader.header == ["id", "name"])
        var record = CSVRecord()
        #expect(try reader.read(into: &record) == false)
        #expect(try reader.read(into: &record) == false)
        #expect(reader.dataRecordCount == 0)
        #expect(reader.diagnostics.map(\.code) == ["csv.header-only"])
        #expect(reader.diagnostics.first?.position == at(line: 2, record: 0, offset: 1))
    }

    @Test func aFiveMegabyteFieldIsReadWhole() throws {
        // A quoted 5 MB field with delimiters, doubled quotes and line ends inside.
        var generator = TestPattern()
        var content = ""
        content.reserveCapacity(5_300_000)
        var lineEnds = 0
        while content.utf8.count < 5_000_000 {
            let piece = generator.next()
            if piece == "\n" { lineEnds += 1 }
            content += piece
        }
        let quoted = "\"" + content.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        let prefix = "id;note;n\nP1;"
        let text = prefix + quoted + ";7\nP2;short;8\n"
        let outcome = readAll(Array(text.utf8))
        #expect(outcome.error == nil)
        try #require(outcome.records.count == 2)
        #expect(outcome.records[0].fields[1] == content)
        #expect(outcome.records[0].fields[2] == "7")
        #expect(outcome.records[1].position == at(
            line: 3 + lineEnds, record: 2, offset: prefix.utf8.count + quoted.utf8.count + 3))
    }

    @Test func aRecordBeyondTheLimitStopsTheFile() {
        // An opening quote that is never closed swallows the rest of the file.
        var text = "a;b\n1;\"x\n"
        for index in 0..<500 { text += "\(index);filler text\n" }
        let outcome = readAll(Array(text.utf8), maxRecordBytes: 1000)
        #expect(outcome.error?.code == "csv.record-too-large")
        #expect(outcome.error?.position == at(line: 2, record: 1, offset: 4, column: 2))
    }

    @Test func diagnosticsAreCappedPerCodeButCounted() throws {
        let text = "a;b\n" + String(repeating: "1;2;3\n", count: 150)
        let reader = try CSVReader(bytes: Array(text.utf8), displayName: testFile)
        var record = CSVRecord()
        var delivered = 0
        while try reader.read(into: &record) { delivered += 1 }
        #expect(delivered == 150)
        #expect(reader.diagnostics.count == CSVReader.maxStoredDiagnosticsPerCode)
        #expect(reader.diagnosticCounts == ["csv.ragged-row": 150])
    }

    @Test func aStoppingErrorIsThrownAgainOnEveryLaterRead() throws {
        let reader = try CSVReader(bytes: Array("a;b\n1;\"x\"y\n2;3\n".utf8), displayName: testFile)
        var record = CSVRecord()
        var errors: [CSVError] = []
        for _ in 0..<2 {
            do { _ = try reader.read(into: &record) } catch let error as CSVError { errors.append(error) }
        }
        #expect(errors.count == 2)
        #expect(errors.first == errors.last)
    }
}

/// Deterministic text pieces for the large-field test: words, delimiters, quotes and line ends.
struct TestPattern {
    private var index = 0
    private let pieces = ["lorem ", "ipsum;", "dolor,", "\"quoted\" ", "sit|", "amet\t", "é€😀 ", "\n", "\r\n"]

    mutating func next() -> String {
        index += 1
        // Line ends are rarer than words; CRLF counts as one line end.
        let piece = pieces[(index * 7) % pieces.count]
        return piece == "\r\n" ? "\n" : piece
    }
}

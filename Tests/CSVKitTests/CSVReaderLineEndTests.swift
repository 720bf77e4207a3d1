import TestSupport
import Testing
@testable import CSVKit

/// Line ends, blank lines and positions: every record's line (from 1), record index (from 0, the
/// header is record 0) and byte offset (from 0) are worked out by hand from the input.
@Suite struct CSVReaderLineEndTests {
    @Test(arguments: [
        // "id;name" is 7 bytes; then the line end; "1;a" is 3 bytes.
        ("\n", [row(["1", "a"], line: 2, record: 1, offset: 8), row(["2", "b"], line: 3, record: 2, offset: 12)]),
        ("\r\n", [row(["1", "a"], line: 2, record: 1, offset: 9), row(["2", "b"], line: 3, record: 2, offset: 14)]),
        ("\r", [row(["1", "a"], line: 2, record: 1, offset: 8), row(["2", "b"], line: 3, record: 2, offset: 12)]),
    ])
    func lineEnds(lineEnd: String, expected: [CSVRecordSnapshot]) {
        let text = ["id;name", "1;a", "2;b"].joined(separator: lineEnd) + lineEnd
        let outcome = readAll(text)
        #expect(outcome.error == nil)
        #expect(outcome.header == ["id", "name"])
        #expect(outcome.records == expected)
        #expect(outcome.blankLines == 0)
    }

    @Test func mixedLineEndsInOneFile() {
        // a;b CRLF (0-4) | 1;2 LF (5-8) | 3;4 CR (9-12) | 5;6 (13-15), no final line end.
        let outcome = readAll("a;b\r\n1;2\n3;4\r5;6")
        #expect(outcome.records == [
            row(["1", "2"], line: 2, record: 1, offset: 5),
            row(["3", "4"], line: 3, record: 2, offset: 9),
            row(["5", "6"], line: 4, record: 3, offset: 13),
        ])
    }

    @Test func blankAndAllEmptyLinesAreSkippedButCounted() {
        // Line 1 "a;b\n" (0-3), 2 "\n" (4), 3 "1;2\r\n" (5-9), 4 "\r\n" (10-11), 5 ";\n" (12-13),
        // 6 " \t; \n" (14-18), 7 "3;4\n" (19-22), 8 "\n" (23).
        let outcome = readAll("a;b\n\n1;2\r\n\r\n;\n \t; \n3;4\n\n")
        #expect(outcome.records == [
            row(["1", "2"], line: 3, record: 1, offset: 5),
            row(["3", "4"], line: 7, record: 2, offset: 19),
        ])
        #expect(outcome.blankLines == 5)
    }

    @Test func blankLinesBeforeTheHeader() {
        // "\n" (0), "\r\n" (1-2), "a;b\n" (3-6), "1;2" (7-9).
        let outcome = readAll("\n\r\na;b\n1;2")
        #expect(outcome.header == ["a", "b"])
        #expect(outcome.records == [row(["1", "2"], line: 4, record: 1, offset: 7)])
        #expect(outcome.blankLines == 2)
    }

    @Test func crBlankLinesCountOncePerLineEnd() {
        // "a;b\r" (0-3), "\r" (4) is a blank line, "\r\n" (5-6) another, "1;2" from 7 on line 4.
        let outcome = readAll("a;b\r\r\r\n1;2")
        #expect(outcome.records == [row(["1", "2"], line: 4, record: 1, offset: 7)])
        #expect(outcome.blankLines == 2)
    }

    @Test func newlinesInsideQuotedFieldsKeepLaterLinesRight() {
        // Record 1 starts at 4 on line 2 and spans 15 bytes: "x LF y";"p CRLF q CR r" LF, which
        // holds three line ends inside quotes (LF, CRLF, CR) and ends on line 5.
        let outcome = readAll("a;b\n\"x\ny\";\"p\r\nq\rr\"\n3;4\n")
        #expect(outcome.records == [
            row(["x\ny", "p\r\nq\rr"], line: 2, record: 1, offset: 4),
            row(["3", "4"], line: 6, record: 2, offset: 19),
        ])
    }

    @Test func fieldsAreKeptExactlyAsInTheFile() {
        let outcome = readAll("a;b;c\n  x ; y  ;\" q \"\n")
        #expect(outcome.rows == [["  x ", " y  ", " q "]])
    }

    @Test func quotedFieldsAndDoubledQuotes() {
        let outcome = readAll("a,b,c\n\"1,5\",\"say \"\"hi\"\"\",\"\"\n")
        #expect(outcome.rows == [["1,5", "say \"hi\"", ""]])
    }

    @Test func lastRecordWithoutLineEnd() {
        let outcome = readAll("a;b\n1;2\n3;4")
        #expect(outcome.records == [
            row(["1", "2"], line: 2, record: 1, offset: 4),
            row(["3", "4"], line: 3, record: 2, offset: 8),
        ])
    }

    @Test func headerlessFileStartsAtRecordZero() {
        let outcome = readAll("1;2\n\n3;4\n", dialect: CSVDialect(hasHeader: false))
        #expect(outcome.header.isEmpty)
        #expect(outcome.records == [
            row(["1", "2"], line: 1, record: 0, offset: 0),
            row(["3", "4"], line: 3, record: 1, offset: 5),
        ])
        #expect(outcome.blankLines == 1)
    }

    @Test func readsFromAFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("a;b\r\n1;2\r\n", to: "site.csv")
        let reader = try CSVReader(path: path, displayName: "castor/site.csv")
        var record = CSVRecord()
        #expect(try reader.read(into: &record))
        #expect(record.fields == ["1", "2"])
        #expect(record.position == CSVPosition(file: "castor/site.csv", line: 2, record: 1, byteOffset: 5))
        #expect(try reader.read(into: &record) == false)
        #expect(reader.bytesRead == 10)
        #expect(try CSVReader.records(path: path).map(\.fields) == [["1", "2"]])
    }

    @Test func missingFileIsAnIOError() {
        #expect {
            _ = try CSVReader(path: "/nonexistent/lbp/missing.csv")
        } throws: { error in
            guard let error = error as? CSVError, case .io = error.kind else { return false }
            return error.position.file == "/nonexistent/lbp/missing.csv" && error.code == "csv.io"
        }
    }
}

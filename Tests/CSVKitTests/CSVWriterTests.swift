import Foundation
import TestSupport
import Testing
@testable import CSVKit

/// RFC 4180 output, UTF-8 without a byte-order mark, LF line ends, the formula guard, and a
/// `finish()` that reports a full disk.
@Suite struct CSVWriterTests {
    private func written(_ rows: [[CSVCell]], delimiter: UInt8 = comma) throws -> String {
        let writer = try CSVWriter(to: .memory, delimiter: delimiter)
        for row in rows { try writer.writeRow(row) }
        try writer.finish()
        return writer.text
    }

    @Test(arguments: [
        (CSVCell.text("plain"), "plain"),
        (.text("a,b"), "\"a,b\""),
        (.text("say \"hi\""), "\"say \"\"hi\"\"\""),
        (.text("\""), "\"\"\"\""),
        (.text("line\rbreak"), "\"line\rbreak\""),
        (.text("line\nbreak"), "\"line\nbreak\""),
        (.text("crlf\r\nend"), "\"crlf\r\nend\""),
        (.text("a;b"), "a;b"),
        (.text(" padded "), " padded "),
        (.empty, ""),
    ])
    func quotesOnlyWhenNeeded(cell: CSVCell, expected: String) throws {
        #expect(try written([[cell, "x"]]) == expected + ",x\n")
    }

    @Test func configurableDelimiter() throws {
        #expect(try written([["a;b", "a,b", "a\tb"]], delimiter: semicolon) == "\"a;b\";a,b;a\tb\n")
        #expect(try written([["a;b", "a\tb"]], delimiter: tab) == "a;b\t\"a\tb\"\n")
    }

    @Test func utf8WithoutByteOrderMarkAndLFLineEnds() throws {
        let writer = try CSVWriter(to: .memory, delimiter: semicolon)
        try writer.writeHeader(["naam", "stad"])
        try writer.writeRow(["José", "Zürich €"])
        try writer.finish()
        #expect(writer.bytes == Array("naam;stad\nJosé;Zürich €\n".utf8))
        #expect(!writer.bytes.starts(with: [0xEF, 0xBB, 0xBF]))
        #expect(!writer.bytes.contains(0x0D))
    }

    @Test(arguments: [
        (CSVCell.text("=1+1"), "'=1+1"),
        (.text("+31 6 1234"), "'+31 6 1234"),
        (.text("-x"), "'-x"),
        (.text("@SUM(A1)"), "'@SUM(A1)"),
        (.text("\tindent"), "'\tindent"),
        (.text("\rcarriage"), "\"'\rcarriage\""),
        (.text("\u{0}nul"), "'\u{0}nul"),
        (.text("=A1,B1"), "\"'=A1,B1\""),
        (.text("a=b"), "a=b"),
        (.text(""), ""),
        (.number("-2.5"), "-2.5"),
        (.number("+3"), "+3"),
        (.number("-0,5"), "\"-0,5\""),
        // Text that is a plain signed number cannot run: never altered.
        (.text("-1"), "-1"),
        (.text("+5"), "+5"),
        (.text("-99,0"), "\"-99,0\""),
        (.text("-12.25"), "-12.25"),
        // Anything more is guarded.
        (.text("-"), "'-"),
        (.text("-1+1"), "'-1+1"),
        (.text("-1,"), "\"'-1,\""),
        (.text("-.5"), "'-.5"),
        (.text("-1.2.3"), "'-1.2.3"),
        (.text("+1 "), "'+1 "),
        (.text("=1"), "'=1"),
    ])
    func formulaGuard(cell: CSVCell, expected: String) throws {
        #expect(try written([[cell]]) == expected + "\n")
    }

    @Test func rowsWrittenCellByCellMatchRowsOfCells() throws {
        let rows: [[CSVCell]] = [
            ["a", .empty, .number("-2.5"), .text("=x"), .text("x;y"), .text("say \"hi\"")],
            [.empty],
            [.empty, .empty],
            ["only"],
            [],
        ]
        let byCells = try CSVWriter(to: .memory, delimiter: semicolon)
        for row in rows {
            byCells.beginRow()
            for cell in row { byCells.appendCell(cell) }
            try byCells.endRow()
        }
        try byCells.finish()
        #expect(byCells.text == (try written(rows, delimiter: semicolon)))
        #expect(byCells.text == "a;;-2.5;'=x;\"x;y\";\"say \"\"hi\"\"\"\n\n;\nonly\n\n")
    }

    /// Whole numbers written as digits give what their text as a number cell gives, at both ends
    /// of Int64 and beside other cells.
    @Test func integersAreWrittenAsTheirNumberCells() throws {
        let values: [Int64] = [0, 7, -5, 10, 120, -1_000_000, Int64.max, Int64.min]
        let writer = try CSVWriter(to: .memory, delimiter: semicolon)
        writer.beginRow()
        writer.appendCell("a")
        for value in values { writer.appendInteger(value) }
        try writer.endRow()
        try writer.finish()
        let expected = try written([["a"] + values.map { .number(String($0)) }], delimiter: semicolon)
        #expect(writer.text == expected)
        #expect(writer.text == "a;0;7;-5;10;120;-1000000;9223372036854775807;-9223372036854775808\n")
    }

    @Test func rawFieldsAreWrittenUnchangedApartFromQuoting() throws {
        let writer = try CSVWriter(to: .memory, delimiter: semicolon)
        try writer.writeRow(rawFields: [Array("=A1".utf8), Array("x;y".utf8), []], extra: [.text("-reason"), .number("-1")])
        try writer.finish()
        #expect(writer.text == "=A1;\"x;y\";;'-reason;-1\n")
    }

    @Test func writesToAFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("out.csv")
        let writer = try CSVWriter(to: .file(path))
        try writer.writeHeader(["a", "b"])
        // Enough rows to fill the buffer several times.
        for index in 0..<20_000 { try writer.writeRow([.number("\(index)"), "text, with comma"]) }
        try writer.finish()
        try writer.finish()
        let contents = try String(contentsOfFile: path, encoding: .utf8)
        let lines = contents.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 20_002)
        #expect(lines[0] == "a,b")
        #expect(lines[20_000] == "19999,\"text, with comma\"")
        #expect(lines[20_001] == "")
    }

    /// A row longer than the buffer (a cell of 200 000 bytes, quoted and guarded) is written
    /// whole, between ordinary rows, to memory and to a file alike.
    @Test func rowsLongerThanTheBufferAreWrittenWhole() throws {
        let long = "=" + String(repeating: "ab\"c;", count: 40_000)
        let quoted = "\"'=" + String(repeating: "ab\"\"c;", count: 40_000) + "\""
        let expected = "before,1\n" + quoted + ",2\n" + String(repeating: "x", count: 100_000) + "\nafter,3\n"
        #expect(try written([["before", .number("1")], [.text(long), .number("2")],
                             [.number(String(repeating: "x", count: 100_000))], ["after", .number("3")]]) == expected)

        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("long.csv")
        let writer = try CSVWriter(to: .file(path))
        try writer.writeRow(["before", .number("1")])
        try writer.writeRow([.text(long), .number("2")])
        try writer.writeRow([.number(String(repeating: "x", count: 100_000))])
        try writer.writeRow(["after", .number("3")])
        try writer.finish()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == expected)
    }

    @Test func finishThrowsWhenTheDiskRefuses() throws {
        try #require(FileManager.default.fileExists(atPath: "/dev/full"))
        let writer = try CSVWriter(to: .file("/dev/full"))
        try writer.writeRow(["a", "b"])
        #expect {
            try writer.finish()
        } throws: { error in
            guard let error = error as? CSVError, case .io = error.kind else { return false }
            return error.position.file == "/dev/full"
        }
    }

    @Test func writeRowThrowsWhenAFullBufferCannotBeWritten() throws {
        try #require(FileManager.default.fileExists(atPath: "/dev/full"))
        let writer = try CSVWriter(to: .file("/dev/full"))
        let long = CSVCell.text(String(repeating: "x", count: 70_000))
        #expect(throws: CSVError.self) { try writer.writeRow([long]) }
    }

    @Test func nothingIsFlushedInDeinit() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("dropped.csv")
        do {
            let writer = try CSVWriter(to: .file(path))
            try writer.writeRow(["never", "finished"])
        }
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.size] as? NSNumber)?.intValue == 0)
    }

    @Test func openingAFileInAMissingFolderIsAnIOError() {
        #expect(throws: CSVError.self) { _ = try CSVWriter(to: .file("/nonexistent/lbp/out.csv")) }
    }
}

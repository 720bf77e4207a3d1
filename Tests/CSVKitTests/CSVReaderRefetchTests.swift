import TestSupport
import Testing
@testable import CSVKit

/// Fetching a record again by the byte offset an earlier reading gave it: the same fields as
/// the first reading, from a file or from memory, whatever the encoding, quoting and line ends.
@Suite struct CSVReaderRefetchTests {
    /// Every record of `bytes` as read, with its byte offset; then each fetched again by offset
    /// from a reader that has read nothing but the header.
    static func fetchedAgain(_ open: () throws -> CSVReader, passingEncoding: Bool = false) throws
        -> (read: [[[UInt8]]], fetched: [[[UInt8]]?]) {
        let first = try open()
        var record = CSVRecord()
        var read: [[[UInt8]]] = []
        var offsets: [Int] = []
        while try first.read(into: &record) {
            read.append(record.rawFields)
            offsets.append(record.position.byteOffset)
        }
        let encoding = passingEncoding ? first.encoding : nil
        let second = try open()
        // Backwards, so that no fetch can lean on the one before.
        let fetched = try offsets.reversed().map { try second.rawFields(ofRecordAt: $0, encoding: encoding) }
        return (read, fetched.reversed())
    }

    static let text = "id;name;remark\r\n1;Jansen;\"twee\r\nregels\"\r\n2;\"De \"\"Vries\"\"\";\r\n\r\n3;Bakker;laatste"

    @Test func fromMemory() throws {
        let (read, fetched) = try Self.fetchedAgain { try CSVReader(bytes: Array(Self.text.utf8), displayName: "m.csv") }
        #expect(read.count == 3)
        #expect(fetched.map { $0 ?? [] } == read)
        #expect(read[0][2] == Array("twee\r\nregels".utf8))
    }

    @Test func fromAFileInWindows1252() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // "Cliënt" in Windows-1252: ë is 0xEB; read back as UTF-8 either way.
        let bytes = Array("id;remark\n1;a\n2;Cli".utf8) + [0xEB] + Array("nt\n3;z\n".utf8)
        let path = try directory.write(bytes, to: "w.csv")
        for passing in [false, true] {
            let (read, fetched) = try Self.fetchedAgain({ try CSVReader(path: path, displayName: "w.csv") }, passingEncoding: passing)
            #expect(read.count == 3)
            #expect(fetched.map { $0 ?? [] } == read)
            #expect(read[1][1] == Array("Cliënt".utf8))
        }
    }

    /// A record whose first field starts with the bytes of a byte-order mark, or a record that
    /// reads `sep=;`, is fetched as read: only the file's own start can hold a mark or a
    /// separator line (two files joined end to end leave the second one's mark in a field).
    @Test(arguments: [false, true])
    func aMarkOrSeparatorLineInsideTheFileIsData(passingEncoding: Bool) throws {
        let bytes = [0xEF, 0xBB, 0xBF] + Array("id;sex\nP1;m\n".utf8) + [0xEF, 0xBB, 0xBF] + Array("P2;f\nsep=;\nP3;m\n".utf8)
        let (read, fetched) = try Self.fetchedAgain({ try CSVReader(bytes: bytes, displayName: "m.csv") },
                                                    passingEncoding: passingEncoding)
        #expect(read.count == 4)
        #expect(read[1][0] == [0xEF, 0xBB, 0xBF] + Array("P2".utf8))
        #expect(read[2] == [Array("sep=".utf8), []])
        #expect(fetched.map { $0 ?? [] } == read)
    }

    @Test func pastTheEndIsNothing() throws {
        let reader = try CSVReader(bytes: Array("a;b\n1;2\n".utf8), displayName: "m.csv")
        #expect(try reader.rawFields(ofRecordAt: 8) == nil)
        #expect(try reader.rawFields(ofRecordAt: 1_000) == nil)
    }

    /// The lines a stop leaves unread: lines after the one holding the offset that hold more
    /// than spaces and tabs, whatever the line ends, counted by hand in each case.
    @Test(arguments: [
        ("a;b\n1;2\n3;4\n5;6\n", 4, 2),          // offset on line 2: lines 3 and 4
        ("a;b\n1;2\n3;4\n5;6", 4, 2),            // no line end after the last line
        ("a;b\n1;2\n\n  \t\n3;4\n", 4, 1),      // blank and space-only lines do not count
        ("a;b\r\n1;2\r\n3;4\r\n", 5, 1),         // CRLF is one line end
        ("a;b\r1;2\r3;4\r5;6\r", 4, 2),          // lone CR
        ("a;b\n1;2\n", 4, 0),                    // the last line: nothing after it
        ("a;b\n1;\"2\n3;4\n", 4, 1),              // quotes do not matter: physical lines
        ("a;b\n1;2\n", 1_000, 0),                // past the end
        ("a;b\n1;2\n;\n ; \n", 4, 0),            // lines of empty fields are blank to the reader too
        ("a;b\n1;2\n\"\";\"\"\n", 4, 0),          // quoted empty fields too
    ])
    func nonBlankLinesAfterAStop(text: String, offset: Int, expected: Int) throws {
        let reader = try CSVReader(bytes: Array(text.utf8), displayName: "m.csv")
        #expect(try reader.nonBlankLines(afterLineAt: offset) == expected)
    }

    /// UTF-16 is counted in code units: `č` (U+010D, bytes `0D 01` little-endian) and `Ċ`
    /// (U+010A) hold a line-end byte but are not line ends.
    @Test(arguments: [true, false])
    func nonBlankLinesInUTF16CountCodeUnits(littleEndian: Bool) throws {
        let text = "a;b\n1;Kovač Ċ\n2;x\n"
        let units = Array(text.utf16)
        let body = units.flatMap { unit -> [UInt8] in
            let low = UInt8(unit & 0xFF)
            let high = UInt8(unit >> 8)
            return littleEndian ? [low, high] : [high, low]
        }
        let reader = try CSVReader(bytes: (littleEndian ? [0xFF, 0xFE] : [0xFE, 0xFF]) + body, displayName: "u.csv")
        var record = CSVRecord()
        #expect(try reader.read(into: &record))
        // From the start of line 2: only line 3 follows.
        #expect(try reader.nonBlankLines(afterLineAt: 2 + 2 * Array("a;b\n".utf16).count) == 1)
    }

    @Test func nonBlankLinesAfterAStopInAFile() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = try folder.write("a;b\n1;2\n3;4\n5;6\n", to: "f.csv")
        let reader = try CSVReader(path: path, displayName: "f.csv", chunkSize: 4)
        #expect(try reader.nonBlankLines(afterLineAt: 4) == 2)
        #expect(try reader.nonBlankLines(afterLineAt: 12) == 0)
    }
}

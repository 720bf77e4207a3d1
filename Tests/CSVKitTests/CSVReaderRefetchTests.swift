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

    @Test func pastTheEndIsNothing() throws {
        let reader = try CSVReader(bytes: Array("a;b\n1;2\n".utf8), displayName: "m.csv")
        #expect(try reader.rawFields(ofRecordAt: 8) == nil)
        #expect(try reader.rawFields(ofRecordAt: 1_000) == nil)
    }
}

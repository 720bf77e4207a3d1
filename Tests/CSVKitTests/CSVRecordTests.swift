import Testing
@testable import CSVKit

/// The reused record: field access without copies, raw fields, and copies that keep their
/// contents when the original is read into again.
@Suite struct CSVRecordTests {
    @Test func fieldAccess() throws {
        let reader = try CSVReader(bytes: Array("a;b;c\nJosé;;\"x;y\"\n".utf8), displayName: testFile)
        var record = CSVRecord()
        #expect(try reader.read(into: &record))
        #expect(record.count == 3)
        #expect(record[0] == "José")
        #expect(record[1] == "")
        #expect(record[2] == "x;y")
        #expect(record.withFieldBytes(0) { Array($0) } == Array("José".utf8))
        #expect(record.fieldByteCount(0) == 5)
        #expect(record.fieldByteCount(1) == 0)
        #expect(record.rawFields == [Array("José".utf8), [], Array("x;y".utf8)])
        #expect(record.fields == ["José", "", "x;y"])
        #expect(!record.isRagged)
        #expect(record.expectedFieldCount == nil)
    }

    @Test func aCopyKeepsItsFieldsWhenTheOriginalIsReadIntoAgain() throws {
        let reader = try CSVReader(bytes: Array("a;b\n1;2\n3;4\n5;6\n".utf8), displayName: testFile)
        var record = CSVRecord()
        #expect(try reader.read(into: &record))
        let first = record
        #expect(try reader.read(into: &record))
        let second = record
        #expect(try reader.read(into: &record))
        #expect(first.fields == ["1", "2"])
        #expect(first.position.line == 2)
        #expect(second.fields == ["3", "4"])
        #expect(record.fields == ["5", "6"])
    }

    @Test func aNewRecordIsEmpty() {
        let record = CSVRecord()
        #expect(record.count == 0)
        #expect(record.rawFields.isEmpty)
    }

    @Test func recordStorageGrowsForWideRecords() throws {
        let width = 500
        let header = (0..<width).map { "c\($0)" }.joined(separator: ";")
        let values = (0..<width).map { String(repeating: "v", count: $0 % 40) }
        let reader = try CSVReader(bytes: Array((header + "\n" + values.joined(separator: ";") + "\n").utf8), displayName: testFile)
        var record = CSVRecord()
        #expect(try reader.read(into: &record))
        #expect(record.fields == values)
    }
}

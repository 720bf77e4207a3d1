import Testing
@testable import CSVKit

/// Everything a reader produced for one input, so that runs can be compared as a whole.
struct ReadOutcome: Equatable, CustomStringConvertible {
    var header: [String] = []
    var records: [CSVRecordSnapshot] = []
    /// The stopping error, from `init` or from `read`.
    var error: CSVError?
    var diagnostics: [CSVDiagnostic] = []
    var blankLines = 0
    var encoding: CSVEncoding?
    var delimiter: UInt8?
    var isEmptyFile = false

    var description: String {
        var lines = ["header \(header) delimiter \(delimiter.map { String($0) } ?? "-") encoding \(encoding.map { $0.rawValue } ?? "-") blank \(blankLines)"]
        lines += records.map(\.description)
        lines += diagnostics.map(\.description)
        if let error { lines.append("\(error.code) \(error)") }
        return lines.joined(separator: "\n")
    }

    /// Field texts of the records.
    var rows: [[String]] { records.map(\.fields) }
}

/// The file name positions carry in these tests.
let testFile = "t.csv"

/// Reads all of `bytes`, catching the stopping error.
func readAll(
    _ bytes: [UInt8], dialect: CSVDialect = CSVDialect(), encoding: CSVEncoding? = nil,
    chunkSize: Int = 65_536, maxRecordBytes: Int = CSVReader.defaultMaxRecordBytes
) -> ReadOutcome {
    var outcome = ReadOutcome()
    let reader: CSVReader
    do {
        reader = try CSVReader(
            bytes: bytes, displayName: testFile, dialect: dialect, encoding: encoding, chunkSize: chunkSize,
            maxRecordBytes: maxRecordBytes)
    } catch {
        outcome.error = error as? CSVError
        return outcome
    }
    var record = CSVRecord()
    do {
        while try reader.read(into: &record) {
            outcome.records.append(CSVRecordSnapshot(record))
        }
    } catch {
        outcome.error = error as? CSVError
    }
    outcome.header = reader.header
    outcome.diagnostics = reader.diagnostics
    outcome.blankLines = reader.blankLineCount
    outcome.encoding = reader.encoding
    outcome.delimiter = reader.delimiter
    outcome.isEmptyFile = reader.isEmptyFile
    return outcome
}

func readAll(
    _ text: String, dialect: CSVDialect = CSVDialect(), encoding: CSVEncoding? = nil, chunkSize: Int = 65_536
) -> ReadOutcome {
    readAll(Array(text.utf8), dialect: dialect, encoding: encoding, chunkSize: chunkSize)
}

/// A position in the test file.
func at(line: Int, record: Int, offset: Int, column: Int? = nil) -> CSVPosition {
    CSVPosition(file: testFile, line: line, record: record, byteOffset: offset, column: column)
}

/// A record as the reader should deliver it.
func row(_ fields: [String], line: Int, record: Int, offset: Int, ragged: Bool = false) -> CSVRecordSnapshot {
    CSVRecordSnapshot(fields: fields, position: at(line: line, record: record, offset: offset), isRagged: ragged)
}

/// UTF-16 bytes of `text`, little- or big-endian, with a byte-order mark unless told otherwise.
func utf16(_ text: String, bigEndian: Bool, byteOrderMark: Bool = true) -> [UInt8] {
    let units = (byteOrderMark ? [0xFEFF] : []) + Array(text.utf16)
    return units.flatMap { unit in
        bigEndian ? [UInt8(unit >> 8), UInt8(unit & 0xFF)] : [UInt8(unit & 0xFF), UInt8(unit >> 8)]
    }
}

let semicolon = UInt8(ascii: ";")
let comma = UInt8(ascii: ",")
let tab: UInt8 = 0x09
let pipe = UInt8(ascii: "|")

/// The chunk sizes every input is read with: tiny ones put chunk boundaries everywhere.
let chunkSizes = [1, 2, 3, 7, 65_536]

/// One record, read into storage that is reused from record to record: the fields' UTF-8 bytes
/// back to back, the end offset of each field, and the record's position.
///
/// Reading into the same `CSVRecord` again reuses its buffers, so a loop over a file allocates
/// only when a record is larger than every earlier one. Strings are made only when asked for.
public struct CSVRecord: Sendable {
    /// The fields' bytes (UTF-8, already transcoded), back to back.
    var bytes: [UInt8] = []
    /// `ends[i]` is the offset in `bytes` just past field `i`; field `i` starts at `ends[i - 1]`.
    var ends: [Int] = []

    /// Where the record starts: line from 1, record index from 0, byte offset from 0 in the raw file.
    public internal(set) var position = CSVPosition(file: "")
    /// The header's width when this record has a different number of fields, else nil.
    public internal(set) var expectedFieldCount: Int?

    public init() {}

    /// Number of fields.
    public var count: Int { ends.count }

    /// True when the record has more or fewer fields than the header (or than the first record,
    /// in a file without a header).
    public var isRagged: Bool { expectedFieldCount != nil }

    /// The text of field `index` (from 0), exactly as in the file apart from quoting.
    public subscript(index: Int) -> String {
        withFieldBytes(index) { String(decoding: $0, as: UTF8.self) }
    }

    /// Calls `body` with the UTF-8 bytes of field `index` (from 0), without copying them.
    public func withFieldBytes<R>(_ index: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let start = index == 0 ? 0 : ends[index - 1]
        let end = ends[index]
        return try bytes.withUnsafeBytes { all in
            try body(UnsafeRawBufferPointer(rebasing: all[start..<end]))
        }
    }

    /// The byte count of field `index` (from 0), without touching its bytes.
    public func fieldByteCount(_ index: Int) -> Int {
        ends[index] - (index == 0 ? 0 : ends[index - 1])
    }

    /// The fields as read, for writing a rejected row unchanged (with ``CSVWriter/writeRow(rawFields:extra:)``).
    public var rawFields: [[UInt8]] {
        var fields: [[UInt8]] = []
        fields.reserveCapacity(ends.count)
        var start = 0
        for end in ends {
            fields.append(Array(bytes[start..<end]))
            start = end
        }
        return fields
    }

    /// All fields as strings; allocates, so meant for tests and small files.
    public var fields: [String] {
        (0..<count).map { self[$0] }
    }

    /// Replaces the contents with the accumulator's fields.
    mutating func assign(from accumulator: FieldAccumulator) {
        bytes.removeAll(keepingCapacity: true)
        bytes.append(contentsOf: UnsafeBufferPointer(start: accumulator.bytes, count: accumulator.byteCount))
        ends.removeAll(keepingCapacity: true)
        ends.append(contentsOf: UnsafeBufferPointer(start: accumulator.ends, count: accumulator.fieldCount))
    }
}

/// A record copied out for tests and small inputs: fields as strings, where it started, whether it
/// was ragged.
public struct CSVRecordSnapshot: Sendable, Hashable, CustomStringConvertible {
    public var fields: [String]
    public var position: CSVPosition
    public var isRagged: Bool

    public init(fields: [String], position: CSVPosition, isRagged: Bool = false) {
        self.fields = fields
        self.position = position
        self.isRagged = isRagged
    }

    public init(_ record: CSVRecord) {
        self.init(fields: record.fields, position: record.position, isRagged: record.isRagged)
    }

    public var description: String {
        "\(position.line)/\(position.record)@\(position.byteOffset)\(isRagged ? " ragged" : "") \(fields)"
    }
}

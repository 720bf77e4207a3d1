/// One record, read into storage that is reused from record to record: the fields' UTF-8 bytes
/// back to back, the end offset of each field, and the record's position.
///
/// Reading into the same `CSVRecord` again reuses its buffers, so a loop over a file allocates
/// only when a record is larger than every earlier one. Strings are made only when asked for.
public struct CSVRecord: Sendable {
    /// The fields' UTF-8 bytes and bounds; shared by copies until one is read into again.
    @usableFromInline var storage = RecordStorage()

    /// Where the record starts: line from 1, record index from 0, byte offset from 0 in the raw file.
    public internal(set) var position = CSVPosition(file: "")
    /// The header's width when this record has a different number of fields, else nil.
    public internal(set) var expectedFieldCount: Int?

    public init() {}

    /// Number of fields.
    @inlinable public var count: Int { storage.fields.pointee.fieldCount }

    /// True when the record has more or fewer fields than the header (or than the first record,
    /// in a file without a header).
    public var isRagged: Bool { expectedFieldCount != nil }

    /// The text of field `index` (from 0), exactly as in the file apart from quoting.
    public subscript(index: Int) -> String {
        withFieldBytes(index) { String(decoding: $0, as: UTF8.self) }
    }

    /// Calls `body` with the UTF-8 bytes of field `index` (from 0), without copying them. The
    /// bytes are valid only inside `body`.
    @inlinable
    public func withFieldBytes<R>(_ index: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let fields = storage.fields
        precondition(index >= 0 && index < fields.pointee.fieldCount, "field index out of range")
        let start = index == 0 ? 0 : fields.pointee.ends[index - 1]
        let end = fields.pointee.ends[index]
        return try withExtendedLifetime(storage) {
            try body(UnsafeRawBufferPointer(start: fields.pointee.bytes + start, count: end - start))
        }
    }

    /// The UTF-8 bytes of field `index` (from 0), without a closure: for readers that visit every
    /// field of many records, where a closure per field costs more than the field. The bytes
    /// belong to the record's storage: valid only while this record is alive and not read into
    /// again (a record passed as an argument stays alive for the call).
    @inlinable
    public func unsafeFieldBytes(_ index: Int) -> UnsafeRawBufferPointer {
        let fields = storage.fields
        precondition(index >= 0 && index < fields.pointee.fieldCount, "field index out of range")
        let start = index == 0 ? 0 : fields.pointee.ends[index - 1]
        return UnsafeRawBufferPointer(start: fields.pointee.bytes + start, count: fields.pointee.ends[index] - start)
    }

    /// The byte count of field `index` (from 0), without touching its bytes.
    @inlinable
    public func fieldByteCount(_ index: Int) -> Int {
        let fields = storage.fields
        precondition(index >= 0 && index < fields.pointee.fieldCount, "field index out of range")
        return fields.pointee.ends[index] - (index == 0 ? 0 : fields.pointee.ends[index - 1])
    }

    /// The fields as read, for writing a rejected row unchanged (with ``CSVWriter/writeRow(rawFields:extra:)``).
    public var rawFields: [[UInt8]] {
        (0..<count).map { index in withFieldBytes(index) { Array($0) } }
    }

    /// All fields as strings; allocates, so meant for tests and small files.
    public var fields: [String] {
        (0..<count).map { self[$0] }
    }

    /// The accumulator to read the next record into: this record's own, emptied (a storage
    /// shared with a copy is left to the copy).
    mutating func prepareForReading() -> UnsafeMutablePointer<FieldAccumulator> {
        if !isKnownUniquelyReferenced(&storage) {
            storage = RecordStorage()
        }
        storage.fields.pointee.reset()
        return storage.fields
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

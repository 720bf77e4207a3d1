/// Streams a CSV file through libcsv into one reused ``CSVRecord``, with the position of every
/// record, the dialect and encoding found out from the bytes, and every malformed input either
/// stopped with a located ``CSVError`` or reported as a located ``CSVDiagnostic``.
///
/// Memory: one read buffer of `chunkSize` bytes, up to 64 KiB read ahead for sniffing, and the
/// largest record (held by libcsv, by the reader and by the caller's record); it does not grow
/// with the file. See CSVKit's README for every rule.
public final class CSVReader {
    /// All state lives in one struct, behind a pointer, so that reading runs without the dynamic
    /// exclusivity checks that class properties cost.
    private let scanner: UnsafeMutablePointer<RecordScanner>

    /// The header's names as read (not trimmed); empty when the dialect has no header or the file
    /// holds no record.
    public var header: [String] { scanner.pointee.header }
    /// The delimiter in use: given, from a `sep=` line, sniffed, or `,` for a single-column file.
    public var delimiter: UInt8 { scanner.pointee.delimiter }
    /// The encoding as decided so far: `utf8` while the file has been ASCII.
    public var encoding: CSVEncoding { scanner.pointee.encoding }
    /// Non-stopping findings so far, at most ``maxStoredDiagnosticsPerCode`` of each code.
    public var diagnostics: [CSVDiagnostic] { scanner.pointee.diagnostics }
    /// How many findings of each code there were, including those not kept in ``diagnostics``.
    public var diagnosticCounts: [String: Int] { scanner.pointee.diagnosticCounts }
    /// Blank lines and lines whose fields are all empty (or only spaces and tabs), skipped so far.
    public var blankLineCount: Int { scanner.pointee.blankLineCount }
    /// The line numbers of the first blank lines skipped (at most ``maxListedBlankLines``), so a
    /// message can say where they are.
    public var firstBlankLines: [Int] { scanner.pointee.firstBlankLines }
    /// How many blank lines ``firstBlankLines`` lists.
    public static let maxListedBlankLines = 5
    /// The note that the file's blank lines were skipped (`csv.blank-lines`), at the first of
    /// them, the others listed; nil while none was. Made on request, once the file is read, as
    /// the count grows with every line.
    public var blankLinesNote: CSVDiagnostic? {
        guard blankLineCount > 0 else { return nil }
        let count = blankLineCount
        let lines = firstBlankLines.map(String.init).joined(separator: ", ")
        let listed = count == 1 ? "line \(lines)" : count <= firstBlankLines.count ? "lines \(lines)" : "the first at lines \(lines)"
        return CSVDiagnostic(.note, code: "csv.blank-lines",
                             message: "\(count) blank \(count == 1 ? "line was" : "lines were") skipped (\(listed))",
                             at: CSVPosition(file: displayName, line: firstBlankLines.first ?? 0))
    }
    /// Raw bytes read from the input so far (including the look-ahead for sniffing).
    public var bytesRead: Int { scanner.pointee.bytesRead }
    /// The name used in positions (the path unless a display name was given).
    public var displayName: String { scanner.pointee.displayName }
    /// True when the file began with an Excel `sep=` line (which is not the header).
    public var hasSeparatorLine: Bool { scanner.pointee.hasSeparatorLine }
    /// The line the header starts on (after a `sep=` line or blank lines; 1 in most files).
    public var headerLine: Int { scanner.pointee.firstRecordLine }
    /// True when the file holds no record at all (no bytes, or only a byte-order mark, a `sep=`
    /// line and blank lines). Known after `init`.
    public var isEmptyFile: Bool { scanner.pointee.isEmptyFile }
    /// Data records delivered so far (the header not included).
    public var dataRecordCount: Int { scanner.pointee.dataRecordCount }
    /// The largest record, in bytes of field content, that the reader accepts: beyond it reading
    /// stops, since a quote left open is then by far the likeliest cause. Bounds memory.
    public var maxRecordBytes: Int { scanner.pointee.maxRecordBytes }

    /// How many findings of one code ``diagnostics`` keeps; the rest are only counted.
    public static let maxStoredDiagnosticsPerCode = 100
    /// How much of the file's start the reader looks at for the byte-order mark and the dialect.
    public static let sniffSampleBytes = 64 * 1024
    /// The default for `maxRecordBytes`: 16 MiB.
    public static let defaultMaxRecordBytes = 16 << 20

    /// Opens `path`, works out encoding and dialect, and reads the header.
    ///
    /// - Parameters:
    ///   - displayName: the name positions use (e.g. the path relative to the pipeline file).
    ///   - encoding: nil detects it (byte-order mark, else UTF-8 or Windows-1252 from the bytes).
    ///   - chunkSize: bytes per read; results never depend on it.
    ///   - maxRecordBytes: see ``maxRecordBytes``.
    /// - Throws: ``CSVError`` when the file cannot be read or its header is malformed.
    public init(
        path: String, displayName: String? = nil, dialect: CSVDialect = CSVDialect(),
        encoding: CSVEncoding? = nil, chunkSize: Int = 65_536, maxRecordBytes: Int = CSVReader.defaultMaxRecordBytes
    ) throws {
        let scanner = try RecordScanner(
            source: ByteSource(path: path, displayName: displayName ?? path), dialect: dialect,
            encoding: encoding, chunkSize: chunkSize, maxRecordBytes: maxRecordBytes)
        self.scanner = .allocate(capacity: 1)
        self.scanner.initialize(to: scanner)
    }

    /// Reads CSV from bytes in memory (tests, staging tests); otherwise as
    /// ``init(path:displayName:dialect:encoding:chunkSize:maxRecordBytes:)``.
    public init(
        bytes: [UInt8], displayName: String, dialect: CSVDialect = CSVDialect(),
        encoding: CSVEncoding? = nil, chunkSize: Int = 65_536, maxRecordBytes: Int = CSVReader.defaultMaxRecordBytes
    ) throws {
        let scanner = try RecordScanner(
            source: ByteSource(bytes: bytes, displayName: displayName), dialect: dialect,
            encoding: encoding, chunkSize: chunkSize, maxRecordBytes: maxRecordBytes)
        self.scanner = .allocate(capacity: 1)
        self.scanner.initialize(to: scanner)
    }

    /// Reads the next data record into `record`, reusing its storage. Returns false at the end.
    ///
    /// A record with more or fewer fields than the header is delivered with
    /// ``CSVRecord/expectedFieldCount`` set and a `csv.ragged-row` diagnostic.
    /// - Throws: ``CSVError`` (kind `.malformed`, located) for a problem that stops the file; every
    ///   later call throws the same error.
    public func read(into record: inout CSVRecord) throws -> Bool {
        try scanner.pointee.read(into: &record)
    }

    /// The fields of the record that starts at raw byte `byteOffset` of this reader's input (the
    /// ``CSVPosition/byteOffset`` of a record read before), read on their own with this reader's
    /// delimiter, as ``CSVRecord/rawFields``; nil when no record starts there. Lets a caller fetch
    /// a few known records again without reading the input from its start. Does not move this
    /// reader.
    ///
    /// - Parameter encoding: the input's encoding as the earlier reading found it (pass its
    ///   ``encoding`` at the end); nil takes this reader's when it has decided, else decides from
    ///   the record's bytes.
    public func rawFields(ofRecordAt byteOffset: Int, encoding: CSVEncoding? = nil) throws -> [[UInt8]]? {
        try scanner.pointee.rawFields(ofRecordAt: byteOffset, encoding: encoding)
    }

    /// How many physical lines after the one holding raw byte `byteOffset` hold anything but
    /// spaces and tabs: after a stopping ``CSVError`` (at its ``CSVPosition/byteOffset``), the lines
    /// the file still had that were never read. Reads the input from that offset on its own; does
    /// not move this reader.
    public func nonBlankLines(afterLineAt byteOffset: Int) throws -> Int {
        try scanner.pointee.nonBlankLines(afterLineAt: byteOffset)
    }

    deinit {
        scanner.deinitialize(count: 1)
        scanner.deallocate()
    }

    /// Every data record of a file, copied out; for tests and small files.
    public static func records(
        path: String, dialect: CSVDialect = CSVDialect(), encoding: CSVEncoding? = nil
    ) throws -> [CSVRecordSnapshot] {
        try CSVReader(path: path, dialect: dialect, encoding: encoding).allRecords()
    }

    /// Every data record of in-memory bytes, copied out; for tests.
    public static func records(
        bytes: [UInt8], displayName: String = "memory", dialect: CSVDialect = CSVDialect(),
        encoding: CSVEncoding? = nil, chunkSize: Int = 65_536
    ) throws -> [CSVRecordSnapshot] {
        try CSVReader(bytes: bytes, displayName: displayName, dialect: dialect, encoding: encoding, chunkSize: chunkSize)
            .allRecords()
    }

    /// The remaining data records, copied out.
    public func allRecords() throws -> [CSVRecordSnapshot] {
        var snapshots: [CSVRecordSnapshot] = []
        var record = CSVRecord()
        while try read(into: &record) {
            snapshots.append(CSVRecordSnapshot(record))
        }
        return snapshots
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Streams a CSV file through libcsv into one reused ``CSVRecord``, with the position of every
/// record, the dialect and encoding found out from the bytes, and every malformed input either
/// stopped with a located ``CSVError`` or reported as a located ``CSVDiagnostic``.
///
/// Memory: one read buffer of `chunkSize` bytes, up to 64 KiB read ahead for sniffing, and the
/// largest record (held twice: by libcsv and by the record); it does not grow with the file.
///
/// How it keeps positions: libcsv reports none, so the reader feeds it segments that end right
/// after each CR or LF. Every record then ends at the end of a segment, where the reader knows the
/// byte offset and line of the next record's start. Encoding checks and transcoding happen per
/// segment too, so every byte's line is known.
public final class CSVReader {
    // MARK: - Public state

    /// The header's names as read (not trimmed); empty when the dialect has no header or the file
    /// holds no record.
    public private(set) var header: [String] = []
    /// The delimiter in use: given, from a `sep=` line, sniffed, or `,` for a single-column file.
    public let delimiter: UInt8
    /// The name used in positions (the path unless a display name was given).
    public let displayName: String
    /// True when the file began with an Excel `sep=` line (which is not the header).
    public let hasSeparatorLine: Bool
    /// Non-stopping findings so far, at most ``maxStoredDiagnosticsPerCode`` of each code.
    public private(set) var diagnostics: [CSVDiagnostic] = []
    /// How many findings of each code there were, including those not kept in ``diagnostics``.
    public private(set) var diagnosticCounts: [String: Int] = [:]
    /// Blank lines and lines whose fields are all empty (or only spaces and tabs), skipped so far.
    public private(set) var blankLineCount = 0
    /// True when the file holds no record at all (no bytes, or only a byte-order mark, a `sep=`
    /// line and blank lines). Known after `init`.
    public private(set) var isEmptyFile = false
    /// Data records delivered so far (the header not included).
    public private(set) var dataRecordCount = 0
    /// The largest record, in bytes of field content, that the reader accepts: beyond it reading
    /// stops, since a quote left open is then by far the likeliest cause. Bounds memory.
    public let maxRecordBytes: Int

    /// How many findings of one code ``diagnostics`` keeps; the rest are only counted.
    public static let maxStoredDiagnosticsPerCode = 100
    /// How much of the file's start the reader looks at for the byte-order mark and the dialect.
    public static let sniffSampleBytes = 64 * 1024

    /// The encoding as decided so far: `utf8` while the file has been ASCII.
    public var encoding: CSVEncoding {
        switch decoding {
        case .undecided, .utf8: .utf8
        case .windows1252: .windows1252
        case .utf16(bigEndian: false): .utf16LittleEndian
        case .utf16(bigEndian: true): .utf16BigEndian
        }
    }

    /// Raw bytes read from the input so far (including the look-ahead for sniffing).
    public var bytesRead: Int { source.bytesRead }

    // MARK: - Private state

    private enum Decoding: Equatable {
        /// ASCII so far; the first non-ASCII byte decides (only when the caller named no encoding).
        case undecided
        /// `declared`: by the caller or a byte-order mark, so a bad byte is not a sign of cp1252.
        case utf8(declared: Bool)
        case windows1252(declared: Bool)
        case utf16(bigEndian: Bool)
    }

    /// How a piece of input handed to libcsv maps back to raw bytes.
    private enum PieceEncoding {
        case identity, windows1252, utf16(bigEndian: Bool)
    }

    private let source: ByteSource
    private let parser: LibCSVParser
    private let hasHeader: Bool
    private let chunkSize: Int
    /// Raw bytes: `[start, limit)` are ready to process, `[limit, end)` wait for more input (a
    /// character cut by the chunk end). `bufferOffset` is the file offset of `buffer[0]`.
    private let buffer: UnsafeMutablePointer<UInt8>
    private var start = 0
    private var limit = 0
    private var end = 0
    private var bufferOffset = 0
    /// Index of the next LF (CR) at or after `start`, `end` when none; -1 when not yet searched.
    private var nextLF = -1
    private var nextCR = -1
    private var sourceExhausted = false
    private var finished = false
    private var stoppingError: CSVError?

    private var decoding: Decoding
    private var firstUTF8Line = 0
    private var firstWindows1252Line = 0
    private var scratch: [UInt8] = []

    /// Physical line of the byte at `start`, from 1.
    private var line = 1
    private var previousByteWasCR = false
    private var recordStartLine = 1
    private var recordStartOffset = 0
    /// Index of the record being read, from 0 (the header is record 0).
    private var recordIndex = 0
    private var expectedFieldCount: Int?
    /// In a file without header, the first record is read in `init` and delivered first.
    private var pendingFirstRecord: CSVRecord?

    // MARK: - Opening

    /// Opens `path`, works out encoding and dialect, and reads the header.
    ///
    /// - Parameters:
    ///   - displayName: the name positions use (e.g. the path relative to the pipeline file).
    ///   - encoding: nil detects it (byte-order mark, else UTF-8 or Windows-1252 from the bytes).
    ///   - chunkSize: bytes per read; results never depend on it.
    /// - Throws: ``CSVError`` when the file cannot be read or its header is malformed.
    public convenience init(
        path: String, displayName: String? = nil, dialect: CSVDialect = CSVDialect(),
        encoding: CSVEncoding? = nil, chunkSize: Int = 65_536, maxRecordBytes: Int = 16 << 20
    ) throws {
        let name = displayName ?? path
        try self.init(
            source: ByteSource(path: path, displayName: name), dialect: dialect, encoding: encoding,
            chunkSize: chunkSize, maxRecordBytes: maxRecordBytes)
    }

    /// Reads CSV from bytes in memory (tests, staging tests); otherwise as ``init(path:displayName:dialect:encoding:chunkSize:maxRecordBytes:)``.
    public convenience init(
        bytes: [UInt8], displayName: String, dialect: CSVDialect = CSVDialect(),
        encoding: CSVEncoding? = nil, chunkSize: Int = 65_536, maxRecordBytes: Int = 16 << 20
    ) throws {
        try self.init(
            source: ByteSource(bytes: bytes, displayName: displayName), dialect: dialect, encoding: encoding,
            chunkSize: chunkSize, maxRecordBytes: maxRecordBytes)
    }

    private init(
        source: ByteSource, dialect: CSVDialect, encoding declared: CSVEncoding?, chunkSize: Int,
        maxRecordBytes: Int
    ) throws {
        self.source = source
        displayName = source.displayName
        hasHeader = dialect.hasHeader
        self.chunkSize = max(1, chunkSize)
        self.maxRecordBytes = max(1, maxRecordBytes)
        buffer = .allocate(capacity: self.chunkSize + 4)
        let fileStart = CSVPosition(file: source.displayName, line: 1)

        // Encoding: the caller's, else a byte-order mark, else decided from the bytes as they come.
        let (sample, sampleIsWhole) = try source.peek(CSVReader.sniffSampleBytes)
        let bom = CSVReader.byteOrderMark(in: sample)
        let markLength: Int
        switch declared {
        case nil:
            decoding = bom?.decoding ?? .undecided
            markLength = bom?.length ?? 0
        case .utf8?:
            decoding = .utf8(declared: true)
            markLength = bom?.decoding == .utf8(declared: true) ? 3 : 0
        case .windows1252?:
            decoding = .windows1252(declared: true)
            markLength = 0
        case .utf16LittleEndian?:
            decoding = .utf16(bigEndian: false)
            markLength = bom?.decoding == .utf16(bigEndian: false) ? 2 : 0
        case .utf16BigEndian?:
            decoding = .utf16(bigEndian: true)
            markLength = bom?.decoding == .utf16(bigEndian: true) ? 2 : 0
        }

        // Dialect, sniffed from an ASCII view of the sample.
        let unitSize: Int
        let view: ArraySlice<UInt8>
        if case .utf16(let bigEndian) = decoding {
            unitSize = 2
            view = TextDecoding.asciiView(ofUTF16: sample.dropFirst(markLength), bigEndian: bigEndian)[...]
        } else {
            unitSize = 1
            view = sample.dropFirst(markLength)
        }
        let separatorLine = DialectSniffer.separatorLine(in: view, isWholeFile: sampleIsWhole)
        hasSeparatorLine = separatorLine != nil
        var notes: [CSVDiagnostic] = []
        if let given = dialect.delimiter {
            delimiter = given
            if let separatorLine, separatorLine.delimiter != given {
                notes.append(CSVDiagnostic(
                    .warning, code: "csv.separator-line-overridden",
                    message: "the file's first line asks for delimiter \(CSVReader.describe(separatorLine.delimiter)) but \(CSVReader.describe(given)) was given and is used",
                    at: fileStart))
            }
        } else if let separatorLine {
            delimiter = separatorLine.delimiter
        } else if let sniffed = DialectSniffer.sniffDelimiter(
            in: view.dropFirst(separatorLine?.length ?? 0), isWholeFile: sampleIsWhole)
        {
            delimiter = sniffed
        } else {
            delimiter = UInt8(ascii: ",")
            if view.contains(where: { $0 != 0x0A && $0 != 0x0D && $0 != 0x20 && $0 != 0x09 }) {
                notes.append(CSVDiagnostic(
                    .note, code: "csv.single-column",
                    message: "none of ',' ';' TAB '|' separates fields in the first records, so each line is read as one field",
                    at: fileStart))
            }
        }
        guard ![0x00, 0x0A, 0x0D, UInt8(ascii: "\"")].contains(delimiter), delimiter < 0x80 else {
            buffer.deallocate()
            throw CSVError(
                .malformed("\(CSVReader.describe(delimiter)) cannot be a delimiter: it must be an ASCII character other than a quote or a line end"),
                at: fileStart, code: "csv.bad-delimiter")
        }
        guard let parser = LibCSVParser(delimiter: delimiter) else {
            buffer.deallocate()
            throw CSVError(.io("cannot set up the CSV parser"), at: fileStart, code: "csv.io")
        }
        self.parser = parser

        // Skip the byte-order mark and the `sep=` line; the first record starts after them.
        let skipped = markLength + (separatorLine?.length ?? 0) * unitSize
        source.skip(skipped)
        bufferOffset = skipped
        recordStartOffset = skipped
        if let separatorLine, separatorLine.length > 5 {
            line = 2
            recordStartLine = 2
        }
        for note in notes { report(note) }

        // The first record: the header, or (without one) the first data record, kept for `read`.
        var first = CSVRecord()
        guard try nextRecord(into: &first) else {
            isEmptyFile = true
            report(CSVDiagnostic(.note, code: "csv.empty-file", message: "the file holds no records", at: fileStart))
            return
        }
        expectedFieldCount = first.count
        if hasHeader {
            header = first.fields
            try checkHeader(first)
        } else {
            pendingFirstRecord = first
        }
    }

    deinit {
        buffer.deallocate()
    }

    // MARK: - Reading

    /// Reads the next data record into `record`, reusing its storage. Returns false at the end.
    ///
    /// A record with more or fewer fields than the header is delivered with
    /// ``CSVRecord/expectedFieldCount`` set and a `csv.ragged-row` diagnostic.
    /// - Throws: ``CSVError`` (kind `.malformed`, located) for a problem that stops the file; every
    ///   later call throws the same error.
    public func read(into record: inout CSVRecord) throws -> Bool {
        if let pending = pendingFirstRecord {
            record = pending
            pendingFirstRecord = nil
            dataRecordCount += 1
            return true
        }
        guard try nextRecord(into: &record) else {
            if hasHeader, !isEmptyFile, dataRecordCount == 0, diagnosticCounts["csv.header-only", default: 0] == 0 {
                report(CSVDiagnostic(
                    .note, code: "csv.header-only", message: "the file has a header but no data records",
                    at: CSVPosition(file: displayName, line: 1)))
            }
            return false
        }
        dataRecordCount += 1
        if let expected = expectedFieldCount, record.count != expected {
            record.expectedFieldCount = expected
            var position = record.position
            position.column = record.count > expected ? expected + 1 : nil
            report(CSVDiagnostic(
                .warning, code: "csv.ragged-row",
                message: "the record has \(record.count) \(record.count == 1 ? "field" : "fields") where the \(hasHeader ? "header" : "first record") has \(expected)",
                at: position))
        }
        return true
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

    // MARK: - The scanning loop

    /// The next non-blank record, header included; false at the end.
    private func nextRecord(into record: inout CSVRecord) throws -> Bool {
        if let stoppingError { throw stoppingError }
        if finished { return false }
        do {
            while true {
                if start < limit {
                    let produced: Bool
                    if case .utf16(let bigEndian) = decoding {
                        produced = try processUTF16Segment(bigEndian: bigEndian, into: &record)
                    } else {
                        produced = try processByteSegment(into: &record)
                    }
                    if produced { return true }
                } else if !sourceExhausted {
                    try fill()
                } else {
                    finished = true
                    return try finishInput(into: &record)
                }
            }
        } catch let error as CSVError {
            stoppingError = error
            finished = true
            throw error
        }
    }

    /// Moves a kept-back tail to the front of the buffer and reads the next chunk behind it.
    private func fill() throws {
        let tail = end - start
        if tail > 0, start > 0 {
            (buffer).update(from: buffer + start, count: tail)
        }
        bufferOffset += start
        start = 0
        end = tail
        let got = try source.read(into: buffer + end, count: chunkSize)
        end += got
        nextLF = -1
        nextCR = -1
        if got == 0 {
            sourceExhausted = true
            limit = end
            return
        }
        switch decoding {
        case .utf16:
            // Keep back an odd byte, and a high surrogate whose low half has not arrived.
            var keep = end % 2
            if end - keep >= 2 {
                let unit = TextDecoding.utf16Unit(buffer + end - keep - 2, bigEndian: decoding == .utf16(bigEndian: true))
                if (0xD800...0xDBFF).contains(unit) { keep += 2 }
            }
            limit = end - keep
        default:
            limit = end - TextDecoding.incompleteUTF8Tail(buffer, count: end)
        }
    }

    /// Processes `[start, next line end]` (or up to `limit`) of a UTF-8, Windows-1252 or not yet
    /// decided file. Returns true when a record was completed into `record`.
    private func processByteSegment(into record: inout CSVRecord) throws -> Bool {
        if nextLF < start {
            nextLF = memchr(buffer + start, 0x0A, end - start).map { $0.assumingMemoryBound(to: UInt8.self) - buffer } ?? end
        }
        if nextCR < start {
            nextCR = memchr(buffer + start, 0x0D, end - start).map { $0.assumingMemoryBound(to: UInt8.self) - buffer } ?? end
        }
        let lineEnd = min(nextLF, nextCR)
        let segmentEnd = lineEnd < limit ? lineEnd + 1 : limit
        let terminator: UInt8? = lineEnd < limit ? buffer[lineEnd] : nil
        let segment = buffer + start
        let count = segmentEnd - start
        let rawOffset = bufferOffset + start
        let plain = TextDecoding.firstNonPlainByte(segment, count: count)
        if plain == count {
            try feed(UnsafeRawPointer(segment), count: count, raw: UnsafeRawPointer(segment), rawOffset: rawOffset, as: .identity)
        } else {
            try feedNonASCII(segment, count: count, rawOffset: rawOffset, firstNonPlain: plain)
        }
        start = segmentEnd
        return try endSegment(terminator: terminator, length: count, rawEnd: rawOffset + count, into: &record)
    }

    /// Checks, decides and transcodes a segment with a NUL or non-ASCII byte, then feeds it.
    private func feedNonASCII(_ segment: UnsafeMutablePointer<UInt8>, count: Int, rawOffset: Int, firstNonPlain: Int) throws {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(start: segment, count: firstNonPlain))
        var pieceStart = 0
        var index = firstNonPlain

        /// Hands libcsv what is decoded so far (so a field count locates the next problem).
        func flush() throws {
            let encoding: PieceEncoding = if case .windows1252 = decoding { .windows1252 } else { .identity }
            try scratch.withUnsafeBytes { decoded in
                try feed(decoded.baseAddress ?? UnsafeRawPointer(segment), count: decoded.count,
                         raw: UnsafeRawPointer(segment + pieceStart), rawOffset: rawOffset + pieceStart, as: encoding)
            }
            scratch.removeAll(keepingCapacity: true)
            pieceStart = index
        }

        while index < count {
            let byte = segment[index]
            if byte < 0x80 {
                if byte == 0 {
                    try flush()
                    throw nulError(rawOffset: rawOffset + index)
                }
                scratch.append(byte)
                index += 1
                continue
            }
            let sequence = TextDecoding.utf8SequenceLength(segment + index, available: count - index)
            switch decoding {
            case .undecided:
                if sequence > 0 {
                    decoding = .utf8(declared: false)
                    firstUTF8Line = line
                } else {
                    try flush()
                    decoding = .windows1252(declared: false)
                    firstWindows1252Line = line
                    report(CSVDiagnostic(
                        .note, code: "csv.windows-1252",
                        message: "the file is not valid UTF-8 (first on line \(line)) and has no UTF-8 text before it, so it is read as Windows-1252",
                        at: bytePosition(rawOffset + index)))
                }
            case .utf8(let declared):
                guard sequence > 0 else {
                    try flush()
                    throw encodingError(rawOffset: rawOffset + index, byte: byte, declaredUTF8: declared)
                }
                scratch.append(contentsOf: UnsafeBufferPointer(start: segment + index, count: sequence))
                index += sequence
            case .windows1252(let declared):
                if !declared, sequence > 1 {
                    try flush()
                    throw mixedEncodingError(rawOffset: rawOffset + index, utf8Found: true)
                }
                TextDecoding.appendUTF8(TextDecoding.windows1252Scalar(byte), to: &scratch)
                index += 1
            case .utf16:
                preconditionFailure("UTF-16 input goes through processUTF16Segment")
            }
        }
        try flush()
    }

    /// Processes one line (or up to `limit`) of UTF-16 input: transcodes it to UTF-8 and feeds it.
    private func processUTF16Segment(bigEndian: Bool, into record: inout CSVRecord) throws -> Bool {
        if limit - start == 1 {
            throw CSVError(
                .malformed("the file ends in the middle of a UTF-16 character"),
                at: bytePosition(bufferOffset + start), code: "csv.invalid-utf16")
        }
        var segmentEnd = start
        var terminator: UInt8?
        while segmentEnd + 1 < limit {
            let unit = TextDecoding.utf16Unit(buffer + segmentEnd, bigEndian: bigEndian)
            segmentEnd += 2
            if unit == 0x0A || unit == 0x0D {
                terminator = UInt8(unit)
                break
            }
        }
        let segment = buffer + start
        let count = segmentEnd - start
        let rawOffset = bufferOffset + start
        scratch.removeAll(keepingCapacity: true)
        var pieceStart = 0
        var index = 0

        func flush() throws {
            try scratch.withUnsafeBytes { decoded in
                try feed(decoded.baseAddress ?? UnsafeRawPointer(segment), count: decoded.count,
                         raw: UnsafeRawPointer(segment + pieceStart), rawOffset: rawOffset + pieceStart,
                         as: .utf16(bigEndian: bigEndian))
            }
            scratch.removeAll(keepingCapacity: true)
            pieceStart = index
        }

        while index < count {
            let unit = TextDecoding.utf16Unit(segment + index, bigEndian: bigEndian)
            switch unit {
            case 0:
                try flush()
                throw nulError(rawOffset: rawOffset + index)
            case 0xD800...0xDBFF:
                let low = index + 3 < count ? TextDecoding.utf16Unit(segment + index + 2, bigEndian: bigEndian) : 0
                guard (0xDC00...0xDFFF).contains(low) else {
                    try flush()
                    throw unpairedSurrogateError(rawOffset: rawOffset + index, unit: unit)
                }
                let scalar = 0x1_0000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
                TextDecoding.appendUTF8(scalar, to: &scratch)
                index += 4
            case 0xDC00...0xDFFF:
                try flush()
                throw unpairedSurrogateError(rawOffset: rawOffset + index, unit: unit)
            default:
                TextDecoding.appendUTF8(UInt32(unit), to: &scratch)
                index += 2
            }
        }
        try flush()
        start = segmentEnd
        return try endSegment(terminator: terminator, length: count, rawEnd: rawOffset + count, into: &record)
    }

    /// Hands decoded bytes to libcsv. A quote inside an unquoted field is taken literally with a
    /// warning; text after a closing quote stops the file.
    ///
    /// - Parameters:
    ///   - raw: the raw bytes these decoded bytes came from, to locate a problem in the file.
    private func feed(_ bytes: UnsafeRawPointer, count: Int, raw: UnsafeRawPointer, rawOffset: Int, as encoding: PieceEncoding) throws {
        var done = 0
        while done < count {
            done += parser.parse(bytes + done, count: count - done)
            switch parser.status() {
            case .success:
                guard done == count else {
                    throw CSVError(.io("the CSV parser stopped without saying why"), at: recordPosition(), code: "csv.io")
                }
            case .strictParseError:
                let at = bytePosition(rawOffset + CSVReader.rawLength(ofDecoded: done, raw: raw, as: encoding))
                switch parser.strictViolation {
                case .quoteInUnquotedField:
                    report(CSVDiagnostic(
                        .warning, code: "csv.stray-quote",
                        message: "a quote inside an unquoted field is taken as a literal character (line \(at.line), field \(at.column ?? 0))",
                        at: at))
                    done += parser.parseLenient(bytes + done)
                case .textAfterClosingQuote:
                    throw CSVError(
                        .malformed("a quoted field is followed by text before the next delimiter or line end (line \(at.line), field \(at.column ?? 0)); a quote inside a quoted field must be doubled"),
                        at: at, code: "csv.text-after-quote")
                }
            case .outOfMemory:
                throw CSVError(.io("out of memory while reading a field"), at: recordPosition(), code: "csv.out-of-memory")
            case .tooBig, .unknown:
                throw recordTooLargeError()
            }
        }
        if parser.accumulator.pointee.byteCount + parser.pendingFieldBytes > maxRecordBytes {
            throw recordTooLargeError()
        }
    }

    /// Line bookkeeping after a segment, and the record it completed, if any.
    ///
    /// A CR counts as a line end at once; an LF right after a CR belongs to it (CRLF is one line
    /// end), and libcsv's empty row for that LF is neither a line nor a blank line.
    private func endSegment(terminator: UInt8?, length: Int, rawEnd: Int, into record: inout CSVRecord) throws -> Bool {
        var isLFOfCRLF = false
        switch terminator {
        case 0x0D?:
            line += 1
            previousByteWasCR = true
        case 0x0A?:
            // The LF of a CRLF is a segment of its own: one code unit.
            let unitSize = if case .utf16 = decoding { 2 } else { 1 }
            isLFOfCRLF = previousByteWasCR && length == unitSize
            if !isLFOfCRLF { line += 1 }
            previousByteWasCR = false
        default:
            previousByteWasCR = false
        }
        let accumulator = parser.accumulator
        guard accumulator.pointee.rowEnded else { return false }
        defer {
            recordStartLine = line
            recordStartOffset = rawEnd
            accumulator.pointee.reset()
        }
        return takeRow(into: &record, countBlank: !isLFOfCRLF)
    }

    /// At the end of the input: a quoted field still open stops the file; a last record without
    /// a line end is delivered.
    private func finishInput(into record: inout CSVRecord) throws -> Bool {
        parser.finish()
        switch parser.status() {
        case .success:
            break
        case .strictParseError:
            var position = recordPosition()
            position.column = parser.accumulator.pointee.fieldCount + 1
            throw CSVError(
                .malformed("the quoted field in column \(position.column ?? 0) of the record starting on line \(position.line) is never closed: it runs to the end of the file"),
                at: position, code: "csv.unterminated-quote")
        case .outOfMemory:
            throw CSVError(.io("out of memory while reading a field"), at: recordPosition(), code: "csv.out-of-memory")
        case .tooBig, .unknown:
            throw recordTooLargeError()
        }
        guard parser.accumulator.pointee.rowEnded else { return false }
        defer { parser.accumulator.pointee.reset() }
        return takeRow(into: &record, countBlank: true)
    }

    /// Copies a completed row into `record`, or counts it as blank.
    private func takeRow(into record: inout CSVRecord, countBlank: Bool) -> Bool {
        let accumulator = parser.accumulator
        if accumulator.pointee.fieldCount == 0 || accumulator.pointee.isBlank {
            if countBlank { blankLineCount += 1 }
            return false
        }
        record.assign(from: accumulator.pointee)
        record.position = recordPosition()
        record.expectedFieldCount = nil
        recordIndex += 1
        return true
    }

    // MARK: - Header

    /// Stops on an empty or duplicate column name (compared after trimming spaces and tabs).
    private func checkHeader(_ record: CSVRecord) throws {
        var firstColumn: [String: Int] = [:]
        for (index, name) in header.enumerated() {
            var position = record.position
            position.column = index + 1
            let trimmed = CSVReader.trimmed(name)
            if trimmed.isEmpty {
                throw CSVError(
                    .malformed("the header has an empty column name in column \(index + 1)"),
                    at: position, code: "csv.empty-header-name")
            }
            if let earlier = firstColumn[trimmed] {
                throw CSVError(
                    .malformed("the header names '\(trimmed)' twice: in columns \(earlier) and \(index + 1)"),
                    at: position, code: "csv.duplicate-header-name")
            }
            firstColumn[trimmed] = index + 1
        }
    }

    // MARK: - Positions and problems

    /// The record being read: its start line and offset, and its index.
    private func recordPosition() -> CSVPosition {
        CSVPosition(file: displayName, line: recordStartLine, record: recordIndex, byteOffset: recordStartOffset)
    }

    /// A byte in the segment being processed: its line, its record, its raw offset, and the field
    /// (from 1) it falls in, from the fields libcsv has delivered so far.
    private func bytePosition(_ rawOffset: Int) -> CSVPosition {
        CSVPosition(
            file: displayName, line: line, record: recordIndex, byteOffset: rawOffset,
            column: parser.accumulator.pointee.fieldCount + 1)
    }

    private func report(_ diagnostic: CSVDiagnostic) {
        let seen = diagnosticCounts[diagnostic.code, default: 0]
        diagnosticCounts[diagnostic.code] = seen + 1
        if seen < CSVReader.maxStoredDiagnosticsPerCode {
            diagnostics.append(diagnostic)
        }
    }

    private func nulError(rawOffset: Int) -> CSVError {
        var message = "the file holds a NUL \(decoding == .utf16(bigEndian: false) || decoding == .utf16(bigEndian: true) ? "character" : "byte") on line \(line) (byte \(rawOffset)), which CSV text never does"
        if rawOffset <= 1, decoding == .undecided {
            message += "; it may be UTF-16 without a byte-order mark: save it as UTF-8"
        }
        return CSVError(.malformed(message), at: bytePosition(rawOffset), code: "csv.nul-byte")
    }

    private func encodingError(rawOffset: Int, byte: UInt8, declaredUTF8: Bool) -> CSVError {
        if declaredUTF8 {
            return CSVError(
                .malformed("byte 0x\(CSVReader.hex(byte)) on line \(line) is not valid UTF-8, which the file was declared as"),
                at: bytePosition(rawOffset), code: "csv.invalid-utf8")
        }
        return mixedEncodingError(rawOffset: rawOffset, utf8Found: false)
    }

    /// A file that has both UTF-8 text and bytes that are not UTF-8 cannot be decoded either way
    /// without corrupting part of it.
    private func mixedEncodingError(rawOffset: Int, utf8Found: Bool) -> CSVError {
        let message = utf8Found
            ? "line \(line) has UTF-8 text, but line \(firstWindows1252Line) has bytes that are not UTF-8: the file mixes encodings and cannot be read without corrupting part of it; save it in one encoding (UTF-8)"
            : "line \(line) has bytes that are not UTF-8, but line \(firstUTF8Line) has UTF-8 text: the file mixes encodings and cannot be read without corrupting part of it; save it in one encoding (UTF-8)"
        return CSVError(.malformed(message), at: bytePosition(rawOffset), code: "csv.mixed-encoding")
    }

    private func unpairedSurrogateError(rawOffset: Int, unit: UInt16) -> CSVError {
        CSVError(
            .malformed("UTF-16 code unit 0x\(String(unit, radix: 16, uppercase: true)) on line \(line) is half of a character whose other half is missing"),
            at: bytePosition(rawOffset), code: "csv.invalid-utf16")
    }

    private func recordTooLargeError() -> CSVError {
        var position = recordPosition()
        position.column = parser.accumulator.pointee.fieldCount + 1
        return CSVError(
            .malformed("the record starting on line \(position.line) is larger than \(maxRecordBytes) bytes; a quote that is never closed is the usual cause"),
            at: position, code: "csv.record-too-large")
    }

    // MARK: - Helpers

    private static func byteOrderMark(in bytes: ArraySlice<UInt8>) -> (decoding: Decoding, length: Int)? {
        let head = Array(bytes.prefix(3))
        if head.starts(with: [0xEF, 0xBB, 0xBF]) { return (.utf8(declared: true), 3) }
        if head.starts(with: [0xFF, 0xFE]) { return (.utf16(bigEndian: false), 2) }
        if head.starts(with: [0xFE, 0xFF]) { return (.utf16(bigEndian: true), 2) }
        return nil
    }

    /// How many raw bytes produced the first `decoded` bytes of a piece.
    private static func rawLength(ofDecoded decoded: Int, raw: UnsafeRawPointer, as encoding: PieceEncoding) -> Int {
        let bytes = raw.assumingMemoryBound(to: UInt8.self)
        switch encoding {
        case .identity:
            return decoded
        case .windows1252:
            var produced = 0
            var consumed = 0
            while produced < decoded {
                produced += TextDecoding.utf8Count(TextDecoding.windows1252Scalar(bytes[consumed]))
                consumed += 1
            }
            return consumed
        case .utf16(let bigEndian):
            var produced = 0
            var consumed = 0
            while produced < decoded {
                let unit = TextDecoding.utf16Unit(bytes + consumed, bigEndian: bigEndian)
                if (0xD800...0xDBFF).contains(unit) {
                    produced += 4
                    consumed += 4
                } else {
                    produced += TextDecoding.utf8Count(UInt32(unit))
                    consumed += 2
                }
            }
            return consumed
        }
    }

    static func describe(_ byte: UInt8) -> String {
        switch byte {
        case 0x09: "TAB"
        case 0x20..<0x7F: "'\(Character(Unicode.Scalar(byte)))'"
        default: "byte 0x\(hex(byte))"
        }
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16, uppercase: true)
        return digits.count == 1 ? "0" + digits : digits
    }

    private static func trimmed(_ text: String) -> String {
        var scalars = Substring(text).unicodeScalars
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}

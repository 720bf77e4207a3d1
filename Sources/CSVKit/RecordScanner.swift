#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The reader's engine: everything ``CSVReader`` does, as one struct, so that its state is
/// accessed without the dynamic exclusivity checks that class properties cost in the hot loop.
///
/// How it keeps positions: libcsv reports none, so the scanner feeds it segments that end right
/// after each CR or LF. Every record then ends at the end of a segment, where the scanner knows the
/// byte offset and line of the next record's start. Encoding checks and transcoding happen per
/// segment too, so every byte's line is known.
struct RecordScanner {
    // MARK: - What the reader exposes

    private(set) var header: [String] = []
    let delimiter: UInt8
    let displayName: String
    let hasSeparatorLine: Bool
    private(set) var diagnostics: [CSVDiagnostic] = []
    private(set) var diagnosticCounts: [String: Int] = [:]
    /// The record and column of the last stray quote reported (one warning per field).
    private var strayQuoteField: (record: Int, column: Int?)?
    private(set) var blankLineCount = 0
    /// The lines of the first ``CSVReader/maxListedBlankLines`` blank lines.
    private(set) var firstBlankLines: [Int] = []
    private(set) var isEmptyFile = false
    private(set) var dataRecordCount = 0
    let maxRecordBytes: Int

    var encoding: CSVEncoding {
        switch decoding {
        case .undecided, .utf8: .utf8
        case .windows1252: .windows1252
        case .utf16(bigEndian: false): .utf16LittleEndian
        case .utf16(bigEndian: true): .utf16BigEndian
        }
    }

    var bytesRead: Int { source.bytesRead }

    // MARK: - State

    private enum Decoding: Equatable {
        /// ASCII so far; the first non-ASCII byte decides (only when the caller named no encoding).
        case undecided
        /// `declared`: by the caller or a byte-order mark, so a bad byte is not a sign of cp1252.
        case utf8(declared: Bool)
        case windows1252(declared: Bool)
        case utf16(bigEndian: Bool)
    }

    /// How a segment ends. A CRLF is one segment when both bytes are in the buffer, else a CR
    /// segment followed by a one-unit LF segment.
    private enum LineEnd {
        case none, cr, lf, crlf
    }

    /// How a piece of input handed to libcsv maps back to raw bytes.
    private enum PieceEncoding {
        case identity, windows1252, utf16(bigEndian: Bool)
    }

    private let source: ByteSource
    private let parser: LibCSVParser
    /// Where libcsv's callbacks put fields: the storage of the record being read.
    private var accumulator: UnsafeMutablePointer<FieldAccumulator>
    /// The storage `accumulator` points to before the first record is read.
    private let initialStorage = RecordStorage()
    private let hasHeader: Bool
    private let chunkSize: Int
    /// Raw bytes: `[start, limit)` are ready to process, `[limit, end)` wait for more input (a
    /// character cut by the chunk end). `bufferOffset` is the file offset of `buffer[0]`.
    private let bufferStorage: ChunkBuffer
    private let buffer: UnsafeMutablePointer<UInt8>
    private var start = 0
    private var limit = 0
    private var end = 0
    private var bufferOffset = 0
    /// Index of the next LF (CR) at or after `start`, `end` when none; -1 when not yet searched.
    private var nextLF = -1
    private var nextCR = -1
    /// Index of the next NUL byte at or after `start`, `end` when none; -1 when not yet searched.
    private var nextNUL = -1
    private var sourceExhausted = false
    private var finished = false
    private var stoppingError: CSVError?

    private var decoding: Decoding
    private var firstUTF8Line = 0
    private var firstWindows1252Line = 0
    /// A file declared Windows-1252 has had UTF-8 text (warned once).
    private var warnedOfUTF8Text = false
    /// The encoding is the byte-order mark's, not the caller's.
    private var encodingFromMark = false
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
    /// Where the header (or, without one, the first record) starts; the header-only note points here.
    private var firstRecordPosition: CSVPosition
    /// The line the first record (the header, when the file has one) starts on.
    var firstRecordLine: Int { firstRecordPosition.line }
    private var reportedHeaderOnly = false

    // MARK: - Opening

    /// - Parameter atFileStart: whether `source` starts at the file's first byte, where a
    ///   byte-order mark or a `sep=` line may stand; a record read again from its offset starts
    ///   with whatever its first field holds, `EF BB BF` or `sep=;` included, which is data there.
    init(
        source: ByteSource, dialect: CSVDialect, encoding declared: CSVEncoding?, chunkSize: Int,
        maxRecordBytes: Int, atFileStart: Bool = true
    ) throws {
        self.source = source
        displayName = source.displayName
        hasHeader = dialect.hasHeader
        self.chunkSize = max(1, chunkSize)
        self.maxRecordBytes = max(1, maxRecordBytes)
        bufferStorage = ChunkBuffer(capacity: self.chunkSize + 4)
        buffer = bufferStorage.base
        let fileStart = CSVPosition(file: source.displayName, line: 1)
        firstRecordPosition = fileStart
        // Encoding: the caller's, else a byte-order mark, else decided from the bytes as they come.
        let (sample, sampleIsWhole) = try source.peek(CSVReader.sniffSampleBytes)
        let bom = atFileStart ? RecordScanner.byteOrderMark(in: sample) : nil
        let markLength: Int
        switch declared {
        case nil:
            decoding = bom?.decoding ?? .undecided
            markLength = bom?.length ?? 0
        case .utf8?:
            decoding = .utf8(declared: true)
            markLength = bom?.decoding == .utf8(declared: true) ? 3 : 0
        case .windows1252?:
            // A byte-order mark is never Windows-1252 text ("ï»¿", "ÿþ"): the mark wins (warned below).
            if let bom {
                decoding = bom.decoding
                markLength = bom.length
            } else {
                decoding = .windows1252(declared: true)
                markLength = 0
            }
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
        let separatorLine = atFileStart ? DialectSniffer.separatorLine(in: view, isWholeFile: sampleIsWhole) : nil
        hasSeparatorLine = separatorLine != nil
        var notes: [CSVDiagnostic] = []
        if declared == .windows1252, let bom {
            let name = bom.decoding == .utf8(declared: true) ? "UTF-8" : "UTF-16"
            notes.append(CSVDiagnostic(
                .warning, code: "csv.encoding-overridden",
                message: "the file starts with a \(name) byte-order mark, so it is read as \(name), not as the Windows-1252 declared for it",
                at: fileStart))
        }
        encodingFromMark = bom != nil && (declared == nil || declared == .windows1252)
        if let given = dialect.delimiter {
            delimiter = given
            if let separatorLine, separatorLine.delimiter != given {
                notes.append(CSVDiagnostic(
                    .warning, code: "csv.separator-line-overridden",
                    message: "the file's first line asks for delimiter \(RecordScanner.describe(separatorLine.delimiter)) but \(RecordScanner.describe(given)) was given and is used",
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
            throw CSVError(
                .malformed("\(RecordScanner.describe(delimiter)) cannot be a delimiter: it must be an ASCII character other than a quote or a line end"),
                at: fileStart, code: "csv.bad-delimiter")
        }
        guard let parser = LibCSVParser(delimiter: delimiter) else {
            throw CSVError(.io("cannot set up the CSV parser"), at: fileStart, code: "csv.io")
        }
        self.parser = parser
        accumulator = initialStorage.fields

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
        firstRecordPosition = first.position
        // `first` may go away with this scope; nothing reads `accumulator` between records, but
        // it should not point at freed storage either.
        accumulator = initialStorage.fields
        if hasHeader {
            header = first.fields
            try checkHeader(first)
        } else {
            pendingFirstRecord = first
        }
    }

    // MARK: - Reading

    /// See ``CSVReader/rawFields(ofRecordAt:encoding:)``.
    func rawFields(ofRecordAt offset: Int, encoding given: CSVEncoding?) throws -> [[UInt8]]? {
        let encoding: CSVEncoding? = if let given { given } else if case .undecided = decoding { nil } else { encoding }
        var scanner = try RecordScanner(
            source: source.reopened(at: offset), dialect: CSVDialect(delimiter: delimiter, hasHeader: false),
            encoding: encoding, chunkSize: chunkSize, maxRecordBytes: maxRecordBytes, atFileStart: offset == 0)
        var record = CSVRecord()
        guard try scanner.read(into: &record) else { return nil }
        return record.rawFields
    }

    /// See ``CSVReader/nonBlankLines(afterLineAt:)``.
    func nonBlankLines(afterLineAt offset: Int) throws -> Int {
        let rest = try source.reopened(at: offset)
        // Counted in code units: a UTF-16 character whose low byte is 0x0A is not a line end.
        let unitBytes: Int
        let bigEndian: Bool
        switch encoding {
        case .utf16LittleEndian: (unitBytes, bigEndian) = (2, false)
        case .utf16BigEndian: (unitBytes, bigEndian) = (2, true)
        case .utf8, .windows1252: (unitBytes, bigEndian) = (1, false)
        }
        let delimiter = UInt16(self.delimiter)
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        var count = 0
        var pastFirstLine = false
        var lineHasContent = false
        var afterCR = false
        var pending: UInt8?
        func endLine() {
            if pastFirstLine && lineHasContent { count += 1 }
            pastFirstLine = true
            lineHasContent = false
        }
        func take(_ unit: UInt16) {
            switch unit {
            case 0x0A: if !afterCR { endLine() }
            case 0x0D: endLine()
            // Spaces, tabs, delimiters and quotes: a line of empty fields (Excel's `;;;;`, or
            // `"";""`) is blank to the reader too.
            case 0x20, 0x09, 0x22, delimiter: break
            default: lineHasContent = true
            }
            afterCR = unit == 0x0D
        }
        while true {
            let read = try buffer.withUnsafeMutableBytes { bytes -> Int in
                guard let base = bytes.baseAddress else { return 0 }
                return try rest.read(into: base, count: bytes.count)
            }
            if read == 0 { break }
            for byte in buffer[0..<read] {
                guard unitBytes == 2 else {
                    take(UInt16(byte))
                    continue
                }
                guard let first = pending else {
                    pending = byte
                    continue
                }
                pending = nil
                take(bigEndian ? UInt16(first) << 8 | UInt16(byte) : UInt16(byte) << 8 | UInt16(first))
            }
        }
        endLine()
        return count
    }

    /// See ``CSVReader/read(into:)``.
    mutating func read(into record: inout CSVRecord) throws -> Bool {
        if let pending = pendingFirstRecord {
            record = pending
            pendingFirstRecord = nil
            dataRecordCount += 1
            return true
        }
        guard try nextRecord(into: &record) else {
            if hasHeader, !isEmptyFile, dataRecordCount == 0, !reportedHeaderOnly {
                reportedHeaderOnly = true
                report(CSVDiagnostic(
                    .note, code: "csv.header-only", message: "the file has a header but no data records",
                    at: firstRecordPosition))
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

    // MARK: - The scanning loop

    /// The next non-blank record, header included; false at the end.
    private mutating func nextRecord(into record: inout CSVRecord) throws -> Bool {
        if finished {
            if let stoppingError { throw stoppingError }
            return false
        }
        accumulator = record.prepareForReading()
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
    private mutating func fill() throws {
        let tail = end - start
        if tail > 0, start > 0 {
            buffer.update(from: buffer + start, count: tail)
        }
        bufferOffset += start
        start = 0
        end = tail
        let got = try source.read(into: buffer + end, count: chunkSize)
        end += got
        nextLF = -1
        nextCR = -1
        nextNUL = -1
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
    private mutating func processByteSegment(into record: inout CSVRecord) throws -> Bool {
        if nextLF < start {
            nextLF = memchr(buffer + start, 0x0A, end - start).map { $0.assumingMemoryBound(to: UInt8.self) - buffer } ?? end
        }
        if nextCR < start {
            nextCR = memchr(buffer + start, 0x0D, end - start).map { $0.assumingMemoryBound(to: UInt8.self) - buffer } ?? end
        }
        if nextNUL < start {
            nextNUL = memchr(buffer + start, 0x00, end - start).map { $0.assumingMemoryBound(to: UInt8.self) - buffer } ?? end
        }
        let lineEnd = min(nextLF, nextCR)
        var segmentEnd = limit
        var terminator = LineEnd.none
        if lineEnd < limit {
            segmentEnd = lineEnd + 1
            terminator = lineEnd == nextLF ? .lf : .cr
            // A CRLF whose LF is already here goes to libcsv in one piece (half the calls).
            if terminator == .cr, segmentEnd < limit, buffer[segmentEnd] == 0x0A {
                segmentEnd += 1
                terminator = .crlf
            }
        }
        let segment = buffer + start
        let count = segmentEnd - start
        let rawOffset = bufferOffset + start
        if nextNUL >= segmentEnd, TextDecoding.isASCII(segment, count: count) {
            try feed(UnsafeRawPointer(segment), count: count, raw: UnsafeRawPointer(segment), rawOffset: rawOffset, as: .identity)
        } else {
            let plain = TextDecoding.firstNonPlainByte(segment, count: count)
            try feedNonASCII(segment, count: count, rawOffset: rawOffset, firstNonPlain: plain)
        }
        start = segmentEnd
        return try endSegment(terminator: terminator, length: count, rawEnd: rawOffset + count, into: &record)
    }

    /// Checks a segment with a NUL or non-ASCII byte, decides the encoding if still open, and feeds
    /// it: UTF-8 as it is (checked in place, no copy), Windows-1252 transcoded.
    private mutating func feedNonASCII(_ segment: UnsafeMutablePointer<UInt8>, count: Int, rawOffset: Int, firstNonPlain: Int) throws {
        var index = firstNonPlain
        checking: while index < count {
            let byte = segment[index]
            if byte < 0x80 {
                if byte == 0 {
                    try feed(segment, count: index, raw: segment, rawOffset: rawOffset, as: .identity)
                    throw nulError(rawOffset: rawOffset + index)
                }
                // Skip the ASCII run, a word at a time.
                index += 1 + TextDecoding.firstNonPlainByte(segment + index + 1, count: count - index - 1)
                continue
            }
            switch decoding {
            case .windows1252:
                break checking
            case .undecided, .utf8:
                let sequence = TextDecoding.utf8SequenceLength(segment + index, available: count - index)
                if sequence > 0 {
                    if decoding == .undecided {
                        decoding = .utf8(declared: false)
                        firstUTF8Line = line
                    }
                    index += sequence
                    continue
                }
                try feed(segment, count: index, raw: segment, rawOffset: rawOffset, as: .identity)
                guard decoding == .undecided else {
                    throw encodingError(rawOffset: rawOffset + index, byte: byte, declaredUTF8: decoding == .utf8(declared: true))
                }
                decoding = .windows1252(declared: false)
                firstWindows1252Line = line
                report(CSVDiagnostic(
                    .note, code: "csv.windows-1252",
                    message: "the file is read as Windows-1252: byte 0x\(RecordScanner.hex(byte)) on line \(line) is not UTF-8 and no earlier line has UTF-8 text",
                    at: bytePosition(rawOffset + index)))
                try feedWindows1252(segment + index, count: count - index, rawOffset: rawOffset + index, firstNonPlain: 0)
                return
            case .utf16:
                preconditionFailure("UTF-16 input goes through processUTF16Segment")
            }
        }
        if index >= count {
            try feed(segment, count: count, raw: segment, rawOffset: rawOffset, as: .identity)
        } else {
            try feedWindows1252(segment, count: count, rawOffset: rawOffset, firstNonPlain: firstNonPlain)
        }
    }

    /// Transcodes a Windows-1252 segment to UTF-8 and feeds it. Unless the caller declared the
    /// encoding, a well-formed multi-byte UTF-8 sequence here means the file mixes encodings.
    private mutating func feedWindows1252(_ segment: UnsafeMutablePointer<UInt8>, count: Int, rawOffset: Int, firstNonPlain: Int) throws {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(start: segment, count: firstNonPlain))
        var index = firstNonPlain

        /// Hands libcsv what is decoded so far (so its field count locates the problem).
        func flush() throws {
            try scratch.withUnsafeBytes { decoded in
                try feed(decoded.baseAddress ?? UnsafeRawPointer(segment), count: decoded.count,
                         raw: segment, rawOffset: rawOffset, as: .windows1252)
            }
        }

        while index < count {
            let byte = segment[index]
            if byte < 0x80 {
                if byte == 0 {
                    try flush()
                    throw nulError(rawOffset: rawOffset + index)
                }
                scratch.append(byte)
            } else {
                // Declared Windows-1252 looks for UTF-8 text only until it has warned of it.
                if decoding == .windows1252(declared: false) || !warnedOfUTF8Text,
                   TextDecoding.utf8SequenceLength(segment + index, available: count - index) > 1
                {
                    if decoding == .windows1252(declared: false) {
                        try flush()
                        throw mixedEncodingError(rawOffset: rawOffset + index, utf8Found: true)
                    }
                    // Declared, so read as declared; but UTF-8 text read so turns to "Ã«": said once.
                    warnedOfUTF8Text = true
                    report(CSVDiagnostic(
                        .warning, code: "csv.utf8-in-windows-1252",
                        message: "line \(line) has bytes that are UTF-8 text, but the file is declared Windows-1252 and is read so "
                            + "(UTF-8 'ë' becomes 'Ã«'); if the file is UTF-8, remove the input's 'encoding'",
                        // Without a column: the parser has not been given this segment yet.
                        at: CSVPosition(file: displayName, line: line, record: recordIndex, byteOffset: rawOffset + index)))
                }
                TextDecoding.appendUTF8(TextDecoding.windows1252Scalar(byte), to: &scratch)
            }
            index += 1
        }
        try flush()
    }

    /// Processes one line (or up to `limit`) of UTF-16 input: transcodes it to UTF-8 and feeds it.
    private mutating func processUTF16Segment(bigEndian: Bool, into record: inout CSVRecord) throws -> Bool {
        if limit - start == 1 {
            throw CSVError(
                .malformed("the file ends in the middle of a UTF-16 character"),
                at: bytePosition(bufferOffset + start), code: "csv.invalid-utf16")
        }
        var segmentEnd = start
        var terminator = LineEnd.none
        while segmentEnd + 1 < limit {
            let unit = TextDecoding.utf16Unit(buffer + segmentEnd, bigEndian: bigEndian)
            segmentEnd += 2
            if unit == 0x0A || unit == 0x0D {
                terminator = unit == 0x0A ? .lf : .cr
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
    private mutating func feed(_ bytes: UnsafeRawPointer, count: Int, raw: UnsafeRawPointer, rawOffset: Int, as encoding: PieceEncoding) throws {
        var done = 0
        while done < count {
            done += parser.parse(bytes + done, count: count - done, into: accumulator)
            if done == count { break }  // libcsv only stops short on an error
            switch parser.status() {
            case .success:
                throw CSVError(.io("the CSV parser stopped without saying why"), at: recordPosition(), code: "csv.io")
            case .strictParseError:
                let at = bytePosition(rawOffset + RecordScanner.rawLength(ofDecoded: done, raw: raw, as: encoding))
                switch parser.strictViolation {
                case .quoteInUnquotedField:
                    // One warning per field, at its first stray quote: `he said "hi"` is one
                    // finding, not two that read the same.
                    if strayQuoteField.map({ $0 != (at.record, at.column) }) ?? true {
                        strayQuoteField = (at.record, at.column)
                        report(CSVDiagnostic(
                            .warning, code: "csv.stray-quote",
                            message: "a quote inside an unquoted field is taken as a literal character",
                            at: at))
                    }
                    done += parser.parseLenient(bytes + done, into: accumulator)
                case .textAfterClosingQuote:
                    let next = bytes.load(fromByteOffset: done, as: UInt8.self)
                    let text = next < 0x80 ? RecordScanner.describe(next) : "a non-ASCII character"
                    throw CSVError(
                        .malformed("\(text) follows the closing quote of a quoted field, where only the delimiter or a line end may; a quote inside a quoted field must be doubled"),
                        at: at, code: "csv.text-after-quote")
                }
            case .outOfMemory:
                throw CSVError(.io("out of memory while reading a field"), at: recordPosition(), code: "csv.out-of-memory")
            case .tooBig, .unknown:
                throw recordTooLargeError()
            }
        }
        if accumulator.pointee.byteCount + parser.pendingFieldBytes > maxRecordBytes {
            throw recordTooLargeError()
        }
    }

    /// Line bookkeeping after a segment, and the record it completed, if any.
    ///
    /// A CR counts as a line end at once; an LF right after a CR belongs to it (CRLF is one line
    /// end), and libcsv's empty row for that LF is neither a line nor a blank line.
    private mutating func endSegment(terminator: LineEnd, length: Int, rawEnd: Int, into record: inout CSVRecord) throws -> Bool {
        var isLFOfCRLF = false
        switch terminator {
        case .cr:
            line += 1
            previousByteWasCR = true
        case .crlf:
            line += 1
            previousByteWasCR = false
        case .lf:
            // The LF of a CRLF is a segment of its own: one code unit.
            let unitSize = if case .utf16 = decoding { 2 } else { 1 }
            isLFOfCRLF = previousByteWasCR && length == unitSize
            if !isLFOfCRLF { line += 1 }
            previousByteWasCR = false
        case .none:
            previousByteWasCR = false
        }
        guard accumulator.pointee.rowEnded else { return false }
        defer {
            recordStartLine = line
            recordStartOffset = rawEnd
        }
        return takeRow(into: &record, countBlank: !isLFOfCRLF)
    }

    /// At the end of the input: a quoted field still open stops the file; a last record without
    /// a line end is delivered.
    private mutating func finishInput(into record: inout CSVRecord) throws -> Bool {
        parser.finish(into: accumulator)
        switch parser.status() {
        case .success:
            break
        case .strictParseError:
            var position = recordPosition()
            position.column = accumulator.pointee.fieldCount + 1
            throw CSVError(
                .malformed("the quoted field in column \(position.column ?? 0) of the record starting on line \(position.line) is never closed: it runs to the end of the file"),
                at: position, code: "csv.unterminated-quote")
        case .outOfMemory:
            throw CSVError(.io("out of memory while reading a field"), at: recordPosition(), code: "csv.out-of-memory")
        case .tooBig, .unknown:
            throw recordTooLargeError()
        }
        guard accumulator.pointee.rowEnded else { return false }
        return takeRow(into: &record, countBlank: true)
    }

    /// Completes the row libcsv delivered into `record`, or counts it as blank and empties it.
    private mutating func takeRow(into record: inout CSVRecord, countBlank: Bool) -> Bool {
        if accumulator.pointee.fieldCount == 0 || accumulator.pointee.isBlank {
            if countBlank {
                blankLineCount += 1
                if firstBlankLines.count < CSVReader.maxListedBlankLines { firstBlankLines.append(recordPosition().line) }
            }
            accumulator.pointee.reset()
            return false
        }
        record.position = recordPosition()
        record.expectedFieldCount = nil
        recordIndex += 1
        return true
    }

    // MARK: - Header

    /// Stops on an empty or duplicate column name (compared after trimming spaces and tabs), and
    /// on a name that holds a line break: a quote opened in the header and closed only on a later
    /// line, which would take data rows into the header.
    private func checkHeader(_ record: CSVRecord) throws {
        var firstColumn: [String: Int] = [:]
        for (index, name) in header.enumerated() {
            var position = record.position
            position.column = index + 1
            if name.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) {
                throw CSVError(
                    .malformed("the header's column \(index + 1) runs past the end of line \(position.line): a quote opened there "
                        + "is not closed on that line"),
                    at: position, code: "csv.multiline-header")
            }
            let trimmed = RecordScanner.trimmed(name)
            if trimmed.isEmpty {
                throw CSVError(
                    .malformed("the header has an empty column name in column \(index + 1); name the column in the file, or remove it"),
                    at: position, code: "csv.empty-header-name")
            }
            if let earlier = firstColumn[trimmed] {
                throw CSVError(
                    .malformed("the header names '\(trimmed)' twice: in columns \(earlier) and \(index + 1); rename one of them in the file"),
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
            column: accumulator.pointee.fieldCount + 1)
    }

    private mutating func report(_ diagnostic: CSVDiagnostic) {
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
                .malformed("byte 0x\(RecordScanner.hex(byte)) on line \(line) is not valid UTF-8, which "
                    + (encodingFromMark ? "the file's byte-order mark says it is" : "the file was declared as")),
                at: bytePosition(rawOffset), code: "csv.invalid-utf8")
        }
        return mixedEncodingError(rawOffset: rawOffset, utf8Found: false)
    }

    /// A file that has both UTF-8 text and bytes that are not UTF-8 cannot be decoded either way
    /// without corrupting part of it.
    private func mixedEncodingError(rawOffset: Int, utf8Found: Bool) -> CSVError {
        // The line of the other encoding: where it was first seen.
        let other = utf8Found ? firstWindows1252Line : firstUTF8Line
        let found = other == line
            ? "line \(line) has both UTF-8 text and bytes that are not UTF-8"
            : utf8Found
                ? "line \(line) has UTF-8 text, but line \(other) has bytes that are not UTF-8"
                : "line \(line) has bytes that are not UTF-8, but line \(other) has UTF-8 text"
        return CSVError(.malformed(found + ": the file mixes encodings and cannot be read without corrupting part of it; "
                                   + "save it in one encoding (UTF-8)"),
                        at: bytePosition(rawOffset), code: "csv.mixed-encoding")
    }

    private func unpairedSurrogateError(rawOffset: Int, unit: UInt16) -> CSVError {
        CSVError(
            .malformed("UTF-16 code unit 0x\(String(unit, radix: 16, uppercase: true)) on line \(line) is half of a character whose other half is missing"),
            at: bytePosition(rawOffset), code: "csv.invalid-utf16")
    }

    private func recordTooLargeError() -> CSVError {
        var position = recordPosition()
        position.column = accumulator.pointee.fieldCount + 1
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

    static func hex(_ byte: UInt8) -> String {
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

/// The scanner's read buffer, freed with the scanner.
final class ChunkBuffer {
    let base: UnsafeMutablePointer<UInt8>

    init(capacity: Int) {
        base = .allocate(capacity: capacity)
    }

    deinit {
        base.deallocate()
    }
}

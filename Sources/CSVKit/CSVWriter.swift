internal import CLibCSV

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One cell to write: the caller says whether it is text (guarded against formulas) or a number
/// (written exactly as given).
public enum CSVCell: Hashable, Sendable, ExpressibleByStringLiteral {
    /// Text: gets a leading `'` when it starts with `=`, `+`, `-`, `@`, TAB, CR or NUL (OWASP
    /// CSV-injection guard) and is not a plain signed number (`-1`, `-99,0`: numbers are never
    /// altered), then is quoted when needed.
    case text(String)
    /// A number already formatted by the caller (e.g. `-2.5`): never altered, never guarded.
    case number(String)
    /// An empty cell.
    case empty

    public init(stringLiteral value: String) {
        self = .text(value)
    }
}

/// Writes RFC 4180 CSV: UTF-8 without BOM, LF line ends, fields quoted (with inner quotes doubled,
/// by libcsv's `csv_write2`) only when they hold the delimiter, a quote, CR or LF.
///
/// Output is buffered (64 KiB, more only while a longer row is written) and written to the file
/// as the buffer fills; ``finish()`` writes the rest and closes the file and must be called:
/// nothing is flushed in `deinit` (which only closes the file), so a writer dropped without
/// `finish()` leaves a truncated file that the caller's atomic rename never publishes. Memory:
/// the buffer only.
public final class CSVWriter {
    /// Where the bytes go.
    public enum Destination: Sendable {
        case file(String)
        /// An existing file, written after what it holds (a file closed to keep few open).
        case appending(String)
        case memory
    }

    public let delimiter: UInt8
    // Unchecked: a writer is used by one thread, and no method reaches these while another
    // access to them is open; the runtime's check cost more than writing the bytes.
    /// The bytes not yet written: `pendingCount` of `pendingCapacity` at `pending`, appended to
    /// by copying, never checked for sharing (the writer alone owns them). It grows only for a
    /// row longer than the flush threshold.
    @exclusivity(unchecked) private var pending: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private var pendingCount = 0
    @exclusivity(unchecked) private var pendingCapacity: Int
    /// The open file (written with `write(2)`, so no library buffer holds bytes back), or -1.
    private var descriptor: Int32 = -1
    private let path: String?
    @exclusivity(unchecked) private var finished = false
    /// Whether a row is open (between ``beginRow()`` and ``endRow()``), and whether a cell was
    /// written in it (so the next one needs a delimiter first).
    @exclusivity(unchecked) private var rowOpen = false
    @exclusivity(unchecked) private var rowHasCells = false
    /// Everything written so far when writing to memory; empty for files.
    public private(set) var bytes: [UInt8] = []

    private static let flushThreshold = 64 * 1024

    /// Opens the destination: a file created or truncated, a file to append to, or memory.
    public init(to destination: Destination, delimiter: UInt8 = UInt8(ascii: ",")) throws {
        self.delimiter = delimiter
        pendingCapacity = CSVWriter.flushThreshold + 4096
        pending = .allocate(capacity: pendingCapacity)
        switch destination {
        case .file(let path), .appending(let path):
            let flags = if case .appending = destination { O_WRONLY | O_APPEND | O_CLOEXEC } else { O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC }
            let opened = open(path, flags, 0o666)
            guard opened >= 0 else {
                throw CSVError(.io("cannot open for writing: " + String(cString: strerror(errno))),
                               at: CSVPosition(file: path))
            }
            descriptor = opened
            self.path = path
        case .memory:
            path = nil
        }
    }

    /// Writes a header row (all cells text).
    public func writeHeader(_ names: [String]) throws {
        try writeRow(names.map(CSVCell.text))
    }

    /// Writes one row of cells followed by LF.
    public func writeRow(_ cells: [CSVCell]) throws {
        try writeRow(rawFields: [], extra: cells)
    }

    /// Writes the leading cells, then the fields of a row exactly as read (for rejected-row files:
    /// re-quoted where needed, never guarded or otherwise altered), then the extra cells, followed
    /// by LF.
    public func writeRow(leading: [CSVCell] = [], rawFields: [[UInt8]], extra: [CSVCell] = []) throws {
        beginRow()
        for cell in leading { appendCell(cell) }
        for field in rawFields {
            startCell()
            appendField(field)
        }
        for cell in extra { appendCell(cell) }
        try endRow()
    }

    /// Starts a row whose cells come one by one through ``appendCell(_:)``, for a caller that
    /// would otherwise build an array of cells for every row; ``endRow()`` ends it. The row is
    /// written exactly as ``writeRow(_:)`` would write the same cells.
    public func beginRow() {
        precondition(!finished, "CSVWriter used after finish()")
        precondition(!rowOpen, "CSVWriter.beginRow() inside an open row")
        rowOpen = true
        rowHasCells = false
    }

    /// Appends a cell to the row opened by ``beginRow()``.
    public func appendCell(_ cell: CSVCell) {
        startCell()
        switch cell {
        case .empty: break
        case .number(let text): appendText(text, guarded: false)
        case .text(let text): appendText(text, guarded: true)
        }
    }

    /// Appends a whole number as a cell, as ``appendCell(_:)`` would `.number(String(value))`: its
    /// digits written straight into the row, with no string made for them.
    public func appendInteger(_ value: Int64) {
        startCell()
        // At most 19 digits and a sign.
        reserve(20)
        var magnitude = value.magnitude
        var digits = 0
        repeat {
            pending[pendingCount + digits] = UInt8(ascii: "0") + UInt8(magnitude % 10)
            magnitude /= 10
            digits += 1
        } while magnitude > 0
        if value < 0 {
            pending[pendingCount + digits] = UInt8(ascii: "-")
            digits += 1
        }
        // Written last digit first: turned round in place.
        var (low, high) = (pendingCount, pendingCount + digits - 1)
        while low < high {
            (pending[low], pending[high]) = (pending[high], pending[low])
            low += 1
            high -= 1
        }
        pendingCount += digits
    }

    /// Ends the row opened by ``beginRow()`` with LF.
    public func endRow() throws {
        precondition(rowOpen, "CSVWriter.endRow() without beginRow()")
        rowOpen = false
        appendByte(UInt8(ascii: "\n"))
        if pendingCount >= CSVWriter.flushThreshold { try flush() }
    }

    /// Writes what is buffered and closes the file. Throws when the disk refuses the bytes; the
    /// file is closed either way.
    public func finish() throws {
        guard !finished else { return }
        finished = true
        defer { closeFile() }
        try flush()
        if descriptor >= 0 {
            let closing = descriptor
            descriptor = -1
            if close(closing) != 0 {
                throw CSVError(.io("cannot close: " + String(cString: strerror(errno))),
                               at: CSVPosition(file: path ?? ""))
            }
        }
    }

    /// Closes the file without writing what is still buffered.
    deinit {
        closeFile()
        pending.deallocate()
    }

    /// The text of everything written, for in-memory writers.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    // MARK: - Private

    private func flush() throws {
        guard pendingCount > 0 else { return }
        if descriptor >= 0 {
            var failure: Int32 = 0
            var offset = 0
            while offset < pendingCount {
                let written = write(descriptor, pending + offset, pendingCount - offset)
                if written > 0 {
                    offset += written
                } else if written < 0, errno == EINTR {
                    continue
                } else {
                    failure = written == 0 ? EIO : errno
                    break
                }
            }
            if failure != 0 {
                throw CSVError(.io("cannot write: " + String(cString: strerror(failure))),
                               at: CSVPosition(file: path ?? ""))
            }
        } else if path == nil {
            bytes.append(contentsOf: UnsafeBufferPointer(start: pending, count: pendingCount))
        }
        pendingCount = 0
    }

    private func closeFile() {
        if descriptor >= 0 {
            close(descriptor)
            descriptor = -1
        }
    }

    /// The delimiter before every cell of an open row but the first.
    private func startCell() {
        precondition(rowOpen, "CSVWriter cell outside a row: call beginRow() first")
        if rowHasCells { appendByte(delimiter) }
        rowHasCells = true
    }

    /// Room for `count` more pending bytes: the buffer doubles (at least) when a row outgrows it.
    private func reserve(_ count: Int) {
        guard pendingCount + count > pendingCapacity else { return }
        let capacity = max(pendingCapacity * 2, pendingCount + count)
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        grown.update(from: pending, count: pendingCount)
        pending.deallocate()
        pending = grown
        pendingCapacity = capacity
    }

    private func appendByte(_ byte: UInt8) {
        reserve(1)
        pending[pendingCount] = byte
        pendingCount += 1
    }

    private func appendBytes(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        reserve(bytes.count)
        (pending + pendingCount).update(from: source, count: bytes.count)
        pendingCount += bytes.count
    }

    private func appendField(_ field: [UInt8]) {
        field.withUnsafeBufferPointer(appendField)
    }

    /// The field's bytes, quoted (inner quotes doubled, by libcsv) only when needed. The bytes
    /// are copied while they are checked (one pass for the common field that needs no quotes);
    /// a copy that meets a byte needing quotes is dropped and the field written quoted.
    private func appendField(_ field: UnsafeBufferPointer<UInt8>) {
        reserve(field.count)
        let out = pending + pendingCount
        // Every byte that needs quotes is at most this, so most bytes take one comparison.
        let highestSpecial = max(delimiter, UInt8(ascii: "\""))
        var plain = true
        for (offset, byte) in field.enumerated() {
            if byte <= highestSpecial, byte == delimiter || byte == UInt8(ascii: "\"") || byte == 0x0D || byte == 0x0A {
                plain = false
                break
            }
            out[offset] = byte
        }
        guard !plain else {
            pendingCount += field.count
            return
        }
        // Worst case every byte is a quote: 2n + 2 bytes.
        let capacity = field.count * 2 + 2
        reserve(capacity)
        pendingCount += csv_write2(pending + pendingCount, capacity, field.baseAddress, field.count, UInt8(ascii: "\""))
    }

    /// A cell's text as ``appendField(_:)`` would write `guardFormula` of its bytes (or the bytes
    /// themselves when not `guarded`), straight from the string's storage, without an array per
    /// cell unless it needs both the guard and quotes.
    private func appendText(_ text: String, guarded: Bool) {
        let written: Void? = text.utf8.withContiguousStorageIfAvailable { appendText(bytes: $0, guarded: guarded) }
        if written == nil {
            var text = text
            text.withUTF8 { appendText(bytes: $0, guarded: guarded) }
        }
    }

    private func appendText(bytes: UnsafeBufferPointer<UInt8>, guarded: Bool) {
        let prefixed = guarded && CSVWriter.runsAsFormula(bytes)
        guard prefixed else {
            appendField(bytes)
            return
        }
        guard needsQuotes(bytes) else {
            appendByte(UInt8(ascii: "'"))
            appendBytes(bytes)
            return
        }
        appendField([UInt8(ascii: "'")] + Array(bytes))
    }

    /// Whether a field must be quoted: it holds the delimiter, a quote, CR or LF.
    private func needsQuotes(_ field: UnsafeBufferPointer<UInt8>) -> Bool {
        for byte in field where byte == delimiter || byte == UInt8(ascii: "\"") || byte == 0x0D || byte == 0x0A {
            return true
        }
        return false
    }

    /// Prefixes `'` to text that a spreadsheet would run as a formula.
    static func guardFormula(_ field: [UInt8]) -> [UInt8] {
        guard field.withUnsafeBufferPointer(runsAsFormula) else { return field }
        return [UInt8(ascii: "'")] + field
    }

    /// Whether a spreadsheet could run this text as a formula: it starts with a formula byte
    /// (``startsFormula(_:)``) and is not a plain signed number such as `-1` or `-99,0` (a sign,
    /// digits and at most one `.` or `,` between digits), which a spreadsheet reads as a number
    /// and which is never altered.
    static func runsAsFormula(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = text.first, startsFormula(first) else { return false }
        guard first == UInt8(ascii: "-") || first == UInt8(ascii: "+"), text.count > 1 else { return true }
        var digitsBefore = 0
        var digitsAfter = 0
        var seenMark = false
        for byte in text.dropFirst() {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if seenMark { digitsAfter += 1 } else { digitsBefore += 1 }
            case UInt8(ascii: "."), UInt8(ascii: ","):
                guard !seenMark else { return true }
                seenMark = true
            default:
                return true
            }
        }
        return digitsBefore == 0 || (seenMark && digitsAfter == 0)
    }

    /// Whether text starting with this byte would be run as a formula by a spreadsheet.
    static func startsFormula(_ first: UInt8) -> Bool {
        switch first {
        case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D, 0x00: true
        default: false
        }
    }
}

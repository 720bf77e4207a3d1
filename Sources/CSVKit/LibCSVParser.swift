// The C glue: the only file that calls libcsv's parser. Everything here is deliberately small;
// the rules about lines, positions, encodings and malformed input live in CSVReader.

internal import CLibCSV

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// MARK: - Status

/// A libcsv status code. ``init(code:)`` is the one checking function every C status goes
/// through: `csv_init`'s result and, via ``LibCSVParser/status()``, `csv_error`'s.
enum LibCSVStatus: Equatable {
    case success
    /// `CSV_EPARSE`: strict mode met a quote where RFC 4180 allows none; the parser stopped on it.
    case strictParseError
    /// `CSV_ENOMEM`: libcsv could not grow its field buffer.
    case outOfMemory
    /// `CSV_ETOOBIG`: a field would need a buffer larger than `SIZE_MAX`.
    case tooBig
    case unknown(Int32)

    init(code: Int32) {
        switch code {
        case CSV_SUCCESS: self = .success
        case CSV_EPARSE: self = .strictParseError
        case CSV_ENOMEM: self = .outOfMemory
        case CSV_ETOOBIG: self = .tooBig
        default: self = .unknown(code)
        }
    }
}

/// Where libcsv stopped when it reported a strict parse error, read from its state.
enum LibCSVStrictViolation: Equatable {
    /// A quote inside a field that did not start with one (`a"b`).
    case quoteInUnquotedField
    /// Something other than the delimiter or a line end after a quoted field's closing quote (`"ab"c`).
    case textAfterClosingQuote
}

// MARK: - Callbacks

/// libcsv's field callback (`cb1`): appends the field to the accumulator behind `context`.
private func libcsvFieldCallback(_ field: UnsafeMutableRawPointer?, _ length: Int, _ context: UnsafeMutableRawPointer?) {
    context?.assumingMemoryBound(to: FieldAccumulator.self).pointee.appendField(field, count: length)
}

/// libcsv's row callback (`cb2`): marks the record complete. With `CSV_REPALL_NL` it also runs for
/// every line end outside a record, with no field before it; the reader tells those apart.
private func libcsvRowCallback(_ terminator: Int32, _ context: UnsafeMutableRawPointer?) {
    context?.assumingMemoryBound(to: FieldAccumulator.self).pointee.endRow()
}

/// Keeps every space: libcsv trims unquoted fields unless told that no byte is a space.
private func libcsvNoSpace(_ byte: UInt8) -> Int32 {
    0
}

// MARK: - Parser

/// One libcsv parser (`struct csv_parser`) with the options the reader needs.
///
/// Options: `CSV_STRICT` (stop on stray quotes so the reader can locate them), `CSV_STRICT_FINI`
/// (report a quoted field still open at the end), `CSV_REPALL_NL` (report every line end, so blank
/// lines are seen and counted), and a space function that keeps all spaces.
final class LibCSVParser {
    /// libcsv's parser state, at a stable address for the life of this object.
    private let parser: UnsafeMutablePointer<csv_parser>
    private let strictOptions = UInt8(CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL)
    private let lenientOptions = UInt8(CSV_REPALL_NL)
    /// libcsv grows its field buffer by this many bytes at a time (its `blk_size`); raised as
    /// fields grow so that a large field costs a logarithmic number of reallocations, not one per
    /// 128 bytes (libcsv's default).
    private let initialBlockSize = 64 * 1024

    /// Nil when libcsv refuses to initialise (it only does for a null parser).
    init?(delimiter: UInt8) {
        parser = .allocate(capacity: 1)
        guard LibCSVStatus(code: csv_init(parser, strictOptions)) == .success else {
            parser.deallocate()
            return nil
        }
        csv_set_delim(parser, delimiter)
        csv_set_quote(parser, UInt8(CSV_QUOTE))
        csv_set_space_func(parser, libcsvNoSpace)
        csv_set_blk_size(parser, initialBlockSize)
    }

    deinit {
        csv_free(parser)
        parser.deallocate()
    }

    /// libcsv's status after the last call, checked, and cleared so that parsing can go on after a
    /// strict error the reader chose to accept.
    func status() -> LibCSVStatus {
        let status = LibCSVStatus(code: csv_error(parser))
        parser.pointee.status = 0
        return status
    }

    /// Feeds bytes, whose fields go to `fields` (the unmanaged context of the callbacks); returns
    /// how many bytes libcsv consumed (fewer than given after a strict error, which ``status()``
    /// then reports; the byte it stopped on is the next one).
    func parse(_ bytes: UnsafeRawPointer, count: Int, into fields: UnsafeMutablePointer<FieldAccumulator>) -> Int {
        let consumed = csv_parse(parser, bytes, count, libcsvFieldCallback, libcsvRowCallback, fields)
        // Grow libcsv's field buffer geometrically: the next step is as large as the buffer.
        if parser.pointee.entry_size >= parser.pointee.blk_size &* 2 {
            csv_set_blk_size(parser, parser.pointee.entry_size)
        }
        return consumed
    }

    /// Feeds one byte with strict checking off: takes a stray quote in an unquoted field literally.
    func parseLenient(_ byte: UnsafeRawPointer, into fields: UnsafeMutablePointer<FieldAccumulator>) -> Int {
        csv_set_opts(parser, lenientOptions)
        defer { csv_set_opts(parser, strictOptions) }
        return csv_parse(parser, byte, 1, libcsvFieldCallback, libcsvRowCallback, fields)
    }

    /// Ends the input: delivers a last record that has no line end. Check ``status()`` afterwards:
    /// a strict parse error here means a quoted field was never closed.
    func finish(into fields: UnsafeMutablePointer<FieldAccumulator>) {
        _ = csv_fini(parser, libcsvFieldCallback, libcsvRowCallback, fields)
    }

    /// Bytes of the field being read that libcsv holds but has not yet delivered.
    var pendingFieldBytes: Int { parser.pointee.entry_pos }

    /// Which rule the last strict parse error broke, from the state libcsv stopped in.
    var strictViolation: LibCSVStrictViolation {
        // Strict mode stops in two places only: on a quote inside an unquoted field, and after the
        // closing quote of a quoted field (where `quoted` is still set).
        parser.pointee.quoted == 0 ? .quoteInUnquotedField : .textAfterClosingQuote
    }
}

/// Finds the delimiter from the start of a file: an Excel `sep=` first line, or else the candidate
/// that splits the first records most consistently.
///
/// Works on a byte view of the first 64 KiB (after any byte-order mark) in which only ASCII
/// matters; pure functions, so they are tested on literals.
enum DialectSniffer {
    /// Candidates in order of preference when two score the same.
    static let candidates: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), 0x09, UInt8(ascii: "|")]
    /// How many non-blank records the sniffer looks at.
    static let recordsToSniff = 20

    /// An Excel `sep=X` first line: the delimiter `X` and the line's length including its line end
    /// (CR, LF or CRLF). `sep` is matched without regard to case; `X` is any ASCII byte other than
    /// a quote or a line end. Nil when the first line is anything else.
    static func separatorLine(in bytes: ArraySlice<UInt8>, isWholeFile: Bool) -> (delimiter: UInt8, length: Int)? {
        let start = bytes.startIndex
        guard bytes.count >= 5 else { return nil }
        let prefix = bytes[start..<start + 4].map { $0 | 0x20 }  // ASCII lower case; '=' is unchanged
        guard prefix == Array("sep=".utf8) else { return nil }
        let delimiter = bytes[start + 4]
        guard delimiter > 0, delimiter < 0x80, delimiter != UInt8(ascii: "\""),
              delimiter != 0x0A, delimiter != 0x0D
        else { return nil }
        let after = start + 5
        if after == bytes.endIndex { return isWholeFile ? (delimiter, 5) : nil }
        switch bytes[after] {
        case 0x0A:
            return (delimiter, 6)
        case 0x0D:
            let crlf = after + 1 < bytes.endIndex && bytes[after + 1] == 0x0A
            return (delimiter, crlf ? 7 : 6)
        default:
            return nil
        }
    }

    /// The candidate delimiter that gives the first records (up to ``recordsToSniff``, blank ones
    /// left out) the most consistent field count above one; ties go to the larger count, then to
    /// the earlier candidate. Quotes are respected as the reader would: a quote opens a quoted
    /// field only at the start of a field, and delimiters and line ends inside one do not count.
    ///
    /// One exception: when a candidate splits the header, reads quoted fields over several lines
    /// and leaves no quote stray, a candidate that leaves quotes stray (a quote after text in a field, or text right
    /// after a closing quote) is out. Split at it, those quoted fields start and end mid-field and
    /// their lines become records of their own: a comma export whose quoted notes hold `;` on
    /// several lines has more `;` records than `,` ones. A stray quote alone decides nothing
    /// (`val van trap,"geen trauma"` in a `;` file is a literal quote at `;`). Nil when no
    /// candidate occurs outside quotes.
    static func sniffDelimiter(in bytes: ArraySlice<UInt8>, isWholeFile: Bool) -> UInt8? {
        let readings = candidates.map { candidate in
            let records = split(bytes, at: candidate, isWholeFile: isWholeFile)
            return (delimiter: candidate, records: records, strayQuotes: records.reduce(0) { $0 + $1.strayQuotes })
        }
        // A candidate that splits its header, leaves no quote stray and reads a quoted field
        // over several lines (one still open at the end of the sample counts: a quote never
        // closed is then said where it opens).
        let quotesExplained = readings.contains { reading in
            (reading.records.first?.fields ?? 1) > 1 && reading.strayQuotes == 0
                && reading.records.contains { $0.multilineFields > 0 }
        }
        var best: (delimiter: UInt8, rank: (frequency: Int, fields: Int))?
        for reading in readings {
            if quotesExplained, reading.strayQuotes > 0 { continue }
            guard let (fields, frequency) = mode(of: reading.records.map(\.fields)), fields > 1 else { continue }
            if let current = best, current.rank >= (frequency, fields) { continue }
            best = (reading.delimiter, (frequency, fields))
        }
        return best?.delimiter
    }

    /// One record as a candidate delimiter splits it.
    struct SniffedRecord {
        var fields = 1
        /// Quotes after other text in a field, or text other than spaces right after a closing quote.
        var strayQuotes = 0
        /// Quoted fields that hold a line end.
        var multilineFields = 0
    }

    /// The first non-blank records split at `delimiter` (see ``SniffedRecord``). The last record
    /// counts only when the sample is the whole file (otherwise it may be cut short), when it is
    /// a quoted field over several lines still open at the sample's end, or when it is the only
    /// one (a header longer than the sample).
    static func split(_ bytes: ArraySlice<UInt8>, at delimiter: UInt8, isWholeFile: Bool) -> [SniffedRecord] {
        let quote = UInt8(ascii: "\"")
        var records: [SniffedRecord] = []
        var record = SniffedRecord()
        var fieldSpansLines = false
        var hasContent = false
        var inQuotes = false
        var atFieldStart = true
        // The field has text other than spaces (so a quote now is stray), or a quoted part just closed.
        var fieldHasText = false
        var afterClosingQuote = false
        var index = bytes.startIndex
        while index < bytes.endIndex, records.count < recordsToSniff {
            let byte = bytes[index]
            index += 1
            if inQuotes {
                if byte == 0x0A || byte == 0x0D, !fieldSpansLines {
                    fieldSpansLines = true
                    record.multilineFields += 1
                }
                if byte == quote {
                    if index < bytes.endIndex, bytes[index] == quote {
                        index += 1
                    } else {
                        inQuotes = false
                        afterClosingQuote = true
                    }
                }
                continue
            }
            switch byte {
            case quote:
                if atFieldStart {
                    inQuotes = true
                    fieldSpansLines = false
                } else if fieldHasText || afterClosingQuote {
                    record.strayQuotes += 1
                }
                hasContent = true
                atFieldStart = false
                fieldHasText = true
            case delimiter:
                // A line of delimiters only (Excel's empty rows) counts: it has the file's width.
                record.fields += 1
                hasContent = true
                atFieldStart = true
                fieldHasText = false
                afterClosingQuote = false
            case 0x0A, 0x0D:
                if hasContent { records.append(record) }
                record = SniffedRecord()
                hasContent = false
                atFieldStart = true
                fieldHasText = false
                afterClosingQuote = false
            case 0x20, 0x09:
                atFieldStart = false
            default:
                if afterClosingQuote {
                    record.strayQuotes += 1
                    afterClosingQuote = false
                }
                hasContent = true
                atFieldStart = false
                fieldHasText = true
            }
        }
        if index == bytes.endIndex, hasContent, records.count < recordsToSniff,
           isWholeFile || fieldSpansLines && inQuotes || records.isEmpty {
            // The last record counts when the sample is the whole file, when it is a quoted field
            // over several lines still open at the sample's end (a quote never closed), or when it
            // is the first: a header longer than the sample (a wide REDCap export) is all there is
            // to go by, and its fields so far tell the delimiter.
            records.append(record)
        }
        return records
    }

    /// The most frequent value and its frequency; ties go to the larger value.
    private static func mode(of values: [Int]) -> (value: Int, frequency: Int)? {
        var frequencies: [Int: Int] = [:]
        for value in values { frequencies[value, default: 0] += 1 }
        return frequencies.max { ($0.value, $0.key) < ($1.value, $1.key) }.map { ($0.key, $0.value) }
    }
}

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

    /// The candidate delimiter whose reading of the first records (up to ``recordsToSniff``, blank
    /// ones left out) agrees best with the header: the most records with the header's field count
    /// (above one) and no stray quote (a quote after text in a field, or text right after a
    /// closing quote). Then, as when no candidate splits the header, the most consistent field
    /// count above one; ties go to the larger count, then to the earlier candidate. Quotes are
    /// respected as the reader would: a quote opens a quoted field only at the start of a field,
    /// and delimiters and line ends inside one do not count.
    ///
    /// Split at the wrong delimiter, a quoted field of the right one starts mid-field, and its
    /// lines become records: a comma export whose quoted notes hold `;` on several lines has more
    /// `;` records than `,` ones, but they agree neither with the header nor on their quotes.
    /// Nil when no candidate occurs outside quotes.
    static func sniffDelimiter(in bytes: ArraySlice<UInt8>, isWholeFile: Bool) -> UInt8? {
        var best: (delimiter: UInt8, rank: (Int, Int, Int))?
        for candidate in candidates {
            let records = split(bytes, at: candidate, isWholeFile: isWholeFile)
            let header = records.first?.fields ?? 1
            let agreeing = header > 1 ? records.filter { $0.fields == header && $0.strayQuotes == 0 }.count : 0
            guard let (fields, frequency) = mode(of: records.map(\.fields)), fields > 1 || agreeing > 0 else { continue }
            let rank = (agreeing, frequency, fields)
            if let current = best, current.rank >= rank { continue }
            best = (candidate, rank)
        }
        return best?.delimiter
    }

    /// Field counts of the first non-blank records when split at `delimiter`. The last record counts
    /// only when the sample is the whole file (otherwise it may be cut short).
    static func fieldCounts(in bytes: ArraySlice<UInt8>, delimiter: UInt8, isWholeFile: Bool) -> [Int] {
        split(bytes, at: delimiter, isWholeFile: isWholeFile).map(\.fields)
    }

    /// The first non-blank records split at `delimiter`: each one's field count and how many
    /// quotes the split leaves stray in it (a quote after other text in a field, or text other
    /// than spaces right after a closing quote).
    static func split(_ bytes: ArraySlice<UInt8>, at delimiter: UInt8, isWholeFile: Bool) -> [(fields: Int, strayQuotes: Int)] {
        let quote = UInt8(ascii: "\"")
        var records: [(fields: Int, strayQuotes: Int)] = []
        var strayQuotes = 0
        var fields = 1
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
                } else if fieldHasText || afterClosingQuote {
                    strayQuotes += 1
                }
                hasContent = true
                atFieldStart = false
                fieldHasText = true
            case delimiter:
                // A line of delimiters only (Excel's empty rows) counts: it has the file's width.
                fields += 1
                hasContent = true
                atFieldStart = true
                fieldHasText = false
                afterClosingQuote = false
            case 0x0A, 0x0D:
                if hasContent { records.append((fields, strayQuotes)) }
                fields = 1
                strayQuotes = 0
                hasContent = false
                atFieldStart = true
                fieldHasText = false
                afterClosingQuote = false
            case 0x20, 0x09:
                atFieldStart = false
            default:
                if afterClosingQuote {
                    strayQuotes += 1
                    afterClosingQuote = false
                }
                hasContent = true
                atFieldStart = false
                fieldHasText = true
            }
        }
        if isWholeFile, index == bytes.endIndex, hasContent, records.count < recordsToSniff {
            records.append((fields, strayQuotes))
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

/// The text encoding of a CSV file, as given by the caller or as the reader decided it.
public enum CSVEncoding: String, Sendable {
    /// UTF-8, with or without a byte-order mark (the mark is removed).
    case utf8
    /// UTF-16 little-endian; detected from the byte-order mark `FF FE`.
    case utf16LittleEndian
    /// UTF-16 big-endian; detected from the byte-order mark `FE FF`.
    case utf16BigEndian
    /// Windows-1252 (not ISO-8859-1: byte 0x80 is the euro sign); what Dutch Excel writes.
    case windows1252

    /// The name reports give the encoding: `utf-8`, `windows-1252`, `utf-16le`, `utf-16be`.
    public var name: String {
        switch self {
        case .utf8: "utf-8"
        case .windows1252: "windows-1252"
        case .utf16LittleEndian: "utf-16le"
        case .utf16BigEndian: "utf-16be"
        }
    }
}

/// How a CSV file is laid out.
public struct CSVDialect: Sendable, Hashable {
    /// The field delimiter; nil asks the reader to take it from an Excel `sep=` first line or to
    /// sniff it among `,` `;` TAB `|` from the first records.
    public var delimiter: UInt8?
    /// Whether the first record (after blank lines and a `sep=` line) names the columns.
    public var hasHeader: Bool = true

    public init(delimiter: UInt8? = nil, hasHeader: Bool = true) {
        self.delimiter = delimiter
        self.hasHeader = hasHeader
    }
}

/// A finding that does not stop the reader: the record it concerns is still delivered (flagged
/// where that applies), and the caller decides what to do with it.
public struct CSVDiagnostic: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: Sendable, Hashable {
        /// Something is wrong with a record, which is delivered anyway (e.g. a ragged row).
        case warning
        /// Something the data manager may want to know (e.g. the file was read as Windows-1252).
        case note
    }

    public var severity: Severity
    /// Stable identifier, e.g. `csv.ragged-row`; the list is in CSVKit's README.
    public var code: String
    /// One sentence in sentence case, user input in single quotes, no trailing period.
    public var message: String
    /// Where: the record (or byte) concerned; see CSVKit's README for which.
    public var position: CSVPosition

    public init(_ severity: Severity, code: String, message: String, at position: CSVPosition) {
        self.severity = severity
        self.code = code
        self.message = message
        self.position = position
    }

    public var description: String {
        "\(position): \(severity == .warning ? "warning" : "note"): \(message)"
    }
}

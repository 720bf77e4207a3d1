import StudyModel

/// One record of a table file as read: the line it starts on and its fields, unquoted.
///
/// The CSV reader fills these; tests build them from literals. Line numbers count from 1 (the
/// header is usually line 1), as in ``SourceLocation``.
public struct TableRecord: Hashable, Sendable {
    public var line: Int
    public var fields: [String]

    public init(line: Int, fields: [String]) {
        self.line = line
        self.fields = fields
    }
}

/// A whole small table file in memory: its name, header and records.
///
/// Literature evidence tables are a few dozen rows, so holding them is fine (unlike participant
/// exports, which stream).
public struct TableInput: Hashable, Sendable {
    /// The file as the user named it; used in every diagnostic.
    public var file: String
    public var header: [String]
    /// Line of the header, from 1.
    public var headerLine: Int
    public var records: [TableRecord]
    /// Blank lines the reader skipped, and the text encoding it read (`utf-8`, `windows-1252`, ...).
    public var blankLines: Int
    public var encoding: String

    public init(file: String, header: [String], headerLine: Int = 1, records: [TableRecord], blankLines: Int = 0,
                encoding: String = "utf-8") {
        self.file = file
        self.header = header
        self.headerLine = headerLine
        self.records = records
        self.blankLines = blankLines
        self.encoding = encoding
    }

    /// Columns by normalised name (trimmed, lower case) to their 0-based index; the first of
    /// duplicated names wins (duplicates are reported by ``checkHeader(required:optional:)``).
    func columnIndex() -> [String: Int] {
        var index: [String: Int] = [:]
        for (position, name) in header.enumerated() {
            let key = name.trimmingSpaces().lowercased()
            if index[key] == nil { index[key] = position }
        }
        return index
    }

    /// File-level problems of the header: missing required columns (errors), unknown and
    /// duplicated columns (warnings; unknown columns are ignored).
    func checkHeader(required: [String], optional: [String]) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        let names = header.map { $0.trimmingSpaces().lowercased() }
        let known = Set(required + optional)
        var seen = Set<String>()
        for (position, name) in names.enumerated() {
            let location = SourceLocation(file: file, line: headerLine, column: position + 1)
            if !seen.insert(name).inserted {
                diagnostics.append(Diagnostic(.warning, at: location, rule: "evidence.duplicate-column",
                                              message: "column '\(header[position])' appears more than once; the first is used",
                                              value: header[position]))
            } else if !known.contains(name) {
                diagnostics.append(Diagnostic(.warning, at: location, rule: "evidence.unknown-column",
                                              message: "column '\(header[position])' is not a known column and is ignored",
                                              value: header[position]))
            }
        }
        for name in required where !names.contains(name) {
            diagnostics.append(Diagnostic(.error, at: SourceLocation(file: file, line: headerLine), rule: "evidence.missing-column",
                                          message: "required column '\(name)' is missing", field: name))
        }
        return diagnostics
    }
}

/// Reads cells of one record by column name and records located problems.
struct RecordReader {
    let file: String
    let record: TableRecord
    let columns: [String: Int]
    private(set) var diagnostics: [Diagnostic] = []

    init(file: String, record: TableRecord, columns: [String: Int]) {
        self.file = file
        self.record = record
        self.columns = columns
    }

    var rowLocation: SourceLocation { SourceLocation(file: file, line: record.line) }

    /// The 1-based column of `name`, nil when the file has no such column.
    func column(_ name: String) -> Int? { columns[name].map { $0 + 1 } }

    func location(_ name: String) -> SourceLocation { rowLocation.column(column(name)) }

    /// The trimmed text of `name`, its line ends as LF (P/I/C/O lines, conclusion ids and support
    /// lines are split on them; a spreadsheet saved with CR LF writes CR LF inside cells too);
    /// empty when the column or the field is absent. The record keeps the fields as read, for
    /// `rejected/`.
    func text(_ name: String) -> String {
        guard let index = columns[name], index < record.fields.count else { return "" }
        return record.fields[index].withLineFeeds.trimmingSpaces()
    }

    /// The text as written, only trailing and leading spaces removed on each line (keeps the
    /// line breaks that separate P/I/C/O items).
    func multilineText(_ name: String) -> String {
        text(name).split(separator: "\n", omittingEmptySubsequences: false)
            .map { String($0).trimmingSpaces() }.joined(separator: "\n")
    }

    mutating func report(_ severity: Severity, _ name: String?, rule: String, _ message: String, value: String? = nil) {
        let location = name.map(location) ?? rowLocation
        diagnostics.append(Diagnostic(severity, at: location, rule: rule, message: message, field: name, value: value))
    }

    var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// A required non-empty text cell; an error when empty.
    mutating func required(_ name: String, what: String) -> String {
        let value = text(name)
        if value.isEmpty { report(.error, name, rule: "evidence.missing-value", "missing \(what)") }
        return value
    }

    /// An optional decimal (`.` or a single `,` as decimal mark); an error when not a finite number.
    mutating func decimal(_ name: String, what: String) -> Double? {
        let value = text(name)
        guard !value.isEmpty else { return nil }
        guard let number = parseDecimal(value) else {
            report(.error, name, rule: "evidence.not-a-number", "the \(what) '\(value)' is not a number", value: value)
            return nil
        }
        return number
    }

    /// An optional whole number; an error when not one.
    mutating func integer(_ name: String, what: String) -> Int? {
        let value = text(name)
        guard !value.isEmpty else { return nil }
        guard let number = Int(value) else {
            report(.error, name, rule: "evidence.not-an-integer", "the \(what) '\(value)' is not a whole number", value: value)
            return nil
        }
        return number
    }
}

/// A finite decimal written with digits, an optional sign, one decimal mark (`.`, or `,` as
/// Dutch authors write it) and an optional exponent; nil for anything else (including `nan`,
/// `inf` and hexadecimal, which `Double.init` would accept).
func parseDecimal(_ text: String) -> Double? {
    var normalised = text.trimmingSpaces()
    if normalised.contains(","), !normalised.contains(".") {
        guard normalised.filter({ $0 == "," }).count == 1 else { return nil }
        normalised = String(normalised.map { $0 == "," ? "." : $0 })
    }
    let allowed = Set("0123456789+-.eE")
    guard !normalised.isEmpty, normalised.allSatisfy(allowed.contains), normalised.contains(where: \.isNumber),
          let value = Double(normalised), value.isFinite else { return nil }
    return value
}

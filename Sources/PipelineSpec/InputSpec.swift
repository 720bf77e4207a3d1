import StudyModel

/// The data-capture system an export comes from; it sets defaults (delimiter, date format,
/// checkbox column naming) that the input may override.
public enum SourceSystem: String, Sendable, Hashable, CaseIterable {
    /// Castor EDC: `;`, dates `dd-mm-yyyy`, checkbox columns `variable#option`.
    case castor
    /// REDCap: `,`, dates `yyyy-mm-dd`, checkbox columns `variable___code`.
    case redcap
    /// A spreadsheet or other export: the delimiter is sniffed, dates need a declared format.
    case generic

    /// The date format a source writes unless the pipeline says otherwise; nil for `generic`.
    public var defaultDateFormat: DateFormat? {
        switch self {
        case .castor: .dayMonthYearDash
        case .redcap: .iso
        case .generic: nil
        }
    }

    /// The names a source gives the column of one checkbox option (or, in REDCap, of one
    /// missing-data code) of question `variable`; none when the source has no checkbox convention.
    /// REDCap writes the code in lower case, with every character other than a letter, digit or
    /// `_` as `_` (`-999` → `variable____999`); the code as written is looked for too.
    public func checkboxColumns(variable: String, code: String) -> [String] {
        switch self {
        case .castor:
            return [variable + "#" + code]
        case .redcap:
            let lower = code.lowercased()
            let written = String(lower.unicodeScalars.map { scalar -> Character in
                (scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar))) || scalar == "_" ? Character(scalar) : "_"
            })
            return (written == lower ? [lower] : [lower, written]).map { variable + "___" + $0 }
        case .generic:
            return []
        }
    }
}

/// What one row of an input describes.
public enum InputHolds: String, Sendable, Hashable, CaseIterable {
    /// Participant-level wide data: one row per participant.
    case participants
    /// Visit-level long data: one row per participant and visit.
    case visits

    public var level: FieldLevel { self == .participants ? .participant : .visit }
}

/// Text encodings an input may declare instead of letting the reader detect one.
public enum TextEncoding: String, Sendable, Hashable, CaseIterable {
    case utf8 = "utf-8"
    case windows1252 = "windows-1252"
}

/// The decimal mark of an input; without it only unambiguous numbers are accepted
/// (`1,234` could be either and is rejected).
public enum DecimalMark: String, Sendable, Hashable, CaseIterable {
    case comma
    case point
}

/// The date formats a pipeline can declare. Ambiguous dates are never guessed value by value:
/// the pipeline file says which format a column uses.
public enum DateFormat: String, Sendable, Hashable, CaseIterable {
    /// `31-12-2024`: two-digit day and month, four-digit year (Castor).
    case dayMonthYearDash = "dd-mm-yyyy"
    /// `1-2-2024` or `01-02-2024`: one or two digits for day and month.
    case dayMonthYearShort = "d-m-yyyy"
    /// `2024-12-31` (REDCap raw exports, ISO 8601).
    case iso = "yyyy-mm-dd"
    /// `31/12/2024`.
    case dayMonthYearSlash = "dd/mm/yyyy"
    /// Excel serial day numbers in the 1900 date system (spreadsheet exports).
    case excelSerial = "excel-serial"
}

/// One `inputs:` entry after loading.
public struct InputSpec: Sendable, Hashable {
    /// The path or glob as written (relative to the pipeline file).
    public var path: String
    /// Where `path` is written in the pipeline file (glob problems are reported here).
    public var location: SourceLocation
    public var source: SourceSystem
    public var holds: InputHolds
    /// The field delimiter byte when declared; nil lets the reader sniff it.
    public var delimiter: UInt8?
    /// The text encoding when declared; nil lets the reader detect it.
    public var encoding: TextEncoding?
    /// The decimal mark when declared; nil accepts only unambiguous numbers.
    public var decimalMark: DecimalMark?
    /// The date format of date columns without their own `date_format`; nil uses the source's.
    public var dateFormat: DateFormat?
    /// A constant site for files without a site column.
    public var site: String?
    /// For visits inputs: visit names (matching keys, see ``Vocabularies/key(_:)``) whose rows
    /// hold participant-level data instead of a visit, such as REDCap's screening event.
    public var participantRows: Set<String> = []
    /// The effective field mapping: the pipeline-wide mapping with this input's overrides.
    public var fields: FieldMapping

    public init(
        path: String, location: SourceLocation, source: SourceSystem, holds: InputHolds,
        delimiter: UInt8? = nil, encoding: TextEncoding? = nil, decimalMark: DecimalMark? = nil,
        dateFormat: DateFormat? = nil, site: String? = nil, fields: FieldMapping
    ) {
        self.path = path
        self.location = location
        self.source = source
        self.holds = holds
        self.delimiter = delimiter
        self.encoding = encoding
        self.decimalMark = decimalMark
        self.dateFormat = dateFormat
        self.site = site
        self.fields = fields
    }

    /// The date format that applies to a field of this input: the field's own, else the
    /// input's, else the source's default; nil when none is declared.
    public func dateFormat(for field: Field) -> DateFormat? {
        fields[field]?.dateFormat ?? dateFormat ?? source.defaultDateFormat
    }
}

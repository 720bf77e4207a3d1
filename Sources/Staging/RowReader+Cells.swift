import CSVKit
import PipelineSpec
import StudyModel

/// Reads cells from their bytes with the pipeline's vocabularies and declared missing codes.
///
/// A class held by the ``Stager`` for the whole run, so that reading a cell uses it in place
/// (a struct of this size was copied for every cell).
final class CellReader {
    let booleans: ByteLookup<Bool>
    let sex: ByteLookup<String>
    let arms: ByteLookup<String>
    let visits: ByteLookup<String>
    let sites: ByteLookup<String>
    let declaredMissing: ByteLookup<MissingReason>
    let castorMissing: Bool
    /// Whether the pipeline declares sites (then a site cell must be one of them).
    let hasSites: Bool
    /// Whether cells may be read from their bytes at all: not when a declared missing code is
    /// non-ASCII, since only the string lookup can then tell that a cell is no such code.
    let readsBytes: Bool

    init(_ spec: PipelineSpec) {
        let vocabularies = spec.vocabularies
        booleans = ByteLookup(vocabularies.booleans)
        sex = ByteLookup(vocabularies.sex)
        arms = ByteLookup(vocabularies.armCodes)
        visits = ByteLookup(vocabularies.visitNames)
        sites = ByteLookup(vocabularies.sites)
        declaredMissing = ByteLookup(spec.missingCodes.declared, foldsCase: false)
        castorMissing = spec.missingCodes.castor
        hasSites = !vocabularies.sites.isEmpty
        readsBytes = !declaredMissing.keys.hasNonASCIIKeys
    }

    /// The participant id of the row before, as bytes and as text: the rows of one participant
    /// follow each other, and a match saves making the same string again.
    final class LastText {
        // Unchecked: one row reader owns it and reaches each property once at a time.
        @exclusivity(unchecked) var bytes: [UInt8] = []
        @exclusivity(unchecked) var text = ""
    }

    /// What reading a cell from its bytes did.
    enum Outcome {
        /// The cell's value is stored.
        case stored
        /// The cell is empty (after trimming); nothing is stored, the caller decides.
        case empty
        /// The cell is not pure ASCII of a common form, or holds a problem: nothing is stored,
        /// and ``RowReader/readCell(_:_:)`` reads it from its text.
        case unread
    }

    /// Reads field `column.index` of `record` into `values` when the cell is pure ASCII and of a
    /// common form, with no issue to report.
    ///
    /// Mirrors ``RowReader/readCell(_:_:)`` step by step and stores what it would return: ASCII
    /// text is its own NFC form and its white space is ASCII, so trimming is byte-level; missing
    /// codes come first (declared, then Castor's); then the field's kind decides, through
    /// ``Normalise/number(ascii:decimalMark:)``, ``Normalise/date(ascii:format:decimalMark:)`` and
    /// the byte vocabularies.
    ///
    /// A text field keeps its last text in `last`, and takes it again for the same bytes.
    func read(_ cell: UnsafeRawBufferPointer, _ column: RowReader.PlannedColumn, decimalMark: DecimalMark?,
              into values: FieldValuesBuilder, last: LastText) -> Outcome {
        var high: UInt8 = 0
        for byte in cell { high |= byte }
        guard high < 0x80 else { return .unread }
        var start = 0
        var end = cell.count
        while start < end, Normalise.isASCIISpace(cell[start]) { start += 1 }
        while end > start, Normalise.isASCIISpace(cell[end - 1]) { end -= 1 }
        if start == end { return .empty }
        let text = UnsafeRawBufferPointer(rebasing: cell[start..<end])
        let field = column.field
        if !declaredMissing.keys.isEmpty, let reason = declaredMissing[text] {
            values[field] = .missing(reason)
            return .stored
        }
        if castorMissing, let reason = Normalise.castorMissingReason(ascii: text) {
            values[field] = .missing(reason)
            return .stored
        }
        switch column.kind {
        case .text:
            // A CR inside the text is a line end that ``Normalise/text(_:)`` rewrites; a line
            // break in an id or a site is a problem (``RowReader/isOneLineField(_:)``).
            if text.contains(0x0D) { return .unread }
            if RowReader.isOneLineField(field), text.contains(where: { (0x0A...0x0C).contains($0) }) { return .unread }
            if field == .site, hasSites {
                guard let site = sites[text] else { return .unread }
                values.setText(site, for: field)
            } else if text.count > 8 {
                // Too long to be kept inline: a string, the last one again when the bytes match.
                if !last.bytes.elementsEqual(text) {
                    last.bytes.removeAll(keepingCapacity: true)
                    last.bytes.append(contentsOf: text)
                    last.text = String(decoding: text, as: UTF8.self)
                }
                values.setText(last.text, for: field)
            } else {
                values.setText(utf8: text, for: field)
            }
        case .integer, .decimal:
            guard let number = Normalise.number(ascii: text, decimalMark: decimalMark) else { return .unread }
            // A whole number: its truncation is itself (fast-path numbers are below 2^53 in size).
            if column.whole, Double(Int64(number)) != number { return .unread }
            values.setNumber(field == .durationWeeks ? column.unit.map { Normalise.weeks(number, unit: $0) } ?? number : number,
                             for: field)
        case .boolean:
            guard let flag = booleans[text] else { return .unread }
            values.setBoolean(flag, for: field)
        case .date:
            guard let format = column.dateFormat,
                  let (date, year) = Normalise.date(ascii: text, format: format, decimalMark: decimalMark) else { return .unread }
            if castorMissing, let reason = Normalise.castorMissingDate(year: year) {
                values[field] = .missing(reason)
            } else {
                values.setDate(date, for: field)
            }
        case .code:
            switch field {
            case .sex:
                guard let code = sex[text] else { return .unread }
                values.setText(code, for: field)
            case .arm:
                guard let arm = arms[text] else { return .unread }
                values.setText(arm, for: field)
            case .visit:
                guard let visit = visits[text] else { return .unread }
                values.setText(visit, for: field)
            default:
                values.setText(utf8: text, for: field)
            }
        }
        return .stored
    }
}

extension RowReader {

    /// One cell to a value from its text: trim and NFC, missing codes, then by the field's kind.
    /// Reports the cell's problems.
    mutating func readCell(_ raw: String, _ column: PlannedColumn) -> Value? {
        let field = column.field
        let text = Normalise.text(raw)
        if let reason = Normalise.missingReason(text, codes: missingCodes) { return .missing(reason) }
        let result: Result<Value, ValueProblem>
        switch field.kind {
        case .text:
            if RowReader.isOneLineField(field), text.contains(where: \.isNewline) {
                result = .failure(ValueProblem(rule: "type", message: "\(Normalise.quoted(text)) is not one line",
                                               hint: "an id or a site heads lines and columns of the reports"))
            } else if field == .site, !vocabularies.sites.isEmpty {
                result = Normalise.code(text, vocabulary: vocabularies.sites, what: "site").map(Value.text)
            } else {
                result = .success(.text(text))
            }
        case .integer, .decimal:
            result = RowReader.number(text, decimalMark: input.decimalMark, source: input.source).flatMap { number in
                var value = number
                if field == .durationWeeks, let unit = column.unit { value = Normalise.weeks(number, unit: unit) }
                if column.whole, number != number.rounded() || RowReader.writesAFraction(text, wholeValue: number) {
                    return .failure(ValueProblem(rule: "type", message: "\(Normalise.quoted(text)) is not a whole number"))
                }
                return .success(.number(value))
            }
        case .boolean:
            result = Normalise.boolean(text, vocabulary: vocabularies.booleans).map(Value.boolean)
        case .date:
            guard let format = column.dateFormat else {
                result = .failure(ValueProblem(rule: "date", message: "\(Normalise.quoted(text)) cannot be read: no date format is declared"))
                break
            }
            result = Normalise.date(text, format: format, decimalMark: input.decimalMark).map { date in
                if missingCodes.castor, let reason = Normalise.castorMissingDate(date) { return .missing(reason) }
                return .date(date)
            }
        case .code:
            switch field {
            case .sex: result = Normalise.code(text, vocabulary: vocabularies.sex, what: "sex").map(Value.text)
            case .arm: result = Normalise.code(text, vocabulary: vocabularies.armCodes, what: "arm").map(Value.text)
            case .visit: result = Normalise.code(text, vocabulary: vocabularies.visitNames, what: "visit").map(Value.text)
            default: result = .success(.text(text))
            }
        }
        switch result {
        case .success(let value):
            guard expectations[field].allowed != nil else { return value }
            return checkAllowed(value, field: field, raw: raw)
        case .failure(let problem):
            set(field, nil)
            return fieldProblem(field, rule: problem.rule, raw: raw, message: problem.text(for: field.name),
                                unusable: true)
        }
    }

    /// Whether `field` names something in the report's lines and headings (the participant id,
    /// the site), so that its value must be one line.
    static func isOneLineField(_ field: Field) -> Bool {
        field == .participantID || field == .site
    }

    private mutating func checkAllowed(_ value: Value, field: Field, raw: String) -> Value {
        guard let allowed = expectations[field].allowed, !value.isMissing, !allowed.contains(value.canonicalText) else {
            return value
        }
        let list = allowed.map { Normalise.quoted($0) }.joined(separator: ", ")
        set(field, value)
        let replaced = fieldProblem(field, rule: "allowed", raw: raw,
                                    message: "the value \(Normalise.quoted(value.canonicalText)) is not allowed for '\(field.name)' (allowed: \(list))",
                                    unusable: false)
        return replaced ?? value
    }

    /// Whether `text`, read as the whole number `wholeValue`, writes a fraction that is not zero
    /// but was lost in reading (`29,99999999999999999999` is 30 as a double). Its marks grouped
    /// thousands when its digits alone give the value; else the last mark is the decimal mark.
    static func writesAFraction(_ text: String, wholeValue: Double) -> Bool {
        // Read as a double, as the number was, so that grouped numbers of any length compare.
        let digits = text.utf8.filter { (0x30...0x39).contains($0) }
        if let whole = Double(String(decoding: digits, as: UTF8.self)), whole == abs(wholeValue) { return false }
        guard let mark = text.utf8.lastIndex(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: ".") }) else { return false }
        return text.utf8[text.utf8.index(after: mark)...].contains { (0x31...0x39).contains($0) }
    }

    /// A number cell of an input from `source` with the input's declared decimal mark, if any.
    ///
    /// REDCap writes no thousands separators, so in a `redcap` input that declares no mark a lone
    /// `.` or `,` (`104.500`, `6,5` from a comma-decimal field) is the decimal mark, and a number
    /// with more than one mark (`1.234.567`, `1.234,5`) is none REDCap writes: an error, not a
    /// guess at thousands. Elsewhere ``Normalise/number(_:decimalMark:)`` decides.
    static func number(_ text: String, decimalMark: DecimalMark?, source: SourceSystem) -> Result<Double, ValueProblem> {
        guard decimalMark == nil, source == .redcap else { return Normalise.number(text, decimalMark: decimalMark) }
        let points = text.utf8.filter { $0 == 0x2E }.count
        let commas = text.utf8.filter { $0 == 0x2C }.count
        switch (points, commas) {
        case (1, 0): return Normalise.number(text, decimalMark: .point)
        case (0, 1): return Normalise.number(text, decimalMark: .comma)
        case (0, 0): return Normalise.number(text, decimalMark: nil)
        default:
            // A number only with thousands separators is none REDCap writes; anything else keeps
            // its own problem (`1.2.3`).
            let grouped = [DecimalMark.point, .comma].contains { mark in
                if case .success = Normalise.number(text, decimalMark: mark) { return true }
                return false
            }
            guard grouped else { return Normalise.number(text, decimalMark: nil) }
            return .failure(ValueProblem(rule: "number", message: "\(Normalise.quoted(text)) is not a number REDCap writes",
                                         hint: "it has more than one '.' or ',', and REDCap writes no thousands separators; if the "
                                             + "file was saved with them, declare the input's 'decimal_mark' (comma or point: the "
                                             + "mark before the decimals)"))
        }
    }
}

import CSVKit
import PipelineSpec
import StudyModel

/// Turns one record of one file into typed values, checks them, and commits the row to the
/// stager's participants and visits when nothing rejects it.
final class RowReader {
    unowned let stager: Stager
    let fileIndex: Int
    let file: InputFile
    let input: InputSpec
    let binding: ColumnBinding
    let expectations: Expectations
    /// Field → column (from 1) in this file.
    let columnOf: [Field: Int]
    /// The reasons of the last rejected row.
    private(set) var lastReasons: [String] = []

    // Per-row state, reset for each record.
    var issues: [Diagnostic] = []
    var location = SourceLocation(file: "")
    var participantValues = FieldValues(level: .participant)
    var visitValues = FieldValues(level: .visit)
    /// What the current row holds: the input's level, or participant data in a visits input
    /// (`participant_rows`, e.g. REDCap's screening event).
    var rowLevel = FieldLevel.participant
    /// Column (from 0) of the visit field, for recognising participant rows in a visits input.
    let visitColumn: Int?
    /// Everything a cell needs, looked up once per file rather than once per cell (field
    /// lookups hash the field's name).
    let plan: [PlannedColumn]
    /// Fields with a range that this file can fill (read or derived), in declaration order.
    let rangeChecks: [(field: Field, range: ClosedRange<Double>)]
    /// Required fields per level, without the key fields (checked on their own).
    let requiredFields: [FieldLevel: [Field]]
    /// Whether `age` is read from a column (only then can it disagree with the birth year).
    let ageFromColumn: Bool
    /// Fields with a `unique` expectation.
    let uniqueFields: [Field]

    struct PlannedColumn {
        let field: Field
        let index: Int
        let expectation: FieldExpectation
        let unit: DurationUnit?
        let dateFormat: DateFormat?
    }

    init(stager: Stager, fileIndex: Int, file: InputFile, input: InputSpec, binding: ColumnBinding) {
        self.stager = stager
        self.fileIndex = fileIndex
        self.file = file
        self.input = input
        self.binding = binding
        expectations = stager.spec.expectations
        var columns: [Field: Int] = [:]
        for (field, index) in binding.columns { columns[field] = index + 1 }
        columnOf = columns
        visitColumn = binding.columns.first { $0.field == .visit }?.index
        let expectations = stager.spec.expectations
        plan = binding.columns.map { column in
            PlannedColumn(field: column.field, index: column.index, expectation: expectations[column.field],
                          unit: input.fields[column.field]?.unit, dateFormat: input.dateFormat(for: column.field))
        }
        let filled = Set(binding.columns.map(\.field) + binding.derived.map(\.field))
        rangeChecks = Field.allCases.compactMap { field in
            guard filled.contains(field), let range = expectations[field].range else { return nil }
            return (field, range)
        }
        var required: [FieldLevel: [Field]] = [:]
        for level in [FieldLevel.participant, .visit] {
            required[level] = Field.fields(at: level).filter {
                $0 != .participantID && $0 != .visit && expectations[$0].required
            }
        }
        requiredFields = required
        if case .column = input.fields[.age]?.source { ageFromColumn = true } else { ageFromColumn = false }
        uniqueFields = Field.allCases.filter { expectations[$0].unique }
    }

    /// The reason code of a value emptied by a rule under `policy: null-field`.
    static func invalid(_ rule: String) -> Value {
        .missing(.declared(code: "invalid", label: "emptied by rule '\(rule)'"))
    }

    // MARK: - One row

    /// Reads, checks and (when nothing rejects it) commits one record. Emits the row's issues.
    /// Returns true when the row is accepted.
    func process(_ record: CSVRecord) throws -> Bool {
        issues.removeAll(keepingCapacity: true)
        lastReasons.removeAll()
        location = SourceLocation(file: file.displayName, line: record.position.line, byteOffset: record.position.byteOffset)
        participantValues = FieldValues(level: .participant)
        visitValues = FieldValues(level: .visit)

        if let expected = record.expectedFieldCount {
            let message = "the record has \(record.count) \(record.count == 1 ? "field" : "fields") where the header has \(expected)"
            // Too many fields: point at the first extra one, as the reader does.
            let column = record.count > expected ? expected + 1 : nil
            issues.append(Diagnostic(.error, at: location.column(column), rule: "csv.ragged-row", message: message))
            return try finish(accepted: false)
        }

        rowLevel = input.holds.level
        if !input.participantRows.isEmpty, let visitColumn, visitColumn < record.count,
           input.participantRows.contains(Vocabularies.key(record[visitColumn])) {
            rowLevel = .participant
        }
        for column in plan {
            if rowLevel == .participant, column.field.level == .visit { continue }
            let raw = record[column.index]
            let value = readCell(raw, column)
            // An empty participant-level cell on a visit row tells nothing about the participant.
            if rowLevel == .visit, column.field.level == .participant, column.field != .participantID,
               value == .missing(.empty) { continue }
            set(column.field, value)
        }
        if let site = input.site, participantValues[.site] == nil {
            let text = Normalise.text(site)
            participantValues[.site] = .text(stager.spec.vocabularies.sites[Vocabularies.key(text)] ?? text)
        }

        let participantID = participantValues[.participantID]?.text
        if participantID == nil || participantID?.isEmpty == true {
            let reason = participantValues[.participantID]?.missingReason.map { " (\($0))" } ?? ""
            issues.append(issue(.error, rule: "required", field: .participantID, raw: nil,
                                message: "the participant id is missing\(reason)"))
        }
        var timepoint: Timepoint?
        if rowLevel == .visit {
            if let name = visitValues[.visit]?.text {
                timepoint = stager.spec.schedule.timepoint(named: name)
            } else if issues.allSatisfy({ $0.field != Field.visit.name }) {
                let reason = visitValues[.visit]?.missingReason.map { " (\($0))" } ?? ""
                issues.append(issue(.error, rule: "required", field: .visit, raw: nil, message: "the visit is missing\(reason)"))
            }
        }

        checkRequired()
        applyRowRules()
        derive()
        checkRanges()

        var duplicate = false
        if let participantID, !participantID.isEmpty, !hasErrors {
            if rowLevel == .participant {
                duplicate = checkParticipantRow(participantID, values: participantValues)
            } else if let timepoint {
                duplicate = checkVisitRow(participantID, timepoint, values: visitValues)
            }
        }
        let accepted = !hasErrors
        if let participantID, !participantID.isEmpty {
            if accepted, rowLevel == .participant {
                commitParticipantRow(participantID, values: participantValues, duplicate: duplicate)
            } else if accepted, let timepoint {
                commitVisitRow(participantID, timepoint, carried: participantValues, values: visitValues, duplicate: duplicate)
            } else if !accepted, rowLevel == .participant, stager.participants[participantID] == nil {
                stager.rejectedParticipants[participantID] = location
            }
        }
        for index in issues.indices {
            if issues[index].participant == nil { issues[index].participant = participantID }
            if issues[index].visit == nil { issues[index].visit = timepoint?.name }
        }
        return try finish(accepted: accepted)
    }

    private var hasErrors: Bool { issues.contains { $0.severity == .error } }

    private func finish(accepted: Bool) throws -> Bool {
        lastReasons = issues.filter { $0.severity == .error }.map(\.message)
        for issue in issues { try stager.emit(issue, fileIndex: fileIndex) }
        return accepted
    }

    private func value(_ field: Field) -> Value? {
        field.level == .participant ? participantValues[field] : visitValues[field]
    }

    private func set(_ field: Field, _ value: Value?) {
        if field.level == .participant { participantValues[field] = value } else { visitValues[field] = value }
    }

    func issue(_ severity: Severity, rule: String, field: Field?, raw: String?, message: String) -> Diagnostic {
        Diagnostic(severity, at: location.column(field.flatMap { columnOf[$0] }), rule: rule, message: message,
                   field: field?.name, value: raw)
    }

    /// Records a problem with a field under the field's expectation: key fields always reject;
    /// `null-field` empties the field and warns; otherwise the expectation's severity decides.
    /// Returns the value to keep (nil to keep the current one).
    @discardableResult
    private func fieldProblem(_ field: Field, rule: String, raw: String?, message: String, unusable: Bool) -> Value? {
        let expectation = expectations[field]
        let isKey = field == .participantID || (field == .visit && rowLevel == .visit)
        if isKey {
            issues.append(issue(.error, rule: rule, field: field, raw: raw, message: message))
            return nil
        }
        issues.append(issue(expectation.issueSeverity, rule: rule, field: field, raw: raw, message: message))
        if expectation.policy == .nullField || unusable {
            let emptied = RowReader.invalid(rule)
            set(field, emptied)
            return emptied
        }
        return nil
    }

    // MARK: - Cells

    /// One cell to a value: trim and NFC, missing codes, then by the field's kind.
    private func readCell(_ raw: String, _ column: PlannedColumn) -> Value? {
        let field = column.field
        let text = Normalise.text(raw)
        if let reason = Normalise.missingReason(text, codes: stager.spec.missingCodes) { return .missing(reason) }
        let expectation = column.expectation
        let vocabularies = stager.spec.vocabularies
        let result: Result<Value, ValueProblem>
        switch field.kind {
        case .text:
            if field == .site, !vocabularies.sites.isEmpty {
                result = Normalise.code(text, vocabulary: vocabularies.sites, what: "site").map(Value.text)
            } else {
                result = .success(.text(text))
            }
        case .integer, .decimal:
            result = Normalise.number(text, decimalMark: input.decimalMark).flatMap { number in
                var value = number
                if field == .durationWeeks, let unit = column.unit { value = Normalise.weeks(number, unit: unit) }
                let whole = field.kind == .integer || expectation.type == .integer
                if whole, number != number.rounded() {
                    return .failure(ValueProblem(rule: "type", message: "'\(text)' is not a whole number"))
                }
                return .success(.number(value))
            }
        case .boolean:
            result = Normalise.boolean(text, vocabulary: vocabularies.booleans).map(Value.boolean)
        case .date:
            guard let format = column.dateFormat else {
                result = .failure(ValueProblem(rule: "date", message: "'\(text)' cannot be read: no date format is declared"))
                break
            }
            result = Normalise.date(text, format: format, decimalMark: input.decimalMark).map { date in
                if stager.spec.missingCodes.castor, let reason = Normalise.castorMissingDate(date) { return .missing(reason) }
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
            guard expectation.allowed != nil else { return value }
            return checkAllowed(value, field: field, raw: raw)
        case .failure(let problem):
            set(field, nil)
            return fieldProblem(field, rule: problem.rule, raw: raw, message: "\(problem.message) for '\(field.name)'",
                                unusable: true)
        }
    }

    private func checkAllowed(_ value: Value, field: Field, raw: String) -> Value {
        guard let allowed = expectations[field].allowed, !value.isMissing, !allowed.contains(value.canonicalText) else {
            return value
        }
        let list = allowed.map { "'\($0)'" }.joined(separator: ", ")
        set(field, value)
        let replaced = fieldProblem(field, rule: "allowed", raw: raw,
                                    message: "the value '\(value.canonicalText)' is not allowed for '\(field.name)' (allowed: \(list))",
                                    unusable: false)
        return replaced ?? value
    }

    // MARK: - Checks on the whole row

    /// Required fields of the input's own level (and the key fields, checked separately).
    private func checkRequired() {
        for field in requiredFields[rowLevel] ?? [] {
            let current = value(field)
            guard current == nil || current?.isMissing == true else { continue }
            if let reason = current?.missingReason, case .declared(code: "invalid", _) = reason { continue }
            let why = current?.missingReason.map { $0 == .empty ? "empty" : "missing (\($0))" } ?? "not in this file"
            fieldProblem(field, rule: "required", raw: nil, message: "'\(field.name)' is required but is \(why)", unusable: false)
        }
    }

    /// Numeric ranges (defaults and declared), after derivation so derived totals are checked.
    private func checkRanges() {
        for (field, range) in rangeChecks {
            guard let number = value(field)?.number, !range.contains(number) else { continue }
            fieldProblem(field, rule: "range", raw: Value.format(number),
                         message: "the value '\(Value.format(number))' is out of range \(RowReader.describe(range)) for '\(field.name)'",
                         unusable: false)
        }
    }

    static func describe(_ range: ClosedRange<Double>) -> String {
        switch (range.lowerBound.isFinite, range.upperBound.isFinite) {
        case (true, true): "\(Value.format(range.lowerBound))...\(Value.format(range.upperBound))"
        case (true, false): "at least \(Value.format(range.lowerBound))"
        case (false, true): "at most \(Value.format(range.upperBound))"
        case (false, false): "any number"
        }
    }

    /// Rules that need only this row: onset after screening, age against birth year.
    private func applyRowRules() {
        if let onset = participantValues[.onsetDate]?.date, let screening = participantValues[.screeningDate]?.date,
           onset > screening {
            applyRule(.onsetAfterBaseline, message: "symptom onset '\(onset.iso)' is after the screening date '\(screening.iso)'",
                      raw: onset.iso)
        }
        if ageFromColumn, let age = participantValues[.age]?.number,
           let birthYear = participantValues[.birthYear]?.number,
           let reference = participantValues[.screeningDate]?.date ?? participantValues[.randomisationDate]?.date {
            let implied = Double(reference.year) - birthYear
            if abs(age - implied) > 1 {
                applyRule(.ageInconsistentWithBirthYear,
                          message: "the age \(Value.format(age)) does not fit birth year \(Value.format(birthYear)) (\(Value.format(implied)) in \(reference.year))",
                          raw: Value.format(age))
            }
        }
    }

    private func applyRule(_ rule: CrossFieldRule, message: String, raw: String?) {
        let setting = expectations[rule]
        let field = rule.nullableField
        issues.append(issue(setting.issueSeverity, rule: rule.rawValue, field: field, raw: raw, message: message))
        if setting.policy == .nullField, let field { set(field, RowReader.invalid(rule.rawValue)) }
    }

    /// Derived fields of this input, from the row's own values.
    private func derive() {
        for (field, derivation) in binding.derived {
            set(field, Derive.value(field, derivation, from: derivationInputs(field, derivation)))
        }
    }

    private func derivationInputs(_ field: Field, _ derivation: Derivation) -> [Field: Value] {
        var inputs: [Field: Value] = [:]
        for source in derivation.inputs(for: field) {
            if let current = value(source) { inputs[source] = current }
        }
        return inputs
    }
}

import CSVKit
import PipelineSpec
import StudyModel

/// Turns one record of one file into typed values, checks them, and commits the row to the
/// staging state's participants and visits when nothing rejects it.
///
/// Everything a cell or a row needs from the pipeline is looked up once per file, into arrays
/// indexed by column or by ``StudyModel/Field/ordinal``; the per-row values are two reused
/// ``StudyModel/FieldValues`` (a row that is kept takes their storage, the next row gets new).
struct RowReader {
    let stager: Stager
    let fileIndex: Int
    /// The file's name as locations hold it: this reader's own copy, so that the two threads
    /// preparing and committing rows do not count references on one shared string.
    let fileName: String
    let input: InputSpec
    let expectations: Expectations
    let vocabularies: Vocabularies
    let missingCodes: MissingCodes
    let timepoints: [Timepoint]
    /// Each timepoint's name as a visit row stores it, when it is stored inline and no two names
    /// are equal (then a stored match is the string match); else empty, and names are compared.
    let storedTimepoints: [StoredValue?]
    let hasParticipantInputs: Bool
    /// Field ordinal → column (from 1) in this file, 0 when the field has no column.
    let columnOf: [Int]
    /// The reasons of the last rejected row.
    private(set) var lastReasons: [String] = []

    /// The row being prepared or committed; its parts go by the names below.
    var row = PreparedRow()
    var issues: [Diagnostic] {
        get { row.issues }
        nonmutating set { row.issues = newValue }
        nonmutating _modify { yield &row.issues }
    }
    /// The current row's file, line and byte offset (no column).
    var location: SourceLocation { SourceLocation(file: fileName, line: row.line, byteOffset: row.byteOffset) }
    var participantValues: FieldValuesBuilder { row.participantValues }
    var visitValues: FieldValuesBuilder { row.visitValues }
    var rowLevel: FieldLevel { row.level }
    /// The slot of the row's participant id once looked up (while committing).
    var currentSlot: Int?
    /// Whether every participant row is read, and every row but the waiting ones committed: then
    /// a visit row of an unknown participant is rejected; before, it waits when participant rows
    /// may still come (``Stager/participantRowsMayFollow``, or a blank participant row waits), and
    /// a blank row waits.
    var participantsComplete = false
    /// Set by ``checkVisitRow(_:_:_:_:)`` when the row waits for its participant.
    var waitsForParticipant = false
    /// Set by ``checkParticipantRow(_:_:)`` when the row's arm differs from one a visit row
    /// carried into the record: that visit row is judged once this row is accepted.
    var armCarrierToJudge: ArmCarrierFinding?

    /// A visit row that carried an arm (`theirs`) other than a participant row's own (`mine`).
    struct ArmCarrierFinding {
        let carrier: SourceLocation
        let theirs: Value
        let mine: Value
    }

    /// What committing a row did.
    enum Commit: Equatable {
        case accepted
        case rejected
        /// The row's participant is not known yet: nothing is done or reported until every file is
        /// read, when it is committed again.
        case waiting
    }
    /// The last long text read from bytes (in practice the participant id).
    let lastText = CellReader.LastText()
    /// What this file's short cells were read as.
    let memo: CellMemo
    /// Column (from 0) of the visit field, for recognising participant rows in a visits input.
    let visitColumn: Int?
    /// Columns (from 0) of REDCap's repeating instrument and instance, when the file has them.
    let repeatInstrumentColumn: Int?
    let repeatInstanceColumn: Int?
    /// The header's names, and the column (from 0) and UTF-8 byte count of the id's name, which a
    /// row must match before it is compared whole: a row that repeats the header is no data.
    let header: [String]
    let headerIDColumn: Int?
    let headerIDByteCount: Int
    /// The header's names as columns are matched (``ColumnBinding/key(_:)``), and their
    /// ``RowReader/looseHash(_:)``: a row none of whose ``sampledCells`` hashes to one of them is
    /// not the header in another form.
    let headerKeys: [String]
    let headerNameHashes: Set<UInt64>
    /// The columns (from 0) whose cells ``RowReader/looseHash(_:)`` hashes on every row.
    let sampledCells: [Int]
    /// Everything a cell needs, looked up once per file rather than once per cell.
    let plan: [PlannedColumn]
    /// Fields with a range that this file reads from a column, in declaration order: checked
    /// before derivation, so that a value a range empties (`null-field`) is not derived from.
    let rangeChecks: [(field: Field, range: ClosedRange<Double>)]
    /// The range of each of ``derivedFields`` (same order), nil without one: checked as soon as
    /// the field is derived, so that the derivations after it do not read a value it empties.
    let derivedRanges: [ClosedRange<Double>?]
    /// Required fields per level read from cells, without the key fields (checked on their own).
    let requiredParticipantFields: [Field]
    let requiredVisitFields: [Field]
    /// Required fields this file derives on its rows, per level: checked once derived.
    let requiredDerivedParticipantFields: [Field]
    let requiredDerivedVisitFields: [Field]
    /// Required fields this file does not fill but another input maps: left to the merged record
    /// (``Stager/checkRequiredFieldsOfRecords(_:slotOrder:)``), not checked per row.
    let requiredOnRecords: Set<Field>
    /// Those of ``requiredOnRecords`` this file maps as derived but cannot derive from its own
    /// columns: the record derives them, and a missing code it derives lacks a value, as on a row.
    let requiredDerivedOnRecords: Set<Field>
    /// Required participant fields of an input with several `participant_rows` events: an event
    /// leaves empty what another event collects, so they are checked on the record the events
    /// make, once every file is read; there a missing code fails them as on a row.
    let requiredOnEventRecords: Set<Field>
    /// Derived fields of this input in declaration order, with the fields each reads.
    let derivations: [(field: Field, derivation: Derivation, inputs: DerivationInputFields)]
    /// The derived fields alone, and whether this file can fill every input of each (a column, a
    /// required field or an earlier derivation); plain values, walked for every row.
    let derivedFields: [Field]
    let derivable: [Bool]
    /// Whether `age` is read from a column (only then can it disagree with the birth year).
    let ageFromColumn: Bool
    /// The ranges of `age` and `birth_year` whose range issue rejects the row or empties the
    /// field (nil when there is none): a number outside one is not judged by the age rule.
    let ageRuleSkipsOutside: (age: ClosedRange<Double>?, birthYear: ClosedRange<Double>?)
    /// Fields with a `unique` expectation.
    let uniqueFields: [Field]
    /// In a longitudinal REDCap export (`source: redcap`, `holds: visits`), the participant-level
    /// yes/no fields read from checkbox columns: REDCap writes `0` for every unticked box on every
    /// event row, whether or not the event holds the box's instrument, so a `0` there says nothing.
    /// It is read as an empty cell (``PreparedRow/untickedBoxes``) and a record no row ticks ends
    /// with the box unticked (``StagingState/resolveUntickedBoxes()``).
    let fillerBoxes: [Field]
    /// REDCap's missing-data code columns of the checkbox questions read (``ColumnBinding/checkboxMissing``).
    let checkboxMissing: [ColumnBinding.CheckboxQuestionCodes]
    /// The visit-level fields read from checkbox columns: an unticked box says nothing on a
    /// participant row (REDCap writes it on every event row), so it is no unread visit value.
    let visitBoxes: Set<Field>

    /// What one mapped column needs: plain values only, so that walking the plan retains nothing.
    struct PlannedColumn {
        let field: Field
        let level: FieldLevel
        let kind: FieldKind
        let index: Int
        let unit: DurationUnit?
        let dateFormat: DateFormat?
        /// Whether the cell may be read from its bytes (``CellReader``); false when the field has
        /// an `allowed` list, which the string path checks.
        let fast: Bool
        /// The whole-number check of integer fields and of `type: integer`.
        let whole: Bool
    }

    init(stager: Stager, fileIndex: Int, file: InputFile, input: InputSpec, binding: ColumnBinding) {
        self.stager = stager
        self.fileIndex = fileIndex
        fileName = String(decoding: Array(file.displayName.utf8), as: UTF8.self)
        self.input = input
        let expectations = stager.spec.expectations
        self.expectations = expectations
        vocabularies = stager.spec.vocabularies
        missingCodes = stager.spec.missingCodes
        timepoints = stager.spec.schedule.timepoints
        let names = timepoints.map(\.name)
        let distinct = names.indices.allSatisfy { index in !names[..<index].contains(names[index]) }
        let scratch = FieldValuesBuilder(level: .visit)
        storedTimepoints = distinct ? names.map { name in
            scratch[.visit] = .text(name)
            return scratch.stored(.visit)
        } : []
        hasParticipantInputs = stager.hasParticipantInputs
        var columns = Array(repeating: 0, count: Field.count)
        for (field, index) in binding.columns { columns[field.ordinal] = index + 1 }
        columnOf = columns
        visitColumn = binding.columns.first { $0.field == .visit }?.index
        repeatInstrumentColumn = binding.repeatInstrument
        repeatInstanceColumn = binding.repeatInstance
        header = binding.header
        let idColumn = binding.columns.first { $0.field == .participantID }?.index
        headerIDColumn = idColumn.flatMap { $0 < binding.header.count ? $0 : nil }
        headerIDByteCount = headerIDColumn.map { binding.header[$0].utf8.count } ?? 0
        headerKeys = binding.header.map(ColumnBinding.key)
        headerNameHashes = Set(binding.header.map { name in
            Array(name.utf8).withUnsafeBytes(RowReader.looseHash)
        }).subtracting([RowReader.looseHashOfNothing])
        sampledCells = RowReader.sampledCells(binding.header.count)
        memo = CellMemo(columns: binding.columns.count)
        let fastCells = stager.cells.readsBytes
        plan = binding.columns.map { column in
            let expectation = expectations[column.field]
            return PlannedColumn(
                field: column.field, level: column.field.level, kind: column.field.kind, index: column.index,
                unit: input.fields[column.field]?.unit,
                dateFormat: input.dateFormat(for: column.field), fast: fastCells && expectation.allowed == nil,
                whole: column.field.kind == .integer || expectation.type == .integer)
        }
        let read = Set(binding.columns.map(\.field))
        rangeChecks = Field.allCases.compactMap { field in
            guard read.contains(field), let range = expectations[field].range else { return nil }
            return (field, range)
        }
        derivedRanges = binding.derived.map { expectations[$0.field].range }
        // A required field this file does not fill, which another input maps, is checked on the
        // merged record once every file is read (``Stager/checkRequiredFieldsOfRecords(_:slotOrder:)``).
        // A derived field fills here only when every input is a column of the file (or derived
        // here from them): a survey that maps a duration whose screening date only the study file
        // holds derives none, and the record does (``Stager/derivationsOfMergedRecords``).
        var fillsHere = Set(binding.columns.map(\.field))
        for (field, derivation) in binding.derived where derivation.inputs(for: field).allSatisfy(fillsHere.contains) {
            fillsHere.insert(field)
        }
        let derivedElsewhere = Set(binding.derived.map(\.field)).subtracting(fillsHere)
        let mappedElsewhere = stager.fieldsMappedByOtherInputs(than: file.inputIndex)
        let requiredHere = { (field: Field) in field != .participantID && field != .visit && expectations[field].required }
        // Only fields of the levels this file's rows hold (participant rows in a visits input too).
        let rowLevels: Set<FieldLevel> = input.participantRows.isEmpty ? [input.holds.level] : [.participant, .visit]
        // Totals that read REDCap boxes are scored on the records, so required there too.
        let boxTotals = Set(binding.derived.filter { derived in
            derived.derivation.inputs(for: derived.field).contains { RowReader.isFillerBox($0, in: input) }
        }.map(\.field))
        let onRecords = Field.allCases.filter {
            requiredHere($0) && rowLevels.contains($0.level)
                && ((!fillsHere.contains($0) && mappedElsewhere.contains($0)) || boxTotals.contains($0) || derivedElsewhere.contains($0))
        }
        requiredOnRecords = Set(onRecords)
        requiredDerivedOnRecords = requiredOnRecords.intersection(derivedElsewhere)
        let onEventRecords = input.participantRows.count > 1
            ? Field.fields(at: .participant).filter { requiredHere($0) && !onRecords.contains($0) } : []
        requiredOnEventRecords = Set(onEventRecords)
        let required = { (level: FieldLevel) in
            Field.fields(at: level).filter { requiredHere($0) && !onRecords.contains($0) && !onEventRecords.contains($0) }
        }
        let derivedOnRows = Set(binding.derived.map(\.field)).subtracting(boxTotals)
        requiredParticipantFields = required(.participant).filter { !derivedOnRows.contains($0) }
        requiredVisitFields = required(.visit).filter { !derivedOnRows.contains($0) }
        requiredDerivedParticipantFields = required(.participant).filter(derivedOnRows.contains)
        requiredDerivedVisitFields = required(.visit).filter(derivedOnRows.contains)
        derivations = binding.derived.map {
            ($0.field, $0.derivation, DerivationInputFields($0.derivation.inputs(for: $0.field)))
        }
        derivedFields = binding.derived.map(\.field)
        // A column, or a required field (checkRequired may set it under `null-field`), or an
        // earlier derivation.
        var fillable = Set(binding.columns.map(\.field) + Field.allCases.filter { expectations[$0].required })
        var derivable: [Bool] = []
        for (field, derivation) in binding.derived {
            // A total that reads REDCap boxes is scored on the record once its boxes are settled
            // (``Stager/derivationsOfCheckboxes``), not on a row that holds only some of them.
            let inputs = derivation.inputs(for: field)
            derivable.append(inputs.allSatisfy(fillable.contains) && !inputs.contains { RowReader.isFillerBox($0, in: input) })
            fillable.insert(field)
        }
        self.derivable = derivable
        if case .column = input.fields[.age]?.source { ageFromColumn = true } else { ageFromColumn = false }
        let readRanges = rangeChecks
        let decisive = { (field: Field) -> ClosedRange<Double>? in
            let expectation = expectations[field]
            guard expectation.policy == .nullField || expectation.issueSeverity == .error else { return nil }
            return readRanges.first { $0.field == field }?.range
        }
        ageRuleSkipsOutside = (decisive(.age), decisive(.birthYear))
        uniqueFields = Field.allCases.filter { expectations[$0].unique }
        fillerBoxes = binding.columns.map(\.field).filter { RowReader.isFillerBox($0, in: input) }
        checkboxMissing = binding.checkboxMissing
        visitBoxes = Set(binding.columns.map(\.field).filter { field in
            guard field.level == .visit, case .checkbox? = input.fields[field]?.source else { return false }
            return true
        })
    }

    /// Whether `field` is one of ``fillerBoxes`` in `input`: a participant-level yes/no field read
    /// from a checkbox column of a longitudinal REDCap input.
    static func isFillerBox(_ field: Field, in input: InputSpec) -> Bool {
        guard input.source == .redcap, input.holds == .visits, field.level == .participant, field.kind == .boolean,
              case .checkbox? = input.fields[field]?.source else { return false }
        return true
    }

    /// A visit value on a participant row, which is not read: its field, column (from 0), cell as
    /// trimmed, and how the warning lists it.
    struct UnreadVisitValue {
        let field: Field
        let column: Int
        let raw: String
        let described: String
    }

    /// The cell of a visit-level column on a participant row when it holds something (a value or
    /// a missing code), trimmed; nil when it is empty, or an unticked box of a checkbox column
    /// (what the boolean vocabulary reads as no, `0` by default), which REDCap writes on every
    /// event row.
    private func unreadVisitValue(_ record: CSVRecord, _ column: PlannedColumn) -> String? {
        let bytes = record.unsafeFieldBytes(column.index)
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return nil }
        let text = Normalise.text(record[column.index])
        if text.isEmpty { return nil }
        if visitBoxes.contains(column.field), case .success(false) = Normalise.boolean(text, vocabulary: vocabularies.booleans) {
            return nil
        }
        return text
    }

    /// One warning for the visit values of a participant row (in column order), at the first one.
    private mutating func noteUnreadVisitValues(_ values: [UnreadVisitValue], _ record: CSVRecord) {
        guard let first = values.first else { return }
        let listed = values.prefix(3).map(\.described)
        let more = values.count > 3 ? " and \(values.count - 3) more" : ""
        let event = visitColumn.map { " of event \(Normalise.quoted(Normalise.text(record[$0])))" } ?? ""
        issues.append(issue(.warning, rule: "participant-row-visit-values", field: first.field, raw: first.raw,
                            message: "the participant row\(event) holds visit values, which are not read (a participant "
                                + "row is no visit): " + listed.joined(separator: ", ") + more,
                            column: first.column + 1))
    }

    /// Sets the row aside when it belongs to a REDCap repeating instrument (its
    /// `redcap_repeat_instrument` cell names one): such a row holds the fields of one instance of
    /// that instrument (an adverse event, say) within an event, not a visit or a participant, and
    /// the pipeline reads no repeating instruments. It is rejected with a note, never merged with
    /// or compared against the event's own row.
    private mutating func setAside(_ record: CSVRecord, instrument: (column: Int, name: String)) {
        let (column, instrument) = instrument
        let instance = repeatInstanceColumn.flatMap { $0 < record.count ? Normalise.text(record[$0]) : nil } ?? ""
        let idColumn = columnOf[Field.participantID.ordinal]
        let id = idColumn > 0 && idColumn <= record.count ? Normalise.text(record[idColumn - 1]) : ""
        let event = visitColumn.flatMap { $0 < record.count ? Normalise.text(record[$0]) : nil } ?? ""
        let which = instance.isEmpty ? "" : " (instance \(instance))"
        let within = event.isEmpty ? "" : " in event '\(event)'"
        var note = Diagnostic(.note, at: location.column(column + 1), rule: "redcap.repeating-instrument",
                              message: "a row of the repeating instrument '\(instrument)'\(which)\(within) holds no visit; "
                                  + "the pipeline reads no repeating instruments, so the row is set aside",
                              field: nil, value: instrument)
        if !id.isEmpty { note.participant = id }
        issues.append(note)
        row.isSetAside = true
    }

    /// Whether `record` is the header line again (every cell the header's name, as read, the
    /// first after a byte-order mark the joined file began with): its id cell's byte count is
    /// compared first, so an ordinary row costs one comparison of lengths.
    private func isRepeatedHeader(_ record: CSVRecord) -> Bool {
        guard let column = headerIDColumn, record.count == header.count, column < record.count else { return false }
        let count = record.fieldByteCount(column)
        guard count == headerIDByteCount || (column == 0 && count == headerIDByteCount + RowReader.byteOrderMarkBytes) else { return false }
        return header.indices.allSatisfy { index in
            let cell = record[index]
            return (index == 0 && cell.hasPrefix("\u{FEFF}") ? String(cell.dropFirst()) : cell) == header[index]
        }
    }

    /// The UTF-8 bytes of a byte-order mark (U+FEFF), which a joined file keeps before its header.
    private static let byteOrderMarkBytes = "\u{FEFF}".utf8.count

    /// FNV-1a over a cell's ASCII letters, digits and signs, letters lowercased (white space and
    /// every byte of a non-ASCII character left out): two names that ``ColumnBinding/key(_:)``
    /// matches (it also folds letter case beyond ASCII, Unicode spaces and composition) hash
    /// alike, cheaply enough for every row; ``looseHashOfNothing`` when nothing is left.
    static func looseHash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hash = looseHashOfNothing
        for var byte in bytes where byte > 0x20 && byte < 0x80 {
            if (0x41...0x5A).contains(byte) { byte += 0x20 }
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    /// ``looseHash(_:)`` of a cell without ASCII letters, digits or signs: it tells nothing.
    static let looseHashOfNothing: UInt64 = 0xcbf2_9ce4_8422_2325

    /// The cells a row's hashes are taken of: the first half and one more. A header in another
    /// form has at least half the header's names, so one of these is a name (as hashed).
    private static func sampledCells(_ count: Int) -> [Int] {
        Array(0..<min(count, count / 2 + 1))
    }

    /// Whether `record` is the header again in another form: as many cells as the header, and at
    /// least half of them (two or more) the header's names as columns are matched, but not the
    /// header's names in its order. A header whose names differ only in letter case or spaces
    /// is the header as it was (`.same`); one whose columns moved, or with other names among
    /// them, is `.changed`, with the first column (from 0) that differs. Half its cells and one
    /// more are hashed first (``sampledCells``), until one is a name: an ordinary row costs short
    /// hashes of half its cells. (A name written in decomposed Unicode where the header has it
    /// composed hashes otherwise, and counts as another name.)
    private func changedHeader(_ record: CSVRecord) -> (HeaderLine, column: Int)? {
        guard headerIDColumn != nil, record.count == header.count, record.count >= 2, record.expectedFieldCount == nil
        else { return nil }
        // A byte-order mark before the first cell is left out of its hash with the other non-ASCII bytes.
        guard sampledCells.contains(where: { headerNameHashes.contains(record.withFieldBytes($0, RowReader.looseHash)) })
        else { return nil }
        var cells = (0..<record.count).map { record[$0] }
        if cells[0].hasPrefix("\u{FEFF}") { cells[0].removeFirst() }
        let keys = cells.map(ColumnBinding.key)
        let known = Set(headerKeys)
        let names = keys.filter(known.contains).count
        guard names >= 2, names * 2 >= header.count else { return nil }
        guard let differing = keys.indices.first(where: { keys[$0] != headerKeys[$0] }) else { return (.same, 0) }
        // Whose a row after it is: the id and visit columns by the names the input maps them by,
        // the first name found, as the file's header was bound (none when renamed otherwise: a
        // guess could name the wrong participant).
        let column = { (names: [String]) -> Int? in
            names.lazy.compactMap { name in keys.firstIndex(of: ColumnBinding.key(name)) }.first
        }
        let mapped = { (field: Field) -> [String] in
            if case .column(let names)? = input.fields[field]?.source { return names }
            return []
        }
        return (.changed(ChangedHeader(idColumn: column(mapped(.participantID)),
                                       visitColumn: visitColumn == nil ? nil : column(mapped(.visit)),
                                       repeatInstrumentColumn: repeatInstrumentColumn == nil ? nil : column(["redcap_repeat_instrument"]))),
                differing)
    }

    /// Rejects a row read after the header came again in another form (at `line`): its cells
    /// cannot be read by the file's header. Its participant id is read from that header's id
    /// column, so that it names the participant and, on a participant row, rejects them, as a
    /// ragged row does; a REDCap repeating instrument's row holds no participant data.
    mutating func refuseAfterChangedHeader(_ record: CSVRecord, into prepared: PreparedRow, headerAt line: Int,
                                           columns: ChangedHeader) {
        row = prepared
        prepared.reset(line: record.position.line, byteOffset: record.position.byteOffset)
        prepared.isUnreadable = true
        issues.append(Diagnostic(.error, at: location, rule: "csv.changed-header",
                                 message: "the row follows line \(line), the header again in another form: "
                                     + "its cells cannot be read by the file's header, so it is rejected"))
        let instrument = columns.repeatInstrumentColumn.flatMap { $0 < record.count ? Normalise.text(record[$0]) : nil } ?? ""
        prepared.level = instrument.isEmpty ? level(of: record, visitColumn: columns.visitColumn) : .visit
        prepared.participantID = columns.idColumn.flatMap { unreadableRowID(record, at: $0) }
        if prepared.level == .visit, instrument.isEmpty { prepared.timepoint = columns.visitColumn.flatMap { unreadableRowTimepoint(record, at: $0) } }
    }

    /// Whether `record` is Excel's separator line (`sep=;`) again, before a repeated header: read
    /// with the delimiter it names, it is `sep=` and one empty field.
    private func isSeparatorLine(_ record: CSVRecord) -> Bool {
        guard headerIDColumn != nil, record.count == 2, record.fieldByteCount(1) == 0, record.fieldByteCount(0) <= 7 else { return false }
        var text = record[0]
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        return text.lowercased() == "sep="
    }

    /// The column (from 0) and name of the REDCap repeating instrument a row belongs to: its
    /// `redcap_repeat_instrument` cell, when the input has that column and the cell names one.
    private func repeatingInstrument(of record: CSVRecord) -> (column: Int, name: String)? {
        guard let column = repeatInstrumentColumn, column < record.count else { return nil }
        let name = Normalise.text(record[column])
        return name.isEmpty ? nil : (column, name)
    }

    /// The reason code of a value emptied by a rule under `policy: null-field`.
    static func invalid(_ rule: String) -> Value {
        .missing(.emptied(byRule: rule))
    }

    /// Whether `value` is missing with reason `invalid`: emptied by a rule (``invalid(_:)``) or not
    /// scored (a questionnaire item outside its range); a rule has reported it already.
    static func isInvalid(_ value: Value?) -> Bool {
        value?.missingReason?.isInvalid == true
    }

    // MARK: - One row

    /// The checks that need only the record: reads every mapped cell into `prepared`, finds the
    /// key fields, and checks required fields, the row rules, derivations and ranges. Touches no
    /// staging state, so it runs on the reading thread (``RecordPipe``), ahead of ``commit(_:_:)``.
    mutating func prepare(_ record: CSVRecord, into prepared: PreparedRow) {
        row = prepared
        prepared.reset(line: record.position.line, byteOffset: record.position.byteOffset)
        let isSeparator = isSeparatorLine(record)
        if isSeparator || isRepeatedHeader(record) {
            issues.append(Diagnostic(.warning, at: location, rule: "csv.repeated-header",
                                     message: "the row repeats the \(isSeparator ? "separator line" : "header"), as where files were "
                                         + "joined one after another; it holds no data, so it is set aside"))
            row.isSetAside = true
            prepared.headerLine = isSeparator ? .separator : .same
            return
        }
        if let (headerLine, column) = changedHeader(record) {
            if case .same = headerLine {
                issues.append(Diagnostic(.warning, at: location, rule: "csv.repeated-header",
                                         message: "the row repeats the header (its names in other letter case or spacing), as where "
                                             + "files were joined one after another; it holds no data, so it is set aside"))
            } else {
                var cell = record[column]
                if column == 0, cell.hasPrefix("\u{FEFF}") { cell.removeFirst() }
                issues.append(Diagnostic(.error, at: location.column(column + 1), rule: "csv.changed-header",
                                         message: "the row repeats the header in another form (\(Normalise.quoted(cell)) where the "
                                             + "header has \(Normalise.quoted(header[column]))), as where exports of two layouts were "
                                             + "joined one after another: the rows after it cannot be read by the file's header, so "
                                             + "they are rejected up to the header as it was; split the file at this line"))
            }
            row.isSetAside = true
            prepared.headerLine = headerLine
            return
        }
        if let expected = record.expectedFieldCount {
            let message = "the record has \(record.count) \(record.count == 1 ? "field" : "fields") where the header has \(expected)"
            // Too many fields: point at the first extra one, as the reader does.
            let column = record.count > expected ? expected + 1 : nil
            issues.append(Diagnostic(.error, at: location.column(column), rule: "csv.ragged-row", message: message))
            prepared.isUnreadable = true
            // What the row holds and whose it is, as far as its cells can say: nothing else of it
            // is read. A participant row's id rejects the participant (their other rows cannot
            // be kept without this one), and names the participant in the row's issue.
            prepared.level = level(of: record)
            if repeatingInstrument(of: record) != nil {
                // A repeating instrument's row holds no participant data, whatever its event.
                prepared.level = .visit
            }
            prepared.participantID = raggedRowID(record)
            if prepared.level == .visit, repeatingInstrument(of: record) == nil {
                prepared.timepoint = visitColumn.flatMap { unreadableRowTimepoint(record, at: $0) }
            }
            return
        }

        if let instrument = repeatingInstrument(of: record) {
            setAside(record, instrument: instrument)
            return
        }
        prepared.level = level(of: record)
        if prepared.level == .participant, input.holds == .visits, let visitColumn, visitColumn < record.count {
            prepared.event = Vocabularies.key(record[visitColumn])
        }
        let cells = stager.cells
        let decimalMark = input.decimalMark
        let memo = self.memo
        let lastText = self.lastText
        let participantBuilder = participantValues
        let visitBuilder = visitValues
        // Visit values on a participant row (an instrument of the visits enabled on REDCap's
        // screening event, say) make no visit and are not read: the row says so. A visit date
        // alone (a visit form's date on every event) loses nothing the analysis reads.
        var unreadVisitValues: [UnreadVisitValue] = []
        for (position, column) in plan.enumerated() {
            if rowLevel == .participant, column.level == .visit {
                if column.field != .visit, column.field != .visitDate, let raw = unreadVisitValue(record, column) {
                    unreadVisitValues.append(UnreadVisitValue(field: column.field, column: column.index, raw: raw,
                                                              described: "'\(column.field.name)' is \(Normalise.quoted(raw))"))
                }
                continue
            }
            // An empty participant-level cell on a visit row tells nothing about the participant.
            let skipsEmpty = rowLevel == .visit && column.level == .participant && column.field != .participantID
            if column.fast {
                let cell = record.unsafeFieldBytes(column.index)
                let outcome = column.level == .participant
                    ? RowReader.readFast(cell, column, position, memo, cells, decimalMark, participantBuilder, lastText)
                    : RowReader.readFast(cell, column, position, memo, cells, decimalMark, visitBuilder, lastText)
                switch outcome {
                case .stored: continue
                case .empty:
                    if !skipsEmpty { set(column.field, .missing(.empty)) }
                    continue
                case .unread: break
                }
            }
            let value = readCell(record[column.index], column)
            if skipsEmpty, case .missing(.empty)? = value { continue }
            set(column.field, value)
        }
        if !checkboxMissing.isEmpty { unreadVisitValues += readCheckboxMissingCodes(record) }
        if !unreadVisitValues.isEmpty { noteUnreadVisitValues(unreadVisitValues.sorted { $0.column < $1.column }, record) }
        // Judged on the cells as read, before the row's own checks may empty a field (`null-field`).
        prepared.isBlank = isBlank
        if let site = input.site, participantValues[.site] == nil {
            let text = Normalise.text(site)
            participantValues[.site] = .text(vocabularies.sites[Vocabularies.key(text)] ?? text)
        }

        let participantID = participantValues[.participantID]?.text
        if participantID == nil || participantID?.isEmpty == true,
           issues.allSatisfy({ $0.field != Field.participantID.name }) {
            let reason = participantValues[.participantID]?.missingReason.map { " (\($0))" } ?? ""
            issues.append(issue(.error, rule: "required", field: .participantID, raw: cellAsRead(.participantID, record),
                                message: "the participant id is missing\(reason)"))
        }
        var timepoint: (index: Int, timepoint: Timepoint)?
        if rowLevel == .visit {
            if let stored = visitValues.stored(.visit), let index = storedTimepoints.firstIndex(of: stored) {
                timepoint = (index, timepoints[index])
            } else if let name = visitValues[.visit]?.text {
                timepoint = timepoints.firstIndex { $0.name == name }.map { ($0, timepoints[$0]) }
            } else if issues.allSatisfy({ $0.field != Field.visit.name }) {
                let reason = visitValues[.visit]?.missingReason.map { " (\($0))" } ?? ""
                issues.append(issue(.error, rule: "required", field: .visit, raw: cellAsRead(.visit, record),
                                    message: "the visit is missing\(reason)"))
            }
        }

        checkRequired(record, rowLevel == .participant ? requiredParticipantFields : requiredVisitFields)
        applyRowRules()
        for (field, range) in rangeChecks { checkRange(field, range, record) }
        derive(record)
        checkRequired(record, rowLevel == .participant ? requiredDerivedParticipantFields : requiredDerivedVisitFields)
        // After the row's own checks and derivations, which take an unticked box for the value it
        // is (`required`, a questionnaire item).
        for field in fillerBoxes where participantValues.boolean(field) == false {
            prepared.untickedBoxes.append(field)
            // As an empty cell: on a participant event it collects nothing, on a visit row it
            // tells nothing about the participant.
            participantValues[field] = rowLevel == .participant ? .missing(.empty) : nil
        }
        if prepared.isBlank { forgetEmptyCells() }
        prepared.participantID = participantID
        prepared.timepoint = timepoint
    }

    /// Marks the boxes of a checkbox question missing when the row has a `1` in one of the
    /// question's missing-data code columns: REDCap then writes `0` (or nothing) for every option,
    /// which says nothing of the boxes. A box ticked beside the mark contradicts it (that field's
    /// problem, and the field is emptied); two codes marked contradict each other (one problem of
    /// the question, under its first field's expectation, and every box is emptied); a cell that
    /// is not empty and that the boolean vocabulary does not read (as it reads the boxes: `0`,
    /// `1`, ...) is an error of the row.
    ///
    /// Returns what the code columns of a question of visit fields alone hold on a participant
    /// row, which the row does not read (missing codes of a visit, ``UnreadVisitValue``).
    private mutating func readCheckboxMissingCodes(_ record: CSVRecord) -> [UnreadVisitValue] {
        var unread: [UnreadVisitValue] = []
        for question in checkboxMissing {
            // A question of visit fields alone is not read on a participant row: what its code
            // columns hold, but for a no, is named as unread and judged no further.
            if rowLevel == .participant, let field = question.fields.first, question.fields.allSatisfy({ $0.level == .visit }) {
                for column in question.columns where column.index < record.count {
                    let text = Normalise.text(record[column.index])
                    if text.isEmpty { continue }
                    if case .success(false) = Normalise.boolean(text, vocabulary: vocabularies.booleans) { continue }
                    unread.append(UnreadVisitValue(field: field, column: column.index, raw: text,
                                                   described: "'\(column.name)' (code '\(column.code)' of '\(question.variable)') is \(Normalise.quoted(text))"))
                }
                continue
            }
            var marked: [(column: ColumnBinding.CheckboxQuestionCodes.Column, raw: String)] = []
            for column in question.columns where column.index < record.count {
                let raw = record[column.index]
                let text = Normalise.text(raw)
                if text.isEmpty { continue }
                // Read as the boxes are, through the boolean vocabulary: `1`/`0`, or a label
                // export's `Checked`/`Unchecked` once the pipeline names them.
                switch Normalise.boolean(text, vocabulary: vocabularies.booleans) {
                case .success(true): marked.append((column, raw))
                case .success(false): continue
                case .failure:
                    issues.append(issue(.error, rule: "type", field: nil, raw: raw,
                                        message: "\(Normalise.quoted(text)) is not a checkbox value (a yes/no answer of the "
                                            + "boolean vocabulary) in '\(column.name)', "
                                            + "the column of missing-data code '\(column.code)'",
                                        column: column.index + 1))
                }
            }
            let fields = question.fields.filter { !(rowLevel == .participant && $0.level == .visit) }
            guard let (first, raw) = marked.first, let firstField = fields.first else { continue }
            let described = { (column: ColumnBinding.CheckboxQuestionCodes.Column) in
                "'\(column.name)' (code '\(column.code)', \(column.reason))"
            }
            if marked.count > 1 {
                let names = marked.map { described($0.column) }
                let list = names.dropLast().joined(separator: ", ") + " and " + (names.last ?? "")
                let boxes = fields.map { "'\($0.name)'" }.joined(separator: ", ")
                let kept = fieldProblem(firstField, rule: "redcap.checkbox-missing", raw: marked[1].raw,
                                        message: "the checkbox question '\(question.variable)' is marked missing with \(marked.count) "
                                            + "codes, in \(list); "
                                            + "its boxes (\(boxes)) are not read", unusable: true, column: marked[1].column.index + 1)
                for field in fields.dropFirst() { set(field, kept ?? RowReader.invalid("redcap.checkbox-missing")) }
                continue
            }
            for field in fields {
                switch value(field) {
                case .boolean(true)?:
                    fieldProblem(field, rule: "redcap.checkbox-missing", raw: raw,
                                 message: "'\(field.name)' is ticked, but its question is marked missing in \(described(first))",
                                 unusable: true, column: first.index + 1)
                case .missing(let reason)? where reason != .empty && reason != first.reason:
                    if RowReader.isInvalid(value(field)) { continue }
                    fieldProblem(field, rule: "redcap.checkbox-missing", raw: raw,
                                 message: "'\(field.name)' is missing (\(reason)) in its own column, but its question is marked "
                                     + "missing in \(described(first))",
                                 unusable: true, column: first.index + 1)
                default:
                    set(field, .missing(first.reason))
                    row.markedBoxes.append((field, first.index + 1))
                }
            }
        }
        return unread
    }

    /// Readies a blank row, committed after every other row: beside a participant's record it
    /// collects nothing, not even its site (it contradicts no row), unless blank rows alone make
    /// the record; a blank visit row whose visit has no record because its row was rejected goes
    /// with that row (an error), so that it does not stand in for the visit.
    private mutating func settleBlankRow(_ id: String, timepoint: (index: Int, timepoint: Timepoint)?,
                                          _ state: inout StagingState) {
        guard let slot = state.slot(of: id) else { return }
        if rowLevel == .participant {
            // Beside a record that a non-blank row made; a record only blank rows make keeps the
            // first one's site, so the others' sites are compared with it, whatever their order.
            if state.slots[slot] >= 0, !state.recordsOfBlankRows.contains(slot) {
                participantValues[.site] = nil
            } else if state.slots[slot] < 0, state.slots[slot] != StagingState.conflicting, state.rejectedRows[slot] == nil {
                state.recordsOfBlankRows.insert(slot)
            }
            return
        }
        guard let timepoint else { return }
        let entry = slot * state.timepointCount + timepoint.index
        guard state.visitTable[entry] < 0, state.visitTable[entry] != StagingState.conflicting,
              let rejected = state.rejectedVisitRows[entry] else { return }
        issues.append(issue(.error, rule: "duplicate", field: nil, raw: nil,
                            message: "visit '\(timepoint.timepoint.name)' of participant \(Normalise.quoted(id)) has a rejected row at \(rejected); "
                                + "this row holds no values of the visit, only its keys, so it is rejected with it"))
    }

    /// Whether the row holds nothing of its level but its keys: every cell of its level read, other
    /// than the participant id, the visit and the site (which Castor and REDCap write on every
    /// row), is empty, or an unticked box of ``fillerBoxes`` (an expired survey invitation, a
    /// repeating-data instance created twice). Such a row collects nothing (``forgetEmptyCells()``)
    /// and is committed after every other row (``commit(_:_:)``). A visit row's participant
    /// values, which it carries, do not count.
    private var isBlank: Bool {
        let values = rowLevel == .participant ? participantValues : visitValues
        var next = values.presentField(after: nil)
        while let field = next {
            next = values.presentField(after: field)
            if field == .participantID || field == .visit || field == .site { continue }
            if Overlap.isEmptyCell(values[field]) { continue }
            if fillerBoxes.contains(field), values.boolean(field) == false { continue }
            return false
        }
        return true
    }

    /// A blank row's empty cells, and what was derived from them, are not collected: the row
    /// repeats any record of its participant or visit (kept once, with a note) and contradicts
    /// none, as a row of an input without those columns would.
    private mutating func forgetEmptyCells() {
        let values = rowLevel == .participant ? participantValues : visitValues
        var next = values.presentField(after: nil)
        while let field = next {
            next = values.presentField(after: field)
            guard field != .participantID, field != .visit, values[field]?.isMissing == true else { continue }
            values[field] = nil
        }
    }

    /// What a record holds: the input's level, or participant data in a visits input whose visit
    /// cell names one of its `participant_rows` events (REDCap's screening event).
    private func level(of record: CSVRecord) -> FieldLevel {
        level(of: record, visitColumn: visitColumn)
    }

    /// The level of a row whose visit is in `visitColumn` (from 0).
    private func level(of record: CSVRecord, visitColumn: Int?) -> FieldLevel {
        if !input.participantRows.isEmpty, let visitColumn, visitColumn < record.count,
           input.participantRows.contains(Vocabularies.key(record[visitColumn])) {
            return .participant
        }
        return input.holds.level
    }

    /// The participant id of a ragged row, when the id column's cell is there and holds one (not
    /// a missing code); nil otherwise. An id after the first column is read too, though a
    /// delimiter too many or too few before it (an unquoted `;` in a text cell before the id)
    /// would have moved it: such cells are nearly always later in the row, and an id left unread
    /// would keep the participant from their other rows.
    private mutating func raggedRowID(_ record: CSVRecord) -> String? {
        plan.first(where: { $0.field == .participantID }).flatMap { unreadableRowID(record, at: $0.index) }
    }

    /// The visit in column `index` (from 0) of a row that is otherwise not read, when the cell is
    /// there and names one of the schedule's visits: the visit took place, though its row is
    /// rejected (a data cut-off counts it as due).
    private mutating func unreadableRowTimepoint(_ record: CSVRecord, at index: Int) -> (index: Int, timepoint: Timepoint)? {
        guard let column = plan.first(where: { $0.field == .visit }), index < record.count else { return nil }
        // The row's one issue is that it cannot be read: what reading the cell finds is not said.
        let issueCount = issues.count
        let value = readCell(record[index], column)
        if issues.count > issueCount { issues.removeSubrange(issueCount...) }
        guard case .text(let name)? = value, let position = timepoints.firstIndex(where: { $0.name == name }) else { return nil }
        return (position, timepoints[position])
    }

    /// The participant id in column `index` (from 0) of a row that is otherwise not read, when
    /// the cell is there and holds one (not a missing code).
    private mutating func unreadableRowID(_ record: CSVRecord, at index: Int) -> String? {
        guard let column = plan.first(where: { $0.field == .participantID }), index < record.count,
              case .text(let id)? = readCell(record[index], column), !id.isEmpty
        else { return nil }
        return id
    }

    /// Records this row as the first rejected row of visit `timepoint` (its index in the
    /// schedule) of participant `id`, unless one was before: a blank row of the visit does not
    /// stand in for it, and a data cut-off counts the visit as due.
    private func markRejected(_ timepoint: Int, of id: String, _ state: inout StagingState) {
        let entry = state.slotMade(for: id) * state.timepointCount + timepoint
        if state.rejectedVisitRows[entry] == nil { state.rejectedVisitRows[entry] = location }
    }

    /// The checks that need what was staged before (one row per participant and per visit, the
    /// participant a visit belongs to, unique values), then the row's commit when nothing rejects
    /// it, and its issues emitted. Rows must be committed in reading order (rows that waited for
    /// their participant, after every file).
    mutating func commit(_ prepared: PreparedRow, _ state: inout StagingState) throws -> Commit {
        row = prepared
        currentSlot = nil
        waitsForParticipant = false
        armCarrierToJudge = nil
        if !lastReasons.isEmpty { lastReasons.removeAll() }
        if prepared.isUnreadable || prepared.isSetAside {
            if prepared.isUnreadable, let id = prepared.participantID {
                if prepared.level == .participant { try rejectParticipant(id, &state) }
                // The visit took place: its row is rejected, as a row rejected for its values.
                if prepared.level == .visit, let timepoint = prepared.timepoint { markRejected(timepoint.index, of: id, &state) }
                for index in issues.indices where issues[index].participant == nil { issues[index].participant = id }
            } else if prepared.isUnreadable, prepared.level == .participant {
                // No id to read: a participant row may be a participant.
                state.participantRowsWithoutID += 1
            }
            return try finish(accepted: false, &state)
        }
        let participantID = prepared.participantID
        let timepoint = prepared.timepoint
        // A blank row waits for every other row, so that it never starts a record another row
        // then fills (and is never named for values it does not hold): what it meets then does not
        // depend on the order of the rows.
        if prepared.isBlank, !participantsComplete, !hasErrors, let participantID, !participantID.isEmpty {
            if rowLevel == .participant { state.waitingBlankParticipants.insert(state.slotMade(for: participantID)) }
            return .waiting
        }

        if prepared.isBlank, let participantID, !participantID.isEmpty, !hasErrors {
            settleBlankRow(participantID, timepoint: timepoint, &state)
        }

        var role = RowRole.new
        if let participantID, !participantID.isEmpty, !hasErrors {
            if rowLevel == .participant {
                role = checkParticipantRow(participantID, &state)
            } else if let timepoint {
                role = checkVisitRow(participantID, timepoint.index, timepoint.timepoint, &state)
                if waitsForParticipant { return .waiting }
            }
        }
        let accepted = !hasErrors
        if !accepted, let finding = armCarrierToJudge {
            // The row is rejected for something else: its arm is said against the carried one here.
            issues.append(issue(expectations[.armChanged].issueSeverity, rule: CrossFieldRule.armChanged.rawValue, field: .arm,
                                raw: finding.mine.canonicalText,
                                message: "the arm '\(finding.mine.canonicalText)' differs from the arm '\(finding.theirs.canonicalText)' "
                                    + "a visit row gave the participant (\(finding.carrier))"))
        }
        if !accepted, rowLevel == .visit, !prepared.isBlank, let participantID, !participantID.isEmpty, let timepoint {
            markRejected(timepoint.index, of: participantID, &state)
        }
        if rowLevel == .participant, participantID?.isEmpty ?? true { state.participantRowsWithoutID += 1 }
        if let participantID, !participantID.isEmpty {
            if accepted, !prepared.derivedOutOfRange.isEmpty {
                state.derivedOutOfRangeOnRows[state.slotMade(for: participantID), default: []].formUnion(prepared.derivedOutOfRange)
            }
            if accepted, !prepared.untickedBoxes.isEmpty {
                state.untickedBoxes[state.slotMade(for: participantID), default: []].formUnion(prepared.untickedBoxes)
            }
            if accepted, rowLevel == .participant {
                if let finding = armCarrierToJudge { try rejectArmCarrier(finding, &state) }
                commitParticipantRow(participantID, role: role, &state)
            } else if accepted, let timepoint {
                commitVisitRow(participantID, timepoint.index, timepoint.timepoint, role: role, &state)
            } else if !accepted, rowLevel == .participant {
                try rejectParticipant(participantID, &state)
            }
        }
        if !issues.isEmpty {
            for index in issues.indices {
                if issues[index].participant == nil { issues[index].participant = participantID }
                if issues[index].visit == nil { issues[index].visit = timepoint?.timepoint.name }
            }
        }
        return try finish(accepted: accepted, &state)
    }

    /// A cell read from its bytes: as remembered for the same bytes of this column, or by the
    /// cell reader (and then remembered).
    @inline(__always)
    private static func readFast(_ cell: UnsafeRawBufferPointer, _ column: PlannedColumn, _ position: Int, _ memo: CellMemo,
                                 _ cells: CellReader, _ decimalMark: DecimalMark?, _ values: FieldValuesBuilder,
                                 _ lastText: CellReader.LastText) -> CellReader.Outcome {
        switch memo.lookup(position, cell) {
        case .stored(let stored)?:
            values.setStored(stored, for: column.field)
            return .stored
        case .empty?:
            return .empty
        case .unread?:
            return .unread
        case nil:
            let outcome = cells.read(cell, column, decimalMark: decimalMark, into: values, last: lastText)
            switch outcome {
            case .stored:
                if let stored = values.stored(column.field) { memo.remember(position, cell, .stored(stored)) }
            case .empty: memo.remember(position, cell, .empty)
            case .unread: memo.remember(position, cell, .unread)
            }
            return outcome
        }
    }

    private var hasErrors: Bool { row.hasErrors }

    private mutating func finish(accepted: Bool, _ state: inout StagingState) throws -> Commit {
        guard !issues.isEmpty else { return accepted ? .accepted : .rejected }
        // A row set aside has no error: the note that set it aside is its reason.
        lastReasons = issues.filter { $0.severity == .error || row.isSetAside }.map(\.message)
        for issue in issues { try stager.emit(issue, fileIndex: fileIndex, &state) }
        return accepted ? .accepted : .rejected
    }

    func value(_ field: Field) -> Value? {
        field.level == .participant ? participantValues[field] : visitValues[field]
    }

    /// `value(field)?.number`, without making a `Value`.
    func number(_ field: Field) -> Double? {
        field.level == .participant ? participantValues.number(field) : visitValues.number(field)
    }

    func set(_ field: Field, _ value: Value?) {
        if field.level == .participant { participantValues[field] = value } else { visitValues[field] = value }
    }

    func issue(_ severity: Severity, rule: String, field: Field?, raw: String?, message: String, column: Int? = nil) -> Diagnostic {
        let column = column ?? field.map { columnOf[$0.ordinal] }.flatMap { $0 > 0 ? $0 : nil }
        return Diagnostic(severity, at: location.column(column), rule: rule, message: message, field: field?.name, value: raw)
    }

    /// Records a problem with a field under the field's expectation: key fields always reject;
    /// `null-field` empties the field and warns (unless `keepsMissing`: the field holds a missing
    /// value whose reason stays); otherwise the expectation's severity decides.
    /// Returns the value to keep (nil to keep the current one).
    @discardableResult
    mutating func fieldProblem(_ field: Field, rule: String, raw: String?, message: String, unusable: Bool,
                               column: Int? = nil, keepsMissing: Bool = false) -> Value? {
        let expectation = expectations[field]
        let isKey = field == .participantID || (field == .visit && rowLevel == .visit)
        if isKey {
            issues.append(issue(.error, rule: rule, field: field, raw: raw, message: message, column: column))
            return nil
        }
        issues.append(issue(expectation.issueSeverity, rule: rule, field: field, raw: raw, message: message, column: column))
        if (expectation.policy == .nullField && !keepsMissing) || unusable {
            let emptied = RowReader.invalid(rule)
            set(field, emptied)
            return emptied
        }
        return nil
    }

    // MARK: - Checks on the whole row

    /// Required `fields` of the row's level (the key fields are checked separately). Under
    /// `null-field`, an empty cell or a missing-value code stays as the export gave it, with its
    /// reason (`-99`, not done): the rule has no value to take away.
    private mutating func checkRequired(_ record: CSVRecord, _ fields: [Field]) {
        for field in fields {
            let current = value(field)
            guard current == nil || current?.isMissing == true else { continue }
            if RowReader.isInvalid(current) { continue }
            let why = current?.missingReason.map { $0 == .empty ? "empty" : "missing (\($0))" } ?? "not in this file"
            fieldProblem(field, rule: "required", raw: cellAsRead(field, record),
                         message: "'\(field.name)' is required but is \(why)", unusable: false, keepsMissing: current != nil)
        }
    }

    /// The cell of `field` as read (a missing-value code such as `-99`), for an issue's value;
    /// nil when no column maps the field or the cell is empty.
    private func cellAsRead(_ field: Field, _ record: CSVRecord) -> String? {
        let column = columnOf[field.ordinal]
        guard column > 0, column <= record.count else { return nil }
        let cell = record[column - 1]
        return cell.isEmpty ? nil : cell
    }

    /// A numeric range (default or declared) of a field read, before derivation, or derived, as
    /// soon as it is. The issue's value is the cell as read (`10,5`, a duration in months), so
    /// that it can be found in the export; the number as normalised for a derived field, which
    /// has no cell.
    private mutating func checkRange(_ field: Field, _ range: ClosedRange<Double>, _ record: CSVRecord,
                                     derivation: Derivation? = nil) {
        guard let number = number(field), !range.contains(number) else { return }
        if let derivation {
            derivedOutOfRange(field, number, range, from: derivation.inputs(for: field), record)
            row.derivedOutOfRange.append(field)
            return
        }
        let column = columnOf[field.ordinal]
        let raw = column > 0 && column <= record.count ? record[column - 1] : Value.format(number)
        fieldProblem(field, rule: "range", raw: raw,
                     message: "the value '\(Value.format(number))' is out of range \(RowReader.describe(range)) for '\(field.name)'",
                     unusable: false)
    }

    /// A derived field out of its range, said where it can be fixed: located at the first cell
    /// it was derived from, whose value (as read) the issue holds, the message naming the cells
    /// and the derived values it was derived from (at most three; a total of many items names
    /// none), since any of them may be the one to correct.
    private mutating func derivedOutOfRange(_ field: Field, _ value: Double, _ range: ClosedRange<Double>,
                                            from inputs: [Field], _ record: CSVRecord) {
        let cells = inputs.compactMap { input -> (field: Field, column: Int, raw: String)? in
            let column = columnOf[input.ordinal]
            guard column > 0, column <= record.count, !record[column - 1].isEmpty else { return nil }
            return (input, column, record[column - 1])
        }
        // Inputs derived in turn (an age from a birth year) are named with their value.
        let derivedInputs = inputs.filter { columnOf[$0.ordinal] == 0 }.compactMap { input in
            number(input).map { "\(input.name) \(Value.format($0)) (derived)" }
        }
        let named = cells.map { "\($0.field.name) \(Normalise.quoted($0.raw)) (column \($0.column))" } + derivedInputs
        let sources = named.count <= 3 ? " from " + named.joined(separator: " and ") : ""
        fieldProblem(field, rule: "range", raw: cells.first?.raw ?? Value.format(value),
                     message: "'\(field.name)' derived\(sources) is \(Value.format(value)), out of range \(RowReader.describe(range))",
                     unusable: false, column: cells.first?.column)
    }

    static func describe(_ range: ClosedRange<Double>) -> String {
        switch (range.lowerBound.isFinite, range.upperBound.isFinite) {
        case (true, true): "\(Value.format(range.lowerBound))...\(Value.format(range.upperBound))"
        case (true, false): "at least \(Value.format(range.lowerBound))"
        case (false, true): "at most \(Value.format(range.upperBound))"
        case (false, false): "any number"
        }
    }

    /// Rules that need only this row: onset after screening, age against birth year. A number
    /// outside its range that its range issue rejects or empties is not judged against another
    /// field (the range issue names it already); one a warning keeps is judged as kept.
    private mutating func applyRowRules() {
        if let onset = participantValues.date(.onsetDate), let screening = participantValues.date(.screeningDate),
           onset > screening {
            applyRule(.onsetAfterBaseline, message: "symptom onset '\(onset.iso)' is after the screening date '\(screening.iso)'",
                      raw: onset.iso)
        }
        if ageFromColumn, let age = participantValues.number(.age), ageRuleSkipsOutside.age?.contains(age) != false,
           let birthYear = participantValues.number(.birthYear), ageRuleSkipsOutside.birthYear?.contains(birthYear) != false,
           let reference = participantValues.date(.screeningDate) ?? participantValues.date(.randomisationDate) {
            let implied = Double(reference.year) - birthYear
            if abs(age - implied) > 1 {
                applyRule(.ageInconsistentWithBirthYear,
                          message: "the age \(Value.format(age)) does not fit birth year \(Value.format(birthYear)) (\(Value.format(implied)) in \(reference.year))",
                          raw: Value.format(age))
            }
        }
    }

    private mutating func applyRule(_ rule: CrossFieldRule, message: String, raw: String?) {
        let setting = expectations[rule]
        let field = rule.nullableField
        issues.append(issue(setting.issueSeverity, rule: rule.rawValue, field: field, raw: raw, message: message))
        guard setting.policy == .nullField, let field else { return }
        if field.level == .participant, let held = participantValues[field], !held.isMissing { row.ruleEmptied[field] = held }
        set(field, RowReader.invalid(rule.rawValue))
    }

    /// Derived fields of this input, from the row's own values, in the canonical field order (an
    /// age before the age at onset derived from it), each checked against its range once derived.
    /// A derivation with an input that this file can never fill gives nothing, and is not tried.
    private mutating func derive(_ record: CSVRecord) {
        for index in derivations.indices {
            let field = derivedFields[index]
            // Every derivation reads participant-level fields only (see `Derivation.inputs(for:)`).
            let derived = derivable[index]
                ? Derive.value(field, derivations[index].derivation, inputs: derivations[index].inputs, from: participantValues)
                : nil
            set(field, derived)
            if let range = derivedRanges[index] { checkRange(field, range, record, derivation: derivations[index].derivation) }
        }
    }
}

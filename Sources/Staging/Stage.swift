import CSVKit
import Foundation
import PipelineSpec
import StudyModel

/// Opens input files the way the pipeline file declares them.
public enum InputReader {
    /// A reader for one input file with the input's delimiter and encoding (nil ones detected).
    public static func open(_ file: InputFile, _ input: InputSpec) throws -> CSVReader {
        try CSVReader(
            path: file.path, displayName: file.displayName, dialect: CSVDialect(delimiter: input.delimiter),
            encoding: input.encoding.map(csvEncoding))
    }

    /// The column (from 0) of a file's header that holds the participant id, as staging binds
    /// it; nil when the header has none.
    public static func participantIDColumn(header: [String], input: InputSpec) -> Int? {
        ColumnBinding(header: header, input: input).columns.first { $0.field == .participantID }?.index
    }

    static func csvEncoding(_ encoding: TextEncoding) -> CSVEncoding {
        switch encoding {
        case .utf8: .utf8
        case .windows1252: .windows1252
        }
    }
}

/// Stages every input file: maps columns to canonical fields, normalises, validates, and
/// accounts for every row.
///
/// Streams: files are read record by record through one reused `CSVRecord`; rejected rows and
/// issues go to `sink` as they are found; no raw row or per-row dictionary is kept. What is held
/// is one typed record per participant and per visit, so memory grows with participants, not
/// with file size. Participant inputs are read before visit inputs (each group in file order),
/// so visit rows can be checked against their participant as they come; rules that need every
/// visit (follow-up without baseline, dates against randomisation and windows) run after all
/// files are read, and the rows they reject are fetched again from their files for the sink.
///
/// - Parameters:
///   - files: the expanded inputs (``PipelineSpec/PipelineSpec/inputFiles()``).
///   - reading: opens a file; tests pass readers over bytes in memory.
/// - Throws: only what the sink throws (e.g. a full disk); data problems are issues, not throws.
public func stage(
    _ files: [InputFile], spec: PipelineSpec, sink: any StagingSink,
    reading: (InputFile, InputSpec) throws -> CSVReader = InputReader.open
) throws -> StagedStudy {
    let stager = Stager(spec: spec, files: files, sink: sink)
    var state = StagingState(files: files, timepointCount: spec.schedule.timepoints.count)
    let order = files.indices.sorted { left, right in
        let leftLevel = spec.inputs[files[left].inputIndex].holds == .participants ? 0 : 1
        let rightLevel = spec.inputs[files[right].inputIndex].holds == .participants ? 0 : 1
        return leftLevel != rightLevel ? leftLevel < rightLevel : left < right
    }
    for index in order {
        try stager.read(fileIndex: index, into: &state, reading: reading)
    }
    try stager.commitWaitingRows(&state)
    state.resolveUntickedBoxes()
    state.scoreOnRecords(stager.derivationsOfCheckboxes, ranges: spec.expectations)
    state.scoreOnRecords(stager.derivationsOfMergedRecords, ranges: spec.expectations, mergedOnly: true)
    let slotOrder = state.slotsByID()
    try stager.checkRequiredFieldsOfRecords(&state, slotOrder: slotOrder)
    try stager.checkRangesOfScoredTotals(&state, slotOrder: slotOrder)
    try stager.checkRowRulesOfMergedRecords(&state, slotOrder: slotOrder)
    try stager.applyCrossRowRules(&state, slotOrder: slotOrder)
    try stager.fetchDeferredRejections(state.deferred, encodings: state.encodings, reading: reading)
    return state.result(slotOrder: slotOrder, timepoints: spec.schedule.timepoints.map(\.name))
}

extension Stager {
    /// The derived fields of longitudinal REDCap inputs that read participant-level checkbox boxes
    /// (STarT Back items as the options of one question): scored on the records once the boxes are
    /// settled (``StagingState/scoreOnRecords(_:ranges:mergedOnly:)``), never on a row.
    var derivationsOfCheckboxes: [(field: Field, derivation: Derivation)] {
        var found: [(field: Field, derivation: Derivation)] = []
        for input in spec.inputs {
            for field in input.fields.fields where !found.contains(where: { $0.field == field }) {
                guard case .derived(let derivation)? = input.fields[field]?.source,
                      derivation.inputs(for: field).contains(where: { RowReader.isFillerBox($0, in: input) }) else { continue }
                found.append((field, derivation))
            }
        }
        return found
    }

    /// The other derived participant fields (age from birth year, duration from onset, the
    /// questionnaire totals), derived again on each record merged from several rows: the birth
    /// year on one REDCap event and the screening date on another, or the onset in a Castor
    /// survey, leave each row without every input, and only the record holds them all. Those
    /// whose inputs include another derived field come last, so that it is derived first.
    var derivationsOfMergedRecords: [(field: Field, derivation: Derivation)] {
        let checkboxes = Set(derivationsOfCheckboxes.map(\.field))
        var found: [(field: Field, derivation: Derivation)] = []
        for input in spec.inputs {
            for field in input.fields.fields where field.level == .participant && !checkboxes.contains(field)
                && !found.contains(where: { $0.field == field }) {
                guard case .derived(let derivation)? = input.fields[field]?.source else { continue }
                found.append((field, derivation))
            }
        }
        let derived = Set(found.map(\.field))
        return found.filter { !$0.derivation.inputs(for: $0.field).contains(where: derived.contains) }
            + found.filter { $0.derivation.inputs(for: $0.field).contains(where: derived.contains) }
    }
}

/// Everything one staging run accumulates: participants, visits, counts and deferred rows. A value
/// passed `inout` through the run, so the hot path needs no dynamic exclusivity checks.
///
/// Records live in flat arrays and are found through integer indexes: a participant id is hashed
/// once per participant row (and once per visit row whose participant differs from the row
/// before); a visit is found by its participant's slot and its timepoint's index.
struct StagingState: IssueCounts {
    /// One entry per participant id seen in an accepted or rejected row, in order of first sight:
    /// the index of the participant's record in `participantRecords`, -1 while no row of theirs
    /// was accepted.
    var slots: [Int] = []
    /// Per slot: whether the id came in a participant row (accepted or not), not only in visit rows.
    var hasParticipantRow: [Bool] = []
    /// Rejected rows of a participants input whose participant id could not be read (a ragged
    /// row, the record a reading stop fell in, an empty id).
    var participantRowsWithoutID = 0
    /// Slot → where a participant row of the participant was first rejected: the participant
    /// has no record from participant rows, and their other participant rows are rejected too.
    var rejectedRows: [Int: SourceLocation] = [:]
    /// `visitTable` entry → the first visit row of it rejected for an error: a blank row of the
    /// visit does not stand in for it (``RowReader`` `commitsBlankRow`).
    var rejectedVisitRows: [Int: SourceLocation] = [:]
    /// Marks a slot in `slots`, or an entry of `visitTable`, whose rows conflicted: neither row can
    /// be trusted, so the rows accepted for it are taken back and every later row of it is
    /// rejected too. The outcome does not depend on which row came first.
    static let conflicting = -2
    /// Slot or visit-table entry → the identical repeats of its first row, kept once (the first
    /// row itself is the record's source); taken back with it when a conflicting row comes.
    var participantRepeats: [Int: [SourceLocation]] = [:]
    var visitRepeats: [Int: [SourceLocation]] = [:]
    /// Slot or visit-table entry marked ``conflicting`` → the first of its rows, for the messages
    /// of later rows.
    var conflictingParticipants: [Int: SourceLocation] = [:]
    var conflictingVisits: [Int: SourceLocation] = [:]
    /// Participant id ↔ its index in `slots`.
    var ids = IDIndex()
    /// Accepted participants, in order of acceptance (`slots` points here), with the values of
    /// each one's accepted participant-input row as read (before visit rows added carried
    /// fields); nil when the record was built from visit rows. The row itself is the record's
    /// first source.
    var participantRecords: [ParticipantRecord] = []
    var participantRowValues: [FieldValues?] = []
    /// By slot: the participant values a rule across a kept row's fields emptied, as that row
    /// held them (``PreparedRow/ruleEmptied``), for comparing a later row of the participant.
    var ruleEmptied: [Int: [Field: Value]] = [:]
    /// Visits by slot and timepoint: `visitTable[slot * timepointCount + t]` is the index of the
    /// visit in `visitRecords` (-1 when there is none), where `t` is the timepoint's index in the
    /// (sorted) schedule.
    var visitTable: [Int] = []
    /// Accepted visits in order of acceptance (a visit rejected after reading stays here, out of
    /// the table).
    var visitRecords: [VisitRecord] = []
    let timepointCount: Int
    /// The slot of the id looked up last: the rows of one participant usually follow each other.
    var lastID = ""
    var lastSlot = -1
    /// Slot → the first accepted row of each `participant_rows` event of the participant, in
    /// reading order (only for participants with such rows): a later row of the same event is
    /// compared with it.
    var participantEvents: [Int: [EventRow]] = [:]
    /// Slot → the REDCap checkbox fields an accepted row of the participant (a participant event
    /// or a visit row) held unticked (``RowReader/fillerBoxes``).
    var untickedBoxes: [Int: Set<Field>] = [:]
    /// Slot → the visit row that carried each REDCap box's answer (a tick or a missing-data mark)
    /// into the participant, so that a conflict with it names that row.
    var carriedBoxSources: [Int: [Field: SourceLocation]] = [:]
    /// Slot → the values ``scoreOnRecords(_:ranges:mergedOnly:)`` gave that no row had derived, whose
    /// expectations are checked on the record
    /// (``Stager/checkRangesOfScoredTotals(_:slotOrder:)``).
    var scoredOnRecords: [Int: [Field]] = [:]
    /// Slot → the derived fields an accepted row of the participant found out of range (and said so).
    var derivedOutOfRangeOnRows: [Int: Set<Field>] = [:]
    /// Slots of participants with a blank participant row waiting (``RowReader/commit(_:_:)``):
    /// their visit rows wait too.
    var waitingBlankParticipants: Set<Int> = []
    /// Slots whose record a blank participant row made (no other participant row gives one).
    var recordsOfBlankRows: Set<Int> = []
    /// The first row of one `participant_rows` event of a participant: its event, values and place.
    struct EventRow {
        var event: String
        var values: FieldValues
        var source: SourceLocation
    }
    /// Field → canonical value → first place, for `unique` expectations.
    var uniqueValues: [Field: [String: SourceLocation]] = [:]
    var accounting: [FileAccounting]
    var inputProblems: [Diagnostic] = []
    /// Participants a row rule on participant values already reported with its row kept as it
    /// was (a warning that empties nothing), by rule (onset after screening, age against birth
    /// year): the record holds that row's values, and is not judged by the rule again. A row
    /// the rule rejected or emptied leaves the record to values of other rows, judged anew.
    var participantRuleFindings: Set<ParticipantRule> = []

    struct ParticipantRule: Hashable {
        let participant: String
        let rule: CrossFieldRule
    }
    var errorCount = 0
    var warningCount = 0
    var noteCount = 0
    /// Of the counts above, issues counted but not listed (``StagedStudy/unlistedCount``).
    var unlistedCount = 0
    /// File index → line → the row rejected after reading: where it starts and why.
    var deferred: [Int: [Int: DeferredRow]] = [:]
    /// File index → the encoding its reading ended with, for fetching deferred rows again.
    var encodings: [Int: CSVEncoding] = [:]
    /// Required fields some file left to the merged records (``RowReader/requiredOnRecords``),
    /// and those of inputs with several participant events (``RowReader/requiredOnEventRecords``).
    var requiredOnRecords: Set<Field> = []
    var requiredOnEventRecords: Set<Field> = []
    /// Required derived fields only the records derive (``RowReader/requiredDerivedOnRecords``).
    var requiredDerivedOnRecords: Set<Field> = []
    /// File index → field → its column in the file (from 1), for locating findings about a row
    /// after it was read (cross-row rules, a rejected participant's visits, profile conflicts).
    var fieldColumns: [Int: [Field: Int]] = [:]
    /// Mapped fields whose column a file's header lacks, by file index (`staging.column-absent`).
    var absentFields: [Int: Set<Field>] = [:]
    /// Visit rows that carried a value into their participant's record (a field the participant's
    /// rows lacked, or the record of a visits-only input): among the record's sources, but rows of
    /// visits, which rejecting the record leaves standing (``Stager/rejectParticipantRecord(inSlot:reason:_:)``).
    var carryingVisitRows: Set<SourceLocation> = []
    /// Visit rows whose participant was not known when they were read, while a participant row
    /// could still come (``Stager/participantRowsMayFollow``), in reading order: committed once
    /// every file is read (``Stager/commitWaitingRows(_:)``).
    var waitingRows: [WaitingRow] = []

    /// A row rejected after reading, to be read again for the sink: where its record starts (nil
    /// when unknown) and the reasons.
    struct DeferredRow {
        var byteOffset: Int?
        var reasons: [String] = []
    }

    /// A visit row kept back until every file is read: the reader of its file, its prepared row
    /// and its fields as read.
    struct WaitingRow {
        let reader: RowReader
        let prepared: PreparedRow
        let rawFields: [[UInt8]]
    }

    init(files: [InputFile], timepointCount: Int) {
        accounting = files.map { FileAccounting(file: $0.displayName, inputIndex: $0.inputIndex) }
        self.timepointCount = timepointCount
    }

    /// Rejects, after reading, a row counted as accepted: it moves to its file's rejected rows and
    /// is read again for the sink (``Stager/fetchDeferredRejections(_:encodings:reading:)``) with
    /// `reason`. A row already taken back (a visit row of a conflicting duplicate that also
    /// carried its participant's values, say) only gets the reason: it is counted once.
    mutating func withdraw(_ row: SourceLocation, fileIndex: Int, reason: String) {
        if deferred[fileIndex]?[row.line] == nil {
            accounting[fileIndex].accepted -= 1
            accounting[fileIndex].rejected += 1
        }
        addReason(reason, toDeferred: row, fileIndex: fileIndex)
    }

    /// One more reason for a row rejected after reading.
    mutating func addReason(_ reason: String, toDeferred row: SourceLocation, fileIndex: Int) {
        deferred[fileIndex, default: [:]][row.line, default: DeferredRow(byteOffset: row.byteOffset)].reasons.append(reason)
    }

    /// The slot of a participant id, nil when the id was never seen.
    mutating func slot(of id: String) -> Int? {
        if lastSlot >= 0, lastID == id { return lastSlot }
        guard let slot = ids.slot(of: id) else { return nil }
        lastID = id
        lastSlot = slot
        return slot
    }

    /// The slot of a participant id, made when the id is new.
    mutating func slotMade(for id: String) -> Int {
        if lastSlot >= 0, lastID == id { return lastSlot }
        let (slot, isNew) = ids.slotInserting(id)
        if isNew {
            slots.append(-1)
            hasParticipantRow.append(false)
            visitTable.append(contentsOf: repeatElement(-1, count: timepointCount))
        }
        lastID = id
        lastSlot = slot
        return slot
    }

    /// The index in `participants` of an id's record, nil when none was accepted.
    mutating func participantIndex(of id: String) -> Int? {
        guard let slot = slot(of: id) else { return nil }
        let index = slots[slot]
        return index >= 0 ? index : nil
    }

    /// Makes room for `count` participants in every per-participant array.
    mutating func reserveParticipants(_ count: Int) {
        slots.reserveCapacity(count)
        ids.reserveCapacity(count)
        participantRecords.reserveCapacity(count)
        participantRowValues.reserveCapacity(count)
        visitTable.reserveCapacity(count * timepointCount)
    }

    /// The values of the record at `index` (in `slot`) as its rows held them: a value a rule
    /// emptied put back, those derived from it still emptied
    /// (``RowReader/restoring(_:_:keepingDerived:)``). The record's own values when no rule emptied
    /// one, as in nearly every batch, at the cost of one check per visit row.
    func recordAsHeld(_ index: Int, slot: Int) -> FieldValues {
        guard !ruleEmptied.isEmpty, let emptied = ruleEmptied[slot] else { return participantRecords[index].values }
        return RowReader.restoring(participantRecords[index].values, emptied, keepingDerived: true)
    }

    /// Stores a participant's record in its slot (replacing the one there).
    mutating func setParticipant(_ record: ParticipantRecord, rowValues: FieldValues?, slot: Int) {
        let index = slots[slot]
        if index >= 0 {
            participantRecords[index] = record
            participantRowValues[index] = rowValues
        } else {
            slots[slot] = participantRecords.count
            participantRecords.append(record)
            participantRowValues.append(rowValues)
        }
    }

    /// A REDCap checkbox box no accepted row of a participant ticked, but one held unticked, is
    /// unticked: each `0` was read as an empty cell (``RowReader/fillerBoxes``), so that a `0` on
    /// an event without the box's instrument contradicts no tick, and a box left empty by every
    /// row (no `0` among them) stays empty.
    mutating func resolveUntickedBoxes() {
        for (slot, fields) in untickedBoxes where slots[slot] >= 0 {
            let index = slots[slot]
            for field in fields {
                let value = participantRecords[index].values[field]
                if value == nil || Overlap.isEmptyCell(value) { participantRecords[index].values[field] = .boolean(false) }
            }
        }
    }

    /// Scores `derivations` (``Stager/derivationsOfCheckboxes``: totals that read REDCap boxes) on
    /// every participant record, from the boxes as settled: the ticks of every accepted row, and
    /// the boxes set unticked (``resolveUntickedBoxes()``); with `mergedOnly`
    /// (``Stager/derivationsOfMergedRecords``) only on the records merged from several rows, as a
    /// record of one row holds what that row derived, and only where the record has no value
    /// (nor a missing reason) for the field. A record without every input collected,
    /// or with one left empty, keeps what another input gave it, if anything.
    mutating func scoreOnRecords(_ derivations: [(field: Field, derivation: Derivation)], ranges expectations: Expectations,
                                 mergedOnly: Bool = false) {
        guard !derivations.isEmpty else { return }
        for (field, derivation) in derivations {
            let inputs = DerivationInputFields(derivation.inputs(for: field))
            let range = expectations[field].range
            for (slot, index) in slots.enumerated() where index >= 0 && (!mergedOnly || participantRecords[index].sources.count > 1) {
                let current = participantRecords[index].values[field]
                // On a merged record only a gap is filled: a value a row collected or derived, or
                // one a row rule emptied with its reason, stands (a stated age is judged against
                // the birth year, not replaced by what the birth year gives).
                if mergedOnly, current != nil, !Overlap.isEmptyCell(current) { continue }
                // An input scored here that its range empties under `null-field` once every record
                // is scored (``Stager/checkRangesOfScoredTotals(_:slotOrder:)``) is not derived
                // from, as on a row: the value is emptied for the same reason.
                if !scoredOnRecords.isEmpty, let scored = scoredOnRecords[slot], (0..<inputs.count).contains(where: { position in
                    let input = inputs[position]
                    return scored.contains(input) && expectations[input].policy == .nullField
                        && expectations.outOfRange(input, participantRecords[index].values[input]) != nil
                }) {
                    participantRecords[index].values[field] = RowReader.invalid("range")
                    continue
                }
                // An input left empty gives no total (nor an empty one, which `required` would take
                // for an answer on the record); the value a row derived and checked is kept as is.
                guard let value = Derive.value(field, derivation, inputs: inputs, from: participantRecords[index].values),
                      !Overlap.isEmptyCell(value), value != current else { continue }
                // A total a row found out of its range and emptied (`null-field`), still out of it,
                // stays emptied: that row said why. One emptied with an item, which another row
                // has given since, is scored.
                if RowReader.isInvalid(current), derivedOutOfRangeOnRows[slot]?.contains(field) == true,
                   let number = value.number, let range, !range.contains(number) { continue }
                participantRecords[index].values[field] = value
                scoredOnRecords[slot, default: []].append(field)
            }
        }
    }

    /// Slot indexes ordered by participant id (byte order of UTF-8).
    func slotsByID() -> [Int] {
        let keys = ids.keys
        return keys.indices.sorted { StagingState.precedes(keys[$0], keys[$1]) }
    }

    /// Byte order of the UTF-8 of two strings, compared in place.
    static func precedes(_ left: String, _ right: String) -> Bool {
        var left = left
        var right = right
        return left.withUTF8 { leftBytes in
            right.withUTF8 { rightBytes in
                let common = min(leftBytes.count, rightBytes.count)
                if common > 0, let leftBase = leftBytes.baseAddress, let rightBase = rightBytes.baseAddress {
                    let order = memcmp(leftBase, rightBase, common)
                    if order != 0 { return order < 0 }
                }
                return leftBytes.count < rightBytes.count
            }
        }
    }

    // MARK: - Result

    /// The staged study: participants by id, visits by participant id then timepoint. The record
    /// arrays are put in that order in place and handed over, so that each record is held once.
    ///
    /// - Parameter timepoints: the schedule's visit names, in its order.
    mutating func result(slotOrder: [Int], timepoints: [String]) -> StagedStudy {
        var participantOrder: [Int] = []
        participantOrder.reserveCapacity(participantRecords.count)
        var visitOrder: [Int] = []
        visitOrder.reserveCapacity(visitRecords.count)
        for slot in slotOrder {
            if slots[slot] >= 0 { participantOrder.append(slots[slot]) }
            for index in visitTable[(slot * timepointCount)..<((slot + 1) * timepointCount)] where index >= 0 {
                visitOrder.append(index)
            }
        }
        participantRowValues = []
        StagingState.arrange(&participantRecords, as: participantOrder)
        StagingState.arrange(&visitRecords, as: visitOrder)
        var study = StagedStudy(
            participants: participantRecords, visits: visitRecords, accounting: accounting, inputProblems: inputProblems,
            errorCount: errorCount, warningCount: warningCount, noteCount: noteCount)
        study.participantsRejected = zip(slots, hasParticipantRow).filter { $0 < 0 && $1 }.count
        study.participantRowsWithoutID = participantRowsWithoutID
        study.unlistedCount = unlistedCount
        for entry in rejectedVisitRows.keys where entry / timepointCount < ids.keys.count && entry % timepointCount < timepoints.count {
            study.visitsWithRejectedRows[ids.keys[entry / timepointCount], default: []].insert(timepoints[entry % timepointCount])
        }
        for (fileIndex, columns) in fieldColumns {
            if let column = columns[.arm] { study.armColumns[accounting[fileIndex].file] = column }
        }
        participantRecords = []
        visitRecords = []
        return study
    }

    /// Rearranges `elements` in place so that element `order[i]` ends at position `i`, dropping
    /// the elements `order` leaves out. `order` holds distinct indexes. Elements are moved, never
    /// copied, one swap per misplaced element.
    static func arrange<Element>(_ elements: inout [Element], as order: [Int]) {
        var destination = Array(repeating: -1, count: elements.count)
        for (position, index) in order.enumerated() { destination[index] = position }
        var next = order.count
        for index in destination.indices where destination[index] < 0 {
            destination[index] = next
            next += 1
        }
        elements.withUnsafeMutableBufferPointer { buffer in
            for start in destination.indices {
                while destination[start] != start {
                    let target = destination[start]
                    buffer.swapAt(start, target)
                    destination.swapAt(start, target)
                }
            }
        }
        elements.removeLast(elements.count - order.count)
    }
}

/// What one staging run reads with: the pipeline, the files and the sink. Not shared across threads.
final class Stager {
    let spec: PipelineSpec
    let files: [InputFile]
    let sink: any StagingSink
    let hasParticipantInputs: Bool
    let fileIndexByName: [String: Int]
    /// Reads cells from their bytes with the pipeline's vocabularies and missing codes.
    let cells: CellReader
    /// Whether a participant row may come after a visit row of the same participant: when an
    /// input holds participant rows among its visit rows (REDCap's screening event), whose rows
    /// need not come first. A visit row whose participant is unknown then waits until every file
    /// is read, instead of being rejected as read.
    let participantRowsMayFollow: Bool
    /// What the `unknown-participant` message says after the participant's id: where the
    /// participant's row was looked for (the participants inputs, the `participant_rows` events).
    let participantRowNotFound: String

    init(spec: PipelineSpec, files: [InputFile], sink: any StagingSink) {
        self.spec = spec
        self.files = files
        self.sink = sink
        hasParticipantInputs = spec.hasParticipantRows
        participantRowsMayFollow = spec.inputs.contains { !$0.participantRows.isEmpty }
        let events = Set(spec.inputs.flatMap(\.participantRows)).sorted().map { "'\($0)'" }.joined(separator: " or ")
        let participantsInputs = spec.inputs.contains { $0.holds == .participants }
        participantRowNotFound = events.isEmpty ? "is not in any participants input"
            : "has no participant row: " + (participantsInputs ? "none in a participants input, and " : "") + "no row of event \(events)"
        var names: [String: Int] = [:]
        for (index, file) in files.enumerated() { names[file.displayName] = index }
        fileIndexByName = names
        cells = CellReader(spec)
    }

    // MARK: - Issues

    /// Sends an issue to the sink and counts it (per severity, and warnings per file).
    func emit(_ issue: Diagnostic, fileIndex: Int?, _ state: inout StagingState) throws {
        state.count(issue, fileIndex: fileIndex)
        if issue.severity == .warning, let participant = issue.participant, let rule = CrossFieldRule(rawValue: issue.rule),
           rule == .onsetAfterBaseline || rule == .ageInconsistentWithBirthYear, spec.expectations[rule].policy != .nullField {
            state.participantRuleFindings.insert(.init(participant: participant, rule: rule))
        }
        try sink.record(issue)
    }

    /// A problem with a file as a whole: an issue and an input problem (exit code 2).
    func fileProblem(_ message: String, rule: String, at location: SourceLocation, fileIndex: Int,
                     _ state: inout StagingState) throws {
        let issue = Diagnostic(.error, at: location, rule: rule, message: message)
        state.inputProblems.append(issue)
        try emit(issue, fileIndex: fileIndex, &state)
    }

    // MARK: - Reading one file

    func read(fileIndex: Int, into state: inout StagingState, reading: (InputFile, InputSpec) throws -> CSVReader) throws {
        let file = files[fileIndex]
        let input = spec.inputs[file.inputIndex]
        let fileStart = SourceLocation(file: file.displayName)
        let reader: CSVReader
        do {
            reader = try reading(file, input)
        } catch let error as CSVError {
            // A NUL byte in the header stops the file before any row: said as a stop in a row is.
            let remedy = error.code == "csv.nul-byte" && !error.message.contains("save it") ? "; fix the file and run again" : ""
            try fileProblem(error.message + remedy, rule: error.code, at: Stager.location(error.position), fileIndex: fileIndex, &state)
            return
        } catch {
            try fileProblem("cannot open the file: \(error)", rule: "csv.io", at: fileStart, fileIndex: fileIndex, &state)
            return
        }
        state.accounting[fileIndex].encoding = reader.encoding.name
        state.accounting[fileIndex].delimiter = Stager.delimiterName(reader.delimiter)
        try sink.startFile(file, header: reader.header, delimiter: reader.delimiter)
        if reader.isEmptyFile {
            try fileProblem("the file holds no records, not even a header; export it again, or leave it out of 'inputs'",
                            rule: "csv.empty-file", at: fileStart,
                            fileIndex: fileIndex, &state)
            return
        }
        let binding = ColumnBinding(header: reader.header, input: input, separatorLine: reader.hasSeparatorLine ? reader.delimiter : nil,
                                    codes: spec.missingCodes.declared)
        for problem in binding.fileProblems {
            try fileProblem(problem.message, rule: "staging.header",
                            at: SourceLocation(file: file.displayName, line: reader.headerLine, column: problem.column),
                            fileIndex: fileIndex, &state)
        }
        for (field, names) in binding.absent {
            state.absentFields[fileIndex, default: []].insert(field)
            let list = names.map { "'\($0)'" }.joined(separator: ", ")
            try emit(Diagnostic(.warning, at: SourceLocation(file: file.displayName, line: reader.headerLine), rule: "staging.column-absent",
                                message: "the header has no column for '\(field.name)' (looked for \(list)); it is not collected from this file",
                                field: field.name), fileIndex: fileIndex, &state)
        }
        // A field bound twice (a checkbox option, say) is located at its first column.
        state.fieldColumns[fileIndex] = Dictionary(binding.columns.map { ($0.field, $0.index + 1) }, uniquingKeysWith: { first, _ in first })
        if input.holds == .participants, let size = Stager.fileSize(file.path) {
            // Every field takes at least a delimiter or a line end: an upper bound on the rows,
            // reserved so that the participant arrays grow without copies (untouched capacity
            // costs address space only).
            state.reserveParticipants(state.slots.count + size / max(1, reader.header.count))
        }
        if input.holds == .visits {
            // At most one visit per participant and timepoint: with the participants known, the
            // visit records fit without the copies of a growing array (untouched capacity costs
            // address space only).
            state.visitRecords.reserveCapacity(state.slots.count * state.timepointCount)
        }
        var row = RowReader(stager: self, fileIndex: fileIndex, file: file, input: input, binding: binding)
        state.requiredOnRecords.formUnion(row.requiredOnRecords)
        state.requiredDerivedOnRecords.formUnion(row.requiredDerivedOnRecords)
        state.requiredOnEventRecords.formUnion(row.requiredOnEventRecords)
        // Counted here and added to the file's accounting once the file is done.
        var rowsRead = 0
        var accepted = 0
        var rejected = 0
        defer {
            state.accounting[fileIndex].rowsRead += rowsRead
            state.accounting[fileIndex].accepted += accepted
            state.accounting[fileIndex].rejected += rejected
        }
        // The reading thread prepares records with a row reader of its own (preparing changes
        // the prepared row and the reader's cell memo and last text); this one prepares the
        // batches that thread has not claimed, and commits every row in reading order.
        var preparer = RowReader(stager: self, fileIndex: fileIndex, file: file, input: input, binding: binding)
        let hasFileProblems = !binding.fileProblems.isEmpty
        let fileProblemReasons = binding.fileProblems.map(\.message)
        let pipe = RecordPipe(reader: reader) { record, prepared in
            if !hasFileProblems { preparer.prepare(record, into: prepared) }
        }
        defer { pipe.finish() }
        func prepareHere(_ record: CSVRecord, _ prepared: PreparedRow) {
            if !hasFileProblems { row.prepare(record, into: prepared) }
        }
        var stoppingError: (any Error)?
        // The header came again in another form (its line, and where the columns that say whose a
        // row is are in it): the rows after it, up to the header as it was, cannot be read.
        var changedHeader: (line: Int, columns: ChangedHeader)?
        reading: while let batch = pipe.next(preparing: prepareHere) {
            let rows = batch.rows
            try batch.records.withUnsafeBufferPointer { records in
                for index in 0..<batch.count {
                    rowsRead += 1
                    if hasFileProblems {
                        rejected += 1
                        try reject(file, line: records[index].position.line, rawFields: records[index].rawFields,
                                   reasons: fileProblemReasons)
                        continue
                    }
                    switch rows[index].headerLine {
                    case .same?: changedHeader = nil
                    case .changed(let columns)?: changedHeader = (rows[index].line, columns)
                    case .separator?: break
                    case nil:
                        if let header = changedHeader {
                            row.refuseAfterChangedHeader(records[index], into: rows[index], headerAt: header.line,
                                                         columns: header.columns)
                        }
                    }
                    switch try row.commit(rows[index], &state) {
                    case .accepted:
                        accepted += 1
                    case .rejected:
                        rejected += 1
                        try reject(file, line: records[index].position.line, rawFields: records[index].rawFields,
                                   reasons: row.lastReasons)
                    case .waiting:
                        // Counted as read now, as accepted or rejected when committed.
                        state.waitingRows.append(StagingState.WaitingRow(
                            reader: row, prepared: batch.takeRow(index), rawFields: records[index].rawFields))
                    }
                }
            }
            if let error = batch.error { stoppingError = error }
            let isLast = batch.isLast
            pipe.recycle(batch)
            try sink.progress(rowsRead: rowsRead, in: file)
            if isLast { break reading }
        }
        // The reader is the pipe's until its thread has let go of it.
        pipe.finish()
        if let stoppingError {
            // The reader stopped inside a record: that record is counted as read and rejected.
            rowsRead += 1
            rejected += 1
            try stopped(by: stoppingError, fileIndex: fileIndex, reader: reader, &state)
        }
        state.accounting[fileIndex].blankLines = reader.blankLineCount
        if let note = reader.blankLinesNote {
            try emit(Diagnostic(.note, at: SourceLocation(file: file.displayName, line: note.position.line), rule: note.code,
                                message: note.message),
                     fileIndex: fileIndex, &state)
        }
        state.accounting[fileIndex].encoding = reader.encoding.name
        state.encodings[fileIndex] = reader.encoding
        try forwardReaderDiagnostics(reader, fileIndex: fileIndex, &state)
    }

    /// Reports a file whose reading stopped: the record it stopped in is rejected with the
    /// reason. When the file still had lines after the line of the stop, those rows were never
    /// read and cannot be accounted for, so the stop is also a problem with the file as a whole
    /// (exit code 2) rather than one rejected row; a stop in the file's last line loses nothing.
    /// A quote never closed took every line after its record's first into one field: those lines
    /// were not read as rows either. A failure to read the file at all is always a problem with
    /// the file.
    private func stopped(by error: any Error, fileIndex: Int, reader: CSVReader, _ state: inout StagingState) throws {
        let file = files[fileIndex]
        guard let error = error as? CSVError, case .malformed = error.kind else {
            state.accounting[fileIndex].stoppedAtLine = 0
            let reason = "reading stopped: \((error as? CSVError)?.message ?? String(describing: error))"
            try fileProblem(reason, rule: "csv.io", at: SourceLocation(file: file.displayName), fileIndex: fileIndex, &state)
            try reject(file, line: 0, rawFields: [], reasons: [reason])
            return
        }
        let location = Stager.location(error.position)
        state.accounting[fileIndex].stoppedAtLine = location.line
        if spec.inputs[file.inputIndex].holds.level == .participant { state.participantRowsWithoutID += 1 }
        // Unknown when the rest cannot be read again: then it counts as unread.
        let unread = (try? reader.nonBlankLines(afterLineAt: error.position.byteOffset)) ?? 1
        var reason = error.message + "; reading stopped here"
        if unread > 0 {
            let lines = "the \(unread == 1 ? "line" : "\(unread) lines") after line \(location.line) "
            reason += error.code == "csv.unterminated-quote"
                ? "; \(lines)\(unread == 1 ? "was" : "were") read into that field, not as rows: fix the file and run again"
                : " and \(lines)\(unread == 1 ? "was" : "were") not read: fix the file and run again"
            try fileProblem(reason, rule: error.code, at: location, fileIndex: fileIndex, &state)
        } else {
            try emit(Diagnostic(.error, at: location, rule: error.code, message: reason), fileIndex: fileIndex, &state)
        }
        try reject(file, line: location.line, rawFields: [], reasons: [reason])
    }

    /// Hands a rejected row of `file` to the sink: its fields as read and why it was rejected.
    func reject(_ file: InputFile, line: Int, rawFields: [[UInt8]], reasons: [String]) throws {
        try sink.reject(RejectedRow(file: file.displayName, inputIndex: file.inputIndex, line: line, rawFields: rawFields,
                                    reasons: reasons))
    }

    /// Commits the rows that waited, now that every other row is read: visit rows that waited for
    /// their participant (a participant still unknown is an error, `unknown-participant`) and
    /// blank rows.
    func commitWaitingRows(_ state: inout StagingState) throws {
        // Blank participant rows first (a visit row may wait for one), then the visit rows that
        // waited for their participant, then blank visit rows (after every other row, so that
        // they start no record another row fills); each in reading order.
        let rows = state.waitingRows
        let waiting = rows.filter { $0.prepared.level == .participant }
            + rows.filter { $0.prepared.level != .participant && !$0.prepared.isBlank }
            + rows.filter { $0.prepared.level != .participant && $0.prepared.isBlank }
        state.waitingRows = []
        for row in waiting {
            var reader = row.reader
            reader.participantsComplete = true
            let fileIndex = reader.fileIndex
            if try reader.commit(row.prepared, &state) == .accepted {
                state.accounting[fileIndex].accepted += 1
            } else {
                state.accounting[fileIndex].rejected += 1
                try reject(files[fileIndex], line: row.prepared.line, rawFields: row.rawFields, reasons: reader.lastReasons)
            }
        }
    }

    /// The reader's own findings that staging does not turn into row rejections (ragged rows
    /// are rejected per row instead).
    private func forwardReaderDiagnostics(_ reader: CSVReader, fileIndex: Int, _ state: inout StagingState) throws {
        // A reader finding is a warning or a note, never a row's error (those are rejections).
        func severity(_ finding: CSVDiagnostic) -> Severity { finding.severity == .warning ? .warning : .note }
        var kept: [String: (count: Int, severity: Severity)] = [:]
        for finding in reader.diagnostics where finding.code != "csv.ragged-row" && finding.code != "csv.empty-file" {
            kept[finding.code, default: (0, severity(finding))].count += 1
            try emit(Diagnostic(severity(finding), at: Stager.location(finding.position), rule: finding.code, message: finding.message),
                     fileIndex: fileIndex, &state)
        }
        // Findings past the reader's first ones of a kind are one note in issues.csv, but each is
        // still counted under its severity (a file's `warnings` are all of its warnings), and by
        // its rule in the summary.
        for (code, count) in reader.diagnosticCounts.sorted(by: { $0.key < $1.key }) where code != "csv.ragged-row" {
            let shown = kept[code]?.count ?? 0
            guard count > shown else { continue }
            let unlisted = count - shown
            let severity = kept[code]?.severity ?? .note
            try emit(Diagnostic(.note, at: SourceLocation(file: files[fileIndex].displayName), rule: code,
                                message: "\(unlisted) more \(severity == .warning ? "warnings" : "notes") of '\(code)' are not listed"),
                     fileIndex: fileIndex, &state)
            state.count(unlisted, of: severity, fileIndex: fileIndex)
            state.unlistedCount += unlisted
            sink.countUnlisted(unlisted, severity: severity, rule: code)
        }
    }

    /// The size of a file in bytes; nil when it cannot be known (a reader over bytes in memory).
    static func fileSize(_ path: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int
    }

    static func location(_ position: CSVPosition) -> SourceLocation {
        SourceLocation(file: position.file, line: position.line, column: position.column, byteOffset: position.byteOffset)
    }

    static func delimiterName(_ delimiter: UInt8) -> String {
        delimiter == 0x09 ? "tab" : String(UnicodeScalar(delimiter))
    }
}

extension Expectations {
    /// The range of `field` when `value` is a number outside it; nil for a value within its
    /// range, no number, or a field without a range.
    func outOfRange(_ field: Field, _ value: Value?) -> ClosedRange<Double>? {
        guard let range = self[field].range, let number = value?.number, !range.contains(number) else { return nil }
        return range
    }
}

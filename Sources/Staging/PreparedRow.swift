import StudyModel

/// A record that is the header line again, or Excel's separator line before it.
enum HeaderLine {
    /// Excel's `sep=;` line, which a joined file may repeat before its header.
    case separator
    /// The header as it was: the rows after it are read by it again.
    case same
    /// The header in another form (its columns in another order, or other names among them):
    /// the rows after it cannot be read by the file's header.
    case changed(ChangedHeader)
}

/// Where a header in another form has the columns that say whose a row is: the participant id,
/// the visit and REDCap's repeating instrument (columns from 0, nil when it has none).
struct ChangedHeader {
    var idColumn: Int?
    var visitColumn: Int?
    var repeatInstrumentColumn: Int?
}

/// One record after the checks that need only the record itself: its values read, normalised,
/// derived and range-checked, its key fields found, and the issues that found. What is left is
/// the part that needs the rest of the batch (duplicates, the participant a visit belongs to),
/// done by ``RowReader/commit(_:_:)`` in reading order.
///
/// One per place in a ``RecordPipe`` batch, reused from row to row: the reading thread fills it
/// (``RowReader/prepare(_:into:)``) and hands it over with its batch; staging reads and changes it
/// until it recycles the batch. Never used by both at once (the hand-over is under the pipe's lock).
final class PreparedRow: @unchecked Sendable {
    /// The row's values, filled in place; a row that is kept is copied out of them.
    let participantValues = FieldValuesBuilder(level: .participant)
    let visitValues = FieldValuesBuilder(level: .visit)
    // The properties below are unchecked for exclusive access: one thread at a time uses a row,
    // and no access to one of them overlaps another (the runtime's check cost more per row than
    // most of the row's checks).
    @exclusivity(unchecked) var issues: [Diagnostic] = []
    /// Line and byte offset of the record; the row reader that uses the row names the file
    /// (``RowReader/location``), so that no string is shared between the two threads per row.
    @exclusivity(unchecked) var line = 0
    @exclusivity(unchecked) var byteOffset: Int?
    /// What the row holds: the input's level, or participant data in a visits input
    /// (`participant_rows`, e.g. REDCap's screening event).
    @exclusivity(unchecked) var level = FieldLevel.participant
    /// The record cannot be read by the header: its field count differs from the header's, or it
    /// follows the header repeated with its columns in another order. Rejected as read, nothing
    /// else is read (but the participant id, where it can be found).
    @exclusivity(unchecked) var isUnreadable = false
    /// The record is the header line again, or the separator line before it (files joined one
    /// after another); nil for any other record.
    @exclusivity(unchecked) var headerLine: HeaderLine?
    /// A row that holds no participant or visit (a REDCap repeating instrument's row): rejected
    /// as read with the note that says why, nothing else is read.
    @exclusivity(unchecked) var isSetAside = false
    /// The participant id, nil or empty when the row has none (an error is among the issues).
    @exclusivity(unchecked) var participantID: String?
    /// The visit of a visit row, with its index in the schedule; nil for participant rows and
    /// when the visit is missing or unknown (an error is among the issues).
    @exclusivity(unchecked) var timepoint: (index: Int, timepoint: Timepoint)?
    /// The event of a participant row of a visits input (one of its `participant_rows`, as a
    /// vocabulary key); nil for any other row.
    @exclusivity(unchecked) var event: String?
    /// The REDCap checkbox fields whose `0` was read as an empty cell (``RowReader/fillerBoxes``).
    @exclusivity(unchecked) var untickedBoxes: [Field] = []
    /// Derived fields this row found out of their range (reported here, emptied under `null-field`).
    @exclusivity(unchecked) var derivedOutOfRange: [Field] = []
    /// The REDCap checkbox fields a missing-data code column of this row marked missing, with that
    /// column (from 1): a conflict of the mark with the participant's answer is located there.
    @exclusivity(unchecked) var markedBoxes: [(field: Field, column: Int)] = []
    /// The row holds nothing but its keys (``RowReader`` `isBlank`): its empty cells are not collected.
    @exclusivity(unchecked) var isBlank = false
    /// Participant values a rule across this row's fields emptied (`null-field`), as the row held
    /// them: another row of the participant is compared with what the row holds.
    @exclusivity(unchecked) var ruleEmptied: [Field: Value] = [:]

    /// Forgets the row before, for the record at `line` and `byteOffset`.
    func reset(line: Int, byteOffset: Int?) {
        if !issues.isEmpty { issues.removeAll(keepingCapacity: true) }
        self.line = line
        self.byteOffset = byteOffset
        participantValues.removeAll()
        visitValues.removeAll()
        level = .participant
        isUnreadable = false
        headerLine = nil
        isSetAside = false
        participantID = nil
        timepoint = nil
        if !untickedBoxes.isEmpty { untickedBoxes.removeAll(keepingCapacity: true) }
        if !derivedOutOfRange.isEmpty { derivedOutOfRange.removeAll(keepingCapacity: true) }
        if !markedBoxes.isEmpty { markedBoxes.removeAll(keepingCapacity: true) }
        if !ruleEmptied.isEmpty { ruleEmptied.removeAll() }
        isBlank = false
        event = nil
    }

    var hasErrors: Bool { issues.contains { $0.severity == .error } }
}

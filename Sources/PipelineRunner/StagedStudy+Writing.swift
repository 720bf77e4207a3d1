import CSVKit
import Foundation
import PipelineSpec
import Staging
import StudyModel

extension StagedStudy {
    /// Writes `clean/participants.csv`, `clean/visits.csv` and `clean/missing.csv` into `folder`.
    ///
    /// Tidy tables: one row per participant (ordered by id) and per visit (by participant, then
    /// timepoint); columns are the canonical names of the fields the pipeline collects, in
    /// ``StudyModel/Field`` declaration order (`participant_id`, and `visit` for visits, first).
    /// Numbers use `.` and no grouping, dates ISO `yyyy-mm-dd`, booleans `1`/`0`, arms their id,
    /// visits their timepoint name. A missing value is an empty cell; when it had a reason other
    /// than an empty source cell (a Castor or declared missing code, `invalid` for a value emptied
    /// by `null-field`), `missing.csv` has a row `participant_id, visit, field, reason_code, reason`.
    public func writeClean(to folder: String, spec: PipelineSpec) throws {
        let directory = (folder as NSString).appendingPathComponent("clean")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let participantFields = StagedStudy.collected(.participant, spec: spec)
        let visitFields = StagedStudy.collected(.visit, spec: spec).filter { $0 != .visit }
        let missing = try CSVWriter(to: .file((directory as NSString).appendingPathComponent("missing.csv")))
        try missing.writeHeader(["participant_id", "visit", "field", "reason_code", "reason"])

        let people = try CSVWriter(to: .file((directory as NSString).appendingPathComponent("participants.csv")))
        try people.writeHeader(participantFields.map(\.name))
        // Each value is read once, for its cell and for its missing reason; rows are written cell
        // by cell, without an array of cells per row.
        for participant in participants {
            people.beginRow()
            for field in participantFields {
                guard field != .participantID else {
                    people.appendCell(.text(participant.id))
                    continue
                }
                guard let reason = StagedStudy.appendCell(participant.values, field, to: people), reason != .empty else { continue }
                try StagedStudy.writeMissing(reason, participant: participant.id, visit: nil, field: field, to: missing)
            }
            try people.endRow()
        }
        try people.finish()

        let rows = try CSVWriter(to: .file((directory as NSString).appendingPathComponent("visits.csv")))
        try rows.writeHeader(["participant_id", "visit"] + visitFields.map(\.name))
        for visit in visits {
            rows.beginRow()
            rows.appendCell(.text(visit.participantID))
            rows.appendCell(.text(visit.timepoint.name))
            for field in visitFields {
                guard let reason = StagedStudy.appendCell(visit.values, field, to: rows), reason != .empty else { continue }
                try StagedStudy.writeMissing(reason, participant: visit.participantID, visit: visit.timepoint.name, field: field,
                                             to: missing)
            }
            try rows.endRow()
        }
        try rows.finish()
        try missing.finish()
    }

    /// Writes `accounting.csv`: one row per input file in reading order; `stopped_at_line` names
    /// the line where reading stopped (empty when the file was read to its end).
    public func writeAccounting(to folder: String) throws {
        let writer = try CSVWriter(to: .file((folder as NSString).appendingPathComponent("accounting.csv")))
        try writer.writeHeader([
            "file", "rows_read", "accepted", "rejected", "warnings", "blank_lines", "encoding", "delimiter", "stopped_at_line",
        ])
        for account in accounting {
            try writer.writeRow([
                .text(account.file), .number(String(account.rowsRead)), .number(String(account.accepted)),
                .number(String(account.rejected)), .number(String(account.warnings)), .number(String(account.blankLines)),
                .text(account.encoding), .text(account.delimiter),
                account.stoppedAtLine.map { .number(String($0)) } ?? .empty,
            ])
        }
        try writer.finish()
    }

    /// The fields of a level that some input maps (or derives), plus `participant_id` and, for
    /// participants, `site` when any input sets a constant site; in declaration order.
    static func collected(_ level: FieldLevel, spec: PipelineSpec) -> [Field] {
        var fields: Set<Field> = level == .participant ? [.participantID] : [.visit]
        for input in spec.inputs {
            for field in input.fields.fields where field.level == level { fields.insert(field) }
            if level == .participant, input.site != nil { fields.insert(.site) }
        }
        return Field.fields(at: level).filter { fields.contains($0) }
    }

    /// One row of `missing.csv`: participant, visit (empty for a participant field), field, reason
    /// code and reason.
    private static func writeMissing(_ reason: MissingReason, participant: String, visit: String?, field: Field,
                                     to writer: CSVWriter) throws {
        writer.beginRow()
        writer.appendCell(.text(participant))
        writer.appendCell(visit.map(CSVCell.text) ?? .empty)
        writer.appendCell(.text(field.name))
        writer.appendCell(codeCell(reason))
        writer.appendCell(.text(reason.description))
        try writer.endRow()
    }

    /// A reason code as a cell: Castor's numeric codes (`-95`...`-99`) as numbers, so the formula
    /// guard leaves them as they are; declared codes as text.
    static func codeCell(_ reason: MissingReason) -> CSVCell {
        Int(reason.code) != nil ? .number(reason.code) : .text(reason.code)
    }

    /// Appends the cell of `values[field]` (``cell(_:)``) to the open row, whole numbers and
    /// booleans straight from their stored form: the clean tables are nearly all such cells.
    /// Returns the field's missing reason, if it holds one.
    static func appendCell(_ values: FieldValues, _ field: Field, to writer: CSVWriter) -> MissingReason? {
        if let number = values.number(field), let whole = Value.wholeNumber(number) {
            writer.appendInteger(whole)
            return nil
        }
        if let flag = values.boolean(field) {
            writer.appendInteger(flag ? 1 : 0)
            return nil
        }
        let value = values[field]
        writer.appendCell(cell(value))
        return value?.missingReason
    }

    /// A value as a cell: numbers and booleans as numbers, everything else as (guarded) text.
    static func cell(_ value: Value?) -> CSVCell {
        switch value {
        case nil, .missing: .empty
        case .number(let number): .number(Value.format(number))
        case .boolean(let flag): .number(flag ? "1" : "0")
        case .date(let date): .text(date.iso)
        case .text(let text): text.isEmpty ? .empty : .text(text)
        }
    }
}

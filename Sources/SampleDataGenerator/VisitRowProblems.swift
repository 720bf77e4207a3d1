import StudyModel

/// The planted problems of one visit row, for both exporters: where a field sits in the export's
/// columns, the truth-log entry for a problem at a line, and the entries (and the second rows of
/// the duplicate problems) once the row is written. An export keeps only what differs: its file,
/// columns, date format and where a split remark lands.
struct VisitRowProblems {
    let style: String
    let file: String
    let columns: [(name: String, field: Field?)]
    let log: TruthLog
    let participant: String
    let visit: VisitName

    /// The column (from 1) that holds `field`.
    func column(of field: Field) -> Int {
        (columns.firstIndex { $0.field == field } ?? 0) + 1
    }

    /// Logs a problem at `line` in the column of `field` (or `column`), with the cell as `row` holds it.
    func record(_ line: Int, _ field: Field?, _ kind: ProblemKind, _ detail: String, column: Int? = nil, row: [String]) {
        let columnNumber = column ?? field.map { self.column(of: $0) }
        log.record(PlantedProblem(
            style: style, file: file, line: line, column: columnNumber,
            columnName: kind == .raggedRow ? "" : columnNumber.map { columns[$0 - 1].name } ?? "",
            participantID: participant, visit: visit.id, field: field?.name ?? "",
            value: columnNumber.map { $0 <= row.count ? row[$0 - 1] : "" } ?? "", kind: kind, detail: detail))
    }

    /// Logs what `planned` put into `row`, which was written at `line`; writes the second row of a
    /// duplicate with `write`. `missingBaseline` logs the follow-up without a baseline row on this
    /// line; a ragged row is located at `raggedColumn`.
    func logWritten(
        _ planned: VisitProblem?, row: [String], line: Int, rmdq: Int, missingBaseline: Bool, raggedColumn: Int,
        write: ([String]) throws -> Int
    ) throws {
        if missingBaseline {
            record(line, nil, .followUpWithoutBaseline, "no baseline row for this randomised participant", row: row)
        }
        switch planned {
        case .painOutOfRange: record(line, .painNRS, .outOfRange, "pain NRS is 0...10", row: row)
        case .rmdqOutOfRange: record(line, .rmdq, .outOfRange, "RMDQ is 0...24", row: row)
        case .impossibleDate: record(line, .visitDate, .impossibleDate, "the day does not exist in that month", row: row)
        case .formulaRemark: record(line, .remark, .formulaLikeText, "accept as text; guard when writing CSV", row: row)
        case .raggedRow:
            record(line, nil, .raggedRow, "\(row.count) fields where the header has \(columns.count)", column: raggedColumn,
                   row: row)
        case .duplicateIdentical:
            let second = try write(row)
            record(second, nil, .duplicateIdentical, "identical to line \(line); keep one", row: row)
        case .duplicateConflicting:
            var conflicting = row
            conflicting[column(of: .rmdq) - 1] = String(rmdq <= 21 ? rmdq + 3 : rmdq - 3)
            let second = try write(conflicting)
            record(second, .rmdq, .duplicateConflicting,
                   "same participant and visit as line \(line), where rmdq is '\(rmdq)'", row: conflicting)
        case .unterminatedQuote, nil:
            break
        }
    }
}

import StudyModel

/// Collects what the exports report while they write: the planted problems (a fixed, small number)
/// and, streamed to `truth/missing_values.csv`, every cell that holds a missing-value code.
final class TruthLog {
    private(set) var problems: [PlantedProblem] = []
    private let missingFile: ExportFile

    static let missingHeader = [
        "style", "file", "line", "column", "column_name", "participant_id", "visit", "field", "written", "reason",
    ]

    init(root: String) throws {
        missingFile = try ExportFile(root: root, relativePath: "truth/missing_values.csv", delimiter: UInt8(ascii: ","))
        try missingFile.writeCells(TruthLog.missingHeader.map { .text($0) })
    }

    func record(_ problem: PlantedProblem) {
        problems.append(problem)
    }

    /// Logs a written missing-value cell. `written` is the cell text (`-99`, `ND`, `01-01-2998`, or
    /// empty for a cell left empty).
    func missing(
        style: String, file: String, line: Int, column: Int, columnName: String, participant: String,
        visit: String, field: Field, written: String, reason: MissingReason
    ) throws {
        try missingFile.writeCells([
            .text(style), .text(file), .number(String(line)), .number(String(column)), .text(columnName),
            .text(participant), .text(visit), .text(field.name),
            written.isEmpty ? .empty : written.hasPrefix("-") ? .number(written) : .text(written),
            .text(reason.description),
        ])
    }

    func finish() throws -> ExportFile {
        _ = try missingFile.finish()
        return missingFile
    }

    /// Problems in file order: style, file, line, column.
    var sortedProblems: [PlantedProblem] {
        problems.sorted { lhs, rhs in
            if lhs.style != rhs.style { return lhs.style < rhs.style }
            if lhs.file != rhs.file { return lhs.file < rhs.file }
            if lhs.line != rhs.line { return lhs.line < rhs.line }
            return (lhs.column ?? 0) < (rhs.column ?? 0)
        }
    }
}

import CSVKit
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
    let order = files.indices.sorted { left, right in
        let leftLevel = spec.inputs[files[left].inputIndex].holds == .participants ? 0 : 1
        let rightLevel = spec.inputs[files[right].inputIndex].holds == .participants ? 0 : 1
        return leftLevel != rightLevel ? leftLevel < rightLevel : left < right
    }
    for index in order {
        try stager.read(fileIndex: index, reading: reading)
    }
    try stager.applyCrossRowRules()
    try stager.fetchDeferredRejections(reading: reading)
    return stager.result()
}

/// The mutable state of one staging run. Not shared across threads.
final class Stager {
    let spec: PipelineSpec
    let files: [InputFile]
    let sink: any StagingSink
    let hasParticipantInputs: Bool

    /// Participant id → its record and where its participant row came from.
    var participants: [String: ParticipantState] = [:]
    /// Participant ids whose only participant row was rejected, with that row's place.
    var rejectedParticipants: [String: SourceLocation] = [:]
    /// (participant id, timepoint name) → visit.
    var visits: [VisitKey: VisitRecord] = [:]
    /// Field → canonical value → first place, for `unique` expectations.
    var uniqueValues: [Field: [String: SourceLocation]] = [:]
    var accounting: [FileAccounting]
    var inputProblems: [Diagnostic] = []
    var errorCount = 0
    var warningCount = 0
    var noteCount = 0
    /// File index → line → reasons, for rows rejected after reading.
    var deferred: [Int: [Int: [String]]] = [:]
    /// File index → column (from 1) of `visit_date`, for locating cross-row findings.
    var visitDateColumns: [Int: Int] = [:]
    let fileIndexByName: [String: Int]

    struct ParticipantState {
        var record: ParticipantRecord
        /// The accepted participant-input row, nil when the record was built from visit rows.
        var participantRow: SourceLocation?
        /// The values of that row as read (before visit rows added carried fields).
        var rowValues: FieldValues?
    }

    struct VisitKey: Hashable {
        var participant: String
        var timepoint: String
    }

    init(spec: PipelineSpec, files: [InputFile], sink: any StagingSink) {
        self.spec = spec
        self.files = files
        self.sink = sink
        hasParticipantInputs = spec.hasParticipantRows
        accounting = files.map { FileAccounting(file: $0.displayName, inputIndex: $0.inputIndex) }
        var names: [String: Int] = [:]
        for (index, file) in files.enumerated() { names[file.displayName] = index }
        fileIndexByName = names
    }

    // MARK: - Issues

    /// Sends an issue to the sink and counts it (per severity, and warnings per file).
    func emit(_ issue: Diagnostic, fileIndex: Int?) throws {
        switch issue.severity {
        case .error: errorCount += 1
        case .warning:
            warningCount += 1
            if let fileIndex { accounting[fileIndex].warnings += 1 }
        case .note: noteCount += 1
        }
        try sink.record(issue)
    }

    /// A problem with a file as a whole: an issue and an input problem (exit code 2).
    func fileProblem(_ message: String, rule: String, at location: SourceLocation, fileIndex: Int) throws {
        let issue = Diagnostic(.error, at: location, rule: rule, message: message)
        inputProblems.append(issue)
        try emit(issue, fileIndex: fileIndex)
    }

    // MARK: - Reading one file

    func read(fileIndex: Int, reading: (InputFile, InputSpec) throws -> CSVReader) throws {
        let file = files[fileIndex]
        let input = spec.inputs[file.inputIndex]
        let fileStart = SourceLocation(file: file.displayName)
        let reader: CSVReader
        do {
            reader = try reading(file, input)
        } catch let error as CSVError {
            try fileProblem(error.message, rule: error.code, at: Stager.location(error.position), fileIndex: fileIndex)
            return
        } catch {
            try fileProblem("cannot open the file: \(error)", rule: "csv.io", at: fileStart, fileIndex: fileIndex)
            return
        }
        accounting[fileIndex].encoding = Stager.encodingName(reader.encoding)
        accounting[fileIndex].delimiter = Stager.delimiterName(reader.delimiter)
        try sink.startFile(file, header: reader.header, delimiter: reader.delimiter)
        if reader.isEmptyFile {
            try fileProblem("the file holds no records, not even a header", rule: "csv.empty-file", at: fileStart,
                            fileIndex: fileIndex)
            return
        }
        let binding = ColumnBinding(header: reader.header, input: input)
        for problem in binding.fileProblems {
            try fileProblem(problem, rule: "staging.header", at: SourceLocation(file: file.displayName, line: 1),
                            fileIndex: fileIndex)
        }
        for (field, names) in binding.absent {
            let list = names.map { "'\($0)'" }.joined(separator: ", ")
            try emit(Diagnostic(.warning, at: SourceLocation(file: file.displayName, line: 1), rule: "staging.column-absent",
                                message: "the header has no column for '\(field.name)' (looked for \(list)); it is not collected from this file",
                                field: field.name), fileIndex: fileIndex)
        }
        if let column = binding.columns.first(where: { $0.field == .visitDate }) {
            visitDateColumns[fileIndex] = column.index + 1
        }
        let row = RowReader(stager: self, fileIndex: fileIndex, file: file, input: input, binding: binding)
        var record = CSVRecord()
        while true {
            do {
                guard try reader.read(into: &record) else { break }
            } catch let error as CSVError {
                // The reader stopped inside a record: that record is read and rejected; nothing after it is read.
                accounting[fileIndex].rowsRead += 1
                accounting[fileIndex].rejected += 1
                let location = Stager.location(error.position)
                accounting[fileIndex].stoppedAtLine = location.line
                try emit(Diagnostic(.error, at: location, rule: error.code,
                                    message: error.message + "; reading stopped here"), fileIndex: fileIndex)
                try sink.reject(RejectedRow(file: file.displayName, inputIndex: file.inputIndex, line: location.line,
                                            rawFields: [], reasons: [error.message + "; reading stopped here"]))
                break
            } catch {
                accounting[fileIndex].rowsRead += 1
                accounting[fileIndex].rejected += 1
                accounting[fileIndex].stoppedAtLine = 0
                try emit(Diagnostic(.error, at: fileStart, rule: "csv.io", message: "reading stopped: \(error)"), fileIndex: fileIndex)
                try sink.reject(RejectedRow(file: file.displayName, inputIndex: file.inputIndex, line: 0, rawFields: [],
                                            reasons: ["reading stopped: \(error)"]))
                break
            }
            accounting[fileIndex].rowsRead += 1
            if !binding.fileProblems.isEmpty {
                accounting[fileIndex].rejected += 1
                try sink.reject(RejectedRow(file: file.displayName, inputIndex: file.inputIndex, line: record.position.line,
                                            rawFields: record.rawFields, reasons: binding.fileProblems))
                continue
            }
            if try row.process(record) {
                accounting[fileIndex].accepted += 1
            } else {
                accounting[fileIndex].rejected += 1
                try sink.reject(RejectedRow(file: file.displayName, inputIndex: file.inputIndex, line: record.position.line,
                                            rawFields: record.rawFields, reasons: row.lastReasons))
            }
        }
        accounting[fileIndex].blankLines = reader.blankLineCount
        if reader.blankLineCount > 0 {
            let count = reader.blankLineCount
            try emit(Diagnostic(.note, at: fileStart, rule: "csv.blank-lines",
                                message: "\(count) blank \(count == 1 ? "line was" : "lines were") skipped"), fileIndex: fileIndex)
        }
        accounting[fileIndex].encoding = Stager.encodingName(reader.encoding)
        try forwardReaderDiagnostics(reader, fileIndex: fileIndex)
    }

    /// The reader's own findings that staging does not turn into row rejections (ragged rows
    /// are rejected per row instead).
    private func forwardReaderDiagnostics(_ reader: CSVReader, fileIndex: Int) throws {
        var kept: [String: Int] = [:]
        for finding in reader.diagnostics where finding.code != "csv.ragged-row" && finding.code != "csv.empty-file" {
            kept[finding.code, default: 0] += 1
            let severity: Severity = finding.severity == .warning ? .warning : .note
            try emit(Diagnostic(severity, at: Stager.location(finding.position), rule: finding.code, message: finding.message),
                     fileIndex: fileIndex)
        }
        for (code, count) in reader.diagnosticCounts.sorted(by: { $0.key < $1.key }) where code != "csv.ragged-row" {
            let shown = kept[code] ?? 0
            if count > shown {
                try emit(Diagnostic(.note, at: SourceLocation(file: files[fileIndex].displayName), rule: code,
                                    message: "\(count - shown) more findings of '\(code)' are not listed"), fileIndex: fileIndex)
            }
        }
    }

    static func location(_ position: CSVPosition) -> SourceLocation {
        SourceLocation(file: position.file, line: position.line, column: position.column, byteOffset: position.byteOffset)
    }

    static func encodingName(_ encoding: CSVEncoding) -> String {
        switch encoding {
        case .utf8: "utf-8"
        case .windows1252: "windows-1252"
        case .utf16LittleEndian: "utf-16le"
        case .utf16BigEndian: "utf-16be"
        }
    }

    static func delimiterName(_ delimiter: UInt8) -> String {
        delimiter == 0x09 ? "tab" : String(UnicodeScalar(delimiter))
    }

    // MARK: - Result

    func result() -> StagedStudy {
        let participantList = participants.values.map(\.record).sorted {
            $0.id.utf8.lexicographicallyPrecedes($1.id.utf8)
        }
        let visitList = visits.values.sorted { left, right in
            if left.participantID != right.participantID {
                return left.participantID.utf8.lexicographicallyPrecedes(right.participantID.utf8)
            }
            return left.timepoint < right.timepoint
        }
        return StagedStudy(
            participants: participantList, visits: visitList, accounting: accounting, inputProblems: inputProblems,
            errorCount: errorCount, warningCount: warningCount, noteCount: noteCount)
    }
}

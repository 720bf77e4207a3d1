import CSVKit
import StudyModel

extension TableInput {
    /// The dialect of literature files: comma-delimited with a header. The delimiter is fixed
    /// rather than sniffed because `conclusion_ids` cells hold `;`, which a sniffer could take for
    /// the delimiter.
    public static let dialect = CSVDialect(delimiter: UInt8(ascii: ","), hasHeader: true)

    /// Reads a literature table file whole through CSVKit's reader (the only file access in
    /// Evidence; files are a few dozen rows).
    ///
    /// Returns nil with an error diagnostic when the reader stops (unreadable file, malformed
    /// quoting, bad header). The reader's non-stopping findings become diagnostics, except
    /// `csv.ragged-row`, which the table parsers report themselves as errors that reject the row.
    /// The header is taken to be on line 1 (line 2 after an Excel `sep=` line).
    public static func read(path: String, displayName: String) -> (input: TableInput?, diagnostics: [Diagnostic]) {
        do {
            let reader = try CSVReader(path: path, displayName: displayName, dialect: dialect)
            return collect(reader, displayName: displayName)
        } catch let error as CSVError {
            return (nil, [diagnostic(error)])
        } catch {
            return (nil, [Diagnostic(.error, at: SourceLocation(file: displayName), rule: "csv.io",
                                     message: "cannot read the file: \(error)")])
        }
    }

    /// Reads a literature table from bytes in memory, as ``read(path:displayName:)`` does.
    public static func parse(bytes: [UInt8], displayName: String) -> (input: TableInput?, diagnostics: [Diagnostic]) {
        do {
            let reader = try CSVReader(bytes: bytes, displayName: displayName, dialect: dialect)
            return collect(reader, displayName: displayName)
        } catch let error as CSVError {
            return (nil, [diagnostic(error)])
        } catch {
            return (nil, [Diagnostic(.error, at: SourceLocation(file: displayName), rule: "csv.io",
                                     message: "cannot read the bytes: \(error)")])
        }
    }

    private static func collect(_ reader: CSVReader, displayName: String) -> (input: TableInput?, diagnostics: [Diagnostic]) {
        var records: [TableRecord] = []
        var failure: Diagnostic?
        do {
            var record = CSVRecord()
            while try reader.read(into: &record) {
                records.append(TableRecord(line: record.position.line, fields: record.fields))
            }
        } catch let error as CSVError {
            failure = diagnostic(error)
        } catch {
            failure = Diagnostic(.error, at: SourceLocation(file: displayName), rule: "csv.io",
                                 message: "cannot read the file: \(error)")
        }
        var diagnostics = reader.diagnostics.filter { $0.code != "csv.ragged-row" }.map { finding in
            Diagnostic(finding.severity == .warning ? .warning : .note, at: location(finding.position), rule: finding.code,
                       message: finding.message)
        }
        if let failure {
            diagnostics.append(failure)
            return (nil, diagnostics)
        }
        if let note = reader.blankLinesNote {
            diagnostics.append(Diagnostic(.note, at: location(note.position), rule: note.code, message: note.message))
        }
        let input = TableInput(file: displayName, header: reader.header, headerLine: reader.headerLine,
                               records: records, blankLines: reader.blankLineCount, encoding: reader.encoding.name)
        return (input, diagnostics)
    }

    private static func location(_ position: CSVPosition) -> SourceLocation {
        SourceLocation(file: position.file, line: position.line, column: position.column, byteOffset: position.byteOffset)
    }

    private static func diagnostic(_ error: CSVError) -> Diagnostic {
        Diagnostic(.error, at: location(error.position), rule: error.code, message: error.message)
    }
}

extension LiteratureTable {
    /// Reads a studies file and a conclusions file through CSVKit and checks them (see
    /// ``init(studies:conclusions:)``). A file the reader cannot read whole yields an empty table
    /// that is not ``isComplete``, with the reader's error; nothing is guessed.
    public static func read(studiesPath: String, studiesName: String, conclusionsPath: String,
                            conclusionsName: String) -> LiteratureTable {
        let studies = TableInput.read(path: studiesPath, displayName: studiesName)
        let conclusions = TableInput.read(path: conclusionsPath, displayName: conclusionsName)
        let readerDiagnostics = studies.diagnostics + conclusions.diagnostics
        guard let studyInput = studies.input, let conclusionInput = conclusions.input else {
            var table = LiteratureTable(studies: [], conclusions: [], diagnostics: readerDiagnostics, accounts: [])
            table.isComplete = false
            return table
        }
        var table = LiteratureTable(studies: studyInput, conclusions: conclusionInput)
        table.diagnostics = readerDiagnostics + table.diagnostics
        return table
    }
}

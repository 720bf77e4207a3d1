import CSVKit
import Foundation
import PipelineSpec
import Staging
import StudyModel

/// Streams staging's findings to disk as they come: `issues.csv` and one
/// `rejected/<input file name>` per input file with rejected rows (the runner adds the findings
/// and rejected rows of the literature tables).
///
/// Memory: one CSV writer buffer per open file. Call ``finish()`` at the end; it closes every file
/// and throws when the disk refused bytes (then the output folder must not be published).
public final class StagingFileSink: StagingSink {
    /// The columns of `issues.csv`.
    public static let issueColumns = ["file", "line", "column", "participant", "visit", "field", "value", "rule", "severity", "message"]
    /// The columns put before each rejected row's fields: the physical line in the input file
    /// where the row starts (empty when unknown), and why it was rejected.
    public static let lineColumn = "source_line"
    public static let reasonsColumn = "reasons"

    private let folder: String
    private let issues: CSVWriter
    /// The rejected-rows files open now, and those closed to keep few open (a glob of a
    /// thousand files would run out of descriptors), reopened for appending when needed.
    private var rejected: [String: RejectedFile] = [:]
    private var closedRejected: [String: RejectedFile.Closed] = [:]
    /// When each file's rejected rows were last written to, to close the least recent first.
    private var lastUse: [String: Int] = [:]
    private var uses = 0
    public static let maximumOpenRejectedFiles = 32
    /// The rejected-rows files open now (at most ``maximumOpenRejectedFiles``).
    public var openRejectedFiles: Int { rejected.count }
    /// The rejected-rows file names given so far, in lower case (``uniqueName(for:)``).
    private var usedNames: Set<String> = []
    private var startedFiles: [String: (header: [String], delimiter: UInt8)] = [:]

    private struct RejectedFile {
        var writer: CSVWriter
        var width: Int
        var path: String

        struct Closed {
            var width: Int
            var path: String
        }
    }

    /// The rejected-rows file name of each file named at creation, and the names those files
    /// have of their own (in lower case), which no other file's rejected rows may take.
    private var assignedNames: [String: String] = [:]
    private var ownNames: Set<String> = []

    /// Creates `folder/issues.csv` (and `folder/rejected/` when needed).
    ///
    /// - Parameter files: the display names of every file whose rows may be rejected, in input
    ///   order. Each one's rejected rows go to a file named after it; a later file of the same
    ///   name gets `-2`, `-3` ... (a name no listed file has of its own), whichever file rejects
    ///   a row first.
    public init(folder: String, files: [String] = []) throws {
        self.folder = folder
        issues = try CSVWriter(to: .file((folder as NSString).appendingPathComponent("issues.csv")))
        try issues.writeHeader(StagingFileSink.issueColumns)
        ownNames = Set(files.map { PathText.fileName($0).lowercased() })
        for file in files where assignedNames[file] == nil {
            assignedNames[file] = uniqueName(for: PathText.fileName(file))
        }
    }

    public func startFile(_ file: InputFile, header: [String], delimiter: UInt8) throws {
        startFile(named: file.displayName, header: header, delimiter: delimiter)
    }

    /// As ``startFile(_:header:delimiter:)``, for a file that is no input of the pipeline's
    /// `inputs:` (a literature table), named as its rows are.
    public func startFile(named name: String, header: [String], delimiter: UInt8) {
        startedFiles[name] = (header, delimiter)
    }

    public func record(_ issue: Diagnostic) throws {
        let location = issue.location
        try issues.writeRow([
            .text(location.file), location.line > 0 ? .number(String(location.line)) : .empty,
            location.column.map { .number(String($0)) } ?? .empty, StagingFileSink.cell(issue.participant),
            StagingFileSink.cell(issue.visit), StagingFileSink.cell(issue.field), StagingFileSink.cell(issue.value),
            .text(issue.rule), .text(issue.severity.rawValue), .text(issue.message),
        ])
    }

    public func reject(_ row: RejectedRow) throws {
        let target = try rejectedFile(for: row.file)
        let fields = row.rawFields.isEmpty ? Array(repeating: [UInt8](), count: target.width) : row.rawFields
        // The line and the reasons come first, so that they stay in their columns whatever the
        // number of fields the row had.
        try target.writer.writeRow(leading: [row.line > 0 ? .number(String(row.line)) : .empty,
                                             .text(row.reasons.joined(separator: "; "))],
                                   rawFields: fields)
    }

    /// Closes every file; throws the first write or close failure.
    public func finish() throws {
        try issues.finish()
        for name in rejected.keys.sorted() {
            try rejected[name]?.writer.finish()
        }
    }

    /// The rejected-rows file of an input file, opened on first use with the file's header (as
    /// read) and its delimiter. Named after the input file; a second input file of the same
    /// name gets `-2`, `-3` ... before the extension.
    private func rejectedFile(for file: String) throws -> RejectedFile {
        uses += 1
        lastUse[file] = uses
        if let open = rejected[file] { return open }
        if rejected.count >= Self.maximumOpenRejectedFiles,
           let oldest = rejected.keys.min(by: { lastUse[$0, default: 0] < lastUse[$1, default: 0] }),
           let closing = rejected.removeValue(forKey: oldest) {
            try closing.writer.finish()
            closedRejected[oldest] = RejectedFile.Closed(width: closing.width, path: closing.path)
        }
        if let closed = closedRejected.removeValue(forKey: file) {
            let reopened = RejectedFile(writer: try CSVWriter(to: .appending(closed.path), delimiter: startedFiles[file]?.delimiter ?? UInt8(ascii: ",")),
                                        width: closed.width, path: closed.path)
            rejected[file] = reopened
            return reopened
        }
        let directory = (folder as NSString).appendingPathComponent("rejected")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let name = assignedNames[file] ?? uniqueName(for: PathText.fileName(file))
        let started = startedFiles[file]
        let path = (directory as NSString).appendingPathComponent(name)
        let writer = try CSVWriter(to: .file(path), delimiter: started?.delimiter ?? UInt8(ascii: ","))
        let header = started?.header ?? []
        try writer.writeRow(leading: [.text(StagingFileSink.lineColumn), .text(StagingFileSink.reasonsColumn)],
                            rawFields: header.map { Array($0.utf8) })
        let opened = RejectedFile(writer: writer, width: header.count, path: path)
        rejected[file] = opened
        return opened
    }

    /// `base` as a `.csv` name not used yet and, unless it is `base` itself, not the name of
    /// another file (`visits.txt` does not take `visits.txt.csv`, an input's own name). Names are
    /// compared ignoring letter case, as a report folder copied to macOS or Windows compares
    /// them: `STUDY_MAA.csv` beside `study_MAA.csv` would be one file there.
    private func uniqueName(for base: String) -> String {
        let stem = base.hasSuffix(".csv") ? String(base.dropLast(4)) : base
        var candidate = stem + ".csv"
        var counter = 2
        while usedNames.contains(candidate.lowercased()) || (candidate != base && ownNames.contains(candidate.lowercased())) {
            candidate = "\(stem)-\(counter).csv"
            counter += 1
        }
        usedNames.insert(candidate.lowercased())
        return candidate
    }

    private static func cell(_ text: String?) -> CSVCell {
        guard let text, !text.isEmpty else { return .empty }
        return .text(text)
    }
}

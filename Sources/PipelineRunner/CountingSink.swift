import Foundation
import PipelineSpec
import Staging
import StudyModel

/// Forwards staging's findings to another sink and counts them by severity and rule, for the
/// validation summary of `summary.txt`; also keeps each participant's issues for `lbp explain`
/// when asked to.
final class CountingSink: StagingSink {
    private let next: any StagingSink
    private let keepFor: String?
    /// (severity, rule) → count.
    private(set) var counts: [Severity: [String: Int]] = [:]
    /// Issues of the participant named at creation, in the order found.
    private(set) var kept: [Diagnostic] = []
    /// With a participant named at creation: where every rejected row is (file and line), so
    /// that the participant's can be told among them (their reasons need not name the id).
    private(set) var rejectedRows: Set<SourceLocation> = []

    private let progress: ((RunProgress) -> Void)?
    /// When the current file was opened, and when progress was last shown (seconds of uptime).
    private var fileStart = 0.0
    private var lastShown = 0.0

    init(forwardingTo next: any StagingSink, keepingIssuesOf participant: String? = nil,
         progress: ((RunProgress) -> Void)? = nil) {
        self.next = next
        keepFor = participant
        self.progress = progress
    }

    func startFile(_ file: InputFile, header: [String], delimiter: UInt8) throws {
        fileStart = ProcessInfo.processInfo.systemUptime
        lastShown = fileStart
        progress?(.step("reading \(file.displayName)"))
        try next.startFile(file, header: header, delimiter: delimiter)
    }

    /// Passes the rows read on at most twice a second, with the rate since the file was opened.
    func progress(rowsRead: Int, in file: InputFile) throws {
        guard let progress else { return }
        let now = ProcessInfo.processInfo.systemUptime
        guard now - lastShown >= 0.5 else { return }
        lastShown = now
        let seconds = now - fileStart
        progress(.reading(file: file.displayName, rows: rowsRead, rowsPerSecond: seconds > 0 ? Int(Double(rowsRead) / seconds) : 0))
    }

    func reject(_ row: RejectedRow) throws {
        if keepFor != nil { rejectedRows.insert(SourceLocation(file: row.file, line: row.line)) }
        try next.reject(row)
    }

    func record(_ issue: Diagnostic) throws {
        counts[issue.severity, default: [:]][issue.rule, default: 0] += 1
        if let keepFor, issue.participant == keepFor { kept.append(issue) }
        try next.record(issue)
    }

    func countUnlisted(_ count: Int, severity: Severity, rule: String) {
        counts[severity, default: [:]][rule, default: 0] += count
        next.countUnlisted(count, severity: severity, rule: rule)
    }
}

/// A sink that drops everything (for `lbp explain`, which writes no files).
final class DiscardingSink: StagingSink {
    func reject(_ row: RejectedRow) throws {}
    func record(_ issue: Diagnostic) throws {}
}

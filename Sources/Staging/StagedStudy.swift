import CSVKit
import PipelineSpec
import StudyModel

/// A row that staging did not accept: the fields exactly as read, and why.
public struct RejectedRow: Sendable, Hashable {
    /// The input file, by its display name (relative to the pipeline file).
    public var file: String
    /// Position of the file's input in `inputs:` (from 0).
    public var inputIndex: Int
    /// The line the record starts on (from 1).
    public var line: Int
    /// The fields as read (after transcoding to UTF-8, before any trimming); empty when the
    /// reader stopped inside the record and could not deliver it.
    public var rawFields: [[UInt8]]
    /// One sentence per reason, in the order found.
    public var reasons: [String]

    public init(file: String, inputIndex: Int, line: Int, rawFields: [[UInt8]], reasons: [String]) {
        self.file = file
        self.inputIndex = inputIndex
        self.line = line
        self.rawFields = rawFields
        self.reasons = reasons
    }
}

/// Row counts of one input file. Invariant: `rowsRead == accepted + rejected`.
public struct FileAccounting: Sendable, Hashable {
    public var file: String
    public var inputIndex: Int
    /// Data records read (header and blank lines not counted; a record the reader stopped in counts).
    public var rowsRead = 0
    /// Rows kept (identical duplicates included: they are kept once, and counted here).
    public var accepted = 0
    public var rejected = 0
    /// Warnings located in this file.
    public var warnings = 0
    /// Blank lines the reader skipped.
    public var blankLines = 0
    /// The text encoding read (`utf-8`, `windows-1252`, `utf-16le`, `utf-16be`); empty when the
    /// file could not be opened.
    public var encoding = ""
    /// The delimiter read (`,`, `;`, `|` or `tab`); empty when the file could not be opened.
    public var delimiter = ""
    /// Where the reader stopped (an unterminated quote: the line its record starts on; a NUL
    /// byte, text after a quote, mixed encodings: the line of that byte, which in a record over
    /// several lines is not its first); 0 when the file could not be read on. That record is
    /// counted as read and rejected, and nothing after it was read. nil when the file was read to
    /// its end.
    public var stoppedAtLine: Int?

    public init(file: String, inputIndex: Int) {
        self.file = file
        self.inputIndex = inputIndex
    }

    public var isBalanced: Bool { rowsRead == accepted + rejected }
}

/// Where staging sends what it finds while reading, so that a runner can stream rejected rows
/// and issues to disk instead of holding them. Rejected rows of one file arrive in file order,
/// except rows rejected by cross-row rules after all files were read, which follow later (again
/// in file order).
public protocol StagingSink: AnyObject {
    /// A file is about to be read: its header as read and its delimiter (before any row of it).
    func startFile(_ file: InputFile, header: [String], delimiter: UInt8) throws
    /// A row that was not accepted, exactly as read, with its reasons.
    func reject(_ row: RejectedRow) throws
    /// A located issue: error, warning or note.
    func record(_ issue: Diagnostic) throws
    /// Rows read so far from `file`, after each batch of rows (for a progress display).
    func progress(rowsRead: Int, in file: InputFile) throws
    /// `count` more issues of `rule` at `severity` that are not listed one by one (a reader's
    /// findings past its first 100 of a kind, which one note stands for), for counts by rule.
    func countUnlisted(_ count: Int, severity: Severity, rule: String)
}

extension StagingSink {
    public func startFile(_ file: InputFile, header: [String], delimiter: UInt8) throws {}
    public func progress(rowsRead: Int, in file: InputFile) throws {}
    public func countUnlisted(_ count: Int, severity: Severity, rule: String) {}
}

/// A sink that keeps everything in memory (tests, small studies, `lbp check`-like tools).
public final class CollectingSink: StagingSink {
    public private(set) var rejectedRows: [RejectedRow] = []
    public private(set) var issues: [Diagnostic] = []

    public init() {}

    public func reject(_ row: RejectedRow) throws { rejectedRows.append(row) }
    public func record(_ issue: Diagnostic) throws { issues.append(issue) }
}

/// The result of staging: typed participants and visits, and the accounting of every file.
public struct StagedStudy: Sendable {
    /// Accepted participants, ordered by id (byte order).
    public var participants: [ParticipantRecord]
    /// Accepted visits, ordered by participant id, then timepoint.
    public var visits: [VisitRecord]
    /// One entry per input file, in reading order.
    public var accounting: [FileAccounting]
    /// Problems with input files as a whole (cannot be opened, no header, a key column missing,
    /// a malformed header): a run with any of them exits with code 2.
    public var inputProblems: [Diagnostic]
    /// Participants with a participant row in the inputs but no record: every participant row of
    /// theirs was rejected (or taken back after reading).
    public var participantsRejected = 0
    /// Rejected participant rows whose id could not be read (a ragged row, the record a reading
    /// stop fell in, an empty id): each may be a participant the flow has nowhere else.
    public var participantRowsWithoutID = 0
    /// Input file (display name) → column of `arm` in it (from 1), for locating findings about a
    /// participant's arm after staging (a profile conflict).
    public var armColumns: [String: Int] = [:]
    /// Participant id → the names of the visits with a row rejected: the visit took place, though
    /// no record of it was kept (a data cut-off counts it as due).
    public var visitsWithRejectedRows: [String: Set<String>] = [:]
    /// Issues of each severity, all files together.
    public var errorCount: Int
    public var warningCount: Int
    public var noteCount: Int
    /// Of those, the ones issues.csv does not list one by one: a reader's findings past its first
    /// 100 of a kind, which a note there counts.
    public var unlistedCount = 0

    public init(
        participants: [ParticipantRecord], visits: [VisitRecord], accounting: [FileAccounting],
        inputProblems: [Diagnostic], errorCount: Int, warningCount: Int, noteCount: Int
    ) {
        self.participants = participants
        self.visits = visits
        self.accounting = accounting
        self.inputProblems = inputProblems
        self.errorCount = errorCount
        self.warningCount = warningCount
        self.noteCount = noteCount
    }
}

/// Issue counts by severity, with each file's warnings in its accounting: kept while staging and
/// after it, so that the accounting always agrees with `issues.csv` (where a reader's findings
/// past the first 100 of a kind are one note that says how many warnings it stands for).
protocol IssueCounts {
    var accounting: [FileAccounting] { get set }
    var errorCount: Int { get set }
    var warningCount: Int { get set }
    var noteCount: Int { get set }
}

extension IssueCounts {
    /// Counts `issue` under its severity, and a warning also under the file at `fileIndex`.
    mutating func count(_ issue: Diagnostic, fileIndex: Int?) {
        count(1, of: issue.severity, fileIndex: fileIndex)
    }

    /// Counts `number` issues of `severity`, as ``count(_:fileIndex:)`` counts one.
    mutating func count(_ number: Int, of severity: Severity, fileIndex: Int?) {
        switch severity {
        case .error: errorCount += number
        case .warning:
            warningCount += number
            if let fileIndex { accounting[fileIndex].warnings += number }
        case .note: noteCount += number
        }
    }
}

extension StagedStudy: IssueCounts {
    /// Counts an issue found about staged records after staging (a profile conflict), as staging
    /// counts its own: under its severity, and a warning under the input file it is located in.
    public mutating func count(_ issue: Diagnostic) {
        count(issue, fileIndex: accounting.firstIndex { $0.file == issue.location.file })
    }
}

import StudyModel

/// A kind of data problem planted in the exports, with the severity a correct pipeline gives it.
public enum ProblemKind: String, CaseIterable, Sendable {
    /// A value outside its field's range (pain NRS 11, RMDQ 25): error.
    case outOfRange = "out_of_range"
    /// A date that does not exist (31-02-2024): error.
    case impossibleDate = "impossible_date"
    /// The same visit row twice, byte for byte: note, kept once.
    case duplicateIdentical = "duplicate_identical"
    /// The same participant and visit twice with different values: error.
    case duplicateConflicting = "duplicate_conflicting"
    /// Follow-up visits of a randomised participant whose baseline row is absent: warning.
    case followUpWithoutBaseline = "followup_without_baseline"
    /// A randomisation group that is not one of the study's arms: error.
    case unknownArm = "unknown_arm"
    /// A record with one field too many (a remark split at an unquoted delimiter): error.
    case raggedRow = "ragged_row"
    /// A quoted field never closed; always the last record of its file, so it swallows only itself:
    /// error.
    case unterminatedQuote = "unterminated_quote"
    /// A free-text remark starting with `=`, `+`, `-` or `@`: no problem in the data, but it must be
    /// guarded whenever the pipeline writes it to a CSV file. No diagnostic.
    case formulaLikeText = "formula_like_text"
    /// A Castor site file saved as Windows-1252 instead of UTF-8: note (Castor export only).
    case windows1252 = "windows_1252"
    /// Records with every cell empty after the data, left by a spreadsheet: note, skipped (Castor
    /// export only).
    case trailingBlankRows = "trailing_blank_rows"

    /// `error`, `warning`, `note`, or `none` when no diagnostic is expected.
    public var expectedSeverity: String {
        switch self {
        case .outOfRange, .impossibleDate, .duplicateConflicting, .unknownArm, .raggedRow, .unterminatedQuote:
            Severity.error.rawValue
        case .followUpWithoutBaseline: Severity.warning.rawValue
        case .duplicateIdentical, .windows1252, .trailingBlankRows: Severity.note.rawValue
        case .formulaLikeText: "none"
        }
    }

    /// Whether the kind is planted in both export styles (the rest are Castor-only format habits).
    public var inBothStyles: Bool { self != .windows1252 && self != .trailingBlankRows }
}

/// One planted problem with its exact place in the written file.
///
/// `line` counts from 1 (0 for a whole-file problem); `column` counts fields from 1 (nil for a
/// whole-record or whole-file problem); `file` is relative to the output folder.
public struct PlantedProblem: Hashable, Sendable {
    public var style: String
    public var file: String
    public var line: Int
    public var column: Int?
    public var columnName: String
    public var participantID: String
    public var visit: String
    /// Canonical field name, empty when the problem concerns a record or a file.
    public var field: String
    /// The raw text as written in the file (before any transcoding).
    public var value: String
    public var kind: ProblemKind
    public var detail: String
}

/// What is planted on one visit row.
enum VisitProblem: Hashable {
    case painOutOfRange
    case rmdqOutOfRange
    /// Day 31 of a month that has fewer days (or day 30 of February).
    case impossibleDate
    case duplicateIdentical
    case duplicateConflicting
    case raggedRow
    case unterminatedQuote
    case formulaRemark(String)

    var kind: ProblemKind {
        switch self {
        case .painOutOfRange, .rmdqOutOfRange: .outOfRange
        case .impossibleDate: .impossibleDate
        case .duplicateIdentical: .duplicateIdentical
        case .duplicateConflicting: .duplicateConflicting
        case .raggedRow: .raggedRow
        case .unterminatedQuote: .unterminatedQuote
        case .formulaRemark: .formulaLikeText
        }
    }
}

/// One visit row's planted problem.
struct PlannedVisitProblem: Hashable {
    var visit: VisitName
    var problem: VisitProblem
}

/// The planted problems of one participant.
struct ParticipantProblems: Hashable {
    /// The randomisation group is written as an arm the study does not have; the participant
    /// withdrew before the baseline visit, so no visit row depends on the rejected record.
    var unknownArm = false
    /// The baseline visit row is left out of both exports.
    var baselineRowMissing = false
    var visits: [PlannedVisitProblem] = []

    func problem(at visit: VisitName) -> VisitProblem? {
        visits.first { $0.visit == visit }?.problem
    }
}

/// Which participants carry which planted problem.
///
/// Each problem goes to the first suitable participant at or after a fixed fraction of the screening
/// log (wrapping around), so the problems spread over the file at every size and the plan costs a
/// few dozen participant builds whatever the number of participants. Suitable means randomised,
/// classified under the default rules, attending the visit concerned, and not carrying another
/// planted problem. With very few participants a problem may find no host and is then left out (the
/// truth lists only what was planted).
struct ProblemPlan {
    private(set) var byIndex: [Int: ParticipantProblems] = [:]

    /// Remarks a spreadsheet would run as a formula; each starts with one of `=`, `+`, `-`, `@`.
    static let formulaRemarks = [
        "=HYPERLINK(\"https://example.org/dossier\";\"dossier\")",
        "+2 punten beter volgens patiënt",
        "- geen bijzonderheden",
        "@fysio: graag terugbellen",
    ]

    /// The remark a ragged row was meant to hold; the export splits it at the delimiter.
    static let raggedRemark = (before: "pijn minder", after: " slaapt beter")
    /// The remark of the record whose closing quote is missing.
    static let unterminatedRemark = "rug voelt stijf, vooral 's ochtends; beter na oefenen"
    /// Castor `Randomization Group` and REDCap `arm` written for the unknown-arm participant.
    static let unknownArmCastor = "Manuele therapie"
    static let unknownArmREDCap = "4"

    init(factory: ParticipantFactory) {
        let count = factory.count
        guard count > 0 else { return }
        var used = Set<Int>()

        func host(at fraction: Double, _ suitable: (SyntheticParticipant) -> Bool) -> Int? {
            let start = min(count - 1, Int(fraction * Double(count)))
            for step in 0..<count {
                let index = (start + step) % count
                guard !used.contains(index) else { continue }
                let participant = factory.make(index: index)
                guard participant.randomisation != nil, participant.unclassifiedReason == nil,
                      participant.intendedProfile != .profile1, suitable(participant) else { continue }
                used.insert(index)
                return index
            }
            return nil
        }

        func plant(_ visit: VisitName, _ problem: VisitProblem, at fraction: Double,
                   _ extra: (SyntheticParticipant) -> Bool = { _ in true }) {
            guard let index = host(at: fraction, { $0.visit(visit) != nil && extra($0) }) else { return }
            byIndex[index, default: ParticipantProblems()].visits.append(PlannedVisitProblem(visit: visit, problem: problem))
        }

        plant(.week12, .painOutOfRange, at: 0.07)
        plant(.week6, .rmdqOutOfRange, at: 0.15)
        // Prefer a February visit so the impossible date reads like 31-02-2024.
        let inFebruary: (SyntheticParticipant) -> Bool = { $0.visit(.week26)?.date.components.month == 2 }
        if let index = host(at: 0.23, inFebruary) {
            byIndex[index, default: ParticipantProblems()].visits.append(
                PlannedVisitProblem(visit: .week26, problem: .impossibleDate))
        } else {
            plant(.week26, .impossibleDate, at: 0.23)
        }
        plant(.week6, .duplicateIdentical, at: 0.31)
        plant(.week12, .duplicateConflicting, at: 0.39)
        if let index = host(at: 0.47, { $0.visit(.baseline) != nil && $0.visit(.week6) != nil && $0.visit(.week12) != nil }) {
            byIndex[index, default: ParticipantProblems()].baselineRowMissing = true
        }
        if let index = host(at: 0.55, { _ in true }) {
            byIndex[index, default: ParticipantProblems()].unknownArm = true
        }
        plant(.week26, .raggedRow, at: 0.63)
        plant(.week12, .unterminatedQuote, at: 0.71)
        let formulaVisits: [VisitName] = [.week6, .week12, .baseline, .week26]
        for (offset, remark) in Self.formulaRemarks.enumerated() {
            plant(formulaVisits[offset], .formulaRemark(remark), at: 0.79 + 0.05 * Double(offset))
        }
    }

    func problems(for index: Int) -> ParticipantProblems? {
        byIndex[index]
    }

    /// Applies the participant-level consequences of the plan: the unknown-arm participant withdrew
    /// before baseline and has no visits.
    func apply(to participant: SyntheticParticipant) -> SyntheticParticipant {
        guard let problems = byIndex[participant.index], problems.unknownArm else { return participant }
        var changed = participant
        changed.visits = []
        changed.status = .stopped
        return changed
    }

    /// The impossible date written instead of `date`: day 31 of its month when that month is
    /// shorter, otherwise day 30 of February of the same year.
    static func impossibleDate(near date: CalendarDate) -> (day: Int, month: Int, year: Int) {
        let (year, month, _) = date.components
        if CalendarDate.daysIn(month: month, year: year) < 31 { return (31, month, year) }
        return (30, 2, year)
    }
}

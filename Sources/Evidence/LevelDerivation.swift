import StudyModel

/// One study as a conclusion counts it: its independence key, how it is cited, and its grade.
public struct GradedStudy: Hashable, Sendable {
    /// Independence key: two studies are independent unless they share this identifier (a review
    /// and its update, or one cohort reported twice, should share it).
    public var studyID: String
    /// How reasons name the study, e.g. `Iles 2008` or `this study`.
    public var citation: String
    public var grade: EvidenceGrade
    /// Where the study's row was read, when it came from a file.
    public var source: SourceLocation?

    public init(studyID: String, citation: String, grade: EvidenceGrade, source: SourceLocation? = nil) {
        self.studyID = studyID
        self.citation = citation
        self.grade = grade
        self.source = source
    }
}

/// One study identifier given two or more different grades among the studies of one conclusion.
///
/// The derivation counts such a study once, at the weakest of its grades (the conservative
/// reading), and reports the conflict so that the table can be corrected.
public struct GradeConflict: Hashable, Sendable {
    public var studyID: String
    /// Every (citation, grade, source) given for the identifier, in input order.
    public var entries: [GradedStudy]

    public init(studyID: String, entries: [GradedStudy]) {
        self.studyID = studyID
        self.entries = entries
    }

    /// The grade the derivation used: the weakest one given.
    public var gradeUsed: EvidenceGrade { entries.map(\.grade).min() ?? .d }

    /// A located error at the last conflicting entry (or at `fallback` when no entry has a source).
    public func diagnostic(fallback: SourceLocation) -> Diagnostic {
        let listed = entries.map { "'\($0.citation)' \($0.grade.rawValue)" }.joined(separator: ", ")
        let location = entries.last(where: { $0.source != nil })?.source ?? fallback
        return Diagnostic(
            .error, at: location, rule: "evidence.grade-conflict",
            message: "study id '\(studyID)' has different grades (\(listed)); it counts once as \(gradeUsed.rawValue)",
            field: "level", value: entries.last?.grade.rawValue)
    }
}

/// A conclusion level derived from its studies under one EBRO variant, with the reason.
public struct LevelDerivation: Hashable, Sendable {
    /// nil when there is no study at all (not even expert opinion) to grade.
    public var level: EvidenceLevel?
    public var variant: EBROVariant
    /// Why, in English: the rule that decided and the studies that met it, plus what the next
    /// higher level would have needed, e.g. `2 independent B studies: Iles 2008, Turner 2008`.
    public var reason: String
    /// Citations of the studies that met the deciding rule, in input order.
    public var decidingStudies: [String]
    /// Citations of every distinct study counted, in input order (one per study id).
    public var countedStudies: [String]
    /// Study ids given with different grades.
    public var conflicts: [GradeConflict]

    public init(
        level: EvidenceLevel?, variant: EBROVariant, reason: String, decidingStudies: [String],
        countedStudies: [String], conflicts: [GradeConflict]
    ) {
        self.level = level
        self.variant = variant
        self.reason = reason
        self.decidingStudies = decidingStudies
        self.countedStudies = countedStudies
        self.conflicts = conflicts
    }
}

extension EBROVariant {
    /// Derives the level of a conclusion from the grades of the studies that support it.
    ///
    /// Counting rules (the published tables leave them implicit, so they are fixed here):
    /// - **Independence.** Studies sharing a ``GradedStudy/studyID`` count once. A study id given
    ///   different grades is a ``GradeConflict`` and counts once at its weakest grade.
    /// - **A stronger grade meets a weaker requirement.** A study counts for every requirement at
    ///   or below its own grade: under variant B, one A2 and one B study are "2 independent B
    ///   studies" (level 2); under both variants an A1 or A2 study meets "one B or C" (level 3).
    /// - The first level, from 1 down to 4, whose rule is met wins; expert opinion (D) only gives
    ///   level 4 when nothing stronger is present; no study at all gives no level.
    ///
    /// Pure; the order of `studies` only affects the order of citations in the reason.
    public func deriveLevel(from studies: [GradedStudy]) -> LevelDerivation {
        var order: [String] = []
        var byID: [String: [GradedStudy]] = [:]
        for study in studies {
            if byID[study.studyID] == nil { order.append(study.studyID) }
            byID[study.studyID, default: []].append(study)
        }
        var counted: [GradedStudy] = []
        var conflicts: [GradeConflict] = []
        var shared: [String] = []
        for id in order {
            let entries = byID[id] ?? []
            guard let first = entries.first else { continue }
            let conflict = GradeConflict(studyID: id, entries: entries)
            if Set(entries.map(\.grade)).count > 1 { conflicts.append(conflict) }
            let citations = uniqued(entries.map(\.citation))
            if citations.count > 1 {
                shared.append(citations.map { "'\($0)'" }.joined(separator: " and ") + " share study id '\(id)' and count once")
            }
            counted.append(GradedStudy(studyID: id, citation: first.citation, grade: conflict.gradeUsed, source: first.source))
        }

        func atLeast(_ grade: EvidenceGrade) -> [GradedStudy] { counted.filter { $0.grade >= grade } }
        let a1 = counted.filter { $0.grade == .a1 }
        let a2OrBetter = atLeast(.a2)
        let bOrBetter = atLeast(.b)
        let cOrBetter = atLeast(.c)
        let experts = counted.filter { $0.grade == .d }

        let decided: (EvidenceLevel, [GradedStudy])?
        if !a1.isEmpty {
            decided = (.one, a1)
        } else if a2OrBetter.count >= 2 {
            decided = (.one, a2OrBetter)
        } else if self == .a, a2OrBetter.count == 1 {
            decided = (.two, a2OrBetter)
        } else if bOrBetter.count >= 2 {
            decided = (.two, bOrBetter)
        } else if !cOrBetter.isEmpty {
            decided = (.three, cOrBetter)
        } else if !experts.isEmpty {
            decided = (.four, experts)
        } else {
            decided = nil
        }

        var reason: String
        let level = decided?.0
        if let (level, deciding) = decided {
            reason = level == .four ? "expert opinion (D): " + deciding.map(\.citation).joined(separator: ", ")
                : Self.describe(deciding)
            if let higher = EvidenceLevel(rawValue: level.rawValue - 1) {
                reason += " (\(higher.englishLabel.lowercased()) needs \(rule(for: higher)))"
            }
        } else {
            reason = "no supporting studies"
        }
        if !shared.isEmpty { reason += "; " + shared.joined(separator: "; ") }
        for conflict in conflicts {
            reason += "; study id '\(conflict.studyID)' has conflicting grades and counts as \(conflict.gradeUsed.rawValue)"
        }
        return LevelDerivation(
            level: level, variant: self, reason: reason, decidingStudies: decided?.1.map(\.citation) ?? [],
            countedStudies: counted.map(\.citation), conflicts: conflicts)
    }

    /// `2 independent B studies: Iles 2008, Turner 2008`, `1 A2 study: Foo 2001`, or for mixed
    /// grades `2 independent studies graded B or higher: Foo 2001 (A2), Bar 2002 (B)`.
    static func describe(_ studies: [GradedStudy]) -> String {
        let grades = Set(studies.map(\.grade))
        let count = studies.count
        if grades.count == 1, let grade = grades.first {
            let noun = count == 1 ? "1 \(grade.rawValue) study" : "\(count) independent \(grade.rawValue) studies"
            return noun + ": " + studies.map(\.citation).joined(separator: ", ")
        }
        let weakest = studies.map(\.grade).min() ?? .d
        return "\(count) independent studies graded \(weakest.rawValue) or higher: "
            + studies.map { "\($0.citation) (\($0.grade.rawValue))" }.joined(separator: ", ")
    }
}

/// The elements in first-seen order without repeats.
func uniqued<T: Hashable>(_ items: [T]) -> [T] {
    var seen = Set<T>()
    return items.filter { seen.insert($0).inserted }
}

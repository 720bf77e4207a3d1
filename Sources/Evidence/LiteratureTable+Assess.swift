import StudyModel

/// A literature evidence table: its study rows and conclusions, read and cross-checked.
public struct LiteratureTable: Hashable, Sendable {
    public var studies: [LiteratureStudy]
    public var conclusions: [LiteratureConclusion]
    /// Problems found while reading both files and linking them (independent of the variant).
    public var diagnostics: [Diagnostic]
    /// Rows read, accepted and rejected per file.
    public var accounts: [RowAccount]
    /// The two files as read (studies, then conclusions); empty for a table built from rows.
    public var inputs: [TableInput]
    /// The rows of either file that were not used, as read, with the errors found at their line.
    public var rejectedRows: [LiteratureRejection]
    /// False when a file could not be read to its end (the table is then empty).
    public var isComplete = true

    public init(studies: [LiteratureStudy], conclusions: [LiteratureConclusion], diagnostics: [Diagnostic] = [],
                accounts: [RowAccount] = [], inputs: [TableInput] = [], rejectedRows: [LiteratureRejection] = []) {
        self.studies = studies
        self.conclusions = conclusions
        self.diagnostics = diagnostics
        self.accounts = accounts
        self.inputs = inputs
        self.rejectedRows = rejectedRows
    }

    /// Reads both files and checks the links between them.
    ///
    /// Besides each file's own checks: a study row linking a conclusion id the conclusions file
    /// defines in no accepted row (warning), a study id given different grades (error at each row graded
    /// above the id's weakest grade; every row is kept, and every conclusion counts the study at
    /// its weakest grade, whatever the order of the rows), and a conclusion that neither
    /// has linked rows nor cites expert opinion (error at the conclusion's id; kept, so its level
    /// shows as not derivable).
    public init(studies studyInput: TableInput, conclusions conclusionInput: TableInput) {
        let parsedStudies = LiteratureStudy.parse(studyInput)
        let parsedConclusions = LiteratureConclusion.parse(conclusionInput)
        var diagnostics = parsedStudies.diagnostics + parsedConclusions.diagnostics
        let accepted = parsedStudies.studies
        var weakest: [String: EvidenceGrade] = [:]
        for study in accepted {
            weakest[study.studyID] = min(weakest[study.studyID] ?? study.grade, study.grade)
        }
        let linkColumn = studyInput.columnIndex()["conclusion_ids"].map { $0 + 1 }
        let levelColumn = studyInput.columnIndex()["level"].map { $0 + 1 }
        let defined = Set(parsedConclusions.conclusions.map(\.conclusionID))
        for study in accepted {
            // At each row graded above the id's weakest grade: as many errors in any row order.
            if let used = weakest[study.studyID], used != study.grade,
               let weakestRow = accepted.first(where: { $0.studyID == study.studyID && $0.grade == used }) {
                diagnostics.append(Diagnostic(
                    .error, at: study.source.column(levelColumn), rule: "evidence.grade-conflict",
                    message: "study id '\(study.studyID)' has level \(study.grade.rawValue) here but \(used.rawValue) on line \(weakestRow.source.line); "
                        + "it counts once, at the weaker grade \(used.rawValue)",
                    field: "level", value: study.grade.rawValue))
            }
            for id in study.conclusionIDs where !defined.contains(id) {
                diagnostics.append(Diagnostic(
                    .warning, at: study.source.column(linkColumn), rule: "evidence.unknown-conclusion",
                    message: "study '\(study.studyID)' links conclusion '\(id)', which no accepted row of the conclusions file defines",
                    field: "conclusion_ids", value: id))
            }
        }
        // Nothing to derive a level from: no linked row and no expert opinion in the support (an
        // opinion beside studies missing from the table still gives level 4, as assessed).
        let idColumn = conclusionInput.columnIndex()["conclusion_id"].map { $0 + 1 }
        let linkedIDs = Set(accepted.flatMap(\.conclusionIDs))
        for conclusion in parsedConclusions.conclusions
        where !conclusion.citesExpertOpinion && !linkedIDs.contains(conclusion.conclusionID) {
            diagnostics.append(Diagnostic(
                .error, at: conclusion.source.column(idColumn), rule: "evidence.conclusion-without-studies",
                message: "conclusion '\(conclusion.conclusionID)' has no supporting study rows and cites no expert opinion",
                field: "conclusion_id", value: conclusion.conclusionID))
        }
        let used = [Set(accepted.map(\.source.line)), Set(parsedConclusions.conclusions.map(\.source.line))]
        var rejected: [LiteratureRejection] = []
        for (input, usedLines) in zip([studyInput, conclusionInput], used) {
            // A file whose header fails rejects every row, for the header's errors.
            let errors = diagnostics.filter { $0.severity == .error && $0.location.file == input.file }
            let fileErrors = errors.filter { $0.location.line <= input.headerLine }.map(\.message)
            let errorsByLine = Dictionary(grouping: errors, by: \.location.line)
            for record in input.records where !usedLines.contains(record.line) {
                let reasons = (errorsByLine[record.line] ?? []).map(\.message)
                rejected.append(LiteratureRejection(file: input.file, line: record.line, fields: record.fields,
                                                    reasons: reasons.isEmpty ? fileErrors : reasons))
            }
        }
        self.init(studies: accepted, conclusions: parsedConclusions.conclusions, diagnostics: diagnostics,
                  accounts: [parsedStudies.account, parsedConclusions.account], inputs: [studyInput, conclusionInput],
                  rejectedRows: rejected)
    }

}

/// A row of a literature file that was not used: where it is, its fields as read, and why (the
/// errors at its line).
public struct LiteratureRejection: Hashable, Sendable {
    public var file: String
    public var line: Int
    public var fields: [String]
    public var reasons: [String]

    public init(file: String, line: Int, fields: [String], reasons: [String]) {
        self.file = file
        self.line = line
        self.fields = fields
        self.reasons = reasons
    }
}

/// One literature conclusion checked against its studies under one variant.
public struct ConclusionAssessment: Hashable, Sendable {
    public var conclusion: LiteratureConclusion
    /// The table rows linked to the conclusion.
    public var studies: [LiteratureStudy]
    public var derivation: LevelDerivation
    public var match: LevelMatch
    /// Citation problems in English (also in ``diagnostics``), e.g. `cites 'Schonstein 2003', which matches no table row`.
    public var citationIssues: [String]
    /// Located warnings: level mismatch, citation problems, grade conflicts.
    public var diagnostics: [Diagnostic]
    /// What the derivation counted: the linked rows at their study's weakest grade, then the
    /// expert opinion (the D support that names no linked row) as one entry.
    public var counted: [GradedStudy]

    public init(conclusion: LiteratureConclusion, studies: [LiteratureStudy], derivation: LevelDerivation,
                match: LevelMatch, citationIssues: [String], diagnostics: [Diagnostic], counted: [GradedStudy] = []) {
        self.conclusion = conclusion
        self.studies = studies
        self.derivation = derivation
        self.match = match
        self.citationIssues = citationIssues
        self.diagnostics = diagnostics
        self.counted = counted
    }

    /// `stated level 2, derived level 3 under EBRO variant A: 1 B study: Kuijer 2006 (...)`, or the
    /// derivation's reason when they agree; citation problems appended.
    public var reason: String {
        var text: String
        let derived = derivation.level.map { "level \($0.rawValue)" } ?? "no level"
        switch match {
        case .mismatch:
            text = "stated level \(conclusion.statedLevel.rawValue), derived \(derived) under \(derivation.variant.name): "
                + derivation.reason
        case .match, .notStated:
            text = derivation.reason
        }
        if !citationIssues.isEmpty { text += "; citations: " + citationIssues.joined(separator: "; ") }
        return text
    }
}

extension LiteratureTable {
    /// Derives every conclusion's level under `variant`, compares it with the stated level, and
    /// checks the stated citations against the table rows, in conclusion file order.
    ///
    /// Citations match a row by author (case-insensitive, spaces folded) and year. Reported, at
    /// the stated-support cell: a citation matching no row (naming a row of the same author when
    /// there is one, which usually means a wrong year), a cited row that does not link the
    /// conclusion, a linked row the support does not cite, and a cited grade differing from the
    /// row's level. A stated level that differs from the derived one is reported at the stated
    /// level cell. The table is never corrected: the derived level counts the linked rows only.
    public func assessConclusions(variant: EBROVariant) -> [ConclusionAssessment] {
        let index = StudyIndex(studies)
        return conclusions.map { assess($0, variant: variant, index: index) }
    }

    private func assess(_ conclusion: LiteratureConclusion, variant: EBROVariant, index: StudyIndex) -> ConclusionAssessment {
        let linked = index.supporting[conclusion.conclusionID] ?? []
        // A study id graded differently on other rows counts at its weakest grade everywhere.
        var graded = linked.map { study in
            var graded = study.graded
            graded.grade = index.weakestGrade[study.studyID] ?? study.grade
            return graded
        }
        // Expert opinion is one free text, but for its citations of linked table rows (each
        // counted as that row).
        let opinion = conclusion.citations.filter { citation in
            citation.grade == .d && !linked.contains { sameAuthor($0.author, citation.author) && $0.year == citation.year }
        }
        if !opinion.isEmpty {
            graded.append(GradedStudy(studyID: "expert-opinion:\(conclusion.conclusionID)",
                                      citation: opinion.map(\.text).joined(separator: ", "), grade: .d, source: conclusion.source))
        }
        let derivation = variant.deriveLevel(from: graded)
        let match: LevelMatch = derivation.level == conclusion.statedLevel ? .match : .mismatch
        let supportLocation = conclusion.source.column(conclusion.supportColumn)
        var diagnostics: [Diagnostic] = []
        let issues = citationIssues(conclusion, linked: linked, index: index)
        for issue in issues {
            diagnostics.append(Diagnostic(.warning, at: supportLocation, rule: "evidence.citation-mismatch",
                                          message: "conclusion '\(conclusion.conclusionID)' \(issue)",
                                          field: "stated_support", value: conclusion.statedSupport))
        }
        if match == .mismatch {
            let derived = derivation.level.map { "level \($0.rawValue)" } ?? "no level"
            diagnostics.append(Diagnostic(
                .warning, at: conclusion.source.column(conclusion.levelColumn), rule: "evidence.level-mismatch",
                message: "conclusion '\(conclusion.conclusionID)' states level \(conclusion.statedLevel.rawValue) but its studies give \(derived) under \(variant.name): \(derivation.reason)",
                field: "stated_level", value: String(conclusion.statedLevel.rawValue)))
        }
        for conflict in derivation.conflicts {
            diagnostics.append(conflict.diagnostic(fallback: conclusion.source))
        }
        return ConclusionAssessment(conclusion: conclusion, studies: linked, derivation: derivation, match: match,
                                    citationIssues: issues, diagnostics: diagnostics, counted: graded)
    }

    private func citationIssues(_ conclusion: LiteratureConclusion, linked: [LiteratureStudy], index: StudyIndex) -> [String] {
        var issues: [String] = []
        var citedLinked = Set<LiteratureStudy>()
        var unmatched: [SupportCitation] = []
        for citation in conclusion.citations {
            let matches = citation.year.map { index.byAuthorAndYear[StudyIndex.key(citation.author, $0)] ?? [] } ?? []
            if matches.isEmpty {
                // Expert opinion that names no table row is free text, not a citation to check.
                if citation.grade != .d { unmatched.append(citation) }
                continue
            }
            let linkedMatches = matches.filter { $0.conclusionIDs.contains(conclusion.conclusionID) }
            citedLinked.formUnion(linkedMatches)
            if linkedMatches.isEmpty {
                let lines = matches.map { "\($0.source)" }.joined(separator: ", ")
                issues.append("cites '\(citation.text)', whose table row (\(lines)) does not link this conclusion")
            }
            for row in linkedMatches where row.grade != citation.grade {
                issues.append("cites '\(citation.text)' as \(citation.grade.rawValue) but its table row has level \(row.grade.rawValue)")
            }
        }
        var uncited = linked.filter { !citedLinked.contains($0) }
        for citation in unmatched {
            if let index = uncited.firstIndex(where: { sameAuthor($0.author, citation.author) }) {
                let row = uncited.remove(at: index)
                issues.append("cites '\(citation.text)' but the linked table row is '\(row.citation)' (\(row.source)): the year differs")
            } else if let namesake = index.firstByAuthor[foldedAuthor(citation.author)] {
                issues.append("cites '\(citation.text)', which matches no table row; the table has '\(namesake.citation)' (\(namesake.source))")
            } else {
                issues.append("cites '\(citation.text)', which matches no table row and is not counted")
            }
        }
        for row in uncited {
            issues.append("links table row '\(row.citation)' (\(row.source)), which its stated support does not cite")
        }
        return issues
    }
}

/// Author names compared case-insensitively with runs of spaces folded (`van Oostrom` matches
/// `Van  Oostrom`).
func sameAuthor(_ lhs: String, _ rhs: String) -> Bool {
    foldedAuthor(lhs) == foldedAuthor(rhs)
}

/// An author's name as ``sameAuthor(_:_:)`` compares it.
func foldedAuthor(_ name: String) -> String {
    name.lowercased().split(whereSeparator: { $0 == " " || $0.isNewline || $0 == "\t" }).joined(separator: " ")
}

/// The accepted study rows looked up by what assessing conclusions asks of them, each list in
/// file order: built once, as a table of thousands of rows searched per conclusion and per
/// citation took minutes.
struct StudyIndex {
    /// The rows linked to each conclusion id.
    var supporting: [String: [LiteratureStudy]] = [:]
    /// The rows of each author (folded) and year.
    var byAuthorAndYear: [String: [LiteratureStudy]] = [:]
    /// The first row of each author (folded).
    var firstByAuthor: [String: LiteratureStudy] = [:]
    /// The weakest grade each study id has on any row.
    var weakestGrade: [String: EvidenceGrade] = [:]

    init(_ studies: [LiteratureStudy]) {
        for study in studies {
            var linked: Set<String> = []
            for id in study.conclusionIDs where linked.insert(id).inserted {
                supporting[id, default: []].append(study)
            }
            let author = foldedAuthor(study.author)
            byAuthorAndYear[Self.key(study.author, study.year), default: []].append(study)
            if firstByAuthor[author] == nil { firstByAuthor[author] = study }
            weakestGrade[study.studyID] = min(weakestGrade[study.studyID] ?? study.grade, study.grade)
        }
    }

    static func key(_ author: String, _ year: Int) -> String {
        foldedAuthor(author) + "\u{0}" + String(year)
    }
}

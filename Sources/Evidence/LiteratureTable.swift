import StudyModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One study row of a literature evidence table (the guideline's columns plus numeric ones).
public struct LiteratureStudy: Hashable, Sendable {
    /// Independence key: rows sharing it are one study (a review and its update should share it).
    public var studyID: String
    /// First author as printed, e.g. `Van Oostrom`.
    public var author: String
    public var year: Int
    public var grade: EvidenceGrade
    public var studyType: String
    /// As printed; P/I/C/O items on separate lines.
    public var inclusionCriteria: String
    /// As printed, e.g. `6 RCT’s (in totaal 749 werknemers)`.
    public var population: String
    /// Participants when the source states them; nil otherwise.
    public var size: Int?
    public var description: String
    public var effectMeasure: String
    /// The result as printed.
    public var result: String
    /// A numeric estimate on `scale` as printed (a ratio as a ratio), with its 95 % CI and/or
    /// standard error; the standard error is on the pooling scale, i.e. of the natural-log ratio
    /// for `.ratio` rows, as meta-analyses report it.
    public var estimate: Double?
    public var ciLow: Double?
    public var ciHigh: Double?
    public var standardError: Double?
    /// Conclusions this row supports, in file order.
    public var conclusionIDs: [String]
    /// Outcome identifier for pooling with other rows and with the trial's results; empty when
    /// not declared.
    public var outcome: String
    public var scale: EffectScale
    /// The row in its file.
    public var source: SourceLocation
    /// Column name (lower case) → position (from 0) in the row's file, for locating findings
    /// about one of its cells; empty for a row not read from a file.
    public var columns: [String: Int] = [:]

    /// The row's cell of `column` (a name of ``LiteratureColumns``), or the row when the file
    /// has no such column.
    public func location(of column: String) -> SourceLocation {
        source.column(columns[column].map { $0 + 1 })
    }

    public init(
        studyID: String, author: String, year: Int, grade: EvidenceGrade, studyType: String = "",
        inclusionCriteria: String = "", population: String = "", size: Int? = nil, description: String = "",
        effectMeasure: String = "", result: String = "", estimate: Double? = nil, ciLow: Double? = nil,
        ciHigh: Double? = nil, standardError: Double? = nil, conclusionIDs: [String] = [], outcome: String = "",
        scale: EffectScale = .difference, source: SourceLocation
    ) {
        self.studyID = studyID
        self.author = author
        self.year = year
        self.grade = grade
        self.studyType = studyType
        self.inclusionCriteria = inclusionCriteria
        self.population = population
        self.size = size
        self.description = description
        self.effectMeasure = effectMeasure
        self.result = result
        self.estimate = estimate
        self.ciLow = ciLow
        self.ciHigh = ciHigh
        self.standardError = standardError
        self.conclusionIDs = conclusionIDs
        self.outcome = outcome
        self.scale = scale
        self.source = source
    }

    /// `Iles 2008`, as conclusions cite it.
    public var citation: String { "\(author) \(year)" }

    public var graded: GradedStudy { GradedStudy(studyID: studyID, citation: citation, grade: grade, source: source) }
}

/// One citation inside a conclusion's stated support, e.g. `Turner 2008` under grade `B`.
public struct SupportCitation: Hashable, Sendable {
    /// The grade letter the guideline prints before the group of citations.
    public var grade: EvidenceGrade
    /// The citation as printed, e.g. `van Oostrom 2009`.
    public var text: String
    public var author: String
    /// nil when the citation has no four-digit year at its end (e.g. expert opinion).
    public var year: Int?

    public init(grade: EvidenceGrade, text: String, author: String, year: Int?) {
        self.grade = grade
        self.text = text
        self.author = author
        self.year = year
    }
}

/// One conclusion of a literature evidence table, with its stated level and support as printed.
public struct LiteratureConclusion: Hashable, Sendable {
    public var conclusionID: String
    public var statedLevel: EvidenceLevel
    /// As printed, e.g. `B Iles 2008, Turner 2008` or `D Mening van de werkgroep.`.
    public var statedSupport: String
    /// ``statedSupport`` read as grade groups and citations; for grade D the rest of the group is
    /// one free-text entry (expert opinion cites no studies).
    public var citations: [SupportCitation]
    /// The conclusion's text, in the guideline's language.
    public var text: String
    public var source: SourceLocation
    /// Column of stated_support in its file (1-based), for locating citation problems.
    public var supportColumn: Int?
    /// Column of stated_level in its file (1-based), for locating level mismatches.
    public var levelColumn: Int?

    public init(
        conclusionID: String, statedLevel: EvidenceLevel, statedSupport: String, citations: [SupportCitation],
        text: String, source: SourceLocation, supportColumn: Int? = nil, levelColumn: Int? = nil
    ) {
        self.conclusionID = conclusionID
        self.statedLevel = statedLevel
        self.statedSupport = statedSupport
        self.citations = citations
        self.text = text
        self.source = source
        self.supportColumn = supportColumn
        self.levelColumn = levelColumn
    }

    /// Whether the support cites expert opinion (D), alone or beside studies: a level (4) is
    /// derivable from it without a table row.
    public var citesExpertOpinion: Bool { citations.contains { $0.grade == .d } }
}

/// How many rows a file had, and how many were used or rejected (rejected rows have at least one
/// error diagnostic at their line).
public struct RowAccount: Hashable, Sendable {
    public var file: String
    public var read: Int
    public var accepted: Int
    public var rejected: Int { read - accepted }

    public init(file: String, read: Int, accepted: Int) {
        self.file = file
        self.read = read
        self.accepted = accepted
    }
}

/// Column names of the two literature files.
public enum LiteratureColumns {
    /// Studies file: required columns.
    public static let studiesRequired = ["study_id", "author", "year", "level", "conclusion_ids"]
    /// Studies file: optional columns (empty when absent).
    public static let studiesOptional = [
        "study_type", "inclusion_criteria", "population", "size", "description", "effect_measure", "result",
        "estimate", "ci_low", "ci_high", "se", "outcome_id", "scale",
    ]
    /// Conclusions file: required columns.
    public static let conclusionsRequired = ["conclusion_id", "stated_level", "stated_support", "text"]
    /// Separator of `conclusion_ids` entries.
    public static let listSeparator: Character = ";"
}

extension LiteratureStudy {
    /// Reads and validates a studies file. Rows with an error are left out (and counted as
    /// rejected); warnings keep the row.
    ///
    /// Errors: missing study id, author, year or level; a year outside 1900...2100; an unknown
    /// level; a non-numeric size, estimate, bound or SE; a size below 1; only one CI bound; `ci_low` above
    /// `ci_high`; SE not positive; an unknown scale; a ratio bound not positive.
    /// Warnings: an estimate with neither a CI nor an SE (kept, not poolable); an interval without
    /// an estimate; an estimate outside its interval; a row supporting no conclusion.
    public static func parse(_ input: TableInput) -> (studies: [LiteratureStudy], diagnostics: [Diagnostic], account: RowAccount) {
        var diagnostics = input.checkHeader(required: LiteratureColumns.studiesRequired,
                                            optional: LiteratureColumns.studiesOptional)
        guard !diagnostics.contains(where: { $0.severity == .error }) else {
            return ([], diagnostics, RowAccount(file: input.file, read: input.records.count, accepted: 0))
        }
        let columns = input.columnIndex()
        var studies: [LiteratureStudy] = []
        for record in input.records {
            var reader = RecordReader(file: input.file, record: record, columns: columns)
            if record.fields.count != input.header.count {
                reader.report(.error, nil, rule: "evidence.ragged-row",
                              "the row has \(record.fields.count) fields but the header has \(input.header.count)")
            }
            let studyID = reader.required("study_id", what: "study id")
            let author = reader.required("author", what: "first author")
            let yearText = reader.text("year")
            var year: Int?
            if yearText.isEmpty {
                reader.report(.error, "year", rule: "evidence.missing-year", "missing year")
            } else if let value = Int(yearText), (1900...2100).contains(value) {
                year = value
            } else {
                reader.report(.error, "year", rule: "evidence.invalid-year",
                              "the year '\(yearText)' is not a year between 1900 and 2100", value: yearText)
            }
            let levelText = reader.text("level")
            let grade = EvidenceGrade(code: levelText)
            if grade == nil {
                reader.report(.error, "level", rule: "evidence.unknown-level",
                              levelText.isEmpty ? "missing level of evidence"
                                  : "unknown level of evidence '\(levelText)'; expected A1, A2, B, C or D",
                              value: levelText)
            }
            var size = reader.integer("size", what: "size")
            if let stated = size, stated < 1 {
                reader.report(.error, "size", rule: "evidence.invalid-size",
                              "the size '\(stated)' is not a number of participants (1 or more)", value: String(stated))
                size = nil
            }
            let scaleText = reader.text("scale")
            var scale = EffectScale.difference
            if !scaleText.isEmpty {
                if let parsed = EffectScale(rawValue: scaleText.lowercased()) {
                    scale = parsed
                } else {
                    reader.report(.error, "scale", rule: "evidence.unknown-scale",
                                  "unknown scale '\(scaleText)'; expected difference, ratio or log_ratio", value: scaleText)
                }
            }
            let estimate = reader.decimal("estimate", what: "estimate")
            let ciLow = reader.decimal("ci_low", what: "lower 95 % CI bound")
            let ciHigh = reader.decimal("ci_high", what: "upper 95 % CI bound")
            let se = reader.decimal("se", what: "standard error")
            checkNumbers(&reader, estimate: estimate, ciLow: ciLow, ciHigh: ciHigh, se: se, scale: scale)
            let conclusionIDs = reader.text("conclusion_ids").split(separator: LiteratureColumns.listSeparator)
                .map { String($0).trimmingSpaces() }.filter { !$0.isEmpty }
            if conclusionIDs.isEmpty {
                reader.report(.warning, "conclusion_ids", rule: "evidence.unlinked-study",
                              "study '\(studyID)' supports no conclusion")
            }
            diagnostics += reader.diagnostics
            guard !reader.hasErrors, let year, let grade else { continue }
            var study = LiteratureStudy(
                studyID: studyID, author: author, year: year, grade: grade, studyType: reader.multilineText("study_type"),
                inclusionCriteria: reader.multilineText("inclusion_criteria"), population: reader.multilineText("population"),
                size: size, description: reader.multilineText("description"),
                effectMeasure: reader.multilineText("effect_measure"), result: reader.multilineText("result"),
                estimate: estimate, ciLow: ciLow, ciHigh: ciHigh, standardError: se, conclusionIDs: conclusionIDs,
                outcome: reader.text("outcome_id"), scale: scale, source: reader.rowLocation)
            study.columns = columns
            studies.append(study)
        }
        return (studies, diagnostics, RowAccount(file: input.file, read: input.records.count, accepted: studies.count))
    }

    private static func checkNumbers(_ reader: inout RecordReader, estimate: Double?, ciLow: Double?, ciHigh: Double?,
                                     se: Double?, scale: EffectScale) {
        let estimateText = reader.text("estimate")
        switch (ciLow, ciHigh) {
        case (nil, .some):
            reader.report(.error, "ci_low", rule: "evidence.half-interval", "the 95 % CI has an upper bound but no lower bound")
        case (.some, nil):
            reader.report(.error, "ci_high", rule: "evidence.half-interval", "the 95 % CI has a lower bound but no upper bound")
        case let (low?, high?) where low > high:
            reader.report(.error, "ci_low", rule: "evidence.reversed-interval",
                          "the lower 95 % CI bound '\(reader.text("ci_low"))' is above the upper bound '\(reader.text("ci_high"))'",
                          value: reader.text("ci_low"))
        default:
            break
        }
        if let se, se <= 0 {
            reader.report(.error, "se", rule: "evidence.invalid-se", "the standard error '\(reader.text("se"))' is not positive",
                          value: reader.text("se"))
        }
        if scale == .ratio {
            for (name, value) in [("estimate", estimate), ("ci_low", ciLow), ("ci_high", ciHigh)] {
                if let value, value <= 0 {
                    reader.report(.error, name, rule: "evidence.invalid-ratio",
                                  "the ratio '\(reader.text(name))' is not positive", value: reader.text(name))
                }
            }
        }
        // Warnings about how the numbers relate only make sense once each number is valid.
        guard !reader.hasErrors else { return }
        if let estimate {
            if ciLow == nil, ciHigh == nil, se == nil {
                reader.report(.warning, "estimate", rule: "evidence.estimate-without-interval",
                              "the estimate '\(estimateText)' has no 95 % CI and no standard error; it cannot be pooled",
                              value: estimateText)
            } else if let low = ciLow, let high = ciHigh, low <= high, !(low...high).contains(estimate) {
                reader.report(.warning, "estimate", rule: "evidence.estimate-outside-interval",
                              "the estimate '\(estimateText)' lies outside its 95 % CI", value: estimateText)
            }
        } else if ciLow != nil || ciHigh != nil || se != nil {
            reader.report(.warning, "estimate", rule: "evidence.interval-without-estimate",
                          "a 95 % CI or standard error is given without an estimate")
        }
    }
}

/// Natural logarithm of a validated positive ratio (the scale change for pooling ratios).
func logOf(_ value: Double) -> Double { log(value) }

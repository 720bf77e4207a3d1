/// One output cell, typed so that the writer formats numbers and guards text.
///
/// Evidence produces data, not files: numbers stay numbers here and the Reporting module formats
/// them (locale-free) when it writes `evidence_table.csv`, `conclusions.csv` and
/// `summary_of_findings.csv`.
public enum EvidenceCell: Hashable, Sendable {
    case text(String)
    /// An estimate, a bound, a standard error or a statistic.
    case number(Double)
    /// A p-value (written with significant digits, as small ones must keep their size).
    case pValue(Double)
    case integer(Int)
    case empty

    /// `.text`, or `.empty` for an empty string.
    static func textOrEmpty(_ text: String) -> EvidenceCell { text.isEmpty ? .empty : .text(text) }
    /// `.number`, or `.empty` for nil.
    static func number(_ value: Double?) -> EvidenceCell { value.map(EvidenceCell.number) ?? .empty }
    /// `.pValue`, or `.empty` for nil.
    static func pValue(_ value: Double?) -> EvidenceCell { value.map(EvidenceCell.pValue) ?? .empty }
    /// `.integer`, or `.empty` for nil.
    static func integer(_ value: Int?) -> EvidenceCell { value.map(EvidenceCell.integer) ?? .empty }
}

/// A row a CSV writer can emit: a fixed header and one cell per column, in header order.
public protocol EvidenceOutputRow: Sendable {
    /// Column names, snake_case, in output order.
    static var columns: [String] { get }
    /// One cell per entry of ``columns``.
    var cells: [EvidenceCell] { get }
}

/// Where a row's evidence comes from.
public enum EvidenceSource: String, Sendable, Hashable {
    /// The pipeline's own trial.
    case thisStudy = "this_study"
    /// A row of a literature evidence table.
    case literature
    /// A pooled estimate over several rows.
    case pooled
}

/// One row of `evidence_table.csv`: the guideline's evidence-table columns first (first author,
/// year, level of evidence, study type, inclusion criteria, population, description, effect
/// measure, result), then machine-readable columns.
public struct EvidenceTableRow: EvidenceOutputRow, Hashable {
    public var study: String
    public var year: Int?
    /// The study's EBRO grade (`A1`...`D`); empty when the row's level was not readable.
    public var level: String
    public var studyType: String
    public var inclusionCriteria: String
    public var population: String
    public var description: String
    public var effectMeasure: String
    /// The result as text, e.g. `-2.10 (95 % CI -3.40 to -0.80); p 0.002`, or the guideline's words.
    public var result: String
    public var source: EvidenceSource
    public var studyID: String
    public var conclusionIDs: [String]
    public var profile: String
    public var outcome: String
    /// `graded_activity vs general_exercise` for the study's own rows, as `conclusions.csv` and
    /// `summary_of_findings.csv` name it; empty for literature.
    public var comparison: String
    public var timepoint: String
    public var estimate: Double?
    public var ciLow: Double?
    public var ciHigh: Double?
    public var standardError: Double?
    public var p: Double?

    public init(
        study: String, year: Int?, level: String, studyType: String, inclusionCriteria: String, population: String,
        description: String, effectMeasure: String, result: String, source: EvidenceSource, studyID: String,
        conclusionIDs: [String] = [], profile: String = "", outcome: String = "", comparison: String = "", timepoint: String = "",
        estimate: Double? = nil, ciLow: Double? = nil, ciHigh: Double? = nil, standardError: Double? = nil,
        p: Double? = nil
    ) {
        self.study = study
        self.year = year
        self.level = level
        self.studyType = studyType
        self.inclusionCriteria = inclusionCriteria
        self.population = population
        self.description = description
        self.effectMeasure = effectMeasure
        self.result = result
        self.source = source
        self.studyID = studyID
        self.conclusionIDs = conclusionIDs
        self.profile = profile
        self.outcome = outcome
        self.comparison = comparison
        self.timepoint = timepoint
        self.estimate = estimate
        self.ciLow = ciLow
        self.ciHigh = ciHigh
        self.standardError = standardError
        self.p = p
    }

    public static let columns = [
        "study", "year", "level", "study_type", "inclusion_criteria", "population", "description",
        "effect_measure", "result", "source", "study_id", "conclusion_ids", "profile", "outcome", "comparison", "timepoint",
        "estimate", "ci_low", "ci_high", "se", "p",
    ]

    public var cells: [EvidenceCell] {
        [
            .textOrEmpty(study), .integer(year), .textOrEmpty(level), .textOrEmpty(studyType),
            .textOrEmpty(inclusionCriteria), .textOrEmpty(population), .textOrEmpty(description),
            .textOrEmpty(effectMeasure), .textOrEmpty(result), .text(source.rawValue), .textOrEmpty(studyID),
            .textOrEmpty(conclusionIDs.joined(separator: ";")), .textOrEmpty(profile), .textOrEmpty(outcome),
            .textOrEmpty(comparison), .textOrEmpty(timepoint), .number(estimate), .number(ciLow), .number(ciHigh), .number(standardError),
            .pValue(p),
        ]
    }
}

/// Whether a conclusion's stated level agrees with the level derived from its studies.
public enum LevelMatch: String, Sendable, Hashable {
    case match
    case mismatch
    /// No stated level (the study's own conclusions), or no derivable level.
    case notStated = "not_stated"
}

/// One row of `conclusions.csv`.
public struct ConclusionRow: EvidenceOutputRow, Hashable {
    /// `W3` for a literature conclusion; `rmdq/3b+Y/graded_activity-vs-general_exercise/week12`
    /// for one of the study's own.
    public var conclusionID: String
    public var source: EvidenceSource
    public var outcome: String
    public var profile: String
    /// `graded_activity vs general_exercise` for the study's own; empty for literature.
    public var comparison: String
    public var timepoint: String
    public var statedLevel: EvidenceLevel?
    public var derivedLevel: EvidenceLevel?
    public var variant: EBROVariant
    public var match: LevelMatch
    /// Why the derived level is what it is (and why it differs from the stated one).
    public var reason: String
    /// The fixed Dutch opening of the derived level, e.g. `het is aannemelijk dat`.
    public var dutchWording: String
    /// The full Dutch line, e.g. `Niveau 3 — er zijn aanwijzingen dat ... (B: this study)`.
    public var dutch: String
    /// The English line.
    public var english: String
    /// Citations of the counted studies, e.g. `Iles 2008 (B); Turner 2008 (B)`.
    public var supportingStudies: String

    public init(
        conclusionID: String, source: EvidenceSource, outcome: String, profile: String, comparison: String,
        timepoint: String, statedLevel: EvidenceLevel?, derivedLevel: EvidenceLevel?, variant: EBROVariant,
        match: LevelMatch, reason: String, dutchWording: String, dutch: String, english: String,
        supportingStudies: String
    ) {
        self.conclusionID = conclusionID
        self.source = source
        self.outcome = outcome
        self.profile = profile
        self.comparison = comparison
        self.timepoint = timepoint
        self.statedLevel = statedLevel
        self.derivedLevel = derivedLevel
        self.variant = variant
        self.match = match
        self.reason = reason
        self.dutchWording = dutchWording
        self.dutch = dutch
        self.english = english
        self.supportingStudies = supportingStudies
    }

    public static let columns = [
        "conclusion_id", "source", "outcome", "profile", "comparison", "timepoint", "stated_level",
        "derived_level", "variant", "level_match", "reason", "dutch_wording", "dutch", "english",
        "supporting_studies",
    ]

    public var cells: [EvidenceCell] {
        [
            .text(conclusionID), .text(source.rawValue), .textOrEmpty(outcome), .textOrEmpty(profile),
            .textOrEmpty(comparison), .textOrEmpty(timepoint), .integer(statedLevel?.rawValue),
            .integer(derivedLevel?.rawValue), .text(variant.name), .text(match.rawValue), .textOrEmpty(reason),
            .textOrEmpty(dutchWording), .textOrEmpty(dutch), .textOrEmpty(english), .textOrEmpty(supportingStudies),
        ]
    }
}

/// One row of `summary_of_findings.csv`: a GRADE rating of one comparison.
public struct SummaryOfFindingsRow: EvidenceOutputRow, Hashable {
    public var outcome: String
    public var profile: String
    public var comparison: String
    public var timepoint: String
    /// Participants analysed in both arms together.
    public var n: Int?
    public var effectMeasure: String
    public var estimate: Double?
    public var ciLow: Double?
    public var ciHigh: Double?
    /// `-2.10 (95 % CI -3.40 to -0.80)`.
    public var effect: String
    public var assessment: GRADEAssessment

    public init(
        outcome: String, profile: String, comparison: String, timepoint: String, n: Int?, effectMeasure: String,
        estimate: Double?, ciLow: Double?, ciHigh: Double?, effect: String, assessment: GRADEAssessment
    ) {
        self.outcome = outcome
        self.profile = profile
        self.comparison = comparison
        self.timepoint = timepoint
        self.n = n
        self.effectMeasure = effectMeasure
        self.estimate = estimate
        self.ciLow = ciLow
        self.ciHigh = ciHigh
        self.effect = effect
        self.assessment = assessment
    }

    /// Fixed columns, then one signed level change per GRADE domain (in ``GRADEDomain`` order,
    /// named like `risk_of_bias`), then the reasons.
    public static let columns = [
        "outcome", "profile", "comparison", "timepoint", "n", "effect_measure", "estimate", "ci_low", "ci_high",
        "effect", "certainty", "start",
    ] + GRADEDomain.allCases.map { $0.rawValue.replacingSpacesAndHyphens() } + ["reasons"]

    public var cells: [EvidenceCell] {
        var cells: [EvidenceCell] = [
            .textOrEmpty(outcome), .textOrEmpty(profile), .textOrEmpty(comparison), .textOrEmpty(timepoint),
            .integer(n), .textOrEmpty(effectMeasure), .number(estimate), .number(ciLow), .number(ciHigh),
            .textOrEmpty(effect), .text(assessment.certainty.label), .text(assessment.start.label),
        ]
        for domain in GRADEDomain.allCases {
            cells.append(.integer(assessment.steps.first { $0.domain == domain }?.change ?? 0))
        }
        cells.append(.text(assessment.summary))
        return cells
    }
}

extension String {
    /// `risk of bias` → `risk_of_bias`, `dose-response` → `dose_response`.
    func replacingSpacesAndHyphens() -> String {
        String(map { $0 == " " || $0 == "-" ? "_" : $0 })
    }
}

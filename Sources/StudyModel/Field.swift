/// The kind of value a canonical field holds after normalisation.
public enum FieldKind: String, Sendable, Hashable {
    /// Free text, trimmed and NFC-normalised.
    case text
    /// A whole number.
    case integer
    /// A decimal number (decimal comma already turned into a point).
    case decimal
    /// Yes or no, from the pipeline's boolean vocabulary.
    case boolean
    /// A calendar date.
    case date
    /// A code from a vocabulary declared in the pipeline file (sex, arm, timepoint).
    case code
}

/// Whether a field belongs to a participant (one value per participant) or to a visit.
public enum FieldLevel: String, Sendable, Hashable {
    case participant
    case visit
}

/// Every canonical field the pipeline knows, by its snake_case name (used in pipeline files,
/// clean outputs and rule sets).
///
/// Red-flag, radicular and questionnaire items are named after the guideline's signs (see the
/// domain brief, section 3). Ranges are the defaults a pipeline file may narrow or widen.
public enum Field: String, CaseIterable, Sendable, Hashable, Comparable, CustomStringConvertible {
    // Identity and allocation
    case participantID = "participant_id"
    case site
    case status
    case arm
    case randomisationDate = "randomisation_date"
    case screeningDate = "screening_date"
    // Demographics
    case sex
    case birthYear = "birth_year"
    case age
    case heightCM = "height_cm"
    case weightKG = "weight_kg"
    // Complaint history
    case onsetDate = "onset_date"
    case durationWeeks = "duration_weeks"
    case ageAtOnset = "age_at_onset"
    // Red flags (profile 1)
    case rfContinuousPain = "rf_continuous_pain"
    case rfNightPain = "rf_night_pain"
    case rfMalaise = "rf_malaise"
    case rfHistoryMalignancy = "rf_history_malignancy"
    case rfWeightLoss = "rf_weight_loss"
    case rfRaisedESR = "rf_raised_esr"
    case rfCorticosteroids = "rf_corticosteroids"
    case rfHeightLoss = "rf_height_loss"
    case rfKyphosis = "rf_kyphosis"
    case rfLowBodyWeight = "rf_low_body_weight"
    case rfIridocyclitis = "rf_iridocyclitis"
    case rfArthritisOrIBD = "rf_arthritis_or_ibd"
    case rfMorningStiffness = "rf_morning_stiffness"
    case rfBetterWithMovement = "rf_better_with_movement"
    case rfNSAIDResponse = "rf_nsaid_response"
    case rfTrauma = "rf_trauma"
    case rfPalpableStep = "rf_palpable_step"
    // Lumbosacral radicular syndrome (profile 2)
    case radUnilateralLegPain = "rad_unilateral_leg_pain"
    case radLegPainDominant = "rad_leg_pain_dominant"
    case radNeuroDeficit = "rad_neuro_deficit"
    case radReflexChange = "rad_reflex_change"
    case caudaEquina = "cauda_equina"
    // ÖMPSQ-10 (item 1 is the duration category 1...10; items 2...10 are 0...10, unreversed)
    case ompsq1 = "ompsq_1"
    case ompsq2 = "ompsq_2"
    case ompsq3 = "ompsq_3"
    case ompsq4 = "ompsq_4"
    case ompsq5 = "ompsq_5"
    case ompsq6 = "ompsq_6"
    case ompsq7 = "ompsq_7"
    case ompsq8 = "ompsq_8"
    case ompsq9 = "ompsq_9"
    case ompsq10 = "ompsq_10"
    case ompsqTotal = "ompsq_total"
    // STarT Back (items 1...8 agree = yes; item 9 bothersomeness 1...5)
    case startBack1 = "startback_1"
    case startBack2 = "startback_2"
    case startBack3 = "startback_3"
    case startBack4 = "startback_4"
    case startBack5 = "startback_5"
    case startBack6 = "startback_6"
    case startBack7 = "startback_7"
    case startBack8 = "startback_8"
    case startBack9 = "startback_9"
    case startBackTotal = "startback_total"
    case startBackPsychosocial = "startback_psychosocial"
    // Visit-level
    case visit
    case visitDate = "visit_date"
    case painNRS = "pain_nrs"
    case painVAS = "pain_vas"
    case rmdq
    case odi
    case gpe
    case sickLeave = "sick_leave"
    case remark

    public var name: String { rawValue }
    public var description: String { rawValue }

    public init?(name: String) {
        self.init(rawValue: name)
    }

    public var level: FieldLevel {
        switch self {
        case .visit, .visitDate, .painNRS, .painVAS, .rmdq, .odi, .gpe, .sickLeave, .remark: .visit
        default: .participant
        }
    }

    public var kind: FieldKind {
        switch self {
        case .participantID, .site, .status, .remark: .text
        case .arm, .sex, .visit: .code
        case .randomisationDate, .screeningDate, .onsetDate, .visitDate: .date
        case .birthYear, .rmdq, .gpe, .ompsq1, .ompsq2, .ompsq3, .ompsq4, .ompsq5, .ompsq6, .ompsq7,
            .ompsq8, .ompsq9, .ompsq10, .ompsqTotal, .startBack9, .startBackTotal, .startBackPsychosocial:
            .integer
        case .age, .heightCM, .weightKG, .durationWeeks, .ageAtOnset, .painNRS, .painVAS, .odi: .decimal
        default: .boolean
        }
    }

    /// The default plausible range for numeric fields (closed interval), nil when none applies.
    public var defaultRange: ClosedRange<Double>? {
        switch self {
        case .birthYear: 1900...2100
        case .age, .ageAtOnset: 0...120
        case .heightCM: 100...250
        case .weightKG: 25...300
        case .durationWeeks: 0...5200
        case .ompsq1: 1...10
        case .ompsq2, .ompsq3, .ompsq4, .ompsq5, .ompsq6, .ompsq7, .ompsq8, .ompsq9, .ompsq10: 0...10
        case .ompsqTotal: 1...100
        case .startBack9: 1...5
        case .startBackTotal: 0...9
        case .startBackPsychosocial: 0...5
        case .painNRS: 0...10
        case .painVAS: 0...100
        case .rmdq: 0...24
        case .odi: 0...100
        case .gpe: 1...7
        default: nil
        }
    }

    /// All fields of one level, in declaration order (the column order of clean outputs).
    public static func fields(at level: FieldLevel) -> [Field] {
        allCases.filter { $0.level == level }
    }

    /// The ÖMPSQ-10 items in order.
    public static let ompsqItems: [Field] = [
        .ompsq1, .ompsq2, .ompsq3, .ompsq4, .ompsq5, .ompsq6, .ompsq7, .ompsq8, .ompsq9, .ompsq10,
    ]

    /// The STarT Back items in order.
    public static let startBackItems: [Field] = [
        .startBack1, .startBack2, .startBack3, .startBack4, .startBack5, .startBack6, .startBack7,
        .startBack8, .startBack9,
    ]

    private static let order: [Field: Int] = Dictionary(
        uniqueKeysWithValues: allCases.enumerated().map { ($1, $0) })

    public static func < (lhs: Field, rhs: Field) -> Bool {
        (order[lhs] ?? 0) < (order[rhs] ?? 0)
    }
}

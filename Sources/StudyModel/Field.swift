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

    @inlinable
    public var level: FieldLevel {
        switch self {
        case .visit, .visitDate, .painNRS, .painVAS, .rmdq, .odi, .gpe, .sickLeave, .remark: .visit
        default: .participant
        }
    }

    @inlinable
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

    /// The number of canonical fields (`allCases.count`).
    @inlinable
    public static var count: Int { 67 }

    /// The field's position in declaration order, from 0 (`allCases[ordinal] == self`).
    ///
    /// Hashing and order use it: a `String`-backed enum would otherwise hash its name (the standard
    /// library's `RawRepresentable` default), which made every `[Field: _]` lookup hash a string.
    /// Participant-level fields are declared first and visit-level fields last, so a field's index
    /// within its level is its ordinal minus its level's first ordinal (``indexInLevel``).
    @inlinable
    public var ordinal: Int {
        switch self {
        case .participantID: 0
        case .site: 1
        case .status: 2
        case .arm: 3
        case .randomisationDate: 4
        case .screeningDate: 5
        case .sex: 6
        case .birthYear: 7
        case .age: 8
        case .heightCM: 9
        case .weightKG: 10
        case .onsetDate: 11
        case .durationWeeks: 12
        case .ageAtOnset: 13
        case .rfContinuousPain: 14
        case .rfNightPain: 15
        case .rfMalaise: 16
        case .rfHistoryMalignancy: 17
        case .rfWeightLoss: 18
        case .rfRaisedESR: 19
        case .rfCorticosteroids: 20
        case .rfHeightLoss: 21
        case .rfKyphosis: 22
        case .rfLowBodyWeight: 23
        case .rfIridocyclitis: 24
        case .rfArthritisOrIBD: 25
        case .rfMorningStiffness: 26
        case .rfBetterWithMovement: 27
        case .rfNSAIDResponse: 28
        case .rfTrauma: 29
        case .rfPalpableStep: 30
        case .radUnilateralLegPain: 31
        case .radLegPainDominant: 32
        case .radNeuroDeficit: 33
        case .radReflexChange: 34
        case .caudaEquina: 35
        case .ompsq1: 36
        case .ompsq2: 37
        case .ompsq3: 38
        case .ompsq4: 39
        case .ompsq5: 40
        case .ompsq6: 41
        case .ompsq7: 42
        case .ompsq8: 43
        case .ompsq9: 44
        case .ompsq10: 45
        case .ompsqTotal: 46
        case .startBack1: 47
        case .startBack2: 48
        case .startBack3: 49
        case .startBack4: 50
        case .startBack5: 51
        case .startBack6: 52
        case .startBack7: 53
        case .startBack8: 54
        case .startBack9: 55
        case .startBackTotal: 56
        case .startBackPsychosocial: 57
        case .visit: 58
        case .visitDate: 59
        case .painNRS: 60
        case .painVAS: 61
        case .rmdq: 62
        case .odi: 63
        case .gpe: 64
        case .sickLeave: 65
        case .remark: 66
        }
    }

    /// The field at a position in declaration order (the inverse of ``ordinal``); nil outside
    /// `0 ..< Field.count`.
    @inlinable
    public init?(ordinal: Int) {
        switch ordinal {
        case 0: self = .participantID
        case 1: self = .site
        case 2: self = .status
        case 3: self = .arm
        case 4: self = .randomisationDate
        case 5: self = .screeningDate
        case 6: self = .sex
        case 7: self = .birthYear
        case 8: self = .age
        case 9: self = .heightCM
        case 10: self = .weightKG
        case 11: self = .onsetDate
        case 12: self = .durationWeeks
        case 13: self = .ageAtOnset
        case 14: self = .rfContinuousPain
        case 15: self = .rfNightPain
        case 16: self = .rfMalaise
        case 17: self = .rfHistoryMalignancy
        case 18: self = .rfWeightLoss
        case 19: self = .rfRaisedESR
        case 20: self = .rfCorticosteroids
        case 21: self = .rfHeightLoss
        case 22: self = .rfKyphosis
        case 23: self = .rfLowBodyWeight
        case 24: self = .rfIridocyclitis
        case 25: self = .rfArthritisOrIBD
        case 26: self = .rfMorningStiffness
        case 27: self = .rfBetterWithMovement
        case 28: self = .rfNSAIDResponse
        case 29: self = .rfTrauma
        case 30: self = .rfPalpableStep
        case 31: self = .radUnilateralLegPain
        case 32: self = .radLegPainDominant
        case 33: self = .radNeuroDeficit
        case 34: self = .radReflexChange
        case 35: self = .caudaEquina
        case 36: self = .ompsq1
        case 37: self = .ompsq2
        case 38: self = .ompsq3
        case 39: self = .ompsq4
        case 40: self = .ompsq5
        case 41: self = .ompsq6
        case 42: self = .ompsq7
        case 43: self = .ompsq8
        case 44: self = .ompsq9
        case 45: self = .ompsq10
        case 46: self = .ompsqTotal
        case 47: self = .startBack1
        case 48: self = .startBack2
        case 49: self = .startBack3
        case 50: self = .startBack4
        case 51: self = .startBack5
        case 52: self = .startBack6
        case 53: self = .startBack7
        case 54: self = .startBack8
        case 55: self = .startBack9
        case 56: self = .startBackTotal
        case 57: self = .startBackPsychosocial
        case 58: self = .visit
        case 59: self = .visitDate
        case 60: self = .painNRS
        case 61: self = .painVAS
        case 62: self = .rmdq
        case 63: self = .odi
        case 64: self = .gpe
        case 65: self = .sickLeave
        case 66: self = .remark
        default: return nil
        }
    }

    /// Ordinal of the first visit-level field (`visit`); every field before it is participant-level.
    @inlinable
    public static var firstVisitOrdinal: Int { Field.visit.ordinal }

    /// Position within the field's level, in declaration order (the index into
    /// ``fields(at:)`` for its level), from 0.
    @inlinable
    public var indexInLevel: Int {
        let ordinal = self.ordinal
        return ordinal < Field.firstVisitOrdinal ? ordinal : ordinal - Field.firstVisitOrdinal
    }

    /// The field at a position within a level (the inverse of ``indexInLevel``); nil outside the level.
    @inlinable
    public static func field(at index: Int, in level: FieldLevel) -> Field? {
        let ordinal = level == .participant ? index : index + firstVisitOrdinal
        let end = level == .participant ? firstVisitOrdinal : count
        guard index >= 0, ordinal < end else { return nil }
        return Field(ordinal: ordinal)
    }

    /// Number of fields at a level.
    @inlinable
    public static func count(at level: FieldLevel) -> Int {
        level == .participant ? firstVisitOrdinal : count - firstVisitOrdinal
    }

    @inlinable
    public func hash(into hasher: inout Hasher) {
        hasher.combine(ordinal)
    }

    @inlinable
    public static func < (lhs: Field, rhs: Field) -> Bool {
        lhs.ordinal < rhs.ordinal
    }
}

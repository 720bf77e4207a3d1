import StudyModel

/// The fixed design of the simulated trial: sites, arms, visits and their windows, the screening
/// items and how each export names them.
///
/// Everything an export writes comes from these tables, so the two export styles cannot drift apart
/// and SampleData/README.md can describe them once.
public enum StudyDesign {
    /// First screening day of the simulated recruitment.
    public static let recruitmentStart = CalendarDate(daysSinceEpoch: 19_052)  // 2022-03-01
    /// Length of the recruitment period in days; screening dates spread evenly over it whatever the
    /// number of participants, and every week-26 visit still falls before the export date.
    public static let recruitmentDays = 700
    /// Days from screening to randomisation (drawn uniformly, both ends included).
    public static let randomisationDelayDays = 1...14
}

/// A participating site: its Castor site abbreviation, its REDCap data access group, and how Castor
/// exported its file.
public struct Site: Hashable, Sendable {
    /// Castor `Site Abbreviation` (also the participant-id prefix).
    public let abbreviation: String
    /// REDCap `redcap_data_access_group` (REDCap's unique group names are lower case).
    public let dataAccessGroup: String
    /// Place name, for documentation only.
    public let city: String
    /// Share of screened participants.
    public let weight: Double
    /// Exported before Castor renamed `Record Id` and `Institute Abbreviation`.
    public let usesOlderHeader: Bool
    /// Saved through a Dutch spreadsheet: Windows-1252 instead of UTF-8.
    public let windows1252: Bool
    /// The spreadsheet left empty rows after the data.
    public let trailingBlankRows: Bool

    /// The four sites, in the order of their files.
    public static let all: [Site] = [
        Site(abbreviation: "GRO", dataAccessGroup: "gro", city: "Groningen", weight: 0.30,
             usesOlderHeader: true, windows1252: false, trailingBlankRows: false),
        Site(abbreviation: "MAA", dataAccessGroup: "maa", city: "Maastricht", weight: 0.20,
             usesOlderHeader: false, windows1252: true, trailingBlankRows: false),
        Site(abbreviation: "NIJ", dataAccessGroup: "nij", city: "Nijmegen", weight: 0.25,
             usesOlderHeader: false, windows1252: false, trailingBlankRows: false),
        Site(abbreviation: "UTR", dataAccessGroup: "utr", city: "Utrecht", weight: 0.25,
             usesOlderHeader: false, windows1252: false, trailingBlankRows: true),
    ]

    /// Castor file of this site, relative to the output folder.
    public var castorFile: String { "castor/study_\(abbreviation).csv" }
}

/// A therapy arm of the trial, with the codes each export uses.
public enum TrialArm: Int, CaseIterable, Sendable, Comparable {
    case motorControl = 1
    case gradedActivity = 2
    case generalExercise = 3

    /// Canonical arm id (pipeline files and reports).
    public var id: String {
        switch self {
        case .motorControl: "motor_control"
        case .gradedActivity: "graded_activity"
        case .generalExercise: "general_exercise"
        }
    }

    /// Report label.
    public var label: String {
        switch self {
        case .motorControl: "Motor control"
        case .gradedActivity: "Graded activity"
        case .generalExercise: "General exercise"
        }
    }

    /// Castor `Randomization Group` label.
    public var castorLabel: String {
        switch self {
        case .motorControl: "Motorische controle"
        case .gradedActivity: "Graded activity"
        case .generalExercise: "Algemene oefentherapie"
        }
    }

    /// REDCap `arm` raw code.
    public var redcapCode: String { String(rawValue) }

    /// General exercise is the reference arm of every comparison.
    public static let reference: TrialArm = .generalExercise

    public static func < (lhs: TrialArm, rhs: TrialArm) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A scheduled visit, its nominal day after randomisation and its window.
public enum VisitName: Int, CaseIterable, Sendable, Comparable {
    case baseline = 0
    case week6 = 6
    case week12 = 12
    case week26 = 26

    /// Canonical visit name (`baseline`, `week6`, ...).
    public var id: String {
        switch self {
        case .baseline: "baseline"
        case .week6: "week6"
        case .week12: "week12"
        case .week26: "week26"
        }
    }

    public var week: Int { rawValue }
    public var nominalDay: Int { rawValue * 7 }

    /// Accepted distance in days from the nominal day: baseline 0 ± 7, week 6 42 ± 7,
    /// week 12 84 ± 14, week 26 182 ± 21.
    public var windowDays: Int {
        switch self {
        case .baseline, .week6: 7
        case .week12: 14
        case .week26: 21
        }
    }

    /// The largest distance the generator itself uses, well inside the window so that no visit
    /// date is borderline.
    var drawnSpreadDays: Int {
        switch self {
        case .baseline: 3
        case .week6: 5
        case .week12: 10
        case .week26: 15
        }
    }

    public var timepoint: Timepoint { Timepoint(name: id, week: week, windowDays: windowDays) }

    /// Castor `Repeating Data Name`.
    public var castorName: String {
        switch self {
        case .baseline: "Baseline"
        case .week6: "Week 6"
        case .week12: "Week 12"
        case .week26: "Week 26"
        }
    }

    /// REDCap `redcap_event_name`.
    public var redcapEvent: String {
        switch self {
        case .baseline: "baseline_arm_1"
        case .week6: "week_6_arm_1"
        case .week12: "week_12_arm_1"
        case .week26: "week_26_arm_1"
        }
    }

    public var isFollowUp: Bool { self != .baseline }

    public static let followUps: [VisitName] = [.week6, .week12, .week26]

    public static func < (lhs: VisitName, rhs: VisitName) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The red-flag items of the screening form's checkbox group (Castor `rode_vlag#...`, REDCap
/// `redflags___1` ... `redflags___16`). Raised ESR is a lab result with its own yes/no field, since it
/// can be "not done".
public enum RedFlag: Int, CaseIterable, Sendable {
    case continuousPain = 1
    case nightPain
    case malaise
    case historyMalignancy
    case weightLoss
    case corticosteroids
    case heightLoss
    case kyphosis
    case lowBodyWeight
    case iridocyclitis
    case arthritisOrIBD
    case morningStiffness
    case betterWithMovement
    case nsaidResponse
    case trauma
    case palpableStep

    public var field: Field {
        switch self {
        case .continuousPain: .rfContinuousPain
        case .nightPain: .rfNightPain
        case .malaise: .rfMalaise
        case .historyMalignancy: .rfHistoryMalignancy
        case .weightLoss: .rfWeightLoss
        case .corticosteroids: .rfCorticosteroids
        case .heightLoss: .rfHeightLoss
        case .kyphosis: .rfKyphosis
        case .lowBodyWeight: .rfLowBodyWeight
        case .iridocyclitis: .rfIridocyclitis
        case .arthritisOrIBD: .rfArthritisOrIBD
        case .morningStiffness: .rfMorningStiffness
        case .betterWithMovement: .rfBetterWithMovement
        case .nsaidResponse: .rfNSAIDResponse
        case .trauma: .rfTrauma
        case .palpableStep: .rfPalpableStep
        }
    }

    /// Castor option value (column `rode_vlag#<option>`).
    public var castorOption: String {
        switch self {
        case .continuousPain: "continue_pijn"
        case .nightPain: "nachtpijn"
        case .malaise: "malaise"
        case .historyMalignancy: "maligniteit_vg"
        case .weightLoss: "gewichtsverlies"
        case .corticosteroids: "corticosteroiden"
        case .heightLoss: "lengteverlies"
        case .kyphosis: "kyfose"
        case .lowBodyWeight: "laag_gewicht"
        case .iridocyclitis: "iridocyclitis"
        case .arthritisOrIBD: "artritis_ibd"
        case .morningStiffness: "ochtendstijfheid"
        case .betterWithMovement: "beter_bij_bewegen"
        case .nsaidResponse: "nsaid_effect"
        case .trauma: "trauma"
        case .palpableStep: "trede_l4l5"
        }
    }

    /// REDCap checkbox code (column `redflags___<code>`).
    public var redcapCode: Int { rawValue }
}

/// The radicular items of the screening form's checkbox group (Castor `radiculair#...`, REDCap
/// `radicular___1` ... `radicular___4`). Cauda equina has its own yes/no field.
public enum RadicularSign: Int, CaseIterable, Sendable {
    case unilateralLegPain = 1
    case legPainDominant
    case neuroDeficit
    case reflexChange

    public var field: Field {
        switch self {
        case .unilateralLegPain: .radUnilateralLegPain
        case .legPainDominant: .radLegPainDominant
        case .neuroDeficit: .radNeuroDeficit
        case .reflexChange: .radReflexChange
        }
    }

    public var castorOption: String {
        switch self {
        case .unilateralLegPain: "eenzijdig_been"
        case .legPainDominant: "beenpijn_dominant"
        case .neuroDeficit: "neuro_uitval"
        case .reflexChange: "reflex_afwijkend"
        }
    }

    public var redcapCode: Int { rawValue }
}

extension MissingReason {
    /// The Castor user-missing number (95...99) of a fixed Castor reason; nil for `.empty` and for
    /// declared codes.
    var castorNumber: Int? {
        switch self {
        case .measurementFailed: 95
        case .notApplicable: 96
        case .notAsked: 97
        case .askedButUnknown: 98
        case .notDone: 99
        case .empty, .declared: nil
        }
    }

    /// The missing-data code the simulated REDCap project declares for the same reason (see
    /// SampleData/README.md); nil for `.empty`, which REDCap exports as an empty cell.
    var redcapCode: String? {
        switch self {
        case .measurementFailed: "INV"
        case .notApplicable: "NA"
        case .notAsked: "NASK"
        case .askedButUnknown: "UNK"
        case .notDone: "ND"
        case .empty: nil
        case .declared(let code, _): code
        }
    }
}

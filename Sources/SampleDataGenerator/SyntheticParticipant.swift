import StudyModel

/// A collected value, or the reason it is missing (Castor user-missing code, REDCap declared code,
/// or an empty cell).
public enum Observed<Wrapped: Hashable & Sendable>: Hashable, Sendable {
    case value(Wrapped)
    case missing(MissingReason)

    public var value: Wrapped? {
        if case .value(let wrapped) = self { return wrapped }
        return nil
    }

    public var missingReason: MissingReason? {
        if case .missing(let reason) = self { return reason }
        return nil
    }
}

/// Sex as recorded at screening (Castor `M`/`V`, REDCap `1`/`2`, canonical `M`/`F`).
public enum Sex: String, Hashable, Sendable {
    case male = "M"
    case female = "F"
}

/// The guideline profile a participant is generated to have, before any value goes missing.
public enum IntendedProfile: String, Hashable, Sendable, CaseIterable {
    case profile1 = "1"
    case profile2 = "2"
    case profile3a = "3a"
    case profile3aY = "3a+Y"
    case profile3b = "3b"
    case profile3bY = "3b+Y"

    var isProfile3: Bool { self != .profile1 && self != .profile2 }
    var hasYellowFlags: Bool { self == .profile3aY || self == .profile3bY }
}

/// The red-flag cluster a profile-1 participant is generated to fire.
public enum RedFlagCluster: String, Hashable, Sendable, CaseIterable {
    case malignancy
    case osteoporoticFracture = "osteoporotic_fracture"
    case ankylosingSpondylitis = "ankylosing_spondylitis"
    case vertebralFracture = "vertebral_fracture"
    case spondylolisthesis
}

/// How a deliberately unclassified participant lost the input the default rules need.
public enum UnclassifiedReason: String, Hashable, Sendable, CaseIterable {
    /// Onset date "asked but unknown" (Castor `01-01-2998`, REDCap `UNK`): no duration for profile 3.
    case onsetUnknown = "onset_unknown"
    /// One ÖMPSQ item "not asked" (Castor -97, REDCap `NASK`): no ÖMPSQ total for profile 3.
    case ompsqItemNotAsked = "ompsq_item_not_asked"
    /// Two malignancy signs present and the ESR "not done": the malignancy cluster is undetermined.
    case malignancyUndetermined = "malignancy_undetermined"
    /// Cauda equina "asked but unknown": the decisive profile-2 sign is undetermined.
    case caudaEquinaUnknown = "cauda_equina_unknown"
    /// One ÖMPSQ item left empty in both exports: no ÖMPSQ total for profile 3.
    case ompsqItemEmpty = "ompsq_item_empty"
}

/// Screening values of one participant, as collected (before any planted export problem).
public struct Screening: Hashable, Sendable {
    public var screeningDate: CalendarDate
    /// Seconds after midnight at which the Castor record was created (Participant Creation Date).
    public var creationSecond: Int
    public var sex: Sex
    public var birthYear: Int
    public var heightCM: Observed<Int>
    /// Body weight in tenths of a kilogram (exact; written as `72,5` or `72.5`).
    public var weightTenthsKG: Observed<Int>
    public var onsetDate: Observed<CalendarDate>
    /// Checkbox answers, indexed by `RedFlag.rawValue - 1`.
    public var redFlags: [Bool]
    public var raisedESR: Observed<Bool>
    /// Checkbox answers, indexed by `RadicularSign.rawValue - 1`.
    public var radicular: [Bool]
    public var caudaEquina: Observed<Bool>
    /// ÖMPSQ-10 raw answers: item 1 the duration category 1...10, items 2...10 0...10 unreversed.
    public var ompsq: [Observed<Int>]
    /// STarT Back: items 1...8 as 1 (agree) or 0, item 9 as 1...5.
    public var startBack: [Observed<Int>]
    /// Free-text screening remark (not a canonical field); `.missing(.empty)` when blank.
    public var remark: Observed<String>

    public func redFlag(_ flag: RedFlag) -> Bool { redFlags[flag.rawValue - 1] }

    public mutating func setRedFlag(_ flag: RedFlag, _ value: Bool) {
        redFlags[flag.rawValue - 1] = value
    }

    public func radicularSign(_ sign: RadicularSign) -> Bool { radicular[sign.rawValue - 1] }

    /// Age at screening as the study computes it: screening year minus birth year.
    public var age: Int { screeningDate.year - birthYear }
}

/// Allocation of a randomised participant.
public struct Randomisation: Hashable, Sendable {
    public var date: CalendarDate
    public var arm: TrialArm
}

/// One attended visit with its outcome values (integers in tenths where a decimal is allowed).
public struct VisitMeasurement: Hashable, Sendable {
    public var visit: VisitName
    public var date: CalendarDate
    /// Pain NRS 0...10 in tenths (65 = 6.5).
    public var painTenths: Int
    /// RMDQ 0...24.
    public var rmdq: Int
    /// ODI 0...100 in tenths; missing when "not done".
    public var odiTenths: Observed<Int>
    /// GPE 1...7 (1 completely recovered, 7 worse than ever); nil at baseline.
    public var gpe: Int?
    /// Free-text remark; `.missing(.empty)` when blank.
    public var remark: Observed<String>
}

/// Castor `Participant Status` (the study's own status labels).
public enum ParticipantStatus: String, Hashable, Sendable {
    /// Randomised and followed up to week 26.
    case completed = "Afgerond"
    /// Randomised, then stopped or lost to follow-up before week 26.
    case stopped = "Gestopt"
    /// Screened out with red flags (profile 1), referred, not randomised.
    case excluded = "Uitgesloten"
}

/// One simulated participant: who they are meant to be, what was collected, and what happened.
public struct SyntheticParticipant: Hashable, Sendable {
    /// Position in the screening log, from 0.
    public var index: Int
    /// `GRO-0001`: site abbreviation and screening-log number (index + 1, at least four digits).
    public var id: String
    public var site: Site
    public var intendedProfile: IntendedProfile
    /// For intended profile 1: the cluster generated to fire.
    public var intendedCluster: RedFlagCluster?
    /// Set for the few participants whose decisive input is missing on purpose.
    public var unclassifiedReason: UnclassifiedReason?
    public var screening: Screening
    public var randomisation: Randomisation?
    /// Attended visits, in visit order.
    public var visits: [VisitMeasurement]
    public var status: ParticipantStatus

    public func visit(_ name: VisitName) -> VisitMeasurement? {
        visits.first { $0.visit == name }
    }
}

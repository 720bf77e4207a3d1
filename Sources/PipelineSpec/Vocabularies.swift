import Foundation
import StudyModel

/// The code lists that turn source codes into canonical values: booleans, sex, arms, visits.
///
/// Codes match after trimming white space, Unicode NFC and lower-casing (``Vocabularies/key(_:)``),
/// so `Ja`, ` ja ` and `JA` are one code.
public struct Vocabularies: Sendable, Hashable {
    /// Matching key → boolean.
    public var booleans: [String: Bool]
    /// Matching key → canonical sex (`M` or `F`).
    public var sex: [String: String]
    /// The arms in file order; exactly one is the reference.
    public var arms: [ArmSpec]
    /// Matching key → arm id.
    public var armCodes: [String: String]
    /// Matching key → timepoint name (every timepoint also matches its own name).
    public var visitNames: [String: String]
    /// Matching key → canonical site name; empty when the pipeline declares no sites (then a
    /// site is free text).
    public var sites: [String: String] = [:]

    public init(
        booleans: [String: Bool] = Vocabularies.defaultBooleans, sex: [String: String] = Vocabularies.defaultSex,
        arms: [ArmSpec] = [], armCodes: [String: String] = [:], visitNames: [String: String] = [:]
    ) {
        self.booleans = booleans
        self.sex = sex
        self.arms = arms
        self.armCodes = armCodes
        self.visitNames = visitNames
    }

    /// The key codes are matched by: trimmed, NFC, lower-cased (locale-independent).
    public static func key(_ code: String) -> String {
        let bytes = code.utf8
        if bytes.allSatisfy({ $0 < 0x80 && $0 != 0x20 && !(0x09...0x0D).contains($0) }) {
            // ASCII without white space: NFC already, only the letter case to fold.
            return bytes.contains(where: { (0x41...0x5A).contains($0) }) ? code.lowercased() : code
        }
        return code.trimmingCharacters(in: .whitespacesAndNewlines).precomposedStringWithCanonicalMapping.lowercased()
    }

    /// `ja/nee`, `j/n`, `yes/no`, `y/n`, `1/0`, `waar/onwaar`, `true/false`.
    public static let defaultBooleans: [String: Bool] = [
        "ja": true, "nee": false, "j": true, "n": false, "yes": true, "no": false, "y": true,
        "1": true, "0": false, "waar": true, "onwaar": false, "true": true, "false": false,
    ]

    /// `M`, `man`, `male`, `m`, `1` → `M`; `V`, `F`, `vrouw`, `female`, `2` → `F` (Castor's and
    /// many Dutch forms' coding of 1 = man, 2 = vrouw).
    public static let defaultSex: [String: String] = [
        "m": "M", "man": "M", "male": "M", "1": "M",
        "v": "F", "f": "F", "vrouw": "F", "female": "F", "2": "F",
    ]

    /// The reference arm (every loaded spec has exactly one when it declares arms).
    public var referenceArm: Arm? { arms.first(where: \.isReference)?.arm }

    /// The arm a source code stands for.
    public func arm(forCode code: String) -> Arm? {
        guard let id = armCodes[Vocabularies.key(code)] else { return nil }
        return arms.first { $0.arm.id == id }?.arm
    }
}

/// One arm of `vocabularies.arms`.
public struct ArmSpec: Sendable, Hashable {
    public var arm: Arm
    /// The source codes as written.
    public var codes: [String]
    public var isReference: Bool

    public init(arm: Arm, codes: [String], isReference: Bool) {
        self.arm = arm
        self.codes = codes
        self.isReference = isReference
    }
}

/// `missing_codes:` values that stand for a reason instead of a value.
public struct MissingCodes: Sendable, Hashable {
    /// Castor's fixed user-missing codes: `-95`...`-99`, `##USER_MISSING_95##`...`##USER_MISSING_99##`,
    /// and dates in the years 2995...2999.
    public var castor: Bool
    /// Project-declared codes (matched exactly after trimming) → reason.
    public var declared: [String: MissingReason]

    /// The reason a declared code stands for: one of the five standard reasons when the label
    /// names it (`measurement failed`, `not applicable`, `not asked`, `asked but unknown`,
    /// `not done`, any letter case), so that a REDCap `ND` and a Castor `-99` stage alike;
    /// otherwise a declared reason with the code and label.
    public static func reason(code: String, label: String) -> MissingReason {
        let standard: [MissingReason] = [.measurementFailed, .notApplicable, .notAsked, .askedButUnknown, .notDone]
        let key = Vocabularies.key(label)
        return standard.first { $0.description == key } ?? .declared(code: code, label: label)
    }

    public init(castor: Bool = false, declared: [String: MissingReason] = [:]) {
        self.castor = castor
        self.declared = declared
    }
}

/// `visits:` the schedule, ordered by week.
public struct VisitSchedule: Sendable, Hashable {
    public var timepoints: [Timepoint]

    public init(_ timepoints: [Timepoint] = []) {
        self.timepoints = timepoints.sorted()
    }

    public func timepoint(named name: String) -> Timepoint? {
        timepoints.first { $0.name == name }
    }

    /// The week-0 visit.
    public var baseline: Timepoint? { timepoints.first(where: \.isBaseline) }
}

/// Why a value is absent, kept instead of the value so that "not done" never becomes a number.
///
/// Castor's fixed user-missing codes are -95...-99 (numeric fields), `##USER_MISSING_95##`...
/// (text fields) and the years 2995...2999 (date fields). REDCap projects declare their own codes,
/// which map to `.declared`.
public enum MissingReason: Hashable, Sendable, CustomStringConvertible {
    /// The cell was empty.
    case empty
    /// Castor -95: measurement failed.
    case measurementFailed
    /// Castor -96: not applicable.
    case notApplicable
    /// Castor -97: not asked.
    case notAsked
    /// Castor -98: asked but unknown.
    case askedButUnknown
    /// Castor -99: not done.
    case notDone
    /// A project-declared code (e.g. REDCap's `UNK`), with its label.
    case declared(code: String, label: String)

    /// The Castor reason for a user-missing code 95...99, nil for any other number.
    public init?(castorCode: Int) {
        switch castorCode {
        case 95: self = .measurementFailed
        case 96: self = .notApplicable
        case 97: self = .notAsked
        case 98: self = .askedButUnknown
        case 99: self = .notDone
        default: return nil
        }
    }

    /// The code of a value lbp emptied itself, after a rule reported it: a value a rule empties
    /// (`policy: null-field`, a duration from an onset after screening) or a questionnaire total
    /// not scored because an item is outside its range.
    public static let invalidCode = "invalid"

    /// Whether lbp emptied the value itself (``invalidCode``), rather than the export recording
    /// it as missing.
    public var isInvalid: Bool {
        if case .declared(MissingReason.invalidCode, _) = self { return true }
        return false
    }

    /// The reason of a value `rule` emptied (``invalidCode``), naming the rule.
    public static func emptied(byRule rule: String) -> MissingReason {
        .declared(code: invalidCode, label: "emptied by rule '\(rule)'")
    }

    /// Whether the value was emptied for lacking a required value (``emptied(byRule:)`` with
    /// `required` under `null-field`): the export held no value there, so none was taken away.
    public var isEmptiedRequirement: Bool {
        self == .emptied(byRule: "required")
    }

    /// Short stable code for reports and CSV output (`empty`, `-95` ... `-99`, or the declared code).
    public var code: String {
        switch self {
        case .empty: "empty"
        case .measurementFailed: "-95"
        case .notApplicable: "-96"
        case .notAsked: "-97"
        case .askedButUnknown: "-98"
        case .notDone: "-99"
        case .declared(let code, _): code
        }
    }

    public var description: String {
        switch self {
        case .empty: "empty"
        case .measurementFailed: "measurement failed"
        case .notApplicable: "not applicable"
        case .notAsked: "not asked"
        case .askedButUnknown: "asked but unknown"
        case .notDone: "not done"
        case .declared(_, let label): label
        }
    }
}

import StudyModel

/// What to do with a record that breaks an expectation or rule.
public enum IssuePolicy: String, Sendable, Hashable, CaseIterable {
    /// Follow the severity: `error` rejects the row, `warning` keeps it flagged. Written out in
    /// a pipeline file, it sets the severity to `error` (and `warning` beside it is refused).
    case rejectRow = "reject-row"
    /// Keep the row, empty just the offending field (missing with reason code `invalid`), and
    /// log a warning.
    case nullField = "null-field"
}

/// The value types a field expectation may name. A field's type is fixed by the canonical field;
/// `integer` may narrow a `decimal` field to whole numbers.
public enum ExpectedType: String, Sendable, Hashable, CaseIterable {
    case text, integer, decimal, boolean, date, code

    public init(_ kind: FieldKind) {
        switch kind {
        case .text: self = .text
        case .integer: self = .integer
        case .decimal: self = .decimal
        case .boolean: self = .boolean
        case .date: self = .date
        case .code: self = .code
        }
    }
}

/// The checks of one canonical field. Every field has one: domain defaults (ranges of
/// ``StudyModel/Field/defaultRange``, `participant_id` required) apply without being written,
/// and what the pipeline writes replaces them key by key.
public struct FieldExpectation: Sendable, Hashable {
    public var field: Field
    /// The record is incomplete without a value (an empty cell or missing code is a problem).
    public var required: Bool
    /// The type values must have (the field's own, or `integer` for a decimal field).
    public var type: ExpectedType
    /// Closed numeric range (for dates: not used).
    public var range: ClosedRange<Double>?
    /// Allowed values after normalisation (canonical codes or text), matched exactly.
    public var allowed: [String]?
    /// No two records of the field's level may share a value.
    public var unique: Bool
    public var severity: Severity
    public var policy: IssuePolicy
    /// Where the pipeline file sets this expectation; nil for pure defaults.
    public var location: SourceLocation?

    public init(
        field: Field, required: Bool = false, type: ExpectedType? = nil, range: ClosedRange<Double>? = nil,
        allowed: [String]? = nil, unique: Bool = false, severity: Severity = .error,
        policy: IssuePolicy = .rejectRow, location: SourceLocation? = nil
    ) {
        self.field = field
        self.required = required
        self.type = type ?? ExpectedType(field.kind)
        self.range = range
        self.allowed = allowed
        self.unique = unique
        self.severity = severity
        self.policy = policy
        self.location = location
    }

    /// The domain defaults of a field.
    public static func defaults(for field: Field) -> FieldExpectation {
        FieldExpectation(field: field, required: field == .participantID, range: field.defaultRange)
    }

    /// The severity an issue is logged with: `warning` under `null-field`, else the severity.
    public var issueSeverity: Severity { policy == .nullField ? .warning : severity }
}

/// The fixed catalogue of cross-field and cross-row rules.
public enum CrossFieldRule: String, Sendable, Hashable, CaseIterable, Comparable {
    /// A visit date earlier than the participant's randomisation date.
    case visitBeforeRandomisation = "visit_before_randomisation"
    /// A visit date more than the visit's `window_days` from randomisation + `week` × 7 days.
    case visitOutsideWindow = "visit_outside_window"
    /// Symptom onset after the screening date or the baseline visit date.
    case onsetAfterBaseline = "onset_after_baseline"
    /// A visit row whose arm differs from the participant's arm.
    case armChanged = "arm_changed"
    /// A stated age more than one year away from the age implied by birth year and screening date.
    case ageInconsistentWithBirthYear = "age_inconsistent_with_birth_year"
    /// A follow-up visit of a participant who has no baseline visit.
    case followUpWithoutBaseline = "follow_up_without_baseline"
    /// A follow-up visit of a participant whose participant row has no arm: not randomised, or
    /// the visit belongs to someone else.
    case followUpNotRandomised = "follow_up_not_randomised"

    /// The severity a rule has unless the pipeline file sets one. A late visit or a lost baseline
    /// row leaves usable data, so those warn; the others make the row untrustworthy.
    public var defaultSeverity: Severity {
        switch self {
        case .visitOutsideWindow, .followUpWithoutBaseline, .followUpNotRandomised: .warning
        default: .error
        }
    }

    /// The field `policy: null-field` empties; nil when the rule concerns a whole row.
    public var nullableField: Field? {
        switch self {
        case .visitBeforeRandomisation, .visitOutsideWindow: .visitDate
        case .onsetAfterBaseline: .onsetDate
        case .armChanged: nil
        case .ageInconsistentWithBirthYear: .age
        case .followUpWithoutBaseline, .followUpNotRandomised: nil
        }
    }

    public static func < (lhs: CrossFieldRule, rhs: CrossFieldRule) -> Bool {
        (allCases.firstIndex(of: lhs) ?? 0) < (allCases.firstIndex(of: rhs) ?? 0)
    }
}

/// How a cross-field rule is applied.
public struct RuleSetting: Sendable, Hashable {
    public var severity: Severity
    public var policy: IssuePolicy
    /// Where the pipeline file sets it; nil for defaults.
    public var location: SourceLocation?

    public init(severity: Severity, policy: IssuePolicy = .rejectRow, location: SourceLocation? = nil) {
        self.severity = severity
        self.policy = policy
        self.location = location
    }

    public var issueSeverity: Severity { policy == .nullField ? .warning : severity }
}

/// `expectations:` the checks of every field and every cross-field rule, defaults included.
public struct Expectations: Sendable, Hashable {
    private var fieldChecks: [Field: FieldExpectation]
    private var ruleSettings: [CrossFieldRule: RuleSetting]

    /// Domain defaults for every field and rule, overridden by `fields` and `rules`.
    public init(fields: [Field: FieldExpectation] = [:], rules: [CrossFieldRule: RuleSetting] = [:]) {
        var fieldChecks: [Field: FieldExpectation] = [:]
        for field in Field.allCases { fieldChecks[field] = fields[field] ?? .defaults(for: field) }
        var ruleSettings: [CrossFieldRule: RuleSetting] = [:]
        for rule in CrossFieldRule.allCases {
            ruleSettings[rule] = rules[rule] ?? RuleSetting(severity: rule.defaultSeverity)
        }
        self.fieldChecks = fieldChecks
        self.ruleSettings = ruleSettings
    }

    public subscript(field: Field) -> FieldExpectation {
        fieldChecks[field] ?? .defaults(for: field)
    }

    public subscript(rule: CrossFieldRule) -> RuleSetting {
        ruleSettings[rule] ?? RuleSetting(severity: rule.defaultSeverity)
    }
}

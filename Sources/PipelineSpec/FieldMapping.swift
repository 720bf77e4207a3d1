import StudyModel

/// Where a canonical field's value comes from in an input.
public enum FieldSource: Sendable, Hashable {
    /// A column, found by any of these names (matched ignoring letter case and white space).
    case column([String])
    /// One option of a checkbox question: Castor `variable#option`, REDCap `variable___option`;
    /// `1` is checked and `0` unchecked.
    case checkbox(variable: String, option: String)
    /// Computed from other canonical fields of the same record.
    case derived(Derivation)
}

/// The fixed catalogue of derived fields.
public enum Derivation: String, Sendable, Hashable, CaseIterable {
    /// `age` = calendar year of `screening_date` − `birth_year`, in whole years. The true age is
    /// this or one less (the birthday within the year is unknown).
    case fromBirthYear = "from_birth_year"
    /// `duration_weeks` = days from `onset_date` to `screening_date`, divided by 7.
    case fromOnsetDate = "from_onset_date"
    /// `age_at_onset` = `age` − (days from `onset_date` to `screening_date`) / 7 / 52.1775, in
    /// years (52.1775 weeks in a mean Gregorian year).
    case fromAgeAndOnset = "from_age_and_onset"
    /// `ompsq_total` = ÖMPSQ-10 score: item 1 counts its category (1...10), items 3, 4 and 8
    /// count 10 − value (reversed), the other items their value; the sum of the ten (1...100).
    case ompsq10
    /// `startback_total` = number of items 1...8 agreed plus item 9 counted as 1 when its answer
    /// is 4 or 5 (very much, extremely); `startback_psychosocial` = the same over items 5...9.
    case startBack = "startback"

    /// The field this derivation produces values for.
    public func applies(to field: Field) -> Bool {
        switch self {
        case .fromBirthYear: field == .age
        case .fromOnsetDate: field == .durationWeeks
        case .fromAgeAndOnset: field == .ageAtOnset
        case .ompsq10: field == .ompsqTotal
        case .startBack: field == .startBackTotal || field == .startBackPsychosocial
        }
    }

    /// The fields a derivation reads; each must be mapped in the same input.
    public func inputs(for field: Field) -> [Field] {
        switch self {
        case .fromBirthYear: [.birthYear, .screeningDate]
        case .fromOnsetDate: [.onsetDate, .screeningDate]
        case .fromAgeAndOnset: [.age, .onsetDate, .screeningDate]
        case .ompsq10: Field.ompsqItems
        case .startBack: field == .startBackPsychosocial ? Array(Field.startBackItems[4...]) : Field.startBackItems
        }
    }
}

/// The unit a duration column is written in; values are converted to weeks.
public enum DurationUnit: String, Sendable, Hashable, CaseIterable {
    case days
    case weeks
    case months
    case years

    /// Weeks in a mean Gregorian year (365.2425 days / 7), as the derived fields use it.
    public static let weeksPerYear = DerivedFormulas.weeksPerYear

    /// Weeks per unit: days 1/7; months 52.1775 / 12 = 4.348125 (a mean Gregorian month,
    /// 30.436875 days); years 52.1775.
    public var weeks: Double {
        switch self {
        case .days: 1.0 / 7.0
        case .weeks: 1.0
        case .months: DurationUnit.weeksPerYear / 12.0
        case .years: DurationUnit.weeksPerYear
        }
    }
}

/// How one canonical field is read from an input.
public struct FieldRule: Sendable, Hashable {
    /// The keys a field rule written as a mapping may have.
    static let keys = ["column", "checkbox", "option", "derive", "unit", "date_format"]

    public var source: FieldSource
    /// For `duration_weeks` read from a column: the unit of the column (weeks by default).
    public var unit: DurationUnit?
    /// For date fields: the format of the column, overriding the input's and source's default.
    public var dateFormat: DateFormat?
    /// Where the rule is written in the pipeline file.
    public var location: SourceLocation

    public init(source: FieldSource, unit: DurationUnit? = nil, dateFormat: DateFormat? = nil, location: SourceLocation) {
        self.source = source
        self.unit = unit
        self.dateFormat = dateFormat
        self.location = location
    }
}

/// The canonical fields of an input and how each is read; fields not listed are not collected.
public struct FieldMapping: Sendable, Hashable {
    public private(set) var rules: [Field: FieldRule]

    public init(_ rules: [Field: FieldRule] = [:]) {
        self.rules = rules
    }

    public subscript(field: Field) -> FieldRule? {
        get { rules[field] }
        set { rules[field] = newValue }
    }

    /// The mapped fields in declaration order.
    public var fields: [Field] { rules.keys.sorted() }

    /// The rules of fields at one level.
    public func restricted(to level: FieldLevel) -> FieldMapping {
        FieldMapping(rules.filter { $0.key.level == level })
    }

    /// This mapping with `overrides` replacing whole rules field by field.
    public func merging(_ overrides: FieldMapping) -> FieldMapping {
        FieldMapping(rules.merging(overrides.rules) { _, new in new })
    }
}

/// A normalised value of a canonical field, or the reason it is missing.
public enum Value: Hashable, Sendable, CustomStringConvertible {
    case number(Double)
    case boolean(Bool)
    case date(CalendarDate)
    /// Text, or a vocabulary code after mapping (sex `M`/`F`, an arm id, a timepoint name).
    case text(String)
    case missing(MissingReason)

    public var number: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    public var boolean: Bool? {
        if case .boolean(let value) = self { return value }
        return nil
    }

    public var date: CalendarDate? {
        if case .date(let value) = self { return value }
        return nil
    }

    public var text: String? {
        if case .text(let value) = self { return value }
        return nil
    }

    public var missingReason: MissingReason? {
        if case .missing(let reason) = self { return reason }
        return nil
    }

    public var isMissing: Bool { missingReason != nil }

    /// The canonical text form used in clean outputs: numbers with `.` and no exponent for ordinary
    /// magnitudes, booleans as `1`/`0`, dates as ISO, missing values as empty.
    public var canonicalText: String {
        switch self {
        case .number(let value): Value.format(value)
        case .boolean(let value): value ? "1" : "0"
        case .date(let value): value.iso
        case .text(let value): value
        case .missing: ""
        }
    }

    public var description: String {
        if case .missing(let reason) = self { return "missing (\(reason))" }
        return canonicalText
    }

    /// Shortest round-tripping decimal text for a number; integers print without a fraction.
    /// `description` of `Double` is locale-independent in Swift.
    public static func format(_ value: Double) -> String {
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 {
            return String(Int64(value))
        }
        return String(value)
    }
}

/// The values of one record, indexed by field position within its level: no dictionary and no
/// strings per cell for numbers, dates and booleans.
public struct FieldValues: Hashable, Sendable {
    public let level: FieldLevel
    private var storage: [Value?]

    public init(level: FieldLevel) {
        self.level = level
        storage = Array(repeating: nil, count: FieldValues.layout(level).count)
    }

    /// nil when the field was not collected at all (no column mapped); `.missing` when a column
    /// was there but held no usable value.
    public subscript(field: Field) -> Value? {
        get {
            guard let index = FieldValues.index(of: field, in: level) else { return nil }
            return storage[index]
        }
        set {
            guard let index = FieldValues.index(of: field, in: level) else { return }
            storage[index] = newValue
        }
    }

    /// The fields that hold something (a value or a missing reason), in declaration order.
    public var presentFields: [Field] {
        FieldValues.layout(level).enumerated().compactMap { storage[$0.offset] == nil ? nil : $0.element }
    }

    private static let participantLayout = Field.fields(at: .participant)
    private static let visitLayout = Field.fields(at: .visit)
    private static let participantIndex = Dictionary(
        uniqueKeysWithValues: participantLayout.enumerated().map { ($1, $0) })
    private static let visitIndex = Dictionary(uniqueKeysWithValues: visitLayout.enumerated().map { ($1, $0) })

    static func layout(_ level: FieldLevel) -> [Field] {
        level == .participant ? participantLayout : visitLayout
    }

    static func index(of field: Field, in level: FieldLevel) -> Int? {
        level == .participant ? participantIndex[field] : visitIndex[field]
    }
}

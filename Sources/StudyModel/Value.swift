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

    /// Shortest round-tripping decimal text for a number, in positional notation (never an
    /// exponent, which a reader of the clean tables, lbp included, would not take as a number);
    /// integers print without a fraction. `description` of `Double` is locale-independent in Swift.
    public static func format(_ value: Double) -> String {
        if let whole = wholeNumber(value) { return String(whole) }
        var text = String(value)
        // Only an exponent needs the digits placed; most values are positional already.
        if value.isFinite && text.utf8.contains(UInt8(ascii: "e")) { text = DecimalDigits(value).text }
        // A whole number of 10¹⁵ or more comes out as `1000000000000000.0`: no fraction either.
        if value.isFinite && value == value.rounded() && text.hasSuffix(".0") { text.removeLast(2) }
        return text
    }

    /// `value` as a whole number when it is one below 10¹⁵ in magnitude (where ``format(_:)``
    /// prints it without a fraction); nil otherwise (a fraction, NaN, ±∞ or a larger number).
    public static func wholeNumber(_ value: Double) -> Int64? {
        value.isFinite && value == value.rounded() && abs(value) < 1e15 ? Int64(value) : nil
    }
}

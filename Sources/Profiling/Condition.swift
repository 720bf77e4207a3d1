import StudyModel

/// Three-valued truth: a rule whose inputs are missing is `unknown`, never quietly false.
public enum Truth: String, Sendable, Hashable {
    case yes
    case no
    case unknown
}

/// One elementary test on a canonical field, written in rule-set files as text:
/// `rf_night_pain` (the sign is present), `age_at_onset > 50`, `duration_weeks >= 12`, `sex = F`.
public struct Condition: Hashable, Sendable, CustomStringConvertible {
    public enum Comparison: String, Sendable, Hashable, CaseIterable {
        case lessThan = "<"
        case lessOrEqual = "<="
        case greaterThan = ">"
        case greaterOrEqual = ">="
        case equal = "="
        case notEqual = "!="
    }

    public enum Test: Hashable, Sendable {
        /// A boolean sign that is present.
        case isTrue
        /// A numeric comparison with a threshold.
        case compare(Comparison, Double)
        /// A code compared with a literal (e.g. `sex = F`).
        case code(Comparison, String)
    }

    public var field: Field
    public var test: Test

    public init(field: Field, test: Test) {
        self.field = field
        self.test = test
    }

    /// Parses `field`, `field op number` or `field op code`.
    public init(parsing text: String) throws(RuleSetError) {
        let trimmed = text.trimmingWhitespace()
        // Longest operators first so `>=` is not read as `>`.
        let operators: [Comparison] = [.lessOrEqual, .greaterOrEqual, .notEqual, .lessThan, .greaterThan, .equal]
        for comparison in operators {
            guard let range = trimmed.firstRange(of: comparison.rawValue) else { continue }
            let name = String(trimmed[..<range.lowerBound]).trimmingWhitespace()
            let operand = String(trimmed[range.upperBound...]).trimmingWhitespace()
            guard let field = Field(name: name) else {
                throw RuleSetError("unknown field '\(name)' in condition '\(text)'")
            }
            guard !operand.isEmpty else {
                throw RuleSetError("condition '\(text)' has no value after '\(comparison.rawValue)'")
            }
            try Self.checkParticipantLevel(field, text)
            switch field.kind {
            case .integer, .decimal:
                // Decimal digits only, as a pipeline file writes numbers: `0x32` is not read as 50.
                guard let threshold = Double(decimalText: operand) else {
                    throw RuleSetError("condition '\(text)' compares the number '\(name)' with '\(operand)', which is not a number")
                }
                self.init(field: field, test: .compare(comparison, threshold))
            case .code, .text:
                guard comparison == .equal || comparison == .notEqual else {
                    throw RuleSetError("condition '\(text)' can only test '\(name)' with '=' or '!='")
                }
                // Sex is held as `M` or `F` whatever the export writes (`V`, `man`, `vrouw`): any
                // other value could never match (codes compare ignoring case), and a sign would
                // silently never hold.
                if field == .sex, !Self.sexCodes.contains(operand.uppercased()) {
                    throw RuleSetError("condition '\(text)' compares 'sex' with '\(operand)'; sex is held as "
                        + Self.sexCodes.map { "'\($0)'" }.joined(separator: " or ") + " whatever the export writes")
                }
                if let first = operand.unicodeScalars.first, "=<>!".unicodeScalars.contains(first) {
                    throw RuleSetError("condition '\(text)' has a second operator; write '\(name) \(comparison.rawValue) value'")
                }
                self.init(field: field, test: .code(comparison, operand))
            case .boolean, .date:
                throw RuleSetError("condition '\(text)' cannot compare the \(field.kind.rawValue) field '\(name)'; name the sign alone")
            }
            return
        }
        guard let field = Field(name: trimmed) else {
            throw RuleSetError("unknown field '\(trimmed)' in condition '\(text)'")
        }
        guard field.kind == .boolean else {
            throw RuleSetError("condition '\(text)' names the \(field.kind.rawValue) field '\(trimmed)' without a comparison")
        }
        try Self.checkParticipantLevel(field, text)
        self.init(field: field, test: .isTrue)
    }

    /// The canonical sex codes (``PipelineSpec`` vocabularies map every export's codes to them).
    static let sexCodes = ["M", "F"]

    /// Rules judge a participant's record: a field of a visit (baseline pain, say) is not in it,
    /// so a condition on one could never be decided.
    private static func checkParticipantLevel(_ field: Field, _ text: String) throws(RuleSetError) {
        guard field.level == .participant else {
            throw RuleSetError("condition '\(text)' reads the visit field '\(field.name)'; rules judge the participant's "
                + "own fields, not a visit's")
        }
    }

    /// `evaluate(values).truth`, reading a flag or a number in place rather than as a `Value`
    /// (the conditions that decide a profile are nearly all of these two kinds).
    public func truth(_ values: FieldValues) -> Truth {
        switch test {
        case .isTrue:
            if let flag = values.boolean(field) { return flag ? .yes : .no }
        case .compare(let comparison, let threshold):
            if let number = values.number(field) { return Condition.holds(comparison, number, threshold) ? .yes : .no }
        case .code:
            break
        }
        return evaluate(values).truth
    }

    /// Evaluates against one participant's values; `seen` is the value the rule looked at.
    public func evaluate(_ values: FieldValues) -> (truth: Truth, seen: Value?) {
        let value = values[field]
        switch (test, value) {
        case (_, nil), (_, .missing?):
            return (.unknown, value)
        case (.isTrue, .boolean(let flag)?):
            return (flag ? .yes : .no, value)
        case (.compare(let comparison, let threshold), .number(let number)?):
            return (Condition.holds(comparison, number, threshold) ? .yes : .no, value)
        case (.code(let comparison, let expected), .text(let code)?):
            let equal = code.caseInsensitiveEquals(expected)
            return ((comparison == .equal) == equal ? .yes : .no, value)
        default:
            // A value of the wrong kind cannot be judged: treat it as missing rather than guess.
            return (.unknown, value)
        }
    }

    public var description: String {
        switch test {
        case .isTrue: field.name
        case .compare(let comparison, let threshold): "\(field.name) \(comparison.rawValue) \(Value.format(threshold))"
        case .code(let comparison, let code): "\(field.name) \(comparison.rawValue) \(code)"
        }
    }

    private static func holds(_ comparison: Comparison, _ lhs: Double, _ rhs: Double) -> Bool {
        switch comparison {
        case .lessThan: lhs < rhs
        case .lessOrEqual: lhs <= rhs
        case .greaterThan: lhs > rhs
        case .greaterOrEqual: lhs >= rhs
        case .equal: lhs == rhs
        case .notEqual: lhs != rhs
        }
    }
}

extension String {
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }

    func caseInsensitiveEquals(_ other: String) -> Bool {
        lowercased() == other.lowercased()
    }
}

extension Condition {
    /// Whether the two are one sign as evaluated: equal, or a code compared with the same code
    /// in another letter case (`sex = F`, `sex = f`).
    public func isSameSign(as other: Condition) -> Bool {
        guard field == other.field else { return false }
        switch (test, other.test) {
        case (.code(let comparison, let code), .code(let otherComparison, let otherCode)):
            return comparison == otherComparison && code.caseInsensitiveEquals(otherCode)
        default:
            return test == other.test
        }
    }
}

/// How serious a problem is.
///
/// `error` rejects the row (or, for a file-level problem, the file); `warning` keeps the row and
/// flags it; `note` records something a data manager may want to know (an identical duplicate kept
/// once, a file read as Windows-1252) without judging the data.
public enum Severity: String, Sendable, Hashable, Comparable, CaseIterable, Codable {
    case error
    case warning
    case note

    private var rank: Int {
        switch self {
        case .error: 0
        case .warning: 1
        case .note: 2
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// One located problem: where, which value, which rule, and what to do about it.
///
/// Rendered in the compiler style the whole tool uses:
/// `SampleData/castor/site2.csv:12:7: error: the value '11' is out of range 0...10 for 'pain_nrs'
/// (participant 'S2-0042', visit 'week12')`.
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
    public var location: SourceLocation
    public var severity: Severity
    /// Stable rule identifier (e.g. `range`, `csv.ragged-row`), used for grouping and filtering.
    public var rule: String
    /// One sentence in sentence case, user input in single quotes, no trailing period.
    public var message: String
    public var participant: String?
    public var visit: String?
    public var field: String?
    public var value: String?

    public init(
        _ severity: Severity, at location: SourceLocation, rule: String, message: String,
        participant: String? = nil, visit: String? = nil, field: String? = nil, value: String? = nil
    ) {
        self.location = location
        self.severity = severity
        self.rule = rule
        self.message = message
        self.participant = participant
        self.visit = visit
        self.field = field
        self.value = value
    }

    public var description: String {
        var context: [String] = []
        // An id's unseen characters (a no-break space) escaped, as messages write values.
        if let participant { context.append("participant '\(participant.unseenEscaped)'") }
        if let visit { context.append("visit '\(visit)'") }
        let suffix = context.isEmpty ? "" : " (" + context.joined(separator: ", ") + ")"
        return "\(location): \(severity.rawValue): \(message)\(suffix)"
    }
}

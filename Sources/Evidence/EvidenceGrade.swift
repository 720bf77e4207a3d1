/// The CBO/EBRO grade of one study ("mate van bewijs" of an article), from strongest to weakest.
///
/// - A1: systematic review of at least two independent A2 studies.
/// - A2: randomised double-blind comparative study of good quality and sufficient size.
/// - B: comparative study without all A2 features (including cohort and case-control studies).
/// - C: non-comparative study.
/// - D: expert opinion (of the guideline working group).
public enum EvidenceGrade: String, Sendable, Hashable, CaseIterable, Comparable, CustomStringConvertible {
    case a1 = "A1"
    case a2 = "A2"
    case b = "B"
    case c = "C"
    case d = "D"

    /// Strength rank: 4 for A1 down to 0 for D; a higher rank is stronger evidence.
    public var strength: Int {
        switch self {
        case .a1: 4
        case .a2: 3
        case .b: 2
        case .c: 1
        case .d: 0
        }
    }

    /// Reads a grade code as guidelines print it: `A1`, `A2`, `B`, `C`, `D`, any case, surrounding
    /// spaces ignored. Returns nil for anything else (the caller reports it with its location).
    public init?(code: String) {
        let trimmed = code.trimmingSpaces().uppercased()
        guard let grade = EvidenceGrade(rawValue: trimmed) else { return nil }
        self = grade
    }

    public var description: String { rawValue }

    /// Ordered by strength, so `.d < .a1`.
    public static func < (lhs: EvidenceGrade, rhs: EvidenceGrade) -> Bool { lhs.strength < rhs.strength }
}

/// The level of a conclusion ("niveau van conclusie"), 1 strongest to 4 weakest.
public enum EvidenceLevel: Int, Sendable, Hashable, CaseIterable, Comparable, CustomStringConvertible {
    case one = 1
    case two = 2
    case three = 3
    case four = 4

    /// Reads `2` or `Niveau 2` (any case, surrounding spaces ignored); nil for anything else.
    public init?(text: String) {
        var trimmed = text.trimmingSpaces().lowercased()
        if trimmed.hasPrefix("niveau") { trimmed = String(trimmed.dropFirst("niveau".count)).trimmingSpaces() }
        guard let number = Int(trimmed), let level = EvidenceLevel(rawValue: number) else { return nil }
        self = level
    }

    /// The guideline's fixed Dutch opening for a conclusion at this level.
    public var dutchWording: String {
        switch self {
        case .one: "het is aangetoond dat"
        case .two: "het is aannemelijk dat"
        case .three: "er zijn aanwijzingen dat"
        case .four: "de werkgroep is van mening dat"
        }
    }

    /// The same opening in English, for English reports.
    public var englishWording: String {
        switch self {
        case .one: "it has been demonstrated that"
        case .two: "it is plausible that"
        case .three: "there are indications that"
        case .four: "the working group is of the opinion that"
        }
    }

    /// `Niveau 2`, as the guideline labels a conclusion.
    public var dutchLabel: String { "Niveau \(rawValue)" }

    /// `Level 2`.
    public var englishLabel: String { "Level \(rawValue)" }

    public var description: String { String(rawValue) }

    /// Ordered by number, so `.one < .four` although level 1 is the strongest.
    public static func < (lhs: EvidenceLevel, rhs: EvidenceLevel) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Which published CBO/EBRO table turns study grades into a conclusion level.
///
/// Two versions circulate and differ for one A2 study and for A2 studies combined with B studies,
/// so the pipeline makes the choice a setting and every report names it.
///
/// | level | variant A (current EBRO database notes) | variant B (older CBO table) |
/// |---|---|---|
/// | 1 | one A1, or at least 2 independent A2 | one A1, or at least 2 independent A1/A2 |
/// | 2 | one A2, or at least 2 independent B | at least 2 independent B |
/// | 3 | one B or C | one A2 or B, or C studies |
/// | 4 | expert opinion (D) | expert opinion (D) |
public enum EBROVariant: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Current EBRO database notes: one A2 study already gives level 2.
    case a = "A"
    /// Older CBO table: one A2 study gives level 3; level 2 needs two independent studies.
    case b = "B"

    /// Reads `A`, `B`, `variant A`, `ebro-a` (any case); nil otherwise.
    public init?(setting: String) {
        var text = setting.trimmingSpaces().lowercased()
        for prefix in ["ebro-", "ebro ", "variant "] where text.hasPrefix(prefix) {
            text = String(text.dropFirst(prefix.count))
        }
        guard let variant = EBROVariant(rawValue: text.uppercased()) else { return nil }
        self = variant
    }

    /// The name reports print, e.g. `EBRO variant A (current EBRO database notes)`.
    public var name: String {
        switch self {
        case .a: "EBRO variant A (current EBRO database notes)"
        case .b: "EBRO variant B (older CBO table)"
        }
    }

    /// The rule of each level under this variant, in English, as printed in reports.
    public func rule(for level: EvidenceLevel) -> String {
        switch (self, level) {
        case (.a, .one): "1 A1 study, or at least 2 independent A2 studies"
        case (.b, .one): "1 A1 study, or at least 2 independent A1/A2 studies"
        case (.a, .two): "1 A2 study, or at least 2 independent B studies"
        case (.b, .two): "at least 2 independent B studies"
        case (.a, .three): "1 B or C study"
        case (.b, .three): "1 A2 or B study, or C studies"
        case (.a, .four), (.b, .four): "expert opinion (D)"
        }
    }

    public var description: String { rawValue }
}

extension String {
    /// The string without leading and trailing spaces, tabs and line breaks (no Foundation needed).
    func trimmingSpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0.isNewline || $0 == "\u{00A0}" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}

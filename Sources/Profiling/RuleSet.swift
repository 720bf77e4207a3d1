import StudyModel

/// A profile scheme as data: ordered profiles, first match wins.
///
/// The shipped default is the 2010 Dutch chain-care guideline (`Pipelines/rules/guideline-2010.yml`);
/// a study can name another file (e.g. the STarT Back stratification) in its pipeline.
public struct RuleSet: Hashable, Sendable {
    /// Short identifier named in every report (e.g. `guideline-2010`).
    public var name: String {
        didSet { identity = RuleSet.identity(name, version) }
    }
    /// The rule set's own version, bumped whenever a rule or threshold changes.
    public var version: String {
        didSet { identity = RuleSet.identity(name, version) }
    }
    /// `name version`, as reports print it: made once, so that every assignment shares it
    /// rather than holding a copy of its own.
    public private(set) var identity: String
    /// What the scheme is, for report headers.
    public var title: String
    /// Status line for reports (e.g. that the 2010 scheme is superseded by KNGF 2021).
    public var status: String
    /// Rules that mark an assignment urgent whatever profile it gets (e.g. cauda equina).
    public var urgent: [Rule]
    public var profiles: [ProfileDefinition]

    public init(name: String, version: String, title: String, status: String, urgent: [Rule], profiles: [ProfileDefinition]) {
        self.name = name
        self.version = version
        identity = RuleSet.identity(name, version)
        self.title = title
        self.status = status
        self.urgent = urgent
        self.profiles = profiles
    }

    private static func identity(_ name: String, _ version: String) -> String { "\(name) \(version)" }
}

/// One profile of a scheme.
public struct ProfileDefinition: Hashable, Sendable {
    /// Profile code (`1`, `2`, `3`, or `high` ...).
    public var code: String
    public var label: String
    /// When the profile applies; nil means "otherwise" (every participant who reaches it).
    public var match: Rule?
    /// Mutually exclusive subdivisions tried in order (3a / 3b by duration); the first that holds
    /// gives the profile code. Empty when the profile is not split.
    public var split: [Subdivision]
    /// Suffixes appended to the subprofile when their rule holds (`+Y` for yellow flags).
    public var suffixes: [Suffix]
    /// False for a profile whose participants are referred, not randomised (profile 1: serious
    /// pathology); a randomised participant with it is reported as a conflict.
    public var randomise: Bool

    public init(code: String, label: String, match: Rule?, split: [Subdivision] = [], suffixes: [Suffix] = [],
                randomise: Bool = true) {
        self.code = code
        self.label = label
        self.match = match
        self.split = split
        self.suffixes = suffixes
        self.randomise = randomise
    }
}

public struct Subdivision: Hashable, Sendable {
    public var code: String
    public var label: String
    public var rule: Rule

    public init(code: String, label: String, rule: Rule) {
        self.code = code
        self.label = label
        self.rule = rule
    }
}

public struct Suffix: Hashable, Sendable {
    public var suffix: String
    public var rule: Rule

    public init(suffix: String, rule: Rule) {
        self.suffix = suffix
        self.rule = rule
    }
}

extension Rule {
    /// The fields the rule's conditions read, in the order they are written (a field read by
    /// two conditions appears twice).
    public var fields: [Field] {
        switch self {
        case .condition(let condition): [condition.field]
        case .anyOf(_, let members), .allOf(_, let members), .atLeast(_, _, let members): members.flatMap(\.fields)
        }
    }
}

extension RuleSet {
    /// Every field a rule of the set reads (urgent rules, profile rules, subdivisions and
    /// suffixes), in declaration order.
    public var inputFields: [Field] {
        Set(rules.flatMap(\.fields)).sorted()
    }

    /// Every rule written at the top of the set, in declaration order: the urgent rules, then
    /// each profile's rule, subdivisions and suffixes.
    var rules: [Rule] {
        urgent + profiles.flatMap { profile in
            (profile.match.map { [$0] } ?? []) + profile.split.map(\.rule) + profile.suffixes.map(\.rule)
        }
    }
}

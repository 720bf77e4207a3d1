import StudyModel

/// The profile one participant received, and why.
public struct ProfileAssignment: Hashable, Sendable {
    public enum Status: String, Sendable, Hashable {
        case classified
        /// The decisive inputs were missing: never silently the last profile.
        case unclassified
    }

    public var participantID: String
    public var status: Status
    /// Profile code (`1`, `2`, `3a`, `3b`), nil when unclassified.
    public var profile: String?
    /// Profile with its suffixes (`3b+Y`), nil when unclassified.
    public var subprofile: String?
    /// Label of the profile (or subdivision) for reports.
    public var label: String?
    /// An urgent rule fired (e.g. cauda equina): refer at once, whatever the profile.
    public var urgent: Bool
    /// The fields whose absence left an urgent rule undecided, sorted by declaration order; empty
    /// when `urgent` is true or every urgent rule was decided. Such a participant is not known
    /// to be free of urgent signs.
    public var urgentMissingInputs: [Field] = []
    /// Every rule that fired, in evaluation order, with the values it saw: named rules by name,
    /// conditions outside them by the code they decided (`3b`, `+Y`, a profile's code).
    public var fired: [FiredRule]
    /// The fields whose absence left the assignment undecided, sorted by declaration order.
    public var missingInputs: [Field]
    /// Why the participant is unclassified (nil when classified).
    public var unclassifiedReason: UnclassifiedReason?
    /// How the derived inputs were computed (`ompsq_total = 57 from ompsq_1...ompsq_10`).
    public var derivations: [String]
    /// `name version` of the rule set.
    public var ruleSet: String

    public var profileOrUnclassified: String { profile ?? "unclassified" }

    /// Why no profile was assigned.
    public enum UnclassifiedReason: Hashable, Sendable, CustomStringConvertible {
        /// A rule could not be decided: ``ProfileAssignment/missingInputs`` names the fields.
        case missingInputs
        /// Every profile's rule was decided and none held (a rule set with a gap).
        case noProfileHolds
        /// The profile held, and none of its subdivisions did (a split with a gap).
        case noSubdivisionHolds(profile: String)

        public var description: String {
            switch self {
            case .missingInputs: "inputs missing"
            case .noProfileHolds: "no profile holds"
            case .noSubdivisionHolds(let profile): "no subdivision of profile '\(profile)' holds"
            }
        }
    }

    /// Whether the urgent rules could not be decided: no urgent rule held and one lacked inputs.
    public var urgencyUnknown: Bool { !urgent && !urgentMissingInputs.isEmpty }
}

/// A therapy arm as the study configures it.
public struct Arm: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Canonical identifier used in outputs (e.g. `graded_activity`).
    public var id: String
    /// Human label for reports (e.g. `Graded activity`).
    public var label: String
    /// Position in the pipeline file; reports list arms in this order.
    public var order: Int

    public init(id: String, label: String, order: Int) {
        self.id = id
        self.label = label
        self.order = order
    }

    public var description: String { id }

    public static func < (lhs: Arm, rhs: Arm) -> Bool {
        lhs.order != rhs.order ? lhs.order < rhs.order : lhs.id < rhs.id
    }
}

/// A scheduled visit: its name, nominal week after randomisation and the window around it.
public struct Timepoint: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Canonical name (e.g. `baseline`, `week12`).
    public var name: String
    /// Nominal week after randomisation (0 for baseline).
    public var week: Int
    /// Accepted distance, in days, from the nominal day (`week * 7`).
    public var windowDays: Int

    public init(name: String, week: Int, windowDays: Int) {
        self.name = name
        self.week = week
        self.windowDays = windowDays
    }

    public var isBaseline: Bool { week == 0 }
    public var nominalDay: Int { week * 7 }
    public var description: String { name }

    public static func < (lhs: Timepoint, rhs: Timepoint) -> Bool {
        lhs.week != rhs.week ? lhs.week < rhs.week : lhs.name < rhs.name
    }
}

/// One participant after staging: identity, allocation and screening values, with the rows they
/// came from.
public struct ParticipantRecord: Hashable, Sendable {
    public var id: String
    public var site: String
    /// nil when not randomised (e.g. screened out with red flags).
    public var arm: Arm?
    public var values: FieldValues
    /// Every source row that contributed, in reading order.
    public var sources: [SourceLocation]
    /// The position in `sources` of the row whose cell gave `arm` (nil when there is no arm, or
    /// it is not known), for locating a finding about the arm.
    public var armSource: Int?

    public init(id: String, site: String, arm: Arm?, values: FieldValues, sources: [SourceLocation]) {
        self.id = id
        self.site = site
        self.arm = arm
        self.values = values
        self.sources = sources
        armSource = arm == nil || sources.isEmpty ? nil : 0
    }
}

/// One visit of one participant after staging.
public struct VisitRecord: Hashable, Sendable {
    public var participantID: String
    public var timepoint: Timepoint
    public var values: FieldValues
    public var source: SourceLocation

    public init(participantID: String, timepoint: Timepoint, values: FieldValues, source: SourceLocation) {
        self.participantID = participantID
        self.timepoint = timepoint
        self.values = values
        self.source = source
    }
}

import StudyModel

/// One screened participant as the analysis sees it: allocation, profile, baseline
/// characteristics and outcome values per visit. Built by the runner from staged records and
/// profile assignments; small enough to hold for every participant of a batch.
public struct AnalysisSubject: Hashable, Sendable {
    public var id: String
    public var site: String
    /// nil when not randomised.
    public var arm: Arm?
    /// Profile code (`2`, `3b`), nil when unclassified.
    public var profile: String?
    /// Subprofile (`3b+Y`), nil when unclassified.
    public var subprofile: String?
    /// Baseline-table variables (age, sex, duration, questionnaire totals), by field ordinal: a
    /// short list rather than a dictionary, as for the measurements.
    public private(set) var characteristicList: [Characteristic]
    /// Outcome values, one per visit and field measured, ordered by timepoint name and then by
    /// field (so that equal measurements compare equal). One flat list rather than a dictionary
    /// per visit, since a batch holds one subject per participant: about 300 bytes less each.
    public private(set) var measurementList: [Measurement]

    /// One outcome value of one visit.
    public struct Measurement: Hashable, Sendable {
        public var timepoint: String
        public var field: Field
        public var value: Double

        public init(timepoint: String, field: Field, value: Double) {
            self.timepoint = timepoint
            self.field = field
            self.value = value
        }

        /// One measurement per timepoint and field of `byTimepoint`, in no particular order.
        static func list(_ byTimepoint: [String: [Field: Double]]) -> [Measurement] {
            byTimepoint.flatMap { timepoint, values in
                values.map { Measurement(timepoint: timepoint, field: $0.key, value: $0.value) }
            }
        }

        /// `list` in the order of ``AnalysisSubject/measurementList``; sorted only when it is not.
        static func ordered(_ list: [Measurement]) -> [Measurement] {
            func precedes(_ left: Measurement, _ right: Measurement) -> Bool {
                left.timepoint != right.timepoint ? left.timepoint < right.timepoint : left.field.ordinal < right.field.ordinal
            }
            return zip(list, list.dropFirst()).allSatisfy { precedes($0, $1) } ? list : list.sorted(by: precedes)
        }
    }

    /// One baseline-table variable of a subject.
    public struct Characteristic: Hashable, Sendable {
        public var field: Field
        public var value: Value

        public init(field: Field, value: Value) {
            self.field = field
            self.value = value
        }

        /// One characteristic per field of `byField`, in no particular order.
        static func list(_ byField: [Field: Value]) -> [Characteristic] {
            byField.map { Characteristic(field: $0.key, value: $0.value) }
        }

        /// `list` in the order of ``AnalysisSubject/characteristicList``.
        static func ordered(_ list: [Characteristic]) -> [Characteristic] {
            list.sorted { $0.field.ordinal < $1.field.ordinal }
        }
    }

    public init(id: String, site: String, arm: Arm?, profile: String?, subprofile: String?,
                characteristics: [Field: Value] = [:], measurements: [String: [Field: Double]] = [:]) {
        self.init(id: id, site: site, arm: arm, profile: profile, subprofile: subprofile,
                  characteristicList: Characteristic.list(characteristics),
                  measurementList: Measurement.list(measurements))
    }

    /// - Parameters:
    ///   - characteristicList: at most one value per field, in any order.
    ///   - measurementList: at most one value per timepoint and field, in any order.
    public init(id: String, site: String, arm: Arm?, profile: String?, subprofile: String?,
                characteristicList: [Characteristic] = [], measurementList: [Measurement]) {
        self.id = id
        self.site = site
        self.arm = arm
        self.profile = profile
        self.subprofile = subprofile
        self.characteristicList = Characteristic.ordered(characteristicList)
        self.measurementList = Measurement.ordered(measurementList)
    }

    /// Outcome values by timepoint name, then field; absent when not measured.
    public var measurements: [String: [Field: Double]] {
        get {
            var byTimepoint: [String: [Field: Double]] = [:]
            for measurement in measurementList { byTimepoint[measurement.timepoint, default: [:]][measurement.field] = measurement.value }
            return byTimepoint
        }
        set {
            measurementList = Measurement.ordered(Measurement.list(newValue))
        }
    }

    /// Baseline-table variables by field.
    public var characteristics: [Field: Value] {
        get { Dictionary(uniqueKeysWithValues: characteristicList.map { ($0.field, $0.value) }) }
        set { characteristicList = Characteristic.ordered(Characteristic.list(newValue)) }
    }

    /// The subject's value of a baseline-table variable; nil when it has none.
    public func characteristic(_ field: Field) -> Value? {
        characteristicList.first { $0.field == field }?.value
    }

    public var isRandomised: Bool { arm != nil }

    public func value(_ field: Field, at timepoint: String) -> Double? {
        measurementList.first { $0.field == field && $0.timepoint == timepoint }?.value
    }

    /// The group this participant belongs to at a grouping level.
    public func group(at grouping: Grouping) -> String? {
        switch grouping {
        case .all: "all"
        case .profile: profile
        case .subprofile: subprofile
        }
    }
}

/// The level at which results are split: everyone randomised, profile (`3b`) or subprofile
/// (`3b+Y`; for a profile without suffixes the subprofile equals the profile).
public enum Grouping: String, Hashable, Sendable, CaseIterable, Comparable {
    case all
    case profile
    case subprofile

    public static func < (lhs: Grouping, rhs: Grouping) -> Bool {
        (allCases.firstIndex(of: lhs) ?? 0) < (allCases.firstIndex(of: rhs) ?? 0)
    }
}

/// A group at a grouping level, ordered by the rule set's profile order.
public struct GroupKey: Hashable, Sendable {
    public var grouping: Grouping
    public var group: String

    public init(_ grouping: Grouping, _ group: String) {
        self.grouping = grouping
        self.group = group
    }
}

/// Orders groups the way the rule set lists its profiles: `all` first, then profiles in rule-set
/// order, and within a profile the plain subprofile before its suffixed ones.
public struct GroupOrder: Sendable {
    private let rank: [String: Int]

    /// - Parameter profiles: profile codes in rule-set order (`1`, `2`, `3a`, `3b`).
    public init(profiles: [String]) {
        rank = Dictionary(profiles.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public func sorted(_ keys: some Sequence<GroupKey>) -> [GroupKey] {
        keys.sorted { lhs, rhs in
            if lhs.grouping != rhs.grouping { return lhs.grouping < rhs.grouping }
            let left = sortKey(lhs.group)
            let right = sortKey(rhs.group)
            if left.rank != right.rank { return left.rank < right.rank }
            if left.base != right.base { return left.base < right.base }
            if left.suffix.count != right.suffix.count { return left.suffix.count < right.suffix.count }
            return left.suffix < right.suffix
        }
    }

    /// The profile code a subprofile starts with (the longest known code that prefixes it).
    private func sortKey(_ group: String) -> (rank: Int, base: String, suffix: String) {
        if group == "all" { return (-1, group, "") }
        let base = rank.keys.filter { group.hasPrefix($0) }.max { $0.count < $1.count } ?? group
        return (rank[base] ?? Int.max, base, String(group.dropFirst(base.count)))
    }
}

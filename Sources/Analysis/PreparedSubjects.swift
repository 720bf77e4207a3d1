import StudyModel

/// Outcome values laid out column by column: for each field and timepoint of an analysis, one
/// value per subject, in the subjects' order.
///
/// A column holds plain numbers, with NaN standing for "not measured" (staging never makes a NaN
/// value; one handed in reads as not measured too), so that a batch's columns take 8 bytes per
/// value rather than the 16 of an optional. Made empty by
/// ``ResponseAnalysis/outcomeColumns(count:)`` and filled by whoever holds the values: the
/// subjects' own measurement lists (``ResponseAnalysis/prepare(_:)``), or a runner reading its
/// visit records straight into the columns, so that no per-subject list is ever built.
public struct OutcomeColumns: Sendable, Equatable {
    /// The fields laid out, each once, in the order first given.
    public let fields: [Field]
    /// The timepoint names laid out, each once, in the order first given.
    public let timepoints: [String]
    /// The number of subjects: the length of every column.
    public let count: Int
    /// Per field ordinal, its position in `fields`; -1 when it is not laid out.
    private let fieldPosition: [Int]
    /// The column of `timepoints[t]` and `fields[f]` at `t * fields.count + f`.
    private var columns: [[Double]]
    /// Per timepoint position, which subjects' visits were not due by the data cut-off
    /// (``AnalysisPlan/dataCutoff``); empty for a timepoint where every visit was due.
    private var notDue: [[Bool]]

    public init(fields: [Field], timepoints: [String], count: Int) {
        var distinctFields: [Field] = []
        for field in fields where !distinctFields.contains(field) { distinctFields.append(field) }
        var distinctTimepoints: [String] = []
        for timepoint in timepoints where !distinctTimepoints.contains(timepoint) { distinctTimepoints.append(timepoint) }
        self.fields = distinctFields
        self.timepoints = distinctTimepoints
        self.count = count
        var fieldPosition = Array(repeating: -1, count: Field.count)
        for (position, field) in distinctFields.enumerated() { fieldPosition[field.ordinal] = position }
        self.fieldPosition = fieldPosition
        columns = Array(repeating: Array(repeating: .nan, count: count), count: distinctFields.count * distinctTimepoints.count)
        notDue = Array(repeating: [], count: distinctTimepoints.count)
    }

    /// Marks `subject`'s visit at the timepoint at `timepointPosition` as not due by the data
    /// cut-off: the analyses of that visit leave the subject out, as if not randomised for it.
    public mutating func setNotDue(timepointPosition: Int, subject: Int) {
        if notDue[timepointPosition].isEmpty { notDue[timepointPosition] = Array(repeating: false, count: count) }
        notDue[timepointPosition][subject] = true
    }

    /// Which subjects' visits at `timepoint` were not due by the data cut-off, one flag per
    /// subject; nil when every visit there was due.
    public func notDue(at timepoint: String) -> [Bool]? {
        guard let position = timepointPosition(timepoint), !notDue[position].isEmpty else { return nil }
        return notDue[position]
    }

    /// The position of a timepoint among `timepoints`; nil when it is not laid out. A caller
    /// setting many values of one visit finds its timepoint once.
    public func timepointPosition(_ name: String) -> Int? {
        timepoints.firstIndex(of: name)
    }

    /// Sets (or, with nil, clears) `subject`'s value of `field` at the timepoint at
    /// `timepointPosition`. A field that is not laid out is ignored.
    ///
    /// - Precondition: `timepointPosition` comes from ``timepointPosition(_:)`` and
    ///   `0 <= subject < count`.
    public mutating func set(_ value: Double?, field: Field, timepointPosition: Int, subject: Int) {
        let position = fieldPosition[field.ordinal]
        guard position >= 0 else { return }
        columns[timepointPosition * fields.count + position][subject] = value ?? .nan
    }

    /// `subject`'s value of `field` at `timepoint`; nil when not measured or not laid out.
    public func value(_ field: Field, at timepoint: String, subject: Int) -> Double? {
        let position = fieldPosition[field.ordinal]
        guard position >= 0, let t = timepointPosition(timepoint) else { return nil }
        return OutcomeColumns.measured(columns[t * fields.count + position][subject])
    }

    /// The values of `field` at `timepoint`, one per subject. A field or timepoint that was not
    /// laid out reads as never measured.
    public func column(_ field: Field, at timepoint: String) -> Column {
        let position = fieldPosition[field.ordinal]
        guard position >= 0, let t = timepointPosition(timepoint) else {
            return Column(values: Array(repeating: .nan, count: count))
        }
        return Column(values: columns[t * fields.count + position])
    }

    public static func == (lhs: OutcomeColumns, rhs: OutcomeColumns) -> Bool {
        guard lhs.count == rhs.count, Set(lhs.fields) == Set(rhs.fields), Set(lhs.timepoints) == Set(rhs.timepoints) else {
            return false
        }
        for field in lhs.fields {
            for timepoint in lhs.timepoints where lhs.column(field, at: timepoint) != rhs.column(field, at: timepoint) {
                return false
            }
        }
        return lhs.timepoints.allSatisfy { lhs.notDue(at: $0) == rhs.notDue(at: $0) }
    }

    /// A value read in place from a column's buffer (``Column/withUnsafeBufferPointer(_:)``):
    /// nil when not measured.
    @inline(__always)
    static func measured(_ stored: Double) -> Double? {
        stored.isNaN ? nil : stored
    }

    /// One outcome column: a subject's value by index, nil when not measured.
    public struct Column: Sendable, Equatable, RandomAccessCollection {
        /// NaN where not measured.
        let values: [Double]

        public var startIndex: Int { 0 }
        public var endIndex: Int { values.count }

        public subscript(index: Int) -> Double? {
            OutcomeColumns.measured(values[index])
        }

        /// Calls `body` with the column's values in place (NaN where not measured), for loops
        /// that read many of them.
        public func withUnsafeBufferPointer<Result>(_ body: (UnsafeBufferPointer<Double>) throws -> Result) rethrows -> Result {
            try values.withUnsafeBufferPointer(body)
        }

        public static func == (lhs: Column, rhs: Column) -> Bool {
            lhs.elementsEqual(rhs)
        }
    }
}

/// The subjects of one analysis laid out for its loops: each subject's arm as a position in the
/// analysis's arm list and each outcome's values per timepoint as one flat column, indexed like
/// the subjects.
///
/// A cell, a comparison or an interaction model then walks integer indexes and arrays instead of
/// copying subjects and hashing a timepoint name and a field for every value it reads. Values and
/// their order are those of ``AnalysisSubject/value(_:at:)`` over the subjects in their given
/// order (or of the columns handed over with them), so every statistic gets the same numbers in
/// the same order either way.
///
/// Made by ``ResponseAnalysis/prepare(_:)`` or ``ResponseAnalysis/prepare(_:outcomes:)``; a run
/// prepares its subjects once and passes the result to every table it computes.
public struct PreparedSubjects: Sendable {
    public let subjects: [AnalysisSubject]
    /// Per subject, the position of its arm in the analysis's arms; nil when not randomised.
    let armPosition: [Int?]
    /// Per subject, its arm's id (nil when not randomised), profile and subprofile.
    let armID: [String?]
    let profile: [String?]
    let subprofile: [String?]
    /// The outcome values, one column per field and timepoint laid out.
    public let outcomes: OutcomeColumns
    /// The baseline-table characteristics, one column each.
    public let characteristics: CharacteristicColumns

    /// - Parameters:
    ///   - arms: the analysis's arms, in its order.
    ///   - outcomes: the outcome values of `subjects`, in their order (their measurement lists
    ///     are not read).
    ///   - characteristics: their characteristics, in their order (their characteristic lists
    ///     are not read).
    init(_ subjects: [AnalysisSubject], arms: [Arm], outcomes: OutcomeColumns, characteristics: CharacteristicColumns) {
        precondition(outcomes.count == subjects.count && characteristics.count == subjects.count,
                     "one value per subject in every column")
        self.characteristics = characteristics
        self.subjects = subjects
        armPosition = subjects.map { subject in subject.arm.flatMap { arms.firstIndex(of: $0) } }
        armID = subjects.map { $0.arm?.id }
        profile = subjects.map(\.profile)
        subprofile = subjects.map(\.subprofile)
        self.outcomes = outcomes
    }

    /// The values of `field` at `timepoint`, one per subject (nil where not measured). A field or
    /// timepoint that was not laid out reads as never measured.
    func values(_ field: Field, at timepoint: String) -> OutcomeColumns.Column {
        outcomes.column(field, at: timepoint)
    }

    /// Subject `index`'s group at a grouping level, as ``AnalysisSubject/group(at:)``.
    func group(_ index: Int, at grouping: Grouping) -> String? {
        switch grouping {
        case .all: "all"
        case .profile: profile[index]
        case .subprofile: subprofile[index]
        }
    }

    /// The subjects (as indexes) of `members` in the arm at `position`, in their order.
    func members(_ members: [Int], inArm position: Int) -> [Int] {
        members.filter { armPosition[$0] == position }
    }
}

extension OutcomeColumns {
    /// The columns of `fields` × `timepoints` filled from the subjects' measurement lists. Each
    /// subject's measurements are walked once and each value put in its column, found by
    /// position: a timepoint among the few laid out by comparing names, a field by its ordinal.
    init(_ subjects: [AnalysisSubject], fields: [Field], timepoints: [String]) {
        self.init(fields: fields, timepoints: timepoints, count: subjects.count)
        for (index, subject) in subjects.enumerated() {
            for measurement in subject.measurementList {
                guard let t = timepointPosition(measurement.timepoint) else { continue }
                set(measurement.value, field: measurement.field, timepointPosition: t, subject: index)
            }
        }
    }
}

/// The baseline-table characteristics of the subjects, column by column: a number per subject
/// for each continuous characteristic (NaN where there is none, as in ``OutcomeColumns``) and
/// the sex code per subject. Filled by whoever holds the values: the subjects' own lists
/// (``ResponseAnalysis/prepare(_:)``), or a runner reading its records straight into the
/// columns, so that no per-subject list is ever built.
public struct CharacteristicColumns: Sendable, Equatable {
    /// The continuous characteristics laid out, in the baseline table's order.
    public static let continuousFields: [Field] = [.age, .durationWeeks, .ompsqTotal, .startBackTotal]
    public let count: Int
    /// The column of `continuousFields[c]` at `c`.
    private var numbers: [[Double]]
    private var sexCodes: [String?]

    public init(count: Int) {
        self.count = count
        numbers = Array(repeating: Array(repeating: .nan, count: count), count: Self.continuousFields.count)
        sexCodes = Array(repeating: nil, count: count)
    }

    /// Sets `subject`'s value of a characteristic: a number for a continuous one, a code for
    /// `sex`; nil, a missing value or a value of another kind clears it. Other fields are ignored.
    ///
    /// - Precondition: `0 <= subject < count`.
    public mutating func set(_ value: Value?, field: Field, subject: Int) {
        if field == .sex {
            sexCodes[subject] = value?.text
        } else if let position = Self.continuousFields.firstIndex(of: field) {
            numbers[position][subject] = value?.number ?? .nan
        }
    }

    /// `subject`'s number of a continuous characteristic; nil when it has none.
    public func number(_ field: Field, subject: Int) -> Double? {
        guard let position = Self.continuousFields.firstIndex(of: field) else { return nil }
        return OutcomeColumns.measured(numbers[position][subject])
    }

    /// The numbers of a continuous characteristic, one per subject (nil where there is none);
    /// never measured for any other field.
    public func column(_ field: Field) -> OutcomeColumns.Column {
        guard let position = Self.continuousFields.firstIndex(of: field) else {
            return OutcomeColumns.Column(values: Array(repeating: .nan, count: count))
        }
        return OutcomeColumns.Column(values: numbers[position])
    }

    /// `subject`'s sex code; nil when it has none.
    public func sex(subject: Int) -> String? {
        sexCodes[subject]
    }

    /// The sex codes, one per subject (nil where there is none).
    public var sexColumn: [String?] { sexCodes }

    public static func == (lhs: CharacteristicColumns, rhs: CharacteristicColumns) -> Bool {
        guard lhs.count == rhs.count, lhs.sexCodes == rhs.sexCodes else { return false }
        return zip(lhs.numbers, rhs.numbers).allSatisfy { left, right in
            zip(left, right).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
        }
    }
}

extension CharacteristicColumns {
    /// The columns filled from the subjects' characteristic lists.
    init(_ subjects: [AnalysisSubject]) {
        self.init(count: subjects.count)
        for (index, subject) in subjects.enumerated() {
            for characteristic in subject.characteristicList {
                set(characteristic.value, field: characteristic.field, subject: index)
            }
        }
    }
}

import StudyModel

/// The subjects of one analysis laid out for its loops: each subject's arm as a position in the
/// analysis's arm list and each outcome's values per timepoint as one flat column, indexed like
/// the subjects.
///
/// A cell, a comparison or an interaction model then walks integer indexes and arrays instead of
/// copying subjects and hashing a timepoint name and a field for every value it reads. Values and
/// their order are those of ``AnalysisSubject/value(_:at:)`` over the subjects in their given
/// order, so every statistic gets the same numbers in the same order either way.
///
/// Made by ``ResponseAnalysis/prepare(_:)``; a run prepares its subjects once and passes the
/// result to every table it computes.
public struct PreparedSubjects: Sendable {
    public let subjects: [AnalysisSubject]
    /// Per subject, the position of its arm in the analysis's arms; nil when not randomised.
    let armPosition: [Int?]
    /// Per subject, its arm's id (nil when not randomised), profile and subprofile.
    let armID: [String?]
    let profile: [String?]
    let subprofile: [String?]
    private let columns: [ColumnKey: [Double?]]

    private struct ColumnKey: Hashable {
        let field: Field
        let timepoint: String
    }

    /// - Parameters:
    ///   - arms: the analysis's arms, in its order.
    ///   - fields: the outcome fields whose values are laid out.
    ///   - timepoints: the timepoint names (baseline included) laid out for each field.
    init(_ subjects: [AnalysisSubject], arms: [Arm], fields: [Field], timepoints: [String]) {
        self.subjects = subjects
        armPosition = subjects.map { subject in subject.arm.flatMap { arms.firstIndex(of: $0) } }
        armID = subjects.map { $0.arm?.id }
        profile = subjects.map(\.profile)
        subprofile = subjects.map(\.subprofile)
        // Each subject's measurements are walked once and each value put in its column, found by
        // position: a timepoint among the few laid out by comparing names, a field by its ordinal.
        // Nothing is hashed, and each value lands where a lookup by timepoint and field would
        // find it.
        let timepointNames = Array(Set(timepoints))
        let layoutFields = Array(Set(fields))
        var fieldPosition = Array(repeating: -1, count: Field.count)
        for (position, field) in layoutFields.enumerated() { fieldPosition[field.ordinal] = position }
        var laidOut = Array(repeating: [Double?](repeating: nil, count: subjects.count),
                            count: timepointNames.count * layoutFields.count)
        for (index, subject) in subjects.enumerated() {
            for measurement in subject.measurementList where fieldPosition[measurement.field.ordinal] >= 0 {
                guard let t = timepointNames.firstIndex(of: measurement.timepoint) else { continue }
                laidOut[t * layoutFields.count + fieldPosition[measurement.field.ordinal]][index] = measurement.value
            }
        }
        var columns: [ColumnKey: [Double?]] = [:]
        for (t, timepoint) in timepointNames.enumerated() {
            for (f, field) in layoutFields.enumerated() {
                columns[ColumnKey(field: field, timepoint: timepoint)] = laidOut[t * layoutFields.count + f]
            }
        }
        self.columns = columns
    }

    /// The values of `field` at `timepoint`, one per subject (nil where not measured). A field or
    /// timepoint that was not laid out reads as never measured.
    func values(_ field: Field, at timepoint: String) -> [Double?] {
        columns[ColumnKey(field: field, timepoint: timepoint)] ?? Array(repeating: nil, count: subjects.count)
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

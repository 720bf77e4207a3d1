import Statistics
import StudyModel

/// One row of `baseline.csv`: one characteristic in one column group (an arm or a profile),
/// summarised without p-values (CONSORT: baseline differences after randomisation are chance).
///
/// `mean_sd` rows carry mean and SD; `median_iqr` rows median and quartiles (type 7); `n_percent`
/// rows the count and its percentage of the non-missing values. `available` counts non-missing
/// values and `missing` the participants of the column without one.
public struct BaselineRow: Hashable, Sendable {
    public enum Summary: String, Hashable, Sendable {
        case meanSD = "mean_sd"
        case medianIQR = "median_iqr"
        case countPercent = "n_percent"
    }

    /// `arm` or `profile`.
    public var columnKind: String
    public var column: String
    public var variable: String
    /// For `n_percent` rows the category counted (`F`, `3b+Y`); empty otherwise.
    public var category: String
    public var summary: Summary
    public var available: Int
    public var missing: Int
    public var mean: Double?
    public var standardDeviation: Double?
    public var median: Double?
    public var lowerQuartile: Double?
    public var upperQuartile: Double?
    public var count: Int?
    public var percent: Double?
}

extension ResponseAnalysis {
    /// Continuous characteristics summarised as mean (SD) and median [IQR].
    static var continuousCharacteristics: [Field] { CharacteristicColumns.continuousFields }

    /// The baseline table of randomised participants, per arm and per profile.
    public func baselineTable(_ subjects: [AnalysisSubject]) -> [BaselineRow] {
        baselineTable(prepare(subjects))
    }

    /// As ``baselineTable(_:)-([AnalysisSubject])``, over subjects prepared once for the run.
    public func baselineTable(_ prepared: PreparedSubjects) -> [BaselineRow] {
        let subjects = prepared.subjects
        let randomised = subjects.indices.filter { prepared.armID[$0] != nil }
        var columns: [(kind: String, name: String, members: [Int])] = [("arm", "all", randomised)]
        for (position, arm) in arms.enumerated() {
            columns.append(("arm", arm.id, prepared.members(randomised, inArm: position)))
        }
        for (key, members) in groupIndexes(prepared) where key.grouping == .profile {
            columns.append(("profile", key.group, members))
        }
        // Each variable is one column, indexed like the subjects; every table column then picks
        // its members' values.
        let characteristics = Self.continuousCharacteristics.map { prepared.characteristics.column($0) }
        // One row per measured score: a second outcome on the same field (a relative responder
        // rule beside the absolute one, say) has the same baseline, named after the first.
        let outcomes = plan.outcomes.filter(\.isContinuous).reduce(into: [OutcomePlan]()) { kept, outcome in
            if !kept.contains(where: { $0.field == outcome.field }) { kept.append(outcome) }
        }
        let baselines = outcomes.map { prepared.values($0.field, at: baselineName) }
        let sex = prepared.characteristics.sexColumn
        // Every arm column lists the subprofiles of all randomised participants, with 0 where
        // the arm has none, so that the arms' rows line up.
        let subprofileCategories = order.sorted(Set(randomised.map { GroupKey(.subprofile, prepared.subprofile[$0] ?? "unclassified") }))
            .map(\.group)
        var rows: [BaselineRow] = []
        for column in columns {
            for (offset, field) in Self.continuousCharacteristics.enumerated() {
                rows += continuousRows(column.kind, column.name, field.name, column.members.map { characteristics[offset][$0] })
            }
            for (offset, outcome) in outcomes.enumerated() {
                rows += continuousRows(column.kind, column.name, "baseline_\(outcome.name)",
                                       column.members.map { baselines[offset][$0] })
            }
            rows += categoryRows(column.kind, column.name, "sex", column.members.map { sex[$0] }, categories: ["F", "M"])
            if column.kind == "arm" {
                let subprofiles = column.members.map { prepared.subprofile[$0] ?? "unclassified" }
                rows += categoryRows(column.kind, column.name, "subprofile", subprofiles, categories: subprofileCategories)
            }
        }
        return rows
    }

    private func continuousRows(_ kind: String, _ column: String, _ variable: String, _ values: [Double?]) -> [BaselineRow] {
        let present = values.compactMap { $0 }
        let moments = Moments(present)
        let quartiles = Quantiles.quartiles(present)
        let base = BaselineRow(columnKind: kind, column: column, variable: variable, category: "", summary: .meanSD,
                               available: present.count, missing: values.count - present.count)
        var meanRow = base
        meanRow.mean = moments.mean
        meanRow.standardDeviation = moments.standardDeviation
        var medianRow = base
        medianRow.summary = .medianIQR
        // Interpolated between recorded values: without binary noise, as change scores are. A
        // quartile between 21.4 and 22.0 is then 21.55, which prints as 21.6 with one decimal,
        // not 21.549999999999997, which prints as 21.5.
        medianRow.median = quartiles.map { withoutBinaryNoise($0.median, magnitude: abs($0.median)) }
        medianRow.lowerQuartile = quartiles.map { withoutBinaryNoise($0.lower, magnitude: abs($0.lower)) }
        medianRow.upperQuartile = quartiles.map { withoutBinaryNoise($0.upper, magnitude: abs($0.upper)) }
        return [meanRow, medianRow]
    }

    private func categoryRows(_ kind: String, _ column: String, _ variable: String, _ values: [String?],
                              categories: [String]) -> [BaselineRow] {
        let present = values.compactMap { $0 }
        return categories.map { category in
            let count = present.filter { $0 == category }.count
            return BaselineRow(columnKind: kind, column: column, variable: variable, category: category,
                               summary: .countPercent, available: present.count, missing: values.count - present.count,
                               count: count, percent: present.isEmpty ? nil : Double(count) / Double(present.count) * 100)
        }
    }
}

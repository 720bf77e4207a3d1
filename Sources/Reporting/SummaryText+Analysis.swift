import Analysis
import Profiling
import Statistics
import StudyModel

/// Sections of `summary.txt` for the profiles and the response analysis. Every line stays within
/// ``SummaryText/lineLimit`` characters; numbers use fixed decimals (means 2, p-values 3).
public enum SummaryText {
    public static let lineLimit = 100

    /// A section: a title (wrapped at ``lineLimit``) underlined with `=`, then its lines, then a
    /// blank line.
    public static func section(_ title: String, _ body: [String]) -> [String] {
        let heading = wrap(title)
        return heading + [String(repeating: "=", count: heading.map(\.count).max() ?? 0)] + body + [""]
    }

    /// `mean (SD)` with two decimals, `NA` when not estimable.
    static func meanSD(_ moments: Moments, decimals: Int = 2) -> String {
        guard let mean = moments.mean else { return "NA" }
        return NumberFormat.fixed(mean, decimals: decimals) + " ("
            + NumberFormat.fixed(moments.standardDeviation, decimals: decimals) + ")"
    }

    /// `estimate [lower, upper]` with two decimals.
    static func withInterval(_ estimate: Double?, _ interval: ConfidenceInterval?, decimals: Int = 2) -> String {
        guard let estimate else { return "NA" }
        let value = NumberFormat.fixed(estimate, decimals: decimals)
        guard let interval else { return value }
        return value + " [" + NumberFormat.fixed(interval.lower, decimals: decimals) + ", "
            + NumberFormat.fixed(interval.upper, decimals: decimals) + "]"
    }

    /// Profile distribution: one row per subprofile, counts per site and per arm.
    ///
    /// Each assignment counts for its subject: the one at the same position when the two lists
    /// align (the same ids in the same order, as a run makes them), else the first subject of
    /// its id (``IDMatch``).
    public static func profileDistribution(_ assignments: [ProfileAssignment], subjects: [AnalysisSubject],
                                           arms: [Arm], order: GroupOrder, urgentRules: [Rule]) -> [String] {
        let match = IDMatch(count: assignments.count, id: { assignments[$0].participantID },
                            otherCount: subjects.count, otherID: { subjects[$0].id })
        let sites = Array(Set(subjects.map(\.site))).sorted()
        let siteIndex = Dictionary(uniqueKeysWithValues: sites.enumerated().map { ($1, $0) })
        let groups = order.sorted(Set(assignments.map { GroupKey(.subprofile, $0.subprofile ?? "unclassified") })).map(\.group)
        // Per group, in one pass over the assignments: members per site, per arm, not randomised
        // (no arm), and in all (a subject with an arm outside `arms` counts in the total only).
        struct Counts {
            var sites: [Int]
            var arms: [Int]
            var notRandomised = 0
            var total = 0
        }
        let empty = Counts(sites: Array(repeating: 0, count: sites.count), arms: Array(repeating: 0, count: arms.count))
        // Counts by the group's position in `groups`; consecutive subjects mostly share their
        // group and site, so each is looked up only when it changes.
        let groupIndex = Dictionary(uniqueKeysWithValues: groups.enumerated().map { ($1, $0) })
        var counts = Array(repeating: empty, count: groups.count)
        var last: (group: String, index: Int?, site: String, siteIndex: Int?)?
        // Fields are read in place: copying whole subjects and assignments would count
        // references on all their parts.
        for position in assignments.indices {
            guard let index = match.other(of: position, id: assignments[position].participantID) else { continue }
            let group = assignments[position].subprofile ?? "unclassified"
            let memberSite = subjects[index].site
            let groupPosition = last?.group == group ? last?.index : groupIndex[group]
            let site = last?.site == memberSite ? last?.siteIndex : siteIndex[memberSite]
            last = (group, groupPosition, memberSite, site)
            guard let groupPosition else { continue }
            counts[groupPosition].total += 1
            if let site { counts[groupPosition].sites[site] += 1 }
            if let arm = subjects[index].arm {
                if let position = arms.firstIndex(of: arm) { counts[groupPosition].arms[position] += 1 }
            } else {
                counts[groupPosition].notRandomised += 1
            }
        }
        // The count columns, each a title and one count per group, in table order.
        let countColumns = sites.enumerated().map { site, name in (name, counts.map { $0.sites[site] }) }
            + arms.enumerated().map { arm, value in (value.id, counts.map { $0.arms[arm] }) }
            + [("not rand.", counts.map(\.notRandomised)), ("total", counts.map(\.total))]
        let table = distributionTable(groups: groups, columns: countColumns)
        var lines = table.render()
        if table.naturalWidth > lineLimit {
            // Long site names or many sites: numbered site columns, named below, and as many
            // tables one after another as the lines need.
            let numbered = countColumns.enumerated().map { index, column in
                index < sites.count ? ("site \(index + 1)", column.1) : column
            }
            lines = distributionTable(groups: groups, columns: numbered).render(within: lineLimit, keyColumns: 1) + [""]
            for (index, site) in sites.enumerated() { lines += wrap("site \(index + 1): " + site, indent: "    ") }
        }
        let urgent = assignments.filter(\.urgent).map(\.participantID).sorted()
        lines.append("")
        if urgentRules.isEmpty {
            lines.append("Urgent: the rule set has no urgent rules")
        } else {
            // The rules by name as the rule list above gives them, else as written.
            let rules = urgentRules.map { $0.name ?? $0.description }.joined(separator: "; ")
            lines += wrap("Urgent (\(rules); refer at once): " + (urgent.isEmpty ? "none" : urgent.joined(separator: ", ")),
                          indent: "  ")
        }
        let unknown = assignments.filter(\.urgencyUnknown)
        if !unknown.isEmpty {
            let fields = Set(unknown.flatMap(\.urgentMissingInputs)).sorted().map(\.name).joined(separator: ", ")
            lines += wrap("Urgent signs not assessed (\(fields) missing): \(unknown.count) \(unknown.count == 1 ? "participant" : "participants") "
                          + "(empty 'urgent' in profiles.csv)", indent: "  ")
        }
        return lines
    }

    /// One table of subprofile rows and the count columns.
    private static func distributionTable(groups: [String], columns: [(String, [Int])]) -> TextTable {
        var table = TextTable(columns: [.init("subprofile")] + columns.map { .init($0.0, .right) })
        for (position, group) in groups.enumerated() { table.append([group] + columns.map { String($0.1[position]) }) }
        return table
    }

    public static func flow(_ rows: [FlowRow]) -> [String] {
        var table = TextTable(columns: [.init("stage"), .init("arm"), .init("profile"), .init("visit"), .init("n", .right),
                                        .init("reason")])
        for row in rows {
            table.append([row.stage, row.arm, row.profile, row.timepoint, String(row.count), row.reason])
        }
        return table.render(within: lineLimit, keyColumns: 2)
    }

    /// Baseline characteristics per arm: mean (SD), median [IQR] or n (%) of the participants
    /// with a value, no p-values. Each variable heads its own rows; statistics and categories are
    /// indented under it, and a variable some participant has no value for ends with how many.
    public static func baseline(_ rows: [BaselineRow], arms: [Arm]) -> [String] {
        let columns = ["all"] + arms.map(\.id)
        let armRows = rows.filter { $0.columnKind == "arm" }
        var table = TextTable(columns: [.init("characteristic")] + columns.map { .init($0, .right) })
        var keys: [(variable: String, category: String, summary: BaselineRow.Summary)] = []
        for row in armRows {
            if !keys.contains(where: { $0.variable == row.variable && $0.category == row.category && $0.summary == row.summary }) {
                keys.append((row.variable, row.category, row.summary))
            }
        }
        /// The missing count of a variable per column, when some column misses values.
        func missingLine(_ variable: String) -> [String]? {
            let counts = columns.map { column in armRows.first { $0.column == column && $0.variable == variable }?.missing }
            guard !variable.isEmpty, counts.contains(where: { ($0 ?? 0) > 0 }) else { return nil }
            return ["  missing, n"] + counts.map { $0.map(String.init) ?? "" }
        }
        var lastVariable = ""
        for key in keys {
            if key.variable != lastVariable {
                if let missing = missingLine(lastVariable) { table.append(missing) }
                table.append([key.variable] + columns.map { _ in "" })
                lastVariable = key.variable
            }
            let label: String
            switch key.summary {
            case .meanSD: label = "  mean (SD)"
            case .medianIQR: label = "  median [IQR]"
            case .countPercent: label = "  \(key.category), n (%)"
            }
            var line = [label]
            for column in columns {
                guard let row = rows.first(where: {
                    $0.columnKind == "arm" && $0.column == column && $0.variable == key.variable
                        && $0.category == key.category && $0.summary == key.summary
                }) else {
                    line.append("")
                    continue
                }
                line.append(baselineCell(row))
            }
            table.append(line)
        }
        if let missing = missingLine(lastVariable) { table.append(missing) }
        return table.render(within: lineLimit, keyColumns: 1)
    }

    private static func baselineCell(_ row: BaselineRow) -> String {
        switch row.summary {
        case .meanSD:
            guard let mean = row.mean else { return "NA" }
            return NumberFormat.fixed(mean, decimals: 1) + " (" + NumberFormat.fixed(row.standardDeviation, decimals: 1) + ")"
        case .medianIQR:
            guard let median = row.median else { return "NA" }
            return NumberFormat.fixed(median, decimals: 1) + " [" + NumberFormat.fixed(row.lowerQuartile, decimals: 1)
                + "-" + NumberFormat.fixed(row.upperQuartile, decimals: 1) + "]"
        case .countPercent:
            return "\(row.count ?? 0) (" + NumberFormat.fixed(row.percent, decimals: 1) + ")"
        }
    }

    /// How the text names a group: `all`, or the subprofile code; a plain subprofile whose profile
    /// also has suffixed subprofiles is named with what it lacks (`3a (no +Y)`), so it is never
    /// mistaken for the whole profile.
    static func groupLabel(_ key: GroupKey, among keys: [GroupKey]) -> String {
        guard key.grouping == .subprofile else { return key.group }
        let suffixes = Set(keys.filter { $0.grouping == .subprofile && $0.group != key.group && $0.group.hasPrefix(key.group) }
            .map { String($0.group.dropFirst(key.group.count)) })
        return suffixes.isEmpty ? key.group : "\(key.group) (no \(suffixes.sorted().joined(separator: ", ")))"
    }

    /// The rows the text report shows: complete case, everyone and each subprofile (the profile
    /// level is in the CSV tables).
    static func textRows<Row: GroupedResult>(_ rows: [Row], outcome: String, timepoint: String) -> [Row] {
        rows.filter {
            $0.outcome == outcome && $0.timepoint == timepoint && $0.approach == .completeCase
                && $0.group.grouping != .profile
        }
    }

    /// `[95% CI]`, or the plan's level: the intervals are at that level, as the CSV files give them.
    static func intervalLabel(_ plan: AnalysisPlan) -> String {
        "[\(NumberFormat.level(plan.confidenceLevel))% CI]"
    }

    /// Complete-case response per outcome and timepoint: group × arm rows.
    public static func response(_ rows: [ResponseRow], plan: AnalysisPlan) -> [String] {
        let ci = intervalLabel(plan)
        var lines: [String] = []
        for outcome in plan.outcomes {
            for timepoint in plan.timepoints {
                let selected = textRows(rows, outcome: outcome.name, timepoint: timepoint)
                guard !selected.isEmpty else { continue }
                lines += wrap("\(outcome.label), \(timepoint) (complete case; everyone, then each subprofile)")
                var table: TextTable
                if outcome.isContinuous {
                    table = TextTable(columns: [.init("group"), .init("arm"), .init("n", .right), .init("miss", .right),
                                                .init("baseline", .right), .init("change " + ci, .right),
                                                .init("resp/N", .right), .init("% " + ci, .right)],
                                      separator: " ")
                } else {
                    table = TextTable(columns: [.init("group"), .init("arm"), .init("n", .right), .init("miss", .right),
                                                .init("success/N", .right), .init("% " + ci, .right)])
                }
                for row in selected {
                    let percent = row.responderTotal > 0
                        ? withInterval(Double(row.responders) / Double(row.responderTotal) * 100,
                                       row.responderInterval.map { ConfidenceInterval(lower: $0.lower * 100, upper: $0.upper * 100, level: $0.level) },
                                       decimals: 1)
                        : "NA"
                    let group = groupLabel(row.group, among: selected.map(\.group))
                    if outcome.isContinuous {
                        table.append([group, row.arm.id, String(row.analysed), String(row.missing), meanSD(row.baseline, decimals: 1),
                                      withInterval(row.changeEstimate?.mean ?? row.change.mean, row.changeEstimate?.interval),
                                      "\(row.responders)/\(row.responderTotal)", percent])
                    } else {
                        table.append([group, row.arm.id, String(row.analysed), String(row.missing),
                                      "\(row.responders)/\(row.responderTotal)", percent])
                    }
                }
                lines += table.render(within: lineLimit, keyColumns: 2) + [""]
            }
        }
        return lines
    }

    /// Complete-case comparisons with the reference arm per outcome and timepoint.
    public static func comparisons(_ rows: [ComparisonRow], plan: AnalysisPlan) -> [String] {
        let ci = intervalLabel(plan)
        var lines: [String] = []
        for outcome in plan.outcomes {
            for timepoint in plan.timepoints {
                let selected = textRows(rows, outcome: outcome.name, timepoint: timepoint)
                guard !selected.isEmpty else { continue }
                lines += wrap("\(outcome.label), \(timepoint): arm vs \(plan.referenceArm) (complete case)")
                var table: TextTable
                if outcome.isContinuous {
                    table = TextTable(columns: [.init("group"), .init("arm"), .init("Welch diff " + ci, .right),
                                                .init("ANCOVA " + ci, .right), .init("ANCOVA p", .right),
                                                .init("RD " + ci, .right)], separator: " ")
                } else {
                    table = TextTable(columns: [.init("group"), .init("arm"), .init("n/nref", .right),
                                                .init("RD " + ci, .right), .init("RR " + ci, .right), .init("NNT")],
                                      separator: " ")
                }
                for row in selected {
                    let group = groupLabel(row.group, among: selected.map(\.group))
                    let riskDifference = withInterval(row.riskDifference?.difference, row.riskDifference?.interval)
                    if outcome.isContinuous {
                        table.append([group, row.arm.id, withInterval(row.welch?.difference, row.welch?.interval),
                                      withInterval(row.ancova?.estimate, row.ancova?.interval),
                                      NumberFormat.pValue(row.ancova?.pValue), riskDifference])
                    } else {
                        table.append([group, row.arm.id, "\(row.analysedArm)/\(row.analysedReference)", riskDifference,
                                      withInterval(row.riskRatio?.ratio, row.riskRatio?.interval),
                                      row.numberNeededToTreat?.formattedEstimate(decimals: 1) ?? "NA"])
                    }
                }
                lines += table.render(within: lineLimit, keyColumns: 2) + [""]
            }
        }
        return lines
    }

    public static func interaction(_ rows: [InteractionRow]) -> [String] {
        var table = TextTable(columns: [.init("level"), .init("outcome"), .init("visit"), .init("test"),
                                        .init("statistic", .right), .init("df", .right), .init("p", .right),
                                        .init("I2 %", .right), .init("label")])
        for row in rows {
            let df = row.fTest.map { "\($0.numeratorDegreesOfFreedom), \($0.denominatorDegreesOfFreedom)" } ?? "NA"
            table.append([row.grouping.rawValue, row.outcome, row.timepoint, "F arm x group",
                          NumberFormat.fixed(row.fTest?.f, decimals: 2), df, NumberFormat.pValue(row.fTest?.pValue), "",
                          row.label])
            for arm in row.heterogeneity where (arm.heterogeneity?.degreesOfFreedom ?? 0) > 0 {
                table.append([row.grouping.rawValue, row.outcome, row.timepoint, "Q \(arm.arm.id)",
                              NumberFormat.fixed(arm.heterogeneity?.q, decimals: 2),
                              arm.heterogeneity.map { String($0.degreesOfFreedom) } ?? "NA",
                              NumberFormat.pValue(arm.heterogeneity?.pValue),
                              NumberFormat.percent(arm.heterogeneity?.iSquared, decimals: 0), row.label])
            }
        }
        return table.render(within: lineLimit, keyColumns: 4)
    }
}

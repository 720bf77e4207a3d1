import StudyModel

extension SpecLoader {
    /// `profiles: {rules: rules/guideline-2010.yml}`.
    func loadProfiles(_ value: YAMLValue) -> ProfileRulesSettings {
        guard let mapping = value.mapping() else { return ProfileRulesSettings() }
        var settings = ProfileRulesSettings()
        if let rules = mapping.required("rules"), let text = rules.string() {
            if text.isEmpty { rules.error("'profiles.rules' must name a rule-set file", rule: "spec.empty") }
            settings = ProfileRulesSettings(rules: text, location: rules.location)
        }
        // Whether each name is an `at_least` rule with that many signs is known only with the
        // rule set, which the runner loads and checks them against.
        if let thresholds = mapping.mapping("thresholds") {
            for entry in thresholds.entries() {
                guard let count = entry.value.int() else { continue }
                guard count >= 1 else {
                    entry.value.error("'profiles.thresholds.\(entry.key)' must be 1 or more, found \(count)", rule: "spec.range")
                    continue
                }
                settings.thresholds.append(ProfileRulesSettings.Threshold(
                    rule: entry.key, atLeast: count, ruleLocation: entry.keyLocation, countLocation: entry.value.location))
            }
        }
        mapping.rejectUnknownKeys()
        return settings
    }

    /// `publication: {small_cell_threshold: 5}`.
    func loadPublication(_ value: YAMLValue) -> PublicationSettings {
        guard let mapping = value.mapping() else { return PublicationSettings() }
        var settings = PublicationSettings()
        if let threshold = mapping["small_cell_threshold"], let count = threshold.int() {
            if count < 1 {
                threshold.error("'publication.small_cell_threshold' must be 1 or more, found \(count)", rule: "spec.range")
            } else if count == 2 {
                // Zeros are shown, so `<2` could stand only for 1: it would hide nothing.
                threshold.error("'publication.small_cell_threshold' of 2 would print every 1 as '<2', which can only "
                    + "be 1 where zeros are shown; use 1 (no suppression) or 3 or more", rule: "spec.range")
            } else {
                settings.smallCellThreshold = count
            }
        }
        mapping.rejectUnknownKeys()
        return settings
    }

    /// Forest plots and publication-table labels are named `<outcome>-<timepoint>`, and both names
    /// may hold `-`: outcome `x` at visit `a-b` and outcome `x-a` at visit `b` would share one
    /// file, and so would `RMDQ` and `rmdq` on macOS and Windows, whose file names ignore letter
    /// case. The second outcome to claim a name is an error at its `name:`; `taken` holds the
    /// names the outcomes before it claimed, in lower case.
    private func checkReportNames(of outcome: OutcomePlan, at value: YAMLValue, timepoints: [String],
                                  taken: inout [String: (outcome: String, timepoint: String)]) {
        for timepoint in timepoints {
            let name = outcome.name + "-" + timepoint
            let key = name.lowercased()
            if let other = taken[key], other.outcome != outcome.name {
                let otherName = other.outcome + "-" + other.timepoint
                let shared = otherName == name ? "the report name '\(name)' (forest-\(name).svg)"
                    : "one report file, forest-\(name).svg and forest-\(otherName).svg being one file where letter case is ignored"
                value.error("the outcome '\(outcome.name)' at visit '\(timepoint)' and the outcome '\(other.outcome)' "
                    + "at visit '\(other.timepoint)' would share \(shared); rename an outcome or a visit", rule: "spec.duplicate")
                return
            }
            taken[key] = taken[key] ?? (outcome.name, timepoint)
        }
    }

    /// `analysis:` the response analysis plan. Every key is optional; what is left out takes the
    /// defaults of ``AnalysisPlan`` (see the README).
    func loadAnalysis(_ value: YAMLValue, vocabularies: Vocabularies, schedule: VisitSchedule,
                      expectations: Expectations, inputs: [InputSpec]) -> AnalysisPlan? {
        guard let mapping = value.mapping() else { return nil }
        var referenceArm = vocabularies.referenceArm?.id
        if let arm = mapping["reference_arm"], let id = arm.string() {
            if vocabularies.arms.contains(where: { $0.arm.id == id }) {
                referenceArm = id
            } else {
                let known = vocabularies.arms.map { "'\($0.arm.id)'" }.joined(separator: ", ")
                arm.error("unknown arm '\(id)' for 'analysis.reference_arm' (expected one of \(known))", rule: "spec.choice")
            }
        }
        var timepoints = schedule.timepoints.filter { !$0.isBaseline }.map(\.name)
        if let list = mapping["timepoints"], let names = list.strings() {
            var listed: Set<String> = []
            let items = list.list()
            for (index, name) in names.enumerated() {
                let item = items?[safe: index] ?? list
                if !listed.insert(name).inserted {
                    item.error("'analysis.timepoints' names the visit '\(name)' twice", rule: "spec.duplicate")
                    continue
                }
                guard let timepoint = schedule.timepoint(named: name) else {
                    // A visit declared with a problem of its own is reported there, not again here.
                    if !state.declaredVisitNames.contains(name) {
                        item.error("unknown visit '\(name)' in 'analysis.timepoints' (declare it under 'visits:')", rule: "spec.choice")
                    }
                    continue
                }
                if timepoint.isBaseline {
                    item.error("'analysis.timepoints' lists follow-up visits; '\(name)' is the baseline", rule: "spec.choice")
                }
            }
            timepoints = names
        }
        var outcomes = PipelineSpec.defaultOutcomes(collectedBy: inputs)
        // Outcomes written but not read as such (not a list, or under a misspelt key, found with
        // the unknown keys below) may have named others than the defaults: the evidence keys are
        // then not judged against them.
        if mapping["outcomes"] != nil, mapping.list("outcomes") == nil { state.outcomesIncomplete = true }
        if let list = mapping.list("outcomes") {
            if list.isEmpty { mapping["outcomes"]?.error("'analysis.outcomes' must list at least one outcome", rule: "spec.empty") }
            outcomes = []
            var firstNamed: [String: Int] = [:]
            var reportNames: [String: (outcome: String, timepoint: String)] = [:]
            for (index, item) in list.enumerated() {
                guard let outcome = loadOutcome(item, expectations: expectations) else { continue }
                checkReportNames(of: outcome, at: item.mapping()?["name"] ?? item, timepoints: timepoints, taken: &reportNames)
                if let first = firstNamed[outcome.name] {
                    // At the second outcome's own `name:` when it has one, else at the outcome.
                    (item.mapping()?["name"] ?? item).error(
                        "the outcome name '\(outcome.name)' is already used by 'analysis.outcomes[\(first)]'; "
                            + "give one of them another 'name:'", rule: "spec.duplicate")
                } else {
                    firstNamed[outcome.name] = index
                }
                outcomes.append(outcome)
            }
            if outcomes.count < list.count { state.outcomesIncomplete = true }
        }
        var prespecified = false
        if let interaction = mapping["interaction"], let text = interaction.string() {
            switch text {
            case "prespecified": prespecified = true
            case "exploratory": prespecified = false
            default: interaction.error("unknown value '\(text)' for 'analysis.interaction' (expected 'exploratory' or 'prespecified')", rule: "spec.choice")
            }
        }
        var level = 0.95
        if let confidence = mapping["confidence_level"], let number = confidence.double() {
            if number > 0, number < 1 {
                level = number
            } else {
                confidence.error("'analysis.confidence_level' must lie strictly between 0 and 1, found \(number)", rule: "spec.range")
            }
        }
        var cutoff: CalendarDate?
        // Written but left blank, it is no cut-off: every visit not yet due would count as missing.
        if mapping.contains("data_cutoff"), !mapping.hasValue("data_cutoff") { _ = mapping.required("data_cutoff") }
        if let date = mapping["data_cutoff"], let text = date.string() {
            cutoff = SpecLoader.isoDate(text)
            if cutoff == nil {
                date.error("'analysis.data_cutoff' must be a date written yyyy-mm-dd, found '\(text.unseenEscaped)'",
                           rule: "spec.type")
            }
        }
        if mapping.rejectUnknownKeys() { state.outcomesIncomplete = true }
        guard let referenceArm else {
            mapping.value.error("the analysis needs a reference arm: mark one arm 'reference: true' or set 'analysis.reference_arm'", rule: "spec.missing")
            return nil
        }
        return AnalysisPlan(outcomes: outcomes, timepoints: timepoints, referenceArm: referenceArm,
                            interactionPrespecified: prespecified, confidenceLevel: level, dataCutoff: cutoff)
    }

    /// A date written `yyyy-mm-dd` (four, two and two digits); nil for any other text and for a
    /// date that does not exist (`2025-02-29`).
    static func isoDate(_ text: String) -> CalendarDate? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, zip(parts, [4, 2, 2]).allSatisfy({ part, count in
            part.utf8.count == count && part.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
        }), let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]) else { return nil }
        return CalendarDate(year: year, month: month, day: day)
    }

    /// One outcome: `{field: rmdq, label: ..., responder: {rule: either, points: 5, percent: 30}}`
    /// or `{field: gpe, name: gpe_success, success: [1, 2]}`.
    private func loadOutcome(_ value: YAMLValue, expectations: Expectations) -> OutcomePlan? {
        guard let mapping = value.mapping() else { return nil }
        let label = nonBlankString(mapping, "label")
        let outcomeName = nonBlankString(mapping, "name")
        // The name goes into file names (`forest-<name>-<visit>.svg`) and conclusion ids.
        if let given = outcomeName, !SpecLoader.isIdentifier(given) {
            mapping["name"]?.error("the outcome name '\(given)' may hold only letters, digits, '_' and '-'", rule: "spec.name")
        }
        // An outcome whose name was given but cannot be used is left out, not renamed.
        let nameUsable = mapping["name"] == nil || outcomeName.map(SpecLoader.isIdentifier) == true
        guard let fieldValue = mapping.required("field"), let name = fieldValue.string() else {
            _ = (mapping["responder"], mapping["success"])
            mapping.rejectUnknownKeys()
            return nil
        }
        guard let field = Field(name: name), field.level == .visit, field.kind == .integer || field.kind == .decimal else {
            fieldValue.error("'\(name)' is not a numeric visit field that can be an outcome", rule: "spec.choice")
            _ = (mapping["responder"], mapping["success"])
            mapping.rejectUnknownKeys()
            return nil
        }
        var kind: OutcomePlan.Kind?
        let hasResponder = mapping.hasValue("responder")
        let hasSuccess = mapping.hasValue("success")
        if hasResponder && hasSuccess {
            mapping.value.error("an outcome takes 'responder' (a score) or 'success' (a rating), not both", rule: "spec.shape")
            _ = mapping["responder"]
        }
        if let success = mapping["success"], let items = success.list() {
            // Each category beside the item that wrote it (an item that is no number is left out).
            let read = items.compactMap { item in item.double().map { (item: item, category: $0) } }
            let categories = read.map(\.category)
            if items.isEmpty { success.error("'success' must list at least one category", rule: "spec.empty") }
            // A category no value can take would never count as success.
            let range = expectations[field].range
            for (item, category) in read where range.map({ !$0.contains(category) }) ?? false {
                item.error(
                    "the success category \(Value.format(category)) lies outside the range of '\(name)' "
                        + "(\(Value.format(range?.lowerBound ?? 0))-\(Value.format(range?.upperBound ?? 0)))",
                    rule: "spec.range")
            }
            // A category given twice, or a fraction of a whole-number rating, is a slip.
            var seen: Set<Double> = []
            for (item, category) in read {
                if !seen.insert(category).inserted {
                    item.error("the success category \(Value.format(category)) is listed twice", rule: "spec.duplicate")
                } else if field.kind == .integer, category.rounded() != category {
                    item.error("the success category \(Value.format(category)) is not a whole number, "
                        + "which '\(name)' always is", rule: "spec.range")
                }
            }
            kind = .success(categories: categories)
        } else if let responder = mapping["responder"] {
            kind = loadResponder(responder).map { .continuous(responder: $0) }
        } else if let rule = AnalysisPlan.osteloResponders[field] {
            kind = .continuous(responder: rule)
        } else {
            mapping.value.error("the outcome '\(name)' needs a 'responder' rule or 'success' categories", rule: "spec.missing")
        }
        // The one not taken is known too (null beside the other, or said above).
        mapping.markRead("responder", "success")
        mapping.rejectUnknownKeys()
        guard nameUsable else { return nil }
        return kind.map { OutcomePlan(field: field, name: outcomeName, label: label ?? outcomeName ?? name, kind: $0) }
    }

    /// `{rule: absolute | relative | either, points: 5, percent: 30}`.
    private func loadResponder(_ value: YAMLValue) -> ResponderRule? {
        guard let mapping = value.mapping() else { return nil }
        let kind = mapping.required("rule")?.choice(ResponderRule.Kind.self)
        let points = mapping.double("points")
        let percent = mapping.double("percent")
        mapping.rejectUnknownKeys()
        guard let kind else { return nil }
        if let points, points <= 0 { mapping["points"]?.error("'points' must be more than 0", rule: "spec.range") }
        if let percent, percent <= 0 || percent > 100 {
            mapping["percent"]?.error("'percent' must lie in (0, 100]", rule: "spec.range")
        }
        // A value written but unreadable has its own problem already; only a missing one is said here.
        let (hasPoints, hasPercent) = (mapping["points"] != nil, mapping["percent"] != nil)
        switch kind {
        case .absolute where !hasPoints:
            mapping.value.error("an absolute responder rule needs 'points'", rule: "spec.missing")
        case .relative where !hasPercent:
            mapping.value.error("a relative responder rule needs 'percent'", rule: "spec.missing")
        case .either where !hasPoints || !hasPercent:
            mapping.value.error("an 'either' responder rule needs 'points' and 'percent'", rule: "spec.missing")
        default:
            break
        }
        guard (points != nil) == hasPoints, (percent != nil) == hasPercent else { return nil }
        // A setting the rule does not read would silently do nothing.
        if kind == .absolute, percent != nil {
            mapping["percent"]?.error("an absolute responder rule does not use 'percent' (use 'either' for points or percent)",
                                      rule: "spec.unused")
        }
        if kind == .relative, points != nil {
            mapping["points"]?.error("a relative responder rule does not use 'points' (use 'either' for points or percent)",
                                     rule: "spec.unused")
        }
        return ResponderRule(kind: kind, absolute: points, relative: percent.map { $0 / 100 })
    }
}

extension Array {
    subscript(safe index: Int) -> Element? {
        indices.contains(index) ? self[index] : nil
    }
}

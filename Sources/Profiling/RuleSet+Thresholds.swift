import PipelineSpec
import StudyModel

extension RuleSet {
    /// The rule set with the `at_least` counts a pipeline file sets (`profiles.thresholds`), or
    /// the problems that stop them: a name that is no `at_least` rule of the rule set, or a count
    /// above the rule's number of signs, or above 1 where one condition alone makes two of its
    /// signs hold, each located where the pipeline file writes it.
    ///
    /// Every `at_least` rule of that name takes the count (urgent rules, profiles, subdivisions
    /// and suffixes alike). The identity names the counts set (`guideline-2010 1.0 with
    /// malignancy at least 2`), so every report, `profiles.csv` row and manifest says the rules
    /// were not the file's as written.
    public func settingThresholds(_ thresholds: [ProfileRulesSettings.Threshold]) -> (ruleSet: RuleSet, problems: [Diagnostic]) {
        guard !thresholds.isEmpty else { return (self, []) }
        let signs = atLeastRuleSigns
        var problems: [Diagnostic] = []
        var counts: [String: Int] = [:]
        for threshold in thresholds {
            guard let count = signs[threshold.rule] else {
                let known = signs.keys.sorted().map { "'\($0)'" }.joined(separator: ", ")
                problems.append(Diagnostic(
                    .error, at: threshold.ruleLocation, rule: "spec.threshold",
                    message: "the rule set '\(identity)' has no 'at_least' rule named '\(threshold.rule)'"
                        + (known.isEmpty ? "" : " (its 'at_least' rules: \(known))")))
                continue
            }
            guard threshold.atLeast <= count.fewest else {
                let lists = count.rules == 1 ? "lists \(count.fewest)" : "\(count.rules) rules have that name, one listing \(count.fewest)"
                problems.append(Diagnostic(
                    .error, at: threshold.countLocation, rule: "spec.threshold",
                    message: "'\(threshold.rule)' would need \(threshold.atLeast) signs but \(lists)"))
                continue
            }
            counts[threshold.rule] = threshold.atLeast
        }
        guard problems.isEmpty else { return (self, problems) }
        var changed = self
        changed.urgent = urgent.map { $0.settingCounts(counts) }
        changed.profiles = profiles.map { profile in
            var profile = profile
            profile.match = profile.match?.settingCounts(counts)
            for index in profile.split.indices { profile.split[index].rule = profile.split[index].rule.settingCounts(counts) }
            for index in profile.suffixes.indices { profile.suffixes[index].rule = profile.suffixes[index].rule.settingCounts(counts) }
            return profile
        }
        // The counts may make signs count twice that did not as written: a rule of 'at least 1'
        // raised, or a nested rule lowered so that fewer conditions make it hold.
        let countedTwice = changed.atLeastRulesCountingTwice()
        guard countedTwice.isEmpty else {
            for (name, names, found) in countedTwice {
                // At the count that made it: the rule's own, else one of a rule within it.
                let place = thresholds.first { $0.rule == name } ?? thresholds.first { names.contains($0.rule) } ?? thresholds[0]
                let named = found.conditions.map { "'\($0)'" }.joined(separator: " and ")
                let one = found.conditions.count == 1
                problems.append(Diagnostic(
                    .error, at: place.countLocation, rule: "spec.threshold",
                    message: "with the counts set, \(named) alone \(one ? "makes" : "make") signs \(found.earlierSign + 1) and "
                        + "\(found.sign + 1) of '\(name)' hold, so \(one ? "it" : "they") would count twice towards 'at_least'"))
            }
            return (self, problems)
        }
        let set = thresholds.map { "\($0.rule) at least \($0.atLeast)" }.joined(separator: ", ")
        changed.version = "\(version) with \(set)"
        return (changed, [])
    }

    /// The `at_least` rules (k ≥ 2) whose signs count evidence twice (``Rule/signsCountedTwice(_:)``),
    /// by name (`at_least` for an unnamed one), each once.
    func atLeastRulesCountingTwice() -> [(String, Set<String>, (sign: Int, earlierSign: Int, conditions: [Condition]))] {
        var found: [(String, Set<String>, (sign: Int, earlierSign: Int, conditions: [Condition]))] = []
        func visit(_ rule: Rule) {
            switch rule {
            case .condition: return
            case .atLeast(let name, let k, let members):
                if k > 1, let first = Rule.signsCountedTwice(members).first, !found.contains(where: { $0.0 == (name ?? "at_least") }) {
                    found.append((name ?? "at_least", rule.ruleNames, first))
                }
                members.forEach(visit)
            case .anyOf(_, let members), .allOf(_, let members):
                members.forEach(visit)
            }
        }
        rules.forEach(visit)
        return found
    }

    /// Every name of an `at_least` rule, with how many rules have it and the fewest signs one of
    /// them lists (a count set for the name must suit each).
    var atLeastRuleSigns: [String: (rules: Int, fewest: Int)] {
        var signs: [String: (rules: Int, fewest: Int)] = [:]
        func visit(_ rule: Rule) {
            switch rule {
            case .condition: return
            case .atLeast(let name, _, let members):
                if let name {
                    let known = signs[name]
                    signs[name] = ((known?.rules ?? 0) + 1, min(known?.fewest ?? members.count, members.count))
                }
                members.forEach(visit)
            case .anyOf(_, let members), .allOf(_, let members):
                members.forEach(visit)
            }
        }
        rules.forEach(visit)
        return signs
    }
}

extension Rule {
    /// The rule with each named `at_least` rule in `counts` needing that many signs.
    func settingCounts(_ counts: [String: Int]) -> Rule {
        switch self {
        case .condition: self
        case .anyOf(let name, let members): .anyOf(name: name, members.map { $0.settingCounts(counts) })
        case .allOf(let name, let members): .allOf(name: name, members.map { $0.settingCounts(counts) })
        case .atLeast(let name, let k, let members):
            .atLeast(name: name, k: name.flatMap { counts[$0] } ?? k, members.map { $0.settingCounts(counts) })
        }
    }
}

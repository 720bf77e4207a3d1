import PipelineSpec
import StudyModel

extension RuleSet {
    /// Loads a rule-set file (`Pipelines/rules/*.yml`, format in Profiling's README), checking it
    /// strictly: unknown keys, unknown fields, malformed conditions, `at_least` beyond its members,
    /// duplicate profile codes and unreachable profiles are errors naming line and column.
    ///
    /// - Parameters:
    ///   - path: where to read the file.
    ///   - displayName: how messages name the file (e.g. relative to the pipeline file).
    public static func load(path: String, displayName: String? = nil) throws(SpecError) -> RuleSet {
        let reader = YAMLReader(file: displayName ?? path)
        let root = reader.parseFile(atPath: path)
        let ruleSet = root.flatMap { RuleSetLoader(reader: reader).ruleSet(from: $0) }
        try reader.finish()
        guard let ruleSet else { throw SpecError(reader.diagnostics) }
        return ruleSet
    }

    /// Parses rule-set YAML text (for tests and embedded rule sets).
    public static func parse(_ text: String, file: String) throws(SpecError) -> RuleSet {
        let reader = YAMLReader(file: file)
        let root = reader.parse(text)
        let ruleSet = root.flatMap { RuleSetLoader(reader: reader).ruleSet(from: $0) }
        try reader.finish()
        guard let ruleSet else { throw SpecError(reader.diagnostics) }
        return ruleSet
    }
}

/// Reads the YAML shape of a rule set; records every problem on the reader and returns what it
/// could build.
private struct RuleSetLoader {
    let reader: YAMLReader

    private static let ruleKeys = ["any_of", "all_of", "at_least", "when"]

    func ruleSet(from root: YAMLValue) -> RuleSet? {
        guard let top = root.mapping() else { return nil }
        let header = top.required("rule_set")?.mapping()
        // Every report names the rule set by these.
        let name = header?.required("name").flatMap(nonBlankLine)
        let version = header?.required("version").flatMap(nonBlankLine)
        let title = header?.required("title").flatMap(nonBlankLine)
        let status = header?["status"].flatMap(oneLine) ?? ""
        header?.rejectUnknownKeys()

        let urgent = (top.list("urgent") ?? []).compactMap { rule(from: $0) }
        var profiles: [ProfileDefinition] = []
        if let items = top.required("profiles")?.list() {
            if items.isEmpty { top.value.error("'profiles' must list at least one profile", rule: "rules.empty") }
            var codes: [String: SourceLocation] = [:]
            // Subprofile → how it arises (a code and the suffixes that follow it), for codes
            // that a suffix makes into another code.
            var subprofiles: [String: (code: String, suffixes: [String])] = [:]
            var sawOtherwise = false
            for item in items {
                if sawOtherwise {
                    item.error("this profile can never be reached: an earlier profile applies 'otherwise'", rule: "rules.unreachable")
                }
                guard let profile = profile(from: item) else { continue }
                for (code, value) in Self.codes(of: item) {
                    if let earlier = codes[code] {
                        value.error("the profile code '\(code)' is used twice (first at \(earlier))", rule: "rules.duplicate")
                    } else {
                        codes[code] = value.location
                    }
                }
                // The subprofiles the profile gives: its code (each subdivision's when it is
                // split) with any of its suffixes, in order.
                let written = Self.codes(of: item)
                for (code, value) in profile.split.isEmpty ? Array(written.prefix(1)) : Array(written.dropFirst()) {
                    for reserved in Self.reservedCodes.sorted()
                    where Self.suffixesMake(reserved, from: code, suffixes: profile.suffixes.map(\.suffix)) {
                        value.error("a subprofile of '\(code)' with its suffixes can be '\(reserved)', which is reserved: "
                            + Self.reservedUse(reserved), rule: "rules.shape")
                    }
                    for suffixes in Self.suffixSequences(profile.suffixes.map(\.suffix)) {
                        let name = code + suffixes.joined()
                        func arises(_ code: String, _ suffixes: [String]) -> String {
                            suffixes.isEmpty ? "the code '\(code)'"
                                : "'\(code)' with " + suffixes.map { "'\($0)'" }.joined(separator: " and ")
                        }

                        guard let earlier = subprofiles[name] else {
                            subprofiles[name] = (code, suffixes)
                            continue
                        }
                        // Two codes alike are reported above; a suffix that makes one code another is here.
                        guard !(suffixes.isEmpty && earlier.suffixes.isEmpty) else { continue }
                        value.error("the subprofile '\(name)' is both \(arises(earlier.code, earlier.suffixes)) and "
                            + "\(arises(code, suffixes)); reports would count the two as one group", rule: "rules.duplicate")
                    }
                }
                sawOtherwise = sawOtherwise || profile.match == nil
                profiles.append(profile)
            }
        }
        top.rejectUnknownKeys()
        guard let name, let version, let title, !reader.hasErrors else { return nil }
        return RuleSet(name: name, version: version, title: title, status: status, urgent: urgent, profiles: profiles)
    }

    /// Whether `code` followed by some of `suffixes` (at least one, each at most once, in order)
    /// spells `target`, ignoring case, as reports compare group names.
    static func suffixesMake(_ target: String, from code: String, suffixes: [String]) -> Bool {
        let target = Array(target.lowercased())
        let start = Array(code.lowercased())
        guard target.count > start.count, Array(target.prefix(start.count)) == start else { return false }
        // Positions of `target` reached by the code and the suffixes taken so far.
        var reached: Set<Int> = [start.count]
        for suffix in suffixes.map({ Array($0.lowercased()) }) where !suffix.isEmpty {
            for position in reached where position + suffix.count <= target.count
                && Array(target[position..<(position + suffix.count)]) == suffix {
                reached.insert(position + suffix.count)
            }
        }
        return reached.contains(target.count)
    }

    /// The most suffixes a profile takes: each subprofile is checked against every other group's
    /// code, and 2⁸ = 256 subprofiles of one profile are already more than any report can show.
    static let maximumSuffixes = 8

    /// Every sequence of `suffixes` that can follow a code, each suffix at most once and in
    /// order (the empty one first); 2ⁿ of them, so a profile takes at most ``maximumSuffixes``.
    static func suffixSequences(_ suffixes: [String]) -> [[String]] {
        suffixes.reduce([[]]) { sequences, suffix in sequences + sequences.map { $0 + [suffix] } }
    }

    /// A profile's code and its subdivisions' codes as written, each with its place.
    private static func codes(of item: YAMLValue) -> [(String, YAMLValue)] {
        let mapping = item.mapping()
        let values = [mapping?["code"]] + (mapping?["split"]?.list() ?? []).map { $0.mapping()?["code"] }
        return values.compactMap { value in value.flatMap { value in value.string().map { ($0, value) } } }
    }

    private func profile(from value: YAMLValue) -> ProfileDefinition? {
        guard let mapping = value.mapping() else { return nil }
        let code = mapping.required("code").flatMap(profileCode)
        let label = mapping.required("label").flatMap(nonBlankLine)
        let otherwise = mapping.bool("otherwise") ?? false
        let randomise = mapping.bool("randomise") ?? true
        // A null is the same as leaving the key out, but a rule key left blank alone is said so
        // (by `rule(in:name:)`), not read as a profile without a rule.
        let hasRule = RuleSetLoader.ruleKeys.contains { mapping.hasValue($0) }
        let hasRuleKey = RuleSetLoader.ruleKeys.contains { mapping.contains($0) }
        var match: Rule?
        if otherwise && hasRule {
            mapping.value.error("a profile takes either 'otherwise: true' or a rule, not both", rule: "rules.shape")
        } else if otherwise {
            // Null rule keys beside 'otherwise' are keys left out; an 'of' with signs is unknown.
            mapping.markRead("any_of", "all_of", "at_least", "when")
            if !mapping.hasValue("of") { mapping.markRead("of") }
            if mapping.hasValue("rule") {
                mapping["rule"]?.error("'rule' names a profile's rule, and a profile with 'otherwise: true' has none", rule: "rules.shape")
            }
        } else {
            if hasRuleKey {
                match = rule(in: mapping, name: ruleName(mapping))
            } else {
                mapping.value.error("the profile needs a rule ('any_of', 'all_of', 'at_least' with 'of', or 'when') or 'otherwise: true'", rule: "rules.shape")
            }
        }
        _ = mapping["rule"]
        let split = (mapping.list("split") ?? []).compactMap { subdivision(from: $0) }
        let suffixItems = mapping.list("suffixes") ?? []
        if suffixItems.count > Self.maximumSuffixes, let place = mapping["suffixes"] {
            place.error("a profile takes at most \(Self.maximumSuffixes) suffixes, found \(suffixItems.count)", rule: "rules.shape")
        }
        let suffixes = suffixItems.compactMap { suffix(from: $0) }
        mapping.rejectUnknownKeys()
        guard let code, let label, otherwise || match != nil, suffixItems.count <= Self.maximumSuffixes else { return nil }
        return ProfileDefinition(code: code, label: label, match: match, split: split, suffixes: suffixes,
                                 randomise: randomise)
    }

    /// `value` as text on one line: a name, code or label every report prints in one line of a
    /// heading or table; a line break is an error at its place.
    private func oneLine(_ value: YAMLValue) -> String? {
        value.oneLineString(rule: "rules.shape")
    }

    /// A name or label the reports print: one line with some text.
    private func nonBlankLine(_ value: YAMLValue) -> String? {
        value.nonBlankLine(rule: "rules.shape")
    }

    /// The codes reports use for groups that are no profile: the participants no profile was
    /// assigned to, and everyone.
    static let reservedCodes: Set<String> = ["unclassified", "all"]

    /// What the reports use a reserved code (any case) for, for the messages.
    static func reservedUse(_ code: String) -> String {
        "reports use it for " + (code.lowercased() == "all" ? "everyone" : "participants without a profile")
    }

    /// A profile's or subdivision's code: one line, not empty, and none the reports use for
    /// another group (``reservedCodes``), or its participants would be counted with that group.
    private func profileCode(_ value: YAMLValue) -> String? {
        guard let code = oneLine(value) else { return nil }
        let trimmed = code.trimmingWhitespace()
        if trimmed.isEmpty {
            value.error("a profile code is empty; reports name each group by its code", rule: "rules.shape")
            return nil
        }
        if trimmed != code {
            value.error("the profile code '\(code)' begins or ends with white space", rule: "rules.shape")
            return nil
        }
        if Self.reservedCodes.contains(code.lowercased()) {
            value.error("the profile code '\(code)' is reserved: " + Self.reservedUse(code), rule: "rules.shape")
            return nil
        }
        return code
    }

    private func subdivision(from value: YAMLValue) -> Subdivision? {
        guard let mapping = value.mapping() else { return nil }
        let code = mapping.required("code").flatMap(profileCode)
        let label = mapping.required("label").flatMap(nonBlankLine)
        let rule = rule(in: mapping, name: ruleName(mapping))
        mapping.rejectUnknownKeys()
        guard let code, let label, let rule else { return nil }
        return Subdivision(code: code, label: label, rule: rule)
    }

    private func suffix(from value: YAMLValue) -> Suffix? {
        guard let mapping = value.mapping() else { return nil }
        let text = mapping.required("suffix").flatMap(oneLine)
        if let text, text.isEmpty || text.trimmingWhitespace() != text, let place = mapping["suffix"] {
            place.error("the suffix '\(text)' is empty or begins or ends with white space", rule: "rules.shape")
        }
        let rule = rule(in: mapping, name: ruleName(mapping))
        mapping.rejectUnknownKeys()
        guard let text, !text.isEmpty, text.trimmingWhitespace() == text, let rule else { return nil }
        return Suffix(suffix: text, rule: rule)
    }

    /// A rule member: a condition text, or a mapping holding one rule.
    private func rule(from value: YAMLValue) -> Rule? {
        if case .scalar = value.node {
            return condition(value).map(Rule.condition)
        }
        guard let mapping = value.mapping() else { return nil }
        let result = rule(in: mapping, name: ruleName(mapping))
        mapping.rejectUnknownKeys()
        return result
    }

    /// A rule's `rule:` name, which reports print beside what it saw (`malignancy: ...`).
    private func ruleName(_ mapping: YAMLMapping) -> String? {
        mapping["rule"].flatMap(nonBlankLine)
    }

    /// The one rule written in a mapping with `any_of`, `all_of`, `at_least` + `of`, or `when`.
    /// A null is the same as leaving the key out, but a rule whose only key is left blank is an
    /// error at that key: read as absent, the rule (and what it decides) would vanish.
    private func rule(in mapping: YAMLMapping, name: String?) -> Rule? {
        let given = RuleSetLoader.ruleKeys.filter { mapping.hasValue($0) }
        // A null rule key beside the rule's own is a key left out, not an unknown one.
        mapping.markRead("any_of", "all_of", "at_least", "when")
        if given.isEmpty, let blank = RuleSetLoader.ruleKeys.first(where: { mapping.contains($0) }) {
            _ = mapping.required(blank)
            mapping.markRead("any_of", "all_of", "at_least", "when", "of")
            return nil
        }
        let present = given
        guard present.count == 1, let key = present.first else {
            let message = present.isEmpty
                ? "a rule needs one of 'any_of', 'all_of', 'at_least' with 'of', or 'when'"
                : "a rule takes one of " + present.map { "'\($0)'" }.joined(separator: ", ") + ", not several"
            mapping.value.error(message, rule: "rules.shape")
            for key in RuleSetLoader.ruleKeys { _ = mapping[key] }
            _ = mapping["of"]
            return nil
        }
        switch key {
        case "when":
            // `required`: a blank `when:` is an error at its key, not a rule that silently vanishes.
            guard let value = mapping.required("when"), let condition = condition(value) else { return nil }
            return name == nil ? .condition(condition) : .anyOf(name: name, [.condition(condition)])
        case "at_least":
            let k = mapping.required("at_least")?.int()
            guard let members = members(mapping, "of") else { return nil }
            guard let k, signsCountOnce(members, k: k, items: mapping["of"]?.list() ?? []) else { return nil }
            if k < 1 || k > members.count {
                mapping["at_least"]?.error("'at_least' is \(k) but the rule lists \(members.count) signs", rule: "rules.threshold")
                return nil
            }
            return .atLeast(name: name, k: k, members)
        case "all_of":
            return members(mapping, "all_of").map { .allOf(name: name, $0) }
        default:
            return members(mapping, "any_of").map { .anyOf(name: name, $0) }
        }
    }

    /// Whether no single condition alone makes two signs of an `at_least` rule hold
    /// (``Rule/signsCountedTwice(_:)``); an error at each later sign otherwise. With k = 1
    /// nothing counts twice.
    private func signsCountOnce(_ members: [Rule], k: Int, items: [YAMLValue]) -> Bool {
        guard k > 1 else { return true }
        let twice = Rule.signsCountedTwice(members)
        for found in twice {
            (items.indices.contains(found.sign) ? items[found.sign] : nil)?.error(
                Rule.countedTwiceMessage(found.conditions, earlierSign: found.earlierSign), rule: "rules.duplicate")
        }
        return twice.isEmpty
    }

    private func members(_ mapping: YAMLMapping, _ key: String) -> [Rule]? {
        guard let items = mapping.required(key)?.list() else { return nil }
        guard !items.isEmpty else {
            mapping[key]?.error("'\(key)' must list at least one sign", rule: "rules.empty")
            return nil
        }
        let rules = items.map { rule(from: $0) }
        // A sign listed twice would count twice towards `at_least` (and is a slip anywhere).
        var repeated = false
        for (index, rule) in rules.enumerated() {
            guard let rule, let first = rules[..<index].firstIndex(where: { $0 == rule }) else { continue }
            items[index].error("'\(rule)' is listed twice in this rule (first as sign \(first + 1))", rule: "rules.duplicate")
            repeated = true
        }
        let built = rules.compactMap { $0 }
        return built.count == rules.count && !repeated ? built : nil
    }

    private func condition(_ value: YAMLValue) -> Condition? {
        guard let text = value.string() else { return nil }
        do {
            return try Condition(parsing: text)
        } catch {
            value.error(error.message, rule: "rules.condition")
            return nil
        }
    }
}

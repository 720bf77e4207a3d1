import Profiling

extension SummaryText {
    /// The rule set as it was applied, thresholds included: the urgent rules, then each profile
    /// in order with its rule, subdivisions and suffixes, wrapped to the line limit.
    public static func rules(_ ruleSet: RuleSet) -> [String] {
        var lines = wrap("Rules of \(ruleSet.identity), in order; a participant takes the first profile whose rule holds, "
                         + "and is unclassified when missing inputs leave it undecided, or when no profile (or none of "
                         + "its subdivisions) holds (profiles.csv gives each one's reason):")
        let longest = (ruleSet.profiles.map(\.code) + ["urgent"]).map(\.count).max() ?? 0
        let labelWidth = min(max(8, longest + 2), 14)
        /// One entry: the label in the first column (blank for the lines under a profile; on a
        /// line of its own when too long for the column), the text wrapped under itself, deeper
        /// entries indented.
        func entry(_ label: String, _ text: String, depth: Int = 0) {
            var label = label
            if label.count + 2 > labelWidth {
                lines.append(label)
                label = ""
            }
            let lead = label.padding(toLength: labelWidth, withPad: " ", startingAt: 0) + String(repeating: "  ", count: depth)
            let wrapped = wrap(text, indent: "  ", width: lineLimit - lead.count)
            lines += wrapped.enumerated().map { ($0.offset == 0 ? lead : String(repeating: " ", count: lead.count)) + $0.element }
        }
        for rule in ruleSet.urgent { entry("urgent", rule.description) }
        for profile in ruleSet.profiles {
            let heading = profile.label + (profile.randomise ? "" : ", not randomised")
            switch profile.match {
            case nil:
                entry(profile.code, heading + ": otherwise")
            case .anyOf(nil, let members)? where members.count > 1:
                entry(profile.code, heading + ": any of")
                for member in members { entry("", member.description, depth: 1) }
            case let rule?:
                entry(profile.code, heading + ": " + rule.description)
            }
            for subdivision in profile.split { entry("", "\(subdivision.code): \(subdivision.rule)", depth: 1) }
            for suffix in profile.suffixes { entry("", "\(suffix.suffix): \(suffix.rule)", depth: 1) }
        }
        return lines
    }
}

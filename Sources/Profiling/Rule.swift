import StudyModel

/// A problem in a rule set: what is wrong, and where when the rule set came from a file.
public struct RuleSetError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public var location: SourceLocation?

    public init(_ message: String, at location: SourceLocation? = nil) {
        self.message = message
        self.location = location
    }

    public var description: String {
        location.map { "\($0): error: \(message)" } ?? "error: \(message)"
    }
}

/// A declarative rule: a condition, or a combination of rules. Named rules (a red-flag cluster,
/// say) are reported in the trail when they fire.
public indirect enum Rule: Hashable, Sendable {
    case condition(Condition)
    /// True when any member is true (the guideline's decisive signs).
    case anyOf(name: String?, [Rule])
    /// True when every member is true.
    case allOf(name: String?, [Rule])
    /// True when at least `k` members are true (the guideline's "combination of red flags").
    case atLeast(name: String?, k: Int, [Rule])

    public var name: String? {
        switch self {
        case .condition: nil
        case .anyOf(let name, _), .allOf(let name, _), .atLeast(let name, _, _): name
        }
    }
}

/// What evaluating a rule found: its truth, the named rules that fired with the values they saw,
/// and the fields whose absence kept it undecided.
public struct Evaluation: Hashable, Sendable {
    public var truth: Truth
    /// Named rules that fired, innermost first.
    public var fired: [FiredRule]
    /// Conditions that held and are not yet attached to a named rule (they travel up to the
    /// nearest named rule that fires).
    public var evidence: [String]
    /// Named rules that held and are not yet cited by a named rule around them: the nearest one
    /// that fires lists them among its signs (`fracture: trauma_elderly`), as a rule whose every
    /// sign is a named rule would otherwise fire with none.
    public var namedRules: [String] = []
    /// Fields whose absence leaves `truth` unknown; empty once the rule is decided.
    public var missing: Set<Field>
}

/// A named rule that fired, with the conditions that held and the values they saw, and by name
/// the named rules within it that held (e.g. `malignancy: age_at_onset > 50 (saw 57.2),
/// rf_night_pain, rf_weight_loss`; `fracture: trauma_elderly`).
public struct FiredRule: Hashable, Sendable, CustomStringConvertible {
    public var rule: String
    public var evidence: [String]
    /// Whether an urgent rule of the rule set fired (its name is written `urgent/<name>`, or
    /// `urgent` for signs outside any named urgent rule), rather than a profile's.
    public var urgent: Bool

    public init(rule: String, evidence: [String], urgent: Bool = false) {
        self.rule = rule
        self.evidence = evidence
        self.urgent = urgent
    }

    /// What an urgent entry names as its signs: the named urgent rule, or the signs themselves.
    public var urgentSigns: [String] {
        guard urgent else { return [] }
        return rule.hasPrefix("urgent/") ? [String(rule.dropFirst("urgent/".count))] : evidence
    }

    public var description: String { "\(rule): " + evidence.joined(separator: ", ") }
}

extension Rule {
    /// Three-valued evaluation (Kleene): `anyOf` is yes when a member is yes and no only when
    /// every member is no; `atLeast k` is yes with k members yes and no only when even every
    /// unknown member turning yes could not reach k.
    public func evaluate(_ values: FieldValues) -> Evaluation {
        switch self {
        case .condition(let condition):
            let (truth, seen) = condition.evaluate(values)
            return Evaluation(
                truth: truth, fired: [],
                evidence: truth == .yes ? [Rule.evidence(condition, seen)] : [],
                missing: truth == .unknown ? [condition.field] : [])
        case .anyOf(let name, let members):
            return Rule.combine(name: name, members.map { $0.evaluate(values) }, needed: 1)
        case .allOf(let name, let members):
            return Rule.combine(name: name, members.map { $0.evaluate(values) }, needed: members.count)
        case .atLeast(let name, let k, let members):
            return Rule.combine(name: name, members.map { $0.evaluate(values) }, needed: k)
        }
    }

    /// `evaluate(values).truth`, without the trail: no evidence text, fired rules or missing
    /// fields are made, so nothing is allocated. Assignment decides with this and evaluates in
    /// full only the rules whose trail it keeps.
    public func truth(_ values: FieldValues) -> Truth {
        switch self {
        case .condition(let condition): condition.truth(values)
        case .anyOf(_, let members): Rule.truth(of: members, values, needed: 1)
        case .allOf(_, let members): Rule.truth(of: members, values, needed: members.count)
        case .atLeast(_, let k, let members): Rule.truth(of: members, values, needed: k)
        }
    }

    /// ``combine(name:_:needed:)``'s truth from the members' truths. Stops once the members left
    /// cannot change it: `needed` already held, or not reachable even if every undecided and
    /// unseen member held.
    private static func truth(of members: [Rule], _ values: FieldValues, needed: Int) -> Truth {
        var held = 0
        var unknown = 0
        for (position, member) in members.enumerated() {
            if held >= needed { return .yes }
            if held + unknown + (members.count - position) < needed { return .no }
            switch member.truth(values) {
            case .yes: held += 1
            case .unknown: unknown += 1
            case .no: break
            }
        }
        return held >= needed ? .yes : (held + unknown < needed ? .no : .unknown)
    }

    private static func combine(name: String?, _ parts: [Evaluation], needed: Int) -> Evaluation {
        let held = parts.filter { $0.truth == .yes }
        let unknown = parts.filter { $0.truth == .unknown }.count
        let truth: Truth = held.count >= needed ? .yes : (held.count + unknown < needed ? .no : .unknown)
        // Missing inputs matter only while the outcome is undecided.
        let missing = truth == .unknown ? parts.reduce(into: Set<Field>()) { $0.formUnion($1.missing) } : []
        guard truth == .yes else { return Evaluation(truth: truth, fired: [], evidence: [], missing: missing) }
        var fired = held.flatMap(\.fired)
        guard let name else {
            return Evaluation(truth: truth, fired: fired, evidence: held.flatMap(\.evidence),
                              namedRules: held.flatMap(\.namedRules), missing: [])
        }
        // Each member's signs in member order: its conditions, then the named rules within it.
        fired.append(FiredRule(rule: name, evidence: held.flatMap { $0.evidence + $0.namedRules }))
        return Evaluation(truth: truth, fired: fired, evidence: [], namedRules: [name], missing: [])
    }

    private static func evidence(_ condition: Condition, _ seen: Value?) -> String {
        switch condition.test {
        case .isTrue: condition.description
        case .compare, .code: "\(condition) (saw \(seen?.canonicalText ?? ""))"
        }
    }
}

extension Rule {
    /// Whether the rule holds when exactly `present` hold (codes compared without letter case,
    /// as evaluated) and every other condition does not.
    public func holds(given present: [Condition]) -> Bool {
        switch self {
        case .condition(let condition): present.contains { $0.isSameSign(as: condition) }
        case .anyOf(_, let members): members.contains { $0.holds(given: present) }
        case .allOf(_, let members): members.allSatisfy { $0.holds(given: present) }
        case .atLeast(_, let k, let members): members.filter { $0.holds(given: present) }.count >= k
        }
    }

    /// The smallest sets of conditions that make the rule hold, each alone (`all_of: [a, b]`
    /// is {a, b}; `any_of: [a, b]` is {a} and {b}; `at least 2 of [a, b, c]` is {a, b}, {a, c},
    /// {b, c}); nil past `limit` sets, too many to list.
    func satisfyingSets(limit: Int = 4096) -> [[Condition]]? {
        func product(_ parts: [[[Condition]]]) -> [[Condition]]? {
            var sets: [[Condition]] = [[]]
            for part in parts {
                sets = sets.flatMap { set in part.map { set + $0 } }
                if sets.count > limit { return nil }
            }
            return sets
        }
        switch self {
        case .condition(let condition):
            return [[condition]]
        case .anyOf(_, let members):
            var sets: [[Condition]] = []
            for member in members {
                guard let own = member.satisfyingSets(limit: limit) else { return nil }
                sets += own
                if sets.count > limit { return nil }
            }
            return sets
        case .allOf(_, let members):
            var parts: [[[Condition]]] = []
            for member in members {
                guard let own = member.satisfyingSets(limit: limit) else { return nil }
                parts.append(own)
            }
            return product(parts)
        case .atLeast(_, let k, let members):
            guard k >= 1, k <= members.count else { return [] }
            var sets: [[Condition]] = []
            var chosen: [Int] = []
            func choose(from start: Int) -> Bool {
                if chosen.count == k {
                    guard let own = Rule.allOf(name: nil, chosen.map { members[$0] }).satisfyingSets(limit: limit) else { return false }
                    sets += own
                    return sets.count <= limit
                }
                for index in start..<members.count where members.count - index >= k - chosen.count {
                    chosen.append(index)
                    defer { chosen.removeLast() }
                    if !choose(from: index + 1) { return false }
                }
                return true
            }
            return choose(from: 0) ? sets : nil
        }
    }

    /// The signs of an `at_least` rule that count evidence another sign already counts: the
    /// conditions that alone make one sign hold also make a later one hold, however wrapped or
    /// ordered (`[rf_trauma, {any_of: [rf_trauma]}]`, `sex = F` beside `sex = f`, `all_of: [a, b]`
    /// beside `all_of: [b, a]`, `a` beside `all_of: [a, b]`). Signs that share a condition but each
    /// need more than it (`all_of: [rf_trauma, age > 60]` beside `all_of: [rf_trauma,
    /// rf_corticosteroids]`) are two signs. Each later sign once, with the conditions. Signs with
    /// too many ways to hold to list are asked at least whether one condition alone makes both
    /// hold. Signs are compared as written: one that follows from another (`sex != M` beside
    /// `sex = F`, `age > 50` beside `age > 60`) is not found.
    public static func signsCountedTwice(_ members: [Rule]) -> [(sign: Int, earlierSign: Int, conditions: [Condition])] {
        let sets = members.map { $0.satisfyingSets() ?? $0.singleConditions }
        var found: [(sign: Int, earlierSign: Int, conditions: [Condition])] = []
        for later in members.indices {
            for earlier in 0..<later {
                let shared = sets[earlier].first { members[later].holds(given: $0) }
                    ?? sets[later].first { members[earlier].holds(given: $0) }
                if let shared {
                    found.append((later, earlier, shared))
                    break
                }
            }
        }
        return found
    }

    /// Each condition in the rule alone, where those that make it hold alone are all that can
    /// be listed (``satisfyingSets(limit:)`` gave up).
    private var singleConditions: [[Condition]] {
        var found: [[Condition]] = []
        func collect(_ rule: Rule) {
            switch rule {
            case .condition(let condition): if !found.contains([condition]) { found.append([condition]) }
            case .anyOf(_, let members), .allOf(_, let members), .atLeast(_, _, let members): members.forEach(collect)
            }
        }
        collect(self)
        return found
    }

    /// The names of the named rules within this one, itself included.
    public var ruleNames: Set<String> {
        switch self {
        case .condition: []
        case .anyOf(let name, let members), .allOf(let name, let members), .atLeast(let name, _, let members):
            members.reduce(into: Set(name.map { [$0] } ?? [])) { $0.formUnion($1.ruleNames) }
        }
    }

    /// Says which conditions make a sign hold with an earlier one (``signsCountedTwice(_:)``).
    public static func countedTwiceMessage(_ conditions: [Condition], earlierSign: Int) -> String {
        let named = conditions.map { "'\($0)'" }.joined(separator: " and ")
        return "\(named) alone \(conditions.count == 1 ? "makes" : "make") this sign and sign \(earlierSign + 1) hold, "
            + "so \(conditions.count == 1 ? "it" : "they") would count twice towards 'at_least'"
    }
}

extension Rule: CustomStringConvertible {
    /// The rule on one line with its thresholds, as a report states it: a condition as written in
    /// rule-set files (`age_at_onset > 50`), a combination as
    /// `malignancy: at least 3 of (age_at_onset > 50, rf_night_pain, ...)`, a named combination
    /// of one member as `vertebral_fracture: rf_trauma`.
    public var description: String {
        switch self {
        case .condition(let condition): condition.description
        case .anyOf(let name, let members): Rule.describe(name, "any of", members)
        case .allOf(let name, let members): Rule.describe(name, "all of", members)
        case .atLeast(let name, let k, let members): Rule.describe(name, "at least \(k) of", members, k: k)
        }
    }

    /// A combination of one member (`any_of: [rf_trauma]`) reads as that member.
    private static func describe(_ name: String?, _ combination: String, _ members: [Rule], k: Int = 1) -> String {
        let body = members.count == 1 && k == 1
            ? members[0].description
            : "\(combination) (" + members.map(\.description).joined(separator: ", ") + ")"
        return (name.map { "\($0): " } ?? "") + body
    }
}

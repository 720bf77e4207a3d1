import StudyModel

/// The profile the project's default rules (guideline 2010, RULE-DEFAULTS) give for a participant's
/// collected screening values, with the derived values the rules use.
///
/// This is an implementation of its own, kept inside the generator on purpose: the sample data's
/// truth must not come from the Profiling module it is meant to test.
public struct GroundTruth: Hashable, Sendable {
    public enum Assignment: Hashable, Sendable {
        case profile1
        case profile2
        /// 3a or 3b, with or without yellow flags.
        case profile3(chronic: Bool, yellowFlags: Bool)
        case unclassified

        /// `1`, `2`, `3a`, `3b` or `unclassified`.
        public var profile: String {
            switch self {
            case .profile1: "1"
            case .profile2: "2"
            case .profile3(let chronic, _): chronic ? "3b" : "3a"
            case .unclassified: "unclassified"
            }
        }

        /// The profile with the yellow-flag suffix for profile 3 (`3b+Y`); the profile otherwise.
        public var subprofile: String {
            if case .profile3(_, true) = self { return profile + "+Y" }
            return profile
        }
    }

    public var assignment: Assignment
    /// Cauda equina known present (profile 2's decisive sign, marked urgent).
    public var urgent: Bool
    /// The rule inputs whose absence left the participant unclassified, in canonical field order.
    public var missingInputs: [Field]
    /// The clusters (`profile1.malignancy`, `profile2.radicular`, ...) that fired, in rule order.
    public var firedRules: [String]
    /// Age in years at screening: screening year minus birth year.
    public var age: Double?
    /// (screening date - onset date) in days / 7.
    public var durationWeeks: Double?
    /// age - duration_weeks / 52.1775.
    public var ageAtOnset: Double?
    public var ompsqTotal: Int?
    public var startBackTotal: Int?
    public var startBackPsychosocial: Int?

    /// STarT Back risk group: `low` (total <= 3), `medium` (total >= 4, psychosocial <= 3),
    /// `high` (psychosocial >= 4); nil when an item is missing.
    public var startBackRisk: String? {
        guard let total = startBackTotal, let psychosocial = startBackPsychosocial else { return nil }
        if psychosocial >= 4 { return "high" }
        return total <= 3 ? "low" : "medium"
    }
}

/// A sign's three-valued state: true, false, or unknown because an input is missing.
struct Sign {
    var value: Bool?
    /// The rule inputs that make it unknown (empty when known).
    var unknownInputs: [Field]

    static func known(_ value: Bool) -> Sign { Sign(value: value, unknownInputs: []) }
    static func unknown(_ fields: [Field]) -> Sign { Sign(value: nil, unknownInputs: fields) }

    static func from(_ value: Bool?, input: Field) -> Sign {
        value.map(Sign.known) ?? .unknown([input])
    }
}

/// A cluster's three-valued result.
enum ClusterState: Equatable {
    case fired
    case notFired
    case undetermined
}

/// "Fires when ANY decisive sign is true, or when AT LEAST k supporting signs are true", evaluated
/// over three values: fired when known-true signs already satisfy it, not fired when it cannot fire
/// even with every unknown sign true, undetermined otherwise.
struct Cluster {
    var name: String
    var decisive: [Sign]
    var supporting: [Sign]
    var k: Int

    var state: ClusterState {
        let decisiveTrue = decisive.contains { $0.value == true }
        let decisiveUnknown = decisive.contains { $0.value == nil }
        let supportingTrue = supporting.filter { $0.value == true }.count
        let supportingUnknown = supporting.filter { $0.value == nil }.count
        let supportingCanFire = !supporting.isEmpty && supportingTrue + supportingUnknown >= k
        if decisiveTrue || (!supporting.isEmpty && supportingTrue >= k) { return .fired }
        if !decisiveUnknown && !supportingCanFire { return .notFired }
        return .undetermined
    }

    /// The inputs of this cluster's unknown signs.
    var unknownInputs: [Field] {
        (decisive + supporting).flatMap(\.unknownInputs)
    }
}

public enum DefaultProfileRules {
    /// Weeks per year used by the default rules to turn weeks into years (365.2425 / 7).
    public static let weeksPerYear = 52.1775

    /// The participant's profile under the default rules, from the values as collected.
    public static func classify(_ screening: Screening) -> GroundTruth {
        let age = Double(screening.age)
        let durationWeeks: Double? = screening.onsetDate.value.map {
            Double($0.days(to: screening.screeningDate)) / 7
        }
        let ageAtOnset = durationWeeks.map { age - $0 / weeksPerYear }

        let ompsqTotal = ompsqScore(screening.ompsq)
        let (startBackTotal, startBackPsychosocial) = startBackScores(screening.startBack)

        let clusters1 = profile1Clusters(screening, age: age, ageAtOnset: ageAtOnset)
        let cluster2 = profile2Cluster(screening)

        var truth = GroundTruth(
            assignment: .unclassified, urgent: screening.caudaEquina.value == true, missingInputs: [],
            firedRules: [], age: age, durationWeeks: durationWeeks, ageAtOnset: ageAtOnset,
            ompsqTotal: ompsqTotal, startBackTotal: startBackTotal, startBackPsychosocial: startBackPsychosocial)
        truth.firedRules = clusters1.filter { $0.state == .fired }.map { "profile1." + $0.name }
        if cluster2.state == .fired { truth.firedRules.append("profile2." + cluster2.name) }

        // First match wins in the order 1, 2, 3; an undetermined earlier profile blocks later ones.
        if clusters1.contains(where: { $0.state == .fired }) {
            truth.assignment = .profile1
            return truth
        }
        let undetermined1 = clusters1.filter { $0.state == .undetermined }
        if !undetermined1.isEmpty {
            truth.missingInputs = canonicalOrder(undetermined1.flatMap(\.unknownInputs))
            return truth
        }
        switch cluster2.state {
        case .fired:
            truth.assignment = .profile2
            return truth
        case .undetermined:
            truth.missingInputs = canonicalOrder(cluster2.unknownInputs)
            return truth
        case .notFired:
            break
        }
        var missing: [Field] = []
        if durationWeeks == nil { missing.append(.durationWeeks) }
        if ompsqTotal == nil { missing.append(.ompsqTotal) }
        guard let durationWeeks, let ompsqTotal else {
            truth.missingInputs = missing
            return truth
        }
        truth.assignment = .profile3(chronic: durationWeeks >= 12, yellowFlags: ompsqTotal >= 50)
        truth.firedRules.append("profile3")
        return truth
    }

    /// ÖMPSQ-10 total (Linton 2011): item 1 scores its duration category, items 3, 4 and 8 are
    /// reversed; nil when any item is missing.
    public static func ompsqScore(_ items: [Observed<Int>]) -> Int? {
        var total = 0
        for (offset, item) in items.enumerated() {
            guard let value = item.value else { return nil }
            let itemNumber = offset + 1
            total += [3, 4, 8].contains(itemNumber) ? 10 - value : value
        }
        return total
    }

    /// STarT Back total (items 1...8 yes = 1, item 9 in {4, 5} = 1) and psychosocial subscale
    /// (items 5...9 scored the same way); nil when any item is missing.
    public static func startBackScores(_ items: [Observed<Int>]) -> (total: Int?, psychosocial: Int?) {
        var scored: [Int] = []
        for (offset, item) in items.enumerated() {
            guard let value = item.value else { return (nil, nil) }
            scored.append(offset == 8 ? (value >= 4 ? 1 : 0) : value)
        }
        return (scored.reduce(0, +), scored[4...].reduce(0, +))
    }

    /// Age at onset of the current episode, in the rules' own terms.
    static func ageAtOnset(age: Int, durationDays: Int) -> Double {
        Double(age) - Double(durationDays) / 7 / weeksPerYear
    }

    static func profile1Clusters(_ screening: Screening, age: Double, ageAtOnset: Double?) -> [Cluster] {
        func flag(_ flag: RedFlag) -> Sign { .known(screening.redFlag(flag)) }
        let esr = Sign.from(screening.raisedESR.value, input: .rfRaisedESR)
        let onsetOver50 = ageAtOnset.map { Sign.known($0 > 50) } ?? .unknown([.ageAtOnset])
        let onsetUnder20 = ageAtOnset.map { Sign.known($0 < 20) } ?? .unknown([.ageAtOnset])
        return [
            Cluster(name: "malignancy", decisive: [], supporting: [
                onsetOver50, flag(.continuousPain), flag(.nightPain), flag(.malaise), flag(.historyMalignancy),
                flag(.weightLoss), esr,
            ], k: 3),
            Cluster(name: "osteoporotic_fracture", decisive: [], supporting: [
                .known(age > 60), .known(screening.sex == .female), flag(.lowBodyWeight), flag(.corticosteroids),
                flag(.heightLoss), flag(.kyphosis),
            ], k: 4),
            Cluster(name: "ankylosing_spondylitis", decisive: [], supporting: [
                onsetUnder20, .known(screening.sex == .male), flag(.iridocyclitis), flag(.arthritisOrIBD),
                flag(.nightPain), flag(.morningStiffness), flag(.betterWithMovement), flag(.nsaidResponse), esr,
            ], k: 4),
            Cluster(name: "vertebral_fracture", decisive: [flag(.trauma)], supporting: [], k: 0),
            Cluster(name: "spondylolisthesis", decisive: [], supporting: [onsetUnder20, flag(.palpableStep)], k: 2),
        ]
    }

    static func profile2Cluster(_ screening: Screening) -> Cluster {
        Cluster(
            name: "radicular",
            decisive: [Sign.from(screening.caudaEquina.value, input: .caudaEquina)],
            supporting: RadicularSign.allCases.map { .known(screening.radicularSign($0)) },
            k: 2)
    }

    private static func canonicalOrder(_ fields: [Field]) -> [Field] {
        Array(Set(fields)).sorted()
    }
}

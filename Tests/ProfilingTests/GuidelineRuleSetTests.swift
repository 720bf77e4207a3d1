import Testing
import StudyModel
import PipelineSpec
import TestSupport
@testable import Profiling

/// The shipped 2010 guideline rule set, loaded from `Pipelines/rules/guideline-2010.yml`.
@Suite struct GuidelineRuleSetTests {
    let rules: RuleSet

    init() throws {
        rules = try RuleSet.load(path: Repository.path("Pipelines/rules/guideline-2010.yml"),
                                 displayName: "Pipelines/rules/guideline-2010.yml")
    }

    /// A participant with every profile input known and nothing abnormal: profile 3a, no flags.
    static func plain(_ changes: [Field: Value] = [:]) -> ParticipantRecord {
        var values = FieldValues(level: .participant)
        let flags: [Field] = [
            .rfContinuousPain, .rfNightPain, .rfMalaise, .rfHistoryMalignancy, .rfWeightLoss, .rfRaisedESR,
            .rfCorticosteroids, .rfHeightLoss, .rfKyphosis, .rfLowBodyWeight, .rfIridocyclitis, .rfArthritisOrIBD,
            .rfMorningStiffness, .rfBetterWithMovement, .rfNSAIDResponse, .rfTrauma, .rfPalpableStep,
            .radUnilateralLegPain, .radLegPainDominant, .radNeuroDeficit, .radReflexChange, .caudaEquina,
        ]
        for flag in flags { values[flag] = .boolean(false) }
        values[.sex] = .text("M")
        values[.age] = .number(40)
        values[.durationWeeks] = .number(6)
        values[.ompsqTotal] = .number(30)
        for (field, value) in changes { values[field] = value }
        return ParticipantRecord(id: "P1", site: "S1", arm: nil, values: values, sources: [])
    }

    @Test func loadsNameVersionAndProfilesInOrder() {
        #expect(rules.identity == "guideline-2010 1.0")
        #expect(rules.profiles.map(\.code) == ["1", "2", "3"])
        #expect(rules.profiles[2].split.map(\.code) == ["3a", "3b"])
    }

    @Test func plainParticipantIsThreeA() {
        let result = rules.assign(Self.plain())
        #expect(result.status == .classified)
        #expect(result.profile == "3a")
        #expect(result.subprofile == "3a")
        // The split has no rule name: its condition is traced under the code it decided.
        #expect(result.fired == [FiredRule(rule: "3a", evidence: ["duration_weeks < 12 (saw 6)"])])
        #expect(!result.urgent)
    }

    /// Urgent signs that cannot be judged are not "no urgent signs": the assignment keeps the
    /// missing field, whatever profile it has.
    @Test func anUndecidedUrgentRuleKeepsItsMissingInput() {
        var radicular = Self.plain([.radUnilateralLegPain: .boolean(true), .radLegPainDominant: .boolean(true)])
        radicular.values[.caudaEquina] = .missing(.empty)
        let unknown = rules.assign(radicular)
        #expect(unknown.profile == "2")
        #expect(!unknown.urgent)
        #expect(unknown.urgentMissingInputs == [.caudaEquina])
        #expect(unknown.urgencyUnknown)
        #expect(unknown.missingInputs.isEmpty)

        radicular.values[.caudaEquina] = .boolean(true)
        let urgent = rules.assign(radicular)
        #expect(urgent.urgent && urgent.urgentMissingInputs.isEmpty && !urgent.urgencyUnknown)
        let decided = rules.assign(Self.plain())
        #expect(!decided.urgent && decided.urgentMissingInputs.isEmpty && !decided.urgencyUnknown)
    }

    @Test(arguments: [(11.9, "3a"), (12.0, "3b"), (0.0, "3a"), (520.0, "3b")])
    func durationSplitsAtTwelveWeeks(weeks: Double, expected: String) {
        #expect(rules.assign(Self.plain([.durationWeeks: .number(weeks)])).profile == expected)
    }

    @Test(arguments: [(49.0, "3b"), (50.0, "3b+Y"), (100.0, "3b+Y")])
    func yellowFlagsFromOmpsqFifty(total: Double, expected: String) {
        let result = rules.assign(Self.plain([.durationWeeks: .number(20), .ompsqTotal: .number(total)]))
        #expect(result.subprofile == expected)
        #expect(result.fired.contains { $0.rule == "yellow_flags" } == expected.hasSuffix("+Y"))
    }

    /// Malignancy: three of seven signs, one of them onset after 50 (age at onset 50 is not "after 50").
    @Test(arguments: [(50.0, "3a"), (50.5, "1")])
    func malignancyOnsetAfterFifty(ageAtOnset: Double, expected: String) {
        let record = Self.plain([
            .ageAtOnset: .number(ageAtOnset), .rfNightPain: .boolean(true), .rfWeightLoss: .boolean(true),
        ])
        #expect(rules.assign(record).profile == expected)
    }

    @Test func malignancyNeedsThreeSigns() {
        let two = Self.plain([.rfNightPain: .boolean(true), .rfWeightLoss: .boolean(true)])
        #expect(rules.assign(two).profile == "3a")
        let three = Self.plain([.rfNightPain: .boolean(true), .rfWeightLoss: .boolean(true), .rfMalaise: .boolean(true)])
        let result = rules.assign(three)
        #expect(result.profile == "1")
        #expect(result.fired.map(\.rule) == ["malignancy"])
        #expect(result.fired.first?.evidence == ["rf_night_pain", "rf_malaise", "rf_weight_loss"])
    }

    /// A pipeline file's `profiles.thresholds` sets a named rule's count; the rule set's identity
    /// then says so, and every other rule is as written.
    @Test func thresholdsFromThePipelineFileSetTheCount() throws {
        let at = SourceLocation(file: "p.yml", line: 9, column: 17)
        let (lowered, problems) = rules.settingThresholds([
            .init(rule: "malignancy", atLeast: 2, ruleLocation: at, countLocation: SourceLocation(file: "p.yml", line: 9, column: 29)),
        ])
        #expect(problems.isEmpty)
        #expect(lowered.identity == "guideline-2010 1.0 with malignancy at least 2")
        let two = Self.plain([.rfNightPain: .boolean(true), .rfWeightLoss: .boolean(true)])
        #expect(rules.assign(two).profile == "3a")
        let result = lowered.assign(two)
        #expect(result.profile == "1")
        #expect(result.fired.map(\.rule) == ["malignancy"])
        // Nothing else changed: the same rule set but for that one count.
        #expect(lowered.urgent == rules.urgent)
        #expect(lowered.profiles.dropFirst() == rules.profiles.dropFirst())
        #expect(lowered.atLeastRuleSigns.mapValues { [$0.rules, $0.fewest] } == rules.atLeastRuleSigns.mapValues { [$0.rules, $0.fewest] })
        #expect(rules.settingThresholds([]).ruleSet == rules)
    }

    @Test func thresholdsForNoSuchRuleOrTooManySignsAreLocatedErrors() {
        let name = SourceLocation(file: "p.yml", line: 9, column: 17)
        let count = SourceLocation(file: "p.yml", line: 9, column: 30)
        let (unchanged, problems) = rules.settingThresholds([
            .init(rule: "cauda_equina", atLeast: 1, ruleLocation: name, countLocation: count),
            .init(rule: "radicular_signs", atLeast: 5, ruleLocation: name, countLocation: count),
        ])
        #expect(unchanged == rules)
        #expect(problems.map(\.location) == [name, count])
        #expect(problems.allSatisfy { $0.severity == .error && $0.rule == "spec.threshold" })
        #expect(problems.map(\.message) == [
            "the rule set 'guideline-2010 1.0' has no 'at_least' rule named 'cauda_equina' (its 'at_least' rules: "
                + "'ankylosing_spondylitis', 'malignancy', 'osteoporotic_fracture', 'radicular_signs', 'spondylolisthesis')",
            "'radicular_signs' would need 5 signs but lists 4",
        ])
    }

    /// A rule written 'at least 1' whose signs one condition makes hold together may not be
    /// raised to 2 by the pipeline file: that condition would count twice.
    @Test func aThresholdMayNotMakeOneConditionCountTwice() throws {
        let written = try RuleSet.parse("""
            rule_set: {name: t, version: "1", title: T}
            profiles:
              - {code: "1", label: One, rule: fracture, at_least: 1, of: [rf_trauma, {any_of: [rf_trauma, age > 70]}, rf_kyphosis]}
              - {code: "2", label: Two, otherwise: true}
            """, file: "rules.yml")
        let at = SourceLocation(file: "p.yml", line: 9, column: 30)
        let (unchanged, problems) = written.settingThresholds([.init(rule: "fracture", atLeast: 2, ruleLocation: at, countLocation: at)])
        #expect(unchanged == written)
        #expect(problems.map(\.message) == [
            "with the counts set, 'rf_trauma' alone makes signs 1 and 2 of 'fracture' hold, so it would count twice towards 'at_least'",
        ])
        #expect(problems.first?.location == at)
        #expect(written.settingThresholds([.init(rule: "fracture", atLeast: 1, ruleLocation: at, countLocation: at)]).problems.isEmpty)
        // A nested rule sharing a sign is refused as written, whatever count a pipeline file
        // would lower it to later: its conditions make the outer rule's other sign hold too.
        #expect(throws: SpecError.self) {
            try RuleSet.parse("""
                rule_set: {name: t, version: "1", title: T}
                profiles:
                  - {code: "1", label: One, rule: outer, at_least: 2, of: [rf_trauma, {rule: inner, at_least: 2, of: [rf_trauma, rf_kyphosis]}]}
                  - {code: "2", label: Two, otherwise: true}
                """, file: "rules.yml")
        }
    }

    /// Signs with too many ways to hold to list are still asked whether one condition alone
    /// makes both hold.
    @Test func signsTooManyToListStillCountOnce() {
        func sign(_ base: Int) -> Rule {
            let ages = (1...16).map { Rule.condition(Condition(field: .age, test: .compare(.greaterThan, Double(base + $0)))) }
            return .anyOf(name: nil, [.condition(Condition(field: .rfTrauma, test: .isTrue)), .atLeast(name: nil, k: 7, ages)])
        }
        #expect(sign(200).satisfyingSets() == nil)
        #expect(Rule.signsCountedTwice([sign(200), sign(300)]).map(\.sign) == [1])
        #expect(Rule.signsCountedTwice([sign(200), .condition(Condition(field: .rfKyphosis, test: .isTrue))]).isEmpty)
    }

    /// A count that makes an outer rule count twice is located at that count, not at another.
    @Test func aThresholdCountingTwiceIsLocatedAtItsOwnEntry() throws {
        let written = try RuleSet.parse("""
            rule_set: {name: t, version: "1", title: T}
            profiles:
              - {code: "1", label: One, rule: outer, at_least: 2, of: [{all_of: [rf_trauma, rf_kyphosis]}, {rule: inner, at_least: 2, of: [rf_trauma, rf_malaise]}]}
              - {code: "2", label: Two, rule: other, at_least: 2, of: [rf_night_pain, rf_weight_loss, rf_malaise]}
              - {code: "3", label: Three, otherwise: true}
            """, file: "rules.yml")
        let first = SourceLocation(file: "p.yml", line: 9, column: 30)
        let second = SourceLocation(file: "p.yml", line: 9, column: 40)
        let problems = written.settingThresholds([
            .init(rule: "other", atLeast: 3, ruleLocation: first, countLocation: first),
            .init(rule: "inner", atLeast: 1, ruleLocation: second, countLocation: second),
        ]).problems
        #expect(problems.map(\.location) == [second], "\(problems)")
    }

    /// Two `at_least` rules of one name: a count must suit the one with the fewest signs, and
    /// then sets both.
    @Test func aThresholdForANameTwoRulesShareMustSuitEach() throws {
        var shared = rules
        let radicular = try #require(shared.profiles[1].match)
        guard case .anyOf(let name, var members) = radicular, case .atLeast(_, let k, let signs) = members[1] else {
            Issue.record("profile 2 is not 'any of (cauda equina, at least k of the radicular signs)'")
            return
        }
        members[1] = .atLeast(name: "malignancy", k: k, signs)
        shared.profiles[1].match = .anyOf(name: name, members)
        let at = SourceLocation(file: "p.yml", line: 9, column: 30)
        let (_, tooMany) = shared.settingThresholds([.init(rule: "malignancy", atLeast: 5, ruleLocation: at, countLocation: at)])
        #expect(tooMany.map(\.message) == ["'malignancy' would need 5 signs but 2 rules have that name, one listing 4"])
        let (both, problems) = shared.settingThresholds([.init(rule: "malignancy", atLeast: 4, ruleLocation: at, countLocation: at)])
        #expect(problems.isEmpty)
        guard case .anyOf(_, let changed)? = both.profiles[1].match, case .atLeast(_, let four, _) = changed[1],
              case .anyOf(_, let clusters)? = both.profiles[0].match, case .atLeast(_, let malignancy, _) = clusters[0]
        else {
            Issue.record("the rule set's shape changed")
            return
        }
        #expect([four, malignancy] == [4, 4])
    }

    @Test func osteoporoticFractureNeedsFourIncludingAgeOverSixty() {
        let base: [Field: Value] = [.sex: .text("F"), .rfCorticosteroids: .boolean(true), .rfKyphosis: .boolean(true)]
        var sixty = base
        sixty[.age] = .number(60)
        #expect(rules.assign(Self.plain(sixty)).profile == "3a")
        var sixtyOne = base
        sixtyOne[.age] = .number(61)
        let result = rules.assign(Self.plain(sixtyOne))
        #expect(result.profile == "1")
        #expect(result.fired.first?.evidence == ["age > 60 (saw 61)", "sex = F (saw F)", "rf_corticosteroids", "rf_kyphosis"])
    }

    @Test func ankylosingSpondylitisNeedsFour() {
        let three = Self.plain([.rfIridocyclitis: .boolean(true), .rfMorningStiffness: .boolean(true)])  // + sex M
        #expect(rules.assign(three).profile == "3a")
        let four = Self.plain([.rfIridocyclitis: .boolean(true), .rfMorningStiffness: .boolean(true),
                               .rfNSAIDResponse: .boolean(true)])
        #expect(rules.assign(four).fired.map(\.rule) == ["ankylosing_spondylitis"])
    }

    @Test func traumaAloneIsDecisive() {
        let result = rules.assign(Self.plain([.rfTrauma: .boolean(true)]))
        #expect(result.profile == "1")
        #expect(result.fired.map(\.rule) == ["vertebral_fracture"])
    }

    @Test(arguments: [(19.9, "1"), (20.0, "3a")])
    func spondylolisthesisOnsetBeforeTwenty(ageAtOnset: Double, expected: String) {
        let record = Self.plain([.ageAtOnset: .number(ageAtOnset), .age: .number(21), .rfPalpableStep: .boolean(true)])
        #expect(rules.assign(record).profile == expected)
    }

    @Test func radicularNeedsTwoSigns() {
        #expect(rules.assign(Self.plain([.radUnilateralLegPain: .boolean(true)])).profile == "3a")
        let result = rules.assign(Self.plain([.radUnilateralLegPain: .boolean(true), .radReflexChange: .boolean(true)]))
        #expect(result.profile == "2")
        #expect(!result.urgent)
    }

    @Test func caudaEquinaIsProfileTwoAndUrgent() {
        let result = rules.assign(Self.plain([.caudaEquina: .boolean(true)]))
        #expect(result.profile == "2")
        #expect(result.urgent)
    }

    @Test func caudaEquinaIsUrgentEvenWhenRedFlagsWin() {
        let result = rules.assign(Self.plain([.caudaEquina: .boolean(true), .rfTrauma: .boolean(true)]))
        #expect(result.profile == "1")
        #expect(result.urgent)
    }

    @Test func firstMatchWinsRedFlagsOverRadicularOverNonSpecific() {
        let both = Self.plain([
            .rfTrauma: .boolean(true), .radUnilateralLegPain: .boolean(true), .radLegPainDominant: .boolean(true),
            .durationWeeks: .number(30), .ompsqTotal: .number(80),
        ])
        #expect(rules.assign(both).profile == "1")
        var radicular = both
        radicular.values[.rfTrauma] = .boolean(false)
        #expect(rules.assign(radicular).profile == "2")
        #expect(rules.assign(radicular).subprofile == "2")
    }

    @Test func missingRedFlagInputsLeaveTheParticipantUnclassified() {
        let record = Self.plain([.rfTrauma: .missing(.notDone)])
        let result = rules.assign(record)
        #expect(result.status == .unclassified)
        #expect(result.profile == nil)
        #expect(result.missingInputs == [.rfTrauma])
    }

    @Test func missingSignsThatCannotChangeTheOutcomeDoNotMatter() {
        // Malignancy needs 3 of 7; with five known absent, two unknown signs cannot reach three.
        let record = Self.plain([.rfNightPain: .missing(.empty), .rfMalaise: .missing(.notAsked)])
        #expect(rules.assign(record).profile == "3a")
    }

    @Test func missingDurationOrOmpsqIsUnclassifiedNotProfileThree() {
        var noDuration = Self.plain()
        noDuration.values[.durationWeeks] = nil
        let result = rules.assign(noDuration)
        #expect(result.status == .unclassified)
        #expect(result.missingInputs.contains(.durationWeeks))

        let noOmpsq = Self.plain([.ompsqTotal: .missing(.askedButUnknown)])
        let second = rules.assign(noOmpsq)
        #expect(second.status == .unclassified)
        #expect(second.missingInputs == [.ompsqTotal])
    }

    @Test func derivesAgeAtOnsetAndOmpsqTotalWithTrail() throws {
        var record = Self.plain([.ompsqTotal: .missing(.empty)])
        record.values[.ompsqTotal] = nil
        let items: [Double] = [10, 8, 1, 2, 8, 7, 8, 3, 7, 6]  // 10+8+9+8+8+7+8+7+7+6 = 78
        for (field, value) in zip(Field.ompsqItems, items) { record.values[field] = .number(value) }
        record.values[.age] = .number(62)
        record.values[.durationWeeks] = .number(52.1775 * 2)
        let result = rules.assign(record)
        #expect(result.subprofile == "3b+Y")
        #expect(result.derivations.contains { $0.hasPrefix("ompsq_total = 78 ") })
        #expect(result.derivations.contains { $0.hasPrefix("age_at_onset = 60 ") })
        // A derived value is described as the rules compare it, not rounded: 50.0007 is over 50.
        var nearFifty = record
        nearFifty.values[.age] = .number(51)
        nearFifty.values[.durationWeeks] = .number(365.0 / 7)
        let ageAtOnset = 51 - 365.0 / 7 / 52.1775
        #expect(ageAtOnset > 50 && ageAtOnset < 50.001)
        #expect(rules.assign(nearFifty).derivations.contains {
            $0.hasPrefix("age_at_onset = \(Value.format(ageAtOnset)) from age 51 - duration_weeks \(Value.format(365.0 / 7)) ")
        })
        // The values alone, as the analysis takes them, are those the trail describes.
        let derived = DerivedInputs.derive(record.values)
        #expect(derived.derivations.count >= 2)
        #expect(DerivedInputs.values(record.values) == derived.values)
        #expect(derived.values[.ompsqTotal] == .number(78))
        // Without the trail: the same assignment, with no derivations described.
        let untraced = rules.assign(record, describingDerivations: false)
        #expect(untraced.derivations.isEmpty)
        var traced = result
        traced.derivations = []
        #expect(untraced == traced)
        #expect(untraced.ruleSet == rules.identity)
    }

    /// A value lbp emptied (out of range under null-field) is kept empty: the rules find it
    /// unknown, and it is not computed again from its sources. An empty cell or a missing-data
    /// code holds no value, also when `required` reported it: the duration comes from the dates.
    @Test func valuesARuleEmptiedAreNotDerivedAgain() {
        var record = Self.plain()
        record.values[.durationWeeks] = .missing(.declared(code: MissingReason.invalidCode, label: "emptied by rule 'range'"))
        record.values[.onsetDate] = .date(CalendarDate(year: 2024, month: 1, day: 1)!)
        record.values[.screeningDate] = .date(CalendarDate(year: 2024, month: 6, day: 1)!)
        let result = rules.assign(record)
        #expect(result.status == .unclassified)
        #expect(result.missingInputs == [.durationWeeks])
        #expect(!result.derivations.contains { $0.hasPrefix("duration_weeks") })
        // Nor does a duration `required` reported empty under `null-field`: nothing was taken away.
        for reason in [MissingReason.empty, .notDone, .emptied(byRule: "required")] {
            record.values[.durationWeeks] = .missing(reason)
            #expect(rules.assign(record).subprofile == "3b", "\(reason)")
        }
    }

    /// A rule set with a gap leaves a participant whose rules are all decided unclassified, with
    /// the gap as the reason (no input is missing).
    @Test func aParticipantNoProfileTakesIsUnclassifiedWithTheGap() throws {
        let gaps = try RuleSet.parse("""
            rule_set: {name: t, version: "1", title: T}
            profiles:
              - {code: legs, label: Legs, any_of: [rad_leg_pain_dominant]}
              - code: "3"
                label: Three
                when: duration_weeks >= 1
                split:
                  - {code: 3a, label: Short, when: duration_weeks < 6}
                  - {code: 3b, label: Long, when: duration_weeks >= 12}
            """, file: "rules.yml")
        let reasons = [0.5, 8, 20, 3].map { weeks in
            gaps.assign(Self.plain([.durationWeeks: .number(weeks)]))
        }
        #expect(reasons.map(\.unclassifiedReason) == [.noProfileHolds, .noSubdivisionHolds(profile: "3"), nil, nil])
        #expect(reasons.map(\.profile) == [nil, nil, "3b", "3a"])
        #expect(reasons.prefix(2).allSatisfy { $0.status == .unclassified && $0.missingInputs.isEmpty })
        #expect(reasons.map { $0.unclassifiedReason?.description ?? "" } == ["no profile holds", "no subdivision of profile '3' holds", "", ""])
        var unknown = Self.plain()
        unknown.values[.radLegPainDominant] = .missing(.empty)
        let missing = gaps.assign(unknown)
        #expect(missing.unclassifiedReason == .missingInputs && missing.missingInputs == [.radLegPainDominant])
    }

    @Test func onsetAfterScreeningGivesNoDuration() {
        var record = Self.plain()
        record.values[.durationWeeks] = nil
        record.values[.onsetDate] = .date(CalendarDate(year: 2024, month: 3, day: 2)!)
        record.values[.screeningDate] = .date(CalendarDate(year: 2024, month: 3, day: 1)!)
        let result = rules.assign(record)
        #expect(result.status == .unclassified)
        #expect(result.missingInputs == [.durationWeeks])
        #expect(result.derivations.contains { $0.hasPrefix("duration_weeks left empty: onset_date 2024-03-02 is after") })
        #expect(DerivedInputs.values(record.values)[.durationWeeks] == nil)
    }

    /// Conditions outside any named rule are traced under the profile, suffix or urgent rule
    /// they decided, so that `rules_fired` never leaves a decision unexplained.
    @Test func unnamedRulesAreTracedUnderWhatTheyDecided() throws {
        let unnamed = try RuleSet.parse("""
            rule_set: {name: t, version: "1", title: T}
            urgent:
              - any_of: [cauda_equina]
            profiles:
              - code: old
                label: Old
                when: age > 60
                suffixes:
                  - {suffix: "+F", when: sex = F}
              - code: other
                label: Other
                otherwise: true
            """, file: "rules.yml")
        var values = FieldValues(level: .participant)
        values[.age] = .number(61)
        values[.sex] = .text("F")
        values[.caudaEquina] = .boolean(true)
        let result = unnamed.assign(ParticipantRecord(id: "P", site: "S", arm: nil, values: values, sources: []))
        #expect(result.subprofile == "old+F")
        #expect(result.fired.map(\.description) == [
            "urgent: cauda_equina", "old: age > 60 (saw 61)", "+F: sex = F (saw F)",
        ])
        // Undecided, the participant has no code: the codes' entries leave the trail, the
        // urgent sign stays.
        values[.sex] = .missing(.notAsked)
        let undecided = unnamed.assign(ParticipantRecord(id: "P", site: "S", arm: nil, values: values, sources: []))
        #expect(undecided.status == .unclassified)
        #expect(undecided.missingInputs == [.sex])
        #expect(undecided.fired.map(\.description) == ["urgent: cauda_equina"])
    }

    @Test func identityFollowsNameAndVersion() {
        var renamed = rules
        #expect(renamed.identity == "\(rules.name) \(rules.version)")
        renamed.name = "local"
        renamed.version = "2.1"
        #expect(renamed.identity == "local 2.1")
        #expect(renamed.assign(Self.plain([:])).ruleSet == "local 2.1")
    }
}

@Suite struct StartBackRuleSetTests {
    let rules: RuleSet

    init() throws {
        rules = try RuleSet.load(path: Repository.path("Pipelines/rules/startback.yml"))
    }

    private func record(_ items: [Double]) -> ParticipantRecord {
        var values = FieldValues(level: .participant)
        for (field, value) in zip(Field.startBackItems, items) {
            values[field] = field == .startBack9 ? .number(value) : .boolean(value == 1)
        }
        values[.caudaEquina] = .boolean(false)
        return ParticipantRecord(id: "P", site: "S", arm: nil, values: values, sources: [])
    }

    @Test func stratifiesLowMediumHigh() {
        #expect(rules.assign(record([1, 1, 1, 0, 0, 0, 0, 0, 1])).profile == "low")      // total 3
        #expect(rules.assign(record([1, 1, 1, 1, 0, 0, 0, 0, 1])).profile == "medium")   // total 4, psych 0
        #expect(rules.assign(record([1, 1, 1, 0, 1, 1, 1, 0, 1])).profile == "medium")   // psych 3
        #expect(rules.assign(record([0, 0, 0, 0, 1, 1, 1, 0, 4])).profile == "high")     // psych 4
    }

    /// A total the export carries is kept when only the subscale is computed from the items.
    @Test func carriedTotalIsKeptBesideADerivedSubscale() {
        var participant = record([1, 1, 1, 1, 0, 0, 0, 0, 1])  // items: total 4, psychosocial 0
        participant.values[.startBackTotal] = .number(2)
        let result = rules.assign(participant)
        #expect(result.profile == "low")
        #expect(result.derivations == ["startback_psychosocial = 0 from startback_1...startback_9"])
        let values = DerivedInputs.values(participant.values)
        #expect(values[.startBackTotal] == .number(2))
        #expect(values[.startBackPsychosocial] == .number(0))
    }

    @Test func missingItemIsUnclassified() {
        var participant = record([1, 1, 1, 0, 0, 0, 0, 0, 1])
        participant.values[.startBack5] = .missing(.notDone)
        let result = rules.assign(participant)
        #expect(result.status == .unclassified)
        #expect(result.missingInputs == [.startBackPsychosocial])
    }
}

@Suite struct RuleSetLoadingErrorTests {
    private func errors(_ yaml: String) -> [String] {
        do {
            _ = try RuleSet.parse(yaml, file: "rules.yml")
            return []
        } catch {
            return error.diagnostics.map(\.description)
        }
    }

    private let header = """
        rule_set: {name: t, version: "1", title: T}

        """

    @Test func unknownKeyNamesLineAndColumn() {
        let found = errors(header + """
            profiles:
              - code: "1"
                label: One
                any_of: [rf_trauma]
                colour: red
            """)
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("rules.yml:6:5: error: unknown key 'colour'") == true)
    }

    /// Names, codes and labels are printed in one line of the reports.
    @Test func aLabelWithALineBreakIsLocated() {
        let found = errors(header + """
            profiles:
              - code: "1"
                label: "Serious\\npathology"
                any_of: [rf_trauma]
            """)
        #expect(found == ["rules.yml:4:12: error: 'profiles[0].label' must be one line; it holds a line break"])
        let rule = errors(header + """
            urgent:
              - {rule: "cauda\\nequina", any_of: [cauda_equina]}
            profiles:
              - {code: "1", label: One, otherwise: true}
            """)
        #expect(rule == ["rules.yml:3:12: error: 'urgent[0].rule' must be one line; it holds a line break"])
    }

    @Test func unknownFieldInConditionIsLocated() {
        let found = errors(header + """
            profiles:
              - code: "1"
                label: One
                at_least: 2
                of: [rf_trauma, rf_unicorn]
            """)
        #expect(found == ["rules.yml:6:21: error: unknown field 'rf_unicorn' in condition 'rf_unicorn'"])
    }

    @Test func thresholdBeyondMembersIsRejected() {
        let found = errors(header + """
            profiles:
              - code: "1"
                label: One
                at_least: 3
                of: [rf_trauma, rf_kyphosis]
            """)
        #expect(found == ["rules.yml:5:15: error: 'at_least' is 3 but the rule lists 2 signs"])
    }

    @Test func profileAfterOtherwiseIsUnreachable() {
        let found = errors(header + """
            profiles:
              - {code: "3", label: Three, otherwise: true}
              - {code: "4", label: Four, when: age > 3}
            """)
        #expect(found == ["rules.yml:4:5: error: this profile can never be reached: an earlier profile applies 'otherwise'"])
    }

    /// A blank `when:` or `at_least:` is an error at its key: read as absent, it dropped the
    /// rule, and with it the profile, urgent rule, subdivision or suffix, without a word.
    @Test func blankRuleValuesAreLocated() {
        let found = errors(header + """
            urgent:
              - {rule: cauda, when: }
            profiles:
              - {code: "1", label: One, any_of: [rf_trauma, {rule: old, when: }]}
              - {code: "2", label: Two, at_least: , of: [age > 50, sex = F]}
              - code: "3"
                label: Three
                otherwise: true
                split:
                  - {code: 3a, label: A, when: ~}
                  - {code: 3b, label: B, when: age > 3}
                suffixes:
                  - {suffix: "+Y", when: null}
            """)
        #expect(found == [
            "rules.yml:3:19: error: 'when' in 'urgent[0]' needs a value",
            "rules.yml:5:61: error: 'when' in 'profiles[0].any_of[1]' needs a value",
            "rules.yml:6:29: error: 'at_least' in 'profiles[1]' needs a value",
            "rules.yml:11:30: error: 'when' in 'profiles[2].split[0]' needs a value",
            "rules.yml:14:24: error: 'when' in 'profiles[2].suffixes[0]' needs a value",
        ])
    }

    /// Labels and rule names are printed in every report; blank they say nothing. A null rule
    /// key beside `otherwise: true` is a key left out.
    @Test func blankLabelsAndRuleNamesAreRejected() {
        let found = errors(header + """
            profiles:
              - {code: "1", label: '', when: rf_trauma}
              - {code: "2", label: Two, rule: ' ', when: rf_kyphosis}
              - code: "3"
                label: Three
                otherwise: true
                any_of: ~
                of: ~
                split:
                  - {code: 3a, label: ' ', when: age > 3}
                  - {code: 3b, label: B, when: age <= 3}
            """)
        #expect(found == [
            "rules.yml:3:24: error: 'profiles[0].label' must not be empty",
            "rules.yml:4:35: error: 'profiles[1].rule' must not be empty",
            "rules.yml:11:27: error: 'profiles[2].split[0].label' must not be empty",
        ])
    }

    /// Signs beside 'otherwise' are an unknown key, not silently dropped.
    @Test func signsBesideOtherwiseAreUnknown() {
        let found = errors(header + """
            profiles:
              - {code: "1", label: One, otherwise: true, of: [rf_trauma]}
            """)
        #expect(found.count == 1 && found.first?.contains("unknown key 'of'") == true, "\(found)")
        #expect(errors(header + """
            profiles:
              - {code: "1", label: One, otherwise: true, rule: everyone}
            """) == ["rules.yml:3:52: error: 'rule' names a profile's rule, and a profile with 'otherwise: true' has none"])
    }

    /// A sign listed twice would count twice towards `at_least`: one sign made "at least 2".
    @Test func aSignListedTwiceIsRejected() {
        let found = errors(header + """
            profiles:
              - {code: "1", label: One, rule: combo, at_least: 2, of: [rf_trauma, rf_night_pain, rf_trauma]}
              - {code: "2", label: Two, any_of: [{rule: a, when: age > 3}, {rule: a, when: age > 3}]}
              - {code: "3", label: Three, otherwise: true}
            """)
        // However wrapped or spelt, one sign alone counts once towards at_least; signs that share a
        // condition but need more than it are two signs, and with k = 1 nothing counts twice.
        let wrapped = errors(header + """
            profiles:
              - {code: "1", label: One, at_least: 2, of: [rf_trauma, {any_of: [rf_trauma]}]}
              - {code: "2", label: Two, at_least: 2, of: [sex = F, {rule: x, any_of: [age > 3, sex = f]}]}
              - {code: "3", label: Three, at_least: 2, of: [{all_of: [rf_kyphosis, age > 60]}, {all_of: [rf_kyphosis, rf_trauma]}]}
              - {code: "3b", label: Three b, at_least: 2, of: [{all_of: [rf_trauma, age > 60]}, {all_of: [age > 60, rf_trauma]}, rf_kyphosis]}
              - {code: "4", label: Four, at_least: 1, of: [rf_trauma, {any_of: [rf_trauma]}]}
              - {code: "5", label: Five, any_of: [rf_trauma, {any_of: [rf_trauma, age > 3]}], when: ~}
              - {code: "6", label: Six, otherwise: true}
            """)
        #expect(wrapped == [
            "rules.yml:3:58: error: 'rf_trauma' alone makes this sign and sign 1 hold, so it would count twice towards 'at_least'",
            "rules.yml:4:56: error: 'sex = F' alone makes this sign and sign 1 hold, so it would count twice towards 'at_least'",
            "rules.yml:6:85: error: 'rf_trauma' and 'age > 60' alone make this sign and sign 1 hold, so they would count twice towards 'at_least'",
        ])
        #expect(found == [
            "rules.yml:3:86: error: 'rf_trauma' is listed twice in this rule (first as sign 1)",
            "rules.yml:4:64: error: 'a: age > 3' is listed twice in this rule (first as sign 1)",
        ])
    }

    /// Every report names the rule set by its name, version and title.
    @Test func anEmptyRuleSetIdentityIsRejected() {
        let found = errors("""
            rule_set: {name: "", version: " ", title: ""}
            profiles:
              - {code: "3", label: Three, otherwise: true}
            """)
        #expect(found == [
            "rules.yml:1:18: error: 'rule_set.name' must not be empty",
            "rules.yml:1:31: error: 'rule_set.version' must not be empty",
            "rules.yml:1:43: error: 'rule_set.title' must not be empty",
        ])
    }

    @Test func duplicateCodesAreRejected() {
        let found = errors(header + """
            profiles:
              - {code: "1", label: One, when: rf_trauma}
              - {code: "1", label: Again, when: rf_kyphosis}
            """)
        #expect(found == ["rules.yml:4:12: error: the profile code '1' is used twice (first at rules.yml:3:12)"])
    }

    /// An empty code, or one the reports use for another group, would count a profile's
    /// participants with the unclassified or with everyone.
    @Test func emptyAndReservedCodesAreRejected() {
        let found = errors(header + """
            profiles:
              - {code: " ", label: Blank, when: rf_trauma}
              - {code: Unclassified, label: U, when: rf_kyphosis}
              - code: "3"
                label: Three
                otherwise: true
                split:
                  - {code: all, label: All, when: duration_weeks < 12}
                  - {code: 3b, label: Long, when: duration_weeks >= 12}
            """)
        #expect(found == [
            "rules.yml:3:12: error: a profile code is empty; reports name each group by its code",
            "rules.yml:4:12: error: the profile code 'Unclassified' is reserved: reports use it for participants without a profile",
            "rules.yml:9:16: error: the profile code 'all' is reserved: reports use it for everyone",
        ])
    }

    /// A code that a suffix makes out of another code would count two groups as one; so would a
    /// code that differs from another only in white space at its ends.
    @Test func codesThatSuffixesOrSpacesMakeAlikeAreRejected() {
        let found = errors(header + """
            profiles:
              - {code: "all ", label: Spaced, when: rf_trauma}
              - code: "3"
                label: Three
                otherwise: true
                split:
                  - {code: 3a, label: Short, when: duration_weeks < 12}
                  - {code: 3a+Y, label: Long, when: duration_weeks >= 12}
                suffixes:
                  - {suffix: "+Y", when: ompsq_total >= 50}
            """)
        #expect(found == [
            "rules.yml:3:12: error: the profile code 'all ' begins or ends with white space",
            "rules.yml:9:16: error: the subprofile '3a+Y' is both '3a' with '+Y' and the code '3a+Y'; reports would count the two as one group",
        ])
        // Suffixes: one that two others make, one with spaces, one that makes a reserved code.
        let suffixes = errors(header + """
            profiles:
              - {code: al, label: Al, when: rf_trauma, suffixes: [{suffix: l, when: age > 3}]}
              - code: "3"
                label: Three
                otherwise: true
                suffixes:
                  - {suffix: "+Y", when: ompsq_total >= 50}
                  - {suffix: "+S", when: age > 60}
                  - {suffix: "+Y+S", when: age > 70}
                  - {suffix: "+R ", when: age > 80}
            """)
        // With all eight suffixes a profile may take, and ignoring case.
        let six = (1...6).map { "{suffix: \"+\($0)\", when: age > \($0)}" }.joined(separator: ", ")
        #expect(errors(header + """
            profiles:
              - {code: Unclassif, label: U, when: rf_trauma, suffixes: [\(six), {suffix: i, when: age > 8}, {suffix: ED, when: age > 9}]}
            """) == ["rules.yml:3:12: error: a subprofile of 'Unclassif' with its suffixes can be 'unclassified', which is reserved: "
                + "reports use it for participants without a profile"])
        // A ninth suffix is refused: every subprofile (2⁹ of them) could not be checked.
        #expect(errors(header + """
            profiles:
              - {code: x+a+b, label: X, when: rf_trauma}
              - {code: x, label: U, when: rf_trauma, suffixes: [\(six), {suffix: +a, when: age > 8}, {suffix: +b, when: age > 9}, {suffix: +c, when: age > 9}]}
            """) == ["rules.yml:4:52: error: a profile takes at most 8 suffixes, found 9"])
        #expect(suffixes == [
            "rules.yml:3:12: error: a subprofile of 'al' with its suffixes can be 'all', which is reserved: reports use it for everyone",
            "rules.yml:4:11: error: the subprofile '3+Y+S' is both '3' with '+Y' and '+S' and '3' with '+Y+S'; "
                + "reports would count the two as one group",
            "rules.yml:11:18: error: the suffix '+R ' is empty or begins or ends with white space",
        ])
    }

    /// A subdivision's code is located where it is written, not at its profile.
    @Test func duplicateSubdivisionCodesAreLocated() {
        let found = errors(header + """
            profiles:
              - code: "3"
                label: Three
                otherwise: true
                split:
                  - {code: 3a, label: Short, when: duration_weeks < 12}
                  - {code: 3a, label: Long, when: duration_weeks >= 12}
            """)
        #expect(found == ["rules.yml:8:16: error: the profile code '3a' is used twice (first at rules.yml:7:16)"])
    }

    @Test func profileWithoutRuleIsRejected() {
        let found = errors(header + """
            profiles:
              - {code: "1", label: One}
            """)
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("rules.yml:3:5: error: the profile needs a rule") == true)
    }
}

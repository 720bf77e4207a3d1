import Testing
import StudyModel
@testable import Profiling

@Suite struct ConditionTests {
    private func values(_ entries: [(Field, Value)]) -> FieldValues {
        var values = FieldValues(level: .participant)
        for (field, value) in entries { values[field] = value }
        return values
    }

    @Test(arguments: [
        ("age_at_onset > 50", 50.0, Truth.no), ("age_at_onset > 50", 50.01, .yes),
        ("duration_weeks >= 12", 11.9, .no), ("duration_weeks >= 12", 12, .yes),
        ("duration_weeks < 12", 11.9, .yes), ("duration_weeks < 12", 12, .no),
        ("ompsq_total >= 50", 49, .no), ("ompsq_total >= 50", 50, .yes),
        ("age <= 60", 60, .yes), ("age != 60", 60, .no), ("age = 60", 60, .yes),
    ])
    func numericThresholdEdges(text: String, number: Double, expected: Truth) throws {
        let condition = try Condition(parsing: text)
        #expect(condition.evaluate(values([(condition.field, .number(number))])).truth == expected)
    }

    @Test func signsAndCodes() throws {
        let sign = try Condition(parsing: "rf_night_pain")
        #expect(sign.evaluate(values([(.rfNightPain, .boolean(true))])).truth == .yes)
        #expect(sign.evaluate(values([(.rfNightPain, .boolean(false))])).truth == .no)
        let female = try Condition(parsing: "sex = F")
        #expect(female.evaluate(values([(.sex, .text("F"))])).truth == .yes)
        #expect(female.evaluate(values([(.sex, .text("M"))])).truth == .no)
        // Codes compare ignoring case: `sex = f` holds for a woman too.
        let lower = try Condition(parsing: "sex = f")
        #expect(lower.evaluate(values([(.sex, .text("F"))])).truth == .yes)
    }

    @Test func missingInputsAreUnknownNeverFalse() throws {
        let condition = try Condition(parsing: "rf_trauma")
        #expect(condition.evaluate(values([])).truth == .unknown)
        #expect(condition.evaluate(values([(.rfTrauma, .missing(.notDone))])).truth == .unknown)
        #expect(condition.evaluate(values([(.rfTrauma, .missing(.empty))])).truth == .unknown)
    }

    @Test(arguments: ["no_such_field", "age > old", "rf_trauma > 1", "age", "visit_date < 3", "age >", "age > 0x32", "age > 1_000", "age > nan"])
    func malformedConditionsAreRejected(text: String) {
        #expect(throws: RuleSetError.self) { try Condition(parsing: text) }
    }

    /// A condition that could never hold is an error, not a sign that silently never fires: a
    /// sex other than the canonical `M` or `F`, a doubled operator, a field of a visit.
    @Test(arguments: [
        ("sex = V", "compares 'sex' with 'V'; sex is held as 'M' or 'F' whatever the export writes"),
        ("sex == F", "compares 'sex' with '= F'"),
        ("arm == strength", "has a second operator; write 'arm = value'"),
        ("pain_nrs >= 7", "reads the visit field 'pain_nrs'; rules judge the participant's own fields"),
        ("visit = baseline", "reads the visit field 'visit'"),
    ])
    func conditionsThatCouldNeverHoldAreRejected(text: String, message: String) {
        #expect(throws: RuleSetError.self) { try Condition(parsing: text) }
        do {
            _ = try Condition(parsing: text)
        } catch {
            #expect(error.message.contains(message), "\(error.message)")
        }
    }
}

@Suite struct RuleEvaluationTests {
    private func values(_ flags: [Field: Bool?]) -> FieldValues {
        var values = FieldValues(level: .participant)
        for (field, flag) in flags { values[field] = flag.map(Value.boolean) ?? .missing(.notDone) }
        return values
    }

    private let signs: [Field] = [.rfNightPain, .rfMalaise, .rfWeightLoss]

    private var atLeastTwo: Rule {
        .atLeast(name: "cluster", k: 2, signs.map { .condition(Condition(field: $0, test: .isTrue)) })
    }

    @Test func atLeastFiresWithEnoughKnownSigns() {
        let result = atLeastTwo.evaluate(values([.rfNightPain: true, .rfMalaise: true, .rfWeightLoss: nil]))
        #expect(result.truth == .yes)
        #expect(result.missing.isEmpty)
        #expect(result.fired == [FiredRule(rule: "cluster", evidence: ["rf_night_pain", "rf_malaise"])])
    }

    /// A named rule whose signs are named rules lists them by name (it fired with none listed),
    /// beside the conditions that held, in member order; an unnamed rule passes both up.
    @Test func aNamedRuleCitesTheNamedRulesWithinIt() {
        let trauma = Condition(field: .rfTrauma, test: .isTrue)
        let rule = Rule.anyOf(name: "fracture", [
            .allOf(name: nil, [.condition(trauma), atLeastTwo]),
            .condition(Condition(field: .rfWeightLoss, test: .isTrue)),
        ])
        var values = values([.rfNightPain: true, .rfMalaise: true, .rfWeightLoss: true])
        values[.rfTrauma] = .boolean(true)
        let result = rule.evaluate(values)
        #expect(result.fired == [
            FiredRule(rule: "cluster", evidence: ["rf_night_pain", "rf_malaise", "rf_weight_loss"]),
            FiredRule(rule: "fracture", evidence: ["rf_trauma", "cluster", "rf_weight_loss"]),
        ])
        #expect(result.evidence.isEmpty)
        #expect(result.namedRules == ["fracture"])
    }

    @Test func atLeastIsNoWhenUnknownsCannotReachK() {
        let result = atLeastTwo.evaluate(values([.rfNightPain: false, .rfMalaise: false, .rfWeightLoss: nil]))
        #expect(result.truth == .no)
        #expect(result.fired.isEmpty)
    }

    @Test func atLeastIsUnknownWhenUnknownsCouldReachK() {
        let result = atLeastTwo.evaluate(values([.rfNightPain: true, .rfMalaise: false, .rfWeightLoss: nil]))
        #expect(result.truth == .unknown)
        #expect(result.missing == [.rfWeightLoss])
    }

    @Test func anyOfIsYesDespiteUnknownMembers() {
        let rule = Rule.anyOf(name: nil, [.condition(Condition(field: .rfTrauma, test: .isTrue)), atLeastTwo])
        let result = rule.evaluate(values([.rfTrauma: true, .rfNightPain: nil, .rfMalaise: nil, .rfWeightLoss: nil]))
        #expect(result.truth == .yes)
        let undecided = rule.evaluate(values([.rfTrauma: false, .rfNightPain: nil, .rfMalaise: nil, .rfWeightLoss: nil]))
        #expect(undecided.truth == .unknown)
        #expect(undecided.missing == [.rfNightPain, .rfMalaise, .rfWeightLoss])
    }

    @Test func allOfIsNoWhenOneMemberIsNo() {
        let rule = Rule.allOf(name: nil, signs.map { .condition(Condition(field: $0, test: .isTrue)) })
        #expect(rule.evaluate(values([.rfNightPain: nil, .rfMalaise: false, .rfWeightLoss: true])).truth == .no)
        #expect(rule.evaluate(values([.rfNightPain: nil, .rfMalaise: true, .rfWeightLoss: true])).truth == .unknown)
        #expect(rule.evaluate(values([.rfNightPain: true, .rfMalaise: true, .rfWeightLoss: true])).truth == .yes)
    }
}

@Suite struct QuestionnaireScoringTests {
    @Test func ompsqTotalReversesItemsThreeFourAndEight() {
        // Item 1 category 7 scores 7; items 3, 4, 8 are 10 - value.
        let items: [Double?] = [7, 5, 2, 3, 6, 4, 5, 1, 6, 4]
        // 7 + 5 + (10-2) + (10-3) + 6 + 4 + 5 + (10-1) + 6 + 4 = 61
        #expect(Questionnaires.ompsqTotal(items: items) == 61)
    }

    @Test func ompsqTotalBounds() {
        #expect(Questionnaires.ompsqTotal(items: [1, 0, 10, 10, 0, 0, 0, 10, 0, 0]) == 1)
        #expect(Questionnaires.ompsqTotal(items: [10, 10, 0, 0, 10, 10, 10, 0, 10, 10]) == 100)
    }

    @Test func ompsqTotalNeedsEveryItemInRange() {
        #expect(Questionnaires.ompsqTotal(items: [7, 5, nil, 3, 6, 4, 5, 1, 6, 4]) == nil)
        #expect(Questionnaires.ompsqTotal(items: [0, 5, 2, 3, 6, 4, 5, 1, 6, 4]) == nil)
        #expect(Questionnaires.ompsqTotal(items: [7, 11, 2, 3, 6, 4, 5, 1, 6, 4]) == nil)
    }

    @Test func startBackTotals() throws {
        // Items 1-8 agree/disagree, item 9 "very much" (4) scores 1.
        let scores = try #require(Questionnaires.startBackScores(items: [1, 0, 1, 0, 1, 1, 0, 1, 4]))
        #expect(scores.total == 6)
        #expect(scores.psychosocial == 4)
        let moderate = try #require(Questionnaires.startBackScores(items: [1, 1, 1, 1, 0, 0, 0, 0, 3]))
        #expect(moderate.total == 4)
        #expect(moderate.psychosocial == 0)
    }
}

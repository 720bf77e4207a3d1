import PipelineSpec
@testable import Staging
import StudyModel
import Testing

/// The derived-field catalogue, against sums written out by hand.
@Suite struct DeriveTests {
    private func date(_ year: Int, _ month: Int, _ day: Int) throws -> Value {
        .date(try #require(CalendarDate(year: year, month: month, day: day)))
    }

    @Test func ompsq10ReversesItemsThreeFourAndEight() {
        // Items 1...10 = 5, 6, 2, 3, 7, 4, 8, 1, 9, 0 → 5 + 6 + 8 + 7 + 7 + 4 + 8 + 9 + 9 + 0 = 63.
        #expect(Questionnaires.ompsqTotal(items: [5, 6, 2, 3, 7, 4, 8, 1, 9, 0]) == 63)
        // The lowest possible score: category 1, reversed items at 10, the rest 0.
        #expect(Questionnaires.ompsqTotal(items: [1, 0, 10, 10, 0, 0, 0, 10, 0, 0]) == 1)
        #expect(Questionnaires.ompsqTotal(items: [10, 10, 0, 0, 10, 10, 10, 0, 10, 10]) == 100)
    }

    @Test func ompsqTotalIsMissingWhenAnItemIs() {
        var inputs: [Field: Value] = [:]
        for item in Field.ompsqItems { inputs[item] = .number(5) }
        #expect(Derive.value(.ompsqTotal, .ompsq10, from: inputs) == .number(5 + 5 + 5 + 5 + 5 + 5 + 5 + 5 + 5 + 5))
        inputs[.ompsq4] = .missing(.notAsked)
        #expect(Derive.value(.ompsqTotal, .ompsq10, from: inputs) == .missing(.notAsked))
        inputs[.ompsq4] = nil
        #expect(Derive.value(.ompsqTotal, .ompsq10, from: inputs) == nil)
    }

    @Test(arguments: [
        // items 1...8 agreed, item 9 → total, psychosocial (items 5...9)
        ([true, true, false, false, false, false, false, false], 3.0, 2.0, 0.0),
        ([true, true, true, true, true, true, true, true], 4.0, 9.0, 5.0),
        ([false, false, false, false, true, false, true, false], 5.0, 3.0, 3.0),
        ([false, false, false, false, false, false, false, false], 1.0, 0.0, 0.0),
    ])
    func startBackScores(agreed: [Bool], bothersome: Double, total: Double, psychosocial: Double) {
        var inputs: [Field: Value] = [:]
        for (item, answer) in zip(Field.startBackItems, agreed) { inputs[item] = .boolean(answer) }
        inputs[.startBack9] = .number(bothersome)
        #expect(Derive.value(.startBackTotal, .startBack, from: inputs) == .number(total))
        #expect(Derive.value(.startBackPsychosocial, .startBack, from: inputs) == .number(psychosocial))
    }

    /// Every item there but one outside its scoring range: no total, and a reason that is not an
    /// empty cell.
    @Test func totalsWithAnItemOutsideItsScoringRangeAreNotScored() {
        var ompsq: [Field: Value] = [:]
        for item in Field.ompsqItems { ompsq[item] = .number(5) }
        ompsq[.ompsq10] = .number(11)
        #expect(Derive.value(.ompsqTotal, .ompsq10, from: ompsq) == Derive.unscorable)
        ompsq[.ompsq10] = .number(5)
        ompsq[.ompsq1] = .number(0)
        #expect(Derive.value(.ompsqTotal, .ompsq10, from: ompsq)?.missingReason?.code == "invalid")
        var startBack: [Field: Value] = [:]
        for item in Field.startBackItems { startBack[item] = .boolean(true) }
        for bothersome in [0.0, 6.0] {
            startBack[.startBack9] = .number(bothersome)
            #expect(Derive.value(.startBackTotal, .startBack, from: startBack) == Derive.unscorable, "item 9 = \(bothersome)")
            #expect(Derive.value(.startBackPsychosocial, .startBack, from: startBack) == Derive.unscorable)
        }
        startBack[.startBack9] = .number(5)
        #expect(Derive.value(.startBackTotal, .startBack, from: startBack) == .number(9))
    }

    @Test func ageDurationAndAgeAtOnset() throws {
        let inputs: [Field: Value] = [
            .birthYear: .number(1970), .screeningDate: try date(2024, 3, 1), .onsetDate: try date(2023, 3, 2), .age: .number(54),
        ]
        #expect(Derive.value(.age, .fromBirthYear, from: inputs) == .number(54))
        // 2023-03-02 → 2024-03-01 is 365 days (2024 is a leap year, the leap day falls inside).
        #expect(Derive.value(.durationWeeks, .fromOnsetDate, from: inputs) == .number(365.0 / 7))
        #expect(Derive.value(.ageAtOnset, .fromAgeAndOnset, from: inputs) == .number(54 - 365.0 / 7 / 52.1775))
    }

    @Test func onsetAfterScreeningGivesNoDuration() throws {
        let inputs: [Field: Value] = [.screeningDate: try date(2024, 3, 1), .onsetDate: try date(2024, 3, 2)]
        #expect(Derive.value(.durationWeeks, .fromOnsetDate, from: inputs)?.missingReason?.code == "invalid")
    }
}

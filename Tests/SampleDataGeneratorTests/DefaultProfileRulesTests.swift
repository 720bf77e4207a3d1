import StudyModel
import Testing

@testable import SampleDataGenerator

/// The generator's own implementation of RULE-DEFAULTS, on hand-made screenings whose expected
/// profile follows from the rule text.
struct DefaultProfileRulesTests {
    static let screeningDay = CalendarDate(daysSinceEpoch: 19_509)  // 2023-06-01

    /// A 43-year-old woman (born 1980), complaints for 31 days, no red flags, no radicular signs,
    /// ÖMPSQ total 30, STarT Back all "no" with bothersomeness 1.
    static func screening(
        sex: Sex = .female, birthYear: Int = 1980, durationDays: Int? = 31, flags: [RedFlag] = [],
        esr: Observed<Bool> = .value(false), radicular: [RadicularSign] = [], cauda: Observed<Bool> = .value(false),
        ompsq: [Observed<Int>] = [3, 3, 7, 7, 3, 3, 3, 7, 3, 3].map { .value($0) },
        startBack: [Int] = [0, 0, 0, 0, 0, 0, 0, 0, 1]
    ) -> Screening {
        var redFlags = Array(repeating: false, count: RedFlag.allCases.count)
        for flag in flags { redFlags[flag.rawValue - 1] = true }
        var signs = Array(repeating: false, count: RadicularSign.allCases.count)
        for sign in radicular { signs[sign.rawValue - 1] = true }
        return Screening(
            screeningDate: screeningDay, creationSecond: 0, sex: sex, birthYear: birthYear, heightCM: .value(170),
            weightTenthsKG: .value(700),
            onsetDate: durationDays.map { .value(screeningDay.adding(days: -$0)) } ?? .missing(.askedButUnknown),
            redFlags: redFlags, raisedESR: esr, radicular: signs, caudaEquina: cauda, ompsq: ompsq,
            startBack: startBack.map { .value($0) }, remark: .missing(.empty))
    }

    @Test func scoresTheOMPSQWithItemsThreeFourAndEightReversed() {
        // Item 1 = 3; items 2, 5, 6, 7, 9, 10 = 3 each (18); items 3, 4, 8 = 7 reversed to 3 each (9).
        #expect(DefaultProfileRules.ompsqScore([3, 3, 7, 7, 3, 3, 3, 7, 3, 3].map { .value($0) }) == 30)
        #expect(DefaultProfileRules.ompsqScore([1, 0, 10, 10, 0, 0, 0, 10, 0, 0].map { .value($0) }) == 1)
        #expect(DefaultProfileRules.ompsqScore([10, 10, 0, 0, 10, 10, 10, 0, 10, 10].map { .value($0) }) == 100)
        var items: [Observed<Int>] = [3, 3, 7, 7, 3, 3, 3, 7, 3, 3].map { .value($0) }
        items[4] = .missing(.notAsked)
        #expect(DefaultProfileRules.ompsqScore(items) == nil)
    }

    @Test(arguments: [
        ([1, 1, 1, 1, 0, 0, 0, 0, 3], 4, 0, "medium"),
        ([0, 0, 0, 0, 1, 1, 1, 0, 4], 4, 4, "high"),
        ([1, 1, 0, 0, 0, 0, 0, 0, 5], 3, 1, "low"),
        ([1, 1, 1, 1, 1, 1, 1, 1, 5], 9, 5, "high"),
    ])
    func scoresStartBack(items: [Int], total: Int, psychosocial: Int, risk: String) {
        let truth = DefaultProfileRules.classify(Self.screening(startBack: items))
        #expect(truth.startBackTotal == total)
        #expect(truth.startBackPsychosocial == psychosocial)
        #expect(truth.startBackRisk == risk)
    }

    @Test func derivesAgeDurationAndAgeAtOnset() {
        let truth = DefaultProfileRules.classify(Self.screening(durationDays: 70))
        #expect(truth.age == 43)
        #expect(truth.durationWeeks == 10)
        #expect(abs((truth.ageAtOnset ?? 0) - (43 - 10 / 52.1775)) < 1e-12)
    }

    @Test(arguments: [(83, "3a"), (84, "3b"), (3, "3a"), (400, "3b")])
    func splitsProfileThreeAtTwelveWeeks(days: Int, expected: String) {
        #expect(DefaultProfileRules.classify(Self.screening(durationDays: days)).assignment.subprofile == expected)
    }

    @Test func marksYellowFlagsFromAnOMPSQTotalOfFifty() {
        // Every item 5 (reversed items 10 - 5 = 5): total 50; item 1 lowered to 4: total 49.
        let fifty: [Observed<Int>] = [5, 5, 5, 5, 5, 5, 5, 5, 5, 5].map { .value($0) }
        let fortyNine: [Observed<Int>] = [4, 5, 5, 5, 5, 5, 5, 5, 5, 5].map { .value($0) }
        #expect(DefaultProfileRules.classify(Self.screening(ompsq: fifty)).assignment.subprofile == "3a+Y")
        #expect(DefaultProfileRules.classify(Self.screening(ompsq: fortyNine)).assignment.subprofile == "3a")
    }

    @Test func firesMalignancyOnThreeSupportingSigns() {
        // Born 1963: 60 at screening, onset about 59.9 > 50, plus night pain and weight loss.
        let three = Self.screening(birthYear: 1963, flags: [.nightPain, .weightLoss])
        #expect(DefaultProfileRules.classify(three).assignment == .profile1)
        #expect(DefaultProfileRules.classify(three).firedRules.contains("profile1.malignancy"))
        let two = Self.screening(birthYear: 1963, flags: [.nightPain])
        #expect(DefaultProfileRules.classify(two).assignment.profile == "3a")
    }

    @Test func leavesAnUndeterminedClusterUnclassified() {
        // Onset before 50; two malignancy signs and the ESR not done: three could be true.
        let open = Self.screening(flags: [.historyMalignancy, .nightPain], esr: .missing(.notDone))
        let truth = DefaultProfileRules.classify(open)
        #expect(truth.assignment == .unclassified)
        #expect(truth.missingInputs == [.rfRaisedESR])
        // The same with a normal ESR cannot fire.
        let closed = Self.screening(flags: [.historyMalignancy, .nightPain], esr: .value(false))
        #expect(DefaultProfileRules.classify(closed).assignment.profile == "3a")
        // One sign and the ESR not done can never reach three.
        let safe = Self.screening(flags: [.nightPain], esr: .missing(.notDone))
        #expect(DefaultProfileRules.classify(safe).assignment.profile == "3a")
    }

    @Test func anUndeterminedProfileOneBlocksProfileTwo() {
        let screening = Self.screening(
            flags: [.historyMalignancy, .nightPain], esr: .missing(.notDone),
            radicular: [.unilateralLegPain, .neuroDeficit])
        #expect(DefaultProfileRules.classify(screening).assignment == .unclassified)
    }

    @Test func firesOsteoporoticFractureOnFourSigns() {
        let woman = Self.screening(birthYear: 1958, flags: [.corticosteroids, .kyphosis])
        #expect(DefaultProfileRules.classify(woman).firedRules == ["profile1.osteoporotic_fracture"])
        let man = Self.screening(sex: .male, birthYear: 1958, flags: [.corticosteroids, .kyphosis])
        #expect(DefaultProfileRules.classify(man).assignment.profile == "3a")
    }

    @Test func firesAnkylosingSpondylitisAndSpondylolisthesisOnEarlyOnset() {
        // Born 1998, 25 at screening, complaints for 6.4 years: onset at about 18.6.
        let early = 6 * 365 + 150
        let spondylitis = Self.screening(
            sex: .male, birthYear: 1998, durationDays: early, flags: [.morningStiffness, .betterWithMovement])
        #expect(DefaultProfileRules.classify(spondylitis).firedRules == ["profile1.ankylosing_spondylitis"])
        let step = Self.screening(birthYear: 1998, durationDays: early, flags: [.palpableStep])
        #expect(DefaultProfileRules.classify(step).firedRules == ["profile1.spondylolisthesis"])
        let stepOnsetUnknown = Self.screening(birthYear: 1998, durationDays: nil, flags: [.palpableStep])
        let truth = DefaultProfileRules.classify(stepOnsetUnknown)
        #expect(truth.assignment == .unclassified)
        #expect(truth.missingInputs == [.ageAtOnset])
    }

    @Test func traumaIsDecisive() {
        let truth = DefaultProfileRules.classify(Self.screening(flags: [.trauma]))
        #expect(truth.assignment == .profile1)
        #expect(truth.firedRules == ["profile1.vertebral_fracture"])
    }

    @Test func radicularSignsGiveProfileTwo() {
        #expect(DefaultProfileRules.classify(Self.screening(radicular: [.unilateralLegPain])).assignment.profile == "3a")
        let two = DefaultProfileRules.classify(Self.screening(radicular: [.unilateralLegPain, .reflexChange]))
        #expect(two.assignment == .profile2)
        #expect(!two.urgent)
        let cauda = DefaultProfileRules.classify(Self.screening(cauda: .value(true)))
        #expect(cauda.assignment == .profile2)
        #expect(cauda.urgent)
    }

    @Test func unknownCaudaEquinaIsUndeterminedUnlessTwoSignsFire() {
        let one = DefaultProfileRules.classify(Self.screening(radicular: [.legPainDominant], cauda: .missing(.askedButUnknown)))
        #expect(one.assignment == .unclassified)
        #expect(one.missingInputs == [.caudaEquina])
        let two = DefaultProfileRules.classify(
            Self.screening(radicular: [.legPainDominant, .neuroDeficit], cauda: .missing(.askedButUnknown)))
        #expect(two.assignment == .profile2)
        #expect(!two.urgent)
    }

    @Test func profileThreeNeedsDurationAndOMPSQ() {
        let noOnset = DefaultProfileRules.classify(Self.screening(durationDays: nil))
        #expect(noOnset.assignment == .unclassified)
        #expect(noOnset.missingInputs == [.durationWeeks])
        var items: [Observed<Int>] = [3, 3, 7, 7, 3, 3, 3, 7, 3, 3].map { .value($0) }
        items[2] = .missing(.empty)
        let noTotal = DefaultProfileRules.classify(Self.screening(durationDays: nil, ompsq: items))
        #expect(noTotal.missingInputs == [.durationWeeks, .ompsqTotal])
        // Profile 2 does not need them.
        let radicular = DefaultProfileRules.classify(
            Self.screening(durationDays: nil, radicular: [.unilateralLegPain, .neuroDeficit], ompsq: items))
        #expect(radicular.assignment == .profile2)
    }
}

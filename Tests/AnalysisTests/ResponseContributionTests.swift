import StudyModel
import Testing
@testable import Analysis

/// Who a response cell counts, and as what, under each missing-data approach: the definition the
/// response table, the comparisons and `lbp explain` share.
@Suite struct ResponseContributionTests {
    static let ostelo = ResponderRule(kind: .either, absolute: 5, relative: 0.30)

    @Test func bothValuesCountUnderEveryApproach() {
        for approach in MissingDataApproach.allCases {
            // 9 → 5: 4 points (under 5) but 44 % of baseline (at least 30 %): a responder.
            let counted = ResponseContribution.continuous(baseline: 9, followUp: 5, rule: Self.ostelo, approach: approach)
            #expect(counted == ResponseContribution(baseline: 9, followUp: 5, responder: true))
            #expect(counted.change == -4)
            // 9 → 7: 2 points, 22 %: not a responder.
            #expect(ResponseContribution.continuous(baseline: 9, followUp: 7, rule: Self.ostelo, approach: approach).responder == false)
        }
    }

    @Test func aMissingFollowUpIsCountedOnlyBySensitivityAnalyses() {
        func counted(_ approach: MissingDataApproach) -> ResponseContribution {
            .continuous(baseline: 8, followUp: nil, rule: Self.ostelo, approach: approach)
        }
        #expect(counted(.completeCase) == ResponseContribution())
        // The baseline carried forward: no change, not a responder.
        #expect(counted(.baselineCarriedForward) == ResponseContribution(baseline: 8, followUp: 8, responder: false, isImputed: true))
        #expect(counted(.baselineCarriedForward).change == 0)
        #expect(counted(.nonResponderImputation) == ResponseContribution(responder: false, isImputed: true))
    }

    @Test func aMissingBaselineLeavesOnlyNonResponderImputation() {
        for followUp in [6.0, nil] {
            func counted(_ approach: MissingDataApproach) -> ResponseContribution {
                .continuous(baseline: nil, followUp: followUp, rule: Self.ostelo, approach: approach)
            }
            #expect(counted(.completeCase) == ResponseContribution())
            #expect(counted(.baselineCarriedForward) == ResponseContribution())
            #expect(counted(.baselineCarriedForward).change == nil)
            #expect(counted(.nonResponderImputation) == ResponseContribution(responder: false, isImputed: true))
        }
    }

    @Test func aSuccessIsARatingAmongTheCategories() {
        for approach in MissingDataApproach.allCases {
            #expect(ResponseContribution.success(rating: 2, categories: [1, 2], approach: approach)
                == ResponseContribution(followUp: 2, responder: true))
            #expect(ResponseContribution.success(rating: 3, categories: [1, 2], approach: approach).responder == false)
        }
        #expect(ResponseContribution.success(rating: nil, categories: [1, 2], approach: .completeCase) == ResponseContribution())
        #expect(ResponseContribution.success(rating: nil, categories: [1, 2], approach: .nonResponderImputation)
            == ResponseContribution(responder: false, isImputed: true))
    }
}

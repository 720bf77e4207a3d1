import StudyModel
import Testing

@testable import SampleDataGenerator

/// The in-memory model: every participant is consistent with the profile it was meant to have under
/// the default rules, and clean everywhere no problem is planted.
struct ParticipantModelTests {
    static let generators = [
        SampleDataGenerator(),
        SampleDataGenerator(seed: 1, participants: 900),
        SampleDataGenerator(seed: 77, participants: 333),
    ]

    @Test(arguments: generators)
    func truthMatchesTheIntendedProfile(generator: SampleDataGenerator) {
        for index in 0..<generator.participantCount {
            let participant = generator.participant(at: index)
            let truth = generator.truth(at: index)
            if participant.unclassifiedReason != nil {
                #expect(truth.assignment == .unclassified, "\(participant.id)")
                #expect(!truth.missingInputs.isEmpty, "\(participant.id)")
            } else {
                #expect(truth.assignment.subprofile == participant.intendedProfile.rawValue, "\(participant.id)")
                #expect(truth.missingInputs.isEmpty, "\(participant.id)")
            }
            if truth.assignment == .profile1 {
                #expect(truth.firedRules.contains("profile1." + (participant.intendedCluster?.rawValue ?? "")))
            }
            #expect(truth.urgent == (participant.screening.caudaEquina.value == true))
            if truth.urgent { #expect(truth.assignment == .profile2) }
        }
    }

    @Test func designDatesAndWindowsAreTheDocumentedOnes() {
        #expect(StudyDesign.recruitmentStart.iso == "2022-03-01")
        #expect(VisitName.allCases.map(\.nominalDay) == [0, 42, 84, 182])
        #expect(VisitName.allCases.map(\.windowDays) == [7, 7, 14, 21])
        for visit in VisitName.allCases { #expect(visit.drawnSpreadDays < visit.windowDays) }
        // The last week-26 visit falls before the export date, 2024-10-01.
        let lastVisit = StudyDesign.recruitmentStart.adding(
            days: StudyDesign.recruitmentDays + StudyDesign.randomisationDelayDays.upperBound
                + VisitName.week26.nominalDay + VisitName.week26.drawnSpreadDays)
        #expect(lastVisit.iso < "2024-10-01")
    }

    @Test func plantedUnclassifiedParticipantsNameTheirMissingInput() {
        let generator = SampleDataGenerator()
        var reasons: [UnclassifiedReason] = []
        for index in stride(from: 37, to: generator.participantCount, by: 75) {
            let participant = generator.participant(at: index)
            let truth = generator.truth(at: index)
            guard let reason = participant.unclassifiedReason else {
                Issue.record("participant \(participant.id) is not a planted unclassified participant")
                continue
            }
            reasons.append(reason)
            let expected: [Field] =
                switch reason {
                case .onsetUnknown: [.durationWeeks]
                case .ompsqItemNotAsked, .ompsqItemEmpty: [.ompsqTotal]
                case .malignancyUndetermined: [.rfRaisedESR]
                case .caudaEquinaUnknown: [.caudaEquina]
                }
            #expect(truth.missingInputs == expected, "\(participant.id)")
        }
        #expect(reasons.count == 8)
        #expect(Set(reasons) == Set(UnclassifiedReason.allCases))
    }

    @Test(arguments: generators)
    func valuesAreCleanAndConsistent(generator: SampleDataGenerator) {
        for index in 0..<generator.participantCount {
            let participant = generator.participant(at: index)
            let screening = participant.screening
            let id = participant.id
            #expect(id.hasPrefix(participant.site.abbreviation + "-"))
            #expect((18...86).contains(screening.age), "\(id)")
            #expect(screening.age == screening.screeningDate.year - screening.birthYear)
            if let onset = screening.onsetDate.value { #expect(onset < screening.screeningDate, "\(id)") }
            if let height = screening.heightCM.value { #expect((148...205).contains(height)) }
            if let weight = screening.weightTenthsKG.value { #expect((300...2000).contains(weight)) }
            #expect(screening.ompsq.count == 10 && screening.startBack.count == 9)
            for (offset, item) in screening.ompsq.enumerated() {
                guard let value = item.value else { continue }
                #expect((offset == 0 ? 1...10 : 0...10).contains(value))
            }
            if let category = screening.ompsq[0].value, let onset = screening.onsetDate.value {
                let days = onset.days(to: screening.screeningDate)
                #expect(category == ParticipantFactory.ompsqDurationCategory(days: days))
            }
            for (offset, item) in screening.startBack.enumerated() {
                guard let value = item.value else { continue }
                #expect((offset == 8 ? 1...5 : 0...1).contains(value))
            }
            // Profile 1 is screened out; everyone else is randomised.
            #expect((participant.randomisation == nil) == (participant.intendedProfile == .profile1))
            guard let randomisation = participant.randomisation else {
                #expect(participant.visits.isEmpty)
                #expect(participant.status == .excluded)
                continue
            }
            let delay = screening.screeningDate.days(to: randomisation.date)
            #expect((1...14).contains(delay))
            #expect(participant.visits.map(\.visit) == participant.visits.map(\.visit).sorted())
            #expect(Set(participant.visits.map(\.visit)).count == participant.visits.count)
            for visit in participant.visits {
                let day = randomisation.date.days(to: visit.date)
                #expect(abs(day - visit.visit.nominalDay) <= visit.visit.windowDays, "\(id) \(visit.visit.id)")
                #expect(visit.date >= screening.screeningDate)
                #expect((0...100).contains(visit.painTenths) && visit.painTenths % 5 == 0)
                #expect((0...24).contains(visit.rmdq))
                if let odi = visit.odiTenths.value { #expect((0...1000).contains(odi)) }
                #expect((visit.gpe == nil) == (visit.visit == .baseline))
                if let gpe = visit.gpe { #expect((1...7).contains(gpe)) }
                if let remark = visit.remark.value {
                    #expect(!["=", "+", "-", "@"].contains(remark.first.map(String.init) ?? ""))
                }
            }
            let withdrawn = generator.plannedProblems(for: index)?.unknownArm == true
            #expect(participant.visits.first?.visit == .baseline || withdrawn, "\(id)")
            #expect(participant.status == (participant.visits.last?.visit == .week26 ? .completed : .stopped))
        }
    }

    @Test func profileMixAndDropOutAreRealistic() {
        let generator = SampleDataGenerator(seed: 3, participants: 6000)
        var counts: [String: Int] = [:]
        var randomised = 0
        var missing12 = 0
        var missing26 = 0
        for index in 0..<generator.participantCount {
            let participant = generator.participant(at: index)
            counts[generator.truth(at: index).assignment.subprofile, default: 0] += 1
            guard participant.randomisation != nil else { continue }
            randomised += 1
            if participant.visit(.week12) == nil { missing12 += 1 }
            if participant.visit(.week26) == nil { missing26 += 1 }
        }
        func share(_ key: String) -> Double { Double(counts[key, default: 0]) / 6000 }
        // Targets: 5 % profile 1, 15 % profile 2, the rest profile 3 (40 % acute, 60 % chronic).
        #expect(abs(share("1") - 0.05) < 0.012)
        #expect(abs(share("2") - 0.15) < 0.02)
        #expect(abs(share("3a") + share("3a+Y") - 0.8 * 0.4) < 0.03)
        #expect(abs(share("3b") + share("3b+Y") - 0.8 * 0.6) < 0.03)
        #expect(abs(share("3b+Y") / (share("3b") + share("3b+Y")) - 0.4) < 0.04)
        #expect(counts["unclassified"] == 80)
        // About 10 % missing at week 12 and 20 % at week 26.
        #expect(abs(Double(missing12) / Double(randomised) - 0.10) < 0.03)
        #expect(abs(Double(missing26) / Double(randomised) - 0.20) < 0.03)
    }

    /// The planted effects, recovered from the model by arm means over many participants.
    @Test func plantedInteractionIsInTheOutcomes() {
        let generator = SampleDataGenerator(seed: 11, participants: 30_000)
        // Sums of change (follow-up minus baseline) at week 12 per outcome, profile and arm.
        var sums: [String: (total: Double, n: Int)] = [:]
        for index in 0..<generator.participantCount {
            let participant = generator.participant(at: index)
            guard let arm = participant.randomisation?.arm, participant.unclassifiedReason == nil,
                  let baseline = participant.visit(.baseline), let week12 = participant.visit(.week12) else { continue }
            let profile = participant.intendedProfile.rawValue
            func add(_ outcome: String, _ change: Double) {
                let key = outcome + "|" + profile + "|" + arm.id
                let old = sums[key, default: (0, 0)]
                sums[key] = (old.total + change, old.n + 1)
            }
            add("rmdq", Double(week12.rmdq - baseline.rmdq))
            add("pain", Double(week12.painTenths - baseline.painTenths) / 10)
            if let before = baseline.odiTenths.value, let after = week12.odiTenths.value {
                add("odi", Double(after - before) / 10)
            }
        }
        func difference(_ outcome: String, _ profile: String, _ arm: String) -> Double {
            let treated = sums[outcome + "|" + profile + "|" + arm, default: (0, 1)]
            let reference = sums[outcome + "|" + profile + "|general_exercise", default: (0, 1)]
            return treated.total / Double(treated.n) - reference.total / Double(reference.n)
        }
        // Extra improvement means a more negative change. Standard errors are about 0.25 RMDQ point,
        // 0.1 NRS point and 0.8 ODI point for the smallest profile, hence the tolerances.
        #expect(abs(difference("rmdq", "3b+Y", "graded_activity") + 4.0) < 0.8)
        #expect(abs(difference("pain", "3b+Y", "graded_activity") + 1.5) < 0.35)
        for profile in ["2", "3a", "3b"] {
            #expect(abs(difference("rmdq", profile, "graded_activity")) < 0.8, "\(profile)")
            #expect(abs(difference("rmdq", profile, "motor_control") + 1.5) < 0.8, "\(profile)")
        }
        for profile in ["2", "3a", "3a+Y", "3b", "3b+Y"] {
            #expect(abs(difference("odi", profile, "motor_control") + 4.0) < 2.5, "\(profile)")
            #expect(abs(difference("odi", profile, "graded_activity") + 2.0) < 2.5, "\(profile)")
        }
    }
}

extension SampleDataGenerator: CustomTestStringConvertible {
    public var testDescription: String { "seed \(seed), \(participantCount) participants" }
}

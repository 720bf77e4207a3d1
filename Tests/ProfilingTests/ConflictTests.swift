import StudyModel
import TestSupport
import Testing
@testable import Profiling

@Suite struct ConflictTests {
    let rules: RuleSet

    init() throws {
        rules = try RuleSet.load(path: Repository.path("Pipelines/rules/guideline-2010.yml"))
    }

    func participant(_ id: String, arm: Arm?, _ changes: [Field: Value]) -> ParticipantRecord {
        var record = GuidelineRuleSetTests.plain(changes)
        record.id = id
        record.arm = arm
        record.sources = [SourceLocation(file: "study.csv", line: 7)]
        return record
    }

    @Test func redFlagsOrUrgentSignsButRandomisedAreWarnings() {
        let arm = Arm(id: "graded_activity", label: "Graded activity", order: 0)
        let participants = [
            participant("A", arm: arm, [.rfTrauma: .boolean(true)]),
            participant("B", arm: nil, [.rfTrauma: .boolean(true)]),
            participant("C", arm: arm, [.caudaEquina: .boolean(true)]),
            participant("D", arm: arm, [:]),
        ]
        let found = rules.conflicts(rules.assignProfiles(participants), participants: participants)
        #expect(found.map(\.participant) == ["A", "C"])
        #expect(found.map(\.rule) == ["profile.randomised-excluded", "profile.urgent-randomised"])
        #expect(found.allSatisfy { $0.severity == .warning && $0.location.line == 7 && $0.value == "graded_activity" })
        #expect(rules.profiles.first?.randomise == false)
        // Assignments in another order than the participants are matched by id, in their own order.
        let reversed = rules.conflicts(Array(rules.assignProfiles(participants).reversed()), participants: participants)
        #expect(reversed.map(\.participant) == ["C", "A"])
        #expect(reversed.map(\.rule) == ["profile.urgent-randomised", "profile.randomised-excluded"])
    }

    /// A profile kept out of randomisation is so in each of its subdivisions, whose code the
    /// assignment holds.
    @Test func aSubdivisionOfAProfileNotRandomisedIsAConflictToo() throws {
        let split = try RuleSet.parse("""
            rule_set: {name: t, version: "1", title: T}
            profiles:
              - code: "1"
                label: Red flags
                randomise: false
                any_of: [rf_trauma]
                split:
                  - {code: 1a, label: Young, when: age < 50}
                  - {code: 1b, label: Older, when: age >= 50}
              - {code: other, label: Other, otherwise: true}
            """, file: "rules.yml")
        let arm = Arm(id: "graded_activity", label: "Graded activity", order: 0)
        let participants = [
            participant("A", arm: arm, [.rfTrauma: .boolean(true), .age: .number(40)]),
            participant("B", arm: arm, [.rfTrauma: .boolean(true), .age: .number(60)]),
            participant("C", arm: arm, [:]),
        ]
        let assignments = split.assignProfiles(participants)
        #expect(assignments.map(\.profile) == ["1a", "1b", "other"])
        let found = split.conflicts(assignments, participants: participants)
        #expect(found.map(\.participant) == ["A", "B"])
        #expect(found.first?.message == "profile '1a' (Young) is not randomised under 't 1', yet the participant was randomised to 'graded_activity'")
    }

    /// The urgent warning names the signs that held: a named rule by its name, a sign outside
    /// any named rule by itself, never a sign that was absent.
    @Test func theUrgentWarningNamesTheSignsThatHeld() throws {
        let unnamed = try RuleSet.parse("""
            rule_set: {name: t, version: "1", title: T}
            urgent:
              - any_of: [{rule: ce, any_of: [cauda_equina]}, rf_trauma, rad_neuro_deficit]
            profiles:
              - {code: legs, label: Legs, rule: urgent, any_of: [rad_leg_pain_dominant]}
              - {code: other, label: Other, otherwise: true}
            """, file: "rules.yml")
        let arm = Arm(id: "graded_activity", label: "Graded activity", order: 0)
        let participants = [
            participant("A", arm: arm, [.radNeuroDeficit: .boolean(true)]),
            // A profile rule that happens to be named 'urgent' names no urgent sign.
            participant("B", arm: arm, [.caudaEquina: .boolean(true), .rfTrauma: .boolean(true), .radLegPainDominant: .boolean(true)]),
        ]
        let found = unnamed.conflicts(unnamed.assignProfiles(participants), participants: participants)
        #expect(found.map(\.message) == [
            "urgent signs (rad_neuro_deficit) call for referral, yet the participant was randomised to 'graded_activity'",
            "urgent signs (ce, rf_trauma) call for referral, yet the participant was randomised to 'graded_activity'",
        ])
    }

    /// A conflict is about the arm: it is located at the first row from a file with an arm
    /// column, at that column (a survey row merged first has none).
    @Test func aConflictIsLocatedAtTheArmCell() {
        let arm = Arm(id: "graded_activity", label: "Graded activity", order: 0)
        var record = participant("A", arm: arm, [.rfTrauma: .boolean(true)])
        record.sources = [SourceLocation(file: "survey.csv", line: 3), SourceLocation(file: "study.csv", line: 7)]
        let found = rules.conflicts(rules.assignProfiles([record]), participants: [record],
                                    armColumn: { $0 == "study.csv" ? 4 : nil })
        #expect(found.map(\.location) == [SourceLocation(file: "study.csv", line: 7, column: 4)])
        // The row that gave the arm, in a file with several rows of the participant.
        record.sources = [SourceLocation(file: "export.csv", line: 2), SourceLocation(file: "export.csv", line: 3)]
        record.armSource = 1
        let event = rules.conflicts(rules.assignProfiles([record]), participants: [record], armColumn: { _ in 10 })
        #expect(event.map(\.location) == [SourceLocation(file: "export.csv", line: 3, column: 10)])
        record.sources = [SourceLocation(file: "survey.csv", line: 3), SourceLocation(file: "study.csv", line: 7)]
        record.armSource = nil
        // Without arm columns, the first row.
        let unlocated = rules.conflicts(rules.assignProfiles([record]), participants: [record])
        #expect(unlocated.map(\.location) == [SourceLocation(file: "survey.csv", line: 3)])
    }
}

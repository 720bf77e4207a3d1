import StudyModel
import Testing
@testable import Analysis

/// The prepared layout must read exactly what the subjects hold: every table is computed from it.
@Suite struct PreparedSubjectsTests {
    static let arms = [
        Arm(id: "motor_control", label: "Motor control", order: 0),
        Arm(id: "general_exercise", label: "General exercise", order: 1),
    ]

    static let subjects = [
        AnalysisSubject(id: "P1", site: "S", arm: arms[1], profile: "3b", subprofile: "3b+Y",
                        characteristics: [.age: .number(44), .sex: .text("F")],
                        measurements: ["baseline": [.rmdq: 14, .painNRS: 7], "week12": [.rmdq: 6]]),
        AnalysisSubject(id: "P2", site: "S", arm: nil, profile: "1", subprofile: "1",
                        characteristics: [.age: .number(70)],
                        measurements: ["baseline": [.rmdq: 20]]),
        AnalysisSubject(id: "P3", site: "S", arm: arms[0], profile: nil, subprofile: nil,
                        characteristics: [.age: .number(51), .durationWeeks: .number(10), .sex: .text("M")],
                        measurements: ["week12": [.rmdq: 3, .painNRS: 2]]),
        AnalysisSubject(id: "P4", site: "S", arm: arms[1], profile: "2", subprofile: "2",
                        characteristics: [.ompsqTotal: .number(60), .sex: .missing(.empty)]),
    ]

    let analysis = ResponseAnalysis(
        plan: AnalysisPlan(outcomes: [AnalysisPlan.defaultOutcomes[0], AnalysisPlan.defaultOutcomes[1]],
                           timepoints: ["week12"], referenceArm: "general_exercise"),
        arms: arms, order: GroupOrder(profiles: ["1", "2", "3a", "3b"]))

    @Test func columnsHoldEachSubjectsValues() {
        let prepared = analysis.prepare(Self.subjects)
        for field in [Field.rmdq, .painNRS] {
            for timepoint in ["baseline", "week12"] {
                let column = prepared.values(field, at: timepoint)
                #expect(column.count == Self.subjects.count)
                for (index, subject) in Self.subjects.enumerated() {
                    #expect(column[index] == subject.value(field, at: timepoint), "\(field) at \(timepoint), \(subject.id)")
                }
            }
        }
        #expect(Array(prepared.values(.rmdq, at: "baseline")) == [14, 20, nil, nil])
        // A timepoint the plan does not analyse is not laid out: it reads as never measured.
        #expect(Array(prepared.values(.rmdq, at: "week26")) == [nil, nil, nil, nil])
    }

    /// Columns filled value by value read as the subjects' lists do, and a run's subjects
    /// prepared with such columns give the same tables as with their lists.
    @Test func outcomeColumnsGiveTheSameLayoutAsMeasurementLists() {
        var outcomes = analysis.outcomeColumns(count: Self.subjects.count)
        #expect(outcomes.fields == [.rmdq, .painNRS] && outcomes.timepoints == ["baseline", "week12"])
        #expect(outcomes.count == 4 && outcomes != analysis.prepare(Self.subjects).outcomes)
        for (index, subject) in Self.subjects.enumerated() {
            for measurement in subject.measurementList {
                guard let timepoint = outcomes.timepointPosition(measurement.timepoint) else { continue }
                outcomes.set(measurement.value, field: measurement.field, timepointPosition: timepoint, subject: index)
            }
        }
        let listed = analysis.prepare(Self.subjects)
        #expect(outcomes == listed.outcomes)
        var characteristics = CharacteristicColumns(count: Self.subjects.count)
        for (index, subject) in Self.subjects.enumerated() {
            for characteristic in subject.characteristicList {
                characteristics.set(characteristic.value, field: characteristic.field, subject: index)
            }
        }
        #expect(characteristics == listed.characteristics)
        let bare = Self.subjects.map {
            AnalysisSubject(id: $0.id, site: $0.site, arm: $0.arm, profile: $0.profile, subprofile: $0.subprofile,
                            characteristicList: [], measurementList: [])
        }
        let columned = analysis.prepare(bare, outcomes: outcomes, characteristics: characteristics)
        #expect(analysis.rows(columned) == analysis.rows(listed))
        #expect(analysis.rows(columned).contains { $0.analysed > 0 })
        #expect(analysis.flow(columned) == analysis.flow(listed))
        #expect(analysis.baselineTable(columned) == analysis.baselineTable(listed))
        #expect(analysis.baselineTable(columned).contains { $0.variable == "age" && $0.available == 2 })
        #expect(characteristics.number(.age, subject: 2) == 51 && characteristics.number(.age, subject: 3) == nil)
        #expect(characteristics.sex(subject: 0) == "F" && characteristics.sex(subject: 3) == nil)
    }

    /// The flow opens with the screened participants, then those whose participant rows were
    /// all rejected, then (only when there are any) rejected rows whose id was unreadable.
    @Test func flowCountsRejectedParticipantsAfterTheScreened() {
        let prepared = analysis.prepare(Self.subjects)
        let head = analysis.flow(prepared, rejected: 2, rejectedWithoutID: 1).prefix(3).map { "\($0.stage)/\($0.reason)/\($0.count)" }
        #expect(head == ["screened//4", "rejected/participant row rejected in validation/2",
                         "rejected/participant row rejected, id unreadable/1"])
        let plain = analysis.flow(prepared).prefix(3).map(\.stage)
        #expect(plain == ["screened", "rejected", "not_randomised"])
    }

    /// Setting nil (or NaN) clears a value; a field or timepoint that is not laid out is ignored.
    @Test func outcomeColumnsClearAndIgnore() throws {
        var outcomes = OutcomeColumns(fields: [.rmdq, .odi, .rmdq], timepoints: ["baseline", "week6", "baseline"], count: 2)
        #expect(outcomes.fields == [.rmdq, .odi] && outcomes.timepoints == ["baseline", "week6"])
        #expect(outcomes.timepointPosition("week12") == nil)
        let week6 = try #require(outcomes.timepointPosition("week6"))
        outcomes.set(12, field: .rmdq, timepointPosition: week6, subject: 1)
        outcomes.set(40, field: .odi, timepointPosition: week6, subject: 1)
        outcomes.set(5, field: .painNRS, timepointPosition: week6, subject: 1)
        #expect(Array(outcomes.column(.rmdq, at: "week6")) == [nil, 12])
        #expect(Array(outcomes.column(.painNRS, at: "week6")) == [nil, nil])
        #expect(Array(outcomes.column(.rmdq, at: "week12")) == [nil, nil])
        outcomes.set(nil, field: .rmdq, timepointPosition: week6, subject: 1)
        outcomes.set(.nan, field: .odi, timepointPosition: week6, subject: 1)
        #expect(outcomes == OutcomeColumns(fields: [.odi, .rmdq], timepoints: ["week6", "baseline"], count: 2))
        #expect(outcomes != OutcomeColumns(fields: [.odi, .rmdq], timepoints: ["week6", "baseline"], count: 3))
    }

    @Test func armsAndGroupsFollowTheSubjects() {
        let prepared = analysis.prepare(Self.subjects)
        #expect(prepared.armPosition == [1, nil, 0, 1])
        #expect(prepared.armID == ["general_exercise", nil, "motor_control", "general_exercise"])
        for (index, subject) in Self.subjects.enumerated() {
            for grouping in Grouping.allCases {
                #expect(prepared.group(index, at: grouping) == subject.group(at: grouping))
            }
        }
        #expect(prepared.members([0, 1, 2, 3], inArm: 1) == [0, 3])
        #expect(prepared.members([3, 2, 0], inArm: 1) == [3, 0])
    }

    @Test func groupsHoldRandomisedSubjectsInReportOrder() {
        let groups = analysis.groupIndexes(analysis.prepare(Self.subjects))
        #expect(groups.map(\.key) == [
            GroupKey(.all, "all"), GroupKey(.profile, "2"), GroupKey(.profile, "3b"),
            GroupKey(.subprofile, "2"), GroupKey(.subprofile, "3b+Y"),
        ])
        #expect(groups.map(\.members) == [[0, 2, 3], [3], [0], [3], [0]])
    }
}

/// A subject keeps its outcome values as one ordered list; how they were handed over must not
/// show in what it holds or in how it compares.
@Suite struct AnalysisSubjectMeasurementTests {
    typealias Measurement = AnalysisSubject.Measurement

    static let values: [String: [Field: Double]] = ["week6": [.rmdq: 9, .gpe: 3], "baseline": [.painNRS: 7, .rmdq: 14],
                                                    "week12": [.odi: 30.5]]

    static func subject(_ list: [Measurement]) -> AnalysisSubject {
        AnalysisSubject(id: "P1", site: "S", arm: nil, profile: nil, subprofile: nil, measurementList: list)
    }

    @Test func listOrderDoesNotMatter() {
        let list = Self.values.flatMap { timepoint, values in
            values.map { Measurement(timepoint: timepoint, field: $0.key, value: $0.value) }
        }
        let fromDictionary = AnalysisSubject(id: "P1", site: "S", arm: nil, profile: nil, subprofile: nil,
                                             measurements: Self.values)
        for reordered in [list, list.reversed(), list.sorted { $0.value < $1.value }] {
            let subject = Self.subject(reordered)
            #expect(subject == fromDictionary)
            #expect(subject.hashValue == fromDictionary.hashValue)
            #expect(subject.measurements == Self.values)
        }
        // Timepoint name, then field in declaration order.
        #expect(fromDictionary.measurementList.map(\.timepoint) == ["baseline", "baseline", "week12", "week6", "week6"])
        #expect(fromDictionary.measurementList.prefix(2).map(\.field) == [Field.painNRS, .rmdq].sorted { $0.ordinal < $1.ordinal })
    }

    @Test func characteristicsDoNotDependOnTheirOrder() {
        let values: [Field: Value] = [.sex: .text("F"), .age: .number(44), .ompsqTotal: .number(61)]
        let list = values.map { AnalysisSubject.Characteristic(field: $0.key, value: $0.value) }
        let fromDictionary = AnalysisSubject(id: "P1", site: "S", arm: nil, profile: nil, subprofile: nil,
                                             characteristics: values)
        for reordered in [list, list.reversed()] {
            let subject = AnalysisSubject(id: "P1", site: "S", arm: nil, profile: nil, subprofile: nil,
                                          characteristicList: reordered, measurementList: [])
            #expect(subject == fromDictionary)
            #expect(subject.characteristics == values)
        }
        for (field, value) in values { #expect(fromDictionary.characteristic(field) == value) }
        #expect(fromDictionary.characteristic(.durationWeeks) == nil)
        var changed = fromDictionary
        changed.characteristics[.sex] = nil
        #expect(changed.characteristic(.sex) == nil)
        #expect(changed.characteristic(.age) == .number(44))
    }

    @Test func valuesAreFoundByFieldAndTimepoint() {
        let subject = AnalysisSubject(id: "P1", site: "S", arm: nil, profile: nil, subprofile: nil, measurements: Self.values)
        for (timepoint, values) in Self.values {
            for (field, value) in values { #expect(subject.value(field, at: timepoint) == value) }
        }
        #expect(subject.value(.odi, at: "baseline") == nil)
        #expect(subject.value(.rmdq, at: "week26") == nil)
        var changed = subject
        changed.measurements["week26"] = [.rmdq: 4]
        #expect(changed.value(.rmdq, at: "week26") == 4)
        #expect(changed.value(.rmdq, at: "week6") == 9)
        #expect(changed != subject)
    }
}

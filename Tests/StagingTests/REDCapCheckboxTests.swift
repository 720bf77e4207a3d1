@testable import Staging
import StudyModel
import Testing

/// REDCap writes `0` for every unticked checkbox option on every row of a longitudinal export,
/// whether or not the row's event holds the box's instrument. Such a `0` contradicts no tick:
/// a box ticked on any row of the participant is ticked, a box every row leaves at `0` is
/// unticked, and a box every row leaves empty stays empty.
@Suite struct REDCapCheckboxTests {
    typealias H = StagingHarness

    static func pipeline(participantRows: String) -> String {
        StageTests.redcapSchedule + StageTests.redcapInput(participantRows: participantRows, fields: """
              rad_unilateral_leg_pain: {checkbox: radicular, option: '1'}
              rad_leg_pain_dominant: {checkbox: radicular, option: '2'}

            """)
    }

    static let header = "record_id,redcap_event_name,arm,visit_date,nrs,radicular___1,radicular___2"

    static let screening = ", participant_rows: [screening_arm_1]"

    /// Stages `rows` under ``header`` with ``pipeline(participantRows:)`` and `extra` appended.
    static func run(_ rows: [String], participantRows: String = screening, extra: String = "") throws -> (StagedStudy, CollectingSink) {
        try H(yaml: pipeline(participantRows: participantRows) + extra, files: ["redcap.csv": H.lines([header] + rows)]).run()
    }

    func boxes(_ study: StagedStudy) -> [[Value?]] {
        study.participants.map { [$0.values[.radUnilateralLegPain], $0.values[.radLegPainDominant]] }
    }

    @Test func zerosOnVisitRowsContradictNoTickOnTheScreeningRow() throws {
        let (study, sink) = try Self.run([
            "R1,screening_arm_1,1,,,1,0",
            "R1,baseline_arm_1,,2024-01-05,6,0,0",
            "R1,week_6_arm_1,,2024-02-16,4,0,0",
        ])
        #expect(sink.summary(.error) == [])
        #expect(sink.summary(.warning) == [])
        #expect(boxes(study) == [[.boolean(true), .boolean(false)]])
        #expect(study.visits.map(\.timepoint.name) == ["baseline", "week6"])
        #expect(study.accounting.map(\.accepted) == [3])
    }

    /// An option code with a character other than a letter, digit or `_` is found under the name
    /// REDCap writes (`radicular____1` for option `-1`).
    @Test func anOptionCodeIsLookedUpAsREDCapWritesIt() throws {
        let yaml = Self.pipeline(participantRows: Self.screening).replacingOccurrences(of: "option: '1'", with: "option: '-1'")
        let header = "record_id,redcap_event_name,arm,visit_date,nrs,radicular____1,radicular___2"
        let (study, sink) = try H(yaml: yaml, files: ["redcap.csv": H.lines([header, "R1,screening_arm_1,1,,,1,0"])]).run()
        #expect(sink.summary(.error) == [])
        #expect(sink.summary(.warning) == [])
        #expect(boxes(study) == [[.boolean(true), .boolean(false)]])
    }

    /// A participant field whose column a visits input with participant rows lacks is said, as
    /// for a participants input: it is not collected.
    @Test func aParticipantColumnMissingFromAnInputWithParticipantRowsIsSaid() throws {
        let header = "record_id,redcap_event_name,arm,visit_date,nrs,radicular___1,radicular_2"
        let (_, sink) = try H(yaml: Self.pipeline(participantRows: Self.screening),
                              files: ["redcap.csv": H.lines([header, "R1,screening_arm_1,1,,,1,0"])]).run()
        #expect(sink.summary(.warning) == ["redcap.csv:1:- staging.column-absent warning"])
        #expect(sink.issues.first { $0.rule == "staging.column-absent" }?.message.contains("rad_leg_pain_dominant") == true)
        // Without participant rows the input collects no participant field: nothing to say.
        let (_, visitsOnly) = try H(yaml: Self.pipeline(participantRows: ""),
                                    files: ["redcap.csv": H.lines([header, "R1,baseline_arm_1,1,2024-01-05,6,1,0"])]).run()
        #expect(visitsOnly.summary(.warning).filter { $0.contains("column-absent") } == [])
    }

    /// The box's instrument on the randomisation event: the screening event's `0` is filler.
    @Test func aTickOnAnyEventRowIsTheAnswer() throws {
        let (study, sink) = try Self.run([
            "R1,screening_arm_1,,,,0,0",
            "R1,rand_arm_1,1,,,1,0",
            "R1,baseline_arm_1,,2024-01-05,6,0,1",
        ], participantRows: ", participant_rows: [screening_arm_1, rand_arm_1]")
        #expect(sink.summary(.error) == [])
        #expect(boxes(study) == [[.boolean(true), .boolean(true)]])
        #expect(study.visits.count == 1)
    }

    /// Without participant events the participant is built from visit rows; ticks on any of them
    /// count, and a box no row ticks is unticked, not missing.
    @Test func withoutParticipantEventsTheVisitRowsGiveTheBoxes() throws {
        let (study, sink) = try Self.run([
            "R1,baseline_arm_1,1,2024-01-05,6,0,0",
            "R1,week_6_arm_1,1,2024-02-16,4,1,0",
            "R2,baseline_arm_1,2,2024-01-05,6,,",
        ], participantRows: "")
        #expect(sink.summary(.error) == [])
        // R2's boxes are empty on every row (no `0` to say unticked): not collected.
        #expect(boxes(study) == [[.boolean(true), .boolean(false)], [nil, nil]])
        #expect(study.visits.count == 3)
    }

    /// A second row of the same event is compared as any two rows are: a tick against an empty
    /// (unticked) box of that event is a conflict.
    @Test func twoRowsOfOneEventStillConflict() throws {
        let (_, sink) = try Self.run([
            "R1,screening_arm_1,1,,,1,0",
            "R1,screening_arm_1,1,,,0,0",
        ])
        #expect(sink.summary(.error).count == 1)
        #expect(sink.rejectedRows.count == 2)
        // Said as the `0` the cell holds.
        #expect(sink.issues.first { $0.rule == "duplicate" }?.message.contains("is '1' there and '0' (unticked) here") == true)
        #expect(sink.issues.first { $0.rule == "duplicate" }?.value == "0")
    }

    /// Other sources read a `0` as written: a Castor checkbox `0` is a value as any other.
    @Test func otherSourcesKeepTheirZeros() throws {
        let yaml = Self.pipeline(participantRows: ", participant_rows: [screening_arm_1]")
            .replacingOccurrences(of: "source: redcap", with: "source: generic, date_format: yyyy-mm-dd")
            .replacingOccurrences(of: "{checkbox: radicular, option: '1'}", with: "radicular___1")
            .replacingOccurrences(of: "{checkbox: radicular, option: '2'}", with: "radicular___2")
        let redcap = H.lines([Self.header, "R1,screening_arm_1,1,,,1,0", "R1,baseline_arm_1,,2024-01-05,6,0,0"])
        let (study, sink) = try H(yaml: yaml, files: ["redcap.csv": redcap]).run()
        #expect(sink.summary(.error) == ["redcap.csv:3:6 participant-conflict error"])
        #expect(boxes(study) == [[.boolean(true), .boolean(false)]])
    }

    /// A blank first row of an event does not hide a conflict between the event's later rows:
    /// the rows conflict whatever their order.
    @Test(arguments: [[",screening_arm_1,,,,0,0", ",screening_arm_1,1,,,1,0", ",screening_arm_1,2,,,1,0"],
                      [",screening_arm_1,1,,,1,0", ",screening_arm_1,2,,,1,0", ",screening_arm_1,,,,0,0"]])
    func aBlankEventRowHidesNoConflict(order: [String]) throws {
        let (study, sink) = try Self.run(order.map { "R1" + $0 })
        #expect(sink.summary(.error).filter { $0.contains("duplicate") }.count == 2)
        #expect(study.participants.isEmpty)
        #expect(study.accounting.map(\.rejected) == [3])
    }

    /// An unticked box is a value: `required` holds.
    @Test func anUntickedRequiredBoxIsAnswered() throws {
        let (study, sink) = try Self.run(["R1,screening_arm_1,1,,,0,0", "R1,baseline_arm_1,,2024-01-05,6,0,0"],
                                         extra: "expectations:\n  fields:\n    rad_unilateral_leg_pain: {required: true}\n")
        #expect(sink.summary(.error) == [])
        #expect(boxes(study) == [[.boolean(false), .boolean(false)]])
    }
}


/// STarT Back items 1...8 as the options of one REDCap checkbox question (item 9, the
/// bothersomeness scale, is a field of its own): the total is scored on the row of the
/// instrument's event, and the filler zeros of other events neither contradict its ticks nor
/// fill a question marked missing.
@Suite struct REDCapCheckboxDerivationTests {
    typealias H = StagingHarness

    static let pipeline = StageTests.redcapScreeningPipeline(fields: """
          startback_9: sb_9
          startback_total: {derive: startback}
          startback_psychosocial: {derive: startback}

        """ + (1...8).map { "  startback_\($0): {checkbox: sb, option: '\($0)'}\n" }.joined())

    static let header = "record_id,redcap_event_name,arm,visit_date,nrs," + (1...8).map { "sb___\($0)," }.joined() + "sb___unk,sb_9"

    static func run(_ rows: [String]) throws -> (StagedStudy, CollectingSink) {
        try H(yaml: pipeline, files: ["redcap.csv": H.lines([header] + rows)]).run()
    }

    /// ``pipeline`` with the screening rows in a participants input of their own
    /// (`screening.csv`), the visit rows in `redcap.csv`.
    static let splitPipeline = pipeline.replacingOccurrences(
        of: "  - {path: redcap.csv, source: redcap, holds: visits, participant_rows: [screening_arm_1]}",
        with: "  - {path: screening.csv, source: redcap, holds: participants}\n  - {path: redcap.csv, source: redcap, holds: visits}")

    static let items: [Field] = [.startBack1, .startBack2, .startBack3, .startBack4, .startBack5, .startBack6, .startBack7,
                                 .startBack8]

    /// Items 2, 5 and 6 agreed, item 9 'very much' (4): total 4, psychosocial 3 (items 5, 6, 9).
    @Test(arguments: [true, false])
    func fillerZerosLeaveTheScoreStanding(screeningFirst: Bool) throws {
        let screening = "R1,screening_arm_1,1,,,0,1,0,0,1,1,0,0,0,4"
        let filler = ["R1,baseline_arm_1,,2024-01-05,6,0,0,0,0,0,0,0,0,0,", "R1,week_6_arm_1,,2024-02-16,4,0,0,0,0,0,0,0,0,0,"]
        let (study, sink) = try Self.run(screeningFirst ? [screening] + filler : filler + [screening])
        #expect(sink.summary(.error) == [])
        #expect(sink.summary(.warning) == [])
        let values = try #require(study.participants.first?.values)
        #expect(Self.items.map { values[$0] } == [false, true, false, false, true, true, false, false].map(Value.boolean))
        #expect(values[.startBackTotal] == .number(4))
        #expect(values[.startBackPsychosocial] == .number(3))
        #expect(study.visits.count == 2)
    }

    /// Every box unticked on the instrument's row: a total of 0 (item 9 'not at all'), items 0.
    @Test func aScoreOfNothingAgreed() throws {
        let (study, sink) = try Self.run(["R1,screening_arm_1,1,,,0,0,0,0,0,0,0,0,0,1",
                                          "R1,baseline_arm_1,,2024-01-05,6,0,0,0,0,0,0,0,0,0,"])
        #expect(sink.summary(.error) == [])
        let values = try #require(study.participants.first?.values)
        #expect(Self.items.map { values[$0] } == Array(repeating: .boolean(false), count: 8))
        #expect(values[.startBackTotal] == .number(0))
    }

    /// Items ticked on two events: the items are the ticks of both, and the totals are scored
    /// from them (Hill 2008), not from the zeros of the row that holds item 9.
    @Test(arguments: [true, false])
    func totalsAreScoredFromTheItemsKept(screeningFirst: Bool) throws {
        // Screening: items 1 and 2 agreed, item 9 'moderately' (3); baseline: items 5 and 6.
        let screening = "R1,screening_arm_1,1,,,1,1,0,0,0,0,0,0,0,3"
        let baseline = "R1,baseline_arm_1,,2024-01-05,6,0,0,0,0,1,1,0,0,0,"
        let (study, sink) = try Self.run(screeningFirst ? [screening, baseline] : [baseline, screening])
        #expect(sink.summary(.error) == [])
        let values = try #require(study.participants.first?.values)
        #expect(Self.items.map { values[$0] } == [true, true, false, false, true, true, false, false].map(Value.boolean))
        #expect(values[.startBackTotal] == .number(4))
        #expect(values[.startBackPsychosocial] == .number(2))
    }

    /// Totals are scored on the record, not per row: the items of one row without a `0` among
    /// them, and item 9 on both rows, neither leave the total empty nor make two rows' totals
    /// conflict.
    @Test func totalsAreScoredOnTheRecordNotPerRow() throws {
        let (study, sink) = try Self.run([
            "R1,screening_arm_1,1,,,,,,,,,,,0,5", "R1,baseline_arm_1,,2024-01-05,6,1,1,1,1,1,1,1,1,0,",
            "R2,screening_arm_1,1,,,1,1,0,0,0,0,0,0,0,5", "R2,baseline_arm_1,,2024-01-05,6,0,0,1,0,0,0,0,0,0,5",
        ])
        #expect(sink.summary(.error) == [])
        let values = study.participants.map(\.values)
        #expect(values.map { $0[.startBackTotal] } == [.number(9), .number(4)])
        #expect(values.map { $0[.startBackPsychosocial] } == [.number(5), .number(1)])
        #expect(study.visits.count == 2)
    }

    /// Expectations on a total scored on the record are checked there: a range at the
    /// participant's first row (an error rejects the record, its visit stays), `required` as on
    /// any record.
    @Test func expectationsOnTheTotalAreCheckedOnTheRecord() throws {
        let rows = ["R1,screening_arm_1,1,,,1,1,1,1,1,1,1,1,0,5", "R1,baseline_arm_1,,2024-01-05,6,0,0,0,0,0,0,0,0,0,",
                    "R2,screening_arm_1,1,,,1,0,0,0,0,0,0,0,0,1", "R3,screening_arm_1,2,,,0,0,0,0,0,0,0,0,0,"]
        let ranged = try H(yaml: Self.pipeline + "expectations:\n  fields:\n    startback_total: {range: [0, 3]}\n",
                           files: ["redcap.csv": H.lines([Self.header] + rows)]).run()
        #expect(ranged.1.summary(.error) == ["redcap.csv:2:- range error"])
        #expect(ranged.1.issues.first?.message == "'startback_total' derived from the participant's rows is 9, out of range 0...3")
        #expect(ranged.0.participants.map(\.id) == ["R2", "R3"])
        #expect(ranged.0.visits.map(\.participantID) == ["R1"])
        #expect(ranged.0.accounting.map(\.rejected) == [1])
        // Required: R3 has no item 9, so no total.
        let required = try H(yaml: Self.pipeline + "expectations:\n  fields:\n    startback_total: {required: true}\n",
                             files: ["redcap.csv": H.lines([Self.header] + rows)]).run()
        #expect(required.1.summary(.error) == ["redcap.csv:5:- required error"])
        #expect(required.0.participants.map(\.id) == ["R1", "R2"])
    }

    /// A participants input derives its totals on its rows, and checks them there: the record
    /// does not check the same total again (one issue per field), and a total a row emptied under
    /// `null-field` stays empty.
    @Test(arguments: ["severity: warning", "policy: null-field"])
    func aTotalARowDerivedIsCheckedOnce(setting: String) throws {
        let yaml = Self.splitPipeline + "expectations:\n  fields:\n    startback_total: {range: [0, 5], \(setting)}\n"
        let (study, sink) = try H(yaml: yaml, files: [
            "screening.csv": H.lines([Self.header, "R1,screening_arm_1,1,,,1,1,1,1,1,1,1,1,0,5"]),
            "redcap.csv": H.lines([Self.header, "R1,baseline_arm_1,,2024-01-05,6,0,0,0,0,0,0,0,0,0,"]),
        ]).run()
        #expect(sink.summary(.warning).filter { $0.contains("range") } == ["screening.csv:2:6 range warning"])
        let total = study.participants.first?.values[.startBackTotal]
        #expect(total == (setting.hasPrefix("policy") ? RowReader.invalid("range") : .number(9)))
    }

    /// A total emptied with an item (item 9 out of its range under `null-field`) is scored once
    /// another row gives the item; one emptied by its own range stays emptied.
    @Test func aTotalEmptiedWithAnItemIsScoredWhenTheItemComes() throws {
        let yaml = Self.splitPipeline + "expectations:\n  fields:\n    startback_9: {range: [1, 5], policy: null-field}\n"
            + "    startback_total: {range: [0, 1], policy: null-field}\n"
        let (study, sink) = try H(yaml: yaml, files: [
            "screening.csv": H.lines([Self.header, "R1,screening_arm_1,1,,,1,0,0,0,0,0,0,0,0,9", "R2,screening_arm_1,1,,,1,0,0,0,0,0,0,0,0,5"]),
            "redcap.csv": H.lines([Self.header, "R1,baseline_arm_1,,2024-01-05,6,0,0,0,0,0,0,0,0,0,4"]),
        ]).run()
        let values = study.participants.map(\.values)
        // R1: item 1 and item 9 'very much' (4) from the visit row: total 2, out of 0...1, emptied
        // on the record with its own issue; psychosocial 1.
        #expect(values.map { $0[.startBackPsychosocial] } == [.number(1), .number(1)])
        #expect(values.map { $0[.startBackTotal] } == [RowReader.invalid("range"), RowReader.invalid("range")])
        #expect(sink.summary(.warning).filter { $0.contains("range") }
            == ["screening.csv:2:15 range warning", "screening.csv:3:6 range warning", "screening.csv:2:- range warning"])
        #expect(sink.issues.filter { $0.rule == "range" }.map(\.message).contains("'startback_total' derived from the participant's rows is 2, out of range 0...1"))
    }

    /// The question marked missing: items and total agree that it is missing, in either order.
    @Test(arguments: [true, false])
    func aMarkedQuestionLeavesItemsAndTotalMissing(screeningFirst: Bool) throws {
        let screening = "R1,screening_arm_1,1,,,0,0,0,0,0,0,0,0,1,2"
        let filler = "R1,baseline_arm_1,,2024-01-05,6,0,0,0,0,0,0,0,0,0,"
        let (study, sink) = try Self.run(screeningFirst ? [screening, filler] : [filler, screening])
        #expect(sink.summary(.error) == [])
        #expect(sink.summary(.warning) == [])
        let values = try #require(study.participants.first?.values)
        #expect(Self.items.map { values[$0] } == Array(repeating: .missing(.askedButUnknown), count: 8))
        #expect(values[.startBackTotal] == .missing(.askedButUnknown))
    }
}

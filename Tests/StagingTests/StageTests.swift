import CSVKit
import PipelineSpec
import Staging
import StudyModel
import Testing

typealias H = StagingHarness

/// Staging end to end over small in-memory exports: typed records, accounting, duplicates.
@Suite struct StageTests {
    static let participants = H.lines([
        H.participantsHeader, H.participant("P1"), H.participant("P2", arm: "M", ["Sex": "man", "flags#night": "1"]),
    ])
    static let visits = H.lines([
        H.visitsHeader, H.visit("P1", "T0", date: "05-01-2024"), H.visit("P1", "T12", date: "29-03-2024", nrs: "6,5"),
        H.visit("P2", "baseline", date: "06-01-2024"), H.visit("P2", "week6", date: "16-02-2024", nrs: "-99"),
    ])

    @Test func cleanExportsStageIntoTypedRecords() throws {
        let harness = try H(yaml: H.castorPipeline, files: ["participants.csv": Self.participants, "visits.csv": Self.visits])
        let (study, sink) = try harness.run()
        #expect(sink.issues.filter { $0.severity != .note } == [])
        #expect(study.accounting.map(\.rowsRead) == [2, 4])
        #expect(study.accounting.map(\.accepted) == [2, 4])
        #expect(study.accounting.map(\.delimiter) == [";", ";"])
        #expect(study.accounting.map(\.encoding) == ["utf-8", "utf-8"])
        #expect(study.participants.map(\.id) == ["P1", "P2"])
        let first = study.participants[0]
        #expect(first.site == "AMS")
        #expect(first.arm?.id == "strength")
        #expect(first.values[.sex] == .text("F"))
        #expect(first.values[.birthYear] == .number(1970))
        #expect(first.values[.screeningDate] == .date(try #require(CalendarDate(year: 2024, month: 1, day: 2))))
        #expect(first.values[.rfNightPain] == .boolean(false))
        #expect(first.values[.heightCM] == nil)
        #expect(first.sources.map(\.description) == ["participants.csv:2"])
        #expect(study.participants[1].arm?.id == "mckenzie")
        #expect(study.participants[1].values[.sex] == .text("M"))
        #expect(study.participants[1].values[.rfNightPain] == .boolean(true))
        #expect(study.visits.map { "\($0.participantID)/\($0.timepoint.name)" } == ["P1/baseline", "P1/week12", "P2/baseline", "P2/week6"])
        #expect(study.visits[1].values[.painNRS] == .number(6.5))
        #expect(study.visits[3].values[.painNRS] == .missing(.notDone))
        #expect(study.visits[1].source.line == 3)
        #expect(study.errorCount == 0)
    }

    @Test func participantInputsAreReadBeforeVisitInputs() throws {
        // The visits input comes first in the pipeline file, yet its rows find their participants.
        let yaml = H.castorPipeline.replacingOccurrences(
            of: "  - {path: participants.csv, source: castor, holds: participants}\n  - {path: visits.csv, source: castor, holds: visits}",
            with: "  - {path: visits.csv, source: castor, holds: visits}\n  - {path: participants.csv, source: castor, holds: participants}")
        let harness = try H(yaml: yaml, files: ["participants.csv": Self.participants, "visits.csv": Self.visits])
        let (study, sink) = try harness.run()
        #expect(sink.summary(.error) == [])
        #expect(study.accounting.map(\.file) == ["visits.csv", "participants.csv"])
        #expect(study.visits.count == 4)
    }

    @Test func identicalDuplicateAcrossFilesIsKeptOnceWithANote() throws {
        let yaml = H.castorPipeline.replacingOccurrences(
            of: "  - {path: participants.csv, source: castor, holds: participants}",
            with: "  - {path: participants.csv, source: castor, holds: participants}\n  - {path: more.csv, source: castor, holds: participants}")
        let more = H.lines([H.participantsHeader, H.participant("P3"), "  " + H.participant("P1", ["Site": " AMS "])])
        let harness = try H(yaml: yaml, files: ["participants.csv": Self.participants, "more.csv": more, "visits.csv": Self.visits])
        let (study, sink) = try harness.run()
        #expect(sink.summary(.error) == [])
        #expect(sink.summary(.note) == ["more.csv:3:- duplicate note"])
        #expect(sink.issues.first { $0.rule == "duplicate" }?.message == "participant 'P1' has the same row at participants.csv:2; kept once")
        #expect(study.participants.map(\.id) == ["P1", "P2", "P3"])
        #expect(study.participants[0].sources.map(\.description) == ["participants.csv:2", "more.csv:3"])
        #expect(study.accounting[1].accepted == 2)
    }

    /// Counted for the flow: participants with a participant row but no record. P3's only row has
    /// an unknown arm code; P4's two rows conflict; P1 has a second, broken row, so neither of its
    /// rows is kept (as for any two rows of a participant that disagree); P9 is only in the visits
    /// file.
    @Test func participantsWhoseRowsWereAllRejectedAreCounted() throws {
        let participants = H.lines([
            H.participantsHeader, H.participant("P1"), H.participant("P2", arm: "2"), H.participant("P3", arm: "7"),
            H.participant("P4"), H.participant("P4", ["Sex": "M"]), H.participant("P1", ["Birth year": "19x0"]),
        ])
        let visits = H.lines([H.visitsHeader, H.visit("P1", "T0", date: "05-01-2024"), H.visit("P9", "T0", date: "05-01-2024")])
        let harness = try H(yaml: H.castorPipeline, files: ["participants.csv": participants, "visits.csv": visits])
        let (study, _) = try harness.run()
        #expect(study.participants.map(\.id) == ["P2"])
        #expect(study.participantsRejected == 3)
        #expect(study.participantRowsWithoutID == 0)
        #expect(study.accounting[0].rejected == 5)
    }

    /// Rejected participant rows whose id cannot be read are counted apart: an empty id, and the
    /// record a reading stop fell in. A visit row without an id is not one, and neither is a
    /// ragged row whose id cell is there: it rejects its participant.
    @Test func participantRowsWithoutAnIDAreCounted() throws {
        let participants = H.lines([H.participantsHeader, H.participant("P1"), H.participant("P2") + ";extra",
                                    H.participant("", arm: "2")]) + "P4;AMS;1;V;1970;\"54\n"
        let visits = H.lines([H.visitsHeader, H.visit("P1", "T0", date: "05-01-2024"), H.visit("", "week6", date: "16-02-2024")])
        let harness = try H(yaml: H.castorPipeline, files: ["participants.csv": participants, "visits.csv": visits])
        let (study, _) = try harness.run()
        #expect(study.participants.map(\.id) == ["P1"])
        #expect(study.participantsRejected == 1)
        #expect(study.participantRowsWithoutID == 2)
        #expect(study.accounting[0].rejected == 3)
    }

    @Test func conflictingParticipantRowsAreBothRejected() throws {
        let yaml = H.castorPipeline.replacingOccurrences(
            of: "  - {path: participants.csv, source: castor, holds: participants}",
            with: "  - {path: participants.csv, source: castor, holds: participants}\n  - {path: more.csv, source: castor, holds: participants}")
        let conflicting = H.participant("P1", ["Sex": "M"])
        let more = H.lines([H.participantsHeader, conflicting])
        let harness = try H(yaml: yaml, files: ["participants.csv": Self.participants, "more.csv": more, "visits.csv": Self.visits])
        let (study, sink) = try harness.run()
        #expect(sink.summary(.error) == ["more.csv:2:4 duplicate error"])
        #expect(sink.issues.first?.message == "participant 'P1' already has a different row at participants.csv:2 ('sex' is 'F' there and 'M' here); neither can be trusted, so both rows are rejected")
        // Neither row makes a record; P1's visits are kept, each with the usual warning.
        #expect(study.participants.map(\.id) == ["P2"])
        #expect(sink.summary(.warning) == ["visits.csv:2:1 participant-rejected warning", "visits.csv:3:1 participant-rejected warning"])
        #expect(study.visits.count == 4)
        // The second row is rejected as read; the first is taken back and read again after reading.
        #expect(sink.rejectedRows.map { "\($0.file):\($0.line)" } == ["more.csv:2", "participants.csv:2"])
        #expect(sink.rejectedRows.last?.rawFields.map { String(decoding: $0, as: UTF8.self) }.joined(separator: ";") == H.participant("P1"))
        #expect(sink.rejectedRows.last?.reasons == ["participant 'P1' has a different row at more.csv:2 ('sex' is 'M' there and 'F' here); neither can be trusted, so both rows are rejected"])
        #expect(study.accounting.map(\.accepted) == [1, 0, 4])
        #expect(study.accounting.map(\.rejected) == [1, 1, 0])
        #expect(study.errorCount == 1)
    }

    /// The two values of a conflict are quoted as every message quotes a cell: an invisible
    /// character as an escape, or the two would read alike.
    @Test func conflictingValuesShowInvisibleCharacters() throws {
        let yaml = H.castorPipeline.replacingOccurrences(
            of: "  - {path: participants.csv, source: castor, holds: participants}",
            with: "  - {path: participants.csv, source: castor, holds: participants}\n  - {path: more.csv, source: castor, holds: participants}")
        let more = H.lines([H.participantsHeader, H.participant("P1", ["Site": "AM\u{200B}S"])])
        let harness = try H(yaml: yaml, files: ["participants.csv": Self.participants, "more.csv": more, "visits.csv": Self.visits])
        let (_, sink) = try harness.run()
        #expect(sink.issues.first?.message.contains("('site' is 'AMS' there and 'AM\\u{200B}S' here)") == true,
                "\(sink.issues.first?.message ?? "no issue")")
    }

    /// A value that is not allowed is quoted as every message quotes a cell.
    @Test func aValueNotAllowedShowsInvisibleCharacters() throws {
        let yaml = H.castorPipeline + "expectations:\n  fields:\n    site: {allowed: [AMS], severity: warning}\n"
        let participants = H.lines([H.participantsHeader, H.participant("P1", ["Site": "AM\u{200B}S"])])
        let harness = try H(yaml: yaml, files: ["participants.csv": participants, "visits.csv": Self.visits])
        let (_, sink) = try harness.run()
        #expect(sink.issues.first { $0.rule == "allowed" }?.message
            == "the value 'AM\\u{200B}S' is not allowed for 'site' (allowed: 'AMS')")
    }

    @Test func aParticipantRowAfterAConflictIsRejectedToo() throws {
        let participants = H.lines([
            H.participantsHeader, H.participant("P1"), H.participant("P1"), H.participant("P1", ["Sex": "M"]), H.participant("P1"),
            H.participant("P2"),
        ])
        let harness = try H(yaml: H.castorPipeline, files: ["participants.csv": participants, "visits.csv": H.lines([H.visitsHeader])])
        let (study, sink) = try harness.run()
        #expect(sink.summary().filter { $0.hasPrefix("participants.csv") }
            == ["participants.csv:3:- duplicate note", "participants.csv:4:4 duplicate error", "participants.csv:5:- duplicate error"])
        #expect(sink.issues[1].message.hasSuffix("; they cannot be trusted, so this row and the 2 rows kept before are rejected"))
        #expect(sink.issues[2].message == "participant 'P1' has conflicting rows (the first at participants.csv:2); this row is rejected too")
        #expect(study.participants.map(\.id) == ["P2"])
        #expect(sink.rejectedRows.map(\.line) == [4, 5, 2, 3])
        #expect(study.accounting[0].accepted == 1)
        #expect(study.accounting[0].rejected == 4)
    }

    @Test func duplicateVisitRows() throws {
        let visits = H.lines([
            H.visitsHeader, H.visit("P1", "T0", date: "05-01-2024"), H.visit("P1", "baseline", date: "05-01-2024"),
            H.visit("P1", "T0", date: "05-01-2024", nrs: "7"), H.visit("P1", "T0", date: "05-01-2024"),
            H.visit("P2", "T0", date: "06-01-2024"),
        ])
        let harness = try H(yaml: H.castorPipeline, files: ["participants.csv": Self.participants, "visits.csv": visits])
        let opened = H.OpenedReaders()
        let (study, sink) = try harness.run(opened: opened)
        // The rows taken back are read again from where their records start, not by reading the
        // file anew from its start: the reader opened for them delivers no record itself.
        #expect(opened.readers.count == 3)
        #expect(opened.readers.last?.dataRecordCount == 0)
        #expect(sink.summary() == ["visits.csv:3:- duplicate note", "visits.csv:4:4 duplicate error", "visits.csv:5:- duplicate error"])
        #expect(sink.issues[1].message == "visit 'baseline' of participant 'P1' already has a different row at visits.csv:2 ('pain_nrs' is '5' there and '7' here); they cannot be trusted, so this row and the 2 rows kept before are rejected")
        #expect(sink.issues[2].message == "visit 'baseline' of participant 'P1' has conflicting rows (the first at visits.csv:2); this row is rejected too")
        // Every row of P1's baseline is rejected, the identical repeat included; P2's visit stays.
        #expect(study.visits.map { "\($0.participantID)/\($0.timepoint.name)" } == ["P2/baseline"])
        #expect(sink.rejectedRows.map(\.line) == [4, 5, 2, 3])
        // A row taken back is told it is one of the rows kept before, not the row that came last.
        #expect(sink.rejectedRows[2].reasons == ["visit 'baseline' of participant 'P1' has a different row at visits.csv:4 ('pain_nrs' is '7' there and '5' here); they cannot be trusted, so that row and the 2 rows kept before, this one among them, are rejected"])
        #expect(study.accounting[1].accepted == 1)
        #expect(study.accounting[1].rejected == 4)
    }

    /// Which of two conflicting rows comes first changes no value that is kept.
    @Test func conflictingVisitRowsGiveTheSameStudyInEitherOrder() throws {
        let first = H.visit("P1", "T0", date: "05-01-2024", rmdq: "0")
        let second = H.visit("P1", "T0", date: "05-01-2024", rmdq: "3")
        let others = [H.visit("P1", "T12", date: "29-03-2024"), H.visit("P2", "T0", date: "06-01-2024")]
        func staged(_ rows: [String]) throws -> (StagedStudy, CollectingSink) {
            let visits = H.lines([H.visitsHeader] + rows)
            return try H(yaml: H.castorPipeline, files: ["participants.csv": Self.participants, "visits.csv": visits]).run()
        }
        let (forward, forwardSink) = try staged([first, second] + others)
        let (backward, backwardSink) = try staged([second, first] + others)
        #expect(forward.visits.map { "\($0.participantID)/\($0.timepoint.name)" } == ["P1/week12", "P2/baseline"])
        #expect(forward.visits.map(\.values) == backward.visits.map(\.values))
        #expect(forward.participants == backward.participants)
        #expect(forward.accounting.map(\.rejected) == [0, 2])
        #expect(backward.accounting.map(\.rejected) == [0, 2])
        #expect(Set(forwardSink.rejectedRows.map(\.line)) == [2, 3])
        #expect(Set(backwardSink.rejectedRows.map(\.line)) == [2, 3])
        // P1 has week 12 but no baseline left: the cross-row rule says so in both orders.
        #expect(forwardSink.summary(.warning) == backwardSink.summary(.warning))
        #expect(forwardSink.summary(.warning) == ["visits.csv:4:2 follow_up_without_baseline warning"])
    }

    /// A range issue shows the cell as read, so that it can be found in the export, and the number
    /// as read in its message.
    @Test func aRangeIssueShowsTheCellAsRead() throws {
        let visits = H.lines([H.visitsHeader, H.visit("P1", "T0", date: "05-01-2024", nrs: " 10,5 ")])
        let (_, sink) = try H(yaml: H.castorPipeline, files: ["participants.csv": Self.participants, "visits.csv": visits]).run()
        let issue = try #require(sink.issues.first { $0.rule == "range" })
        #expect(issue.value == " 10,5 ")
        #expect(issue.message == "the value '10.5' is out of range 0...10 for 'pain_nrs'")
    }

    /// A participant id or a site heads lines and columns of the reports: a line break in one
    /// (LF, or a Unicode line separator) is a `type` error, the only one of the row (an id that
    /// cannot be read is not also missing).
    @Test(arguments: [("Site", "AMS\nZuid", 2), ("Site", "AMS\u{2028}Zuid", 2), ("Participant Id", "P\n2", 1)])
    func anIDOrASiteOverTwoLinesIsRejected(column: String, cell: String, columnNumber: Int) throws {
        let participants = H.lines([H.participantsHeader, H.participant("P1"), H.participant("P2", [column: "\"\(cell)\""])])
        let (study, sink) = try H(yaml: H.castorPipeline, files: ["participants.csv": participants, "visits.csv": H.visitsHeader + "\n"]).run()
        #expect(sink.summary(.error) == ["participants.csv:3:\(columnNumber) type error"])
        let quoted = cell.unicodeScalars.map { $0.value == 0x0A ? "\\u{A}" : $0.value == 0x2028 ? "\\u{2028}" : String($0) }.joined()
        #expect(sink.issues.first { $0.rule == "type" }?.message.hasPrefix("'\(quoted)' is not one line for '") == true)
        #expect(study.participants.map(\.id) == ["P1"])
        #expect(study.accounting.first?.rejected == 1)
    }

    @Test func visitOfAnUnknownParticipantIsRejected() throws {
        let visits = H.lines([H.visitsHeader, H.visit("P9", "T0", date: "05-01-2024")])
        let harness = try H(yaml: H.castorPipeline, files: ["participants.csv": Self.participants, "visits.csv": visits])
        let (_, sink) = try harness.run()
        #expect(sink.summary() == ["visits.csv:2:1 unknown-participant error"])
        #expect(sink.issues.first?.message == "participant 'P9' is not in any participants input")
    }

    /// An id with a character no one sees (a no-break space inside) is written with it escaped,
    /// so that it cannot pass for the plain id the data manager looks for.
    @Test func anIdWithAnUnseenCharacterIsShownEscaped() throws {
        let visits = H.lines([H.visitsHeader, H.visit("P\u{A0}9", "T0", date: "05-01-2024"), H.visit("P1", "T0", date: "05-01-2024"),
                              H.visit("P1", "T0", date: "05-01-2024", nrs: "6")])
        let participants = H.lines([H.participantsHeader, H.participant("P1")])
        let (_, sink) = try H(yaml: H.castorPipeline, files: ["participants.csv": participants, "visits.csv": visits]).run()
        #expect(sink.issues.first { $0.rule == "unknown-participant" }?.message == "participant 'P\\u{A0}9' is not in any participants input")
        let plain = try H(yaml: H.castorPipeline, files: ["participants.csv": participants, "visits.csv": H.lines([H.visitsHeader,
            H.visit("P1", "T0", date: "05-01-2024"), H.visit("P1", "T0", date: "05-01-2024", nrs: "6")])]).run().1
        #expect(plain.issues.first { $0.rule == "duplicate" }?.message.hasPrefix("visit 'baseline' of participant 'P1' ") == true)
    }

    @Test func visitsOfARejectedParticipantAreKeptWithAWarning() throws {
        let participants = H.lines([H.participantsHeader, H.participant("P1", ["Sex": "X"])])
        let visits = H.lines([H.visitsHeader, H.visit("P1", "T0", date: "05-01-2024")])
        let harness = try H(yaml: H.castorPipeline, files: ["participants.csv": participants, "visits.csv": visits])
        let (study, sink) = try harness.run()
        #expect(sink.summary() == ["participants.csv:2:4 vocabulary error", "visits.csv:2:1 participant-rejected warning"])
        #expect(study.visits.count == 1)
        #expect(study.participants.isEmpty)
        #expect(study.accounting.map(\.warnings) == [0, 1])
    }

    @Test(arguments: [
        ("1", "", [String]()), ("S", "", []), ("2", "", ["visits.csv:3:3 arm_changed error"]),
        ("2", "expectations:\n  rules:\n    arm_changed: {severity: warning}\n", ["visits.csv:3:3 arm_changed warning"]),
    ])
    func armCarriedByVisitRows(code: String, extra: String, expected: [String]) throws {
        let yaml = H.castorPipeline.replacingOccurrences(
            of: "  - {path: visits.csv, source: castor, holds: visits}",
            with: "  - {path: visits.csv, source: castor, holds: visits, fields: {arm: VisitGroup}}") + extra
        let visits = H.lines([
            "Castor Participant Id;Visit;VisitGroup;Date", "P1;T0;1;05-01-2024", "P1;week6;\(code);16-02-2024",
        ])
        let harness = try H(yaml: yaml, files: ["participants.csv": H.lines([H.participantsHeader, H.participant("P1")]), "visits.csv": visits])
        let (study, sink) = try harness.run()
        #expect(sink.summary().filter { !$0.hasSuffix(" note") && !$0.contains("column-absent") } == expected)
        #expect(study.participants.first?.arm?.id == "strength")
    }

    /// A participant row that leaves the arm empty, or gives a missing code, takes the arm a visit
    /// row carries, with a warning that says where each came from; the next visit row agrees.
    @Test(arguments: [("", "'arm' is empty"), ("-99", "'arm' is missing (")])
    func anEmptyArmFilledFromAVisitRowIsWarned(cell: String, start: String) throws {
        let yaml = H.castorPipeline.replacingOccurrences(
            of: "  - {path: visits.csv, source: castor, holds: visits}",
            with: "  - {path: visits.csv, source: castor, holds: visits, fields: {arm: VisitGroup}}")
        let visits = H.lines(["Castor Participant Id;Visit;VisitGroup;Date", "P1;T0;1;05-01-2024", "P1;week6;1;16-02-2024"])
        let participants = H.lines([H.participantsHeader, H.participant("P1", arm: cell)])
        let (study, sink) = try H(yaml: yaml, files: ["participants.csv": participants, "visits.csv": visits]).run()
        #expect(sink.summary(.warning).filter { !$0.contains("column-absent") } == ["visits.csv:2:3 participant-filled warning"])
        let message = try #require(sink.issues.first { $0.rule == "participant-filled" }?.message)
        #expect(message.hasPrefix(start) && message.hasSuffix("for the participant (participants.csv:2); this visit row's 'strength' is kept"))
        #expect(study.participants.first?.arm?.id == "strength")
    }

    /// A missing code a visit row carries does not fill a participant's empty cell (only a
    /// REDCap checkbox mark does): no value is given, so nothing is kept and nothing is warned.
    @Test func aCarriedMissingCodeLeavesAnEmptyCellAlone() throws {
        let yaml = H.castorPipeline.replacingOccurrences(
            of: "  - {path: visits.csv, source: castor, holds: visits}",
            with: "  - {path: visits.csv, source: castor, holds: visits, fields: {arm: VisitGroup}}")
        let visits = H.lines(["Castor Participant Id;Visit;VisitGroup;Date", "P1;T0;-97;05-01-2024"])
        let participants = H.lines([H.participantsHeader, H.participant("P1", arm: "")])
        let (study, sink) = try H(yaml: yaml, files: ["participants.csv": participants, "visits.csv": visits]).run()
        #expect(!sink.issues.contains { $0.rule == "participant-filled" })
        #expect(study.participants.first?.values[.arm] == .missing(.empty))
    }

    @Test func booleanVocabularyCanBeReplaced() throws {
        let yaml = H.castorPipeline.replacingOccurrences(
            of: "vocabularies:\n", with: "vocabularies:\n  booleans: {defaults: false, true: [wel], false: [niet]}\n")
        let participants = H.lines([
            H.participantsHeader, H.participant("P1", ["flags#night": "wel"]), H.participant("P2", ["flags#night": "niet"]),
            H.participant("P3", ["flags#night": "ja"]),
        ])
        let harness = try H(yaml: yaml, files: ["participants.csv": participants, "visits.csv": H.lines([H.visitsHeader])])
        let (study, sink) = try harness.run()
        #expect(study.participants.map { $0.values[.rfNightPain] } == [.boolean(true), .boolean(false)])
        #expect(sink.summary(.error) == ["participants.csv:4:10 vocabulary error"])
    }

    /// The schedule, arms and REDCap event names of the REDCap-style pipelines below, which add
    /// their own vocabularies, inputs and fields.
    static let redcapSchedule = """
        study: {name: Test}
        visits:
          baseline: {week: 0, window_days: 3}
          week6: {week: 6, window_days: 7}
        vocabularies:
          arms:
            - {id: strength, codes: ['1'], reference: true}
            - {id: mckenzie, codes: ['2']}
          visits:
            baseline: [baseline_arm_1]
            week6: [week_6_arm_1]

        """

    /// A REDCap visits input whose screening event holds the participant rows, with the declared
    /// missing-data code `UNK` and the key fields; `fields` adds a suite's own (lines under `fields:`).
    static func redcapScreeningPipeline(fields: String) -> String {
        redcapSchedule + """
            missing_codes:
              codes:
                - {code: UNK, reason: asked but unknown}

            """ + redcapInput(participantRows: ", participant_rows: [screening_arm_1]", fields: fields)
    }

    /// The REDCap visits input (`participantRows` is written after `holds: visits`) and its key
    /// fields; `fields` adds a suite's own (lines under `fields:`).
    static func redcapInput(participantRows: String, fields: String) -> String {
        """
        inputs:
          - {path: redcap.csv, source: redcap, holds: visits\(participantRows)}
        fields:
          participant_id: record_id
          arm: arm
          visit: redcap_event_name
          visit_date: visit_date
          pain_nrs: nrs

        """ + fields
    }

    /// A REDCap-style export: screening rows (participant data) among the visit rows.
    static let redcapPipeline = redcapSchedule + """
          sites:
            GRO: [gro]
        missing_codes:
          codes:
            - {code: ND, reason: not done}
        inputs:
          - {path: redcap.csv, source: redcap, holds: visits, participant_rows: [screening_arm_1]}
        fields:
          participant_id: record_id
          site: redcap_data_access_group
          arm: arm
          sex: sex
          randomisation_date: rand_date
          visit: redcap_event_name
          visit_date: visit_date
          pain_nrs: nrs
        """
    static let redcapHeader = "record_id,redcap_event_name,redcap_data_access_group,arm,sex,rand_date,visit_date,nrs"

    /// ``redcapHeader`` with REDCap's repeating-instrument columns.
    static let redcapRepeatHeader =
        "record_id,redcap_event_name,redcap_repeat_instrument,redcap_repeat_instance,redcap_data_access_group,arm,sex,rand_date,visit_date,nrs"

    /// A finding on a REDCap record merged from its events is located at the cell that holds the
    /// judged value (the onset a baseline row carried in), not at the screening row's empty cell.
    @Test func aFindingOnAMergedRecordIsLocatedAtTheCellThatHoldsTheValue() throws {
        let yaml = Self.redcapPipeline + "\n  screening_date: scr\n  onset_date: onset\n"
        let redcap = H.lines([
            Self.redcapHeader + ",scr,onset",
            "R1,screening_arm_1,gro,1,2,2024-01-05,,,2024-01-05,", "R1,baseline_arm_1,gro,,,,2024-01-05,6,,2024-01-06",
        ])
        let (_, sink) = try H(yaml: yaml, files: ["redcap.csv": redcap]).run()
        #expect(sink.summary(.error) == ["redcap.csv:3:10 onset_after_baseline error"])
    }

    /// An onset a rule emptied on the screening row (`null-field`) is not filled again by the
    /// baseline row that repeats it: one warning, the onset stays emptied. A baseline row with
    /// another onset contradicts the screening row, as it would had no rule emptied it.
    @Test(arguments: [("2024-01-06", [String]()), ("2023-12-01", ["redcap.csv:3:10 participant-conflict error"])])
    func aValueARuleEmptiedIsNotFilledByAVisitRow(baselineOnset: String, errors: [String]) throws {
        let yaml = Self.redcapPipeline + "\n  screening_date: scr\n  onset_date: onset\n"
            + "expectations:\n  rules:\n    onset_after_baseline: {policy: null-field}\n"
        let redcap = H.lines([
            Self.redcapHeader + ",scr,onset",
            "R1,screening_arm_1,gro,1,2,2024-01-05,,,2024-01-05,2024-01-06", "R1,baseline_arm_1,gro,,,,2024-01-05,6,,\(baselineOnset)",
        ])
        let (study, sink) = try H(yaml: yaml, files: ["redcap.csv": redcap]).run()
        #expect(sink.summary(.error) == errors)
        #expect(sink.issues.filter { $0.rule == "onset_after_baseline" }.count == 1)
        #expect(!sink.issues.contains { $0.rule == "participant-filled" })
        #expect(study.participants.first?.values[.onsetDate]?.missingReason?.isInvalid == true)
    }

    /// A screening row repeated word for word, whose onset a rule emptied, is the same row: kept
    /// once, the participant with it.
    @Test func aRepeatedEventRowWithAnEmptiedValueIsKeptOnce() throws {
        let yaml = Self.redcapPipeline + "\n  screening_date: scr\n  onset_date: onset\n"
            + "expectations:\n  rules:\n    onset_after_baseline: {policy: null-field}\n"
        let screening = "R1,screening_arm_1,gro,1,2,2024-01-05,,,2024-01-05,2024-01-06"
        let redcap = H.lines([Self.redcapHeader + ",scr,onset", screening, screening, "R1,baseline_arm_1,gro,,,,2024-01-05,6,,"])
        let (study, sink) = try H(yaml: yaml, files: ["redcap.csv": redcap]).run()
        #expect(sink.summary(.error) == [])
        #expect(study.participants.map(\.id) == ["R1"])
    }

    /// After a REDCap header in another form (two columns swapped), a repeating instrument's row
    /// (on the screening event) is rejected with the rest, but holds no participant data: its
    /// participant, accepted before,
    /// stays; a visit row after it is rejected and names its participant.
    @Test func aRepeatingInstrumentRowAfterAChangedHeaderRejectsNoParticipant() throws {
        let changed = Self.redcapRepeatHeader.replacingOccurrences(of: "visit_date,nrs", with: "nrs,visit_date")
        let redcap = H.lines([
            Self.redcapRepeatHeader,
            "R1,screening_arm_1,,,gro,1,2,2024-01-05,,",
            "R1,baseline_arm_1,,,gro,,,,2024-01-05,6",
            changed,
            "R1,screening_arm_1,adverse_events,1,gro,,,,,",
            "R1,week_6_arm_1,,,gro,,,,4,2024-02-16",
        ])
        let (study, sink) = try H(yaml: Self.redcapPipeline, files: ["redcap.csv": redcap]).run()
        #expect(sink.summary(.error) == ["redcap.csv:4:9 csv.changed-header error", "redcap.csv:5:- csv.changed-header error",
                                         "redcap.csv:6:- csv.changed-header error"])
        #expect(sink.issues.filter { $0.location.line == 6 }.map(\.participant) == ["R1"])
        #expect(study.participants.map(\.id) == ["R1"])
        #expect(study.participantsRejected == 0)
        #expect(study.visits.map(\.timepoint.name) == ["baseline"])
        #expect(study.accounting.first.map { ($0.rowsRead, $0.accepted, $0.rejected) } ?? (0, 0, 0) == (5, 2, 3))
    }

    /// A row of a repeating instrument (an adverse event within the baseline event, say) is no
    /// visit: it is set aside with a note, and the event's own row is kept as it is.
    @Test func repeatingInstrumentRowsAreSetAside() throws {
        let redcap = H.lines([
            Self.redcapRepeatHeader,
            "R1,screening_arm_1,,,gro,1,2,2024-01-05,,",
            "R1,baseline_arm_1,,,gro,,,,2024-01-05,6",
            "R1,baseline_arm_1,adverse_events,1,gro,,,,,",
            "R1,baseline_arm_1,Adverse_Events,2,gro,,,,2024-01-09,",
            "R1,week_6_arm_1,,,gro,,,,2024-02-16,4",
        ])
        let harness = try H(yaml: Self.redcapPipeline, files: ["redcap.csv": redcap])
        let (study, sink) = try harness.run()
        #expect(sink.summary(.error) == [])
        #expect(sink.summary(.note).filter { $0.contains("repeating") }
            == ["redcap.csv:4:3 redcap.repeating-instrument note", "redcap.csv:5:3 redcap.repeating-instrument note"])
        #expect(sink.issues.first { $0.rule == "redcap.repeating-instrument" }?.message
            == "a row of the repeating instrument 'adverse_events' (instance 1) in event 'baseline_arm_1' holds no visit; "
            + "the pipeline reads no repeating instruments, so the row is set aside")
        #expect(sink.issues.first { $0.rule == "redcap.repeating-instrument" }?.participant == "R1")
        #expect(study.visits.map(\.timepoint.name) == ["baseline", "week6"])
        #expect(study.visits.first?.values[.painNRS] == .number(6))
        #expect(sink.rejectedRows.map(\.line) == [4, 5])
        #expect(sink.rejectedRows.last?.reasons.first?.hasPrefix("a row of the repeating instrument 'Adverse_Events' (instance 2)") == true)
        #expect(study.accounting.first.map { ($0.rowsRead, $0.accepted, $0.rejected) } ?? (0, 0, 0) == (5, 3, 2))
        #expect(study.errorCount == 0)
    }

    /// Two participant events of one REDCap record (screening, then randomisation): each leaves
    /// the other's fields empty, which is no disagreement; the record takes both events' values.
    /// Two values that differ still conflict.
    @Test func redcapParticipantEventsMergeAcrossEmptyCells() throws {
        let yaml = Self.twoEventPipeline
        let redcap = H.lines([
            Self.redcapHeader,
            "R1,screening_arm_1,gro,,2,,,",
            "R1,randomisation_arm_1,gro,2,,2024-01-05,,",
            "R1,baseline_arm_1,gro,,,,2024-01-05,6",
            "R2,screening_arm_1,gro,,1,,,",
            "R2,randomisation_arm_1,gro,1,2,2024-01-05,,",
            "R2,baseline_arm_1,gro,,,,2024-01-05,5",
        ])
        let harness = try H(yaml: yaml, files: ["redcap.csv": redcap])
        let (study, sink) = try harness.run()
        #expect(study.participants.map(\.id) == ["R1"])
        #expect(study.participants.first?.arm?.id == "mckenzie")
        #expect(study.participants.first?.values[.sex] == .text("F"))
        #expect(study.participants.first?.values[.randomisationDate] == .date(try #require(CalendarDate(year: 2024, month: 1, day: 5))))
        // R2's sex is 1 at screening and 2 at randomisation: both rows are rejected.
        #expect(sink.summary(.error) == ["redcap.csv:6:5 duplicate error"])
        #expect(sink.issues.first { $0.rule == "duplicate" }?.message.contains("('sex' is 'M' there and 'F' here)") == true)
        #expect(study.accounting.first.map { ($0.rowsRead, $0.accepted, $0.rejected) } ?? (0, 0, 0) == (6, 4, 2))
    }

    /// A ragged row of a repeating instrument within a participant event (an adverse event in
    /// the screening event) is rejected as read, and holds no participant data: the participant's
    /// screening row stays.
    @Test func aRaggedRepeatingInstrumentRowLeavesTheParticipant() throws {
        let redcap = H.lines([
            Self.redcapRepeatHeader,
            "R1,screening_arm_1,,,gro,1,2,2024-01-05,,",
            "R1,screening_arm_1,adverse_events,1,gro,,,,,,extra",
            "R1,baseline_arm_1,,,gro,,,,2024-01-05,6",
        ])
        let (study, sink) = try H(yaml: Self.redcapPipeline, files: ["redcap.csv": redcap]).run()
        #expect(study.participants.map(\.id) == ["R1"])
        #expect(sink.summary(.error) == ["redcap.csv:3:11 csv.ragged-row error"])
        #expect(study.participantsRejected == 0 && study.participantRowsWithoutID == 0)
        #expect(study.accounting.first.map { ($0.rowsRead, $0.accepted, $0.rejected) } ?? (0, 0, 0) == (3, 2, 1))
    }

    /// A REDCap export that collects the arm at the baseline event: the screening row's arm
    /// cell is empty only because a flat export gives every row every column. The arm the
    /// baseline row carries is taken without a warning.
    @Test func anArmCollectedAtAVisitEventOfARedcapExportIsNotWarned() throws {
        let redcap = H.lines([
            Self.redcapHeader, "R1,screening_arm_1,gro,,2,,,", "R1,baseline_arm_1,gro,1,,2024-01-05,2024-01-05,6",
        ])
        let (study, sink) = try H(yaml: Self.redcapPipeline, files: ["redcap.csv": redcap]).run()
        #expect(study.participants.first?.arm?.id == "strength")
        #expect(!sink.issues.contains { $0.rule == "participant-filled" })
    }

    /// A participants file that leaves the arm empty beside a REDCap export whose screening row
    /// leaves it empty too: the participants file's empty cell is an answer, and is warned. A row
    /// of that file holding nothing but the id is a blank row, as if absent: noted, not warned.
    @Test func anEmptyArmOfAParticipantsFileBesideRedcapEventsIsWarned() throws {
        let yaml = Self.redcapPipeline.replacingOccurrences(
            of: "  - {path: redcap.csv, source: redcap, holds: visits, participant_rows: [screening_arm_1]}",
            with: "  - {path: alloc.csv, source: redcap, holds: participants}\n  - {path: redcap.csv, source: redcap, holds: visits, participant_rows: [screening_arm_1]}")
        let redcap = H.lines([
            Self.redcapHeader, "R1,screening_arm_1,gro,,2,,,", "R1,baseline_arm_1,gro,1,,2024-01-05,2024-01-05,6",
        ])
        let (study, sink) = try H(yaml: yaml, files: ["alloc.csv": H.lines(["record_id,arm,sex", "R1,,2"]), "redcap.csv": redcap]).run()
        #expect(study.participants.first?.arm?.id == "strength")
        #expect(sink.issues.filter { $0.rule == "participant-filled" }.map(\.message)
            == ["'arm' is empty for the participant (alloc.csv:2); this visit row's 'strength' is kept"])

        let blank = try H(yaml: yaml, files: ["alloc.csv": H.lines(["record_id,arm", "R1,"]), "redcap.csv": redcap]).run()
        #expect(blank.0.participants.first?.arm?.id == "strength")
        #expect(!blank.1.issues.contains { $0.rule == "participant-filled" })
        #expect(blank.1.issues.filter { $0.rule == "duplicate" }.map(\.message)
            == ["participant 'R1' has a row at redcap.csv:2; this row holds no values, only its keys, so it is kept once with it"])
    }

    static let twoEventPipeline = redcapPipeline.replacingOccurrences(
        of: "participant_rows: [screening_arm_1]", with: "participant_rows: [screening_arm_1, randomisation_arm_1]")

    /// A missing code of one event fills the other event's empty cell whichever row comes first,
    /// and another event that adds nothing is no repeat to note.
    @Test(arguments: [false, true])
    func aMissingCodeOfOneEventFillsTheOthersEmptyCell(randomisationFirst: Bool) throws {
        let screening = "R1,screening_arm_1,gro,,ND,,,"
        let randomisation = "R1,randomisation_arm_1,gro,2,,2024-01-05,,"
        let rows = randomisationFirst ? [randomisation, screening] : [screening, randomisation]
        let redcap = H.lines([Self.redcapHeader] + rows + ["R2,screening_arm_1,gro,,1,,,", "R2,randomisation_arm_1,gro,,,,,"])
        let (study, sink) = try H(yaml: Self.twoEventPipeline, files: ["redcap.csv": redcap]).run()
        #expect(study.participants.map(\.id) == ["R1", "R2"])
        let sex = study.participants.first?.values[.sex]
        #expect(sex?.isMissing == true && sex?.missingReason != .empty, "\(String(describing: sex))")
        #expect(study.participants.first?.arm?.id == "mckenzie")
        #expect(sink.summary(.note).filter { $0.contains("duplicate") } == [])
        #expect(sink.summary(.error) == [])
    }

    /// A required field the events give only as a missing code, under null-field, keeps that
    /// code's reason on the record (for clean/missing.csv), as a row does: nothing is emptied.
    @Test func aRequiredEventFieldUnderNullFieldKeepsItsMissingCode() throws {
        let yaml = Self.twoEventPipeline + "\nexpectations:\n  fields:\n    sex: {required: true, policy: null-field}\n"
        let redcap = H.lines([Self.redcapHeader, "R1,screening_arm_1,gro,,ND,,,", "R1,randomisation_arm_1,gro,2,,2024-01-05,,"])
        let (study, sink) = try H(yaml: yaml, files: ["redcap.csv": redcap]).run()
        let sex = study.participants.first?.values[.sex]
        #expect(sex?.isMissing == true && sex?.missingReason?.isInvalid == false && sex?.missingReason != .empty, "\(String(describing: sex))")
        #expect(sink.issues.filter { $0.rule == "required" }.map(\.severity) == [.warning])
    }

    /// An event row's arm against the arm a visit row carried before it is `arm_changed`, as in
    /// the other order: the screening row's empty arm cell collects nothing. In either order
    /// the visit row is at fault (rejected at `error`, warned at `warning`), and the
    /// participant's own arm is kept.
    @Test(arguments: [(false, "error"), (true, "error"), (false, "warning"), (true, "warning")])
    func aLaterEventRowsArmMeetsTheArmAVisitRowCarried(randomisationFirst: Bool, severity: String) throws {
        let baseline = "R1,baseline_arm_1,gro,1,,,2024-01-05,6"
        let randomisation = "R1,randomisation_arm_1,gro,2,,2024-01-05,,"
        let rows = ["R1,screening_arm_1,gro,,2,,,"] + (randomisationFirst ? [randomisation, baseline] : [baseline, randomisation])
        let yaml = Self.twoEventPipeline + "\nexpectations:\n  rules:\n    arm_changed: {severity: \(severity)}\n"
        let (study, sink) = try H(yaml: yaml, files: ["redcap.csv": H.lines([Self.redcapHeader] + rows)]).run()
        let visitLine = randomisationFirst ? 4 : 3
        #expect(sink.summary(severity == "error" ? .error : .warning).filter { $0.contains("arm_changed") }
            == ["redcap.csv:\(visitLine):4 arm_changed \(severity)"])
        #expect(sink.summary(.error).filter { !$0.contains("arm_changed") } == [])
        #expect(study.participants.map { $0.arm?.id } == ["mckenzie"])
        let record = try #require(study.participants.first)
        #expect(record.armSource.map { record.sources[$0].line } == (randomisationFirst ? 3 : 4))
        #expect(study.visits.map(\.timepoint.name) == (severity == "error" ? [] : ["baseline"]))
        #expect(sink.issues.first { $0.rule == "arm_changed" }?.message.hasPrefix(
            randomisationFirst ? "the arm 'strength' differs from the participant's arm 'mckenzie' (redcap.csv:3)"
                : "the arm 'strength' differs from the participant's arm 'mckenzie' (redcap.csv:4)") == true)
    }

    /// A row blank for its visit beside the visit row whose carried arm was rejected goes with
    /// it, whichever comes first: the rand event before the visit rows or after them. The finding
    /// names the visit, and the rejected row is no source of the participant's record.
    @Test(arguments: [false, true])
    func aBlankRowBesideARejectedArmCarrierGoesWithIt(randomisationFirst: Bool) throws {
        let visitRows = ["R1,baseline_arm_1,gro,1,,,2024-01-05,6", "R1,baseline_arm_1,gro,,,,,"]
        let randomisation = "R1,randomisation_arm_1,gro,2,,2024-01-05,,"
        let rows = ["R1,screening_arm_1,gro,,2,,,"] + (randomisationFirst ? [randomisation] + visitRows : visitRows + [randomisation])
        let (study, sink) = try H(yaml: Self.twoEventPipeline, files: ["redcap.csv": H.lines([Self.redcapHeader] + rows)]).run()
        let baselineLines = randomisationFirst ? [4, 5] : [3, 4]
        #expect(sink.rejectedRows.map(\.line).sorted() == baselineLines)
        #expect(study.accounting.map(\.rejected) == [2])
        #expect(study.participants.map { $0.arm?.id } == ["mckenzie"])
        #expect(study.participants.first?.sources.map(\.line) == (randomisationFirst ? [2, 3] : [2, 5]))
        #expect(sink.issues.first { $0.rule == "arm_changed" }?.visit == "baseline")
    }

    /// The events of one export split over the files of a glob are one participant's, as in one
    /// file: a second file's identical copy of an event row is a repeat kept once, and its other
    /// events merge.
    @Test func eventsAreMatchedAcrossTheFilesOfOneInput() throws {
        let first = H.lines([Self.redcapHeader, "R1,screening_arm_1,gro,,2,,,", "R1,randomisation_arm_1,gro,2,,2024-01-05,,",
                             "R1,baseline_arm_1,gro,,,,2024-01-05,6", "R2,screening_arm_1,gro,,1,,,"])
        let second = H.lines([Self.redcapHeader, "R1,screening_arm_1,gro,,2,,,", "R2,randomisation_arm_1,gro,1,,2024-01-05,,"])
        var harness = try H(yaml: Self.twoEventPipeline, files: ["redcap.csv": first, "redcap-2.csv": second])
        harness.moreFiles = [0: ["redcap-2.csv"]]
        let (study, sink) = try harness.run()
        #expect(sink.summary(.error) == [])
        #expect(study.participants.map(\.id) == ["R1", "R2"])
        #expect(study.participants.map { $0.arm?.id } == ["mckenzie", "strength"])
        #expect(sink.issues.filter { $0.rule == "duplicate" }.map(\.message)
            == ["participant 'R1' has the same row at redcap.csv:2; kept once"])
        #expect(study.accounting.map(\.rejected) == [0, 0])
    }

    /// The row that gave a participant its arm is known, whichever row made the record: an
    /// event row with the arm after one without, a visit row carrying it, or the first row.
    @Test(arguments: [false, true])
    func theRowThatGaveTheArmIsKept(randomisationFirst: Bool) throws {
        let screening = "R1,screening_arm_1,gro,,1,,,"
        let randomisation = "R1,randomisation_arm_1,gro,2,,2024-01-05,,"
        let rows = randomisationFirst ? [randomisation, screening] : [screening, randomisation]
        let (study, _) = try H(yaml: Self.twoEventPipeline, files: ["redcap.csv": H.lines([Self.redcapHeader] + rows)]).run()
        let record = try #require(study.participants.first)
        let source = try #require(record.armSource.map { record.sources[$0] })
        #expect(source.line == (randomisationFirst ? 2 : 3))
        #expect(study.armColumns == ["redcap.csv": 4])
        // Carried by a later visit row of a visits-only export.
        let carried = try H(yaml: Self.redcapPipeline.replacingOccurrences(of: ", participant_rows: [screening_arm_1]", with: ""),
                            files: ["redcap.csv": H.lines([Self.redcapHeader, "R1,baseline_arm_1,gro,,1,,2024-01-05,5",
                                                           "R1,week_6_arm_1,gro,2,,,2024-02-16,4"])]).run().0
        let visitsOnly = try #require(carried.participants.first)
        #expect(visitsOnly.arm?.id == "mckenzie")
        #expect(visitsOnly.armSource.map { visitsOnly.sources[$0].line } == 3)
    }

    /// A repeated event row is compared with that event's first row, wherever the other event's
    /// row is: kept once with a note, in either order.
    @Test(arguments: [false, true])
    func aRepeatedEventRowIsKeptOnceInAnyOrder(repeatLast: Bool) throws {
        let screening = "R1,screening_arm_1,gro,,1,,,"
        let randomisation = "R1,randomisation_arm_1,gro,2,,2024-01-05,,"
        let rows = repeatLast ? [screening, randomisation, screening] : [screening, screening, randomisation]
        let (study, sink) = try H(yaml: Self.twoEventPipeline, files: ["redcap.csv": H.lines([Self.redcapHeader] + rows)]).run()
        #expect(study.participants.first?.arm?.id == "mckenzie")
        #expect(sink.summary(.error) == [])
        #expect(sink.issues.filter { $0.rule == "duplicate" }.map(\.message) == ["participant 'R1' has the same row at redcap.csv:2; kept once"])
    }

    /// A required participant field is required of the record the events make: an event that
    /// does not collect it passes, a participant no event gives it to (or only a missing code)
    /// does not.
    @Test func requiredFieldsAreCheckedOnTheRecordTheEventsMake() throws {
        let yaml = Self.twoEventPipeline + "\nexpectations:\n  fields:\n    sex: {required: true}\n"
        let redcap = H.lines([
            Self.redcapHeader,
            "R1,screening_arm_1,gro,,1,,,", "R1,randomisation_arm_1,gro,2,,2024-01-05,,",
            "R2,screening_arm_1,gro,,,,,", "R2,randomisation_arm_1,gro,1,,2024-01-05,,",
            "R3,randomisation_arm_1,gro,1,,2024-01-05,,", "R3,screening_arm_1,gro,,ND,,,",
        ])
        let (study, sink) = try H(yaml: yaml, files: ["redcap.csv": redcap]).run()
        #expect(study.participants.map(\.id) == ["R1"])
        // R2's screening row holds nothing but its keys: R2's record starts at its randomisation
        // row, where the gap is reported. R3's code is reported at the row that gave it, with its reason.
        #expect(sink.summary(.error).filter { $0.contains("required") } == ["redcap.csv:5:- required error", "redcap.csv:7:- required error"])
        #expect(sink.issues.last { $0.rule == "required" }?.message
            == "'sex' is required but is missing (not done) in every row of participant 'R3' that collects it")
        #expect(study.accounting.first.map { ($0.accepted, $0.rejected) } ?? (0, 0) == (2, 4))
    }

    /// A participant that only another participants input holds is checked on its own row, once.
    @Test func aParticipantWithoutEventsIsCheckedOnItsRowOnly() throws {
        let yaml = Self.twoEventPipeline.replacingOccurrences(
            of: "inputs:\n", with: "inputs:\n  - {path: extra.csv, source: redcap, holds: participants, delimiter: ','}\n")
            + "\nexpectations:\n  fields:\n    sex: {required: true, severity: warning}\n"
        let redcap = H.lines([Self.redcapHeader, "R1,screening_arm_1,gro,,1,,,", "R1,randomisation_arm_1,gro,2,,2024-01-05,,"])
        let extra = H.lines(["record_id,sex", "P9,ND"])
        let (study, sink) = try H(yaml: yaml, files: ["redcap.csv": redcap, "extra.csv": extra]).run()
        #expect(study.participants.map(\.id) == ["P9", "R1"])
        #expect(sink.summary(.warning).filter { $0.contains("required") } == ["extra.csv:2:2 required warning"])
    }

    /// A value that conflicts with another event's is named at the row that gave it.
    @Test func aConflictWithAnotherEventNamesTheRowThatGaveTheValue() throws {
        let yaml = Self.redcapPipeline.replacingOccurrences(
            of: "participant_rows: [screening_arm_1]", with: "participant_rows: [screening_arm_1, randomisation_arm_1, allocation_arm_1]")
        let redcap = H.lines([
            Self.redcapHeader, "R1,screening_arm_1,gro,,1,,,", "R1,randomisation_arm_1,gro,2,,2024-01-05,,", "R1,allocation_arm_1,gro,1,,,,",
        ])
        let (_, sink) = try H(yaml: yaml, files: ["redcap.csv": redcap]).run()
        #expect(sink.issues.first { $0.rule == "duplicate" }?.message.hasPrefix("participant 'R1' already has a different row at redcap.csv:3 ('arm' is 'mckenzie' there and 'strength' here)") == true)
    }

    /// Two rows of the same event are no two events: a value against an empty cell conflicts.
    @Test func twoRowsOfOneEventAreDuplicates() throws {
        let redcap = H.lines([Self.redcapHeader, "R1,screening_arm_1,gro,2,1,2024-01-05,,", "R1,screening_arm_1,gro,,1,2024-01-05,,"])
        let (study, sink) = try H(yaml: Self.twoEventPipeline, files: ["redcap.csv": redcap]).run()
        #expect(study.participants.isEmpty)
        #expect(sink.summary(.error) == ["redcap.csv:3:4 duplicate error"])
    }

    /// `unique` holds for a field only the second event fills, as it would in one event.
    @Test func uniqueHoldsForWhatTheSecondEventFills() throws {
        let yaml = Self.twoEventPipeline + "\nexpectations:\n  fields:\n    randomisation_date: {unique: true}\n"
        let redcap = H.lines([
            Self.redcapHeader,
            "R1,screening_arm_1,gro,,1,,,", "R1,randomisation_arm_1,gro,2,,2024-01-05,,",
            "R2,screening_arm_1,gro,,2,,,", "R2,randomisation_arm_1,gro,1,,2024-01-05,,",
        ])
        let (_, sink) = try H(yaml: yaml, files: ["redcap.csv": redcap]).run()
        #expect(sink.summary(.error).contains("redcap.csv:5:6 unique error"))
    }

    /// A visit read before its participant's rows are rejected gets the warning a later one gets.
    @Test func visitsReadBeforeTheParticipantIsRejectedAreWarnedToo() throws {
        let redcap = H.lines([
            Self.redcapHeader,
            "R1,screening_arm_1,gro,,1,,,", "R1,baseline_arm_1,gro,,,,2024-01-05,6",
            "R1,randomisation_arm_1,gro,9,,2024-01-05,,", "R1,week_6_arm_1,gro,,,,2024-02-16,4",
        ])
        let (study, sink) = try H(yaml: Self.twoEventPipeline, files: ["redcap.csv": redcap]).run()
        #expect(study.participants.isEmpty)
        #expect(sink.summary(.warning).filter { $0.contains("participant-rejected") }
            == ["redcap.csv:3:1 participant-rejected warning", "redcap.csv:5:1 participant-rejected warning"])
    }

    /// In a REDCap export a ragged screening row is a participant row too (its event cell says
    /// so): its id rejects the participant; a ragged visit row rejects only itself.
    @Test func raggedScreeningRowOfARedcapExportIsCounted() throws {
        let redcap = H.lines([
            Self.redcapHeader,
            "R1,screening_arm_1,gro,1,2,2024-01-05,,",
            "R1,baseline_arm_1,gro,,,,2024-01-05,6",
            "R2,screening_arm_1,gro,1,2,2024-01-05,,,extra",
            "R1,week_6_arm_1,gro,,,,2024-02-16,4,extra",
        ])
        let harness = try H(yaml: Self.redcapPipeline, files: ["redcap.csv": redcap])
        let (study, _) = try harness.run()
        #expect(study.participants.map(\.id) == ["R1"])
        #expect(study.participantsRejected == 1)
        #expect(study.participantRowsWithoutID == 0)
        #expect(study.accounting.first?.rejected == 2)
    }

    @Test func participantRowsInsideAVisitsExport() throws {
        let text = Self.redcapPipeline
        let redcap = H.lines([
            Self.redcapHeader,
            "R1,screening_arm_1,gro,1,2,2024-01-05,,",
            "R1,baseline_arm_1,gro,,,,2024-01-05,6",
            "R1,week_6_arm_1,gro,,,,2024-02-16,ND",
            "R2,screening_arm_1,gro,4,1,2024-01-05,,",
            "R3,week_6_arm_1,gro,,,,2024-02-16,3",
        ])
        let harness = try H(yaml: text, files: ["redcap.csv": redcap])
        let (study, sink) = try harness.run()
        #expect(sink.summary(.error) == ["redcap.csv:5:4 vocabulary error", "redcap.csv:6:1 unknown-participant error"])
        #expect(study.participants.map(\.id) == ["R1"])
        #expect(study.participants[0].site == "GRO")
        #expect(study.participants[0].values[.sex] == .text("F"))
        #expect(study.participants[0].arm?.id == "strength")
        #expect(study.visits.map(\.timepoint.name) == ["baseline", "week6"])
        #expect(study.visits[1].values[.painNRS] == .missing(.notDone))
        #expect(study.accounting[0].rowsRead == 5)
        #expect(study.accounting[0].accepted == 3)
    }

    /// Screening rows need not come first: a visit row read before its participant's row waits
    /// for it, and the study is the one of the usual order.
    @Test func visitRowsBeforeTheirScreeningRowFindTheirParticipant() throws {
        let screening = "R1,screening_arm_1,gro,1,2,2024-01-05,,"
        let visits = ["R1,baseline_arm_1,gro,,,,2024-01-05,6", "R1,week_6_arm_1,gro,,,,2024-02-16,ND"]
        let stranger = "R9,week_6_arm_1,gro,,,,2024-02-16,3"
        func staged(_ rows: [String]) throws -> (StagedStudy, CollectingSink) {
            try H(yaml: Self.redcapPipeline, files: ["redcap.csv": H.lines([Self.redcapHeader] + rows)]).run()
        }
        let (usual, usualSink) = try staged([screening] + visits + [stranger])
        let (late, lateSink) = try staged(visits + [screening, stranger])
        #expect(late.participants.map(\.id) == ["R1"])
        #expect(late.participants.map(\.values) == usual.participants.map(\.values))
        #expect(late.participants.map(\.arm) == usual.participants.map(\.arm))
        #expect(late.participants.first?.sources.map(\.line) == [4])
        #expect(late.visits.map(\.timepoint.name) == ["baseline", "week6"])
        #expect(late.visits.map(\.values) == usual.visits.map(\.values))
        #expect(late.visits.map(\.source.line) == [2, 3])
        // A participant who never comes is still an error, decided once every row is read.
        #expect(usualSink.summary() == ["redcap.csv:5:1 unknown-participant error"])
        #expect(lateSink.summary() == ["redcap.csv:5:1 unknown-participant error"])
        // It names where the participant's row was looked for: the screening event as well.
        #expect(lateSink.issues.first?.message
            == "participant 'R9' has no participant row: no row of event 'screening_arm_1'")
        // Beside a participants input, both places are named.
        let withParticipantsInput = Self.redcapPipeline.replacingOccurrences(
            of: "  - {path: redcap.csv,", with: "  - {path: people.csv, source: redcap, holds: participants}\n  - {path: redcap.csv,")
        #expect(withParticipantsInput != Self.redcapPipeline)
        let (_, bothSink) = try H(yaml: withParticipantsInput, files: [
            "people.csv": H.lines(["record_id,redcap_data_access_group,arm,sex,rand_date", "R2,gro,1,2,2024-01-05"]),
            "redcap.csv": H.lines([Self.redcapHeader] + visits + [screening, stranger]),
        ]).run()
        #expect(bothSink.issues.filter { $0.rule == "unknown-participant" }.map(\.message)
            == ["participant 'R9' has no participant row: none in a participants input, and no row of event 'screening_arm_1'"])
        #expect(late.accounting.map(\.accepted) == [3])
        #expect(late.accounting.map(\.rejected) == [1])
        #expect(lateSink.rejectedRows.map(\.line) == [5])
        #expect(lateSink.rejectedRows.first?.rawFields.map { String(decoding: $0, as: UTF8.self) }.joined(separator: ",") == stranger)
    }

    /// A visit row that waited is checked against its participant as any other: the arm it carries.
    @Test func aWaitingVisitRowIsCheckedAgainstItsParticipant() throws {
        let rows = [
            "R1,baseline_arm_1,gro,2,,,2024-01-05,6", "R1,screening_arm_1,gro,1,2,2024-01-05,,",
            "R1,week_6_arm_1,gro,,,,2024-02-16,3",
        ]
        let (study, sink) = try H(yaml: Self.redcapPipeline, files: ["redcap.csv": H.lines([Self.redcapHeader] + rows)]).run()
        #expect(sink.summary() == ["redcap.csv:2:4 arm_changed error", "redcap.csv:4:2 follow_up_without_baseline warning"])
        #expect(study.participants.map { $0.arm?.id } == ["strength"])
        #expect(study.visits.map(\.source.line) == [4])
        #expect(study.accounting.map(\.accepted) == [2])
        #expect(study.accounting.map(\.rejected) == [1])
    }

    @Test func visitsOnlyPipelineBuildsParticipantsFromCarriedFields() throws {
        let text = Self.redcapSchedule + """
            inputs:
              - {path: redcap.csv, source: redcap, holds: visits, delimiter: ','}
            fields:
              participant_id: record_id
              arm: arm
              randomisation_date: rand_date
              visit: redcap_event_name
              visit_date: visit_date
              pain_nrs: nrs
            """
        let redcap = H.lines([
            "record_id,redcap_event_name,arm,rand_date,visit_date,nrs",
            "R1,baseline_arm_1,1,2024-01-05,2024-01-05,6",
            "R1,week_6_arm_1,,,2024-02-16,4",
            "R2,week_6_arm_1,,,2024-02-16,3",
            "R1,week_6_arm_1,2,,2024-02-16,4",
        ])
        let harness = try H(yaml: text, files: ["redcap.csv": redcap])
        let (study, sink) = try harness.run()
        #expect(study.participants.map(\.id) == ["R1", "R2"])
        #expect(study.participants[0].arm?.id == "strength")
        #expect(study.participants[0].values[.randomisationDate] == .date(try #require(CalendarDate(year: 2024, month: 1, day: 5))))
        // Row 5 repeats R1's week 6 visit with another arm: the arm rule and the duplicate rule both reject it.
        #expect(sink.summary(.error) == ["redcap.csv:5:3 arm_changed error"])
        // R2's arm would have come with its baseline event.
        #expect(sink.summary(.warning) == ["redcap.csv:4:2 follow_up_without_baseline warning", "redcap.csv:4:2 follow_up_not_randomised warning"])
        #expect(study.visits.map { "\($0.participantID)/\($0.timepoint.name)" } == ["R1/baseline", "R1/week6", "R2/week6"])
        #expect(study.accounting[0].rejected == 1)
        #expect(sink.rejectedRows.map(\.line) == [5])
    }
}

import PipelineSpec
@testable import Staging
import StudyModel
import Testing

/// Two inputs may hold different fields of the same participants or visits (a Castor study file
/// and a survey file, say): rows that agree on the fields both collect are merged; a field both
/// collect with different values is still a conflict.
@Suite struct ComplementingRowTests {
    static let visitsAndSurvey = H.castorPipeline.replacingOccurrences(
        of: "  - {path: visits.csv, source: castor, holds: visits}",
        with: "  - {path: visits.csv, source: castor, holds: visits}\n  - {path: survey.csv, source: castor, holds: visits}")
    static let participants = H.lines([H.participantsHeader, H.participant("P1"), H.participant("P2")])
    static let visits = H.lines(["Castor Participant Id;Visit;Date;NRS", "P1;T0;05-01-2024;5", "P2;T0;05-01-2024;4"])

    @Test func visitRowsThatCollectOtherFieldsAreMerged() throws {
        let survey = H.lines(["Castor Participant Id;Visit;RMDQ", "P1;baseline;12", "P1;T0;12", "P2;T0;9"])
        let harness = try H(yaml: Self.visitsAndSurvey,
                            files: ["participants.csv": Self.participants, "visits.csv": Self.visits, "survey.csv": survey])
        let (study, sink) = try harness.run()
        #expect(sink.summary(.error) == [])
        // The repeat of the survey row holds nothing new: kept once, with a note.
        #expect(sink.summary(.note).filter { $0.contains("duplicate") } == ["survey.csv:3:- duplicate note"])
        #expect(sink.issues.first { $0.rule == "duplicate" }?.message
            == "visit 'baseline' of participant 'P1' has the same values at visits.csv:2; kept once")
        #expect(study.visits.map { "\($0.participantID)/\($0.timepoint.name)" } == ["P1/baseline", "P2/baseline"])
        #expect(study.visits.map { $0.values[.painNRS] } == [.number(5), .number(4)])
        #expect(study.visits.map { $0.values[.rmdq] } == [.number(12), .number(9)])
        #expect(study.visits.map { $0.values[.visitDate]?.date } == [CalendarDate(year: 2024, month: 1, day: 5),
                                                                     CalendarDate(year: 2024, month: 1, day: 5)])
        #expect(study.accounting.map(\.accepted) == [2, 2, 3])
        #expect(study.accounting.allSatisfy { $0.isBalanced && $0.rejected == 0 })
    }

    @Test func aRowConflictingWithAMergedVisitRejectsEveryRowOfIt() throws {
        let survey = H.lines(["Castor Participant Id;Visit;RMDQ", "P1;T0;12", "P2;T0;9", "P1;T0;13"])
        let harness = try H(yaml: Self.visitsAndSurvey,
                            files: ["participants.csv": Self.participants, "visits.csv": Self.visits, "survey.csv": survey])
        let (study, sink) = try harness.run()
        #expect(sink.summary(.error) == ["survey.csv:4:3 duplicate error"])
        #expect(sink.issues.first { $0.severity == .error }?.message
            == "visit 'baseline' of participant 'P1' already has a different row at survey.csv:2 ('rmdq' is '12' there and '13' here); they cannot be trusted, so this row and the 2 rows kept before are rejected")
        #expect(study.visits.map { "\($0.participantID)/\($0.timepoint.name)" } == ["P2/baseline"])
        #expect(sink.rejectedRows.map { "\($0.file):\($0.line)" }.sorted() == ["survey.csv:2", "survey.csv:4", "visits.csv:2"])
        // The row of the merged visit that has no RMDQ is not said to hold the value: the row that did is named.
        let reasons = Dictionary(sink.rejectedRows.map { ("\($0.file):\($0.line)", $0.reasons.joined()) }) { first, _ in first }
        #expect(reasons["visits.csv:2"]?.contains("('rmdq' is '13' there and '12' at survey.csv:2)") == true, "\(reasons)")
        #expect(reasons["survey.csv:2"]?.contains("('rmdq' is '13' there and '12' here)") == true, "\(reasons)")
        #expect(study.accounting.map(\.accepted) == [2, 1, 1])
        #expect(study.accounting.map(\.rejected) == [0, 1, 2])
    }

    static let participantsAndExtra = H.castorPipeline.replacingOccurrences(
        of: "  - {path: participants.csv, source: castor, holds: participants}",
        with: "  - {path: participants.csv, source: castor, holds: participants}\n  - {path: extra.csv, source: castor, holds: participants}")
    /// The participant rows without their onset date, which `extra.csv` holds.
    static let participantsWithoutOnset = H.lines([
        "Participant Id;Site;Group;Sex;Birth year;Age;Screening;Randomised;flags#night",
        "P1;AMS;1;V;1970;54;02-01-2024;05-01-2024;0", "P2;AMS;2;V;1971;53;02-01-2024;05-01-2024;1",
    ])

    @Test func participantRowsThatCollectOtherFieldsAreMerged() throws {
        let extra = H.lines(["Participant Id;Onset", "P2;01-12-2023", "P1;01-11-2023"])
        let harness = try H(yaml: Self.participantsAndExtra,
                            files: ["participants.csv": Self.participantsWithoutOnset, "extra.csv": extra,
                                    "visits.csv": H.lines([H.visitsHeader])])
        let (study, sink) = try harness.run()
        #expect(sink.summary(.error) == [])
        #expect(study.participants.map(\.id) == ["P1", "P2"])
        #expect(study.participants.map { $0.values[.onsetDate]?.date } == [CalendarDate(year: 2023, month: 11, day: 1),
                                                                           CalendarDate(year: 2023, month: 12, day: 1)])
        #expect(study.participants.map { $0.arm?.id } == ["strength", "mckenzie"])
        #expect(study.participants[0].sources.map(\.description) == ["participants.csv:2", "extra.csv:3"])
        #expect(study.accounting.map(\.accepted) == [2, 2, 0])
    }

    /// A conflict with a record merged from two files names the row that gave the value, not
    /// the record's first row, whose file has no column for it.
    @Test func aConflictWithAMergedParticipantNamesTheRowThatGaveTheValue() throws {
        let extra = H.lines(["Participant Id;Onset", "P1;01-11-2023", "P2;01-12-2023", "P1;02-11-2023"])
        let harness = try H(yaml: Self.participantsAndExtra,
                            files: ["participants.csv": Self.participantsWithoutOnset, "extra.csv": extra,
                                    "visits.csv": H.lines([H.visitsHeader])])
        let (_, sink) = try harness.run()
        #expect(sink.summary(.error) == ["extra.csv:4:2 duplicate error"])
        #expect(sink.issues.first { $0.rule == "duplicate" }?.message
            == "participant 'P1' already has a different row at extra.csv:2 ('onset_date' is '2023-11-01' there and "
            + "'2023-11-02' here); they cannot be trusted, so this row and the 2 rows kept before are rejected")
    }

    /// A study file (P1, then `secondStudyRow`) and a survey file of P2 and P1, in either order,
    /// with one visit of P2, staged.
    static func runStudyAndSurvey(surveyFirst: Bool, secondStudyRow: String) throws -> (StagedStudy, CollectingSink) {
        let study = "  - {path: participants.csv, source: castor, holds: participants}"
        let survey = "  - {path: extra.csv, source: castor, holds: participants}"
        let yaml = H.castorPipeline.replacingOccurrences(of: study, with: surveyFirst ? survey + "\n" + study : study + "\n" + survey)
        let participants = H.lines([
            "Participant Id;Site;Group;Sex;Birth year;Age;Screening;Randomised;flags#night",
            "P1;AMS;1;V;1970;54;02-01-2024;05-01-2024;0", secondStudyRow,
        ])
        let extra = H.lines(["Participant Id;Onset", "P2;01-12-2023", "P1;01-11-2023"])
        let visits = H.lines([H.visitsHeader, H.visit("P2", "T0", date: "05-01-2024")])
        return try H(yaml: yaml, files: ["participants.csv": participants, "extra.csv": extra, "visits.csv": visits]).run()
    }

    /// A study file that derives the age from the birth year and a survey that states it: both
    /// give the participant's age, so the two are compared as any two answers are. An equal age
    /// merges; another, even one the birth year allows, conflicts (documented: map a field one
    /// way for inputs that share participants).
    @Test func aStatedValueBesideADerivedOneIsComparedAsAnAnswer() throws {
        let study = "  - {path: participants.csv, source: castor, holds: participants}"
        let survey = "  - {path: survey.csv, source: castor, holds: participants, fields: {age: leeftijd}}"
        let yaml = H.castorPipeline
            .replacingOccurrences(of: "  age: Age\n", with: "  age: {derive: from_birth_year}\n")
            .replacingOccurrences(of: study, with: study + "\n" + survey)
        let participants = H.lines([H.participantsHeader] + ["P1", "P2"].map { H.participant($0) })
        let statedAges = H.lines(["Participant Id;leeftijd", "P1;54", "P2;53"])
        let (staged, sink) = try H(yaml: yaml, files: ["participants.csv": participants, "survey.csv": statedAges,
                                                       "visits.csv": H.lines([H.visitsHeader])]).run()
        #expect(staged.participants.map(\.id) == ["P1"])
        #expect(sink.issues.filter { $0.rule == "duplicate" && $0.severity == .error }.map(\.participant) == ["P2"])
        #expect(sink.issues.first { $0.rule == "duplicate" && $0.severity == .error }?.message.contains("('age' is '54' there and '53' here)") == true)
    }

    /// An age the merged record derives (the birth year in one file, the screening date in
    /// another) that its range empties under null-field is not derived from: the age at onset
    /// is emptied for the same reason, as on a row.
    @Test func aValueTheRecordDerivesOutOfRangeIsNotDerivedFrom() throws {
        let yaml = H.castorPipeline
            .replacingOccurrences(of: "  age: Age\n", with: "  age: {derive: from_birth_year}\n")
            .replacingOccurrences(of: "  rmdq: RMDQ\n", with: "  rmdq: RMDQ\n  age_at_onset: {derive: from_age_and_onset}\n")
            .replacingOccurrences(of: "  - {path: participants.csv, source: castor, holds: participants}",
                                  with: "  - {path: participants.csv, source: castor, holds: participants}\n"
                                      + "  - {path: extra.csv, source: castor, holds: participants}")
            + "expectations:\n  fields:\n    age: {range: [18, 100], policy: null-field}\n"
        let participants = H.lines(["Participant Id;Site;Group;Sex;Birth year;Randomised;Onset", "P1;AMS;1;V;2010;05-01-2024;01-11-2023"])
        let extra = H.lines(["Participant Id;Screening", "P1;02-01-2024"])
        let (study, sink) = try H(yaml: yaml, files: ["participants.csv": participants, "extra.csv": extra,
                                                      "visits.csv": H.lines([H.visitsHeader])]).run()
        let values = try #require(study.participants.first?.values)
        #expect(values[.age] == .missing(.emptied(byRule: "range")))
        #expect(values[.ageAtOnset] == .missing(.emptied(byRule: "range")))
        #expect(sink.issues.filter { $0.rule == "range" }.map(\.field) == ["age"])
    }

    /// A study row rejected (an unknown arm code) beside an accepted survey row of the same
    /// participant: no record is made from the survey row alone, whichever file comes first; the
    /// participant counts as rejected, and its visits are kept with a warning.
    @Test(arguments: [false, true])
    func aRejectedParticipantRowLeavesNoRecordFromTheOtherInput(surveyFirst: Bool) throws {
        let (staged, sink) = try Self.runStudyAndSurvey(surveyFirst: surveyFirst, secondStudyRow: "P2;AMS;9;V;1971;53;02-01-2024;05-01-2024;1")
        #expect(staged.participants.map(\.id) == ["P1"])
        #expect(staged.participantsRejected == 1)
        // One error per rejected row, in either order.
        #expect(sink.summary(.error).sorted() == ["extra.csv:2:- participant-rejected error", "participants.csv:3:3 vocabulary error"])
        #expect(sink.issues.first { $0.rule == "participant-rejected" }?.message
            == "participant 'P2' has a rejected row at participants.csv:3, so no row of the participant is kept")
        #expect(staged.errorCount == 2)
        #expect(sink.summary(.warning).filter { !$0.contains("column-absent") } == ["visits.csv:2:1 participant-rejected warning"])
        #expect(sink.rejectedRows.map { "\($0.file):\($0.line)" }.sorted() == ["extra.csv:2", "participants.csv:3"])
        #expect(staged.accounting.allSatisfy { $0.isBalanced })
        #expect(staged.accounting.map { $0.accepted + $0.rejected } == staged.accounting.map(\.rowsRead))
    }

    /// A ragged study row (one field too many or too few) is rejected as read, and its id, in
    /// its place in the first column, still rejects the participant: no record is made from the
    /// survey row alone, the issue names the participant, and the flow counts one rejected
    /// participant, not a row without an id beside a screened one.
    @Test(arguments: [(false, ";extra"), (true, ";extra"), (false, "<drop>")])
    func aRaggedParticipantRowRejectsTheParticipant(surveyFirst: Bool, change: String) throws {
        let second = "P2;AMS;1;V;1971;53;02-01-2024;05-01-2024;1"
        let (staged, sink) = try Self.runStudyAndSurvey(
            surveyFirst: surveyFirst, secondStudyRow: change == "<drop>" ? String(second.dropLast(2)) : second + change)
        #expect(staged.participants.map(\.id) == ["P1"])
        #expect(staged.participantsRejected == 1)
        #expect(staged.participantRowsWithoutID == 0)
        let ragged = try #require(sink.issues.first { $0.rule == "csv.ragged-row" })
        #expect(ragged.participant == "P2")
        #expect(sink.summary(.error).filter { $0.contains("participant-rejected") } == ["extra.csv:2:- participant-rejected error"])
        #expect(sink.summary(.warning).filter { !$0.contains("column-absent") } == ["visits.csv:2:1 participant-rejected warning"])
        #expect(sink.rejectedRows.map { "\($0.file):\($0.line)" }.sorted() == ["extra.csv:2", "participants.csv:3"])
        #expect(staged.accounting.map { $0.accepted + $0.rejected } == staged.accounting.map(\.rowsRead))
    }

    /// An id after the first column of a ragged row is read where it stands (the extra field is
    /// after it here): the participant's row in the other file is taken back.
    @Test func aRaggedRowsIdAfterTheFirstColumnRejectsItsParticipant() throws {
        let yaml = H.castorPipeline.replacingOccurrences(
            of: "  - {path: participants.csv, source: castor, holds: participants}",
            with: "  - {path: participants.csv, source: castor, holds: participants}\n  - {path: extra.csv, source: castor, holds: participants}")
        let participants = H.lines([H.participantsHeader, H.participant("P1"), H.participant("P2")])
        let extra = H.lines(["Onset;Participant Id", "01-12-2023;P2;x", "01-11-2023;P1"])
        let (staged, sink) = try H(yaml: yaml, files: ["participants.csv": participants, "extra.csv": extra, "visits.csv": H.visitsHeader + "\n"]).run()
        #expect(staged.participants.map(\.id) == ["P1"])
        #expect(staged.participantsRejected == 1)
        #expect(staged.participantRowsWithoutID == 0)
        #expect(sink.issues.first { $0.rule == "csv.ragged-row" }?.participant == "P2")
        #expect(sink.summary(.error).filter { $0.contains("participant-rejected") } == ["participants.csv:3:- participant-rejected error"])
    }

    /// The warning for an arm filled from a visit row names the participant row that held the
    /// arm empty (the survey file's), not the participant's first row, whose file has no arm.
    @Test func aFilledArmIsLocatedAtTheRowThatHeldItEmpty() throws {
        let yaml = H.castorPipeline.replacingOccurrences(
            of: "  - {path: visits.csv, source: castor, holds: visits}",
            with: "  - {path: extra.csv, source: castor, holds: participants}\n  - {path: visits.csv, source: castor, holds: visits, fields: {arm: VisitGroup}}")
        let participants = H.lines(["Participant Id;Site;Sex;Birth year;Age;Screening;Randomised;flags#night",
                                    "P1;AMS;V;1970;54;02-01-2024;05-01-2024;0"])
        let extra = H.lines(["Participant Id;Group;Onset", "P1;;01-11-2023"])
        let visits = H.lines(["Castor Participant Id;Visit;VisitGroup;Date", "P1;T0;1;05-01-2024"])
        let (study, sink) = try H(yaml: yaml, files: ["participants.csv": participants, "extra.csv": extra, "visits.csv": visits]).run()
        #expect(study.participants.first?.arm?.id == "strength")
        let warning = try #require(sink.issues.first { $0.rule == "participant-filled" })
        #expect(warning.message == "'arm' is empty for the participant (extra.csv:2); this visit row's 'strength' is kept")
    }

    /// A visit row's site that differs from the participant's is reported at the participant row
    /// that holds the site (the study file's), not at the participant's first row, whose survey
    /// file has no site column.
    @Test func aCarriedConflictIsLocatedAtTheRowThatHoldsTheField() throws {
        let yaml = H.castorPipeline.replacingOccurrences(
            of: "  - {path: participants.csv, source: castor, holds: participants}",
            with: "  - {path: extra.csv, source: castor, holds: participants}\n  - {path: participants.csv, source: castor, holds: participants}")
            .replacingOccurrences(of: "  - {path: visits.csv, source: castor, holds: visits}",
                                  with: "  - {path: visits.csv, source: castor, holds: visits, fields: {site: Site}}")
        let participants = H.lines([H.participantsHeader, H.participant("P1")])
        let extra = H.lines(["Participant Id;Onset", "P1;01-11-2023"])
        let visits = H.lines(["Castor Participant Id;Site;Visit;Date", "P1;UTR;T0;05-01-2024"])
        let (_, sink) = try H(yaml: yaml, files: ["participants.csv": participants, "extra.csv": extra, "visits.csv": visits]).run()
        let conflict = try #require(sink.issues.first { $0.rule == "participant-conflict" })
        #expect(conflict.message.hasSuffix("for the participant (participants.csv:2)"), "\(conflict.message)")
    }

    /// A visit row contradicting a value another visit row carried in (the participant row left
    /// it empty, or coded it missing) names that visit row, which gave the value; a finding on
    /// such a value is located there too.
    @Test(arguments: ["", "-99"])
    func aValueAVisitRowGaveIsLocatedThere(participantCell: String) throws {
        let yaml = H.castorPipeline.replacingOccurrences(
            of: "  - {path: visits.csv, source: castor, holds: visits}",
            with: "  - {path: visits.csv, source: castor, holds: visits, fields: {birth_year: BY, age: AGE}}")
        let participants = H.lines([H.participantsHeader, H.participant("P1", ["Birth year": participantCell, "Age": participantCell])])
        let visits = H.lines(["Castor Participant Id;Visit;Date;BY;AGE", "P1;T0;05-01-2024;1970;30", "P1;week6;16-02-2024;1971;"])
        let (_, sink) = try H(yaml: yaml, files: ["participants.csv": participants, "visits.csv": visits]).run()
        let conflict = try #require(sink.issues.first { $0.rule == "participant-conflict" })
        #expect(conflict.message.hasSuffix("for the participant (visits.csv:2)"), "\(conflict.message)")
        #expect(sink.summary(.error).contains("visits.csv:2:5 age_inconsistent_with_birth_year error"), "\(sink.summary())")
    }

    /// A rule that empties the onset (`null-field`) empties what is derived from it: a visit row
    /// stating a duration does not fill it again. A visit row with another onset conflicts, named
    /// at the participant row that held the onset, not at a visit row that carried something else.
    @Test func valuesDerivedFromAnEmptiedOnsetStayEmpty() throws {
        let yaml = H.castorPipeline.replacingOccurrences(
            of: "  - {path: visits.csv, source: castor, holds: visits}",
            with: "  - {path: visits.csv, source: castor, holds: visits, fields: {duration_weeks: DW, age: AGE, onset_date: ON}}")
            .replacingOccurrences(of: "  onset_date: Onset\n", with: "  onset_date: Onset\n  duration_weeks: {derive: from_onset_date}\n")
            + "expectations:\n  rules:\n    onset_after_baseline: {policy: null-field}\n"
        let participants = H.lines([H.participantsHeader, H.participant("P1", ["Onset": "03-01-2024", "Age": ""])])
        let visits = H.lines(["Castor Participant Id;Visit;Date;DW;AGE;ON", "P1;T0;05-01-2024;7;54;", "P1;week6;16-02-2024;;;01-11-2023"])
        let (study, sink) = try H(yaml: yaml, files: ["participants.csv": participants, "visits.csv": visits]).run()
        let record = try #require(study.participants.first)
        #expect(RowReader.isInvalid(record.values[.durationWeeks]), "\(String(describing: record.values[.durationWeeks]))")
        #expect(!sink.issues.contains { $0.rule == "participant-filled" && $0.field == "duration_weeks" })
        let conflict = try #require(sink.issues.first { $0.rule == "participant-conflict" })
        #expect(conflict.message.hasSuffix("for the participant (participants.csv:2)"), "\(conflict.message)")
    }

    /// A participant row taken back leaves no `unique` value behind: a later row with the same
    /// value is accepted, as it is when the rows come in another order.
    @Test func aRowTakenBackLeavesNoUniqueValue() throws {
        let yaml = Self.participantsAndExtra + "expectations:\n  fields:\n    birth_year: {unique: true}\n"
        let participants = H.lines([
            "Participant Id;Site;Group;Sex;Birth year;Age;Screening;Randomised;flags#night",
            "P1;AMS;1;V;1970;54;02-01-2024;05-01-2024;0",
        ])
        // P1's onset is an impossible date: P1's participant row is taken back; P2 then uses 1970.
        let extra = H.lines(["Participant Id;Onset;Site;Group;Sex;Birth year;Age;Screening;Randomised;flags#night",
                             "P1;31-02-2023;;;;;;;;", "P2;01-12-2023;AMS;2;V;1970;54;02-01-2024;05-01-2024;1"])
        let harness = try H(yaml: yaml, files: ["participants.csv": participants, "extra.csv": extra,
                                                "visits.csv": H.lines([H.visitsHeader])])
        let (study, sink) = try harness.run()
        #expect(study.participants.map(\.id) == ["P2"])
        #expect(!sink.summary(.error).contains { $0.contains("unique") })
    }

    /// A participant value a visit row carries is the record's as much as a participant row's:
    /// `unique` holds for it, whether the visit row makes the record or fills a field it lacks.
    /// Another visit row of the same participant repeating the value is no second use.
    @Test func aValueCarriedByAVisitRowIsUnique() throws {
        let visitsOnly = BlankRowTests.visitsOnly
            .replacingOccurrences(of: "rmdq: rmdq}", with: "rmdq: rmdq, birth_year: by}")
            .replacingOccurrences(of: "expectations:\n  rules:", with: "expectations:\n  fields:\n    birth_year: {unique: true}\n  rules:")
        let rows = H.lines(["pid,visit,arm,vdate,rmdq,by", "P1,baseline,1,2022-03-08,10,1980", "P1,week6,1,2022-04-19,5,1980",
                            "P2,baseline,2,2022-03-08,10,1980"])
        let (_, visitsSink) = try H(yaml: visitsOnly, files: ["v.csv": rows]).run()
        #expect(visitsSink.summary(.error) == ["v.csv:4:6 unique error"])
        // A row repeating its visit still carries the value in.
        let repeated = H.lines(["pid,visit,arm,vdate,rmdq,by", "P1,baseline,1,2022-03-08,10,", "P2,baseline,2,2022-03-08,10,1980",
                                "P1,baseline,1,2022-03-08,10,1980"])
        let (_, repeatSink) = try H(yaml: visitsOnly, files: ["v.csv": repeated]).run()
        #expect(repeatSink.summary(.error) == ["v.csv:4:6 unique error"])

        let yaml = H.castorPipeline.replacingOccurrences(
            of: "  - {path: visits.csv, source: castor, holds: visits}",
            with: "  - {path: visits.csv, source: castor, holds: visits, fields: {birth_year: BY}}")
            + "expectations:\n  fields:\n    birth_year: {unique: true}\n"
        let participants = H.lines([H.participantsHeader, H.participant("P1"), H.participant("P2", ["Birth year": ""])])
        let visits = H.lines(["Castor Participant Id;Visit;Date;BY", "P2;T0;05-01-2024;1970"])
        let (_, sink) = try H(yaml: yaml, files: ["participants.csv": participants, "visits.csv": visits]).run()
        #expect(sink.summary(.error) == ["visits.csv:2:4 unique error"])
    }

    /// An onset a rule emptied in one row (`null-field`: after the screening date) is still the
    /// onset another input's row repeats: the rows agree and the participant is kept, the onset
    /// emptied, whichever row the rule could judge. Another onset is a conflict, as before.
    @Test(arguments: [("03-01-2024", true), ("04-01-2024", false)])
    func aValueARuleEmptiedIsComparedAsTheRowHeldIt(extraOnset: String, agrees: Bool) throws {
        let yaml = Self.participantsAndExtra + "expectations:\n  rules:\n    onset_after_baseline: {policy: null-field}\n"
        /// Runs the two participant files; the participant is kept with the onset emptied when the
        /// onsets agree, and both rows are rejected at `conflictAt` when they do not.
        func staged(_ participants: String, _ extra: String, conflictAt: String) throws -> [Diagnostic] {
            let (study, sink) = try H(yaml: yaml, files: ["participants.csv": participants, "extra.csv": extra,
                                                          "visits.csv": H.lines([H.visitsHeader])]).run()
            #expect(study.participants.map(\.id) == (agrees ? ["P1"] : []))
            #expect(sink.summary(.error) == (agrees ? [] : ["extra.csv:2:\(conflictAt) duplicate error"]))
            #expect(study.participants.first.map { RowReader.isInvalid($0.values[.onsetDate]) } ?? true)
            return sink.issues
        }
        _ = try staged(H.lines([H.participantsHeader, H.participant("P1", ["Onset": "03-01-2024"])]),
                       H.lines(["Participant Id;Onset", "P1;\(extraOnset)"]), conflictAt: "2")
        // The rule judged the other row: the onset the first row gave is emptied on the merged record.
        let onsetOnly = H.lines(["Participant Id;Site;Group;Sex;Birth year;Age;Randomised;Onset;flags#night",
                                 "P1;AMS;1;V;1970;54;05-01-2024;03-01-2024;0"])
        let merged = try staged(onsetOnly, H.lines(["Participant Id;Screening;Onset", "P1;02-01-2024;\(extraOnset)"]), conflictAt: "3")
        // Judged once, by the row that could: not again on the merged record.
        #expect(merged.filter { $0.rule == "onset_after_baseline" }.map(\.location.file) == ["extra.csv"])
    }

    @Test func aParticipantRowConflictingOnASharedFieldIsStillAConflict() throws {
        // The row adds the onset date but differs in sex: the message names the shared field.
        let extra = H.lines(["Participant Id;Sex;Onset", "P1;M;01-11-2023"])
        let harness = try H(yaml: Self.participantsAndExtra,
                            files: ["participants.csv": Self.participantsWithoutOnset, "extra.csv": extra,
                                    "visits.csv": H.lines([H.visitsHeader])])
        let (study, sink) = try harness.run()
        #expect(sink.summary(.error) == ["extra.csv:2:2 duplicate error"])
        #expect(sink.issues.first { $0.severity == .error }?.message
            == "participant 'P1' already has a different row at participants.csv:2 ('sex' is 'F' there and 'M' here); neither can be trusted, so both rows are rejected")
        #expect(study.participants.map(\.id) == ["P2"])
        #expect(study.accounting.map(\.rejected) == [1, 1, 0])
    }
}

/// A required field that one input does not collect is checked on the merged record: a row of
/// the other input is not at fault for lacking it, but a participant or visit that no input gives
/// it for is.
@Suite struct RequiredAcrossInputsTests {
    static let pipeline = StagingHarness.header + """
        inputs:
          - {path: study.csv, source: castor, holds: participants}
          - {path: survey.csv, source: castor, holds: participants}
          - {path: visits.csv, source: castor, holds: visits}
          - {path: questionnaires.csv, source: castor, holds: visits}
        fields:
          participant_id: {column: [Participant Id, Castor Participant Id]}
          sex: Sex
          ompsq_1: q1
          visit: Visit
          visit_date: Date
          rmdq: RMDQ
        expectations:
          fields:
            sex: {required: true}
            visit_date: {required: true}

        """

    @Test func recordsNotRowsMustHoldRequiredFields() throws {
        let harness = try StagingHarness(yaml: Self.pipeline, files: [
            "study.csv": StagingHarness.lines(["Participant Id;Sex", "P1;V", "P2;M"]),
            "survey.csv": StagingHarness.lines(["Participant Id;q1", "P1;5", "P2;6", "P3;7"]),
            "visits.csv": StagingHarness.lines(["Castor Participant Id;Visit;Date", "P1;T0;05-01-2024", "P2;T0;06-01-2024"]),
            "questionnaires.csv": StagingHarness.lines(["Castor Participant Id;Visit;RMDQ", "P1;T0;12", "P2;T12;9"]),
        ])
        let (study, sink) = try harness.run()
        // P2's week 12 has no date in any input; P3 is only in the survey, which gives no sex (in
        // participant order).
        #expect(sink.summary(.error) == ["questionnaires.csv:3:- required error", "survey.csv:4:- required error"])
        #expect(sink.issues.first { $0.severity == .error }?.message
            == "'visit_date' is required but no row of visit 'week12' of participant 'P2' gives it")
        #expect(sink.issues.last { $0.severity == .error }?.message == "'sex' is required but no row of participant 'P3' gives it")
        #expect(study.participants.map(\.id) == ["P1", "P2"])
        #expect(study.participants.map { $0.values[.ompsq1] } == [.number(5), .number(6)])
        #expect(study.visits.map { "\($0.participantID)/\($0.timepoint.name)" } == ["P1/baseline", "P2/baseline"])
        #expect(study.accounting.map(\.rejected) == [0, 1, 0, 1])
        #expect(study.accounting.allSatisfy { $0.isBalanced })
        #expect(sink.rejectedRows.map { "\($0.file):\($0.line)" }.sorted() == ["questionnaires.csv:3", "survey.csv:4"])
    }

    /// A record rejected for lacking a required field takes back its participant rows only: a
    /// visit row that carried a value into it stays, whether it made a visit or was blank for
    /// its visit.
    @Test(arguments: [false, true])
    func aRejectedRecordLeavesTheVisitRowsThatCarriedValues(blankRowCarries: Bool) throws {
        let yaml = Self.pipeline.replacingOccurrences(of: "  sex: Sex\n", with: "  sex: Sex\n  arm: Group\n")
            .replacingOccurrences(of: "    sex: {required: true}\n    visit_date: {required: true}\n", with: "    ompsq_1: {required: true}\n")
        let visits = ["Castor Participant Id;Visit;Date;Group", "P1;T0;05-01-2024;\(blankRowCarries ? "" : "1")",
                      "P1;T12;;\(blankRowCarries ? "1" : "")"]
        let harness = try StagingHarness(yaml: yaml, files: [
            "study.csv": StagingHarness.lines(["Participant Id;Sex;Group", "P1;V;"]),
            "survey.csv": StagingHarness.lines(["Participant Id;q1"]),
            "visits.csv": StagingHarness.lines(visits),
            "questionnaires.csv": StagingHarness.lines(["Castor Participant Id;Visit;RMDQ"]),
        ])
        let (study, sink) = try harness.run()
        #expect(sink.summary(.error) == ["study.csv:2:- required error"])
        #expect(sink.issues.first { $0.severity == .error }?.message == "'ompsq_1' is required but no row of participant 'P1' gives it")
        #expect(study.participants.isEmpty)
        #expect(sink.rejectedRows.map { "\($0.file):\($0.line)" } == ["study.csv:2"])
        #expect(study.accounting.map(\.rejected) == [1, 0, 0, 0])
        #expect(study.accounting.allSatisfy { $0.isBalanced })
    }
}

/// A range that empties a value (`null-field`) does so before anything is derived from it.
@Suite struct RangeBeforeDerivationTests {
    static let pipeline = StagingHarness.header + """
        inputs:
          - {path: participants.csv, source: castor, holds: participants}
        fields:
          participant_id: Participant Id
          age: Age
          onset_date: Onset
          screening_date: Screening
          age_at_onset: {derive: from_age_and_onset}
          duration_weeks: {derive: from_onset_date}
          ompsq_1: q1
          ompsq_2: q2
          ompsq_3: q3
          ompsq_4: q4
          ompsq_5: q5
          ompsq_6: q6
          ompsq_7: q7
          ompsq_8: q8
          ompsq_9: q9
          ompsq_10: q10
          ompsq_total: {derive: ompsq10}
        expectations:
          fields:
            age: {range: [18, 42], policy: null-field}
            ompsq_2: {range: [0, 3], policy: null-field}
            ompsq_10: {severity: warning}

        """
    static let header = "Participant Id;Age;Onset;Screening;q1;q2;q3;q4;q5;q6;q7;q8;q9;q10"

    @Test func derivedValuesDoNotUseAValueARangeEmptied() throws {
        let rows = StagingHarness.lines([
            Self.header,
            "P1;43;01-01-2024;01-03-2024;10;10;0;0;10;10;10;0;10;10",
            "P2;40;01-01-2024;01-03-2024;5;2;5;5;5;5;5;5;5;11",
            "P3;40;01-01-2024;01-03-2024;5;2;5;5;5;5;5;5;5;5",
        ])
        let harness = try StagingHarness(yaml: Self.pipeline, files: ["participants.csv": rows])
        let (study, sink) = try harness.run()
        #expect(sink.summary(.error) == [])
        let byID = Dictionary(uniqueKeysWithValues: study.participants.map { ($0.id, $0.values) })
        // P1: age and item 2 emptied by their ranges; nothing is derived from them.
        #expect(byID["P1"]?[.age]?.missingReason?.code == "invalid")
        #expect(byID["P1"]?[.ageAtOnset]?.missingReason?.code == "invalid")
        #expect(byID["P1"]?[.ompsq2]?.missingReason?.code == "invalid")
        #expect(byID["P1"]?[.ompsqTotal]?.missingReason?.code == "invalid")
        // P2: item 10 out of range but kept (a warning): the total cannot be scored, and says so.
        #expect(byID["P2"]?[.ompsq10] == .number(11))
        #expect(byID["P2"]?[.ompsqTotal] == Derive.unscorable)
        #expect(byID["P2"]?[.ageAtOnset]?.number != nil)
        // P3: nothing out of range: 5 + 2 + 5 + 5 + 5 + 5 + 5 + 5 + 5 + 5, items 3, 4, 8 reversed.
        #expect(byID["P3"]?[.ompsqTotal] == .number(5 + 2 + 5 + 5 + 5 + 5 + 5 + 5 + 5 + 5))
        #expect(sink.summary(.warning).filter { $0.contains("range") }
            == ["participants.csv:2:2 range warning", "participants.csv:2:6 range warning", "participants.csv:3:14 range warning"])
    }
}

/// A stray quote in a header can hide its delimiter from the detection, so that the header reads
/// as one column: the missing-column message then says so.
@Suite struct DelimiterHintTests {
    @Test func aHeaderReadAsOneColumnNamesTheLikelyCause() {
        #expect(ColumnBinding.delimiterHint(["Participant Id;Site;\"pijn_nrs;rmdq"])
            == "; the header was read as one column that holds 3 ';': a stray quote in it may have hidden the delimiter; "
            + "fix the quote or set 'delimiter' on the input")
        #expect(ColumnBinding.delimiterHint(["a\tb\tc"]).contains("holds 2 tab"))
        #expect(ColumnBinding.delimiterHint(["a\tb\tc"], declared: UInt8(ascii: ",")) == "; the header was read as one column "
            + "that holds 2 tab: the input's 'delimiter' is ','; if the file is tab-separated, set 'delimiter' to tab")
        #expect(ColumnBinding.delimiterHint(["a;b;c"], declared: UInt8(ascii: "\t")).hasSuffix("is tab; if the file is ';'-separated, set 'delimiter' to ';'"))
        #expect(ColumnBinding.delimiterHint(["a;b;c"], separatorLine: UInt8(ascii: ",")) == "; the header was read as one column "
            + "that holds 2 ';': the file's first line 'sep=' declares ','; correct or remove that line, or set 'delimiter' on the input")
        #expect(ColumnBinding.delimiterHint(["a;b;c"], declared: UInt8(ascii: ";")) == "; the header was read as one column that "
            + "holds 2 ';', the input's 'delimiter': quotes around the whole header line (or a stray quote in it) may hide them; "
            + "fix the quotes in the file")
        #expect(ColumnBinding.delimiterHint(["a;b;c"], separatorLine: UInt8(ascii: ";")).hasSuffix("holds 2 ';', the delimiter its "
            + "'sep=' line declares: quotes around the whole header line (or a stray quote in it) may hide them; fix the quotes in the file"))
        #expect(ColumnBinding.delimiterHint(["Participant Id", "Visit"]) == "")
        #expect(ColumnBinding.delimiterHint(["Participant Id;Visit"]) == "")
    }
}

/// Merged rows meet every rule a row that starts a record meets.
@Suite struct MergedRowRuleTests {
    /// A participants input with id and sex, and a visits input whose screening rows hold the
    /// rest of each participant (as REDCap's screening event does).
    static let pipeline = """
        study: {name: Merged}
        report: {max_errors: 100}
        inputs:
          - path: pA.csv
            source: generic
            holds: participants
            fields: {participant_id: id, sex: sex}
          - path: v.csv
            source: generic
            holds: visits
            date_format: yyyy-mm-dd
            participant_rows: [screening]
            fields: {participant_id: id, visit: visit, site: site, arm: arm, birth_year: by, visit_date: vdate, pain_nrs: nrs}
        vocabularies:
          arms:
            - {id: a, codes: [A], reference: true}
            - {id: b, codes: [B]}
        visits:
          baseline: {week: 0, window_days: 7}
          week6: {week: 6, window_days: 7}

        """

    static func run(_ extra: String = "", participants: String, visits: String) throws -> (StagedStudy, CollectingSink) {
        try StagingHarness(yaml: Self.pipeline + extra, files: ["pA.csv": participants, "v.csv": visits]).run()
    }

    @Test func aMergedValueIsCheckedForUniqueness() throws {
        let (study, sink) = try Self.run("expectations:\n  fields:\n    birth_year: {unique: true}\n",
                                         participants: "id,sex\nP1,M\nP2,F\n",
                                         visits: "id,visit,site,arm,by,vdate,nrs\nP1,screening,S1,A,1980,,\nP2,screening,S1,B,1980,,\n")
        #expect(sink.summary(.error) == ["pA.csv:3:- participant-rejected error", "v.csv:3:5 unique error"])
        // P2's screening row is rejected, so its participant row is taken back too: no record.
        #expect(study.participants.map { $0.values[.birthYear]?.number } == [1980])
        #expect(study.accounting.map(\.rejected) == [1, 1])
        #expect(sink.issues.first { $0.rule == "unique" }?.message == "the value '1980' of 'birth_year' is already used at v.csv:2:5")
    }

    /// Derived fields whose inputs sit on different participant events (the screening date on
    /// one, the birth year and onset on another, as a REDCap export has them) are derived on
    /// the merged record, in either row order; a value derived there out of range is reported
    /// as on a row.
    @Test func aValueWhoseInputsSitOnDifferentRowsIsDerivedOnTheRecord() throws {
        let yaml = """
            study: {name: Merged}
            report: {max_errors: 100}
            inputs:
              - path: v.csv
                source: generic
                holds: visits
                date_format: yyyy-mm-dd
                participant_rows: [screening, intake]
                fields: {participant_id: id, visit: visit, site: site, arm: arm, birth_year: by, screening_date: scr, onset_date: onset,
                         age: {derive: from_birth_year}, duration_weeks: {derive: from_onset_date},
                         age_at_onset: {derive: from_age_and_onset}, visit_date: vdate, pain_nrs: nrs}
            vocabularies:
              arms:
                - {id: a, codes: [A], reference: true}
                - {id: b, codes: [B]}
            visits:
              baseline: {week: 0, window_days: 7}

            """
        let visits = "id,visit,site,arm,by,scr,onset,vdate,nrs\n"
            + "P1,screening,S1,A,,2024-03-01,,,\nP1,intake,S1,,1980,,2023-12-29,,\nP1,baseline,S1,A,,,,2024-03-08,5\n"
            + "P2,intake,S1,,1980,,2023-12-29,,\nP2,screening,S1,B,,2024-03-01,,,\n"
        let (study, sink) = try StagingHarness(yaml: yaml, files: ["v.csv": visits]).run()
        #expect(sink.summary(.error).isEmpty, "\(sink.summary(.error))")
        #expect(study.participants.map(\.id) == ["P1", "P2"])
        for record in study.participants {
            #expect(record.values[.age]?.number == 44, "\(record.id)")
            #expect(record.values[.durationWeeks]?.number == 9, "\(record.id): 63 days")
            let ageAtOnset = try #require(record.values[.ageAtOnset]?.number)
            #expect(abs(ageAtOnset - (44 - 9 / DurationUnit.weeksPerYear)) < 1e-12, "\(record.id): from the derived age")
        }
        // Out of range on the record: reported at the participant's first row, the record rejected.
        let ranged = yaml + "expectations:\n  fields:\n    age: {range: [18, 40]}\n"
        let (outOfRange, rangeSink) = try StagingHarness(yaml: ranged, files: ["v.csv": visits]).run()
        #expect(rangeSink.issues.filter { $0.rule == "range" }.map(\.message)
                    == Array(repeating: "'age' derived from the participant's rows is 44, out of range 18...40", count: 2))
        #expect(outOfRange.participants.isEmpty)
        #expect(outOfRange.accounting.allSatisfy { $0.isBalanced })
    }

    /// A study file with the screening date, a stated age and duration, and a survey with the
    /// birth year and onset that derives both: the record derives only what no row gave.
    static let studyAndSurvey = """
        study: {name: Merged}
        report: {max_errors: 100}
        inputs:
          - {path: study.csv, source: generic, holds: participants, date_format: yyyy-mm-dd}
          - path: survey.csv
            source: generic
            holds: participants
            date_format: yyyy-mm-dd
            fields: {age: {derive: from_birth_year}, duration_weeks: {derive: from_onset_date}}
        fields: {participant_id: id, arm: arm, screening_date: scr, birth_year: by, onset_date: onset, age: age, duration_weeks: dur}
        vocabularies:
          arms:
            - {id: a, codes: [A], reference: true}
        visits:
          baseline: {week: 0, window_days: 7}

        """

    static func studyAndSurvey(_ extra: String = "", study: String, survey: String) throws -> (StagedStudy, CollectingSink) {
        try StagingHarness(yaml: studyAndSurvey + extra, files: ["study.csv": study, "survey.csv": survey]).run()
    }

    /// A stated age is judged against the birth year another file gives, not replaced by the age
    /// that birth year implies; a stated duration stands. Under `null-field` the emptied age
    /// stays emptied.
    @Test func aMergedRecordDerivesOnlyWhatNoRowGave() throws {
        let survey = "id,by,onset\nM1,1970,2024-01-01\nM2,1970,2024-01-01\n"
        let study = "id,arm,scr,age,dur\nM1,A,2024-03-01,30,10\nM2,A,2024-03-01,,\n"
        let (judged, sink) = try Self.studyAndSurvey(study: study, survey: survey)
        #expect(sink.summary(.error) == ["study.csv:2:4 age_inconsistent_with_birth_year error"])
        #expect(judged.participants.map(\.id) == ["M2"])
        // M2 stated neither: both are derived on the record.
        #expect(judged.participants.first?.values[.age]?.number == 54)
        #expect(judged.participants.first?.values[.durationWeeks]?.number == 60.0 / 7, "60 days")

        let (emptied, nullSink) = try Self.studyAndSurvey("expectations:\n  rules:\n    age_inconsistent_with_birth_year: {policy: null-field}\n",
                                                          study: study, survey: survey)
        #expect(nullSink.summary(.error) == [])
        let m1 = try #require(emptied.participants.first { $0.id == "M1" })
        #expect(RowReader.isInvalid(m1.values[.age]), "\(String(describing: m1.values[.age]))")
        #expect(m1.values[.durationWeeks]?.number == 10)
    }

    /// A required duration that only the merged record can derive (the survey holds the onset,
    /// the study file the screening date) is checked on the record, not on each row.
    @Test func aRequiredValueOnlyTheRecordDerivesIsCheckedThere() throws {
        let yaml = Self.studyAndSurvey.replacingOccurrences(of: "age: age, duration_weeks: dur}", with: "age: age}")
            .replacingOccurrences(of: "fields: {age: {derive: from_birth_year}, duration_weeks: {derive: from_onset_date}}",
                                  with: "fields: {duration_weeks: {derive: from_onset_date}}")
            + "missing_codes:\n  codes:\n    - {code: UNK, reason: asked but unknown}\n"
            + "expectations:\n  fields:\n    duration_weeks: {required: true}\n"
        let (study, sink) = try StagingHarness(yaml: yaml, files: [
            "study.csv": "id,arm,scr,by,age\nM1,A,2024-03-01,1970,54\nM2,A,2024-03-01,1970,54\nM3,A,2024-03-01,1970,54\n",
            "survey.csv": "id,onset\nM1,2024-01-01\nM3,UNK\n",
        ]).run()
        // M2 has no onset at all; M3's onset is a missing code, which gives no duration either.
        #expect(sink.summary(.error) == ["study.csv:3:- required error", "study.csv:4:- required error"], "\(sink.summary(.error))")
        #expect(sink.issues.filter { $0.rule == "required" }.map(\.message) == [
            "'duration_weeks' is required but no row of participant 'M2' gives it",
            "'duration_weeks' is required but derives as missing (asked but unknown) from the rows of participant 'M3'",
        ])
        #expect(study.participants.map(\.id) == ["M1"])
        #expect(study.participants.first?.values[.durationWeeks]?.number == 60.0 / 7)
    }

    /// A visit row taken back as a conflicting duplicate, whose site its participant's record
    /// carried, is a visit row still when that record is rejected: it is counted once, with its
    /// own reason (the record's rejection takes back participant rows only).
    @Test func aRowTakenBackAsADuplicateIsCountedOnce() throws {
        let yaml = StagingHarness.header.replacingOccurrences(of: "report: {max_errors: 100}", with: "report: {max_errors: 100}\n" + """
            inputs:
              - {path: a.csv, source: generic, holds: participants, fields: {participant_id: id, sex: sex}}
              - {path: b.csv, source: generic, holds: participants, fields: {participant_id: id, birth_year: by}}
              - {path: v.csv, source: generic, holds: visits, fields: {participant_id: id, visit: visit, site: site, pain_nrs: pain}}
            expectations:
              fields:
                birth_year: {required: true}
            """)
        let (study, sink) = try StagingHarness(yaml: yaml, files: [
            "a.csv": "id,sex\nP1,M\nP2,F\n", "b.csv": "id,by\nP2,1970\n",
            "v.csv": "id,visit,site,pain\nP1,T0,S1,5\nP1,T0,S1,6\nP2,T0,S1,4\n",
        ]).run()
        #expect(study.accounting.allSatisfy { $0.isBalanced }, "\(study.accounting)")
        let visits = try #require(study.accounting.last)
        #expect([visits.rowsRead, visits.accepted, visits.rejected] == [3, 1, 2])
        let rejected = sink.rejectedRows.filter { $0.file == "v.csv" }.sorted { $0.line < $1.line }
        #expect(rejected.map(\.line) == [2, 3])
        #expect(rejected.map(\.reasons.count) == [1, 1], "\(rejected.map(\.reasons))")
        #expect(rejected.first?.reasons.first?.hasPrefix("visit 'baseline' of participant 'P1' has a different row at v.csv:3") == true)
        #expect(study.visits.map(\.participantID) == ["P2"])
    }

    /// A participant row that comes after a visit row carried its site and arm must agree with
    /// them, as a visit row after the participant row must.
    @Test func aMergedParticipantRowMustAgreeWithCarriedValues() throws {
        let (study, sink) = try Self.run(participants: "id,sex\nP1,M\n",
                                         visits: "id,visit,site,arm,by,vdate,nrs\nP1,baseline,S1,A,,2024-01-02,5\nP1,screening,S2,B,1980,,\n")
        #expect(sink.summary(.error) == ["pA.csv:2:- participant-rejected error", "v.csv:3:3 participant-conflict error", "v.csv:3:4 arm_changed error"])
        // The screening row is rejected, and with it P1's participant row: P1 has no record.
        #expect(study.participants.isEmpty)
        #expect(study.accounting.map(\.rejected) == [1, 1])
    }

    /// A visit a cross-row rule rejects takes every row of it along, the merged ones included.
    @Test func aCrossRowRejectionTakesEveryRowOfTheVisit() throws {
        let visitsAndMore = Self.pipeline.replacingOccurrences(of: "vocabularies:", with: """
              - path: more.csv
                source: generic
                holds: visits
                fields: {participant_id: id, visit: visit, rmdq: rmdq}
            vocabularies:
            """)
            + "expectations:\n  rules:\n    follow_up_without_baseline: {severity: error}\n"
        let harness = try StagingHarness(yaml: visitsAndMore, files: [
            "pA.csv": "id,sex\nP1,M\n",
            "v.csv": "id,visit,site,arm,by,vdate,nrs\nP1,week6,S1,A,,2024-02-13,3\n",
            "more.csv": "id,visit,rmdq\nP1,week6,4\n",
        ])
        let (study, sink) = try harness.run()
        #expect(sink.summary(.error) == ["v.csv:2:2 follow_up_without_baseline error"])
        #expect(study.visits.isEmpty)
        #expect(study.accounting.map(\.rejected) == [0, 1, 1])
        #expect(sink.rejectedRows.map { "\($0.file):\($0.line)" }.sorted() == ["more.csv:2", "v.csv:2"])
    }

    /// Three inputs: participants (with the randomisation date), visit dates and outcomes, so a
    /// visit is merged from rows of two files.
    static let threeFiles = """
        study: {name: Merged}
        report: {max_errors: 100}
        inputs:
          - {path: parts.csv, source: generic, holds: participants, date_format: yyyy-mm-dd,
             fields: {participant_id: id, randomisation_date: rand, onset_date: onset}}
          - {path: outcomes.csv, source: generic, holds: visits, fields: {participant_id: id, visit: visit, pain_nrs: nrs}}
          - {path: dates.csv, source: generic, holds: visits, date_format: yyyy-mm-dd,
             fields: {participant_id: id, visit: visit, visit_date: vdate}}
        vocabularies:
          visits: {baseline: [T0], week12: [T12]}
        visits:
          baseline: {week: 0, window_days: 7}
          week12: {week: 12, window_days: 14}

        """

    /// A finding about a visit merged from two files is located at the cell it judges: the
    /// visit date in the file that has it, counted in that file's warnings.
    @Test func aFindingOnAMergedVisitIsLocatedAtTheDateItJudges() throws {
        let (study, sink) = try StagingHarness(yaml: Self.threeFiles, files: [
            "parts.csv": "id,rand,onset\nP1,2024-01-01,2023-12-01\n",
            "outcomes.csv": "id,visit,nrs\nP1,T0,5\nP1,T12,3\n",
            "dates.csv": "id,visit,vdate\nP1,T0,2024-01-01\nP1,T12,2024-05-30\n",
        ]).run()
        // (The follow-up of a participant without an arm is a warning about its visit row.)
        #expect(sink.summary(.warning) == ["outcomes.csv:3:2 follow_up_not_randomised warning", "dates.csv:3:3 visit_outside_window warning"])
        #expect(sink.issues.first { $0.rule == "visit_outside_window" }?.value == "2024-05-30")
        #expect(study.accounting.map(\.warnings) == [0, 1, 1])
    }

    /// Under `null-field`, onset after the baseline visit empties the onset: the warning names
    /// that field, at the participant's cell, with its value.
    @Test func anOnsetEmptiedAfterTheBaselineIsNamedWhereItStands() throws {
        let (study, sink) = try StagingHarness(yaml: Self.threeFiles + """
            expectations:
              rules:
                onset_after_baseline: {severity: warning, policy: null-field}

            """, files: [
            "parts.csv": "id,rand,onset\nP1,2024-01-01,2024-01-05\n",
            "outcomes.csv": "id,visit,nrs\nP1,T0,5\n",
            "dates.csv": "id,visit,vdate\nP1,T0,2024-01-01\n",
        ]).run()
        #expect(sink.summary(.warning) == ["parts.csv:2:3 onset_after_baseline warning"])
        let issue = try #require(sink.issues.first { $0.rule == "onset_after_baseline" })
        #expect(issue.field == "onset_date")
        #expect(issue.value == "2024-01-05")
        #expect(study.participants.first?.values[.onsetDate]?.missingReason?.isInvalid == true)
    }

    /// An arm on a visit row that differs from the participant's names the row that gave the
    /// participant's arm, not a participant row without one.
    @Test func aChangedArmNamesTheRowThatGaveTheArm() throws {
        let yaml = """
            study: {name: Arms}
            report: {max_errors: 100}
            inputs:
              - {path: parts.csv, source: generic, holds: participants, fields: {participant_id: id, sex: sex}}
              - {path: rand.csv, source: generic, holds: participants, fields: {participant_id: id, arm: arm}}
              - {path: v.csv, source: generic, holds: visits, fields: {participant_id: id, visit: visit, arm: arm, pain_nrs: nrs}}
            vocabularies:
              arms:
                - {id: a, codes: [A], reference: true}
                - {id: b, codes: [B]}
              visits: {baseline: [T0]}
            visits:
              baseline: {week: 0, window_days: 7}

            """
        let (_, sink) = try StagingHarness(yaml: yaml, files: [
            "parts.csv": "id,sex\nP1,M\n", "rand.csv": "id,arm\nP1,A\n", "v.csv": "id,visit,arm,nrs\nP1,T0,B,5\n",
        ]).run()
        let changed = try #require(sink.issues.first { $0.rule == "arm_changed" })
        #expect(changed.message.hasSuffix("(rand.csv:2)"), "\(changed.message)")
    }

    /// Two participant inputs, one with the screening date and birth year, one with the age and
    /// the onset: the rules comparing them are judged on the merged record.
    static let splitParticipant = """
        study: {name: Split}
        report: {max_errors: 100}
        inputs:
          - {path: parts.csv, source: generic, holds: participants, date_format: yyyy-mm-dd,
             fields: {participant_id: id, screening_date: scr, birth_year: by}}
          - {path: survey.csv, source: generic, holds: participants, date_format: yyyy-mm-dd,
             fields: {participant_id: id, age: age, onset_date: onset}}
        visits:
          baseline: {week: 0, window_days: 7}

        """

    @Test func rowRulesAreJudgedOnARecordMergedFromTwoInputs() throws {
        let files = ["parts.csv": "id,scr,by\nP1,2024-01-05,1970\nP2,2024-01-05,1970\n",
                     "survey.csv": "id,age,onset\nP1,30,2024-03-01\nP2,54,2023-06-01\n"]
        let (study, sink) = try StagingHarness(yaml: Self.splitParticipant, files: files).run()
        #expect(sink.summary(.error) == ["survey.csv:2:3 onset_after_baseline error",
                                         "survey.csv:2:2 age_inconsistent_with_birth_year error"])
        #expect(sink.issues.first { $0.rule == "onset_after_baseline" }?.value == "2024-03-01")
        // At error the record goes, with both its rows; P2 fits and stays.
        #expect(study.participants.map(\.id) == ["P2"])
        #expect(study.accounting.map(\.rejected) == [1, 1])
        #expect(sink.rejectedRows.filter { $0.line == 2 }.map(\.reasons.count) == [1, 1])

        // Under null-field each judged value is emptied, and the record stays.
        let (emptied, warned) = try StagingHarness(yaml: Self.splitParticipant + """
            expectations:
              rules:
                onset_after_baseline: {severity: warning, policy: null-field}
                age_inconsistent_with_birth_year: {severity: warning, policy: null-field}

            """, files: files).run()
        #expect(warned.summary(.warning) == ["survey.csv:2:3 onset_after_baseline warning",
                                             "survey.csv:2:2 age_inconsistent_with_birth_year warning"])
        let first = try #require(emptied.participants.first { $0.id == "P1" })
        #expect(first.values[.age]?.missingReason?.isInvalid == true)
        #expect(first.values[.onsetDate]?.missingReason?.isInvalid == true)
        #expect(emptied.participants.count == 2)
    }

    /// A participants input with the birth year and screening date, and a visits input whose
    /// rows carry participant values (age, birth year, screening date, onset); `more` inputs
    /// (lines of the `inputs:` list) follow them.
    static func visitRowsCarryingValues(more: String = "") -> String {
        """
        study: {name: Carried}
        report: {max_errors: 100}
        inputs:
          - {path: parts.csv, source: generic, holds: participants, date_format: yyyy-mm-dd,
             fields: {participant_id: id, birth_year: by, screening_date: scr}}
          - {path: ev.csv, source: generic, holds: visits, date_format: yyyy-mm-dd,
             fields: {participant_id: id, visit: ev, visit_date: vd, pain_nrs: nrs, age: age, birth_year: by,
                      screening_date: scr, onset_date: onset}}

        """ + more + """
        vocabularies:
          visits: {baseline: [bl], week6: [w6]}
        visits:
          baseline: {week: 0, window_days: 7}
          week6: {week: 6, window_days: 7}

        """
    }

    /// A file whose columns could hold every value compared, with some cells empty, judged
    /// nothing: the merged record is judged.
    @Test func emptyCellsInAFileWithEveryColumnJudgeNothing() throws {
        let yaml = Self.visitRowsCarryingValues()
            + "expectations:\n  rules:\n    age_inconsistent_with_birth_year: {severity: warning, policy: null-field}\n"
        let (study, sink) = try StagingHarness(yaml: yaml, files: [
            "parts.csv": "id,by,scr\nP1,1970,2024-01-05\nP2,1970,2024-01-05\n",
            "ev.csv": "id,ev,vd,nrs,age,by,scr,onset\nP1,bl,2024-01-06,5,30,,,2023-01-01\nP2,bl,2024-01-06,5,54,,,2024-03-01\n",
        ]).run()
        #expect(sink.summary(.warning) == ["ev.csv:2:5 age_inconsistent_with_birth_year warning", "ev.csv:3:1 participant-rejected warning"])
        #expect(sink.summary(.error) == ["ev.csv:3:8 onset_after_baseline error"])
        #expect(study.participants.map(\.id) == ["P1"])
        #expect(study.participants.first?.values[.age]?.missingReason?.isInvalid == true)
        #expect(study.accounting.allSatisfy { $0.isBalanced })
    }

    /// An age emptied under null-field on the merged record takes the age at onset derived from
    /// it along, as the row rule does.
    @Test func anAgeEmptiedOnTheRecordTakesItsDerivedValues() throws {
        let yaml = Self.splitParticipant
            .replacingOccurrences(of: "fields: {participant_id: id, screening_date: scr, birth_year: by}",
                                  with: "fields: {participant_id: id, birth_year: by}")
            .replacingOccurrences(of: "fields: {participant_id: id, age: age, onset_date: onset}",
                                  with: "fields: {participant_id: id, age: age, screening_date: scr, onset_date: onset, "
                                      + "age_at_onset: {derive: from_age_and_onset}}")
            + "expectations:\n  rules:\n    age_inconsistent_with_birth_year: {severity: warning, policy: null-field}\n"
        let (study, sink) = try StagingHarness(yaml: yaml, files: [
            "parts.csv": "id,by\nP1,1970\n", "survey.csv": "id,age,scr,onset\nP1,30,2024-01-05,2023-06-01\n",
        ]).run()
        #expect(sink.summary(.warning) == ["survey.csv:2:2 age_inconsistent_with_birth_year warning"])
        let values = try #require(study.participants.first).values
        #expect(values[.age]?.missingReason?.isInvalid == true)
        #expect(values[.ageAtOnset]?.missingReason?.isInvalid == true, "\(String(describing: values[.ageAtOnset]))")
    }

    /// A row the rule rejected or emptied leaves the record to the values of other rows, judged
    /// anew: the same impossible age from a survey does not slip through.
    @Test(arguments: ["", "expectations:\n  rules:\n    age_inconsistent_with_birth_year: {policy: null-field}\n"])
    func aRecordIsJudgedAnewAfterItsRowWasRejectedOrEmptied(setting: String) throws {
        let yaml = Self.visitRowsCarryingValues(
            more: "  - {path: survey.csv, source: generic, holds: participants, fields: {participant_id: id, age: age}}\n") + setting
        let (study, sink) = try StagingHarness(yaml: yaml, files: [
            "parts.csv": "id,scr,by\nP1,2024-01-05,1970\n",
            "ev.csv": "id,ev,vd,nrs,age,by,scr,onset\nP1,bl,2024-01-06,5,30,1970,2024-01-05,\nP1,w6,2024-02-16,4,,,,\n",
            "survey.csv": "id,age\nP1,30\n",
        ]).run()
        let found = sink.issues.filter { $0.rule == "age_inconsistent_with_birth_year" }.map { "\($0.location.file):\($0.location.line)" }
        #expect(found == ["ev.csv:2", "survey.csv:2"])
        // Rejected at error, emptied under null-field: never kept with the age 30.
        #expect(study.participants.allSatisfy { $0.values.number(.age) == nil })
        #expect(study.accounting.allSatisfy { $0.isBalanced })
    }

    /// A row that holds every field a rule compares was judged as it was read: the merged
    /// record is not judged again.
    @Test func aRuleJudgedOnOneRowIsNotJudgedAgain() throws {
        let yaml = Self.splitParticipant.replacingOccurrences(of: "fields: {participant_id: id, age: age, onset_date: onset}",
                                                              with: "fields: {participant_id: id, age: age, birth_year: by, screening_date: scr}")
        let (_, sink) = try StagingHarness(yaml: yaml + "expectations:\n  rules:\n    age_inconsistent_with_birth_year: {severity: warning}\n", files: [
            "parts.csv": "id,scr,by\nP1,2024-01-05,1970\n", "survey.csv": "id,age,by,scr\nP1,30,1970,2024-01-05\n",
        ]).run()
        #expect(sink.summary(.warning) == ["survey.csv:2:2 age_inconsistent_with_birth_year warning"])
    }

    /// A participant no input gives a required field for loses its participant rows (a screening
    /// row in a visits input too); its visits stay, each with a warning.
    @Test func aParticipantRejectedOnItsRecordLosesItsScreeningRow() throws {
        let (study, sink) = try Self.run("expectations:\n  fields:\n    sex: {required: true}\n",
                                         participants: "id,sex\nP1,M\n",
                                         visits: "id,visit,site,arm,by,vdate,nrs\nP5,screening,S2,B,1980,,\nP5,baseline,S2,B,,2024-01-02,5\n")
        #expect(sink.summary(.error) == ["v.csv:2:- required error"])
        #expect(sink.summary(.warning).contains("v.csv:3:1 participant-rejected warning"))
        #expect(study.participants.map(\.id) == ["P1"])
        #expect(study.visits.map(\.participantID) == ["P5"])
        #expect(sink.rejectedRows.map { "\($0.file):\($0.line)" } == ["v.csv:2"])
        #expect(study.accounting.map(\.accepted) == [1, 1])
    }
}

@testable import Staging
import StudyModel
import Testing

/// A row that holds nothing but its keys (an expired survey invitation, a repeating-data
/// instance created twice) collects nothing: it is kept once with the record of its participant
/// or visit, and contradicts none of its values.
@Suite struct BlankRowTests {
    typealias H = StagingHarness

    static let surveyPipeline = H.castorPipeline.replacingOccurrences(
        of: "  - {path: visits.csv, source: castor, holds: visits}",
        with: "  - {path: visits.csv, source: castor, holds: visits}\n  - {path: survey.csv, source: castor, holds: participants}")
        .replacingOccurrences(of: "  rmdq: RMDQ\n", with: "  rmdq: RMDQ\n  ompsq_1: ompsq_1\n")
    static let participants = H.lines([H.participantsHeader, H.participant("P1"), H.participant("P2")])

    /// Stages P1 and P2, no visits, and `survey` as the survey file, under `yaml`.
    static func withSurvey(_ survey: [String], yaml: String = surveyPipeline) throws -> (StagedStudy, CollectingSink) {
        try H(yaml: yaml, files: ["participants.csv": participants, "visits.csv": H.lines([H.visitsHeader]),
                                  "survey.csv": H.lines(survey)]).run()
    }

    /// Stages P1 and P2 and `visits` (rows after ``StagingHarness/visitsHeader``) under `yaml`.
    static func withVisits(_ visits: [String], yaml: String = H.castorPipeline) throws -> (StagedStudy, CollectingSink) {
        try H(yaml: yaml, files: ["participants.csv": participants, "visits.csv": H.lines([H.visitsHeader] + visits)]).run()
    }

    @Test(arguments: [["S1;P1;0;", "S2;P1;100;3"], ["S2;P1;100;3", "S1;P1;0;"]])
    func anEmptySurveyRowBesideTheAnsweredOneIsKeptOnce(order: [String]) throws {
        let (study, sink) = try Self.withSurvey(["Survey Instance Id;Castor Participant Id;Survey Progress;ompsq_1"] + order + ["S3;P2;100;4"])
        #expect(sink.summary(.error) == [])
        #expect(study.participants.map { $0.values[.ompsq1] } == [.number(3), .number(4)])
        // The blank row, wherever it comes, is the one noted.
        let blankLine = order[0].hasPrefix("S1") ? 2 : 3
        #expect(sink.summary(.note).filter { $0.contains("duplicate") } == ["survey.csv:\(blankLine):- duplicate note"])
        #expect(sink.issues.first { $0.rule == "duplicate" }?.message
            == "participant 'P1' has a row at participants.csv:2; "
            + "this row holds no values, only its keys, so it is kept once with it")
        #expect(study.accounting.map(\.rejected) == [0, 0, 0])
    }

    @Test(arguments: [["P1;T0;;;", "P1;T0;05-01-2024;5;10"], ["P1;T0;05-01-2024;5;10", "P1;T0;;;"]])
    func anEmptyInstanceOfAVisitIsKeptOnceWithTheRealOne(order: [String]) throws {
        let (study, sink) = try Self.withVisits(order)
        #expect(sink.summary(.error) == [])
        #expect(study.visits.map { $0.values[.painNRS] } == [.number(5)])
        #expect(study.visits.map { $0.values[.visitDate]?.date } == [CalendarDate(year: 2024, month: 1, day: 5)])
        #expect(study.accounting.map(\.accepted) == [2, 2])
    }

    /// A row with one value is no blank row: a different value still conflicts.
    @Test func aRowWithAValueStillConflicts() throws {
        let (study, sink) = try Self.withVisits(["P1;T0;;4;", "P1;T0;05-01-2024;5;10"])
        #expect(sink.summary(.error) == ["visits.csv:3:3 duplicate error"])
        #expect(study.visits.isEmpty)
    }

    /// A blank row is still held to `required`: it is rejected, and the real row kept.
    @Test func aBlankRowMissingARequiredFieldIsRejected() throws {
        let yaml = H.castorPipeline + "expectations:\n  fields:\n    visit_date: {required: true}\n"
        let (study, sink) = try Self.withVisits(["P1;T0;05-01-2024;5;10", "P1;T0;;;"], yaml: yaml)
        #expect(sink.summary(.error) == ["visits.csv:3:3 required error"])
        #expect(study.visits.map { $0.values[.painNRS] } == [.number(5)])
    }

    /// Visits only (the participant made from visit rows), generic.
    static let visitsOnly = """
        study: {name: Blank}
        report: {max_errors: 100}
        inputs:
          - {path: v.csv, source: generic, holds: visits, date_format: yyyy-mm-dd}
        fields: {participant_id: pid, arm: arm, visit: visit, visit_date: vdate, rmdq: rmdq}
        vocabularies:
          arms:
            - {id: a, codes: ['1']}
            - {id: b, codes: ['2'], reference: true}
        visits:
          baseline: {week: 0, window_days: 7}
          week6: {week: 6, window_days: 7}
        expectations:
          rules:
            visit_outside_window: {severity: error}

        """

    /// A visit row blank for its visit still carries its participant's arm, whichever comes first.
    @Test(arguments: [["P1,baseline,,2022-03-08,10", "P1,baseline,1,,"], ["P1,baseline,1,,", "P1,baseline,,2022-03-08,10"]])
    func aBlankVisitRowStillCarriesTheArm(order: [String]) throws {
        let rows = H.lines(["pid,visit,arm,vdate,rmdq"] + order + ["P1,week6,,2022-04-19,5"])
        let (study, sink) = try H(yaml: Self.visitsOnly, files: ["v.csv": rows]).run()
        #expect(sink.summary(.error) == [])
        #expect(study.participants.map { $0.arm?.id } == ["a"])
        #expect(study.visits.map { $0.values[.rmdq] } == [.number(10), .number(5)])
        #expect(sink.issues.first { $0.rule == "duplicate" }?.message.hasSuffix(
            "this row holds no values of the visit, only its keys, so it is kept once with it") == true)
    }

    /// A blank row read first is never named for values it does not hold: the conflict names the
    /// row that gave the value, and a visit's date is located at the row that holds it.
    @Test func aBlankRowReadFirstIsNotNamedForOthersValues() throws {
        let rows = H.lines(["pid,visit,arm,vdate,rmdq", "P1,baseline,1,2022-03-08,10", "P1,week6,,,", "P1,week6,,2022-06-19,5",
                            "P2,baseline,1,,", "P2,baseline,1,2022-03-08,10", "P2,baseline,1,2022-03-08,12"])
        let (_, sink) = try H(yaml: Self.visitsOnly, files: ["v.csv": rows]).run()
        #expect(sink.summary(.error).sorted() == ["v.csv:4:4 visit_outside_window error", "v.csv:5:- duplicate error",
                                                  "v.csv:7:5 duplicate error"])
        #expect(sink.issues.first { $0.rule == "duplicate" && $0.location.line == 7 }?.message.contains(
            "already has a different row at v.csv:6 ('rmdq' is '10' there and '12' here)") == true)
    }

    /// Castor and REDCap write the site on every row: a row with its site and nothing else is
    /// still blank.
    @Test func theSiteIsAKeyForBlankness() throws {
        let (study, sink) = try Self.withSurvey(["Castor Participant Id;Site;ompsq_1", "P1;AMS;", "P1;AMS;3", "P2;AMS;4"])
        #expect(sink.summary(.error) == [])
        #expect(study.participants.map { $0.values[.ompsq1] } == [.number(3), .number(4)])
    }

    /// `null-field` on a required field does not make a blank row hold a value.
    @Test func aRequiredNullFieldLeavesABlankRowBlank() throws {
        let yaml = Self.surveyPipeline + "expectations:\n  fields:\n    ompsq_1: {required: true, policy: null-field}\n"
        let (study, sink) = try Self.withSurvey(["Castor Participant Id;ompsq_1", "P1;", "P1;3", "P2;4"], yaml: yaml)
        #expect(sink.summary(.error) == [])
        #expect(study.participants.map { $0.values[.ompsq1] } == [.number(3), .number(4)])
    }

    /// Visit rows waiting for a participant whose only participant row is blank are committed
    /// before the blank visit rows, whatever the order they were read in.
    @Test(arguments: [["P1,week6,1,,", "P1,baseline,2,2022-03-08,10"], ["P1,baseline,2,2022-03-08,10", "P1,week6,1,,"]])
    func blankVisitRowsComeAfterTheRowsThatWaited(order: [String]) throws {
        let yaml = Self.visitsOnly.replacingOccurrences(
            of: "  - {path: v.csv, source: generic, holds: visits, date_format: yyyy-mm-dd}",
            with: "  - {path: p.csv, source: generic, holds: participants}\n  - {path: v.csv, source: generic, holds: visits, date_format: yyyy-mm-dd}")
        let (study, sink) = try H(yaml: yaml, files: ["p.csv": "pid,arm\nP1,\n", "v.csv": H.lines(["pid,visit,arm,vdate,rmdq"] + order)]).run()
        // The baseline row's arm is the participant's; the blank week-6 row's other arm is an error.
        #expect(study.participants.map { $0.arm?.id } == ["b"])
        #expect(study.visits.map(\.timepoint.name) == ["baseline"])
        let week6Line = order[0].contains("week6") ? 2 : 3
        #expect(sink.summary(.error) == ["v.csv:\(week6Line):3 arm_changed error"])
    }

    /// A blank participant row beside a record collects nothing, not even a site that differs.
    @Test func aBlankRowsOtherSiteContradictsNothing() throws {
        let (study, sink) = try Self.withSurvey(["Castor Participant Id;Site;ompsq_1", "P1;AMS;3", "P1;UTR;", "P2;AMS;4"])
        #expect(sink.summary(.error) == [])
        #expect(study.participants.map(\.site) == ["AMS", "AMS"])
        #expect(study.participants.map { $0.values[.ompsq1] } == [.number(3), .number(4)])
    }

    /// A blank visit row does not stand in for a visit whose row was rejected, and alone makes no
    /// visit: a follow-up without a baseline is still one.
    @Test func aBlankVisitRowIsNoVisit() throws {
        let rows = H.lines(["pid,visit,arm,vdate,rmdq", "P1,baseline,1,2022-03-08,30", "P1,baseline,,,", "P1,week6,,2022-04-19,5",
                            "P2,baseline,1,,", "P2,week6,,2022-04-19,5"])
        let (study, sink) = try H(yaml: Self.visitsOnly, files: ["v.csv": rows]).run()
        #expect(sink.summary(.error) == ["v.csv:2:5 range error", "v.csv:3:- duplicate error"])
        #expect(sink.issues.first { $0.rule == "duplicate" }?.message == "visit 'baseline' of participant 'P1' has a rejected row "
            + "at v.csv:2; this row holds no values of the visit, only its keys, so it is rejected with it")
        #expect(sink.summary(.note) == ["v.csv:5:- blank-visit note"])
        #expect(study.visits.map { "\($0.participantID)/\($0.timepoint.name)" } == ["P1/week6", "P2/week6"])
        #expect(sink.summary(.warning).filter { $0.contains("follow_up_without_baseline") }.count == 2)
        // The blank row still carries P2's arm; P1's came with the rejected row.
        #expect(study.participants.map { $0.arm?.id } == [nil, "a"])
        #expect(study.accounting.map(\.rejected) == [2])
    }

    /// A record only blank rows make keeps the first one's site; the others' sites are compared
    /// with it, so the outcome is the same in every order.
    @Test(arguments: [["P1,AMS,,", "P1,UTR,,"], ["P1,UTR,,", "P1,AMS,,"]])
    func blankRowsAloneWithDifferentSitesConflictInAnyOrder(order: [String]) throws {
        let yaml = Self.visitsOnly.replacingOccurrences(
            of: "  - {path: v.csv, source: generic, holds: visits, date_format: yyyy-mm-dd}",
            with: "  - {path: p.csv, source: generic, holds: participants}\n  - {path: v.csv, source: generic, holds: visits, date_format: yyyy-mm-dd}")
            .replacingOccurrences(of: "fields: {participant_id: pid,", with: "fields: {participant_id: pid, site: site, sex: sex,")
        let (study, sink) = try H(yaml: yaml, files: ["p.csv": H.lines(["pid,site,sex,arm"] + order),
                                                      "v.csv": H.lines(["pid,visit,arm,vdate,rmdq", "P1,baseline,1,2022-03-08,10"])]).run()
        #expect(study.participants.isEmpty)
        #expect(study.accounting.map(\.rejected) == [2, 0])
        #expect(sink.summary(.error).map { $0.hasSuffix("duplicate error") } == [true])
    }

    /// A blank visit row rejected for its own error is no rejected row of its visit: another
    /// blank row of the visit is not rejected with it.
    @Test(arguments: [["P1;GRO;T0;;", "P1;AMS;T0;;"], ["P1;AMS;T0;;", "P1;GRO;T0;;"]])
    func aBlankRowsOwnErrorDragsNoOtherBlankRow(order: [String]) throws {
        let visits = H.lines(["Castor Participant Id;Site;Visit;Date;NRS"] + order)
        let (study, sink) = try H(yaml: H.castorPipeline, files: ["participants.csv": Self.participants, "visits.csv": visits]).run()
        #expect(sink.summary(.error).map { $0.hasSuffix("participant-conflict error") } == [true])
        #expect(sink.summary(.note) == ["visits.csv:\(order[0].contains("AMS") ? 2 : 3):- blank-visit note"])
        #expect(study.visits.isEmpty)
        #expect(study.accounting.map(\.rejected) == [0, 1])
    }
}


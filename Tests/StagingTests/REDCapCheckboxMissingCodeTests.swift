import PipelineSpec
@testable import Staging
import StudyModel
import Testing

/// With missing-data codes declared, REDCap exports a checkbox question with one more column per
/// code (`radicular___unk` beside `radicular___1`...). A `1` there marks the question missing for
/// that code's reason, while every option column holds `0`: the boxes are missing, not unticked.
@Suite struct REDCapCheckboxMissingCodeTests {
    typealias H = StagingHarness

    static let codes = """
        missing_codes:
          codes:
            - {code: UNK, reason: asked but unknown}
            - {code: NASK, reason: not asked}
            - {code: '-999', reason: not applicable}

        """

    static let header = "record_id,redcap_event_name,arm,visit_date,nrs,radicular___1,radicular___2,radicular___unk,radicular___nask"

    static func run(_ rows: [String], header: String = header, participantRows: String = REDCapCheckboxTests.screening,
                    extra: String = "") throws -> (StagedStudy, CollectingSink) {
        let yaml = REDCapCheckboxTests.pipeline(participantRows: participantRows) + codes + extra
        return try H(yaml: yaml, files: ["redcap.csv": H.lines([header] + rows)]).run()
    }

    func boxes(_ study: StagedStudy) -> [[Value?]] {
        study.participants.map { [$0.values[.radUnilateralLegPain], $0.values[.radLegPainDominant]] }
    }

    @Test func aMarkedQuestionIsMissingForTheCodesReason() throws {
        let (study, sink) = try Self.run([
            "R1,screening_arm_1,1,,,0,0,1,0",
            "R1,baseline_arm_1,,2024-01-05,6,0,0,0,0",
            "R2,screening_arm_1,2,,,0,0,0,1",
            "R3,screening_arm_1,2,,,1,0,0,0",
        ])
        #expect(sink.summary(.error) == [])
        #expect(sink.summary(.warning) == [])
        #expect(boxes(study) == [[.missing(.askedButUnknown), .missing(.askedButUnknown)],
                                 [.missing(.notAsked), .missing(.notAsked)],
                                 [.boolean(true), .boolean(false)]])
        #expect(study.accounting.map(\.accepted) == [4])
    }

    /// The filler zeros of other events do not turn the marked boxes into unticked ones, in
    /// either order of the rows.
    @Test(arguments: [true, false])
    func fillerZerosLeaveTheMarkStanding(markFirst: Bool) throws {
        let marked = "R1,baseline_arm_1,1,2024-01-05,6,0,0,0,1"
        let filler = "R1,week_6_arm_1,1,2024-02-16,4,0,0,0,0"
        let (study, sink) = try Self.run(markFirst ? [marked, filler] : [filler, marked], participantRows: "")
        #expect(sink.summary(.error) == [])
        #expect(sink.summary(.warning) == [])
        #expect(boxes(study) == [[.missing(.notAsked), .missing(.notAsked)]])
        #expect(study.visits.count == 2)
    }

    @Test func aTickBesideTheMarkIsAnError() throws {
        let (study, sink) = try Self.run(["R1,screening_arm_1,1,,,1,0,1,0"])
        #expect(sink.summary(.error) == ["redcap.csv:2:8 redcap.checkbox-missing error"])
        let message = sink.issues.first?.message ?? ""
        #expect(message.contains("'rad_unilateral_leg_pain' is ticked"))
        #expect(message.contains("'radicular___unk' (code 'UNK', asked but unknown)"))
        #expect(study.participants.isEmpty)
        #expect(study.accounting.map(\.rejected) == [1])
    }

    /// One problem of the question, naming both columns, even when the two codes stand for the
    /// same reason.
    @Test(arguments: ["", "    - {code: ONB, reason: asked but unknown}\n"])
    func twoCodesMarkedAreOneError(extraCode: String) throws {
        let header = extraCode.isEmpty ? Self.header : Self.header.replacingOccurrences(of: "radicular___nask", with: "radicular___onb")
        let yaml = REDCapCheckboxTests.pipeline(participantRows: REDCapCheckboxTests.screening) + Self.codes + extraCode
        let (study, sink) = try StagingHarness(yaml: yaml, files: ["redcap.csv": H.lines([header, "R1,screening_arm_1,1,,,0,0,1,1"])]).run()
        #expect(sink.summary(.error) == ["redcap.csv:2:9 redcap.checkbox-missing error"])
        let message = sink.issues.first?.message ?? ""
        #expect(message.contains("'radicular' is marked missing with 2 codes, in 'radicular___unk' (code 'UNK', asked but unknown) and 'radicular___"))
        #expect(message.contains("its boxes ('rad_unilateral_leg_pain', 'rad_leg_pain_dominant') are not read"))
        #expect(study.participants.isEmpty)
    }

    /// Under `null-field` the question's boxes are all emptied, with one warning.
    @Test func twoCodesUnderNullFieldEmptyEveryBox() throws {
        let (study, sink) = try Self.run(["R1,screening_arm_1,1,,,0,0,1,1"],
                                         extra: "expectations:\n  fields:\n    rad_unilateral_leg_pain: {policy: null-field}\n")
        #expect(sink.summary(.warning) == ["redcap.csv:2:9 redcap.checkbox-missing warning"])
        #expect(boxes(study) == [[RowReader.invalid("redcap.checkbox-missing"), RowReader.invalid("redcap.checkbox-missing")]])
    }

    /// Under `policy: null-field` the contradicted box is emptied with a warning and the row kept.
    @Test func nullFieldEmptiesTheContradictedBox() throws {
        let (study, sink) = try Self.run(["R1,screening_arm_1,1,,,1,0,1,0"],
                                         extra: "expectations:\n  fields:\n    rad_unilateral_leg_pain: {policy: null-field}\n")
        #expect(sink.summary(.error) == [])
        #expect(sink.summary(.warning) == ["redcap.csv:2:8 redcap.checkbox-missing warning"])
        #expect(study.participants.first?.values[.radUnilateralLegPain]?.isMissing == true)
        #expect(study.participants.first?.values[.radLegPainDominant] == .missing(.askedButUnknown))
    }

    @Test func aCellOtherThanZeroOrOneIsAnError() throws {
        let (study, sink) = try Self.run(["R1,screening_arm_1,1,,,0,0,x,0"])
        #expect(sink.summary(.error) == ["redcap.csv:2:8 type error"])
        #expect(sink.issues.first?.message.contains("'x' is not a checkbox value (a yes/no answer of the boolean vocabulary) "
            + "in 'radicular___unk'") == true)
        #expect(study.participants.isEmpty)
    }

    /// A label export writes `Checked`/`Unchecked`: once the boolean vocabulary names them, the
    /// code columns read them as the boxes do.
    @Test func codeColumnsReadTheBooleanVocabulary() throws {
        let plain = REDCapCheckboxTests.pipeline(participantRows: REDCapCheckboxTests.screening) + Self.codes
        let yaml = plain.replacingOccurrences(of: "vocabularies:\n",
                                              with: "vocabularies:\n  booleans: {true: [Checked], false: [Unchecked]}\n")
        #expect(yaml != plain)
        let rows = ["R1,screening_arm_1,1,,,Unchecked,Unchecked,Checked,Unchecked",
                    "R2,screening_arm_1,1,,,Checked,Unchecked,Unchecked,Unchecked"]
        let (study, sink) = try H(yaml: yaml, files: ["redcap.csv": H.lines([Self.header] + rows)]).run()
        #expect(sink.summary(.error) == [])
        #expect(boxes(study) == [[.missing(.askedButUnknown), .missing(.askedButUnknown)], [.boolean(true), .boolean(false)]])
    }

    /// REDCap writes the code in lower case, and a character other than a letter, digit or `_` as
    /// `_`; the header's letter case does not matter.
    @Test func codeColumnsAreFoundAsREDCapNamesThem() throws {
        let header = "record_id,redcap_event_name,arm,visit_date,nrs,radicular___1,radicular___2,RADICULAR____999"
        let (study, sink) = try Self.run(["R1,screening_arm_1,1,,,0,0,1"], header: header)
        #expect(sink.summary(.error) == [])
        #expect(boxes(study) == [[.missing(.notApplicable), .missing(.notApplicable)]])
        #expect(SourceSystem.redcap.checkboxColumns(variable: "rf", code: "UNK") == ["rf___unk"])
        #expect(SourceSystem.redcap.checkboxColumns(variable: "rf", code: "-9.5") == ["rf___-9.5", "rf____9_5"])
    }

    /// Only `redcap` inputs have such columns: elsewhere a column of that name is not read.
    @Test func otherSourcesDoNotReadThem() throws {
        let yaml = REDCapCheckboxTests.pipeline(participantRows: REDCapCheckboxTests.screening)
            .replacingOccurrences(of: "source: redcap", with: "source: generic, date_format: yyyy-mm-dd")
            .replacingOccurrences(of: "{checkbox: radicular, option: '1'}", with: "radicular___1")
            .replacingOccurrences(of: "{checkbox: radicular, option: '2'}", with: "radicular___2") + Self.codes
        let (study, sink) = try H(yaml: yaml, files: ["redcap.csv": H.lines([Self.header, "R1,screening_arm_1,1,,,0,0,1,0"])]).run()
        #expect(sink.summary(.error) == [])
        #expect(boxes(study) == [[.boolean(false), .boolean(false)]])
    }
}

/// The question marked missing on a visit event while the screening event (a participant row)
/// holds the filler zeros: the mark is carried into the participant, whatever the rows' order. A
/// mark and a tick, or two marks, on different events are answers that conflict.
@Suite struct REDCapCheckboxMissingOnVisitEventTests {
    @Test(arguments: [true, false])
    func aMarkAgainstATickOnAnotherEventConflicts(screeningFirst: Bool) throws {
        let screening = "R1,screening_arm_1,1,,,1,0,0,0"
        let baseline = "R1,baseline_arm_1,,2024-01-05,6,0,0,1,0"
        let (study, sink) = try REDCapCheckboxMissingCodeTests.run(screeningFirst ? [screening, baseline] : [baseline, screening])
        let line = screeningFirst ? 3 : 2
        // At the mark's column (`radicular___unk`), which gave the row its value.
        #expect(sink.summary(.error) == ["redcap.csv:\(line):8 participant-conflict error"])
        #expect(sink.issues.first?.message.contains("'rad_unilateral_leg_pain' is missing (asked but unknown) here but '1' for the participant") == true)
        // The screening row's answer stands; the box it left at 0 is unticked, not marked.
        #expect(study.participants.map { [$0.values[.radUnilateralLegPain], $0.values[.radLegPainDominant]] }
            == [[.boolean(true), .boolean(false)]])
        #expect(study.visits.isEmpty)
    }

    /// The conflict names the visit row that carried the participant's answer, not the screening
    /// row that held only filler zeros.
    @Test(arguments: [("R1,baseline_arm_1,,2024-01-05,6,0,0,1,0", "R1,week_6_arm_1,,2024-02-16,4,0,1,0,0"),
                      ("R1,baseline_arm_1,,2024-01-05,6,0,1,0,0", "R1,week_6_arm_1,,2024-02-16,4,0,0,1,0")])
    func theConflictNamesTheRowThatGaveTheAnswer(first: String, second: String) throws {
        let (_, sink) = try REDCapCheckboxMissingCodeTests.run(["R1,screening_arm_1,1,,,0,0,0,0", first, second])
        let conflict = try #require(sink.issues.first { $0.rule == "participant-conflict" })
        #expect(conflict.location.line == 4)
        #expect(conflict.message.hasSuffix("for the participant (redcap.csv:3)"), "\(conflict.message)")
    }

    /// Two visit events marked with different codes: whichever comes second conflicts.
    @Test func twoMarksOnTwoEventsConflict() throws {
        let (_, sink) = try REDCapCheckboxMissingCodeTests.run([
            "R1,screening_arm_1,1,,,0,0,0,0", "R1,baseline_arm_1,,2024-01-05,6,0,0,1,0", "R1,week_6_arm_1,,2024-02-16,4,0,0,0,1",
        ])
        #expect(sink.summary(.error) == ["redcap.csv:4:9 participant-conflict error", "redcap.csv:4:9 participant-conflict error"])
        #expect(sink.issues.first?.message.contains("is missing (not asked) here but missing (asked but unknown) for the participant") == true)
    }

    @Test(arguments: [true, false])
    func theMarkIsCarried(screeningFirst: Bool) throws {
        let screening = "R1,screening_arm_1,1,,,0,0,0,0"
        let baseline = "R1,baseline_arm_1,,2024-01-05,6,0,0,1,0"
        let (study, sink) = try REDCapCheckboxMissingCodeTests.run(screeningFirst ? [screening, baseline] : [baseline, screening])
        #expect(sink.summary(.error) == [])
        #expect(sink.summary(.warning) == [])
        #expect(study.participants.map { [$0.values[.radUnilateralLegPain], $0.values[.radLegPainDominant]] }
            == [[.missing(.askedButUnknown), .missing(.askedButUnknown)]])
        #expect(study.visits.count == 1)
    }
}

@testable import Staging
import StudyModel
import Testing

/// REDCap writes no thousands separators: in a `redcap` input without a declared
/// `decimal_mark`, a lone `.` or `,` is the decimal mark (a `number_3dp` field's `104.500`, a
/// comma-decimal field's `6,5`), and a number with more than one mark is no number REDCap writes;
/// elsewhere `104.500` stays ambiguous.
@Suite struct REDCapNumberTests {
    typealias H = StagingHarness

    static let pipeline = StageTests.redcapSchedule + """
        inputs:
          - {path: redcap.csv, source: redcap, holds: visits, participant_rows: [screening_arm_1]}
        fields:
          participant_id: record_id
          arm: arm
          weight_kg: weight
          visit: redcap_event_name
          visit_date: visit_date
          pain_nrs: nrs

        """

    static let rows = [
        "record_id,redcap_event_name,arm,weight,visit_date,nrs",
        "R1,screening_arm_1,1,104.500,,", "R1,baseline_arm_1,,,2024-01-05,\"6,5\"",
        "R2,screening_arm_1,2,72.5,,", "R2,baseline_arm_1,,,2024-01-05,1.250",
    ]

    @Test func aLoneMarkIsTheDecimalMark() throws {
        let (study, sink) = try H(yaml: Self.pipeline, files: ["redcap.csv": H.lines(Self.rows)]).run()
        #expect(sink.summary(.error) == [])
        #expect(study.participants.map { $0.values[.weightKG] } == [.number(104.5), .number(72.5)])
        #expect(study.visits.map { $0.values[.painNRS] } == [.number(6.5), .number(1.25)])
    }

    /// The same cells in a generic input: `104.500` and `1.250` could be thousands.
    @Test func otherSourcesStillAskForTheDecimalMark() throws {
        let generic = Self.pipeline.replacingOccurrences(of: "source: redcap", with: "source: generic, date_format: yyyy-mm-dd")
        let (_, sink) = try H(yaml: generic, files: ["redcap.csv": H.lines(Self.rows)]).run()
        #expect(sink.summary(.error) == ["redcap.csv:2:4 number error", "redcap.csv:5:6 number error"])
    }

    /// `1.234.567` and `1.234,5` would be thousands elsewhere; from REDCap they are errors.
    @Test func moreThanOneMarkIsAnError() throws {
        let rows = ["record_id,redcap_event_name,arm,weight,visit_date,nrs",
                    "R1,screening_arm_1,1,1.234.567,,", "R2,screening_arm_1,1,\"1.234,5\",,", "R3,screening_arm_1,1,\"1,234,567\",,"]
        let (study, sink) = try H(yaml: Self.pipeline, files: ["redcap.csv": H.lines(rows)]).run()
        #expect(sink.summary(.error) == ["redcap.csv:2:4 number error", "redcap.csv:3:4 number error", "redcap.csv:4:4 number error"])
        #expect(sink.issues.first?.message.contains("REDCap writes no thousands separators") == true)
        // A cell no mark would make a number keeps its own problem, with no advice to declare one.
        let (_, odd) = try H(yaml: Self.pipeline, files: ["redcap.csv": H.lines([rows[0], "R1,screening_arm_1,1,1.2.3,,"])]).run()
        #expect(odd.summary(.error) == ["redcap.csv:2:4 number error"])
        #expect(odd.issues.first?.message.contains("decimal_mark") == false)
        #expect(study.participants.isEmpty)
        // A declared mark reads them as the file says (and the weights are then out of range).
        let declared = Self.pipeline.replacingOccurrences(of: "participant_rows: [screening_arm_1]}",
                                                          with: "participant_rows: [screening_arm_1], decimal_mark: comma}")
        let (_, readSink) = try H(yaml: declared, files: ["redcap.csv": H.lines(rows)]).run()
        #expect(readSink.summary(.error) == ["redcap.csv:2:4 range error", "redcap.csv:3:4 range error", "redcap.csv:4:4 number error"])
        #expect(readSink.issues.filter { $0.rule == "range" }.map { $0.message.contains("'1234567'") || $0.message.contains("'1234.5'") }
            == [true, true])
    }

    /// A declared mark still decides: with `point`, a comma is no decimal mark.
    @Test func aDeclaredMarkWins() throws {
        let declared = Self.pipeline.replacingOccurrences(of: "participant_rows: [screening_arm_1]}",
                                                          with: "participant_rows: [screening_arm_1], decimal_mark: point}")
        let (_, sink) = try H(yaml: declared, files: ["redcap.csv": H.lines(Self.rows)]).run()
        #expect(sink.summary(.error) == ["redcap.csv:3:6 number error"])
    }
}

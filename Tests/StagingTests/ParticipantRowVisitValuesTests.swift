@testable import Staging
import StudyModel
import Testing

/// A participant row of a visits input (REDCap's screening event) makes no visit, so visit values
/// on it (an outcome instrument also enabled on that event) are not read. The row is kept, with
/// one warning naming the values, so that no measurement disappears without a word.
@Suite struct ParticipantRowVisitValuesTests {
    typealias H = StagingHarness

    static let pipeline = StageTests.redcapScreeningPipeline(fields: """
          rmdq: rmdq
          odi: odi
          gpe: gpe
          sick_leave: {checkbox: sl, option: '1'}

        """)

    /// The columns in another order than the pipeline's fields (`rmdq` before `nrs`), and the
    /// column REDCap adds to the checkbox question for the declared code `UNK`.
    static let header = "record_id,redcap_event_name,arm,visit_date,rmdq,nrs,odi,gpe,sl___1,sl___unk"
    static let visits = ["R1,baseline_arm_1,,2024-01-05,10,6,30,,0,0", "R1,week_6_arm_1,,2024-02-16,8,4,20,2,1,0"]

    /// ``pipeline`` for a label export: the boxes read `Checked` and `Unchecked`.
    static let labelPipeline = pipeline.replacingOccurrences(
        of: "vocabularies:\n", with: "vocabularies:\n  booleans: {true: [Checked], false: [Unchecked]}\n")

    static func run(screening: String, labels: Bool = false) throws -> (StagedStudy, CollectingSink) {
        try H(yaml: labels ? labelPipeline : pipeline, files: ["redcap.csv": H.lines([header, screening] + visits)]).run()
    }

    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let screening: String
        var labels = false
        /// `line:column rule severity` of the warnings expected, and the message's values.
        let warnings: [String]
        let listed: String?
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "no visit values", screening: "R1,screening_arm_1,1,,,,,,,", warnings: [], listed: nil),
        Case(name: "blanks only", screening: "R1,screening_arm_1,1,, , \t,,,,", warnings: [], listed: nil),
        Case(name: "a visit date alone", screening: "R1,screening_arm_1,1,2024-01-02,,,,,,", warnings: [], listed: nil),
        Case(name: "a checkbox's filler 0", screening: "R1,screening_arm_1,1,,,,,,0,0", warnings: [], listed: nil),
        Case(name: "a label export's unticked box", screening: "R1,screening_arm_1,1,,,,,,Unchecked,Unchecked", labels: true,
             warnings: [], listed: nil),
        Case(name: "one outcome", screening: "R1,screening_arm_1,1,2024-01-02,,7,,,0,0",
             warnings: ["redcap.csv:2:6 participant-row-visit-values warning"], listed: ": 'pain_nrs' is '7'"),
        Case(name: "a missing code", screening: "R1,screening_arm_1,1,,UNK,,,,,",
             warnings: ["redcap.csv:2:5 participant-row-visit-values warning"], listed: ": 'rmdq' is 'UNK'"),
        Case(name: "a ticked box", screening: "R1,screening_arm_1,1,,,,,,1,0",
             warnings: ["redcap.csv:2:9 participant-row-visit-values warning"], listed: ": 'sick_leave' is '1'"),
        Case(name: "a label export's ticked box", screening: "R1,screening_arm_1,1,,,,,,Checked,Unchecked", labels: true,
             warnings: ["redcap.csv:2:9 participant-row-visit-values warning"], listed: ": 'sick_leave' is 'Checked'"),
        Case(name: "a question marked missing", screening: "R1,screening_arm_1,1,,,,,,0,1",
             warnings: ["redcap.csv:2:10 participant-row-visit-values warning"], listed: ": 'sl___unk' (code 'UNK' of 'sl') is '1'"),
        // Not read, so not judged either: no type error rejects the participant's row.
        Case(name: "an unreadable mark", screening: "R1,screening_arm_1,1,,,,,,0,x",
             warnings: ["redcap.csv:2:10 participant-row-visit-values warning"], listed: ": 'sl___unk' (code 'UNK' of 'sl') is 'x'"),
        Case(name: "more than three, in column order", screening: "R1,screening_arm_1,1,, 12 ,7,40,3,1,0",
             warnings: ["redcap.csv:2:5 participant-row-visit-values warning"],
             listed: ": 'rmdq' is '12', 'pain_nrs' is '7', 'odi' is '40' and 2 more"),
    ]

    @Test(arguments: cases)
    func visitValuesOnAParticipantRowAreNamed(_ example: Case) throws {
        let (study, sink) = try Self.run(screening: example.screening, labels: example.labels)
        #expect(sink.summary(.error) == [])
        #expect(sink.summary(.warning) == example.warnings)
        if let listed = example.listed {
            let message = try #require(sink.issues.first { $0.rule == "participant-row-visit-values" }?.message)
            #expect(message.hasPrefix("the participant row of event 'screening_arm_1' holds visit values"))
            #expect(message.hasSuffix(listed), "\(message)")
        }
        // The row is kept as the participant's, and the visits are those of the visit rows alone.
        #expect(study.accounting.map(\.accepted) == [3])
        #expect(study.participants.map { $0.arm?.id } == ["strength"])
        #expect(study.visits.map(\.timepoint.name) == ["baseline", "week6"])
        #expect(study.visits.map { $0.values.number(.painNRS) } == [6, 4])
    }

    /// A question with a participant box beside the visit one is read on the participant row:
    /// its mark makes the participant box missing and is no unread visit value.
    @Test func aMarkOfAQuestionWithAParticipantBoxIsRead() throws {
        let yaml = Self.pipeline + "  rf_trauma: {checkbox: sl, option: '2'}\n"
        let header = Self.header + ",sl___2"
        let rows = ["R1,screening_arm_1,1,,,,,,0,1,0"] + Self.visits.map { $0 + ",0" }
        let (study, sink) = try H(yaml: yaml, files: ["redcap.csv": H.lines([header] + rows)]).run()
        #expect(sink.summary(.error) == [])
        #expect(sink.summary(.warning) == [])
        #expect(study.participants.first?.values[.rfTrauma] == .missing(.askedButUnknown))
    }
}

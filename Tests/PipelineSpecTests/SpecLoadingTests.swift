import PipelineSpec
import StudyModel
import Testing

/// A valid pipeline file loads into the typed spec with defaults applied.
@Suite struct SpecLoadingTests {
    private func load() throws -> PipelineSpec {
        try PipelineSpec.parse(SpecFixtures.valid, file: "Pipelines/test.yml")
    }

    @Test func validFileHasNoProblems() {
        #expect(SpecFixtures.problems(SpecFixtures.valid) == [])
    }

    @Test func studyAndReport() throws {
        let spec = try load()
        #expect(spec.name == "test")
        #expect(spec.study.name == "Exercise therapy in low back pain")
        #expect(spec.study.description == "Which profile responds to which form")
        #expect(spec.report.maxErrors == 5)
        #expect(spec.outputFolder == "Reports/test")
        #expect(spec.directory == "Pipelines")
        #expect(spec.resolve("../SampleData/x.csv") == "SampleData/x.csv")
    }

    @Test func explicitOutputIsRelativeToThePipelineFile() throws {
        let text = SpecFixtures.replacing("  max_errors: 5", with: "  output: ../Out/here", in: SpecFixtures.valid)
        let spec = try PipelineSpec.parse(text, file: "Pipelines/test.yml")
        #expect(spec.outputFolder == "Out/here")
        #expect(spec.report.maxErrors == 0)
    }

    @Test func inputsGetTheSharedMappingWithOverrides() throws {
        let spec = try load()
        #expect(spec.inputs.count == 2)
        let participants = spec.inputs[0]
        #expect(participants.source == .castor)
        #expect(participants.holds == .participants)
        #expect(participants.location == SourceLocation(file: "Pipelines/test.yml", line: 7, column: 11))
        #expect(participants.fields[.participantID]?.source == .column(["Participant Id", "Record Id"]))
        // Visit-level rules of the shared mapping do not apply to a participants input.
        #expect(participants.fields[.painNRS] == nil)
        #expect(participants.fields[.site]?.source == .column(["Site Abbreviation"]))
        let visits = spec.inputs[1]
        #expect(visits.fields[.participantID]?.source == .column(["Castor Participant Id"]))
        #expect(visits.fields[.painNRS]?.source == .column(["nrs"]))
        #expect(visits.dateFormat(for: .visitDate) == .dayMonthYearShort)
        #expect(visits.dateFormat(for: .screeningDate) == .dayMonthYearDash)
    }

    @Test func fieldRuleShapes() throws {
        let spec = try load()
        #expect(spec.fields[.age]?.source == .derived(.fromBirthYear))
        #expect(spec.fields[.rfNightPain]?.source == .checkbox(variable: "rode_vlaggen", option: "night_pain"))
        #expect(spec.fields[.durationWeeks]?.unit == .months)
        #expect(spec.fields[.visitDate]?.dateFormat == .dayMonthYearShort)
        #expect(spec.fields[.age]?.location.line == 22)
    }

    @Test func vocabulariesExtendTheDefaults() throws {
        let vocabularies = try load().vocabularies
        #expect(vocabularies.sex["w"] == "F")
        #expect(vocabularies.sex["vrouw"] == "F")
        #expect(vocabularies.sex["1"] == "M")
        #expect(vocabularies.booleans["ja"] == true)
        #expect(vocabularies.booleans["onwaar"] == false)
        #expect(vocabularies.arm(forCode: " ga ")?.id == "graded_activity")
        #expect(vocabularies.arm(forCode: "2")?.label == "McKenzie")
        #expect(vocabularies.referenceArm?.id == "graded_activity")
        #expect(vocabularies.arms.map(\.arm.order) == [0, 1])
        #expect(vocabularies.visitNames["t0"] == "baseline")
        #expect(vocabularies.visitNames["week 12"] == "week12")
        #expect(vocabularies.visitNames["week12"] == "week12")
    }

    /// Every visit matches its own name, with or without a `vocabularies:` section.
    @Test func visitsMatchTheirOwnNamesWithoutAVocabulariesSection() throws {
        let text = """
            study: {name: Small, description: No vocabularies}
            inputs:
              - {path: participants.csv, source: generic, holds: participants}
              - {path: visits.csv, source: generic, holds: visits}
            fields:
              participant_id: id
              visit: visit
              visit_date: {column: date, date_format: yyyy-mm-dd}
              pain_nrs: nrs
            visits:
              baseline: {week: 0, window_days: 7}
              week6: {week: 6, window_days: 7}

            """
        for vocabularies in ["", "vocabularies: {}\n", "vocabularies: {booleans: {true: [wel]}}\n"] {
            let names = try PipelineSpec.parse(text + vocabularies, file: "p.yml").vocabularies.visitNames
            #expect(names == ["baseline": "baseline", "week6": "week6"], "with '\(vocabularies)'")
        }
    }

    @Test func missingCodesAndSchedule() throws {
        let spec = try load()
        #expect(spec.missingCodes.castor)
        // A label naming a standard reason stages like Castor's code for it.
        #expect(spec.missingCodes.declared["UNK"] == .askedButUnknown)
        #expect(MissingCodes.reason(code: "X", label: "Not Done") == .notDone)
        #expect(MissingCodes.reason(code: "LTF", label: "lost to follow-up") == .declared(code: "LTF", label: "lost to follow-up"))
        #expect(spec.schedule.timepoints == [
            Timepoint(name: "baseline", week: 0, windowDays: 0), Timepoint(name: "week12", week: 12, windowDays: 14),
        ])
        #expect(spec.schedule.baseline?.name == "baseline")
    }

    @Test func expectationsKeepDomainDefaults() throws {
        let expectations = try load().expectations
        #expect(expectations[.painNRS].required)
        #expect(expectations[.painNRS].type == .integer)
        #expect(expectations[.painNRS].range == 0...10)
        #expect(expectations[.rmdq].range == 0...24)
        #expect(expectations[.odi].range == 0...100)
        #expect(expectations[.gpe].range == 1...7)
        #expect(expectations[.ompsq5].range == 0...10)
        #expect(expectations[.participantID].required)
        #expect(expectations[.site].allowed == ["AMS", "UTR"])
        #expect(expectations[.visitOutsideWindow].severity == .error)
        #expect(expectations[.onsetAfterBaseline].policy == .nullField)
        #expect(expectations[.onsetAfterBaseline].issueSeverity == .warning)
        #expect(expectations[.armChanged].severity == .error)
    }

    @Test func durationUnitsConvertToWeeks() {
        #expect(DurationUnit.days.weeks * 7 == 1)
        #expect(abs(DurationUnit.months.weeks - 4.348125) < 1e-12)
        #expect(abs(DurationUnit.years.weeks - 52.1775) < 1e-12)
        #expect(abs(DurationUnit.months.weeks * 12 - DurationUnit.years.weeks) < 1e-12)
    }

    @Test func pathNormalisation() {
        #expect(PathText.normalise("Pipelines/../SampleData/./a.csv") == "SampleData/a.csv")
        #expect(PathText.normalise("../x//y") == "../x/y")
        #expect(PathText.normalise("/a/../../b") == "/b")
        #expect(PathText.fileName("a/b/c.csv") == "c.csv")
    }
}

import PipelineSpec
import Staging
import StudyModel
import Testing

/// Every rule and vocabulary, once passing and once failing. Each case changes one participant
/// or visit row of a clean study and names the issues it must raise (nothing else but notes).
struct RuleCase: CustomTestStringConvertible, Sendable {
    var name: String
    var expectations = ""
    var participants: [String] = [H.participant("P1"), H.participant("P2", arm: "2"), H.participant("P3")]
    var visits: [String] = [
        H.visit("P1", "T0", date: "05-01-2024"), H.visit("P1", "week6", date: "16-02-2024"),
        H.visit("P2", "T0", date: "05-01-2024"),
    ]
    var expected: [String]
    var testDescription: String { name }

    func yaml() -> String {
        let sites = name.hasPrefix("site") ? "  sites:\n    AMS: [ams]\n    UTR: [Utrecht]\n" : ""
        return H.castorPipeline.replacingOccurrences(of: "vocabularies:\n", with: "vocabularies:\n" + sites)
            + (expectations.isEmpty ? "" : "expectations:\n" + expectations + "\n")
    }
}

@Suite struct RuleTests {
    static func withParticipant(_ name: String, _ changes: [String: String], expectations: String = "", _ expected: [String]) -> RuleCase {
        // P3 has no visits, so a rejected participant row sets off nothing else.
        RuleCase(name: name, expectations: expectations,
                 participants: [H.participant("P1"), H.participant("P2", arm: "2"), H.participant("P3", changes)],
                 expected: expected)
    }

    static func withVisit(_ name: String, _ row: String, expectations: String = "", _ expected: [String]) -> RuleCase {
        RuleCase(name: name, expectations: expectations,
                 visits: [H.visit("P1", "T0", date: "05-01-2024"), row, H.visit("P2", "T0", date: "05-01-2024")],
                 expected: expected)
    }

    static let cases: [RuleCase] = [
        RuleCase(name: "clean study", expected: []),
        // Types and vocabularies.
        withParticipant("number accepted", ["Birth year": " 1971 "], []),
        withParticipant("not a number", ["Birth year": "19x0"], ["participants.csv:4:5 number error"]),
        withParticipant("not a whole number", ["Birth year": "1970,5"], ["participants.csv:4:5 type error"]),
        // A fraction lost in reading (the double is 1971) is still a fraction as written.
        withParticipant("a fraction too fine for a double", ["Birth year": "1970,99999999999999999999"], ["participants.csv:4:5 type error"]),
        withParticipant("a whole number with a zero fraction", ["Birth year": "1971,000"], []),
        // Grouped digits too many for an Int64 are still a whole number.
        withParticipant("a grouped whole number of 22 digits", ["Birth year": "1.971.000.000.000.000.000.000"], ["participants.csv:4:5 range error"]),
        withParticipant("ambiguous decimal mark", ["Age": "1.234"], ["participants.csv:4:6 number error"]),
        withParticipant("date accepted", ["Screening": "29-02-2024", "Randomised": "01-03-2024"], []),
        withParticipant("impossible date", ["Screening": "31-02-2024"], ["participants.csv:4:7 date error"]),
        withParticipant("date in another format", ["Screening": "2024-01-02"], ["participants.csv:4:7 date error"]),
        withParticipant("sex vocabulary", ["Sex": "vrouw"], []),
        withParticipant("unknown sex code", ["Sex": "X"], ["participants.csv:4:4 vocabulary error"]),
        withParticipant("arm vocabulary", ["Group": " s "], []),
        withParticipant("unknown arm code", ["Group": "9"], ["participants.csv:4:3 vocabulary error"]),
        withParticipant("boolean vocabulary", ["flags#night": "1"], []),
        withParticipant("not a boolean", ["flags#night": "misschien"], ["participants.csv:4:10 vocabulary error"]),
        withVisit("visit name vocabulary", H.visit("P1", "T12", date: "29-03-2024"), []),
        withVisit("unknown visit name", H.visit("P1", "week13", date: "29-03-2024"), ["visits.csv:3:2 vocabulary error"]),
        RuleCase(name: "site vocabulary", expectations: "",
                 participants: [H.participant("P1", ["Site": "ams"]), H.participant("P2", arm: "2"), H.participant("P3", ["Site": "Utrecht"])],
                 expected: []),
        // Missing codes are reasons, never values, and pass the checks of values.
        withParticipant("castor numeric missing code", ["Birth year": "-99"], []),
        withParticipant("castor text missing code", ["Site": "##USER_MISSING_95##"], []),
        withParticipant("castor missing date", ["Onset": "01-01-2995"], []),
        withParticipant("declared missing code", ["Sex": "UNK"], []),
        withParticipant("empty participant id", ["Participant Id": ""], ["participants.csv:4:1 required error"]),
        // Field expectations.
        withVisit("range default passes", H.visit("P1", "week6", date: "16-02-2024", nrs: "10"), []),
        withVisit("range default fails", H.visit("P1", "week6", date: "16-02-2024", nrs: "11"), ["visits.csv:3:4 range error"]),
        withVisit("rmdq range fails", H.visit("P1", "week6", date: "16-02-2024", rmdq: "25"), ["visits.csv:3:5 range error"]),
        withVisit("declared range fails", H.visit("P1", "week6", date: "16-02-2024", nrs: "9"),
                  expectations: "  fields:\n    pain_nrs: {range: [0, 8]}", ["visits.csv:3:4 range error"]),
        withVisit("range as warning keeps the row", H.visit("P1", "week6", date: "16-02-2024", nrs: "9"),
                  expectations: "  fields:\n    pain_nrs: {range: [0, 8], severity: warning}", ["visits.csv:3:4 range warning"]),
        withVisit("range with null-field", H.visit("P1", "week6", date: "16-02-2024", nrs: "11"),
                  expectations: "  fields:\n    pain_nrs: {policy: null-field}", ["visits.csv:3:4 range warning"]),
        withVisit("required passes", H.visit("P1", "week6", date: "16-02-2024", nrs: "3"),
                  expectations: "  fields:\n    pain_nrs: {required: true}", []),
        withVisit("required fails", H.visit("P1", "week6", date: "16-02-2024", nrs: ""),
                  expectations: "  fields:\n    pain_nrs: {required: true}", ["visits.csv:3:4 required error"]),
        withVisit("required fails on a missing code", H.visit("P1", "week6", date: "16-02-2024", nrs: "-97"),
                  expectations: "  fields:\n    pain_nrs: {required: true}", ["visits.csv:3:4 required error"]),
        withVisit("integer type passes", H.visit("P1", "week6", date: "16-02-2024", nrs: "4"),
                  expectations: "  fields:\n    pain_nrs: {type: integer}", []),
        withVisit("integer type fails", H.visit("P1", "week6", date: "16-02-2024", nrs: "4,5"),
                  expectations: "  fields:\n    pain_nrs: {type: integer}", ["visits.csv:3:4 type error"]),
        withParticipant("site not in the site vocabulary", ["Site": "RTM"], ["participants.csv:4:2 vocabulary error"]),
        withParticipant("allowed passes", ["Site": "UTR"], expectations: "  fields:\n    site: {allowed: [AMS, UTR]}", []),
        withParticipant("allowed fails", ["Site": "RTM"], expectations: "  fields:\n    site: {allowed: [AMS, UTR]}",
                        ["participants.csv:4:2 allowed error"]),
        // Whole numbers are allowed as numbers, however the list writes them.
        withVisit("allowed whole numbers written with a leading zero", H.visit("P1", "week6", date: "16-02-2024", rmdq: "3"),
                  expectations: "  fields:\n    rmdq: {allowed: [01, +3, 010]}", []),
        withVisit("allowed whole numbers written with a leading zero fail", H.visit("P1", "week6", date: "16-02-2024", rmdq: "4"),
                  expectations: "  fields:\n    rmdq: {allowed: [01, +3, 010]}", ["visits.csv:3:5 allowed error"]),
        RuleCase(name: "unique passes", expectations: "  fields:\n    birth_year: {unique: true}",
                 participants: [H.participant("P1"), H.participant("P2", arm: "2", ["Birth year": "1971"]), H.participant("P3", ["Birth year": "1972", "Age": "52"])],
                 expected: []),
        RuleCase(name: "unique fails", expectations: "  fields:\n    birth_year: {unique: true}",
                 participants: [H.participant("P1"), H.participant("P2", arm: "2", ["Birth year": "1971"]), H.participant("P3")],
                 expected: ["participants.csv:4:5 unique error"]),
        // Cross-field rules.
        withParticipant("onset before screening", ["Onset": "02-01-2024"], []),
        withParticipant("onset after screening", ["Onset": "03-01-2024"], ["participants.csv:4:9 onset_after_baseline error"]),
        withParticipant("onset after screening, null-field", ["Onset": "03-01-2024"],
                        expectations: "  rules:\n    onset_after_baseline: {policy: null-field}",
                        ["participants.csv:4:9 onset_after_baseline warning"]),
        withParticipant("age fits birth year", ["Age": "53"], []),
        withParticipant("age one year off is tolerated", ["Age": "55"], []),
        withParticipant("age inconsistent with birth year", ["Age": "56"],
                        ["participants.csv:4:6 age_inconsistent_with_birth_year error"]),
        // A birth year out of range is not judged against the age too.
        withParticipant("birth year out of range", ["Birth year": "19701"], ["participants.csv:4:5 range error"]),
        withParticipant("birth year out of range, null-field", ["Birth year": "19701"],
                        expectations: "  fields:\n    birth_year: {policy: null-field}", ["participants.csv:4:5 range warning"]),
        withParticipant("age out of range", ["Age": "140"], ["participants.csv:4:6 range error"]),
        withParticipant("age out of range as a warning, and inconsistent", ["Age": "70"],
                        expectations: "  fields:\n    age: {range: [18, 65], severity: warning}",
                        ["participants.csv:4:6 age_inconsistent_with_birth_year error", "participants.csv:4:6 range warning"]),
        withVisit("visit inside its window", H.visit("P1", "week6", date: "23-02-2024"), []),
        withVisit("visit outside its window", H.visit("P1", "week6", date: "24-02-2024"),
                  ["visits.csv:3:3 visit_outside_window warning"]),
        withVisit("visit outside its window as error", H.visit("P1", "week6", date: "24-02-2024"),
                  expectations: "  rules:\n    visit_outside_window: {severity: error}", ["visits.csv:3:3 visit_outside_window error"]),
        // Written out, reject-row rejects, though the rule's default is a warning.
        withVisit("visit outside its window, reject-row", H.visit("P1", "week6", date: "24-02-2024"),
                  expectations: "  rules:\n    visit_outside_window: {policy: reject-row}", ["visits.csv:3:3 visit_outside_window error"]),
        withVisit("follow-up before randomisation", H.visit("P1", "week6", date: "04-01-2024"),
                  ["visits.csv:3:3 visit_before_randomisation error", "visits.csv:3:3 visit_outside_window warning"]),
        // A date a rule empties (null-field) is not judged again by the rules after it.
        withVisit("follow-up before randomisation, null-field", H.visit("P1", "week6", date: "04-01-2024"),
                  expectations: "  rules:\n    visit_before_randomisation: {policy: null-field}",
                  ["visits.csv:3:3 visit_before_randomisation warning"]),
        RuleCase(name: "baseline visit before onset, outside its window, null-field",
                 expectations: "  rules:\n    visit_outside_window: {policy: null-field}",
                 participants: [H.participant("P1", ["Onset": "02-01-2024", "Screening": "02-01-2024"]), H.participant("P2", arm: "2"), H.participant("P3")],
                 visits: [H.visit("P1", "T0", date: "01-01-2024"), H.visit("P2", "T0", date: "05-01-2024")],
                 expected: ["visits.csv:2:3 visit_outside_window warning"]),
        RuleCase(name: "follow-up without baseline",
                 visits: [H.visit("P1", "week6", date: "16-02-2024"), H.visit("P2", "T0", date: "05-01-2024")],
                 expected: ["visits.csv:2:2 follow_up_without_baseline warning"]),
        RuleCase(name: "follow-up without baseline as error",
                 expectations: "  rules:\n    follow_up_without_baseline: {severity: error}",
                 visits: [H.visit("P1", "week6", date: "16-02-2024"), H.visit("P2", "T0", date: "05-01-2024")],
                 expected: ["visits.csv:2:2 follow_up_without_baseline error"]),
        RuleCase(name: "follow-up of a randomised participant",
                 visits: [H.visit("P1", "T0", date: "05-01-2024"), H.visit("P2", "T0", date: "05-01-2024"), H.visit("P2", "week6", date: "16-02-2024")],
                 expected: []),
        RuleCase(name: "follow-up of a participant without an arm",
                 participants: [H.participant("P1"), H.participant("P2", arm: "2"), H.participant("P3", ["Group": ""])],
                 visits: [H.visit("P1", "T0", date: "05-01-2024"), H.visit("P3", "T0", date: "05-01-2024"), H.visit("P3", "week6", date: "16-02-2024")],
                 expected: ["visits.csv:4:2 follow_up_not_randomised warning"]),
        RuleCase(name: "follow-up of a participant without an arm as error",
                 expectations: "  rules:\n    follow_up_not_randomised: {severity: error}",
                 participants: [H.participant("P1"), H.participant("P2", arm: "2"), H.participant("P3", ["Group": ""])],
                 visits: [H.visit("P1", "T0", date: "05-01-2024"), H.visit("P3", "T0", date: "05-01-2024"), H.visit("P3", "week6", date: "16-02-2024")],
                 expected: ["visits.csv:4:2 follow_up_not_randomised error"]),
        RuleCase(name: "baseline visit before onset",
                 participants: [H.participant("P1", ["Onset": "02-01-2024", "Screening": "02-01-2024"]), H.participant("P2", arm: "2"), H.participant("P3")],
                 visits: [H.visit("P1", "T0", date: "01-01-2024"), H.visit("P2", "T0", date: "05-01-2024")],
                 expected: ["visits.csv:2:3 visit_outside_window warning", "visits.csv:2:3 onset_after_baseline error"]),
        // A baseline visit a cross-row rule rejects leaves the follow-ups kept without a baseline.
        RuleCase(name: "baseline visit rejected for its window, with a follow-up",
                 expectations: "  rules:\n    visit_outside_window: {severity: error}",
                 visits: [H.visit("P1", "T0", date: "10-01-2024"), H.visit("P1", "week6", date: "16-02-2024"),
                          H.visit("P2", "T0", date: "05-01-2024")],
                 expected: ["visits.csv:2:3 visit_outside_window error", "visits.csv:3:2 follow_up_without_baseline warning"]),
        RuleCase(name: "baseline visit rejected for its window, with a follow-up, both rules errors",
                 expectations: "  rules:\n    visit_outside_window: {severity: error}\n    follow_up_without_baseline: {severity: error}",
                 visits: [H.visit("P1", "week6", date: "16-02-2024"), H.visit("P1", "T0", date: "10-01-2024"),
                          H.visit("P1", "T12", date: "29-03-2024"), H.visit("P2", "T0", date: "05-01-2024")],
                 expected: ["visits.csv:3:3 visit_outside_window error", "visits.csv:2:2 follow_up_without_baseline error",
                            "visits.csv:4:2 follow_up_without_baseline error"]),
        RuleCase(name: "baseline visit before onset, with a follow-up",
                 participants: [H.participant("P1", ["Onset": "02-01-2024", "Screening": "02-01-2024"]), H.participant("P2", arm: "2"), H.participant("P3")],
                 visits: [H.visit("P1", "T0", date: "01-01-2024"), H.visit("P1", "week6", date: "16-02-2024"),
                          H.visit("P2", "T0", date: "05-01-2024")],
                 expected: ["visits.csv:2:3 visit_outside_window warning", "visits.csv:2:3 onset_after_baseline error",
                            "visits.csv:3:2 follow_up_without_baseline warning"]),
        // Only a rejected baseline does: one kept with a warning still counts.
        RuleCase(name: "baseline visit outside its window as a warning, with a follow-up",
                 visits: [H.visit("P1", "T0", date: "10-01-2024"), H.visit("P1", "week6", date: "16-02-2024"),
                          H.visit("P2", "T0", date: "05-01-2024")],
                 expected: ["visits.csv:2:3 visit_outside_window warning"]),
    ]

    @Test(arguments: cases)
    func rule(_ rule: RuleCase) throws {
        let harness = try H(yaml: rule.yaml(), files: [
            "participants.csv": H.lines([H.participantsHeader] + rule.participants),
            "visits.csv": H.lines([H.visitsHeader] + rule.visits),
        ])
        let (study, sink) = try harness.run()
        #expect(sink.summary().filter { !$0.hasSuffix(" note") } == rule.expected)
        let errors = rule.expected.filter { $0.hasSuffix(" error") }.count
        #expect(study.errorCount == errors)
        let rejected = study.accounting.reduce(0) { $0 + $1.rejected }
        #expect(rejected == Set(rule.expected.filter { $0.hasSuffix(" error") }.map { $0.split(separator: " ")[0].split(separator: ":").prefix(2).joined(separator: ":") }).count)
    }

    /// A follow-up left without its baseline names the rules that rejected the baseline, and only
    /// those: a window finding kept as a warning rejected nothing.
    @Test(arguments: [("  rules:\n    visit_outside_window: {severity: error}", "(visit_outside_window, onset_after_baseline)"),
                      ("", "(onset_after_baseline)")])
    func aFollowUpLeftWithoutItsBaselineNamesWhatRejectedIt(expectations: String, named: String) throws {
        let rule = RuleCase(name: "baseline out of window and before onset", expectations: expectations,
                            participants: [H.participant("P1", ["Onset": "02-01-2024", "Screening": "02-01-2024"]),
                                           H.participant("P2", arm: "2"), H.participant("P3")],
                            visits: [H.visit("P1", "T0", date: "01-01-2024"), H.visit("P1", "week6", date: "16-02-2024"),
                                     H.visit("P2", "T0", date: "05-01-2024")],
                            expected: [])
        let harness = try H(yaml: rule.yaml(), files: [
            "participants.csv": H.lines([H.participantsHeader] + rule.participants),
            "visits.csv": H.lines([H.visitsHeader] + rule.visits),
        ])
        let (_, sink) = try harness.run()
        let found = sink.issues.filter { $0.rule == "follow_up_without_baseline" }
        #expect(found.map(\.message) == ["visit 'week6' of participant 'P1' has no baseline visit: its baseline visit was rejected " + named])
        // The value as normalised, as for every other finding: the visit the row became.
        #expect(found.map { "\($0.field ?? "") \($0.value ?? "")" } == ["visit week6"])
    }

    /// `required` on a derived field is checked once the row has derived it: a duration the
    /// onset gives is there; one without an onset is missing.
    @Test func aRequiredDerivedFieldIsCheckedOnceDerived() throws {
        let yaml = H.castorPipeline.replacingOccurrences(of: "  rmdq: RMDQ\n", with: "  rmdq: RMDQ\n  duration_weeks: {derive: from_onset_date}\n")
            + "expectations:\n  fields:\n    duration_weeks: {required: true}\n"
        let harness = try H(yaml: yaml, files: [
            "participants.csv": H.lines([H.participantsHeader, H.participant("P1"), H.participant("P2", ["Onset": ""])]),
            "visits.csv": H.lines([H.visitsHeader, H.visit("P1", "T0", date: "05-01-2024"), H.visit("P2", "T0", date: "05-01-2024")]),
        ])
        let (study, sink) = try harness.run()
        #expect(sink.summary(.error) == ["participants.csv:3:- required error"])
        #expect(sink.issues.first { $0.rule == "required" }?.message == "'duration_weeks' is required but is empty")
        #expect(study.participants.map(\.id) == ["P1"])
    }

    /// A derived value out of its range is said at the cell it came from, which is the one to
    /// fix: an onset typed 1921 gives a duration of 5 331 weeks, located at the onset.
    @Test func aDerivedValueOutOfRangeIsLocatedAtItsSource() throws {
        let yaml = H.castorPipeline.replacingOccurrences(of: "  rmdq: RMDQ\n", with: "  rmdq: RMDQ\n  duration_weeks: {derive: from_onset_date}\n")
        let harness = try H(yaml: yaml, files: [
            "participants.csv": H.lines([H.participantsHeader, H.participant("P1", ["Onset": "01-11-1921"])]),
            "visits.csv": H.lines([H.visitsHeader, H.visit("P1", "T0", date: "05-01-2024")]),
        ])
        let (_, sink) = try harness.run()
        let issue = try #require(sink.issues.first { $0.field == "duration_weeks" })
        #expect(issue.location.line == 2 && issue.location.column == 9)
        #expect(issue.value == "01-11-1921")
        #expect(issue.rule == "range" && issue.severity == .error)
        #expect(issue.message == "'duration_weeks' derived from onset_date '01-11-1921' (column 9) and screening_date '02-01-2024' "
            + "(column 7) is 5331, out of range 0...5200")
    }

    /// A derived age a range empties under null-field is not derived from: the age at onset
    /// after it is missing for the same reason, not computed from the age the clean table lacks.
    @Test func aDerivedValueARangeEmptiesIsNotDerivedFrom() throws {
        let yaml = H.castorPipeline
            .replacingOccurrences(of: "  age: Age\n", with: "  age: {derive: from_birth_year}\n")
            .replacingOccurrences(of: "  rmdq: RMDQ\n", with: "  rmdq: RMDQ\n  duration_weeks: {derive: from_onset_date}\n"
                + "  age_at_onset: {derive: from_age_and_onset}\n")
            + "expectations:\n  fields:\n    age: {range: [18, 100], policy: null-field}\n"
        let harness = try H(yaml: yaml, files: [
            "participants.csv": H.lines([H.participantsHeader, H.participant("P1", ["Birth year": "2010"])]),
            "visits.csv": H.lines([H.visitsHeader, H.visit("P1", "T0", date: "05-01-2024")]),
        ])
        let (study, sink) = try harness.run()
        let values = try #require(study.participants.first?.values)
        #expect(values[.age] == .missing(.emptied(byRule: "range")))
        #expect(values[.ageAtOnset] == .missing(.emptied(byRule: "range")))
        #expect(values.number(.durationWeeks) != nil)
        #expect(sink.issues.filter { $0.rule == "range" }.map(\.field) == ["age"])
    }

    /// An onset the baseline visit contradicts, emptied under null-field after every row was
    /// read, takes the values derived from it along, as the row rule does before derivation.
    @Test func onsetEmptiedAfterReadingTakesItsDerivedValues() throws {
        let yaml = H.castorPipeline.replacingOccurrences(
            of: "  rmdq: RMDQ\n",
            with: "  rmdq: RMDQ\n  duration_weeks: {derive: from_onset_date}\n  age_at_onset: {derive: from_age_and_onset}\n")
            + "expectations:\n  rules:\n    onset_after_baseline: {policy: null-field}\n"
        let harness = try H(yaml: yaml, files: [
            "participants.csv": H.lines([H.participantsHeader, H.participant("P1", ["Onset": "02-01-2024"]), H.participant("P2")]),
            "visits.csv": H.lines([H.visitsHeader, H.visit("P1", "T0", date: "01-01-2024"), H.visit("P2", "T0", date: "05-01-2024")]),
        ])
        let (study, sink) = try harness.run()
        // The warning names the field it empties, at the participant's onset cell.
        #expect(sink.summary().contains("participants.csv:2:9 onset_after_baseline warning"))
        let values = try #require(study.participants.first { $0.id == "P1" }).values
        for field in [Field.onsetDate, .durationWeeks, .ageAtOnset] {
            guard case .declared(code: "invalid", _)? = values[field]?.missingReason else {
                Issue.record("\(field) is \(String(describing: values[field])), not emptied as invalid")
                continue
            }
        }
        let other = try #require(study.participants.first { $0.id == "P2" }).values
        #expect(other.number(.durationWeeks) != nil && other.number(.ageAtOnset) != nil)

        // A duration the participant's input reads from the export is a value of its own, and
        // stays, though the shared fields (and so the visits input) derive it.
        let read = yaml.replacingOccurrences(
            of: "  - {path: participants.csv, source: castor, holds: participants}",
            with: "  - {path: participants.csv, source: castor, holds: participants, fields: {duration_weeks: Weeks}}")
        let withColumn = try H(yaml: read, files: [
            "participants.csv": H.lines([H.participantsHeader + ";Weeks", H.participant("P1", ["Onset": "02-01-2024"]) + ";20"]),
            "visits.csv": H.lines([H.visitsHeader, H.visit("P1", "T0", date: "01-01-2024")]),
        ]).run().0
        let kept = try #require(withColumn.participants.first).values
        #expect(kept.number(.durationWeeks) == 20)
        #expect(kept.isMissing(.onsetDate) && kept.isMissing(.ageAtOnset))

        // Another input of the participant mapping the duration to a column it lacks leaves the
        // derived value derived: it goes with the onset.
        let survey = yaml.replacingOccurrences(
            of: "  - {path: participants.csv, source: castor, holds: participants}",
            with: "  - {path: participants.csv, source: castor, holds: participants}\n"
                + "  - {path: survey.csv, source: castor, holds: participants, fields: {duration_weeks: Weeks}}")
        let merged = try H(yaml: survey, files: [
            "participants.csv": H.lines([H.participantsHeader, H.participant("P1", ["Onset": "02-01-2024"])]),
            "survey.csv": H.lines(["Participant Id;Sex", "P1;V"]),
            "visits.csv": H.lines([H.visitsHeader, H.visit("P1", "T0", date: "01-01-2024")]),
        ]).run().0
        let record = try #require(merged.participants.first)
        #expect(record.sources.count == 2)
        #expect(record.values.isMissing(.durationWeeks) && record.values.isMissing(.ageAtOnset))
    }

    @Test func nullFieldEmptiesTheFieldAndKeepsTheRow() throws {
        let yaml = H.castorPipeline + "expectations:\n  fields:\n    pain_nrs: {policy: null-field}\n"
        let harness = try H(yaml: yaml, files: [
            "participants.csv": H.lines([H.participantsHeader, H.participant("P1")]),
            "visits.csv": H.lines([H.visitsHeader, H.visit("P1", "T0", date: "05-01-2024", nrs: "12")]),
        ])
        let (study, sink) = try harness.run()
        #expect(study.visits.first?.values[.painNRS] == .missing(.declared(code: "invalid", label: "emptied by rule 'range'")))
        #expect(sink.issues.first?.message == "the value '12' is out of range 0...10 for 'pain_nrs'")
        #expect(sink.issues.first?.description == "visits.csv:2:4: warning: the value '12' is out of range 0...10 for 'pain_nrs' (participant 'P1', visit 'baseline')")
        var unseen = try #require(sink.issues.first)
        unseen.participant = "P\u{A0}1"
        #expect(unseen.description.hasSuffix("(participant 'P\\u{A0}1', visit 'baseline')"))
    }

    /// A key or required field given as a missing-value code names the code as its value, so
    /// that the row can be found in the export.
    @Test func missingCodeInAKeyOrRequiredFieldIsTheIssuesValue() throws {
        let yaml = H.castorPipeline + "expectations:\n  fields:\n    pain_nrs: {required: true}\n"
        let harness = try H(yaml: yaml, files: [
            "participants.csv": H.lines([H.participantsHeader, H.participant("P1"), H.participant("-99")]),
            "visits.csv": H.lines([H.visitsHeader, H.visit("P1", "T0", date: "05-01-2024", nrs: "-97"),
                                   H.visit("P1", "week6", date: "16-02-2024", nrs: "")]),
        ])
        let (_, sink) = try harness.run()
        let required = sink.issues.filter { $0.rule == "required" }
        #expect(required.map(\.field) == ["participant_id", "pain_nrs", "pain_nrs"])
        #expect(required.map(\.value) == ["-99", "-97", nil])
    }

    @Test func missingCodesKeepTheirReason() throws {
        let harness = try H(yaml: H.castorPipeline, files: [
            "participants.csv": H.lines([H.participantsHeader,
                                         H.participant("P1", ["Birth year": "-98", "Site": "##USER_MISSING_96##", "Onset": "31-12-2997", "Sex": "UNK"])]),
            "visits.csv": H.lines([H.visitsHeader]),
        ])
        let (study, _) = try harness.run()
        let values = try #require(study.participants.first?.values)
        #expect(values[.birthYear] == .missing(.askedButUnknown))
        #expect(values[.site] == .missing(.notApplicable))
        #expect(values[.onsetDate] == .missing(.notAsked))
        #expect(values[.sex] == .missing(.askedButUnknown))
        #expect(values[.heightCM] == nil)
    }

    /// `required` under `null-field` warns but takes nothing away: a missing-value code keeps its
    /// reason (for `clean/missing.csv`), and an empty cell stays empty.
    @Test func aRequiredFieldUnderNullFieldKeepsTheExportsReason() throws {
        let yaml = H.castorPipeline + "expectations:\n  fields:\n    pain_nrs: {required: true, policy: null-field}\n"
        let harness = try H(yaml: yaml, files: [
            "participants.csv": H.lines([H.participantsHeader, H.participant("P1")]),
            "visits.csv": H.lines([H.visitsHeader, H.visit("P1", "T0", date: "05-01-2024", nrs: "-99"),
                                   H.visit("P1", "week6", date: "16-02-2024", nrs: "")]),
        ])
        let (study, sink) = try harness.run()
        #expect(study.visits.map { $0.values[.painNRS] } == [.missing(.notDone), .missing(.empty)])
        #expect(sink.issues.filter { $0.rule == "required" }.map(\.severity) == [.warning, .warning])
    }

    @Test func rejectedRowsKeepTheirFieldsAndReasons() throws {
        let bad = H.visit("P1", "week6", date: "31-02-2024", nrs: "11")
        let harness = try H(yaml: H.castorPipeline, files: [
            "participants.csv": H.lines([H.participantsHeader, H.participant("P1")]),
            "visits.csv": H.lines([H.visitsHeader, H.visit("P1", "T0", date: "05-01-2024"), bad]),
        ])
        let (_, sink) = try harness.run()
        let row = try #require(sink.rejectedRows.first)
        #expect(row.line == 3)
        #expect(row.rawFields.map { String(decoding: $0, as: UTF8.self) } == bad.split(separator: ";", omittingEmptySubsequences: false).map(String.init))
        #expect(row.reasons == [
            "'31-02-2024' is not a real date (there is no day 31 in month 2 of 2024) for 'visit_date'",
            "the value '11' is out of range 0...10 for 'pain_nrs'",
        ])
    }

    @Test func deferredRejectionsAreFetchedExactlyAsRead() throws {
        let late = "P1;week6;\"04-01-2024\";  5 ;10"
        let harness = try H(yaml: H.castorPipeline, files: [
            "participants.csv": H.lines([H.participantsHeader, H.participant("P1")]),
            "visits.csv": H.lines([H.visitsHeader, H.visit("P1", "T0", date: "05-01-2024"), late]),
        ])
        let (study, sink) = try harness.run()
        #expect(study.visits.count == 1)
        let row = try #require(sink.rejectedRows.first)
        #expect(row.line == 3)
        #expect(row.rawFields.map { String(decoding: $0, as: UTF8.self) } == ["P1", "week6", "04-01-2024", "  5 ", "10"])
        #expect(row.reasons.first == "the visit date '2024-01-04' is before the randomisation date '2024-01-05'")
    }
}

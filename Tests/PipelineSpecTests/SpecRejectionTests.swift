import PipelineSpec
import StudyModel
import Testing

/// One rejection per case: a single line of the valid fixture is changed, and loading must fail
/// with exactly one problem at the stated line and column.
struct Rejection: CustomTestStringConvertible, Sendable {
    let line: String
    let replacement: String
    let expected: String
    var testDescription: String { expected }

    init(_ line: String, _ replacement: String, _ expected: String) {
        self.line = line
        self.replacement = replacement
        self.expected = expected
    }
}

@Suite struct SpecRejectionTests {
    static let cases: [Rejection] = [
        // Unknown keys, at every level.
        Rejection("report:", "reprot:", "4:1: unknown key 'reprot' in the top level (expected one of 'analysis', 'evidence', 'expectations', 'fields', 'inputs', 'missing_codes', 'profiles', 'publication', 'report', 'study', 'visits', 'vocabularies')"),
        Rejection("  name: Exercise therapy in low back pain", "  name: ' '", "2:9: 'study.name' must not be empty"),
        Rejection("  name: Exercise therapy in low back pain", "  name: \"Exercise\\ntherapy\"", "2:9: 'study.name' must be one line; it holds a line break"),
        Rejection("  description: Which profile responds to which form", "  description: |\n    Which profile\n    responds", "3:16: 'study.description' must be one line; it holds a line break"),
        Rejection("  max_errors: 5", "  max_error: 5", "5:3: unknown key 'max_error' in 'report' (expected one of 'max_errors', 'output')"),
        // A repeated key: located at the repeat, naming the first; at the start of its mapping
        // when the mapping is written in flow style.
        Rejection("  max_errors: 5", "  max_errors: 5\n  # again\n\n  'max_errors' : 6", "8:3: the key 'max_errors' appears more than once in its mapping (first at line 5); keep one"),
        Rejection("report:", "study:\n  name: again\nreport:", "4:1: the key 'study' appears more than once in its mapping (first at line 1); keep one"),
        Rejection("  max_errors: 5", "  max_errors: 5\n  nested: {a: 1, a: 2}", "6:12: the key 'a' appears more than once in the mapping that starts here"),
        Rejection("    holds: participants", "    holds: participants\n    delimeter: ';'", "10:5: unknown key 'delimeter' in 'inputs[0]' (expected one of 'date_format', 'decimal_mark', 'delimiter', 'encoding', 'fields', 'holds', 'participant_rows', 'path', 'site', 'source')"),
        Rejection("  age: {derive: from_birth_year}", "  age: {derive: from_birth_year, option: x}", "22:34: 'option' names a checkbox option; it goes with 'checkbox'"),
        Rejection("  age: {derive: from_birth_year}", "  age: {derive: from_birth_year, colum: x}", "22:34: unknown key 'colum' in 'fields.age' (expected one of 'checkbox', 'column', 'date_format', 'derive', 'option', 'unit')"),
        Rejection("  week12: {week: 12, window_days: 14}", "  week12: {week: 12, window_days: 14, windows: 1}", "48:39: unknown key 'windows' in 'visits.week12' (expected one of 'week', 'window_days')"),
        // Unknown canonical fields and rules.
        Rejection("  pain_nrs: nrs", "  pain: nrs", "27:3: unknown canonical field 'pain' in 'fields' (did you mean 'pain_nrs' or 'pain_vas'?)"),
        Rejection("      participant_id: Castor Participant Id", "      participant: Castor Participant Id", "14:7: unknown canonical field 'participant' in 'inputs[1].fields' (did you mean 'participant_id'?)"),
        Rejection("    pain_nrs: {required: true, type: integer}", "    nrs: {required: true}", "51:5: unknown canonical field 'nrs' in 'expectations.fields' (did you mean 'pain_nrs'?)"),
        Rejection("  pain_nrs: nrs", "  sitee: nrs", "27:3: unknown canonical field 'sitee' in 'fields' (did you mean 'site'?)"),
        Rejection("  pain_nrs: nrs", "  colour: nrs", "27:3: unknown canonical field 'colour' in 'fields'"),
        Rejection("  pain_nrs: nrs", "  stage: nrs", "27:3: unknown canonical field 'stage' in 'fields'"),
        Rejection("    visit_outside_window: {severity: error}", "    outside_window: {severity: error}", "54:5: unknown rule 'outside_window' (expected one of 'visit_before_randomisation', 'visit_outside_window', 'onset_after_baseline', 'arm_changed', 'age_inconsistent_with_birth_year', 'follow_up_without_baseline', 'follow_up_not_randomised')"),
        // Required keys and values.
        Rejection("  name: Exercise therapy in low back pain", "  name: Trial\n  title: x", "3:3: unknown key 'title' in 'study' (expected one of 'description', 'name')"),
        Rejection("  name: Exercise therapy in low back pain", "  name:", "2:3: 'name' in 'study' needs a value"),
        Rejection("    source: castor", "    source: openclinica", "8:13: unknown value 'openclinica' for 'inputs[0].source' (expected one of 'castor', 'redcap', 'generic')"),
        Rejection("    holds: participants", "    holds: rows", "9:12: unknown value 'rows' for 'inputs[0].holds' (expected one of 'participants', 'visits')"),
        Rejection("    holds: participants", "    holds:", "9:5: 'holds' in 'inputs[0]' needs a value"),
        Rejection("  max_errors: 5", "  max_errors: -1", "5:15: 'report.max_errors' must be 0 or more, found -1"),
        Rejection("    holds: participants", "    holds: participants\n    delimiter: ':'", "10:16: unknown delimiter ':' (expected ',', ';', '|' or 'tab')"),
        Rejection("    holds: participants", "    holds: participants\n    delimiter: |", "10:16: the delimiter is empty; write '|' in quotes (delimiter: '|'), as YAML reads a bare | as the start of a block of text"),
        Rejection("    holds: participants", "    holds: participants\n    delimiter: ''", "10:16: the delimiter is empty (expected ',', ';', '|' or 'tab')"),
        Rejection("    site: {allowed: [AMS, UTR]}", "    rmdq: {allowed: [1.0, 99999999999999999999]}", "52:27: '99999999999999999999' is beyond the whole numbers lbp holds exactly (up to 2^53)"),
        Rejection("    site: {allowed: [AMS, UTR]}", "    rmdq: {allowed: [-9223372036854775808]}", "52:22: '-9223372036854775808' is beyond the whole numbers lbp holds exactly (up to 2^53)"),
        Rejection("    holds: participants", "    holds: participants\n    encoding: latin-9", "10:15: unknown value 'latin-9' for 'inputs[0].encoding' (expected one of 'utf-8', 'windows-1252')"),
        // Field rules.
        Rejection("  age: {derive: from_birth_year}", "  age: {derive: from_onset_date}", "22:17: 'age' cannot be derived 'from_onset_date' (use 'from_birth_year')"),
        Rejection("  age: {derive: from_birth_year}", "  age: {column: leeftijd, derive: from_birth_year}", "22:8: 'fields.age' needs exactly one of 'column', 'checkbox' or 'derive'"),
        Rejection("  sex: geslacht", "  sex: {checkbox: geslacht, option: m}", "19:19: a checkbox gives yes or no; 'sex' is code"),
        Rejection("  rf_night_pain: {checkbox: rode_vlaggen, option: night_pain}", "  rf_night_pain: {checkbox: rode_vlaggen}", "23:18: 'fields.rf_night_pain' needs the key 'option'"),
        Rejection("  pain_nrs: nrs", "  pain_nrs: {column: nrs, unit: days}", "27:33: 'unit' applies only to 'duration_weeks', not to 'pain_nrs'"),
        Rejection("  duration_weeks: {column: klachtduur, unit: months}", "  duration_weeks: {column: klachtduur, unit: fortnights}", "24:46: unknown value 'fortnights' for 'fields.duration_weeks.unit' (expected one of 'days', 'weeks', 'months', 'years')"),
        Rejection("  pain_nrs: nrs", "  pain_nrs: {column: nrs, date_format: dd-mm-yyyy}", "27:40: 'date_format' applies only to date fields; 'pain_nrs' is decimal"),
        Rejection("  visit_date: {column: datum, date_format: d-m-yyyy}", "  visit_date: {column: datum, date_format: mm/dd/yyyy}", "26:44: unknown value 'mm/dd/yyyy' for 'fields.visit_date.date_format' (expected one of 'dd-mm-yyyy', 'd-m-yyyy', 'yyyy-mm-dd', 'dd/mm/yyyy', 'excel-serial')"),
        Rejection("  pain_nrs: nrs", "  pain_nrs: []", "27:13: 'fields.pain_nrs' must name at least one value"),
        Rejection("  pain_nrs: nrs", "  pain_nrs: ' '", "27:13: a column name in 'fields.pain_nrs' is empty"),
        Rejection("  birth_year: geboortejaar", "", "22:8: deriving 'age' needs 'birth_year' mapped in 'inputs[0]' (data/participants*.csv)"),
        // Input checks.
        Rejection("  participant_id: {column: [\"Participant Id\", \"Record Id\"]}", "", "7:5: 'inputs[0]' (data/participants*.csv) maps no column to 'participant_id'"),
        Rejection("  visit: Repeating data Name Custom", "", "10:5: 'inputs[1]' (data/visits.csv) holds visits but maps no column to 'visit'"),
        Rejection("    holds: participants", "    holds: participants\n    site: AMS", "10:11: 'inputs[0]' (data/participants*.csv) sets a constant 'site' and also maps a 'site' column; keep one"),
        Rejection("    holds: participants", "    holds: participants\n    fields:\n      pain_nrs: nrs", "11:17: 'pain_nrs' is a visit-level field; 'inputs[0]' (data/participants*.csv) holds participants"),
        Rejection("    source: castor", "    source: generic\n    date_format: dd-mm-yyyy", "24:18: 'rf_night_pain' is a checkbox, but 'inputs[0]' (data/participants*.csv) is a generic export without a checkbox convention"),
        Rejection("  - path: data/visits.csv", "  - path: data/participants*.csv", "10:11: the path 'data/participants*.csv' is already read by 'inputs[0]'"),
        // Vocabularies.
        Rejection("      codes: [\"2\"]", "      codes: [\"2\", ga]", "38:20: the arm code 'ga' is already mapped to arm 'graded_activity'"),
        Rejection("    - id: mckenzie", "    - id: graded_activity", "36:11: the arm id 'graded_activity' is declared twice"),
        Rejection("    - id: mckenzie", "    - id: All", "36:11: the arm id 'All' is reserved: reports use 'all' for the whole trial"),
        Rejection("      reference: true", "      reference: false", "32:5: no arm is marked 'reference: true'; comparisons need a reference arm (or set 'analysis.reference_arm')"),
        Rejection("      label: McKenzie", "      label: McKenzie\n      reference: true", "38:18: arms 'graded_activity' and 'mckenzie' are both marked as the reference; only one can be"),
        Rejection("      codes: [\"2\"]", "      codes: []", "38:14: arm 'mckenzie' needs at least one code"),
        Rejection("      label: McKenzie", "      label: ''", "37:14: 'vocabularies.arms[1].label' must not be empty"),
        Rejection("    F: [W]", "    F: [W, w]", "30:12: the code 'w' is already listed under 'F'"),
        Rejection("    F: [W]", "    M: [h]\n    F: [W, H]", "31:12: the code 'H' is already listed under 'M'"),
        Rejection("    F: [W]", "    F: W", "30:8: 'vocabularies.sex.F' must be a list, found 'W'"),
        Rejection("    F: [W]", "    X: [W]", "30:5: unknown key 'X' in 'vocabularies.sex' (expected one of 'F', 'M', 'defaults')"),
        Rejection("    week12: [Week 12]", "    week13: [Week 12]", "41:5: 'week13' is not a visit of the schedule ('visits:')"),
        Rejection("    week12: [Week 12]", "    week12: [T0]", "41:14: the visit name 'T0' is already mapped to 'baseline'"),
        // Each timepoint matches its own name: another visit cannot take it over.
        Rejection("    week12: [Week 12]", "    week12: [Week 12, baseline]", "41:23: 'baseline' is the name of visit 'baseline' of the schedule; it cannot also stand for 'week12'"),
        Rejection("    baseline: [Baseline, T0]", "    baseline: [Baseline, T0, Week12]", "40:30: 'Week12' is the name of visit 'week12' of the schedule; it cannot also stand for 'baseline'"),
        Rejection("    F: [W]", "    F: [W]\n  sites:\n    AMS: [ams, A]\n    UTR: [a]", "33:11: the site code 'a' is already mapped to site 'AMS'"),
        Rejection("    F: [W]", "    F: [W]\n  sites:\n    AMS: [ams]\n    UTR: [utr]\n    \"U\\nX\": [ux]", "34:5: the site name 'U\nX' must be one line; it holds a line break"),
        Rejection("    F: [W]", "    F: [W]\n  sites:\n    AMS: [ams]\n    GRO: [UTR]", "55:27: 'UTR' is not a canonical value of 'site' (expected one of 'AMS', 'GRO')"),
        Rejection("    holds: participants", "    holds: participants\n    participant_rows: [screening]", "10:23: 'participant_rows' applies to inputs that hold visits"),
        Rejection("    holds: visits", "    holds: visits\n    participant_rows: [T0]", "13:24: 'T0' in 'participant_rows' of input 'data/visits.csv' is also a name of visit 'baseline'"),
        // Blank where reports print a name or a reader needs a value; null bounds are no range.
        Rejection("    holds: visits", "    holds: visits\n    participant_rows: [screening, ' ']", "13:23: an event name in 'inputs[1].participant_rows' is empty"),
        Rejection("  rf_night_pain: {checkbox: rode_vlaggen, option: night_pain}", "  rf_night_pain: {checkbox: ' ', option: night_pain}", "23:29: a checkbox needs a variable and an option name"),
        Rejection("    - {code: UNK, reason: asked but unknown}", "    - {code: UNK, reason: ' '}", "45:27: 'missing_codes.codes[0].reason' must not be empty"),
        Rejection("    pain_nrs: {required: true, type: integer}", "    pain_nrs: {required: true, type: integer, range: {min: ~, max: ~}}", "51:54: a range needs 'min', 'max' or both"),
        Rejection("  max_errors: 5", "  max_errors: 5\n  output: '  '", "6:11: 'report.output' must not be empty"),
        Rejection("  max_errors: 5", "  max_errors: 5\n  output: >\n    out", "6:11: 'report.output' must be one line; it holds a line break"),
        Rejection("    - {code: UNK, reason: asked but unknown}", "    - code: |\n        UNK\n      reason: asked but unknown",
                  "45:13: 'missing_codes.codes[0].code' must be one line; it holds a line break"),
        // Missing codes.
        Rejection("    - {code: UNK, reason: asked but unknown}", "    - {code: UNK, reason: asked but unknown}\n    - {code: unk, reason: x}\n    - {code: UNK, reason: again}", "47:14: the missing code 'UNK' is declared twice"),
        Rejection("    - {code: UNK, reason: asked but unknown}", "    - {code: '-99', reason: not done}", "45:14: the missing code '-99' is already a Castor code ('castor: true')"),
        Rejection("    - {code: UNK, reason: asked but unknown}", "    - {code: invalid, reason: asked but invalid}", "45:14: the missing code 'invalid' is the reason lbp gives a value a rule empties; give the project's code another name"),
        Rejection("    - {code: UNK, reason: asked but unknown}", "    - {code: nee, reason: no answer}", "45:14: the missing code 'nee' is also a boolean code; a real answer would be read as missing"),
        Rejection("    - {code: UNK, reason: asked but unknown}", "    - {code: UNK}", "45:7: 'missing_codes.codes[0]' needs the key 'reason'"),
        // Schedule.
        Rejection("  week12: {week: 12, window_days: 14}", "  week12: {week: 12}", "48:11: visit 'week12' has no 'window_days'; every visit needs a window"),
        // A baseline with a window problem is still the baseline: one problem, not also "no baseline".
        Rejection("  baseline: {week: 0, window_days: 0}", "  baseline: {week: 0, window_days: -1}", "47:36: visit 'baseline' has a negative window of -1 days"),
        Rejection("  week12: {week: 12, window_days: 14}", "  week12: {week: 0, window_days: 14}", "48:18: visits 'baseline' and 'week12' are both at week 0"),
        Rejection("  week12: {week: 12, window_days: 14}", "  week12: {week: 12, window_days: -3}", "48:35: visit 'week12' has a negative window of -3 days"),
        Rejection("  week12: {week: 12, window_days: 14}", "  week12: {week: -12, window_days: 14}", "48:18: visit 'week12' has a negative week -12"),
        // Beyond 100 years, day arithmetic on a week or window could overflow.
        Rejection("  week12: {week: 12, window_days: 14}", "  week12: {week: 1317624576693539402, window_days: 14}",
                  "48:18: visit 'week12' is at week 1317624576693539402; a visit is at most 5218 weeks (100 years) from baseline"),
        Rejection("  week12: {week: 12, window_days: 14}", "  week12: {week: 12, window_days: 36526}",
                  "48:35: visit 'week12' has a window of 36526 days; a window is at most 36525 days (100 years)"),
        Rejection("  baseline: {week: 0, window_days: 0}", "  baseline: {week: 1, window_days: 0}", "47:3: the visit schedule has no baseline visit at week 0"),
        Rejection("  week12: {week: 12, window_days: 14}", "  week12: {week: 12, window_days: 14}\n  week 26: {week: 26, window_days: 14}", "49:3: the visit name 'week 26' may hold only letters, digits, '_' and '-'"),
        Rejection("  week12: {week: 12, window_days: 14}", "  week12: {week: 12, window_days: 14}\n  Week12: {week: 13, window_days: 1}", "49:3: the visit names 'week12' and 'Week12' differ only in letter case, and visit codes match without it"),
        // Expectations.
        Rejection("    pain_nrs: {required: true, type: integer}", "    pain_nrs: {range: [10, 0]}", "51:23: the range 10...0 is empty (min is above max)"),
        Rejection("    pain_nrs: {required: true, type: integer}", "    pain_nrs: {range: {min: 5, max: 1}}", "51:37: the range 5...1 is empty (min is above max)"),
        Rejection("    pain_nrs: {required: true, type: integer}", "    pain_nrs: {range: [0, 5, 10]}", "51:23: a range is written [min, max]; found 3 values"),
        Rejection("    pain_nrs: {required: true, type: integer}", "    pain_nrs: {type: date}", "51:22: 'pain_nrs' is decimal; type 'date' does not apply"),
        Rejection("    site: {allowed: [AMS, UTR]}", "    site: {range: [0, 1]}", "52:19: 'range' applies only to numeric fields; 'site' is text"),
        Rejection("    site: {allowed: [AMS, UTR]}", "    sex: {allowed: [M, V]}", "52:24: 'V' is not a canonical value of 'sex' (expected one of 'M', 'F')"),
        Rejection("    site: {allowed: [AMS, UTR]}", "    arm: {allowed: [graded_activity, yoga]}", "52:38: 'yoga' is not a canonical value of 'arm' (expected one of 'graded_activity', 'mckenzie')"),
        Rejection("    site: {allowed: [AMS, UTR]}", "    site: {allowed: []}", "52:21: 'allowed' for 'site' lists no value; nothing could pass"),
        Rejection("    site: {allowed: [AMS, UTR]}", "    rmdq: {allowed: [1, 01]}", "52:25: '01' is listed twice"),
        Rejection("    site: {allowed: [AMS, UTR]}", "    site: {severity: fatal}", "52:22: unknown severity 'fatal' for 'site' (expected 'error' or 'warning')"),
        Rejection("    onset_after_baseline: {policy: null-field}", "    follow_up_without_baseline: {policy: null-field}", "55:42: rule 'follow_up_without_baseline' concerns a whole row; 'null-field' does not apply"),
        Rejection("    onset_after_baseline: {policy: null-field}", "    onset_after_baseline: {severity: error, policy: null-field}", "55:53: rule 'onset_after_baseline': 'null-field' keeps the row and logs a warning, so it cannot have severity 'error'"),
        Rejection("    onset_after_baseline: {policy: null-field}", "    onset_after_baseline: {policy: reject-row, severity: warning}", "55:36: rule 'onset_after_baseline': 'reject-row' rejects the row, so it cannot have severity 'warning'"),
        Rejection("    onset_after_baseline: {policy: null-field}", "    onset_after_baseline: {policy: drop}", "55:36: unknown value 'drop' for 'expectations.rules.onset_after_baseline.policy' (expected one of 'reject-row', 'null-field')"),
        Rejection("    pain_nrs: {required: true, type: integer}", "    odi: {required: true}", "51:21: 'odi' is required, but no input collects it (map it under 'fields', or leave out 'required')"),
        // The key fields always reject a row without them.
        Rejection("    pain_nrs: {required: true, type: integer}", "    participant_id: {required: false}", "51:32: 'participant_id' is a key field: a row without a usable one is always rejected; 'required: false' does not apply"),
        Rejection("    pain_nrs: {required: true, type: integer}", "    visit: {severity: warning}", "51:23: 'visit' is a key field: a row without a usable one is always rejected; severity 'warning' does not apply"),
        Rejection("    pain_nrs: {required: true, type: integer}", "    visit: {policy: null-field}", "51:21: 'visit' is a key field: a row without a usable one is always rejected; 'null-field' does not apply"),
        // Type errors.
        Rejection("  max_errors: 5", "  max_errors: many", "5:15: 'report.max_errors' must be a whole number, found 'many'"),
        Rejection("      reference: true", "      reference: yes", "35:18: 'vocabularies.arms[0].reference' must be true or false, found 'yes'"),
    ]

    /// A repeated arm id marked as the reference is one problem: no second one that no arm is
    /// marked.
    @Test func aRepeatedReferenceArmIsOneProblem() {
        var text = SpecFixtures.replacing("      reference: true", with: "      reference: false")
        text = SpecFixtures.replacing("    - id: mckenzie", with: "    - id: graded_activity", in: text)
        text = SpecFixtures.replacing("      label: McKenzie", with: "      label: McKenzie\n      reference: true", in: text)
        #expect(SpecFixtures.problems(text) == ["36:11: the arm id 'graded_activity' is declared twice"])
    }

    @Test(arguments: cases)
    func rejects(_ rejection: Rejection) {
        let text = SpecFixtures.replacing(rejection.line, with: rejection.replacement)
        #expect(SpecFixtures.problems(text) == [rejection.expected])
    }

    /// A mapping with a problem of its own is not reported again as missing where a derivation needs it.
    @Test func aFieldMappedWithAProblemIsNotAlsoMissingForADerivation() {
        let text = SpecFixtures.replacing("  age: {derive: from_birth_year}", with: "  age: {derive: from_onset_date}\n"
            + "  onset_date: {column: onset, date_format: d-m-yyyy}\n  age_at_onset: {derive: from_age_and_onset}")
        let problems = SpecFixtures.problems(text)
        #expect(problems.count == 1, "\(problems)")
        #expect(problems.first?.contains("'age' cannot be derived 'from_onset_date'") == true, "\(problems)")
    }

    /// A key written without a value is a problem of its own, said at the key, not a mapping
    /// that reads nothing (which left age out of every row, and its derivations empty).
    @Test(arguments: ["  age: {column: ~}", "  age: {derive: ~}", "  age: {checkbox: ~, option: x}", "  age: ~", "  age: \"\"", "  age: []", "  age: [~]"])
    func aFieldSourceWithoutAValueIsAProblem(line: String) {
        let text = SpecFixtures.replacing("  age: {derive: from_birth_year}", with: line + "\n"
            + "  onset_date: {column: onset, date_format: d-m-yyyy}\n  age_at_onset: {derive: from_age_and_onset}")
        let problems = SpecFixtures.problems(text)
        #expect(problems.count == 1, "\(problems)")
        #expect(problems.first?.hasPrefix("22:") == true, "\(problems)")
    }

    /// A key field mapped without a value is one problem, not also one per input.
    @Test(arguments: ["  participant_id: {column: ~}", "  participant_id: ~"])
    func aKeyFieldWithoutAValueIsOneProblem(line: String) {
        let problems = SpecFixtures.problems(SpecFixtures.replacing("  participant_id: {column: [\"Participant Id\", \"Record Id\"]}", with: line))
        #expect(problems.count == 1, "\(problems)")
    }

    /// A null is the same as leaving the key out: a column beside a null option or checkbox is a
    /// column; an option given beside no checkbox is an error.
    @Test func aNullKeyBesideAColumnIsLeftOut() {
        for line in ["  sex: {column: geslacht, option: ~}", "  sex: {column: geslacht, checkbox: ~}", "  sex: {column: geslacht, derive: }"] {
            #expect(SpecFixtures.problems(SpecFixtures.replacing("  sex: geslacht", with: line)) == [], "\(line)")
        }
        #expect(SpecFixtures.problems(SpecFixtures.replacing("  sex: geslacht", with: "  sex: {column: geslacht, option: x}"))
            == ["19:27: 'option' names a checkbox option; it goes with 'checkbox'"])
        #expect(SpecFixtures.problems(SpecFixtures.replacing("  sex: geslacht", with: "  sex: {column: geslacht, checkbox: ~, option: x}"))
            == ["19:40: 'option' names a checkbox option; it goes with 'checkbox'"])
    }

    /// One input's broken mapping does not hide another input's missing one.
    @Test func aBrokenMappingOfOneInputDoesNotHideAnothersMissingField() {
        var text = SpecFixtures.replacing("  age: {derive: from_birth_year}", with: "  onset_date: {column: onset, date_format: d-m-yyyy}\n"
            + "  age_at_onset: {derive: from_age_and_onset}")
        text = SpecFixtures.replacing("    holds: participants", with: "    holds: participants\n    fields: {age: {colum: leeftijd}}\n"
            + "  - path: data/other*.csv\n    source: castor\n    holds: participants", in: text)
        let problems = SpecFixtures.problems(text)
        #expect(problems.contains { $0.contains("unknown key 'colum'") }, "\(problems)")
        #expect(problems.contains { $0.contains("deriving 'age_at_onset' needs 'age' mapped in 'inputs[1]'") }, "\(problems)")
        #expect(!problems.contains { $0.contains("mapped in 'inputs[0]'") }, "\(problems)")
    }

    /// An unknown `date_format` of a generic input is its one problem: the input's date fields are
    /// not also said to need a date format. Without one, they are.
    @Test(arguments: ["    date_format: dd.mm.yyyy\n", ""])
    func anUnknownInputDateFormatIsTheOneProblem(format: String) throws {
        let visits = "  - path: data/visits.csv\n    source: castor\n"
        #expect(SpecFixtures.valid.contains(visits))
        let text = SpecFixtures.valid.replacingOccurrences(of: visits, with: "  - path: data/visits.csv\n    source: generic\n" + format)
        // The fixture's checkbox field is a problem of any generic input: not the one looked at.
        let problems = SpecFixtures.problems(text).filter { !$0.contains("checkbox") }
        if format.isEmpty {
            #expect(problems == ["21:19: 'screening_date' needs a 'date_format': 'inputs[1]' (data/visits.csv) is a generic export"])
        } else {
            #expect(problems.count == 1 && problems.first?.contains("unknown value 'dd.mm.yyyy' for 'inputs[1].date_format'") == true,
                    "\(problems)")
        }
    }

    /// An input's constant site passes what a site column's value would, and no missing code
    /// may be a site code.
    @Test func constantSitesAndSiteCodesAreChecked() {
        func problems(site: String, allowed: String = "[ZWO, GRO]", code: String = "UNK") -> [String] {
            SpecFixtures.problems("""
                study: {name: Sites}
                inputs:
                  - {path: data/participants.csv, source: castor, holds: participants, site: '\(site)'}
                fields:
                  participant_id: Participant Id
                vocabularies:
                  sites:
                    ZWO: [Zwolle]
                    GRO: [gro]
                missing_codes:
                  codes:
                    - {code: \(code), reason: not done}
                expectations:
                  fields:
                    site: {allowed: \(allowed)}
                """)
        }
        #expect(problems(site: "Zwolle") == [])
        #expect(problems(site: "ZWO") == [])
        #expect(problems(site: "Groningen")
            == ["3:78: the site 'Groningen' of input 'data/participants.csv' is not one of the sites in 'vocabularies.sites'"])
        #expect(problems(site: "Zwolle", allowed: "[GRO]")
            == ["3:78: the site 'ZWO' of input 'data/participants.csv' is not allowed for 'site' (allowed: 'GRO')"])
        #expect(problems(site: "gro", code: "Zwolle")
            == ["12:14: the missing code 'Zwolle' is also a site code; a real answer would be read as missing"])
    }

    @Test func missingArmsVocabularyIsRejectedAtTheArmField() {
        var text = SpecFixtures.valid
        for line in ["  arms:", "    - id: graded_activity", "      label: Graded activity", "      codes: [\"1\", GA]",
                     "      reference: true", "    - id: mckenzie", "      label: McKenzie", "      codes: [\"2\"]"] {
            text = SpecFixtures.replacing(line, with: "#", in: text)
        }
        #expect(SpecFixtures.problems(text) == ["18:8: 'arm' is mapped, but 'vocabularies.arms' declares no arms"])
    }

    /// A visits input needs a schedule with visits: not none, not an empty or a null one.
    static let emptySchedules: [(schedule: String, problem: String)] = [
        ("#", "10:11: input 'data/visits.csv' holds visits, but the pipeline declares no 'visits' schedule"),
        ("visits: {}", "46:9: the visit schedule is empty, but input 'data/visits.csv' holds visits; "
            + "declare each visit with its 'week' and 'window_days'"),
        ("visits: ~", "46:1: the visit schedule is empty, but input 'data/visits.csv' holds visits; "
            + "declare each visit with its 'week' and 'window_days'"),
    ]

    @Test(arguments: emptySchedules.indices)
    func visitInputsNeedAScheduleWithVisits(index: Int) {
        let (schedule, problem) = Self.emptySchedules[index]
        var text = SpecFixtures.replacing("visits:", with: schedule)
        for line in ["  baseline: {week: 0, window_days: 0}", "  week12: {week: 12, window_days: 14}",
                     "  visits:", "    baseline: [Baseline, T0]", "    week12: [Week 12]"] {
            text = SpecFixtures.replacing(line, with: "#", in: text)
        }
        #expect(SpecFixtures.problems(text) == [problem])
    }

    @Test func genericInputsNeedADateFormat() {
        var text = SpecFixtures.replacing("    source: castor", with: "    source: generic")
        text = SpecFixtures.replacing("  rf_night_pain: {checkbox: rode_vlaggen, option: night_pain}", with: "", in: text)
        #expect(SpecFixtures.problems(text) == [
            "21:19: 'screening_date' needs a 'date_format': 'inputs[0]' (data/participants*.csv) is a generic export",
        ])
    }

    @Test func studyIsRequired() {
        var text = SpecFixtures.replacing("study:", with: "#")
        text = SpecFixtures.replacing("  name: Exercise therapy in low back pain", with: "#", in: text)
        text = SpecFixtures.replacing("  description: Which profile responds to which form", with: "#", in: text)
        #expect(SpecFixtures.problems(text) == ["4:1: the top level needs the key 'study'"])
    }

    @Test func everyProblemOfAFileIsReportedAtOnce() {
        var text = SpecFixtures.replacing("  max_errors: 5", with: "  max_errors: -1")
        text = SpecFixtures.replacing("  pain_nrs: nrs", with: "  pain: nrs", in: text)
        text = SpecFixtures.replacing("  week12: {week: 12, window_days: 14}", with: "  week12: {week: 12}", in: text)
        #expect(SpecFixtures.problems(text).map { $0.prefix(6) } == ["5:15: ", "27:3: ", "48:11:"])
    }

    @Test func errorsNameTheFile() {
        let text = SpecFixtures.replacing("  pain_nrs: nrs", with: "  pain: nrs")
        do {
            _ = try PipelineSpec.parse(text, file: "Pipelines/test.yml")
            Issue.record("expected a problem")
        } catch {
            #expect(error.description == "Pipelines/test.yml:27:3: error: unknown canonical field 'pain' in 'fields' (did you mean 'pain_nrs' or 'pain_vas'?)")
        }
    }
}

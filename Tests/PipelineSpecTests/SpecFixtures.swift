import PipelineSpec
import StudyModel
import Testing

/// A complete, valid pipeline file used as the starting point of the loader tests.
enum SpecFixtures {
    static let valid = """
        study:
          name: Exercise therapy in low back pain
          description: Which profile responds to which form
        report:
          max_errors: 5
        inputs:
          - path: data/participants*.csv
            source: castor
            holds: participants
          - path: data/visits.csv
            source: castor
            holds: visits
            fields:
              participant_id: Castor Participant Id
        fields:
          participant_id: {column: ["Participant Id", "Record Id"]}
          site: Site Abbreviation
          arm: Randomization Group
          sex: geslacht
          birth_year: geboortejaar
          screening_date: {column: screening_datum}
          age: {derive: from_birth_year}
          rf_night_pain: {checkbox: rode_vlaggen, option: night_pain}
          duration_weeks: {column: klachtduur, unit: months}
          visit: Repeating data Name Custom
          visit_date: {column: datum, date_format: d-m-yyyy}
          pain_nrs: nrs
        vocabularies:
          sex:
            F: [W]
          arms:
            - id: graded_activity
              label: Graded activity
              codes: ["1", GA]
              reference: true
            - id: mckenzie
              label: McKenzie
              codes: ["2"]
          visits:
            baseline: [Baseline, T0]
            week12: [Week 12]
        missing_codes:
          castor: true
          codes:
            - {code: UNK, reason: asked but unknown}
        visits:
          baseline: {week: 0, window_days: 0}
          week12: {week: 12, window_days: 14}
        expectations:
          fields:
            pain_nrs: {required: true, type: integer}
            site: {allowed: [AMS, UTR]}
          rules:
            visit_outside_window: {severity: error}
            onset_after_baseline: {policy: null-field}
        """

    /// Loads text as `Pipelines/test.yml`; the problems as `line:column: message`.
    static func problems(_ text: String) -> [String] {
        do {
            _ = try PipelineSpec.parse(text, file: "Pipelines/test.yml")
            return []
        } catch {
            return error.diagnostics.map { "\($0.location.line):\($0.location.column ?? 0): \($0.message)" }
        }
    }

    /// The valid file with one line replaced (the first line that matches as a whole).
    static func replacing(_ line: String, with replacement: String, in text: String = valid) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let matching = lines.indices.filter { lines[$0] == line }
        guard let first = matching.first else {
            Issue.record("fixture line '\(line)' not found")
            return text
        }
        var copy = lines
        copy[first] = replacement
        return copy.joined(separator: "\n")
    }
}

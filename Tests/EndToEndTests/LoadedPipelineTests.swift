import Foundation
import PipelineSpec
import StudyModel
import Testing
import TestSupport

@testable import PipelineRunner

/// Loading a pipeline checks every file it names before any data is read, each problem located
/// in the pipeline file.
@Suite struct LoadedPipelineTests {
    /// The sample Castor pipeline written into `folder`, its inputs, rule set and literature
    /// pointed back at the repository, with `change` applied to its text.
    /// The problems of loading the pipeline at `path`; none (and a recorded issue) when it loads.
    static func problems(loading path: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> [Diagnostic] {
        do {
            _ = try LoadedPipeline.load(path)
            Issue.record("expected the pipeline not to load", sourceLocation: sourceLocation)
            return []
        } catch {
            return error.diagnostics
        }
    }

    static func samplePipeline(in folder: TemporaryDirectory, _ change: (String) -> String = { $0 }) throws -> String {
        var text = try String(contentsOfFile: Repository.path("Pipelines/sample-castor.yml"), encoding: .utf8)
        text = text.replacingOccurrences(of: "../SampleData/", with: Repository.path("SampleData") + "/")
        text = text.replacingOccurrences(of: "rules/guideline-2010.yml", with: Repository.path("Pipelines/rules/guideline-2010.yml"))
        return try folder.write(change(text), to: "pipeline.yml")
    }

    @Test func theSamplePipelineLoads() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let loaded = try LoadedPipeline.load(try Self.samplePipeline(in: folder))
        #expect(loaded.files.count == 5)
    }

    /// A field the rule set reads that no input collects is a warning at `profiles.rules`; one
    /// the rules can derive from collected fields is not.
    @Test func aRuleInputNoInputCollectsIsWarned() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let sample = try LoadedPipeline.load(try Self.samplePipeline(in: folder))
        #expect(sample.pipelineWarnings.isEmpty)
        let path = try Self.samplePipeline(in: folder) {
            $0.replacingOccurrences(of: "  cauda_equina: cauda_equina\n", with: "")
                .replacingOccurrences(of: "  age_at_onset: {derive: from_age_and_onset}\n", with: "")
                .replacingOccurrences(of: "  age: leeftijd\n", with: "")
        }
        let warnings = try LoadedPipeline.load(path).unmappedRuleInputs
        // age (from birth year and screening date) and age_at_onset (from age and duration) derive.
        #expect(warnings.map(\.field) == ["cauda_equina"])
        #expect(warnings.allSatisfy { $0.severity == .warning && $0.rule == "profile.input-not-mapped" && $0.location.file == path })
        let rulesLine = try #require(try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            .firstIndex { $0.contains("guideline-2010.yml") }) + 1
        #expect(warnings.first?.location.line == rulesLine)
        #expect(try LoadedPipeline.load(path).reportedPipelineWarnings.map(\.location)
            == [SourceLocation(file: "pipeline.yml", line: rulesLine, column: warnings.first?.location.column ?? 0)])

        // issues.csv names the pipeline as every report does: the same from any working folder.
        let fromInside = SamplePipelineTests.inDirectory(folder.path) {
            Validation.run(pipeline: "pipeline.yml", outputFolder: folder.file("inside")).exitCode
        }
        let fromOutside = SamplePipelineTests.inDirectory(Repository.root) {
            Validation.run(pipeline: path, outputFolder: folder.file("outside")).exitCode
        }
        #expect(fromInside == fromOutside)
        let issues = try String(contentsOfFile: folder.file("inside/issues.csv"), encoding: .utf8)
        #expect(issues.contains("\npipeline.yml,\(rulesLine),"))
        #expect(try String(contentsOfFile: folder.file("outside/issues.csv"), encoding: .utf8) == issues)
    }

    /// An outcome whose field no input collects is missing for everyone: `check`, `validate` and
    /// `run` say so at the `analysis:` key.
    @Test func anOutcomeNoInputCollectsIsWarned() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = try Self.samplePipeline(in: folder) { $0.replacingOccurrences(of: "  odi: odi_totaal\n", with: "") }
        let warnings = try LoadedPipeline.load(path).pipelineWarnings
        #expect(warnings.map(\.rule) == ["analysis.outcome-not-collected"])
        #expect(warnings.first?.field == "odi")
        let analysisLine = try #require(try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\n")
            .firstIndex(of: "analysis:")) + 1
        #expect(warnings.map(\.location) == [SourceLocation(file: path, line: analysisLine, column: 1)])
        #expect(Validation.run(pipeline: path, outputFolder: folder.file("out")).exitCode == 0)
        let issues = try String(contentsOfFile: folder.file("out/issues.csv"), encoding: .utf8)
        #expect(issues.contains("\npipeline.yml,\(analysisLine),1,,,odi,,analysis.outcome-not-collected,warning,"), "\(issues.prefix(400))")
    }

    /// A visit field mapped for all inputs is collected only where an input holds visits: with
    /// participants inputs only (the sample without its visits export), every outcome is warned
    /// about.
    @Test func anOutcomeMappedWithoutAVisitsInputIsWarned() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let visitsInput = "  - path: \(Repository.path("SampleData"))/castor/visits.csv\n    source: castor\n    holds: visits\n"
        let path = try Self.samplePipeline(in: folder) { $0.replacingOccurrences(of: visitsInput, with: "") }
        let loaded = try LoadedPipeline.load(path)
        #expect(loaded.spec.inputs.allSatisfy { $0.holds == .participants })
        #expect(loaded.uncollectedOutcomes.map(\.field) == ["rmdq", "pain_nrs", "odi", "gpe"])
    }

    /// Without `evidence.study` the trial's comparisons are in no evidence table: `check`,
    /// `validate` and `run` say so with a warning, which the sample pipeline does not get.
    @Test func aPipelineWithoutTheTrialsDesignIsWarned() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        #expect(try LoadedPipeline.load(try Self.samplePipeline(in: folder)).pipelineWarnings.isEmpty)
        let path = try Self.samplePipeline(in: folder) { text in
            var lines = text.components(separatedBy: "\n")
            let start = lines.firstIndex(of: "  study:") ?? lines.count
            lines.removeSubrange(start..<min(start + 8, lines.count))
            return lines.joined(separator: "\n")
        }
        let warnings = try LoadedPipeline.load(path).pipelineWarnings
        #expect(warnings.map(\.rule) == ["evidence.no-study"])
        // At the `evidence:` key.
        let evidenceLine = try #require(try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\n")
            .firstIndex(of: "evidence:")) + 1
        #expect(warnings.map(\.location) == [SourceLocation(file: path, line: evidenceLine, column: 1)])
        // check says it; validate and run write it into issues.csv.
        #expect(Validation.check(pipeline: path).problems.contains { $0.contains("evidence.no-study") || $0.contains("no 'evidence.study'") })
        #expect(Validation.run(pipeline: path, outputFolder: folder.file("out")).exitCode == 0)
        let issues = try String(contentsOfFile: folder.file("out/issues.csv"), encoding: .utf8)
        #expect(issues.contains("\npipeline.yml,\(evidenceLine),1,,,,,evidence.no-study,warning,"), "\(issues.prefix(400))")
        #expect(Run.run(pipeline: path, outputFolder: folder.file("run")).exitCode == 0)
        #expect(try String(contentsOfFile: folder.file("run/issues.csv"), encoding: .utf8).contains(",evidence.no-study,warning,"))
    }

    @Test func aMissingLiteratureFileIsLocated() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = try Self.samplePipeline(in: folder) {
            $0.replacingOccurrences(of: "werkhervatting_studies.csv", with: "no_such_studies.csv")
                .replacingOccurrences(of: "werkhervatting_conclusions.csv", with: "no_such_conclusions.csv")
        }
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let studiesLine = try #require(lines.firstIndex { $0.contains("no_such_studies.csv") }) + 1
        let evidence = Repository.path("SampleData") + "/evidence"
        #expect(Self.problems(loading: path).map(\.description) == [
            "\(path):\(studiesLine):14: error: the literature studies file '\(evidence)/no_such_studies.csv' does not exist",
            "\(path):\(studiesLine + 1):18: error: the literature conclusions file '\(evidence)/no_such_conclusions.csv' does not exist",
        ])
    }

    /// A missing rule set is named as the pipeline file writes it, as inputs are, not as a path
    /// from wherever the tool was started.
    @Test func aMissingRuleSetIsNamedAsThePipelineWritesIt() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = try Self.samplePipeline(in: folder) {
            $0.replacingOccurrences(of: Repository.path("Pipelines/rules/guideline-2010.yml"), with: "rules/nope.yml")
        }
        #expect(Self.problems(loading: path).map(\.message) == ["the rule-set file 'rules/nope.yml' does not exist"])
    }

    /// `profiles.thresholds` reach the rule set the run assigns with, and a name the rule set
    /// does not have stops loading at that name.
    @Test func thresholdsInThePipelineFileSetTheRuleSetsCounts() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let rules = "  rules: " + Repository.path("Pipelines/rules/guideline-2010.yml") + "\n"
        let lowered = try Self.samplePipeline(in: folder) {
            $0.replacingOccurrences(of: rules, with: rules + "  thresholds: {malignancy: 2}\n")
        }
        let loaded = try LoadedPipeline.load(lowered)
        #expect(loaded.ruleSet.identity == "guideline-2010 1.0 with malignancy at least 2")
        let unknown = try Self.samplePipeline(in: folder) {
            $0.replacingOccurrences(of: rules, with: rules + "  thresholds: {malignancy: 2, red_flags: 3}\n")
        }
        let problems = Self.problems(loading: unknown)
        #expect(problems.map(\.rule) == ["spec.threshold"])
        #expect(problems.first?.location.line == 1 + (try String(contentsOfFile: unknown, encoding: .utf8))
            .split(separator: "\n", omittingEmptySubsequences: false).prefix { !$0.hasPrefix("  thresholds:") }.count)
        #expect(problems.first?.message.hasPrefix("the rule set 'guideline-2010 1.0' has no 'at_least' rule named 'red_flags'") == true)
    }

    /// A pipeline without a reference arm (no arms at all here) cannot run, and `check` says so
    /// as the run does, rather than calling it valid.
    @Test func checkRefusesWhatRunRefusesForWantOfAReferenceArm() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        _ = try folder.write("id,site\nP1,A\n", to: "participants.csv")
        _ = try folder.write("id,visit,date,nrs\nP1,baseline,2024-01-02,5\n", to: "visits.csv")
        let pipeline = try folder.write("""
            study: {name: No arms}
            inputs:
              - {path: participants.csv, source: generic, holds: participants}
              - {path: visits.csv, source: generic, holds: visits}
            fields:
              participant_id: id
              site: site
              visit: visit
              visit_date: {column: date, date_format: yyyy-mm-dd}
              pain_nrs: nrs
            visits:
              baseline: {week: 0, window_days: 1}
            profiles:
              rules: \(Repository.path("Pipelines/rules/guideline-2010.yml"))

            """, to: "pipeline.yml")
        let expected = "\(pipeline): error: the analysis needs a reference arm: declare the arms under 'vocabularies.arms' "
            + "and mark one 'reference: true'"
        let checked = Validation.check(pipeline: pipeline)
        #expect(checked.exitCode == 2)
        #expect(checked.problems == [expected])
        #expect(Run.run(pipeline: pipeline, outputFolder: folder.file("reports")).problems == [expected])
    }

    /// The default rule set, which the pipeline does not name, is named where it was looked for.
    @Test func aMissingDefaultRuleSetIsNamedWhereItWasLookedFor() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = try Self.samplePipeline(in: folder) {
            $0.replacingOccurrences(of: "  rules: " + Repository.path("Pipelines/rules/guideline-2010.yml") + "\n", with: "")
        }
        #expect(Self.problems(loading: path).map(\.message) == ["the rule-set file '\(folder.path)/rules/guideline-2010.yml' "
            + "(the default when 'profiles.rules' is not given) does not exist"])
    }

    /// A missing input and a rule set that is a folder are said together, each at its place.
    @Test func everyMissingFileIsSaidAtOnce() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let rules = Repository.path("Pipelines/rules")
        let path = try Self.samplePipeline(in: folder) {
            $0.replacingOccurrences(of: "castor/visits.csv", with: "castor/no_visits.csv")
                .replacingOccurrences(of: rules + "/guideline-2010.yml", with: rules)
        }
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let inputLine = try #require(lines.firstIndex { $0.contains("no_visits.csv") }) + 1
        let rulesLine = try #require(lines.firstIndex { $0.hasSuffix("rules: " + rules) }) + 1
        #expect(Self.problems(loading: path).map(\.description) == [
            "\(path):\(inputLine):11: error: the input file '\(Repository.path("SampleData"))/castor/no_visits.csv' does not exist",
            "\(path):\(rulesLine):10: error: the rule-set file '\(rules)' is a folder",
        ])
    }

    @Test func poolWithNamesComparisonsOfTheTrial() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let chosen = "rmdq/all/motor_control-vs-general_exercise/week12"
        let path = try Self.samplePipeline(in: folder) {
            $0.replacingOccurrences(of: "evidence:\n", with: "evidence:\n  pool_with: [\(chosen)]\n")
                .replacingOccurrences(of: "  reference_arm: general_exercise\n",
                                      with: "  reference_arm: general_exercise\n  confidence_level: 0.9\n")
        }
        let loaded = try LoadedPipeline.load(path)
        #expect(loaded.spec.evidence.poolWith.map(\.id) == [chosen])
        #expect(loaded.poolableComparisons.contains(chosen))
        let plan = try #require(loaded.spec.effectiveAnalysis)
        let settings = EvidenceInputs.settings(loaded.spec.evidence, plan: plan)
        #expect(settings.pooling.ownComparisons == [chosen])
        // Pooled, as every evidence interval, at 95 % (the pooled row says "95 % CI"), whatever
        // the run's own level.
        #expect(plan.confidenceLevel == 0.9)
        #expect(settings.pooling.level == 0.95)
    }

    /// GRADE's decision thresholds: the declared ones, else minus an outcome's responder points
    /// (benefit side only), and none for a relative rule or a success rating (README).
    @Test func decisionThresholdsDefaultToMinusTheResponderPoints() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = try Self.samplePipeline(in: folder) {
            $0.replacingOccurrences(of: "evidence:\n", with: "evidence:\n  decision_thresholds: {odi: [-8, 8]}\n")
                .replacingOccurrences(of: "responder: {rule: either, points: 2, percent: 30}", with: "responder: {rule: relative, percent: 30}")
        }
        let loaded = try LoadedPipeline.load(path)
        let settings = EvidenceInputs.settings(loaded.spec.evidence, plan: try #require(loaded.spec.effectiveAnalysis))
        #expect(settings.decisionThresholds.map { "\($0.outcome) \($0.values)" } == ["rmdq [-5.0]", "odi [-8.0, 8.0]"])
    }

    /// manifest.json records the evidence settings that change the grades: the trial's design,
    /// the decision thresholds in force (defaults included), declarations and pooled comparisons.
    @Test func theManifestRecordsTheEvidenceSettings() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = try Self.samplePipeline(in: folder) {
            $0.replacingOccurrences(of: "evidence:\n", with: "evidence:\n  decision_thresholds: {odi: [-8, 8], pain_nrs: []}\n"
                + "  declarations:\n    odi: {indirectness: {levels: 1, reason: 'a; b''s'}}\n")
                .replacingOccurrences(of: "double_blind: false", with: "double_blind: true")
        }
        #expect(Run.run(pipeline: path, outputFolder: folder.file("out")).exitCode == 0)
        let data = try #require(FileManager.default.contents(atPath: folder.file("out/manifest.json")))
        let manifest = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let settings = try #require(manifest["settings"] as? [String: String])
        #expect(settings["decision_thresholds"] == "rmdq: -5; pain_nrs: none; odi: -8, 8")
        #expect(settings["evidence_study"]?.contains(", randomised, double-blind, allocation concealed, planned size ") == true,
                "\(settings)")
        // A quote inside the reason is written twice, so the quoted reason ends where it seems to.
        #expect(settings["grade_declarations"] == "odi: indirectness 1 ('a; b''s')")
        #expect(settings["pool_with"] == "none")
        // Categories as the pipeline writes them, as summary.txt and the tables do.
        #expect(settings["success_gpe_success"] == "1, 2")
    }

    /// A small-cell threshold of 1 suppresses nothing, and summary.txt says so; zeros are never
    /// suppressed, so a threshold of 5 hides the counts 1 to 4.
    @Test(arguments: [(1, "none suppressed in publication tables (threshold 1)"),
                      (5, "counts of 1 to 4 suppressed in publication tables")])
    func theSummaryStatesWhichCountsAreSuppressed(threshold: Int, statement: String) throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = try Self.samplePipeline(in: folder) {
            $0.replacingOccurrences(of: "small_cell_threshold: 5", with: "small_cell_threshold: \(threshold)")
        }
        #expect(Run.run(pipeline: path, outputFolder: folder.file("out")).exitCode == 0)
        let summary = try String(contentsOfFile: folder.file("out/summary.txt"), encoding: .utf8)
        #expect(summary.split(separator: "\n").contains { $0.hasPrefix("Small cells:") && $0.hasSuffix(statement) })
    }

    @Test func poolWithRejectsAComparisonTheTrialDoesNotMake() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        // The reference arm against itself, a visit the analysis does not have, a repeat, and an
        // unknown key elsewhere: the pipeline file alone tells them, and says them together.
        let (path, line) = try Self.samplePipeline(in: folder, poolWith: [
            "rmdq/all/general_exercise-vs-general_exercise/week12", "rmdq/3a/motor_control-vs-general_exercise/week52",
            "rmdq/all/motor_control-vs-general_exercise/week6", "rmdq/all/motor_control-vs-general_exercise/week6",
        ], then: "  colour: blue\n")
        #expect(Self.problems(loading: path).map { "\($0.location.line):\($0.location.column ?? 0) \($0.rule)" }.sorted()
            == ["\(line + 3):7 spec.duplicate", "\(line + 4):3 spec.unknown-key", "\(line):7 spec.pool-with", "\(line + 1):7 spec.pool-with"].sorted())
    }

    /// With no other problem in the file, every entry is checked at once, the profile too, and
    /// an entry listed again is said once, as a repeat.
    @Test func poolWithProblemsAreSaidInOneRound() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let (path, line) = try Self.samplePipeline(in: folder, poolWith: [
            "rmdq/all/general_exercise-vs-general_exercise/week12", "rmdq/1/motor_control-vs-general_exercise/week6",
            "rmdq/all/motor_control-vs-general_exercise/week52", "rmdq/all/motor_control-vs-general_exercise/week52",
        ])
        #expect(Self.problems(loading: path).map { "\($0.location.line) \($0.rule)" }
            == ["\(line) spec.pool-with", "\(line + 1) spec.pool-with", "\(line + 2) spec.pool-with", "\(line + 3) spec.duplicate"])
    }

    /// The sample pipeline with `entries` under `evidence.pool_with` (and `then` after them),
    /// written into `folder`: its path, and the line of the first entry (from 1).
    static func samplePipeline(in folder: TemporaryDirectory, poolWith entries: [String],
                               then extra: String = "") throws -> (path: String, firstEntryLine: Int) {
        let listed = entries.map { "    - \($0)\n" }.joined()
        let path = try samplePipeline(in: folder) {
            $0.replacingOccurrences(of: "evidence:\n", with: "evidence:\n  pool_with:\n" + listed + extra)
        }
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let first = try #require(lines.firstIndex { $0 == "    - \(entries[0])" })
        return (path, first + 1)
    }

    /// Beside a problem found after the file loads (a missing rule set), or beside one in the
    /// file, an entry naming a visit that is not analysed is said too; a visit is excused only
    /// when its own declaration has the problem.
    @Test func poolWithIsSaidBesideOtherProblems() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let entry = "    - rmdq/all/motor_control-vs-general_exercise/baseline\n"
        let missingRules = try Self.samplePipeline(in: folder) {
            $0.replacingOccurrences(of: "evidence:\n", with: "evidence:\n  pool_with:\n" + entry)
                .replacingOccurrences(of: Repository.path("Pipelines/rules/guideline-2010.yml"), with: "rules/nope.yml")
        }
        #expect(Self.problems(loading: missingRules).map(\.rule).sorted() == ["spec.file", "spec.pool-with"])
        let unknownField = try Self.samplePipeline(in: folder) {
            $0.replacingOccurrences(of: "evidence:\n", with: "evidence:\n  pool_with:\n" + entry)
                .replacingOccurrences(of: "fields:\n", with: "fields:\n  agee: leeftijd\n")
        }
        #expect(Self.problems(loading: unknownField).map(\.rule).sorted() == ["spec.pool-with", "spec.unknown-field"])
    }

    /// Profile 1 is referred, not randomised: only the rule set tells, once the file loads.
    @Test func poolWithRejectsAProfileTheTrialDoesNotRandomise() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let (path, line) = try Self.samplePipeline(in: folder, poolWith: ["rmdq/1/motor_control-vs-general_exercise/week6"])
        #expect(Self.problems(loading: path).map { "\($0.location.line):\($0.location.column ?? 0) \($0.message)" }
            == ["\(line):7 'rmdq/1/motor_control-vs-general_exercise/week6' in 'pool_with' is none of the trial's comparisons; "
                + "they are named outcome/profile/arm-vs-reference/visit, e.g. 'rmdq/all/motor_control-vs-general_exercise/week6'"])
    }
}

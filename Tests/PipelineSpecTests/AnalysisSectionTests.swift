import PipelineSpec
import StudyModel
import Testing

/// The `profiles:`, `analysis:`, `evidence:` and `publication:` sections.
@Suite struct AnalysisSectionTests {
    /// Lines of the valid fixture; appended sections start on the next line.
    static let baseLines = SpecFixtures.valid.split(separator: "\n", omittingEmptySubsequences: false).count

    static let sections = """

        profiles:
          rules: rules/startback.yml
        analysis:
          reference_arm: mckenzie
          timepoints: [week12]
          outcomes:
            - {field: pain_nrs, label: Pain, responder: {rule: absolute, points: 2}}
            - {field: pain_nrs, name: pain_relative, label: Pain 50 %, responder: {rule: relative, percent: 50}}
          interaction: prespecified
          confidence_level: 0.90
        evidence:
          variant: B
          study: {year: 2026, type: RCT, inclusion: adults, randomised: true, double_blind: false, allocation_concealed: true, planned_size: 300}
          decision_thresholds: {pain_nrs: [-2]}
          declarations:
            pain_nrs: {indirectness: {levels: 1, reason: 'surrogate population'}}
          literature: {studies: lit/studies.csv, conclusions: lit/conclusions.csv}
        publication:
          small_cell_threshold: 11
        """

    /// Problems of the valid file plus `sections` with one line replaced.
    static func problems(replacing line: String, with replacement: String) -> [String] {
        SpecFixtures.problems(SpecFixtures.replacing(line, with: replacement, in: SpecFixtures.valid + sections))
    }

    /// `profiles.thresholds` in the order written, each located at its name and its count; the
    /// names are checked against the rule set when the runner loads it.
    @Test func readsProfileThresholds() throws {
        let text = SpecFixtures.replacing("  rules: rules/startback.yml",
                                          with: "  rules: rules/startback.yml\n  thresholds: {malignancy: 2, anything: 3}",
                                          in: SpecFixtures.valid + Self.sections)
        let spec = try PipelineSpec.parse(text, file: "Pipelines/test.yml")
        let line = Self.baseLines + 3
        #expect(spec.profileRules.thresholds == [
            .init(rule: "malignancy", atLeast: 2, ruleLocation: SourceLocation(file: "Pipelines/test.yml", line: line, column: 16),
                  countLocation: SourceLocation(file: "Pipelines/test.yml", line: line, column: 28)),
            .init(rule: "anything", atLeast: 3, ruleLocation: SourceLocation(file: "Pipelines/test.yml", line: line, column: 31),
                  countLocation: SourceLocation(file: "Pipelines/test.yml", line: line, column: 41)),
        ])
        #expect(try PipelineSpec.parse(SpecFixtures.valid + Self.sections, file: "Pipelines/test.yml").profileRules.thresholds.isEmpty)
    }

    @Test func readsEverySection() throws {
        let spec = try PipelineSpec.parse(SpecFixtures.valid + Self.sections, file: "Pipelines/test.yml")
        #expect(spec.profileRules.rules == "rules/startback.yml")
        let plan = try #require(spec.effectiveAnalysis)
        #expect(plan.referenceArm == "mckenzie")
        #expect(plan.timepoints == ["week12"])
        #expect(plan.outcomes.map(\.name) == ["pain_nrs", "pain_relative"])
        #expect(plan.outcomes[1].kind == .continuous(responder: ResponderRule(kind: .relative, relative: 0.5)))
        #expect(plan.interactionPrespecified)
        #expect(plan.confidenceLevel == 0.90)
        #expect(spec.evidence.variant == "B")
        #expect(spec.evidence.design?.plannedSize == 300)
        #expect(spec.evidence.decisionThresholds["pain_nrs"] == [-2])
        #expect(spec.evidence.declarations["pain_nrs"]?.indirectness == EvidenceSpec.Declaration(levels: 1, reason: "surrogate population"))
        #expect(spec.evidence.literatureStudies == "lit/studies.csv")
        #expect(spec.publication.smallCellThreshold == 11)
    }

    /// Without a visit schedule there is no follow-up to analyse: no default visits are made up.
    @Test func noScheduleMeansNoTimepoints() throws {
        let text = """
            study: {name: Screening only, description: No visits}
            inputs:
              - {path: participants.csv, source: castor, holds: participants}
            fields:
              participant_id: Participant Id
              arm: Group
            vocabularies:
              arms:
                - {id: a, codes: ["1"], reference: true}
                - {id: b, codes: ["2"]}

            """
        let plan = try #require(try PipelineSpec.parse(text, file: "Pipelines/test.yml").effectiveAnalysis)
        #expect(plan.timepoints == [])
        #expect(plan.referenceArm == "a")
    }

    @Test func defaultsWithoutTheSections() throws {
        let spec = try PipelineSpec.parse(SpecFixtures.valid, file: "Pipelines/test.yml")
        #expect(spec.profileRules.rules == "rules/guideline-2010.yml")
        let plan = try #require(spec.effectiveAnalysis)
        #expect(plan.referenceArm == "graded_activity")
        #expect(plan.timepoints == ["week12"])
        // Of the default outcomes, only those some input collects (the fixture maps pain NRS alone).
        #expect(plan.outcomes.map(\.name) == ["pain_nrs"])
        #expect(plan.baseline == "baseline")
        #expect(!plan.interactionPrespecified)
        let allMapped = SpecFixtures.replacing("  pain_nrs: nrs", with: "  pain_nrs: nrs\n  rmdq: rmdq\n  odi: odi\n  gpe: gpe")
        let full = try #require(try PipelineSpec.parse(allMapped, file: "Pipelines/test.yml").effectiveAnalysis)
        #expect(full.outcomes.map(\.name) == ["rmdq", "pain_nrs", "odi", "gpe_success"])
        #expect(spec.evidence.variant == "A")
        #expect(spec.publication.smallCellThreshold == 5)
    }

    /// An `analysis:` section that lists no outcomes takes the defaults some input collects, as
    /// no section does: not a pain_nrs that every participant would miss.
    @Test func anAnalysisWithoutOutcomesTakesTheCollectedDefaults() throws {
        let rmdqOnly = SpecFixtures.replacing("  pain_nrs: nrs", with: "  rmdq: rmdq", in: SpecFixtures.replacing(
            "    pain_nrs: {required: true, type: integer}", with: "    rmdq: {required: true}")) + "\nanalysis:\n  timepoints: [week12]\n"
        let plan = try #require(try PipelineSpec.parse(rmdqOnly, file: "Pipelines/test.yml").effectiveAnalysis)
        #expect(plan.outcomes.map(\.name) == ["rmdq"])
        #expect(plan.timepoints == ["week12"])
    }

    /// (line to replace, replacement, line offset after the valid fixture, column, message prefix)
    /// The sections' two outcome lines, which many cases replace.
    static let firstOutcome = "    - {field: pain_nrs, label: Pain, responder: {rule: absolute, points: 2}}"
    static let secondOutcome = "    - {field: pain_nrs, name: pain_relative, label: Pain 50 %, responder: {rule: relative, percent: 50}}"

    static let rejections: [(String, String, Int, Int, String)] = [
        ("  reference_arm: mckenzie", "  reference_arm: pilates", 4, 18, "unknown arm 'pilates' for 'analysis.reference_arm'"),
        ("  timepoints: [week12]", "  timepoints: [week52]", 5, 16, "unknown visit 'week52' in 'analysis.timepoints'"),
        ("  timepoints: [week12]", "  timepoints: [week12, week12]", 5, 24, "'analysis.timepoints' names the visit 'week12' twice"),
        (secondOutcome, "    - {field: pain_nrs, name: pain_nrs, label: Pain 50 %, responder: {rule: relative, percent: 50}}", 8, 31,
         "the outcome name 'pain_nrs' is already used by 'analysis.outcomes[0]'; give one of them another 'name:'"),
        (secondOutcome, "    - {field: pain_nrs, name: Pain_NRS, label: Pain 50 %, responder: {rule: relative, percent: 50}}", 8, 31,
         "the outcome 'Pain_NRS' at visit 'week12' and the outcome 'pain_nrs' at visit 'week12' would share one report file, "
            + "forest-Pain_NRS-week12.svg and forest-pain_nrs-week12.svg being one file where letter case is ignored"),
        ("  timepoints: [week12]", "  timepoints: [baseline]", 5, 16, "'analysis.timepoints' lists follow-up visits; 'baseline' is the baseline"),
        (firstOutcome, "    - {field: remark, label: Remark}", 7, 15, "'remark' is not a numeric visit field"),
        (firstOutcome, "    - {field: pain_nrs, label: Pain, responder: {rule: either, points: 2}}", 7, 49, "an 'either' responder rule needs 'points' and 'percent'"),
        (firstOutcome, "    - {field: pain_nrs, label: Pain, responder: {rule: absolute, points: 2}, success: [1]}", 7, 7, "an outcome takes 'responder' (a score) or 'success' (a rating), not both"),
        (firstOutcome, "    - {field: pain_nrs, label: Pain, responder: {rule: absolute, points: 2, percent: 30}}", 7, 86, "an absolute responder rule does not use 'percent'"),
        (secondOutcome, "    - {field: pain_nrs, name: pain_relative, label: Pain 50 %, responder: {rule: relative, percent: 50, points: 1}}", 8, 113, "a relative responder rule does not use 'points'"),
        (secondOutcome, "    - {field: gpe, name: gpe_success, label: GPE, success: [1, 8]}", 8, 64, "the success category 8 lies outside the range of 'gpe' (1-7)"),
        (secondOutcome, "    - {field: gpe, name: gpe_success, label: GPE, success: [1, 1]}", 8, 64, "the success category 1 is listed twice"),
        (secondOutcome, "    - {field: gpe, name: gpe_success, label: GPE, success: [1.5]}", 8, 61,
         "the success category 1.5 is not a whole number, which 'gpe' always is"),
        (secondOutcome, "    - {field: pain_nrs, name: pain_relative, label: \"Pain\\n50 %\", responder: {rule: relative, percent: 50}}", 8, 53,
         "'analysis.outcomes[1].label' must be one line; it holds a line break"),
        ("  interaction: prespecified", "  interaction: confirmatory", 9, 16, "unknown value 'confirmatory' for 'analysis.interaction'"),
        ("  confidence_level: 0.90", "  confidence_level: 1.5", 10, 21, "'analysis.confidence_level' must lie strictly between 0 and 1"),
        ("  rules: rules/startback.yml", "  rules: rules/startback.yml\n  colour: blue", 3, 3, "unknown key 'colour' in 'profiles'"),
        ("  rules: rules/startback.yml", "  rules: rules/startback.yml\n  thresholds: {malignancy: 0}", 3, 28,
         "'profiles.thresholds.malignancy' must be 1 or more, found 0"),
        ("  rules: rules/startback.yml", "  rules: rules/startback.yml\n  thresholds: {malignancy: two}", 3, 28,
         "'profiles.thresholds.malignancy' must be"),
        ("  variant: B", "  variant: C", 12, 12, "unknown EBRO variant 'C'"),
        ("  study: {year: 2026, type: RCT, inclusion: adults, randomised: true, double_blind: false, allocation_concealed: true, planned_size: 300}",
         "  study: {year: 2026, type: \"RC\\nT\", inclusion: adults, randomised: true, double_blind: false, allocation_concealed: true, planned_size: 300}",
         13, 29, "'evidence.study.type' must be one line; it holds a line break"),
        ("    pain_nrs: {indirectness: {levels: 1, reason: 'surrogate population'}}", "    pain_nrs: {indirectness: {levels: 3, reason: x}}", 16, 39, "'levels' must be 0, 1 or 2, found 3"),
        ("  study: {year: 2026, type: RCT, inclusion: adults, randomised: true, double_blind: false, allocation_concealed: true, planned_size: 300}",
         "  study: {year: 2026, type: RCT, inclusion: adults, randomised: true, double_blind: false, allocation_concealed: true, planned_size: 4611686018427387904}",
         13, 134, "'planned_size' must lie between 1 and 100000000, found 4611686018427387904"),
        ("  small_cell_threshold: 11", "  small_cell_threshold: 0", 19, 25, "'publication.small_cell_threshold' must be 1 or more, found 0"),
        ("  small_cell_threshold: 11", "  small_cell_threshold: 2", 19, 25, "'publication.small_cell_threshold' of 2 would print every 1 as '<2'"),
        (secondOutcome, "    - {field: pain_nrs, name: '', label: Pain 50 %, responder: {rule: relative, percent: 50}}", 8, 31,
         "'analysis.outcomes[1].name' must not be empty"),
        (secondOutcome, "    - {field: pain_nrs, name: pain/50, label: Pain 50 %, responder: {rule: relative, percent: 50}}", 8, 31,
         "the outcome name 'pain/50' may hold only letters, digits, '_' and '-'"),
        (firstOutcome, "    - {field: pain_nrs, label: ' ', responder: {rule: absolute, points: 2}}", 7, 32,
         "'analysis.outcomes[0].label' must not be empty"),
        // A value written but unreadable is one problem, not also a missing one.
        (firstOutcome, "    - {field: pain_nrs, label: Pain, responder: {rule: absolute, points: five}}", 7, 74,
         "'analysis.outcomes[0].responder.points' must be a number"),
        (secondOutcome, "    - {field: gpe, name: gpe_ok, label: GPE, success: [a]}", 8, 56,
         "'analysis.outcomes[1].success[0]' must be a number"),
        // A misspelt outcome under `evidence` would leave its grade as if nothing were declared.
        ("  decision_thresholds: {pain_nrs: [-2]}", "  decision_thresholds: {pain_nsr: [-2]}", 14, 25,
         "'pain_nsr' in 'evidence.decision_thresholds' is not an outcome of the analysis (expected one of 'pain_nrs', 'pain_relative')"),
        ("    pain_nrs: {indirectness: {levels: 1, reason: 'surrogate population'}}", "    rmdq: {indirectness: {levels: 1, reason: x}}", 16, 5,
         "'rmdq' in 'evidence.declarations' is not an outcome of the analysis"),
        // Printed in the evidence table and beside a rating: blank says nothing.
        ("    pain_nrs: {indirectness: {levels: 1, reason: 'surrogate population'}}", "    pain_nrs: {indirectness: {levels: 1, reason: ''}}", 16, 50,
         "'evidence.declarations.pain_nrs.indirectness.reason' must not be empty"),
        ("  study: {year: 2026, type: RCT, inclusion: adults, randomised: true, double_blind: false, allocation_concealed: true, planned_size: 300}",
         "  study: {year: 2026, type: ' ', inclusion: adults, randomised: true, double_blind: false, allocation_concealed: true, planned_size: 300}", 13, 29,
         "'evidence.study.type' must not be empty"),
    ]

    /// A null is the same as leaving the key out: a responder beside a null success is a responder.
    @Test func aNullSuccessOrResponderIsLeftOut() {
        #expect(Self.problems(replacing: Self.firstOutcome,
                              with: "    - {field: pain_nrs, label: Pain, responder: {rule: absolute, points: 2}, success: }") == [])
        #expect(Self.problems(replacing: Self.secondOutcome,
                              with: "    - {field: gpe, label: GPE, success: [6, 7], responder: ~}") == [])
    }

    /// An outcome without a label is labelled by its name, which tells two outcomes of one field
    /// apart.
    @Test func anOutcomeIsLabelledByItsName() throws {
        let text = SpecFixtures.replacing(Self.secondOutcome, with: "    - {field: pain_nrs, name: pain_relative, responder: {rule: relative, percent: 50}}",
                                          in: SpecFixtures.valid + Self.sections)
        let plan = try #require(try PipelineSpec.parse(text, file: "Pipelines/test.yml").effectiveAnalysis)
        #expect(plan.outcomes.map(\.label) == ["Pain", "pain_relative"])
    }

    /// A visit declared with a problem of its own is not also an unknown visit where the analysis names it.
    @Test func aDeclaredVisitWithAProblemIsReportedOnce() {
        #expect(Self.problems(replacing: "  week12: {week: 12, window_days: 14}", with: "  week12: {week: 12}")
            == ["48:11: visit 'week12' has no 'window_days'; every visit needs a window"])
        #expect(Self.problems(replacing: "  week12: {week: 12, window_days: 14}", with: "  week12:")
            == ["48:10: 'visits.week12' must be a mapping of keys to values, found nothing"])
    }

    /// A problem elsewhere in the analysis does not hold back a misspelt evidence outcome.
    @Test func aMisspeltEvidenceOutcomeIsSaidBesideOtherAnalysisProblems() {
        var text = SpecFixtures.replacing("  confidence_level: 0.90", with: "  confidence_level: 2", in: SpecFixtures.valid + Self.sections)
        text = SpecFixtures.replacing("  decision_thresholds: {pain_nrs: [-2]}", with: "  decision_thresholds: {pain_nsr: [-2]}", in: text)
        let problems = SpecFixtures.problems(text)
        #expect(problems.count == 2, "\(problems)")
        #expect(problems.contains { $0.contains("'pain_nsr' in 'evidence.decision_thresholds' is not an outcome") })
    }

    /// `analysis.reference_arm` stands in for an arm marked `reference: true`; without either,
    /// the one problem is the analysis's.
    @Test func theReferenceArmMayBeNamedByTheAnalysisAlone() throws {
        let unmarked = SpecFixtures.replacing("      reference: true", with: "      reference: false", in: SpecFixtures.valid + Self.sections)
        let plan = try #require(try PipelineSpec.parse(unmarked, file: "Pipelines/test.yml").effectiveAnalysis)
        #expect(plan.referenceArm == "mckenzie")
        // An analysis section written but empty is no analysis section.
        let empty = unmarked.components(separatedBy: "\nanalysis:\n").first.map { $0 + "\nanalysis:\n" } ?? ""
        #expect(SpecFixtures.problems(empty) == ["32:5: no arm is marked 'reference: true'; comparisons need a reference arm "
            + "(or set 'analysis.reference_arm')"])
        // Outcomes that cannot be read leave the evidence settings unjudged.
        let unreadable = SpecFixtures.replacing("  outcomes:", with: "  outcome:", in: SpecFixtures.valid + Self.sections)
        #expect(SpecFixtures.problems(unreadable).count == 1, "\(SpecFixtures.problems(unreadable))")
        #expect(SpecFixtures.problems(unreadable).first?.contains("unknown key 'outcome' in 'analysis'") == true)
        let neither = SpecFixtures.replacing("  reference_arm: mckenzie", with: "  # no reference arm", in: unmarked)
        #expect(SpecFixtures.problems(neither) == ["\(Self.baseLines + 5):3: the analysis needs a reference arm: mark one arm "
            + "'reference: true' or set 'analysis.reference_arm'"])
    }

    /// A percentage prints as written: 0.29 × 100 is 28.999999999999996 in binary, not 29.
    @Test(arguments: [("29", "29"), ("57", "57"), ("27.5", "27.5"), ("30", "30"), ("12.345", "12.345"),
                      ("33.3333333333", "33.3333333333"), ("0.0000000004", "0.0000000004"), ("100", "100")])
    func aResponderPercentagePrintsAsWritten(percent: String, printed: String) throws {
        let text = SpecFixtures.replacing(Self.secondOutcome,
            with: "    - {field: pain_nrs, name: pain_relative, label: Pain, responder: {rule: either, points: 2, percent: \(percent)}}",
            in: SpecFixtures.valid + Self.sections)
        let plan = try #require(try PipelineSpec.parse(text, file: "Pipelines/test.yml").effectiveAnalysis)
        guard case .continuous(let rule) = plan.outcomes[1].kind else {
            Issue.record("not a score outcome")
            return
        }
        #expect(rule.description == "improvement >= 2 points or improvement >= \(printed) % of baseline")
    }

    /// Forest plots and table labels are named `<outcome>-<timepoint>`: outcome `pain_nrs` at
    /// visit `term-week12` and outcome `pain_nrs-term` at `week12` would write one file.
    @Test func twoOutcomeVisitPairsMayNotShareAReportName() {
        let withVisit = SpecFixtures.replacing("  week12: {week: 12, window_days: 14}",
                                               with: "  week12: {week: 12, window_days: 14}\n  term-week12: {week: 26, window_days: 14}",
                                               in: SpecFixtures.valid + Self.sections)
        let twoTimepoints = SpecFixtures.replacing("  timepoints: [week12]", with: "  timepoints: [week12, term-week12]", in: withVisit)
        #expect(SpecFixtures.problems(twoTimepoints).isEmpty, "\(SpecFixtures.problems(twoTimepoints))")
        let colliding = SpecFixtures.replacing(Self.secondOutcome,
            with: "    - {field: pain_nrs, name: pain_nrs-term, label: Pain 50 %, responder: {rule: relative, percent: 50}}", in: twoTimepoints)
        let found = SpecFixtures.problems(colliding)
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.hasPrefix("\(Self.baseLines + 9):31: the outcome 'pain_nrs-term' at visit 'week12' and the outcome "
            + "'pain_nrs' at visit 'term-week12' would share the report name 'pain_nrs-term-week12' (forest-pain_nrs-term-week12.svg)") == true,
            "\(found)")
    }

    /// A success category is reported at the item that wrote it, also after an item that is no
    /// number.
    @Test func aSuccessCategoryIsLocatedAtItsItem() {
        let found = Self.problems(replacing: Self.secondOutcome, with: "    - {field: gpe, name: gpe_ok, label: GPE, success: [a, 9, 9]}")
        let line = Self.baseLines + 8
        #expect(found.count == 4, "\(found)")
        #expect(found.first?.hasPrefix("\(line):56: 'analysis.outcomes[1].success[0]' must be a number") == true, "\(found)")
        #expect(found.dropFirst().first?.hasPrefix("\(line):59: the success category 9 lies outside the range of 'gpe'") == true, "\(found)")
        #expect(found.contains { $0.hasPrefix("\(line):62: the success category 9 lies outside the range of 'gpe'") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("\(line):62: the success category 9 is listed twice") }, "\(found)")
    }

    @Test(arguments: rejections.indices)
    func rejectsWithLineAndColumn(index: Int) {
        let (line, replacement, offset, column, message) = Self.rejections[index]
        let found = Self.problems(replacing: line, with: replacement)
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.hasPrefix("\(Self.baseLines + offset):\(column): \(message)") == true, "\(Self.baseLines + offset) \(found)")
    }
}

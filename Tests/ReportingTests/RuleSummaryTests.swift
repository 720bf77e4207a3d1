import Foundation
import Profiling
import Reporting
import Testing
import TestSupport

/// The summary states the rule set as applied, thresholds included: a study that changes a
/// threshold and keeps the version sees the change in its report.
@Suite struct RuleSummaryTests {
    static func shipped() throws -> String {
        try String(contentsOfFile: Repository.path("Pipelines/rules/guideline-2010.yml"), encoding: .utf8)
    }

    @Test func everyRuleIsStatedWithItsThreshold() throws {
        let lines = SummaryText.rules(try RuleSet.parse(Self.shipped(), file: "guideline-2010.yml"))
        let text = lines.joined(separator: "\n")
        #expect(lines.allSatisfy { $0.count <= SummaryText.lineLimit })
        #expect(lines.contains("urgent  cauda_equina: cauda_equina"))
        #expect(lines.contains("1       Serious specific pathology (red flags), not randomised: any of"))
        #expect(lines.contains("          malignancy: at least 3 of (age_at_onset > 50, rf_continuous_pain, rf_night_pain,"))
        #expect(lines.contains("          vertebral_fracture: rf_trauma"))
        #expect(lines.contains("3       Non-specific low back pain: otherwise"))
        #expect(lines.contains("          3b: duration_weeks >= 12"))
        #expect(lines.contains("          +Y: yellow_flags: ompsq_total >= 50"))
        // Every sign of the rule set is named, in the wrapped text too.
        for sign in ["rf_raised_esr", "rf_kyphosis", "rf_nsaid_response", "rad_reflex_change", "rf_palpable_step"] {
            #expect(text.contains(sign), "\(sign)")
        }
    }

    @Test func aChangedThresholdChangesTheSummary() throws {
        let changed = try Self.shipped()
            .replacingOccurrences(of: "rule: malignancy\n        at_least: 3", with: "rule: malignancy\n        at_least: 2")
            .replacingOccurrences(of: "ompsq_total >= 50", with: "ompsq_total >= 40")
        let lines = SummaryText.rules(try RuleSet.parse(changed, file: "copy.yml"))
        #expect(lines.contains("          malignancy: at least 2 of (age_at_onset > 50, rf_continuous_pain, rf_night_pain,"))
        #expect(lines.contains("          +Y: yellow_flags: ompsq_total >= 40"))
    }

    /// Every publication table and forest plot says what its group codes mean, by the rule set.
    @Test func publicationOutputsDefineTheirGroups() throws {
        let ruleSet = try RuleSet.parse(Self.shipped(), file: "guideline-2010.yml")
        let note = PublicationTables.profileNote(ruleSet)
        #expect(note.hasPrefix("Profiles by the rule set guideline-2010 1.0: 1 Serious specific pathology (red flags); 2 Lumbosacral"))
        #expect(note.contains("; 3a Non-specific low back pain, under 12 weeks (duration_weeks < 12); "))
        #expect(note.contains("; +Y yellow_flags: ompsq_total >= 50. summary.txt lists every rule with its thresholds."))
        let changed = try RuleSet.parse(Self.shipped().replacingOccurrences(of: "duration_weeks < 12", with: "duration_weeks < 13"),
                                        file: "copy.yml")
        #expect(PublicationTables.profileNote(changed).contains("(duration_weeks < 13)"))

        var results = PublicationFixture.results()
        #expect(PublicationTables.all(results).allSatisfy { !$0.notes.contains(note) })
        results.profileNote = note
        let tables = PublicationTables.all(results)
        #expect(!tables.isEmpty)
        #expect(tables.allSatisfy { $0.shownNotes.contains(note) && $0.markdown().contains(note) })
        let figures = ForestPlot.figures(results)
        #expect(!figures.isEmpty)
        for figure in figures {
            #expect(figure.svg.contains("Profiles by the rule set guideline-2010 1.0"), "\(figure.fileName)")
        }
    }
}

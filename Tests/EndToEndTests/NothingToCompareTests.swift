import Foundation
import PipelineRunner
import Testing
import TestSupport

/// A run with nothing to analyse per arm says so in summary.txt instead of printing empty
/// sections: no one randomised, or no one in the reference arm.
@Suite struct NothingToCompareTests {
    static func summary(maxErrors: Int? = nil, _ change: @escaping (String) -> String) throws -> String {
        let folder = try TemporaryDirectory(prefix: "lbp-empty")
        defer { folder.remove() }
        let pipeline = try LoadedPipelineTests.samplePipeline(in: folder, change)
        let result = Run.run(pipeline: pipeline, outputFolder: folder.file("out"), maxErrors: maxErrors)
        #expect(result.problems.isEmpty)
        return try String(contentsOfFile: folder.file("out") + "/summary.txt", encoding: .utf8)
    }

    /// The section between `title` and the next heading, without the heading's underline.
    static func section(_ title: String, of summary: String) -> [String] {
        let lines = summary.components(separatedBy: "\n")
        guard let start = lines.firstIndex(where: { $0.hasPrefix(title) }) else { return [] }
        let rest = lines[(start + 2)...]
        let end = rest.indices.first { rest[$0].hasPrefix("Arm x profile") || rest[$0].hasPrefix("Comparisons with") } ?? rest.endIndex
        return Array(rest[..<end]).filter { !$0.isEmpty }
    }

    @Test func noOneRandomised() throws {
        let summary = try Self.summary { $0.replacingOccurrences(of: "  arm: Randomization Group\n", with: "") }
        let sentence = ["No participant was randomised: there is nothing to analyse per arm."]
        #expect(Self.section("Response per subprofile and arm", of: summary) == sentence)
        #expect(Self.section("Comparisons with the reference arm", of: summary) == sentence)
    }

    @Test func noOneInTheReferenceArm() throws {
        let summary = try Self.summary {
            $0.replacingOccurrences(of: "      codes: [Algemene oefentherapie]\n      reference: true\n",
                                    with: "      codes: [Algemene oefentherapie]\n    - {id: usual_care, label: Usual care, codes: [Zorg], reference: true}\n")
                .replacingOccurrences(of: "  reference_arm: general_exercise", with: "  reference_arm: usual_care")
        }
        let comparisons = Self.section("Comparisons with the reference arm", of: summary)
        // The sentence alone: no table of comparisons that could only say NA.
        #expect(comparisons == ["No participant was randomised to the reference arm (usual_care): no comparison can be estimated."])
        // Only the reference arm randomised (the others' codes unknown, their rows rejected): it
        // has participants, but there is no one to compare with them.
        let alone = try Self.summary(maxErrors: 100_000) {
            $0.replacingOccurrences(of: "codes: [Motorische controle]", with: "codes: [Niemand]")
                .replacingOccurrences(of: "codes: [Graded activity]", with: "codes: [Geen]")
        }
        // No other arm has anyone, so no sensitivity analysis compares either: none is named.
        let sentence = Self.section("Comparisons with the reference arm", of: alone).prefix(3).joined(separator: " ")
        #expect(sentence.hasPrefix("No complete-case comparison can be estimated: at no analysed visit are participants analysed "
            + "both in another arm and in the reference arm (general_exercise). Differences are"))
        #expect(!sentence.contains("sensitivity"))
        // The sample itself has a reference arm: no such sentence.
        let sample = try String(contentsOfFile: Repository.path("Reports/sample-castor/summary.txt"), encoding: .utf8)
        #expect(!sample.contains("No participant was randomised") && !sample.contains("comparison can be estimated"))
    }

    /// An export made before any analysed visit is due: BOCF and NRI would impute everyone, so
    /// summary.txt does not offer them as comparisons but says that nobody is measured yet.
    @Test func nobodyMeasuredAtAnyAnalysedVisit() throws {
        let summary = try Self.summary {
            $0.replacingOccurrences(of: "    week26: [Week 26]\n", with: "    week26: [Week 26]\n    week52: [Week 52]\n")
                .replacingOccurrences(of: "  week26: {week: 26, window_days: 21}\n", with: "  week26: {week: 26, window_days: 21}\n  week52: {week: 52, window_days: 28}\n")
                .replacingOccurrences(of: "  timepoints: [week6, week12, week26]", with: "  timepoints: [week52]")
        }
        let sentence = Self.section("Comparisons with the reference arm", of: summary).prefix(4).joined(separator: " ")
        #expect(sentence.hasPrefix("No complete-case comparison can be estimated: at no analysed visit are participants analysed "
            + "both in another arm and in the reference arm (general_exercise). Nobody is measured at any analysed visit yet: "
            + "the BOCF and NRI rows of comparisons.csv impute every participant, so they compare nothing."), "\(sentence)")
    }

    /// A forest plot with no estimate to show is not written, and summary.txt names it.
    @Test func forestPlotsWithNothingToShowAreNamed() throws {
        let folder = try TemporaryDirectory(prefix: "lbp-forest")
        defer { folder.remove() }
        let pipeline = try LoadedPipelineTests.samplePipeline(in: folder) {
            $0.replacingOccurrences(of: "  small_cell_threshold: 5", with: "  small_cell_threshold: 100000")
        }
        let result = Run.run(pipeline: pipeline, outputFolder: folder.file("out"), maxErrors: nil)
        #expect(result.problems.isEmpty)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.file("out"))
        #expect(!files.contains { $0.hasPrefix("forest-") })
        let summary = try String(contentsOfFile: folder.file("out") + "/summary.txt", encoding: .utf8)
        let named = ["rmdq week6", "rmdq week12", "rmdq week26", "pain_nrs week6", "pain_nrs week12", "pain_nrs week26",
                     "odi week6", "odi week12", "odi week26"]
        let text = summary.components(separatedBy: "\n").drop { !$0.hasPrefix("Forest plots:") }
            .prefix { !$0.hasPrefix("Responders:") }.joined(separator: " ")
        #expect(text.contains("none for"))
        #expect(named.allSatisfy { text.contains($0 + ",") || text.contains($0 + ":") })
        // The sample draws all of them.
        let sample = try String(contentsOfFile: Repository.path("Reports/sample-castor/summary.txt"), encoding: .utf8)
        #expect(!sample.contains("Forest plots:"))
    }
}

import Foundation
import PipelineRunner
import Reporting
import Testing
import TestSupport

/// summary.txt keeps every line within ``SummaryText/lineLimit`` whatever the names the
/// pipeline gives: a long study name, outcome label or reference arm id is wrapped, not printed
/// past the margin.
@Suite struct SummaryLineLimitTests {
    @Test func longNamesFromThePipelineAreWrapped() throws {
        let folder = try TemporaryDirectory(prefix: "lbp-long-names")
        defer { folder.remove() }
        let longArm = "general_exercise_therapy_as_usual_in_primary_care_reference"
        let longLabel = "Roland-Morris Disability Questionnaire, Dutch version, 24 items, higher is worse (0-24)"
        let longOutcome = "gpe_success_recovered_or_much_improved"
        let longStudy = "Exercise therapy for low back pain: which guideline profile responds to which form "
            + "of exercise therapy, a pragmatic multi-site randomised trial"
        let pipeline = try LoadedPipelineTests.samplePipeline(in: folder) {
            $0.replacingOccurrences(of: "general_exercise", with: longArm)
                .replacingOccurrences(of: "label: RMDQ (0-24),", with: "label: \"\(longLabel)\",")
                .replacingOccurrences(of: "  name: Exercise therapy for low back pain (sample data)\n", with: "  name: \"\(longStudy)\"\n")
                .replacingOccurrences(of: "name: gpe_success,", with: "name: \(longOutcome),")
        }
        let result = Run.run(pipeline: pipeline, outputFolder: folder.file("out"))
        #expect(result.problems.isEmpty, "\(result.problems)")
        let summary = try String(contentsOfFile: folder.file("out") + "/summary.txt", encoding: .utf8)
        let lines = summary.split(separator: "\n", omittingEmptySubsequences: false)
        let over = lines.filter { $0.count > SummaryText.lineLimit }
        #expect(over.isEmpty, "\(over.joined(separator: "\n"))")
        // The names are all there, only wrapped.
        let flowing = lines.joined(separator: " ")
        #expect(flowing.contains("lbp report: " + longStudy))
        #expect(flowing.contains(longLabel + ", week12: arm vs " + longArm + " (complete case)"))
        #expect(flowing.contains(longLabel + ", week12 (complete case; everyone, then each subprofile)"))
        #expect(flowing.contains("Differences are arm - " + longArm + ";"))
        // An outcome name longer than the label column stands whole on a line of its own.
        let outcome = try #require(lines.firstIndex(of: "  " + longOutcome))
        #expect(lines[outcome + 1] == String(repeating: " ", count: 17) + "gpe in {1, 2}")
        // The study name's underline is as wide as its longest line.
        let title = try #require(lines.firstIndex { $0.hasPrefix("lbp report: ") })
        let underline = try #require(lines[title...].firstIndex { $0.hasPrefix("=") })
        #expect(lines[underline].count == lines[title..<underline].map(\.count).max())
        #expect(lines[underline].allSatisfy { $0 == "=" })
    }
}

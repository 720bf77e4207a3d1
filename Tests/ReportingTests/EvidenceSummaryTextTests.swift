import Evidence
import Testing
@testable import Reporting

/// The evidence section of `summary.txt`.
@Suite struct EvidenceSummaryTextTests {
    /// A mismatched conclusion's reason is indented twice; its lines still end within the
    /// document's 100 characters, whatever the reason's length.
    @Test func mismatchReasonsWrapWithinTheLineLimit() {
        let reason = (1...12).map { "study\($0): Author\($0) 2004 (level 2 needs two independent B studies)" }
            .joined(separator: "; ")
        let row = ConclusionRow(
            conclusionID: "C4", source: .literature, outcome: "rmdq", profile: "3b", comparison: "", timepoint: "",
            statedLevel: .two, derivedLevel: .three, variant: .a, match: .mismatch, reason: reason,
            dutchWording: "er zijn aanwijzingen dat", dutch: "Niveau 3", english: "Level 3: there are indications that",
            supportingStudies: "")
        let summary = EvidenceSummary(
            settings: EvidenceSettings(), ownGrade: nil, evidenceTable: [], conclusions: [row], summaryOfFindings: [],
            pooledEstimates: [], diagnostics: [], accounts: [])
        let lines = SummaryText.evidence(summary)
        let reasonLines = lines.drop { !$0.hasPrefix("    Reason: ") }
        #expect(reasonLines.count > 5)
        #expect(reasonLines.dropFirst().allSatisfy { $0.hasPrefix("        ") })
        #expect(lines.allSatisfy { $0.count <= 100 }, "\(lines.filter { $0.count > 100 })")
        // Every word of the reason is there, in order.
        let words = reasonLines.flatMap { $0.split(separator: " ") }.dropFirst().joined(separator: " ")
        #expect(words == reason)
    }
}

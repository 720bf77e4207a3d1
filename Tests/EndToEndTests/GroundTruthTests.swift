import Analysis
import CSVKit
import Foundation
import PipelineRunner
import Testing
import TestSupport

/// The sample data's ground truth (written by the generator, which implements the default
/// profile rules and the planted effects independently) against what the pipeline finds.
@Suite(.serialized) struct GroundTruthTests {
    /// Rows of a truth file by column name; text cells lose the formula guard's leading `'`.
    static func truth(_ name: String) throws -> [[String: String]] {
        let path = Repository.path("SampleData/truth/\(name)")
        let header = try CSVReader(path: path).header
        let records = try CSVReader.records(path: path)
        #expect(!header.isEmpty)
        return records.map { record in
            var row: [String: String] = [:]
            for (index, column) in header.enumerated() where index < record.fields.count {
                let cell = record.fields[index]
                row[column] = cell.hasPrefix("'") ? String(cell.dropFirst()) : cell
            }
            return row
        }
    }

    static let castor: RunComputation? = {
        guard let folder = try? TemporaryDirectory(prefix: "lbp-truth") else { return nil }
        defer { folder.remove() }
        return SamplePipelineTests.inRepository {
            Run.run(pipeline: "Pipelines/sample-castor.yml", outputFolder: folder.file("reports")).computation
        }
    }()

    @Test func everyParticipantsTrueProfileIsRecovered() throws {
        let computation = try #require(Self.castor)
        let truth = try Self.truth("participants.csv")
        #expect(truth.count == 600)
        let assigned = Dictionary(computation.assignments.map { ($0.participantID, $0) }, uniquingKeysWith: { first, _ in first })
        var compared = 0
        for row in truth {
            let id = try #require(row["participant_id"])
            guard let assignment = assigned[id] else { continue }  // participant row rejected (planted)
            compared += 1
            #expect(assignment.profileOrUnclassified == row["true_profile"], "\(id): \(assignment.profileOrUnclassified)")
            if row["true_profile"] != "unclassified" {
                #expect(assignment.subprofile == row["true_subprofile"], "\(id)")
            }
            #expect(assignment.urgent == (row["urgent"] == "1"), "\(id) urgent")
        }
        #expect(compared == computation.assignments.count)
        #expect(compared >= 595)
        #expect(computation.assignments.contains { $0.status == .unclassified })
    }

    @Test func plantedInteractionIsDetectedAndNoneIsClaimedForODI() throws {
        let computation = try #require(Self.castor)
        let effects = try Self.truth("effects.csv")
        let interacting = Set(effects.filter { $0["arm_by_profile_interaction"] == "yes" }.compactMap { $0["outcome"] })
        let clean = Set(effects.compactMap { $0["outcome"] }).subtracting(interacting)
        #expect(interacting.contains("rmdq"))
        #expect(clean.contains("odi"))
        for timepoint in ["week12", "week26"] {
            let row = try #require(computation.interactions.first {
                $0.grouping == .subprofile && $0.outcome == "rmdq" && $0.timepoint == timepoint
            })
            let p = try #require(row.fTest?.pValue)
            #expect(p < 0.05, "rmdq \(timepoint): p = \(p)")
        }
        for row in computation.interactions where clean.contains(row.outcome) {
            let p = try #require(row.fTest?.pValue)
            #expect(p >= 0.05, "\(row.outcome) \(row.timepoint) \(row.grouping): p = \(p) claims an interaction")
        }
    }

    @Test func graded_activityHelpsMostInThreeBWithYellowFlags() throws {
        let computation = try #require(Self.castor)
        let differences = computation.comparisons.filter {
            $0.group.grouping == .subprofile && $0.outcome == "rmdq" && $0.timepoint == "week12"
                && $0.approach == .completeCase && $0.arm.id == "graded_activity"
        }
        let best = try #require(differences.min { ($0.welch?.difference ?? 0) < ($1.welch?.difference ?? 0) })
        #expect(best.group.group == "3b+Y")
        #expect((best.welch?.interval.upper ?? 0) < 0)
    }
}

import Analysis
import Foundation
import PipelineSpec
import Reporting
import StudyModel

/// Writes the report files of one computation into a folder. Every file is a pure function of
/// the computation: no clock, no host, no absolute path.
struct ReportWriter {
    let computation: RunComputation
    let folder: String

    /// The analysis and evidence CSV tables, in the order the README lists them.
    var tables: [CSVTable] {
        let context = Dictionary(computation.study.participants.map { ($0.id, (site: $0.site, arm: $0.arm?.id)) },
                                 uniquingKeysWith: { first, _ in first })
        return [
            AnalysisTables.profiles(computation.assignments, participants: context),
            AnalysisTables.flow(computation.flow),
            AnalysisTables.baseline(computation.baseline),
            AnalysisTables.response(computation.response),
            AnalysisTables.comparisons(computation.comparisons),
            AnalysisTables.interaction(computation.interactions),
        ] + EvidenceTables.all(computation.evidence)
    }

    func writeAll() throws {
        for table in tables {
            try table.write(to: path(table.fileName))
        }
        try write(SummaryDocument(computation: computation).lines.joined(separator: "\n") + "\n", to: "summary.txt")
    }

    func path(_ name: String) -> String {
        (folder as NSString).appendingPathComponent(name)
    }

    func write(_ text: String, to name: String) throws {
        let target = path(name)
        let directory = (target as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: target))
    }
}

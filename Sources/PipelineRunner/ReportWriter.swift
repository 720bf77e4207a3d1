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
        // One subject per accepted participant, with the participant's site and arm.
        let context = Dictionary(computation.subjects.map { ($0.id, (site: $0.site, arm: $0.arm?.id)) },
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

    /// The CSV tables are written while the summary and the publication files are made (each
    /// part writes its own files).
    func writeAll() throws {
        _ = try Concurrently.both({
            for table in tables {
                try table.write(to: path(table.fileName))
            }
        }, {
            let publication = Publication(computation)
            var summary = SummaryDocument(computation: computation)
            summary.forestPlotsNotDrawn = ForestPlot.notDrawn(publication.figures, plan: computation.plan)
            try write(summary.lines.joined(separator: "\n") + "\n", to: "summary.txt")
            try write(publication)
        })
    }

    /// Markdown and LaTeX tables for papers and one forest plot per outcome and follow-up visit
    /// with an estimate to show, with the same small-cell suppression everywhere.
    struct Publication {
        let title: String
        let tables: [PublicationTable]
        let figures: [ForestPlotFigure]

        init(_ computation: RunComputation) {
            var results = PublicationResults(
                plan: computation.plan, arms: computation.pipeline.arms, baseline: computation.baseline,
                response: computation.response, comparisons: computation.comparisons,
                interactions: computation.interactions)
            results.profileNote = PublicationTables.profileNote(computation.pipeline.ruleSet)
            let suppression = SmallCellSuppression(threshold: computation.pipeline.spec.publication.smallCellThreshold)
            title = computation.pipeline.spec.study.name
            tables = PublicationTables.all(results, suppression: suppression)
            figures = ForestPlot.figures(results, grouping: .subprofile, suppression: suppression)
        }
    }

    func write(_ publication: Publication) throws {
        try write(PublicationTable.markdownDocument(publication.tables, title: publication.title), to: "tables/tables.md")
        try write(PublicationTable.latexDocument(publication.tables, title: publication.title), to: "tables/tables.tex")
        for figure in publication.figures {
            try write(figure.svg, to: figure.fileName)
        }
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

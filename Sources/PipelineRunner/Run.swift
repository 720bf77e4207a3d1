import Foundation
import PipelineSpec
import Profiling
import Reporting
import Staging
import StudyModel

/// What a `run` found, ready for a command to print and exit with.
public struct RunResult: Sendable {
    /// 0 success; 1 more error-severity issues than the budget; 2 a pipeline-file or input-file
    /// problem (nothing was published).
    public var exitCode: Int32
    public var problems: [String]
    public var summary: [String]
    public var outputFolder: String?
    public var computation: RunComputation?
}

/// `lbp run`: stage the inputs, assign profiles, analyse, summarise the evidence and write the
/// complete report set atomically.
public enum Run {
    /// Files in the report folder that depend on the clock or the machine; `verify` skips them.
    public static let unstableFiles: Set<String> = ["run-log.json"]

    /// Why a pipeline file without an analysis plan cannot run: it names no reference arm (no
    /// `analysis:` section, and no arm marked `reference: true`, or no arms at all). `check`
    /// says it too.
    static func noReferenceArm(_ pipeline: String) -> String {
        "\(pipeline): error: the analysis needs a reference arm: declare the arms under 'vocabularies.arms' and mark one "
            + "'reference: true'"
    }

    /// Runs the pipeline end to end into `outputFolder` (default: the pipeline's `report.output`).
    ///
    /// Everything is written into a temporary folder beside the target, which replaces the target
    /// only when every file was written: a failed or killed run leaves the previous reports as
    /// they were. A run whose errors exceed the budget still publishes (the issues say what to
    /// fix) and exits with code 1.
    public static func run(pipeline: String, outputFolder: String? = nil, maxErrors: Int? = nil,
                           progress: ((RunProgress) -> Void)? = nil) -> RunResult {
        let clock = RunClock()
        let loaded: LoadedPipeline
        do {
            loaded = try LoadedPipeline.load(pipeline)
        } catch {
            return RunResult(exitCode: 2, problems: error.diagnostics.map(\.description), summary: [])
        }
        let beforeReading = loaded.definitionsBeforeReading + InputSnapshot(loaded.dataFiles)
        guard let plan = loaded.spec.effectiveAnalysis else {
            return RunResult(exitCode: 2, problems: [Self.noReferenceArm(pipeline)], summary: [])
        }
        let (literature, unreadable) = EvidenceInputs.literature(loaded)
        if !unreadable.isEmpty { return RunResult(exitCode: 2, problems: unreadable, summary: []) }
        let shownTarget = outputFolder ?? loaded.spec.outputFolder
        let (target, scratch, created): (String, String, [String])
        do {
            (target, scratch, created) = try ReportFolder.prepare(ReportFolder.Target(loaded.spec, override: outputFolder),
                                                         protecting: loaded.filesRead(pipeline: pipeline))
        } catch {
            return RunResult(exitCode: 2, problems: [error.message], summary: [])
        }
        defer { ReportFolder.remove(scratch, leavingNoEmpty: created) }

        let budget = maxErrors ?? loaded.spec.report.maxErrors
        var computation: RunComputation
        let summary: [String]
        do {
            progress?(.step("staging \(loaded.files.count) input files"))
            let fileSink = try StagingFileSink(folder: scratch, files: loaded.rejectableFileNames)
            let sink = CountingSink(forwardingTo: fileSink, progress: progress)
            var study = try stage(loaded.files, spec: loaded.spec, sink: sink)
            let (assignments, subjects, conflicts) = try prepare(study, loaded: loaded, plan: plan, scratch: scratch)
            for finding in loaded.reportedPipelineWarnings + conflicts {
                try sink.record(finding)
                study.count(finding)
            }
            let seconds = clock.mark("staging")
            let rows = study.accounting.reduce(0) { $0 + $1.rowsRead }
            progress?(.done("staged \(rows) rows in \(String(format: "%.1f", seconds)) s (\(seconds > 0 ? Int(Double(rows) / seconds) : rows) rows/s)"))
            if !study.inputProblems.isEmpty {
                return RunResult(exitCode: 2, problems: study.inputProblems.map(\.description),
                                 summary: Validation.summary(study, budget: nil))
            }
            // What follows needs the subjects, the assignments and the study's counts, not its
            // records: they are let go here, so that the run never holds the records and the
            // analysis at once (the two are the larger part of its memory).
            let records = (study.participants.count, study.visits.count)
            study.participants = []
            study.visits = []
            progress?(.step("profiles, analysis and evidence"))
            computation = RunComputation.compute(loaded, study: study, assignments: assignments, subjects: subjects,
                                                 issueCounts: sink.counts, plan: plan, literature: literature,
                                                 errorBudget: budget)
            try EvidenceInputs.account(literature, spec: loaded.spec.evidence, sink: sink, fileSink: fileSink,
                                       study: &computation.study)
            computation.issueCounts = sink.counts
            try computation.study.writeAccounting(to: scratch)
            try fileSink.finish()
            summary = Validation.summary(computation.study, budget: budget, records: records)
            clock.mark("analysis")
            progress?(.step("writing reports"))
            try ReportWriter(computation: computation, folder: scratch).writeAll()
            try Manifest.write(computation, pipeline: pipeline, folder: scratch)
            let changed = InputSnapshot(beforeReading.paths).changed(since: beforeReading)
            if !changed.isEmpty {
                return RunResult(exitCode: 2, problems: changed.map {
                    "\($0): error: the file changed while the run read it, so the manifest's SHA-256 may not be of the bytes "
                        + "analysed; the reports were not written (run again once it no longer changes)"
                }, summary: [])
            }
            clock.mark("reports")
            try RunLog.write(clock, folder: scratch)
            try ReportFolder.publish(scratch, to: target)
        } catch {
            return RunResult(exitCode: 2, problems: ["error: cannot write the reports for '\(shownTarget)': \(FileSystemErrorText.reason(error, within: scratch))"],
                             summary: [])
        }
        var problems: [String] = []
        var exitCode: Int32 = 0
        if computation.isOverBudget {
            exitCode = 1
            let count = computation.study.errorCount
            problems.append("error: \(count) \(Validation.plural(count, "error")) \(count == 1 ? "exceeds" : "exceed") the budget of \(budget) "
                + "('report.max_errors' or '--max-errors'); see '\(shownTarget)/issues.csv'")
        }
        return RunResult(exitCode: exitCode, problems: problems,
                         summary: summary, outputFolder: shownTarget,
                         computation: computation)
    }
}

extension Run {
    /// The profile assignments, the analysis subjects and the profile conflicts of a staged study,
    /// with its clean tables written into `scratch` (the accounting is written once the
    /// conflicts' warnings are counted in it).
    ///
    /// Profiles are assigned to each half of the participants at the same time; then the clean
    /// tables are written while the subjects are built and the conflicts found. All of these only
    /// read the study, and keep no part of its records.
    private static func prepare(_ staged: StagedStudy, loaded: LoadedPipeline, plan: AnalysisPlan,
                                scratch: String) throws -> ([ProfileAssignment], RunComputation.Subjects, [Diagnostic]) {
        let (ruleSet, spec) = (loaded.ruleSet, loaded.spec)
        let half = staged.participants.count / 2
        // No report shows how derived inputs were computed (`lbp explain` does): not described.
        let (firstHalf, secondHalf) = Concurrently.both(
            { staged.participants[..<half].map { ruleSet.assign($0, describingDerivations: false) } },
            { staged.participants[half...].map { ruleSet.assign($0, describingDerivations: false) } })
        let assignments = firstHalf + secondHalf
        let ((subjects, conflicts), _) = try Concurrently.both({
            (RunComputation.subjects(staged, assignments: assignments, pipeline: loaded, plan: plan),
             ruleSet.conflicts(assignments, participants: staged.participants, armColumn: { staged.armColumns[$0] }))
        }, {
            try staged.writeClean(to: scratch, spec: spec)
        })
        return (assignments, subjects, conflicts)
    }
}

/// Wall-clock marks of a run, for `run-log.json` only (never in a compared report file).
final class RunClock: @unchecked Sendable {
    let start = Date()
    private(set) var marks: [(stage: String, seconds: Double)] = []
    private var last = Date()

    /// Records the time since the previous mark and returns it in seconds.
    @discardableResult
    func mark(_ stage: String) -> Double {
        let now = Date()
        let seconds = now.timeIntervalSince(last)
        marks.append((stage, seconds))
        last = now
        return seconds
    }
}

import Foundation
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import PipelineSpec
import Staging
import StudyModel

/// What a `validate` or `check` run found, ready for a command to print and exit with.
public struct ValidationResult: Sendable {
    /// 0 success; 1 more error-severity issues than the budget; 2 a pipeline-file or input-file
    /// problem (nothing was published).
    public var exitCode: Int32
    /// Problems that stopped the run, compiler style (`file:line:column: error: message`).
    public var problems: [String]
    /// A short account of the run: totals, then one line per input file.
    public var summary: [String]
    /// The folder the outputs were published to; nil when nothing was published.
    public var outputFolder: String?
    /// The staged study when staging ran (also when the budget was exceeded).
    public var study: StagedStudy?
}

/// `lbp check` and `lbp validate`: load the pipeline file, stage its inputs, write the staging
/// outputs atomically.
public enum Validation {
    /// The files `validate` writes into the output folder; only these are replaced there.
    public static let outputs = ["accounting.csv", "clean", "issues.csv", "rejected"]

    /// Loads and checks a pipeline file with everything it names (``LoadedPipeline/load(_:)``:
    /// input files, rule set, literature files), and that every input file can be opened,
    /// reading no data.
    public static func check(pipeline: String) -> ValidationResult {
        let loaded: LoadedPipeline
        do {
            loaded = try LoadedPipeline.load(pipeline)
        } catch {
            return ValidationResult(exitCode: 2, problems: error.diagnostics.map(\.description), summary: [])
        }
        let (spec, files) = (loaded.spec, loaded.files)
        // A pipeline the run would refuse for want of an analysis plan is not valid either.
        guard spec.effectiveAnalysis != nil else {
            return ValidationResult(exitCode: 2, problems: [Run.noReferenceArm(pipeline)], summary: [])
        }
        // A file that exists but cannot be opened would stop the run: said now, as the run would.
        let unreadable = files.compactMap { file -> String? in
            let descriptor = open(file.path, O_RDONLY)
            guard descriptor < 0 else {
                close(descriptor)
                return nil
            }
            return "\(file.displayName): error: cannot open for reading: \(String(cString: strerror(errno)))"
        }
        if !unreadable.isEmpty { return ValidationResult(exitCode: 2, problems: unreadable, summary: []) }
        // An output folder the run would refuse is a problem of the file when the file chose it.
        let target = ReportFolder.Target(spec, override: nil)
        if target.location != nil {
            do {
                _ = try ReportFolder.checkedTarget(target, protecting: loaded.filesRead(pipeline: pipeline))
            } catch {
                return ValidationResult(exitCode: 2, problems: [error.message], summary: [])
            }
        }
        let summary = ["'\(pipeline)' is valid: \(spec.inputs.count) \(plural(spec.inputs.count, "input")), "
            + "\(files.count) \(plural(files.count, "file")), \(spec.schedule.timepoints.count) \(plural(spec.schedule.timepoints.count, "visit"))"
            + ", rule set \(loaded.ruleSet.name) \(loaded.ruleSet.version)"]
            + files.map { "  \($0.displayName)" }
        // Warnings do not make the file invalid; they are said with the problems, on standard error.
        return ValidationResult(exitCode: 0, problems: loaded.pipelineWarnings.map(\.description), summary: summary)
    }

    /// Stages every input of the pipeline file and publishes `issues.csv`, `accounting.csv`,
    /// `rejected/` and `clean/` into the output folder, with the same issues a run writes (the
    /// profile conflicts included), so that a report folder `validate` writes into still agrees
    /// with itself; a run's reports there that were made from other inputs are left out
    /// (``runReportsAgree(in:manifest:with:definitions:)``).
    ///
    /// Outputs are written into a temporary folder beside the output folder, with a copy of every
    /// other file already there, and the two folders are exchanged only when everything was
    /// written: a pipeline-file or input-file problem (exit code 2), a failed write or a killed
    /// run leaves the previous folder untouched. The output folder must be new, empty or a report
    /// folder (``ReportFolder/checkedTarget(_:protecting:)``). A run whose errors exceed the
    /// budget still publishes (the issues say what to fix) and exits with code 1.
    ///
    /// - Parameters:
    ///   - outputFolder: overrides the pipeline's `report.output`.
    ///   - maxErrors: overrides the pipeline's `report.max_errors`.
    public static func run(pipeline: String, outputFolder: String? = nil, maxErrors: Int? = nil,
                           progress: ((RunProgress) -> Void)? = nil) -> ValidationResult {
        let loaded: LoadedPipeline
        do {
            loaded = try LoadedPipeline.load(pipeline)
        } catch {
            return ValidationResult(exitCode: 2, problems: error.diagnostics.map(\.description), summary: [])
        }
        let (spec, files) = (loaded.spec, loaded.files)
        let (literature, unreadable) = EvidenceInputs.literature(loaded)
        if !unreadable.isEmpty { return ValidationResult(exitCode: 2, problems: unreadable, summary: []) }
        let shownTarget = outputFolder ?? spec.outputFolder
        let (target, scratch, created): (String, String, [String])
        do {
            (target, scratch, created) = try ReportFolder.prepare(ReportFolder.Target(loaded.spec, override: outputFolder),
                                                         protecting: loaded.filesRead(pipeline: pipeline))
        } catch {
            return ValidationResult(exitCode: 2, problems: [error.message], summary: [])
        }
        defer { ReportFolder.remove(scratch, leavingNoEmpty: created) }

        var study: StagedStudy
        do {
            let sink = try StagingFileSink(folder: scratch, files: loaded.rejectableFileNames)
            progress?(.step("staging \(files.count) input files"))
            study = try stage(files, spec: spec, sink: CountingSink(forwardingTo: sink, progress: progress))
            if study.inputProblems.isEmpty {
                let ruleSet = loaded.ruleSet
                let assignments = study.participants.map { ruleSet.assign($0, describingDerivations: false) }
                let conflicts = ruleSet.conflicts(assignments, participants: study.participants, armColumn: { study.armColumns[$0] })
                for conflict in loaded.reportedPipelineWarnings + conflicts {
                    try sink.record(conflict)
                    study.count(conflict)
                }
                try EvidenceInputs.account(literature, spec: spec.evidence, sink: sink, fileSink: sink, study: &study)
            }
            try sink.finish()
            try study.writeClean(to: scratch, spec: spec)
            try study.writeAccounting(to: scratch)
        } catch {
            return ValidationResult(exitCode: 2, problems: ["error: cannot write the outputs for '\(shownTarget)': \(FileSystemErrorText.reason(error, within: scratch))"],
                                    summary: [])
        }
        if !study.inputProblems.isEmpty {
            return ValidationResult(exitCode: 2, problems: study.inputProblems.map(\.description), summary: summary(study, budget: nil),
                                    study: study)
        }
        var leftOut: [String] = []
        do {
            let manifest = Manifest.read(in: target)
            let hasManifest = FileManager.default.fileExists(atPath: (target as NSString).appendingPathComponent("manifest.json"))
            let agree = try runReportsAgree(in: target, manifest: manifest, with: scratch,
                                            definitions: [pipeline, loaded.ruleSetPath] + loaded.literatureFiles,
                                            inputs: files.map { ($0.path, $0.displayName) })
            if agree {
                try carryOver(from: target, into: scratch)
            } else if hasManifest {
                let out = outputFolder.map { " --out \(Shell.word($0))" } ?? ""
                leftOut.append("warning: the reports of the earlier run in '\(shownTarget)' no longer agree with the inputs, "
                    + "the pipeline file or its rule set and were left out; 'lbp run \(Shell.word(pipeline))\(out)' writes them again")
            }
            // Files neither lbp wrote nor the run's manifest lists (a user's notes) that do not
            // stay: all of them with the run's reports, else those inside validate's own folders,
            // which it replaces whole. Named as they go.
            let lost = try foreignFiles(in: target, recorded: manifest.map { Set($0.outputs.map(\.file)) })
                .filter { !agree || Self.outputs.contains(String($0.prefix { $0 != "/" })) }
            if !lost.isEmpty {
                let named = lost.prefix(3).map { "'\($0)'" }.joined(separator: ", ") + (lost.count > 3 ? ", ..." : "")
                leftOut.append("warning: the other files in '\(shownTarget)' (\(named)) were left out"
                    + (hasManifest ? "" : ": no manifest.json says what they were made from"))
            }
            try ReportFolder.publish(scratch, to: target)
        } catch {
            return ValidationResult(exitCode: 2, problems: ["error: cannot publish the outputs to '\(shownTarget)': \(FileSystemErrorText.reason(error, within: scratch))"],
                                    summary: summary(study, budget: nil), study: study)
        }
        let budget = maxErrors ?? spec.report.maxErrors
        var problems = leftOut
        var exitCode: Int32 = 0
        if study.errorCount > budget {
            exitCode = 1
            problems.append("error: \(study.errorCount) \(plural(study.errorCount, "error")) \(study.errorCount == 1 ? "exceeds" : "exceed") the budget of \(budget) "
                + "('report.max_errors' or '--max-errors'); see '\(shownTarget)/issues.csv'")
        }
        return ValidationResult(exitCode: exitCode, problems: problems, summary: summary(study, budget: budget),
                                outputFolder: shownTarget, study: study)
    }

    /// Whether the run's reports in `target` (if any: a `manifest.json`) were made from what
    /// `validate` has just written into `scratch` and from the same `definitions` (the pipeline
    /// file, the rule set, then the literature files): every file of ``outputs`` has the SHA-256
    /// the manifest records for it, none is missing or new, and each definition file has the
    /// SHA-256 recorded for it. When they were not, the inputs, the pipeline (its analysis
    /// section, say) or the rules changed since the run, and its summary, tables and manifest no
    /// longer agree with what a run would write now.
    /// `manifest` is the target's, as ``Manifest/read(in:)`` gives it.
    static func runReportsAgree(in target: String, manifest: Manifest.Document?, with scratch: String,
                                definitions: [String], inputs: [(path: String, name: String)]) throws -> Bool {
        // Without a (readable) manifest nothing says what the other files were made from: only a
        // folder that holds nothing else (one validate wrote) is kept as it is.
        guard let manifest else {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: target)) ?? []
            return names.allSatisfy(outputs.contains)
        }
        let recordedDefinitions = [manifest.pipeline, manifest.ruleSet] + manifest.literature
        guard recordedDefinitions.count == definitions.count else { return false }
        for (path, recorded) in zip(definitions, recordedDefinitions) where try Manifest.digest(path, name: recorded.file).sha256 != recorded.sha256 {
            return false
        }
        // The manifest records the inputs the run read: other inputs (a cell no report reads
        // changed, say) make it wrong about the folder, even where every output agrees.
        guard manifest.inputs.map(\.file) == inputs.map(\.name),
              try Manifest.digests(inputs).map(\.sha256) == manifest.inputs.map(\.sha256) else { return false }
        func isOutput(_ name: String) -> Bool { outputs.contains(String(name.prefix { $0 != "/" })) }
        let recorded = Dictionary(manifest.outputs.filter { isOutput($0.file) }.map { ($0.file, $0.sha256) }) { first, _ in first }
        let written = try ReportFiles.list(scratch).filter(isOutput)
        guard Set(written) == Set(recorded.keys) else { return false }
        for name in written {
            let digest = try Manifest.digest((scratch as NSString).appendingPathComponent(name), name: name)
            if recorded[name] != digest.sha256 { return false }
        }
        return true
    }

    /// The files in `target` (relative paths) that neither validate writes (`issues.csv`,
    /// `accounting.csv`, `rejected/`, the three clean tables) nor a run's manifest lists
    /// (`recorded`, with the manifest and the run log themselves).
    static func foreignFiles(in target: String, recorded: Set<String>?) throws -> [String] {
        let written: Set<String> = ["issues.csv", "accounting.csv", "clean/participants.csv", "clean/visits.csv", "clean/missing.csv"]
        let listed = recorded.map { $0.union(["manifest.json"]).union(Run.unstableFiles) } ?? []
        return try ReportFiles.list(target).filter { path in
            !written.contains(path) && !path.hasPrefix("rejected/") && !listed.contains(path)
        }
    }

    /// Copies every file of the current output folder that `validate` does not write into the
    /// scratch folder, so that publishing the scratch folder keeps them.
    static func carryOver(from target: String, into scratch: String) throws {
        let fileManager = FileManager.default
        guard let names = try? fileManager.contentsOfDirectory(atPath: target) else { return }
        for name in names.sorted() where !outputs.contains(name) {
            try fileManager.copyItem(atPath: (target as NSString).appendingPathComponent(name),
                                     toPath: (scratch as NSString).appendingPathComponent(name))
        }
    }

    /// `records`: the participants and visits staged, when the study no longer holds them.
    static func summary(_ study: StagedStudy, budget: Int?, records: (participants: Int, visits: Int)? = nil) -> [String] {
        let (participants, visits) = records ?? (study.participants.count, study.visits.count)
        let read = study.accounting.reduce(0) { $0 + $1.rowsRead }
        let accepted = study.accounting.reduce(0) { $0 + $1.accepted }
        let rejected = study.accounting.reduce(0) { $0 + $1.rejected }
        let budgetText = budget.map { " (budget \($0))" } ?? ""
        var lines = [
            "\(study.accounting.count) \(plural(study.accounting.count, "file")): \(read) rows read, \(accepted) accepted, \(rejected) rejected",
            "\(study.errorCount) \(plural(study.errorCount, "error"))\(budgetText), \(study.warningCount) \(plural(study.warningCount, "warning")), \(study.noteCount) \(plural(study.noteCount, "note"))",
            "\(participants) \(plural(participants, "participant")), \(visits) \(plural(visits, "visit"))",
        ]
        for account in study.accounting {
            let stopped = account.stoppedAtLine.map { ", reading stopped at line \($0)" } ?? ""
            lines.append("  \(account.file): \(account.rowsRead) read, \(account.accepted) accepted, \(account.rejected) rejected\(stopped)")
        }
        return lines
    }

    static func plural(_ count: Int, _ word: String) -> String {
        count == 1 ? word : word + "s"
    }
}

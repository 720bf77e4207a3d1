import Foundation
import PipelineSpec
import Profiling
import StudyModel

/// A pipeline file with everything it names loaded and checked: the spec, its input files and its
/// rule set. Building one reads no data.
public struct LoadedPipeline: Sendable {
    public var spec: PipelineSpec
    public var files: [InputFile]
    public var ruleSet: RuleSet
    /// The rule-set file as the user can open it (relative to the working directory).
    public var ruleSetPath: String
    /// The rule-set file as report bodies name it (``PipelineSpec/displayName(_:)``).
    public var ruleSetName: String { spec.displayName(spec.profileRules.rules) }
    /// The pipeline file and the rule set as the file system described them just before
    /// ``load(_:)`` read each (see ``InputSnapshot``).
    var definitionsBeforeReading = InputSnapshot([])

    /// Loads the pipeline file and its rule set, and checks that the literature files it names
    /// exist; every problem is located (file, line, column).
    public static func load(_ pipeline: String) throws(SpecError) -> LoadedPipeline {
        let pipelineBeforeReading = InputSnapshot([pipeline])
        let spec = try PipelineSpec.load(path: pipeline)
        // Every file the pipeline names is looked for before any is read, and all that are
        // missing are said at once.
        var missing: [Diagnostic] = []
        var files: [InputFile] = []
        do {
            files = try spec.inputFiles()
        } catch {
            missing = error.diagnostics
        }
        // Named as the pipeline file writes them, as the inputs are, at the place that names them.
        func require(_ name: String?, _ location: SourceLocation?, _ what: String) {
            guard let name else { return }
            let path = spec.resolveExisting(name)
            var isFolder: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
            let irregular = PhysicalPath.irregularKind(path)
            guard !exists || isFolder.boolValue || irregular != nil else { return }
            // A file the pipeline does not name (the default rule set) is named where it was looked for.
            let named = location == nil ? "'\(path)' (the default when 'profiles.rules' is not given)" : "'\(name)'"
            let problem = !exists ? "does not exist" : isFolder.boolValue ? "is a folder" : "is \(irregular ?? "no file"), not a file"
            missing.append(Diagnostic(.error, at: location ?? SourceLocation(file: spec.file), rule: "spec.file",
                                      message: "the \(what) file \(named) \(problem)"))
        }
        let path = spec.resolveExisting(spec.profileRules.rules)
        require(spec.profileRules.rules, spec.profileRules.location, "rule-set")
        require(spec.evidence.literatureStudies, spec.evidence.literatureStudiesLocation, "literature studies")
        require(spec.evidence.literatureConclusions, spec.evidence.literatureConclusionsLocation, "literature conclusions")
        // Without every file, or without a readable rule set, `pool_with` is said as far as the
        // pipeline file alone can, with those problems.
        guard missing.isEmpty else {
            throw SpecError((missing + spec.poolProblemsWithoutRuleSet()).sorted { $0.location < $1.location })
        }
        let ruleSetAsWritten: RuleSet
        let ruleSetBeforeReading = InputSnapshot([path])
        do {
            ruleSetAsWritten = try RuleSet.load(path: path, displayName: path)
        } catch {
            throw SpecError(error.diagnostics + spec.poolProblemsWithoutRuleSet())
        }
        let (ruleSet, thresholdProblems) = ruleSetAsWritten.settingThresholds(spec.profileRules.thresholds)
        guard thresholdProblems.isEmpty else { throw SpecError(thresholdProblems) }
        var loaded = LoadedPipeline(spec: spec, files: files, ruleSet: ruleSet, ruleSetPath: path)
        loaded.definitionsBeforeReading = pipelineBeforeReading + ruleSetBeforeReading
        let unknown = loaded.unknownPoolChoices()
        guard unknown.isEmpty else { throw SpecError(unknown) }
        return loaded
    }

    /// The trial comparisons `evidence.pool_with` may name: every outcome, everyone randomised
    /// (`all`) or one randomised profile, every arm against the reference, every analysed visit.
    var poolableComparisons: [String] {
        guard let plan = spec.effectiveAnalysis else { return [] }
        return EvidenceSpec.poolableComparisons(plan: plan, arms: arms, profiles: Self.codes(ruleSet.profiles.filter(\.randomise)))
    }

    /// An error for each `pool_with` entry listed again or naming no comparison of the trial.
    /// (With other problems in the pipeline file, the loader said what it could without the rule set.)
    private func unknownPoolChoices() -> [Diagnostic] {
        let comparisons = poolableComparisons
        let known = Set(comparisons)
        return spec.evidence.poolProblems(example: comparisons.first) { known.contains($0) }
    }

    /// A warning for each field the rule set reads that no input collects, directly or through a
    /// field it is derived from: its rules see it as missing for every participant (an urgent
    /// sign never assessed, a profile never decided), which the pipeline file should say on
    /// purpose. Located at the pipeline's `profiles.rules`.
    public var unmappedRuleInputs: [Diagnostic] {
        let mapped = Set(spec.fields.fields + spec.inputs.flatMap(\.fields.fields))
        return ruleSet.inputFields.filter { !DerivedInputs.isAvailable($0, mapped: mapped) }.map { field in
            Diagnostic(.warning, at: spec.profileRules.location ?? SourceLocation(file: spec.file), rule: "profile.input-not-mapped",
                       message: "the rule set '\(ruleSet.identity)' reads '\(field.name)', which no input collects: "
                           + "every participant's rules see it as missing",
                       field: field.name)
        }
    }

    /// A warning for each outcome of the analysis whose field no input collects (directly or
    /// through a field it is derived from): every participant misses it at every visit, so its
    /// rows report no one measured, and its non-responder imputation counts everyone a
    /// non-responder. Located at the pipeline's `analysis:` key, else at the file's first line.
    public var uncollectedOutcomes: [Diagnostic] {
        guard let plan = spec.effectiveAnalysis else { return [] }
        // Each input's own fields (a visit field mapped for all is no participants input's).
        let mapped = Set(spec.inputs.flatMap(\.fields.fields))
        let place = spec.analysisLocation ?? SourceLocation(file: spec.file, line: 1, column: 1)
        return plan.outcomes.filter { !DerivedInputs.isAvailable($0.field, mapped: mapped) }.map { outcome in
            Diagnostic(.warning, at: place, rule: "analysis.outcome-not-collected",
                       message: "the outcome '\(outcome.name)' reads '\(outcome.field.name)', which no input collects: "
                           + "every participant misses it at every visit",
                       field: outcome.field.name)
        }
    }

    /// A warning when the pipeline file does not describe the trial's design (`evidence.study`):
    /// the trial's own comparisons then go into no evidence table, conclusion or summary of
    /// findings, which would otherwise be empty (or hold literature only) with nothing said.
    public var undescribedOwnStudy: [Diagnostic] {
        guard spec.evidence.design == nil else { return [] }
        // At the `evidence:` section, or the file's first line without one.
        let place = spec.evidence.location ?? SourceLocation(file: spec.file, line: 1, column: 1)
        return [Diagnostic(.warning, at: place, rule: "evidence.no-study",
                           message: "the pipeline file has no 'evidence.study' (the trial's design), so the trial's own "
                               + "comparisons are in no evidence table, conclusion or summary of findings")]
    }

    /// What `check`, `validate` and `run` warn about the pipeline file as a whole:
    /// ``unmappedRuleInputs``, ``uncollectedOutcomes`` and ``undescribedOwnStudy``.
    public var pipelineWarnings: [Diagnostic] { unmappedRuleInputs + uncollectedOutcomes + undescribedOwnStudy }

    /// ``pipelineWarnings`` as `issues.csv` holds them: the pipeline named by its file name,
    /// as every report names it, so that the reports do not change with the working directory.
    var reportedPipelineWarnings: [Diagnostic] {
        pipelineWarnings.map { warning in
            var reported = warning
            reported.location.file = spec.displayFileName
            return reported
        }
    }

    /// The files whose rows a run may reject, as its reports name them: the inputs, then the
    /// literature tables. Each one's rejected rows get a file in `rejected/` named after it.
    var rejectableFileNames: [String] {
        let literature = [spec.evidence.literatureStudies, spec.evidence.literatureConclusions].compactMap { $0 }
        return files.map(\.displayName) + literature.map(spec.displayName)
    }

    /// Every file a run reads, as paths usable from the working directory: the pipeline file
    /// (`pipeline`, as given), its inputs, the rule set and the literature files.
    func filesRead(pipeline: String) -> [String] {
        [pipeline, ruleSetPath] + dataFiles
    }

    /// The files a run reads after loading: the inputs, then the literature files.
    var dataFiles: [String] {
        files.map(\.path) + literatureFiles
    }

    /// The literature studies and conclusions files the pipeline names, as paths.
    var literatureFiles: [String] {
        [spec.evidence.literatureStudies, spec.evidence.literatureConclusions].compactMap { $0 }.map(spec.resolve)
    }

    /// Profile codes in rule-set order, subdivisions in place of split profiles (`1`, `2`, `3a`, `3b`).
    public var profileOrder: [String] { Self.codes(ruleSet.profiles) }

    /// The codes of `profiles` in order, subdivisions in place of split profiles.
    private static func codes(_ profiles: [ProfileDefinition]) -> [String] {
        profiles.flatMap { $0.split.isEmpty ? [$0.code] : $0.split.map(\.code) }
    }

    /// The study's arms in pipeline order.
    public var arms: [Arm] {
        spec.vocabularies.arms.map(\.arm).sorted()
    }
}

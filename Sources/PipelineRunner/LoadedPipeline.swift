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

    /// Loads the pipeline file and its rule set, and checks that the literature files it names
    /// exist; every problem is located (file, line, column).
    public static func load(_ pipeline: String) throws(SpecError) -> LoadedPipeline {
        let spec = try PipelineSpec.load(path: pipeline)
        let files = try spec.inputFiles()
        var missing: [Diagnostic] = []
        func require(_ name: String?, _ location: SourceLocation?, _ what: String) {
            guard let name else { return }
            let path = spec.resolve(name)
            guard !FileManager.default.fileExists(atPath: path) else { return }
            missing.append(Diagnostic(.error, at: location ?? SourceLocation(file: spec.file), rule: "spec.file",
                                      message: "the \(what) file '\(path)' does not exist"))
        }
        let path = spec.resolve(spec.profileRules.rules)
        require(spec.profileRules.rules, spec.profileRules.location, "rule-set")
        require(spec.evidence.literatureStudies, spec.evidence.literatureStudiesLocation, "literature studies")
        require(spec.evidence.literatureConclusions, spec.evidence.literatureConclusionsLocation, "literature conclusions")
        guard missing.isEmpty else { throw SpecError(missing) }
        let ruleSet = try RuleSet.load(path: path, displayName: path)
        return LoadedPipeline(spec: spec, files: files, ruleSet: ruleSet, ruleSetPath: path)
    }

    /// Every file a run reads, as paths usable from the working directory: the pipeline file
    /// (`pipeline`, as given), its inputs, the rule set and the literature files.
    func filesRead(pipeline: String) -> [String] {
        let literature = [spec.evidence.literatureStudies, spec.evidence.literatureConclusions].compactMap { $0 }
        return [pipeline, ruleSetPath] + files.map(\.path) + literature.map(spec.resolve)
    }

    /// Profile codes in rule-set order, subdivisions in place of split profiles (`1`, `2`, `3a`, `3b`).
    public var profileOrder: [String] {
        ruleSet.profiles.flatMap { $0.split.isEmpty ? [$0.code] : $0.split.map(\.code) }
    }

    /// The study's arms in pipeline order.
    public var arms: [Arm] {
        spec.vocabularies.arms.map(\.arm).sorted()
    }
}

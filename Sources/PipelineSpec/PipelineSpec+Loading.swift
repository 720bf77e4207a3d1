import Foundation
import StudyModel

extension PipelineSpec {
    /// Reads and checks a pipeline file. Throws every problem of the file at once, each with the
    /// file, line and column; nothing else (no input file) is read.
    public static func load(path: String) throws(SpecError) -> PipelineSpec {
        let reader = YAMLReader(file: path)
        let root = reader.parseFile(atPath: path)
        return try build(root, reader: reader, file: path)
    }

    /// Checks pipeline text as if it were the file `file` (for tests and tools that hold the text).
    public static func parse(_ text: String, file: String) throws(SpecError) -> PipelineSpec {
        let reader = YAMLReader(file: file)
        let root = reader.parse(text)
        return try build(root, reader: reader, file: file)
    }

    private static func build(_ root: YAMLValue?, reader: YAMLReader, file: String) throws(SpecError) -> PipelineSpec {
        guard let mapping = root?.mapping() else {
            try reader.finish()
            throw SpecError([Diagnostic(.error, at: SourceLocation(file: file), rule: "spec", message: "the pipeline file is empty")])
        }
        let loader = SpecLoader(reader: reader, file: file)
        let spec = loader.load(mapping)
        // `pool_with` is checked whole once the rule set is loaded (``LoadedPipeline``); when the
        // file has other problems, what can be told without the rule set is said with them. A
        // visit declared with a problem of its own, or outcomes that could not all be read, are
        // not blamed on an entry.
        if reader.hasErrors, let spec {
            let brokenVisits = loader.state.declaredVisitNames.filter { spec.schedule.timepoint(named: $0) == nil }
            for problem in spec.poolProblemsWithoutRuleSet(excusingVisits: brokenVisits, outcomesKnown: !loader.state.outcomesIncomplete) {
                reader.error(problem.message, at: problem.location, rule: problem.rule)
            }
        }
        try reader.finish()
        guard let spec else {
            throw SpecError([Diagnostic(.error, at: SourceLocation(file: file), rule: "spec", message: "the pipeline file is incomplete")])
        }
        return spec
    }

    /// The pipeline name: the file name without folder and `.yml`/`.yaml`.
    static func name(ofFile file: String) -> String {
        let base = PathText.fileName(file)
        for suffix in [".yml", ".yaml"] where base.hasSuffix(suffix) {
            return String(base.dropLast(suffix.count))
        }
        return base
    }
}

/// Reads the sections of a pipeline file in dependency order (schedule before visit names,
/// vocabularies before expectations that name codes) and records every problem on the reader.
struct SpecLoader {
    let reader: YAMLReader
    let file: String
    let state = LoaderState()

    func load(_ root: YAMLMapping) -> PipelineSpec? {
        let study = loadStudy(root.required("study"))
        let report = root["report"].map(loadReport) ?? ReportSettings()
        let schedule = root["visits"].map(loadSchedule) ?? VisitSchedule()
        let missingCodes = root["missing_codes"].map(loadMissingCodes) ?? MissingCodes()
        let vocabularies = loadVocabularies(root["vocabularies"], schedule: schedule)
        let problemsBeforeMappings = reader.diagnostics.count
        let fields = root["fields"].map { loadFieldMapping($0) } ?? FieldMapping()
        let inputs = root.required("inputs").map { loadInputs($0, fields: fields) } ?? []
        // A mapping with a problem of its own (an unknown field, say) may be the one meant.
        let mappingsComplete = reader.diagnostics.count == problemsBeforeMappings
        let expectations = root["expectations"].map { loadExpectations($0, vocabularies: vocabularies, schedule: schedule) }
            ?? Expectations()
        let profileRules = root["profiles"].map(loadProfiles) ?? ProfileRulesSettings()
        let analysis = root["analysis"].flatMap {
            loadAnalysis($0, vocabularies: vocabularies, schedule: schedule, expectations: expectations, inputs: inputs)
        }
        let publication = root["publication"].map(loadPublication) ?? PublicationSettings()
        var evidence = root["evidence"].map(loadEvidence) ?? EvidenceSpec()
        evidence.location = root.keyLocation("evidence")
        root.rejectUnknownKeys()

        // An analysis section without a reference arm says so itself; an empty one (null) does not.
        if let arms = state.armsWithoutReference, root["analysis"] == nil {
            arms.error("no arm is marked 'reference: true'; comparisons need a reference arm "
                + "(or set 'analysis.reference_arm')", rule: "spec.reference-arm")
        }
        checkSchedule(schedule, inputs: inputs, root: root)
        if mappingsComplete { checkRequiredFieldsCollected(fields, inputs: inputs) }
        checkMissingCodes(missingCodes, vocabularies: vocabularies, root: root)
        checkArms(vocabularies, inputs: inputs, root: root)
        checkParticipantRows(vocabularies, inputs: inputs)
        checkConstantSites(vocabularies, expectations: expectations, inputs: inputs)

        guard let study else { return nil }
        var spec = PipelineSpec(
            file: file, name: PipelineSpec.name(ofFile: file), study: study, report: report, inputs: inputs,
            fields: fields, vocabularies: vocabularies, missingCodes: missingCodes, schedule: schedule,
            expectations: expectations, profileRules: profileRules, analysis: analysis, publication: publication,
            evidence: evidence)
        spec.analysisLocation = root.keyLocation("analysis")
        checkEvidenceOutcomes(spec.effectiveAnalysis)
        return spec
    }

    /// A setting under `evidence` for an outcome the analysis does not have (a misspelt name)
    /// would change nothing, and the grade it was meant to change would stand unremarked.
    private func checkEvidenceOutcomes(_ plan: AnalysisPlan?) {
        guard let plan, !state.outcomesIncomplete else { return }
        let names = plan.outcomes.map(\.name)
        for key in state.evidenceOutcomeKeys where !names.contains(key.name) {
            reader.error("'\(key.name)' in 'evidence.\(key.section)' is not an outcome of the analysis "
                + "(expected one of \(names.map { "'\($0)'" }.joined(separator: ", ")))", at: key.location, rule: "spec.choice")
        }
    }

    // MARK: - study, report

    private func loadStudy(_ value: YAMLValue?) -> StudySettings? {
        guard let mapping = value?.mapping() else { return nil }
        let name = mapping.required("name")?.nonBlankLine()
        let description = mapping["description"]?.oneLineString()
        mapping.rejectUnknownKeys()
        return name.map { StudySettings(name: $0, description: description) }
    }

    private func loadReport(_ value: YAMLValue) -> ReportSettings {
        guard let mapping = value.mapping() else { return ReportSettings() }
        var settings = ReportSettings()
        if let output = mapping["output"], let text = output.oneLineString() {
            if text.allSatisfy(\.isWhitespace) { output.error("'report.output' must not be empty", rule: "spec.empty") }
            settings.output = text
            settings.outputLocation = output.location
        }
        if let budget = mapping["max_errors"], let count = budget.int() {
            if count < 0 {
                budget.error("'report.max_errors' must be 0 or more, found \(count)", rule: "spec.range")
            } else {
                settings.maxErrors = count
            }
        }
        mapping.rejectUnknownKeys()
        return settings
    }
}

import StudyModel

/// A pipeline file, read and checked: which exports to read, how their columns map to canonical
/// fields, the vocabularies, missing-value codes, the visit schedule and the expectations.
///
/// Built only by ``PipelineSpec/load(path:)`` or ``PipelineSpec/parse(_:file:)``, which reject
/// every problem of the file (with its YAML line and column) before any data is read. The format
/// is described in `Sources/PipelineSpec/README.md`.
public struct PipelineSpec: Sendable, Hashable {
    /// The pipeline file as the user named it.
    public var file: String
    /// The file name without folder and `.yml`/`.yaml` extension (names the default report folder).
    public var name: String
    public var study: StudySettings
    public var report: ReportSettings
    /// The inputs in file order, each with its effective field mapping.
    public var inputs: [InputSpec]
    /// The pipeline-wide field mapping (before per-input overrides).
    public var fields: FieldMapping
    public var vocabularies: Vocabularies
    public var missingCodes: MissingCodes
    public var schedule: VisitSchedule
    public var expectations: Expectations
    /// `profiles:` the rule-set file, as written (relative to the pipeline file).
    public var profileRules = ProfileRulesSettings()
    /// `analysis:` outcomes, timepoints, reference arm, responder rules; defaults when absent.
    public var analysis: AnalysisPlan?
    /// Where the `analysis:` key is written (nil without one), for a warning about the plan.
    public var analysisLocation: SourceLocation?
    /// `publication:` settings of the publication tables.
    public var publication = PublicationSettings()
    /// `evidence:` EBRO variant, study design, GRADE inputs and the literature table.
    public var evidence = EvidenceSpec()

    /// The folder of the pipeline file (`""` when it was named without one); relative paths in
    /// the file are relative to it.
    public var directory: String {
        guard let slash = file.lastIndex(of: "/") else { return "" }
        return String(file[..<slash])
    }

    /// Whether any input holds participant rows (a participants input, or a visits input with
    /// `participant_rows`): then every visit must belong to a participant read from one.
    public var hasParticipantRows: Bool {
        inputs.contains { $0.holds == .participants || !$0.participantRows.isEmpty }
    }

    /// The pipeline file as report bodies name it: its file name alone, so that a report does not
    /// change with the working directory or with how the pipeline's path was typed.
    public var displayFileName: String { PathText.fileName(file) }

    /// A path written in the pipeline file as report bodies name it: as written, relative to the
    /// pipeline file (without `.` segments; a `..` folded unless it follows a link, as the system
    /// reads it), as input files are named. Unlike ``resolve(_:)`` it does not
    /// change with the working directory or with how the pipeline's path was typed.
    public func displayName(_ path: String) -> String {
        PhysicalPath.folded(path, base: directory)
    }

    /// A path written in the pipeline file, as a path usable from the working directory.
    ///
    /// A `..` after a link is kept for the system to resolve (``PhysicalPath/folded(_:base:)``):
    /// `link/../visits.csv` leads out of the folder the link names, not back beside the link.
    public func resolve(_ path: String) -> String {
        PhysicalPath.folded(path.hasPrefix("/") || directory.isEmpty ? path : directory + "/" + path)
    }

    /// ``resolve(_:)`` for a file the pipeline reads (the rule set, a literature table): a name
    /// not found as written is looked up in its folder composed (NFC), as input paths are, before
    /// the path is folded, so that a `..` after a link spelt either way leads where the link
    /// does. A folder lbp writes (the report folder) is named exactly as written.
    public func resolveExisting(_ path: String) -> String {
        PhysicalPath.folded(Glob.spelledOnDisk(path.hasPrefix("/") || directory.isEmpty ? path : directory + "/" + path))
    }
}

/// `study:` the study's name and description, shown in reports.
public struct StudySettings: Sendable, Hashable {
    public var name: String
    public var description: String?

    public init(name: String, description: String? = nil) {
        self.name = name
        self.description = description
    }
}

/// `report:` where outputs go and how many errors a run tolerates.
public struct ReportSettings: Sendable, Hashable {
    /// The output folder as written; nil means the default `Reports/<pipeline name>` relative to
    /// the working directory.
    public var output: String?
    /// Where `report.output` is written, for a problem with the folder it names.
    public var outputLocation: SourceLocation?
    /// Error-severity issues tolerated before a run fails (exit code 1); 0 by default.
    public var maxErrors: Int

    public init(output: String? = nil, maxErrors: Int = 0) {
        self.output = output
        self.maxErrors = maxErrors
    }
}

extension PipelineSpec {
    /// The output folder to use: `report.output` resolved against the pipeline file's folder, or
    /// `Reports/<name>` relative to the working directory.
    public var outputFolder: String {
        if let output = report.output { return resolve(output) }
        return "Reports/" + name
    }
}

/// Small lexical path helpers (no file system access).
public enum PathText {
    /// Removes `.` segments, folds `dir/..` and doubled slashes; keeps leading `..`. By text
    /// alone: ``PhysicalPath/folded(_:base:)`` keeps a `..` that follows a link.
    public static func normalise(_ path: String) -> String {
        normalise(path) { _ in false }
    }

    /// ``normalise(_:)``, keeping a `..` where `keepsParent` says so of the parts before it.
    static func normalise(_ path: String, keepsParent: ([Substring]) -> Bool) -> String {
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != "..", !keepsParent(parts) {
                parts.removeLast()
                continue
            }
            if part == "..", absolute, parts.isEmpty { continue }
            parts.append(part)
        }
        let joined = parts.joined(separator: "/")
        if absolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }

    /// The last path component.
    public static func fileName(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }
}

/// `profiles:` which rule set assigns profiles, and the thresholds the study sets for it.
public struct ProfileRulesSettings: Sendable, Hashable {
    /// The rule-set file relative to the pipeline file; the shipped 2010 guideline by default.
    public var rules: String
    /// Where the pipeline file names it; nil for the default.
    public var location: SourceLocation?
    /// `thresholds:` the `at_least` counts the pipeline file sets for named rules of the rule
    /// set, in the order written; checked against the rule set when it is loaded.
    public var thresholds: [Threshold]

    /// One `thresholds:` entry: the named `at_least` rule and its new count.
    public struct Threshold: Sendable, Hashable {
        public var rule: String
        public var atLeast: Int
        /// Where the rule's name and the count are written.
        public var ruleLocation: SourceLocation
        public var countLocation: SourceLocation

        public init(rule: String, atLeast: Int, ruleLocation: SourceLocation, countLocation: SourceLocation) {
            self.rule = rule
            self.atLeast = atLeast
            self.ruleLocation = ruleLocation
            self.countLocation = countLocation
        }
    }

    public static let defaultRules = "rules/guideline-2010.yml"

    public init(rules: String = ProfileRulesSettings.defaultRules, location: SourceLocation? = nil, thresholds: [Threshold] = []) {
        self.rules = rules
        self.location = location
        self.thresholds = thresholds
    }
}

/// `publication:` how publication tables protect small counts.
public struct PublicationSettings: Sendable, Hashable {
    /// Counts below this are shown as `<threshold` and their complements suppressed.
    public var smallCellThreshold: Int

    public init(smallCellThreshold: Int = 5) {
        self.smallCellThreshold = smallCellThreshold
    }
}

extension PipelineSpec {
    /// The default outcomes that some input collects (maps a column to, or derives): a default
    /// outcome no input collects would report every participant as missing it (and as a
    /// non-responder under NRI). All of them when no input collects any.
    static func defaultOutcomes(collectedBy inputs: [InputSpec]) -> [OutcomePlan] {
        let collected = AnalysisPlan.defaultOutcomes.filter { outcome in inputs.contains { $0.fields[outcome.field] != nil } }
        return collected.isEmpty ? AnalysisPlan.defaultOutcomes : collected
    }

    /// The analysis plan in force: the file's `analysis:` section, or the defaults (RMDQ, pain NRS
    /// and ODI with Ostelo responders and GPE success, those that some input collects, at every
    /// follow-up visit of the schedule, against the reference arm), with the schedule's week-0
    /// visit, whatever its name, as the baseline. nil only when no reference arm is known.
    public var effectiveAnalysis: AnalysisPlan? {
        var plan: AnalysisPlan
        if let analysis {
            plan = analysis
        } else {
            guard let reference = vocabularies.referenceArm else { return nil }
            plan = AnalysisPlan.defaults(referenceArm: reference.id)
            // The schedule's follow-ups, as with an `analysis:` section: none without a schedule.
            plan.timepoints = schedule.timepoints.filter { !$0.isBaseline }.map(\.name)
            plan.outcomes = PipelineSpec.defaultOutcomes(collectedBy: inputs)
        }
        if let baseline = schedule.timepoints.first(where: \.isBaseline) { plan.baseline = baseline.name }
        return plan
    }
}

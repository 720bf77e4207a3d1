import StudyModel

/// `evidence:` how the study's results and the literature are graded and summarised.
///
/// Kept as plain settings here (the pipeline file's words); the runner turns them into the
/// Evidence module's types.
public struct EvidenceSpec: Sendable, Hashable {
    /// The largest `planned_size` a pipeline file may give: far beyond any trial, and small
    /// enough that sizes per comparison cannot overflow.
    public static let largestPlannedSize = 100_000_000
    /// Design of this study as the protocol states it; the achieved size and the losses to
    /// follow-up are counted from the data.
    public struct Design: Sendable, Hashable {
        public var year: Int?
        public var studyType: String
        public var inclusionCriteria: String
        public var randomised: Bool
        public var doubleBlind: Bool
        public var allocationConcealed: Bool
        public var plannedSize: Int?
    }

    /// One declared GRADE judgement: levels to move (0...2) and why.
    public struct Declaration: Sendable, Hashable {
        public var levels: Int
        public var reason: String

        public init(levels: Int, reason: String) {
            self.levels = levels
            self.reason = reason
        }
    }

    /// The judgements data cannot make, per outcome name.
    public struct Declarations: Sendable, Hashable {
        public var indirectness: Declaration?
        public var publicationBias: Declaration?
        public var largeEffect: Declaration?
        public var doseResponse: Declaration?
        public var plausibleConfounding: Declaration?
    }

    /// Where the pipeline file's `evidence:` key is; nil without one.
    public var location: SourceLocation?
    /// `A` (current database notes) or `B` (older CBO table); named in every report.
    public var variant: String = "A"
    public var design: Design?
    /// The outcome's decision thresholds for GRADE imprecision (e.g. the minimal important change
    /// of the difference), by outcome name.
    public var decisionThresholds: [String: [Double]] = [:]
    public var declarations: [String: Declarations] = [:]
    /// A literature evidence table: studies and conclusions files, relative to the pipeline file.
    public var literatureStudies: String?
    public var literatureConclusions: String?
    /// Where the pipeline file names them, for a file that does not exist.
    public var literatureStudiesLocation: SourceLocation?
    public var literatureConclusionsLocation: SourceLocation?
    /// `pool_with`: the trial's comparisons (conclusion ids such as
    /// `rmdq/all/motor_control-vs-general_exercise/week12`) that join a literature pool when
    /// several of them share its key, with where the pipeline file names each.
    public var poolWith: [PoolChoice] = []

    /// One entry of `pool_with`.
    public struct PoolChoice: Sendable, Hashable {
        public var id: String
        public var location: SourceLocation

        /// The problem of an entry that names none of the trial's comparisons, `example` being one that it has.
        func unknown(example: String?) -> Diagnostic {
            Diagnostic(.error, at: location, rule: "spec.pool-with",
                       message: "'\(id)' in 'pool_with' is none of the trial's comparisons; they are named "
                           + "outcome/profile/arm-vs-reference/visit, e.g. '\(example ?? "rmdq/all/arm-vs-reference/week12")'",
                       value: id)
        }
    }

    /// The problems of `pool_with`, each entry said once: an entry listed again, or one
    /// `isComparison` does not take for a comparison of the trial (`example` being one that is).
    public func poolProblems(example: String?, isComparison: (String) -> Bool) -> [Diagnostic] {
        var listed: Set<String> = []
        return poolWith.compactMap { choice in
            guard listed.insert(choice.id).inserted else {
                return Diagnostic(.error, at: choice.location, rule: "spec.duplicate",
                                  message: "'\(choice.id)' is listed twice in 'pool_with'", value: choice.id)
            }
            return isComparison(choice.id) ? nil : choice.unknown(example: example)
        }
    }

    /// The trial comparisons `pool_with` may name, for the profile codes a rule set randomises
    /// (`all` stands for everyone randomised): every outcome, every arm against the reference,
    /// every analysed visit.
    public static func poolableComparisons(plan: AnalysisPlan, arms: [Arm], profiles: [String]) -> [String] {
        let others = arms.sorted().map(\.id).filter { $0 != plan.referenceArm }
        return plan.outcomes.flatMap { outcome in
            (["all"] + profiles).flatMap { profile in
                others.flatMap { arm in
                    plan.timepoints.map { "\(outcome.name)/\(profile)/\(arm)-vs-\(plan.referenceArm)/\($0)" }
                }
            }
        }
    }

    public init() {}
}

extension PipelineSpec {
    /// The problems of `evidence.pool_with` the pipeline file alone can tell, for when the rule
    /// set (which knows the profile codes) cannot be read: each entry once, and each naming an
    /// outcome, an arm against the reference and a visit of the analysis. A visit in
    /// `excusingVisits`, or any outcome when `outcomesKnown` is false, is taken on trust.
    public func poolProblemsWithoutRuleSet(excusingVisits: Set<String> = [], outcomesKnown: Bool = true) -> [Diagnostic] {
        guard let plan = effectiveAnalysis else { return [] }
        let arms = vocabularies.arms.map(\.arm)
        let example = EvidenceSpec.poolableComparisons(plan: plan, arms: arms, profiles: []).first
        let comparisons = Set(arms.filter { $0.id != plan.referenceArm }.map { "\($0.id)-vs-\(plan.referenceArm)" })
        return evidence.poolProblems(example: example) { id in
            let parts = id.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 4 else { return false }
            return (!outcomesKnown || plan.outcomes.contains { $0.name == parts[0] }) && !parts[1].isEmpty
                && comparisons.contains(parts[2]) && (plan.timepoints.contains(parts[3]) || excusingVisits.contains(parts[3]))
        }
    }
}

extension SpecLoader {
    func loadEvidence(_ value: YAMLValue) -> EvidenceSpec {
        var spec = EvidenceSpec()
        guard let mapping = value.mapping() else { return spec }
        if let variant = mapping["variant"], let text = variant.string() {
            if ["A", "B"].contains(text.uppercased()) {
                spec.variant = text.uppercased()
            } else {
                variant.error("unknown EBRO variant '\(text)' (expected 'A' or 'B')", rule: "spec.choice")
            }
        }
        if let study = mapping.mapping("study") {
            let year = study.int("year")
            // Cells of evidence_table.csv and lines of the reports: one line each.
            let type = study.required("type")?.nonBlankLine()
            let inclusion = study.required("inclusion")?.nonBlankLine()
            let randomised = study.required("randomised")?.bool()
            let blinded = study.required("double_blind")?.bool()
            let concealed = study.required("allocation_concealed")?.bool()
            let planned = study.int("planned_size")
            if let planned, !(1...EvidenceSpec.largestPlannedSize).contains(planned) {
                study["planned_size"]?.error("'planned_size' must lie between 1 and \(EvidenceSpec.largestPlannedSize), found \(planned)",
                                             rule: "spec.range")
            }
            study.rejectUnknownKeys()
            if let type, let inclusion, let randomised, let blinded, let concealed {
                spec.design = EvidenceSpec.Design(year: year, studyType: type, inclusionCriteria: inclusion,
                                                  randomised: randomised, doubleBlind: blinded,
                                                  allocationConcealed: concealed, plannedSize: planned)
            }
        }
        if let thresholds = mapping.mapping("decision_thresholds") {
            for entry in thresholds.entries() {
                state.evidenceOutcomeKeys.append((entry.key, "decision_thresholds", entry.keyLocation))
                guard let items = entry.value.list() else { continue }
                let values = items.compactMap { $0.double() }
                if values.count == items.count { spec.decisionThresholds[entry.key] = values }
            }
        }
        if let declarations = mapping.mapping("declarations") {
            for entry in declarations.entries() {
                state.evidenceOutcomeKeys.append((entry.key, "declarations", entry.keyLocation))
                guard let domains = entry.value.mapping() else { continue }
                var declared = EvidenceSpec.Declarations()
                declared.indirectness = domains["indirectness"].flatMap(loadDeclaration)
                declared.publicationBias = domains["publication_bias"].flatMap(loadDeclaration)
                declared.largeEffect = domains["large_effect"].flatMap(loadDeclaration)
                declared.doseResponse = domains["dose_response"].flatMap(loadDeclaration)
                declared.plausibleConfounding = domains["plausible_confounding"].flatMap(loadDeclaration)
                domains.rejectUnknownKeys()
                spec.declarations[entry.key] = declared
            }
        }
        if let literature = mapping.mapping("literature") {
            let studies = literature.required("studies")
            let conclusions = literature.required("conclusions")
            spec.literatureStudies = studies?.string()
            spec.literatureConclusions = conclusions?.string()
            spec.literatureStudiesLocation = studies?.location
            spec.literatureConclusionsLocation = conclusions?.location
            literature.rejectUnknownKeys()
        }
        if let poolWith = mapping["pool_with"], let items = poolWith.list() {
            for item in items {
                if let id = item.string() { spec.poolWith.append(EvidenceSpec.PoolChoice(id: id, location: item.location)) }
            }
        }
        mapping.rejectUnknownKeys()
        return spec
    }

    private func loadDeclaration(_ value: YAMLValue) -> EvidenceSpec.Declaration? {
        guard let mapping = value.mapping() else { return nil }
        let levels = mapping.required("levels")?.int()
        // Printed beside the rating it explains: "indirectness -1 (<reason>)".
        let reason = mapping.required("reason")?.nonBlankLine()
        mapping.rejectUnknownKeys()
        if let levels, !(0...2).contains(levels) {
            mapping["levels"]?.error("'levels' must be 0, 1 or 2, found \(levels)", rule: "spec.range")
            return nil
        }
        guard let levels, let reason else { return nil }
        return EvidenceSpec.Declaration(levels: levels, reason: reason)
    }
}

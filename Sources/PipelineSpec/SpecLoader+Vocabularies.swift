import Foundation
import StudyModel

extension SpecLoader {
    // MARK: - visits (schedule)

    /// The latest visit week and the widest window a pipeline file may give: 100 years, far
    /// beyond any trial, and small enough that day arithmetic on them cannot overflow.
    static let latestWeek = 5_218
    static let widestWindowDays = 36_525

    /// `visits:` timepoint name → `{week, window_days}`; both required.
    func loadSchedule(_ value: YAMLValue) -> VisitSchedule {
        guard let mapping = value.mapping() else { return VisitSchedule() }
        var timepoints: [Timepoint] = []
        var weeks: [Int: String] = [:]
        // Source values match visit names without letter case, so two names may not differ in case only.
        var names: [String: String] = [:]
        for entry in mapping.entries() {
            let name = entry.key
            if !SpecLoader.isIdentifier(name) {
                reader.error("the visit name '\(name)' may hold only letters, digits, '_' and '-'",
                             at: entry.keyLocation, rule: "spec.visit-name")
            }
            if let other = names[Vocabularies.key(name)] {
                reader.error("the visit names '\(other)' and '\(name)' differ only in letter case, "
                    + "and visit codes match without it", at: entry.keyLocation, rule: "spec.duplicate-timepoint")
            } else {
                names[Vocabularies.key(name)] = name
            }
            // Declared, even when its week or window has a problem: that is reported here, and
            // the name is not reported again as an unknown visit where it is used.
            state.declaredVisitNames.insert(name)
            guard let visit = entry.value.mapping() else { continue }
            let weekValue = visit.required("week")
            let week = weekValue?.int()
            let windowValue = visit["window_days"]
            if windowValue == nil {
                visit.value.error("visit '\(name)' has no 'window_days'; every visit needs a window", rule: "spec.window")
            }
            let window = windowValue?.int()
            visit.rejectUnknownKeys()
            if let week, week < 0 {
                weekValue?.error("visit '\(name)' has a negative week \(week)", rule: "spec.range")
            } else if let week, week > Self.latestWeek {
                weekValue?.error("visit '\(name)' is at week \(week); a visit is at most \(Self.latestWeek) weeks (100 years) from baseline",
                                 rule: "spec.range")
            }
            if let window, window < 0 {
                windowValue?.error("visit '\(name)' has a negative window of \(window) days", rule: "spec.range")
            } else if let window, window > Self.widestWindowDays {
                windowValue?.error("visit '\(name)' has a window of \(window) days; a window is at most \(Self.widestWindowDays) days (100 years)",
                                   rule: "spec.range")
            }
            guard let week, (0...Self.latestWeek).contains(week) else { continue }
            if let other = weeks[week] {
                weekValue?.error("visits '\(other)' and '\(name)' are both at week \(week)", rule: "spec.duplicate-timepoint")
                continue
            }
            // The week is taken even when the window has a problem (reported above): a baseline
            // with a bad window is still the baseline, not also missing.
            weeks[week] = name
            guard let window, (0...Self.widestWindowDays).contains(window) else { continue }
            timepoints.append(Timepoint(name: name, week: week, windowDays: window))
        }
        if !mapping.isEmpty, !weeks.isEmpty, weeks[0] == nil {
            value.error("the visit schedule has no baseline visit at week 0", rule: "spec.baseline")
        }
        return VisitSchedule(timepoints)
    }

    /// `mapping[key]` as text, an error when it is blank or holds a line break: a name or label
    /// shown in the reports (an outcome's, an arm's) cannot be empty, where an empty cell means
    /// "not estimable", and is one line of a table or heading.
    func nonBlankString(_ mapping: YAMLMapping, _ key: String) -> String? {
        mapping[key]?.nonBlankLine()
    }

    static func isIdentifier(_ text: String) -> Bool {
        !text.isEmpty && text.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "_" || $0 == "-") }
    }

    // MARK: - missing codes

    /// `missing_codes:` `castor: true|false` and `codes:` a list of `{code, reason}`.
    func loadMissingCodes(_ value: YAMLValue) -> MissingCodes {
        guard let mapping = value.mapping() else { return MissingCodes() }
        var codes = MissingCodes(castor: mapping.bool("castor") ?? false)
        for item in mapping.list("codes") ?? [] {
            guard let entry = item.mapping() else { continue }
            let codeValue = entry.required("code")
            // A cell holding the code on one line is matched; a code with a line break never would be.
            let code = codeValue?.oneLineString()?.trimmingCharacters(in: .whitespaces)
            // Written to clean/missing.csv beside the code: what the code means.
            let reason = entry.required("reason")?.nonBlankLine()
            entry.rejectUnknownKeys()
            guard let code, let reason, let codeValue else { continue }
            if code.isEmpty {
                codeValue.error("a missing code must not be empty (empty cells are missing already)", rule: "spec.empty")
            } else if codes.declared[code] != nil {
                codeValue.error("the missing code '\(code)' is declared twice", rule: "spec.duplicate-code")
            } else if codes.castor, SpecLoader.isCastorCode(code) {
                codeValue.error("the missing code '\(code)' is already a Castor code ('castor: true')", rule: "spec.duplicate-code")
            } else if code == MissingReason.invalidCode {
                codeValue.error("the missing code '\(code)' is the reason lbp gives a value a rule empties; "
                    + "give the project's code another name", rule: "spec.duplicate-code")
            } else {
                codes.declared[code] = MissingCodes.reason(code: code, label: reason)
                state.codeLocations[code] = codeValue.location
            }
        }
        mapping.rejectUnknownKeys()
        return codes
    }

    static func isCastorCode(_ code: String) -> Bool {
        (95...99).contains { code == "-\($0)" || code == "##USER_MISSING_\($0)##" }
    }

    /// A declared missing code that is also a vocabulary code would make a real answer vanish.
    func checkMissingCodes(_ codes: MissingCodes, vocabularies: Vocabularies, root: YAMLMapping) {
        for code in codes.declared.keys.sorted() {
            let key = Vocabularies.key(code)
            let clash: String? =
                if vocabularies.booleans[key] != nil { "a boolean code" }
                else if vocabularies.sex[key] != nil { "a sex code" }
                else if vocabularies.armCodes[key] != nil { "an arm code" }
                else if vocabularies.visitNames[key] != nil { "a visit name" }
                else if vocabularies.sites[key] != nil { "a site code" }
                else { nil }
            if let clash {
                reader.error("the missing code '\(code)' is also \(clash); a real answer would be read as missing",
                             at: state.codeLocations[code] ?? root.location, rule: "spec.duplicate-code")
            }
        }
    }

    // MARK: - vocabularies

    func loadVocabularies(_ value: YAMLValue?, schedule: VisitSchedule) -> Vocabularies {
        var vocabularies = Vocabularies()
        // Without the section (or with an empty one), every visit still matches its own name.
        guard let mapping = value?.mapping() else {
            vocabularies.visitNames = loadVisitNames(nil, schedule: schedule)
            return vocabularies
        }
        if let booleans = mapping["booleans"] {
            vocabularies.booleans = loadCodeList(booleans, defaults: Vocabularies.defaultBooleans,
                                                 canonical: ["true": true, "false": false])
        }
        if let sex = mapping["sex"] {
            vocabularies.sex = loadCodeList(sex, defaults: Vocabularies.defaultSex, canonical: ["M": "M", "F": "F"])
        }
        if let sites = mapping["sites"] {
            vocabularies.sites = loadSites(sites)
        }
        if let arms = mapping["arms"] {
            (vocabularies.arms, vocabularies.armCodes) = loadArms(arms)
        }
        vocabularies.visitNames = loadVisitNames(mapping["visits"], schedule: schedule)
        mapping.rejectUnknownKeys()
        return vocabularies
    }

    /// A code list `{defaults: true|false, <canonical>: [codes...], ...}`: the pipeline's codes are
    /// added to the defaults (or replace them with `defaults: false`); a code the pipeline lists
    /// replaces the default meaning of that code; a code listed twice in the file is an error.
    private func loadCodeList<T: Hashable>(_ value: YAMLValue, defaults: [String: T], canonical: [String: T]) -> [String: T] {
        guard let mapping = value.mapping() else { return defaults }
        let keepDefaults = mapping.bool("defaults") ?? true
        var result = keepDefaults ? defaults : [:]
        var declared: [String: String] = [:]
        // Every canonical name is a known key, listed for an unknown one.
        for name in canonical.keys { _ = mapping[name] }
        // In file order, so that a code listed twice is reported where it is listed the second time.
        for name in mapping.keys where canonical[name] != nil {
            guard let target = canonical[name], let codes = mapping[name]?.list() else { continue }
            for code in codes {
                guard let text = code.string() else { continue }
                let key = Vocabularies.key(text)
                if key.isEmpty {
                    code.error("an empty code cannot stand for '\(name)'", rule: "spec.empty")
                } else if let other = declared[key] {
                    code.error("the code '\(text)' is already listed under '\(other)'", rule: "spec.duplicate-code")
                } else {
                    declared[key] = name
                    result[key] = target
                }
            }
        }
        mapping.rejectUnknownKeys()
        return result
    }

    /// `sites:` canonical site name → source codes; every site also matches its own name.
    private func loadSites(_ value: YAMLValue) -> [String: String] {
        guard let mapping = value.mapping() else { return [:] }
        var sites: [String: String] = [:]
        for entry in mapping.entries() {
            if entry.key.trimmingCharacters(in: .whitespaces).isEmpty {
                reader.error("a site name must not be empty", at: entry.keyLocation, rule: "spec.empty")
                continue
            }
            if entry.key.contains(where: \.isNewline) {
                reader.error("the site name '\(entry.key)' must be one line; it holds a line break", at: entry.keyLocation, rule: "spec.shape")
                continue
            }
            let own = Vocabularies.key(entry.key)
            if let other = sites[own], other != entry.key {
                reader.error("the site code '\(entry.key)' is already mapped to site '\(other)'", at: entry.keyLocation,
                             rule: "spec.duplicate-code")
                continue
            }
            sites[own] = entry.key
            guard let items = entry.value.list() else { continue }
            for item in items {
                guard let text = item.string() else { continue }
                let key = Vocabularies.key(text)
                if key.isEmpty {
                    item.error("an empty code cannot stand for site '\(entry.key)'", rule: "spec.empty")
                } else if let other = sites[key], other != entry.key {
                    item.error("the site code '\(text)' is already mapped to site '\(other)'", rule: "spec.duplicate-code")
                } else {
                    sites[key] = entry.key
                }
            }
        }
        return sites
    }

    /// `arms:` a list of `{id, label, codes, reference}`; ids and codes unique, one reference.
    private func loadArms(_ value: YAMLValue) -> ([ArmSpec], [String: String]) {
        guard let items = value.list() else { return ([], [:]) }
        var arms: [ArmSpec] = []
        var codes: [String: String] = [:]
        var references: [String] = []
        var unreadableReference = false
        var referenceMarked = false
        for (order, item) in items.enumerated() {
            guard let mapping = item.mapping() else { continue }
            let idValue = mapping.required("id")
            let id = idValue?.string()
            let label = nonBlankString(mapping, "label")
            let codeValues = mapping.required("codes")
            let referenceValue = mapping["reference"]
            let reference = referenceValue?.bool()
            if referenceValue != nil, reference == nil { unreadableReference = true }
            let isReference = reference ?? false
            // Marked, even on an arm with a problem of its own: no second error that none is.
            if isReference { referenceMarked = true }
            mapping.rejectUnknownKeys()
            guard let id, let idValue else { continue }
            if !SpecLoader.isIdentifier(id) {
                idValue.error("the arm id '\(id)' may hold only letters, digits, '_' and '-'", rule: "spec.arm")
                continue
            }
            if id.lowercased() == "all" {
                idValue.error("the arm id '\(id)' is reserved: reports use 'all' for the whole trial", rule: "spec.arm")
                continue
            }
            if arms.contains(where: { $0.arm.id == id }) {
                idValue.error("the arm id '\(id)' is declared twice", rule: "spec.duplicate-arm")
                continue
            }
            if isReference {
                if let first = references.first {
                    mapping["reference"]?.error("arms '\(first)' and '\(id)' are both marked as the reference; only one can be",
                                                rule: "spec.reference-arm")
                }
                references.append(id)
            }
            var written: [String] = []
            let codeItems: [YAMLValue] = if case .sequence = codeValues?.node { codeValues?.list() ?? [] } else { codeValues.map { [$0] } ?? [] }
            if let codeValues, case .sequence = codeValues.node, codeItems.isEmpty {
                codeValues.error("arm '\(id)' needs at least one code", rule: "spec.empty")
            }
            for code in codeItems {
                guard let text = code.string() else { continue }
                let key = Vocabularies.key(text)
                if key.isEmpty {
                    code.error("an empty code cannot stand for arm '\(id)'", rule: "spec.empty")
                } else if let other = codes[key] {
                    code.error("the arm code '\(text)' is already mapped to arm '\(other)'", rule: "spec.duplicate-code")
                } else {
                    codes[key] = id
                    written.append(text)
                }
            }
            arms.append(ArmSpec(arm: Arm(id: id, label: label ?? id, order: order), codes: written, isReference: isReference))
        }
        // 'analysis.reference_arm' may name it instead: judged once the analysis is read.
        if !arms.isEmpty, !referenceMarked, !unreadableReference { state.armsWithoutReference = value }
        return (arms, codes)
    }

    /// `visits:` timepoint → source names (REDCap event names, Castor repeating-data names). Every
    /// timepoint also matches its own name, so another timepoint's name cannot stand for it: a
    /// `week6` row would be read as that other visit.
    private func loadVisitNames(_ value: YAMLValue?, schedule: VisitSchedule) -> [String: String] {
        var names: [String: String] = [:]
        let ownNames = Dictionary(schedule.timepoints.map { (Vocabularies.key($0.name), $0.name) }) { first, _ in first }
        if let value, let mapping = value.mapping() {
            for entry in mapping.entries() {
                guard schedule.timepoint(named: entry.key) != nil || state.declaredVisitNames.contains(entry.key) else {
                    reader.error("'\(entry.key)' is not a visit of the schedule ('visits:')", at: entry.keyLocation,
                                 rule: "spec.unknown-visit")
                    continue
                }
                guard let items = entry.value.list() else { continue }
                for item in items {
                    guard let text = item.string() else { continue }
                    let key = Vocabularies.key(text)
                    if key.isEmpty {
                        item.error("an empty name cannot stand for visit '\(entry.key)'", rule: "spec.empty")
                    } else if let other = ownNames[key], other != entry.key {
                        item.error("'\(text)' is the name of visit '\(other)' of the schedule; it cannot also stand for '\(entry.key)'",
                                   rule: "spec.duplicate-code")
                    } else if let other = names[key] {
                        item.error("the visit name '\(text)' is already mapped to '\(other)'", rule: "spec.duplicate-code")
                    } else {
                        names[key] = entry.key
                    }
                }
            }
        }
        for timepoint in schedule.timepoints where names[Vocabularies.key(timepoint.name)] == nil {
            names[Vocabularies.key(timepoint.name)] = timepoint.name
        }
        return names
    }

    // MARK: - cross-section checks

    /// An input that holds visits needs a schedule to place its rows: no `visits:` at all, or an
    /// empty one, would reject every visit row. (A schedule whose entries all have problems says
    /// so at each entry.)
    func checkSchedule(_ schedule: VisitSchedule, inputs: [InputSpec], root: YAMLMapping) {
        guard schedule.timepoints.isEmpty, let visits = inputs.first(where: { $0.holds == .visits }) else { return }
        guard root.contains("visits") else {
            reader.error("input '\(visits.path)' holds visits, but the pipeline declares no 'visits' schedule",
                         at: visits.location, rule: "spec.schedule")
            return
        }
        // Written, but null or an empty mapping.
        let declared = root["visits"]
        let isEmpty = if let declared, case .mapping(let mapping) = declared.node { mapping.count == 0 } else { declared == nil }
        if isEmpty {
            reader.error("the visit schedule is empty, but input '\(visits.path)' holds visits; "
                + "declare each visit with its 'week' and 'window_days'",
                at: declared?.location ?? root.keyLocation("visits") ?? visits.location, rule: "spec.schedule")
        }
    }

    /// A name in `participant_rows` that is also a visit name would make a row both.
    /// An input's constant `site` must pass what a site column's value would: be one of the
    /// declared sites (when there are any) and, mapped to its canonical name, be allowed.
    func checkConstantSites(_ vocabularies: Vocabularies, expectations: Expectations, inputs: [InputSpec]) {
        for input in inputs {
            guard let site = input.site else { continue }
            let canonical = vocabularies.sites[Vocabularies.key(site)]
            if !vocabularies.sites.isEmpty, canonical == nil {
                reader.error("the site '\(site)' of input '\(input.path)' is not one of the sites in 'vocabularies.sites'",
                             at: state.inputSites[input.location] ?? input.location, rule: "spec.site")
                continue
            }
            let name = canonical ?? site.trimmingCharacters(in: .whitespacesAndNewlines)
            if let allowed = expectations[.site].allowed, !allowed.contains(name) {
                let list = allowed.map { "'\($0)'" }.joined(separator: ", ")
                reader.error("the site '\(name)' of input '\(input.path)' is not allowed for 'site' (allowed: \(list))",
                             at: state.inputSites[input.location] ?? input.location, rule: "spec.site")
            }
        }
    }

    func checkParticipantRows(_ vocabularies: Vocabularies, inputs: [InputSpec]) {
        for input in inputs {
            for name in input.participantRows.sorted() {
                if let visit = vocabularies.visitNames[name] {
                    let written = state.participantRowNames[input.location]?[name]
                    reader.error("'\(written?.text ?? name)' in 'participant_rows' of input '\(input.path)' is also a name of visit '\(visit)'",
                                 at: written?.location ?? input.location, rule: "spec.participant-rows")
                }
            }
        }
    }

    func checkArms(_ vocabularies: Vocabularies, inputs: [InputSpec], root: YAMLMapping) {
        guard vocabularies.arms.isEmpty else { return }
        for input in inputs {
            if let rule = input.fields[.arm] {
                reader.error("'arm' is mapped, but 'vocabularies.arms' declares no arms", at: rule.location, rule: "spec.arms")
            }
        }
    }
}

/// What one section tells the checks of a later one: where declared missing codes are written,
/// and which visit names were declared (even when their entry had a problem, so that one
/// mistake is not reported again as an unknown visit).
final class LoaderState {
    var codeLocations: [String: SourceLocation] = [:]
    var declaredVisitNames: Set<String> = []
    /// `vocabularies.arms` when no arm is marked `reference: true`.
    var armsWithoutReference: YAMLValue?
    /// The outcome names `evidence` keys its settings by, with the section and where each is
    /// written: each must be an outcome of the analysis.
    var evidenceOutcomeKeys: [(name: String, section: String, location: SourceLocation)] = []
    /// Where an input's constant `site` is written, by the location of the input's `path`.
    var inputSites: [SourceLocation: SourceLocation] = [:]
    /// Each `participant_rows` name as written and where, by its matching key and the location
    /// of the input's `path`.
    var participantRowNames: [SourceLocation: [String: (text: String, location: SourceLocation)]] = [:]
    /// Where `required: true` is written, per field.
    var requiredLocations: [Field: SourceLocation] = [:]
    /// An outcome of `analysis.outcomes` could not be read: its name is not known.
    var outcomesIncomplete = false
    /// Field mappings written with a problem reported there, by path (`fields.age`,
    /// `inputs[0].fields.age`).
    var unreadableMappings: Set<String> = []
}

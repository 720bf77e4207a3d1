import StudyModel
import Yams

extension SpecLoader {
    // MARK: - fields

    /// Reads a `fields:` mapping (pipeline-wide or per input). Keys are canonical field names.
    func loadFieldMapping(_ value: YAMLValue) -> FieldMapping {
        guard let mapping = value.mapping() else { return FieldMapping() }
        var rules: [Field: FieldRule] = [:]
        for entry in mapping.entries() {
            guard let field = Field(name: entry.key) else {
                reader.error("unknown canonical field '\(entry.key)' in \(value.displayPath)\(SpecLoader.fieldSuggestion(entry.key))",
                             at: entry.keyLocation, rule: "spec.unknown-field")
                continue
            }
            let problemsBefore = reader.diagnostics.count
            if let rule = loadFieldRule(entry.value, field: field) {
                rules[field] = rule
            } else if reader.diagnostics.count > problemsBefore {
                // Said at the mapping; the checks that need the field do not say it again.
                state.unreadableMappings.insert(entry.value.path)
            }
        }
        return FieldMapping(rules)
    }

    /// One field's rule: a column name, a list of alternative names, or a mapping with exactly
    /// one of `column`, `checkbox` (+ `option`) or `derive`, and optional `unit`/`date_format`.
    private func loadFieldRule(_ value: YAMLValue, field: Field) -> FieldRule? {
        let location = value.location
        guard case .mapping = value.node else {
            guard let names = value.strings() else { return nil }
            guard checkColumnNames(names, at: value) else { return nil }
            return FieldRule(source: .column(names), location: location)
        }
        guard let mapping = value.mapping() else { return nil }
        // A null is the same as leaving the key out; only a source left blank alone is said so.
        let sources = ["column", "checkbox", "derive"]
        let given = sources.filter { mapping.hasValue($0) }
        var source: FieldSource?
        if given.isEmpty, let blank = sources.first(where: { mapping.contains($0) }) {
            _ = mapping.required(blank)
        } else if given.count != 1 {
            value.error("'\(value.path)' needs exactly one of 'column', 'checkbox' or 'derive'", rule: "spec.field-source")
        } else if let column = mapping["column"] {
            if let names = column.strings(), checkColumnNames(names, at: column) { source = .column(names) }
        } else if let checkbox = mapping["checkbox"] {
            source = loadCheckbox(checkbox, mapping: mapping, field: field)
        } else if let derive = mapping["derive"] {
            if let derivation = derive.choice(Derivation.self) {
                if derivation.applies(to: field) {
                    source = .derived(derivation)
                } else {
                    derive.error("'\(field.name)' cannot be derived '\(derivation.rawValue)'\(derivationHint(field))",
                                 rule: "spec.derive")
                }
            }
        }
        var unit: DurationUnit?
        if let unitValue = mapping["unit"] {
            unit = unitValue.choice(DurationUnit.self)
            if field != .durationWeeks {
                unitValue.error("'unit' applies only to 'duration_weeks', not to '\(field.name)'", rule: "spec.unit")
            } else if case .derived = source {
                unitValue.error("'unit' applies only to a duration read from a column", rule: "spec.unit")
            }
        }
        var dateFormat: DateFormat?
        if let formatValue = mapping["date_format"] {
            dateFormat = formatValue.choice(DateFormat.self)
            if field.kind != .date {
                formatValue.error("'date_format' applies only to date fields; '\(field.name)' is \(field.kind.rawValue)",
                                  rule: "spec.date-format")
            }
        }
        // An option given without a checkbox; not again beside a checkbox left blank as the
        // field's only source, which is said above.
        let blankCheckbox = given.isEmpty && mapping.contains("checkbox")
        if !mapping.hasValue("checkbox"), mapping.hasValue("option"), !blankCheckbox {
            reader.error("'option' names a checkbox option; it goes with 'checkbox'", at: mapping.keyLocation("option") ?? location,
                         rule: "spec.checkbox")
        }
        // Every key a field rule knows is listed for an unknown one, whichever the rule uses.
        for key in FieldRule.keys { _ = mapping[key] }
        mapping.rejectUnknownKeys()
        guard let source else { return nil }
        return FieldRule(source: source, unit: unit, dateFormat: dateFormat, location: location)
    }

    private func loadCheckbox(_ checkbox: YAMLValue, mapping: YAMLMapping, field: Field) -> FieldSource? {
        let variable = checkbox.string()
        let option = mapping.required("option")?.string()
        if field.kind != .boolean {
            checkbox.error("a checkbox gives yes or no; '\(field.name)' is \(field.kind.rawValue)", rule: "spec.checkbox")
            return nil
        }
        guard let variable, let option else { return nil }
        if Vocabularies.key(variable).isEmpty || Vocabularies.key(option).isEmpty {
            checkbox.error("a checkbox needs a variable and an option name", rule: "spec.empty")
            return nil
        }
        return .checkbox(variable: variable, option: option)
    }

    private func checkColumnNames(_ names: [String], at value: YAMLValue) -> Bool {
        if names.contains(where: { Vocabularies.key($0).isEmpty }) {
            value.error("a column name in '\(value.path)' is empty", rule: "spec.empty")
            return false
        }
        return true
    }

    private func derivationHint(_ field: Field) -> String {
        let fitting = Derivation.allCases.filter { $0.applies(to: field) }.map { "'\($0.rawValue)'" }
        return fitting.isEmpty ? " (no derivation gives this field)" : " (use \(fitting.joined(separator: " or ")))"
    }

    // MARK: - inputs

    func loadInputs(_ value: YAMLValue, fields: FieldMapping) -> [InputSpec] {
        guard let items = value.list() else { return [] }
        if items.isEmpty {
            value.error("'inputs' must list at least one input", rule: "spec.empty")
        }
        var inputs: [InputSpec] = []
        var seenPaths: [String: String] = [:]
        for item in items {
            guard let input = loadInput(item, fields: fields) else { continue }
            if let earlier = seenPaths[input.path] {
                item.mapping()?["path"]?.error("the path '\(input.path)' is already read by '\(earlier)'", rule: "spec.duplicate-input")
            } else {
                seenPaths[input.path] = item.path
            }
            inputs.append(input)
        }
        return inputs
    }

    private func loadInput(_ value: YAMLValue, fields: FieldMapping) -> InputSpec? {
        guard let mapping = value.mapping() else { return nil }
        let pathValue = mapping.required("path")
        let path = pathValue?.string()
        if let path, path.isEmpty { pathValue?.error("'\(value.path).path' must not be empty", rule: "spec.empty") }
        let source = mapping.required("source")?.choice(SourceSystem.self)
        let holds = mapping.required("holds")?.choice(InputHolds.self)
        let delimiter = mapping["delimiter"].flatMap(loadDelimiter)
        let encoding = mapping.choice("encoding", TextEncoding.self)
        let decimalMark = mapping.choice("decimal_mark", DecimalMark.self)
        let dateFormat = mapping.choice("date_format", DateFormat.self)
        let site = nonBlankString(mapping, "site")
        let overrides = mapping["fields"].map { loadFieldMapping($0) } ?? FieldMapping()
        var participantRows: Set<String> = []
        if let rowsValue = mapping["participant_rows"], let names = rowsValue.strings() {
            if holds == .participants {
                rowsValue.error("'participant_rows' applies to inputs that hold visits", rule: "spec.participant-rows")
            }
            // An empty name would take the rows without an event for participant rows, where a
            // visit row without a visit is rejected.
            if names.contains(where: { Vocabularies.key($0).isEmpty }) {
                rowsValue.error("an event name in '\(rowsValue.path)' is empty", rule: "spec.empty")
            }
            participantRows = Set(names.map(Vocabularies.key).filter { !$0.isEmpty })
        }
        mapping.rejectUnknownKeys()
        guard let path, let source, let holds, let pathValue else { return nil }
        // Where the later checks point: at the setting, not at the input's path.
        if let siteValue = mapping["site"] { state.inputSites[pathValue.location] = siteValue.location }
        for item in mapping["participant_rows"]?.list() ?? [] {
            if let text = item.string() {
                state.participantRowNames[pathValue.location, default: [:]][Vocabularies.key(text)] = (text, item.location)
            }
        }
        var input = InputSpec(
            path: path, location: pathValue.location, source: source, holds: holds, delimiter: delimiter,
            encoding: encoding, decimalMark: decimalMark, dateFormat: dateFormat, site: site,
            fields: (holds == .participants ? fields.restricted(to: .participant) : fields).merging(overrides))
        input.participantRows = participantRows
        checkInput(input, at: value, mapping: mapping)
        return input
    }

    /// One byte: `,`, `;`, `|` or a tab (written `"\t"` or `tab`).
    private func loadDelimiter(_ value: YAMLValue) -> UInt8? {
        guard let text = value.string() else { return nil }
        switch text {
        case ",", ";", "|", "\t": return UInt8(ascii: text.unicodeScalars.first ?? ",")
        case "tab": return 0x09
        case "":
            // `delimiter: |` unquoted starts a YAML block of text, here an empty one.
            if case .scalar(let scalar) = value.node, scalar.style == .literal || scalar.style == .folded {
                value.error("the delimiter is empty; write '|' in quotes (delimiter: '|'), as YAML reads a bare | "
                    + "as the start of a block of text", rule: "spec.delimiter")
            } else {
                value.error("the delimiter is empty (expected ',', ';', '|' or 'tab')", rule: "spec.delimiter")
            }
            return nil
        default:
            value.error("unknown delimiter '\(text)' (expected ',', ';', '|' or 'tab')", rule: "spec.delimiter")
            return nil
        }
    }

    /// Checks an input's effective mapping: key fields present, levels fit, checkboxes and
    /// derivations possible, date formats known.
    private func checkInput(_ input: InputSpec, at value: YAMLValue, mapping: YAMLMapping) {
        let name = "'\(value.path)' (\(input.path))"
        let fields = input.fields
        // A field whose mapping (the input's own, or the shared one) has a problem is reported
        // there, not again where it is needed.
        func unreadable(_ field: Field) -> Bool {
            state.unreadableMappings.contains("\(value.path).fields.\(field.name)") || state.unreadableMappings.contains("fields.\(field.name)")
        }
        if fields[.participantID] == nil, !unreadable(.participantID) {
            value.error("\(name) maps no column to 'participant_id'", rule: "spec.key-field")
        }
        if input.holds == .visits, fields[.visit] == nil, !unreadable(.visit) {
            value.error("\(name) holds visits but maps no column to 'visit'", rule: "spec.key-field")
        }
        if input.site != nil, fields[.site] != nil {
            mapping["site"]?.error("\(name) sets a constant 'site' and also maps a 'site' column; keep one",
                                   rule: "spec.site")
        }
        for field in fields.fields {
            guard let rule = fields[field] else { continue }
            if input.holds == .participants, field.level == .visit {
                reader.error("'\(field.name)' is a visit-level field; \(name) holds participants",
                             at: rule.location, rule: "spec.level")
            }
            switch rule.source {
            case .checkbox:
                if input.source == .generic {
                    reader.error("'\(field.name)' is a checkbox, but \(name) is a generic export without a checkbox convention",
                                 at: rule.location, rule: "spec.checkbox")
                }
            case .derived(let derivation):
                // A visits input may carry participant-level columns, but derives only its own level.
                guard field.level == input.holds.level else { continue }
                let absent = derivation.inputs(for: field).filter { fields[$0] == nil && !unreadable($0) }
                if !absent.isEmpty {
                    let list = absent.map { "'\($0.name)'" }.joined(separator: ", ")
                    reader.error("deriving '\(field.name)' needs \(list) mapped in \(name)",
                                 at: rule.location, rule: "spec.derive")
                }
            case .column:
                // An input whose own date_format is given but unknown has its error already.
                if field.kind == .date, input.dateFormat(for: field) == nil, mapping["date_format"] == nil {
                    reader.error("'\(field.name)' needs a 'date_format': \(name) is a generic export",
                                 at: rule.location, rule: "spec.date-format")
                }
            }
        }
    }
}

extension SpecLoader {
    /// ` (did you mean 'site'?)` for a name close to canonical field names, at most three in
    /// declaration order: those it begins (`pain` for `pain_nrs` and `pain_vas`), else those
    /// within two edits of it (one for a name of up to six characters), else those with it as
    /// one of their `_`-separated parts (`nrs` for `pain_nrs`). Empty when none is close.
    static func fieldSuggestion(_ name: String) -> String {
        let typed = name.lowercased()
        let names = Field.allCases.map(\.name)
        // Two edits turn any short name into another ('stage' into 'age'): one for those.
        let edits = typed.count <= 6 ? 1 : 2
        let groups = [
            names.filter { $0.hasPrefix(typed + "_") },
            names.filter { editDistance(typed, $0, atMost: edits) <= edits },
            names.filter { $0.split(separator: "_").contains { $0 == typed } },
        ]
        guard let close = groups.first(where: { !$0.isEmpty && $0.count <= 3 }) else { return "" }
        let listed = close.map { "'\($0)'" }
        let alternatives = listed.count == 1 ? listed[0] : listed.dropLast().joined(separator: ", ") + " or " + (listed.last ?? "")
        return " (did you mean \(alternatives)?)"
    }

    /// The Levenshtein distance of `a` and `b`, or `limit + 1` once it is known to exceed `limit`.
    static func editDistance(_ a: String, _ b: String, atMost limit: Int) -> Int {
        let (a, b) = (Array(a.unicodeScalars), Array(b.unicodeScalars))
        guard abs(a.count - b.count) <= limit else { return limit + 1 }
        guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            if (current.min() ?? 0) > limit { return limit + 1 }
            previous = current
        }
        return previous[b.count]
    }
}

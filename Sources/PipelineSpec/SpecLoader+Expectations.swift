import StudyModel

extension SpecLoader {
    /// `expectations:` `fields:` per-field checks and `rules:` cross-field rule settings.
    func loadExpectations(_ value: YAMLValue, vocabularies: Vocabularies, schedule: VisitSchedule) -> Expectations {
        guard let mapping = value.mapping() else { return Expectations() }
        var fields: [Field: FieldExpectation] = [:]
        if let fieldMapping = mapping.mapping("fields") {
            for entry in fieldMapping.entries() {
                guard let field = Field(name: entry.key) else {
                    reader.error("unknown canonical field '\(entry.key)' in 'expectations.fields'\(SpecLoader.fieldSuggestion(entry.key))",
                                 at: entry.keyLocation,
                                 rule: "spec.unknown-field")
                    continue
                }
                if let expectation = loadFieldExpectation(entry.value, field: field, vocabularies: vocabularies, schedule: schedule) {
                    fields[field] = expectation
                }
            }
        }
        var rules: [CrossFieldRule: RuleSetting] = [:]
        if let ruleMapping = mapping.mapping("rules") {
            for entry in ruleMapping.entries() {
                guard let rule = CrossFieldRule(rawValue: entry.key) else {
                    let known = CrossFieldRule.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
                    reader.error("unknown rule '\(entry.key)' (expected one of \(known))", at: entry.keyLocation,
                                 rule: "spec.unknown-rule")
                    continue
                }
                if let setting = loadRuleSetting(entry.value, rule: rule) { rules[rule] = setting }
            }
        }
        mapping.rejectUnknownKeys()
        return Expectations(fields: fields, rules: rules)
    }

    private func loadFieldExpectation(
        _ value: YAMLValue, field: Field, vocabularies: Vocabularies, schedule: VisitSchedule
    ) -> FieldExpectation? {
        guard let mapping = value.mapping() else { return nil }
        var expectation = FieldExpectation.defaults(for: field)
        expectation.location = value.location
        if let required = mapping.bool("required") {
            expectation.required = required
            if required, let location = mapping["required"]?.location { state.requiredLocations[field] = location }
        }
        if let typeValue = mapping["type"], let type = typeValue.choice(ExpectedType.self) {
            let own = ExpectedType(field.kind)
            if type == own || (own == .decimal && type == .integer) {
                expectation.type = type
            } else {
                typeValue.error("'\(field.name)' is \(own.rawValue); type '\(type.rawValue)' does not apply", rule: "spec.type")
            }
        }
        if let rangeValue = mapping["range"] {
            if [.integer, .decimal].contains(field.kind) {
                if let range = loadRange(rangeValue) { expectation.range = range }
            } else {
                rangeValue.error("'range' applies only to numeric fields; '\(field.name)' is \(field.kind.rawValue)", rule: "spec.range")
            }
        }
        if let allowedValue = mapping["allowed"] {
            expectation.allowed = loadAllowed(allowedValue, field: field, vocabularies: vocabularies, schedule: schedule)
        }
        if let unique = mapping.bool("unique") { expectation.unique = unique }
        let (severity, policy) = loadSeverityAndPolicy(mapping, what: "'\(field.name)'", nullable: true)
        if let severity { expectation.severity = severity }
        if let policy { expectation.policy = policy }
        if field == .participantID || field == .visit {
            rejectKeySettings(mapping, field: field, severity: severity, policy: policy)
        }
        mapping.rejectUnknownKeys()
        return expectation
    }

    /// A row is found by its participant id, and a visit row by its visit too: a row without a
    /// usable one is always rejected, whatever `required`, `severity` or `policy` say, so a
    /// setting that would keep such a row is an error rather than ignored.
    private func rejectKeySettings(_ mapping: YAMLMapping, field: Field, severity: Severity?, policy: IssuePolicy?) {
        let reason = "'\(field.name)' is a key field: a row without a usable one is always rejected"
        if mapping.bool("required") == false {
            mapping["required"]?.error("\(reason); 'required: false' does not apply", rule: "spec.key-field")
        }
        if severity == .warning {
            mapping["severity"]?.error("\(reason); severity 'warning' does not apply", rule: "spec.key-field")
        }
        if policy == .nullField, severity != .error {
            mapping["policy"]?.error("\(reason); 'null-field' does not apply", rule: "spec.key-field")
        }
    }

    /// `[min, max]` or `{min, max}` (either bound may be left out in the mapping form); empty
    /// ranges (min > max) are rejected.
    private func loadRange(_ value: YAMLValue) -> ClosedRange<Double>? {
        var lower: Double?
        var upper: Double?
        var boundValue = value
        switch value.node {
        case .sequence:
            guard let items = value.list() else { return nil }
            guard items.count == 2 else {
                value.error("a range is written [min, max]; found \(items.count) values", rule: "spec.range")
                return nil
            }
            lower = items[0].double()
            upper = items[1].double()
            guard lower != nil, upper != nil else { return nil }
        default:
            guard let mapping = value.mapping() else { return nil }
            lower = mapping.double("min")
            upper = mapping.double("max")
            if let maxValue = mapping["max"] { boundValue = maxValue }
            mapping.rejectUnknownKeys()
            // Null bounds are bounds left out: `{min: ~, max: ~}` would lift the default range.
            if !mapping.hasValue("min"), !mapping.hasValue("max") {
                value.error("a range needs 'min', 'max' or both", rule: "spec.range")
                return nil
            }
        }
        let low = lower ?? -Double.infinity
        let high = upper ?? Double.infinity
        guard low <= high else {
            boundValue.error("the range \(Value.format(low))...\(Value.format(high)) is empty (min is above max)", rule: "spec.range")
            return nil
        }
        return low...high
    }

    /// Allowed values, checked against the vocabulary for code fields (canonical sex codes, arm
    /// ids, timepoint names).
    private func loadAllowed(_ value: YAMLValue, field: Field, vocabularies: Vocabularies, schedule: VisitSchedule) -> [String]? {
        guard [.text, .code, .integer].contains(field.kind) else {
            value.error("'allowed' applies to text, code and whole-number fields; '\(field.name)' is \(field.kind.rawValue)",
                        rule: "spec.allowed")
            return nil
        }
        guard let items = value.list() else { return nil }
        if items.isEmpty {
            value.error("'allowed' for '\(field.name)' lists no value; nothing could pass", rule: "spec.empty")
            return nil
        }
        var result: [String] = []
        for item in items {
            guard let text = item.string() else { continue }
            let known: [String]? =
                switch field {
                case .sex: ["M", "F"]
                case .arm: vocabularies.arms.map(\.arm.id)
                case .visit: schedule.timepoints.map(\.name)
                // With declared sites a value is read as its canonical site, never as a source code.
                case .site where !vocabularies.sites.isEmpty: Set(vocabularies.sites.values).sorted()
                default: nil
                }
            if let known, !known.contains(text) {
                let list = known.map { "'\($0)'" }.joined(separator: ", ")
                item.error("'\(text)' is not a canonical value of '\(field.name)' (expected one of \(list))", rule: "spec.allowed")
                continue
            }
            // A whole number is kept as a value's canonical text writes it (`01` and `+1` allow 1).
            var allowed = text
            if field.kind == .integer {
                // `1.0` is the whole number 1; numbers beyond 2^53 are not held exactly.
                let whole = Double(decimalText: text).flatMap { $0.rounded() == $0 ? $0 : nil }
                let number = Int(text) ?? whole.flatMap { abs($0) <= 0x1p53 ? Int($0) : nil }
                guard let number, number.magnitude <= 1 << 53 else {
                    item.error(whole != nil ? "'\(text)' is beyond the whole numbers lbp holds exactly (up to 2^53)"
                               : "'\(text)' is not a whole number, but '\(field.name)' holds whole numbers", rule: "spec.allowed")
                    continue
                }
                allowed = String(number)
            }
            if result.contains(allowed) {
                item.error("'\(text)' is listed twice", rule: "spec.duplicate-code")
                continue
            }
            result.append(allowed)
        }
        return result
    }

    private func loadRuleSetting(_ value: YAMLValue, rule: CrossFieldRule) -> RuleSetting? {
        guard let mapping = value.mapping() else { return nil }
        let (severity, policy) = loadSeverityAndPolicy(mapping, what: "rule '\(rule.rawValue)'", nullable: rule.nullableField != nil)
        mapping.rejectUnknownKeys()
        return RuleSetting(severity: severity ?? rule.defaultSeverity, policy: policy ?? .rejectRow, location: value.location)
    }

    /// `severity: error|warning` and `policy: reject-row|null-field`; `null-field` always logs a
    /// warning, so `severity: error` with it is a contradiction.
    private func loadSeverityAndPolicy(_ mapping: YAMLMapping, what: String, nullable: Bool) -> (Severity?, IssuePolicy?) {
        var severity: Severity?
        if let value = mapping["severity"], let text = value.string() {
            switch text {
            case "error": severity = .error
            case "warning": severity = .warning
            default: value.error("unknown severity '\(text)' for \(what) (expected 'error' or 'warning')", rule: "spec.choice")
            }
        }
        let policyValue = mapping["policy"]
        let policy = policyValue?.choice(IssuePolicy.self)
        // Written out, 'reject-row' rejects the row: a finding kept as a warning beside it would
        // keep the row the file asked to reject.
        if policy == .rejectRow {
            if severity == .warning {
                policyValue?.error("\(what): 'reject-row' rejects the row, so it cannot have severity 'warning'", rule: "spec.policy")
            }
            severity = .error
        }
        if policy == .nullField {
            if !nullable {
                policyValue?.error("\(what) concerns a whole row; 'null-field' does not apply", rule: "spec.policy")
            } else if severity == .error {
                policyValue?.error("\(what): 'null-field' keeps the row and logs a warning, so it cannot have severity 'error'",
                                   rule: "spec.policy")
            }
        }
        return (severity, policy)
    }

    /// A field required by the file that no input collects would reject every row of its level:
    /// known before any data is read.
    func checkRequiredFieldsCollected(_ fields: FieldMapping, inputs: [InputSpec]) {
        var collected = Set(fields.fields + inputs.flatMap(\.fields.fields))
        if inputs.contains(where: { $0.site != nil }) { collected.insert(.site) }
        for (field, location) in state.requiredLocations.sorted(by: { $0.key < $1.key }) where !collected.contains(field) {
            reader.error("'\(field.name)' is required, but no input collects it (map it under 'fields', or leave out 'required')",
                         at: location, rule: "spec.required-not-mapped")
        }
    }
}

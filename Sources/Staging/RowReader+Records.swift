import PipelineSpec
import StudyModel

extension RowReader {
    // MARK: - Participant rows

    /// One participant row per participant: a second row identical after normalisation is kept
    /// once (a note names both places); a conflicting one is rejected (the error names both).
    func checkParticipantRow(_ id: String, values: FieldValues) -> Bool {
        if let state = stager.participants[id], let first = state.participantRow, let firstValues = state.rowValues {
            if firstValues == values {
                issues.append(issue(.note, rule: "duplicate", field: nil, raw: nil,
                                    message: "participant '\(id)' has the same row at \(first); kept once"))
                return true
            }
            let differing = RowReader.firstDifference(firstValues, values)
            issues.append(issue(.error, rule: "duplicate", field: differing, raw: differing.flatMap { values[$0]?.canonicalText },
                                message: "participant '\(id)' already has a different row at \(first)"
                                    + RowReader.describeDifference(firstValues, values)))
            return false
        }
        checkUnique(values)
        return false
    }

    func commitParticipantRow(_ id: String, values: FieldValues, duplicate: Bool) {
        if duplicate {
            stager.participants[id]?.record.sources.append(location)
            return
        }
        let record = ParticipantRecord(id: id, site: values[.site]?.text ?? "", arm: arm(values), values: values,
                                       sources: [location])
        stager.participants[id] = Stager.ParticipantState(record: record, participantRow: location, rowValues: values)
        stager.rejectedParticipants[id] = nil
        registerUnique(values)
    }

    // MARK: - Visit rows

    /// A visit row must belong to a known participant (when the pipeline has participant
    /// inputs), agree with the participant's values it carries (arm: rule `arm_changed`), and be
    /// the only row of its participant and visit (identical duplicates kept once).
    func checkVisitRow(_ id: String, _ timepoint: Timepoint, values: FieldValues) -> Bool {
        if let state = stager.participants[id] {
            for field in participantValues.presentFields where field != .participantID {
                guard let mine = participantValues[field], !mine.isMissing, let theirs = state.record.values[field], !theirs.isMissing,
                      mine != theirs else { continue }
                let source = state.participantRow ?? state.record.sources.first
                let place = source.map { " (\($0))" } ?? ""
                if field == .arm {
                    let setting = expectations[.armChanged]
                    issues.append(issue(setting.issueSeverity, rule: CrossFieldRule.armChanged.rawValue, field: .arm,
                                        raw: mine.canonicalText,
                                        message: "the arm '\(mine.canonicalText)' differs from the participant's arm '\(theirs.canonicalText)'\(place)"))
                } else {
                    issues.append(issue(.error, rule: "participant-conflict", field: field, raw: mine.canonicalText,
                                        message: "'\(field.name)' is '\(mine.canonicalText)' here but '\(theirs.canonicalText)' for the participant\(place)"))
                }
                participantValues[field] = nil
            }
        } else if stager.hasParticipantInputs {
            if let rejected = stager.rejectedParticipants[id] {
                issues.append(issue(.warning, rule: "participant-rejected", field: .participantID, raw: id,
                                    message: "the participant row of '\(id)' was rejected (\(rejected)); this visit has no participant record"))
            } else {
                issues.append(issue(.error, rule: "unknown-participant", field: .participantID, raw: id,
                                    message: "participant '\(id)' is not in any participants input"))
                return false
            }
        }
        let key = Stager.VisitKey(participant: id, timepoint: timepoint.name)
        if let existing = stager.visits[key] {
            if existing.values == values {
                issues.append(issue(.note, rule: "duplicate", field: nil, raw: nil,
                                    message: "visit '\(timepoint.name)' of participant '\(id)' has the same row at \(existing.source); kept once"))
                return true
            }
            let differing = RowReader.firstDifference(existing.values, values)
            issues.append(issue(.error, rule: "duplicate", field: differing, raw: differing.flatMap { values[$0]?.canonicalText },
                                message: "visit '\(timepoint.name)' of participant '\(id)' already has a different row at \(existing.source)"
                                    + RowReader.describeDifference(existing.values, values)))
            return false
        }
        checkUnique(values)
        checkUnique(participantValues, participantLevel: true)
        return false
    }

    func commitVisitRow(_ id: String, _ timepoint: Timepoint, carried: FieldValues, values: FieldValues, duplicate: Bool) {
        if duplicate { return }
        if var state = stager.participants[id] {
            var changed = false
            for field in carried.presentFields {
                guard let mine = carried[field] else { continue }
                let theirs = state.record.values[field]
                if theirs == nil || (theirs?.isMissing == true && !mine.isMissing) {
                    state.record.values[field] = mine
                    changed = true
                }
            }
            if changed {
                state.record.sources.append(location)
                state.record.site = state.record.values[.site]?.text ?? state.record.site
                state.record.arm = arm(state.record.values)
                stager.participants[id] = state
            }
        } else if !stager.hasParticipantInputs {
            let record = ParticipantRecord(id: id, site: carried[.site]?.text ?? "", arm: arm(carried), values: carried,
                                           sources: [location])
            stager.participants[id] = Stager.ParticipantState(record: record, participantRow: nil, rowValues: nil)
        }
        stager.visits[Stager.VisitKey(participant: id, timepoint: timepoint.name)] =
            VisitRecord(participantID: id, timepoint: timepoint, values: values, source: location)
        registerUnique(values)
    }

    // MARK: - Helpers

    func arm(_ values: FieldValues) -> Arm? {
        guard let id = values[.arm]?.text else { return nil }
        return stager.spec.vocabularies.arms.first { $0.arm.id == id }?.arm
    }

    /// `unique` expectations: the first row with a value keeps it; later ones are problems.
    private func checkUnique(_ values: FieldValues, participantLevel: Bool = false) {
        for field in uniqueFields where field.level == values.level {
            guard let value = values[field], !value.isMissing else { continue }
            if participantLevel, stager.participants[values[.participantID]?.text ?? ""] != nil { continue }
            if let first = stager.uniqueValues[field]?[value.canonicalText] {
                let expectation = expectations[field]
                issues.append(issue(expectation.issueSeverity, rule: "unique", field: field, raw: value.canonicalText,
                                    message: "the value '\(value.canonicalText)' of '\(field.name)' is already used at \(first)"))
            }
        }
    }

    private func registerUnique(_ values: FieldValues) {
        for field in uniqueFields where field.level == values.level {
            guard let value = values[field], !value.isMissing else { continue }
            if stager.uniqueValues[field]?[value.canonicalText] == nil {
                stager.uniqueValues[field, default: [:]][value.canonicalText] = location.column(columnOf[field])
            }
        }
    }

    static func firstDifference(_ first: FieldValues, _ second: FieldValues) -> Field? {
        Field.fields(at: first.level).first { first[$0] != second[$0] }
    }

    static func describeDifference(_ first: FieldValues, _ second: FieldValues) -> String {
        guard let field = firstDifference(first, second) else { return "" }
        func shown(_ value: Value?) -> String {
            guard let value else { return "not collected" }
            if let reason = value.missingReason { return "missing (\(reason))" }
            return "'\(value.canonicalText)'"
        }
        return " ('\(field.name)' is \(shown(first[field])) there and \(shown(second[field])) here)"
    }
}

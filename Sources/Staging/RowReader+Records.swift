import PipelineSpec
import StudyModel

extension RowReader {
    // MARK: - Participant rows

    /// One participant row per participant: a second row identical after normalisation is kept
    /// once (a note names both places). A conflicting one means neither can be trusted: it is
    /// rejected (the error names both places), the rows kept before are taken back, and every
    /// later row of the participant is rejected too; the participant has no record.
    mutating func checkParticipantRow(_ id: String, _ state: inout StagingState) -> Bool {
        // Every participant row with an id gets a slot, accepted or not: made here, so that the id
        // is hashed once.
        let slot = state.slotMade(for: id)
        currentSlot = slot
        if state.slots[slot] == StagingState.conflicting {
            rejectAfterConflict("participant '\(id)'", first: state.conflictingParticipants[slot])
            return false
        }
        if state.slots[slot] >= 0 {
            let index = state.slots[slot]
            // A record with row values was made from a participant row: its first source.
            if let firstValues = state.participantRowValues[index], let first = state.participantRecords[index].sources.first {
                let values = participantValues.values
                if firstValues == values {
                    issues.append(issue(.note, rule: "duplicate", field: nil, raw: nil,
                                        message: "participant '\(id)' has the same row at \(first); kept once"))
                    return true
                }
                rejectConflicting("participant '\(id)'", first: first, repeats: state.participantRepeats[slot, default: []],
                                  theirs: firstValues, mine: values, &state)
                state.slots[slot] = StagingState.conflicting
                state.conflictingParticipants[slot] = first
                state.participantRepeats[slot] = nil
                return false
            }
        }
        if !uniqueFields.isEmpty { checkUnique(participantValues.values, &state) }
        return false
    }

    mutating func commitParticipantRow(_ id: String, duplicate: Bool, _ state: inout StagingState) {
        let slot = currentSlot ?? state.slotMade(for: id)
        if duplicate {
            let index = state.slots[slot]
            if index >= 0 { state.participantRecords[index].sources.append(location) }
            state.participantRepeats[slot, default: []].append(location)
            return
        }
        let values = participantValues.values
        let record = ParticipantRecord(id: id, site: values[.site]?.text ?? "", arm: arm(values), values: values,
                                       sources: [location])
        state.setParticipant(record, rowValues: values, slot: slot)
        if !state.rejectedRows.isEmpty { state.rejectedRows[slot] = nil }
        registerUnique(values, &state)
    }

    // MARK: - Visit rows

    /// A visit row must belong to a known participant (when the pipeline has participant
    /// inputs), agree with the participant's values it carries (arm: rule `arm_changed`), and be
    /// the only row of its participant and visit (identical duplicates kept once).
    mutating func checkVisitRow(_ id: String, _ timepointIndex: Int, _ timepoint: Timepoint,
                                _ state: inout StagingState) -> Bool {
        let slot = state.slot(of: id)
        currentSlot = slot
        let participant = slot.map { state.slots[$0] } ?? -1
        if participant >= 0 {
            var next = participantValues.presentField(after: nil)
            while let field = next {
                next = participantValues.presentField(after: field)
                guard field != .participantID,
                      let (mine, theirs) = RowReader.conflict(field, participantValues, state.participantRecords[participant].values)
                else { continue }
                // The participant row when there is one (the first source), else the first visit row.
                let source = state.participantRecords[participant].sources.first
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
        } else if hasParticipantInputs {
            if !participantsComplete, stager.participantRowsMayFollow, slot.map({ state.rejectedRows[$0] == nil }) ?? true {
                // The participant's row may come later in this file or another: decided after reading.
                waitsForParticipant = true
                return false
            }
            if let slot, let rejected = state.rejectedRows[slot] {
                issues.append(issue(.warning, rule: "participant-rejected", field: .participantID, raw: id,
                                    message: "the participant row of '\(id)' was rejected (\(rejected)); this visit has no participant record"))
            } else {
                issues.append(issue(.error, rule: "unknown-participant", field: .participantID, raw: id,
                                    message: "participant '\(id)' is not in any participants input"))
                return false
            }
        }
        let entry = slot.map { $0 * state.timepointCount + timepointIndex }
        if let entry, state.visitTable[entry] == StagingState.conflicting {
            rejectAfterConflict("visit '\(timepoint.name)' of participant '\(id)'", first: state.conflictingVisits[entry])
            return false
        }
        if let entry, state.visitTable[entry] >= 0 {
            let existing = state.visitRecords[state.visitTable[entry]]
            let values = visitValues.values
            if existing.values == values {
                issues.append(issue(.note, rule: "duplicate", field: nil, raw: nil,
                                    message: "visit '\(timepoint.name)' of participant '\(id)' has the same row at \(existing.source); kept once"))
                return true
            }
            rejectConflicting("visit '\(timepoint.name)' of participant '\(id)'", first: existing.source,
                              repeats: state.visitRepeats[entry, default: []], theirs: existing.values, mine: values, &state)
            state.visitTable[entry] = StagingState.conflicting
            state.conflictingVisits[entry] = existing.source
            state.visitRepeats[entry] = nil
            return false
        }
        if !uniqueFields.isEmpty {
            checkUnique(visitValues.values, &state)
            checkUnique(participantValues.values, participantLevel: true, &state)
        }
        return false
    }

    mutating func commitVisitRow(_ id: String, _ timepointIndex: Int, _ timepoint: Timepoint, duplicate: Bool,
                                 _ state: inout StagingState) {
        let slot = currentSlot ?? state.slotMade(for: id)
        if duplicate {
            state.visitRepeats[slot * state.timepointCount + timepointIndex, default: []].append(location)
            return
        }
        let participant = state.slots[slot]
        if participant >= 0 {
            var changed = false
            var next = participantValues.presentField(after: nil)
            while let field = next {
                next = participantValues.presentField(after: field)
                // Only a field the participant lacks, or holds as missing, takes the visit row's value.
                guard RowReader.takesCarried(field, participantValues, state.participantRecords[participant].values),
                      let mine = participantValues[field] else { continue }
                state.participantRecords[participant].values[field] = mine
                changed = true
            }
            if changed {
                state.participantRecords[participant].sources.append(location)
                let values = state.participantRecords[participant].values
                state.participantRecords[participant].site = values[.site]?.text ?? state.participantRecords[participant].site
                state.participantRecords[participant].arm = arm(values)
            }
        } else if !hasParticipantInputs {
            let carried = participantValues.values
            let record = ParticipantRecord(id: id, site: carried[.site]?.text ?? "", arm: arm(carried), values: carried,
                                           sources: [location])
            state.setParticipant(record, rowValues: nil, slot: slot)
        }
        state.visitTable[slot * state.timepointCount + timepointIndex] = state.visitRecords.count
        let values = visitValues.values
        state.visitRecords.append(VisitRecord(participantID: id, timepoint: timepoint, values: values, source: location))
        registerUnique(values, &state)
    }

    // MARK: - Helpers

    /// The row's value and the participant's when both hold a usable (not missing) value of
    /// `field` and the two differ; nil otherwise. Takes the participant's values as an argument,
    /// so that reading them copies nothing.
    static func conflict(_ field: Field, _ mine: FieldValuesBuilder, _ theirs: FieldValues) -> (Value, Value)? {
        guard !mine.isMissing(field), theirs.contains(field), !theirs.isMissing(field),
              !mine.storesSameValue(field, as: theirs),
              let mineValue = mine[field], let theirValue = theirs[field], mineValue != theirValue
        else { return nil }
        return (mineValue, theirValue)
    }

    /// Whether a field a visit row carries goes into the participant's record: when the
    /// participant lacks it, or holds it as missing while the row has a value.
    static func takesCarried(_ field: Field, _ mine: FieldValuesBuilder, _ theirs: FieldValues) -> Bool {
        guard theirs.contains(field) else { return mine.contains(field) }
        return theirs.isMissing(field) && mine.contains(field) && !mine.isMissing(field)
    }

    func arm(_ values: FieldValues) -> Arm? {
        guard let id = values[.arm]?.text else { return nil }
        return vocabularies.arms.first { $0.arm.id == id }?.arm
    }

    /// `unique` expectations: the first row with a value keeps it; later ones are problems.
    private mutating func checkUnique(_ values: FieldValues, participantLevel: Bool = false, _ state: inout StagingState) {
        guard !uniqueFields.isEmpty else { return }
        for field in uniqueFields where field.level == values.level {
            guard let value = values[field], !value.isMissing else { continue }
            if participantLevel, state.participantIndex(of: values[.participantID]?.text ?? "") != nil { continue }
            if let first = state.uniqueValues[field]?[value.canonicalText] {
                let expectation = expectations[field]
                issues.append(issue(expectation.issueSeverity, rule: "unique", field: field, raw: value.canonicalText,
                                    message: "the value '\(value.canonicalText)' of '\(field.name)' is already used at \(first)"))
            }
        }
    }

    private func registerUnique(_ values: FieldValues, _ state: inout StagingState) {
        guard !uniqueFields.isEmpty else { return }
        for field in uniqueFields where field.level == values.level {
            guard let value = values[field], !value.isMissing else { continue }
            if state.uniqueValues[field]?[value.canonicalText] == nil {
                let column = columnOf[field.ordinal]
                state.uniqueValues[field, default: [:]][value.canonicalText] = location.column(column > 0 ? column : nil)
            }
        }
    }

    /// Rejects this row of `subject` (a participant, or a participant's visit), whose values
    /// differ from those of the row accepted at `first` (and its identical `repeats`): neither
    /// can be trusted, so the rows accepted before are taken back too. The caller marks `subject`
    /// ``StagingState/conflicting``.
    private mutating func rejectConflicting(_ subject: String, first: SourceLocation, repeats: [SourceLocation],
                                            theirs: FieldValues, mine: FieldValues, _ state: inout StagingState) {
        let kept = [first] + repeats
        let outcome = kept.count == 1 ? "; neither can be trusted, so both rows are rejected"
            : "; they cannot be trusted, so this row and the \(kept.count) rows kept before are rejected"
        let differing = RowReader.firstDifference(theirs, mine)
        issues.append(issue(.error, rule: "duplicate", field: differing, raw: differing.flatMap { mine[$0]?.canonicalText },
                            message: "\(subject) already has a different row at \(first)"
                                + RowReader.describeDifference(theirs, mine) + outcome))
        let reason = "\(subject) has a different row at \(location)" + RowReader.describeDifference(mine, theirs) + outcome
        for row in kept {
            // Every row's file is one of the run's (rows are located by the file's display name).
            guard let fileIndex = stager.fileIndexByName[row.file] else { continue }
            state.withdraw(row, fileIndex: fileIndex, reason: reason)
        }
    }

    /// Rejects a row of `subject` whose rows conflicted before (the first of them at `first`).
    private mutating func rejectAfterConflict(_ subject: String, first: SourceLocation?) {
        let place = first.map { " (the first at \($0))" } ?? ""
        issues.append(issue(.error, rule: "duplicate", field: nil, raw: nil,
                            message: "\(subject) has conflicting rows\(place); this row is rejected too"))
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

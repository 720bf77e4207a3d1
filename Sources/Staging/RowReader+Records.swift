import PipelineSpec
import StudyModel

extension RowReader {
    // MARK: - Participant rows

    /// One participant row per participant: a second row is compared with the first on the
    /// fields both collect (see ``Overlap``). One that repeats it is kept once (a note names both
    /// places); one that adds fields the first does not collect (another input of the same
    /// participants, e.g. a survey file) is merged into the record. A conflicting one means
    /// neither can be trusted: it is rejected (the error names both places), the rows kept before
    /// are taken back, and every later row of the participant is rejected too; the participant
    /// has no record.
    mutating func checkParticipantRow(_ id: String, _ state: inout StagingState) -> RowRole {
        // Every participant row with an id gets a slot, accepted or not: made here, so that the id
        // is hashed once.
        let slot = state.slotMade(for: id)
        currentSlot = slot
        state.hasParticipantRow[slot] = true
        if state.slots[slot] == StagingState.conflicting {
            rejectAfterConflict("participant \(Normalise.quoted(id))", first: state.conflictingParticipants[slot])
            return .new
        }
        if let rejected = state.rejectedRows[slot] {
            // Located at the row, as a row taken back for the same reason is.
            issues.append(Diagnostic(.error, at: location, rule: "participant-rejected",
                                     message: "participant \(Normalise.quoted(id)) has a rejected row at \(rejected), so no row of the participant is kept",
                                     field: Field.participantID.name, value: id))
            return .new
        }
        if state.slots[slot] >= 0 {
            let index = state.slots[slot]
            // A record with row values was made from a participant row: its first source.
            if let firstValues = state.participantRowValues[index], let first = state.participantRecords[index].sources.first {
                let values = participantValues.values
                let events = isAnotherEvent(of: slot, first: first, state)
                // A second row of an event is compared with that event's first row, not with
                // what the other events added.
                let sameEvent = events ? nil : earlierRowOfEvent(of: slot, first: first, state)
                let (keptAsStaged, keptAt) = sameEvent.map { ($0.values, $0.source) } ?? (firstValues, first)
                // Compared on what the rows hold: an onset a rule emptied in one row is still the
                // onset another row repeats, not a conflict with lbp's own emptying.
                let kept = RowReader.restoring(keptAsStaged, state.ruleEmptied[slot])
                let compared = RowReader.restoring(values, row.ruleEmptied)
                let overlap = Overlap(kept, compared, emptyIsUncollected: events)
                switch overlap {
                case .same, .contained:
                    // Another event that adds nothing is no repeat: nothing to note.
                    if !events { noteRepeat("participant \(Normalise.quoted(id))", overlap, of: keptAt) }
                    return .repeated
                case .complements:
                    // The fields it adds must agree with what visit rows carried into the record,
                    // as a visit row's carried values must agree with the participant.
                    checkAgainstCarried(values, kept: firstValues, emptyIsUncollected: events, record: state.participantRecords[index], state)
                    if !uniqueFields.isEmpty { checkUnique(values, addingTo: firstValues, emptyIsUncollected: events, &state) }
                    return .complementing
                case .conflicts:
                    // Against another event's values: named at the event row that gave the value;
                    // against a record merged from rows of several inputs, at the row that gave
                    // it (``rejectConflicting``'s own choice).
                    var shownAt = sameEvent?.source
                    if events, let field = RowReader.firstDifference(kept, compared, emptyIsUncollected: true),
                       let holder = state.participantEvents[slot]?.first(where: {
                           Overlap.collects($0.values, field, emptyIsUncollected: true)
                       }) {
                        shownAt = holder.source
                    }
                    rejectConflicting("participant \(Normalise.quoted(id))", first: first, repeats: state.participantRepeats[slot, default: []],
                                      theirs: kept, mine: compared, events: events, shownAt: shownAt, &state)
                    state.slots[slot] = StagingState.conflicting
                    state.conflictingParticipants[slot] = first
                    state.participantRepeats[slot] = nil
                    return .new
                }
            }
        }
        if !uniqueFields.isEmpty { checkUnique(participantValues.values, &state) }
        return .new
    }

    mutating func commitParticipantRow(_ id: String, role: RowRole, _ state: inout StagingState) {
        let slot = currentSlot ?? state.slotMade(for: id)
        defer {
            if let event = row.event, !(state.participantEvents[slot] ?? []).contains(where: { $0.event == event }) {
                state.participantEvents[slot, default: []].append(
                    StagingState.EventRow(event: event, values: participantValues.values, source: location))
            }
        }
        if role != .new {
            let index = state.slots[slot]
            if index >= 0 {
                let events = state.participantRecords[index].sources.first.map { isAnotherEvent(of: slot, first: $0, state) } ?? false
                state.participantRecords[index].sources.append(location)
                if role == .complementing {
                    // The fields this row adds join the row values (which later rows are compared
                    // with) and the record, unless a visit row carried a usable value there first.
                    let values = participantValues.values
                    registerUnique(values, addingTo: state.participantRowValues[index], emptyIsUncollected: events, &state)
                    var merged = state.participantRowValues[index] ?? FieldValues(level: .participant)
                    // An arm a visit row carried gives way to the participant's own (``checkAgainstCarried``;
                    // a carrier rejected at `error` has left the record's sources already).
                    let carriedArm = armCarrierToJudge != nil || RowReader.armCarrier(of: state.participantRecords[index], state) != nil
                    var ownArm = false
                    var next = values.presentField(after: nil)
                    while let field = next {
                        next = values.presentField(after: field)
                        // This row's rule emptied a value the record holds from a row that could
                        // not judge it (equal, or the rows would conflict), or one derived from it:
                        // the record takes the emptying, so the value is judged once.
                        if !row.ruleEmptied.isEmpty, let emptying = values[field], RowReader.rowRuleEmptyings.contains(emptying),
                           let holding = merged[field], !holding.isMissing {
                            merged[field] = emptying
                            if let held = row.ruleEmptied[field] { state.ruleEmptied[slot, default: [:]][field] = held }
                            if state.participantRecords[index].values[field] == holding {
                                state.participantRecords[index].values[field] = emptying
                            }
                            continue
                        }
                        // Another event's empty cell was no answer to give: this event's value or
                        // missing code replaces it.
                        let fills = events && Overlap.isEmptyCell(merged[field]) && !Overlap.isEmptyCell(values[field])
                        guard !merged.contains(field) || fills else { continue }
                        merged[field] = values[field]
                        if let held = row.ruleEmptied[field] { state.ruleEmptied[slot, default: [:]][field] = held }
                        let record = state.participantRecords[index].values
                        let replacesCarriedArm = field == .arm && carriedArm && !values.isMissing(field)
                        if !record.contains(field) || (record.isMissing(field) && !values.isMissing(field))
                            || (fills && Overlap.isEmptyCell(record[field])) || replacesCarriedArm {
                            state.participantRecords[index].values[field] = values[field]
                            ownArm = ownArm || replacesCarriedArm
                        }
                    }
                    state.participantRowValues[index] = merged
                    let record = state.participantRecords[index].values
                    state.participantRecords[index].site = record[.site]?.text ?? state.participantRecords[index].site
                    state.participantRecords[index].setArm(arm(record))
                    if ownArm { state.participantRecords[index].armSource = state.participantRecords[index].sources.count - 1 }
                }
            }
            state.participantRepeats[slot, default: []].append(location)
            return
        }
        let values = participantValues.values
        let record = ParticipantRecord(id: id, site: values[.site]?.text ?? "", arm: arm(values), values: values,
                                       sources: [location])
        state.setParticipant(record, rowValues: values, slot: slot)
        if !row.ruleEmptied.isEmpty { state.ruleEmptied[slot] = row.ruleEmptied }
        registerUnique(values, &state)
    }

    /// A participant row with an error: one row of the participant cannot be trusted, so none is
    /// kept (a survey row beside a rejected study row would make a participant without an arm).
    /// The participant rows accepted before are taken back, with a reason naming this row, and
    /// every later one is rejected (``checkParticipantRow(_:_:)``); each gets an error of its own,
    /// so the issues do not depend on the order of the rows. A record built from visit rows alone
    /// stays.
    mutating func rejectParticipant(_ id: String, _ state: inout StagingState) throws {
        let slot = currentSlot ?? state.slotMade(for: id)
        state.hasParticipantRow[slot] = true
        guard state.rejectedRows[slot] == nil else { return }
        let index = state.slots[slot]
        if index >= 0 {
            guard state.participantRowValues[index] != nil, let first = state.participantRecords[index].sources.first else { return }
            let reason = "participant \(Normalise.quoted(id)) has a rejected row at \(location), so no row of the participant is kept"
            let rows = [first] + state.participantRepeats[slot, default: []]
            for row in rows {
                guard let fileIndex = stager.fileIndexByName[row.file] else { continue }
                state.withdraw(row, fileIndex: fileIndex, reason: reason)
                try stager.emit(Diagnostic(.error, at: row, rule: "participant-rejected", message: reason, participant: id,
                                           field: Field.participantID.name, value: id),
                                fileIndex: fileIndex, &state)
            }
            RowReader.forgetUnique(of: rows, &state)
            state.participantRepeats[slot] = nil
            state.participantEvents[slot] = nil
            state.slots[slot] = -1
        }
        state.rejectedRows[slot] = location
        // The visits read before this row get the warning a visit read after it gets.
        try stager.warnVisits(ofSlot: slot, participant: id,
                              message: "the participant row of \(Normalise.quoted(id)) was rejected (\(location)); this visit has no participant record",
                              &state)
    }

    /// Forgets the `unique` values first seen at `rows` (rows taken back): a later row with the
    /// same value is no repeat of a row that was not kept.
    static func forgetUnique(of rows: [SourceLocation], _ state: inout StagingState) {
        guard !state.uniqueValues.isEmpty else { return }
        let lines = Set(rows.map { "\($0.file):\($0.line)" })
        for field in Array(state.uniqueValues.keys) {
            state.uniqueValues[field] = state.uniqueValues[field]?.filter { !lines.contains("\($0.value.file):\($0.value.line)") }
        }
    }

    /// Whether this row is another `participant_rows` event of the participant whose first
    /// participant row is at `first`, in a file of the same input (REDCap's screening and randomisation
    /// events, say): a flat export gives every event row every column, and an event leaves the
    /// cells of the fields it does not collect empty. A second row of an event already read is
    /// no other event.
    func isAnotherEvent(of slot: Int, first: SourceLocation, _ state: StagingState) -> Bool {
        guard let event = row.event, isOfThisInput(first), let seen = state.participantEvents[slot] else { return false }
        return !seen.contains { $0.event == event }
    }

    /// The first row of this row's event for the participant, when one was accepted before in
    /// a file of this input.
    func earlierRowOfEvent(of slot: Int, first: SourceLocation, _ state: StagingState) -> StagingState.EventRow? {
        guard let event = row.event, isOfThisInput(first) else { return nil }
        return state.participantEvents[slot]?.first { $0.event == event }
    }

    /// Whether `source` was read from this row's file or another file of its input (one export
    /// split over the files of a glob, whose events are one participant's as in one file).
    private func isOfThisInput(_ source: SourceLocation) -> Bool {
        guard source.file != fileName else { return true }
        return stager.fileIndexByName[source.file].map { stager.files[$0].inputIndex == stager.files[fileIndex].inputIndex } ?? false
    }

    // MARK: - Visit rows

    /// A visit row must belong to a known participant (when the pipeline has participant
    /// inputs), agree with the participant's values it carries (arm: rule `arm_changed`), and
    /// agree with every other row of its participant and visit on the fields both collect: a
    /// repeat is kept once, a row adding fields (another input of the same visits, e.g. a survey
    /// file) is merged into the visit, a conflicting one rejects them all (see ``Overlap``).
    mutating func checkVisitRow(_ id: String, _ timepointIndex: Int, _ timepoint: Timepoint,
                                _ state: inout StagingState) -> RowRole {
        let slot = state.slot(of: id)
        currentSlot = slot
        let participant = slot.map { state.slots[$0] } ?? -1
        // As the participant's rows held it: a value a rule emptied is still the one a visit row
        // repeats (no conflict) or contradicts (a conflict), never a gap to fill.
        let held = participant >= 0 ? slot.map { state.recordAsHeld(participant, slot: $0) } : nil
        if participant >= 0, let held {
            var next = participantValues.presentField(after: nil)
            while let field = next {
                next = participantValues.presentField(after: field)
                guard field != .participantID, let (mine, theirs) = carriedConflict(field, held) else { continue }
                // Named at the row that gave the participant's value: for a REDCap box, the visit
                // row that carried its answer, if one did; for the arm, the row that gave it, if
                // known; else a participant row or event that holds it, or the visit row that
                // carried it in (``Stager/locatedInRecord(_:index:slot:else:_:)``).
                let carriedAt = fillerBoxes.contains(field) ? slot.flatMap { state.carriedBoxSources[$0]?[field] } : nil
                let record = state.participantRecords[participant]
                let armGiver = field == .arm ? record.armSource.flatMap { record.sources.indices.contains($0) ? record.sources[$0] : nil } : nil
                let giver = slot.map { slot -> SourceLocation in
                    let place = stager.locatedInRecord(field, index: participant, slot: slot, else: location, state).location
                    return SourceLocation(file: place.file, line: place.line)
                }
                let source = carriedAt ?? armGiver ?? giver
                let place = source.map { " (\($0))" } ?? ""
                if field == .arm {
                    let setting = expectations[.armChanged]
                    issues.append(issue(setting.issueSeverity, rule: CrossFieldRule.armChanged.rawValue, field: .arm,
                                        raw: mine.canonicalText,
                                        message: "the arm '\(mine.canonicalText)' differs from the participant's arm '\(theirs.canonicalText)'\(place)"))
                } else {
                    // At the cell that gave this row's value: a box's missing-data mark sits in the
                    // code's column, not the box's.
                    issues.append(issue(.error, rule: "participant-conflict", field: field, raw: mine.canonicalText,
                                        message: "'\(field.name)' is \(RowReader.said(mine)) here but \(RowReader.said(theirs)) for the participant\(place)",
                                        column: row.markedBoxes.first { $0.field == field }?.column))
                }
                participantValues[field] = nil
            }
        } else if hasParticipantInputs {
            let mayFollow = stager.participantRowsMayFollow || slot.map { state.waitingBlankParticipants.contains($0) } == true
            if !participantsComplete, mayFollow, slot.map({ state.rejectedRows[$0] == nil }) ?? true {
                // The participant's row may come later in this file or another: decided after reading.
                waitsForParticipant = true
                return .new
            }
            if let slot, let rejected = state.rejectedRows[slot] {
                issues.append(issue(.warning, rule: "participant-rejected", field: .participantID, raw: id,
                                    message: "the participant row of \(Normalise.quoted(id)) was rejected (\(rejected)); this visit has no participant record"))
            } else {
                issues.append(issue(.error, rule: "unknown-participant", field: .participantID, raw: id,
                                    message: "participant \(Normalise.quoted(id)) \(stager.participantRowNotFound)"))
                return .new
            }
        }
        let entry = slot.map { $0 * state.timepointCount + timepointIndex }
        if let entry, state.visitTable[entry] == StagingState.conflicting {
            rejectAfterConflict("visit '\(timepoint.name)' of participant \(Normalise.quoted(id))", first: state.conflictingVisits[entry])
            return .new
        }
        // The participant values the row carries in, whatever it is to its visit (a repeat may
        // still fill a field the participant lacks).
        if !uniqueFields.isEmpty { checkUnique(carriedValues(into: held), &state) }
        if let entry, state.visitTable[entry] >= 0 {
            let existing = state.visitRecords[state.visitTable[entry]]
            let values = visitValues.values
            let overlap = Overlap(existing.values, values)
            switch overlap {
            case .same, .contained:
                noteRepeat("visit '\(timepoint.name)' of participant \(Normalise.quoted(id))", overlap, of: existing.source)
                return .repeated
            case .complements:
                if !uniqueFields.isEmpty { checkUnique(values, addingTo: existing.values, &state) }
                return .complementing
            case .conflicts:
                rejectConflicting("visit '\(timepoint.name)' of participant \(Normalise.quoted(id))", first: existing.source,
                                  repeats: state.visitRepeats[entry, default: []], theirs: existing.values, mine: values, &state)
                state.visitTable[entry] = StagingState.conflicting
                state.conflictingVisits[entry] = existing.source
                state.visitRepeats[entry] = nil
                return .new
            }
        }
        if !uniqueFields.isEmpty { checkUnique(visitValues.values, &state) }
        return .new
    }

    mutating func commitVisitRow(_ id: String, _ timepointIndex: Int, _ timepoint: Timepoint, role: RowRole,
                                 _ state: inout StagingState) {
        let slot = currentSlot ?? state.slotMade(for: id)
        let entry = slot * state.timepointCount + timepointIndex
        if role != .new {
            if role == .complementing {
                // The fields this row adds join the visit; the fields both rows collect agree.
                let index = state.visitTable[entry]
                let values = visitValues.values
                registerUnique(values, addingTo: state.visitRecords[index].values, &state)
                var next = values.presentField(after: nil)
                while let field = next {
                    next = values.presentField(after: field)
                    if !state.visitRecords[index].values.contains(field) { state.visitRecords[index].values[field] = values[field] }
                }
            }
            // A repeat may carry a participant value the rows before did not (an arm).
            carryParticipantValues(id, slot, &state)
            state.visitRepeats[entry, default: []].append(location)
            return
        }
        carryParticipantValues(id, slot, &state)
        if row.isBlank {
            // A visit no row gives a value is no visit: no record stands in for it (a follow-up
            // without a baseline is still one).
            issues.append(issue(.note, rule: "blank-visit", field: nil, raw: nil,
                                message: "visit '\(timepoint.name)' of participant \(Normalise.quoted(id)): this row holds no values of the visit, "
                                    + "only its keys, and no other row gives the visit, so no visit is recorded from it"))
            return
        }
        state.visitTable[entry] = state.visitRecords.count
        let values = visitValues.values
        state.visitRecords.append(VisitRecord(participantID: id, timepoint: timepoint, values: values, source: location))
        registerUnique(values, &state)
    }

    /// The participant fields a visit row carries go into its participant's record where that
    /// lacks them (``takesCarried(_:_:_:)``); with no participant inputs, the first visit row of a
    /// participant makes the record.
    private mutating func carryParticipantValues(_ id: String, _ slot: Int, _ state: inout StagingState) {
        let participant = state.slots[slot]
        if participant >= 0 {
            var changed = false
            // The values filled, for `unique` (made only when a field is unique: one per visit row).
            var filled = uniqueFields.isEmpty ? nil : FieldValues(level: .participant)
            // A value a rule emptied is held, as the row held it: no visit row fills it again.
            let held = state.recordAsHeld(participant, slot: slot)
            var next = participantValues.presentField(after: nil)
            while let field = next {
                next = participantValues.presentField(after: field)
                // Only a field the participant lacks, or holds as missing, takes the visit row's value.
                guard takesCarriedValue(field, into: held),
                      let mine = participantValues[field] else { continue }
                // A value the participant's own rows left empty (an arm, say) is filled from a
                // visit row, as it would be from another participant input, but said so. An
                // empty cell of a participant event (REDCap's screening row) is no answer given:
                // a flat export leaves every column another event collects empty there.
                if state.participantRowValues[participant]?.contains(field) == true,
                   let held = state.participantRecords[participant].values[field],
                   let (source, fromParticipantsInput) = participantRow(holding: field, of: state.participantRecords[participant], state),
                   fromParticipantsInput || !(Overlap.isEmptyCell(held) && state.participantEvents[slot] != nil) {
                    issues.append(issue(.warning, rule: "participant-filled", field: field, raw: mine.canonicalText,
                                        message: "'\(field.name)' is \(Overlap.isEmptyCell(held) ? "empty" : RowReader.said(held)) for the participant (\(source)); "
                                            + "this visit row's \(Normalise.quoted(mine.canonicalText)) is kept"))
                }
                state.participantRecords[participant].values[field] = mine
                if fillerBoxes.contains(field) { state.carriedBoxSources[slot, default: [:]][field] = location }
                filled?[field] = mine
                changed = true
            }
            if let filled { registerUnique(filled, &state) }
            if changed {
                state.participantRecords[participant].sources.append(location)
                state.carryingVisitRows.insert(location)
                let values = state.participantRecords[participant].values
                state.participantRecords[participant].site = values[.site]?.text ?? state.participantRecords[participant].site
                state.participantRecords[participant].setArm(arm(values))
            }
        } else if !hasParticipantInputs {
            let carried = participantValues.values
            let record = ParticipantRecord(id: id, site: carried[.site]?.text ?? "", arm: arm(carried), values: carried,
                                           sources: [location])
            state.setParticipant(record, rowValues: nil, slot: slot)
            state.carryingVisitRows.insert(location)
            registerUnique(carried, &state)
        }
    }

    /// `values` with each value a rule across a row's fields emptied put back as the row held it
    /// (`emptied`; ``PreparedRow/ruleEmptied``), where `values` still hold it emptied. A value
    /// derived from it, which the rule emptied too, is left out for comparing two participant
    /// rows (their sources are compared), and stays emptied with `keepingDerived`, for a visit
    /// row's carried values: no row fills it (``takesCarriedValue(_:into:)``).
    static func restoring(_ values: FieldValues, _ emptied: [Field: Value]?, keepingDerived: Bool = false) -> FieldValues {
        guard let emptied, !emptied.isEmpty else { return values }
        var restored = values
        var next = values.presentField(after: nil)
        while let field = next {
            next = values.presentField(after: field)
            guard let value = values[field], rowRuleEmptyings.contains(value) else { continue }
            if let held = emptied[field] {
                restored[field] = held
            } else if !keepingDerived {
                restored[field] = nil
            }
        }
        return restored
    }

    /// Whether this visit row's value of `field` goes into a participant record that holds
    /// `held` (``restoring(_:_:keepingDerived:)``): where the record lacks it or holds it missing
    /// (``takesCarried(_:_:_:reasonFillsEmpty:)``), but never where a rule emptied it.
    func takesCarriedValue(_ field: Field, into held: FieldValues) -> Bool {
        !(held[field].map(RowReader.rowRuleEmptyings.contains) ?? false)
            && RowReader.takesCarried(field, participantValues, held, reasonFillsEmpty: fillerBoxes.contains(field))
    }

    /// What the rules across a participant row's fields leave where they empty a value under
    /// `null-field` (an onset after screening, an age against the birth year), and in the values
    /// derived from it.
    static let rowRuleEmptyings: Set<Value> = [
        invalid(CrossFieldRule.onsetAfterBaseline.rawValue), invalid(CrossFieldRule.ageInconsistentWithBirthYear.rawValue),
    ]

    /// The participant values this visit row gives its participant: those `record` lacks or holds
    /// as missing (``takesCarried(_:_:_:)``), or all of them when it makes the record (nil). They
    /// are the record's as much as a participant row's are, so `unique` holds for them too.
    private func carriedValues(into record: FieldValues?) -> FieldValues {
        var carried = FieldValues(level: .participant)
        var next = participantValues.presentField(after: nil)
        while let field = next {
            next = participantValues.presentField(after: field)
            if let record, !takesCarriedValue(field, into: record) { continue }
            carried[field] = participantValues[field]
        }
        return carried
    }

    // MARK: - Helpers

    /// The first of a record's rows from a participants input whose file has a column for
    /// `field` (the row that held it), with true; else the record's first row (a participant
    /// event of a visits input), with false; nil for a record without rows.
    private func participantRow(holding field: Field, of record: ParticipantRecord,
                                _ state: StagingState) -> (SourceLocation, fromParticipantsInput: Bool)? {
        let holder = record.sources.first { source in
            guard let fileIndex = stager.fileIndexByName[source.file] else { return false }
            let input = stager.spec.inputs[stager.files[fileIndex].inputIndex]
            return input.holds == .participants && input.fields[field] != nil && state.absentFields[fileIndex]?.contains(field) != true
        }
        if let holder { return (holder, true) }
        return record.sources.first.map { ($0, false) }
    }

    /// The note for a row that repeats its record (``Overlap/same``: the same row; ``Overlap/contained``:
    /// only values the record holds; a blank row: nothing but its keys), kept once.
    private mutating func noteRepeat(_ subject: String, _ overlap: Overlap, of place: SourceLocation) {
        let unticked = row.untickedBoxes.isEmpty ? "" : " and unticked checkboxes"
        let message = row.isBlank
            ? "\(subject) has a row at \(place); this row holds no \(rowLevel == .visit ? "values of the visit" : "values"), "
                + "only its keys\(unticked), so it is kept once with it"
            : "\(subject) has the same \(overlap == .same ? "row" : "values") at \(place); kept once"
        issues.append(issue(.note, rule: "duplicate", field: nil, raw: nil, message: message))
    }

    /// A participant row merged into a record: each field it adds (not in the participant rows
    /// kept before; with `emptyIsUncollected`, another event, an empty cell there collects
    /// nothing) that a visit row already carried into the record must agree with it, with the
    /// rules a visit row's carried values meet (`arm_changed` for the arm, `participant-conflict`
    /// otherwise).
    ///
    /// An arm a visit row carried is judged as when that visit row comes after the participant's
    /// row: once this row is accepted, the finding is the visit row's (``rejectArmCarrier(_:_:)``)
    /// and the participant's own arm is kept (``commitParticipantRow(_:role:_:)``), whatever the
    /// order of the rows.
    private mutating func checkAgainstCarried(_ values: FieldValues, kept: FieldValues, emptyIsUncollected: Bool,
                                              record: ParticipantRecord, _ state: StagingState) {
        var next = values.presentField(after: nil)
        while let field = next {
            next = values.presentField(after: field)
            guard !Overlap.collects(kept, field, emptyIsUncollected: emptyIsUncollected),
                  let (mine, theirs) = carriedConflict(field, record.values) else { continue }
            if field == .arm {
                if let carrier = RowReader.armCarrier(of: record, state) {
                    armCarrierToJudge = ArmCarrierFinding(carrier: carrier, theirs: theirs, mine: mine)
                    continue
                }
                let setting = expectations[.armChanged]
                issues.append(issue(setting.issueSeverity, rule: CrossFieldRule.armChanged.rawValue, field: .arm, raw: mine.canonicalText,
                                    message: "the arm '\(mine.canonicalText)' differs from the arm '\(theirs.canonicalText)' a visit row gave the participant"))
            } else {
                issues.append(issue(.error, rule: "participant-conflict", field: field, raw: mine.canonicalText,
                                    message: "'\(field.name)' is \(RowReader.said(mine)) here but \(RowReader.said(theirs)) from a visit row of the participant",
                                    column: row.markedBoxes.first { $0.field == field }?.column))
            }
        }
    }

    /// The visit row that gave a participant's record its arm, nil when a participant row did.
    static func armCarrier(of record: ParticipantRecord, _ state: StagingState) -> SourceLocation? {
        guard let index = record.armSource, record.sources.indices.contains(index),
              state.carryingVisitRows.contains(record.sources[index]) else { return nil }
        return record.sources[index]
    }

    /// `arm_changed` at the visit row that carried an arm into the participant's record other than
    /// this accepted participant row's: located at its arm cell, and at `error` the row is rejected
    /// with the visit it made (every row of it), or alone when it made none.
    mutating func rejectArmCarrier(_ finding: ArmCarrierFinding, _ state: inout StagingState) throws {
        let (carrier, theirs, mine) = (finding.carrier, finding.theirs, finding.mine)
        guard let slot = currentSlot else { return }
        let severity = expectations[.armChanged].issueSeverity
        // The visit the row made or joined, if any (a row blank for its visit joined none).
        var visit: (entry: Int, offset: Int, madeIt: Bool)?
        for offset in 0..<state.timepointCount {
            let entry = slot * state.timepointCount + offset
            let index = state.visitTable[entry]
            guard index >= 0 else { continue }
            if state.visitRecords[index].source == carrier || state.visitRepeats[entry]?.contains(carrier) == true {
                visit = (entry, offset, state.visitRecords[index].source == carrier)
                break
            }
        }
        let fileIndex = stager.fileIndexByName[carrier.file]
        let column = fileIndex.flatMap { state.fieldColumns[$0]?[.arm] }
        let record = state.slots[slot]
        let message = "the arm '\(theirs.canonicalText)' differs from the participant's arm '\(mine.canonicalText)' (\(location))"
        try stager.emit(Diagnostic(severity, at: carrier.column(column), rule: CrossFieldRule.armChanged.rawValue, message: message,
                                   participant: state.participantRecords[record].id,
                                   visit: visit.map { timepoints[$0.offset].name }, field: Field.arm.name,
                                   value: theirs.canonicalText),
                        fileIndex: fileIndex, &state)
        guard severity == .error else { return }
        // Rejected, the row is no source of the participant's record any more.
        state.participantRecords[record].sources.removeAll { $0 == carrier }
        state.participantRecords[record].armSource = nil
        var rows = [carrier]
        if let visit {
            if visit.madeIt {
                rows += state.visitRepeats[visit.entry, default: []]
                state.visitTable[visit.entry] = -1
                state.visitRepeats[visit.entry] = nil
            } else {
                state.visitRepeats[visit.entry]?.removeAll { $0 == carrier }
            }
            // A later row of the visit blank but for its keys goes with it, as beside any
            // rejected row of its visit.
            if state.rejectedVisitRows[visit.entry] == nil { state.rejectedVisitRows[visit.entry] = carrier }
        }
        for row in rows {
            guard let rowFile = stager.fileIndexByName[row.file] else { continue }
            state.withdraw(row, fileIndex: rowFile, reason: message)
        }
    }

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
    /// participant lacks it, or holds it as missing while the row has a value. For a REDCap box
    /// (`reasonFillsEmpty`, ``fillerBoxes``) a mark also fills an empty cell: a question marked
    /// missing on a visit event, where the screening event holds only filler zeros.
    static func takesCarried(_ field: Field, _ mine: FieldValuesBuilder, _ theirs: FieldValues,
                             reasonFillsEmpty: Bool = false) -> Bool {
        guard theirs.contains(field) else { return mine.contains(field) }
        guard theirs.isMissing(field), mine.contains(field) else { return false }
        return !mine.isMissing(field)
            || (reasonFillsEmpty && Overlap.isEmptyCell(theirs[field]) && !Overlap.isEmptyCell(mine[field]))
    }

    /// The row's value of `field` and the participant's `record` value when they conflict: for a
    /// REDCap box (``fillerBoxes``) ``answerConflict(_:_:_:)``, for any other field
    /// ``conflict(_:_:_:)``.
    func carriedConflict(_ field: Field, _ record: FieldValues) -> (Value, Value)? {
        fillerBoxes.contains(field)
            ? RowReader.answerConflict(field, participantValues, record) : RowReader.conflict(field, participantValues, record)
    }

    /// For a REDCap box (``fillerBoxes``): the row's and the participant's answers when both give
    /// one and they differ, a missing-data mark counting as an answer (a tick against a mark, two
    /// marks); nil otherwise. Filler zeros are empty cells by then and answer nothing; a value a
    /// rule emptied (`invalid`) is no answer either.
    static func answerConflict(_ field: Field, _ mine: FieldValuesBuilder, _ theirs: FieldValues) -> (Value, Value)? {
        guard theirs.contains(field), let mineValue = mine[field], let theirValue = theirs[field],
              isAnswer(mineValue), isAnswer(theirValue), mineValue != theirValue else { return nil }
        return (mineValue, theirValue)
    }

    private static func isAnswer(_ value: Value) -> Bool {
        !Overlap.isEmptyCell(value) && !isInvalid(value)
    }

    /// A value as a conflict message says it: quoted, or its missing reason.
    static func said(_ value: Value) -> String {
        value.isMissing ? value.description : Normalise.quoted(value.canonicalText)
    }

    func arm(_ values: FieldValues) -> Arm? {
        guard let id = values[.arm]?.text else { return nil }
        return vocabularies.arms.first { $0.arm.id == id }?.arm
    }

    /// `unique` expectations: the first row with a value keeps it; later ones are problems.
    /// - Parameter kept: for a row merged into a record, the record's values: only the fields the
    ///   row adds are checked (the others are the record's own).
    private mutating func checkUnique(_ values: FieldValues, addingTo kept: FieldValues? = nil,
                                      emptyIsUncollected: Bool = false, _ state: inout StagingState) {
        guard !uniqueFields.isEmpty else { return }
        for field in uniqueFields where field.level == values.level
            && !Overlap.collects(kept, field, emptyIsUncollected: emptyIsUncollected) {
            guard let value = values[field], !value.isMissing else { continue }
            if let first = state.uniqueValues[field]?[value.canonicalText] {
                let expectation = expectations[field]
                issues.append(issue(expectation.issueSeverity, rule: "unique", field: field, raw: value.canonicalText,
                                    message: "the value \(Normalise.quoted(value.canonicalText)) of '\(field.name)' is already used at \(first)"))
            }
        }
    }

    private func registerUnique(_ values: FieldValues, addingTo kept: FieldValues? = nil, emptyIsUncollected: Bool = false,
                                _ state: inout StagingState) {
        guard !uniqueFields.isEmpty else { return }
        for field in uniqueFields where field.level == values.level
            && !Overlap.collects(kept, field, emptyIsUncollected: emptyIsUncollected) {
            guard let value = values[field], !value.isMissing else { continue }
            if state.uniqueValues[field]?[value.canonicalText] == nil {
                let column = columnOf[field.ordinal]
                state.uniqueValues[field, default: [:]][value.canonicalText] = location.column(column > 0 ? column : nil)
            }
        }
    }

    /// Rejects this row of `subject` (a participant, or a participant's visit), whose values
    /// differ from those of the row accepted at `first` (and its identical `repeats`): neither
    /// can be trusted, so the rows accepted before are taken back too. `shownAt` is the row the
    /// message names when it is not `first` (the first row of the same event). The caller marks
    /// `subject` ``StagingState/conflicting``.
    private mutating func rejectConflicting(_ subject: String, first: SourceLocation, repeats: [SourceLocation],
                                            theirs: FieldValues, mine: FieldValues, events: Bool = false,
                                            shownAt: SourceLocation? = nil, _ state: inout StagingState) {
        let kept = [first] + repeats
        let outcome = kept.count == 1 ? "; neither can be trusted, so both rows are rejected"
            : "; they cannot be trusted, so this row and the \(kept.count) rows kept before are rejected"
        let differing = RowReader.firstDifference(theirs, mine, emptyIsUncollected: events)
        // A record merged from rows of several files holds each field from a row whose file has
        // a column for it: that row is the one named, not the record's first.
        // (A field no kept row has a column for, a derived one, is said of every row as before.)
        let fieldColumns = state.fieldColumns
        func hasColumn(_ row: SourceLocation) -> Bool {
            guard let field = differing, let fileIndex = stager.fileIndexByName[row.file] else { return true }
            return fieldColumns[fileIndex]?[field] != nil
        }
        let anyColumn = kept.contains(where: hasColumn)
        func collects(_ row: SourceLocation) -> Bool { !anyColumn || hasColumn(row) }
        let giver = kept.first(where: collects) ?? first
        let unticked = row.untickedBoxes
        let raw = differing.flatMap { field in unticked.contains(field) ? "0" : mine[field]?.canonicalText }
        issues.append(issue(.error, rule: "duplicate", field: differing, raw: raw,
                            message: "\(subject) already has a different row at \(shownAt ?? giver)"
                                + RowReader.describeDifference(theirs, mine, emptyIsUncollected: events, untickedSecond: unticked)
                                + outcome))
        // Said from the side of a row taken back: it is not the row that came last.
        let takenBack = kept.count == 1 ? "; neither can be trusted, so both rows are rejected"
            : "; they cannot be trusted, so that row and the \(kept.count) rows kept before, this one among them, are rejected"
        for row in kept {
            // Every row's file is one of the run's (rows are located by the file's display name).
            guard let fileIndex = stager.fileIndexByName[row.file] else { continue }
            let reason = "\(subject) has a different row at \(location)"
                + RowReader.describeDifference(mine, theirs, emptyIsUncollected: events, keptAt: collects(row) ? nil : giver,
                                               untickedFirst: unticked) + takenBack
            state.withdraw(row, fileIndex: fileIndex, reason: reason)
        }
        RowReader.forgetUnique(of: kept, &state)
    }

    /// Rejects a row of `subject` whose rows conflicted before (the first of them at `first`).
    private mutating func rejectAfterConflict(_ subject: String, first: SourceLocation?) {
        let place = first.map { " (the first at \($0))" } ?? ""
        issues.append(issue(.error, rule: "duplicate", field: nil, raw: nil,
                            message: "\(subject) has conflicting rows\(place); this row is rejected too"))
    }

    /// The first field, in declaration order, that both collect with different values; else the
    /// first that differs at all.
    /// With `emptyIsUncollected` (two events of one REDCap record), an empty cell is not collected.
    static func firstDifference(_ first: FieldValues, _ second: FieldValues, emptyIsUncollected: Bool = false) -> Field? {
        let fields = Field.fields(at: first.level)
        return fields.first {
            Overlap.collects(first, $0, emptyIsUncollected: emptyIsUncollected)
                && Overlap.collects(second, $0, emptyIsUncollected: emptyIsUncollected) && first[$0] != second[$0]
        }
            ?? fields.first { first[$0] != second[$0] }
    }

    /// ` ('f' is A there and B here)`, for the first field in which `first` (there) and
    /// `second` (here) differ; with `keptAt`, the place B came from when it is not this row (a
    /// record merged from rows of several files).
    ///
    /// `untickedFirst` and `untickedSecond`: the REDCap checkboxes whose `0` each side read as an
    /// empty cell (``PreparedRow/untickedBoxes``), said as the `0` they are.
    static func describeDifference(_ first: FieldValues, _ second: FieldValues, emptyIsUncollected: Bool = false,
                                   keptAt: SourceLocation? = nil, untickedFirst: [Field] = [],
                                   untickedSecond: [Field] = []) -> String {
        guard let field = firstDifference(first, second, emptyIsUncollected: emptyIsUncollected) else { return "" }
        func shown(_ value: Value?, unticked: [Field]) -> String {
            guard let value else { return "not collected" }
            if Overlap.isEmptyCell(value), unticked.contains(field) { return "'0' (unticked)" }
            return said(value)
        }
        return " ('\(field.name)' is \(shown(first[field], unticked: untickedFirst)) there and "
            + "\(shown(second[field], unticked: untickedSecond)) \(keptAt.map { "at \($0)" } ?? "here"))"
    }
}

/// What a row is to the record of its participant (or its participant's visit) staged before it.
enum RowRole {
    /// The first accepted row of its record (or a row that is not accepted).
    case new
    /// A row that repeats values its record already holds: kept once.
    case repeated
    /// A row that adds fields its record does not collect, agreeing on those both collect: its
    /// values join the record.
    case complementing
}

/// How a later row of a record compares with the values kept before, field by field over the
/// fields both collect (a field a row's input does not map is not collected: no value and no
/// missing reason).
enum Overlap: Equatable {
    /// Both collect the same fields, with the same values.
    case same
    /// Every field the row collects is collected before, with the same value.
    case contained
    /// The fields both collect agree, and the row collects fields not collected before.
    case complements
    /// A field both collect differs (a value against another value or a missing reason).
    case conflicts

    /// With `emptyIsUncollected` (two events of one REDCap record), an empty cell on either side
    /// is a field that row does not collect: it neither conflicts with a value nor repeats one.
    init(_ kept: FieldValues, _ row: FieldValues, emptyIsUncollected: Bool = false) {
        var addsFields = false
        var next = row.presentField(after: nil)
        while let field = next {
            next = row.presentField(after: field)
            if emptyIsUncollected, Overlap.isEmptyCell(row[field]) { continue }
            guard Overlap.collects(kept, field, emptyIsUncollected: emptyIsUncollected) else {
                addsFields = true
                continue
            }
            if kept[field] != row[field] {
                self = .conflicts
                return
            }
        }
        if addsFields {
            self = .complements
        } else if emptyIsUncollected {
            self = .contained
        } else {
            self = kept.presentFields.count == row.presentFields.count ? .same : .contained
        }
    }

    /// An empty cell: missing, with no missing code given.
    static func isEmptyCell(_ value: Value?) -> Bool {
        value?.missingReason == .empty
    }

    /// Whether `values` collect `field` (a value or a missing reason), an empty cell not counting
    /// with `emptyIsUncollected` (two events of one record).
    static func collects(_ values: FieldValues?, _ field: Field, emptyIsUncollected: Bool) -> Bool {
        guard let values, values.contains(field) else { return false }
        return !(emptyIsUncollected && isEmptyCell(values[field]))
    }
}

extension ParticipantRecord {
    /// Sets the arm after a row was added to `sources`: an arm the record did not have comes
    /// from that row.
    mutating func setArm(_ newArm: Arm?) {
        if arm == nil, newArm != nil { armSource = sources.count - 1 }
        if newArm == nil { armSource = nil }
        arm = newArm
    }
}

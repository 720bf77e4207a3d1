import PipelineSpec
import StudyModel

extension Stager {
    /// The fields that inputs other than `inputIndex` map on rows of the field's own level (a
    /// column, a checkbox or a derivation): participant fields of inputs that hold participant
    /// rows (participant inputs, or visit inputs with `participant_rows`), visit fields of visit
    /// inputs. A participant field a visit row merely carries does not count: it cannot stand in
    /// for a participant row.
    func fieldsMappedByOtherInputs(than inputIndex: Int) -> Set<Field> {
        // Inputs are few: cheap to make for each row reader of a file.
        var fields = Set<Field>()
        for (index, input) in spec.inputs.enumerated() where index != inputIndex {
            let holdsParticipantRows = input.holds == .participants || !input.participantRows.isEmpty
            for field in input.fields.fields
            where field.level == .visit ? input.holds == .visits : holdsParticipantRows {
                fields.insert(field)
            }
        }
        return fields
    }

    /// Required fields that a row's own file does not fill, but another input maps, are checked
    /// here on the merged record, once every file is read: a participant (or visit) whose rows,
    /// from every input together, give no value or missing code for one is reported at its first
    /// row with the field's severity. At `error` (without `null-field`) the record is rejected:
    /// a participant's rows from participant inputs and a visit's rows are taken back (a
    /// participant's visits stay, as with any participant row rejected).
    func checkRequiredFieldsOfRecords(_ state: inout StagingState, slotOrder: [Int]) throws {
        let required = state.requiredOnRecords.union(state.requiredOnEventRecords).sorted { $0.ordinal < $1.ordinal }
        let participantFields = required.filter { $0.level == .participant }
        let visitFields = required.filter { $0.level == .visit }
        guard !required.isEmpty else { return }
        let eventFields = state.requiredOnEventRecords
        // A value, as a single row must give (one emptied under `null-field` was reported already).
        func hasValue(_ values: FieldValues, _ field: Field) -> Bool {
            guard let value = values[field] else { return false }
            if RowReader.isInvalid(value) { return true }
            return !value.isMissing
        }
        let timepoints = spec.schedule.timepoints
        for slot in slotOrder {
            let record = state.slots[slot]
            if record >= 0, !participantFields.isEmpty {
                let participant = state.participantRecords[record]
                let events = state.participantEvents[slot] ?? []
                // A participant of an input with several events needs a value of its event fields;
                // any other required field on records, any value or missing code of some input.
                let onEvents = participantFields.filter { eventFields.contains($0) && !events.isEmpty && !hasValue(participant.values, $0) }
                let lacking = onEvents + participantFields.filter {
                    guard !onEvents.contains($0), state.requiredOnRecords.contains($0) else { return false }
                    // A value the record derived as missing (an input's missing code) lacks one, as
                    // on a row that derives it.
                    return state.requiredDerivedOnRecords.contains($0) ? !hasValue(participant.values, $0) : !participant.values.contains($0)
                }
                if !lacking.isEmpty, try report(lacking, of: "participant \(Normalise.quoted(participant.id))", at: participant.sources.first,
                                                participant: participant.id, visit: nil, events: onEvents.isEmpty ? [] : events,
                                                record: participant.values, &state) {
                    try rejectParticipantRecord(inSlot: slot, reason: "participant \(Normalise.quoted(participant.id)) lacks the required "
                        + lacking.map { "'\($0.name)'" }.joined(separator: ", ") + (onEvents.isEmpty ? " in every input" : ""),
                                                &state)
                } else {
                    // Only a field with no value at all is marked: a missing code (or an empty
                    // cell) the rows gave stays with its reason, as on a row.
                    for field in lacking where spec.expectations[field].policy == .nullField
                        && state.participantRecords[record].values[field] == nil {
                        state.participantRecords[record].values[field] = RowReader.invalid("required")
                    }
                }
            }
            guard !visitFields.isEmpty else { continue }
            for (offset, timepoint) in timepoints.enumerated() {
                let entry = slot * state.timepointCount + offset
                let index = state.visitTable[entry]
                guard index >= 0 else { continue }
                let visit = state.visitRecords[index]
                let lacking = visitFields.filter { !visit.values.contains($0) }
                let subject = "visit '\(timepoint.name)' of participant \(Normalise.quoted(visit.participantID))"
                guard !lacking.isEmpty else { continue }
                guard try report(lacking, of: subject, at: visit.source, participant: visit.participantID, visit: timepoint.name, &state)
                else {
                    for field in lacking where spec.expectations[field].policy == .nullField {
                        state.visitRecords[index].values[field] = RowReader.invalid("required")
                    }
                    continue
                }
                let reason = "\(subject) lacks the required " + lacking.map { "'\($0.name)'" }.joined(separator: ", ") + " in every input"
                for source in [visit.source] + state.visitRepeats[entry, default: []] {
                    guard let fileIndex = fileIndexByName[source.file] else { continue }
                    state.withdraw(source, fileIndex: fileIndex, reason: reason)
                }
                state.visitTable[entry] = -1
            }
        }
    }

    /// Rejects the participant record in `slot` once every file is read: with its rows from
    /// participant inputs taken back, nothing is left of it. Every source that is not a visit row
    /// is taken back (a visit row that carried values stays, a blank one too: it is no row of the
    /// participant), and each row of its visits is warned, as any visit of a rejected participant is.
    func rejectParticipantRecord(inSlot slot: Int, reason: String, _ state: inout StagingState) throws {
        let participant = state.participantRecords[state.slots[slot]]
        for source in participant.sources where !state.carryingVisitRows.contains(source) {
            guard let fileIndex = fileIndexByName[source.file] else { continue }
            state.withdraw(source, fileIndex: fileIndex, reason: reason)
        }
        state.slots[slot] = -1
        try warnVisits(ofSlot: slot, participant: participant.id,
                       message: "the participant record of \(Normalise.quoted(participant.id)) was rejected (\(reason)); "
                           + "this visit has no participant record", &state)
    }

    /// The ranges of the values derived on the records (``StagingState/scoreOnRecords(_:ranges:mergedOnly:)``; a
    /// value a row derived was checked on that row), checked as a row's derived field is: reported
    /// at the participant's first row with the field's severity; under `null-field` the total is
    /// emptied, at `error` otherwise the record is rejected
    /// (``rejectParticipantRecord(inSlot:reason:_:)``).
    func checkRangesOfScoredTotals(_ state: inout StagingState, slotOrder: [Int]) throws {
        guard !state.scoredOnRecords.isEmpty else { return }
        for slot in slotOrder where state.slots[slot] >= 0 {
            guard let scored = state.scoredOnRecords[slot] else { continue }
            let index = state.slots[slot]
            let participant = state.participantRecords[index]
            var outside: [String] = []
            for field in scored {
                guard let range = spec.expectations.outOfRange(field, participant.values[field]),
                      let number = participant.values[field]?.number else { continue }
                let expectation = spec.expectations[field]
                let place = participant.sources.first ?? SourceLocation(file: "")
                try emit(Diagnostic(expectation.issueSeverity, at: place, rule: "range",
                                    message: "'\(field.name)' derived from the participant's rows is \(Value.format(number)), "
                                        + "out of range \(RowReader.describe(range))",
                                    participant: participant.id, field: field.name, value: Value.format(number)),
                         fileIndex: fileIndexByName[place.file], &state)
                if expectation.policy == .nullField {
                    state.participantRecords[index].values[field] = RowReader.invalid("range")
                } else if expectation.issueSeverity == .error {
                    outside.append("'\(field.name)' \(Value.format(number))")
                }
            }
            if !outside.isEmpty {
                try rejectParticipantRecord(inSlot: slot, reason: "participant \(Normalise.quoted(participant.id)) has "
                    + outside.joined(separator: ", ") + " out of range", &state)
            }
        }
    }

    /// The row rules on participant values (onset after screening, age against birth year),
    /// judged again on each merged record once every file is read: a record merged from rows of
    /// several inputs (the age in a survey, the birth year in the study file) was judged by no
    /// row, and one whose row the rule rejected or emptied may hold the same value from another
    /// row. A participant whose kept row was warned about the rule is not judged again (the
    /// record holds that row's values); a row that held every value compared and passed holds
    /// what the record holds (a different value in another row is a conflict), so such a record
    /// passes here as it passed there. A finding is reported at the judged cell
    /// (the onset, the age) with the rule's severity; under `null-field` that field is emptied
    /// with the values derived from it, at `error` the record is rejected
    /// (``rejectParticipantRecord(inSlot:reason:_:)``).
    func checkRowRulesOfMergedRecords(_ state: inout StagingState, slotOrder: [Int]) throws {
        let maps = { (field: Field) in self.spec.inputs.contains { $0.fields[field] != nil } }
        let ageFromColumn = spec.inputs.contains { if case .column? = $0.fields[.age]?.source { true } else { false } }
        let judgesOnset = maps(.onsetDate) && maps(.screeningDate)
        let judgesAge = ageFromColumn && maps(.birthYear) && (maps(.screeningDate) || maps(.randomisationDate))
        guard judgesOnset || judgesAge else { return }
        let derivedFrom: [Field: DerivedFrom] = [.onsetDate: DerivedFrom(.onsetDate, inputs: spec.inputs),
                                                 .age: DerivedFrom(.age, inputs: spec.inputs)]
        for slot in slotOrder where state.slots[slot] >= 0 {
            let index = state.slots[slot]
            let participant = state.participantRecords[index]
            guard let firstRow = participant.sources.first else { continue }
            let findingsSoFar = state.participantRuleFindings
            func reported(_ rule: CrossFieldRule) -> Bool {
                findingsSoFar.contains(.init(participant: participant.id, rule: rule))
            }
            var findings: [(rule: CrossFieldRule, field: Field, raw: String, message: String)] = []
            let values = participant.values
            if judgesOnset, let onset = values.date(.onsetDate), let screening = values.date(.screeningDate), onset > screening,
               !reported(.onsetAfterBaseline) {
                findings.append((.onsetAfterBaseline, .onsetDate, onset.iso,
                                 "symptom onset '\(onset.iso)' is after the screening date '\(screening.iso)'"))
            }
            if judgesAge, let age = values.number(.age), let birthYear = values.number(.birthYear),
               let reference = values.date(.screeningDate) ?? values.date(.randomisationDate),
               !reported(.ageInconsistentWithBirthYear) {
                let implied = Double(reference.year) - birthYear
                if abs(age - implied) > 1 {
                    findings.append((.ageInconsistentWithBirthYear, .age, Value.format(age),
                                     "the age \(Value.format(age)) does not fit birth year \(Value.format(birthYear)) "
                                        + "(\(Value.format(implied)) in \(reference.year))"))
                }
            }
            var rejecting: [String] = []
            for finding in findings {
                let setting = spec.expectations[finding.rule]
                let place = locatedInRecord(finding.field, index: index, slot: slot, else: firstRow, state)
                try emit(Diagnostic(setting.issueSeverity, at: place.location, rule: finding.rule.rawValue, message: finding.message,
                                    participant: participant.id, field: finding.field.name, value: finding.raw),
                         fileIndex: place.fileIndex, &state)
                if setting.policy == .nullField {
                    let emptied = RowReader.invalid(finding.rule.rawValue)
                    let derived = derivedFrom[finding.field]?.derivedFields(of: state.participantRecords[index].values) ?? []
                    state.participantRecords[index].values[finding.field] = emptied
                    for field in derived { state.participantRecords[index].values[field] = emptied }
                } else if setting.severity == .error {
                    rejecting.append(finding.message)
                }
            }
            if !rejecting.isEmpty {
                try rejectParticipantRecord(inSlot: slot, reason: rejecting.joined(separator: "; "), &state)
            }
        }
    }

    /// Warns at every row of each visit of the participant in `slot`, who has no record now
    /// (`participant-rejected`, at the participant id column of the row's file): the visits stay.
    func warnVisits(ofSlot slot: Int, participant id: String, message: String, _ state: inout StagingState) throws {
        for entry in (slot * state.timepointCount)..<((slot + 1) * state.timepointCount) where state.visitTable[entry] >= 0 {
            let visit = state.visitRecords[state.visitTable[entry]]
            for row in [visit.source] + state.visitRepeats[entry, default: []] {
                let fileIndex = fileIndexByName[row.file]
                try emit(Diagnostic(.warning, at: row.column(fileIndex.flatMap { state.fieldColumns[$0]?[.participantID] }),
                                    rule: "participant-rejected", message: message, participant: id,
                                    visit: visit.timepoint.name, field: Field.participantID.name, value: id),
                         fileIndex: fileIndex, &state)
            }
        }
    }

    /// Reports each lacking field with its severity; true when one of them rejects the record.
    /// With `events` (the participant's event rows), a field an event gave a missing code is
    /// reported at that row (its line; the column is not kept) with the code's reason.
    private func report(_ lacking: [Field], of subject: String, at source: SourceLocation?, participant: String,
                        visit: String?, events: [StagingState.EventRow] = [], record: FieldValues? = nil,
                        _ state: inout StagingState) throws -> Bool {
        var rejects = false
        for field in lacking {
            let expectation = spec.expectations[field]
            let coded = events.first { $0.values[field].map { $0.isMissing && !Overlap.isEmptyCell($0) } ?? false }
            let reason = coded.flatMap { $0.values[field]?.missingReason }
            let place = coded?.source ?? events.first?.source ?? source
            // A value the record derived from an input's missing code.
            let derivedMissing = record?[field].flatMap { $0.isMissing && !Overlap.isEmptyCell($0) ? $0.missingReason : nil }
            let message = reason.map { "'\(field.name)' is required but is missing (\($0)) in every row of \(subject) that collects it" }
                ?? derivedMissing.map { "'\(field.name)' is required but derives as missing (\($0)) from the rows of \(subject)" }
                ?? "'\(field.name)' is required but no row of \(subject) gives it"
            try emit(Diagnostic(expectation.issueSeverity, at: place ?? SourceLocation(file: ""), rule: "required",
                                message: message, participant: participant, visit: visit, field: field.name),
                     fileIndex: place.flatMap { fileIndexByName[$0.file] }, &state)
            if expectation.issueSeverity == .error, expectation.policy != .nullField { rejects = true }
        }
        return rejects
    }
}

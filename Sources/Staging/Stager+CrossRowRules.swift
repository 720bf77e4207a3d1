import CSVKit
import Dispatch
import PipelineSpec
import StudyModel

extension Stager {
    /// One finding of a cross-row rule: the visit (its place in the state's visit table and its
    /// record), the rule, the message and the value shown.
    private struct Finding {
        var index: Int
        var record: Int
        var timepoint: String
        var rule: CrossFieldRule
        var message: String
        var raw: String?
    }

    /// Rules that need every visit of a participant, run after all files are read and against
    /// that state (so one rejection does not set off another): follow-up without baseline,
    /// follow-up of a participant without an arm, follow-up dated before randomisation, visit
    /// outside its window, and the baseline visit dated before symptom onset. Rejected visits
    /// leave the staged data, their files' accounting moves them from accepted to rejected, and
    /// their rows are fetched again for the sink.
    ///
    /// The one exception: a baseline visit these rules reject leaves the participant's follow-ups
    /// without a baseline, so those still kept are then judged by `follow_up_without_baseline`,
    /// as a follow-up read without one is (and rejected with it when it is an error). That rule
    /// rejects only follow-ups, so nothing further follows from it.
    ///
    /// Participants are taken in id order (`slotOrder`), each one's visits in schedule order; the
    /// findings of the exception come after all others, in the same order.
    func applyCrossRowRules(_ state: inout StagingState, slotOrder: [Int]) throws {
        let expectations = spec.expectations
        let timepoints = spec.schedule.timepoints
        let emptied = (beforeRandomisation: expectations[.visitBeforeRandomisation].policy == .nullField,
                       outsideWindow: expectations[.visitOutsideWindow].policy == .nullField)
        // Read through buffers, so that walking every participant retains and copies nothing;
        // the two halves of the participants on two threads, their findings joined in order.
        let halves = FindingHalves()
        state.visitRecords.withUnsafeBufferPointer { visitRecords in
            state.participantRecords.withUnsafeBufferPointer { participantRecords in
                state.visitTable.withUnsafeBufferPointer { visitTable in
                    state.slots.withUnsafeBufferPointer { slots in
                        let inputs = CrossRowInputs(visitRecords: visitRecords, participantRecords: participantRecords,
                                                    visitTable: visitTable, slots: slots)
                        let middle = slotOrder.count / 2
                        DispatchQueue.concurrentPerform(iterations: 2) { half in
                            // Each thread its own schedule, so the two share no array they count references on.
                            let table = VisitTable(timepoints: timepoints.map { $0 }, emptiesDateBeforeRandomisation: emptied.beforeRandomisation,
                                                   emptiesDateOutsideWindow: emptied.outsideWindow)
                            var found: [Finding] = []
                            for slot in slotOrder[half == 0 ? 0..<middle : middle..<slotOrder.count] {
                                table.collectFindings(slot: slot, record: inputs.slots[slot], visitTable: inputs.visitTable,
                                                      visitRecords: inputs.visitRecords,
                                                      participantRecords: inputs.participantRecords, into: &found)
                            }
                            if half == 0 { halves.first = found } else { halves.second = found }
                        }
                    }
                }
            }
        }
        let findings = halves.first + halves.second
        let fromOnset = DerivedFrom(.onsetDate, inputs: spec.inputs)
        // The rules that rejected each participant's baseline visits, in the order found (the
        // findings come by participant).
        var rejectedBaselines: [(slot: Int, rules: [String])] = []
        for finding in findings {
            let rejected = try apply(finding, to: &state, fromOnset: fromOnset)
            guard rejected, timepoints[finding.index % state.timepointCount].isBaseline else { continue }
            let slot = finding.index / state.timepointCount
            if rejectedBaselines.last?.slot != slot { rejectedBaselines.append((slot, [])) }
            if !rejectedBaselines[rejectedBaselines.count - 1].rules.contains(finding.rule.rawValue) {
                rejectedBaselines[rejectedBaselines.count - 1].rules.append(finding.rule.rawValue)
            }
        }
        for finding in followUpsLeftWithoutBaseline(rejectedBaselines, state: state, timepoints: timepoints) {
            try apply(finding, to: &state, fromOnset: fromOnset)
        }
    }

    /// Emits one cross-row finding and does what its setting says: empty a field, or reject the
    /// visit with every row of it. Returns whether it rejected the visit (or, one rejected before,
    /// gave it one more reason).
    @discardableResult
    private func apply(_ finding: Finding, to state: inout StagingState, fromOnset: DerivedFrom) throws -> Bool {
        let expectations = spec.expectations
        let count = state.timepointCount
        let participant = state.ids.keys[finding.index / count]
        let source = state.visitRecords[finding.record].source
        let setting = expectations[finding.rule]
        let fileIndex = fileIndexByName[source.file]
        var field: Field? = switch finding.rule {
        case .followUpWithoutBaseline, .followUpNotRandomised: .visit
        case .onsetAfterBaseline: .visitDate
        default: finding.rule.nullableField
        }
        // At the cell judged: a visit merged from rows of several files is located at the row of
        // the file that has the field's column; an onset the rule empties, at the participant's.
        var place = located(field, among: [source] + (state.visitRepeats[finding.index] ?? []), else: source, state)
        // The value as normalised: for the rules judging the visit itself, the visit it became.
        var value = finding.raw ?? (field == .visit ? finding.timepoint : nil)
        let participantRecord = state.slots[finding.index / count]
        if finding.rule == .onsetAfterBaseline, setting.policy == .nullField, participantRecord >= 0 {
            let record = state.participantRecords[participantRecord]
            field = .onsetDate
            place = locatedInRecord(.onsetDate, index: participantRecord, slot: finding.index / count, else: source, state)
            value = record.values.date(.onsetDate)?.iso ?? value
        }
        try emit(Diagnostic(setting.issueSeverity, at: place.location,
                            rule: finding.rule.rawValue, message: finding.message, participant: participant,
                            visit: finding.timepoint, field: field?.name, value: value), fileIndex: place.fileIndex, &state)
        if setting.policy == .nullField, finding.rule == .onsetAfterBaseline {
            let record = state.slots[finding.index / count]
            if record >= 0 {
                // The values derived from the onset go with it, as when the row rule empties
                // the onset before they are derived.
                let emptied = RowReader.invalid(finding.rule.rawValue)
                let derived = fromOnset.derivedFields(of: state.participantRecords[record].values)
                state.participantRecords[record].values[.onsetDate] = emptied
                for field in derived { state.participantRecords[record].values[field] = emptied }
            }
        } else if setting.policy == .nullField, let nullable = finding.rule.nullableField {
            // A visit already rejected by an earlier finding keeps its values.
            guard state.visitTable[finding.index] >= 0 else { return false }
            state.visitRecords[finding.record].values[nullable] = RowReader.invalid(finding.rule.rawValue)
        } else if setting.severity == .error, fileIndex != nil {
            // A visit still in the table is rejected now, with every row of it (its repeats
            // and the rows merged into it, from any file); one an earlier finding took out gets
            // one more reason on each.
            let rows = [source] + (state.visitRepeats[finding.index] ?? [])
            let inTable = state.visitTable[finding.index] >= 0
            if inTable { state.visitTable[finding.index] = -1 }
            for row in rows {
                guard let rowFile = fileIndexByName[row.file] else { continue }
                if inTable {
                    state.withdraw(row, fileIndex: rowFile, reason: finding.message)
                } else {
                    state.addReason(finding.message, toDeferred: row, fileIndex: rowFile)
                }
            }
            return true
        }
        return false
    }

    /// `follow_up_without_baseline` findings for the follow-ups still kept of each participant
    /// whose every baseline visit the cross-row findings rejected (`rejected`: by participant,
    /// with the rejecting rules), each one's follow-ups in schedule order, naming those rules.
    private func followUpsLeftWithoutBaseline(_ rejected: [(slot: Int, rules: [String])], state: StagingState,
                                              timepoints: [Timepoint]) -> [Finding] {
        let count = state.timepointCount
        var found: [Finding] = []
        for (slot, rules) in rejected {
            let visits = (slot * count)..<(slot * count + count)
            guard !visits.contains(where: { timepoints[$0 % count].isBaseline && state.visitTable[$0] >= 0 }) else { continue }
            for index in visits where !timepoints[index % count].isBaseline && state.visitTable[index] >= 0 {
                let record = state.visitTable[index]
                let timepoint = timepoints[index % count].name
                found.append(Finding(index: index, record: record, timepoint: timepoint, rule: .followUpWithoutBaseline,
                                     message: "visit '\(timepoint)' of participant \(Normalise.quoted(state.visitRecords[record].participantID)) "
                                         + "has no baseline visit: its baseline visit was rejected (\(rules.joined(separator: ", ")))"))
            }
        }
        return found
    }

    /// Where a finding about `field` is located among a record's `rows`: the first row from a
    /// file with a column for it, at that column (the row that held the value); else the first
    /// row (or `fallback`), without a column.
    func located(_ field: Field?, among rows: [SourceLocation], else fallback: SourceLocation,
                 _ state: StagingState) -> (location: SourceLocation, fileIndex: Int?) {
        if let field {
            for row in rows {
                guard let fileIndex = fileIndexByName[row.file], let column = state.fieldColumns[fileIndex]?[field] else { continue }
                return (row.column(column), fileIndex)
            }
        }
        let first = rows.first ?? fallback
        return (first, fileIndexByName[first.file])
    }

    /// Where a finding about a participant's `field` is located: at the row that gave the record
    /// (at `index`, in `slot`) its value, at that row's column. A value of the participant rows is
    /// sought among them, leaving out an event row of a REDCap record that holds it empty; a
    /// value a visit row carried in (the participant rows hold none, or a missing code), among the
    /// carrying rows.
    func locatedInRecord(_ field: Field, index: Int, slot: Int, else fallback: SourceLocation,
                         _ state: StagingState) -> (location: SourceLocation, fileIndex: Int?) {
        let record = state.participantRecords[index]
        // A missing code in a participant row gives no value: a visit row may have filled it. A
        // value a rule emptied there is held (no visit row fills it).
        func holds(_ values: FieldValues?) -> Bool {
            values?[field].map { !$0.isMissing || RowReader.rowRuleEmptyings.contains($0) } ?? false
        }
        let fromParticipantRows = holds(state.participantRowValues[index])
        let events = state.participantEvents[slot] ?? []
        let candidates = record.sources.filter { row in
            guard fromParticipantRows != state.carryingVisitRows.contains(row) else { return false }
            guard let event = events.first(where: { $0.source == row }) else { return true }
            return holds(event.values)
        }
        return located(field, among: candidates.isEmpty ? record.sources : candidates, else: fallback, state)
    }

    /// The derivations the inputs use on one field (`duration_weeks` and `age_at_onset` from
    /// `onset_date`), for emptying their values with it.
    struct DerivedFrom {
        /// Every field some input derives from the source field, in declaration order, with the
        /// derivations that make it.
        let derivations: [(field: Field, derivation: Derivation)]

        init(_ source: Field, inputs: [InputSpec]) {
            var found: [(field: Field, derivation: Derivation)] = []
            for field in Field.fields(at: .participant) {
                for input in inputs {
                    guard case .derived(let derivation)? = input.fields[field]?.source,
                          derivation.inputs(for: field).contains(source),
                          !found.contains(where: { $0.field == field && $0.derivation == derivation }) else { continue }
                    found.append((field, derivation))
                }
            }
            derivations = found
        }

        /// The fields of `values` that hold what a derivation makes of them: values derived from
        /// the source field. A value read from the export differs (or agrees with the source, and
        /// goes with it as well). Which row gave a value is not kept, so the value itself decides.
        func derivedFields(of values: FieldValues) -> [Field] {
            derivations.compactMap { field, derivation in
                guard let current = values[field],
                      Derive.value(field, derivation, inputs: DerivationInputFields(derivation.inputs(for: field)), from: values) == current
                else { return nil }
                return field
            }
        }
    }

    /// The staging state as the cross-row rules read it. Unchecked: nothing changes the state
    /// while the two threads that collect findings read it.
    private struct CrossRowInputs: @unchecked Sendable {
        let visitRecords: UnsafeBufferPointer<VisitRecord>
        let participantRecords: UnsafeBufferPointer<ParticipantRecord>
        let visitTable: UnsafeBufferPointer<Int>
        let slots: UnsafeBufferPointer<Int>
    }

    /// The findings of each half of the participants. Unchecked: each half is written by one
    /// thread alone, and read after both have ended.
    private final class FindingHalves: @unchecked Sendable {
        var first: [Finding] = []
        var second: [Finding] = []
    }

    /// The schedule as the cross-row rules walk it, per participant: one entry per timepoint.
    private struct VisitTable {
        let timepoints: [Timepoint]
        /// Whether `visit_before_randomisation` and `visit_outside_window` empty the date they
        /// find (`null-field`): once one does, the rules after it no longer judge that date.
        let emptiesDateBeforeRandomisation: Bool
        let emptiesDateOutsideWindow: Bool

        /// The cross-row findings of one participant's visits (in schedule order). `record` is the
        /// participant's record (-1 when none).
        func collectFindings(slot: Int, record: Int, visitTable: UnsafeBufferPointer<Int>,
                             visitRecords: UnsafeBufferPointer<VisitRecord>,
                             participantRecords: UnsafeBufferPointer<ParticipantRecord>, into findings: inout [Finding]) {
            let count = timepoints.count
            let first = slot * count
            var hasVisits = false
            var baseline: Int?
            for index in first..<(first + count) where visitTable[index] >= 0 {
                hasVisits = true
                if baseline == nil, timepoints[index - first].isBaseline { baseline = visitTable[index] }
            }
            guard hasVisits else { return }
            let randomisation = record >= 0 ? participantRecords[record].values.date(.randomisationDate) : nil
            let notRandomised = record >= 0 && participantRecords[record].arm == nil
            let onset = record >= 0 ? participantRecords[record].values.date(.onsetDate) : nil
            let baselineDate = baseline.flatMap { visitRecords[$0].values.date(.visitDate) }
            for index in first..<(first + count) where visitTable[index] >= 0 {
                let visit = visitTable[index]
                let timepoint = timepoints[index - first]
                var date = visitRecords[visit].values.date(.visitDate)
                if !timepoint.isBaseline, baseline == nil {
                    findings.append(Finding(index: index, record: visit, timepoint: timepoint.name, rule: .followUpWithoutBaseline,
                                            message: "visit '\(timepoint.name)' of participant \(Normalise.quoted(visitRecords[visit].participantID)) has no baseline visit"))
                }
                if !timepoint.isBaseline, notRandomised {
                    findings.append(Finding(index: index, record: visit, timepoint: timepoint.name, rule: .followUpNotRandomised,
                                            message: "visit '\(timepoint.name)' of participant \(Normalise.quoted(visitRecords[visit].participantID)), who has no arm "
                                                + "(not randomised, or the arm is not recorded): the analysis leaves the participant out"))
                }
                if let visitDate = date, let randomisation, !timepoint.isBaseline, visitDate < randomisation {
                    findings.append(Finding(index: index, record: visit, timepoint: timepoint.name, rule: .visitBeforeRandomisation,
                                            message: "the visit date '\(visitDate.iso)' is before the randomisation date '\(randomisation.iso)'",
                                            raw: visitDate.iso))
                    if emptiesDateBeforeRandomisation { date = nil }
                }
                let anchor = randomisation ?? (timepoint.isBaseline ? nil : baselineDate)
                if let visitDate = date, let anchor {
                    let day = anchor.days(to: visitDate)
                    let offset = day - timepoint.nominalDay
                    if abs(offset) > timepoint.windowDays {
                        let basis = randomisation == nil ? "the baseline visit" : "randomisation"
                        let when = day < 0 ? "\(-day) \(-day == 1 ? "day" : "days") before \(basis)" : "day \(day) after \(basis)"
                        findings.append(Finding(index: index, record: visit, timepoint: timepoint.name, rule: .visitOutsideWindow,
                                                message: "the visit date '\(visitDate.iso)' is \(when), outside the window \(timepoint.nominalDay) ± \(timepoint.windowDays) days of '\(timepoint.name)'",
                                                raw: visitDate.iso))
                        if emptiesDateOutsideWindow { date = nil }
                    }
                }
                if timepoint.isBaseline, let date, let onset, onset > date {
                    findings.append(Finding(index: index, record: visit, timepoint: timepoint.name, rule: .onsetAfterBaseline,
                                            message: "symptom onset '\(onset.iso)' is after the baseline visit date '\(date.iso)'",
                                            raw: date.iso))
                }
            }
        }
    }

    /// Reads again each row rejected after reading and hands it, exactly as read, to the sink.
    /// A row whose record start is known is read from there (the files are not read again from
    /// their start: a row near the end of a large file costs one record); any other by reading
    /// its file up to it. Only the lines and offsets are kept in memory until then.
    func fetchDeferredRejections(_ deferred: [Int: [Int: StagingState.DeferredRow]], encodings: [Int: CSVEncoding],
                                 reading: (InputFile, InputSpec) throws -> CSVReader) throws {
        for fileIndex in deferred.keys.sorted() {
            guard var rows = deferred[fileIndex] else { continue }
            let file = files[fileIndex]
            let input = spec.inputs[file.inputIndex]
            if let reader = try? reading(file, input) {
                for line in rows.keys.sorted() {
                    guard let row = rows[line], let offset = row.byteOffset,
                          let fields = try? reader.rawFields(ofRecordAt: offset, encoding: encodings[fileIndex]) else { continue }
                    try reject(file, line: line, rawFields: fields, reasons: row.reasons)
                    rows[line] = nil
                }
                var record = CSVRecord()
                while !rows.isEmpty, (try? reader.read(into: &record)) == true {
                    guard let row = rows.removeValue(forKey: record.position.line) else { continue }
                    try reject(file, line: record.position.line, rawFields: record.rawFields, reasons: row.reasons)
                }
            }
            // A file that changed since it was read: the rows are still reported, without their fields.
            for line in rows.keys.sorted() {
                try reject(file, line: line, rawFields: [], reasons: (rows[line]?.reasons ?? []) + ["the row could not be read again"])
            }
        }
    }
}

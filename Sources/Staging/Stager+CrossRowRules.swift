import CSVKit
import PipelineSpec
import StudyModel

extension Stager {
    /// Rules that need every visit of a participant, run after all files are read and against
    /// that state (so one rejection does not set off another): follow-up without baseline,
    /// follow-up dated before randomisation, visit outside its window, and the baseline visit
    /// dated before symptom onset. Rejected visits leave the staged data, their files' accounting
    /// moves them from accepted to rejected, and their rows are fetched again for the sink.
    func applyCrossRowRules() throws {
        let expectations = spec.expectations
        var byParticipant: [String: [VisitKey]] = [:]
        for key in visits.keys { byParticipant[key.participant, default: []].append(key) }
        var findings: [(key: VisitKey, rule: CrossFieldRule, message: String, raw: String?)] = []
        for participant in byParticipant.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            let keys = (byParticipant[participant] ?? []).sorted { visitOrder($0) < visitOrder($1) }
            let records = keys.compactMap { visits[$0] }
            let baseline = records.first { $0.timepoint.isBaseline }
            let values = participants[participant]?.record.values
            let randomisation = values?[.randomisationDate]?.date
            let onset = values?[.onsetDate]?.date
            for (key, visit) in zip(keys, records) {
                let date = visit.values[.visitDate]?.date
                if !visit.timepoint.isBaseline, baseline == nil {
                    findings.append((key, .followUpWithoutBaseline,
                                     "visit '\(visit.timepoint.name)' of participant '\(participant)' has no baseline visit", nil))
                }
                if let date, let randomisation, !visit.timepoint.isBaseline, date < randomisation {
                    findings.append((key, .visitBeforeRandomisation,
                                     "the visit date '\(date.iso)' is before the randomisation date '\(randomisation.iso)'", date.iso))
                }
                let anchor = randomisation ?? (visit.timepoint.isBaseline ? nil : baseline?.values[.visitDate]?.date)
                if let date, let anchor {
                    let day = anchor.days(to: date)
                    let offset = day - visit.timepoint.nominalDay
                    if abs(offset) > visit.timepoint.windowDays {
                        let basis = randomisation == nil ? "the baseline visit" : "randomisation"
                        findings.append((key, .visitOutsideWindow,
                                         "the visit date '\(date.iso)' is day \(day) after \(basis), outside the window \(visit.timepoint.nominalDay) ± \(visit.timepoint.windowDays) days of '\(visit.timepoint.name)'",
                                         date.iso))
                    }
                }
                if visit.timepoint.isBaseline, let date, let onset, onset > date {
                    findings.append((key, .onsetAfterBaseline,
                                     "symptom onset '\(onset.iso)' is after the baseline visit date '\(date.iso)'", date.iso))
                }
            }
        }
        var rejected: [VisitKey: VisitRecord] = [:]
        for finding in findings {
            guard var visit = visits[finding.key] ?? rejected[finding.key] else { continue }
            let setting = expectations[finding.rule]
            let fileIndex = fileIndexByName[visit.source.file]
            let column = fileIndex.flatMap { visitDateColumns[$0] }
            let field: Field? = switch finding.rule {
            case .followUpWithoutBaseline: .visit
            case .onsetAfterBaseline: .visitDate
            default: finding.rule.nullableField
            }
            try emit(Diagnostic(setting.issueSeverity, at: visit.source.column(field == .visitDate ? column : nil),
                                rule: finding.rule.rawValue, message: finding.message, participant: finding.key.participant,
                                visit: finding.key.timepoint, field: field?.name, value: finding.raw), fileIndex: fileIndex)
            if setting.policy == .nullField, finding.rule == .onsetAfterBaseline {
                participants[finding.key.participant]?.record.values[.onsetDate] = RowReader.invalid(finding.rule.rawValue)
            } else if setting.policy == .nullField, let nullable = finding.rule.nullableField {
                guard visits[finding.key] != nil else { continue }
                visit.values[nullable] = RowReader.invalid(finding.rule.rawValue)
                visits[finding.key] = visit
            } else if setting.severity == .error, let fileIndex {
                if rejected[finding.key] == nil {
                    rejected[finding.key] = visit
                    visits[finding.key] = nil
                    accounting[fileIndex].accepted -= 1
                    accounting[fileIndex].rejected += 1
                }
                deferred[fileIndex, default: [:]][visit.source.line, default: []].append(finding.message)
            }
        }
    }

    private func visitOrder(_ key: VisitKey) -> Int {
        spec.schedule.timepoint(named: key.timepoint)?.week ?? 0
    }

    /// Reads again each file with rows rejected by cross-row rules and hands those rows, exactly
    /// as read, to the sink. Only the lines are kept in memory until then.
    func fetchDeferredRejections(reading: (InputFile, InputSpec) throws -> CSVReader) throws {
        for fileIndex in deferred.keys.sorted() {
            guard var lines = deferred[fileIndex] else { continue }
            let file = files[fileIndex]
            let input = spec.inputs[file.inputIndex]
            var record = CSVRecord()
            if let reader = try? reading(file, input) {
                while !lines.isEmpty, (try? reader.read(into: &record)) == true {
                    guard let reasons = lines.removeValue(forKey: record.position.line) else { continue }
                    try sink.reject(RejectedRow(file: file.displayName, inputIndex: file.inputIndex, line: record.position.line,
                                                rawFields: record.rawFields, reasons: reasons))
                }
            }
            // A file that changed since it was read: the rows are still reported, without their fields.
            for line in lines.keys.sorted() {
                try sink.reject(RejectedRow(file: file.displayName, inputIndex: file.inputIndex, line: line, rawFields: [],
                                            reasons: (lines[line] ?? []) + ["the row could not be read again"]))
            }
        }
    }
}

import Analysis
import Profiling
import StudyModel

extension AnalysisSubject {
    /// Characteristics the baseline table summarises.
    static let characteristicFields: [Field] = [.sex] + CharacteristicColumns.continuousFields

    /// Whether a follow-up visit not recorded was not due by `cutoff`: its window, `window_days`
    /// after randomisation + `week` × 7 days (from the baseline visit's date when there is no
    /// randomisation date, as the visit-window rule counts it), closes after the cut-off. A
    /// participant with neither date cannot be judged, and their visit counts as due.
    static func notDue(cutoff: CalendarDate, participant: ParticipantRecord, baselineDate: CalendarDate?,
                       timepoint: Timepoint) -> Bool {
        guard !timepoint.isBaseline, let anchor = participant.values.date(.randomisationDate) ?? baselineDate else { return false }
        return cutoff < anchor.adding(days: timepoint.nominalDay + timepoint.windowDays)
    }

    /// One subject per accepted participant, in participant order, with its profile; every
    /// visit's outcome values go into `outcomes` and the baseline characteristics into
    /// `characteristics` (laid out for these subjects, in the same order) rather than into the
    /// subjects' lists, which stay empty: a batch then holds its values once, in columns.
    ///
    /// - Parameters:
    ///   - participants: accepted participants (ordered by id).
    ///   - visits: accepted visits (ordered by participant, then timepoint).
    ///   - assignments: one per participant, same order.
    ///   - outcomes: empty columns for `participants.count` subjects; a visit at a timepoint they
    ///     do not lay out is not read.
    ///   - characteristics: empty columns for `participants.count` subjects.
    ///   - cutoff: the data cut-off, the follow-up visits laid out, and per participant id the
    ///     names of visits with a row rejected in validation (which took place): a randomised
    ///     participant's visit with neither a record nor a rejected row, whose window closes after
    ///     the cut-off, is marked not due in `outcomes` (``notDue(cutoff:participant:baselineDate:timepoint:)``).
    static func build(participants: [ParticipantRecord], visits: [VisitRecord], assignments: [ProfileAssignment],
                      outcomes: inout OutcomeColumns, characteristics: inout CharacteristicColumns,
                      cutoff: (date: CalendarDate, timepoints: [Timepoint], rejected: [String: Set<String>])? = nil)
        -> [AnalysisSubject] {
        precondition(outcomes.count == participants.count && characteristics.count == participants.count,
                     "one value per participant in every column")
        // With a cut-off: whether each participant has a visit at each timepoint `outcomes` lays out,
        // and baseline visit date, the windows' anchor when there is no randomisation date.
        let laidOutCount = outcomes.timepoints.count
        var recorded: [Bool] = cutoff == nil ? [] : Array(repeating: false, count: participants.count * laidOutCount)
        var baselineDates: [CalendarDate?] = cutoff == nil ? [] : Array(repeating: nil, count: participants.count)
        // Each run of one participant's visits is matched with its participant once: the
        // participant after the one matched last when the two lists come in the same order (as
        // staging gives them), else by id. Records are read in place, not copied.
        var positions: [String: Int]?
        func position(of id: String, after previous: Int) -> Int? {
            var next = previous + 1
            // Participants without visits lie between runs: a few are skipped before asking by id.
            while next < participants.count, next <= previous + 4 {
                if participants[next].id == id { return next }
                next += 1
            }
            if positions == nil {
                positions = Dictionary(participants.indices.map { (participants[$0].id, $0) }, uniquingKeysWith: { first, _ in first })
            }
            return positions?[id]
        }
        var previous = -1
        var start = visits.startIndex
        while start < visits.endIndex {
            let id = visits[start].participantID
            var end = start + 1
            while end < visits.endIndex, visits[end].participantID == id { end += 1 }
            if let position = position(of: id, after: previous) {
                previous = position
                for visit in start..<end {
                    if cutoff != nil, visits[visit].timepoint.isBaseline { baselineDates[position] = visits[visit].values.date(.visitDate) }
                    guard let timepoint = outcomes.timepointPosition(visits[visit].timepoint.name) else { continue }
                    if cutoff != nil { recorded[position * laidOutCount + timepoint] = true }
                    // Every field is set, measured or not: a later visit of the same timepoint
                    // (visits come in order) replaces all of the earlier one's values.
                    for field in outcomes.fields {
                        outcomes.set(visits[visit].values.number(field), field: field, timepointPosition: timepoint,
                                     subject: position)
                    }
                }
            }
            start = end
        }
        if let cutoff {
            let laidOut = cutoff.timepoints.compactMap { timepoint in outcomes.timepointPosition(timepoint.name).map { (timepoint, $0) } }
            for position in participants.indices where participants[position].arm != nil {
                let rejected = cutoff.rejected[participants[position].id] ?? []
                for (timepoint, column) in laidOut where !recorded[position * laidOutCount + column] && !rejected.contains(timepoint.name)
                    && notDue(cutoff: cutoff.date, participant: participants[position], baselineDate: baselineDates[position],
                              timepoint: timepoint) {
                    outcomes.setNotDue(timepointPosition: column, subject: position)
                }
            }
        }
        // Assignments are one per participant in the same order; looked up by id only when not.
        let match = IDMatch(count: participants.count, id: { participants[$0].id },
                            otherCount: assignments.count, otherID: { assignments[$0].participantID })
        return participants.indices.map { position in
            let derived = DerivedInputs.values(participants[position].values)
            for field in characteristicFields {
                if let value = derived[field], !value.isMissing { characteristics.set(value, field: field, subject: position) }
            }
            let id = participants[position].id
            let assignment = match.other(of: position, id: id)
            return AnalysisSubject(
                id: id, site: participants[position].site, arm: participants[position].arm,
                profile: assignment.flatMap { assignments[$0].profile },
                subprofile: assignment.flatMap { assignments[$0].subprofile },
                characteristicList: [], measurementList: [])
        }
    }
}

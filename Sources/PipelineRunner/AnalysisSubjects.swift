import Analysis
import Profiling
import StudyModel

extension AnalysisSubject {
    /// Characteristics the baseline table summarises.
    static let characteristicFields: [Field] = [.age, .sex, .durationWeeks, .ompsqTotal, .startBackTotal]

    /// One subject per accepted participant, in participant order, with its profile and the
    /// numeric values of every visit.
    ///
    /// - Parameters:
    ///   - participants: accepted participants (ordered by id).
    ///   - visits: accepted visits (ordered by participant, then timepoint).
    ///   - assignments: one per participant, same order.
    ///   - outcomeFields: the visit fields the analysis reads.
    static func build(participants: [ParticipantRecord], visits: [VisitRecord], assignments: [ProfileAssignment],
                      outcomeFields: [Field]) -> [AnalysisSubject] {
        // Each run of one participant's visits is matched with its participant once: the
        // participant after the one matched last when the two lists come in the same order (as
        // staging gives them), else by id (a later visit of the same participant and timepoint
        // replaces an earlier one, as visits come in order). Records are read in place, not
        // copied.
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
        // Each participant's values in the subject's order (timepoint name, then field), so that
        // the subject takes the list as it is: fields by ordinal, each visit's values in place of
        // those of an earlier visit of its timepoint, before the first later timepoint name.
        var fields: [Field] = []
        for field in outcomeFields.sorted(by: { $0.ordinal < $1.ordinal }) where fields.last != field { fields.append(field) }
        var measurements = Array(repeating: [AnalysisSubject.Measurement](), count: participants.count)
        var previous = -1
        var start = visits.startIndex
        while start < visits.endIndex {
            let id = visits[start].participantID
            var end = start + 1
            while end < visits.endIndex, visits[end].participantID == id { end += 1 }
            if let position = position(of: id, after: previous) {
                previous = position
                measurements[position].reserveCapacity((end - start) * fields.count)
                for visit in start..<end {
                    let timepoint = visits[visit].timepoint.name
                    var at = measurements[position].firstIndex { $0.timepoint >= timepoint } ?? measurements[position].endIndex
                    let later = measurements[position][at...].firstIndex { $0.timepoint != timepoint } ?? measurements[position].endIndex
                    measurements[position].removeSubrange(at..<later)
                    for field in fields {
                        guard let number = visits[visit].values.number(field) else { continue }
                        measurements[position].insert(AnalysisSubject.Measurement(timepoint: timepoint, field: field, value: number), at: at)
                        at += 1
                    }
                }
            }
            start = end
        }
        // Assignments are one per participant in the same order; looked up by id only when not.
        let match = IDMatch(count: participants.count, id: { participants[$0].id },
                            otherCount: assignments.count, otherID: { assignments[$0].participantID })
        return participants.indices.map { position in
            let derived = DerivedInputs.values(participants[position].values)
            var characteristics: [AnalysisSubject.Characteristic] = []
            characteristics.reserveCapacity(characteristicFields.count)
            for field in characteristicFields {
                if let value = derived[field], !value.isMissing { characteristics.append(.init(field: field, value: value)) }
            }
            let id = participants[position].id
            let assignment = match.other(of: position, id: id)
            return AnalysisSubject(
                id: id, site: participants[position].site, arm: participants[position].arm,
                profile: assignment.flatMap { assignments[$0].profile },
                subprofile: assignment.flatMap { assignments[$0].subprofile },
                characteristicList: characteristics, measurementList: measurements[position])
        }
    }
}

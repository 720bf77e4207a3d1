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
        // Participant id → position; the visits of one participant follow each other, so each
        // run of them is looked up once (a later visit of the same participant and timepoint
        // replaces an earlier one, as visits come in order).
        let positions = Dictionary(participants.indices.map { (participants[$0].id, $0) }, uniquingKeysWith: { first, _ in first })
        var measurements = Array(repeating: [String: [Field: Double]](), count: participants.count)
        var start = visits.startIndex
        while start < visits.endIndex {
            let id = visits[start].participantID
            var end = start + 1
            while end < visits.endIndex, visits[end].participantID == id { end += 1 }
            if let position = positions[id] {
                measurements[position].reserveCapacity(end - start)
                for visit in visits[start..<end] {
                    var values = [Field: Double](minimumCapacity: outcomeFields.count)
                    for field in outcomeFields {
                        if let number = visit.values.number(field) { values[field] = number }
                    }
                    measurements[position][visit.timepoint.name] = values
                }
            }
            start = end
        }
        // Assignments are one per participant in the same order; looked up by id only when not.
        let aligned = assignments.count == participants.count
            && zip(assignments, participants).allSatisfy { $0.participantID == $1.id }
        let profiles = aligned ? [:] : Dictionary(assignments.map { ($0.participantID, $0) }, uniquingKeysWith: { first, _ in first })
        return participants.indices.map { position in
            let participant = participants[position]
            let derived = DerivedInputs.values(participant.values)
            var characteristics: [Field: Value] = [:]
            for field in characteristicFields {
                if let value = derived[field], !value.isMissing { characteristics[field] = value }
            }
            let assignment = aligned ? assignments[position] : profiles[participant.id]
            return AnalysisSubject(
                id: participant.id, site: participant.site, arm: participant.arm,
                profile: assignment?.profile, subprofile: assignment?.subprofile,
                characteristics: characteristics, measurements: measurements[position])
        }
    }
}

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
        var measurements: [String: [String: [Field: Double]]] = [:]
        for visit in visits {
            var values: [Field: Double] = [:]
            for field in outcomeFields {
                if let number = visit.values[field]?.number { values[field] = number }
            }
            measurements[visit.participantID, default: [:]][visit.timepoint.name] = values
        }
        let profiles = Dictionary(assignments.map { ($0.participantID, $0) }, uniquingKeysWith: { first, _ in first })
        return participants.map { participant in
            let derived = DerivedInputs.derive(participant.values).values
            var characteristics: [Field: Value] = [:]
            for field in characteristicFields {
                if let value = derived[field], !value.isMissing { characteristics[field] = value }
            }
            let assignment = profiles[participant.id]
            return AnalysisSubject(
                id: participant.id, site: participant.site, arm: participant.arm,
                profile: assignment?.profile, subprofile: assignment?.subprofile,
                characteristics: characteristics, measurements: measurements[participant.id] ?? [:])
        }
    }
}

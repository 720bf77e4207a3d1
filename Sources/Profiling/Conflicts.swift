import StudyModel

extension RuleSet {
    /// Assignments that contradict what happened to the participant, as located warnings: a
    /// profile the rule set excludes from randomisation (serious pathology) yet randomised, and
    /// urgent signs (cauda equina) yet randomised. The data are kept; a clinician must look.
    public func conflicts(_ assignments: [ProfileAssignment], participants: [ParticipantRecord]) -> [Diagnostic] {
        let excluded = Dictionary(profiles.filter { !$0.randomise }.map { ($0.code, $0.label) },
                                  uniquingKeysWith: { first, _ in first })
        let byID = Dictionary(participants.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var found: [Diagnostic] = []
        for assignment in assignments {
            guard let participant = byID[assignment.participantID], let arm = participant.arm else { continue }
            let location = participant.sources.first ?? SourceLocation(file: "")
            if let profile = assignment.profile, let label = excluded[profile] {
                found.append(Diagnostic(
                    .warning, at: location, rule: "profile.randomised-excluded",
                    message: "profile '\(profile)' (\(label)) is not randomised under '\(identity)', yet the participant was randomised to '\(arm.id)'",
                    participant: participant.id, field: Field.arm.name, value: arm.id))
            }
            if assignment.urgent {
                let signs = assignment.fired.filter { $0.rule.hasPrefix("urgent/") }.map { String($0.rule.dropFirst(7)) }
                found.append(Diagnostic(
                    .warning, at: location, rule: "profile.urgent-randomised",
                    message: "urgent signs (\(signs.joined(separator: ", "))) call for referral, yet the participant was randomised to '\(arm.id)'",
                    participant: participant.id, field: Field.arm.name, value: arm.id))
            }
        }
        return found
    }
}

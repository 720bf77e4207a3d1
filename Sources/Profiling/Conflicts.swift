import StudyModel

extension RuleSet {
    /// Assignments that contradict what happened to the participant, as located warnings: a
    /// profile the rule set excludes from randomisation (serious pathology) yet randomised, and
    /// urgent signs (cauda equina) yet randomised. The data are kept; a clinician must look.
    ///
    /// Each assignment is matched with its participant: by position when the two lists align
    /// (the same ids in the same order, as a run assigns its participants), else with the first
    /// participant of its id (``IDMatch``). Only the assignments that could conflict are looked up.
    /// A warning is located at the row that gave the participant's arm, at its file's arm column
    /// (`armColumn` of the file's name); see ``armLocation(_:armColumn:)``.
    public func conflicts(_ assignments: [ProfileAssignment], participants: [ParticipantRecord],
                          armColumn: (String) -> Int? = { _ in nil }) -> [Diagnostic] {
        // A profile's subdivisions are its codes too: an assignment holds the subdivision's.
        let excluded = Dictionary(profiles.filter { !$0.randomise }.flatMap { profile in
            [(profile.code, profile.label)] + profile.split.map { ($0.code, $0.label) }
        }, uniquingKeysWith: { first, _ in first })
        let match = IDMatch(count: assignments.count, id: { assignments[$0].participantID },
                            otherCount: participants.count, otherID: { participants[$0].id })
        var found: [Diagnostic] = []
        for position in assignments.indices {
            // Read in place: copying every assignment would count references on all its parts.
            guard assignments[position].urgent || assignments[position].profile.map({ excluded[$0] != nil }) == true
            else { continue }
            let assignment = assignments[position]
            guard let other = match.other(of: position, id: assignment.participantID), let arm = participants[other].arm
            else { continue }
            let participant = participants[other]
            let location = Self.armLocation(participant, armColumn: armColumn)
            if let profile = assignment.profile, let label = excluded[profile] {
                found.append(Diagnostic(
                    .warning, at: location, rule: "profile.randomised-excluded",
                    message: "profile '\(profile)' (\(label)) is not randomised under '\(identity)', yet the participant was randomised to '\(arm.id)'",
                    participant: participant.id, field: Field.arm.name, value: arm.id))
            }
            if assignment.urgent {
                // A named urgent rule by its name; signs outside any named one by themselves.
                let signs = assignment.fired.flatMap(\.urgentSigns)
                found.append(Diagnostic(
                    .warning, at: location, rule: "profile.urgent-randomised",
                    message: "urgent signs (\(signs.joined(separator: ", "))) call for referral, yet the participant was randomised to '\(arm.id)'",
                    participant: participant.id, field: Field.arm.name, value: arm.id))
            }
        }
        return found
    }
}

extension RuleSet {
    /// Where a participant's arm was read: the row that gave it (``ParticipantRecord/armSource``)
    /// at its file's arm column; without that row, the first row from a file with an arm column;
    /// else the first row.
    static func armLocation(_ participant: ParticipantRecord, armColumn: (String) -> Int?) -> SourceLocation {
        if let index = participant.armSource, participant.sources.indices.contains(index) {
            let source = participant.sources[index]
            return source.column(armColumn(source.file))
        }
        return participant.sources.firstNonNil { source in armColumn(source.file).map { source.column($0) } }
            ?? participant.sources.first ?? SourceLocation(file: "")
    }
}

extension Sequence {
    /// The first non-nil result of `transform`, in order; nil when every result is nil.
    fileprivate func firstNonNil<Result>(_ transform: (Element) -> Result?) -> Result? {
        for element in self {
            if let result = transform(element) { return result }
        }
        return nil
    }
}

import StudyModel

extension RuleSet {
    /// Assigns one participant: derive inputs, then try the profiles in order; the first that
    /// holds wins. A profile whose rule is undecided (inputs missing) stops the search: the
    /// participant is unclassified with those inputs named, because a later profile would be a
    /// guess.
    public func assign(_ participant: ParticipantRecord) -> ProfileAssignment {
        let (values, derivations) = DerivedInputs.derive(participant.values)
        var fired: [FiredRule] = []
        var assignment = ProfileAssignment(
            participantID: participant.id, status: .unclassified, profile: nil, subprofile: nil, label: nil,
            urgent: false, fired: [], missingInputs: [], derivations: derivations, ruleSet: identity)

        for rule in urgent {
            let evaluation = rule.evaluate(values)
            if evaluation.truth == .yes {
                assignment.urgent = true
                fired += evaluation.fired.map { FiredRule(rule: "urgent/" + $0.rule, evidence: $0.evidence) }
            }
        }

        func unclassified(_ missing: Set<Field>) -> ProfileAssignment {
            var result = assignment
            result.fired = fired
            result.missingInputs = missing.sorted()
            return result
        }

        for definition in profiles {
            if let match = definition.match {
                let evaluation = match.evaluate(values)
                switch evaluation.truth {
                case .no: continue
                case .unknown: return unclassified(evaluation.missing)
                case .yes: fired += evaluation.fired
                }
            }
            var code = definition.code
            var label = definition.label
            if !definition.split.isEmpty {
                var chosen: Subdivision?
                for subdivision in definition.split {
                    let evaluation = subdivision.rule.evaluate(values)
                    if evaluation.truth == .unknown { return unclassified(evaluation.missing) }
                    if evaluation.truth == .yes {
                        fired += evaluation.fired
                        chosen = subdivision
                        break
                    }
                }
                guard let chosen else { return unclassified([]) }
                code = chosen.code
                label = chosen.label
            }
            var subprofile = code
            for suffix in definition.suffixes {
                let evaluation = suffix.rule.evaluate(values)
                if evaluation.truth == .unknown { return unclassified(evaluation.missing) }
                if evaluation.truth == .yes {
                    fired += evaluation.fired
                    subprofile += suffix.suffix
                }
            }
            assignment.status = .classified
            assignment.profile = code
            assignment.subprofile = subprofile
            assignment.label = label
            assignment.fired = fired
            return assignment
        }
        return unclassified([])
    }

    /// Assigns every participant, in the order given.
    public func assignProfiles(_ participants: [ParticipantRecord]) -> [ProfileAssignment] {
        participants.map(assign)
    }
}

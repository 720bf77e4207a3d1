import StudyModel

extension RuleSet {
    /// Assigns one participant: derive inputs, then try the profiles in order; the first that
    /// holds wins. A profile whose rule is undecided (inputs missing) stops the search: the
    /// participant is unclassified with those inputs named, because a later profile would be a
    /// guess.
    ///
    /// - Parameter describingDerivations: whether the assignment's `derivations` say how each
    ///   derived input was computed (as `lbp explain` shows them); a batch that reports none of
    ///   them passes false and leaves the list empty, with the same profile, rules and inputs.
    public func assign(_ participant: ParticipantRecord, describingDerivations: Bool = true) -> ProfileAssignment {
        let (values, derivations) = describingDerivations
            ? DerivedInputs.derive(participant.values) : (DerivedInputs.values(participant.values), [])
        var fired: [FiredRule] = []
        var assignment = ProfileAssignment(
            participantID: participant.id, status: .unclassified, profile: nil, subprofile: nil, label: nil,
            urgent: false, fired: [], missingInputs: [], derivations: derivations, ruleSet: identity)

        // Each rule is decided by its truth alone; only a rule that fires, or leaves the
        // assignment undecided, is evaluated again in full for its trail.
        // An urgent rule left unknown is not "no urgent signs": its missing inputs are kept.
        var urgentMissing: Set<Field> = []
        for rule in urgent {
            switch rule.truth(values) {
            case .yes:
                assignment.urgent = true
                let evaluation = rule.evaluate(values)
                fired += evaluation.fired.map { FiredRule(rule: "urgent/" + $0.rule, evidence: $0.evidence, urgent: true) }
                // Signs outside any named urgent rule are named by themselves.
                if !evaluation.evidence.isEmpty {
                    fired.append(FiredRule(rule: "urgent", evidence: evaluation.evidence, urgent: true))
                }
            case .unknown: urgentMissing.formUnion(rule.evaluate(values).missing)
            case .no: break
            }
        }
        if !assignment.urgent, !urgentMissing.isEmpty { assignment.urgentMissingInputs = urgentMissing.sorted() }

        // The trail entries of the profile being decided that name its code (`3b: ...`): an
        // assignment left undecided has no code, so they are dropped from its trail.
        var codeEntries: [Int] = []
        func traced(_ rule: Rule, code: String) {
            let evaluation = rule.evaluate(values)
            fired += evaluation.fired
            if !evaluation.evidence.isEmpty {
                codeEntries.append(fired.count)
                fired.append(FiredRule(rule: code, evidence: evaluation.evidence))
            }
        }

        func unclassified(_ missing: Set<Field>, reason: ProfileAssignment.UnclassifiedReason = .missingInputs)
            -> ProfileAssignment {
            var result = assignment
            result.fired = fired.indices.filter { !codeEntries.contains($0) }.map { fired[$0] }
            result.missingInputs = missing.sorted()
            result.unclassifiedReason = reason
            return result
        }

        for definition in profiles {
            if let match = definition.match {
                switch match.truth(values) {
                case .no: continue
                case .unknown: return unclassified(match.evaluate(values).missing)
                case .yes: traced(match, code: definition.code)
                }
            }
            var code = definition.code
            var label = definition.label
            if !definition.split.isEmpty {
                var chosen: Subdivision?
                for subdivision in definition.split {
                    let truth = subdivision.rule.truth(values)
                    if truth == .unknown { return unclassified(subdivision.rule.evaluate(values).missing) }
                    if truth == .yes {
                        traced(subdivision.rule, code: subdivision.code)
                        chosen = subdivision
                        break
                    }
                }
                guard let chosen else { return unclassified([], reason: .noSubdivisionHolds(profile: definition.code)) }
                code = chosen.code
                label = chosen.label
            }
            var subprofile = code
            for suffix in definition.suffixes {
                let truth = suffix.rule.truth(values)
                if truth == .unknown { return unclassified(suffix.rule.evaluate(values).missing) }
                if truth == .yes {
                    traced(suffix.rule, code: suffix.suffix)
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
        return unclassified([], reason: .noProfileHolds)
    }

    /// Assigns every participant, in the order given.
    public func assignProfiles(_ participants: [ParticipantRecord]) -> [ProfileAssignment] {
        participants.map { assign($0) }
    }
}

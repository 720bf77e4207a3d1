import CSVKit
import StudyModel

/// The ground-truth files under `truth/`: plain UTF-8 CSV through CSVWriter (text cells
/// formula-guarded, so a value that starts with `=`, `+`, `-` or `@` carries a leading `'`).
final class TruthExport {
    static let participantsHeader = [
        "participant_id", "site", "true_profile", "true_subprofile", "randomised", "arm", "urgent", "missing_inputs",
        "fired_rules", "age", "duration_weeks", "age_at_onset", "ompsq_total", "startback_total",
        "startback_psychosocial", "startback_risk", "status", "visits_attended", "planted_unclassified_reason",
    ]

    static let problemsHeader = [
        "style", "file", "line", "column", "column_name", "participant_id", "visit", "field", "value", "kind",
        "expected_severity", "detail",
    ]

    static let effectsHeader = [
        "outcome", "visit", "arm", "reference_arm", "profile", "extra_improvement", "arm_by_profile_interaction",
    ]

    private let participants: ExportFile
    private let root: String

    init(root: String) throws {
        self.root = root
        participants = try ExportFile(root: root, relativePath: "truth/participants.csv", delimiter: UInt8(ascii: ","))
        try participants.writeCells(Self.participantsHeader.map { .text($0) })
    }

    func write(_ participant: SyntheticParticipant, truth: GroundTruth) throws {
        func number(_ value: Double?) -> CSVCell { value.map { .number(Value.format($0)) } ?? .empty }
        func number(_ value: Int?) -> CSVCell { value.map { .number(String($0)) } ?? .empty }
        try participants.writeCells([
            .text(participant.id), .text(participant.site.abbreviation), .text(truth.assignment.profile),
            .text(truth.assignment.subprofile), .number(participant.randomisation == nil ? "0" : "1"),
            participant.randomisation.map { .text($0.arm.id) } ?? .empty, .number(truth.urgent ? "1" : "0"),
            .text(truth.missingInputs.map(\.name).joined(separator: ";")),
            .text(truth.firedRules.joined(separator: ";")),
            number(truth.age), number(truth.durationWeeks), number(truth.ageAtOnset), number(truth.ompsqTotal),
            number(truth.startBackTotal), number(truth.startBackPsychosocial),
            truth.startBackRisk.map { .text($0) } ?? .empty, .text(participant.status.rawValue),
            .text(participant.visits.map(\.visit.id).joined(separator: ";")),
            participant.unclassifiedReason.map { .text($0.rawValue) } ?? .empty,
        ])
    }

    func finish(problems: [PlantedProblem]) throws -> [ExportFile] {
        _ = try participants.finish()

        let problemsFile = try ExportFile(root: root, relativePath: "truth/problems.csv", delimiter: UInt8(ascii: ","))
        try problemsFile.writeCells(Self.problemsHeader.map { .text($0) })
        for problem in problems {
            try problemsFile.writeCells([
                .text(problem.style), .text(problem.file), .number(String(problem.line)),
                problem.column.map { .number(String($0)) } ?? .empty, .text(problem.columnName),
                .text(problem.participantID), .text(problem.visit), .text(problem.field), .text(problem.value),
                .text(problem.kind.rawValue), .text(problem.kind.expectedSeverity), .text(problem.detail),
            ])
        }
        _ = try problemsFile.finish()

        let effectsFile = try ExportFile(root: root, relativePath: "truth/effects.csv", delimiter: UInt8(ascii: ","))
        try effectsFile.writeCells(Self.effectsHeader.map { .text($0) })
        for outcome in Outcome.allCases {
            for visit in VisitName.followUps {
                for arm in TrialArm.allCases where arm != TrialArm.reference {
                    for profile in PlantedEffects.randomisedProfiles {
                        let effect = PlantedEffects.effect(outcome: outcome, arm: arm, profile: profile, visit: visit)
                        try effectsFile.writeCells([
                            .text(outcome.rawValue), .text(visit.id), .text(arm.id), .text(TrialArm.reference.id),
                            .text(profile.rawValue), .number(Value.format(effect)),
                            .text(outcome == .odi ? "no" : "yes"),
                        ])
                    }
                }
            }
        }
        _ = try effectsFile.finish()
        return [participants, problemsFile, effectsFile]
    }
}

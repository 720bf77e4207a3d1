/// The design attributes of one study that decide its own EBRO grade and its GRADE risk of bias.
public struct StudyDesign: Hashable, Sendable {
    /// Compares two or more groups (false for case series and other non-comparative studies).
    public var comparative: Bool
    public var randomised: Bool
    /// Participants and outcome assessors blinded to allocation.
    public var doubleBlind: Bool
    /// The allocation sequence was concealed from the people enrolling participants.
    public var allocationConcealed: Bool
    /// Participants the sample-size calculation asked for; nil when no plan is stated.
    public var plannedSampleSize: Int?
    /// Participants actually randomised (or included); nil when unknown.
    public var achievedSampleSize: Int?
    /// Participants lost to follow-up at the primary end point, in percent (0...100) of those
    /// randomised; nil when not reported.
    public var lossToFollowUpPercent: Double?
    /// The visit that loss was counted at (`week26`), named where the loss is; nil when not known.
    public var lossToFollowUpVisit: String?
    /// Why the loss to follow-up is unknown, when it is (`no follow-up due by the data cut-off`);
    /// nil: it was not reported.
    public var lossToFollowUpUnknown: String?

    public init(
        comparative: Bool = true, randomised: Bool, doubleBlind: Bool, allocationConcealed: Bool,
        plannedSampleSize: Int?, achievedSampleSize: Int?, lossToFollowUpPercent: Double?,
        lossToFollowUpVisit: String? = nil, lossToFollowUpUnknown: String? = nil
    ) {
        self.lossToFollowUpVisit = lossToFollowUpVisit
        self.lossToFollowUpUnknown = lossToFollowUpUnknown
        self.comparative = comparative
        self.randomised = randomised
        self.doubleBlind = doubleBlind
        self.allocationConcealed = allocationConcealed
        self.plannedSampleSize = plannedSampleSize
        self.achievedSampleSize = achievedSampleSize
        self.lossToFollowUpPercent = lossToFollowUpPercent
    }
}

/// The limits that turn "good quality and sufficient size" into checkable numbers.
///
/// EBRO gives no numbers for A2's "good quality and sufficient size"; the defaults follow common
/// practice in Cochrane Back Review Group quality criteria: losses to follow-up at most 20 %, and
/// the sample-size plan met.
public struct EBROGradeThresholds: Hashable, Sendable {
    /// Largest loss to follow-up, in percent, that still counts as good quality (inclusive).
    public var maximumLossToFollowUpPercent: Double
    /// Smallest achieved / planned sample-size ratio that counts as sufficient size (inclusive);
    /// 1 means the planned size must be reached.
    public var minimumAchievedFraction: Double

    public init(maximumLossToFollowUpPercent: Double = 20, minimumAchievedFraction: Double = 1) {
        self.maximumLossToFollowUpPercent = maximumLossToFollowUpPercent
        self.minimumAchievedFraction = minimumAchievedFraction
    }

    public static let standard = EBROGradeThresholds()
}

/// A study's own EBRO grade with the reason and the A2 features it lacks.
public struct GradeAssessment: Hashable, Sendable {
    public var grade: EvidenceGrade
    /// E.g. `B: comparative study without all A2 features; missing: double-blind, allocation concealment`.
    public var reason: String
    /// The A2 features not met, in a fixed order (randomised, double-blind, allocation
    /// concealment, sample size, losses to follow-up); empty for A2 and for C.
    public var missingFeatures: [String]

    public init(grade: EvidenceGrade, reason: String, missingFeatures: [String]) {
        self.grade = grade
        self.reason = reason
        self.missingFeatures = missingFeatures
    }
}

extension StudyDesign {
    /// The study's own EBRO grade.
    ///
    /// - C when not comparative.
    /// - A2 when randomised, double-blind, allocation concealed, achieved size at least
    ///   `minimumAchievedFraction` of a stated planned size, and losses to follow-up reported and
    ///   at most `maximumLossToFollowUpPercent`.
    /// - B otherwise, with each missing A2 feature named. An unstated plan or unreported losses
    ///   count as missing: A2 must be shown, not assumed.
    ///
    /// A single study is never A1 (A1 is a systematic review) nor D (expert opinion).
    public func ebroGrade(thresholds: EBROGradeThresholds = .standard) -> GradeAssessment {
        guard comparative else {
            return GradeAssessment(grade: .c, reason: "C: non-comparative study", missingFeatures: [])
        }
        var missing: [String] = []
        var met: [String] = []
        if randomised { met.append("randomised") } else { missing.append("randomisation") }
        if doubleBlind { met.append("double-blind") } else { missing.append("double-blind") }
        if allocationConcealed { met.append("allocation concealed") } else { missing.append("allocation concealment") }
        if let planned = plannedSampleSize, planned > 0 {
            if let achieved = achievedSampleSize {
                if Double(achieved) / Double(planned) >= thresholds.minimumAchievedFraction {
                    met.append("\(achieved) of \(planned) planned participants")
                } else {
                    missing.append("planned sample size (\(achieved) of \(planned))")
                }
            } else {
                missing.append("planned sample size (achieved size unknown)")
            }
        } else {
            missing.append("planned sample size (no plan stated)")
        }
        let limit = NumberText.trimmed(thresholds.maximumLossToFollowUpPercent, 1)
        if let loss = lossToFollowUpPercent {
            let text = NumberText.trimmed(loss, 1, beside: thresholds.maximumLossToFollowUpPercent)
            let visit = lossToFollowUpVisit.map { " at \($0)" } ?? ""
            if loss <= thresholds.maximumLossToFollowUpPercent {
                met.append("\(text) % lost to follow-up\(visit) (at most \(limit) %)")
            } else {
                missing.append("losses to follow-up at most \(limit) % (\(text) %\(visit))")
            }
        } else {
            missing.append("losses to follow-up at most \(limit) % (\(lossToFollowUpUnknown ?? "not reported"))")
        }
        if missing.isEmpty {
            return GradeAssessment(grade: .a2, reason: "A2: " + met.joined(separator: ", "), missingFeatures: [])
        }
        return GradeAssessment(
            grade: .b,
            reason: "B: comparative study without all A2 features; missing: " + missing.joined(separator: ", "),
            missingFeatures: missing)
    }
}

import StudyModel

/// One comparison the trial itself produced: one arm against the reference arm, within one
/// profile, for one outcome at one timepoint. The Analysis module maps its results onto this.
public struct ComparisonResult: Hashable, Sendable {
    /// Guideline profile label, e.g. `3b+Y`.
    public var profile: String
    /// Outcome identifier, e.g. `rmdq`; with ``effectMeasure`` it is the key that matches
    /// literature rows for pooling and settings for thresholds.
    public var outcome: String
    /// How sentences name the outcome, e.g. `RMDQ`.
    public var outcomeLabel: String
    public var timepoint: Timepoint
    public var arm: Arm
    public var referenceArm: Arm
    /// Participants analysed in `arm` and in `referenceArm`.
    public var nArm: Int
    public var nReference: Int
    /// E.g. `difference in mean change (Welch)`, `risk ratio`.
    public var effectMeasure: String
    public var scale: EffectScale
    /// Which side of the null favours `arm`.
    public var favourable: EffectDirection
    /// Arm minus reference (or arm over reference for ratios), with its 95 % CI.
    public var estimate: Double
    public var ciLow: Double
    public var ciHigh: Double
    /// Two-sided p-value; nil when the method gives none.
    public var p: Double?
    /// Standard error of ``estimate`` from the method itself (the model's, for ANCOVA); nil when
    /// the method's interval is not estimate ± critical value × SE (Newcombe's for a risk
    /// difference), and pooling then takes it from the interval.
    public var standardError: Double?
    /// I² in percent of this effect across sites, for GRADE inconsistency; nil when not computed.
    public var i2AcrossSitesPercent: Double?
    /// The participants an adequately powered comparison needs (optimal information size); nil
    /// uses the trial's planned size from ``StudyDesign/plannedSampleSize``.
    public var plannedSampleSize: Int?
    /// Percent of the randomised participants lost to follow-up at this comparison's timepoint,
    /// for GRADE risk of bias (judged per outcome and visit); nil uses the design's
    /// ``StudyDesign/lossToFollowUpPercent``.
    public var lossToFollowUpPercent: Double?

    public init(
        profile: String, outcome: String, outcomeLabel: String, timepoint: Timepoint, arm: Arm, referenceArm: Arm,
        nArm: Int, nReference: Int, effectMeasure: String, scale: EffectScale, favourable: EffectDirection,
        estimate: Double, ciLow: Double, ciHigh: Double, p: Double?, standardError: Double? = nil,
        i2AcrossSitesPercent: Double? = nil,
        plannedSampleSize: Int? = nil, lossToFollowUpPercent: Double? = nil
    ) {
        self.profile = profile
        self.outcome = outcome
        self.outcomeLabel = outcomeLabel
        self.timepoint = timepoint
        self.arm = arm
        self.referenceArm = referenceArm
        self.nArm = nArm
        self.nReference = nReference
        self.effectMeasure = effectMeasure
        self.scale = scale
        self.favourable = favourable
        self.estimate = estimate
        self.ciLow = ciLow
        self.ciHigh = ciHigh
        self.p = p
        self.standardError = standardError
        self.i2AcrossSitesPercent = i2AcrossSitesPercent
        self.plannedSampleSize = plannedSampleSize
        self.lossToFollowUpPercent = lossToFollowUpPercent
    }

    /// The ``profile`` of a comparison over every randomised participant.
    public static let wholeTrial = "all"

    /// `rmdq/3b+Y/graded_activity-vs-general_exercise/week12`: unique per comparison.
    public var conclusionID: String {
        "\(outcome)/\(profile)/\(arm.id)-vs-\(referenceArm.id)/\(timepoint.name)"
    }

    /// `graded_activity vs general_exercise`.
    public var comparison: String { "\(arm.id) vs \(referenceArm.id)" }

    /// Where the 95 % CI lies relative to the null, seen from `arm`.
    public var verdict: ComparisonVerdict {
        let null = scale.nullValue
        guard ciLow.isFinite, ciHigh.isFinite else { return .inconclusive }
        let above = ciLow > null
        let below = ciHigh < null
        switch favourable {
        case .higher: return above ? .favoursArm : (below ? .favoursReference : .inconclusive)
        case .lower: return below ? .favoursArm : (above ? .favoursReference : .inconclusive)
        }
    }
}

/// Which arm the 95 % CI supports: the whole interval on one side of the null, or neither.
public enum ComparisonVerdict: String, Sendable, Hashable {
    case favoursArm = "favours_arm"
    case favoursReference = "favours_reference"
    case inconclusive
}

/// The trial itself as a row of its own evidence table.
public struct OwnStudy: Hashable, Sendable {
    /// Independence key, kept apart from every literature study id.
    public var studyID: String
    /// How tables and conclusions name it, e.g. `this study`.
    public var citation: String
    public var year: Int?
    /// E.g. `Randomised controlled trial, multi-site`.
    public var studyType: String
    public var inclusionCriteria: String
    public var design: StudyDesign

    public init(
        studyID: String = "this-study", citation: String = "this study", year: Int?, studyType: String,
        inclusionCriteria: String, design: StudyDesign
    ) {
        self.studyID = studyID
        self.citation = citation
        self.year = year
        self.studyType = studyType
        self.inclusionCriteria = inclusionCriteria
        self.design = design
    }
}

extension OwnStudy {
    /// The study's own grade under the settings' thresholds.
    public func grade(settings: EvidenceSettings) -> GradeAssessment {
        design.ebroGrade(thresholds: settings.gradeThresholds)
    }

    /// One evidence-table row per comparison, in input order.
    ///
    /// Population: `profile 3b+Y: graded_activity n=42, general_exercise n=40`; description: the
    /// arms compared, the outcome and timepoint; result: `estimate (95 % CI low to high); p value`.
    public func evidenceRows(for results: [ComparisonResult], settings: EvidenceSettings = EvidenceSettings()) -> [EvidenceTableRow] {
        let grade = grade(settings: settings).grade
        return results.map { result in
            EvidenceTableRow(
                study: citation, year: year, level: grade.rawValue, studyType: studyType,
                inclusionCriteria: inclusionCriteria,
                population: "profile \(result.profile): \(result.arm.id) n=\(result.nArm), \(result.referenceArm.id) n=\(result.nReference)",
                description: "\(result.arm.label) vs \(result.referenceArm.label) (reference), \(result.outcomeLabel) at \(result.timepoint.name)",
                effectMeasure: result.effectMeasure,
                result: Self.resultText(result, decimals: settings.resultDecimals),
                source: .thisStudy, studyID: studyID, conclusionIDs: [result.conclusionID],
                profile: result.profile, outcome: result.outcome, comparison: result.comparison, timepoint: result.timepoint.name,
                estimate: result.estimate, ciLow: result.ciLow, ciHigh: result.ciHigh,
                standardError: result.standardError, p: result.p)
        }
    }

    /// One conclusion per comparison, in input order, at the level this single study supports
    /// under the configured variant (one A2: level 2 in variant A, 3 in variant B; one B: 3).
    ///
    /// The sentence says "more" when the whole 95 % CI favours the arm, "less" when it favours
    /// the reference, and "not demonstrably more or less" otherwise, e.g.
    /// `Niveau 3 — er zijn aanwijzingen dat graded activity bij profiel 3b+Y de RMDQ na 12 weken
    /// meer verbetert dan general exercise (B: this study)`.
    public func conclusions(for results: [ComparisonResult], settings: EvidenceSettings = EvidenceSettings()) -> [ConclusionRow] {
        let assessment = grade(settings: settings)
        let derivation = settings.variant.deriveLevel(
            from: [GradedStudy(studyID: studyID, citation: citation, grade: assessment.grade)])
        return results.map { result in
            let level = derivation.level ?? .four
            let arm = sentenceCase(result.arm.label)
            let reference = sentenceCase(result.referenceArm.label)
            let support = "\(assessment.grade.rawValue): \(citation)"
            let dutchClaim: String
            let englishClaim: String
            switch result.verdict {
            case .favoursArm:
                dutchClaim = "meer verbetert dan \(reference)"
                englishClaim = "improves \(result.outcomeLabel) more than \(reference)"
            case .favoursReference:
                dutchClaim = "minder verbetert dan \(reference)"
                englishClaim = "improves \(result.outcomeLabel) less than \(reference)"
            case .inconclusive:
                dutchClaim = "niet aantoonbaar meer of minder verbetert dan \(reference)"
                englishClaim = "does not demonstrably improve \(result.outcomeLabel) more or less than \(reference)"
            }
            let week = result.timepoint.week
            let wholeTrial = result.profile == ComparisonResult.wholeTrial
            let dutchGroup = wholeTrial ? "bij alle gerandomiseerde patiënten" : "bij profiel \(result.profile)"
            let englishGroup = wholeTrial ? "in all randomised patients" : "in profile \(result.profile)"
            let dutch = "\(level.dutchLabel) — \(level.dutchWording) \(arm) \(dutchGroup) de "
                + "\(result.outcomeLabel) na \(week) \(week == 1 ? "week" : "weken") \(dutchClaim) (\(support))"
            let english = "\(level.englishLabel) — \(level.englishWording) \(arm) \(englishClaim) at week \(week) "
                + "\(englishGroup) (\(support))"
            return ConclusionRow(
                conclusionID: result.conclusionID, source: .thisStudy, outcome: result.outcome, profile: result.profile,
                comparison: result.comparison, timepoint: result.timepoint.name, statedLevel: nil,
                derivedLevel: derivation.level, variant: settings.variant, match: .notStated,
                reason: derivation.reason + "; study grade " + assessment.reason,
                dutchWording: level.dutchWording, dutch: dutch, english: english,
                supportingStudies: "\(citation) (\(assessment.grade.rawValue))")
        }
    }

    /// One GRADE summary-of-findings row per comparison, in input order.
    ///
    /// Randomised evidence when the design is randomised; risk of bias from the design, with the
    /// loss to follow-up at the comparison's own visit when it has one;
    /// inconsistency from ``ComparisonResult/i2AcrossSitesPercent``; imprecision against the
    /// settings' decision thresholds for the outcome and against the planned size (the
    /// comparison's own, else the trial's: a profile subgroup smaller than the trial's plan is
    /// rated down, since subgroup claims are underpowered unless the plan powered them);
    /// declared judgements from the settings.
    public func summaryOfFindings(for results: [ComparisonResult], settings: EvidenceSettings = EvidenceSettings()) -> [SummaryOfFindingsRow] {
        results.map { result in
            let declared = settings.declarations(outcome: result.outcome)
            var design = self.design
            if let loss = result.lossToFollowUpPercent {
                design.lossToFollowUpPercent = loss
                design.lossToFollowUpVisit = result.timepoint.name
            }
            let input = GRADEInput(
                randomised: design.randomised, design: design, i2Percent: result.i2AcrossSitesPercent,
                ciLow: result.ciLow, ciHigh: result.ciHigh,
                decisionThresholds: settings.thresholds(outcome: result.outcome, effectMeasure: result.effectMeasure),
                sampleSize: result.nArm + result.nReference,
                plannedSampleSize: result.plannedSampleSize ?? design.plannedSampleSize,
                indirectness: declared?.indirectness, publicationBias: declared?.publicationBias,
                largeEffect: declared?.largeEffect, doseResponse: declared?.doseResponse,
                plausibleConfounding: declared?.plausibleConfounding)
            return SummaryOfFindingsRow(
                outcome: result.outcome, profile: result.profile, comparison: result.comparison,
                timepoint: result.timepoint.name, n: result.nArm + result.nReference, effectMeasure: result.effectMeasure,
                estimate: result.estimate, ciLow: result.ciLow, ciHigh: result.ciHigh,
                effect: intervalText(result.estimate, result.ciLow, result.ciHigh, decimals: settings.resultDecimals),
                assessment: assessCertainty(input, thresholds: settings.gradeRatingThresholds))
        }
    }

    /// `-2.10 (95 % CI -3.40 to -0.80); p 0.002` (`p < 0.001` below one in a thousand).
    static func resultText(_ result: ComparisonResult, decimals: Int) -> String {
        var text = intervalText(result.estimate, result.ciLow, result.ciHigh, decimals: decimals)
        if let p = result.p { text += "; " + pText(p) }
        return text
    }
}

/// `-2.10 (95 % CI -3.40 to -0.80)`.
func intervalText(_ estimate: Double, _ low: Double, _ high: Double, decimals: Int) -> String {
    "\(NumberText.fixed(estimate, decimals)) (95 % CI \(NumberText.fixed(low, decimals)) to \(NumberText.fixed(high, decimals)))"
}

/// `p 0.002`, `p < 0.001`.
func pText(_ p: Double) -> String {
    p < 0.001 ? "p < 0.001" : "p " + NumberText.fixed(p, 3)
}

/// An arm label as it reads inside a sentence: the first letter lowered (`Graded activity` →
/// `graded activity`) unless the first word holds another capital (`McKenzie`, `RMDQ`), which
/// marks a name or an acronym.
func sentenceCase(_ label: String) -> String {
    guard let first = label.first else { return label }
    let firstWord = label.prefix { $0 != " " }
    if firstWord.dropFirst().contains(where: \.isUppercase) { return label }
    return first.lowercased() + label.dropFirst()
}

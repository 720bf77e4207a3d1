/// GRADE certainty of a body of evidence, from strongest to weakest.
public enum Certainty: Int, Sendable, Hashable, CaseIterable, Comparable, CustomStringConvertible {
    case veryLow = 1
    case low = 2
    case moderate = 3
    case high = 4

    /// `High`, `Moderate`, `Low`, `Very low`, as GRADE tables print them.
    public var label: String {
        switch self {
        case .high: "High"
        case .moderate: "Moderate"
        case .low: "Low"
        case .veryLow: "Very low"
        }
    }

    public var description: String { label }

    public static func < (lhs: Certainty, rhs: Certainty) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The GRADE domains, in the order summary-of-findings tables list them.
public enum GRADEDomain: String, Sendable, Hashable, CaseIterable {
    case riskOfBias = "risk of bias"
    case inconsistency
    case indirectness
    case imprecision
    case publicationBias = "publication bias"
    case largeEffect = "large effect"
    case doseResponse = "dose-response"
    case plausibleConfounding = "plausible confounding"

    /// Whether the domain can only rate up (the last three) or only down (the first five).
    public var ratesUp: Bool {
        switch self {
        case .largeEffect, .doseResponse, .plausibleConfounding: true
        default: false
        }
    }

    /// Largest number of levels the domain may move: two for the five rate-down domains and for
    /// a large effect (very large: two), one for dose-response and plausible confounding.
    public var maximumLevels: Int {
        switch self {
        case .doseResponse, .plausibleConfounding: 1
        default: 2
        }
    }
}

/// A judgement the study team declares because data cannot decide it (indirectness, publication
/// bias, large effect, dose-response, plausible confounding, or risk of bias without a design).
public struct GRADEDeclaration: Hashable, Sendable {
    /// Levels to move, 0...2 (clamped to the domain's ``GRADEDomain/maximumLevels``); always
    /// positive: the domain decides the direction.
    public var levels: Int
    /// Why, in the team's words; printed in the summary of findings.
    public var reason: String

    public init(levels: Int, reason: String) {
        self.levels = levels
        self.reason = reason
    }
}

/// One rating step: the domain, the levels moved (negative = down), and why.
public struct GRADEStep: Hashable, Sendable {
    public var domain: GRADEDomain
    /// -2...2; 0 when the domain raised no concern or does not apply.
    public var change: Int
    public var reason: String
    /// A declared upgrade not applied (randomised evidence, or evidence rated down elsewhere):
    /// its change is 0, and the summary says so all the same.
    public var declaredButNotApplied: Bool

    public init(domain: GRADEDomain, change: Int, reason: String, declaredButNotApplied: Bool = false) {
        self.domain = domain
        self.change = change
        self.reason = reason
        self.declaredButNotApplied = declaredButNotApplied
    }
}

/// The cut-offs that make the data-driven GRADE domains checkable.
public struct GRADEThresholds: Hashable, Sendable {
    /// I² (percent) above which inconsistency rates down one level (exclusive); Cochrane Handbook
    /// calls 30-60 % moderate and 50-90 % substantial heterogeneity.
    public var inconsistencySeriousI2: Double
    /// I² (percent) above which inconsistency rates down two levels (exclusive).
    public var inconsistencyVerySeriousI2: Double
    /// Loss to follow-up, in percent, above which it counts as a risk-of-bias limitation.
    public var maximumLossToFollowUpPercent: Double

    public init(inconsistencySeriousI2: Double = 50, inconsistencyVerySeriousI2: Double = 75,
                maximumLossToFollowUpPercent: Double = 20) {
        self.inconsistencySeriousI2 = inconsistencySeriousI2
        self.inconsistencyVerySeriousI2 = inconsistencyVerySeriousI2
        self.maximumLossToFollowUpPercent = maximumLossToFollowUpPercent
    }

    public static let standard = GRADEThresholds()
}

/// Everything the GRADE rating of one outcome needs.
public struct GRADEInput: Hashable, Sendable {
    /// Randomised evidence starts High; observational evidence starts Low.
    public var randomised: Bool
    /// Design attributes from which risk of bias is derived; nil when the team declares it.
    public var design: StudyDesign?
    /// Used only when `design` is nil.
    public var declaredRiskOfBias: GRADEDeclaration?
    /// I² in percent across sites or studies; nil for a single estimate (not assessable).
    public var i2Percent: Double?
    /// The effect's 95 % confidence interval on the scale of `decisionThresholds`.
    public var ciLow: Double
    public var ciHigh: Double
    /// Decision thresholds on the effect scale, e.g. `[-5, 5]` for a RMDQ difference with a
    /// minimal important change of 5 points, or `[0.75, 1.25]` for a risk ratio. The interval
    /// crossing one threshold rates down one level; crossing two (appreciable benefit and
    /// appreciable harm both possible) rates down two.
    public var decisionThresholds: [Double]
    /// Participants analysed and the size one adequately powered trial needs (the optimal
    /// information size); fewer analysed than planned rates down one level.
    public var sampleSize: Int?
    public var plannedSampleSize: Int?
    public var indirectness: GRADEDeclaration?
    public var publicationBias: GRADEDeclaration?
    public var largeEffect: GRADEDeclaration?
    public var doseResponse: GRADEDeclaration?
    public var plausibleConfounding: GRADEDeclaration?

    public init(
        randomised: Bool, design: StudyDesign? = nil, declaredRiskOfBias: GRADEDeclaration? = nil,
        i2Percent: Double? = nil, ciLow: Double, ciHigh: Double, decisionThresholds: [Double],
        sampleSize: Int? = nil, plannedSampleSize: Int? = nil, indirectness: GRADEDeclaration? = nil,
        publicationBias: GRADEDeclaration? = nil, largeEffect: GRADEDeclaration? = nil,
        doseResponse: GRADEDeclaration? = nil, plausibleConfounding: GRADEDeclaration? = nil
    ) {
        self.randomised = randomised
        self.design = design
        self.declaredRiskOfBias = declaredRiskOfBias
        self.i2Percent = i2Percent
        self.ciLow = ciLow
        self.ciHigh = ciHigh
        self.decisionThresholds = decisionThresholds
        self.sampleSize = sampleSize
        self.plannedSampleSize = plannedSampleSize
        self.indirectness = indirectness
        self.publicationBias = publicationBias
        self.largeEffect = largeEffect
        self.doseResponse = doseResponse
        self.plausibleConfounding = plausibleConfounding
    }
}

/// A GRADE rating: where it started, every step with its reason, and the final certainty.
public struct GRADEAssessment: Hashable, Sendable {
    public var start: Certainty
    public var startReason: String
    /// One step per domain, in ``GRADEDomain`` order, including domains that moved nothing.
    public var steps: [GRADEStep]
    public var certainty: Certainty

    public init(start: Certainty, startReason: String, steps: [GRADEStep], certainty: Certainty) {
        self.start = start
        self.startReason = startReason
        self.steps = steps
        self.certainty = certainty
    }

    /// The start, every step that moved the rating and every declared upgrade not applied, e.g.
    /// `start High (randomised); risk of bias -1 (not double-blind); imprecision -1 (...)`.
    public var summary: String {
        var parts = ["start \(start.label) (\(startReason))"]
        for step in steps where step.change != 0 || step.declaredButNotApplied {
            parts.append("\(step.domain.rawValue) \(step.change > 0 ? "+" : "")\(step.change) (\(step.reason))")
        }
        return parts.joined(separator: "; ")
    }
}

/// Rates the certainty of one outcome's evidence with GRADE.
///
/// Rules, each producing one ``GRADEStep``:
/// - **Start**: High for randomised evidence, Low for observational.
/// - **Risk of bias** (from ``StudyDesign``): limitations counted are allocation not concealed
///   (randomised only), not double-blind (randomised only), and losses to follow-up above
///   ``GRADEThresholds/maximumLossToFollowUpPercent`` or not reported. One or two limitations
///   rate down one level, three rate down two. Without a design the declared judgement is used.
/// - **Inconsistency**: I² above the serious threshold (default 50 %) down one, above the very
///   serious threshold (default 75 %) down two; not assessable for a single estimate.
/// - **Imprecision**: the 95 % CI strictly containing one decision threshold down one, two or
///   more down two; fewer participants than planned down one more; capped at two. A non-finite
///   interval rates down two.
/// - **Indirectness**, **publication bias**: as declared (down).
/// - **Large effect**, **dose-response**, **plausible confounding**: as declared (up), applied to
///   observational evidence that no other domain rated down (GRADE rates up only observational
///   evidence without serious limitations; otherwise the declaration is recorded with a change
///   of 0 and the reason it was not applied).
/// - The result is clamped to Very low...High.
public func assessCertainty(_ input: GRADEInput, thresholds: GRADEThresholds = .standard) -> GRADEAssessment {
    let start: Certainty = input.randomised ? .high : .low
    let startReason = input.randomised ? "randomised" : "observational"
    var steps: [GRADEStep] = []

    // Risk of bias.
    if let design = input.design {
        var limitations: [String] = []
        if input.randomised, !design.allocationConcealed { limitations.append("allocation not concealed") }
        if input.randomised, !design.doubleBlind { limitations.append("not double-blind") }
        let limit = NumberText.trimmed(thresholds.maximumLossToFollowUpPercent, 1)
        if let loss = design.lossToFollowUpPercent {
            if loss > thresholds.maximumLossToFollowUpPercent {
                let visit = design.lossToFollowUpVisit.map { " at \($0)" } ?? ""
                let shown = NumberText.trimmed(loss, 1, beside: thresholds.maximumLossToFollowUpPercent)
                limitations.append("\(shown) % lost to follow-up\(visit) (more than \(limit) %)")
            }
        } else {
            limitations.append("losses to follow-up not reported")
        }
        let change = limitations.isEmpty ? 0 : (limitations.count >= 3 ? -2 : -1)
        steps.append(GRADEStep(domain: .riskOfBias, change: change,
                               reason: limitations.isEmpty ? "no serious limitations" : limitations.joined(separator: ", ")))
    } else {
        steps.append(declaredStep(.riskOfBias, input.declaredRiskOfBias))
    }

    // Inconsistency.
    if let i2 = input.i2Percent {
        let text = "I² \(NumberText.fixed(i2, 1)) %"
        if i2 > thresholds.inconsistencyVerySeriousI2 {
            steps.append(GRADEStep(domain: .inconsistency, change: -2,
                                   reason: "\(text) above \(NumberText.trimmed(thresholds.inconsistencyVerySeriousI2, 1)) %"))
        } else if i2 > thresholds.inconsistencySeriousI2 {
            steps.append(GRADEStep(domain: .inconsistency, change: -1,
                                   reason: "\(text) above \(NumberText.trimmed(thresholds.inconsistencySeriousI2, 1)) %"))
        } else {
            steps.append(GRADEStep(domain: .inconsistency, change: 0,
                                   reason: "\(text) at most \(NumberText.trimmed(thresholds.inconsistencySeriousI2, 1)) %"))
        }
    } else {
        steps.append(GRADEStep(domain: .inconsistency, change: 0, reason: "single estimate, not assessable"))
    }

    steps.append(declaredStep(.indirectness, input.indirectness))
    steps.append(imprecisionStep(input))
    steps.append(declaredStep(.publicationBias, input.publicationBias))
    // GRADE rates up only observational evidence with no serious limitation: once a domain has
    // rated it down, a declared upgrade is recorded and not applied (Guyatt et al. 2011).
    let ratedDown = steps.contains { $0.change < 0 }
    let upgrade: UpgradeBlock? = input.randomised ? .randomised : (ratedDown ? .ratedDown : nil)
    steps.append(declaredStep(.largeEffect, input.largeEffect, blockedBy: upgrade))
    steps.append(declaredStep(.doseResponse, input.doseResponse, blockedBy: upgrade))
    steps.append(declaredStep(.plausibleConfounding, input.plausibleConfounding, blockedBy: upgrade))

    let total = start.rawValue + steps.reduce(0) { $0 + $1.change }
    let certainty = Certainty(rawValue: min(Certainty.high.rawValue, max(Certainty.veryLow.rawValue, total))) ?? .veryLow
    return GRADEAssessment(start: start, startReason: startReason, steps: steps, certainty: certainty)
}

/// Why a declared upgrade is not applied.
private enum UpgradeBlock {
    /// Rating up is for observational evidence.
    case randomised
    /// The evidence was rated down in some domain.
    case ratedDown

    var reason: String {
        switch self {
        case .randomised: "rating up is for observational evidence"
        case .ratedDown: "evidence rated down in another domain is not rated up"
        }
    }
}

private func declaredStep(_ domain: GRADEDomain, _ declaration: GRADEDeclaration?,
                          blockedBy block: UpgradeBlock? = nil) -> GRADEStep {
    guard let declaration, declaration.levels > 0 else {
        let none = domain.ratesUp ? "not declared" : "no serious concern declared"
        return GRADEStep(domain: domain, change: 0, reason: declaration.map { $0.reason.isEmpty ? none : $0.reason } ?? none)
    }
    let levels = min(declaration.levels, domain.maximumLevels)
    if let block {
        return GRADEStep(domain: domain, change: 0, reason: "declared +\(levels) not applied: \(block.reason) (\(declaration.reason))",
                         declaredButNotApplied: true)
    }
    return GRADEStep(domain: domain, change: domain.ratesUp ? levels : -levels, reason: declaration.reason)
}

private func imprecisionStep(_ input: GRADEInput) -> GRADEStep {
    guard input.ciLow.isFinite, input.ciHigh.isFinite, input.ciLow <= input.ciHigh else {
        return GRADEStep(domain: .imprecision, change: -2, reason: "no finite 95 % CI")
    }
    let interval = "95 % CI \(NumberText.fixed(input.ciLow, 2)) to \(NumberText.fixed(input.ciHigh, 2))"
    var reasons: [String] = []
    var levels = 0
    let crossed = input.decisionThresholds.sorted().filter { input.ciLow < $0 && $0 < input.ciHigh }
    if !crossed.isEmpty {
        levels += min(2, crossed.count)
        let listed = crossed.map { NumberText.trimmed($0, 3) }.joined(separator: " and ")
        reasons.append("\(interval) crosses \(crossed.count == 1 ? "the threshold" : "the thresholds") \(listed)")
    }
    if let n = input.sampleSize, let planned = input.plannedSampleSize, n < planned {
        levels += 1
        reasons.append("n \(n) below the planned \(planned)")
    }
    if levels == 0 {
        let basis = input.decisionThresholds.isEmpty ? "no decision threshold given" : "crosses no decision threshold"
        return GRADEStep(domain: .imprecision, change: 0, reason: "\(interval) \(basis)")
    }
    return GRADEStep(domain: .imprecision, change: -min(2, levels), reason: reasons.joined(separator: "; "))
}

/// How an effect measure relates to "no difference", and how it pools.
public enum EffectScale: String, Sendable, Hashable, CaseIterable {
    /// A difference (mean difference, risk difference, Hedges' g): null 0, pooled as is.
    case difference
    /// A ratio (risk ratio, odds ratio, hazard ratio): null 1, pooled on the natural-log scale and
    /// back-transformed.
    case ratio
    /// A ratio already on the natural-log scale (log RR): null 0, pooled as is.
    case logRatio = "log_ratio"

    /// The value meaning "no difference".
    public var nullValue: Double { self == .ratio ? 1 : 0 }
}

/// Which side of the null favours the compared arm.
public enum EffectDirection: String, Sendable, Hashable {
    /// Larger values favour the arm (e.g. risk ratio of responding, improvement scored positive).
    case higher
    /// Smaller values favour the arm (e.g. difference in mean change of RMDQ, pain or ODI, where
    /// a fall is an improvement).
    case lower
}

/// A decision threshold set for imprecision: applies to results of `outcome` (and, when given,
/// only to `effectMeasure`), on the effect scale.
public struct DecisionThreshold: Hashable, Sendable {
    public var outcome: String
    public var effectMeasure: String?
    /// E.g. `[-5, 5]` for a RMDQ difference with a minimal important change of 5 points.
    public var values: [Double]

    public init(outcome: String, effectMeasure: String? = nil, values: [Double]) {
        self.outcome = outcome
        self.effectMeasure = effectMeasure
        self.values = values
    }
}

/// The team's declared GRADE judgements for one outcome (the domains data cannot decide).
public struct GRADEDeclarations: Hashable, Sendable {
    public var outcome: String
    public var indirectness: GRADEDeclaration?
    public var publicationBias: GRADEDeclaration?
    public var largeEffect: GRADEDeclaration?
    public var doseResponse: GRADEDeclaration?
    public var plausibleConfounding: GRADEDeclaration?

    public init(
        outcome: String, indirectness: GRADEDeclaration? = nil, publicationBias: GRADEDeclaration? = nil,
        largeEffect: GRADEDeclaration? = nil, doseResponse: GRADEDeclaration? = nil,
        plausibleConfounding: GRADEDeclaration? = nil
    ) {
        self.outcome = outcome
        self.indirectness = indirectness
        self.publicationBias = publicationBias
        self.largeEffect = largeEffect
        self.doseResponse = doseResponse
        self.plausibleConfounding = plausibleConfounding
    }
}

/// Every choice the Evidence stage makes that a study team may want to change; reports name them.
public struct EvidenceSettings: Hashable, Sendable {
    /// Which EBRO table turns grades into levels (default: variant A, the current notes).
    public var variant: EBROVariant
    public var gradeThresholds: EBROGradeThresholds
    public var gradeRatingThresholds: GRADEThresholds
    /// Decision thresholds for imprecision; the first entry matching a result is used. A result
    /// without a matching entry is rated on sample size only.
    public var decisionThresholds: [DecisionThreshold]
    /// Declared GRADE judgements per outcome.
    public var declarations: [GRADEDeclarations]
    /// Decimals of estimates and interval bounds inside result and effect text (numeric columns
    /// are written unrounded by the writer's own rules).
    public var resultDecimals: Int
    /// Which estimates pool and at which confidence level.
    public var pooling: PoolingSettings

    public init(
        variant: EBROVariant = .a, gradeThresholds: EBROGradeThresholds = .standard,
        gradeRatingThresholds: GRADEThresholds = .standard, decisionThresholds: [DecisionThreshold] = [],
        declarations: [GRADEDeclarations] = [], resultDecimals: Int = 2, pooling: PoolingSettings = PoolingSettings()
    ) {
        self.pooling = pooling
        self.variant = variant
        self.gradeThresholds = gradeThresholds
        self.gradeRatingThresholds = gradeRatingThresholds
        self.decisionThresholds = decisionThresholds
        self.declarations = declarations
        self.resultDecimals = resultDecimals
    }

    /// The thresholds that apply to a result of `outcome` measured as `effectMeasure`.
    public func thresholds(outcome: String, effectMeasure: String) -> [Double] {
        decisionThresholds.first { $0.outcome == outcome && ($0.effectMeasure == nil || $0.effectMeasure == effectMeasure) }?
            .values ?? []
    }

    /// The declared judgements for `outcome`, if any.
    public func declarations(outcome: String) -> GRADEDeclarations? {
        declarations.first { $0.outcome == outcome }
    }
}

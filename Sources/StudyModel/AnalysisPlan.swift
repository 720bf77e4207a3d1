/// When a participant counts as a responder on a continuous outcome where lower is better.
///
/// Improvement is `baseline − follow-up` (points), relative improvement `improvement / baseline`.
/// A baseline of 0 leaves no room to improve: the relative criterion cannot be met (it is not
/// evaluated, never divided by zero), and the absolute criterion is not met either, so such a
/// participant is a non-responder under every kind.
public struct ResponderRule: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        /// Improvement of at least `absolute` points.
        case absolute
        /// Improvement of at least `relative` (a fraction) of the baseline value.
        case relative
        /// Either criterion (Ostelo et al. 2008).
        case either
    }

    public var kind: Kind
    /// Minimal important change in points (e.g. RMDQ 5, NRS 2, ODI 10).
    public var absolute: Double?
    /// Minimal important change as a fraction of baseline (e.g. 0.30).
    public var relative: Double?

    public init(kind: Kind, absolute: Double? = nil, relative: Double? = nil) {
        self.kind = kind
        self.absolute = absolute
        self.relative = relative
    }

    /// Whether a participant with these values responded.
    ///
    /// Thresholds are met within a tolerance of 1e-9 × the scale of the values, so that decimal
    /// scores hit them as a reader computes by hand (34.3 − 24.3 is 10 points, although in binary
    /// floating point it is 9.999999999999996).
    public func isResponder(baseline: Double, followUp: Double) -> Bool {
        let improvement = baseline - followUp
        let tolerance = 1e-9 * max(1, abs(baseline), abs(followUp))
        let meetsAbsolute = absolute.map { improvement >= $0 - tolerance && improvement > tolerance } ?? false
        let meetsRelative = relative.map { baseline > 0 && improvement > tolerance && improvement >= $0 * baseline - tolerance } ?? false
        switch kind {
        case .absolute: return meetsAbsolute
        case .relative: return meetsRelative
        case .either: return meetsAbsolute || meetsRelative
        }
    }

    /// E.g. `improvement >= 5 points or >= 30 % of baseline`.
    public var description: String {
        let points = absolute.map { "improvement >= \(Value.format($0)) points" }
        let percent = relative.map { "improvement >= \(Self.percentText($0)) % of baseline" }
        switch kind {
        case .absolute: return points ?? "absolute (no threshold)"
        case .relative: return percent ?? "relative (no threshold)"
        case .either: return [points, percent].compactMap { $0 }.joined(separator: " or ")
        }
    }

    /// `fraction` × 100 as the percentage it was written as: held to 15 significant digits, where
    /// a double's rounding error lives (0.29 × 100 is 28.999999999999996), trailing zeros dropped.
    static func percentText(_ fraction: Double) -> String {
        var number = DecimalDigits(fraction * 100)
        number.round(toDecimals: DecimalDigits.guardDecimals(forShown: 0, magnitude: number.magnitude))
        var text = number.text
        if text.contains(".") {
            while text.last == "0" { text.removeLast() }
            if text.last == "." { text.removeLast() }
        }
        return text
    }
}

/// One outcome the analysis reports.
public struct OutcomePlan: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        /// A score where lower is better (pain, disability): change scores and responders.
        case continuous(responder: ResponderRule)
        /// A rating at follow-up whose listed categories count as success (GPE 1 and 2).
        case success(categories: [Double])
    }

    /// The canonical visit field measured.
    public var field: Field
    /// Name in reports (`rmdq`, or `gpe_success` for a success outcome).
    public var name: String
    public var label: String
    public var kind: Kind

    public init(field: Field, name: String? = nil, label: String, kind: Kind) {
        self.field = field
        self.name = name ?? field.name
        self.label = label
        self.kind = kind
    }

    public var isContinuous: Bool {
        if case .continuous = kind { return true }
        return false
    }
}

/// What the response analysis computes: outcomes, follow-up timepoints, the reference arm and
/// whether the arm × profile interaction was prespecified.
public struct AnalysisPlan: Hashable, Sendable {
    public var outcomes: [OutcomePlan]
    /// Names of the follow-up timepoints analysed (baseline is always the reference visit).
    public var timepoints: [String]
    /// The name of the baseline visit (week 0 of the schedule), which every change is from.
    public var baseline: String
    /// The arm every other arm is compared with.
    public var referenceArm: String
    /// A prespecified interaction is reported as confirmatory; otherwise it is labelled exploratory.
    public var interactionPrespecified: Bool
    public var confidenceLevel: Double
    /// The date the export was made up to, for a batch taken while the trial runs: a follow-up
    /// visit that is not recorded and whose window closes after it is not due yet, and is left
    /// out of its visit's analysis instead of counting as missing. nil: every visit is due.
    public var dataCutoff: CalendarDate?

    public init(outcomes: [OutcomePlan], timepoints: [String], referenceArm: String,
                interactionPrespecified: Bool = false, confidenceLevel: Double = 0.95, baseline: String = "baseline",
                dataCutoff: CalendarDate? = nil) {
        self.outcomes = outcomes
        self.timepoints = timepoints
        self.baseline = baseline
        self.referenceArm = referenceArm
        self.interactionPrespecified = interactionPrespecified
        self.confidenceLevel = confidenceLevel
        self.dataCutoff = dataCutoff
    }

    /// Minimal important changes of Ostelo et al. (2008, Spine): NRS 2/10, RMDQ 5/24, ODI 10/100,
    /// or 30 % improvement from baseline.
    public static let osteloResponders: [Field: ResponderRule] = [
        .rmdq: ResponderRule(kind: .either, absolute: 5, relative: 0.30),
        .painNRS: ResponderRule(kind: .either, absolute: 2, relative: 0.30),
        .odi: ResponderRule(kind: .either, absolute: 10, relative: 0.30),
        .painVAS: ResponderRule(kind: .either, absolute: 15, relative: 0.30),
    ]

    /// The default outcomes: RMDQ, pain NRS and ODI with Ostelo responders, and GPE success
    /// (the top two of seven categories: 1 completely recovered, 2 much improved).
    public static let defaultOutcomes: [OutcomePlan] = [
        OutcomePlan(field: .rmdq, label: "RMDQ (0-24)", kind: .continuous(responder: osteloResponders[.rmdq] ?? ResponderRule(kind: .absolute, absolute: 5))),
        OutcomePlan(field: .painNRS, label: "Pain NRS (0-10)", kind: .continuous(responder: osteloResponders[.painNRS] ?? ResponderRule(kind: .absolute, absolute: 2))),
        OutcomePlan(field: .odi, label: "ODI (0-100)", kind: .continuous(responder: osteloResponders[.odi] ?? ResponderRule(kind: .absolute, absolute: 10))),
        OutcomePlan(field: .gpe, name: "gpe_success", label: "GPE success (much improved or recovered)", kind: .success(categories: [1, 2])),
    ]

    /// Default plan: the default outcomes at weeks 6, 12 and 26.
    public static func defaults(referenceArm: String) -> AnalysisPlan {
        AnalysisPlan(outcomes: defaultOutcomes, timepoints: ["week6", "week12", "week26"], referenceArm: referenceArm)
    }
}

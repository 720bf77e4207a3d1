import Statistics
import StudyModel

/// The NNT as Altman (1998) writes it, with its numbers rounded as every other number of the
/// reports (``NumberFormat/fixed(_:decimals:showInfinity:)``): an NNT of exactly 48.75, computed
/// as 48.74999999999991, is `48.8` at one decimal.
extension NumberNeededToTreat {
    /// The estimate as text, e.g. `NNTB 4.2`, `NNTH 12.5` or `NNT ∞`.
    public func formattedEstimate(decimals: Int = 1) -> String {
        switch estimate {
        case .benefit(let value): "NNTB \(Self.number(value, decimals))"
        case .harm(let value): "NNTH \(Self.number(value, decimals))"
        case .infinite: "NNT ∞"
        }
    }

    /// The interval as text, e.g. `NNTB 2.1 to 10.3`, `NNTH 5.0 to 40.0`,
    /// `NNTB 2.1 to ∞ to NNTH 25.0`, `∞ to NNTH 25.0`, `NNTB 2.1 to ∞` or `∞`.
    public func formattedInterval(decimals: Int = 1) -> String {
        switch interval {
        case let .benefit(from, to):
            return "NNTB \(Self.number(from, decimals)) to \(Self.number(to, decimals))"
        case let .harm(from, to):
            return "NNTH \(Self.number(from, decimals)) to \(Self.number(to, decimals))"
        case let .throughInfinity(benefit, harm):
            var parts: [String] = []
            if let benefit { parts.append("NNTB \(Self.number(benefit, decimals))") }
            parts.append("∞")
            if let harm { parts.append("NNTH \(Self.number(harm, decimals))") }
            return parts.joined(separator: " to ")
        }
    }

    /// Estimate and interval, e.g. `NNTB 4.2 (NNTB 2.1 to ∞ to NNTH 25.0)`.
    public func formatted(decimals: Int = 1) -> String {
        "\(formattedEstimate(decimals: decimals)) (\(formattedInterval(decimals: decimals)))"
    }

    /// An NNT limit; one so large that it overflows (a risk-difference limit a hair above 0) is ∞.
    private static func number(_ value: Double, _ decimals: Int) -> String {
        value.isFinite ? DecimalDigits.fixed(value, decimals: decimals) : "∞"
    }
}

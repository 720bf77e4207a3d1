/// `value` with exactly `decimals` digits after the point (0...9), independent of locale:
/// the binary value times `10^decimals` rounded half away from zero, digits written with ASCII
/// `0-9`, `-` and `.`. Infinities are written `∞` and `-∞`, NaN `NaN`; magnitudes too large to
/// scale exactly (`≥ 2⁵³ / 10^decimals`) fall back to Swift's shortest round-trip description.
func formatFixed(_ value: Double, decimals: Int) -> String {
    if value.isNaN { return "NaN" }
    if value == .infinity { return "∞" }
    if value == -.infinity { return "-∞" }
    let places = min(max(decimals, 0), 9)
    var power = 1.0
    for _ in 0..<places { power *= 10 }
    let scaled = (abs(value) * power).rounded(.toNearestOrAwayFromZero)
    guard scaled < 9_007_199_254_740_992 else { return String(describing: value) }
    let digits = UInt64(scaled)
    let unit = UInt64(power)
    let whole = digits / unit
    let fraction = digits % unit
    var text = value < 0 && digits != 0 ? "-" : ""
    text += String(whole)
    if places > 0 {
        let fractionText = String(fraction)
        text += "." + String(repeating: "0", count: places - fractionText.count) + fractionText
    }
    return text
}

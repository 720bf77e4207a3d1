/// `value`, computed from recorded numbers no larger than `magnitude`, without the rounding error
/// binary arithmetic leaves in its last bits: 6.3 − 4.1 is 2.2, not 2.1999999999999997, so
/// equal differences are equal numbers and a difference prints as the decimals it is.
///
/// Rounded to 10 decimals while `magnitude` is below 100 000, and to one decimal fewer for each
/// further digit, so that the scaled value stays below 10¹⁵, where a double holds every whole
/// number exactly (15 significant digits: 600039.3 − 600039.0 is 0.3, where 10 decimals would
/// keep the noise of 0.30000000004656613). Recorded scores and durations have a few decimals,
/// so nothing else changes. From a magnitude of 10¹⁵ on, and for infinity and NaN, the value is
/// returned as it is.
public func withoutBinaryNoise(_ value: Double, magnitude: Double) -> Double {
    // From 10¹⁵ on a double has no decimals to spare: rounding would only move the value.
    guard magnitude < 1e15 else { return value }
    var scale = 1e10
    var limit = 1e5
    while magnitude >= limit && scale > 1 {
        scale /= 10
        limit *= 10
    }
    let scaled = (value * scale).rounded()
    return abs(scaled) < 9e15 ? scaled / scale : value
}

/// SplitMix64 (Steele, Lea and Flood 2014): used to spread a seed into well-mixed words, both to seed
/// ``RandomStream`` and to derive one independent seed per participant and purpose.
///
/// The generator is written out here, not taken from the standard library, because the output of
/// `SystemRandomNumberGenerator` is not repeatable and the algorithms behind `Int.random(in:using:)`
/// are not promised to stay the same between Swift releases: the sample data must be the same bytes
/// for the same seed on every machine and toolchain.
struct SplitMix64 {
    private(set) var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SplitMix64.mix(state)
    }

    /// The SplitMix64 output function: a bijective avalanche of one word.
    static func mix(_ word: UInt64) -> UInt64 {
        var z = word
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// What a derived random stream is used for; each purpose gets its own stream so that changing how
/// one aspect is drawn (say, the outcome model) leaves every other aspect of every participant as it
/// was.
enum StreamPurpose: UInt64 {
    case screening = 1
    case outcomes = 2
    case export = 3
}

/// xoshiro256** (Blackman and Vigna 2018) seeded through SplitMix64, with the few draws the
/// generator needs built on integer and IEEE-754 arithmetic only (`+`, `*`, `/`, `sqrt` are correctly
/// rounded everywhere; `log`, `sin`, `cos` are not), so every platform draws the same numbers.
struct RandomStream {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    init(seed: UInt64) {
        var mixer = SplitMix64(seed: seed)
        s0 = mixer.next()
        s1 = mixer.next()
        s2 = mixer.next()
        s3 = mixer.next()
    }

    /// A stream starting from an explicit xoshiro256** state (not all zero), for reference tests.
    init(state: (UInt64, UInt64, UInt64, UInt64)) {
        (s0, s1, s2, s3) = state
    }

    /// The stream of one participant for one purpose: a pure function of (study seed, participant
    /// index, purpose), so any participant can be regenerated alone, in any order.
    init(seed: UInt64, index: Int, purpose: StreamPurpose) {
        let a = SplitMix64.mix(seed ^ 0x5DEE_CE66_D1CE_4E5B)
        let b = SplitMix64.mix(a ^ (UInt64(truncatingIfNeeded: index) &* 0x9E37_79B9_7F4A_7C15))
        self.init(seed: SplitMix64.mix(b ^ (purpose.rawValue &* 0xD1B5_4A32_D192_ED03)))
    }

    mutating func next() -> UInt64 {
        let result = RandomStream.rotateLeft(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = RandomStream.rotateLeft(s3, 45)
        return result
    }

    /// Uniform in [0, 1) with 53 random bits.
    mutating func uniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform integer in `range` (both ends included), by rejection so that there is no modulo bias.
    mutating func integer(in range: ClosedRange<Int>) -> Int {
        let span = UInt64(range.upperBound - range.lowerBound) &+ 1
        if span == 0 { return Int(truncatingIfNeeded: next()) }
        let limit = UInt64.max - UInt64.max % span
        var draw = next()
        while draw >= limit { draw = next() }
        return range.lowerBound + Int(draw % span)
    }

    /// True with probability `probability`.
    mutating func chance(_ probability: Double) -> Bool {
        uniform() < probability
    }

    /// Approximately standard normal: the Irwin–Hall sum of twelve uniforms minus six (mean 0,
    /// variance 1, tails cut at ±6), chosen because it needs no transcendental functions.
    mutating func standardNormal() -> Double {
        var sum = 0.0
        for _ in 0..<12 { sum += uniform() }
        return sum - 6
    }

    /// Normal with the given mean and standard deviation (see ``standardNormal()``).
    mutating func normal(mean: Double, sd: Double) -> Double {
        mean + sd * standardNormal()
    }

    /// An index drawn with probability proportional to `weights` (all non-negative, sum positive).
    mutating func weightedIndex(_ weights: [Double]) -> Int {
        let total = weights.reduce(0, +)
        var target = uniform() * total
        for (index, weight) in weights.enumerated() {
            if target < weight { return index }
            target -= weight
        }
        return weights.count - 1
    }

    /// One element, uniformly.
    mutating func element<T>(of items: [T]) -> T {
        items[integer(in: 0...(items.count - 1))]
    }

    /// A random permutation of `items` (Fisher–Yates).
    mutating func shuffled<T>(_ items: [T]) -> [T] {
        var result = items
        var index = result.count - 1
        while index > 0 {
            let other = integer(in: 0...index)
            result.swapAt(index, other)
            index -= 1
        }
        return result
    }

    private static func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }
}

extension Double {
    /// Rounds half away from zero to the nearest integer and clamps to `range`.
    func roundedClamped(to range: ClosedRange<Int>) -> Int {
        let rounded = self.rounded(.toNearestOrAwayFromZero)
        if rounded <= Double(range.lowerBound) { return range.lowerBound }
        if rounded >= Double(range.upperBound) { return range.upperBound }
        return Int(rounded)
    }
}

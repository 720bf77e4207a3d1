import Testing

@testable import SampleDataGenerator

/// The generators against their published reference outputs, and the derived draws against their
/// definitions.
struct RandomStreamTests {
    @Test func splitMix64MatchesTheReferenceSequence() {
        // Reference outputs of SplitMix64 from state 0 (Vigna's splitmix64.c).
        var generator = SplitMix64(seed: 0)
        #expect(generator.next() == 0xE220_A839_7B1D_CDAF)
        #expect(generator.next() == 0x6E78_9E6A_A1B9_65F4)
        #expect(generator.next() == 0x06C4_5D18_8009_454F)
    }

    @Test func xoshiro256StarStarMatchesTheReferenceSequence() {
        // Reference outputs of xoshiro256** from the state {1, 2, 3, 4} (Blackman and Vigna).
        var stream = RandomStream(state: (1, 2, 3, 4))
        #expect(stream.next() == 11520)
        #expect(stream.next() == 0)
        #expect(stream.next() == 1_509_978_240)
        #expect(stream.next() == 1_215_971_899_390_074_240)
    }

    @Test func derivedStreamsRepeatAndDiffer() {
        var first = RandomStream(seed: 7, index: 3, purpose: .screening)
        var again = RandomStream(seed: 7, index: 3, purpose: .screening)
        var otherIndex = RandomStream(seed: 7, index: 4, purpose: .screening)
        var otherPurpose = RandomStream(seed: 7, index: 3, purpose: .outcomes)
        var otherSeed = RandomStream(seed: 8, index: 3, purpose: .screening)
        let a = (0..<4).map { _ in first.next() }
        #expect(a == (0..<4).map { _ in again.next() })
        #expect(a != (0..<4).map { _ in otherIndex.next() })
        #expect(a != (0..<4).map { _ in otherPurpose.next() })
        #expect(a != (0..<4).map { _ in otherSeed.next() })
    }

    @Test(arguments: [0...0, 0...1, -3...3, 1...14, 88...700])
    func integersStayInRangeAndReachBothEnds(range: ClosedRange<Int>) {
        var stream = RandomStream(seed: 99)
        var seen = Set<Int>()
        for _ in 0..<20_000 {
            let value = stream.integer(in: range)
            #expect(range.contains(value))
            seen.insert(value)
        }
        #expect(seen.contains(range.lowerBound))
        #expect(seen.contains(range.upperBound))
    }

    @Test func uniformAndNormalHaveTheirMoments() {
        var stream = RandomStream(seed: 2024)
        let n = 100_000
        var uniformSum = 0.0
        var normalSum = 0.0
        var normalSquares = 0.0
        for _ in 0..<n {
            let u = stream.uniform()
            #expect(u >= 0 && u < 1)
            uniformSum += u
            let z = stream.normal(mean: 3, sd: 2)
            normalSum += z
            normalSquares += z * z
        }
        let normalMean = normalSum / Double(n)
        let normalVariance = normalSquares / Double(n) - normalMean * normalMean
        // Standard errors: uniform mean 0.29/sqrt(n) ~ 0.001; normal mean 2/sqrt(n) ~ 0.006.
        #expect(abs(uniformSum / Double(n) - 0.5) < 0.005)
        #expect(abs(normalMean - 3) < 0.03)
        #expect(abs(normalVariance - 4) < 0.1)
    }

    @Test func weightedIndexFollowsTheWeights() {
        var stream = RandomStream(seed: 5)
        var counts = [0, 0, 0]
        for _ in 0..<30_000 { counts[stream.weightedIndex([0.1, 0.3, 0.6])] += 1 }
        #expect(abs(Double(counts[0]) / 30_000 - 0.1) < 0.01)
        #expect(abs(Double(counts[1]) / 30_000 - 0.3) < 0.015)
        #expect(abs(Double(counts[2]) / 30_000 - 0.6) < 0.015)
    }
}

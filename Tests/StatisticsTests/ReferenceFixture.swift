import Foundation
import Testing

/// The decoded `Fixtures/reference.json` (see `Fixtures/make_reference.py`).
struct Reference: Decodable, Sendable {
    struct Tails: Decodable, Sendable {
        let df: Double?
        let df1: Double?
        let df2: Double?
        let x: Double
        let cdf: Double
        let sf: Double
    }

    struct Quantiles: Decodable, Sendable {
        let df: Double?
        let df1: Double?
        let df2: Double?
        let p: Double
        let ppf: Double
        let isf: Double
    }

    struct MomentsRow: Decodable, Sendable {
        let sample: String
        let count: Int
        let mean: Double
        let variance: Double?
        let standardDeviation: Double?
        let standardisedResponseMean: Double?
    }

    struct MeanIntervalRow: Decodable, Sendable {
        struct Expected: Decodable, Sendable {
            let mean: Double
            let standardError: Double
            let degreesOfFreedom: Int
            let lower: Double
            let upper: Double
        }

        let sample: String
        let level: Double
        let expected: Expected?
    }

    struct TwoSampleRow: Decodable, Sendable {
        struct Expected: Decodable, Sendable {
            let difference: Double
            let standardError: Double
            let degreesOfFreedom: Double
            let t: Double
            let pValue: Double
            let lower: Double
            let upper: Double
        }

        let first: String
        let second: String
        let level: Double
        let welch: Expected?
        let pooled: Expected?
    }

    struct HedgesRow: Decodable, Sendable {
        let first: String
        let second: String
        let cohensD: Double
        let correctionFactor: Double
        let g: Double
        let standardError: Double
        let lower: Double
        let upper: Double
        let approximateCorrectionFactor: Double
        let approximateG: Double
    }

    struct WilsonRow: Decodable, Sendable {
        let successes: Int
        let trials: Int
        let level: Double
        let lower: Double
        let upper: Double
    }

    struct NewcombeRow: Decodable, Sendable {
        let successes1: Int
        let trials1: Int
        let successes2: Int
        let trials2: Int
        let level: Double
        let difference: Double
        let lower: Double
        let upper: Double
    }

    struct RiskRatioRow: Decodable, Sendable {
        struct Expected: Decodable, Sendable {
            let ratio: Double
            let standardErrorOfLog: Double
            let lower: Double
            let upper: Double
            let appliedCorrection: Double
        }

        let successes1: Int
        let trials1: Int
        let successes2: Int
        let trials2: Int
        let correction: Double
        let expected: Expected?
    }

    /// A number, the string "inf", or null.
    enum OddsRatio: Decodable, Sendable {
        case value(Double)
        case infinity
        case undefined

        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                self = .undefined
            } else if let number = try? container.decode(Double.self) {
                self = .value(number)
            } else {
                let text = try container.decode(String.self)
                guard text == "inf" else {
                    throw DecodingError.dataCorruptedError(in: container, debugDescription: "unexpected '\(text)'")
                }
                self = .infinity
            }
        }
    }

    struct FisherRow: Decodable, Sendable {
        let table: [Int]
        let alternative: String
        let pValue: Double
        let oddsRatio: OddsRatio

        enum CodingKeys: String, CodingKey {
            case table, alternative, pValue, oddsRatio
        }

        init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            table = try container.decode([Int].self, forKey: .table)
            alternative = try container.decode(String.self, forKey: .alternative)
            pValue = try container.decode(Double.self, forKey: .pValue)
            oddsRatio = try container.decodeIfPresent(OddsRatio.self, forKey: .oddsRatio) ?? .undefined
        }
    }

    struct ChiSquareRow: Decodable, Sendable {
        let table: [[Int]]
        let yatesCorrection: Bool
        let statistic: Double
        let degreesOfFreedom: Int
        let pValue: Double
        let expected: [[Double]]
    }

    struct AnovaRow: Decodable, Sendable {
        let groups: [String]
        let f: Double
        let pValue: Double
        let degreesOfFreedomBetween: Int
        let degreesOfFreedomWithin: Int
    }

    /// A data column: numbers or labels.
    enum Column: Decodable, Sendable {
        case numbers([Double])
        case labels([String])

        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let numbers = try? container.decode([Double].self) {
                self = .numbers(numbers)
            } else {
                self = .labels(try container.decode([String].self))
            }
        }
    }

    struct LinearModelRow: Decodable, Sendable {
        struct CoefficientRow: Decodable, Sendable {
            let estimate: Double
            let standardError: Double
            let pValue: Double
            let lower: Double
            let upper: Double
        }

        struct FTestRow: Decodable, Sendable {
            struct Expected: Decodable, Sendable {
                let f: Double
                let pValue: Double
                let numeratorDegreesOfFreedom: Int
                let denominatorDegreesOfFreedom: Int
                let reducedResidualSumOfSquares: Double
            }

            let drop: [[String]]
            let expected: Expected?
        }

        let name: String
        let data: [String: Column]
        let levels: [String: [String]]
        let terms: [[String]]
        let columnNames: [String]
        let aliased: [String]
        let rank: Int
        let coefficients: [String: CoefficientRow]
        let residualSumOfSquares: Double
        let residualDegreesOfFreedom: Int
        let residualVariance: Double
        let fTests: [FTestRow]
    }

    struct MetaRow: Decodable, Sendable {
        struct Pooled: Decodable, Sendable {
            let estimate: Double
            let standardError: Double
            let lower: Double
            let upper: Double
            let z: Double
            let pValue: Double
        }

        let name: String
        let estimates: [Double]
        let standardErrors: [Double]
        let level: Double
        let q: Double
        let degreesOfFreedom: Int
        let qPValue: Double
        let fixedEffect: Pooled
        let randomEffects: Pooled?
        let tauSquared: Double?
        let iSquared: Double?
        let counts: [[Int]]?
    }

    let samples: [String: [Double]]
    let distributions: [String: [Tails]]
    let quantiles: [String: [Quantiles]]
    let moments: [MomentsRow]
    let meanIntervals: [MeanIntervalRow]
    let twoSample: [TwoSampleRow]
    let hedges: [HedgesRow]
    let wilson: [WilsonRow]
    let newcombe: [NewcombeRow]
    let riskRatio: [RiskRatioRow]
    let fisher: [FisherRow]
    let chiSquare: [ChiSquareRow]
    let anova: [AnovaRow]
    let linearModels: [LinearModelRow]
    let meta: [MetaRow]

    /// The fixture, decoded once.
    private static let cached = Result<Reference, any Error> {
        guard let url = Bundle.module.url(forResource: "reference", withExtension: "json", subdirectory: "Fixtures") else {
            throw FixtureError.missing
        }
        return try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
    }

    /// The decoded fixture; throws when it is missing or malformed.
    static func load() throws -> Reference {
        try cached.get()
    }

    /// A named sample; records an issue and returns an empty array when the name is unknown.
    func sample(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) -> [Double] {
        guard let values = samples[name] else {
            Issue.record("the fixture has no sample '\(name)'", sourceLocation: sourceLocation)
            return []
        }
        return values
    }
}

enum FixtureError: Error {
    case missing
}

/// Relative tolerance for closed-form statistics and for distribution tails.
let closedFormTolerance = 1e-9

/// Whether `actual` is within `relative · max(|expected|, scale)` of `expected`. `scale` gives an
/// absolute floor for values that are legitimately near 0 (an interval limit of a difference,
/// say), in the units of the quantity.
func isClose(_ actual: Double, _ expected: Double, relative: Double = closedFormTolerance, scale: Double = 0) -> Bool {
    if actual == expected { return true }
    return abs(actual - expected) <= relative * max(abs(expected), scale)
}

/// Records an issue unless `actual` is close to `expected` (see ``isClose(_:_:relative:scale:)``).
func expectClose(
    _ actual: Double?,
    _ expected: Double,
    relative: Double = closedFormTolerance,
    scale: Double = 0,
    _ context: @autoclosure () -> String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    guard let actual else {
        Issue.record("\(context()): got nil, expected \(expected)", sourceLocation: sourceLocation)
        return
    }
    if !isClose(actual, expected, relative: relative, scale: scale) {
        let error = expected == 0 ? abs(actual) : abs(actual / expected - 1)
        Issue.record(
            "\(context()): got \(actual), expected \(expected) (relative error \(error))",
            sourceLocation: sourceLocation
        )
    }
}
